"""Footnotes numbered anew in each text of a report, as the ESCWA report prints them: each
note kept once, on the paragraph that cites it, however alike two texts' notes read."""

from __future__ import annotations

from pathlib import Path

from rogatory.knowledge.layout import read_pdf
from rogatory.knowledge.untext import Paragraph, UnDocument, parse

CORPUS = Path(__file__).with_name("corpus")


def _notes(document: UnDocument) -> list[tuple[str, str, str]]:
    """(paragraph's first words, mark, note) of every attachment, in reading order."""
    return [(p.text[:20], n.marker, n.text) for p in document.paragraphs() for n in p.footnotes]


def _holding(document: UnDocument, words: str) -> Paragraph:
    return next(p for p in document.paragraphs() if p.text.startswith(words))


def test_two_texts_notes_alike_are_two_notes_each_on_its_paragraph() -> None:
    """Resolution 331's last paragraph cites its "¹"; resolution 332's "¹" reads the same
    but is its own note, on 332's paragraph — not a second note on 331's."""
    text = (
        "331 (XXX). Technology\n"
        "The Economic and Social Commission for Western Asia,\n"
        "Aware of the 2030 Agenda for Sustainable Development,¹\n"
        "1. Requests the secretariat to report.\n"
        "332 (XXX). Statistics\n"
        "The Economic and Social Commission for Western Asia,\n"
        "Recalling the 2030 Agenda for Sustainable Development,¹\n"
        "1. Requests the secretariat to act.\n"
        "_____\n"
        "¹ General Assembly resolution 70/1 of 25 September 2015.\n"
        "¹ General Assembly resolution 70/1 of 25 September 2015.\n"
    )
    document = parse(text, language="en")
    assert _notes(document) == [
        ("Aware of the 2030 Ag", "¹", "General Assembly resolution 70/1 of 25 September 2015."),
        ("Recalling the 2030 A", "¹", "General Assembly resolution 70/1 of 25 September 2015."),
    ]
    first, second = (_holding(document, w).footnotes[0] for w in ("Aware", "Recalling"))
    assert first is not second
    assert document.unattached_footnotes == ()


def test_a_lost_mark_leaves_its_note_unattached_and_the_next_notes_in_place() -> None:
    """The "²" of the first text was lost: its note stays unattached rather than taking the
    second text's "²", and the notes after it still find their paragraphs."""
    text = (
        "329 (XXX). Climate\n"
        "The Economic and Social Commission for Western Asia,\n"
        "Recalling resolution 70/1,¹ and the Addis Ababa Action Agenda,\n"
        "Noting the Paris Agreement,³\n"
        "1. Decides to act.\n"
        "330 (XXX). Palestine\n"
        "The Economic and Social Commission for Western Asia,\n"
        "Recalling also its resolution 322,¹ and its report,²\n"
        "1. Requests the secretariat to act.\n"
        "_____\n"
        "¹ A/RES/70/1.\n"
        "² A/RES/69/313.\n"
        "³ FCCC/CP/2015/10/Add.1.\n"
        "¹ E/ESCWA/29/12/Report.\n"
        "² E/ESCWA/30/5.\n"
    )
    document = parse(text, language="en")
    assert [(n.marker, n.text) for n in document.unattached_footnotes] == [("²", "A/RES/69/313.")]
    assert [n.text for n in _holding(document, "Noting").footnotes] == ["FCCC/CP/2015/10/Add.1."]
    assert [n.text for n in _holding(document, "Recalling also").footnotes] == [
        "E/ESCWA/29/12/Report.",
        "E/ESCWA/30/5.",
    ]


def test_the_escwa_report_keeps_its_32_notes_once_each_where_they_are_cited() -> None:
    """E/2018/41 in English: the Beirut Consensus's notes 1-10 and the notes of resolutions
    329-334 (pp. 3-13), each attached once, to the paragraph printing its mark. Note 4 of the
    Consensus is drawn at the right margin after "Information Society," (p. 4)."""
    laid = read_pdf((CORPUS / "E_ESCWA_30_18_REPORT-EN.pdf").read_bytes())
    assert "World Summit on the Information Society,⁴ all of which" in laid.text
    document = parse(laid.text, language="en")
    attached = _notes(document)
    assert len(attached) == 32 and document.unattached_footnotes == ()
    consensus = _holding(document, "We recall General assembly resolution 72/167")
    assert [n.marker for n in consensus.footnotes] == ["¹", "²", "³", "⁴"]
    assert consensus.footnotes[3].text == "General Assembly resolution 70/125 of 16 December 2015."
    doha = _holding(document, "Recalling the Doha Declaration")  # resolution 332
    assert [n.text for n in doha.footnotes] == ["E/ESCWA/29/12/Report."]
    aware = _holding(document, "Aware of the emerging challenges")  # resolution 331
    assert [n.text for n in aware.footnotes] == [
        "General Assembly resolution 70/1 of 25 September 2015."
    ]
