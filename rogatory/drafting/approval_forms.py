"""Forms of the approval workflow's people: whom a version is submitted to, delegations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rogatory.accounts.models import User
from rogatory.lib.validators import PlausibleDateField, validate_text

from .delegations import display_name, supervisors_of
from .forms import DATE_WIDGET


class SupervisorChoiceField(forms.ModelChoiceField):
    """A supervisor of the authority, chosen by user name, shown by full name."""

    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, User)
        return display_name(obj)


class AddresseeForm(forms.Form):
    """'Submit for approval to': one of the authority's active supervisors but the drafter,
    or any of them (the empty choice)."""

    addressed_to = SupervisorChoiceField(
        label=_("Submit for approval to"),
        queryset=User.objects.none(),
        to_field_name="username",
        required=False,
        empty_label=_("any supervisor"),
    )

    def __init__(self, *args: Any, drafter: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["addressed_to"]
        assert isinstance(field, SupervisorChoiceField)
        field.queryset = (
            supervisors_of(drafter.authority_id).exclude(pk=drafter.pk)
            if drafter.authority_id
            else User.objects.none()
        )


class DelegationForm(forms.Form):
    """A delegation of the acting supervisor's approval to another supervisor, for a period."""

    delegate = SupervisorChoiceField(
        label=_("Delegate approval to"), queryset=User.objects.none(), to_field_name="username"
    )
    starts_on = PlausibleDateField(
        label=pgettext_lazy("start of a period", "From"), widget=DATE_WIDGET
    )
    ends_on = PlausibleDateField(label=_("Until (included)"), widget=DATE_WIDGET)
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=300,
        validators=[validate_text],
        help_text=_("For example: annual leave, mission abroad."),
    )

    def __init__(self, *args: Any, delegator: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["delegate"]
        assert isinstance(field, SupervisorChoiceField)
        field.queryset = (
            supervisors_of(delegator.authority_id).exclude(pk=delegator.pk)
            if delegator.authority_id
            else User.objects.none()
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("A delegation ends on or after the day it starts."))
        return cleaned
