"""The case-management dashboard: workload, overdue items, flows, times and refusals.

Every figure is computed by ``stats`` in the database from ``Case.objects.for_user``, so the
dashboard counts exactly what the user may see; each chart comes with its numbers as a table,
and its rows lead to the matching requests in the case list.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.translation import get_language_bidi, ngettext
from django.utils.translation import gettext as _

from rogatory.lib.charts import Chart, NumberFormat, Series, bar_chart_svg, column_chart_svg

from .. import stats
from ..choices import Direction, Status
from ..models import Case
from ..reassign import officers_of
from .common import acting_user, today

# Years offered in the period selector, counting back from the current one.
YEARS_OFFERED = 10


def format_count(value: float) -> str:
    """A number in the current language's format: whole numbers bare, others to 0.1."""
    if float(value).is_integer():
        return number_format(int(value), force_grouping=True)
    return number_format(round(value, 1), decimal_pos=1, force_grouping=True)


@dataclass
class LinkedChart(Chart):
    """A chart whose data table leads to the case list: each category, and each value.

    ``links`` holds one URL per category (or ""), ``value_links`` one list per series.
    """

    links: list[str] = field(default_factory=list)
    value_links: list[list[str]] = field(default_factory=list)

    def table_rows(self, number_format: NumberFormat | None = None) -> list[list[str]]:
        rows = super().table_rows(number_format)
        for i, row in enumerate(rows):
            if i < len(self.links) and self.links[i]:
                row[0] = format_html('<a href="{}">{}</a>', self.links[i], row[0])
            for s, series_links in enumerate(self.value_links):
                if i < len(series_links) and series_links[i]:
                    row[s + 1] = format_html('<a href="{}">{}</a>', series_links[i], row[s + 1])
        return rows


def _list_url(**params: str) -> str:
    """The case list filtered by ``params`` (empty values left out)."""
    query = urlencode({k: v for k, v in params.items() if v})
    url = reverse("case_list")
    return f"{url}?{query}" if query else url


def _period(params: Mapping[str, str], day: datetime.date) -> stats.Period:
    try:
        year = int(params.get("year", ""))
    except ValueError:
        return stats.Period.last_12_months(day)
    if 1900 <= year <= day.year:
        return stats.Period.calendar_year(year)
    return stats.Period.last_12_months(day)


def _draw(chart: Chart, *, columns: bool = False, **options: Any) -> dict[str, Any]:
    rtl = get_language_bidi()
    empty = _("Nothing to show for this period.")
    draw = column_chart_svg if columns else bar_chart_svg
    # Drawn wide enough for long labels (grounds for refusal, kinds); CSS scales it down.
    options.setdefault("width", 800)
    svg = draw(chart, rtl=rtl, number_format=format_count, empty_text=empty, **options)
    return {"chart": chart, "svg": svg, "empty_text": empty}


def _workload_chart(workload: stats.Workload, direction: str) -> dict[str, Any]:
    rows = workload.rows
    categories = [row.name if not row.unassigned else _("Nobody assigned") for row in rows]
    officer = ["none" if row.unassigned else row.username for row in rows]
    chart = LinkedChart(
        title=_("Open requests per responsible officer"),
        categories=categories,
        series=[
            Series(_("Overdue"), [row.overdue for row in rows]),
            Series(_("Within their deadline"), [row.open - row.overdue for row in rows]),
        ],
        unit=_("requests"),
        quantity=_requests,
        category_label=_("Responsible officer"),
        number_format=format_count,
        links=[_list_url(officer=o, status="open", direction=direction) for o in officer],
        value_links=[
            [_list_url(officer=o, overdue="1", direction=direction) for o in officer],
            [],
        ],
    )
    return _draw(chart, chart_id="chart-workload")


def _state_chart(rows: list[stats.DirectionCount], direction: str) -> dict[str, Any]:
    chart = LinkedChart(
        title=_("Requests by other state"),
        categories=[row.label for row in rows],
        series=[
            Series(_("Received"), [row.incoming for row in rows]),
            Series(_("Sent"), [row.outgoing for row in rows]),
        ],
        unit=_("requests"),
        quantity=_requests,
        category_label=_("Other state"),
        number_format=format_count,
        links=[_list_url(state=row.key, direction=direction) if row.key else "" for row in rows],
    )
    return _draw(chart, chart_id="chart-states")


def _kind_chart(rows: list[stats.DirectionCount], direction: str) -> dict[str, Any]:
    chart = LinkedChart(
        title=_("Requests by kind"),
        categories=[row.label for row in rows],
        series=[
            Series(_("Received"), [row.incoming for row in rows]),
            Series(_("Sent"), [row.outgoing for row in rows]),
        ],
        unit=_("requests"),
        quantity=_requests,
        category_label=_("Kind of request"),
        number_format=format_count,
        links=[_list_url(kind=row.key, direction=direction) for row in rows],
        value_links=[
            [_list_url(kind=row.key, direction=Direction.INCOMING) for row in rows],
            [_list_url(kind=row.key, direction=Direction.OUTGOING) for row in rows],
        ],
    )
    return _draw(chart, chart_id="chart-kinds")


def _times_chart(times: stats.ExecutionTimes) -> dict[str, Any]:
    rows = [d for d in times.by_kind if d.median is not None and d.p90 is not None]
    chart = Chart(
        title=_("Days from receipt to execution, by kind"),
        categories=[d.label for d in rows],
        series=[
            Series(_("Median"), [d.median or 0 for d in rows]),
            Series(
                _("From the median to the 90th percentile"),
                [(d.p90 or 0) - (d.median or 0) for d in rows],
            ),
        ],
        unit=_("days"),
        quantity=_days,
        category_label=_("Kind of request"),
        number_format=format_count,
    )
    return _draw(chart, chart_id="chart-times")


def _duration_row(duration: stats.Duration) -> dict[str, str]:
    def days(value: float | None) -> str:
        return "—" if value is None else format_count(value)

    return {
        "label": duration.label,
        "count": format_count(duration.count),
        "median": days(duration.median),
        "p90": days(duration.p90),
    }


def _refusal_chart(rows: list[stats.DirectionCount]) -> dict[str, Any]:
    chart = Chart(
        title=_("Refusals by ground"),
        categories=[row.label for row in rows],
        series=[
            Series(_("Refused by us"), [row.incoming for row in rows]),
            Series(_("Refused by the other state"), [row.outgoing for row in rows]),
        ],
        unit=_("requests"),
        quantity=_requests,
        category_label=_("Ground for refusal"),
        number_format=format_count,
    )
    return _draw(chart, chart_id="chart-refusals")


def _month_chart(rows: list[stats.MonthCount]) -> dict[str, Any]:
    chart = Chart(
        title=_("New requests per month"),
        categories=[date_format(row.month, "M Y") for row in rows],
        series=[
            Series(_("Received"), [row.incoming for row in rows]),
            Series(_("Sent"), [row.outgoing for row in rows]),
        ],
        unit=_("requests"),
        quantity=_requests,
        category_label=_("Month"),
        number_format=format_count,
    )
    return _draw(chart, columns=True, chart_id="chart-months")


def _requests(value: float, text: str) -> str:
    # Translators: a count of requests in a chart's tooltip, e.g. "14 requests".
    return ngettext("%(count)s request", "%(count)s requests", int(value)) % {"count": text}


def _days(value: float, text: str) -> str:
    # Translators: a duration in a chart's tooltip, e.g. "12 days" (the median may be 12.5).
    return ngettext("%(count)s day", "%(count)s days", round(value)) % {"count": text}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Figures of the user's authority, for the period and direction chosen."""
    user = acting_user(request)
    day = today()
    period = _period(request.GET, day)
    direction = request.GET.get("direction", "")
    if direction not in Direction.values:
        direction = ""
    context: dict[str, Any] = {
        "has_authority": user.authority_id is not None,
        "period": period,
        # The selector says which dates "the last 12 months" are.
        "rolling": stats.Period.last_12_months(day),
        "direction": direction,
        "directions": Direction.choices,
        "years": range(day.year, day.year - YEARS_OFFERED, -1),
        "today": day,
    }
    if user.authority is None:
        return render(request, "cases/dashboard.html", context)

    cases = Case.objects.for_user(user)
    if direction:
        cases = cases.filter(direction=direction)
    workload = stats.workload(cases, day, officers=officers_of(user.authority.pk, active_only=True))
    overdue = stats.overdue(cases, day, requests=workload.overdue)
    states = stats.by_counterpart_state(cases, period)
    kinds = stats.by_kind(cases, period)
    times = stats.execution_times(cases, period)
    refusals = stats.refusals_by_ground(cases, period)
    months = stats.by_month(cases, period)
    context |= {
        "workload": workload,
        "overdue": overdue,
        "times_rows": [_duration_row(d) for d in times.by_kind],
        "times_total": _duration_row(times.overall),
        "summary": {
            "open": format_count(workload.open),
            "overdue": format_count(overdue.requests),
            "overdue_measures": format_count(overdue.measures),
            "started": format_count(sum(row.total for row in kinds)),
            "refused": format_count(sum(row.total for row in refusals)),
        },
        "workload_chart": _workload_chart(workload, direction),
        "state_chart": _state_chart(states, direction),
        "kind_chart": _kind_chart(kinds, direction),
        "times_chart": _times_chart(times),
        "refusal_chart": _refusal_chart(refusals),
        "month_chart": _month_chart(months),
        "open_url": _list_url(status="open", direction=direction),
        "overdue_url": _list_url(overdue="1", direction=direction),
        "refused_url": _list_url(status=Status.REFUSED, direction=direction),
    }
    return render(request, "cases/dashboard.html", context)


urlpatterns = [path("cases/dashboard/", dashboard, name="case_dashboard")]
