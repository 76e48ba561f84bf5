"""The disposition day stored on the request (``Case.disposed_on``, decision 0044 "Later").

``do_transition`` writes it in the move's transaction whenever a request reaches or leaves a
final status, by the rule the statistics computed with a subquery until now
(``stats.disposition_day``): the execution date, else the day of the first move to a final
status in the history, else the closing date. The generator writes it too, and migration
``0014_case_disposed_on`` fills it for the requests already recorded.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from conftest import Personas, migrate, migrated_back
from rogatory.cases import synthetic
from rogatory.cases.actions import do_transition
from rogatory.cases.choices import Direction, EventKind, MeasureStatus, RefusalGround, Status
from rogatory.cases.lifecycle import BY_NAME, Transition
from rogatory.cases.models import Case, Measure
from rogatory.cases.stats import disposition_day
from rogatory.cases.tests.conftest import MakeCase
from rogatory.reference.loaders import load_reference_data

REASON = "The requesting state was consulted on 3 March."
GROUND = RefusalGround.NO_DUAL_CRIMINALITY.value
RECEIVED = datetime.date(2025, 1, 6)
ON = datetime.date(2025, 3, 14)
# The moment of the move, a few days after the date it records (a move entered late).
AT = datetime.datetime(2025, 3, 20, 10, 30, tzinfo=datetime.UTC)
LATER = datetime.datetime(2025, 4, 2, 9, 0, tzinfo=datetime.UTC)


def in_status(make_case: MakeCase, direction: str, status: str) -> Case:
    """A request of authority A put in ``status`` directly (test setup only)."""
    start = "received_on" if direction == Direction.INCOMING else "drafted_on"
    case = make_case(direction, **{start: RECEIVED})
    Case.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    return case


def stored(case: Case) -> datetime.date | None:
    return Case.objects.values_list("disposed_on", flat=True).get(pk=case.pk)


def by_rule(case: Case) -> datetime.date | None:
    return Case.objects.values_list(disposition_day(), flat=True).get(pk=case.pk)


@pytest.mark.django_db
def test_execution_disposes_on_the_execution_date(make_case: MakeCase, personas: Personas) -> None:
    case = in_status(make_case, Direction.INCOMING, Status.IN_EXECUTION)
    Measure.objects.filter(case=case).update(status=MeasureStatus.EXECUTED)
    do_transition(case, "execute", acting_user=personas.officer, on=ON, at=AT)
    assert case.executed_on == ON
    assert stored(case) == case.disposed_on == ON
    # Closing the file later leaves the disposition where it was.
    do_transition(case, "close", acting_user=personas.officer, on=LATER.date(), at=LATER)
    assert (case.status, case.closed_on, stored(case)) == (Status.CLOSED, LATER.date(), ON)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("direction", "status", "name", "target"),
    [
        (Direction.INCOMING, Status.CONSULTATION, "refuse", Status.REFUSED),
        (Direction.OUTGOING, Status.SENT, "record_refusal", Status.REFUSED),
        (Direction.INCOMING, Status.RECEIVED, "withdraw", Status.WITHDRAWN),
        (Direction.OUTGOING, Status.DRAFT, "withdraw", Status.WITHDRAWN),
    ],
)
def test_refusal_and_withdrawal_dispose_on_the_day_of_the_move(
    make_case: MakeCase, personas: Personas, direction: str, status: str, name: str, target: str
) -> None:
    case = in_status(make_case, direction, status)
    assert stored(case) is None
    needs_ground = BY_NAME[name].needs_ground
    do_transition(
        case,
        name,
        acting_user=personas.officer,
        reason=REASON,
        ground=GROUND if needs_ground else "",
        on=ON,
        at=AT,
    )
    # The day the move was recorded in the history, as the statistics always counted it.
    assert case.status == target
    assert stored(case) == AT.date()
    do_transition(case, "close", acting_user=personas.officer, on=LATER.date(), at=LATER)
    assert stored(case) == AT.date()


@pytest.mark.django_db
def test_closing_a_partly_executed_request_disposes_on_the_day_of_the_move(
    make_case: MakeCase, personas: Personas
) -> None:
    case = in_status(make_case, Direction.INCOMING, Status.PARTIALLY_EXECUTED)
    do_transition(case, "close", acting_user=personas.officer, on=ON, at=AT)
    assert (case.closed_on, stored(case)) == (ON, AT.date())


@pytest.mark.django_db
def test_moves_between_open_statuses_leave_it_empty(
    make_case: MakeCase, personas: Personas
) -> None:
    case = in_status(make_case, Direction.INCOMING, Status.RECEIVED)
    do_transition(case, "acknowledge", acting_user=personas.officer, on=ON, at=AT)
    do_transition(case, "review", acting_user=personas.officer, at=AT)
    assert case.status == Status.UNDER_REVIEW and stored(case) is None


@pytest.mark.django_db
def test_leaving_a_final_status_clears_it_and_reaching_one_again_writes_it(
    make_case: MakeCase, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lifecycle has no reopening today; a move that leaves a final status is handled
    all the same (the column follows the rule, which reads the status and the history)."""
    reopen = Transition("reopen", "Reopen", frozenset({Status.WITHDRAWN}), Status.UNDER_REVIEW)
    monkeypatch.setitem(BY_NAME, "reopen", reopen)
    case = in_status(make_case, Direction.INCOMING, Status.RECEIVED)
    do_transition(case, "withdraw", acting_user=personas.officer, reason=REASON, at=AT)
    assert stored(case) == AT.date()

    do_transition(case, "reopen", acting_user=personas.officer, at=LATER)
    assert case.status == Status.UNDER_REVIEW
    assert stored(case) is None and case.disposed_on is None

    at = LATER + datetime.timedelta(days=5)
    do_transition(case, "withdraw", acting_user=personas.officer, reason=REASON, at=at)
    # The rule takes the first move to a final status in the history (decision 0038); a
    # reopening move, if the lifecycle gets one, will have to say whether that still holds.
    assert stored(case) == by_rule(case) == AT.date()


@pytest.mark.django_db
def test_stored_day_is_the_rule_for_every_request_moved_through_the_actions(
    make_case: MakeCase, personas: Personas
) -> None:
    """The column and the subquery it replaces agree, request by request."""
    officer = personas.officer
    executed = in_status(make_case, Direction.INCOMING, Status.IN_EXECUTION)
    Measure.objects.filter(case=executed).update(status=MeasureStatus.EXECUTED)
    do_transition(executed, "execute", acting_user=officer, on=ON, at=AT)
    refused = in_status(make_case, Direction.INCOMING, Status.CONSULTATION)
    do_transition(refused, "refuse", acting_user=officer, reason=REASON, ground=GROUND, at=AT)
    do_transition(refused, "close", acting_user=officer, on=LATER.date(), at=LATER)
    withdrawn = in_status(make_case, Direction.OUTGOING, Status.SENT)
    do_transition(withdrawn, "withdraw", acting_user=officer, reason=REASON, at=LATER)
    closed = in_status(make_case, Direction.OUTGOING, Status.PARTIALLY_EXECUTED)
    do_transition(closed, "close", acting_user=officer, on=ON, at=AT)
    open_one = in_status(make_case, Direction.INCOMING, Status.RECEIVED)
    do_transition(open_one, "acknowledge", acting_user=officer, on=ON, at=AT)

    rows = Case.objects.annotate(rule=disposition_day()).values_list("disposed_on", "rule")
    assert len(rows) == 5
    assert all(day == rule for day, rule in rows)
    assert sorted(str(day) for day, _rule in rows) == sorted(
        ["2025-03-14", "2025-03-20", "2025-04-02", "2025-03-20", "None"]
    )


@pytest.mark.django_db
def test_the_generator_writes_the_day_by_the_rule() -> None:
    synthetic.generate(
        synthetic.Spec(
            cases=150, events=1500, authorities=2, seed=11, today=datetime.date(2026, 11, 24)
        )
    )
    rows = list(Case.objects.annotate(rule=disposition_day()).values_list("disposed_on", "rule"))
    assert all(day == rule for day, rule in rows)
    final = Case.objects.filter(status_is_final=True)
    assert final.exists() and not final.filter(disposed_on__isnull=True).exists()
    assert not Case.objects.filter(status_is_final=False, disposed_on__isnull=False).exists()


# --- The backfill --------------------------------------------------------------------------

BEFORE = [("cases", "0013_case_statistics_index")]
AFTER = [("cases", "0014_case_disposed_on")]


@pytest.fixture
def before_the_column(transactional_db: None) -> Iterator[None]:
    load_reference_data()  # transactional tests start from whatever the last one flushed
    with migrated_back(BEFORE):
        yield


@pytest.mark.django_db(transaction=True)
def test_migration_fills_the_day_from_the_records(before_the_column: None) -> None:
    old_apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    OldCase = old_apps.get_model("cases", "Case")
    OldEvent = old_apps.get_model("cases", "CaseEvent")
    authority = old_apps.get_model("accounts", "Authority").objects.create(
        code="old-central", name="Old central authority", state_id="FR"
    )

    def case(name: str, status: str, **dates: datetime.date) -> int:
        row = OldCase.objects.create(
            authority=authority,
            direction=Direction.INCOMING,
            kind="mla",
            status=status,
            our_reference=name,
            subject=name,
            requesting_state_id="KE",
            requested_state_id="FR",
            counterpart_state_id="KE",
            received_on=RECEIVED,
            **dates,
        )
        return int(row.pk)

    def move(case_id: int, at: datetime.datetime, to_status: str) -> None:
        OldEvent.objects.create(
            case_id=case_id, at=at, kind=EventKind.TRANSITION, to_status=to_status
        )

    move(case("executed", Status.EXECUTED, executed_on=ON), AT, Status.EXECUTED)
    refused = case("refused then closed", Status.CLOSED, closed_on=LATER.date())
    move(refused, AT, Status.REFUSED)
    move(refused, LATER, Status.CLOSED)
    case("closed without any move", Status.CLOSED, closed_on=ON)
    case("ended without any date", Status.WITHDRAWN)
    open_one = case("open", Status.IN_EXECUTION)
    move(open_one, AT, Status.WITHDRAWN)  # an odd history: the status says open

    migrate(AFTER)

    days = dict(Case.objects.values_list("our_reference", "disposed_on"))
    assert days == {
        "executed": ON,
        "refused then closed": AT.date(),
        "closed without any move": ON,
        "ended without any date": None,
        "open": None,
    }
    rows = Case.objects.annotate(rule=disposition_day()).values_list("disposed_on", "rule")
    assert all(day == rule for day, rule in rows)
