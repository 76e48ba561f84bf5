from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from rogatory.cases.choices import MeasureType
from rogatory.lib.validators import PlausibleDateField, validate_text
from rogatory.reference.choices import CooperationKind
from rogatory.reference.fields import StateChoiceField as ReferenceStateField
from rogatory.reference.models import IccsCategory, State

from .models import Instrument

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StateChoiceField(ReferenceStateField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.iso2})"


def _states() -> Any:
    return State.objects.order_by("name")


class FinderForm(forms.Form):
    requesting = StateChoiceField(
        label=_("Requesting state"), queryset=_states(), to_field_name="iso2"
    )
    requested = StateChoiceField(
        label=_("Requested state"), queryset=_states(), to_field_name="iso2"
    )
    kind = forms.ChoiceField(label=_("Kind of cooperation"), choices=CooperationKind.choices)
    iccs: forms.ModelChoiceField[IccsCategory] = forms.ModelChoiceField(
        label=_("Offence (ICCS code)"),
        queryset=IccsCategory.objects.all(),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "0703", "size": 8}),
        help_text=_("Optional. An ICCS code at any level, e.g. 0703 for corruption."),
    )
    on = PlausibleDateField(
        label=_("On"), required=False, widget=DATE_WIDGET, help_text=_("Empty: today.")
    )
    # Dual criminality (decision 0034): the measure sought decides whether it is required.
    measure = forms.ChoiceField(
        label=_("Measure sought"),
        required=False,
        choices=[("", "—"), *MeasureType.choices],
        help_text=_("Optional. With an ICCS code: whether dual criminality is shown."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("requesting") and cleaned.get("requesting") == cleaned.get("requested"):
            raise forms.ValidationError(_("The requesting and requested states must differ."))
        if not cleaned.get("on"):
            cleaned["on"] = timezone.localdate()
        return cleaned


class TreatyForm(forms.Form):
    """A bilateral or regional treaty with its parties and the date it binds them."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (Instrument.Kind.BILATERAL, Instrument.Kind.BILATERAL.label),
            (Instrument.Kind.REGIONAL, Instrument.Kind.REGIONAL.label),
        ],
    )
    title = forms.CharField(label=_("Title"), max_length=400)
    short_title = forms.CharField(label=_("Short title"), max_length=120)
    parties = forms.CharField(
        label=_("Parties"),
        help_text=_("ISO 3166-1 alpha-2 codes separated by spaces, e.g. “FR MA”."),
    )
    signed_on = PlausibleDateField(label=_("Signed on"), required=False, widget=DATE_WIDGET)
    in_force_on = PlausibleDateField(
        label=_("In force between the parties from"), widget=DATE_WIDGET
    )
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of cooperation it provides for"),
        choices=CooperationKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    articles = forms.CharField(
        label=_("Articles"),
        required=False,
        max_length=40,
        help_text=_("The articles on cooperation, e.g. “1-25”; empty: the whole treaty."),
    )
    scope = forms.CharField(
        label=_("Scope"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Offences or conditions the treaty is limited to; empty: not limited."),
    )
    source_url = forms.URLField(label=_("Source"), required=False, assume_scheme="https")
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, allowed_states: set[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # None: any state (site administrators); otherwise one of these must be a party.
        self.allowed_states = allowed_states

    def clean_parties(self) -> list[State]:
        codes = list(dict.fromkeys(self.cleaned_data["parties"].upper().split()))
        states = {s.iso2: s for s in State.objects.filter(iso2__in=codes)}
        unknown = [code for code in codes if code not in states]
        if unknown:
            raise forms.ValidationError(
                _("Unknown state codes: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        if len(codes) < 2:
            raise forms.ValidationError(_("A treaty needs at least two parties."))
        if self.allowed_states is not None and not self.allowed_states & set(codes):
            raise forms.ValidationError(_("Your state must be one of the parties."))
        return [states[code] for code in codes]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        parties = cleaned.get("parties") or []
        if cleaned.get("kind") == Instrument.Kind.BILATERAL and len(parties) != 2:
            self.add_error("parties", _("A bilateral treaty has exactly two parties."))
        signed: datetime.date | None = cleaned.get("signed_on")
        in_force: datetime.date | None = cleaned.get("in_force_on")
        if signed and in_force and in_force < signed:
            self.add_error(
                "in_force_on", _("A treaty cannot enter into force before it is signed.")
            )
        if cleaned.get("short_title"):
            base = slugify(cleaned["short_title"])[:50] or "treaty"
            code, n = base, 1
            while Instrument.objects.filter(code=code).exists():
                n += 1
                code = f"{base}-{n}"
            cleaned["code"] = code
        return cleaned


# --- The text of the articles (issue 16, item 3; decision 0031) -------------------------------

# The six UN languages as article texts name them (the order of the UN's own listing).
TEXT_LANGUAGE_CHOICES = [
    ("ar", _("Arabic")),
    ("zh", _("Chinese")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
]


class ArticleTextForm(forms.Form):
    """The text of one article in one UN language, as a named source publishes it."""

    language = forms.ChoiceField(label=_("Language of the text"), choices=TEXT_LANGUAGE_CHOICES)
    heading = forms.CharField(
        label=_("Heading"),
        required=False,
        max_length=300,
        validators=[validate_text],
        help_text=_("The article's title as the source prints it, e.g. “Extradition”."),
    )
    text = forms.CharField(
        label=_("Text"),
        max_length=100_000,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text=_(
            "Copied from the source as published: one paragraph per line, each with its "
            "number (“1.”, “a)”). Never a translation of our own."
        ),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=1000,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who published this text, where and when, e.g. “UN document A/RES/55/25”."),
    )
    source_url = forms.URLField(
        label=_("Address of the source"), required=False, max_length=500, assume_scheme="https"
    )
    note = forms.CharField(
        label=_("Editorial note"),
        required=False,
        max_length=2000,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A defect of the source that the text keeps, if any."),
    )

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]
        if not any(line.strip() for line in text.splitlines()):
            raise forms.ValidationError(_("Give the text of the article."))
        return text


class StatusListForm(forms.Form):
    file = forms.FileField(
        label=_("Status list (CSV)"),
        help_text=_(
            "The columns of participation.csv, one row per state and instrument. Only the "
            "instruments in the file are compared and replaced."
        ),
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=500,
        help_text=_("Kept with the import, your name and the date."),
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload
