"""Citations that point to the right body (issue 17, item 3; decision 0035).

The example strings come from issue 17 and from the corpus documents it names."""

from __future__ import annotations

from pathlib import Path

import pytest

from rogatory.knowledge.untext import Citation, find_citations, organ_of_symbol, parse

CORPUS = Path("/work/shared/corpus/un")
SEEDS = Path(__file__).with_name("seeds")


def pairs(found: tuple[Citation, ...] | list[Citation]) -> list[tuple[str, str]]:
    return [(c.kind, c.target) for c in found if c.kind != "date"]


@pytest.mark.parametrize(
    ("text", "lang", "target"),
    [
        # The Commission's resolution, named long before the number (more than 100 characters
        # of title between them: the old window lost the Commission and said A/RES/26/3).
        (
            "欢迎预防犯罪和刑事司法委员会关于将性别平等观念纳入预防犯罪和刑事司法政策、方案及预防"
            "和打击跨国有组织犯罪努力主流并在这方面开展进一步工作以促进各国执行相关国际标准和规范"
            "以及加强相关能力建设的 2017 年 5 月 26 日第 26/3 号决议",
            "zh",
            "E/CN.15/RES/26/3",
        ),
        (
            "欢迎《联合国反腐败公约》缔约国会议2019年12月20日第8/1号决议",
            "zh",
            "CAC/COSP/RES/8/1",
        ),
        (
            "联合国打击跨国有组织犯罪公约缔约方会议 2020 年 10 月 16 日第 10/1 号决议",
            "zh",
            "CTOC/COP/RES/10/1",
        ),
        # The Conference named before the comma, "its resolution" after it.
        (
            "Welcoming the Conference of the States Parties to the United Nations Convention "
            "against Corruption, which in its resolution 8/1 of 20 December 2019 called for",
            "en",
            "CAC/COSP/RES/8/1",
        ),
        (
            "Commission on Narcotic Drugs resolution 62/1",
            "en",
            "E/CN.7/RES/62/1",
        ),
        (
            "Conseil des droits de l’homme, dans sa résolution 33/11",
            "fr",
            "A/HRC/RES/33/11",
        ),
        # The principal organs keep their symbols.
        ("Recalling its resolution 73/222 of 20 December 2018", "en", "A/RES/73/222"),
        ("Economic and Social Council resolution 2017/19", "en", "E/RES/2017/19"),
        ("Security Council resolution 1373 (2001)", "en", "S/RES/1373 (2001)"),
        # "the Assembly" named again: its resolution, not the Security Council named before.
        (
            "resolutions of the General Assembly and the Security Council, including the "
            "Strategy, adopted by the Assembly in 2006 in its resolution 60/288",
            "en",
            "A/RES/60/288",
        ),
    ],
)
def test_resolution_goes_to_the_body_that_adopted_it(text: str, lang: str, target: str) -> None:
    found = [c for c in find_citations(text, lang) if c.kind == "resolution"]
    assert [c.target for c in found] == [target]
    assert all(text[c.start : c.end] == c.text for c in found)


def test_a_vague_body_keeps_the_bare_number_unless_the_document_is_that_bodys() -> None:
    text = "Recalling the resolution of the Commission, resolution 26/3"
    assert pairs(find_citations("The Commission, in its resolution 26/3", "en")) == [
        ("resolution", "26/3")
    ]
    ccpcj = organ_of_symbol("E/CN.15/2024/12")
    assert ccpcj is not None and ccpcj.prefix == "E/CN.15"
    assert pairs(find_citations(text, "en", organ=ccpcj)) == [("resolution", "E/CN.15/RES/26/3")]
    # In a Conference's own report, an unqualified resolution is the Conference's.
    cosp = organ_of_symbol("CAC/COSP/2019/17")
    assert pairs(find_citations("In resolution 8/1, it requested", "en", organ=cosp)) == [
        ("resolution", "CAC/COSP/RES/8/1")
    ]
    assert pairs(find_citations("In decision 8/1, it requested", "en", organ=cosp)) == [
        ("decision", "CAC/COSP/DEC/8/1")
    ]


def test_a_subsidiary_bodys_report_cites_its_own_resolutions() -> None:
    text = (
        "CAC/COSP/2019/17\n"
        "Report of the Conference of the States Parties on its eighth session\n"
        "1. The Conference recalled resolution 8/1 and General Assembly resolution 74/276.\n"
    )
    doc = parse(text)
    assert doc.symbol == "CAC/COSP/2019/17"
    assert {"CAC/COSP/RES/8/1", "A/RES/74/276"} <= {c.target for c in doc.citations()}


@pytest.mark.parametrize(
    "text",
    [
        "见 A/76/\n122 号文件",  # a wrap after the slash, joined with a space
        "see document A/76/ 122",
    ],
)
def test_symbol_broken_across_a_line_wrap_is_found(text: str) -> None:
    joined = " ".join(line.strip() for line in text.splitlines())
    assert ("document_symbol", "A/76/122") in pairs(find_citations(joined, "en"))


def test_symbol_wrapped_in_a_parsed_paragraph() -> None:
    text = (
        "A/76/122\n"
        "1. 关于第十四届大会的进一步信息，见 CTOC/COP/\n"
        "2020/10 号文件和 E/CN.15/\n"
        "2021/17 号文件。\n"
    )
    doc = parse(text)
    found = {c.target for c in doc.citations()}
    assert {"CTOC/COP/2020/10", "E/CN.15/2021/17"} <= found


def test_a_typo_in_a_year_is_not_a_date() -> None:
    """ "20234 年 5 月 17 日" (a typo) does not become 0234-05-17."""
    found = find_citations("截至 20234 年 5 月 17 日，已收到答复", "zh")
    assert [c for c in found if c.kind == "date"] == []
    assert [c.target for c in find_citations("2023 年 5 月 17 日", "zh")] == ["2023-05-17"]


def test_dates_are_not_listed_as_citations() -> None:
    doc = parse(
        "A/RES/76/187\n76/187. 标题\n大会，\n回顾其 2020 年 12 月 16 日第 75/196 号决议，\n"
        "1. 请秘书长 2022 年 1 月 1 日前提交报告。\n"
    )
    assert pairs(doc.citations()) == [("resolution", "A/RES/75/196")]
    assert all(c.kind != "date" for c in doc.citations())
    # The paragraph keeps its dates for the Akoma Ntoso markup.
    assert any(c.kind == "date" for c in doc.preamble[0].citations)


def test_duplicates_are_listed_once_per_paragraph() -> None:
    text = (
        "A/76/1\nReport of the Secretary-General\n"
        "1. Recalling resolution 73/222, and reaffirming resolution 73/222, as well as "
        "document A/76/122 and A/76/122.\n"
        "2. See again A/76/122.\n"
    )
    doc = parse(text)
    assert pairs(doc.citations()) == [
        ("resolution", "A/RES/73/222"),
        ("document_symbol", "A/76/122"),
        ("document_symbol", "A/76/122"),  # the next paragraph's: listed with it
    ]
    # Each occurrence stays marked in the paragraph (the Akoma Ntoso <ref> of each).
    first = doc.operative[0]
    assert [c.target for c in first.citations].count("A/RES/73/222") == 2


def test_the_corpus_budget_section_keeps_the_assembly_strategy() -> None:
    """A/81/6 (Sect. 16): "adopted by the Assembly … in its resolution 60/288" is the
    Assembly's, though the Security Council is named before it in the sentence."""
    path = CORPUS / "en" / "A_81_6 (SECT. 16).txt"
    if not path.exists():
        pytest.skip("shared corpus not mounted")
    doc = parse(path.read_text(encoding="utf-8"))
    targets = {c.target for c in doc.citations()}
    assert "A/RES/60/288" in targets
    assert "S/RES/60/288" not in targets
    assert not any(c.kind == "date" for c in doc.citations())


@pytest.mark.parametrize(
    ("text", "lang", "target"),
    [
        ("قرار الجمعية العامة 70/1 المؤرخ 25 أيلول/سبتمبر 2015.", "ar", "A/RES/70/1"),
        (
            "إلى قرارات الجمعية العامة للأمم المتحدة 67/19 المؤرخ 29 تشرين الثاني/نوفمبر",
            "ar",
            "A/RES/67/19",
        ),
        ("la résolution de l’Assemblée générale 70/1 du 25 septembre 2015", "fr", "A/RES/70/1"),
        ("la resolución de la Asamblea General 70/1", "es", "A/RES/70/1"),
        ("резолюция Генеральной Ассамблеи 70/1", "ru", "A/RES/70/1"),
        ("resolution of the Security Council 2231 (2015)", "en", "S/RES/2231 (2015)"),
    ],
)
def test_the_body_named_after_the_word_resolution_is_the_citations(
    text: str, lang: str, target: str
) -> None:
    """ "قرار الجمعية العامة 70/1" (resolution of the General Assembly 70/1) is a citation."""
    assert [c.target for c in find_citations(text, lang) if c.kind != "date"] == [target]


def test_other_words_between_resolution_and_a_number_still_stop_it() -> None:
    """ "resolution on drug control 70/1" names no resolution 70/1."""
    assert [c for c in find_citations("resolution on drug control 70/1", "en")] == []


def test_every_resolution_of_a_long_list_is_cited() -> None:
    """ "resolutions 2453 A (XXIII) of …, 37/90 of …, … and 72/79 of …" cites all five, the
    older form and the dates between them notwithstanding (A/RES/73/6, preamble)."""
    text = (
        "Recalling its resolutions 2453 A (XXIII) of 20 December 1968, 37/90 of 10 December "
        "1982, 54/68 of 6 December 1999, 59/2 of 20 October 2004 and 72/79 of 7 December 2017,"
    )
    assert [c.target for c in find_citations(text, "en") if c.kind != "date"] == [
        "A/RES/2453 A (XXIII)",
        "A/RES/37/90",
        "A/RES/54/68",
        "A/RES/59/2",
        "A/RES/72/79",
    ]
    # A number after other words is not one of the list.
    later = text + " and the report of 2018 on outer space 73/91"
    assert "A/RES/73/91" not in {c.target for c in find_citations(later, "en")}
