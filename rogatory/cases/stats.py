"""Figures for the case-management dashboard, computed in the database.

Every function takes a queryset already restricted by ``Case.objects.for_user`` (and, when the
dashboard filters by direction, by direction), so what a user cannot see is never counted. Each
runs a fixed number of GROUP BY queries whatever the number of cases or officers.

Two kinds of figures:

* *current* ones (workload, overdue items) describe the open requests today;
* *period* ones (counterpart states, kinds, months, refusals) count the requests that started in
  the period: received in it (incoming) or sent in it (outgoing). Drafts never sent have not
  started and are not counted. Times to execution count the requests *executed* in the period.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.db.models import Count, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils.translation import gettext

from rogatory.accounts.models import User
from rogatory.reference.choices import CooperationKind
from rogatory.reference.models import State

from .choices import (
    FINAL_STATUSES,
    OPEN_MEASURE_STATUSES,
    OPEN_STATUSES,
    Direction,
    EventKind,
    RefusalGround,
    Status,
)
from .models import Case, CaseEvent, CaseQuerySet, Measure

# Counterpart states shown by name; the rest are summed up as "others".
TOP_STATES = 15
# Most overdue requests listed on the dashboard.
MOST_OVERDUE = 10


# --- The period ------------------------------------------------------------------------------


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """A span of whole days, both ends included."""

    start: datetime.date
    end: datetime.date
    # Set when the period is a calendar year.
    year: int | None = None

    @classmethod
    def last_12_months(cls, today: datetime.date) -> Period:
        """The current month and the eleven before it."""
        return cls(_add_months(today, -11), today)

    @classmethod
    def calendar_year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31), year)

    def months(self) -> list[datetime.date]:
        """The first day of each month the period touches, in order."""
        months = []
        month = self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = _add_months(month, 1)
        return months


# --- Expressions -----------------------------------------------------------------------------


def start_date(prefix: str = "") -> models.Case:
    """The day a request began to run: received (incoming) or sent (outgoing); ``prefix``
    reaches the request from a related row (``"case__"`` from an offence or a measure)."""
    return models.Case(
        When(**{f"{prefix}direction": Direction.INCOMING}, then=F(f"{prefix}received_on")),
        default=F(f"{prefix}sent_on"),
        output_field=models.DateField(),
    )


START_DATE = start_date()


class DaysBetween(models.Func):
    """Whole days from the second date expression to the first (``end - start``)."""

    arity = 2
    output_field = models.IntegerField()

    def _operands(self, compiler: Any, connection: Any) -> tuple[str, str, list[Any]]:
        end_sql, end_params = compiler.compile(self.source_expressions[0])
        start_sql, start_params = compiler.compile(self.source_expressions[1])
        return end_sql, start_sql, [*end_params, *start_params]

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> Any:
        # PostgreSQL (and Oracle): subtracting two dates gives a number of days.
        end, start, params = self._operands(compiler, connection)
        return f"({end} - {start})", params

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # Dates are stored as ISO text; julianday() of two dates differs by a whole number.
        end, start, params = self._operands(compiler, connection)
        return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)", params

    def as_mysql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        end, start, params = self._operands(compiler, connection)
        return f"DATEDIFF({end}, {start})", params


DAYS_TO_EXECUTION = DaysBetween(F("executed_on"), START_DATE)


def disposition_day() -> models.Case:
    """The rule of ``Case.disposed_on``, computed from the request and its history.

    NULL unless the status is final; then the execution date, else the day of the first move
    to a final status in the history (in the site's time zone), else the closing date. The
    statistics read the stored column; this expression writes it (``do_transition``), and
    the backfill migration ``cases/0014_case_disposed_on`` repeats it without importing it.
    """
    first_final_move = (
        CaseEvent.objects.filter(
            case=OuterRef("pk"), kind=EventKind.TRANSITION, to_status__in=sorted(FINAL_STATUSES)
        )
        .order_by("at")
        .annotate(day=TruncDate("at"))
        .values("day")[:1]
    )
    return models.Case(
        When(
            status_is_final=True,
            then=Coalesce(
                F("executed_on"),
                Subquery(first_final_move, output_field=models.DateField()),
                F("closed_on"),
            ),
        ),
        default=None,
        output_field=models.DateField(),
    )


def refresh_disposed_on(cases: CaseQuerySet) -> int:
    """Rewrite ``disposed_on`` of ``cases`` from their records; the number of rows updated.

    For records written around the actions (imports, test data set up field by field)."""
    return cases.update(disposed_on=disposition_day())


class PercentileCont(models.Aggregate):
    """PostgreSQL's ``percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)``."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = models.FloatField()

    def __init__(self, expression: Any, fraction: float) -> None:
        fraction = float(fraction)
        if not 0.0 <= fraction <= 1.0:
            raise ValueError("A percentile is a fraction between 0 and 1.")
        # A float from our own code, never user input: safe to write into the SQL.
        super().__init__(expression, fraction=repr(fraction))


def percentile_cont(ordered: Sequence[float], fraction: float) -> float | None:
    """The continuous percentile of ordered values, exactly as PostgreSQL computes it.

    Linear interpolation between the two nearest ranks: position ``fraction * (n - 1)``.
    """
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    lower = math.floor(position)
    upper = math.ceil(position)
    low_value, high_value = float(ordered[lower]), float(ordered[upper])
    return low_value + (high_value - low_value) * (position - lower)


def weighted_percentile_cont(counts: Iterable[tuple[float, int]], fraction: float) -> float | None:
    """``percentile_cont`` of values given with how many times each occurs.

    For rows already grouped by the database (``GROUP BY days``): the same interpolation as
    ``percentile_cont`` on the expanded list, without expanding it.
    """
    ordered = sorted((value, n) for value, n in counts if n > 0)
    total = sum(n for _value, n in ordered)
    if not total:
        return None
    position = fraction * (total - 1)
    lower, upper = math.floor(position), math.ceil(position)
    cumulative = list(itertools.accumulate(n for _value, n in ordered))

    def at(index: int) -> float:
        return float(ordered[bisect.bisect_right(cumulative, index)][0])

    low_value, high_value = at(lower), at(upper)
    return low_value + (high_value - low_value) * (position - lower)


def use_database_percentiles() -> bool:
    return connection.vendor == "postgresql"


def started_between(*periods: Period) -> Q:
    """Requests received (incoming) or sent (outgoing) on a day of one of ``periods``."""
    condition = Q(pk__in=[])
    for period in periods:
        span = (period.start, period.end)
        condition |= Q(direction=Direction.INCOMING, received_on__range=span)
        condition |= Q(direction=Direction.OUTGOING, sent_on__range=span)
    return condition


def started_in(cases: CaseQuerySet, period: Period) -> CaseQuerySet:
    """Requests received (incoming) or sent (outgoing) during the period."""
    return cases.filter(started_between(period))


def _count(condition: Q | None = None, column: str = "direction") -> Count:
    """Count rows, matching ``condition`` if given.

    Counts a column that is never null rather than the id: the figures can then come from an
    index alone (an index-only scan), which matters for authorities with many requests.
    """
    if condition is None:
        return Count("*")
    return Count(column, filter=condition)


def _rows(query: Any) -> list[dict[str, Any]]:
    """The rows of a ``values()`` query, as plain dictionaries (for the type checker)."""
    return [dict(row) for row in query]


def by_direction(prefix: str = "") -> dict[str, Count]:
    """Two counts, of incoming and of outgoing rows (``prefix`` reaches the case, e.g.
    ``"case__"`` from a measure); shared by the dashboard and the statistics (decision 0038)."""
    column = f"{prefix}direction"
    return {
        "incoming": _count(Q(**{column: Direction.INCOMING}), column),
        "outgoing": _count(Q(**{column: Direction.OUTGOING}), column),
    }


# --- Workload and overdue items ----------------------------------------------------------------


@dataclass(frozen=True)
class OfficerLoad:
    # The responsible officer's username, or "" for requests nobody is responsible for.
    username: str
    name: str
    open: int
    overdue: int

    @property
    def unassigned(self) -> bool:
        return not self.username


@dataclass(frozen=True)
class Workload:
    rows: list[OfficerLoad]

    @property
    def open(self) -> int:
        return sum(row.open for row in self.rows)

    @property
    def overdue(self) -> int:
        return sum(row.overdue for row in self.rows)


def _display_name(first: str | None, last: str | None, username: str) -> str:
    return f"{first or ''} {last or ''}".strip() or username


def workload(
    cases: CaseQuerySet, today: datetime.date, *, officers: Iterable[User] = ()
) -> Workload:
    """Open and overdue requests per responsible officer; unassigned ones in a row of their own.

    ``officers`` (the authority's active officers) are listed even when they have no open
    request. The rows go from the busiest officer down; the unassigned row comes last.
    """
    grouped = _rows(
        cases.filter(status__in=OPEN_STATUSES)
        .values("officer__username", "officer__first_name", "officer__last_name")
        .annotate(open=_count(), overdue=_count(Q(deadline__lt=today)))
        .order_by()
    )
    rows: dict[str, OfficerLoad] = {}
    for row in grouped:
        username = row["officer__username"] or ""
        rows[username] = OfficerLoad(
            username=username,
            name=_display_name(row["officer__first_name"], row["officer__last_name"], username)
            if username
            else "",
            open=row["open"],
            overdue=row["overdue"],
        )
    for officer in officers:
        if officer.username not in rows:
            rows[officer.username] = OfficerLoad(
                officer.username,
                _display_name(officer.first_name, officer.last_name, officer.username),
                0,
                0,
            )
    ordered = sorted(
        rows.values(), key=lambda r: (r.unassigned, -r.open, -r.overdue, r.name.casefold())
    )
    return Workload(ordered)


@dataclass(frozen=True)
class Overdue:
    requests: int
    measures: int
    # The requests furthest past their deadline, the most overdue first.
    most_overdue: list[Case]


def overdue(cases: CaseQuerySet, today: datetime.date, *, requests: int | None = None) -> Overdue:
    """Overdue requests and measures (open, deadline before today), and the worst requests.

    A measure is overdue when it is still open past its own deadline on a request still open;
    the measures of refused or withdrawn requests are no longer awaited. ``requests`` is the
    count of overdue requests when the caller already has it (from ``workload``).
    """
    late = cases.overdue(today)
    if requests is None:
        requests = late.count()
    measures = Measure.objects.filter(
        case__in=cases.filter(status__in=OPEN_STATUSES).values("pk"),
        status__in=OPEN_MEASURE_STATUSES,
        deadline__lt=today,
    ).count()
    worst = list(
        late.select_related("counterpart_state", "officer")
        .defer("search_text", "summary_of_facts", "purpose", "procedure")
        .order_by("deadline", "id")[:MOST_OVERDUE]
    )
    return Overdue(requests=requests, measures=measures, most_overdue=worst)


# --- What came in and went out in the period ---------------------------------------------------


@dataclass(frozen=True)
class DirectionCount:
    # A state's ISO code, a kind of cooperation, a refusal ground... ("" for "others").
    key: str
    label: str
    incoming: int
    outgoing: int

    @property
    def total(self) -> int:
        return self.incoming + self.outgoing


def by_counterpart_state(
    cases: CaseQuerySet, period: Period, *, top: int = TOP_STATES
) -> list[DirectionCount]:
    """Requests started in the period per counterpart state: the ``top`` states, then others."""
    grouped = _rows(
        started_in(cases, period)
        .values("counterpart_state_id")
        .annotate(**by_direction())
        .order_by()
    )
    grouped.sort(key=lambda r: (-(r["incoming"] + r["outgoing"]), r["counterpart_state_id"]))
    shown, rest = grouped[:top], grouped[top:]
    names = {
        s.pk: s.name
        for s in State.objects.filter(pk__in=[r["counterpart_state_id"] for r in shown])
    }
    rows = [
        DirectionCount(
            r["counterpart_state_id"],
            names.get(r["counterpart_state_id"], r["counterpart_state_id"]),
            r["incoming"],
            r["outgoing"],
        )
        for r in shown
    ]
    if rest:
        rows.append(
            DirectionCount(
                "",
                gettext("Other states (%(count)d)") % {"count": len(rest)},
                sum(r["incoming"] for r in rest),
                sum(r["outgoing"] for r in rest),
            )
        )
    return rows


def by_kind(cases: CaseQuerySet, period: Period) -> list[DirectionCount]:
    """Requests started in the period per kind of cooperation (every kind, even at zero)."""
    grouped = {
        r["kind"]: r
        for r in _rows(
            started_in(cases, period).values("kind").annotate(**by_direction()).order_by()
        )
    }
    return [
        DirectionCount(
            kind.value,
            str(kind.label),
            grouped.get(kind.value, {}).get("incoming", 0),
            grouped.get(kind.value, {}).get("outgoing", 0),
        )
        for kind in CooperationKind
    ]


@dataclass(frozen=True)
class MonthCount:
    month: datetime.date
    incoming: int
    outgoing: int

    @property
    def total(self) -> int:
        return self.incoming + self.outgoing


def by_month(cases: CaseQuerySet, period: Period) -> list[MonthCount]:
    """Requests started in each month of the period (months without any included)."""
    grouped = _rows(
        started_in(cases, period)
        .annotate(month=TruncMonth(START_DATE))
        .values("month")
        .annotate(**by_direction())
        .order_by()
    )
    counts: dict[datetime.date, tuple[int, int]] = {}
    for r in grouped:
        month = r["month"]
        if isinstance(month, datetime.datetime):  # some backends truncate to a timestamp
            month = month.date()
        counts[month] = (r["incoming"], r["outgoing"])
    return [MonthCount(m, *counts.get(m, (0, 0))) for m in period.months()]


def refusals_by_ground(cases: CaseQuerySet, period: Period) -> list[DirectionCount]:
    """Refused requests started in the period, per ground (closed ones keep their ground).

    Grounds never invoked are left out; the most frequent ground comes first.
    """
    grouped = _rows(
        started_in(cases, period)
        .filter(status__in=[Status.REFUSED, Status.CLOSED])
        .exclude(refusal_ground="")
        .values("refusal_ground")
        .annotate(**by_direction())
        .order_by()
    )
    labels = dict(RefusalGround.choices)
    rows = [
        DirectionCount(
            r["refusal_ground"],
            str(labels.get(r["refusal_ground"], r["refusal_ground"])),
            r["incoming"],
            r["outgoing"],
        )
        for r in grouped
    ]
    rows.sort(key=lambda r: (-r.total, r.label.casefold()))
    return rows


# --- Time from receipt to execution ----------------------------------------------------------


@dataclass(frozen=True)
class Duration:
    # A kind of cooperation, or "" for all kinds together.
    key: str
    label: str
    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class ExecutionTimes:
    overall: Duration
    by_kind: list[Duration] = field(default_factory=list)


def executed_in(cases: CaseQuerySet, period: Period) -> CaseQuerySet:
    """Requests executed in the period whose start (receipt or sending) is known."""
    return cases.filter(
        Q(direction=Direction.INCOMING, received_on__isnull=False)
        | Q(direction=Direction.OUTGOING, sent_on__isnull=False),
        executed_on__range=(period.start, period.end),
    )


def execution_times(
    cases: CaseQuerySet, period: Period, *, in_database: bool | None = None
) -> ExecutionTimes:
    """Median and 90th percentile of days from receipt (or sending) to execution.

    Counts the requests executed in the period, whatever became of them afterwards (a closed
    request keeps its execution date). On PostgreSQL the percentiles are computed by the
    database (``percentile_cont``); elsewhere from the day counts, with the same interpolation.
    """
    if in_database is None:
        in_database = use_database_percentiles()
    executed = executed_in(cases, period).order_by()
    labels = dict(CooperationKind.choices)
    overall_label = gettext("All kinds")
    if in_database:
        stats = {
            "count": _count(),
            "median": PercentileCont(DAYS_TO_EXECUTION, 0.5),
            "p90": PercentileCont(DAYS_TO_EXECUTION, 0.9),
        }
        per_kind = {r["kind"]: r for r in _rows(executed.values("kind").annotate(**stats))}
        total = executed.aggregate(**stats)
        overall = Duration("", overall_label, total["count"], total["median"], total["p90"])
        rows = [
            Duration(
                kind,
                str(labels.get(kind, kind)),
                r["count"],
                r["median"],
                r["p90"],
            )
            for kind, r in per_kind.items()
        ]
    else:
        days_by_kind: dict[str, list[int]] = defaultdict(list)
        everything: list[int] = []
        for kind, days in executed.values_list("kind", DAYS_TO_EXECUTION):
            days_by_kind[kind].append(days)
            everything.append(days)
        everything.sort()
        overall = Duration(
            "",
            overall_label,
            len(everything),
            percentile_cont(everything, 0.5),
            percentile_cont(everything, 0.9),
        )
        rows = []
        for kind, values in days_by_kind.items():
            values.sort()
            rows.append(
                Duration(
                    kind,
                    str(labels.get(kind, kind)),
                    len(values),
                    percentile_cont(values, 0.5),
                    percentile_cont(values, 0.9),
                )
            )
    order = {kind: i for i, kind in enumerate(CooperationKind.values)}
    rows.sort(key=lambda d: order.get(d.key, len(order)))
    return ExecutionTimes(overall, rows)
