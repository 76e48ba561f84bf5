"""Second factors: who must have one, which devices a user has, and the state of a sign-in.

The devices are django-otp's: ``TOTPDevice`` (authenticator apps), ``StaticDevice`` (recovery
codes, each valid once) and django-otp-webauthn's ``WebAuthnCredential`` (security keys and
passkeys). Recovery codes alone are not a second factor: they stand in for a lost one.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from .models import User

if TYPE_CHECKING:
    from django_otp.models import Device

# In the session after the password: what the user must still do (a Pending value).
MFA_PENDING_KEY = "_rg_mfa_pending"
# The recovery-code device of a user has this name (one per user).
RECOVERY_DEVICE_NAME = "recovery"


class Pending(enum.StrEnum):
    VERIFY = "verify"  # has a second factor: enter it
    ENROL = "enrol"  # must have one and has none: enrol first


def mfa_required_for(user: User) -> bool:
    """Whether ``user`` may not work without a second factor."""
    if user.is_site_admin or user.is_staff or user.mfa_enrolment_required:
        return True
    return bool(user.authority is not None and user.authority.mfa_required)


def totp_devices(user: User) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id"))


def webauthn_credentials(user: User) -> list[WebAuthnCredential]:
    return list(WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("id"))


def recovery_device(user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()


def has_second_factor(user: User) -> bool:
    """A confirmed authenticator app or security key (recovery codes do not count)."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    )


def verifying_devices(user: User) -> list[Device]:
    """Devices that accept a typed code: authenticator apps, then the recovery codes."""
    devices: list[Device] = list(totp_devices(user))
    recovery = recovery_device(user)
    if recovery is not None and recovery.token_set.exists():
        devices.append(recovery)
    return devices


def pending_after_password(user: User) -> Pending | None:
    """What a user who just gave the right password must still do."""
    if has_second_factor(user):
        return Pending.VERIFY
    if mfa_required_for(user):
        return Pending.ENROL
    return None


@receiver(user_logged_in, dispatch_uid="rogatory.accounts.mfa.note_pending")
def note_pending(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """Mark a new session as waiting for the second factor, and note its client."""
    from .middleware import note_client

    if request is None or not hasattr(request, "session"):
        return
    pending = pending_after_password(user)
    if pending is None:
        request.session.pop(MFA_PENDING_KEY, None)
    else:
        request.session[MFA_PENDING_KEY] = str(pending)
    note_client(request)
