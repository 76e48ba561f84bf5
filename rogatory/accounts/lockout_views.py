"""Unlock a member's sign-in after a lock-out (decision 0019): authority and site administrators."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .access import get_member_for_user
from .actions import do_unlock_member
from .models import User


@login_required
@require_POST
def member_unlock(request: HttpRequest, code: str, public_id: UUID) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    member, can_manage = get_member_for_user(user, code, str(public_id))
    if not can_manage:
        raise PermissionDenied
    do_unlock_member(member, acting_user=user)
    messages.success(
        request, _("%(name)s can sign in again from every address.") % {"name": str(member)}
    )
    return redirect(member)
