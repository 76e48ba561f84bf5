"""The supervisors' page "Reassign requests": an absent officer's open requests to another."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from rogatory.accounts.models import Role, User

from ..reassign import ReassignRefused, do_reassign_cases, officers_of, open_cases_of
from .common import acting_user


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, User)
        name = obj.get_full_name() or obj.get_username()
        return name if obj.is_active else _("%(name)s (inactive)") % {"name": name}


class ReassignForm(forms.Form):
    """From whom, to whom, and all the open requests or the ones ticked."""

    ALL, SELECTED = "all", "selected"

    from_officer = OfficerChoiceField(
        label=gettext_lazy("Requests of"), queryset=User.objects.none(), to_field_name="username"
    )
    to_officer = OfficerChoiceField(
        label=gettext_lazy("Move them to"), queryset=User.objects.none(), to_field_name="username"
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Which requests"),
        choices=[
            (ALL, gettext_lazy("All their open requests")),
            (SELECTED, gettext_lazy("Only the requests ticked below")),
        ],
        initial=ALL,
        widget=forms.RadioSelect,
    )
    cases = forms.MultipleChoiceField(
        label=gettext_lazy("Open requests"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, authority_id: int, from_officer: User | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        everyone = officers_of(authority_id, active_only=False)
        self.fields["from_officer"].queryset = everyone  # type: ignore[attr-defined]
        self.fields["to_officer"].queryset = officers_of(  # type: ignore[attr-defined]
            authority_id, active_only=True
        )
        self.open_cases = list(open_cases_of(from_officer)) if from_officer else []
        self.fields["cases"].choices = [  # type: ignore[attr-defined]
            (str(case.public_id), f"{case.our_reference} — {case.subject}")
            for case in self.open_cases
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("scope") == self.SELECTED and not cleaned.get("cases"):
            self.add_error("cases", _("Tick the requests to move."))
        return cleaned


def _supervisor(request: HttpRequest) -> User:
    user = acting_user(request)
    if user.role != Role.SUPERVISOR or user.authority_id is None:
        raise PermissionDenied("Supervisors reassign requests.")
    return user


@login_required
def reassign(request: HttpRequest) -> HttpResponse:
    """Choose the officer (``?from=`` shows his open requests), then move them."""
    user = _supervisor(request)
    assert user.authority_id is not None
    data = request.POST if request.method == "POST" else None
    chosen = (data or request.GET).get("from_officer", "")
    from_officer = (
        officers_of(user.authority_id, active_only=False).filter(username=chosen).first()
        if chosen
        else None
    )
    initial = {"from_officer": from_officer} if from_officer else {}
    form = ReassignForm(
        data, authority_id=user.authority_id, from_officer=from_officer, initial=initial
    )
    status = 200
    if data is not None:
        if form.is_valid():
            selected = form.cleaned_data["scope"] == ReassignForm.SELECTED
            try:
                moved = do_reassign_cases(
                    form.cleaned_data["from_officer"],
                    form.cleaned_data["to_officer"],
                    cases=form.cleaned_data["cases"] if selected else None,
                    acting_user=user,
                    site_url=request.build_absolute_uri("/"),
                )
            except ReassignRefused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s request moved to %(name)s.",
                        "%(count)s requests moved to %(name)s.",
                        len(moved),
                    )
                    % {
                        "count": len(moved),
                        "name": form.cleaned_data["to_officer"].get_full_name()
                        or form.cleaned_data["to_officer"].get_username(),
                    },
                )
                return redirect("case_reassign")
        status = 400
    return render(
        request,
        "cases/reassign.html",
        {"form": form, "from_officer": from_officer},
        status=status,
    )


urlpatterns = [path("cases/reassign/", reassign, name="case_reassign")]
