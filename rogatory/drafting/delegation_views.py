"""The supervisors' page "Delegations of approval": list, create, revoke (decision 0026)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rogatory.accounts.models import Role, User

from .approval_forms import DelegationForm
from .delegations import DelegationRefused, do_delegate_approval, do_revoke_delegation
from .models import ApprovalDelegation


def _supervisor(request: HttpRequest) -> User:
    """The acting user, when a supervisor of an authority; 403 for every other role."""
    user = request.user
    assert isinstance(user, User)
    if user.role != Role.SUPERVISOR or user.authority_id is None:
        raise PermissionDenied("Supervisors delegate approval.")
    return user


def get_delegation_for_user(user: User, public_id: object) -> ApprovalDelegation:
    """A delegation of the user's authority; 404 for absent and another authority's alike."""
    assert user.authority_id is not None
    try:
        key = uuid.UUID(str(public_id))
        return ApprovalDelegation.objects.select_related("delegator", "delegate").get(
            public_id=key, authority_id=user.authority_id
        )
    except (ValueError, ApprovalDelegation.DoesNotExist):
        raise Http404("No such delegation.") from None


@login_required
def delegations(request: HttpRequest) -> HttpResponse:
    """The authority's current and future delegations, and the form to delegate one's own."""
    user = _supervisor(request)
    form = DelegationForm(request.POST or None, delegator=user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                do_delegate_approval(
                    data["delegate"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    reason=data["reason"],
                    acting_user=user,
                )
            except DelegationRefused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("Approval delegated."))
                return redirect("drafting_delegations")
        status = 400
    today = timezone.localdate()
    assert user.authority_id is not None
    listed = (
        ApprovalDelegation.objects.current_and_future(today)
        .filter(authority_id=user.authority_id)
        .select_related("delegator", "delegate")
    )
    return render(
        request,
        "drafting/delegations.html",
        {"delegations": listed, "form": form, "today": today, "me": user},
        status=status,
    )


@login_required
@require_POST
def revoke(request: HttpRequest, delegation_id: str) -> HttpResponse:
    user = _supervisor(request)
    delegation = get_delegation_for_user(user, delegation_id)
    try:
        do_revoke_delegation(delegation, acting_user=user)
    except DelegationRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Delegation revoked."))
    return redirect("drafting_delegations")


urlpatterns = [
    path("approvals/delegations/", delegations, name="drafting_delegations"),
    path(
        "approvals/delegations/<uuid:delegation_id>/revoke/",
        revoke,
        name="drafting_delegation_revoke",
    ),
]
