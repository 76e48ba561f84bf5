"""Forms of asset recovery: an asset, a step of its recovery, an enquiry, an exchange rate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rogatory.lib.validators import PlausibleDateField
from rogatory.reference.fields import CollatedChoiceIterator, StateChoiceField
from rogatory.reference.models import Currency, State
from rogatory.reference.options import CachedSelect

from .choices import AssetKind, ConfiscationType, Network, ReturnCategory, UncacOffence
from .lifecycle import Step, field_label
from .models import AMOUNT_DIGITS, AMOUNT_PLACES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def currency_field(**kwargs: Any) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Currency.objects.all(),
        widget=CachedSelect("asset.currency"),
        label=kwargs.pop("label", _("Currency")),
        **kwargs,
    )


def amount_field(**kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        min_value=0, max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, **kwargs
    )


class StatesField(forms.ModelMultipleChoiceField):
    """Several states, in the reader's order (as StateChoiceField)."""

    iterator = CollatedChoiceIterator

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.SelectMultiple(attrs={"size": 6}))
        super().__init__(queryset=State.objects.all(), required=False, **kwargs)


class AssetForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of asset"), choices=AssetKind.choices)
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "What it is and how to find it: account and bank, land register entry, registration."
        ),
    )
    location_state = StateChoiceField(
        widget=CachedSelect("asset.location"), label=_("Where the asset is")
    )
    holder = forms.CharField(label=_("Holder"), max_length=300, required=False)
    value = amount_field(label=_("Estimated value"), required=False)
    currency = currency_field(required=False)
    valued_on = PlausibleDateField(label=_("Valuation date"), required=False, widget=DATE)
    transit_states = StatesField(
        label=_("Transit states"),
        help_text=_("States the proceeds passed through (Asset Recovery Watch)."),
    )
    bribe_payer_states = StatesField(
        label=_("States of the bribe payers"),
        help_text=_("Where those who paid the bribes are based (Asset Recovery Watch)."),
    )
    uncac_offences = forms.MultipleChoiceField(
        label=_("UNCAC offences concerned"),
        choices=UncacOffence.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("value") is not None and not data.get("currency"):
            self.add_error("currency", _("Give the currency of the value."))
        return data


def _step_field(name: str, step: Step) -> forms.Field:
    label = field_label(name)
    label = label[:1].upper() + label[1:]
    required = name in step.required
    if name == "amount":
        return amount_field(label=step.amount_label or label, required=required)
    if name == "expenses_deducted":
        return amount_field(label=label, required=required)
    if name == "currency":
        return currency_field(required=required)
    if name == "expires_on":
        return PlausibleDateField(label=label, required=required, widget=DATE)
    if name == "confiscation_type":
        return forms.ChoiceField(label=label, choices=ConfiscationType.choices, required=required)
    if name == "return_category":
        return forms.ChoiceField(label=label, choices=ReturnCategory.choices, required=required)
    if name == "counterpart_state":
        return StateChoiceField(
            widget=CachedSelect("asset.counterpart"), label=label, required=required
        )
    if name in ("end_use", "agreement"):
        return forms.CharField(
            label=label,
            required=required,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
    return forms.CharField(label=label, required=required, max_length=300)


class StepForm(forms.Form):
    """The form of one step; its fields are the step's (lifecycle.STEPS)."""

    on = PlausibleDateField(label=_("Date"), widget=DATE)

    def __init__(self, step: Step, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", step.name)
        super().__init__(*args, **kwargs)
        self.step = step
        for name in step.fields:
            self.fields[name] = _step_field(name, step)
        self.fields["note"] = forms.CharField(
            label=_("Reason") if "note" in step.required else _("Note (optional)"),
            required="note" in step.required,
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def step_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.step.fields}


class EnquiryForm(forms.Form):
    network = forms.ChoiceField(label=_("Network"), choices=Network.choices)
    counterpart_state = StateChoiceField(
        widget=CachedSelect("asset.counterpart"), label=_("Counterpart state")
    )
    sent_on = PlausibleDateField(label=_("Sent on"), widget=DATE)
    subject = forms.CharField(
        label=_("Subject"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    case_reference = forms.CharField(
        label=_("Our reference of the request (optional)"),
        max_length=60,
        required=False,
        help_text=_("Leave empty for an enquiry made before, or without, a formal request."),
    )


class AnswerForm(forms.Form):
    answered_on = PlausibleDateField(label=_("Answered on"), widget=DATE)
    answer = forms.CharField(
        label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RateForm(forms.Form):
    from_currency = currency_field(label=pgettext_lazy("currency converted", "From"))
    to_currency = currency_field(label=pgettext_lazy("currency converted into", "To"))
    rate = forms.DecimalField(
        label=_("Rate"),
        min_value=0,
        max_digits=24,
        decimal_places=10,
        help_text=_("How many units of the second currency one unit of the first is worth."),
    )
    on = PlausibleDateField(label=_("Rate date"), widget=DATE)
    source = forms.CharField(
        label=_("Source"), max_length=300, help_text=_("For example: central bank reference rate.")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("from_currency") and data.get("from_currency") == data.get("to_currency"):
            self.add_error(
                "to_currency", _("A rate converts one currency into another: choose two.")
            )
        rate = data.get("rate")
        if rate is not None and rate <= 0:
            self.add_error("rate", _("A rate must be more than zero."))
        return data
