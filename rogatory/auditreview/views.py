"""The review page: the audit trail and the access log, filtered and paginated."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from rogatory.accounts.models import User
from rogatory.audit.checkpoint import CHECKPOINT_ACTION
from rogatory.audit.models import AuditEntry

from .access import access_entries_for_user, audit_entries_for_user, review_scope
from .forms import ACCESS_KINDS, TRAIL_KINDS, ReviewFilterForm

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _review(
    request: HttpRequest,
    entries: QuerySet[Any],
    kinds: dict[str, Any],
    *,
    log: str,
) -> HttpResponse:
    form = ReviewFilterForm(request.GET or None, kinds=kinds)
    status = 200
    if form.is_bound and form.is_valid():
        entries = form.apply(entries)
    elif form.is_bound:
        status = 400
        entries = entries.none()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    all_authorities = review_scope(_user(request)) is None
    context = {
        "form": form,
        "page": page,
        "log": log,
        "all_authorities": all_authorities,
        # Site administrators see whether the daily checkpoint still runs.
        "last_checkpoint": (
            AuditEntry.objects.filter(action=CHECKPOINT_ACTION).order_by("-sequence").first()
            if all_authorities
            else None
        ),
    }
    return render(request, "auditreview/review.html", context, status=status)


@login_required
@require_GET
def audit_review(request: HttpRequest) -> HttpResponse:
    """The hash-chained audit trail: actions, security events, admin changes, seals."""
    return _review(request, audit_entries_for_user(_user(request)), TRAIL_KINDS, log="trail")


@login_required
@require_GET
def access_review(request: HttpRequest) -> HttpResponse:
    """The access log: strictly confidential requests opened, documents downloaded."""
    return _review(request, access_entries_for_user(_user(request)), ACCESS_KINDS, log="access")


urlpatterns = [
    path("audit/", audit_review, name="audit_review"),
    path("audit/access/", access_review, name="access_review"),
]
