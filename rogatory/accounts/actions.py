"""Writes to authorities and their members; each writes an audit entry."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from rogatory.audit.actions import record

from .models import Authority, Role, User


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
