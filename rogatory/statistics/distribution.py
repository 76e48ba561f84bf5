"""How long requests took to be disposed of, counted by band of days: the histogram.

Beside the Kaplan–Meier median and 90th percentile of ``figures.durations`` (which take the
requests still running into account), this table shows the shape: how many of the requests of
the period ended within 30 days, 31 to 90, and so on. Requests still running are not in it;
their ages are the backlog's bands (``figures.backlog``), which use the same bands.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Count, F, Q, Value, When
from django.utils.translation import gettext as _

from rogatory.cases.choices import Direction
from rogatory.cases.models import CaseQuerySet
from rogatory.cases.stats import START_DATE, DaysBetween, Period, started_in

from .figures import AGE_BANDS, Table, disposed_on

# Disposed of before the day it started: the dates contradict each other.
OUT_OF_ORDER = "out-of-order"


def disposition_bands(cases: CaseQuerySet, period: Period) -> Table:
    """Requests started in the period and disposed of, by days from start to disposition."""
    days = DaysBetween(F("disposed"), F("start"))
    band = models.Case(
        When(days__lt=0, then=Value(OUT_OF_ORDER)),
        *[
            When(days__lte=limit, then=Value(name))
            for name, limit in AGE_BANDS
            if limit is not None
        ],
        default=Value(AGE_BANDS[-1][0]),
    )
    grouped: dict[Any, Any] = {
        r["band"]: r
        for r in started_in(cases, period)
        .annotate(start=START_DATE, disposed=disposed_on())
        .filter(disposed__isnull=False)
        .annotate(days=days)
        .annotate(band=band)
        .values("band")
        .annotate(
            incoming=Count("id", filter=Q(direction=Direction.INCOMING)),
            outgoing=Count("id", filter=Q(direction=Direction.OUTGOING)),
        )
        .order_by()
    }
    labels = {
        "0-30": _("Up to 30 days"),
        "31-90": _("31 to 90 days"),
        "91-180": _("91 to 180 days"),
        "181-365": _("181 days to a year"),
        "366+": _("More than a year"),
    }
    names = [name for name, _limit in AGE_BANDS]
    if OUT_OF_ORDER in grouped:
        names.append(OUT_OF_ORDER)
        labels[OUT_OF_ORDER] = _("Disposed of before it started (dates out of order)")
    rows: list[list[Any]] = []
    for name in names:
        incoming = grouped.get(name, {}).get("incoming", 0)
        outgoing = grouped.get(name, {}).get("outgoing", 0)
        rows.append([labels[name], incoming, outgoing, incoming + outgoing])
    total = [_("All"), *(sum(row[i] for row in rows) for i in (1, 2, 3))]
    return Table(
        "disposition_bands",
        _("Time to disposition, by band of days"),
        _(
            "Unit: the request, counted in the period when it was received (incoming) or sent "
            "(outgoing), and only once it has been disposed of (executed, refused, withdrawn or "
            "closed): days from receipt or sending to the disposition. Requests still running "
            "are not here; their ages are in the backlog, and the median in the table of time "
            "taken counts them."
        ),
        [_("Days to disposition"), _("Received (incoming)"), _("Sent (outgoing)"), _("Total")],
        rows,
        total,
    )
