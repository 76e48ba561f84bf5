"""Signals about a user's credentials, so that other parts react without importing each other.

``credentials_reset`` is sent (with ``user``, ``acting_user`` and ``what`` — "password", "mfa"
or "email") after someone resets or changes a user's credentials: sessions end, API tokens are
revoked, the user is told. Receivers must not raise.
"""

from __future__ import annotations

from django.dispatch import Signal

credentials_reset = Signal()
