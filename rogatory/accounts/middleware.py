"""Session life and the second factor, checked on every request (decision 0018).

``SessionActivityMiddleware`` ends a signed-in session unused for ``SESSION_IDLE_TIMEOUT``
seconds and keeps the last activity, client address and browser in the session (written at
most once a minute, so ordinary page views add no write). ``SecondFactorMiddleware`` sends a
user who signed in with a password, and who has a second factor or must have one, to verify or
enrol before anything else.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .mfa import MFA_PENDING_KEY, Pending
from .session_store import IP_KEY, LAST_ACTIVITY_KEY, USER_AGENT_KEY
from .throttle import client_ip

# The last activity is written when it is older than this (seconds): the idle timeout is
# exact to within a minute, and a page view within the minute costs no database write.
ACTIVITY_RESOLUTION = 60


def note_client(request: HttpRequest) -> None:
    """Keep the client's address, browser and the time in the session."""
    session = request.session
    session[LAST_ACTIVITY_KEY] = int(time.time())
    session[IP_KEY] = client_ip(request) if request.META.get("REMOTE_ADDR") else None
    session[USER_AGENT_KEY] = str(request.META.get("HTTP_USER_AGENT", ""))[:300]


class SessionActivityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if session.get(SESSION_KEY) is not None:
            now = time.time()
            last = session.get(LAST_ACTIVITY_KEY)
            if isinstance(last, int | float) and now - last > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, _("You were signed out after a while without activity."))
            elif not isinstance(last, int | float) or now - last >= ACTIVITY_RESOLUTION:
                note_client(request)
        return self.get_response(request)


# Paths a user who still has to verify or enrol may reach (prefixes, after the language-free
# URL configuration): the second-factor pages and their WebAuthn calls, signing out, static
# files, the language switch; and the machine endpoints, which take no session.
def _open_prefixes() -> tuple[str, ...]:
    return (
        reverse("mfa_verify"),
        reverse("mfa_enrol"),
        reverse("mfa_totp_setup"),
        reverse("mfa_recovery_codes"),
        reverse("mfa_webauthn_done"),
        "/accounts/webauthn/",
        reverse("logout"),
        settings.STATIC_URL,
        "/i18n/",
        "/api/",
        "/exchange/v1/",
        reverse("healthz"),
    )


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open: tuple[str, ...] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pending = request.session.get(MFA_PENDING_KEY)
        # Templates leave out the menu of work while the second factor is awaited.
        request.mfa_pending = False  # type: ignore[attr-defined]
        if pending and request.user.is_authenticated and not request.user.is_verified():  # type: ignore[attr-defined]
            request.mfa_pending = True  # type: ignore[attr-defined]
            if self._open is None:
                self._open = _open_prefixes()
            if not request.path.startswith(self._open):
                if request.headers.get("HX-Request"):
                    # A fragment a page asks for in the background (the menu's counts): no
                    # page to swap in, and the second-factor page must not land in the menu.
                    return HttpResponseForbidden()
                target = reverse("mfa_verify" if pending == Pending.VERIFY else "mfa_enrol")
                return HttpResponseRedirect(
                    f"{target}?{urlencode({'next': request.get_full_path()})}"
                )
        return self.get_response(request)
