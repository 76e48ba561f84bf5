"""The JSON API under /api/v1/, described by its OpenAPI schema at /api/v1/openapi.json.

Each app contributes a django-ninja router; this module only assembles them.
"""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from rogatory.accounts.throttle import RateLimited
from rogatory.cases.api import router as cases_router
from rogatory.knowledge.api import router as knowledge_router
from rogatory.treaties.api import router as treaties_router

api = NinjaAPI(
    title="Rogatory API",
    version="1",
    description="International cooperation in criminal matters: legal bases, directory, cases.",
    urls_namespace="api",
)
api.add_router("", treaties_router)
api.add_router("", cases_router)
api.add_router("", knowledge_router)


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    """429 with Retry-After: too many calls for this user, or too many bad tokens from here."""
    response = api.create_response(request, {"detail": exc.message}, status=429)
    response["Retry-After"] = str(exc.wait)
    return response
