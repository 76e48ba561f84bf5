"""The request document as an ordered outline of sections, independent of the output format.

``build_outline(document)`` turns the structured request (the JSON document, see
``drafting/schemas/request-1.schema.json``) into numbered sections of labelled fields,
paragraphs, tables and lists. Fixed wording comes from :mod:`.texts` in the document's
``language``; what the drafter wrote is copied unchanged. DOCX and PDF both render this
outline, so the two formats say the same thing in the same order.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from rogatory.lib.penalties import PenaltyKind, penalty_or_none

from .texts import Texts

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
BABEL_LOCALES = {"ar": "ar", "zh": "zh_Hans", "en": "en", "fr": "fr", "ru": "ru", "es": "es"}


@dataclass
class Field:
    label: str
    value: str


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    number: str
    heading: str
    fields: list[Field] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    table: Table | None = None
    items: list[str] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)


@dataclass
class Outline:
    language: str
    rtl: bool
    title: str
    header_fields: list[Field]
    notice: str
    sections: list[Section]
    closing: str
    date_line: str
    signature_label: str
    seal_label: str
    signatory: list[str]
    page_template: str
    reference: str
    # On every page of a version not yet approved ("DRAFT – not approved …"); empty once approved.
    draft_mark: str = ""
    # Under the signature of an approved version: who approved it, and when.
    approval_line: str = ""
    # Who the requested State contacts about the request (before the closing formula).
    contact_line: str = ""


@dataclass(frozen=True)
class Approval:
    """Who approved a version and when: what the final files print (None: a draft)."""

    name: str
    day: datetime.date
    # When a delegate approved: the supervisor he approved for (decision 0026).
    on_behalf_of: str = ""


def text(value: object) -> str:
    """A user-supplied value as written (``None`` -> empty), trailing blanks removed."""
    if value is None:
        return ""
    return str(value).strip()


def paragraphs(value: object) -> list[str]:
    """User text split into its non-empty lines, each kept as written."""
    return [line.rstrip() for line in text(value).splitlines() if line.strip()]


# "art. 18", "Art 46(9)", "article 18 (3) (b)", "Article 18, paragraph 3": article, paragraph,
# letter.
ARTICLE = re.compile(
    r"^\s*(?:art\.?|article)\s*(?P<article>\d+)"
    r"(?:\s*(?:\(|,\s*(?:para(?:graph)?\.?)\s*)(?P<paragraph>\d+)\)?)?"
    r"(?:\s*\((?P<letter>[a-z])\))?\s*$",
    re.IGNORECASE,
)


class Builder:
    def __init__(self, document: Mapping[str, Any], approval: Approval | None = None) -> None:
        self.doc = document
        self.approval = approval
        self.t = Texts(document.get("language"))
        self.locale = Locale.parse(BABEL_LOCALES[self.t.language])

    # -- formatting of values -------------------------------------------------------------
    def date(self, value: object) -> str:
        raw = text(value)
        if not raw:
            return ""
        try:
            parsed = datetime.date.fromisoformat(raw[:10])
        except ValueError:
            return raw
        return format_date(parsed, format="long", locale=self.locale)

    def country(self, code: object, fallback: object = "") -> str:
        raw = text(code).upper()
        name = self.locale.territories.get(raw) if raw else None
        return name or text(fallback) or raw

    def language_name(self, code: object) -> str:
        raw = text(code).replace("-", "_")
        base = raw.split("_")[0].lower()
        return self.locale.languages.get(base) or raw

    def value(self, value: object) -> str:
        if isinstance(value, bool):
            return self.t["document.yes"] if value else self.t["document.no"]
        if isinstance(value, int | float):
            return format_decimal(value, locale=self.locale)
        if isinstance(value, str) and ISO_DATE.match(value.strip()):
            return self.date(value)
        if isinstance(value, Mapping):
            return "; ".join(f"{k}: {self.value(v)}" for k, v in value.items() if self.value(v))
        if isinstance(value, list | tuple):
            shown = [v for v in (self.value(item) for item in value) if v]
            if len(shown) < 2:
                return "".join(shown)
            return "\n".join(f"{index}. {item}" for index, item in enumerate(shown, start=1))
        return text(value)

    def or_none(self, value: str) -> str:
        return value or self.t["document.none"]

    def fields(self, pairs: Iterable[tuple[str, str]], keep_empty: bool = False) -> list[Field]:
        return [
            Field(self.t[key], value if value else self.t["document.none"])
            for key, value in pairs
            if value or keep_empty
        ]

    # -- sections -------------------------------------------------------------------------
    def build(self) -> Outline:
        t, doc = self.t, self.doc
        kind = text(doc.get("kind")) or "mla"
        requesting = doc.get("requesting") or {}
        requested = doc.get("requested") or {}
        reference = doc.get("reference") or {}
        header = self.fields(
            [
                ("document.reference_ours", text(reference.get("ours"))),
                ("document.reference_theirs", text(reference.get("theirs"))),
                ("document.date", self.date(doc.get("date"))),
                ("document.from", text(requesting.get("authority"))),
                ("document.to", text(requested.get("authority"))),
            ]
        )
        written_in = text(doc.get("written_in"))
        notice = ""
        if written_in and Texts(written_in).language != t.language:
            notice = t.fmt("document.written_in", language=self.language_name(written_in))

        builders = [
            self.addressee,
            self.legal_basis,
            self.subject,
            self.facts,
            self.offences,
            self.persons,
            self.assistance,
            self.procedure,
            self.confidentiality,
            self.urgency,
            self.purpose,
            self.annexes,
        ]
        sections = [build(str(number)) for number, build in enumerate(builders, start=1)]
        signatory = doc.get("signatory") or {}
        return Outline(
            language=t.language,
            rtl=t.rtl,
            title=t.get(f"title.{kind}", t["title.other"]),
            header_fields=header,
            notice=notice,
            sections=sections,
            closing=t["closing.formula"],
            date_line=t.fmt("closing.place_date", date=self.or_none(self.date(doc.get("date")))),
            signature_label=t["closing.signature"],
            seal_label=t["closing.seal"],
            signatory=[v for v in (text(signatory.get("name")), text(signatory.get("title"))) if v],
            page_template=t["document.page"],
            reference=text(reference.get("ours")),
            draft_mark="" if self.approval else t["document.draft_mark"],
            contact_line=self.contact(),
            approval_line=self.approval_line(),
        )

    def approval_line(self) -> str:
        """Who approved the version and when; a delegate's line names his delegator too."""
        if self.approval is None:
            return ""
        day = format_date(self.approval.day, format="long", locale=self.locale)
        if self.approval.on_behalf_of:
            return self.t.fmt(
                "closing.approved_on_behalf",
                name=self.approval.name,
                principal=self.approval.on_behalf_of,
                date=day,
            )
        return self.t.fmt("closing.approved", name=self.approval.name, date=day)

    def addressee(self, number: str) -> Section:
        requested = self.doc.get("requested") or {}
        return Section(
            number,
            self.t["section.addressee"],
            fields=self.fields(
                [
                    (
                        "field.requested_state",
                        self.country(requested.get("state"), requested.get("state_name")),
                    ),
                    ("field.requested_authority", text(requested.get("authority"))),
                ],
                keep_empty=True,
            ),
        )

    def article(self, raw: str) -> str:
        """A provision typed as "art. 18", "Art. 46(9)" or "article 18 (3)(b)", said in the
        request's language ("المادة 18", "第46条第9款"); anything else as typed."""
        match = ARTICLE.match(raw)
        if match is None:
            return raw
        number, paragraph, letter = match.group("article", "paragraph", "letter")
        if paragraph is None:
            said = self.t.fmt("legal_basis.article", article=number)
        else:
            said = self.t.fmt("legal_basis.paragraph", article=number, paragraph=paragraph)
        return f"{said} ({letter})" if letter else said

    def contact(self) -> str:
        """ "Contact for this request: name, telephone, e-mail" (empty when none is given)."""
        given = self.doc.get("contact") or {}
        parts = [text(given.get(k)) for k in ("name", "phone", "email") if text(given.get(k))]
        if not parts:
            return ""
        separator = {"zh": "，", "ar": "، "}.get(self.t.language, ", ")
        return self.t.fmt("closing.contact", contact=separator.join(parts))

    def legal_basis(self, number: str) -> Section:
        basis = self.doc.get("legal_basis")
        section = Section(number, self.t["section.legal_basis"])
        if not basis:
            section.paragraphs.append(self.t["field.no_legal_basis"])
            return section
        section.fields = self.fields(
            [
                ("field.instrument", text(basis.get("title")) or text(basis.get("instrument"))),
                ("field.article", self.article(text(basis.get("article")))),
                ("field.legal_note", text(basis.get("note"))),
                ("field.as_of", self.date(basis.get("as_of"))),
            ]
        )
        return section

    def subject(self, number: str) -> Section:
        requesting = self.doc.get("requesting") or {}
        section = Section(
            number,
            self.t["section.subject"],
            fields=self.fields(
                [
                    (
                        "field.requesting_state",
                        self.country(requesting.get("state"), requesting.get("state_name")),
                    ),
                    ("field.requesting_authority", text(requesting.get("authority"))),
                    ("field.conducting_authority", text(requesting.get("conducting_authority"))),
                    ("field.subject", text(self.doc.get("subject"))),
                ],
                keep_empty=True,
            ),
        )
        return section

    def free_text(self, number: str, heading_key: str, value: object) -> Section:
        lines = paragraphs(value)
        return Section(number, self.t[heading_key], paragraphs=lines or [self.t["document.none"]])

    def facts(self, number: str) -> Section:
        return self.free_text(number, "section.facts", self.doc.get("summary_of_facts"))

    def procedure(self, number: str) -> Section:
        return self.free_text(number, "section.procedure", self.doc.get("procedure"))

    def purpose(self, number: str) -> Section:
        section = self.free_text(number, "section.purpose", self.doc.get("purpose"))
        formalities = self.doc.get("formalities") or {}
        undertakings = text(formalities.get("undertakings"))
        if undertakings:
            section.fields.append(Field(self.t["field.undertakings"], undertakings))
        return section

    def penalty(self, data: object) -> str:
        """An offence's maximum penalty in the document's language (fixed texts, CLDR plurals)."""
        found = penalty_or_none(data)
        if found is None:
            return ""
        t = self.t
        money = ""
        if found.amount is not None:
            money = format_currency(found.amount, found.currency, locale=self.locale)
        if found.kind == PenaltyKind.DEPRIVATION_OF_LIBERTY:
            assert found.maximum is not None and found.unit is not None
            category = self.locale.plural_form(found.maximum)
            words = t.fmt(
                f"penalty.{found.unit.value}.{category}",
                n=format_decimal(found.maximum, locale=self.locale),
            )
            if money:
                words = t.fmt("penalty.with_fine", term=words, amount=money)
        elif found.kind == PenaltyKind.LIFE_IMPRISONMENT:
            words = t["penalty.life"]
        elif found.kind == PenaltyKind.DEATH:
            words = t["penalty.death"]
        elif found.kind == PenaltyKind.FINE:
            words = t.fmt("penalty.fine_up_to", amount=money) if money else t["penalty.fine"]
        else:
            return found.note
        return t.fmt("penalty.with_note", penalty=words, note=found.note) if found.note else words

    def offences(self, number: str) -> Section:
        t = self.t
        section = Section(number, t["section.offences"])
        rows = []
        offences = self.doc.get("offences") or []
        # The column appears once an offence has its penalty: earlier requests stay as they were.
        with_penalty = any(o.get("max_penalty") for o in offences)
        for index, offence in enumerate(offences, start=1):
            iccs = " ".join(
                v for v in (text(offence.get("iccs")), text(offence.get("iccs_title"))) if v
            )
            rows.append(
                [
                    str(index),
                    self.or_none(text(offence.get("national_name"))),
                    self.or_none(text(offence.get("national_provision"))),
                    self.or_none(iccs),
                ]
                + ([self.or_none(self.penalty(offence.get("max_penalty")))] if with_penalty else [])
            )
        if rows:
            headers = ["offence.national_name", "offence.national_provision", "offence.iccs"]
            headers += ["offence.max_penalty"] if with_penalty else []
            section.table = Table(["#"] + [t[h] for h in headers], rows)
        else:
            section.paragraphs.append(t["document.none"])
        return section

    def persons(self, number: str) -> Section:
        t = self.t
        section = Section(number, t["section.persons"])
        rows = []
        for index, person in enumerate(self.doc.get("persons") or [], start=1):
            role = text(person.get("role"))
            capacity = t.get(f"role.{role}", role)
            if person.get("is_legal_person"):
                capacity = f"{capacity} ({t['person.legal_person']})"
            name = text(person.get("name"))
            other = text(person.get("other_names"))
            if other:
                name = f"{name}\n{t['person.other_names']}: {other}"
            birth = " / ".join(
                v
                for v in (
                    self.date(person.get("date_of_birth")),
                    text(person.get("place_of_birth")),
                )
                if v
            )
            rows.append(
                [
                    str(index),
                    capacity,
                    self.or_none(name),
                    self.or_none(birth),
                    self.or_none(self.country(person.get("nationality"))),
                    self.or_none(text(person.get("identity_document"))),
                    self.or_none(text(person.get("location"))),
                ]
            )
        if rows:
            headers = [
                "person.role",
                "person.name",
                "person.date_of_birth",
                "person.nationality",
                "person.identity_document",
                "person.location",
            ]
            labels = [t[h] for h in headers]
            labels[2] = f"{t['person.date_of_birth']} / {t['person.place_of_birth']}"
            section.table = Table(["#", *labels], rows)
        else:
            section.paragraphs.append(t["document.none"])
        return section

    def assistance(self, number: str) -> Section:
        t = self.t
        section = Section(number, t["section.assistance"])
        for index, measure in enumerate(self.doc.get("measures") or [], start=1):
            kind = text(measure.get("kind"))
            sub = Section(f"{number}.{index}", t.get(f"measure.{kind}", kind or t["measure.other"]))
            description = paragraphs(measure.get("description"))
            if description:
                sub.fields.append(Field(t["field.description"], "\n".join(description)))
            details = measure.get("details") or {}
            for key, raw in details.items():
                shown = self.value(raw)
                if shown:
                    label = t.get(f"detail.{key}", str(key).replace("_", " "))
                    sub.fields.append(Field(label, shown))
            section.subsections.append(sub)
        if not section.subsections:
            section.paragraphs.append(t["document.none"])
        return section

    def confidentiality(self, number: str) -> Section:
        level = text(self.doc.get("confidentiality")) or "standard"
        key = f"confidentiality.{level}"
        basis = self.doc.get("legal_basis") or {}
        if text(basis.get("instrument")) == "uncac" and self.t.has(f"{key}_uncac_first"):
            # A request under UNCAC cites UNCAC first (art. 46(20)), UNTOC in brackets.
            key = f"{key}_uncac_first"
        return Section(
            number,
            self.t["section.confidentiality"],
            paragraphs=[self.t.get(key, self.t["confidentiality.standard"])],
        )

    def urgency(self, number: str) -> Section:
        level = text(self.doc.get("urgency")) or "normal"
        lines = [self.t.get(f"urgency.{level}", self.t["urgency.normal"])]
        deadline = self.date(self.doc.get("deadline"))
        if deadline:
            lines.append(self.t.fmt("urgency.deadline", date=deadline))
        return Section(number, self.t["section.urgency"], paragraphs=lines)

    def annexes(self, number: str) -> Section:
        t = self.t
        section = Section(number, t["section.annexes"])
        for annex in self.doc.get("annexes") or []:
            kind = text(annex.get("kind"))
            label = t.get(f"annex.{kind}", kind) if kind else ""
            title = text(annex.get("title"))
            section.items.append(f"{title} ({label})" if title and label else title or label)
        if not section.items:
            section.paragraphs.append(t["annex.none"])
        return section


def numbered(section: Section, level: int) -> str:
    """ "1. Addressee" for a section, "7.1 Bank records" for a subsection."""
    return f"{section.number}{'.' if level == 1 else ''} {section.heading}"


def build_outline(document: Mapping[str, Any], approval: Approval | None = None) -> Outline:
    """The outline of a structured request document (see the module docstring): a draft
    unless ``approval`` says who approved it."""
    return Builder(document, approval).build()
