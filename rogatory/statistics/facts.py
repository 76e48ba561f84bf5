"""The counts behind the statistics' additive tables, and their monthly summary (decision 0046).

A *fact* is what one table counts, by one key and the direction of the request: requests by
kind, by channel, by other state; requests per ICCS code of their offences; measures sought,
executed and refused per kind; and so on. Every such count is *additive*: the count for a
period is the sum of its counts over the days of the period, and across authorities the sum
of each authority's. So the counts can be kept per authority and month (``MonthlyFact``) and a
period's figures read as the sum of its whole months plus the days at its ends, counted from
the records themselves with the same queries.

The summary is kept correct by the database: triggers on requests, offences and measures
(migration ``statistics/0004``) mark the months a change touches (``StaleMonth``: the month the
request started and the month it was disposed of, before and after the change), and
:func:`refresh` counts those months again, from the records, before any figure is read. So no
write path (an action, the admin, an import, a bulk update) can leave it behind.

What is not additive is computed from the records as before (``figures``): durations and their
medians, the backlog and the pending on a day, postponements (a request postponed in two months
counts once), the requests with no start date.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models, transaction
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Substr, TruncMonth

from rogatory.cases.choices import Direction, MeasureStatus, Status
from rogatory.cases.lifecycle import ACTIVE
from rogatory.cases.models import Case, CaseQuerySet, Measure, Offence
from rogatory.cases.stats import DaysBetween, Period, start_date, started_between

from .models import MonthlyFact, StaleMonth

# fact → (key, direction) → [n1, n2, n3]
Facts = dict[str, dict[tuple[str, str], list[int]]]
# (authority id, month, fact, key, direction, n1, n2, n3); authority and month None unless the
# rows are counted per month for the summary.
Row = tuple[Any, Any, str, str, str, int, int, int]

# Facts placed in a period by the day the request started (received or sent). "month" is the
# trend (its key, the month); "band", the days from start to disposition by band.
STARTED = (
    "month",
    "band",
    "kind",
    "channel",
    "urgency",
    "state",
    "basis",
    "refusal",
    "iccs_section",
    "iccs_code",
    "measure",
    "measure_refusal",
    "gap",
)
# Placed by the day the request was disposed of.
DISPOSED = "disposed"
EVERY = (*STARTED, DISPOSED)
# What ``figures.compute``'s tables read (the trend and the bands are the page's own tables).
TABLES = tuple(name for name in EVERY if name not in ("month", "band"))

# Statuses past acknowledgement: a request in one of them should have its acknowledgement date.
PAST_ACKNOWLEDGEMENT = (ACTIVE - {Status.SENT, Status.RECEIVED}) | {Status.EXECUTED}
GAPS = ("no_iccs", "no_basis", "no_ack", "no_execution", "no_disposal", "no_ground")

# Age bands, in days: (upper bound included, or None for "more"); the backlog's ages and the
# days to disposition use the same.
AGE_BANDS: tuple[tuple[str, int | None], ...] = (
    ("0-30", 30),
    ("31-90", 90),
    ("91-180", 180),
    ("181-365", 365),
    ("366+", None),
)
# Disposed of before the day it started: the dates contradict each other.
OUT_OF_ORDER = "out-of-order"

# Requests with a start day (drafts never sent have none and are in no month).
HAS_START = Q(direction=Direction.INCOMING, received_on__isnull=False) | Q(
    direction=Direction.OUTGOING, sent_on__isnull=False
)

# More months to count again than this, and the authorities concerned are counted whole (one
# filter per authority instead of one per month).
MAX_MONTHS_AT_ONCE = 240


# --- Counting from the records -------------------------------------------------------------


def disposed_in(periods: Sequence[Period]) -> Q:
    q = Q(pk__in=[])
    for period in periods:
        q |= Q(disposed_on__range=(period.start, period.end))
    return q


def _month(value: Any) -> Any:
    if isinstance(value, datetime.datetime):  # some backends truncate to a timestamp
        return value.date()
    if isinstance(value, str):  # SQLite, from an expression it cannot type
        return datetime.date.fromisoformat(value[:10])
    return value


def _grouped(
    rows: Any,
    fact: str,
    keys: Sequence[str],
    values: Sequence[str],
    per_month: bool,
    key_of: Any = None,
) -> list[Row]:
    """Rows of a ``values().annotate()`` query as facts."""
    result: list[Row] = []
    for r in rows:
        key = key_of(r) if key_of else "|".join("" if r[k] is None else str(r[k]) for k in keys)
        n = [int(r[v] or 0) for v in values] + [0] * (3 - len(values))
        result.append(
            (
                r["_a"] if per_month else None,
                _month(r["_m"]) if per_month else None,
                fact,
                key,
                r["_d"],
                n[0],
                n[1],
                n[2],
            )
        )
    return result


def _query(
    queryset: Any,
    prefix: str,
    keys: dict[str, Any],
    values: dict[str, Any],
    per_month: bool,
    placed: Any = None,
) -> Any:
    """``queryset`` grouped by ``keys`` and the direction (and authority and month)."""
    annotations: dict[str, Any] = {"_d": F(f"{prefix}direction"), **keys}
    names = ["_d", *keys]
    if per_month:
        annotations["_a"] = F(f"{prefix}authority_id")
        annotations["_m"] = TruncMonth(placed if placed is not None else start_date(prefix))
        names = ["_a", "_m", *names]
    return queryset.annotate(**annotations).values(*names).annotate(**values).order_by()


def count_started(cases: CaseQuerySet, names: Iterable[str], per_month: bool) -> list[Row]:
    """The facts ``names`` of ``cases`` (requests already chosen by their start day)."""
    rows: list[Row] = []
    wanted = set(names)
    n = {"n": Count("*")}
    for fact, field in (
        ("kind", "kind"),
        ("channel", "channel"),
        ("urgency", "urgency"),
        ("state", "counterpart_state_id"),
    ):
        if fact in wanted:
            query = _query(cases, "", {"k": F(field)}, n, per_month)
            rows += _grouped(query, fact, ["k"], ["n"], per_month)
    if "month" in wanted:
        query = _query(cases, "", {"k": TruncMonth(start_date())}, n, per_month)
        rows += _grouped(
            query, "month", [], ["n"], per_month, key_of=lambda r: _month(r["k"]).isoformat()
        )
    if "band" in wanted:
        days = DaysBetween(F("disposed_on"), start_date())
        band = models.Case(
            When(Q(_days__lt=0), then=Value(OUT_OF_ORDER)),
            *[When(_days__lte=limit, then=Value(name)) for name, limit in AGE_BANDS if limit],
            default=Value(AGE_BANDS[-1][0]),
        )
        disposed = cases.filter(disposed_on__isnull=False).annotate(_days=days)
        query = _query(disposed, "", {"k": band}, n, per_month)
        rows += _grouped(query, "band", ["k"], ["n"], per_month)
    if "basis" in wanted:
        noted = ExpressionWrapper(~Q(legal_basis_note=""), output_field=models.BooleanField())
        query = _query(cases, "", {"k": F("legal_basis_id"), "noted": noted}, n, per_month)
        rows += _grouped(
            query,
            "basis",
            [],
            ["n"],
            per_month,
            key_of=lambda r: f"{r['k'] or ''}|{1 if r['noted'] else 0}",
        )
    if "refusal" in wanted:
        query = _query(
            cases.exclude(refusal_ground=""), "", {"k": F("refusal_ground")}, n, per_month
        )
        rows += _grouped(query, "refusal", ["k"], ["n"], per_month)
    offences = Offence.objects.filter(case__in=cases.values("pk"), iccs__isnull=False)
    for fact, column in (("iccs_section", Substr("iccs_id", 1, 2)), ("iccs_code", F("iccs_id"))):
        if fact in wanted:
            # A request naming two offences of one code (or section) counts once under it.
            distinct = {"n": Count("case", distinct=True)}
            query = _query(offences, "case__", {"k": column}, distinct, per_month)
            rows += _grouped(query, fact, ["k"], ["n"], per_month)
    measures = Measure.objects.filter(case__in=cases.values("pk"))
    if "measure" in wanted:
        values = {
            "sought": Count("*"),
            "executed": Count("id", filter=Q(status=MeasureStatus.EXECUTED)),
            "refused": Count("id", filter=Q(status=MeasureStatus.REFUSED)),
        }
        query = _query(measures, "case__", {"k": F("kind")}, values, per_month)
        rows += _grouped(query, "measure", ["k"], ["sought", "executed", "refused"], per_month)
    if "measure_refusal" in wanted:
        query = _query(
            measures.exclude(refusal_ground=""), "case__", {"k": F("refusal_ground")}, n, per_month
        )
        rows += _grouped(query, "measure_refusal", ["k"], ["n"], per_month)
    if "gap" in wanted:
        rows += _gaps(cases, per_month)
    return rows


def _gaps(cases: CaseQuerySet, per_month: bool) -> list[Row]:
    """Requests lacking what a figure needs (the completeness report), one fact per gap."""
    coded = Exists(Offence.objects.filter(case=OuterRef("pk"), iccs__isnull=False))
    values = {
        "no_iccs": Count("id", filter=Q(coded=False)),
        "no_basis": Count("id", filter=Q(legal_basis__isnull=True, legal_basis_note="")),
        "no_ack": Count(
            "id", filter=Q(status__in=sorted(PAST_ACKNOWLEDGEMENT), acknowledged_on__isnull=True)
        ),
        "no_execution": Count("id", filter=Q(status=Status.EXECUTED, executed_on__isnull=True)),
        "no_disposal": Count("id", filter=Q(status_is_final=True, disposed_on__isnull=True)),
        "no_ground": Count("id", filter=Q(status=Status.REFUSED, refusal_ground="")),
    }
    query = _query(cases.annotate(coded=coded), "", {}, values, per_month)
    rows: list[Row] = []
    for gap in GAPS:
        rows += _grouped(query, "gap", [], [gap], per_month, key_of=lambda _r, g=gap: g)
    return rows


def count_disposed(cases: CaseQuerySet, per_month: bool) -> list[Row]:
    """Requests of ``cases`` (already chosen by their disposition day), per direction."""
    query = _query(cases, "", {}, {"n": Count("*")}, per_month, placed=F("disposed_on"))
    return _grouped(query, DISPOSED, [], ["n"], per_month, key_of=lambda _r: "")


def collect(rows: Iterable[Row], into: Facts | None = None) -> Facts:
    facts: Facts = into if into is not None else {}
    for _a, _m, fact, key, direction, n1, n2, n3 in rows:
        cell = facts.setdefault(fact, {}).setdefault((key, direction), [0, 0, 0])
        cell[0] += n1
        cell[1] += n2
        cell[2] += n3
    return facts


def from_records(
    cases: CaseQuerySet, periods: Sequence[Period], names: Iterable[str] = EVERY
) -> Facts:
    """The facts ``names`` of ``cases`` over the days of ``periods``, counted from the records
    (the reader's own scope: any queryset of requests)."""
    wanted = list(names)
    # Every fact asked for is there, even when nothing is counted.
    facts: Facts = {name: {} for name in wanted}
    if not periods:
        return facts
    rows = count_started(cases.filter(started_between(*periods)), wanted, per_month=False)
    if DISPOSED in wanted:
        rows += count_disposed(cases.filter(disposed_in(periods)), per_month=False)
    return collect(rows, facts)


# --- The monthly summary -------------------------------------------------------------------


def _month_period(month: datetime.date) -> Period:
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return Period(month, following - datetime.timedelta(days=1))


def _runs(months: Iterable[datetime.date]) -> list[Period]:
    """Months as spans of consecutive months."""
    spans: list[Period] = []
    for month in sorted(set(months)):
        period = _month_period(month)
        if spans and spans[-1].end + datetime.timedelta(days=1) == month:
            spans[-1] = Period(spans[-1].start, period.end)
        else:
            spans.append(period)
    return spans


def refresh() -> int:
    """Count again the months the triggers marked, from the records; the number of months.

    The marks are locked while their months are counted (a reader arriving meanwhile waits and
    then reads the new counts; a change committed meanwhile marks its month again, after)."""
    with transaction.atomic():
        # Locked in one order, so that two readers refreshing at once cannot deadlock.
        stale = list(
            StaleMonth.objects.select_for_update()
            .order_by("id")
            .values_list("id", "authority_id", "month")
        )
        if not stale:
            return 0
        months: dict[int, set[datetime.date]] = defaultdict(set)
        for _id, authority_id, month in stale:
            months[authority_id].add(_month(month))
        whole = len(stale) > MAX_MONTHS_AT_ONCE
        started, disposed, gone = Q(pk__in=[]), Q(pk__in=[]), Q(pk__in=[])
        for authority_id, touched in months.items():
            mine = Q(authority_id=authority_id)
            if whole:
                started |= mine & HAS_START
                disposed |= mine & Q(disposed_on__isnull=False)
                gone |= mine
            else:
                spans = _runs(touched)
                started |= mine & started_between(*spans)
                disposed |= mine & disposed_in(spans)
                gone |= mine & Q(month__in=sorted(touched))
        rows = count_started(Case.objects.filter(started), STARTED, per_month=True)
        rows += count_disposed(Case.objects.filter(disposed), per_month=True)
        MonthlyFact.objects.filter(gone).delete()
        MonthlyFact.objects.bulk_create(
            [
                MonthlyFact(
                    authority_id=a, month=m, fact=f, key=k, direction=d, n1=n1, n2=n2, n3=n3
                )
                for a, m, f, k, d, n1, n2, n3 in rows
                if n1 or n2 or n3
            ],
            batch_size=2000,
        )
        StaleMonth.objects.filter(pk__in=[pk for pk, _a, _m in stale]).delete()
        return len(stale)


def rebuild(authority_ids: Sequence[int] | None = None) -> None:
    """Count every month again (all authorities, or those given): after data was written with
    the triggers off, or to check the summary against the records."""
    cases = Case.objects.all()
    if authority_ids is not None:
        cases = cases.filter(authority_id__in=authority_ids)
    months = (
        cases.filter(HAS_START)
        .annotate(_m=TruncMonth(start_date()), _a=F("authority_id"))
        .values_list("_a", "_m")
        .distinct()
        .order_by()
    )
    disposed = (
        cases.filter(disposed_on__isnull=False)
        .annotate(_m=TruncMonth("disposed_on"), _a=F("authority_id"))
        .values_list("_a", "_m")
        .distinct()
        .order_by()
    )
    marks = {(a, _month(m)) for a, m in [*months, *disposed] if m is not None}
    StaleMonth.objects.bulk_create(
        [StaleMonth(authority_id=a, month=m) for a, m in marks],
        ignore_conflicts=True,
        batch_size=2000,
    )
    refresh()


def _next_month(day: datetime.date) -> datetime.date:
    return _month_period(day.replace(day=1)).end + datetime.timedelta(days=1)


def split(period: Period) -> tuple[tuple[datetime.date, datetime.date] | None, list[Period]]:
    """The whole months of ``period`` (its first and last) and the days left at its ends."""
    first = period.start if period.start.day == 1 else _next_month(period.start)
    last = period.end.replace(day=1)
    if _month_period(last).end != period.end:
        last = (last - datetime.timedelta(days=1)).replace(day=1)
    if first > last:
        return None, [period]
    edges = []
    if period.start < first:
        edges.append(Period(period.start, first - datetime.timedelta(days=1)))
    if _month_period(last).end < period.end:
        edges.append(Period(_month_period(last).end + datetime.timedelta(days=1), period.end))
    return (first, last), edges


def for_authorities(
    authority_ids: Sequence[int], period: Period, names: Sequence[str] = EVERY
) -> Facts:
    """The facts ``names`` of every request of the authorities in ``period``: the summary's
    whole months (counted again first where the records changed) and the records of the days
    left."""
    refresh()
    months, edges = split(period)
    facts: Facts = {name: {} for name in EVERY}
    if months is not None:
        summed = (
            MonthlyFact.objects.filter(authority_id__in=authority_ids, month__range=months)
            .values("fact", "key", "direction")
            .annotate(s1=Sum("n1"), s2=Sum("n2"), s3=Sum("n3"))
            .order_by()
        )
        collect(
            (
                (None, None, r["fact"], r["key"], r["direction"], r["s1"], r["s2"], r["s3"])
                for r in summed
            ),
            facts,
        )
    if edges:
        cases = Case.objects.filter(authority_id__in=authority_ids)
        rows = count_started(
            cases.filter(started_between(*edges)),
            [n for n in names if n in STARTED],
            per_month=False,
        )
        if DISPOSED in names:
            rows += count_disposed(cases.filter(disposed_in(edges)), per_month=False)
        collect(rows, facts)
    return facts
