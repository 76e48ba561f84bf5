"""Throttling: login lock-out and counted limits, shared by every server process (decision 0019).

* **Login lock-out** is django-axes, at the authentication-backend level: every view that calls
  ``authenticate(request, ...)`` (our login, the Django admin login, a two-step login) is
  covered. Failures are counted per *username and client address* together, so an attacker
  locks an account out only from their own address and cannot lock a whole authority out
  from outside; the lock ends after ``LOGIN_LOCKOUT_MINUTES``, at a password reset, or when
  an administrator unlocks the member.
* **Counted limits** (password-reset mails, API calls, failed bearer tokens) are fixed windows
  counted in the database (``RateWindow``): several gunicorn workers on SQLite share no
  memory, and no cache service is assumed.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import math
import threading
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.throttling import BaseThrottle

from .models import RateWindow, User

# Rows of windows that ended longer ago than this are deleted when a new window opens.
KEEP_WINDOWS = datetime.timedelta(days=1)


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the one our own proxies put in X-Forwarded-For.

    With ``TRUSTED_PROXY_COUNT`` proxies in front (1 by default behind HTTPS), the address the
    first of them saw is that many places from the right; anything left of it is the
    client's own say and is ignored.
    """
    remote = str(request.META.get("REMOTE_ADDR") or "unknown")
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            try:
                return str(ipaddress.ip_address(hops[-proxies]))
            except ValueError:
                pass
    return remote


def axes_client_ip(request: HttpRequest) -> str | None:
    """client_ip() for django-axes, which stores it in an address column: None when unknown
    (a request made in code, e.g. by the test client's force_login)."""
    address = client_ip(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


# --- Login lock-out (django-axes) ----------------------------------------------------------


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, first of AUTHENTICATION_BACKENDS: a locked-out login is refused.

    A call without a request (the test client's ``login()``, a script) is not a login from a
    client and is left to the next backend; every login view passes the request, and
    accounts/tests/test_lockout.py checks the login and the admin login.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        super().authenticate(request, username, password, **kwargs)
        return None


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """The page a locked-out login gets (AXES_LOCKOUT_CALLABLE): why, for how long, what to do."""
    response = render(
        request,
        "accounts/locked_out.html",
        {"minutes": lockout_minutes(), "failures": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


def is_locked_out(username: str) -> bool:
    """Whether sign-in as ``username`` is locked from some address now."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        username=username,
        attempt_time__gte=since,
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
    ).exists()


def clear_lockouts(username: str) -> int:
    """Forget the failed logins of ``username`` from every address; return how many rows."""
    deleted, _by_model = AccessAttempt.objects.filter(username=username).delete()
    return deleted


# --- Counted limits ------------------------------------------------------------------------


class RateLimited(HttpError):
    """Too many requests: 429, with the seconds to wait (the API adds Retry-After)."""

    def __init__(self, wait: int, message: str) -> None:
        super().__init__(429, message)
        self.wait = wait


def _window(period: int, now: datetime.datetime) -> tuple[datetime.datetime, int]:
    """The start of the fixed window holding ``now``, and the seconds left in it."""
    epoch = now.timestamp()
    start = math.floor(epoch) - math.floor(epoch) % period
    left = max(1, math.ceil(start + period - epoch))
    return datetime.datetime.fromtimestamp(start, tz=datetime.UTC), left


def hit(key: str, limit: int, period: int, *, now: datetime.datetime | None = None) -> int:
    """Count one more for ``key``; return 0 within ``limit``, else the seconds to wait.

    Fixed windows of ``period`` seconds; each statement is atomic on SQLite and PostgreSQL,
    so concurrent processes never lose a count. A burst may reach twice the limit across
    the boundary of two windows, which these limits (abuse, not billing) accept.
    """
    start, left = _window(period, now or timezone.now())
    count = _increment(key, start)
    if count is None:
        try:
            with transaction.atomic():
                RateWindow.objects.create(key=key, window_start=start, count=1)
        except IntegrityError:  # another process opened the window first
            count = _increment(key, start) or 1
        else:
            count = 1
            RateWindow.objects.filter(window_start__lt=start - KEEP_WINDOWS).delete()
    return left if count > limit else 0


def _increment(key: str, start: datetime.datetime) -> int | None:
    """Add one to the row of ``key`` and window ``start``; its new count, or None if absent."""
    rows = RateWindow.objects.filter(key=key, window_start=start)
    if not connection.features.can_return_columns_from_insert:  # SQLite before 3.35
        if not rows.update(count=F("count") + 1):
            return None
        return rows.values_list("count", flat=True).first()
    # One statement per call (the API counts every request): UPDATE … RETURNING.
    table = connection.ops.quote_name(RateWindow._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE {table} SET "count" = "count" + 1 '  # noqa: S608 - our own table name
            'WHERE "key" = %s AND "window_start" = %s RETURNING "count"',
            [key, RateWindow._meta.get_field("window_start").get_db_prep_value(start, connection)],
        )
        found = cursor.fetchone()
    return int(found[0]) if found else None


# --- Password reset ------------------------------------------------------------------------

HOUR = 60 * 60


def _address_key(email: str) -> str:
    # The address is not kept in clear in the counters.
    return "reset:addr:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending at most PASSWORD_RESET_MAILS_PER_ADDRESS mails an hour.

    Past the limit nothing is sent and the page says the same as always, so the form still
    does not tell whether an address has an account.
    """

    def get_users(self, email: str) -> Any:
        if hit(_address_key(email), settings.PASSWORD_RESET_MAILS_PER_ADDRESS, HOUR):
            return iter(())
        return super().get_users(email)


class PasswordResetView(auth_views.PasswordResetView):
    """The reset page, limited to PASSWORD_RESET_REQUESTS_PER_CLIENT requests an hour per client."""

    form_class = ThrottledPasswordResetForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wait = hit(
            f"reset:ip:{client_ip(request)}", settings.PASSWORD_RESET_REQUESTS_PER_CLIENT, HOUR
        )
        if wait:
            return too_many(request, wait)
        response: HttpResponse = super().post(request, *args, **kwargs)
        return response


def too_many(request: HttpRequest, wait: int) -> HttpResponse:
    """A page saying to try again later (429, Retry-After)."""
    response = render(
        request,
        "accounts/too_many.html",
        {"minutes": max(1, math.ceil(wait / 60))},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


def rate_limited_message(wait: int) -> str:
    return _("Too many requests. Try again in %(seconds)d seconds.") % {"seconds": wait}


def rate_limited(wait: int) -> RateLimited:
    return RateLimited(wait, rate_limited_message(wait))


def api_user_key(user: User) -> str:
    return f"api:user:{user.pk}"


class AnonymousApiThrottle(BaseThrottle):
    """django-ninja throttle for calls without a token (the public legal-basis and knowledge
    endpoints): API_ANONYMOUS_RATE_LIMIT_PER_MINUTE per client address. Calls with a token are
    counted per user by TokenAuth instead."""

    def __init__(self) -> None:
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        self._local.wait = 0
        if getattr(request, "auth", None) is not None:
            return True
        self._local.wait = hit(
            f"api:anon:{client_ip(request)}", settings.API_ANONYMOUS_RATE_LIMIT_PER_MINUTE, 60
        )
        return not self._local.wait

    def wait(self) -> float | None:
        return float(getattr(self._local, "wait", 0)) or None
