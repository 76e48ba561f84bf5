"""What the case views share: the acting user, the detail page with a form left open."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rogatory.accounts.models import User
from rogatory.audit.accesslog import log_access
from rogatory.audit.security import client_ip

# Panels other apps add to the case page (the secure exchange adds its message thread): each
# takes (request, case, can_write) and returns HTML, empty when it has nothing to show.
CasePanel = Callable[[HttpRequest, Any, bool], str]
DETAIL_PANELS: list[CasePanel] = []


def acting_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def log_case_access(request: HttpRequest, action: str, case: Any, **details: Any) -> None:
    """Write a read or download of ``case``'s casework to the access log (decision 0020)."""
    log_access(
        action,
        acting_user=acting_user(request),
        authority_id=case.authority_id,
        object_type="case",
        object_ref=str(case.public_id),
        details={"reference": case.our_reference, "ip": client_ip(request), **details},
    )


def today() -> Any:
    return timezone.localdate()


def form_page(
    request: HttpRequest,
    form: Any,
    heading: str,
    *,
    back_url: str,
    back_label: str,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    """A page with one form (web/form_page.html), answered with ``status``."""
    context = {
        "heading": heading,
        "back_url": back_url,
        "back_label": back_label,
        "form": form,
        **extra,
    }
    return render(request, "web/form_page.html", context, status=status)
