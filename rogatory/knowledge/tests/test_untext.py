"""The plain-text UN document parser on the three seed documents and small synthetic samples.

Counts below were made by hand from the seed files (tests/seeds/, see their README)."""

from __future__ import annotations

import datetime
import re
from functools import cache
from pathlib import Path

import pytest

from rogatory.knowledge.untext import (
    Citation,
    Paragraph,
    UnDocument,
    detect_language,
    find_citations,
    leading_verb,
    parse,
    verb_table,
)

SEEDS = Path(__file__).with_name("seeds")
ECOSOC = "000_40328beaa3a63b3a.txt"
GA = "001_716226bc4d6731db.txt"
REPORT = "003_6bdc7af176e43de5.txt"


@cache
def seed(name: str) -> UnDocument:
    return parse((SEEDS / name).read_text(encoding="utf-8"))


def targets(citations: list[Citation] | tuple[Citation, ...], kind: str) -> set[str]:
    return {c.target for c in citations if c.kind == kind}


def notes_of(paragraph: Paragraph) -> dict[str, str]:
    return {note.marker: note.text for note in paragraph.footnotes}


# --- the GA resolution 76/187 -----------------------------------------------------------------


def test_ga_resolution_header() -> None:
    doc = seed(GA)
    assert doc.kind == "resolution"
    assert doc.language == "zh"
    assert doc.symbol == "A/RES/76/187"
    assert doc.number == "76/187"
    assert doc.body == "General Assembly"
    assert doc.date == datetime.date(2021, 12, 16)
    assert doc.title == "加强联合国预防犯罪和刑事司法方案，特别是其技术合作能力"
    assert doc.session == "第七十六届会议"
    assert doc.agenda_item == "108"
    assert doc.agenda_title == "预防犯罪和刑事司法"
    assert doc.adoption == "[根据第三委员会的报告(A/76/463, 第 26 段)通过]"
    assert doc.closing == ("2021年12月16日", "第53次全体会议")


def test_ga_resolution_paragraphs() -> None:
    doc = seed(GA)
    # Lines 19-245 hold 78 preambular pieces (footnotes aside), three of them the ends of
    # paragraphs cut by a page break (lines 107, 127, 245): 75 paragraphs.
    assert len(doc.preamble) == 75
    assert [p.number for p in doc.operative] == [str(n) for n in range(1, 78)]
    assert [p.verb for p in doc.operative[:6]] == [
        "表示赞赏地注意到",
        "重申",
        "促请",
        "鼓励",
        "敦促",
        "重申",
    ]
    assert doc.operative[10].verb == "又欢迎"
    assert doc.operative[59].verb == "又促请"  # 60. 又**促请**: the adverb sits outside the bold
    assert doc.operative[76].verb == "请"  # 77. without bold
    assert all(p.verb for p in doc.operative)
    assert doc.preamble[0].text.startswith("重申其 1991 年 12 月 18 日第 46/152 号")


def test_page_break_inside_a_paragraph_is_mended() -> None:
    doc = seed(GA)
    paragraph = next(p for p in doc.preamble if p.text.startswith("强调指出必须在分担责任"))
    assert "必须根据国际法开展执法合作和情报交换" in paragraph.text
    assert notes_of(paragraph) == {}  # the notes printed inside it belong to earlier paragraphs
    sixth = doc.operative[5]
    assert "第 10/4 号决议，⁴¹ 会议在该决议中强调" in sixth.text
    assert notes_of(sixth) == {"⁴¹": "见 CTOC/COP/2020/10，第一.A 节。"}


def test_ga_footnotes_go_to_the_paragraph_citing_them() -> None:
    doc = seed(GA)
    second = doc.preamble[1]
    assert list(notes_of(second)) == ["¹", "²", "³", "⁴", "⁵"]
    assert targets(second.footnotes[0].citations, "treaty") == {
        "UNTS 2225/39574",
        "UNTS 2237/39574",
        "UNTS 2241/39574",
        "UNTS 2326/39574",
    }
    third = doc.preamble[2]
    assert notes_of(third) == {"⁶": "见 A/CONF.234/16。", "⁷": "第 76/181 号决议，附件。"}
    assert targets(third.footnotes[0].citations, "document_symbol") == {"A/CONF.234/16"}
    assert targets(third.footnotes[1].citations, "resolution") == {"A/RES/76/181"}
    assert notes_of(doc.operative[0]) == {"⁴⁰": "A/76/122。"}
    assert len(doc.footnotes()) == 46
    assert doc.unattached_footnotes == ()
    # ¹ and ¹¹ are different markers.
    eleventh = next(p for p in doc.preamble if "¹¹" in p.text)
    assert list(notes_of(eleventh)) == ["¹¹"]


def test_ga_citations() -> None:
    doc = seed(GA)
    first = doc.preamble[0]
    resolutions = [c.target for c in first.citations if c.kind == "resolution"]
    assert resolutions[:5] == [
        "A/RES/46/152",
        "A/RES/60/1",
        "A/RES/67/1",
        "A/RES/69/193",  # 第 69/193 和 69/196 号: two citations
        "A/RES/69/196",
    ]
    assert resolutions[-1] == "A/RES/75/196"
    cited = first.citations[[c.target for c in first.citations].index("A/RES/46/152")]
    assert first.text[cited.start : cited.end] == "46/152" == cited.text
    assert "1991-12-18" in targets(first.citations, "date")
    everything = doc.citations()
    assert not targets(everything, "date")  # dates are marked up, not listed as citations
    assert {"A/RES/S-32/1", "E/RES/2017/19", "A/RES/76/185"} <= targets(everything, "resolution")
    assert "S/RES/1373 (2001)" in targets(everything, "resolution")
    assert {"A/CONF.234/16", "CTOC/COP/2020/10", "E/CN.15/2015/16", "A/76/122"} <= targets(
        everything, "document_symbol"
    )
    assert "UNTS 2225/39574" in targets(everything, "treaty")
    # A subsidiary body's resolution gets that body's identifier, not the General Assembly's
    # (issue 17: the bare "25/2" said nothing of the Commission that adopted it).
    assert "E/CN.15/RES/25/2" in targets(everything, "resolution")
    assert {"CAC/COSP/RES/8/1", "CAC/COSP/RES/8/10", "CTOC/COP/RES/10/1"} <= targets(
        everything, "resolution"
    )
    assert not {"A/RES/8/1", "A/RES/26/3", "A/RES/10/1"} & targets(everything, "resolution")


# --- the ECOSOC resolution 2021/20 with the Kyoto Declaration -----------------------------------


def test_ecosoc_resolution() -> None:
    doc = seed(ECOSOC)
    assert doc.symbol == "E/RES/2021/20"
    assert doc.number == "2021/20"
    assert doc.body == "Economic and Social Council"
    assert doc.date == datetime.date(2021, 7, 22)
    assert doc.title == "第十四届联合国预防犯罪和刑事司法大会"
    assert doc.session == "2021 年届会"
    assert doc.agenda_item == "19(c)"
    assert doc.agenda_title == "社会和人权问题：预防犯罪和刑事司法"
    assert [p.text for p in doc.front] == [
        "经济及社会理事会",
        "建议大会通过以下决议草案：",
        "大会，",
    ]
    assert len(doc.preamble) == 6  # lines 25-39; line 35 ends the paragraph of line 31
    assert len(doc.operative) == 13
    assert [p.verb for p in doc.operative[:4]] == [
        "表示满意",
        "表示赞赏",
        "赞赏地欢迎",
        "表示深为感谢",
    ]
    assert [p.verb for p in doc.operative[-3:]] == ["又请", "请", "又请"]
    assert notes_of(doc.preamble[5]) == {"¹": "A/CONF.234/16。"}
    assert notes_of(doc.operative[2]) == {"²": "同上，第 24 段和附件。"}
    assert doc.closing == ("2021年7月22日", "第13次全体会议")


def test_ecosoc_citations() -> None:
    doc = seed(ECOSOC)
    first, _, third, fourth, fifth, _ = doc.preamble
    assert [(c.text, c.target) for c in first.citations if c.kind == "resolution"] == [
        ("155 C (VII)", "E/RES/155 C (VII)"),
        ("415 (V)", "A/RES/415 (V)"),
    ]
    assert targets(third.citations, "resolution") == {"A/RES/46/152"}
    assert targets(fourth.citations, "resolution") == {"A/RES/57/270 B"}
    assert targets(fifth.citations, "decision") == {"74/550 A", "74/550 B"}
    assert "2020-08-12" in targets(fifth.citations, "date")


def test_kyoto_declaration_annex() -> None:
    doc = seed(ECOSOC)
    (annex,) = doc.annexes
    assert annex.heading == "附件"
    assert annex.title is not None and annex.title.endswith("的京都宣言")
    numbered = [p for p in annex.paragraphs if p.number]
    assert [p.number for p in numbered] == [str(n) for n in range(1, len(numbered) + 1)]
    assert (
        numbered[0].text
        == "我们深为关切犯罪对法治、人权、社会经济发展、公共卫生与安全、环境和文化遗产的负面影响；"
    )
    headings = [p.text for p in annex.paragraphs if p.kind == "heading"]
    assert "推进预防犯罪工作" in headings
    assert "司法协助" in "".join(p.text for p in annex.paragraphs)
    cross_page = next(p for p in annex.paragraphs if p.text.startswith("回顾第十三届"))
    assert "促进国内和国际法治" in cross_page.text
    assert notes_of(cross_page) == {"³": "大会第 70/174 号决议，附件。"}
    assert doc.unattached_footnotes == ()


# --- the Secretary-General's report A/76/122 --------------------------------------------------


def test_report() -> None:
    doc = seed(REPORT)
    assert doc.kind == "report"
    assert doc.symbol == "A/76/122"  # from the running header
    assert doc.body == "General Assembly"
    assert doc.date is None  # the extraction kept no date
    assert doc.title == (
        "联合国预防犯罪和刑事司法方案各项任务的执行情况，特别侧重联合国毒品和犯罪问题办公室"
        "开展的技术合作活动"
    )
    assert doc.agenda_title == "预防犯罪和刑事司法"
    numbered = [p for p in doc.operative if p.number]
    assert [p.number for p in numbered] == [str(n) for n in range(1, 101)]
    assert numbered[0].text == (
        "2020 年 3 月以来，由于 2019 冠状病毒病（COVID-19）大流行，人类发展自 1990 年以来"
        "首次放缓，犯罪问题及其预防、调查和审理工作也受到影响。"
    )
    headings = [p.text for p in doc.operative if p.kind == "heading"]
    assert headings[:3] == [
        "一. 导言",
        "二. 第十四届大会和第十三届大会的后续行动",
        "三. 预防犯罪和刑事司法委员会采取的行动",
    ]
    assert "1. 解决导致犯罪的原因，包括根源原因，循证式预防犯罪" in headings
    assert len(doc.front) == 3 and doc.front[0].text.startswith("摘要")


def test_report_footnotes_and_citations() -> None:
    doc = seed(REPORT)
    by_number = {p.number: p for p in doc.operative if p.number}
    assert list(notes_of(by_number["2"])) == ["1"]
    assert notes_of(by_number["2"])["1"].endswith("可查阅 www.unodc.org/unodc/en/covid-19.html。")
    assert "研究表明" in by_number["2"].text  # the text after the marker stays in paragraph 2
    assert notes_of(by_number["4"]) == {
        "2": "关于第十四届大会的进一步信息，见 A/76/119 号文件和 A/CONF.234/16 号文件。"
    }
    assert "3 月 7 日，第十四届大会通过了《京都宣言》。" in by_number["4"].text
    assert list(notes_of(by_number["8"])) == ["3"]
    assert targets(by_number["8"].footnotes[0].citations, "document_symbol") == {
        "E/2021/30",
        "E/CN.15/2021/17",
    }
    assert list(notes_of(by_number["9"])) == ["4"]
    assert [n.marker for n in doc.unattached_footnotes] == ["*"]
    assert targets(by_number["8"].citations, "decision") == {"74/550 B"}
    assert targets(by_number["99"].citations, "resolution") == {"S/RES/2396 (2017)"}
    assert "A/76/121" in targets(by_number["86"].citations, "document_symbol")
    assert "A/RES/75/196" in targets(by_number["3"].citations, "resolution")


# --- nothing lost, furniture gone ---------------------------------------------------------------

FURNITURE_LINE = re.compile(r"^\s*(?:https?://\S+|_{5,}|[A-Z]/\d+/\d+)\s*$")


def everything_kept(doc: UnDocument) -> str:
    parts = [*doc.header, *doc.closing]
    for paragraph in doc.paragraphs():
        parts.append(f"{paragraph.number}." if paragraph.number else "")
        parts.append(paragraph.text)
    for annex in doc.annexes:
        parts += [annex.heading, annex.title or ""]
    parts += [f"{note.marker}{note.text}" for note in doc.footnotes()]
    return re.sub(r"\s+", "", "".join(parts))


@pytest.mark.parametrize("name", [ECOSOC, GA, REPORT])
def test_every_line_of_text_is_kept(name: str) -> None:
    doc = seed(name)
    kept = everything_kept(doc)
    for line in (SEEDS / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or FURNITURE_LINE.match(line):
            continue
        cleaned = re.sub(r"\[([^\]]*)\]\(#\)", r"\1", line).replace("**", "")
        assert re.sub(r"\s+", "", cleaned) in kept, line


@pytest.mark.parametrize("name", [ECOSOC, GA, REPORT])
def test_no_page_furniture_left(name: str) -> None:
    doc = seed(name)
    for paragraph in doc.paragraphs():
        assert "http" not in paragraph.text and "undocs.org" not in paragraph.text
        assert "___" not in paragraph.text and "**" not in paragraph.text
        assert "](#)" not in paragraph.text
        assert not re.search(
            f"[{'⁰¹²³⁴⁵⁶⁷⁸⁹'}]+ ?(?:联合国，《条约汇编》|同上，第)", paragraph.text
        )
    if name == REPORT:
        assert not any("A/76/122" in p.text for p in doc.paragraphs())


# --- synthetic English and French ---------------------------------------------------------------

ENGLISH = """\
A/RES/76/999

Seventy-sixth session
Agenda item 108
Crime prevention and criminal justice

Resolution adopted by the General Assembly on 16 December 2021

[on the report of the Third Committee (A/76/463, para. 26)]

76/999. Strengthening international cooperation in criminal matters

The General Assembly,

Reaffirming its resolutions 46/152 of 18 December 1991 and 69/193 and 69/196 of 18 December 2014,

Recalling its decision 74/550 B of 12 August 2020 and the report of the Congress,1

Noting the entry into force of the Convention on 29 September 2003,2

21-12345 (E)
2/3
GE.21-54321
__________________
1 See A/CONF.234/16, chap. I.
2 United Nations, Treaty Series, vol. 2225, No. 39574.
https://undocs.org/en/A/CONF.234/16

1. Requests the Secretary-General to report on the implementation of the present
resolution, taking into account Economic and Social Council resolution 2017/19;
2. Also requests the United Nations Office on Drugs and Crime to continue its work, as
described in document E/CN.15/2024/12;
3. Calls upon Member States to consider ratifying the Convention;
4. Takes note with appreciation of the report of the Secretary-General;
5. Decides to remain seized of the matter.

53rd plenary meeting
16 December 2021
"""


def test_english_sample() -> None:
    doc = parse(ENGLISH)
    assert doc.language == "en"
    assert doc.symbol == "A/RES/76/999"
    assert doc.body == "General Assembly"
    assert doc.date == datetime.date(2021, 12, 16)
    assert doc.session == "Seventy-sixth session"
    assert doc.agenda_item == "108"
    assert doc.title == "Strengthening international cooperation in criminal matters"
    assert len(doc.preamble) == 3
    assert [p.verb for p in doc.operative] == [
        "Requests",
        "Also requests",
        "Calls upon",
        "Takes note with appreciation",
        "Decides",
    ]
    assert doc.operative[0].text.endswith("Economic and Social Council resolution 2017/19;")
    assert targets(doc.preamble[0].citations, "resolution") == {
        "A/RES/46/152",
        "A/RES/69/193",
        "A/RES/69/196",
    }
    assert targets(doc.preamble[0].citations, "date") == {"1991-12-18", "2014-12-18"}
    assert targets(doc.preamble[1].citations, "decision") == {"74/550 B"}
    assert notes_of(doc.preamble[1]) == {"1": "See A/CONF.234/16, chap. I."}
    assert targets(doc.preamble[2].footnotes[0].citations, "treaty") == {"UNTS 2225/39574"}
    assert targets(doc.operative[0].citations, "resolution") == {"E/RES/2017/19"}
    assert targets(doc.operative[1].citations, "document_symbol") == {"E/CN.15/2024/12"}
    assert doc.closing == ("53rd plenary meeting", "16 December 2021")
    kept = " ".join(p.text for p in doc.paragraphs())
    for furniture in ("21-12345", "2/3", "GE.21", "undocs", "____"):
        assert furniture not in kept


FRENCH = """\
Soixante-seizième session
Point 108 de l'ordre du jour

Résolution adoptée par l'Assemblée générale le 16 décembre 2021

76/187. Renforcement du programme des Nations Unies pour la prévention du crime

L'Assemblée générale,

Réaffirmant ses résolutions 46/152 du 18 décembre 1991 et 76/181 du 16 décembre 2021,

Rappelant la Convention des Nations Unies contre la criminalité transnationale organisée¹,

¹ Nations Unies, Recueil des Traités, vol. 2225, 2237, 2241 et 2326, no 39574.

1. Prie le Secrétaire général de lui présenter un rapport (A/76/122);
2. Demande également aux États Membres de coopérer;
3. Exhorte les États parties à appliquer la Convention;
4. Encourage les États Membres à échanger des informations;
5. Décide de rester saisie de la question.
"""


def test_french_sample() -> None:
    doc = parse(FRENCH)
    assert doc.language == "fr"
    assert doc.symbol == "A/RES/76/187"
    assert doc.body == "General Assembly"
    assert doc.date == datetime.date(2021, 12, 16)
    assert doc.agenda_item == "108"
    assert len(doc.preamble) == 2
    assert [p.verb for p in doc.operative] == ["Prie", "Demande", "Exhorte", "Encourage", "Décide"]
    assert targets(doc.preamble[0].citations, "resolution") == {"A/RES/46/152", "A/RES/76/181"}
    assert targets(doc.preamble[0].citations, "date") == {"1991-12-18", "2021-12-16"}
    (note,) = doc.preamble[1].footnotes
    assert targets(note.citations, "treaty") == {
        "UNTS 2225/39574",
        "UNTS 2237/39574",
        "UNTS 2241/39574",
        "UNTS 2326/39574",
    }
    assert targets(doc.operative[0].citations, "document_symbol") == {"A/76/122"}


@pytest.mark.parametrize(
    ("lang", "text", "verb"),
    [
        ("es", "Solicita al Secretario General que informe", "Solicita"),
        ("es", "Insta a los Estados Miembros", "Insta"),
        ("ru", "Настоятельно призывает государства-члены", "Настоятельно призывает"),
        ("ru", "просит Генерального секретаря", "просит"),
        ("ru", "Постановляет продолжить рассмотрение", "Постановляет"),
        ("ar", "تطلب إلى الأمين العام", "تطلب"),
        ("ar", "وتحث الدول الأعضاء", "وتحث"),
        ("zh", "敦促会员国", "敦促"),
        ("zh", "吁请各国", "吁请"),
        ("en", "Notes with concern the rise", "Notes with concern"),
        ("en", "Requesting nothing", None),
        # E/2018/41, resolution 330 (XXX), paragraph 4 (p. 22 of the English report).
        ("en", "Warns of the implications of politicizing humanitarian assistance", "Warns"),
        ("fr", "Met en garde contre les conséquences", "Met en garde"),
        ("ar", "وتحذر من عواقب تسييس المساعدة", "وتحذر"),
        # Vowel marks as printed (E/2018/41 in Arabic, resolution 330 (XXX), para. 4).
        ("ar", "تحذّر من تبعات تسييس المساعدات", "تحذّر"),
        ("ar", "تطلبُ إلى الأمين العام", "تطلبُ"),
        # The Beirut Consensus (E/2018/41): commitments in the first person.
        ("en", "We will seek to put in place national and regional policies", "We will seek"),
        ("en", "We state our firm belief that technology", "We state"),
        ("ar", "ونذكّر باعتماد الاستراتيجية العربية", "ونذكّر"),
        ("en", "We will", None),
        ("fr", "Loue les efforts du secrétariat exécutif", "Loue"),
    ],
)
def test_leading_verbs_in_the_six_languages(lang: str, text: str, verb: str | None) -> None:
    assert leading_verb(text, lang) == verb


def test_every_language_has_verbs_as_data() -> None:
    for lang in ("ar", "en", "es", "fr", "ru", "zh"):
        _, verbs = verb_table(lang)
        assert verbs and verbs == tuple(sorted(verbs, key=len, reverse=True))


@pytest.mark.parametrize(
    ("text", "lang", "iso"),
    [
        ("le 1er janvier 2022", "fr", "2022-01-01"),
        ("el 16 de diciembre de 2021", "es", "2021-12-16"),
        ("16 декабря 2021 года", "ru", "2021-12-16"),
        ("في 16 كانون الأول/ديسمبر 2021", "ar", "2021-12-16"),
        ("on December 16, 2021", "en", "2021-12-16"),
        ("2021年7月22日", "zh", "2021-07-22"),
    ],
)
def test_dates_in_the_six_languages(text: str, lang: str, iso: str) -> None:
    assert targets(find_citations(text, lang), "date") == {iso}


def test_citation_spans_and_language_detection() -> None:
    text = "又回顾 2003 年 6 月 23 日第 57/270 B 号决议和第 74/550 B 号决定以及 CTOC/COP/2020/10"
    found = find_citations(text, "zh")
    for citation in found:
        assert text[citation.start : citation.end] == citation.text
    assert [(c.kind, c.target) for c in found] == [
        ("date", "2003-06-23"),
        ("resolution", "A/RES/57/270 B"),
        ("decision", "74/550 B"),
        ("document_symbol", "CTOC/COP/2020/10"),
    ]
    assert detect_language("Генеральная Ассамблея, ссылаясь на свою резолюцию") == "ru"
    assert detect_language("إن الجمعية العامة، إذ تشير إلى قرارها") == "ar"
    assert detect_language("La Asamblea General, recordando sus resoluciones de los") == "es"


def test_text_without_structure_does_not_fail() -> None:
    assert parse("").operative == ()
    doc = parse("Some note\n\n1. First;\n2. Second.")
    assert [p.text for p in doc.operative] == ["First;", "Second."]
    assert [p.text for p in doc.front] == ["Some note"]


def test_clean_text_drops_markup_and_furniture_and_keeps_the_words() -> None:
    from rogatory.knowledge.untext import clean_text

    raw = (
        "A/76/122\n"
        "**联合国毒品和犯罪问题办公室**\n"
        "https://undocs.org/ch/A/76/122\n"
        "2/15\n"
        "21-10403 (C)\n"
        "见 [CTOC/COP/2020/10](#)，第一.A 节。\n"
    )
    assert clean_text(raw).splitlines() == [
        "联合国毒品和犯罪问题办公室",
        "见 CTOC/COP/2020/10，第一.A 节。",
    ]
    seed = (SEEDS / "001_716226bc4d6731db.txt").read_text(encoding="utf-8")
    assert "](#)" in seed and "](#)" not in clean_text(seed)


PROCLAMATION = (
    "Declaration on Cooperation\n"
    "Preamble\n"
    "Whereas States have agreed to assist one another, as resolution 55/25 recalls,\n"
    "Whereas requests must be executed without delay,\n"
    "Now, therefore,\n"
    "The General Assembly\n"
    "Proclaims this Declaration as a common standard for all central authorities.\n"
    "\n"
    "Article 1\n"
    "Every State shall designate a central authority.\n"
    "\n"
    "Article 2\n"
    "Requests shall be answered.\n"
    "No request shall be refused on the sole ground of bank secrecy.\n"
)


def test_a_proclamation_without_a_number_is_a_resolution_with_its_articles() -> None:
    """Whereas-recitals, "The General Assembly Proclaims …" and "Article N" make a resolution:
    the recitals its preamble, one operative paragraph with its verb, the articles a
    declaration part (decision 0039, 2026-12-07)."""
    from rogatory.knowledge.akn import from_akn, to_akn, validate_bytes

    doc = parse(PROCLAMATION, language="en")
    assert doc.kind == "resolution"
    assert (doc.title, doc.header) == (None, ("Declaration on Cooperation",))
    assert [p.text[:13] for p in doc.preamble] == ["Whereas State", "Whereas reque"]
    assert [p.verb for p in doc.operative] == ["Proclaims"]
    assert doc.operative[0].text.startswith("Now, therefore, The General Assembly Proclaims")
    (part,) = doc.parts
    assert (part.kind, part.heading, part.after) == ("declaration", "Declaration on Cooperation", 1)
    assert [(p.kind, p.text[:10]) for p in part.operative] == [
        ("heading", "Article 1"),
        ("paragraph", "Every Stat"),
        ("heading", "Article 2"),
        ("paragraph", "Requests s"),
        ("paragraph", "No request"),
    ]
    assert [c.target for c in doc.citations()] == ["A/RES/55/25"]
    data = to_akn(doc)
    validate_bytes(data)
    assert from_akn(data) == doc


def test_recitals_without_an_operative_verb_stay_a_report() -> None:
    """ "Whereas" lines not followed by an operative verb are not taken for a proclamation."""
    text = "Notes\nWhereas one\nWhereas two\nThe General Assembly\nsomething else entirely\n"
    assert parse(text, language="en").kind == "report"


@pytest.mark.parametrize(
    ("text", "lang", "verb"),
    [
        (
            "鉴于甲,\n鉴于乙,\n因此现在,大会,发布这一宣言,作为标准。\n第一条\n人人平等。\n",
            "zh",
            "发布",
        ),
        (
            "لما كان أولا،\nولما كان ثانيا،\nفإن الجمعية العامة\n"
            "تنادي بهذا الإعلان\nالمادة 1\nنص\n",
            "ar",
            "تنادي",
        ),
        (
            "принимая во внимание, что а,\nпринимая во внимание, что б,\n"
            "Генеральная Ассамблея,\nпровозглашает настоящую декларацию\nСтатья 1\nтекст\n",
            "ru",
            "провозглашает",
        ),
    ],
)
def test_a_proclamation_is_read_in_other_languages(text: str, lang: str, verb: str) -> None:
    """The recitals, the enacting organ and the verb are known in Chinese, Arabic, Russian."""
    doc = parse(text, language=lang)
    assert (doc.kind, len(doc.preamble), [p.verb for p in doc.operative]) == (
        "resolution",
        2,
        [verb],
    )
    assert doc.parts[0].operative[0].kind == "heading"


def test_a_cover_with_two_symbols_gives_the_first_as_the_documents() -> None:
    """The cover's first symbol is the document's, though running headers repeat the second."""
    text = (
        "E/2018/41\n\nE/ESCWA/30/18/Report\n\nREPORT OF THE THIRTIETH SESSION\n\n"
        "I. Introduction\n1. The Commission met.\nE/ESCWA/30/18/Report\n2. It adopted.\n"
        "E/ESCWA/30/18/Report\n3. It closed.\n"
    )
    assert parse(text, language="en").symbol == "E/2018/41"


def test_two_numbered_items_run_into_one_line_are_two_paragraphs() -> None:
    """A report line "10. … at ESCWA. 11. Activities …" gives paragraphs 10 and 11; a number
    that is not the next one stays text."""
    lines = [f"{n}. Item number {n} of the agenda." for n in range(1, 10)]
    text = "\n".join(
        [
            "Provisional agenda",
            *lines,
            "10. Proposal for a centre at ESCWA. 11. Activities of the Centre in 2017.",
            "12. Reports. See 7. Above.",
        ]
    )
    doc = parse(text, language="en")
    numbered = [(p.number, p.text) for p in doc.operative if p.number]
    assert numbered[9:] == [
        ("10", "Proposal for a centre at ESCWA."),
        ("11", "Activities of the Centre in 2017."),
        ("12", "Reports. See 7. Above."),
    ]


def test_a_resolution_whose_number_the_text_lost_is_still_a_resolution() -> None:
    """An OCR'd page ("2751 (ХХУЮ. Прием …", then "Генеральная Ассамблея," and "постановляет
    …") is a resolution titled by its first lines, not a report."""
    text = (
        "2 Генеральная Ассамблея — Двадцать шестая сессия\n"
        "2751 (ХХУЮ. Прием Бутана в члены\n"
        "Организации Объединенных Наций\n"
        "Генеральная Ассамблея,\n"
        "рассмотрев заявление Бутана о приеме в члены Организации,\n"
        "постановляет принять Бутан в члены Организации Объединенных Наций.\n"
    )
    doc = parse(text, language="ru")
    assert doc.kind == "resolution"
    assert doc.title == "2751 (ХХУЮ. Прием Бутана в члены Организации Объединенных Наций"
    assert [p.text for p in doc.front] == ["Генеральная Ассамблея,"]


def test_an_opening_far_below_the_cover_does_not_make_a_report_a_resolution() -> None:
    """A report quoting "The General Assembly," in its body stays a report."""
    lines = [f"Line {n} of the cover" for n in range(8)]
    text = "\n".join([*lines, "The General Assembly,", "Requests the Secretary-General to act."])
    assert parse(text, language="en").kind == "report"


def test_a_covers_organ_in_capitals_is_not_an_opening() -> None:
    """A report cover's "ECONOMIC AND SOCIAL COUNCIL" line does not make it a resolution."""
    text = (
        "E/2018/41\nREPORT OF THE THIRTIETH SESSION\n25-28 June 2018\n"
        "ECONOMIC AND SOCIAL COUNCIL\nSupplement No. 21\n"
        "Decides to hold its next session in Beirut.\n"
    )
    assert parse(text, language="en").kind == "report"


def test_a_raised_mark_used_twice_gives_its_note_to_both_paragraphs() -> None:
    """ "… for 2014,¹" and "1. Takes note …;¹" with one note "¹ See A/70/219." carry it both;
    a note numbered anew later (another "¹") stops the repeat."""
    text = (
        "70/10. Report of the Agency\n"
        "The General Assembly,\n"
        "Having received the report of the Agency for 2014,¹\n"
        "1. Takes note with appreciation of the report of the Agency;¹\n"
        "2. Welcomes the work of the Agency;²\n"
        "3. Requests the Agency to report again;¹\n"
        "_____\n"
        "¹ See A/70/219.\n"
        "² See A/70/220.\n"
    )
    doc = parse(text, language="en")
    marks = {p.text[:12]: [n.text for n in p.footnotes] for p in doc.paragraphs()}
    assert marks["Having recei"] == ["See A/70/219."]
    assert marks["Takes note w"] == ["See A/70/219."]
    assert marks["Welcomes the"] == ["See A/70/220."]
    assert marks["Requests the"] == ["See A/70/219."]
    assert doc.unattached_footnotes == ()


def test_an_arabic_section_letter_above_paragraph_one_is_a_heading_not_the_title() -> None:
    """ "ألف- …" above "1- …" opens the body (as "A. …" does), so the cover's title is the line
    above it (E/ESCWA/30/L.1 in Arabic)."""
    text = (
        "E/ESCWA/30/L.1\n24 May 2018\nالدورة الثلاثون\nالبند 3 من جدول الأعمال المؤقت\n"
        "جدول الأعمال المؤقت والشروح\n"
        "ألف- اجتماعات كبار المسؤولين (25-26 حزيران/يونيو 2018)\n"
        "1- الافتتاح.\n2- انتخاب أعضاء المكتب.\n"
    )
    doc = parse(text, language="ar")
    assert doc.title == "جدول الأعمال المؤقت والشروح"
    assert (doc.operative[0].kind, doc.operative[0].level) == ("heading", 2)
