"""Statistics of an authority's requests for any period, computed in the database.

Each table is one or two GROUP BY queries whatever the number of requests and whatever the
period; Python only labels the grouped rows and does arithmetic on them (percentages, the
Kaplan–Meier estimate from durations already grouped by day). The additive tables are built
from ``facts`` (counted from the records, or read from the monthly summary: decision 0046);
durations, backlog, pending and postponements are counted here. Every table carries its
counting rule: the unit counted and the date that places it in the period.

The requests counted are those ``Case.objects.for_user`` gives the reader (the dashboard's rule),
so a figure never reveals what its reader may not open.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Count, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rogatory.cases.choices import (
    Channel,
    CooperationKind,
    Direction,
    EventKind,
    MeasureType,
    RefusalGround,
    Status,
    Urgency,
)
from rogatory.cases.models import CaseEvent, CaseQuerySet
from rogatory.cases.stats import (
    START_DATE,
    DaysBetween,
    Period,
    by_direction,
    started_in,
    weighted_percentile_cont,
)
from rogatory.lib.survival import kaplan_meier, quantile
from rogatory.reference.models import IccsCategory, Region, State
from rogatory.treaties.models import Instrument

from .facts import AGE_BANDS, DISPOSED, TABLES, Facts, from_records

# The provision each refusal ground comes from (UNTOC unless noted); "" where it is a ground of
# the applicable treaty or law rather than of the conventions.
REFUSAL_ARTICLES: dict[str, str] = {
    RefusalGround.NON_CONFORMITY: "UNTOC 18(21)(a)",
    RefusalGround.ESSENTIAL_INTERESTS: "UNTOC 18(21)(b)",
    RefusalGround.DOMESTIC_LAW_PROHIBITS: "UNTOC 18(21)(c)",
    RefusalGround.CONTRARY_TO_LEGAL_SYSTEM: "UNTOC 18(21)(d)",
    RefusalGround.NO_DUAL_CRIMINALITY: "UNTOC 18(9)",
    RefusalGround.DISCRIMINATION: "UNTOC 16(14)",
    RefusalGround.NATIONALITY: "UNTOC 16(10)",
    RefusalGround.POLITICAL_OFFENCE: "",
    RefusalGround.NE_BIS_IN_IDEM: "",
    RefusalGround.DEATH_PENALTY: "",
    RefusalGround.LAPSE_OF_TIME: "",
    RefusalGround.OTHER: "",
}
POSTPONEMENT_ARTICLE = "UNTOC 18(25)"

# --- Tables ----------------------------------------------------------------------------------


@dataclass
class Table:
    """One table of figures: its rows hold a label, then numbers (``None`` for "no figure")."""

    key: str
    title: str
    # The counting rule: the unit, and which date places it in the period.
    rule: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    total: list[Any] | None = None


def _direction_columns(first: str) -> list[str]:
    return [first, _("Received (incoming)"), _("Sent (outgoing)"), _("Total")]


def _with_total(label: str, incoming: int, outgoing: int) -> list[Any]:
    return [label, incoming, outgoing, incoming + outgoing]


def _sum_rows(label: str, rows: list[list[Any]]) -> list[Any]:
    """A total row: the column sums of numeric cells (labels and articles left blank)."""
    if not rows:
        return [label]
    total: list[Any] = [label]
    for i in range(1, len(rows[0])):
        values = [row[i] for row in rows]
        total.append(sum(values) if all(isinstance(v, int) for v in values) else "")
    return total


def _request_rule(extra: str = "") -> str:
    rule = _(
        "Unit: the request. A request is counted in the period when it was received in it "
        "(incoming) or sent in it (outgoing); drafts never sent are not counted."
    )
    return f"{rule} {extra}".strip()


def _facts(facts: Facts | None, cases: CaseQuerySet, period: Period, *names: str) -> Facts:
    """The facts a table needs: those given (computed once for every table, or read from the
    monthly summary), else counted from ``cases`` for this table alone."""
    return facts if facts is not None else from_records(cases, [period], names)


def _direction_counts(counts: dict[tuple[str, str], list[int]], key: str) -> tuple[int, int]:
    return (
        counts.get((key, Direction.INCOMING), [0])[0],
        counts.get((key, Direction.OUTGOING), [0])[0],
    )


def _choice_table(
    key: str,
    title: str,
    heading: str,
    counts: dict[tuple[str, str], list[int]],
    choices: Iterable[tuple[str, Any]],
) -> Table:
    """Requests started in the period per value of a choice field; every value, even at 0."""
    rows = [_with_total(str(label), *_direction_counts(counts, value)) for value, label in choices]
    return Table(
        key, title, _request_rule(), _direction_columns(heading), rows, _sum_rows(_("All"), rows)
    )


def by_kind(cases: CaseQuerySet, period: Period, facts: Facts | None = None) -> Table:
    """Requests started in the period per kind: the dashboard's figures, as a table."""
    counts = _facts(facts, cases, period, "kind")["kind"]
    return _choice_table(
        "kinds", _("Requests by kind"), _("Kind of request"), counts, CooperationKind.choices
    )


def by_channel(cases: CaseQuerySet, period: Period, facts: Facts | None = None) -> Table:
    counts = _facts(facts, cases, period, "channel")["channel"]
    return _choice_table(
        "channels", _("Requests by channel"), _("Channel"), counts, Channel.choices
    )


def by_urgency(cases: CaseQuerySet, period: Period, facts: Facts | None = None) -> Table:
    counts = _facts(facts, cases, period, "urgency")["urgency"]
    return _choice_table("urgency", _("Requests by urgency"), _("Urgency"), counts, Urgency.choices)


def by_legal_basis(cases: CaseQuerySet, period: Period, facts: Facts | None = None) -> Table:
    """Per treaty relied on; requests on reciprocity or domestic law, and those with none."""
    counts = _facts(facts, cases, period, "basis")["basis"]
    ids = {key.split("|")[0] for key, _d in counts if key.split("|")[0]}
    titles = dict(Instrument.objects.filter(pk__in=sorted(ids)).values_list("pk", "short_title"))
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    other, missing = _("Other basis (reciprocity, domestic law)"), _("No legal basis recorded")
    for (key, direction), (n, *_rest) in counts.items():
        basis, noted = key.split("|")
        label = titles.get(int(basis), basis) if basis else (other if noted == "1" else missing)
        totals[label][0 if direction == Direction.INCOMING else 1] += n
    special = {other: 1, missing: 2}
    labels = sorted(totals, key=lambda label: (special.get(label, 0), label.casefold()))
    rows = [_with_total(label, *totals[label]) for label in labels]
    rule = _request_rule(
        _("A request is counted under the treaty chosen as its legal basis, once.")
    )
    return Table(
        "legal_basis",
        _("Requests by legal basis"),
        rule,
        _direction_columns(_("Legal basis")),
        rows,
        _sum_rows(_("All"), rows),
    )


def by_state_and_region(
    cases: CaseQuerySet, period: Period, facts: Facts | None = None
) -> list[Table]:
    """Per counterpart state, and per M49 region and sub-region of that state."""
    counts = _facts(facts, cases, period, "state")["state"]
    states = {
        code: (name, region)
        for code, name, region in State.objects.filter(
            pk__in=sorted({key for key, _d in counts})
        ).values_list("pk", "name", "region_id")
    }
    by_state: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (key, direction), (n, *_rest) in counts.items():
        by_state[key][0 if direction == Direction.INCOMING else 1] += n
    grouped: list[dict[str, Any]] = [
        {
            "counterpart_state__name": states.get(key, (key, None))[0],
            "counterpart_state__region_id": states.get(key, (key, None))[1],
            "incoming": incoming,
            "outgoing": outgoing,
        }
        for key, (incoming, outgoing) in by_state.items()
    ]
    regions = {r.code: r for r in Region.objects.all()}

    def ancestor(code: str | None, level: int) -> str:
        """The name of the region of ``level`` that contains region ``code``."""
        region = regions.get(code or "")
        while region is not None and region.level > level:
            region = regions.get(region.parent_id or "")
        return region.name if region is not None and region.level == level else ""

    state_rows = sorted(
        (
            [
                r["counterpart_state__name"],
                ancestor(r["counterpart_state__region_id"], Region.Level.SUBREGION),
                r["incoming"],
                r["outgoing"],
                r["incoming"] + r["outgoing"],
            ]
            for r in grouped
        ),
        key=lambda row: (-row[4], row[0].casefold()),
    )
    none = _("No M49 region")
    tables = [
        Table(
            "states",
            _("Requests by other state"),
            _request_rule(_("The other state is the requesting one for incoming requests.")),
            [
                _("Other state"),
                _("M49 sub-region"),
                _("Received (incoming)"),
                _("Sent (outgoing)"),
                _("Total"),
            ],
            state_rows,
            _sum_rows(_("All"), state_rows),
        )
    ]
    for key, title, heading, level in (
        ("regions", _("Requests by M49 region"), _("M49 region"), Region.Level.REGION),
        (
            "subregions",
            _("Requests by M49 sub-region"),
            _("M49 sub-region"),
            Region.Level.SUBREGION,
        ),
    ):
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for r in grouped:
            label = ancestor(r["counterpart_state__region_id"], level) or none
            totals[label][0] += r["incoming"]
            totals[label][1] += r["outgoing"]
        rows = [
            _with_total(label, *totals[label])
            for label in sorted(totals, key=lambda label: (label == none, label.casefold()))
        ]
        tables.append(
            Table(
                key,
                title,
                _request_rule(
                    _("Regions as the UN Statistics Division's M49 standard groups them.")
                ),
                _direction_columns(heading),
                rows,
                _sum_rows(_("All"), rows),
            )
        )
    return tables


def by_iccs(cases: CaseQuerySet, period: Period, facts: Facts | None = None) -> list[Table]:
    """Requests per ICCS section and per ICCS code of their offences."""
    found = _facts(facts, cases, period, "iccs_section", "iccs_code")
    rule = _request_rule(
        _(
            "A request is counted once under each ICCS section or code of its offences, so the "
            "rows add up to more than the number of requests when a request names several "
            "offences. Requests without an ICCS code are in the completeness report."
        )
    )
    tables = []
    for key, title, heading, fact in (
        ("iccs_sections", _("Requests by ICCS section"), _("ICCS section"), "iccs_section"),
        ("iccs_codes", _("Requests by ICCS code"), _("ICCS code"), "iccs_code"),
    ):
        counts = found[fact]
        codes = sorted({code for code, _d in counts})
        titles = dict(IccsCategory.objects.filter(code__in=codes).values_list("code", "title"))
        rows = [
            _with_total(f"{code} {titles.get(code, '')}".strip(), *_direction_counts(counts, code))
            for code in codes
        ]
        tables.append(Table(key, title, rule, _direction_columns(heading), rows))
    return tables


def measures(cases: CaseQuerySet, period: Period, facts: Facts | None = None) -> Table:
    """Measures sought in the requests of the period, and what became of them."""
    counts = _facts(facts, cases, period, "measure")["measure"]
    rows = []
    for kind, label in MeasureType.choices:
        cells: list[Any] = [str(label)]
        for direction in (Direction.INCOMING, Direction.OUTGOING):
            cells += counts.get((kind, direction), [0, 0, 0])
        if any(cells[1:]):
            rows.append(cells)
    return Table(
        "measures",
        _("Measures sought and executed"),
        _(
            "Unit: the measure sought. A measure is counted in the period of its request (received "
            "or sent in it); executed and refused are the measures' statuses today."
        ),
        [
            _("Measure"),
            _("Sought of us"),
            _("Executed by us"),
            _("Refused by us"),
            _("Sought by us"),
            _("Executed by the other state"),
            _("Refused by the other state"),
        ],
        rows,
        _sum_rows(_("All"), rows),
    )


# --- Durations -------------------------------------------------------------------------------


def disposed_on() -> Any:
    """The day a request reached a final status, or NULL while it is open (or undated).

    Executed: its execution date; refused or withdrawn: the day of that change in its history;
    closed without either: the day the file was closed. Stored on the request
    (``Case.disposed_on``, kept by ``do_transition``; the rule is
    ``cases.stats.disposition_day``), so a figure reads a column, not the history.
    """
    return F("disposed_on")


@dataclass(frozen=True)
class Durations:
    direction: str
    # "acknowledgement", "execution" or "disposition".
    measure: str
    requests: int
    ended: int
    running: int
    left_out: int
    median: float | None
    p90: float | None
    running_median_age: float | None
    oldest_running: int | None


def durations(cases: CaseQuerySet, period: Period, today: datetime.date) -> list[Durations]:
    """Days from receipt (incoming) or sending (outgoing) to acknowledgement, execution and
    disposition, for the requests started in the period; open ones censored at their age."""
    started = started_in(cases, period).annotate(start=START_DATE, disposed=disposed_on())
    age = DaysBetween(Value(today, output_field=models.DateField()), F("start"))
    is_open = Q(status_is_final=False)
    ends = {
        "acknowledgement": "acknowledged_on",
        "execution": "executed_on",
        "disposition": "disposed",
    }
    result = []
    for measure, end_field in ends.items():
        end = F(end_field)
        ended = Q(**{f"{end_field}__isnull": False})
        grouped = (
            started.annotate(
                outcome=models.Case(
                    When(ended, then=Value("ended")),
                    When(is_open, then=Value("running")),
                    default=Value("left_out"),
                ),
                days=models.Case(
                    When(ended, then=DaysBetween(end, F("start"))),
                    When(is_open, then=age),
                    default=None,
                    output_field=models.IntegerField(),
                ),
            )
            .values("direction", "outcome", "days")
            .annotate(n=Count("*"))
            .order_by()
        )
        rows: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
        for r in grouped:
            rows[r["direction"]][r["outcome"]].append((r["days"], r["n"]))
        for direction in (Direction.INCOMING, Direction.OUTGOING):
            by_outcome = rows[direction]
            ended_rows, running_rows = by_outcome["ended"], by_outcome["running"]
            steps = kaplan_meier(
                [(days, n, 0) for days, n in ended_rows]
                + [(days, 0, n) for days, n in running_rows]
            )
            result.append(
                Durations(
                    direction=direction,
                    measure=measure,
                    requests=sum(n for rows_ in by_outcome.values() for _d, n in rows_),
                    ended=sum(n for _d, n in ended_rows),
                    running=sum(n for _d, n in running_rows),
                    left_out=sum(n for _d, n in by_outcome["left_out"]),
                    median=quantile(steps, 0.5),
                    p90=quantile(steps, 0.9),
                    running_median_age=weighted_percentile_cont(running_rows, 0.5),
                    oldest_running=max((d for d, _n in running_rows), default=None),
                )
            )
    return result


def durations_table(rows: list[Durations]) -> Table:
    labels: dict[tuple[str, str], str] = {
        (Direction.INCOMING, "acknowledgement"): _("Received requests: receipt to acknowledgement"),
        (Direction.INCOMING, "execution"): _("Received requests: receipt to execution"),
        (Direction.INCOMING, "disposition"): _("Received requests: receipt to disposition"),
        (Direction.OUTGOING, "acknowledgement"): _("Sent requests: sending to acknowledgement"),
        (Direction.OUTGOING, "execution"): _("Sent requests: sending to execution"),
        (Direction.OUTGOING, "disposition"): _("Sent requests: sending to disposition"),
    }
    return Table(
        "durations",
        _("Time taken, in days"),
        _(
            "Unit: the request, counted in the period when it was received (incoming) or sent "
            "(outgoing). Days run from that date to the acknowledgement, to the execution, and to "
            "the disposition (executed, refused, withdrawn or closed). Requests still open are "
            "counted as still running at their age today (censored): the median and the 90th "
            "percentile are Kaplan–Meier estimates, empty when fewer than half (or nine in ten) "
            "have ended. Left out: requests that ended without that step (refused or withdrawn "
            "before execution) or without its date."
        ),
        [
            _("Duration"),
            _("Requests"),
            _("Ended"),
            _("Still running"),
            _("Left out"),
            _("Median (days)"),
            _("90th percentile (days)"),
            _("Median age of those running (days)"),
            _("Oldest running (days)"),
        ],
        [
            [
                labels[(d.direction, d.measure)],
                d.requests,
                d.ended,
                d.running,
                d.left_out,
                d.median,
                d.p90,
                d.running_median_age,
                d.oldest_running,
            ]
            for d in rows
        ],
    )


# --- Refusals, postponements -----------------------------------------------------------------


def refusals(cases: CaseQuerySet, period: Period, facts: Facts | None = None) -> list[Table]:
    """Requests and measures refused, per ground, with the article the ground comes from."""
    found = _facts(facts, cases, period, "refusal", "measure_refusal")

    def by_ground(counts: dict[tuple[str, str], list[int]]) -> dict[str, dict[str, int]]:
        grounds: dict[str, dict[str, int]] = {}
        for ground in {g for g, _d in counts}:
            incoming, outgoing = _direction_counts(counts, ground)
            grounds[ground] = {"incoming": incoming, "outgoing": outgoing}
        return grounds

    requests, measures_ = by_ground(found["refusal"]), by_ground(found["measure_refusal"])
    columns = [
        _("Ground for refusal"),
        _("Article"),
        _("Refused by us"),
        _("Refused by the other state"),
        _("Total"),
    ]
    tables = []
    for key, title, rule, grouped in (
        (
            "refusals",
            _("Requests refused, by ground"),
            _request_rule(_("A request is counted under the ground recorded when it was refused.")),
            requests,
        ),
        (
            "measure_refusals",
            _("Measures refused, by ground"),
            _(
                "Unit: the measure sought, counted in the period of its request (received or sent "
                "in it), under the ground recorded when it was refused."
            ),
            measures_,
        ),
    ):
        rows = [
            [
                str(label),
                REFUSAL_ARTICLES.get(ground, ""),
                grouped[ground]["incoming"],
                grouped[ground]["outgoing"],
                grouped[ground]["incoming"] + grouped[ground]["outgoing"],
            ]
            for ground, label in RefusalGround.choices
            if ground in grouped
        ]
        tables.append(Table(key, title, rule, columns, rows, _sum_rows(_("All"), rows)))
    return tables


def postponements(cases: CaseQuerySet, period: Period) -> Table:
    """Postponements of execution recorded in the period (art. 18(25))."""
    grouped: dict[Any, Any] = {
        r["case__direction"]: r
        for r in CaseEvent.objects.filter(
            case__in=cases.values("pk"),
            kind=EventKind.TRANSITION,
            to_status=Status.POSTPONED,
            # The days of the period in the site's time zone, as a range of instants: the
            # index on the postponements' times can answer it (``at__date`` could not).
            at__gte=_day_start(period.start),
            at__lt=_day_start(period.end + datetime.timedelta(days=1)),
        )
        .values("case__direction")
        .annotate(postponements=Count("*"), requests=Count("case", distinct=True))
        .order_by()
    }
    rows = [
        [
            _("Postponed by us (received requests)"),
            POSTPONEMENT_ARTICLE,
            grouped.get(Direction.INCOMING, {}).get("postponements", 0),
            grouped.get(Direction.INCOMING, {}).get("requests", 0),
        ],
        [
            _("Postponed by the other state (sent requests)"),
            POSTPONEMENT_ARTICLE,
            grouped.get(Direction.OUTGOING, {}).get("postponements", 0),
            grouped.get(Direction.OUTGOING, {}).get("requests", 0),
        ],
    ]
    return Table(
        "postponements",
        _("Postponements of execution"),
        _(
            "Unit: the postponement, placed in the period by the day it was recorded; a request "
            "postponed twice counts twice under postponements and once under requests. The ground "
            "is the one of art. 18(25): interference with an ongoing investigation, prosecution "
            "or judicial proceeding."
        ),
        [_("Postponement"), _("Article"), _("Postponements"), _("Requests")],
        rows,
    )


def _day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


# --- Backlog, clearance ----------------------------------------------------------------------


@dataclass(frozen=True)
class Flow:
    direction: str
    started: int
    disposed: int
    pending_at_end: int
    # Disposed in the period per 100 started in it.
    clearance_rate: float | None
    # Pending at the end / disposed in the period, times the days of the period (CEPEJ).
    disposition_time: float | None


def backlog(cases: CaseQuerySet, period: Period, today: datetime.date) -> Table:
    """Requests pending at the end of the period (or today), by age band and direction."""
    as_of = min(period.end, today)
    age = DaysBetween(Value(as_of, output_field=models.DateField()), F("start"))
    bands = models.Case(
        *[When(age__lte=limit, then=Value(name)) for name, limit in AGE_BANDS if limit is not None],
        default=Value(AGE_BANDS[-1][0]),
    )
    grouped: dict[Any, Any] = {
        r["band"]: r
        for r in pending_at(cases, as_of)
        .annotate(age=age)
        .annotate(band=bands)
        .values("band")
        .annotate(**by_direction())
        .order_by()
    }
    labels = {
        "0-30": _("Up to 30 days"),
        "31-90": _("31 to 90 days"),
        "91-180": _("91 to 180 days"),
        "181-365": _("181 days to a year"),
        "366+": _("More than a year"),
    }
    rows = [
        _with_total(
            labels[name],
            grouped.get(name, {}).get("incoming", 0),
            grouped.get(name, {}).get("outgoing", 0),
        )
        for name, _limit in AGE_BANDS
    ]
    return Table(
        "backlog",
        _("Backlog and its age"),
        _(
            "Unit: the request. Pending: received (incoming) or sent (outgoing) on or before the "
            "end of the period (or today, if sooner) and not yet executed, refused, withdrawn or "
            "closed on that day. Age: days from receipt or sending to that day."
        ),
        _direction_columns(_("Age")),
        rows,
        _sum_rows(_("All"), rows),
    )


def pending_at(cases: CaseQuerySet, day: datetime.date) -> CaseQuerySet:
    """Requests started on or before ``day`` and not disposed of on it."""
    return (
        cases.annotate(start=START_DATE, disposed=disposed_on())
        .filter(start__lte=day)
        .filter(Q(status_is_final=False) | Q(disposed__gt=day))
    )


def flows(
    cases: CaseQuerySet, period: Period, today: datetime.date, facts: Facts | None = None
) -> list[Flow]:
    """Clearance rate and disposition time per direction (court-performance indicators)."""
    found = _facts(facts, cases, period, "kind", DISPOSED)
    # Every request started has one kind: the kinds' counts add up to the requests started.
    started: dict[str, int] = defaultdict(int)
    for (_kind, direction), (n, *_rest) in found["kind"].items():
        started[direction] += n
    disposed = {direction: n for (_key, direction), (n, *_rest) in found[DISPOSED].items()}
    as_of = min(period.end, today)
    pending = {r["direction"]: r["n"] for r in _counts(pending_at(cases, as_of))}
    # The days of the period observed so far: a period running into the future counts to today.
    days = max((as_of - period.start).days + 1, 0)
    result = []
    for direction in (Direction.INCOMING, Direction.OUTGOING):
        s, d, p = started.get(direction, 0), disposed.get(direction, 0), pending.get(direction, 0)
        result.append(
            Flow(
                direction,
                s,
                d,
                p,
                round(100 * d / s, 1) if s else None,
                round(p / d * days, 1) if d and days else None,
            )
        )
    return result


def _counts(cases: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in cases.values("direction").annotate(n=Count("*")).order_by()]


def flows_table(rows: list[Flow]) -> Table:
    labels: dict[str, str] = {
        Direction.INCOMING: _("Received (incoming)"),
        Direction.OUTGOING: _("Sent (outgoing)"),
    }
    return Table(
        "clearance",
        _("Clearance rate and disposition time"),
        _(
            "Unit: the request. Started: received or sent in the period. Disposed: executed, "
            "refused, withdrawn or closed in the period, whenever it started. Clearance rate: "
            "disposed per 100 started. Pending: as in the backlog. Disposition time: pending at "
            "the end divided by disposed, times the days of the period (the CEPEJ indicator)."
        ),
        [
            _("Direction"),
            _("Started"),
            _("Disposed"),
            _("Clearance rate (%)"),
            _("Pending at the end"),
            _("Disposition time (days)"),
        ],
        [
            [
                labels[f.direction],
                f.started,
                f.disposed,
                f.clearance_rate,
                f.pending_at_end,
                f.disposition_time,
            ]
            for f in rows
        ],
    )


# --- Completeness ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    key: str
    label: str
    count: int
    # The figures it leaves short.
    affects: str


def completeness(cases: CaseQuerySet, period: Period, facts: Facts | None = None) -> list[Gap]:
    """How many records lack what a figure needs."""
    counts: dict[str, int] = defaultdict(int)
    for (gap, _direction), (n, *_rest) in _facts(facts, cases, period, "gap")["gap"].items():
        counts[gap] += n
    # Requests under way whose start date is missing fall in no period at all.
    unplaced = (
        cases.exclude(status=Status.DRAFT)
        .filter(
            Q(direction=Direction.INCOMING, received_on__isnull=True)
            | Q(direction=Direction.OUTGOING, sent_on__isnull=True)
        )
        .exclude(direction=Direction.OUTGOING, status=Status.WITHDRAWN, sent_on__isnull=True)
        .count()
    )
    every_figure = _("every figure")
    return [
        Gap(
            "no_start",
            _("Requests under way without their date of receipt or sending (any period)"),
            unplaced,
            every_figure,
        ),
        Gap(
            "no_iccs",
            _("Requests of the period with no offence coded in ICCS"),
            counts["no_iccs"],
            _("Requests by ICCS section and code"),
        ),
        Gap(
            "no_basis",
            _("Requests of the period with no legal basis recorded"),
            counts["no_basis"],
            _("Requests by legal basis"),
        ),
        Gap(
            "no_ack",
            _("Requests of the period past acknowledgement without its date"),
            counts["no_ack"],
            _("Time taken, in days"),
        ),
        Gap(
            "no_execution",
            _("Requests of the period executed without the date of execution"),
            counts["no_execution"],
            _("Time taken, in days"),
        ),
        Gap(
            "no_disposal",
            _("Requests of the period ended without any date of disposition"),
            counts["no_disposal"],
            _("Time taken, in days; clearance rate; backlog"),
        ),
        Gap(
            "no_ground",
            _("Requests of the period refused without a ground"),
            counts["no_ground"],
            _("Requests refused, by ground"),
        ),
    ]


def completeness_table(gaps: list[Gap]) -> Table:
    return Table(
        "completeness",
        _("Completeness of the records"),
        _(
            "Unit: the request. Each row counts the requests that lack what a figure needs; they "
            "are left out of that figure, never guessed. The first row counts requests of any "
            "period; the others, requests received or sent in the period."
        ),
        [_("What is missing"), _("Requests"), _("Figures left short")],
        [[gap.label, gap.count, gap.affects] for gap in gaps],
    )


def shortfall_sentence(gaps: list[Gap]) -> str:
    missing = sum(1 for gap in gaps if gap.count)
    if not missing:
        return _("No record lacks what the figures need.")
    return ngettext(
        "%(count)d kind of gap in the records leaves figures short: see the completeness report.",
        "%(count)d kinds of gap in the records leave figures short: see the completeness report.",
        missing,
    ) % {"count": missing}


# --- Everything ------------------------------------------------------------------------------


@dataclass
class Statistics:
    period: Period
    as_of: datetime.date
    tables: list[Table]
    gaps: list[Gap]
    durations: list[Durations]
    flows: list[Flow]


def compute(
    cases: CaseQuerySet, period: Period, today: datetime.date, facts: Facts | None = None
) -> Statistics:
    """Every table for ``cases`` (already ``for_user``) in ``period``, as of ``today``.

    ``facts``: the additive counts of ``cases`` in ``period`` when they were read from the
    monthly summary (``facts.for_authorities``); otherwise counted here from the records."""
    if facts is None:
        facts = from_records(cases, [period], TABLES)
    times = durations(cases, period, today)
    flow = flows(cases, period, today, facts)
    gaps = completeness(cases, period, facts)
    tables = [
        by_kind(cases, period, facts),
        *by_state_and_region(cases, period, facts),
        by_legal_basis(cases, period, facts),
        *by_iccs(cases, period, facts),
        by_channel(cases, period, facts),
        by_urgency(cases, period, facts),
        measures(cases, period, facts),
        durations_table(times),
        *refusals(cases, period, facts),
        postponements(cases, period),
        backlog(cases, period, today),
        flows_table(flow),
        completeness_table(gaps),
    ]
    return Statistics(period, min(period.end, today), tables, gaps, times, flow)
