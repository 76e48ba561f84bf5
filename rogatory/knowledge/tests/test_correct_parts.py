"""Correcting the parts of an imported UN document (decision 0040, "Later"): the draft
resolutions and decisions printed in a report (their headings, numbers and rows, or their
removal), its footnotes' texts and its annexes' headings, on the correction page and through
``do_correct_un_document``; the Akoma Ntoso follows and stays schema-valid."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.audit.models import AuditEntry
from rogatory.knowledge.actions import do_correct_un_document, do_import_published
from rogatory.knowledge.akn import from_akn, to_akn, validate_bytes
from rogatory.knowledge.correcting import (
    OPERATIVE,
    AnnexEdit,
    CorrectionError,
    Metadata,
    NoteEdit,
    ParagraphEdit,
    PartEdit,
    annex_edits_of,
    edits_of,
    note_edits_of,
    part_edits_of,
    part_key,
    restructure,
)
from rogatory.knowledge.layout import read_pdf
from rogatory.knowledge.models import KnowledgeDocument
from rogatory.knowledge.untext import UnDocument, parse

ESCWA = Path(__file__).resolve().parent / "corpus" / "E_ESCWA_30_18_REPORT-EN.pdf"
# Resolution 332 (XXX), the fifth part of the ESCWA report: its two "Decides that the
# Committee … shall undertake the following:" paragraphs each have sub-items (a) to (d),
# which a parser may read as operative paragraphs of their own (``items_apart`` makes it so,
# whatever the parser of the day does, so that the tests correct that mistake).
R332 = 4
ITEM = re.compile(r" (?=\([a-d]\) )")


@pytest.fixture(scope="module")
def escwa() -> UnDocument:
    return parse(read_pdf(ESCWA.read_bytes()).text)


@pytest.fixture
def imported(db: None, settings: Any, tmp_path: Path) -> KnowledgeDocument:
    settings.DATA_DIR = tmp_path
    document, _created = do_import_published(ESCWA.read_bytes(), source_name=ESCWA.name)
    return document


def meta(doc: UnDocument) -> Metadata:
    return Metadata(
        symbol=doc.symbol or "",
        title=doc.title or "",
        date=doc.date,
        language=doc.language,
        kind=doc.kind,
    )


def sub_items_joined(edits: list[ParagraphEdit], n: int) -> list[ParagraphEdit]:
    """Part ``n``'s rows with its "(a) …" rows joined to the paragraph above."""
    return [
        replace(e, join=True) if e.part == part_key(n, OPERATIVE) and e.text[:3] in ITEMS else e
        for e in edits
    ]


ITEMS = ("(a)", "(b)", "(c)", "(d)")


def items_apart(doc: UnDocument) -> UnDocument:
    """``doc`` with 332 (XXX)'s sub-items as operative paragraphs of their own, without a
    verb (a blank line before each splits its paragraph)."""
    edits = [
        replace(e, text=ITEM.sub("\n\n", e.text)) if e.part == part_key(R332, OPERATIVE) else e
        for e in edits_of(doc)
    ]
    apart = restructure(doc, meta(doc), edits)
    assert len(apart.parts[R332].operative) == 12
    return apart


def shape(paragraphs: Any) -> list[tuple[Any, ...]]:
    """What a correction keeps of paragraphs (their citations are found again by the action)."""
    return [
        (p.text, p.number, p.verb, p.kind, p.level, [n.marker for n in p.footnotes])
        for p in paragraphs
    ]


def part_shapes(doc: UnDocument) -> list[tuple[Any, ...]]:
    return [
        (p.heading, p.title, p.number, p.after, p.closing, shape(p.paragraphs())) for p in doc.parts
    ]


# restructure --------------------------------------------------------------------------------


def test_the_rows_list_each_parts_paragraphs_in_reading_order(escwa: UnDocument) -> None:
    edits = edits_of(escwa)
    assert [e.text for e in edits] == [p.text for p in escwa.paragraphs()]
    assert {e.part for e in edits} >= {part_key(R332, g) for g in ("front", "preamble")}
    same = restructure(escwa, meta(escwa), edits, parts=part_edits_of(escwa))
    assert part_shapes(same) == part_shapes(escwa)
    assert shape(same.paragraphs()) == shape(escwa.paragraphs())
    assert same.footnotes() == escwa.footnotes()


def test_a_parts_sub_items_are_joined_and_its_heading_corrected(escwa: UnDocument) -> None:
    apart = items_apart(escwa)
    edits = sub_items_joined(edits_of(apart), R332)
    heads = part_edits_of(apart)
    heads[R332] = PartEdit(heading="332 (XXX)", title="A corrected title", number="332 (XXX)")
    corrected = restructure(apart, meta(apart), edits, parts=heads)
    part = corrected.parts[R332]
    assert [p.verb for p in part.operative] == ["Approves", "Decides", "Decides", "Requests"]
    assert "(d) Supporting cooperation" in part.operative[1].text
    assert part.title == "A corrected title"
    assert part.after == escwa.parts[R332].after
    assert shape(corrected.operative) == shape(escwa.operative)  # the report's are untouched
    validate_bytes(to_akn(corrected))


def test_a_missed_verb_a_number_and_a_row_moved_into_a_part(escwa: UnDocument) -> None:
    edits = edits_of(escwa)
    at = next(i for i, e in enumerate(edits) if e.part == part_key(R332, OPERATIVE))
    edits[at] = replace(edits[at], number="1", verb="Approves")
    before = at - 1  # the last preamble paragraph becomes an operative one
    edits[before] = replace(edits[before], part=part_key(R332, OPERATIVE), verb="Guided")
    corrected = restructure(escwa, meta(escwa), edits)
    part = corrected.parts[R332]
    assert part.operative[0].verb == "Guided" and part.operative[1].number == "1"
    assert len(part.preamble) == len(escwa.parts[R332].preamble) - 1
    validate_bytes(to_akn(corrected))


def test_a_part_that_is_not_one_is_removed_into_the_report(escwa: UnDocument) -> None:
    heads = part_edits_of(escwa)
    heads[-1] = replace(heads[-1], remove=True)
    removed = escwa.parts[-1]
    corrected = restructure(escwa, meta(escwa), edits_of(escwa), parts=heads)
    assert len(corrected.parts) == len(escwa.parts) - 1
    texts = [p.text for p in corrected.operative]
    at = texts.index(f"{removed.heading} {removed.title}")
    moved = [p.text for p in removed.paragraphs()]
    assert texts[at + 1 : at + 1 + len(moved)] == moved
    assert texts[at + 1 + len(moved) : at + 3 + len(moved)] == list(removed.closing)
    assert [p.text for p in corrected.paragraphs()].count(moved[-1]) == 1
    validate_bytes(to_akn(corrected))


def test_a_part_left_without_heading_or_paragraphs_is_refused(escwa: UnDocument) -> None:
    heads = part_edits_of(escwa)
    with pytest.raises(CorrectionError, match="needs a heading"):
        restructure(
            escwa, meta(escwa), edits_of(escwa), parts=[replace(heads[0], heading=" "), *heads[1:]]
        )
    emptied = [
        replace(e, text="") if e.part.startswith(f"part:{R332}:") else e for e in edits_of(escwa)
    ]
    with pytest.raises(CorrectionError, match="no paragraph left"):
        restructure(escwa, meta(escwa), emptied)
    with pytest.raises(CorrectionError, match="unknown part"):
        restructure(escwa, meta(escwa), [replace(edits_of(escwa)[0], part="part:99:operative")])
    with pytest.raises(CorrectionError, match="parts changed"):
        restructure(escwa, meta(escwa), edits_of(escwa), parts=heads[:-1])


def test_footnote_texts_and_annex_headings_are_corrected(escwa: UnDocument) -> None:
    notes = note_edits_of(escwa)
    corrected = restructure(
        escwa,
        meta(escwa),
        edits_of(escwa),
        notes=[replace(notes[1], text="See A/99/999.")],
        annexes=[AnnexEdit("Annex 1", "Participants"), *annex_edits_of(escwa)[1:]],
    )
    assert corrected.footnotes()[1].text == "See A/99/999."
    assert corrected.footnotes()[1].marker == notes[1].marker
    assert [n.text for n in corrected.footnotes()][2:] == [n.text for n in escwa.footnotes()][2:]
    assert (
        corrected.annexes[0].heading == "Annex 1" and corrected.annexes[0].title == "Participants"
    )
    validate_bytes(to_akn(corrected))
    with pytest.raises(CorrectionError, match="footnotes changed"):
        restructure(escwa, meta(escwa), edits_of(escwa), notes=[NoteEdit(9999, "¹", "x")])
    with pytest.raises(CorrectionError, match="footnotes changed"):
        restructure(escwa, meta(escwa), edits_of(escwa), notes=[replace(notes[0], marker="⁹")])
    with pytest.raises(CorrectionError, match="needs a text"):
        restructure(escwa, meta(escwa), edits_of(escwa), notes=[replace(notes[0], text=" ")])
    with pytest.raises(CorrectionError, match="needs a heading"):
        restructure(escwa, meta(escwa), edits_of(escwa), annexes=[AnnexEdit(" "), AnnexEdit("x")])


# The action ---------------------------------------------------------------------------------


def test_a_part_correction_is_stored_valid_assessed_and_audited(
    imported: KnowledgeDocument, personas: Personas
) -> None:
    parsed = from_akn(imported.akn.encode())
    assert edits_of(parsed) == edits_of(parsed)  # the stored document carries the parts
    assert (
        do_correct_un_document(
            imported,
            restructure(parsed, meta(parsed), edits_of(parsed), parts=part_edits_of(parsed)),
            also_symbols=imported.also_symbols,
            acting_user=personas.site_admin,
        )
        == []
    )
    do_correct_un_document(
        imported,
        items_apart(parsed),
        also_symbols=imported.also_symbols,
        acting_user=personas.site_admin,
    )
    imported.refresh_from_db()
    parsed = from_akn(imported.akn.encode())
    assert imported.quality["recognised"]["parts"][R332]["operative"] == 12
    notes = note_edits_of(parsed)
    corrected = restructure(
        parsed,
        meta(parsed),
        sub_items_joined(edits_of(parsed), R332),
        notes=[replace(notes[0], text="See A/99/999.")],
    )
    changed = do_correct_un_document(
        imported, corrected, also_symbols=imported.also_symbols, acting_user=personas.site_admin
    )
    assert changed == ["structure"]
    imported.refresh_from_db()
    validate_bytes(imported.akn.encode())
    again = from_akn(imported.akn.encode())
    assert len(again.parts[R332].operative) == 4
    assert again.footnotes()[0].text == "See A/99/999."
    assert imported.citations.filter(target="A/99/999").exists()
    counts = imported.quality["recognised"]["parts"][R332]
    assert counts["operative"] == 4 and counts["verbs"] == 4
    assert imported.quality["corrected"] is True
    audited = AuditEntry.objects.filter(action="knowledge.corrected").order_by("pk").last()
    assert audited is not None and audited.details["changed"] == changed
    assert imported.corrections[-1]["changed"] == changed


# The page -----------------------------------------------------------------------------------


def page_post(document: KnowledgeDocument, start: int) -> dict[str, str]:
    """What the correction page posts, unchanged, for its window from row ``start`` + 1."""
    parsed = from_akn(document.akn.encode())
    everything = edits_of(parsed)
    edits = everything[start : start + 100]
    before = sum(len(e.footnotes) for e in everything[:start])
    notes = note_edits_of(parsed)[before : before + sum(len(e.footnotes) for e in edits)]
    if start + 100 >= len(everything):
        notes = note_edits_of(parsed)[before:]
    data = {
        "content": document.content_sha256,
        "from": str(start + 1),
        "symbol": document.symbol,
        "also_symbols": "\n".join(document.also_symbols),
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
    }
    for prefix, count in (
        ("paragraphs", len(edits) + 1),
        ("parts", len(parsed.parts)),
        ("notes", len(notes)),
        ("annexes", len(parsed.annexes)),
    ):
        data |= {
            f"{prefix}-TOTAL_FORMS": str(count),
            f"{prefix}-INITIAL_FORMS": str(count - (prefix == "paragraphs")),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "200",
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
    for n, head in enumerate(part_edits_of(parsed)):
        data |= {
            f"parts-{n}-heading": head.heading,
            f"parts-{n}-title": head.title,
            f"parts-{n}-number": head.number,
        }
    for n, note in enumerate(notes):
        data |= {
            f"notes-{n}-marker": note.marker,
            f"notes-{n}-text": note.text,
        }
    for n, annex in enumerate(annex_edits_of(parsed)):
        data |= {f"annexes-{n}-heading": annex.heading, f"annexes-{n}-title": annex.title}
    return data


def test_the_page_corrects_parts_and_refuses_malformed_posts_without_a_500(
    imported: KnowledgeDocument,
    client: Client,
    personas: Personas,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    do_correct_un_document(
        imported,
        items_apart(from_akn(imported.akn.encode())),
        also_symbols=imported.also_symbols,
        acting_user=personas.site_admin,
    )
    imported.refresh_from_db()
    corrections = len(imported.corrections)  # 1, or 0 when the parser read them apart
    client.force_login(personas.site_admin)
    url = reverse("knowledge_un_correct", args=[imported.public_id])
    page = client.get(url).content.decode()
    parsed = from_akn(imported.akn.encode())
    assert page.count('data-testid="part-form"') == len(parsed.parts) == 7
    assert page.count('data-testid="annex-form"') == 2
    assert "332 (XXX): operative paragraphs" in page
    assert page.count('data-testid="note-form"') == sum(
        len(e.footnotes) for e in edits_of(parsed)[:100]
    )
    item = next(
        n
        for n, e in enumerate(edits_of(parsed))
        if e.part == part_key(R332, OPERATIVE) and e.text[:3] in ITEMS
    )
    start = item // 100 * 100
    first_item = item - start
    window = client.get(url, {"from": start + 1}).content.decode()
    assert window.count('data-testid="note-form"') >= 1
    base = page_post(imported, start)
    bad_inputs: list[dict[str, str]] = [
        {"parts-TOTAL_FORMS": "8", "parts-7-heading": "Draft resolution IX"},  # no such part
        {"parts-TOTAL_FORMS": "6"},
        {"parts-TOTAL_FORMS": "100000"},
        {"parts-TOTAL_FORMS": "x"},
        {"paragraphs-0-part": "part:99:operative"},
        {"paragraphs-0-part": "part:x:operative"},
        {"paragraphs-TOTAL_FORMS": "100000"},  # a huge number of rows
        {"paragraphs-TOTAL_FORMS": "x"},
        {"parts-0-heading": "Beirut\x00Consensus"},
        {"parts-1-title": "bad\x07title"},
        {"parts-1-heading": ""},
        {"notes-0-text": "bad\x1bnote"},
        {"notes-0-text": ""},
        {"notes-0-marker": "⁹⁹"},
        {"notes-0-marker": ""},
        {"notes-TOTAL_FORMS": "99"},
        {"annexes-0-heading": ""},
        {"annexes-1-heading": "Annex\x0bII"},
        {"annexes-TOTAL_FORMS": "3", "annexes-2-heading": "Annex III"},
        {f"paragraphs-{first_item}-text": "bad\x01item"},
    ]
    for change in bad_inputs:
        response = client.post(url, base | change)
        assert response.status_code == 200, change
        shown = response.content.decode()
        assert 'role="alert"' in shown or 'class="errorlist' in shown, change
        imported.refresh_from_db()
        assert len(imported.corrections) == corrections, change
    good = base | {
        f"paragraphs-{first_item}-join": "on",
        "parts-6-remove": "on",
        "parts-0-title": "The Beirut Consensus",
        "annexes-1-heading": "Annex 2",
        "notes-0-text": "See A/99/999.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, good)
    assert response.status_code == 302, response.content.decode()[:2000]
    imported.refresh_from_db()
    validate_bytes(imported.akn.encode())
    again = from_akn(imported.akn.encode())
    assert len(again.parts) == 6 and again.parts[0].title == "The Beirut Consensus"
    assert "(a) Discussing" in again.parts[R332].operative[1].text
    assert again.annexes[1].heading == "Annex 2"
    notes_before = sum(len(e.footnotes) for e in edits_of(parsed)[:start])
    assert again.footnotes()[notes_before].text == "See A/99/999."
    assert imported.citations.filter(target="A/99/999").exists()
    assert imported.corrections[-1]["changed"] == ["structure"]
    assert len(imported.quality["recognised"]["parts"]) == 6
