"""Requests received and sent per month (or per year, over long periods): the trend.

One GROUP BY (``cases.stats.by_month``, the dashboard's query: ``TruncMonth`` of the day a
request was received or sent); months without any request are kept at 0, so a gap in the
trend shows as a gap, not as a shorter axis. Over more than :data:`MONTHS_SHOWN` months the
months are added up into calendar years, which a chart and a table can still show.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rogatory.cases.choices import Direction
from rogatory.cases.models import CaseQuerySet
from rogatory.cases.stats import MonthCount, Period

from .facts import Facts, from_records
from .figures import Table

# The longest period shown month by month; longer ones are shown year by year.
MONTHS_SHOWN = 36


def monthly(cases: CaseQuerySet, period: Period, facts: Facts | None = None) -> Table:
    """Requests started in each month of the period (each year, for a long period)."""
    counts = (facts if facts is not None else from_records(cases, [period], ["month"]))["month"]
    months = [
        MonthCount(
            month,
            counts.get((month.isoformat(), Direction.INCOMING), [0])[0],
            counts.get((month.isoformat(), Direction.OUTGOING), [0])[0],
        )
        for month in period.months()
    ]
    columns = [_("Received (incoming)"), _("Sent (outgoing)"), _("Total")]
    if len(months) <= MONTHS_SHOWN:
        rows: list[list[Any]] = [
            [_month_label(m.month), m.incoming, m.outgoing, m.incoming + m.outgoing] for m in months
        ]
        key, title, heading = "months", _("Requests by month"), _("Month")
    else:
        years: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for m in months:
            years[m.month.year][0] += m.incoming
            years[m.month.year][1] += m.outgoing
        rows = [[str(year), i, o, i + o] for year, (i, o) in sorted(years.items())]
        key, title, heading = "months", _("Requests by year"), _("Year")
    total: list[Any] | None = None
    if rows:
        total = [_("All"), *(sum(row[i] for row in rows) for i in (1, 2, 3))]
    return Table(
        key,
        title,
        _(
            "Unit: the request. A request is counted in the month when it was received "
            "(incoming) or sent (outgoing); drafts never sent are not counted. Months without "
            "any request show 0; the first and last months count only the days inside the "
            "period."
        ),
        [heading, *columns],
        rows,
        total,
    )


def _month_label(month: datetime.date) -> str:
    """A month as the language writes it briefly ("Mar 2026")."""
    return date_format(month, "M Y")
