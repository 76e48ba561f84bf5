from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from rogatory.accounts.models import User
from rogatory.reference.models import IccsCategory, State

from . import inbox


def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {
        "state_count": State.objects.count(),
        "iccs_count": IccsCategory.objects.count(),
    }
    if isinstance(request.user, User) and request.user.authority_id:
        context["authority"] = request.user.authority
        context["trays"] = inbox.trays(request.user)
    return render(request, "web/home.html", context)


@never_cache
def inbox_count(request: HttpRequest) -> HttpResponse:
    """The menu's badge: how many things await the user (loaded after the page by htmx, so
    that counting costs no page anything)."""
    user = request.user
    count = inbox.waiting_count(user) if isinstance(user, User) and user.authority_id else 0
    return render(request, "web/_inbox_count.html", {"count": count})


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database answers; for monitoring and `make run`'s wait loop."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
