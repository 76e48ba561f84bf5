"""The statistics page of an authority and its exports (decision 0038).

Members of the authority read it, whatever their role; users of no authority (site
administrators) have nothing to read here. Aggregation across the authorities of a hub, with
their consent, is a later slice.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language_bidi, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from rogatory.accounts.models import User
from rogatory.cases.models import Case, reads_whole_authority
from rogatory.cases.stats import Period
from rogatory.lib.downloads import attachment
from rogatory.lib.validators import PlausibleDateField

from . import charts, exports, facts, figures
from .distribution import disposition_bands
from .monthly import monthly

# The longest period asked for: a century is already more than any record holds.
MAX_DAYS = 366 * 100


class PeriodForm(forms.Form):
    """A period: a preset, or two dates (both ends included)."""

    PRESETS = (
        ("last_12_months", _("The last 12 months")),
        ("this_year", _("This year")),
        ("last_year", _("Last year")),
        ("dates", _("From and to the dates below")),
    )

    preset = forms.ChoiceField(label=_("Period"), choices=PRESETS, required=False)
    start = PlausibleDateField(
        label=pgettext_lazy("start of a period", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = PlausibleDateField(
        label=pgettext_lazy("end of a period", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        preset = cleaned.get("preset") or ("dates" if start or end else "last_12_months")
        cleaned["preset"] = preset
        if preset != "dates" or self.errors:
            return cleaned
        if start is None or end is None:
            raise forms.ValidationError(_("Give both dates of the period, or choose a preset."))
        if end < start:
            raise forms.ValidationError(_("The period cannot end before it starts."))
        if (end - start).days > MAX_DAYS:
            raise forms.ValidationError(_("The period cannot be longer than a hundred years."))
        return cleaned

    def period(self) -> Period:
        """The period asked for; the last 12 months when the form is not valid."""
        today = self.today
        preset = self.cleaned_data.get("preset") if self.is_valid() else "last_12_months"
        if preset == "this_year":
            return Period(datetime.date(today.year, 1, 1), today, today.year)
        if preset == "last_year":
            return Period.calendar_year(today.year - 1)
        if preset == "dates":
            return Period(self.cleaned_data["start"], self.cleaned_data["end"])
        return Period.last_12_months(today)


def _reader(request: HttpRequest) -> User:
    """The member of an authority reading its statistics."""
    user = request.user
    assert isinstance(user, User)
    if user.authority_id is None:
        raise PermissionDenied(gettext("Statistics belong to central authorities."))
    return user


def _compute(user: User, params: Mapping[str, str]) -> tuple[PeriodForm, figures.Statistics]:
    day = timezone.localdate()
    form = PeriodForm(params or None, today=day)
    period = form.period()
    cases = Case.objects.for_user(user)
    # A reader of every request of the authority reads the additive counts from the monthly
    # summary; another, whose view leaves requests out, has them counted from the records.
    counted = (
        facts.for_authorities([user.authority_id], period)
        if reads_whole_authority(user) and user.authority_id is not None
        else facts.from_records(cases, [period])
    )
    stats = figures.compute(cases, period, day, counted)
    # The trend first; the distribution of times beside the table of times taken. Both are in
    # stats.tables, so the exports carry them too.
    stats.tables.insert(0, monthly(cases, period, counted))
    keys = [table.key for table in stats.tables]
    at = keys.index("durations") + 1 if "durations" in keys else len(keys)
    stats.tables.insert(at, disposition_bands(cases, period, counted))
    return form, stats


@login_required
def statistics_page(request: HttpRequest) -> HttpResponse:
    """Every table of the authority's statistics for the period chosen."""
    user = _reader(request)
    form, stats = _compute(user, request.GET)
    rtl = get_language_bidi()
    tables = [
        {
            "table": table,
            "chart": charts.table_chart(table, rtl=rtl, number_format=exports.shown),
            "rows": [[exports.shown(v) for v in row] for row in table.rows],
            "total": [exports.shown(v) for v in table.total] if table.total else None,
        }
        for table in stats.tables
    ]
    query = request.GET.urlencode()
    return render(
        request,
        "statistics/statistics.html",
        {
            "form": form,
            "stats": stats,
            "tables": tables,
            "shortfall": figures.shortfall_sentence(stats.gaps),
            "query": query,
            "authority": user.authority,
        },
    )


def _export(request: HttpRequest) -> tuple[User, figures.Statistics] | HttpResponse:
    user = _reader(request)
    form, stats = _compute(user, request.GET)
    if request.GET and not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    return user, stats


def _filename(user: User, stats: figures.Statistics, extension: str) -> str:
    code = user.authority.code if user.authority else "authority"
    start, end = stats.period.start.isoformat(), stats.period.end.isoformat()
    return f"statistics-{code}-{start}-{end}.{extension}"


@login_required
def statistics_csv(request: HttpRequest) -> HttpResponse:
    """Every table as one CSV file, each after its title and counting rule."""
    result = _export(request)
    if isinstance(result, HttpResponse):
        return result
    user, stats = result
    response = HttpResponse(
        exports.to_csv(stats, str(user.authority)), content_type="text/csv; charset=utf-8"
    )
    return attachment(response, _filename(user, stats, "csv"), "statistics.csv")


@login_required
def statistics_xlsx(request: HttpRequest) -> HttpResponse:
    """Every table as a sheet of a workbook; the first sheet holds the counting rules."""
    result = _export(request)
    if isinstance(result, HttpResponse):
        return result
    user, stats = result
    response = HttpResponse(
        exports.to_xlsx(stats, str(user.authority)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return attachment(response, _filename(user, stats, "xlsx"), "statistics.xlsx")


urlpatterns = [
    path("statistics/", statistics_page, name="statistics"),
    path("statistics/export.csv", statistics_csv, name="statistics_csv"),
    path("statistics/export.xlsx", statistics_xlsx, name="statistics_xlsx"),
]
