from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .access import get_authority_for_user, get_member_for_user
from .actions import MemberChangeRefused, do_create_member, do_update_member
from .forms import MemberCreateForm, MemberUpdateForm
from .models import Authority, User


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def authority_list(request: HttpRequest) -> HttpResponse:
    authorities = Authority.objects.for_user(_user(request)).select_related("state")
    return render(request, "accounts/authority_list.html", {"authorities": authorities})


@login_required
def authority_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    authority, can_manage = get_authority_for_user(user, code)
    members = User.objects.for_user(user).filter(authority=authority)
    return render(
        request,
        "accounts/authority_detail.html",
        {"authority": authority, "members": members, "can_manage": can_manage},
    )


@login_required
def member_create(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    authority, can_manage = get_authority_for_user(user, code)
    if not can_manage:
        raise PermissionDenied
    form = MemberCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = do_create_member(
            authority,
            acting_user=user,
            site_url=request.build_absolute_uri("/").rstrip("/"),
            **form.cleaned_data,
        )
        messages.success(
            request,
            _("%(name)s was added. An e-mail with a link to set a password was sent to %(email)s.")
            % {"name": member, "email": member.email},
        )
        return redirect(authority)
    return render(request, "accounts/member_form.html", {"authority": authority, "form": form})


@login_required
def member_detail(request: HttpRequest, code: str, public_id: UUID) -> HttpResponse:
    user = _user(request)
    member, can_manage = get_member_for_user(user, code, str(public_id))
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    initial = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "email": member.email,
        "role": member.role,
        "is_active": member.is_active,
    }
    form = MemberUpdateForm(request.POST or None, initial=initial)
    if member.last_login is not None:
        # The member's own address once the account is in use (decision 0018).
        form.fields["email"].disabled = True
        form.fields["email"].help_text = _(
            "Only the member can change it, from their security page."
        )
    if request.method == "POST" and form.is_valid():
        try:
            changed = do_update_member(member, acting_user=user, **form.cleaned_data)
        except MemberChangeRefused as exc:
            form.add_error(None, str(exc))
        else:
            if changed:
                messages.success(request, _("The changes were saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect(member)
    return render(
        request,
        "accounts/member_detail.html",
        {"authority": member.authority, "member": member, "form": form, "can_manage": can_manage},
    )
