"""Writes to authorities and their members; each writes an audit entry."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from rogatory.audit.actions import record

from .models import (
    API_TOKEN_SHOWN,
    ApiToken,
    Authority,
    RevokedReason,
    Role,
    TokenScope,
    User,
    credential_stamp,
)
from .throttle import clear_lockouts
from .tokens import revoke_all


class MemberChangeRefused(Exception):
    """A change to a member that would break the authority (e.g. lock out its last admin)."""


@transaction.atomic
def do_create_member(
    authority: Authority,
    *,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    acting_user: User,
    site_url: str,
) -> User:
    """Create a member with no password and e-mail them a link to choose one."""
    member = User(
        authority=authority,
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
    )
    member.set_unusable_password()
    member.save()
    record(
        "member.created",
        acting_user=acting_user,
        authority_id=authority.pk,
        object_type="user",
        object_ref=str(member.public_id),
        details={"username": username, "role": role},
    )
    transaction.on_commit(lambda: send_welcome(member, site_url=site_url))
    return member


def send_welcome(member: User, *, site_url: str) -> None:
    """E-mail a new member the link that lets them set their password."""
    uid = urlsafe_base64_encode(force_bytes(member.pk))
    token = default_token_generator.make_token(member)
    link = site_url + reverse("password_reset_confirm", args=[uid, token])
    context = {"member": member, "link": link, "authority": member.authority}
    send_mail(
        subject=_("Your Rogatory account"),
        message=render_to_string("accounts/email/welcome.txt", context),
        from_email=None,
        recipient_list=[member.email],
    )


@transaction.atomic
def do_update_member(
    member: User,
    *,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    is_active: bool,
    acting_user: User,
) -> list[str]:
    """Change a member's details, role or active flag; return the changed field names."""
    assert member.authority is not None
    if member.pk == acting_user.pk and (not is_active or role != member.role):
        raise MemberChangeRefused(_("You cannot change your own role or deactivate yourself."))
    was_admin = member.role == Role.AUTHORITY_ADMIN and member.is_active
    stays_admin = role == Role.AUTHORITY_ADMIN and is_active
    if was_admin and not stays_admin:
        admins = User.objects.filter(
            authority=member.authority, role=Role.AUTHORITY_ADMIN, is_active=True
        )
        if not admins.exclude(pk=member.pk).exists():
            raise MemberChangeRefused(
                _("An authority needs at least one active authority administrator.")
            )
    if email != member.email and member.last_login is not None:
        # Once the person has signed in, the address is theirs: an administrator who could
        # point it elsewhere could take the account over with a reset (decision 0018).
        raise MemberChangeRefused(
            _(
                "Only the member can change the e-mail address of an account in use, "
                "from the security page (the new address is confirmed)."
            )
        )
    new_values = {
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "role": role,
        "is_active": is_active,
    }
    changes = {
        name: [getattr(member, name), value]
        for name, value in new_values.items()
        if getattr(member, name) != value
    }
    if not changes:
        return []
    if "is_active" in changes and not is_active:
        # Before the save, so the entries name the administrator (tokens.py would otherwise
        # revoke them as "system" when it sees an inactive user saved).
        revoke_all(member, reason=RevokedReason.DEACTIVATED, acting_user=acting_user)
    for name, (_old, value) in changes.items():
        setattr(member, name, value)
    member.save(update_fields=list(changes))
    record(
        "member.updated",
        acting_user=acting_user,
        authority_id=member.authority_id,
        object_type="user",
        object_ref=str(member.public_id),
        details=changes,
    )
    return list(changes)


@transaction.atomic
def do_create_token(
    user: User,
    *,
    name: str,
    expires_on: datetime.date | None = None,
    scopes: Sequence[str] = (TokenScope.CASES_READ, TokenScope.CASES_WRITE),
) -> tuple[ApiToken, str]:
    """Make an API token for ``user``; return it and its secret, which is not kept anywhere.

    Every token expires: ``expires_on`` defaults to API_TOKEN_DAYS from today.
    """
    if user.authority_id is None:
        raise ValueError("Only members of an authority have API tokens.")
    unknown = set(scopes) - set(TokenScope.values)
    if not scopes or unknown:
        raise ValueError(f"Give one or more known scopes (unknown: {sorted(unknown)}).")
    if expires_on is None:
        expires_on = timezone.localdate() + datetime.timedelta(days=settings.API_TOKEN_DAYS)
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:API_TOKEN_SHOWN],
        key_hash=ApiToken.hash_secret(secret),
        expires_on=expires_on,
        scopes=sorted(set(scopes)),
        password_stamp=credential_stamp(user.password),
    )
    record(
        "token.created",
        acting_user=user,
        authority_id=user.authority_id,
        object_type="api_token",
        object_ref=str(token.public_id),
        details={
            "name": name,
            "prefix": token.prefix,
            "expires_on": expires_on.isoformat(),
            "scopes": token.scopes,
        },
    )
    return token, secret


@transaction.atomic
def do_revoke_token(token: ApiToken, *, acting_user: User) -> bool:
    """Revoke ``token`` for good; return False if it was already revoked."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        token.revoked_at = locked.revoked_at
        return False
    token.revoked_at = timezone.now()
    token.revoked_reason = (
        RevokedReason.USER if acting_user.pk == token.user_id else RevokedReason.ADMIN
    )
    token.save(update_fields=["revoked_at", "revoked_reason"])
    record(
        "token.revoked",
        acting_user=acting_user,
        authority_id=token.user.authority_id,
        object_type="api_token",
        object_ref=str(token.public_id),
        details={"name": token.name, "prefix": token.prefix},
    )
    return True


@transaction.atomic
def do_unlock_member(member: User, *, acting_user: User) -> int:
    """Lift a login lock-out of ``member`` from every address; return the rows forgotten."""
    cleared = clear_lockouts(member.get_username())
    record(
        "member.unlocked",
        acting_user=acting_user,
        authority_id=member.authority_id,
        object_type="user",
        object_ref=str(member.public_id),
        details={"username": member.get_username(), "attempts_cleared": cleared},
    )
    return cleared
