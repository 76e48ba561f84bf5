"""Response headers every page carries: a strict Content-Security-Policy, a Permissions-Policy,
and ``Cache-Control: no-store`` on everything that may carry casework (decision 0022).

The policy allows scripts, styles, fonts, images and fetches from our own origin only: no
inline script or style, no ``eval`` (htmx runs with ``allowEval`` off and without its inline
indicator style, see base.html), no plugins, no framing, forms posting only to ourselves. A
response that already has a policy keeps it: downloads send the stricter
``default-src 'none'; sandbox`` (decision 0012).

A response is kept out of every cache (browser history included) when the request is signed
in (it carries the session cookie or an ``Authorization`` header) or goes to the API or the
exchange: case pages, exports, downloads, drafting, API answers. Public pages seen by an
anonymous visitor keep whatever caching their view chose.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

__all__ = ["CONTENT_SECURITY_POLICY", "PERMISSIONS_POLICY", "SecurityHeadersMiddleware"]

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # data: for the icons Swagger UI (the API docs page) draws as data URIs
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Powerful features no page of ours uses are off for us and anything we might embed; WebAuthn
# (security keys, passkeys) stays allowed for our own origin.
PERMISSIONS_POLICY = ", ".join(
    [
        "accelerometer=()",
        "autoplay=()",
        "camera=()",
        "display-capture=()",
        "geolocation=()",
        "gyroscope=()",
        "magnetometer=()",
        "microphone=()",
        "midi=()",
        "payment=()",
        "usb=()",
        "serial=()",
        "hid=()",
        "publickey-credentials-create=(self)",
        "publickey-credentials-get=(self)",
    ]
)

# Paths whose answers carry casework whoever asks (token-authenticated API, node-to-node
# exchange), beside every signed-in request.
NO_STORE_PREFIXES = ("/api/", "/exchange/")


def carries_casework(request: HttpRequest) -> bool:
    """Whether the answer to ``request`` may hold casework and must not be stored anywhere."""
    return (
        request.path_info.startswith(NO_STORE_PREFIXES)
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or "HTTP_AUTHORIZATION" in request.META
    )


class SecurityHeadersMiddleware:
    """Add the CSP, the Permissions-Policy and, for casework, ``Cache-Control: no-store``.

    Placed right after WhiteNoise (static files keep their long caching) and before every
    middleware that may answer early (refused input, lock-out, second factor, CSRF), so their
    answers carry the headers too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = PERMISSIONS_POLICY
        if carries_casework(request):
            response["Cache-Control"] = "no-store"
        return response
