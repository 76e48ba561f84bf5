"""The review page's filters: kind of entry, user, dates."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rogatory.audit.security import LOGIN_FAILED

# Plausible dates only: a year like 9999 is a typo, not a filter.
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)

# Kinds of entry in the audit trail, by the start of their action name.
TRAIL_KINDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "sign_in": (_("Logins, failed logins and logouts"), ("security.login", "security.logout")),
    "security": (_("All security events"), ("security.",)),
    "admin": (_("Changes in the Django admin"), ("security.admin_",)),
    "members": (_("Members and tokens"), ("member.", "token.")),
    "cases": (_("Casework"), ("case.", "cases.", "document.", "measure.", "person.")),
    "audit": (_("Seals and checkpoints"), ("access_log.", "audit.")),
}
ACCESS_KINDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "case_viewed": (_("Strictly confidential requests opened"), ("case.viewed",)),
    "document_downloaded": (_("Documents downloaded"), ("document.downloaded",)),
    "request_downloaded": (_("Finalised requests downloaded"), ("request.downloaded",)),
}


class ReviewFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    user = forms.CharField(label=_("User name"), required=False, max_length=150)
    date_from = forms.DateField(
        label=pgettext_lazy("start of a period", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=pgettext_lazy("end of a period", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, kinds: dict[str, tuple[Any, tuple[str, ...]]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", _("All kinds"))] + [
            (value, label) for value, (label, _prefixes) in kinds.items()
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in ("date_from", "date_to"):
            value = cleaned.get(name)
            if value is not None and not EARLIEST <= value <= LATEST:
                self.add_error(
                    name,
                    _("Give a date between %(first)s and %(last)s.")
                    % {"first": EARLIEST.isoformat(), "last": LATEST.isoformat()},
                )
        return cleaned

    def apply(self, entries: QuerySet[Any]) -> QuerySet[Any]:
        """Narrow ``entries`` (audit or access entries) by the valid filters."""
        data = self.cleaned_data
        if data.get("kind"):
            _label, prefixes = self.kinds[data["kind"]]
            condition = Q()
            for prefix in prefixes:
                condition |= Q(action__startswith=prefix)
            entries = entries.filter(condition)
        if data.get("user"):
            name = data["user"].strip()
            # A failed login has no actor: the name tried is in its details.
            entries = entries.filter(
                Q(actor_name__iexact=name) | Q(action=LOGIN_FAILED, details__username__iexact=name)
            )
        if data.get("date_from"):
            entries = entries.filter(created_at__date__gte=data["date_from"])
        if data.get("date_to"):
            entries = entries.filter(created_at__date__lte=data["date_to"])
        return entries
