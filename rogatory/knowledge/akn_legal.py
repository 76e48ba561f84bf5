"""Akoma Ntoso 3.0 export and import of national legislation (``<act>``) and case law
(``<judgment>``).

``act_to_akn`` / ``judgment_to_akn`` write XML that validates against the official OASIS schema
(the one :mod:`rogatory.knowledge.akn` loads); ``from_legal_akn`` reads it back into an equal
:class:`~rogatory.knowledge.legal.LegalAct` or :class:`~rogatory.knowledge.legal.Judgment`.
Parsing and validation are :func:`rogatory.knowledge.akn.parse_xml` and
:func:`~rogatory.knowledge.akn.validate` (DOCTYPEs refused, hence no XXE nor entity bombs).

Choices:

* IRIs: work ``/akn/cn/act/1997-03-14/no.-83`` (see :mod:`rogatory.knowledge.legal`),
  expression ``…/zho@`` (ISO 639-2 where ``akn.LANGUAGES`` knows the language, else the
  two-letter code as given), manifestation ``….akn``; ``FRBRthis`` adds ``!main``. An undated
  document has ``FRBRdate date="0001-01-01" name="unknown"`` (the schema requires a date).
  ``FRBRcountry`` is the lower-case ISO 3166-1 code; ``FRBRnumber`` the number as published.
* Text: one ``<p>`` per ``"\\n"``-separated paragraph, so text round-trips exactly.
* Provisions are ``<article eId=…>`` with ``<num>``, ``<heading>`` (when there is one) and
  ``<content>``. Their ICCS codes and convention articles are ``refersTo`` references to
  ``<TLCConcept>`` entries (``href`` under ``/akn/ontology/concepts/iccs/`` or
  ``…/conventions/``; ``showAs`` holds the exact code, e.g. ``untoc:6``), in order.
* An act without provisions: ``<body>`` needs at least one hierarchical element, so it holds a
  single ``<hcontainer name="noProvisions">`` with an empty paragraph, dropped on read.
* Judgments: ``<header>`` holds one ``<p class=…>`` per item (``docTitle``, ``docNumber``,
  ``courtType`` for the court, ``docDate``, one ``<party refersTo="#party-N">`` per party line
  with a matching ``TLCPerson``); summary, facts and decision are ``<introduction>``,
  ``<background>`` and ``<decision>``, each left out when empty. ``<judgmentBody>`` needs one
  of them at least, so a judgment with none has ``<introduction class="empty"><p/>``, dropped
  on read. Tags, ICCS codes and convention articles are ``<classification>`` keywords whose
  ``dictionary`` is ``#rogatory-tags``, ``#iccs`` or ``#conventions`` (``TLCConcept`` entries).
* What AKN has no slot for (the source URL) is ``<rog:source url=…>`` in ``<proprietary>``.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from lxml import etree

from rogatory.knowledge.akn import (
    AKN_NS,
    LANGUAGES,
    NSMAP,
    ROG_NS,
    SOURCE_ID,
    AknError,
    _sub,
    identification,
    parse_xml,
    validate,
)
from rogatory.knowledge.legal import (
    Judgment,
    LegalAct,
    Provision,
    act_work_iri,
    country,
    judgment_work_iri,
    slug,
)

_A = f"{{{AKN_NS}}}"
_R = f"{{{ROG_NS}}}"
_LANGUAGES_BACK = {v: k for k, v in LANGUAGES.items()}
_STATE = re.compile(r"[A-Z]{2}")
_LANGUAGE = re.compile(r"[a-z]{2}")
_EID = re.compile(r"[a-z0-9_]+")

_ICCS_HREF = "/akn/ontology/concepts/iccs/"
_CONVENTION_HREF = "/akn/ontology/concepts/conventions/"
_NO_PROVISIONS = "noProvisions"
# <classification> dictionaries: keyword dictionary eId -> (Judgment field, href, showAs).
_DICTIONARIES = {
    "rogatory-tags": ("tags", "/akn/ontology/concepts/rogatory/tags", "Rogatory tags"),
    "iccs": (
        "iccs",
        "/akn/ontology/concepts/iccs",
        "International Classification of Crime for Statistical Purposes",
    ),
    "conventions": ("implements", "/akn/ontology/concepts/conventions", "Convention articles"),
}
_SECTIONS = (("summary", "introduction"), ("facts", "background"), ("decision", "decision"))


# ---------------------------------------------------------------------------------------------
# Shared pieces


def _language(code: str) -> str:
    """ISO 639-1 -> the code AKN IRIs and FRBRlanguage use (639-2 where known)."""
    if code in LANGUAGES:
        return LANGUAGES[code]
    if _LANGUAGE.fullmatch(code or ""):
        return code
    raise AknError(
        f"Unknown language {code!r}: expected a two-letter ISO 639-1 code such as 'en' or 'zh'."
    )


def _check_state(state: str) -> None:
    if not _STATE.fullmatch(state or ""):
        raise AknError(
            f"Bad state {state!r}: expected an upper-case ISO 3166-1 alpha-2 code such as 'CN'."
        )


def _paragraphs(parent: Any, text: str) -> None:
    """One <p> per "\\n"-separated paragraph (an empty text is one empty <p>)."""
    for line in text.split("\n"):
        _sub(parent, "p", line)


def _source_org(references: Any) -> None:
    _sub(
        references,
        "TLCOrganization",
        eId=SOURCE_ID,
        href=f"/akn/ontology/organizations/{SOURCE_ID}",
        showAs="Rogatory",
    )


def _proprietary(meta: Any, source_url: str) -> None:
    if source_url:
        aside = _sub(meta, "proprietary", source=f"#{SOURCE_ID}")
        etree.SubElement(aside, _R + "source", url=source_url)


def _serialise(build: Any, *args: Any) -> bytes:
    try:
        root = build(*args)
    except ValueError as exc:  # lxml refuses control characters and the like
        if isinstance(exc, AknError):
            raise
        raise AknError(f"Cannot express this document in XML: {exc}") from None
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


# ---------------------------------------------------------------------------------------------
# Acts


class _Concepts:
    """TLCConcept entries for the ICCS codes and convention articles of an act's provisions."""

    def __init__(self, used: set[str]) -> None:
        self.used = used
        self.by_value: dict[tuple[str, str], str] = {}
        self.entries: list[tuple[str, str, str]] = []  # (eId, href, showAs)

    def ref(self, kind: str, value: str) -> str:
        key = (kind, value)
        if key not in self.by_value:
            if kind == "iccs":
                wanted, href = f"iccs-{slug(value)}", _ICCS_HREF + slug(value)
            else:
                instrument, _, article = value.partition(":")
                tail = f"{slug(instrument)}/art-{slug(article)}" if article else slug(value)
                wanted = tail.replace("/", "-")
                href = _CONVENTION_HREF + tail
            eid, n = wanted, 1
            while eid in self.used:
                n += 1
                eid = f"{wanted}-{n}"
            self.used.add(eid)
            self.by_value[key] = eid
            self.entries.append((eid, href, value))
        return "#" + self.by_value[key]


def act_to_akn(act: LegalAct, *, generated: datetime.date | None = None) -> bytes:
    """Akoma Ntoso 3.0 ``<act>`` (UTF-8, schema-valid) for a national law and its provisions.

    ``generated`` is the manifestation's date; by default the act's own date, so that the same
    act always gives the same bytes.
    """
    return _serialise(_act, act, generated.isoformat() if generated else None)


def _act(act: LegalAct, generated: str | None) -> Any:
    _check_state(act.state)
    lang = _language(act.language)
    author = f"state-{country(act.state)}"
    used = {SOURCE_ID, author}
    for provision in act.provisions:
        if not _EID.fullmatch(provision.eid or ""):
            raise AknError(
                f"Bad provision eId {provision.eid!r} ({provision.number}): "
                "only a-z, 0-9 and _ are allowed."
            )
        if provision.eid in used:
            raise AknError(
                f"Duplicate provision eId {provision.eid!r} ({provision.number}): eIds must be "
                f"unique, and {SOURCE_ID!r} is reserved."
            )
        used.add(provision.eid)

    root = etree.Element(_A + "akomaNtoso", nsmap=NSMAP)
    main = _sub(root, "act", name="act")
    meta = _sub(main, "meta")
    identification(
        meta,
        work=act_work_iri(act),
        component="!main",
        language=lang,
        date=act.date,
        date_name="adoption",
        author=author,
        country=country(act.state),
        number=act.number,
        generated=generated,
    )
    references = _sub(meta, "references", source=f"#{SOURCE_ID}")
    _source_org(references)
    _sub(
        references,
        "TLCOrganization",
        eId=author,
        href=f"/akn/ontology/organizations/{country(act.state)}",
        showAs=act.state,
    )
    concepts = _Concepts(used)

    preface = _sub(main, "preface")
    _sub(_sub(preface, "p", **{"class": "title"}), "docTitle", act.title)
    if act.number:
        _sub(_sub(preface, "p", **{"class": "number"}), "docNumber", act.number)
    if act.date:
        day = act.date.isoformat()
        _sub(_sub(preface, "p", **{"class": "date"}), "docDate", day, date=day)

    body = _sub(main, "body")
    for provision in act.provisions:
        article = _sub(body, "article", eId=provision.eid)
        refs = [concepts.ref("iccs", code) for code in provision.iccs]
        refs += [concepts.ref("convention", code) for code in provision.implements]
        if refs:
            article.set("refersTo", " ".join(refs))
        _sub(article, "num", provision.number)
        if provision.heading:
            _sub(article, "heading", provision.heading)
        _paragraphs(_sub(article, "content"), provision.text)
    if not act.provisions:
        # <body> needs at least one hierarchical element: an act read without its provisions
        # says so with a named, empty container, which from_legal_akn drops.
        empty = _sub(body, "hcontainer", name=_NO_PROVISIONS, eId="hcontainer_1")
        _sub(_sub(empty, "content"), "p")

    for eid, href, show in concepts.entries:
        _sub(references, "TLCConcept", eId=eid, href=href, showAs=show)
    _proprietary(meta, act.source_url)
    return root


# ---------------------------------------------------------------------------------------------
# Judgments


def judgment_to_akn(j: Judgment, *, generated: datetime.date | None = None) -> bytes:
    """Akoma Ntoso 3.0 ``<judgment>`` (UTF-8, schema-valid) for a court decision."""
    return _serialise(_judgment, j, generated.isoformat() if generated else None)


def _judgment(j: Judgment, generated: str | None) -> Any:
    _check_state(j.state)
    lang = _language(j.language)
    court_slug = slug(j.court)
    root = etree.Element(_A + "akomaNtoso", nsmap=NSMAP)
    main = _sub(root, "judgment", name="judgment")
    meta = _sub(main, "meta")
    identification(
        meta,
        work=judgment_work_iri(j),
        component="!main",
        language=lang,
        date=j.date,
        date_name="decision",
        author="court",
        country=country(j.state),
        number=j.case_number,
        generated=generated,
    )
    keywords = [
        (dictionary, value)
        for dictionary, (attr, _, _) in _DICTIONARIES.items()
        for value in getattr(j, attr)
    ]
    if keywords:
        classification = _sub(meta, "classification", source=f"#{SOURCE_ID}")
        for dictionary, value in keywords:
            _sub(
                classification,
                "keyword",
                value=value,
                showAs=value,
                dictionary=f"#{dictionary}",
            )
    references = _sub(meta, "references", source=f"#{SOURCE_ID}")
    _source_org(references)
    _sub(
        references,
        "TLCOrganization",
        eId="court",
        href=f"/akn/ontology/organizations/{country(j.state)}/{court_slug}",
        showAs=j.court,
    )
    parties = j.parties.split("\n") if j.parties else []
    for n, party in enumerate(parties, 1):
        _sub(
            references,
            "TLCPerson",
            eId=f"party-{n}",
            href=f"/akn/ontology/persons/{country(j.state)}/party-{n}",
            showAs=party,
        )
    for dictionary in sorted({d for d, _ in keywords}, key=list(_DICTIONARIES).index):
        _, href, show = _DICTIONARIES[dictionary]
        _sub(references, "TLCConcept", eId=dictionary, href=href, showAs=show)

    header = _sub(main, "header")
    _sub(_sub(header, "p", **{"class": "title"}), "docTitle", j.title)
    if j.case_number:
        _sub(_sub(header, "p", **{"class": "number"}), "docNumber", j.case_number)
    _sub(_sub(header, "p", **{"class": "court"}), "courtType", j.court)
    if j.date:
        day = j.date.isoformat()
        _sub(_sub(header, "p", **{"class": "date"}), "docDate", day, date=day)
    for n, party in enumerate(parties, 1):
        _sub(_sub(header, "p", **{"class": "party"}), "party", party, refersTo=f"#party-{n}")

    body = _sub(main, "judgmentBody")
    for attr, tag in _SECTIONS:
        text = getattr(j, attr)
        if text:
            _paragraphs(_sub(body, tag), text)
    if not len(body):
        # <judgmentBody> needs at least one section: an explicitly empty one, dropped on read.
        _sub(_sub(body, "introduction", **{"class": "empty"}), "p")
    _proprietary(meta, j.source_url)
    return root


# ---------------------------------------------------------------------------------------------
# Import


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _main(root: Any) -> Any:
    return next((child for child in root if isinstance(child.tag, str)), None)


def akn_document_type(data: bytes) -> str:
    """Local name of the document element (``act``, ``judgment``, ``doc``, ``statement``…).

    The input goes through the hardened parser; unsafe or broken XML, or a root that is not
    Akoma Ntoso 3.0, raises AknError. The schema is not checked here (the readers do that).
    """
    root = parse_xml(data)
    if root.tag != f"{_A}akomaNtoso":
        raise AknError(
            f"Not Akoma Ntoso 3.0: the root element is {root.tag!r}; expected "
            f"<akomaNtoso> in the namespace {AKN_NS}."
        )
    main = _main(root)
    if main is None:
        raise AknError("Empty Akoma Ntoso document: <akomaNtoso> holds no document element.")
    return _local(main.tag)


def _text(elem: Any) -> str:
    return "" if elem is None else "".join(elem.itertext())


def _lines(elem: Any) -> str:
    """The text written by _paragraphs: its <p> children joined by newlines."""
    return "\n".join(_text(p) for p in elem if _local(p.tag) == "p")


def _date(elem: Any) -> datetime.date | None:
    if elem is None:
        return None
    value = elem.get("date") or ""
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        raise AknError(f"Bad date {value!r} (line {elem.sourceline}).") from None


def _required(parent: Any, path: str, what: str) -> Any:
    elem = parent.find(path)
    if elem is None:
        raise AknError(f"Missing {what} in the Akoma Ntoso metadata.")
    return elem


def _common(main: Any) -> tuple[str, str, str]:
    """State, language and source URL from <meta>."""
    ident = f"{_A}meta/{_A}identification"
    country_elem = _required(main, f"{ident}/{_A}FRBRWork/{_A}FRBRcountry", "<FRBRcountry>")
    state = (country_elem.get("value") or "").upper()
    _check_state(state)
    lang_elem = _required(main, f"{ident}/{_A}FRBRExpression/{_A}FRBRlanguage", "<FRBRlanguage>")
    code = lang_elem.get("language") or ""
    language = _LANGUAGES_BACK.get(code, code)
    _language(language)  # refuses "und" and anything else that is not a language code
    source = main.find(f"{_A}meta/{_A}proprietary/{_R}source")
    return state, language, (source.get("url") or "") if source is not None else ""


def _concepts(main: Any) -> dict[str, tuple[str, str]]:
    """TLCConcept eId -> (kind, exact value) for provision refersTo."""
    found: dict[str, tuple[str, str]] = {}
    for elem in main.iterfind(f"{_A}meta/{_A}references/{_A}TLCConcept"):
        href = elem.get("href") or ""
        if href.startswith(_ICCS_HREF):
            kind = "iccs"
        elif href.startswith(_CONVENTION_HREF):
            kind = "convention"
        else:
            continue
        found[elem.get("eId") or ""] = (kind, elem.get("showAs") or "")
    return found


def _provision(article: Any, concepts: dict[str, tuple[str, str]]) -> Provision:
    iccs: list[str] = []
    implements: list[str] = []
    for ref in (article.get("refersTo") or "").split():
        if ref[1:] not in concepts:
            raise AknError(
                f"Unknown reference {ref!r} in refersTo (line {article.sourceline}): expected "
                "a TLCConcept for an ICCS code or a convention article."
            )
        kind, value = concepts[ref[1:]]
        (iccs if kind == "iccs" else implements).append(value)
    content = article.find(_A + "content")
    if content is None:
        raise AknError(
            f"Unsupported provision {article.get('eId')!r} (line {article.sourceline}): "
            "only articles with <content> (no sub-divisions) are read."
        )
    return Provision(
        eid=article.get("eId") or "",
        number=_text(article.find(_A + "num")),
        heading=_text(article.find(_A + "heading")),
        text=_lines(content),
        iccs=tuple(iccs),
        implements=tuple(implements),
    )


def _read_act(main: Any) -> LegalAct:
    state, language, source_url = _common(main)
    concepts = _concepts(main)
    provisions: list[Provision] = []
    for elem in _required(main, f"{_A}body", "<body>"):
        name = _local(elem.tag)
        if name == "hcontainer" and elem.get("name") == _NO_PROVISIONS:
            continue
        if not name:
            continue
        if name != "article":
            raise AknError(
                f"Unsupported element <{name}> in the act's body (line {elem.sourceline}): "
                "only <article> provisions are read."
            )
        provisions.append(_provision(elem, concepts))
    return LegalAct(
        state=state,
        language=language,
        title=_text(main.find(f"{_A}preface/{_A}p/{_A}docTitle")),
        number=_text(main.find(f"{_A}preface/{_A}p/{_A}docNumber")),
        date=_date(main.find(f"{_A}preface/{_A}p/{_A}docDate")),
        provisions=provisions,
        source_url=source_url,
    )


def _keywords(main: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {attr: [] for attr, _, _ in _DICTIONARIES.values()}
    for elem in main.iterfind(f"{_A}meta/{_A}classification/{_A}keyword"):
        dictionary = (elem.get("dictionary") or "").lstrip("#")
        if dictionary not in _DICTIONARIES:
            raise AknError(
                f"Unknown keyword dictionary {elem.get('dictionary')!r} (line "
                f"{elem.sourceline}): expected one of "
                + ", ".join(f"#{d}" for d in _DICTIONARIES)
                + "."
            )
        found[_DICTIONARIES[dictionary][0]].append(elem.get("value") or "")
    return found


def _read_judgment(main: Any) -> Judgment:
    state, language, source_url = _common(main)
    header = _required(main, f"{_A}header", "<header>")
    court = header.find(f"{_A}p/{_A}courtType")
    if court is None:
        raise AknError("Missing <courtType> (the court) in the judgment's <header>.")
    parties = [_text(p) for p in header.iterfind(f"{_A}p/{_A}party")]
    sections: dict[str, str] = {}
    body = _required(main, f"{_A}judgmentBody", "<judgmentBody>")
    for attr, tag in _SECTIONS:
        elem = body.find(_A + tag)
        sections[attr] = "" if elem is None or elem.get("class") == "empty" else _lines(elem)
    keywords = _keywords(main)
    return Judgment(
        state=state,
        language=language,
        court=_text(court),
        title=_text(header.find(f"{_A}p/{_A}docTitle")),
        case_number=_text(header.find(f"{_A}p/{_A}docNumber")),
        date=_date(header.find(f"{_A}p/{_A}docDate")),
        parties="\n".join(parties),
        summary=sections["summary"],
        facts=sections["facts"],
        decision=sections["decision"],
        tags=tuple(keywords["tags"]),
        iccs=tuple(keywords["iccs"]),
        implements=tuple(keywords["implements"]),
        source_url=source_url,
    )


def from_legal_akn(data: bytes) -> LegalAct | Judgment:
    """Read an Akoma Ntoso 3.0 ``<act>`` or ``<judgment>`` (as written here) back.

    The input is parsed with the hardened parser and validated against the schema first;
    anything unsafe, malformed, invalid or of another document type raises AknError.
    """
    root = parse_xml(data)
    validate(root)
    main = _main(root)
    name = _local(main.tag) if main is not None else ""
    if name == "act":
        return _read_act(main)
    if name == "judgment":
        return _read_judgment(main)
    raise AknError(
        f"Unsupported Akoma Ntoso document type <{name}>: legislation is read from <act> and "
        "case law from <judgment> (UN documents, <statement> and <doc>, have their own reader)."
    )
