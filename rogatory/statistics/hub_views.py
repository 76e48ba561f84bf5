"""The statistics across the hub, and an authority's consent to them (decision 0044).

Members of an authority taking part read the figures across every authority taking part;
members of other authorities see only who takes part and how to join. Only aggregates are
shown: no table links to a request, and no request of another authority is ever listed.
An authority's administrator gives or revokes its consent, for that authority only.

The figures leave each authority: small counts are withheld on the page and in its CSV and
workbook downloads as on the public page (the same ``suppressed_table``, threshold and mark).
The downloads are for members of authorities taking part only (others 403).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from rogatory.accounts.models import Authority, Role, User
from rogatory.lib.downloads import attachment

from . import exports, figures, hub
from .actions import ConsentRefused, do_give_hub_consent, do_revoke_hub_consent
from .exports import shown
from .models import HubConsent
from .reports.document import SUPPRESSED
from .suppression import configured_threshold
from .views import PeriodForm, _reader

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _own_consent(user: User) -> HubConsent | None:
    """The consent in force of the reader's authority, if it takes part."""
    assert user.authority_id is not None  # _reader refuses users of no authority
    return (
        HubConsent.objects.in_force()
        .filter(authority_id=user.authority_id)
        .only("given_at", "given_by_name")
        .first()
    )


def _withheld_note() -> str:
    """What the mark of a withheld cell means (the public page's sentence)."""
    return gettext(
        "%(mark)s: withheld, a count from 1 to %(largest)d or a cell that would let a "
        "reader work one out from the totals."
    ) % {"mark": SUPPRESSED, "largest": configured_threshold() - 1}


@login_required
def hub_page(request: HttpRequest) -> HttpResponse:
    """Who takes part in the hub's statistics; the figures, for those who take part."""
    user = _reader(request)
    authorities = hub.taking_part()
    own = _own_consent(user)
    form = PeriodForm(request.GET or None, today=timezone.localdate())
    tables = []
    stats = None
    if own is not None:
        stats = hub.shown(authorities, form.period(), timezone.localdate(), configured_threshold())
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
            "threshold": configured_threshold(),
            "mark": SUPPRESSED,
            "query": request.GET.urlencode() if form.is_valid() else "",
        },
    )


def _export(request: HttpRequest) -> tuple[list[Authority], figures.Statistics] | HttpResponse:
    """The hub's figures for the period asked, small counts withheld; 403 unless the reader's
    authority takes part, 400 (with the reason) for a period that is not one."""
    user = _reader(request)
    if _own_consent(user) is None:
        raise PermissionDenied(
            gettext("The figures across the hub are for members of authorities taking part.")
        )
    form = PeriodForm(request.GET or None, today=timezone.localdate())
    if request.GET and not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    authorities = hub.taking_part()
    stats = hub.shown(authorities, form.period(), timezone.localdate(), configured_threshold())
    return authorities, stats


def _about(authorities: list[Authority]) -> tuple[str, list[exports.Note]]:
    """The heading of a download: whose figures, and what a withheld cell means."""
    names = "; ".join(a.name for a in authorities)
    return gettext("Across the hub: %(names)s") % {"names": names}, [
        (gettext("Small counts"), _withheld_note())
    ]


def _filename(stats: figures.Statistics, extension: str) -> str:
    start, end = stats.period.start.isoformat(), stats.period.end.isoformat()
    return f"statistics-hub-{start}-{end}.{extension}"


@login_required
def hub_csv(request: HttpRequest) -> HttpResponse:
    """The hub's tables as one CSV file, each after its title and counting rule."""
    result = _export(request)
    if isinstance(result, HttpResponse):
        return result
    authorities, stats = result
    who, notes = _about(authorities)
    response = HttpResponse(
        exports.to_csv(stats, who, notes), content_type="text/csv; charset=utf-8"
    )
    return attachment(response, _filename(stats, "csv"), "statistics-hub.csv")


@login_required
def hub_xlsx(request: HttpRequest) -> HttpResponse:
    """The hub's tables as a workbook; the first sheet holds the counting rules."""
    result = _export(request)
    if isinstance(result, HttpResponse):
        return result
    authorities, stats = result
    who, notes = _about(authorities)
    response = HttpResponse(exports.to_xlsx(stats, who, notes), content_type=XLSX)
    return attachment(response, _filename(stats, "xlsx"), "statistics-hub.xlsx")


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
    path("statistics/hub/export.csv", hub_csv, name="statistics_hub_csv"),
    path("statistics/hub/export.xlsx", hub_xlsx, name="statistics_hub_xlsx"),
]
