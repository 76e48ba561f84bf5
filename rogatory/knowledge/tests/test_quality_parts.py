"""The quality report of a report carrying draft resolutions and decisions (document parts):
each part's counts, and its doubts listed under it (decision 0040, "Later")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.knowledge.actions import do_import_published
from rogatory.knowledge.layout import read_pdf
from rogatory.knowledge.quality import assess, view
from rogatory.knowledge.untext import Paragraph, Part, UnDocument, parse

ESCWA = Path(__file__).resolve().parent / "corpus" / "E_ESCWA_30_18_REPORT-EN.pdf"
# The resolutions the Commission adopted at its thirtieth session, printed in chapter I of
# E/2018/41 after the Beirut Consensus, with their operative paragraphs as printed (read in
# the PDF): 331 "Commends, Expresses, Requests", 333 "Welcomes, Adopts, Requests", 334
# "Adopts, Invites"; 330 numbers its nine paragraphs 1 to 9.
HEADINGS = [
    "Beirut Consensus on Technology for Sustainable Development in the Arab Region",
    *(f"{n} (XXX)" for n in range(329, 335)),
]


@pytest.fixture(scope="module")
def escwa() -> dict[str, Any]:
    laid = read_pdf(ESCWA.read_bytes())
    return assess(parse(laid.text), body_text=laid.text)


def test_each_part_of_the_escwa_report_is_counted(escwa: dict[str, Any]) -> None:
    """Every resolution printed in the report has its own counts of paragraphs and verbs."""
    parts = escwa["recognised"]["parts"]
    assert [p["heading"] for p in parts] == HEADINGS
    counts = {p["heading"]: (p["operative"], p["verbs"]) for p in parts}
    assert counts["331 (XXX)"] == (3, 3)
    assert counts["333 (XXX)"] == (3, 3)
    assert counts["334 (XXX)"] == (2, 2)
    assert counts["330 (XXX)"][0] == 9
    assert parts[1]["title"] == (
        "Establishment of the Arab Centre for Climate Change Policies in the Arab Region"
    )
    # The report's own counts stay the report's: its numbered paragraphs have no verbs.
    assert escwa["recognised"]["verbs"] == 0


def test_the_escwa_parts_doubts_name_their_part(escwa: dict[str, Any]) -> None:
    """A part's doubts carry its place and heading; parts parsed right have none."""
    by_part: dict[int, list[dict[str, Any]]] = {}
    for doubt in escwa["doubts"]:
        if "at" in doubt:
            assert doubt["part"] == HEADINGS[doubt["at"]]
            by_part.setdefault(doubt["at"], []).append(doubt)
    for clean in ("331 (XXX)", "333 (XXX)", "334 (XXX)"):
        assert HEADINGS.index(clean) not in by_part
    # 330 is numbered 1 to 9 without gap or repeat; only its verbs can be in doubt (its
    # paragraph 4 opens with "Warns").
    assert {d["code"] for d in by_part.get(2, [])} <= {"no_verb"}
    for doubt in by_part.get(2, []):
        assert set(doubt["numbers"]) <= {"4"}
    shown = view("E/2018/41", escwa)
    assert [p.name.split(" ")[0] for p in shown.parts][1:] == [
        h.split(" ")[0] for h in HEADINGS[1:]
    ]
    assert shown.parts[3].doubts == [] and shown.parts[3].line == (
        "1 opening, 4 preamble, 3 operative, 3 verbs"
    )
    part_doubts = sum(len(p.doubts) for p in shown.parts)
    assert len(shown.doubts) == len(shown.own_doubts) + part_doubts


def report_with(part: Part) -> UnDocument:
    return UnDocument(
        kind="report",
        language="en",
        symbol="E/2099/1",
        number=None,
        body=None,
        date=None,
        title="Report of the Commission",
        operative=(Paragraph("The Commission met.", number="1"),),
        parts=(part,),
    )


def test_a_parts_doubts_are_listed_under_it_not_under_the_report() -> None:
    """Paragraphs without a verb and a numbering gap in a draft resolution are the part's
    doubts: under the part on the page, named after it in the command's lines."""
    part = Part(
        kind="resolution",
        heading="Draft resolution I",
        title="Crime prevention",
        operative=(
            Paragraph("Decides to act;", number="1", verb="Decides"),
            Paragraph("something cut from its verb;", number="2"),
            Paragraph("Requests a report.", number="4", verb="Requests"),
        ),
    )
    report = assess(report_with(part))
    assert report["recognised"]["parts"][0] == {
        "heading": "Draft resolution I",
        "title": "Crime prevention",
        "kind": "resolution",
        "number": "",
        "draft": True,
        "front": 0,
        "preamble": 0,
        "operative": 3,
        "verbs": 2,
        "operative_without_verb": 1,
    }
    codes = [(d["code"], d.get("at"), d.get("numbers")) for d in report["doubts"]]
    assert ("no_verb", 0, ["2"]) in codes and ("numbering_gap", 0, ["3"]) in codes
    shown = view("E/2099/1", report)
    assert shown.parts[0].name == "Draft resolution I Crime prevention"
    assert shown.parts[0].doubts == [
        "1 operative paragraph without a verb: 2.",
        "Paragraph number missing: 3.",
    ]
    assert not any("verb" in d for d in shown.own_doubts)
    assert "Draft resolution I: 1 operative paragraph without a verb: 2." in shown.doubts


def test_a_part_without_operative_paragraphs_is_doubtful() -> None:
    part = Part(kind="decision", heading="Draft decision", title=None)
    doubts = assess(report_with(part))["doubts"]
    assert {"code": "no_operative", "part": "Draft decision", "at": 0} in doubts


@pytest.mark.django_db
def test_the_document_page_lists_the_parts_and_their_doubts(
    client: Client, personas: Personas, settings: Any, tmp_path: Path
) -> None:
    """A site administrator sees each part of the imported ESCWA report with its counts."""
    settings.DATA_DIR = tmp_path
    document, _created = do_import_published(ESCWA.read_bytes(), source_name=ESCWA.name)
    client.force_login(personas.site_admin)
    page = client.get(reverse("knowledge_document", args=[document.public_id])).content.decode()
    listed = page[page.index('data-testid="quality-parts"') :]
    listed = listed[: listed.index("</ol>")]
    assert listed.count("<bdi>") == 7
    assert "331 (XXX) Comprehensive approaches" in listed
    assert "1 opening, 4 preamble, 3 operative, 3 verbs" in listed
