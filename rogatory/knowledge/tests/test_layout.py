"""UN documents imported as published, PDF and Word (issue 17, item 1; decision 0032).

The files in ``corpus/`` are real UN documents (corpus/SOURCES.md). Expected values were read
off the documents themselves: the printed symbol, the adoption date in the closing lines, the
numbered operative paragraphs, the notes at the foot of the pages.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.knowledge.layout import NotReadable, read_docx, read_pdf
from rogatory.knowledge.models import KnowledgeDocument
from rogatory.knowledge.untext import parse

CORPUS = Path(__file__).with_name("corpus")


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def test_a_general_assembly_resolution_pdf_keeps_its_structure() -> None:
    """A/RES/73/6: the symbol split over two fonts, the adoption date (not the distribution
    date), a title over three lines, 14 operative paragraphs with their verbs, 6 notes at the
    right paragraphs; no running header, page number or job number left in the text."""
    laid = read_pdf(corpus("A_RES_73_6-EN.pdf"))
    assert laid.pages == 5 and laid.furniture >= 8
    assert [note.marker for note in laid.notes] == ["1", "2", "3", "4", "5", "6"]
    assert laid.notes[5].text.startswith("Related documents include A/AC.105/1129")
    assert "A/AC.105/1162" in laid.notes[5].text  # carried over the page's last line
    document = parse(laid.text)
    assert (document.kind, document.symbol, document.number) == ("resolution", "A/RES/73/6", "73/6")
    assert document.body == "General Assembly"
    assert str(document.date) == "2018-10-26"
    assert document.title == (
        "Fiftieth anniversary of the first United Nations Conference on the Exploration and "
        "Peaceful Uses of Outer Space: space as a driver of sustainable development"
    )
    assert document.agenda_item == "30"
    assert len(document.operative) == 14
    assert [p.number for p in document.operative] == [str(n) for n in range(1, 15)]
    assert all(p.verb for p in document.operative)
    assert document.operative[0].verb == "Notes with appreciation"
    assert document.operative[-1].text.endswith("rules and procedures of the United Nations.")
    attached = [note.marker for p in document.paragraphs() for note in p.footnotes]
    # "2030 Agenda for Sustainable Development,²" is printed three times: note 2 each time.
    assert attached == ["¹", "²", "³", "⁴", "⁵", "⁶", "²", "²"]
    assert not document.unattached_footnotes
    assert document.closing == ("26th plenary meeting", "26 October 2018")
    text = laid.text
    assert "18-17962" not in text and "*1817962*" not in text
    assert not re.search(r"^\d+/5$", text, re.M)


def test_a_short_resolution_and_its_single_note() -> None:
    """A/RES/70/10: the note's mark stands alone on its line, the text below it; the mark is
    printed twice, and both paragraphs carry the note."""
    document = parse(read_pdf(corpus("A_RES_70_10-EN.pdf")).text)
    assert (document.symbol, str(document.date)) == ("A/RES/70/10", "2015-11-17")
    assert [p.verb for p in document.operative] == [
        "Takes note with appreciation",
        "Takes note",
        "Reaffirms",
        "Appeals",
        "Requests",
    ]
    notes = [n for p in document.paragraphs() for n in p.footnotes]
    # One note, its mark printed twice (the first preambular and the first operative paragraph).
    assert len(notes) == 2 and notes[0] == notes[1] and notes[0].text


def test_an_arabic_pdf_reads_in_logical_order_with_its_ligatures() -> None:
    """E/ESCWA/30/L.1 in Arabic: lam-alef ligatures come back as lam then alef ("الأمم", not
    "األمم"); the text is right to left; the symbol is found."""
    laid = read_pdf(corpus("E_ESCWA_30_L.1-AR.pdf"))
    assert laid.right_to_left
    assert "الأمم المتحدة" in laid.text and "األمم" not in laid.text
    assert "جدول الأعمال المؤقت" in laid.text
    document = parse(laid.text)
    assert (document.language, document.symbol) == ("ar", "E/ESCWA/30/L.1")


def test_a_word_file_brings_its_cover_numbering_and_notes() -> None:
    """A/81/6 (Sect. 16)/Part A as a Word file: the symbol from the first page's header, the
    automatic paragraph numbers ("16.1"), the footnotes; a merged table cell read once."""
    laid = read_docx(corpus("A_81_6_SECT_16.docx"))
    assert laid.kind == "docx"
    assert any(
        p.startswith("16.1 The United Nations Office on Drugs and Crime") for p in laid.paragraphs
    )
    assert len(laid.notes) == 3
    document = parse(laid.text)
    assert document.symbol == "A/81/6 (Sect. 16)/Part A"
    assert document.language == "en"
    # The contents table's merged cells once each, not once per grid column.
    runs = zip(laid.paragraphs, laid.paragraphs[1:], laid.paragraphs[2:], strict=False)
    assert not [a for a, b, c in runs if a == b == c and any(ch.isalpha() for ch in a)]


def test_a_scan_without_text_is_refused_with_a_reason() -> None:
    with pytest.raises(NotReadable, match="no text layer"):
        read_pdf(corpus("1971-10-25_GA_Resolution_2758_ru.pdf"))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"hello", "not a PDF"),
        (b"%PDF-1.7\n" + b"\x00" * 100, "cannot be read"),
    ],
)
def test_what_is_not_a_pdf_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(NotReadable, match=reason):
        read_pdf(data)


def test_a_truncated_pdf_is_refused_or_read_never_a_crash() -> None:
    data = corpus("A_RES_70_10-EN.pdf")
    for cut in (len(data) // 3, len(data) // 2, len(data) - 500):
        with contextlib.suppress(NotReadable):
            read_pdf(data[:cut])


def test_what_is_not_a_word_file_is_refused() -> None:
    with pytest.raises(NotReadable, match="not a readable Word document"):
        read_docx(b"PK\x03\x04 not really a zip")


@pytest.fixture
def _private_folders(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "tmp"
    (tmp_path / "tmp").mkdir()


@pytest.mark.django_db
@pytest.mark.usefixtures("_private_folders")
def test_the_import_page_takes_a_pdf_and_refuses_a_scan(client: Client, personas: Personas) -> None:
    client.force_login(personas.site_admin)
    upload = SimpleUploadedFile("A_RES_73_6-EN.pdf", corpus("A_RES_73_6-EN.pdf"))
    page = client.post(reverse("knowledge_import"), {"file": upload})
    assert page.status_code == 200
    document = KnowledgeDocument.objects.get(symbol="A/RES/73/6")
    assert document.language == "en" and str(document.date) == "2018-10-26"
    assert "Notes with appreciation" in document.body_text
    scan = SimpleUploadedFile("scan.pdf", corpus("1971-10-25_GA_Resolution_2758_ru.pdf"))
    page = client.post(reverse("knowledge_import"), {"file": scan})
    assert page.status_code == 200
    assert "no text layer" in page.content.decode()
    assert KnowledgeDocument.objects.count() == 1
    again = SimpleUploadedFile("again.pdf", corpus("A_RES_73_6-EN.pdf"))
    client.post(reverse("knowledge_import"), {"file": again})
    assert KnowledgeDocument.objects.count() == 1  # the same file: already imported


def test_arabic_lines_read_in_logical_order_numbers_and_brackets_included() -> None:
    """E/ESCWA/30/L.1 in Arabic (p. 1-2): PDFium gives numbers and their neutrals in visual
    order ("-8", ".2018") and brackets mirrored (")الإسكوا("); read by the Unicode bidi
    algorithm they come out as printed: "(الإسكوا)", "8- …", "2018.", ranges "25-28"."""
    text = read_pdf(corpus("E_ESCWA_30_L.1-AR.pdf")).text
    assert "اللجنة الاقتصادية والاجتماعية لغربي آسيا (الإسكوا)" in text
    assert ")الإسكوا(" not in text
    assert "بيروت، 25-28 حزيران/يونيو 2018" in text
    assert "(25-26 حزيران/يونيو 2018)" in text
    assert "8- نتائج المنتدى العربي للتنمية المستدامة لعام 2018." in text
    assert not re.search(r"^-\d+ ", text, re.M)  # no paragraph opens with "-8"
    # The symbol, Latin in an Arabic document, stays as printed.
    assert "E/ESCWA/30/L.1" in text


def test_the_arabic_report_keeps_its_notes_and_their_marks() -> None:
    """E/2018/41 in Arabic: notes printed "(1) قرار الجمعية العامة 70/1 …" are lifted with
    their mark (they were lost), and a raised "(2)" after a number is the mark "²" after it."""
    laid = read_pdf(corpus("E_ESCWA_30_18_REPORT-AR.pdf"))
    first = laid.notes[0]
    assert first.marker == "1"
    assert first.text.startswith("قرار الجمعية العامة 70/1 المؤرخ 25 أيلول/سبتمبر 2015")
    assert "أيار/مايو 2017²" in laid.text
    assert ")الإسكوا(" not in laid.text and "(الإسكوا)" in laid.text


def test_reordering_holds_ranges_and_note_marks() -> None:
    """The bidi step alone, on a line as drawn (left to right): a range stays one number, a
    bracketed raised mark becomes the mark after the word it follows, brackets mirror back."""
    from rogatory.knowledge.layout import _reordered

    # Read right to left as drawn: the word, its raised mark, the bracketed name, the range.
    drawn = "25-28 (" + "الإسكوا"[::-1] + ") " + "(¹)" + "اللجنة"[::-1]
    assert _reordered(drawn, rtl=True) == "اللجنة¹ (الإسكوا) 25-28"


def test_a_pdf_table_keeps_its_rows() -> None:
    """A/81/6 (Sect. 16), table 16.1 (p. 4): each row one line, its cells in order, not
    merged into the paragraph above or the row below."""
    laid = read_pdf(corpus("A_81_6_SECT_16.pdf"))
    assert "1. The Fifth Committee | 1 | 1 | 1 | 1" in laid.paragraphs
    assert "Seminars, workshops and training events (number of days) | 15 | 13 | 12 | 10" in (
        laid.paragraphs
    )
    # A note mark set apart from its text is not a table's row.
    assert not [p for p in laid.paragraphs if re.match(r"^\d \| See ", p)]


def test_a_word_table_keeps_its_rows() -> None:
    """The same section as a Word file: the contents table's rows, cells joined."""
    laid = read_docx(corpus("A_81_6_SECT_16.docx"))
    assert "Subprogramme 3. Countering corruption | 29" in laid.paragraphs
    assert "Overall orientation | 3" in laid.paragraphs


def test_a_pdf_drawing_its_fonts_through_a_scaled_matrix_keeps_its_paragraphs() -> None:
    """E/2018/41 in French sets every font at size 1 and scales it by the text matrix (about
    10.33): the size read is the size drawn, so lines join into paragraphs and justified
    spacing is not taken for a column gap."""
    laid = read_pdf(corpus("E_ESCWA_30_18_REPORT-FR.pdf"))
    assert (
        "La session s’est tenue en deux volets : les réunions des hauts responsables et les "
        "réunions ministérielles."
    ) in laid.text
    assert not [p for p in laid.paragraphs if p in ("session", "s’est tenue", "deux volets")]


def test_a_rule_drawn_in_a_table_or_under_a_heading_is_not_the_footnote_rule() -> None:
    """A/81/6 (Sect. 16): the budget tables' borders are short rules low on the page, and
    their rows of figures were read as notes ("1 | 1 | – | – …"); the notes are the six
    printed (*, **, *** on p. 1, 1-2 on p. 34, 3 on p. 38). E/2018/41: a heading set small
    under a drawn rule ("A. INTEGRATING TECHNOLOGY …", p. 17) is not a note's continuation."""
    laid = read_pdf(corpus("A_81_6_SECT_16.pdf"))
    assert [note.marker for note in laid.notes] == ["*", "**", "***", "1", "2", "3"]
    assert laid.notes[4].text == (
        "See Security Council resolution 2734 (2024) and previous related Council resolutions."
    )
    report = read_pdf(corpus("E_ESCWA_30_18_REPORT-EN.pdf"))
    assert len(report.notes) == 32
    assert not [note for note in report.notes if "INTEGRATING TECHNOLOGY" in note.text]
    assert any(p.startswith("A. INTEGRATING TECHNOLOGY") for p in report.paragraphs)


def test_the_footnote_rule_has_only_notes_below_it() -> None:
    """The rule chosen: the highest short rule below which the first line opens with a mark,
    no line is a table's row and every line above the page's foot is smaller than the body."""
    from rogatory.knowledge.layout import Line, _footnote_rule

    def line(text: str, top: float, size: float = 10.0, cells: int = 0) -> Line:
        return Line(text, 0, 72, 500, top, top + size, size, False, False, 20, cells)

    page = [
        line("The body of the page.", 500),
        line("A. A HEADING SET SMALL", 560, size=8),
        line("More of the body.", 600),
        line("¹ See A/70/219.", 680, size=8),
        line("Carried on.", 690, size=8),
        line("17", 760),  # the page number, at body size, in the page's foot
    ]
    assert _footnote_rule(page, [555.0, 670.0], body=10.0, height=792.0) == 670.0
    assert _footnote_rule(page, [555.0], body=10.0, height=792.0) is None
    table = [
        line("1 | 1 | – | 2", 600, size=8, cells=4),
        line("2 | 3 | – | 1", 612, size=8, cells=4),
    ]
    assert _footnote_rule(table, [590.0], body=10.0, height=792.0) is None


def test_an_arabic_note_marked_with_a_symbol_font_asterisk_is_kept() -> None:
    """E/ESCWA/30/L.1 in Arabic, p. 3: Word draws the mark "(*)" with SymbolMT, whose
    asterisk PDFium gives as U+F02A, as a run of its own within the line. The mark follows
    the word it marks ("المتحدة*") and the note "(*) الدول الأعضاء …" is lifted."""
    laid = read_pdf(corpus("E_ESCWA_30_L.1-AR.pdf"))
    assert [note.marker for note in laid.notes] == ["*"]
    assert laid.notes[0].text.startswith("الدول الأعضاء حسب الترتيب الأبجدي باللغة العربية")
    assert "المعمول به في الأمم المتحدة*." in laid.text
    assert "\uf02a" not in laid.text


def test_a_symbol_fonts_private_use_codes_read_as_their_signs() -> None:
    from rogatory.knowledge.layout import _symbol_text

    assert _symbol_text(0xF02A, "SymbolMT") == "*"
    assert _symbol_text(0xF028, "Symbol") == "("
    assert _symbol_text(0xF0B7, "SymbolMT") == "•"
    # Another font's private-use code, or a Symbol letter (alpha), is left as it is.
    assert _symbol_text(0xF02A, "Wingdings") == "\uf02a"
    assert _symbol_text(0xF061, "SymbolMT") == "\uf061"
    assert _symbol_text(ord("a"), "SymbolMT") == "a"


def test_a_mark_drawn_as_a_run_within_a_latin_line_goes_where_it_is_drawn() -> None:
    from rogatory.knowledge.layout import _Char, _marks_joined

    def chars(text: str, x: float, size: float = 10.0, baseline: float = 100.0) -> list[_Char]:
        width = 0.5 * size
        return [
            _Char(t, x + i * width, x + (i + 1) * width, baseline - size, baseline + 2,
                  baseline, size, False, False)
            for i, t in enumerate(text)
        ]  # fmt: skip

    line = chars("the word and", 100)
    mark = chars("1", 140, size=6, baseline=97)  # raised after "the word"
    joined = _marks_joined([line, mark])
    assert len(joined) == 1
    assert "".join(c.text for c in joined[0]) == "the word1 and"
