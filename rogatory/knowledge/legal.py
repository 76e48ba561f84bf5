"""National legislation (acts and their provisions) and case law (judgments).

Plain dataclasses, shared by the scrapers, the importer and the Akoma Ntoso writer/reader in
:mod:`rogatory.knowledge.akn_legal`, plus the AKN work IRIs of both kinds of document:

* act: ``/akn/<country>/act/<date or "undated">/<number slug, else title slug>``
* judgment: ``/akn/<country>/judgment/<court slug>/<date or "undated">/<case number slug, else
  title slug>``

Slugs are ASCII lower case where the text can be made so (``"Code pénal"`` -> ``code-penal``);
other scripts keep their characters (IRIs may hold Unicode), with whitespace, ``/`` and other
punctuation turned into ``-``. Every slug is at most 200 characters.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

SLUG_MAX = 200


@dataclass
class Provision:
    eid: str  # AKN eId, e.g. "art_191" (unique within the act; [a-z0-9_] only)
    number: str  # as published: "Article 191", "第一百九十一条", "المادة 2"
    heading: str = ""
    text: str = ""  # plain text, paragraphs separated by "\n"
    iccs: tuple[str, ...] = ()  # ICCS codes, e.g. ("07041",)
    # convention articles "<instrument code>:<article>", e.g. ("untoc:6", "uncac:23")
    implements: tuple[str, ...] = ()
    # The maximum penalty (lib.penalties dict), or None; not carried in Akoma Ntoso.
    penalty: dict[str, Any] | None = None
    # Provenance of the ICCS codes (decision 0034); not carried in Akoma Ntoso either.
    iccs_method: str = ""  # manual, correspondence_table, suggested ("" unknown)
    iccs_coded_by: str = ""
    iccs_verified_by: str = ""
    iccs_verified_on: datetime.date | None = None


@dataclass
class LegalAct:
    state: str  # ISO 3166-1 alpha-2, upper case ("CN", "EG", "FR")
    language: str  # ISO 639-1: ar zh en fr ru es, or another two-letter code
    title: str
    number: str = ""  # official number as published ("No. 80 of 2002"), may be ""
    date: datetime.date | None = None  # date of adoption / promulgation
    provisions: list[Provision] = field(default_factory=list)
    source_url: str = ""


@dataclass
class Judgment:
    state: str
    language: str
    court: str
    title: str  # case name as the source publishes it
    case_number: str = ""
    date: datetime.date | None = None
    parties: str = ""  # as the source publishes them (one line per party, "\n"-separated)
    summary: str = ""
    facts: str = ""
    decision: str = ""
    tags: tuple[str, ...] = ()
    iccs: tuple[str, ...] = ()
    implements: tuple[str, ...] = ()
    source_url: str = ""


def slug(value: str) -> str:
    """IRI path component: ``"No. 80 of 2002"`` -> ``no.-80-of-2002``, ``"Code pénal"`` ->
    ``code-penal``, ``"第 80 号/2002"`` -> ``第-80-号-2002``; ``x`` when nothing is left.

    For ASCII text this is the UN-document slug of :mod:`rogatory.knowledge.akn`, except that
    leading and trailing dots go too (no ``.`` or ``..`` path segments).
    """
    out: list[str] = []
    for char in value:
        # Latin letters with diacritics (and compatibility forms) become plain ASCII.
        ascii_form = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        if ascii_form:
            out.append(re.sub(r"[^0-9a-z.]", "-", ascii_form.lower()))
        elif unicodedata.category(char)[0] in "LMN":  # letters, combining marks, digits
            out.append(char.lower())
        else:
            out.append("-")  # whitespace, "/", punctuation, symbols, controls
    text = re.sub(r"-{2,}", "-", "".join(out)).strip("-.")
    text = text[:SLUG_MAX].rstrip("-.")
    return text or "x"


def country(state: str) -> str:
    """AKN country code (lower-case ISO 3166-1 alpha-2)."""
    return state.lower()


def _date(value: datetime.date | None) -> str:
    return value.isoformat() if value else "undated"


def act_work_iri(act: LegalAct) -> str:
    """``/akn/cn/act/1997-03-14/no.-83`` (number slug, else title slug)."""
    name = slug(act.number) if act.number.strip() else slug(act.title)
    return f"/akn/{country(act.state)}/act/{_date(act.date)}/{name}"


def judgment_work_iri(j: Judgment) -> str:
    """``/akn/fr/judgment/cour-de-cassation/2020-01-08/19-80.512``."""
    name = slug(j.case_number) if j.case_number.strip() else slug(j.title)
    return f"/akn/{country(j.state)}/judgment/{slug(j.court)}/{_date(j.date)}/{name}"
