"""SDMX downloads, and the public statistics page an authority may choose to open (0042).

* ``/statistics/sdmx/structure.xml``: the data structure (DSD and codelists), open to anyone.
* ``/statistics/export.sdmx.csv``: the reader's own authority's figures for a period, as
  SDMX-CSV; members only, counted as the statistics page counts (``Case.objects.for_user``).
* ``/statistics/publication/``: supervisors and administrators of an authority choose which
  tables it publishes, from which day.
* ``/statistics/public/<authority>/`` (and its CSV and SDMX-CSV): the chosen tables, open to
  anyone, small counts withheld. Aggregates only, never casework; strictly confidential
  requests are left out of them. 404 for an authority that publishes nothing (yet).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Mapping

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from rogatory.accounts.models import Authority, Role, User
from rogatory.cases.choices import Confidentiality
from rogatory.cases.models import Case, CaseQuerySet
from rogatory.cases.stats import Period
from rogatory.lib.downloads import attachment
from rogatory.lib.validators import InputRefused, PlausibleDateField

from . import figures
from . import sdmx as cube
from .actions import do_set_public_statistics
from .exports import _cell, shown
from .models import PublicStatistics, PublishedTable
from .reports.document import SUPPRESSED, suppressed_tables
from .suppression import configured_threshold
from .views import PeriodForm

SDMX_CSV = "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8"
SDMX_STRUCTURE = "application/vnd.sdmx.structure+xml; version=2.1"
STRUCTURE_MAX_AGE = 24 * 60 * 60


def _period_or_400(params: Mapping[str, str]) -> Period | HttpResponse:
    form = PeriodForm(params or None, today=timezone.localdate())
    if params and not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    return form.period()


def _sdmx_response(text: str, name: str) -> HttpResponse:
    return attachment(HttpResponse(text, content_type=SDMX_CSV), name, "statistics.csv")


# --- SDMX ------------------------------------------------------------------------------------


@require_GET
def sdmx_structure(request: HttpRequest) -> HttpResponse:
    """The published data structure, as an SDMX-ML 2.1 structure message."""
    response = HttpResponse(cube.structure_xml(), content_type=SDMX_STRUCTURE)
    # It changes only when the reference data are reloaded (about a second to build): let
    # browsers and proxies keep it for a day.
    patch_cache_control(response, public=True, max_age=STRUCTURE_MAX_AGE)
    return attachment(response, "rogatory-cooperation-dsd-1.0.xml", "structure.xml")


@login_required
@require_GET
def statistics_sdmx_csv(request: HttpRequest) -> HttpResponse:
    """The reader's authority's figures for the period, as SDMX-CSV (nothing withheld)."""
    user = request.user
    assert isinstance(user, User)
    if user.authority is None:
        raise PermissionDenied(gettext("Statistics belong to central authorities."))
    period = _period_or_400(request.GET)
    if isinstance(period, HttpResponse):
        return period
    rows = cube.observations(Case.objects.for_user(user), period, user.authority.state.iso3)
    name = f"statistics-{user.authority.code}-{period.start}-{period.end}.sdmx.csv"
    return _sdmx_response(cube.to_sdmx_csv(rows), name)


# --- Small cells -----------------------------------------------------------------------------


# --- Which tables ----------------------------------------------------------------------------

Compute = Callable[[CaseQuerySet, Period, datetime.date], list[figures.Table]]

# Each published table and the figures function that makes it (with its siblings).
SOURCES: dict[str, Compute] = {
    PublishedTable.KINDS: lambda c, p, t: [figures.by_kind(c, p)],
    PublishedTable.STATES: lambda c, p, t: figures.by_state_and_region(c, p),
    PublishedTable.REGIONS: lambda c, p, t: figures.by_state_and_region(c, p),
    PublishedTable.SUBREGIONS: lambda c, p, t: figures.by_state_and_region(c, p),
    PublishedTable.LEGAL_BASIS: lambda c, p, t: [figures.by_legal_basis(c, p)],
    PublishedTable.ICCS_SECTIONS: lambda c, p, t: figures.by_iccs(c, p),
    PublishedTable.ICCS_CODES: lambda c, p, t: figures.by_iccs(c, p),
    PublishedTable.CHANNELS: lambda c, p, t: [figures.by_channel(c, p)],
    PublishedTable.URGENCY: lambda c, p, t: [figures.by_urgency(c, p)],
    PublishedTable.MEASURES: lambda c, p, t: [figures.measures(c, p)],
    PublishedTable.REFUSALS: lambda c, p, t: figures.refusals(c, p),
    PublishedTable.MEASURE_REFUSALS: lambda c, p, t: figures.refusals(c, p),
    PublishedTable.POSTPONEMENTS: lambda c, p, t: [figures.postponements(c, p)],
    PublishedTable.BACKLOG: lambda c, p, t: [figures.backlog(c, p, t)],
}


def published_cases(authority: Authority) -> CaseQuerySet:
    """The requests public figures count: the authority's, less the strictly confidential."""
    return Case.objects.filter(authority=authority).exclude(confidentiality=Confidentiality.STRICT)


def published_tables(
    authority: Authority, chosen: list[str], period: Period, today: datetime.date
) -> list[figures.Table]:
    """The chosen tables, each computed once (siblings share their queries), small cells out."""
    cases = published_cases(authority)
    made: dict[str, figures.Table] = {}
    for key in chosen:
        if key in SOURCES and key not in made:
            for table in SOURCES[key](cases, period, today):
                made[table.key] = table
    threshold = configured_threshold()
    return suppressed_tables([made[key] for key in chosen if key in made], threshold)


def _publisher(code: str) -> tuple[Authority, PublicStatistics]:
    """The authority of ``code`` and what it publishes; 404 unless it publishes something now."""
    choice = (
        PublicStatistics.objects.select_related("authority", "authority__state")
        .filter(authority__code=code, authority__is_active=True)
        .first()
    )
    if choice is None or not choice.tables or choice.published_from > timezone.localdate():
        raise Http404(gettext("This authority publishes no statistics."))
    return choice.authority, choice


# --- The public page -------------------------------------------------------------------------


@require_GET
def public_statistics(request: HttpRequest, code: str) -> HttpResponse:
    """The tables an authority publishes, for the period asked (last 12 months by default)."""
    authority, choice = _publisher(code)
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, today=today)
    period = form.period()
    tables = [
        {
            "table": table,
            "rows": [[shown(v) for v in row] for row in table.rows],
            "total": [shown(v) for v in table.total] if table.total else None,
        }
        for table in published_tables(authority, choice.tables, period, today)
    ]
    return render(
        request,
        "statistics/public_statistics.html",
        {
            "authority": authority,
            "choice": choice,
            "form": form,
            "period": period,
            "as_of": min(period.end, today),
            "tables": tables,
            "threshold": configured_threshold(),
            "mark": SUPPRESSED,
            "sdmx": PublishedTable.SDMX in choice.tables,
            "query": request.GET.urlencode() if form.is_valid() else "",
        },
    )


@require_GET
def public_statistics_csv(request: HttpRequest, code: str) -> HttpResponse:
    """The published tables as one CSV file, each after its title and counting rule."""
    authority, choice = _publisher(code)
    period = _period_or_400(request.GET)
    if isinstance(period, HttpResponse):
        return period
    tables = published_tables(authority, choice.tables, period, timezone.localdate())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([gettext("Authority"), str(authority)])
    writer.writerow([gettext("Period"), f"{period.start.isoformat()} – {period.end.isoformat()}"])
    writer.writerow(
        [
            gettext("Small counts"),
            gettext(
                "%(mark)s: withheld, a count from 1 to %(largest)d or a cell that would let a "
                "reader work one out from the totals."
            )
            % {"mark": SUPPRESSED, "largest": configured_threshold() - 1},
        ]
    )
    for table in tables:
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerow([gettext("Counting rule"), table.rule])
        writer.writerow(table.columns)
        writer.writerows([[_cell(v) for v in row] for row in table.rows])
        if table.total:
            writer.writerow([_cell(v) for v in table.total])
    name = f"statistics-{authority.code}-{period.start}-{period.end}.csv"
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    return attachment(response, name, "statistics.csv")


@require_GET
def public_statistics_sdmx(request: HttpRequest, code: str) -> HttpResponse:
    """The SDMX data set, if the authority publishes it; small counts withheld."""
    authority, choice = _publisher(code)
    if PublishedTable.SDMX not in choice.tables:
        raise Http404(gettext("This authority does not publish its SDMX data set."))
    period = _period_or_400(request.GET)
    if isinstance(period, HttpResponse):
        return period
    rows = cube.observations(published_cases(authority), period, authority.state.iso3)
    name = f"statistics-{authority.code}-{period.start}-{period.end}.sdmx.csv"
    withheld = cube.withhold_small_counts(rows, configured_threshold())
    return _sdmx_response(cube.to_sdmx_csv(withheld), name)


# --- Settings --------------------------------------------------------------------------------


class PublicStatisticsForm(forms.Form):
    tables = forms.MultipleChoiceField(
        label=_("Tables to publish"),
        choices=PublishedTable.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to publish nothing: the public page then does not exist."),
    )
    published_from = PlausibleDateField(
        label=_("Published from"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The public page opens on this day."),
    )


def _decider(request: HttpRequest) -> tuple[User, Authority]:
    """A supervisor or administrator of an authority: the people who decide what it publishes."""
    user = request.user
    assert isinstance(user, User)
    if user.authority is None or user.role not in (Role.SUPERVISOR, Role.AUTHORITY_ADMIN):
        raise PermissionDenied(
            gettext("Only supervisors and administrators decide what an authority publishes.")
        )
    return user, user.authority


@login_required
@require_http_methods(["GET", "POST"])
def public_statistics_settings(request: HttpRequest) -> HttpResponse:
    """Choose the tables the reader's authority publishes, and from which day."""
    user, authority = _decider(request)
    current = PublicStatistics.objects.filter(authority=authority).first()
    initial = {
        "tables": current.tables if current else [],
        "published_from": current.published_from if current else timezone.localdate(),
    }
    form = PublicStatisticsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            do_set_public_statistics(
                authority,
                tables=form.cleaned_data["tables"],
                published_from=form.cleaned_data["published_from"],
                acting_user=user,
            )
        except InputRefused as refused:
            form.add_error(None, refused.message)
        else:
            return redirect("public_statistics_settings")
    return render(
        request,
        "statistics/public_settings.html",
        {"form": form, "current": current, "authority": authority},
    )


urlpatterns = [
    path("statistics/sdmx/structure.xml", sdmx_structure, name="statistics_sdmx_structure"),
    path("statistics/export.sdmx.csv", statistics_sdmx_csv, name="statistics_sdmx_csv"),
    path(
        "statistics/publication/",
        public_statistics_settings,
        name="public_statistics_settings",
    ),
    path("statistics/public/<slug:code>/", public_statistics, name="public_statistics"),
    path(
        "statistics/public/<slug:code>/statistics.csv",
        public_statistics_csv,
        name="public_statistics_csv",
    ),
    path(
        "statistics/public/<slug:code>/statistics.sdmx.csv",
        public_statistics_sdmx,
        name="public_statistics_sdmx",
    ),
]
