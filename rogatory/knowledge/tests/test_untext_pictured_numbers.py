"""Paragraphs whose numbers were drawn as pictures (``PICTURED_NUMBER`` at a line's start,
written by the layout): numbered in sequence, counted, and said in the quality report
(decision 0032, "later")."""

from __future__ import annotations

from rogatory.knowledge.quality import assess, facts
from rogatory.knowledge.untext import PICTURED_NUMBER, _pictured_numbers, clean_text, parse

REPORT = (
    "E/ESCWA/30/18/Report\n"
    "تقرير اللجنة الاقتصادية والاجتماعية لغربي آسيا عن دورتها الثلاثين\n"
    "مقدمة\n"
    f"{PICTURED_NUMBER} عقدت اللجنة دورتها الثلاثين في بيروت.\n"
    f"{PICTURED_NUMBER} ويتضمن هذا التقرير ملخصاً عن أعمال اللجنة.\n"
    "أولاً- المسائل التي تستدعي اتخاذ إجراء\n"
    f"{PICTURED_NUMBER} اعتمدت اللجنة مجموعة من القرارات.\n"
)


def test_pictured_numbers_are_numbered_in_sequence_through_the_report() -> None:
    """Three paragraphs opened by a picture are 1, 2 and 3 (a heading between them does not
    restart the count), and the document says three numbers were inferred."""
    document = parse(REPORT, language="ar")
    numbered = [p for p in document.operative if p.number]
    assert [p.number for p in numbered] == ["1", "2", "3"]
    assert numbered[0].text == "عقدت اللجنة دورتها الثلاثين في بيروت."
    assert document.numbers_inferred == 3
    assert parse(REPORT.replace(PICTURED_NUMBER, ""), language="ar").numbers_inferred == 0


def test_the_quality_report_says_the_numbers_were_inferred() -> None:
    report = assess(parse(REPORT, language="ar"), body_text=REPORT)
    assert report["recognised"]["numbers_inferred"] == 3
    assert ("Paragraph numbers", "inferred from 3 images (numbered in sequence)") in facts(
        report["recognised"]
    )
    plain = assess(parse(REPORT.replace(PICTURED_NUMBER, ""), language="ar"))
    assert "numbers_inferred" not in plain["recognised"]
    assert all(label != "Paragraph numbers" for label, _value in facts(plain["recognised"]))


def test_the_searchable_text_has_no_picture_marks() -> None:
    assert PICTURED_NUMBER not in clean_text(REPORT)
    assert "عقدت اللجنة دورتها الثلاثين في بيروت." in clean_text(REPORT)


def test_a_resolution_in_a_report_numbers_its_pictured_paragraphs_anew() -> None:
    """The report's own numbers run on around a resolution printed in it, which numbers its
    paragraphs from 1 (E/2018/41: the numbers of 329 (XXX) are images, "1."-"4.")."""
    mark = PICTURED_NUMBER
    lines = [
        f"{mark} The session opened.",
        f"{mark} The agenda was adopted.",
        "329 (XXX) Establishment of a centre",
        "The Economic and Social Commission for Western Asia,",
        f"{mark} Welcomes the establishment;",
        f"{mark} Requests the secretariat;",
        "7th plenary meeting",
        f"{mark} The Commission heard statements.",
    ]
    numbered, count = _pictured_numbers(lines)
    assert count == 5
    assert [line.split(" ", 1)[0] for line in numbered if line[:1].isdigit()] == [
        "1.",
        "2.",
        "329",
        "1.",
        "2.",
        "7th",
        "3.",
    ]
