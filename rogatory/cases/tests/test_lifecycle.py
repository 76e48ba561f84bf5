"""The request lifecycle: every transition, allowed and refused, and the moves of a measure.

The transition matrix is parametrized over ``TRANSITIONS`` × ``Status`` × ``Direction``: each
move is tried from every status in both directions. Cases are registered through the real
action and then put in the wanted status directly (test setup only).
"""

from __future__ import annotations

import datetime
from collections import deque
from typing import NamedTuple, TypedDict

import pytest

from conftest import Personas
from rogatory.audit.models import AuditEntry
from rogatory.cases.actions import do_change_measure_status, do_transition
from rogatory.cases.choices import (
    FINAL_STATUSES,
    OPEN_MEASURE_STATUSES,
    Direction,
    EventKind,
    MeasureStatus,
    MeasureType,
    RefusalGround,
    Status,
)
from rogatory.cases.lifecycle import (
    ACTIVE,
    BY_NAME,
    INITIAL_STATUS,
    MEASURE_MOVES,
    MEASURE_NEEDS_REASON,
    TRANSITIONS,
    Transition,
    TransitionRefused,
    available_transitions,
    check_measure_move,
    check_transition,
)
from rogatory.cases.models import Case, CaseEvent, Measure
from rogatory.cases.tests.conftest import MakeCase

REASON = "The requesting state was consulted on 3 March."
GROUND = RefusalGround.NO_DUAL_CRIMINALITY.value
ON = datetime.date(2025, 3, 14)
BEFORE = datetime.date(2025, 1, 6)
DATE_FIELDS = ("sent_on", "acknowledged_on", "executed_on", "closed_on")
CONSULT_FIRST = (
    "Consult the requesting state before refusing or postponing (art. 18(26)): "
    "open a consultation first."
)


def legal_moves() -> list[tuple[str, str, str]]:
    return [
        (t.name, status.value, direction)
        for t in TRANSITIONS
        for status in Status
        if status in t.sources
        for direction in sorted(t.directions)
    ]


def illegal_moves() -> list[tuple[str, str, str]]:
    return [
        (t.name, status.value, direction.value)
        for t in TRANSITIONS
        for status in Status
        for direction in Direction
        if not (status in t.sources and direction in t.directions)
    ]


def move_id(move: tuple[str, str, str]) -> str:
    name, status, direction = move
    return f"{name}-{direction}-from-{status}"


def case_in(make_case: MakeCase, direction: str, status: str, **fields: object) -> Case:
    """A request of authority A in ``status`` (set directly: this is test setup), received or
    drafted before ``ON`` (a dated step cannot come before it)."""
    fields.setdefault("received_on" if direction == Direction.INCOMING else "drafted_on", BEFORE)
    case = make_case(direction, **fields)
    Case.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    return case


def settle_measures(case: Case, status: str = MeasureStatus.EXECUTED) -> None:
    Measure.objects.filter(case=case).update(status=status)


class Snapshot(NamedTuple):
    """Everything a refused move must leave as it was."""

    status: str
    dates: tuple[datetime.date | None, ...]
    refusal_ground: str
    updated_at: datetime.datetime
    events: int
    audit: int


def snapshot(case: Case) -> Snapshot:
    fresh = Case.objects.get(pk=case.pk)
    return Snapshot(
        status=fresh.status,
        dates=tuple(getattr(fresh, f) for f in DATE_FIELDS),
        refusal_ground=fresh.refusal_ground,
        updated_at=fresh.updated_at,
        events=CaseEvent.objects.filter(case=case).count(),
        audit=AuditEntry.objects.count(),
    )


class Arguments(TypedDict):
    reason: str
    ground: str


def arguments(transition: Transition) -> Arguments:
    """What the user gives for ``transition``: a reason and a ground where it needs them."""
    return {
        "reason": REASON if transition.needs_reason else "",
        "ground": GROUND if transition.needs_ground else "",
    }


def expected_refusal(transition: Transition, status: str, direction: str) -> str:
    if direction not in transition.directions:
        return f"“{transition.label}” does not apply to an {direction} request."
    if (
        transition.name in {"refuse", "postpone"}
        and direction == Direction.INCOMING
        and status in ACTIVE
    ):
        return CONSULT_FIRST
    return f"A request that is “{Status(status).label}” cannot move to “{transition.target.label}”."


# --- The table itself ----------------------------------------------------------------------


def test_transition_names_are_unique_and_indexed() -> None:
    assert len({t.name for t in TRANSITIONS}) == len(TRANSITIONS)
    assert set(BY_NAME) == {t.name for t in TRANSITIONS}


def test_date_fields_name_case_fields() -> None:
    names = {f.name for f in Case._meta.get_fields()}
    for transition in TRANSITIONS:
        assert not transition.date_field or transition.date_field in names
    assert {t.date_field for t in TRANSITIONS} - {""} == set(DATE_FIELDS)


def test_every_refusal_is_reasoned() -> None:
    # Art. 18(23): reasons are given for any refusal.
    for transition in TRANSITIONS:
        if transition.needs_ground:
            assert transition.needs_reason
            assert transition.target == Status.REFUSED


def test_incoming_requests_are_refused_or_postponed_only_after_consultation() -> None:
    # Art. 18(26): the requested state consults before refusing or postponing.
    for transition in TRANSITIONS:
        if transition.target in {Status.REFUSED, Status.POSTPONED} and (
            Direction.INCOMING in transition.directions
        ):
            assert transition.sources == {Status.CONSULTATION}, transition.name


@pytest.mark.parametrize("direction", list(Direction))
def test_the_lifecycle_reaches_every_status_of_its_direction_and_ends_closed(
    direction: Direction,
) -> None:
    start = INITIAL_STATUS[direction]
    seen, todo = {start}, deque([start])
    while todo:
        status = todo.popleft()
        exits = [t for t in TRANSITIONS if status in t.sources and direction in t.directions]
        if status != Status.CLOSED:
            assert exits, f"{status} is a dead end for {direction} requests"
        for t in exits:
            if t.target not in seen:
                seen.add(t.target)
                todo.append(t.target)
    never = {Status.DRAFT, Status.SENT} if direction == Direction.INCOMING else {Status.RECEIVED}
    assert seen == set(Status) - never
    # Nothing leaves a closed file.
    assert not [t for t in TRANSITIONS if Status.CLOSED in t.sources]


def test_available_transitions_offer_the_moves_of_the_status_and_direction() -> None:
    def names(direction: str, status: str) -> list[str]:
        return [t.name for t in available_transitions(Case(direction=direction, status=status))]

    assert names(Direction.INCOMING, Status.RECEIVED) == ["acknowledge", "withdraw"]
    assert names(Direction.OUTGOING, Status.DRAFT) == ["send", "withdraw"]
    assert names(Direction.INCOMING, Status.CONSULTATION) == [
        "request_info",
        "execute_start",
        "postpone",
        "refuse",
        "withdraw",
    ]
    assert names(Direction.OUTGOING, Status.CONSULTATION) == [
        "request_info",
        "execute_start",
        "record_postponement",
        "record_refusal",
        "withdraw",
    ]
    assert names(Direction.INCOMING, Status.CLOSED) == []


def test_an_unknown_action_is_refused() -> None:
    case = Case(direction=Direction.INCOMING, status=Status.RECEIVED)
    with pytest.raises(TransitionRefused, match="Unknown action “fly”"):
        check_transition(case, "fly")


# --- Every allowed move --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status", "direction"), legal_moves(), ids=[move_id(m) for m in legal_moves()]
)
def test_allowed_move(
    name: str, status: str, direction: str, make_case: MakeCase, personas: Personas
) -> None:
    transition = BY_NAME[name]
    case = case_in(make_case, direction, status)
    if name in {"execute", "execute_partially"}:
        settle_measures(case)
    before = snapshot(case)

    returned = do_transition(
        case, name, acting_user=personas.officer, on=ON, **arguments(transition)
    )

    assert returned is case and case.status == transition.target
    case.refresh_from_db()
    assert case.status == transition.target
    for field, old in zip(DATE_FIELDS, before.dates, strict=True):
        assert getattr(case, field) == (ON if field == transition.date_field else old), field
    assert case.refusal_ground == (GROUND if transition.needs_ground else "")

    event = CaseEvent.objects.filter(case=case).latest("id")
    assert CaseEvent.objects.filter(case=case).count() == before.events + 1
    assert event.kind == EventKind.TRANSITION
    assert (event.from_status, event.to_status) == (status, transition.target)
    assert event.reason == (REASON if transition.needs_reason else "")
    assert event.refusal_ground == (GROUND if transition.needs_ground else "")
    assert (event.actor_id, event.actor_name) == (personas.officer.pk, "officer_a")
    assert event.details == {"action": name, "on": ON.isoformat()}

    assert AuditEntry.objects.count() == before.audit + 1
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert entry is not None
    assert entry.action == "case.transition"
    assert entry.authority_id == personas.authority_a.pk
    assert (entry.actor_id, entry.actor_name) == (personas.officer.pk, "officer_a")
    assert entry.object_type == "case" and entry.object_ref == str(case.public_id)
    assert entry.details["action"] == name
    assert entry.details["status"] == [status, transition.target]


# --- Every refused move --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status", "direction"), illegal_moves(), ids=[move_id(m) for m in illegal_moves()]
)
def test_refused_move(
    name: str, status: str, direction: str, make_case: MakeCase, personas: Personas
) -> None:
    transition = BY_NAME[name]
    case = case_in(make_case, direction, status)
    settle_measures(case)  # every guard is satisfied: only the status or direction is wrong
    before = snapshot(case)

    with pytest.raises(TransitionRefused) as refused:
        do_transition(case, name, acting_user=personas.officer, **arguments(transition))

    assert refused.value.message == expected_refusal(transition, status, direction)
    assert str(refused.value) == refused.value.message
    assert snapshot(case) == before
    assert case.status == status


@pytest.mark.parametrize(
    "status", sorted(ACTIVE - {Status.CONSULTATION}), ids=lambda status: status
)
@pytest.mark.parametrize("name", ["refuse", "postpone"])
def test_an_incoming_request_is_refused_or_postponed_only_after_consultation(
    name: str, status: str
) -> None:
    case = Case(direction=Direction.INCOMING, status=status)
    with pytest.raises(TransitionRefused) as refused:
        check_transition(case, name, reason=REASON, ground=GROUND)
    assert "art. 18(26)" in refused.value.message
    assert "consultation" in refused.value.message


def test_a_refusal_on_an_outgoing_request_says_it_does_not_apply() -> None:
    case = Case(direction=Direction.OUTGOING, status=Status.CONSULTATION)
    with pytest.raises(TransitionRefused) as refused:
        check_transition(case, "refuse", reason=REASON, ground=GROUND)
    assert refused.value.message == (
        "“Refuse (after consultation)” does not apply to an outgoing request."
    )
    with pytest.raises(TransitionRefused, match="does not apply to an incoming request"):
        check_transition(Case(direction=Direction.INCOMING, status=Status.DRAFT), "send")


# --- Reasons, grounds and guards -----------------------------------------------------------


def first_legal(transition: Transition) -> tuple[str, str]:
    status = sorted(transition.sources)[0]
    direction = sorted(transition.directions)[0]
    return status, direction


@pytest.mark.parametrize(
    "name", [t.name for t in TRANSITIONS if t.needs_reason], ids=lambda name: name
)
@pytest.mark.parametrize("reason", ["", "   \n"], ids=["empty", "blank"])
def test_a_move_that_needs_a_reason_is_refused_without_one(
    name: str, reason: str, make_case: MakeCase, personas: Personas
) -> None:
    transition = BY_NAME[name]
    status, direction = first_legal(transition)
    case = case_in(make_case, direction, status)
    before = snapshot(case)
    with pytest.raises(TransitionRefused) as refused:
        do_transition(case, name, acting_user=personas.officer, reason=reason, ground=GROUND)
    assert refused.value.message == "State the reason: it is kept with the request."
    assert snapshot(case) == before


@pytest.mark.parametrize(
    "name", [t.name for t in TRANSITIONS if t.needs_ground], ids=lambda name: name
)
# Fiscal matters (18(22)) and bank secrecy (18(8)) are not grounds for refusal.
@pytest.mark.parametrize("ground", ["", "fiscal_matters", "bank_secrecy", "OTHER"])
def test_a_refusal_without_a_valid_ground_is_refused(
    name: str, ground: str, make_case: MakeCase, personas: Personas
) -> None:
    transition = BY_NAME[name]
    status, direction = first_legal(transition)
    case = case_in(make_case, direction, status)
    before = snapshot(case)
    with pytest.raises(TransitionRefused) as refused:
        do_transition(case, name, acting_user=personas.officer, reason=REASON, ground=ground)
    assert refused.value.message == "Choose the ground for refusal."
    assert snapshot(case) == before


def test_a_ground_given_to_a_move_that_takes_none_is_not_stored(
    make_case: MakeCase, personas: Personas
) -> None:
    case = case_in(make_case, Direction.INCOMING, Status.UNDER_REVIEW)
    do_transition(case, "withdraw", acting_user=personas.officer, reason=REASON, ground=GROUND)
    assert case.refusal_ground == ""
    assert CaseEvent.objects.filter(case=case).latest("id").refusal_ground == ""


def assert_guard_refuses(case: Case, name: str, message: str, personas: Personas) -> None:
    before = snapshot(case)
    with pytest.raises(TransitionRefused) as refused:
        do_transition(case, name, acting_user=personas.officer, **arguments(BY_NAME[name]))
    assert refused.value.message == message
    assert snapshot(case) == before


def test_a_draft_without_measures_is_not_sent(make_case: MakeCase, personas: Personas) -> None:
    case = make_case(Direction.OUTGOING, measures=[])
    assert_guard_refuses(case, "send", "Add at least one measure sought first.", personas)


def test_an_incomplete_draft_is_not_sent_and_the_message_names_what_is_missing(
    make_case: MakeCase, personas: Personas
) -> None:
    case = make_case(Direction.OUTGOING, summary_of_facts="", purpose="")
    assert_guard_refuses(
        case,
        "send",
        "Before sending, give the summary of the facts, the purpose of the request.",
        personas,
    )
    Case.objects.filter(pk=case.pk).update(subject="", purpose="To trace the funds.")
    assert_guard_refuses(
        case,
        "send",
        "Before sending, give the subject matter, the summary of the facts.",
        personas,
    )


def test_sending_a_complete_draft_sets_the_date_sent(
    make_case: MakeCase, personas: Personas
) -> None:
    case = make_case(Direction.OUTGOING, drafted_on=BEFORE)
    at = datetime.datetime(2025, 6, 2, 12, 0, tzinfo=datetime.UTC)
    do_transition(case, "send", acting_user=personas.officer, at=at)
    assert case.status == Status.SENT and case.sent_on == datetime.date(2025, 6, 2)
    assert CaseEvent.objects.filter(case=case).latest("id").at == at


@pytest.mark.parametrize("direction", list(Direction))
def test_execution_does_not_start_without_measures(
    direction: str, make_case: MakeCase, personas: Personas
) -> None:
    case = case_in(make_case, direction, Status.UNDER_REVIEW, measures=[])
    assert_guard_refuses(case, "execute_start", "Add at least one measure sought first.", personas)


@pytest.mark.parametrize(
    "statuses",
    [[], [MeasureStatus.REQUESTED], [MeasureStatus.IN_EXECUTION, MeasureStatus.REFUSED]],
    ids=["no-measure", "requested", "in-execution-and-refused"],
)
def test_partial_execution_needs_an_executed_measure(
    statuses: list[str], make_case: MakeCase, personas: Personas
) -> None:
    case = case_in(make_case, Direction.INCOMING, Status.IN_EXECUTION, measures=[])
    for status in statuses:
        Measure.objects.create(case=case, kind=MeasureType.BANK_RECORDS, status=status)
    assert_guard_refuses(
        case,
        "execute_partially",
        "Mark at least one measure as executed or partially executed first.",
        personas,
    )


@pytest.mark.parametrize(
    ("statuses", "message"),
    [
        ([], "Add at least one measure sought first."),
        (
            [MeasureStatus.EXECUTED, MeasureStatus.IN_EXECUTION, MeasureStatus.POSTPONED],
            "2 measure(s) are still open: execute, refuse or withdraw them first.",
        ),
        (
            [MeasureStatus.EXECUTED, MeasureStatus.PARTIALLY_EXECUTED],
            "1 measure(s) are still open: execute, refuse or withdraw them first.",
        ),
        (
            [MeasureStatus.REFUSED, MeasureStatus.WITHDRAWN],
            "No measure was executed: record the refusal or withdrawal instead.",
        ),
    ],
    ids=["no-measure", "two-open", "one-partial", "none-executed"],
)
@pytest.mark.parametrize("status", [Status.IN_EXECUTION, Status.PARTIALLY_EXECUTED])
def test_execution_is_recorded_only_when_every_measure_is_settled(
    status: str, statuses: list[str], message: str, make_case: MakeCase, personas: Personas
) -> None:
    case = case_in(make_case, Direction.INCOMING, status, measures=[])
    for measure_status in statuses:
        Measure.objects.create(case=case, kind=MeasureType.RECORDS, status=measure_status)
    assert_guard_refuses(case, "execute", message, personas)


def test_a_partially_executed_request_becomes_executed_once_every_measure_is_settled(
    make_case: MakeCase, personas: Personas
) -> None:
    officer = personas.officer
    case = case_in(
        make_case,
        Direction.INCOMING,
        Status.IN_EXECUTION,
        measures=[MeasureType.BANK_RECORDS, MeasureType.TAKING_EVIDENCE, MeasureType.FREEZING],
    )
    bank, witness, freezing = case.measures.order_by("id")
    for measure in (bank, witness, freezing):
        do_change_measure_status(measure, MeasureStatus.IN_EXECUTION, acting_user=officer)
    # Nothing executed yet: no partial execution.
    with pytest.raises(TransitionRefused):
        do_transition(case, "execute_partially", acting_user=officer)

    do_change_measure_status(bank, MeasureStatus.EXECUTED, acting_user=officer, on=ON)
    do_change_measure_status(witness, MeasureStatus.PARTIALLY_EXECUTED, acting_user=officer)
    do_transition(case, "execute_partially", acting_user=officer)
    assert case.status == Status.PARTIALLY_EXECUTED and case.executed_on is None

    # The witness is partly heard and the freezing still runs: not executed yet.
    with pytest.raises(TransitionRefused, match="2 measure"):
        do_transition(case, "execute", acting_user=officer)
    do_change_measure_status(witness, MeasureStatus.EXECUTED, acting_user=officer)
    with pytest.raises(TransitionRefused, match="1 measure"):
        do_transition(case, "execute", acting_user=officer)
    # A withdrawn measure is settled, and one executed measure is enough.
    do_change_measure_status(
        freezing, MeasureStatus.WITHDRAWN, acting_user=officer, reason="Assets already moved."
    )
    do_transition(case, "execute", acting_user=officer, on=ON)
    assert case.status == Status.EXECUTED and case.executed_on == ON
    do_transition(case, "close", acting_user=officer, on=ON)
    assert case.status == Status.CLOSED and case.closed_on == ON
    assert case.is_final


def test_a_partially_executed_request_may_resume_or_be_closed_as_it_stands(
    make_case: MakeCase, personas: Personas
) -> None:
    officer = personas.officer
    case = case_in(make_case, Direction.OUTGOING, Status.IN_EXECUTION)
    settle_measures(case, MeasureStatus.PARTIALLY_EXECUTED)
    do_transition(case, "execute_partially", acting_user=officer)
    do_transition(case, "resume", acting_user=officer)
    assert case.status == Status.IN_EXECUTION
    do_transition(case, "execute_partially", acting_user=officer)
    # Outgoing: what the other state did is recorded, but not a refusal of a partly done request.
    with pytest.raises(TransitionRefused, match="cannot move to “Refused”"):
        do_transition(case, "record_refusal", acting_user=officer, reason=REASON, ground=GROUND)
    do_transition(case, "close", acting_user=officer, on=ON)
    assert case.status == Status.CLOSED and case.closed_on == ON and case.executed_on is None


# --- Whole lives ---------------------------------------------------------------------------


def test_an_incoming_request_from_receipt_to_refusal_after_consultation(
    make_case: MakeCase, personas: Personas
) -> None:
    officer = personas.officer
    case = make_case(Direction.INCOMING)
    assert case.status == Status.RECEIVED
    steps = [
        ("acknowledge", "", ""),
        ("review", "", ""),
        ("request_info", "Give the account numbers.", ""),
        ("info_provided", "", ""),
        ("review", "", ""),
        ("execute_start", "", ""),
        ("consult", "Execution would disclose a domestic investigation.", ""),
        ("refuse", "Dual criminality is absent.", GROUND),
        ("close", "", ""),
    ]
    for name, reason, ground in steps:
        do_transition(case, name, acting_user=officer, reason=reason, ground=ground)
    assert case.status == Status.CLOSED and case.refusal_ground == GROUND
    history = list(
        CaseEvent.objects.filter(case=case, kind=EventKind.TRANSITION)
        .order_by("id")
        .values_list("details__action", flat=True)
    )
    assert history == [name for name, _reason, _ground in steps]
    assert AuditEntry.objects.filter(
        action="case.transition", object_ref=str(case.public_id)
    ).count() == len(steps)


def test_an_outgoing_request_from_draft_to_execution(
    make_case: MakeCase, personas: Personas
) -> None:
    officer = personas.officer
    case = make_case(Direction.OUTGOING, drafted_on=BEFORE)
    assert case.status == Status.DRAFT
    do_transition(case, "send", acting_user=officer, on=datetime.date(2025, 1, 6))
    do_transition(case, "record_acknowledgement", acting_user=officer)
    do_transition(case, "record_postponement", acting_user=officer, reason="Trial pending.")
    do_transition(case, "resume", acting_user=officer)
    (measure,) = case.measures.all()
    do_change_measure_status(measure, MeasureStatus.IN_EXECUTION, acting_user=officer)
    do_change_measure_status(measure, MeasureStatus.EXECUTED, acting_user=officer)
    do_transition(case, "execute", acting_user=officer)
    assert case.status == Status.EXECUTED
    assert case.sent_on == datetime.date(2025, 1, 6)
    assert case.acknowledged_on is not None and case.executed_on is not None


def test_a_transition_works_on_the_stored_state_not_a_stale_copy(
    make_case: MakeCase, personas: Personas
) -> None:
    case = make_case(Direction.INCOMING)
    stale = Case.objects.get(pk=case.pk)
    do_transition(case, "acknowledge", acting_user=personas.officer)
    # The stale copy still says "received"; the action reads the row again and refuses.
    with pytest.raises(TransitionRefused, match="“Acknowledged” cannot move to “Acknowledged”"):
        do_transition(stale, "acknowledge", acting_user=personas.officer)
    assert stale.status == Status.RECEIVED
    assert CaseEvent.objects.filter(case=case, kind=EventKind.TRANSITION).count() == 1


def test_a_system_transition_is_attributed_to_the_system(make_case: MakeCase) -> None:
    case = make_case(Direction.INCOMING)
    do_transition(case, "acknowledge", acting_user=None)
    event = CaseEvent.objects.filter(case=case).latest("id")
    assert (event.actor_id, event.actor_name) == (None, "system")
    assert AuditEntry.objects.filter(action="case.transition").get().actor_name == "system"


# --- Moves of a measure --------------------------------------------------------------------


def measure_pairs(legal: bool) -> list[tuple[str, str]]:
    return [
        (current.value, target.value)
        for current in MeasureStatus
        for target in MeasureStatus
        if (target in MEASURE_MOVES[current]) is legal
    ]


def pair_ids(legal: bool) -> list[str]:
    return [f"{current}-to-{target}" for current, target in measure_pairs(legal)]


def test_every_measure_status_has_its_moves_and_settled_ones_have_none() -> None:
    assert set(MEASURE_MOVES) == set(MeasureStatus)
    for status, targets in MEASURE_MOVES.items():
        assert status not in targets
        assert bool(targets) is (status in OPEN_MEASURE_STATUSES), status


@pytest.mark.parametrize(("current", "target"), measure_pairs(True), ids=pair_ids(True))
def test_allowed_measure_move(current: str, target: str) -> None:
    check_measure_move(current, target, reason=REASON, ground=GROUND)
    if target in MEASURE_NEEDS_REASON:
        with pytest.raises(TransitionRefused, match="State the reason"):
            check_measure_move(current, target, reason=" ", ground=GROUND)
    if target == MeasureStatus.REFUSED:
        with pytest.raises(TransitionRefused, match="Choose the ground for refusal"):
            check_measure_move(current, target, reason=REASON, ground="fiscal_matters")
    if target not in MEASURE_NEEDS_REASON:
        check_measure_move(current, target)


@pytest.mark.parametrize(("current", "target"), measure_pairs(False), ids=pair_ids(False))
def test_refused_measure_move(current: str, target: str) -> None:
    with pytest.raises(TransitionRefused) as refused:
        check_measure_move(current, target, reason=REASON, ground=GROUND)
    assert refused.value.message == (
        f"A measure that is “{MeasureStatus(current).label}” cannot become "
        f"“{MeasureStatus(target).label}”."
    )


def test_final_statuses_are_not_open() -> None:
    assert Status.CLOSED in FINAL_STATUSES and Status.IN_EXECUTION not in FINAL_STATUSES
