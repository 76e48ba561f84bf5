"""The monthly summary of additive figures (decision 0046) against the records, after each
kind of write: every case action that changes a counted field, a bulk update that bypasses the
actions, a deletion; on SQLite and PostgreSQL (the triggers are each database's own)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from conftest import Personas
from rogatory.cases.actions import (
    do_add_measure,
    do_add_offence,
    do_change_measure_status,
    do_remove_offence,
    do_transition,
    do_update_case,
)
from rogatory.cases.choices import Direction, MeasureStatus, RefusalGround
from rogatory.cases.models import Case
from rogatory.cases.stats import Period
from rogatory.cases.tests.conftest import MakeCase
from rogatory.reference.models import IccsCategory
from rogatory.statistics import facts
from rogatory.statistics.models import MonthlyFact, StaleMonth
from rogatory.treaties.models import Instrument

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat

# Whole months, days at one end or both, a single day, a span of years.
PERIODS = [
    Period(D("2025-01-01"), D("2025-12-31")),
    Period(D("2025-02-10"), D("2025-05-20")),
    Period(D("2025-03-01"), D("2025-03-14")),
    Period(D("2025-03-05"), D("2025-03-05")),
    Period(D("2025-03-16"), D("2025-04-30")),
    Period(D("1990-01-01"), D("2049-12-31")),
]


def _plain(found: facts.Facts) -> dict[str, dict[Any, list[int]]]:
    """Facts without empty cells (the summary keeps no zero rows)."""
    return {
        name: {cell: n for cell, n in counts.items() if any(n)}
        for name, counts in found.items()
        if any(any(n) for n in counts.values())
    }


def assert_summary_matches_records(*authorities: Any) -> None:
    ids = [a.pk for a in authorities]
    cases = Case.objects.filter(authority_id__in=ids)
    for period in PERIODS:
        summed = _plain(facts.for_authorities(ids, period))
        counted = _plain(facts.from_records(cases, [period]))
        assert summed == counted, period


@pytest.fixture
def requests_(make_case: MakeCase, personas: Personas) -> dict[str, Case]:
    """Requests of authority A started in March and April 2025, one of B in March."""
    inc, out = Direction.INCOMING, Direction.OUTGOING
    made = {
        "I1": make_case(inc, received_on=D("2025-03-03")),
        "I2": make_case(inc, received_on=D("2025-03-20"), kind="extradition"),
        "I3": make_case(inc, received_on=D("2025-04-02"), channel="interpol"),
        "O1": make_case(out, sent_on=D("2025-03-10")),
        "B1": make_case(inc, authority=personas.authority_b, received_on=D("2025-03-12")),
    }
    for case in made.values():
        case.refresh_from_db()
    return made


def test_registered_requests_are_counted(requests_: dict[str, Case], personas: Personas) -> None:
    assert StaleMonth.objects.exists()  # the triggers marked the months
    assert_summary_matches_records(personas.authority_a)
    assert not StaleMonth.objects.exists()  # and reading counted them
    assert MonthlyFact.objects.filter(month=D("2025-03-01"), fact="kind").exists()
    assert_summary_matches_records(personas.authority_a, personas.authority_b)
    # Across authorities, the sum of each one's.
    both = facts.for_authorities([personas.authority_a.pk, personas.authority_b.pk], PERIODS[0])
    assert sum(n[0] for n in both["kind"].values()) == 5


def test_a_counted_field_changed_by_the_action(
    requests_: dict[str, Case], personas: Personas
) -> None:
    assert_summary_matches_records(personas.authority_a)
    untoc = Instrument.objects.get(code="untoc")
    do_update_case(
        requests_["I1"],
        {"channel": "diplomatic", "legal_basis": untoc, "requesting_state_id": "BR"},
        acting_user=personas.officer,
    )
    assert StaleMonth.objects.filter(month=D("2025-03-01")).exists()
    assert_summary_matches_records(personas.authority_a)
    summed = facts.for_authorities([personas.authority_a.pk], PERIODS[0])
    assert summed["state"][("BR", Direction.INCOMING)][0] == 1


def test_a_start_date_moved_to_another_month_counts_in_both(
    requests_: dict[str, Case], personas: Personas
) -> None:
    assert_summary_matches_records(personas.authority_a)
    do_update_case(requests_["I3"], {"received_on": D("2025-03-25")}, acting_user=personas.officer)
    assert set(StaleMonth.objects.values_list("month", flat=True)) >= {
        D("2025-03-01"),
        D("2025-04-01"),
    }
    assert_summary_matches_records(personas.authority_a)


def test_transitions_to_execution_and_refusal(
    requests_: dict[str, Case], personas: Personas
) -> None:
    assert_summary_matches_records(personas.authority_a)
    case, officer = requests_["I1"], personas.officer
    for name in ("acknowledge", "review", "execute_start"):
        do_transition(case, name, acting_user=officer, on=D("2025-03-28"))
    for measure in case.measures.all():
        do_change_measure_status(measure, MeasureStatus.IN_EXECUTION, acting_user=officer)
        do_change_measure_status(measure, MeasureStatus.EXECUTED, acting_user=officer)
    do_transition(case, "execute", acting_user=officer, on=D("2025-03-28"))
    # Refused: the ground counts, and the request is disposed of in another month.
    other = requests_["I2"]
    for name in ("acknowledge", "review", "consult"):
        do_transition(other, name, acting_user=officer, reason="Questions.", on=D("2025-03-22"))
    do_transition(
        other,
        "refuse",
        acting_user=officer,
        reason="No dual criminality.",
        ground=RefusalGround.NO_DUAL_CRIMINALITY,
        on=D("2025-05-06"),
    )
    other.refresh_from_db()
    disposed = other.disposed_on
    assert disposed is not None
    month = disposed.replace(day=1)
    assert StaleMonth.objects.filter(month=month).exists()
    assert_summary_matches_records(personas.authority_a)
    that_month = facts.for_authorities([personas.authority_a.pk], Period(month, disposed))
    assert that_month["disposed"][("", Direction.INCOMING)][0] >= 1


def test_offences_added_changed_and_removed(requests_: dict[str, Case], personas: Personas) -> None:
    assert_summary_matches_records(personas.authority_a)
    case = requests_["O1"]
    first, second = IccsCategory.objects.filter(code__regex=r"^[0-9]{4}$").order_by("code")[:2]
    offence = do_add_offence(
        case, national_name="Bribery", iccs=first, acting_user=personas.officer
    )
    assert_summary_matches_records(personas.authority_a)
    assert facts.for_authorities([personas.authority_a.pk], PERIODS[0])["iccs_code"]
    offence.iccs = second
    offence.save()  # outside the actions: the trigger still sees it
    assert_summary_matches_records(personas.authority_a)
    do_remove_offence(offence, acting_user=personas.officer)
    assert_summary_matches_records(personas.authority_a)


def test_measures_added_executed_refused_and_removed(
    requests_: dict[str, Case], personas: Personas
) -> None:
    assert_summary_matches_records(personas.authority_a)
    case, officer = requests_["I1"], personas.officer
    measure = do_add_measure(case, kind="search_and_seizure", acting_user=officer)
    assert_summary_matches_records(personas.authority_a)
    for name in ("acknowledge", "review", "execute_start"):
        do_transition(case, name, acting_user=officer, on=D("2025-03-28"))
    do_change_measure_status(measure, MeasureStatus.IN_EXECUTION, acting_user=officer)
    do_change_measure_status(
        measure,
        MeasureStatus.REFUSED,
        acting_user=officer,
        reason="Not in our law.",
        ground=RefusalGround.DOMESTIC_LAW_PROHIBITS,
    )
    assert_summary_matches_records(personas.authority_a)
    summed = facts.for_authorities([personas.authority_a.pk], PERIODS[0])
    assert summed["measure_refusal"][(RefusalGround.DOMESTIC_LAW_PROHIBITS, "incoming")][0] == 1
    # Removed outside the actions (a request under way keeps its measures there).
    case.measures.filter(pk=measure.pk).delete()
    assert_summary_matches_records(personas.authority_a)


def test_a_bulk_update_and_a_deletion_outside_the_actions(
    requests_: dict[str, Case], personas: Personas
) -> None:
    assert_summary_matches_records(personas.authority_a)
    Case.objects.filter(authority=personas.authority_a).update(urgency="urgent")
    assert_summary_matches_records(personas.authority_a)
    Case.objects.filter(pk=requests_["I3"].pk).delete()
    assert_summary_matches_records(personas.authority_a)


def test_rebuild_gives_the_same_summary(requests_: dict[str, Case], personas: Personas) -> None:
    facts.refresh()
    before = sorted(
        MonthlyFact.objects.values_list("authority_id", "month", "fact", "key", "direction", "n1")
    )
    MonthlyFact.objects.all().delete()
    facts.rebuild()
    after = sorted(
        MonthlyFact.objects.values_list("authority_id", "month", "fact", "key", "direction", "n1")
    )
    assert before == after and after


def test_the_generator_leaves_the_summary_counted() -> None:
    """``manage.py generate_cases`` writes by COPY (PostgreSQL) or in bulk (SQLite): the
    triggers mark its months and its last step counts them."""
    from rogatory.cases import synthetic
    from rogatory.statistics.synthetic import SummaryOfGenerated

    assert SummaryOfGenerated in synthetic.EXTENSIONS
    spec = synthetic.Spec(cases=300, events=3000, authorities=2, seed=5, batch=100)
    report = synthetic.generate(spec)
    assert report.extra["months summarised"] > 0
    assert not StaleMonth.objects.exists()
    authorities = {case.authority for case in Case.objects.select_related("authority")}
    assert_summary_matches_records(*authorities)


@pytest.mark.parametrize(
    ("start", "end", "months", "edges"),
    [
        ("2025-01-01", "2025-12-31", ("2025-01-01", "2025-12-01"), []),
        (
            "2025-01-15",
            "2025-03-10",
            ("2025-02-01", "2025-02-01"),
            [("2025-01-15", "2025-01-31"), ("2025-03-01", "2025-03-10")],
        ),
        ("2025-02-01", "2025-02-27", None, [("2025-02-01", "2025-02-27")]),
        ("2024-02-01", "2024-02-29", ("2024-02-01", "2024-02-01"), []),
        ("2025-03-05", "2025-03-05", None, [("2025-03-05", "2025-03-05")]),
        (
            "2025-01-31",
            "2025-03-01",
            ("2025-02-01", "2025-02-01"),
            [("2025-01-31", "2025-01-31"), ("2025-03-01", "2025-03-01")],
        ),
    ],
)
def test_a_period_splits_into_whole_months_and_days(
    start: str, end: str, months: tuple[str, str] | None, edges: list[tuple[str, str]]
) -> None:
    found_months, found_edges = facts.split(Period(D(start), D(end)))
    assert found_months == (tuple(D(m) for m in months) if months else None)
    assert [(e.start, e.end) for e in found_edges] == [(D(a), D(b)) for a, b in edges]
