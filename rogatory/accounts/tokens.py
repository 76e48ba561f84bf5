"""API tokens at work: the bearer check with scopes and rate limits, and their revocation.

A token opens one area of the API (``cases``) for reading (GET) or also writing, expires
(``API_TOKEN_DAYS`` by default), and dies for good when its user's password or second factor
is changed or reset, or the user is deactivated (decision 0019).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer

from rogatory.audit.actions import record

from . import throttle
from .models import API_TOKEN_PREFIX, ApiToken, RevokedReason, User, credential_stamp
from .signals import credentials_reset

logger = logging.getLogger(__name__)

# A token's "last used" is written at most this often, not on every call.
LAST_USED_EVERY = 60
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """``Authorization: Bearer rgt_…``: a member's personal token for one ``area`` of the API.

    GET needs "<area>:read" (or write), anything else "<area>:write": a token without it gets
    403. Calls are limited per user (API_RATE_LIMIT_PER_MINUTE) and failed tokens per client
    address (API_BAD_TOKENS_PER_10_MINUTES); past a limit the answer is 429 with Retry-After.
    """

    def __init__(self, area: str) -> None:
        super().__init__()
        self.area = area

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = _find(token)
        if found is None:
            # Only failures are counted (a guesser never holds a good token): past the limit,
            # the address gets 429 instead of 401 until the window ends.
            bad_key = f"api:bad-token:{throttle.client_ip(request)}"
            wait = throttle.hit(bad_key, settings.API_BAD_TOKENS_PER_10_MINUTES, 600)
            if wait:
                raise throttle.rate_limited(wait)
            return None
        user = found.user
        wait = throttle.hit(throttle.api_user_key(user), settings.API_RATE_LIMIT_PER_MINUTE, 60)
        if wait:
            raise throttle.rate_limited(wait)
        access = "read" if request.method in SAFE_METHODS else "write"
        scope = f"{self.area}:{access}"
        if not found.allows(scope):
            raise AuthorizationError(
                message=_("This token does not allow this (it needs the scope %(scope)s).")
                % {"scope": scope}
            )
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() >= (
            LAST_USED_EVERY
        ):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        # Read by audit.record(): writes made through the API name the token.
        user.audit_via = {"api_token": str(found.public_id)}  # type: ignore[attr-defined]
        return user


def _find(secret: str) -> ApiToken | None:
    """The usable token with this secret, or None."""
    if not secret.startswith(API_TOKEN_PREFIX) or len(secret) > 200:
        return None
    today = timezone.localdate()
    found = (
        ApiToken.objects.usable(today)
        .select_related("user", "user__authority")
        .filter(key_hash=ApiToken.hash_secret(secret))
        .first()
    )
    if found is None or not found.is_usable(today):
        return None
    return found


# --- Revocation ----------------------------------------------------------------------------


def revoke_all(user: User, *, reason: str, acting_user: User | None) -> int:
    """Revoke every live token of ``user``, one audit entry each; return how many."""
    now = timezone.now()
    live = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True))
    for token in live:
        token.revoked_at = now
        token.revoked_reason = reason
        token.save(update_fields=["revoked_at", "revoked_reason"])
        record(
            "token.revoked",
            acting_user=acting_user,
            authority_id=user.authority_id,
            object_type="api_token",
            object_ref=str(token.public_id),
            details={"name": token.name, "prefix": token.prefix, "reason": reason},
        )
    return len(live)


def on_credentials_reset(
    sender: Any, *, user: User, acting_user: User | None, what: str, **kwargs: Any
) -> None:
    """A password or second factor reset or changed: the user's tokens end."""
    reasons = {"password": RevokedReason.PASSWORD, "mfa": RevokedReason.MFA}
    if what in reasons:
        revoke_all(user, reason=reasons[what], acting_user=acting_user)
        if what == "password":
            throttle.clear_lockouts(user.get_username())


def remember_credentials(
    sender: Any, instance: User, update_fields: Any = None, **kwargs: Any
) -> None:
    """Before a user is saved, note their password hash and active flag as stored."""
    if instance.pk is None or kwargs.get("raw"):
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    instance._stored_credentials = (  # type: ignore[attr-defined]
        User.objects.filter(pk=instance.pk).values_list("password", "is_active").first()
    )


def react_to_credentials(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    """After a save: a new password ends the tokens and lifts a lock-out; so does deactivation.

    This catches every path (the forms, the Django admin, ``changepassword``, a shell), also
    when nobody sent ``credentials_reset``; the stamp in each token is the last line.
    """
    stored = getattr(instance, "_stored_credentials", None)
    instance._stored_credentials = None  # type: ignore[attr-defined]
    if created or stored is None:
        return
    old_password, _was_active = stored
    if credential_stamp(old_password) != credential_stamp(instance.password):
        revoke_all(instance, reason=RevokedReason.PASSWORD, acting_user=None)
        throttle.clear_lockouts(instance.get_username())
    if not instance.is_active:
        revoke_all(instance, reason=RevokedReason.DEACTIVATED, acting_user=None)


def connect() -> None:
    """Connect the receivers (AccountsConfig.ready)."""
    credentials_reset.connect(on_credentials_reset, dispatch_uid="tokens-credentials-reset")
    pre_save.connect(remember_credentials, sender=User, dispatch_uid="tokens-pre-save")
    post_save.connect(react_to_credentials, sender=User, dispatch_uid="tokens-post-save")
