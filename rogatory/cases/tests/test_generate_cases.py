"""The synthetic-load generator: consistent data, the refusals, reproducibility."""

from __future__ import annotations

import datetime
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rogatory.accounts.models import Authority, Role, User
from rogatory.audit.models import AuditEntry
from rogatory.cases import synthetic
from rogatory.cases.choices import (
    OPEN_MEASURE_STATUSES,
    Direction,
    EventKind,
    MeasureStatus,
    Status,
)
from rogatory.cases.lifecycle import BY_NAME, INITIAL_STATUS
from rogatory.cases.models import Case, CaseEvent, Measure, Offence, Person
from rogatory.cases.tests.conftest import MakeCase
from rogatory.reference.models import IccsCategory

TODAY = datetime.date(2026, 11, 24)
TINY = synthetic.Spec(cases=200, events=2000, authorities=2, seed=7, batch=64, today=TODAY)


def test_the_chain_never_leaves_the_lifecycle() -> None:
    for direction, table in synthetic.CHAIN.items():
        for status, moves in table.items():
            assert moves, status
            for name, weight, median, sigma in moves:
                transition = BY_NAME[name]
                assert status in transition.sources, (direction, status, name)
                assert direction in transition.directions, (direction, status, name)
                assert weight > 0 and median > 0 and sigma > 0


@pytest.mark.django_db
def test_tiny_generation_is_consistent() -> None:
    report = synthetic.generate(TINY)

    bench = Authority.objects.filter(code__startswith="bench-")
    assert sorted(bench.values_list("code", flat=True)) == ["bench-01", "bench-02"]
    assert report.cases == Case.objects.count() == 200
    assert report.events == CaseEvent.objects.count() == 2000
    assert report.offences == Offence.objects.count()
    assert report.persons == Person.objects.count()
    assert report.measures == Measure.objects.count()
    assert not Case.objects.exclude(authority__in=bench).exists()
    assert not AuditEntry.objects.exists()  # outside the audit chain, by design
    for authority in bench:
        members = User.objects.filter(authority=authority)
        assert 3 <= members.filter(role=Role.OFFICER).count() <= 8
        assert members.filter(role=Role.SUPERVISOR).count() == 1
        assert not any(user.has_usable_password() for user in members)

    codes = set(IccsCategory.objects.values_list("code", flat=True))
    assert set(Offence.objects.values_list("iccs_id", flat=True)) <= codes
    events: dict[int, list[CaseEvent]] = defaultdict(list)
    for event in CaseEvent.objects.order_by("at", "id"):
        events[event.case_id].append(event)
    measures: dict[int, list[str]] = defaultdict(list)
    for case_id, status in Measure.objects.values_list("case_id", "status"):
        measures[case_id].append(status)
    first = TODAY - datetime.timedelta(days=5 * 365)
    for case in Case.objects.all():
        assert case.search_text and case.search_text == case.search_text.lower()
        assert case.our_reference.lower() in case.search_text
        assert case.counterpart_state_id == (
            case.requesting_state_id if case.is_incoming else case.requested_state_id
        )
        assert case.requesting_state_id != case.requested_state_id
        assert 1 <= len(measures[case.pk]) <= 4
        assert case.offences.exists() and case.persons.exists()
        start = case.received_on if case.is_incoming else case.drafted_on
        assert start is not None and first <= start <= TODAY
        assert case.created_at.date() == start

        # The history walks the lifecycle from the initial status to the case's status.
        history = events[case.pk]
        assert history[0].kind == EventKind.REGISTERED
        assert history[0].to_status == INITIAL_STATUS[case.direction]
        status = history[0].to_status
        for event in (e for e in history if e.kind == EventKind.TRANSITION):
            transition = BY_NAME[event.details["action"]]
            assert event.from_status == status and status in transition.sources
            assert case.direction in transition.directions
            assert event.to_status == transition.target
            status = event.to_status
        assert case.status == status
        assert all(e.at.date() <= TODAY for e in history)

        before_closing = (
            [e for e in history if e.kind == EventKind.TRANSITION][-1].from_status
            if case.status == Status.CLOSED
            else case.status
        )
        if before_closing == Status.EXECUTED:
            assert case.executed_on is not None and start <= case.executed_on <= TODAY
            assert MeasureStatus.EXECUTED in measures[case.pk]
            assert not set(measures[case.pk]) & OPEN_MEASURE_STATUSES
        elif case.status != Status.CLOSED:
            assert case.executed_on is None
        if before_closing == Status.REFUSED:
            assert case.refusal_ground
            assert set(measures[case.pk]) == {MeasureStatus.REFUSED}
        if case.status == Status.CLOSED:
            assert case.closed_on is not None and case.closed_on <= TODAY
        # The dates a move sets (sent_on, acknowledged_on …) are those of the moves.
        for event in (e for e in history if e.kind == EventKind.TRANSITION):
            date_field = BY_NAME[event.details["action"]].date_field
            if date_field:
                assert getattr(case, date_field).isoformat() == event.details["on"]
        if case.direction == Direction.INCOMING:
            assert case.drafted_on is None and case.sent_on is None
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses <= set(Status.values)
    assert {Status.EXECUTED, Status.CLOSED, Status.IN_EXECUTION} <= statuses


@pytest.mark.django_db
def test_search_text_is_what_the_actions_would_write() -> None:
    from rogatory.cases.actions import search_text_for

    synthetic.generate(synthetic.Spec(cases=30, events=60, authorities=1, today=TODAY))
    for case in Case.objects.all():
        assert case.search_text == search_text_for(case)


@pytest.mark.django_db
def test_same_seed_same_data_and_replace() -> None:
    def snapshot() -> list[tuple[str, str, str]]:
        return list(
            Case.objects.order_by("our_reference", "authority__code").values_list(
                "authority__code", "our_reference", "subject"
            )
        )

    spec = synthetic.Spec(cases=40, events=200, authorities=2, seed=3, today=TODAY)
    synthetic.generate(spec)
    first, users = snapshot(), User.objects.count()

    with pytest.raises(synthetic.GenerationRefused, match="--replace"):
        synthetic.check_can_generate()
    synthetic.check_can_generate(replace=True)
    assert synthetic.delete_bench_cases(chunk=15) == 40
    synthetic.generate(spec)
    assert snapshot() == first
    assert User.objects.count() == users  # the bench users are found, not made again
    assert CaseEvent.objects.count() == 200


@pytest.mark.django_db
def test_refuses_a_database_with_real_casework(make_case: MakeCase) -> None:
    synthetic.check_can_generate()
    make_case()
    with pytest.raises(synthetic.GenerationRefused, match="real casework"):
        synthetic.check_can_generate()
    with pytest.raises(CommandError, match="real casework"):
        call_command("generate_cases", cases=5, events=10, authorities=1, stdout=StringIO())
    assert not Authority.objects.filter(code__startswith="bench-").exists()
    synthetic.check_can_generate(force=True)


@pytest.mark.django_db
def test_command_prints_progress_and_checks_sizes() -> None:
    out = StringIO()
    call_command(
        "generate_cases",
        cases=20,
        events=50,
        authorities=1,
        batch=7,
        today=TODAY,
        stdout=out,
    )
    assert "20/20 cases" in out.getvalue()
    assert Case.objects.count() == 20 and CaseEvent.objects.count() == 50
    with pytest.raises(CommandError, match="--events >= --cases"):
        call_command("generate_cases", cases=10, events=5, replace=True, stdout=StringIO())
