"""Test helpers for the second factor (imported by conftest.py and tests only).

``Client.force_login`` skips the login form, so a session it makes has no verified second
factor and a site administrator would be sent to enrol. Tests that are not about the second
factor log in as if they had given their code: ``login_verified`` (installed as
``Client._login``, behind ``login`` and ``force_login``, by the root conftest) stores a
confirmed test device in the session as the device that verified it. Production code is not
touched: a real session is verified only by ``mfa_verify`` or an enrolment.
"""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from .mfa import pending_after_password
from .models import User

TEST_DEVICE_NAME = "test: signed in by the test client"
# Client.login and Client.force_login both end in Client._login.
_original_login = Client._login  # type: ignore[attr-defined]


def verified_test_device(user: User) -> StaticDevice:
    """A confirmed device with no codes: it verifies a session and accepts no code."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=TEST_DEVICE_NAME, defaults={"confirmed": True}
    )
    return device


def login_verified(self: Client, user: Any, backend: str | None = None) -> None:
    """Log in as a user who also gave his second factor, when he would be asked for one."""
    _original_login(self, user, backend)
    if isinstance(user, User) and pending_after_password(user) is not None:
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = verified_test_device(user).persistent_id
        session.save()


def force_login_unverified(client: Client, user: User) -> None:
    """Log in with the password step only (the session waits for the second factor)."""
    _original_login(client, user, "django.contrib.auth.backends.ModelBackend")
