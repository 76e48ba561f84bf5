"""Forms of the knowledge base's editing pages (site administrators)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rogatory.lib.penalties import KIND_LABELS, UNIT_LABELS, PenaltyRefused
from rogatory.lib.validators import PlausibleDateField, text_problem
from rogatory.reference.fields import StateChoiceField
from rogatory.reference.models import State

from .actions import ImportMetadata, KnowledgeImportError
from .correcting import (
    FRONT,
    OPERATIVE,
    PREAMBLE,
    AnnexEdit,
    Cover,
    Metadata,
    NoteEdit,
    ParagraphEdit,
    PartEdit,
    cover_of,
)
from .legal import Judgment, LegalAct, Provision
from .models import LANGUAGE_NAMES, IccsMethod, KnowledgeDocument
from .provisions_csv import (
    PENALTY_COLUMNS,
    provenance_problems,
    provision_eid,
    row_penalty,
    row_provenance,
    split_codes,
)
from .untext import UnDocument

LANGUAGE_CHOICES = list(LANGUAGE_NAMES.items())
TAGS_HELP = _("Separated by spaces or commas.")
IMPLEMENTS_HELP = _("Convention articles as instrument:article, e.g. untoc:6 uncac:23.")


class _LegalForm(forms.Form):
    state: forms.ModelChoiceField[State] = StateChoiceField(label=_("State"))
    language = forms.ChoiceField(choices=LANGUAGE_CHOICES, label=_("Language"))
    title = forms.CharField(label=_("Title"), max_length=1000)
    date = PlausibleDateField(label=_("Date"), required=False, help_text=_("YYYY-MM-DD"))
    source_url = forms.URLField(
        label=_("Source"), required=False, max_length=500, assume_scheme="https"
    )


class ActForm(_LegalForm):
    number = forms.CharField(label=_("Official number"), required=False, max_length=200)

    def act(self, provisions: list[Provision]) -> LegalAct:
        data = self.cleaned_data
        return LegalAct(
            state=data["state"].iso2,
            language=data["language"],
            title=data["title"],
            number=data["number"],
            date=data["date"],
            provisions=provisions,
            source_url=data["source_url"],
        )


class ProvisionForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=100, required=False)
    heading = forms.CharField(label=_("Heading"), max_length=500, required=False)
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    iccs = forms.CharField(label=_("ICCS codes"), required=False, help_text=TAGS_HELP)
    implements = forms.CharField(
        label=_("Convention articles"), required=False, help_text=IMPLEMENTS_HELP
    )
    # The maximum penalty the provision states (decision 0028), the columns of the CSV import.
    penalty_kind = forms.ChoiceField(
        label=_("Maximum penalty"),
        required=False,
        choices=[("", _("Not recorded")), *((k.value, v) for k, v in KIND_LABELS.items())],
    )
    penalty_max = forms.CharField(label=_("Maximum term"), required=False, max_length=10)
    penalty_unit = forms.ChoiceField(
        label=_("Unit of the term"),
        required=False,
        choices=[("", "—"), *((u.value, v) for u, v in UNIT_LABELS.items())],
    )
    penalty_amount = forms.CharField(label=_("Maximum fine"), required=False, max_length=20)
    penalty_currency = forms.CharField(
        label=_("Currency of the fine (ISO 4217)"), required=False, max_length=3
    )
    penalty_note = forms.CharField(label=_("Penalty note"), required=False, max_length=300)
    penalty_from = forms.CharField(
        label=_("Penalty in force from (YYYY-MM-DD)"), required=False, max_length=10
    )
    penalty_until = forms.CharField(
        label=_("Penalty in force until (YYYY-MM-DD)"), required=False, max_length=10
    )

    # Who coded the ICCS codes, how, and who verified them (decision 0034).
    iccs_method = forms.ChoiceField(
        label=_("ICCS coding method"),
        required=False,
        choices=[("", _("Not recorded")), *IccsMethod.choices],
    )
    iccs_coded_by = forms.CharField(label=_("ICCS coded by"), required=False, max_length=200)
    iccs_verified_by = forms.CharField(
        label=_("ICCS coding verified by"),
        required=False,
        max_length=200,
        help_text=_("A second person, not the one who coded the provision."),
    )
    iccs_verified_on = PlausibleDateField(
        label=_("ICCS coding verified on"), required=False, help_text=_("YYYY-MM-DD")
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            cleaned["penalty"] = row_penalty({c: cleaned.get(c) or "" for c in PENALTY_COLUMNS})
        except PenaltyRefused as refused:
            for _key, message in refused.problems:
                self.add_error("penalty_kind", message)
        # The one provenance check, as for a CSV row (the fields are named as its columns).
        for field_name, problem in provenance_problems(_provenance_cells(cleaned)):
            if field_name in self.fields and field_name not in self.errors:
                self.add_error(field_name, problem)
        return cleaned


def _provenance_cells(data: dict[str, Any]) -> dict[str, str]:
    """A provision form's provenance fields as the CSV's cells (provisions_csv)."""
    day = data.get("iccs_verified_on")
    return {
        "iccs_method": data.get("iccs_method") or "",
        "iccs_coded_by": (data.get("iccs_coded_by") or "").strip(),
        "iccs_verified_by": (data.get("iccs_verified_by") or "").strip(),
        "iccs_verified_on": day.isoformat() if day else "",
    }


ProvisionFormSet = forms.formset_factory(ProvisionForm, extra=2, can_delete=True, max_num=2000)


def provisions_from(formset: Any) -> list[Provision]:
    taken: set[str] = set()
    provisions = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE") or not data.get("number"):
            continue
        provisions.append(
            Provision(
                eid=provision_eid(data["number"], taken),
                number=data["number"],
                heading=data["heading"],
                text=data["text"].replace("\r\n", "\n"),
                iccs=split_codes(data["iccs"]),
                implements=tuple(c.lower() for c in split_codes(data["implements"])),
                penalty=data.get("penalty"),
                **row_provenance(_provenance_cells(data)),
            )
        )
    return provisions


def act_initial(document: KnowledgeDocument) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    initial = {
        "state": document.state_id,
        "language": document.language,
        "title": document.title,
        "number": document.number,
        "date": document.date,
        "source_url": document.source_url,
    }
    provisions: list[dict[str, Any]] = [
        {
            "number": p.number,
            "heading": p.heading,
            "text": p.text,
            "iccs": " ".join(p.iccs_codes),
            "implements": " ".join(p.implements),
            "iccs_method": p.iccs_method,
            "iccs_coded_by": p.iccs_coded_by,
            "iccs_verified_by": p.iccs_verified_by,
            "iccs_verified_on": p.iccs_verified_on,
            **penalty_initial(p.penalty),
        }
        for p in document.provisions.all()
    ]
    return initial, provisions


class JudgmentForm(_LegalForm):
    court = forms.CharField(label=_("Court"), max_length=300)
    case_number = forms.CharField(label=_("Case number"), required=False, max_length=100)
    parties = forms.CharField(
        label=pgettext_lazy("court case", "Parties"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("As the source publishes them, one per line."),
    )
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea)
    facts = forms.CharField(label=_("Facts"), required=False, widget=forms.Textarea)
    decision = forms.CharField(label=_("Decision"), required=False, widget=forms.Textarea)
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas."))
    iccs = forms.CharField(label=_("ICCS codes"), required=False, help_text=TAGS_HELP)
    implements = forms.CharField(
        label=_("Convention articles"), required=False, help_text=IMPLEMENTS_HELP
    )

    def judgment(self) -> Judgment:
        data = self.cleaned_data

        def text(name: str) -> str:
            return str(data[name]).replace("\r\n", "\n")

        return Judgment(
            state=data["state"].iso2,
            language=data["language"],
            court=data["court"],
            title=data["title"],
            case_number=data["case_number"],
            date=data["date"],
            parties=text("parties"),
            summary=text("summary"),
            facts=text("facts"),
            decision=text("decision"),
            tags=tuple(t.strip() for t in data["tags"].split(",") if t.strip()),
            iccs=split_codes(data["iccs"]),
            implements=tuple(c.lower() for c in split_codes(data["implements"])),
            source_url=data["source_url"],
        )


def judgment_initial(document: KnowledgeDocument) -> dict[str, Any]:
    return {
        "state": document.state_id,
        "language": document.language,
        "title": document.title,
        "date": document.date,
        "source_url": document.source_url,
        "court": document.court,
        "case_number": document.number,
        "parties": document.parties,
        "summary": document.summary,
        "facts": document.facts,
        "decision": document.decision,
        "tags": ", ".join(document.tags),
        "iccs": " ".join(document.iccs_codes),
        "implements": " ".join(document.implements),
    }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "UN document as published (.pdf with its text, .docx) or as plain text (.txt), "
            "Akoma Ntoso XML (.xml), provisions as CSV (.csv), or a .zip of such files."
        ),
    )
    # What a UN document file does not say itself (a plain-text Universal Declaration has no
    # symbol): given values win over the parsed ones (decision 0035). An archive gives them
    # per file in a manifest.csv.
    symbol = forms.CharField(
        label=_("Symbol"),
        required=False,
        max_length=100,
        help_text=_("The UN document symbol, e.g. A/RES/217 (III) A, if the file lacks it."),
    )
    title = forms.CharField(label=_("Title"), required=False, max_length=1000)
    date = forms.CharField(
        label=_("Date"), required=False, max_length=10, help_text=_("YYYY-MM-DD")
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Detect from the text")), *LANGUAGE_CHOICES],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            self.metadata = ImportMetadata.checked(
                symbol=data.get("symbol") or "",
                title=data.get("title") or "",
                date=data.get("date") or "",
                language=data.get("language") or "",
            )
        except KnowledgeImportError as exc:
            raise forms.ValidationError(str(exc)) from None
        upload = data.get("file")
        name = (getattr(upload, "name", "") or "").lower()
        if self.metadata and not name.endswith((".txt", ".pdf", ".docx")):
            raise forms.ValidationError(
                _(
                    "Symbol, title, date and language apply to one UN document (.pdf, .docx, "
                    ".txt); for an archive, give them in a manifest.csv inside it."
                )
            )
        return data


def penalty_initial(penalty: dict[str, Any] | None) -> dict[str, str]:
    """The penalty fields of a provision's form, from its stored dict."""
    stored = penalty or {}
    return {
        column: "" if stored.get(key) is None else str(stored[key])
        for column, key in PENALTY_COLUMNS.items()
    }


# Correcting an imported UN document (decision 0040) -----------------------------------------

# A line of a document's cover (an agenda item's title, an adoption line) and how many
# lines its cover and closing keep: well beyond the UN's longest, well below a page.
COVER_LINE = 1000
COVER_LINES = 60
UN_KIND_CHOICES = [("resolution", _("Resolution")), ("report", _("Report or other document"))]
PARAGRAPH_KIND_CHOICES = [("paragraph", _("Paragraph")), ("heading", _("Heading"))]


class UnCorrectionForm(forms.Form):
    """The metadata of an imported UN document, as a site administrator corrects them."""

    symbol = forms.CharField(label=_("Symbol"), required=False, max_length=100)
    also_symbols = forms.CharField(
        label=_("Other symbols"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: other symbols the cover prints for the same document."),
    )
    title = forms.CharField(
        label=_("Title"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    date = PlausibleDateField(
        label=_("Date"),
        required=False,
        help_text=_(
            "YYYY-MM-DD; for a resolution, the date it was adopted; for a report or other "
            "document, the date of distribution printed on its cover."
        ),
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    kind = forms.ChoiceField(label=_("Kind"), choices=UN_KIND_CHOICES)
    # The cover (decision 0040, "Later"): what the Akoma Ntoso preface and conclusions carry.
    number = forms.CharField(
        label=_("Resolution or decision number"),
        required=False,
        max_length=100,
        help_text=_("As printed: 76/187, 2021/20, 329 (XXX)."),
    )
    body = forms.CharField(
        label=_("Issuing body"),
        required=False,
        max_length=300,
        help_text=_("The General Assembly, the Economic and Social Council, a commission…"),
    )
    session = forms.CharField(
        label=_("Session"),
        required=False,
        max_length=COVER_LINE,
        help_text=_("As printed on the cover: Seventy-sixth session."),
    )
    agenda_item = forms.CharField(
        label=_("Agenda item"), required=False, max_length=100, help_text=_("108, 19 (c)")
    )
    agenda_title = forms.CharField(
        label=_("Agenda item title"),
        required=False,
        max_length=COVER_LINE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    adoption = forms.CharField(
        label=_("Adoption line"),
        required=False,
        max_length=COVER_LINE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A resolution's: [on the report of the Third Committee (A/76/463)]."),
    )
    header = forms.CharField(
        label=_("Cover lines"),
        required=False,
        max_length=COVER_LINES * COVER_LINE,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "The cover's lines as printed, one per line. A resolution's distribution date is "
            "printed here (its date above is the date of adoption)."
        ),
    )
    closing = forms.CharField(
        label=_("Closing lines"),
        required=False,
        max_length=COVER_LINES * COVER_LINE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: the meeting and the day a resolution was adopted."),
    )

    COVER = ("number", "body", "session", "agenda_item", "agenda_title", "adoption")

    def main_fields(self) -> list[forms.BoundField]:
        cover = {*self.COVER, "header", "closing"}
        return [field for field in self if field.name not in cover]

    def cover_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in (*self.COVER, "header", "closing")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:  # the same checks as the import page's fields
            ImportMetadata.checked(
                symbol=data.get("symbol") or "",
                title=data.get("title") or "",
                language=data.get("language") or "",
            )
        except KnowledgeImportError as exc:
            raise forms.ValidationError(str(exc)) from None
        others = [s.strip() for s in (data.get("also_symbols") or "").splitlines() if s.strip()]
        for other in others:
            try:
                ImportMetadata.checked(symbol=other)
            except KnowledgeImportError as exc:
                raise forms.ValidationError(str(exc)) from None
        data["also_symbols"] = others
        if not (data.get("symbol") or "").strip() and not (data.get("title") or "").strip():
            raise forms.ValidationError(_("A document needs a symbol or a title."))
        try:  # the cover, line by line, as the import's checks read a line
            for name in self.COVER:
                data[name] = ImportMetadata.checked_line(data.get(name) or "", limit=COVER_LINE)
            for name in ("header", "closing"):
                data[name] = ImportMetadata.checked_lines(
                    data.get(name) or "", limit=COVER_LINE, lines=COVER_LINES
                )
        except KnowledgeImportError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data

    def metadata(self) -> Metadata:
        data = self.cleaned_data
        return Metadata(
            symbol=data["symbol"].strip(),
            title=" ".join(data["title"].split()),
            date=data["date"],
            language=data["language"],
            kind=data["kind"],
            cover=Cover(
                **{name: data[name] for name in self.COVER},
                header=data["header"],
                closing=data["closing"],
            ),
        )


class UnParagraphForm(forms.Form):
    """One paragraph of an imported UN document."""

    part = forms.ChoiceField(label=_("Part"), choices=())
    number = forms.CharField(label=_("Number"), required=False, max_length=30)
    verb = forms.CharField(label=_("Verb"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=PARAGRAPH_KIND_CHOICES)
    text = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=50_000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A blank line splits the paragraph; an empty text removes it."),
    )
    footnotes = forms.CharField(
        label=_("Footnotes"),
        required=False,
        max_length=300,
        help_text=_("The marks of the footnotes attached to it, separated by spaces."),
    )
    join = forms.BooleanField(label=_("Join to the paragraph above"), required=False)

    def __init__(self, *args: Any, parts: list[tuple[str, Any]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["part"].choices = parts or []  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("number", "verb", "text", "footnotes"):
            if problem := text_problem(data.get(name) or ""):
                raise forms.ValidationError(problem)
        return data

    def edit(self) -> ParagraphEdit:
        data = self.cleaned_data
        return ParagraphEdit(
            part=data["part"],
            text=data.get("text") or "",
            number=data.get("number") or "",
            verb=data.get("verb") or "",
            kind=data.get("kind") or "paragraph",
            footnotes=tuple((data.get("footnotes") or "").replace(",", " ").split()),
            join=bool(data.get("join")),
        )


# A window's rows (views.CORRECTION_ROWS) and a few more: a POST claiming more is refused
# with a form error, and Django builds no more forms than this whatever it claims.
MAX_ROWS = 200
UnParagraphFormSet = forms.formset_factory(
    UnParagraphForm, extra=1, max_num=MAX_ROWS, absolute_max=MAX_ROWS, validate_max=True
)


def _checked_line(value: str, limit: int = COVER_LINE) -> str:
    try:
        return ImportMetadata.checked_line(value or "", limit=limit)
    except KnowledgeImportError as exc:
        raise forms.ValidationError(str(exc)) from None


class UnPartForm(forms.Form):
    """A draft resolution or decision printed in a report (a document part): its heading,
    title and number; or its removal when it is not one."""

    heading = forms.CharField(
        label=_("Heading"),
        required=False,
        max_length=COVER_LINE,
        help_text=_("As printed: Draft resolution I, 329 (XXX)."),
    )
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=COVER_LINE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    number = forms.CharField(
        label=_("Number"),
        required=False,
        max_length=100,
        help_text=_("When adopted and numbered: 329 (XXX)."),
    )
    remove = forms.BooleanField(
        label=_("Not a draft resolution or decision"),
        required=False,
        help_text=_(
            "Removes the part: its heading and its paragraphs become paragraphs of the report "
            "where it stood."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("heading", "title", "number"):
            data[name] = _checked_line(data.get(name) or "")
        if not data["heading"] and not data.get("remove"):
            raise forms.ValidationError(_("A part needs a heading."))
        return data

    def edit(self) -> PartEdit:
        data = self.cleaned_data
        return PartEdit(
            heading=data["heading"],
            title=data["title"],
            number=data["number"],
            remove=bool(data.get("remove")),
        )


class UnNoteForm(forms.Form):
    """A footnote's text, keyed by its mark (its order in the document is its form's place
    after the window's first note: one field less per note, within Django's field limit)."""

    marker = forms.CharField(widget=forms.HiddenInput, max_length=30)
    text = forms.CharField(
        label=_("Text"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("marker", "text"):
            if problem := text_problem(data.get(name) or ""):
                raise forms.ValidationError(problem)
        return data

    def edit(self, index: int) -> NoteEdit:
        data = self.cleaned_data
        return NoteEdit(index=index, marker=data["marker"], text=data["text"])


class UnAnnexForm(forms.Form):
    """An annex's heading ("Annex I") and title."""

    heading = forms.CharField(label=_("Heading"), max_length=COVER_LINE)
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=COVER_LINE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("heading", "title"):
            data[name] = _checked_line(data.get(name) or "")
        return data

    def edit(self) -> AnnexEdit:
        return AnnexEdit(heading=self.cleaned_data["heading"], title=self.cleaned_data["title"])


# Parts, notes and annexes are the document's own: no extra form is offered, and a POST
# claiming more forms than the document has is refused (views.knowledge_un_correct).
MAX_PARTS = 100
UnPartFormSet = forms.formset_factory(
    UnPartForm, extra=0, max_num=MAX_PARTS, absolute_max=MAX_PARTS, validate_max=True
)
UnNoteFormSet = forms.formset_factory(
    UnNoteForm, extra=0, max_num=MAX_ROWS, absolute_max=MAX_ROWS, validate_max=True
)
UnAnnexFormSet = forms.formset_factory(
    UnAnnexForm, extra=0, max_num=MAX_PARTS, absolute_max=MAX_PARTS, validate_max=True
)


def part_choices(parts: list[str], headings: Sequence[str] = ()) -> list[tuple[str, Any]]:
    """The labels of a document's parts (correcting.parts_of); ``headings``: its document
    parts' (draft resolutions and decisions printed in a report)."""
    labels = {
        FRONT: _("Front matter"),
        PREAMBLE: _("Preamble"),
        OPERATIVE: _("Operative or numbered paragraphs"),
    }
    groups = {
        FRONT: _("%(heading)s: opening"),
        PREAMBLE: _("%(heading)s: preamble"),
        OPERATIVE: _("%(heading)s: operative paragraphs"),
    }

    def label(part: str) -> Any:
        if part in labels:
            return labels[part]
        if part.startswith("part:"):
            _part, n, group = part.split(":")
            heading = headings[int(n)] if int(n) < len(headings) else n
            return groups[group] % {"heading": heading}
        return _("Annex %(number)d") % {"number": int(part.split(":")[1]) + 1}

    return [(part, label(part)) for part in parts]


def un_initial(document: KnowledgeDocument, parsed: UnDocument) -> dict[str, Any]:
    """The correction form's metadata from the stored document."""
    cover = cover_of(parsed)
    return {
        "symbol": document.symbol,
        "also_symbols": "\n".join(document.also_symbols or ()),
        "title": document.title,
        "date": document.date,
        "language": document.language,
        "kind": "resolution" if parsed.kind == "resolution" else "report",
        **{name: getattr(cover, name) for name in UnCorrectionForm.COVER},
        "header": "\n".join(cover.header),
        "closing": "\n".join(cover.closing),
    }


def paragraph_initial(edits: list[ParagraphEdit]) -> list[dict[str, Any]]:
    """The correction formset's rows (a window of ``correcting.edits_of``)."""
    return [
        {
            "part": edit.part,
            "number": edit.number,
            "verb": edit.verb,
            "kind": edit.kind,
            "text": edit.text,
            "footnotes": " ".join(edit.footnotes),
        }
        for edit in edits
    ]


def part_initial(edits: list[PartEdit]) -> list[dict[str, Any]]:
    return [{"heading": e.heading, "title": e.title, "number": e.number} for e in edits]


def note_initial(edits: list[NoteEdit]) -> list[dict[str, Any]]:
    return [{"marker": e.marker, "text": e.text} for e in edits]


def annex_initial(edits: list[AnnexEdit]) -> list[dict[str, Any]]:
    return [{"heading": e.heading, "title": e.title} for e in edits]
