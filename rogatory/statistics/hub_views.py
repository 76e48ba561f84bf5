"""The statistics across the hub, and an authority's consent to them (decision 0044).

Members of an authority taking part read the figures across every authority taking part;
members of other authorities see only who takes part and how to join. Only aggregates are
shown: no table links to a request, and no request of another authority is ever listed.
An authority's administrator gives or revokes its consent, for that authority only.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from rogatory.accounts.models import Role

from . import hub
from .actions import ConsentRefused, do_give_hub_consent, do_revoke_hub_consent
from .exports import shown
from .models import HubConsent
from .views import PeriodForm, _reader


@login_required
def hub_page(request: HttpRequest) -> HttpResponse:
    """Who takes part in the hub's statistics; the figures, for those who take part."""
    user = _reader(request)
    assert user.authority_id is not None  # _reader refuses users of no authority
    authorities = hub.taking_part()
    own = (
        HubConsent.objects.in_force()
        .filter(authority_id=user.authority_id)
        .only("given_at", "given_by_name")
        .first()
    )
    form = PeriodForm(request.GET or None, today=timezone.localdate())
    tables = []
    stats = None
    if own is not None:
        stats = hub.compute(authorities, form.period(), timezone.localdate())
        tables = [
            {
                "table": table,
                "rows": [[shown(v) for v in row] for row in table.rows],
                "total": [shown(v) for v in table.total] if table.total else None,
            }
            for table in stats.tables
        ]
    return render(
        request,
        "statistics/hub.html",
        {
            "authorities": authorities,
            "own": own,
            "can_decide": user.role == Role.AUTHORITY_ADMIN,
            "form": form,
            "stats": stats,
            "tables": tables,
        },
    )


@login_required
@require_POST
def hub_consent(request: HttpRequest) -> HttpResponse:
    """Give or revoke the consent of the administrator's own authority."""
    user = _reader(request)
    if user.role != Role.AUTHORITY_ADMIN:
        raise PermissionDenied(gettext("Only the authority's administrators decide this."))
    decision = request.POST.get("decision", "")
    try:
        if decision == "give":
            do_give_hub_consent(acting_user=user)
            messages.success(
                request, gettext("Your authority now takes part in the hub's statistics.")
            )
        elif decision == "revoke":
            do_revoke_hub_consent(acting_user=user)
            messages.success(
                request, gettext("Your authority no longer takes part in the hub's statistics.")
            )
        else:
            messages.error(request, gettext("Choose whether to give or to revoke the consent."))
    except ConsentRefused as refused:
        messages.error(request, refused.message)
    return HttpResponseRedirect(reverse("statistics_hub"))


urlpatterns = [
    path("statistics/hub/", hub_page, name="statistics_hub"),
    path("statistics/hub/consent", hub_consent, name="statistics_hub_consent"),
]
