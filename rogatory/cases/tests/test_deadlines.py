"""Deadlines: the default time limit of an incoming request, counted on the authority's calendar.

An incoming request for which the requesting side names no deadline is due ``execute_within``
working days after receipt (the day of receipt not counted), skipping the authority's weekend
and public holidays. A deadline the requesting side asked for takes precedence.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine

from conftest import Personas
from rogatory.accounts.models import Authority, User
from rogatory.audit.models import AuditEntry
from rogatory.cases.actions import (
    default_deadline,
    do_add_holiday,
    do_register_case,
    do_remove_holiday,
    do_transition,
    do_update_case_settings,
    settings_for,
)
from rogatory.cases.choices import Direction, Status
from rogatory.cases.models import Case, CaseSettings, Holiday
from rogatory.cases.tests.conftest import MakeCase

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2025, 3, 3)
THURSDAY = datetime.date(2025, 3, 6)
SATURDAY = datetime.date(2025, 3, 8)


def receive(authority: Authority, user: User, received_on: datetime.date, **fields: Any) -> Case:
    """Register an incoming request received on ``received_on`` (registered that day)."""
    return do_register_case(
        authority,
        direction=Direction.INCOMING,
        fields={"kind": "mla", "subject": "Fraud", "requesting_state_id": "KE"} | fields,
        acting_user=user,
        at=datetime.datetime.combine(received_on, datetime.time(12, tzinfo=datetime.UTC)),
    )


def test_settings_are_created_with_the_defaults(personas: Personas) -> None:
    case_settings = settings_for(personas.authority_a)
    assert case_settings.weekend == [5, 6]
    assert (case_settings.execute_within, case_settings.acknowledge_within) == (60, 5)
    assert settings_for(personas.authority_a) == case_settings
    assert CaseSettings.objects.count() == 1


def test_by_default_an_incoming_request_is_due_sixty_working_days_after_receipt(
    personas: Personas,
) -> None:
    case = receive(personas.authority_a, personas.officer, MONDAY)
    assert case.received_on == MONDAY
    # Twelve whole weeks of five working days.
    assert case.deadline == datetime.date(2025, 5, 26)


@pytest.mark.parametrize(
    ("received_on", "holidays", "expected"),
    [
        (MONDAY, [], datetime.date(2025, 3, 10)),
        # A holiday on a working day adds a day; one on the weekend changes nothing.
        (MONDAY, [datetime.date(2025, 3, 5)], datetime.date(2025, 3, 11)),
        (MONDAY, [SATURDAY], datetime.date(2025, 3, 10)),
        # The day of receipt is not counted, even when it is a holiday or a Saturday.
        (MONDAY, [MONDAY], datetime.date(2025, 3, 10)),
        (SATURDAY, [], datetime.date(2025, 3, 14)),
        # Holidays that push the count onto further holidays.
        (
            MONDAY,
            [datetime.date(2025, 3, 10), datetime.date(2025, 3, 11)],
            datetime.date(2025, 3, 12),
        ),
    ],
    ids=["plain", "holiday", "weekend-holiday", "receipt-on-holiday", "saturday", "chained"],
)
def test_the_default_deadline_counts_working_days_and_skips_holidays(
    received_on: datetime.date,
    holidays: list[datetime.date],
    expected: datetime.date,
    personas: Personas,
) -> None:
    a, admin = personas.authority_a, personas.authority_admin
    do_update_case_settings(a, {"execute_within": 5}, acting_user=admin)
    for day in holidays:
        do_add_holiday(a, day, "Public holiday", acting_user=admin)
    assert default_deadline(a, received_on) == expected
    assert receive(a, personas.officer, received_on).deadline == expected


def test_a_friday_saturday_weekend_is_honoured(personas: Personas) -> None:
    a, b = personas.authority_a, personas.authority_b
    do_update_case_settings(
        b, {"weekend": [4, 5], "execute_within": 1}, acting_user=personas.outsider_admin
    )
    do_update_case_settings(a, {"execute_within": 1}, acting_user=personas.authority_admin)
    # One working day after a Thursday: Sunday with B's Friday–Saturday weekend, Friday in A.
    assert receive(b, personas.outsider, THURSDAY, requesting_state_id="FR").deadline == (
        datetime.date(2025, 3, 9)
    )
    assert receive(a, personas.officer, THURSDAY).deadline == datetime.date(2025, 3, 7)
    # Sunday counts in a Friday-Saturday week: three working days after Thursday is Tuesday.
    do_update_case_settings(b, {"execute_within": 3}, acting_user=personas.outsider_admin)
    assert default_deadline(b, THURSDAY) == datetime.date(2025, 3, 11)


def test_only_the_authority_s_own_holidays_count(personas: Personas) -> None:
    a, b = personas.authority_a, personas.authority_b
    for authority, admin in ((a, personas.authority_admin), (b, personas.outsider_admin)):
        do_update_case_settings(authority, {"execute_within": 5}, acting_user=admin)
    do_add_holiday(b, datetime.date(2025, 3, 5), "B's holiday", acting_user=personas.outsider_admin)
    assert default_deadline(a, MONDAY) == datetime.date(2025, 3, 10)
    assert default_deadline(b, MONDAY) == datetime.date(2025, 3, 11)


def test_the_deadline_asked_by_the_requesting_side_takes_precedence(personas: Personas) -> None:
    asked = datetime.date(2025, 3, 20)  # earlier than the default: a trial date, say
    case = receive(personas.authority_a, personas.officer, MONDAY, requested_deadline=asked)
    assert case.requested_deadline == asked and case.deadline == asked
    later = datetime.date(2026, 1, 30)
    case = receive(personas.authority_a, personas.officer, MONDAY, requested_deadline=later)
    assert case.deadline == later


def test_a_deadline_given_at_registration_is_kept(personas: Personas) -> None:
    given = datetime.date(2025, 4, 4)
    case = receive(
        personas.authority_a,
        personas.officer,
        MONDAY,
        deadline=given,
        requested_deadline=datetime.date(2025, 6, 1),
    )
    assert case.deadline == given


def test_the_default_deadline_counts_from_the_day_of_receipt_not_of_registration(
    personas: Personas,
) -> None:
    do_update_case_settings(
        personas.authority_a, {"execute_within": 5}, acting_user=personas.authority_admin
    )
    registered = datetime.datetime(2025, 3, 12, 9, 0, tzinfo=datetime.UTC)
    case = do_register_case(
        personas.authority_a,
        direction=Direction.INCOMING,
        fields={
            "kind": "mla",
            "subject": "Fraud",
            "requesting_state_id": "KE",
            "received_on": MONDAY,
        },
        acting_user=personas.officer,
        at=registered,
    )
    assert case.received_on == MONDAY and case.deadline == datetime.date(2025, 3, 10)


def test_an_outgoing_request_has_only_the_deadline_we_give_it(
    make_case: MakeCase, personas: Personas
) -> None:
    assert make_case(Direction.OUTGOING).deadline is None
    asked = datetime.date(2025, 9, 1)
    assert make_case(Direction.OUTGOING, requested_deadline=asked).deadline == asked


def test_changing_the_settings_later_does_not_move_existing_deadlines(
    personas: Personas,
) -> None:
    case = receive(personas.authority_a, personas.officer, MONDAY)
    do_update_case_settings(
        personas.authority_a, {"execute_within": 5}, acting_user=personas.authority_admin
    )
    do_add_holiday(
        personas.authority_a,
        datetime.date(2025, 4, 21),
        "Easter Monday",
        acting_user=personas.authority_admin,
    )
    case.refresh_from_db()
    assert case.deadline == datetime.date(2025, 5, 26)


def test_registering_today_uses_today_s_date_and_year(
    make_case: MakeCase, personas: Personas
) -> None:
    with time_machine.travel(datetime.datetime(2025, 3, 3, 8, 30, tzinfo=datetime.UTC), tick=False):
        case = make_case(Direction.INCOMING)
        outgoing = make_case(Direction.OUTGOING)
    assert case.received_on == MONDAY and case.deadline == datetime.date(2025, 5, 26)
    assert case.our_reference == "IN-2025-00001"
    assert outgoing.drafted_on == MONDAY and outgoing.our_reference == "OUT-2025-00001"
    with time_machine.travel(datetime.datetime(2026, 1, 2, 8, 30, tzinfo=datetime.UTC), tick=False):
        assert make_case(Direction.INCOMING).our_reference == "IN-2026-00001"
        # A move without a date is dated today.
        do_transition(case, "acknowledge", acting_user=personas.officer)
    assert case.acknowledged_on == datetime.date(2026, 1, 2)


# --- Settings and holidays -----------------------------------------------------------------


def test_settings_changes_are_audited_and_a_no_change_is_not(personas: Personas) -> None:
    a, admin = personas.authority_a, personas.authority_admin
    entries = AuditEntry.objects.count()
    do_update_case_settings(a, {"execute_within": 30, "weekend": [4, 5]}, acting_user=admin)
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert entry is not None and entry.action == "case_settings.updated"
    assert entry.authority_id == a.pk and entry.actor_name == "admin_a"
    assert entry.details == {"changes": {"execute_within": [60, 30], "weekend": [[5, 6], [4, 5]]}}
    stored = CaseSettings.objects.get(authority=a)
    assert (stored.execute_within, stored.weekend) == (30, [4, 5])
    do_update_case_settings(a, {"execute_within": 30}, acting_user=admin)
    assert AuditEntry.objects.count() == entries + 1


def test_holidays_are_added_renamed_and_removed_with_a_trace(personas: Personas) -> None:
    a, admin = personas.authority_a, personas.authority_admin
    day = datetime.date(2025, 7, 14)
    do_add_holiday(a, day, "Fête nationale", acting_user=admin)
    holiday = do_add_holiday(a, day, "Fête nationale (14 juillet)", acting_user=admin)
    assert Holiday.objects.get(authority=a).name == "Fête nationale (14 juillet)"
    assert day in settings_for(a).work_calendar().holidays
    do_remove_holiday(holiday, acting_user=admin)
    assert not Holiday.objects.exists()
    actions = list(
        AuditEntry.objects.filter(authority_id=a.pk)
        .order_by("sequence")
        .values_list("action", "details")
    )
    assert actions == [
        ("holiday.added", {"day": "2025-07-14", "name": "Fête nationale"}),
        ("holiday.added", {"day": "2025-07-14", "name": "Fête nationale (14 juillet)"}),
        ("holiday.removed", {"day": "2025-07-14"}),
    ]


# --- Overdue requests ----------------------------------------------------------------------


def test_only_open_requests_past_their_deadline_are_overdue(
    make_case: MakeCase, personas: Personas
) -> None:
    today = datetime.date(2025, 6, 2)
    yesterday, tomorrow = today - datetime.timedelta(days=1), today + datetime.timedelta(days=1)
    late = make_case(Direction.INCOMING, deadline=yesterday)
    due_today = make_case(Direction.INCOMING, deadline=today)
    not_yet = make_case(Direction.INCOMING, deadline=tomorrow)
    executed = make_case(Direction.INCOMING, deadline=yesterday)
    draft = make_case(Direction.OUTGOING, deadline=yesterday)
    Case.objects.filter(pk=executed.pk).update(status=Status.EXECUTED)
    executed.refresh_from_db()

    assert late.is_overdue(today)
    assert not due_today.is_overdue(today) and not not_yet.is_overdue(today)
    assert not executed.is_overdue(today) and not draft.is_overdue(today)
    assert list(Case.objects.overdue(today)) == [late]
    assert set(Case.objects.open()) == {late, due_today, not_yet}
    assert set(Case.objects.for_user(personas.outsider).overdue(today)) == set()
