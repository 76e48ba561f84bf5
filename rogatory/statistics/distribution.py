"""How long requests took to be disposed of, counted by band of days: the histogram.

Beside the Kaplan–Meier median and 90th percentile of ``figures.durations`` (which take the
requests still running into account), this table shows the shape: how many of the requests of
the period ended within 30 days, 31 to 90, and so on. Requests still running are not in it;
their ages are the backlog's bands (``figures.backlog``), which use the same bands.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from rogatory.cases.choices import Direction
from rogatory.cases.models import CaseQuerySet
from rogatory.cases.stats import Period

from .facts import AGE_BANDS, OUT_OF_ORDER, Facts, from_records
from .figures import Table


def disposition_bands(cases: CaseQuerySet, period: Period, facts: Facts | None = None) -> Table:
    """Requests started in the period and disposed of, by days from start to disposition."""
    counts = (facts if facts is not None else from_records(cases, [period], ["band"]))["band"]
    grouped: dict[str, dict[str, int]] = {}
    for (name, direction), (n, *_rest) in counts.items():
        cell = grouped.setdefault(name, {"incoming": 0, "outgoing": 0})
        cell["incoming" if direction == Direction.INCOMING else "outgoing"] += n
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
