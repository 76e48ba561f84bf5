"""The structure of UN reports (decision 0039): cover, chapters and sections, numbered
paragraphs and sub-items, draft resolutions and decisions embedded as parts of their own,
Chinese wrapped lines, lists that are not headings, first-person verbs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from rogatory.knowledge import layout, untext
from rogatory.knowledge.akn import AKN_NS, from_akn, to_akn, validate_bytes
from rogatory.knowledge.untext import Paragraph, leading_verb, parse

NS = {"a": AKN_NS}
CORPUS = Path("/work/shared/corpus/un")

# A report of a functional commission to ECOSOC, as laid out (one logical line a paragraph).
COMMISSION_REPORT = """E/2024/30
E/CN.15/2024/16
United Nations
Economic and Social Council
Distr.: General
30 May 2024
Original: English
2024 session
Agenda item 19 (c)
Crime prevention and criminal justice
Commission on Crime Prevention and Criminal Justice
Report on the thirty-third session
Contents
I. Matters calling for action by the Economic and Social Council ........ 3
I. Matters calling for action by the Economic and Social Council
A. Draft resolutions for adoption by the Council
1. The Commission recommends to the Council the approval of the following draft resolutions:
Draft resolution I
Strengthening international cooperation in criminal matters
The Economic and Social Council,
Recalling its resolution 2021/20 of 22 July 2021,
Noting with appreciation the work of the Commission,
1. Requests the United Nations Office on Drugs and Crime to continue its work;
2. Also requests the Office to report to the Commission at its thirty-fourth session.
Draft resolution II
Mutual legal assistance
The Economic and Social Council,
Recognizing the importance of mutual legal assistance,
1. Encourages Member States to designate central authorities;
2. Invites Member States to share information on the following:
(a) Contact points;
(b) Model forms;
3. Decides to remain seized of the matter.
B. Draft decision for adoption by the Council
2. The Commission recommends to the Council the adoption of the following draft decision:
Draft decision
Report of the Commission on its thirty-third session
The Economic and Social Council takes note of the report of the Commission.
II. Organization of the session
A. Opening and duration of the session
3. The Commission held its thirty-third session in Vienna from 13 to 17 May 2024.
4. The following officers were elected:
Chair
Ms. Ana Pérez (Spain)
Vice-Chairs
Mr. Li Wei (China)
Rapporteur
5. The agenda was as follows:
Opening of the session
Election of officers
Adoption of the agenda
6. The Commission adopted the report as follows:
(a) Chapter I, as orally amended;
(b) Chapter II.
"""


def test_cover_of_a_report() -> None:
    doc = parse(COMMISSION_REPORT)
    assert doc.kind == "report"
    assert doc.symbol in ("E/2024/30", "E/CN.15/2024/16")
    assert doc.date is not None and doc.date.isoformat() == "2024-05-30"  # distributed
    assert doc.session == "2024 session"
    assert doc.agenda_item == "19 (c)"
    assert doc.agenda_title == "Crime prevention and criminal justice"
    assert doc.title == (
        "Commission on Crime Prevention and Criminal Justice Report on the thirty-third session"
    )


def test_chapters_sections_and_numbered_paragraphs() -> None:
    doc = parse(COMMISSION_REPORT)
    headings = [(p.level, p.text) for p in doc.operative if p.kind == "heading"]
    assert headings == [
        (1, "I. Matters calling for action by the Economic and Social Council"),
        (2, "A. Draft resolutions for adoption by the Council"),
        (2, "B. Draft decision for adoption by the Council"),
        (1, "II. Organization of the session"),
        (2, "A. Opening and duration of the session"),
    ]
    numbers = [p.number for p in doc.operative if p.number and p.number[0].isdigit()]
    assert numbers == ["1", "2", "3", "4", "5", "6"]  # the drafts' paragraphs are not the report's
    sixth = doc.operative.index(next(p for p in doc.operative if p.number == "6"))
    items = doc.operative[sixth + 1 : sixth + 3]
    assert [(p.number, p.text) for p in items] == [
        ("(a)", "Chapter I, as orally amended;"),
        ("(b)", "Chapter II."),
    ]
    (chapter_one, chapter_two) = doc.sections()
    assert chapter_one.heading.text.startswith("I. Matters")
    assert [s.heading.text[:2] for s in chapter_one.sections] == ["A.", "B."]
    assert chapter_one.sections[0].paragraphs[0].number == "1"
    assert chapter_two.sections[0].paragraphs[0].number == "3"


def test_draft_resolutions_and_decisions_are_parts_of_their_own() -> None:
    doc = parse(COMMISSION_REPORT)
    first, second, decision = doc.parts
    assert (first.kind, first.heading, first.draft) == ("resolution", "Draft resolution I", True)
    assert first.title == "Strengthening international cooperation in criminal matters"
    assert [p.text for p in first.front] == ["The Economic and Social Council,"]
    assert len(first.preamble) == 2
    assert [(p.number, p.verb) for p in first.operative] == [
        ("1", "Requests"),
        ("2", "Also requests"),
    ]
    assert [c.target for c in first.preamble[0].citations if c.kind != "date"] == ["E/RES/2021/20"]
    assert second.title == "Mutual legal assistance"
    assert [(p.number, p.verb) for p in second.operative] == [
        ("1", "Encourages"),
        ("2", "Invites"),
        ("3", "Decides"),
    ]
    assert "(a) Contact points;" in second.operative[1].text
    assert (decision.kind, decision.heading) == ("decision", "Draft decision")
    assert decision.title == "Report of the Commission on its thirty-third session"
    # Each part sits where it was printed: after report paragraph 1, after paragraph 2.
    assert [doc.operative[p.after - 1].number for p in doc.parts] == ["1", "1", "2"]
    texts = [p.text for p in doc.paragraphs()]
    assert texts.index("Decides to remain seized of the matter.") < texts.index(
        "The Commission recommends to the Council the adoption of the following draft decision:"
    )
    assert all(p not in doc.operative for part in doc.parts for p in part.operative)


def test_parts_are_akn_components_citable_by_eid() -> None:
    doc = parse(COMMISSION_REPORT)
    data = to_akn(doc)
    validate_bytes(data)
    assert from_akn(data) == doc
    root = etree.fromstring(data)
    components = root.findall(".//a:components/a:component", NS)
    assert [c.get("eId") for c in components] == ["cmp_1", "cmp_2", "cmp_3"]
    statement = components[1].find("a:statement", NS)
    assert statement is not None and statement.get("name") == "draftResolution"
    assert components[2].find("a:statement", NS).get("name") == "draftDecision"
    paragraph = root.find(".//a:paragraph[@eId='cmp_2__para_3']", NS)
    assert paragraph is not None and "".join(paragraph.itertext()).startswith("3Decides")
    levels = [
        h.get(f"{{{'urn:rogatory:akn:1'}}}level") for h in root.iter(f"{{{AKN_NS}}}hcontainer")
    ]
    assert levels[:2] == ["1", "2"]


def test_lists_of_officers_and_agenda_items_are_not_headings() -> None:
    doc = parse(COMMISSION_REPORT)
    headings = {p.text for p in doc.operative if p.kind == "heading"}
    for text in ("Chair", "Ms. Ana Pérez (Spain)", "Mr. Li Wei (China)", "Opening of the session"):
        assert text not in headings
        assert any(text in p.text for p in doc.operative)


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("I. Introduction", 1),
        ("Chapter II", 1),
        ("Chapitre III. Questions d’organisation", 1),
        ("Capítulo I", 1),
        ("Глава I", 1),
        ("第一章", 1),
        ("一. 导言", 1),
        ("الفصل الأول- القضايا المرفوعة إلى المجلس", 1),
        ("A. Opening of the session", 2),
        ("باء- دور التكنولوجيا", 2),
        ("（一）组织事项", 2),
        ("Lessons learned", 3),
    ],
)
def test_heading_ranks_in_six_languages(line: str, level: int) -> None:
    assert untext._heading_level(line) == level


@pytest.mark.parametrize(
    ("heading", "lang", "kind"),
    [
        ("Draft resolution I", "en", "resolution"),
        ("Projet de résolution II", "fr", "resolution"),
        ("Projet de décision", "fr", "decision"),
        ("Proyecto de resolución I", "es", "resolution"),
        ("Проект резолюции I", "ru", "resolution"),
        ("Проект решения", "ru", "decision"),
        ("مشروع القرار الأول", "ar", "resolution"),
        ("مشروع المقرر", "ar", "decision"),
        ("决议草案一", "zh", "resolution"),
        ("决定草案", "zh", "decision"),
    ],
)
def test_draft_headings_in_six_languages(heading: str, lang: str, kind: str) -> None:
    opening = {
        "en": "The Economic and Social Council,",
        "fr": "Le Conseil économique et social,",
        "es": "El Consejo Económico y Social,",
        "ru": "Экономический и Социальный Совет,",
        "ar": "إن المجلس الاقتصادي والاجتماعي،",
        "zh": "经济及社会理事会，",
    }[lang]
    text = f"1. Text of the report.\n{heading}\nTitle\n{opening}\nRecalling,\n1. Text.\n"
    doc = parse(text, language=lang)
    (part,) = doc.parts
    assert (part.kind, part.heading, part.title) == (kind, heading, "Title")
    assert [p.text for p in part.front] == [opening]
    assert [p.number for p in part.operative] == ["1"]
    assert [p.number for p in doc.operative] == ["1"]


CHINESE_REPORT = """A/79/100
第一章
1. 本报告按照大会第 78/200 号决议编写，概述了联合国毒品和犯罪问题办公室在过去一年里为支持会员国，
开展的各项活动
2. 毒品和犯罪问题办公室还协助会员国审查了国内立法，并就引渡和司法协助问题提供了咨询。
17
3. 办公室还为中央机关举办了培训。
4. 办公室发布了示范表格。
5. 办公室更新了名录。
二. 组织事项
6. 委员会审议了下列文件：
附件
文件清单
A/79/101
秘书长的报告**
** 原文为英文。
"""


def test_chinese_wrapped_line_page_number_and_symbol_rows() -> None:
    doc = parse(CHINESE_REPORT, language="zh")
    headings = [p.text for p in doc.operative if p.kind == "heading"]
    assert headings == ["第一章", "二. 组织事项"]  # not "开展的各项活动", not "17"
    assert doc.operative[1].text.endswith("为支持会员国，开展的各项活动")
    (annex,) = doc.annexes
    texts = [p.text for p in annex.paragraphs]
    assert any("A/79/101" in t for t in texts)  # a symbol in a list row is text
    assert doc.symbol == "A/79/100"
    assert any(note.marker == "**" for note in doc.footnotes())


def test_bold_marks_go_but_double_asterisk_footnote_markers_stay() -> None:
    assert untext._clean_markup("**又请**秘书长提交报告**") == "又请秘书长提交报告**"
    assert untext._clean_markup("** 原文为英文。") == "** 原文为英文。"
    assert untext._clean_markup("**Decides** to act") == "Decides to act"


def test_wrapped_continuation_needs_a_full_line_before_it() -> None:
    full = "本报告按照大会第七十八届会议的决议编写，概述了毒品和犯罪问题办公室开展的各项活动。"
    assert untext._wraps_on([full], "以及相关机构的工作")
    assert not untext._wraps_on(["短句。"], "推进法治")  # a heading after a short last line
    assert not untext._wraps_on([full], "二. 组织事项")


@pytest.mark.parametrize(
    ("text", "lang", "verb"),
    [
        ("Reaffirm the 2030 Agenda for Sustainable Development;", "en", "Reaffirm"),
        ("Further recognize that tuberculosis is preventable;", "en", "Further recognize"),
        ("Decide to convene a high-level meeting in 2023;", "en", "Decide"),
        ("We recall General Assembly resolution 72/167;", "en", "We recall"),
        ("Réaffirmons notre engagement;", "fr", "Réaffirmons"),
        ("Reafirmamos nuestro compromiso;", "es", "Reafirmamos"),
        ("Подтверждаем нашу приверженность;", "ru", "Подтверждаем"),
        ("نؤكد من جديد التزامنا;", "ar", "نؤكد من جديد"),
        ("重申《2030年可持续发展议程》；", "zh", "重申"),
    ],
)
def test_first_person_verbs(text: str, lang: str, verb: str) -> None:
    assert leading_verb(text, lang) == verb


def test_a_declaration_in_the_first_person_gets_its_verbs() -> None:
    text = (
        "A/RES/73/3\nSeventy-third session\nAgenda item 129\n"
        "73/3. Political declaration on the fight against tuberculosis\n"
        "The General Assembly\nAdopts the following political declaration:\n"
        "We, Heads of State and Government, assembled at the United Nations,\n"
        "1. Reaffirm the 2030 Agenda for Sustainable Development;\n"
        "2. Further reaffirm the 2016 political declaration;\n"
        "3. Commit to providing leadership;\n"
    )
    doc = parse(text)
    assert [p.verb for p in doc.operative] == ["Reaffirm", "Further reaffirm", "Commit"]


def test_plain_report_without_cover_still_parses() -> None:
    doc = parse("Some note\n\n1. First;\n2. Second.")
    assert [p.text for p in doc.operative] == ["First;", "Second."]
    assert doc.parts == () and doc.sections() == ()


def test_outline_nests_lower_headings() -> None:
    paragraphs = (
        Paragraph("I. One", kind="heading", level=1),
        Paragraph("text", number="1"),
        Paragraph("A. Sub", kind="heading", level=2),
        Paragraph("more", number="2"),
        Paragraph("Lower", kind="heading", level=3),
        Paragraph("deep", number="3"),
        Paragraph("II. Two", kind="heading", level=1),
    )
    doc = untext.UnDocument("report", "en", None, None, None, None, None, operative=paragraphs)
    one, two = doc.sections()
    assert [p.text for p in one.paragraphs] == ["text"]
    (sub,) = one.sections
    assert [p.text for p in sub.paragraphs] == ["more"]
    assert [s.heading.text for s in sub.sections] == ["Lower"]
    assert two.paragraphs == () and two.sections == ()


# --- the shared corpus (real PDFs), where present ---------------------------------------------


def corpus(name: str) -> Path:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{path} is not on this machine")
    return path


def test_escwa_report_in_english_carries_its_resolutions_as_parts() -> None:
    laid = layout.read_pdf(corpus("en/E_ESCWA_30_18_REPORT-EN.pdf").read_bytes())
    doc = parse(laid.text)
    chapters = [p.text.split(".")[0] for p in doc.operative if p.kind == "heading" and p.level == 1]
    assert chapters == ["I", "II", "III", "IV", "V", "VI", "VII"]
    numbers = [p.number for p in doc.operative if p.number and p.number.isdigit()]
    assert numbers == [str(n) for n in range(1, 124)]
    declaration, *resolutions = doc.parts
    assert declaration.kind == "declaration"
    assert declaration.title is not None and declaration.title.startswith("Beirut Consensus")
    assert [p.number for p in resolutions] == [f"{n} (XXX)" for n in range(329, 335)]
    assert resolutions[1].title == "Support for the Palestinian people"
    assert [p.verb for p in resolutions[1].operative[:3]] == ["Asserts", "Condemns", "Condemns"]
    assert all(p.closing for p in doc.parts)  # "7th plenary meeting", "28 June 2018"
    validate_bytes(to_akn(doc))


def test_secretary_general_report_cover_and_chapters() -> None:
    laid = layout.read_pdf(corpus("en/S_2025_317-EN.pdf").read_bytes())
    doc = parse(laid.text)
    assert doc.symbol == "S/2025/317"
    assert doc.title == "Children and armed conflict in South Sudan"
    assert doc.date is not None and doc.date.isoformat() == "2025-05-27"
    chapters = [p.text for p in doc.operative if p.kind == "heading" and p.level == 1]
    assert chapters[0] == "I. Introduction" and len(chapters) == 5
    assert [p.number for p in doc.operative if p.number][:3] == ["1", "2", "3"]


def test_budget_section_numbers_its_paragraphs_by_section() -> None:
    laid = layout.read_docx(corpus("en/A_81_6 (SECT. 16).docx").read_bytes())
    doc = parse(laid.text)
    assert doc.session == "Eighty-first session"
    assert doc.agenda_item == "138 and 139"
    assert doc.date is not None and doc.date.isoformat() == "2026-03-09"
    numbered = [p.number for p in doc.operative if p.number and "." in p.number]
    assert numbered[:3] == ["16.1", "16.2", "16.3"]


def test_plain_text_of_an_akn_import_keeps_the_parts() -> None:
    from rogatory.knowledge.actions import plain_text

    text = plain_text(from_akn(to_akn(parse(COMMISSION_REPORT))))
    assert "Draft resolution II\nMutual legal assistance" in text
    assert "3 Decides to remain seized of the matter." in text


CHINESE_COMMISSION_REPORT = """E/2024/30
第一章
需要经济及社会理事会采取行动或提请其注意的事项
A. 供理事会通过的决议草案
1. 预防犯罪和刑事司法委员会建议经济及社会理事会核准下列决议草案：
决议草案一
加强刑事事项国际合作
经济及社会理事会，
回顾其 2021 年 7 月 22 日第 2021/20 号决议，
1. 请联合国毒品和犯罪问题办公室继续开展工作；
2. 又请毒品和犯罪问题办公室向委员会第三十四届会议报告。
决定草案
委员会第三十三届会议的报告
经济及社会理事会注意到委员会第三十三届会议的报告。
第二章
会议安排
2. 委员会于 2024 年 5 月 13 日至 17 日在维也纳举行了第三十三届会议。
"""


def test_chinese_report_with_its_drafts() -> None:
    doc = parse(CHINESE_COMMISSION_REPORT, language="zh")
    resolution, decision = doc.parts
    assert (resolution.heading, resolution.title) == ("决议草案一", "加强刑事事项国际合作")
    assert [p.text for p in resolution.front] == ["经济及社会理事会，"]
    assert [(p.number, p.verb) for p in resolution.operative] == [("1", "请"), ("2", "又请")]
    assert [c.target for c in resolution.preamble[0].citations if c.kind != "date"] == [
        "E/RES/2021/20"
    ]
    assert (decision.kind, decision.title) == ("decision", "委员会第三十三届会议的报告")
    assert [p.number for p in doc.operative if p.number] == ["1", "2"]
    chapters = [p.text for p in doc.operative if p.kind == "heading" and p.level == 1]
    assert chapters == ["第一章", "第二章"]
    validate_bytes(to_akn(doc))


def test_political_declaration_verbs_in_the_first_person() -> None:
    laid = layout.read_pdf(corpus("en/A_RES_73_3-EN.pdf").read_bytes())
    doc = parse(laid.text)
    assert doc.number == "73/3"
    verbs = [p.verb for p in doc.operative]
    assert verbs[:5] == ["Reaffirm", "Further reaffirm", "Acknowledge", "Welcome", "Recognize"]
    assert sum(1 for verb in verbs if verb) >= len(verbs) - 3  # "Given …" has none


def test_a_bad_part_position_in_akn_is_a_clear_error() -> None:
    from rogatory.knowledge.akn import AknError

    data = re.sub(rb'rog:after="\d+"', b'rog:after="one"', to_akn(parse(COMMISSION_REPORT)))
    with pytest.raises(AknError, match="Bad number 'one'"):
        from_akn(data)


def test_a_table_of_resolutions_is_no_resolution_printed_in_the_report() -> None:
    """A/81/6 (Sect. 16) lists the Commission's resolutions in a table: its rows ("58/7 |
    Strengthening cooperation with the") were read as resolutions printed in the report,
    the next row ending in "Commission on | … academia," taken for their opening line."""
    text = "\n\n".join(
        [
            "A/81/6 (Sect. 16)",
            "Proposed programme budget for 2026",
            "16.1 The programme is guided by the following mandates.",
            "58/7 | Strengthening cooperation with the",
            "51/14 | Promoting coordination and alignment of",
            "decisions between the Commission on | scientific community, including academia,",
            "16.2 The Commission on Narcotic Drugs is the governing body.",
        ]
    )
    document = parse(text, language="en")
    assert document.parts == ()
    assert "58/7 | Strengthening cooperation with the" in [p.text for p in document.paragraphs()]
