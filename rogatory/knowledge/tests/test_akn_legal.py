"""Akoma Ntoso for national legislation (<act>) and case law (<judgment>): schema-valid exports,
exact round trips, AKN work IRIs, hostile and foreign XML refused."""

from __future__ import annotations

import datetime

import pytest
from lxml import etree

from rogatory.knowledge.akn import AKN_NS, AknError, to_akn, validate_bytes
from rogatory.knowledge.akn_legal import (
    act_to_akn,
    akn_document_type,
    from_legal_akn,
    judgment_to_akn,
)
from rogatory.knowledge.legal import (
    Judgment,
    LegalAct,
    Provision,
    act_work_iri,
    judgment_work_iri,
    slug,
)
from rogatory.knowledge.tests.test_akn import BILLION_LAUGHS, XXE_FILE, _seed

NS = {"a": AKN_NS}


def _tree(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def _value(root: etree._Element, path: str, attr: str = "value") -> str | None:
    elem = root.find(path, NS)
    assert elem is not None, path
    return elem.get(attr)


# --- acts -------------------------------------------------------------------------------------


def _chinese() -> LegalAct:
    return LegalAct(
        state="CN",
        language="zh",
        title="中华人民共和国刑法",
        number="主席令第83号",
        date=datetime.date(1997, 3, 14),
        provisions=[
            Provision(
                eid="art_191",
                number="第一百九十一条",
                heading="洗钱罪",
                text="为掩饰、隐瞒……的来源和性质，有下列行为之一的……\n（一）提供资金帐户的；",
                iccs=("07041",),
                implements=("untoc:6", "uncac:23"),
            ),
            Provision(eid="art_192", number="第一百九十二条", text="集资诈骗罪……"),
        ],
        source_url="https://flk.npc.gov.cn/detail2.html?MmM5MDlmZGQ2NzhiZjE3OTAxNjc4YmY3Y2M1MzA3Nzg%3D",
    )


def _arabic() -> LegalAct:
    return LegalAct(
        state="EG",
        language="ar",
        title="قانون مكافحة غسل الأموال",
        number="رقم 80 لسنة 2002",
        date=datetime.date(2002, 5, 22),
        provisions=[
            Provision(
                eid="art_1",
                number="المادة 1",
                heading="تعريفات",
                text="يقصد بالأموال في تطبيق أحكام هذا القانون…\nالعملة الوطنية والعملات الأجنبية",
                iccs=("07041", "0801"),
                implements=("untoc:6",),
            ),
            Provision(
                eid="art_2",
                number="المادة ٢",
                text="يحظر غسل الأموال المتحصلة من جرائم",
                implements=("uncac:23", "untoc:6"),
            ),
        ],
    )


def _french() -> LegalAct:
    return LegalAct(
        state="FR",
        language="fr",
        title="Code pénal",
        date=datetime.date(1992, 7, 22),
        provisions=[
            Provision(
                eid="art_324_1",
                number="Article 324-1",
                heading="Du blanchiment",
                text="Le blanchiment est le fait de faciliter, par tout moyen, …\n"
                "Constitue également un blanchiment le fait d'apporter un concours …",
                iccs=("07041",),
                implements=("untoc:6",),
            ),
            Provision(eid="art_324_2", number="Article 324-2", text=""),
            Provision(eid="art_324_3", number="", text="  espaces & <chevrons>\n\n  "),
        ],
        source_url="https://www.legifrance.gouv.fr/codes/section_lc/LEGITEXT000006070719/",
    )


ACTS = {"zh": _chinese, "ar": _arabic, "fr": _french}


@pytest.mark.parametrize("language", list(ACTS))
def test_act_validates_and_round_trips(language: str) -> None:
    act = ACTS[language]()
    data = act_to_akn(act)
    validate_bytes(data)  # the official Akoma Ntoso 3.0 schema
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    back = from_legal_akn(data)
    assert back == act
    assert isinstance(back, LegalAct)
    assert act_to_akn(back) == data


def test_act_markup() -> None:
    root = _tree(act_to_akn(_chinese()))
    act = root.find("a:act", NS)
    assert act is not None and act.get("name") == "act"
    article = root.find(".//a:body/a:article[@eId='art_191']", NS)
    assert article is not None
    assert article.get("refersTo") == "#iccs-07041 #untoc-art-6 #uncac-art-23"
    assert article.findtext("a:num", namespaces=NS) == "第一百九十一条"
    assert article.findtext("a:heading", namespaces=NS) == "洗钱罪"
    paragraphs = article.findall("a:content/a:p", NS)
    assert [p.text for p in paragraphs][1] == "（一）提供资金帐户的；"
    concepts = {
        e.get("eId"): (e.get("href"), e.get("showAs"))
        for e in root.iterfind(".//a:references/a:TLCConcept", NS)
    }
    assert concepts == {
        "iccs-07041": ("/akn/ontology/concepts/iccs/07041", "07041"),
        "untoc-art-6": ("/akn/ontology/concepts/conventions/untoc/art-6", "untoc:6"),
        "uncac-art-23": ("/akn/ontology/concepts/conventions/uncac/art-23", "uncac:23"),
    }
    # No heading, no <heading>.
    second = root.find(".//a:article[@eId='art_192']", NS)
    assert second is not None and second.find("a:heading", NS) is None
    assert second.get("refersTo") is None
    assert root.findtext(".//a:preface//a:docTitle", namespaces=NS) == "中华人民共和国刑法"
    assert root.findtext(".//a:preface//a:docNumber", namespaces=NS) == "主席令第83号"
    assert _value(root, ".//a:preface//a:docDate", "date") == "1997-03-14"
    source = root.find(".//a:meta/a:proprietary/{urn:rogatory:akn:1}source", NS)
    assert source is not None and source.get("url") == _chinese().source_url


def test_act_identification() -> None:
    act = _chinese()
    work = "/akn/cn/act/1997-03-14/主席令第83号"
    assert act_work_iri(act) == work
    root = _tree(act_to_akn(act))
    assert _value(root, ".//a:FRBRWork/a:FRBRthis") == work + "/!main"
    assert _value(root, ".//a:FRBRWork/a:FRBRuri") == work
    assert _value(root, ".//a:FRBRWork/a:FRBRcountry") == "cn"
    assert _value(root, ".//a:FRBRWork/a:FRBRnumber") == "主席令第83号"
    assert _value(root, ".//a:FRBRWork/a:FRBRdate", "date") == "1997-03-14"
    assert _value(root, ".//a:FRBRExpression/a:FRBRthis") == work + "/zho@/!main"
    assert _value(root, ".//a:FRBRExpression/a:FRBRlanguage", "language") == "zho"
    assert _value(root, ".//a:FRBRManifestation/a:FRBRthis") == work + "/zho@/!main.akn"
    assert _value(root, ".//a:FRBRManifestation/a:FRBRauthor", "href") == "#rogatory"
    assert _value(root, ".//a:FRBRWork/a:FRBRauthor", "href") == "#state-cn"
    arabic = _tree(act_to_akn(_arabic()))
    assert _value(arabic, ".//a:FRBRWork/a:FRBRcountry") == "eg"
    assert _value(arabic, ".//a:FRBRExpression/a:FRBRlanguage", "language") == "ara"
    assert act_work_iri(_arabic()) == "/akn/eg/act/2002-05-22/رقم-80-لسنة-2002"
    # No number: the title slug, ASCII where the text can be made so.
    assert act_work_iri(_french()) == "/akn/fr/act/1992-07-22/code-penal"


def test_act_without_provisions_number_or_date() -> None:
    act = LegalAct(state="DE", language="de", title="Strafgesetzbuch")
    data = act_to_akn(act)
    validate_bytes(data)
    assert from_legal_akn(data) == act
    root = _tree(data)
    assert act_work_iri(act) == "/akn/de/act/undated/strafgesetzbuch"
    assert _value(root, ".//a:FRBRWork/a:FRBRdate", "date") == "0001-01-01"
    assert _value(root, ".//a:FRBRWork/a:FRBRdate", "name") == "unknown"
    assert root.find(".//a:FRBRWork/a:FRBRnumber", NS) is None
    # Another two-letter language keeps its ISO 639-1 code.
    assert _value(root, ".//a:FRBRExpression/a:FRBRlanguage", "language") == "de"
    # <body> may not be empty: one named, empty container, dropped on read.
    (only,) = root.find(".//a:body", NS)
    assert only.tag == f"{{{AKN_NS}}}hcontainer" and only.get("name") == "noProvisions"
    assert root.find(".//a:preface//a:docDate", NS) is None
    assert root.find(".//a:proprietary", NS) is None


def test_empty_title_still_round_trips() -> None:
    act = LegalAct(state="RU", language="ru", title="", provisions=[Provision("st_1", "")])
    data = act_to_akn(act)
    validate_bytes(data)
    assert from_legal_akn(data) == act
    assert act_work_iri(act).endswith("/undated/x")


def test_export_is_deterministic_and_the_generation_date_can_be_given() -> None:
    assert act_to_akn(_french()) == act_to_akn(_french())
    day = datetime.date(2030, 5, 6)
    assert act_to_akn(_french(), generated=day) == act_to_akn(_french(), generated=day)
    root = _tree(act_to_akn(_french(), generated=day))
    assert _value(root, ".//a:FRBRManifestation/a:FRBRdate", "date") == "2030-05-06"
    assert _value(root, ".//a:FRBRWork/a:FRBRdate", "date") == "1992-07-22"
    judgment = _full_judgment()
    assert judgment_to_akn(judgment, generated=day) == judgment_to_akn(judgment, generated=day)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"state": "cn"}, "Bad state 'cn'"),
        ({"state": "CHN"}, "Bad state"),
        ({"language": "und"}, "Unknown language 'und'"),
        ({"language": "chinese"}, "Unknown language"),
        ({"title": "a\x0cb"}, "Cannot express this document in XML"),
    ],
)
def test_act_bad_values_are_clear_errors(change: dict[str, str], message: str) -> None:
    act = _chinese()
    for key, value in change.items():
        setattr(act, key, value)
    with pytest.raises(AknError, match=message):
        act_to_akn(act)


@pytest.mark.parametrize(
    ("eids", "message"),
    [
        (["Art 1"], "Bad provision eId 'Art 1'"),
        (["art-1"], "Bad provision eId"),
        ([""], "Bad provision eId"),
        (["art_1", "art_1"], "Duplicate provision eId 'art_1'"),
        (["rogatory"], "Duplicate provision eId 'rogatory'"),
    ],
)
def test_bad_provision_eids(eids: list[str], message: str) -> None:
    act = LegalAct("FR", "fr", "t", provisions=[Provision(e, "1") for e in eids])
    with pytest.raises(AknError, match=message):
        act_to_akn(act)


def test_carriage_returns_and_odd_codes_survive() -> None:
    act = LegalAct(
        "GB",
        "en",
        "Proceeds of Crime Act 2002",
        number="2002 c. 29",
        provisions=[
            Provision("s_327", "327", text="a\r\nb", iccs=("0701 ", "0701"), implements=("x",)),
            Provision("x", "x", implements=("x", "untoc:6")),
        ],
    )
    data = act_to_akn(act)
    validate_bytes(data)
    assert from_legal_akn(data) == act
    assert act_work_iri(act) == "/akn/gb/act/undated/2002-c.-29"


# --- judgments ----------------------------------------------------------------------------------


def _full_judgment() -> Judgment:
    return Judgment(
        state="FR",
        language="fr",
        court="Cour de cassation, chambre criminelle",
        title="Arrêt n° 2547 du 8 janvier 2020",
        case_number="19-80.512",
        date=datetime.date(2020, 1, 8),
        parties="M. X…, demandeur\nProcureur général près la cour d'appel de Paris",
        summary="Blanchiment — élément matériel.\nPremier moyen.",
        facts="Il résulte de l'arrêt attaqué …",
        decision="REJETTE le pourvoi.",
        tags=("money-laundering", "mutual-legal-assistance"),
        iccs=("07041",),
        implements=("untoc:6", "uncac:23"),
        source_url="https://www.courdecassation.fr/decision/5fca",
    )


def test_full_judgment_validates_and_round_trips() -> None:
    judgment = _full_judgment()
    data = judgment_to_akn(judgment)
    validate_bytes(data)
    back = from_legal_akn(data)
    assert back == judgment
    assert isinstance(back, Judgment)
    assert judgment_to_akn(back) == data


def test_judgment_markup_and_identification() -> None:
    judgment = _full_judgment()
    work = "/akn/fr/judgment/cour-de-cassation-chambre-criminelle/2020-01-08/19-80.512"
    assert judgment_work_iri(judgment) == work
    root = _tree(judgment_to_akn(judgment))
    main = root.find("a:judgment", NS)
    assert main is not None and main.get("name") == "judgment"
    assert _value(root, ".//a:FRBRWork/a:FRBRthis") == work + "/!main"
    assert _value(root, ".//a:FRBRWork/a:FRBRcountry") == "fr"
    assert _value(root, ".//a:FRBRWork/a:FRBRnumber") == "19-80.512"
    assert _value(root, ".//a:FRBRExpression/a:FRBRlanguage", "language") == "fra"
    assert _value(root, ".//a:FRBRWork/a:FRBRauthor", "href") == "#court"
    court = root.find(".//a:references/a:TLCOrganization[@eId='court']", NS)
    assert court is not None and court.get("showAs") == judgment.court
    assert root.findtext(".//a:header//a:courtType", namespaces=NS) == judgment.court
    assert root.findtext(".//a:header//a:docNumber", namespaces=NS) == "19-80.512"
    parties = root.findall(".//a:header//a:party", NS)
    assert [(p.get("refersTo"), p.text) for p in parties] == [
        ("#party-1", "M. X…, demandeur"),
        ("#party-2", "Procureur général près la cour d'appel de Paris"),
    ]
    keywords = [
        (k.get("dictionary"), k.get("value"))
        for k in root.iterfind(".//a:meta/a:classification/a:keyword", NS)
    ]
    assert keywords == [
        ("#rogatory-tags", "money-laundering"),
        ("#rogatory-tags", "mutual-legal-assistance"),
        ("#iccs", "07041"),
        ("#conventions", "untoc:6"),
        ("#conventions", "uncac:23"),
    ]
    sections = [_local(e.tag) for e in root.find(".//a:judgmentBody", NS)]
    assert sections == ["introduction", "background", "decision"]
    assert [p.text for p in root.findall(".//a:introduction/a:p", NS)] == [
        "Blanchiment — élément matériel.",
        "Premier moyen.",
    ]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def test_minimal_judgment_validates_and_round_trips() -> None:
    judgment = Judgment(state="EG", language="ar", court="محكمة النقض", title="الطعن رقم ١٢٣")
    data = judgment_to_akn(judgment)
    validate_bytes(data)
    assert from_legal_akn(data) == judgment
    root = _tree(data)
    assert judgment_work_iri(judgment) == "/akn/eg/judgment/محكمة-النقض/undated/الطعن-رقم-١٢٣"
    assert _value(root, ".//a:FRBRWork/a:FRBRcountry") == "eg"
    assert _value(root, ".//a:FRBRExpression/a:FRBRlanguage", "language") == "ara"
    assert root.find(".//a:classification", NS) is None
    assert root.find(".//a:header//a:party", NS) is None
    # <judgmentBody> may not be empty: one explicitly empty section, dropped on read.
    (only,) = root.find(".//a:judgmentBody", NS)
    assert _local(only.tag) == "introduction" and only.get("class") == "empty"


def test_judgment_with_some_sections_and_blank_party_lines() -> None:
    judgment = Judgment(
        state="CN",
        language="zh",
        court="最高人民法院",
        title="张某洗钱案",
        parties="张某\n\n",
        decision="驳回上诉，维持原判。",
        iccs=("07041",),
    )
    data = judgment_to_akn(judgment)
    validate_bytes(data)
    assert from_legal_akn(data) == judgment
    root = _tree(data)
    assert [_local(e.tag) for e in root.find(".//a:judgmentBody", NS)] == ["decision"]
    assert len(root.findall(".//a:header//a:party", NS)) == 3
    assert judgment_work_iri(judgment) == "/akn/cn/judgment/最高人民法院/undated/张某洗钱案"


# --- slugs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("No. 80 of 2002", "no.-80-of-2002"),
        ("Code pénal", "code-penal"),
        ("Loi n° 2001-420", "loi-n-2001-420"),
        ("第 80 号/2002", "第-80-号-2002"),
        ("قانون رقم 80 لسنة 2002", "قانون-رقم-80-لسنة-2002"),
        ("Уголовный кодекс", "уголовный-кодекс"),
        ("../..", "x"),
        ("", "x"),
        ("a?b#c%d", "a-b-c-d"),
    ],
)
def test_slugs(text: str, expected: str) -> None:
    assert slug(text) == expected


def test_slugs_are_at_most_200_characters() -> None:
    assert len(slug("a " * 500)) <= 200
    assert len(slug("法" * 500)) == 200
    long = LegalAct("CN", "zh", "法" * 500)
    assert act_work_iri(long) == "/akn/cn/act/undated/" + "法" * 200


# --- document type, hostile and foreign XML -------------------------------------------------------


def test_akn_document_type() -> None:
    assert akn_document_type(act_to_akn(_french())) == "act"
    assert akn_document_type(judgment_to_akn(_full_judgment())) == "judgment"
    assert akn_document_type(to_akn(_seed("003"))) == "doc"
    assert akn_document_type(to_akn(_seed("001"))) == "statement"


@pytest.mark.parametrize("payload", [XXE_FILE, BILLION_LAUGHS], ids=["xxe", "billion-laughs"])
def test_hostile_xml_is_refused(payload: bytes) -> None:
    for reader in (from_legal_akn, akn_document_type):
        with pytest.raises(AknError, match="XML rejected") as caught:
            reader(payload)
        assert "root:" not in str(caught.value)


def test_broken_xml_and_wrong_roots() -> None:
    for reader in (from_legal_akn, akn_document_type):
        with pytest.raises(AknError, match="Not well-formed XML"):
            reader(b"<akomaNtoso><act></akomaNtoso>")
        with pytest.raises(AknError, match=r"Not Akoma Ntoso 3\.0: the root element"):
            reader(b"<html><body/></html>")
        with pytest.raises(AknError, match=r"Not Akoma Ntoso 3\.0"):
            reader(b'<akomaNtoso xmlns="http://www.akomantoso.org/2.0"><act/></akomaNtoso>')
    with pytest.raises(AknError, match="holds no document element"):
        akn_document_type(f'<akomaNtoso xmlns="{AKN_NS}"><!-- x --></akomaNtoso>'.encode())


def test_schema_invalid_act_is_refused() -> None:
    data = f'<akomaNtoso xmlns="{AKN_NS}"><act name="act"><body/></act></akomaNtoso>'.encode()
    with pytest.raises(AknError, match=r"Invalid Akoma Ntoso 3\.0 \(schema\): line 1"):
        from_legal_akn(data)
    # An act that lost its <body>.
    valid = act_to_akn(_french())
    start, end = valid.index(b"<body>"), valid.index(b"</body>") + len(b"</body>")
    with pytest.raises(AknError, match=r"Invalid Akoma Ntoso 3\.0 \(schema\)"):
        from_legal_akn(valid[:start] + valid[end:])


def test_other_document_types_are_refused() -> None:
    with pytest.raises(AknError, match=r"Unsupported Akoma Ntoso document type <doc>"):
        from_legal_akn(to_akn(_seed("003")))
    with pytest.raises(AknError, match=r"document type <statement>"):
        from_legal_akn(to_akn(_seed("001")))


def test_valid_akn_we_did_not_write_is_a_clear_error() -> None:
    data = act_to_akn(_chinese())
    # A provision that refers to something that is no ICCS code nor convention article.
    with pytest.raises(AknError, match="Unknown reference '#rogatory' in refersTo"):
        from_legal_akn(data.replace(b"#iccs-07041 ", b"#rogatory "))
    # A language that is not one.
    with pytest.raises(AknError, match="Unknown language 'und'"):
        from_legal_akn(data.replace(b'language="zho"', b'language="und"'))
    # Sub-divided articles are not what we write.
    nested = data.replace(b"<body>", b'<body><chapter eId="chp_1"><num>1</num>').replace(
        b"</body>", b"</chapter></body>"
    )
    validate_bytes(nested)
    with pytest.raises(AknError, match="Unsupported element <chapter>"):
        from_legal_akn(nested)
    judgment = judgment_to_akn(_full_judgment())
    with pytest.raises(AknError, match="Unknown keyword dictionary '#other'"):
        from_legal_akn(judgment.replace(b'dictionary="#iccs"', b'dictionary="#other"'))
    without_court = judgment.replace(b"courtType>", b"docAuthority>")
    validate_bytes(without_court)
    with pytest.raises(AknError, match="Missing <courtType>"):
        from_legal_akn(without_court)


def test_comments_and_processing_instructions_are_ignored() -> None:
    act = _arabic()
    data = act_to_akn(act).replace(b"<body>", b"<body><!-- note --><?pi x?>")
    assert from_legal_akn(data) == act
    judgment = _full_judgment()
    data = judgment_to_akn(judgment).replace(b"<decision>", b"<decision><!-- c -->")
    assert from_legal_akn(data) == judgment
