"""The fields specific to each kind of measure sought, as a form built from the document's list.

``document.MEASURE_DETAILS`` (kept in step with the JSON Schema) says which fields a kind of
measure has; the form follows it, so a field added there appears here without another list.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rogatory.cases.forms import OffenceForm
from rogatory.cases.validation import period_problem
from rogatory.lib.penalties import KIND_LABELS, UNIT_LABELS, Penalty, PenaltyRefused
from rogatory.lib.validators import PlausibleDateField, bounded_formfield, validate_text

from .document import MEASURE_DETAILS
from .models import Draft

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

LABELS: dict[str, Any] = {
    "institution": _("Bank or financial institution"),
    "account": _("Account number (IBAN)"),
    "holder": _("Account holder"),
    "period_from": _("Records from"),
    "period_to": _("Records until"),
    "witness": _("Witness"),
    "questions": _("Questions to put (one per line)"),
    "oath": _("Testimony under oath"),
    "presence_of_officials": _("Our officials ask to be present"),
    "videoconference": _("Hearing by videoconference (art. 18(18))"),
    "premises": _("Premises to search"),
    "items": _("Items to seize"),
    "addressee": _("Person to be served"),
    "documents": _("Documents to serve"),
    "address": _("Address for service"),
    "assets": _("Assets (description, location, holder)"),
    "estimated_value": _("Estimated value"),
    "currency": _("Currency (ISO 4217)"),
    "person": _("Person sought"),
    "warrant_reference": _("Warrant or judgment reference"),
    "warrant_date": _("Date of the warrant or judgment"),
    "issuing_authority": _("Issuing authority"),
    "sentence": _("Sentence imposed or penalty incurred"),
}


def _field(name: str, default: Any) -> forms.Field:
    label = LABELS.get(name, name.replace("_", " "))
    if isinstance(default, bool):
        return forms.BooleanField(label=label, required=False)
    if isinstance(default, list):
        return forms.CharField(label=label, required=False, widget=forms.Textarea({"rows": 5}))
    if name.endswith("_date") or name.startswith("period_"):
        return PlausibleDateField(label=label, required=False, widget=DATE_WIDGET)
    if name == "estimated_value":
        return forms.DecimalField(label=label, required=False, min_value=0, max_digits=18)
    if name in ("items", "documents", "assets", "sentence", "address"):
        return forms.CharField(
            label=label, required=False, max_length=4000, widget=forms.Textarea({"rows": 3})
        )
    return forms.CharField(label=label, required=False, max_length=400)


class MeasureDetailsForm(forms.Form):
    """The specific fields of one kind of measure; ``details()`` gives what the case stores."""

    def __init__(self, *args: Any, kind: str, initial_details: dict[str, Any], **kwargs: Any):
        self.defaults = MEASURE_DETAILS.get(kind, {})
        initial = {}
        for name, default in self.defaults.items():
            value = initial_details.get(name, default)
            if isinstance(default, list):
                value = "\n".join(str(v) for v in value or [])
            initial[name] = value
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for name, default in self.defaults.items():
            self.fields[name] = _field(name, default)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "period_from" in self.fields and "period_to" in self.fields:
            wrong = period_problem(cleaned.get("period_from"), cleaned.get("period_to"))
            if wrong:
                self.add_error("period_to", wrong)
        return cleaned

    def details(self) -> dict[str, Any]:
        stored: dict[str, Any] = {}
        for name, default in self.defaults.items():
            value = self.cleaned_data.get(name)
            if isinstance(default, list):
                value = [line.strip() for line in (value or "").splitlines() if line.strip()]
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            elif name == "estimated_value":
                value = float(value) if value is not None else None
            elif value is None and isinstance(default, str):
                value = ""
            stored[name] = value
        return stored


LANGUAGE_CHOICES = [
    ("ar", "العربية"),
    ("zh", "中文"),
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ru", "Русский"),
]


class DraftForm(forms.ModelForm):
    """The writer's settings: the language written in, formalities, the signatory."""

    written_in = forms.ChoiceField(
        label=_("Language the request is written in"), choices=LANGUAGE_CHOICES
    )

    class Meta:
        model = Draft
        formfield_callback = bounded_formfield
        fields = [
            "written_in",
            "translation_certified",
            "legalised",
            "undertakings",
            "signatory_name",
            "signatory_title",
            "contact_name",
            "contact_phone",
            "contact_email",
        ]
        widgets = {"undertakings": forms.Textarea({"rows": 3})}


class ApprovalForm(forms.Form):
    """A supervisor's approval of a version, with an optional comment."""

    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        validators=[validate_text],
        widget=forms.Textarea({"rows": 2}),
    )


class ReturnForm(forms.Form):
    """A version sent back to its drafter: what must change."""

    remarks = forms.CharField(
        label=_("Remarks for the drafter"),
        max_length=4000,
        validators=[validate_text],
        widget=forms.Textarea({"rows": 3}),
    )


# The penalty fields of an offence -> the keys of the penalty dict (lib.penalties).
PENALTY_FIELDS = {
    "penalty_kind": "kind",
    "penalty_maximum": "maximum",
    "penalty_unit": "unit",
    "penalty_amount": "amount",
    "penalty_currency": "currency",
}


class OffenceWithPenaltyForm(OffenceForm):
    """An offence of the writer, with its maximum penalty (optional; decision 0028).

    ``cleaned_data`` holds ``max_penalty`` (the dict, or None when no kind is chosen) in place
    of the ``penalty_*`` fields, ready for ``do_add_offence``.
    """

    penalty_kind = forms.ChoiceField(
        label=_("Maximum penalty"),
        required=False,
        choices=[("", _("Not given")), *((k.value, label) for k, label in KIND_LABELS.items())],
        help_text=_(
            "The most severe penalty your law provides for the offence: it decides whether the "
            "offence is a serious crime (UNTOC art. 2(b)) and whether it is extraditable."
        ),
    )
    penalty_maximum = forms.IntegerField(
        label=_("Maximum term"), required=False, min_value=1, max_value=36525
    )
    penalty_unit = forms.ChoiceField(
        label=_("Unit of the term"),
        required=False,
        choices=[("", "—"), *((u.value, label) for u, label in UNIT_LABELS.items())],
    )
    penalty_amount = forms.DecimalField(
        label=_("Maximum fine"), required=False, min_value=0, max_digits=17, decimal_places=2
    )
    penalty_currency = forms.CharField(
        label=_("Currency of the fine (ISO 4217)"), required=False, max_length=3
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        values = {key: cleaned.pop(name, None) for name, key in PENALTY_FIELDS.items()}
        cleaned["max_penalty"] = None
        if not values["kind"]:
            if any(v not in (None, "") for v in values.values()):
                self.add_error("penalty_kind", _("Choose the kind of penalty."))
            return cleaned
        fields = {key: name for name, key in PENALTY_FIELDS.items()}
        try:
            penalty = Penalty.from_dict({k: v for k, v in values.items() if v not in (None, "")})
        except PenaltyRefused as refused:
            for key, message in refused.problems:
                self.add_error(fields.get(key, "penalty_kind"), message)
        else:
            cleaned["max_penalty"] = penalty.to_dict()
        return cleaned
