"""Issue 17 item 6 (decision 0040): a quality report for every import, correction by a site
administrator, and a re-import that replaces the version of the same work and language."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.audit.models import AuditEntry
from rogatory.knowledge.actions import (
    KnowledgeImportError,
    do_correct_un_document,
    do_import_published,
    do_import_text,
)
from rogatory.knowledge.akn import from_akn
from rogatory.knowledge.correcting import (
    CorrectionError,
    Metadata,
    edits_of,
    restructure,
)
from rogatory.knowledge.importing import import_path
from rogatory.knowledge.layout import read_pdf
from rogatory.knowledge.models import Citation, KnowledgeDocument, SearchOutbox
from rogatory.knowledge.quality import assess, doubt_message, numbering_problems, view
from rogatory.knowledge.untext import Footnote, Paragraph, UnDocument, parse

HERE = Path(__file__).resolve().parent
SEEDS = HERE / "seeds"
GA = SEEDS / "001_716226bc4d6731db.txt"  # A/RES/76/187
REPORT = SEEDS / "003_6bdc7af176e43de5.txt"  # A/76/122
PDF = HERE / "corpus" / "A_RES_73_6-EN.pdf"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_folders(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "tmp"
    (tmp_path / "tmp").mkdir()


def resolution(**changes: Any) -> UnDocument:
    base = UnDocument(
        kind="resolution",
        language="en",
        symbol="A/RES/99/1",
        number="99/1",
        body="General Assembly",
        date=None,
        title="A test",
        preamble=(Paragraph("Recalling its resolution 73/222,"),),
        operative=(
            Paragraph("Decides to act;", number="1", verb="Decides"),
            Paragraph("Something without a verb;", number="2"),
            Paragraph("Requests a report;", number="4", verb="Requests"),
            Paragraph("Also requests it;", number="4", verb="Also requests"),
        ),
        unattached_footnotes=(Footnote("¹", "A lost note."),),
    )
    return replace(base, **changes)


# The report ---------------------------------------------------------------------------------


def test_the_report_counts_what_the_parser_recognised() -> None:
    text = GA.read_text(encoding="utf-8")
    report = assess(parse(text), body_text=text)
    found = report["recognised"]
    assert (found["kind"], found["symbol"], found["language"]) == (
        "resolution",
        "A/RES/76/187",
        "zh",
    )
    assert found["date"] == "2021-12-16"
    assert (found["preamble"], found["operative"], found["verbs"]) == (75, 77, 77)
    assert found["footnotes_attached"] == 46 and found["footnotes_unattached"] == 0
    assert found["citations"]["resolution"] > 50 and "date" not in found["citations"]
    assert report["doubts"] == []


def test_the_report_names_what_looks_doubtful() -> None:
    report = assess(resolution(), body_text="x" * 400)
    codes = {d["code"]: d for d in report["doubts"]}
    assert set(codes) == {
        "no_date",
        "no_verb",
        "numbering_gap",
        "numbering_repeat",
        "unattached_footnotes",
        "low_text_share",
    }
    assert codes["no_verb"]["numbers"] == ["2"]
    assert codes["numbering_gap"]["numbers"] == ["3"]
    assert codes["numbering_repeat"]["numbers"] == ["4"]
    assert codes["unattached_footnotes"]["markers"] == ["¹"]
    long_heading = Paragraph("x " * 120, kind="heading")
    report = assess(resolution(date=None, symbol=None, title=None, front=(long_heading,)))
    found = {d["code"] for d in report["doubts"]}
    assert {"no_symbol", "no_title", "long_headings"} <= found
    assert "low_text_share" not in found  # no source text given: nothing to measure


def test_numbering_problems_count_plain_numbers_only() -> None:
    assert numbering_problems(["1", "2", "3"]) == ([], [])
    assert numbering_problems(["1.", "3", "3", None, "(a)", "16.1"]) == (["2"], ["3"])
    assert numbering_problems([]) == ([], [])


def test_every_doubt_reads_as_a_sentence() -> None:
    report = assess(resolution(), body_text="x" * 400)
    extra = [
        {"code": "corrections_replaced", "count": 2, "date": "2026-12-07"},
        {"code": "poorer_source", "previous": "a.pdf"},
        {"code": "long_headings", "count": 1, "examples": ["Heading"]},
    ]
    doubts = [*report["doubts"], *extra]
    for doubt in doubts:
        message = doubt_message(doubt)
        assert message != doubt["code"] and message.endswith((".", "Heading")), message
        assert message[0].isupper() or message[0].isdigit(), message
    assert doubt_message({"code": "future"}) == "future"  # a code from a later version
    shown = view("x.txt", {"recognised": {}, "doubts": ["bogus", {"code": "no_date"}]})
    assert shown.doubts == ["No date found (for a resolution: the date of adoption)."]


def test_an_import_stores_its_report_with_the_document() -> None:
    document, _created = do_import_text(REPORT.read_text(encoding="utf-8"), source_name="r.txt")
    assert document.quality["recognised"]["symbol"] == "A/76/122"
    assert {d["code"] for d in document.quality["doubts"]} >= {"no_date"}
    entry = AuditEntry.objects.filter(action="knowledge.imported").latest("id")
    assert "no_date" in entry.details["doubts"]


def test_the_command_prints_a_line_per_file_and_its_doubts(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ga.txt").write_text(GA.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "report.txt").write_text(REPORT.read_text(encoding="utf-8"), encoding="utf-8")
    out = io.StringIO()
    call_command("import_knowledge", str(folder), stdout=out)
    text = out.getvalue()
    assert "Quality: 1 of 2 documents look doubtful." in text
    assert "? report.txt: report A/76/122 [zh]" in text
    assert (
        "ok ga.txt: resolution A/RES/76/187 [zh] 2021-12-16: 1 front, 75 preamble, 77 operative"
        in text
    )
    assert "! No date found" in text
    assert text.index("report.txt: report") < text.index("ga.txt: resolution")  # doubtful first


def test_the_import_page_shows_a_table_per_file_doubtful_first(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.site_admin)
    upload = SimpleUploadedFile("report.txt", REPORT.read_bytes())
    page = client.post(reverse("knowledge_import"), {"file": upload}).content.decode()
    assert page.count('data-testid="quality-report"') == 1
    assert "No date found" in page and "A/76/122" in page
    document = KnowledgeDocument.objects.get()
    shown = client.get(reverse("knowledge_document", args=[document.public_id])).content.decode()
    assert 'data-testid="document-quality"' in shown and "No date found" in shown
    client.logout()
    public = client.get(reverse("knowledge_document", args=[document.public_id])).content.decode()
    assert 'data-testid="document-quality"' not in public


# Re-import replaces --------------------------------------------------------------------------


def two_symbol_report(main: str, other: str) -> str:
    """The A/76/122 seed as a report whose cover prints two symbols, ``main`` throughout."""
    text = REPORT.read_text(encoding="utf-8").replace("A/76/122", main)
    return f"{main}\n{other}\n" + text


def test_a_version_under_the_works_other_symbol_replaces_instead_of_duplicating() -> None:
    """The ESCWA case: one file names the report E/2018/41, another (its plain text)
    E/ESCWA/30/18/Report; the same work in the same language is stored once."""
    first, created = do_import_text(
        two_symbol_report("E/ESCWA/30/18/Report", "E/2018/41"), source_name="report.pdf"
    )
    assert created
    count = first.citations.count()
    assert count > 0
    second, created = do_import_text(
        two_symbol_report("E/2018/41", "E/ESCWA/30/18/Report"), source_name="report.txt"
    )
    assert not created and second.pk == first.pk
    assert KnowledgeDocument.objects.count() == 1
    second.refresh_from_db()
    assert second.symbol == "E/2018/41" and second.also_symbols == ["E/ESCWA/30/18/Report"]
    assert Citation.objects.filter(source=second).count() == count  # not duplicated
    assert {"code": "poorer_source", "previous": "report.pdf"} in second.quality["doubts"]


def test_a_new_version_of_the_same_symbol_replaces_and_rewrites_citations() -> None:
    text = GA.read_text(encoding="utf-8")
    first, _created = do_import_text(text, source_name="ga.txt")
    before = first.citations.count()
    changed = text.replace("欢迎", "欢  迎", 1)
    second, created = do_import_text(changed, source_name="ga-v2.txt")
    assert created is False and second.pk == first.pk
    assert KnowledgeDocument.objects.count() == 1
    assert Citation.objects.count() == before


def test_a_bulk_import_prefers_the_pdf_to_its_plain_text(tmp_path: Path) -> None:
    """Beside a PDF, its pdftotext extraction (same name, .txt) is left out, and the report
    says so; beside a PDF that cannot be read, the plain text is imported."""
    folder = tmp_path / "in"
    folder.mkdir()
    data = PDF.read_bytes()
    (folder / "A_RES_73_6-EN.pdf").write_bytes(data)
    (folder / "A_RES_73_6-EN.txt").write_text(read_pdf(data).text, encoding="utf-8")
    (folder / "report.pdf").write_bytes(b"not a pdf at all")
    (folder / "report.txt").write_text(REPORT.read_text(encoding="utf-8"), encoding="utf-8")
    report = import_path(folder)
    assert report.superseded == [("A_RES_73_6-EN.txt", "A_RES_73_6-EN.pdf")]
    assert sorted(report.created) == ["A_RES_73_6-EN.pdf", "report.txt"]
    assert [name for name, _reason in report.skipped] == ["report.pdf"]
    document = KnowledgeDocument.objects.get(symbol="A/RES/73/6")
    assert document.source_name == "A_RES_73_6-EN.pdf"
    assert set(report.quality) == {"A_RES_73_6-EN.pdf", "report.txt"}
    assert [v.name for v in report.quality_views()] == ["report.txt", "A_RES_73_6-EN.pdf"]
    again = import_path(folder)  # nothing new: the PDF is known, its text still left out
    assert again.superseded == report.superseded and not again.created


# Correction ----------------------------------------------------------------------------------


def meta(doc: UnDocument, **changes: Any) -> Metadata:
    values = {
        "symbol": doc.symbol or "",
        "title": doc.title or "",
        "date": doc.date,
        "language": doc.language,
        "kind": doc.kind,
    }
    return Metadata(**(values | changes))


def test_restructure_joins_splits_drops_and_moves_footnotes() -> None:
    doc = resolution(
        operative=(
            Paragraph(
                "Decides to act¹", number="1", verb="Decides", footnotes=(Footnote("¹", "n"),)
            ),
            Paragraph("and to go on;", number="2"),
            Paragraph("Requests a report;\nover two lines", number="3", verb="Requests"),
            Paragraph("Noise", number="4"),
        ),
        unattached_footnotes=(Footnote("²", "lost"),),
    )
    edits = edits_of(doc)
    assert [e.part for e in edits] == [
        "preamble",
        "operative",
        "operative",
        "operative",
        "operative",
    ]
    edits[2] = replace(edits[2], join=True)
    edits[3] = replace(edits[3], text="Requests a report;\n\nNotes² the rest", footnotes=("²",))
    edits[4] = replace(edits[4], text="  ")
    edits[1] = replace(edits[1], footnotes=())  # ¹ attached to none
    fixed = restructure(doc, meta(doc, title="Corrected"), edits)
    assert [(p.number, p.text) for p in fixed.operative] == [
        ("1", "Decides to act¹ and to go on;"),
        ("3", "Requests a report;"),
        (None, "Notes² the rest"),
    ]
    assert [n.marker for n in fixed.operative[2].footnotes] == ["²"]
    assert [n.marker for n in fixed.unattached_footnotes] == ["¹"]
    assert fixed.title == "Corrected"
    moved = [replace(e, part="preamble") if e.number == "3" else e for e in edits_of(doc)]
    assert len(restructure(doc, meta(doc), moved).preamble) == 2


def test_restructure_refuses_what_the_document_does_not_have() -> None:
    doc = resolution()
    edits = edits_of(doc)
    with pytest.raises(CorrectionError, match="Row 2"):
        restructure(doc, meta(doc), [edits[0], replace(edits[1], footnotes=("⁹",))])
    with pytest.raises(CorrectionError, match="unknown part"):
        restructure(doc, meta(doc), [replace(edits[0], part="annex:3")])
    twice = [replace(e, footnotes=("¹",)) for e in edits[:2]]
    with pytest.raises(CorrectionError, match="no footnote marked ¹"):
        restructure(doc, meta(doc), twice)


def test_a_correction_regenerates_the_akn_citations_and_index_and_is_kept(
    personas: Personas,
) -> None:
    document, _created = do_import_text(GA.read_text(encoding="utf-8"), source_name="ga.txt")
    parsed = from_akn(document.akn.encode())
    edits = edits_of(parsed)
    first = next(i for i, e in enumerate(edits) if e.part == "operative")
    edits[first] = replace(edits[first], text=edits[first].text + " 见 A/99/999 号文件。")
    corrected = restructure(parsed, meta(parsed, title="更正的标题"), edits)
    outbox = SearchOutbox.objects.count()
    changed = do_correct_un_document(
        document, corrected, also_symbols=["A/C.3/76/L.99"], acting_user=personas.site_admin
    )
    assert changed == ["also_symbols", "title", "structure"]
    document.refresh_from_db()
    again = from_akn(document.akn.encode())
    assert again.title == "更正的标题" and document.title == "更正的标题"
    assert "A/99/999" in again.operative[0].text
    assert document.citations.filter(target="A/99/999").exists()
    assert SearchOutbox.objects.count() == outbox + 1
    assert document.corrections[-1]["by"] == personas.site_admin.get_username()
    assert document.quality["corrected"] is True
    entry = AuditEntry.objects.get(action="knowledge.corrected")
    assert entry.details["changed"] == changed
    # Nothing changed: nothing written.
    same = restructure(again, meta(again), edits_of(again))
    assert (
        do_correct_un_document(
            document, same, also_symbols=["A/C.3/76/L.99"], acting_user=personas.site_admin
        )
        == []
    )
    # A later import of the same work and language replaces it and says it had been corrected.
    text = GA.read_text(encoding="utf-8").replace("欢迎", "欢  迎", 1)
    replaced, created = do_import_text(text, source_name="ga-v2.txt")
    assert created is False and replaced.pk == document.pk
    doubt = next(d for d in replaced.quality["doubts"] if d["code"] == "corrections_replaced")
    assert doubt["count"] == 1
    assert len(replaced.corrections) == 1  # kept: the history of the work's version


def test_a_correction_cannot_take_another_versions_identity(personas: Personas) -> None:
    ga, _c = do_import_text(GA.read_text(encoding="utf-8"), source_name="ga.txt")
    report, _c = do_import_text(REPORT.read_text(encoding="utf-8"), source_name="r.txt")
    parsed = from_akn(report.akn.encode())
    corrected = restructure(parsed, meta(parsed, symbol="A/RES/76/187"), edits_of(parsed))
    with pytest.raises(KnowledgeImportError, match="already this work"):
        do_correct_un_document(report, corrected, acting_user=personas.site_admin)
    report.refresh_from_db()
    assert report.symbol == "A/76/122" and report.corrections == []
    assert ga.pk != report.pk


def correction_post(document: KnowledgeDocument, **changes: str) -> dict[str, str]:
    parsed = from_akn(document.akn.encode())
    edits = edits_of(parsed)[:100]
    data = {
        "content": document.content_sha256,
        "from": "1",
        "symbol": document.symbol,
        "also_symbols": "",
        "title": document.title,
        "date": document.date.isoformat() if document.date else "",
        "language": document.language,
        "kind": parsed.kind,
        "number": parsed.number or "",
        "body": parsed.body or "",
        "session": parsed.session or "",
        "agenda_item": parsed.agenda_item or "",
        "agenda_title": parsed.agenda_title or "",
        "adoption": parsed.adoption or "",
        "header": "\n".join(parsed.header),
        "closing": "\n".join(parsed.closing),
        "paragraphs-TOTAL_FORMS": str(len(edits) + 1),
        "paragraphs-INITIAL_FORMS": str(len(edits)),
        "paragraphs-MIN_NUM_FORMS": "0",
        "paragraphs-MAX_NUM_FORMS": "5000",
    }
    for n, edit in enumerate(edits):
        data |= {
            f"paragraphs-{n}-part": edit.part,
            f"paragraphs-{n}-number": edit.number,
            f"paragraphs-{n}-verb": edit.verb,
            f"paragraphs-{n}-kind": edit.kind,
            f"paragraphs-{n}-text": edit.text,
            f"paragraphs-{n}-footnotes": " ".join(edit.footnotes),
        }
    return data | changes


def test_the_correction_page_is_for_site_administrators(client: Client, personas: Personas) -> None:
    document, _c = do_import_text(REPORT.read_text(encoding="utf-8"), source_name="r.txt")
    url = reverse("knowledge_un_correct", args=[document.public_id])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(personas.officer)
    assert client.get(url).status_code == 403
    assert client.post(url, correction_post(document, title="x")).status_code == 403
    document.refresh_from_db()
    assert document.corrections == []


def test_the_correction_page_saves_and_refuses_bad_input_without_a_500(
    client: Client, personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    document, _c = do_import_text(REPORT.read_text(encoding="utf-8"), source_name="r.txt")
    client.force_login(personas.site_admin)
    url = reverse("knowledge_un_correct", args=[document.public_id])
    page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="paragraph-form"') == 101  # a window
    assert client.get(url, {"from": "101"}).status_code == 200
    assert client.get(url, {"from": "x"}).status_code == 200
    assert client.get(url, {"from": "99999999999999999999"}).status_code == 200
    bad_inputs = [
        {"date": "2026-13-45"},
        {"date": "0201-01-01"},
        {"language": "xx"},
        {"kind": "poem"},
        {"symbol": "", "title": ""},
        {"symbol": "A/1\x00"},
        {"paragraphs-0-part": "annex:7"},
        {"paragraphs-0-footnotes": "⁹⁹"},
        {"paragraphs-0-text": "bad\x07text"},
        {"paragraphs-TOTAL_FORMS": "x"},
        {"content": "stale"},
    ]
    for change in bad_inputs:
        response = client.post(url, correction_post(document, **change))
        assert response.status_code in (200, 400), change
        document.refresh_from_db()
        assert document.corrections == [], change
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, correction_post(document, date="2021-07-30"))
    assert response.status_code == 302
    document.refresh_from_db()
    assert str(document.date) == "2021-07-30" and len(document.corrections) == 1
    assert "no_date" not in {d["code"] for d in document.quality["doubts"]}
    ga, _c = do_import_text(GA.read_text(encoding="utf-8"), source_name="ga.txt")
    assert client.post(url, correction_post(document, symbol=ga.symbol)).status_code == 200
    other = KnowledgeDocument.objects.create(kind="legislation", language="en", title="t", akn="")
    assert client.get(reverse("knowledge_un_correct", args=[other.public_id])).status_code == 404


def test_a_published_file_carries_its_report() -> None:
    document, _created = do_import_published(PDF.read_bytes(), source_name="a.pdf")
    found = document.quality["recognised"]
    assert (found["symbol"], found["date"], found["operative"]) == ("A/RES/73/6", "2018-10-26", 14)
    assert found["verbs"] == 14 and found["footnotes_attached"] == 6
    assert document.quality["doubts"] == []
