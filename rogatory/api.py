"""The JSON API under /api/v1/, described by its OpenAPI schema at /api/v1/openapi.json.

Each app contributes a django-ninja router; this module only assembles them.
"""

import math

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, Throttled
from ninja.parser import Parser

from rogatory.accounts.throttle import AnonymousApiThrottle, RateLimited, rate_limited_message
from rogatory.cases.api import router as cases_router
from rogatory.knowledge.api import router as knowledge_router
from rogatory.lib import safejson
from rogatory.lib.validators import InputRefused
from rogatory.treaties.api import router as treaties_router

# Largest JSON body: a request with hundreds of persons and measures stays far below.
MAX_BODY_BYTES = 1024 * 1024


class SafeJsonParser(Parser):
    """Request bodies read within size and depth limits, without control characters in any
    key or string (``lib.safejson``; decision 0021)."""

    def parse_body(self, request: HttpRequest) -> dict[str, object]:
        data: dict[str, object] = safejson.loads(request.body, max_bytes=MAX_BODY_BYTES)
        return data


api = NinjaAPI(
    parser=SafeJsonParser(),
    # Calls without a token, per client address; calls with one are counted per user by
    # accounts.tokens.TokenAuth (decision 0019).
    throttle=[AnonymousApiThrottle()],
    title="Rogatory API",
    version="1",
    description=(
        "International cooperation in criminal matters: legal bases, directory, cases.\n\n"
        "The cases endpoints take a personal token (`Authorization: Bearer rgt_…`, made on the "
        "API tokens page) with the scope `cases:read` for GET and `cases:write` for the rest "
        "(403 without it); tokens expire and end when their user's password or second factor "
        "changes. Calls are limited per user and failed tokens per client address: past a "
        "limit the answer is 429 with `Retry-After` (seconds)."
    ),
    urls_namespace="api",
)
api.add_router("", treaties_router)
api.add_router("", cases_router)
api.add_router("", knowledge_router)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """django-ninja answers every unreadable body "Cannot parse request body"; when our parser
    refused it, say why instead."""
    cause = exc.__cause__
    detail = cause.message if isinstance(cause, InputRefused) else str(exc)
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    """429 with Retry-After: too many calls for this user, or too many bad tokens from here."""
    response = api.create_response(request, {"detail": exc.message}, status=429)
    response["Retry-After"] = str(exc.wait)
    return response


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    """429 from a django-ninja throttle (anonymous calls); ninja adds Retry-After."""
    message = rate_limited_message(math.ceil(exc.wait or 60))
    return api.create_response(request, {"detail": message}, status=429)
