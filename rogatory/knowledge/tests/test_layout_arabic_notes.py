"""Arabic notes marked "(1)" in the text and at the foot of the page (decision 0032, "later").

E/2018/41 in Arabic prints 32 notes, numbered anew in each text of chapter I as the English
version does (read off the rendered pages: the Beirut Consensus (1)-(10), resolutions 329-334
from (1)). Word draws each mark in brackets, raised in the text ("المناخ(1)") and on the line
of the note; several notes print in English or as a symbol alone, which PDFium gives in the
order of a left-to-right line with the mark at its end (")8(", ".E/ESCWA/30/5 )1("), and two
marks of one line come as one run (")3( )2("). The rules are general; each has its own test
on characters built here besides the corpus file.
"""

from __future__ import annotations

import re
from pathlib import Path

from rogatory.knowledge.layout import (
    Line,
    Note,
    _add_note,
    _assemble,
    _Char,
    _line,
    _reordered,
    _same_line,
    read_pdf,
)
from rogatory.knowledge.untext import parse

CORPUS = Path(__file__).with_name("corpus")


def chars(
    text: str, x: float, size: float = 10.0, baseline: float = 100.0, gap: float = 0.0
) -> list[_Char]:
    """Characters drawn left to right from ``x``, one every half size (plus ``gap``)."""
    width = 0.5 * size
    return [
        _Char(t, x + i * (width + gap), x + i * (width + gap) + width, baseline - size,
              baseline + 2, baseline, size, False, False)
        for i, t in enumerate(text)
    ]  # fmt: skip


def test_the_arabic_report_lifts_its_32_notes_numbered_anew_in_each_text() -> None:
    """Every note printed at the foot of pp. 5-21 is lifted with its mark, Arabic, English or a
    symbol alone; none stays in the text as a mark-only line (")3( )2(")."""
    laid = read_pdf((CORPUS / "E_ESCWA_30_18_REPORT-AR.pdf").read_bytes())
    # The Beirut Consensus, then resolutions 329 to 334.
    sequences = [range(1, 11), range(1, 6), range(1, 5), range(1, 2), range(1, 4)]
    sequences += [range(1, 5), range(1, 6)]
    assert [note.marker for note in laid.notes] == [str(n) for r in sequences for n in r]
    by_place = {(i, note.marker): note.text for i, note in enumerate(laid.notes)}
    assert by_place[(7, "8")].startswith("Data from the United Nations Development Programme")
    assert by_place[(9, "10")] == "E/ESCWA/EDID/2017/2."
    assert by_place[(5, "6")] == "E/ESCWA/29/12/Report، ص 5، الفقرة 14."
    assert by_place[(15, "1")] == "E/ESCWA/30/5."
    assert not [p for p in laid.paragraphs if re.fullmatch(r"(?: ?[()]\d{1,2}[()])+", p)]
    # Two raised marks on one line of resolution 332 (p. 18), each after its word.
    assert "في دورتيها الثانية عشرة² والحادية عشرة³" in laid.text
    # The list "(1)" to "(5)" of item 14 (p. 39) is set in the body type: text, not notes.
    assert "(1) تقرير لجنة المرأة عن دورتها الثامنة" in laid.text
    # The page numbers "-12-" under the two-line running header are page furniture.
    assert "-12-" not in laid.text
    document = parse(laid.text)
    carried = [p for p in document.paragraphs() if p.footnotes]
    assert sum(len(p.footnotes) for p in carried) == 32


def test_a_plain_note_mark_is_held_whole_beside_latin_text() -> None:
    """The bidi algorithm would split "(1)" from its brackets beside Latin text: read as one
    right-to-left mark, a note's line drawn ".E/ESCWA/30/5 (1)" reads "(1) E/ESCWA/30/5."."""
    assert _reordered(".E/ESCWA/30/5 (1)", rtl=True) == "(1) E/ESCWA/30/5."
    assert _reordered(".E/ESCWA/EDID/2017/2 (10)", rtl=True) == "(10) E/ESCWA/EDID/2017/2."
    # A range or a symbol in brackets is not a mark.
    assert _reordered("(A/73/87)", rtl=False) == "(A/73/87)"


def test_a_latin_note_on_an_arabic_page_reads_from_its_right_edge() -> None:
    """On a right-to-left page, a line of Latin text with a bracketed mark drawn at its right
    end is a right-to-left paragraph's line: the mark opens it. On a left-to-right page the
    same characters keep PDFium's order."""
    drawn = chars("Data from the Programme and ", 60) + chars("(8)", 210)
    # PDFium gives the mark at the end of the run, read right to left, as in the report (p. 6).
    given = drawn[:-3] + drawn[-3:][::-1]
    arabic_page = _line(given, 0, rtl_page=True)
    assert arabic_page is not None
    assert arabic_page.text == "(8) Data from the Programme and"
    latin_page = _line(given, 0, rtl_page=False)
    assert latin_page is not None
    assert latin_page.text == "Data from the Programme and )8("
    # A Latin line without a mark is left as PDFium gives it, on any page.
    header = _line(chars("E/2018/41", 60), 0, rtl_page=True)
    assert header is not None and header.text == "E/2018/41"


def test_an_arabic_note_with_more_latin_than_arabic_keeps_the_page_direction() -> None:
    """A note "(6) E/ESCWA/29/12/Report، ص 5، الفقرة 14." has more Latin letters than Arabic:
    on an Arabic page it still reads from the right, its mark first."""
    mark = chars(" (6)", 205)
    symbol = chars("E/ESCWA/29/12/Report", 105)
    # "،" then "ص" drawn to the left of the symbol (Arabic reads on leftwards).
    arabic = [*chars("،", 100), *chars(" ", 95), *chars("ص", 90)]
    line = _line([*mark, *symbol, *arabic], 0, rtl_page=True)
    assert line is not None
    assert line.text == "(6) E/ESCWA/29/12/Report، ص"


def test_two_raised_marks_of_one_line_are_two_marks() -> None:
    """PDFium gives both raised marks of a line as one run, its generated spaces placed where
    the other mark is: each mark is a run of its own, and each joins the line it is drawn in."""
    line = chars("word " * 40, 60, size=14, baseline=384)
    third = chars("(3)", 211, size=9, baseline=380)
    second = chars("(2)", 370, size=9, baseline=380)
    # The spaces PDFium generates after the first mark, at the second's place.
    space = _Char(" ", 369.3, 369.3, 385.4, 385.4, 385.4, 1.0, False, False)
    assert not _same_line([*third, space], second)
    assert _same_line(line, third) and _same_line(line, second)


def test_a_plain_number_after_bracketed_notes_carries_the_note_on() -> None:
    """On a page whose notes are marked "(1)", a line opening with a number is the note's
    text carried on ("12 كانون الأول …"); on a page of plain-numbered notes it is a note."""
    notes: list[Note] = []
    assert _add_note(notes, "(3) اعتُمد في", bracketed=False)
    _add_note(notes, "12 كانون الأول/ديسمبر 2015.", bracketed=True)
    assert [(n.marker, n.text) for n in notes] == [("3", "اعتُمد في 12 كانون الأول/ديسمبر 2015.")]
    plain: list[Note] = []
    _add_note(plain, "1 See A/70/219.", bracketed=False)
    _add_note(plain, "2 See A/71/1.", bracketed=False)
    assert [n.marker for n in plain] == ["1", "2"]


def test_a_dashed_page_number_under_a_two_line_header_is_furniture() -> None:
    """A page number "-12-" at 9.2 % of the page's height, below a two-line running header, is
    left out, so the paragraph carried over the page break is one paragraph."""

    def line(text: str, page: int, top: float, size: float = 14.0) -> Line:
        return Line(text, page, 57, 538, top, top + size, size, False, False, 30)

    body = "word " * 20
    pages: list[tuple[float, list[Line], list[float]]] = [
        (842.0, [line("The cover.", 0, 400)], []),
        (842.0, [line("E/2018/41", 1, 38, 11), line("-11-", 1, 77.5, 12),
                 line(body, 1, 400), line(body + " and it", 1, 416)], []),
        (842.0, [line("E/2018/41", 2, 38, 11), line("-12-", 2, 77.5, 12),
                 line("goes on.", 2, 103)], []),
    ]  # fmt: skip
    laid = _assemble(pages)
    assert laid.paragraphs[-1].endswith("and it goes on.")
    assert not [p for p in laid.paragraphs if p.startswith("-1")]
