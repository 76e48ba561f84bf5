"""Paragraphs whose numbers were drawn as pictures (``PICTURED_NUMBER`` at a line's start,
written by the layout): numbered in sequence, counted, and said in the quality report
(decision 0032, "later")."""

from __future__ import annotations

from rogatory.knowledge.quality import assess, facts
from rogatory.knowledge.untext import PICTURED_NUMBER, clean_text, parse

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
