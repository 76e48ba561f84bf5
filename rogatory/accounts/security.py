"""Actions on credentials: second factors, sessions, password and e-mail changes (decision 0018).

Each writes its audit entry (``security.*``), tells the user by e-mail, and sends
``signals.credentials_reset`` after a reset or change, so that other parts (API tokens) react.
"""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from rogatory.audit.actions import record

from .actions import MemberChangeRefused
from .mfa import RECOVERY_DEVICE_NAME, has_second_factor, mfa_required_for
from .models import Authority, User, UserSession
from .signals import credentials_reset

EMAIL_CHANGE_SALT = "rogatory.accounts.email-change"
DEMO_DEVICE_NAME = "Demo authenticator"


def _audit(action: str, user: User, acting_user: User | None, **details: Any) -> None:
    record(
        action,
        acting_user=acting_user,
        authority_id=user.authority_id,
        object_type="user",
        object_ref=str(user.public_id),
        details=details,
    )


def notify(user: User, notice: str, *, to: str | None = None, link: str = "") -> None:
    """E-mail ``user`` (or the address ``to``) that something changed on the account."""
    address = to or user.email
    if not address:
        return
    context = {
        "user": user,
        "notice": notice,
        "link": link,
        "when": timezone.now().strftime("%Y-%m-%d %H:%M"),
    }
    message = render_to_string("accounts/email/security_notice.txt", context)
    subject = _("Rogatory: a change to your account")
    transaction.on_commit(
        lambda: send_mail(subject, message, from_email=None, recipient_list=[address])
    )


def _changed(user: User, acting_user: User | None, what: str) -> None:
    """Tell the other parts, once the change is committed."""
    transaction.on_commit(
        lambda: credentials_reset.send(sender=User, user=user, acting_user=acting_user, what=what)
    )


# --- Sessions -------------------------------------------------------------------------------


def session_handle(session_key: str) -> str:
    """A public name of a session for the sessions page: the key itself stays secret."""
    return salted_hmac("rogatory.accounts.session-handle", session_key).hexdigest()[:24]


def end_sessions(user: User, *, keep: str | None = None) -> int:
    """End every session of ``user`` except the one with key ``keep``; return how many."""
    sessions = UserSession.objects.filter(user=user)
    if keep:
        sessions = sessions.exclude(session_key=keep)
    deleted, _by_model = sessions.delete()
    return deleted


@transaction.atomic
def do_end_sessions(user: User, *, handles: list[str] | None, current_key: str | None) -> int:
    """End the user's sessions named by ``handles``, or all but the current one (None)."""
    sessions = UserSession.objects.filter(user=user).exclude(session_key=current_key or "")
    if handles is not None:
        wanted = set(handles)
        keys = [s.session_key for s in sessions if session_handle(s.session_key) in wanted]
        sessions = sessions.filter(session_key__in=keys)
    ended, _by_model = sessions.delete()
    if ended:
        _audit("security.sessions_ended", user, user, count=ended)
    return ended


# --- Second factors ---------------------------------------------------------------------------


def start_totp(user: User) -> TOTPDevice:
    """An unconfirmed authenticator-app device to enrol (the last unconfirmed one is reused)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


def _new_recovery_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.MFA_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _enrolled(user: User, kind: str, name: str) -> list[str]:
    """After a new second factor: recovery codes when there were none, the flags, the trail."""
    codes: list[str] = []
    device = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()
    if device is None or not device.token_set.exists():
        codes = _new_recovery_codes(user)
    if user.mfa_enrolment_required:
        user.mfa_enrolment_required = False
        user.save(update_fields=["mfa_enrolment_required"])
    _audit("security.mfa_enrolled", user, user, kind=kind, name=name)
    notify(user, _("A second factor was added to your account: %(name)s.") % {"name": name})
    # No credentials_reset: adding a factor takes nothing away (API tokens stay valid).
    return codes


@transaction.atomic
def do_confirm_totp(device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm an authenticator app with a code from it; None if the code is wrong.

    Returns the new recovery codes (empty if the user already had some).
    """
    locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if locked.confirmed or not locked.verify_token(token.strip().replace(" ", "")):
        return None
    locked.confirmed = True
    locked.save(update_fields=["confirmed"])
    return _enrolled(locked.user, "totp", locked.name)


@transaction.atomic
def do_record_webauthn_enrolled(credential: WebAuthnCredential) -> list[str]:
    """A security key or passkey was registered (by django-otp-webauthn's view)."""
    return _enrolled(credential.user, "webauthn", credential.name or _("Security key"))


@transaction.atomic
def do_record_recovery_code_used(user: User, device: StaticDevice) -> None:
    """A recovery code stood in for the second factor: the user is told how many remain."""
    left = device.token_set.count()
    _audit("security.recovery_code_used", user, user, remaining=left)
    notify(
        user,
        _("A recovery code was used to sign in to your account; %(count)s remain.")
        % {"count": left},
    )


@transaction.atomic
def do_record_mfa_failure(user: User) -> None:
    """A wrong second-factor code after the right password (the password is known)."""
    _audit("security.mfa_failed", user, user)


@transaction.atomic
def do_regenerate_recovery_codes(user: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    if not has_second_factor(user):
        raise MemberChangeRefused(_("Add an authenticator app or a security key first."))
    codes = _new_recovery_codes(user)
    _audit("security.recovery_codes_regenerated", user, user)
    notify(user, _("New recovery codes were made for your account; the old ones no longer work."))
    return codes


@transaction.atomic
def do_remove_device(user: User, device: Device) -> None:
    """Remove one of the user's own second factors (never the last one if one is required)."""
    if device.user_id != user.pk or isinstance(device, StaticDevice):
        raise MemberChangeRefused(_("This is not one of your second factors."))
    others = [
        d
        for d in (
            *TOTPDevice.objects.filter(user=user, confirmed=True),
            *WebAuthnCredential.objects.filter(user=user, confirmed=True),
        )
        if d.persistent_id != device.persistent_id
    ]
    if not others and mfa_required_for(user):
        raise MemberChangeRefused(
            _("Your account needs a second factor: add another one before removing this one.")
        )
    name = str(device.name)
    device.delete()
    if not others:
        StaticDevice.objects.filter(user=user).delete()
    _audit("security.mfa_removed", user, user, name=name)
    notify(user, _("A second factor was removed from your account: %(name)s.") % {"name": name})
    _changed(user, user, "mfa")


@transaction.atomic
def do_reset_member_mfa(member: User, *, acting_user: User) -> None:
    """An administrator clears a member's second factors: the member enrols new ones himself.

    Every session of the member ends; the member is told. The administrator learns nothing
    that lets him sign in as the member (decision 0018).
    """
    TOTPDevice.objects.filter(user=member).delete()
    StaticDevice.objects.filter(user=member).delete()
    WebAuthnCredential.objects.filter(user=member).delete()
    member.mfa_enrolment_required = True
    member.save(update_fields=["mfa_enrolment_required"])
    end_sessions(member)
    _audit("security.mfa_reset", member, acting_user)
    notify(
        member,
        _(
            "%(admin)s reset the second factor of your account. At your next sign-in you will "
            "set up a new one."
        )
        % {"admin": acting_user},
    )
    _changed(member, acting_user, "mfa")


@transaction.atomic
def do_set_mfa_required(authority: Authority, *, required: bool, acting_user: User) -> bool:
    """Require (or not) a second factor of every member; return False if nothing changed.

    When it is turned on, members without one are signed out and enrol at their next sign-in.
    """
    locked = Authority.objects.select_for_update().get(pk=authority.pk)
    if locked.mfa_required == required:
        return False
    authority.mfa_required = required
    authority.save(update_fields=["mfa_required"])
    signed_out = 0
    if required:
        for member in User.objects.filter(authority=authority, is_active=True):
            if not has_second_factor(member):
                signed_out += end_sessions(member)
    record(
        "security.mfa_policy_changed",
        acting_user=acting_user,
        authority_id=authority.pk,
        object_type="authority",
        object_ref=authority.code,
        details={"mfa_required": required, "sessions_ended": signed_out},
    )
    return True


def ensure_demo_totp(user: User) -> str:
    """Give a demo account an authenticator-app device (once); return its key in base32.

    Only the demo loader calls this: the site administrator of a demo install must pass a
    second factor like any other, and `make run` prints this key for an authenticator app.
    """
    device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, confirmed=True)
        _audit("security.mfa_enrolled", user, None, kind="totp", name=DEMO_DEVICE_NAME)
    return base64.b32encode(device.bin_key).decode()


# --- Passwords ----------------------------------------------------------------------------


@transaction.atomic
def do_record_password_changed(user: User, *, current_key: str | None) -> None:
    """The user changed his password (Django's form did): other sessions end, he is told."""
    end_sessions(user, keep=current_key)
    _audit("security.password_changed", user, user)
    notify(user, _("The password of your account was changed."))
    _changed(user, user, "password")


@transaction.atomic
def do_record_password_reset(user: User) -> None:
    """A password was set through an e-mailed link: every session ends, the user is told."""
    end_sessions(user)
    _audit("security.password_reset", user, user)
    notify(user, _("The password of your account was reset through a link sent by e-mail."))
    _changed(user, user, "password")


@transaction.atomic
def do_send_password_reset(member: User, *, acting_user: User, site_url: str) -> None:
    """An administrator sends a member a link to choose a new password, to the member's own
    (confirmed) address; the administrator never sets or sees a password."""
    if not member.email or not member.is_active:
        raise MemberChangeRefused(_("This member has no active account with an e-mail address."))
    uid = urlsafe_base64_encode(force_bytes(member.pk))
    token = default_token_generator.make_token(member)
    link = site_url + reverse("password_reset_confirm", args=[uid, token])
    message = render_to_string(
        "accounts/email/password_reset_by_admin.txt",
        {"user": member, "acting_user": acting_user, "link": link},
    )
    subject = _("Rogatory: choose a new password")
    address = member.email
    transaction.on_commit(
        lambda: send_mail(subject, message, from_email=None, recipient_list=[address])
    )
    _audit("security.password_reset_sent", member, acting_user)


# --- E-mail address -----------------------------------------------------------------------


def email_change_token(user: User, new_email: str) -> str:
    """A signed token naming the user, the new address and the address it replaces."""
    return signing.dumps({"u": user.pk, "e": new_email, "old": user.email}, salt=EMAIL_CHANGE_SALT)


def read_email_change_token(user: User, token: str) -> str | None:
    """The new address of a valid token of ``user`` (not expired, old address unchanged)."""
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=settings.PASSWORD_RESET_TIMEOUT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != user.pk or data.get("old") != user.email:
        return None
    new_email = data.get("e")
    return new_email if isinstance(new_email, str) and new_email else None


@transaction.atomic
def do_request_email_change(user: User, *, new_email: str, site_url: str) -> None:
    """Send a confirmation link to the new address and a notice to the old one."""
    link = site_url + reverse("email_change_confirm", args=[email_change_token(user, new_email)])
    message = render_to_string(
        "accounts/email/email_confirm.txt", {"user": user, "new_email": new_email, "link": link}
    )
    subject = _("Rogatory: confirm your new e-mail address")
    transaction.on_commit(
        lambda: send_mail(subject, message, from_email=None, recipient_list=[new_email])
    )
    notify(
        user,
        _(
            "Someone signed in to your account asked to change its e-mail address to "
            "%(address)s. Nothing changes until the new address is confirmed."
        )
        % {"address": new_email},
    )
    _audit("security.email_change_requested", user, user, new_email=new_email)


@transaction.atomic
def do_confirm_email_change(user: User, *, new_email: str) -> None:
    """Use the confirmed address; both addresses are told."""
    old = user.email
    user.email = new_email
    user.save(update_fields=["email"])
    notice = _("The e-mail address of your account was changed from %(old)s to %(new)s.") % {
        "old": old,
        "new": new_email,
    }
    notify(user, notice, to=old)
    notify(user, notice, to=new_email)
    _audit("security.email_change_confirmed", user, user, old_email=old, new_email=new_email)
    _changed(user, user, "email")


def end_sessions_after_reset(
    sender: Any, *, user: User, acting_user: User | None, what: str, **kwargs: Any
) -> None:
    """A reset by someone else (an administrator) ends every session of the user."""
    if acting_user is None or acting_user.pk != user.pk:
        end_sessions(user)


def connect() -> None:
    """Connect the receivers (AccountsConfig.ready)."""
    from . import mfa  # noqa: F401 - connects the sign-in receiver

    credentials_reset.connect(end_sessions_after_reset, dispatch_uid="security-end-sessions")
