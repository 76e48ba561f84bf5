"""Daily reminders: who gets them, for what, once."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.cases.actions import do_log_follow_up
from rogatory.cases.choices import Direction, FollowUpDirection, Status
from rogatory.cases.models import Case, Measure, Reminder
from rogatory.cases.reminders import collect_reminders, send_reminder_emails

from .conftest import MakeCase

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)  # a Monday


def test_reminders_for_deadlines_acknowledgement_and_status_requests(
    personas: Personas, make_case: MakeCase
) -> None:
    late = make_case(
        our_reference="IN-LATE",
        received_on=datetime.date(2026, 10, 1),
        deadline=datetime.date(2026, 11, 20),
    )
    soon = make_case(
        Direction.OUTGOING, our_reference="OUT-SOON", deadline=datetime.date(2026, 11, 26)
    )
    make_case(Direction.OUTGOING, our_reference="OUT-FAR", deadline=datetime.date(2027, 6, 1))
    # A draft has not started to run: no reminder for it.
    make_case(Direction.OUTGOING, our_reference="OUT-DRAFT", deadline=datetime.date(2026, 1, 1))
    Case.objects.filter(our_reference__in=["OUT-SOON", "OUT-FAR"]).update(status=Status.SENT)
    Measure.objects.filter(case=soon).update(deadline=datetime.date(2026, 11, 24))
    do_log_follow_up(
        late,
        direction=FollowUpDirection.FROM_COUNTERPART,
        asked_on=datetime.date(2026, 11, 2),
        question="Where are we?",
        acting_user=personas.officer,
    )
    make_case(authority=personas.authority_b, deadline=datetime.date(2026, 1, 1))

    created = collect_reminders(TODAY)
    mine = Reminder.objects.filter(user=personas.officer)
    kinds = {(r.case.our_reference, r.kind, r.item != "case") for r in mine}
    assert ("IN-LATE", Reminder.Kind.OVERDUE, False) in kinds
    assert ("IN-LATE", Reminder.Kind.ACKNOWLEDGE, False) in kinds
    assert ("IN-LATE", Reminder.Kind.FOLLOW_UP, True) in kinds
    assert ("OUT-SOON", Reminder.Kind.DUE_SOON, False) in kinds
    assert ("OUT-SOON", Reminder.Kind.DUE_SOON, True) in kinds  # the measure
    assert not any(ref in ("OUT-FAR", "OUT-DRAFT") for ref, _kind, _item in kinds)
    # The supervisor gets the same; authority B's people get only B's.
    assert Reminder.objects.filter(user=personas.supervisor).count() == mine.count()
    assert not Reminder.objects.filter(user=personas.outsider, case__authority=personas.authority_a)
    assert created == Reminder.objects.count()

    # Idempotent: a second run the same day adds nothing and e-mails nobody twice.
    assert collect_reminders(TODAY) == 0
    personas.officer.email = "officer@example.org"
    personas.officer.save()
    mail.outbox.clear()
    assert send_reminder_emails() >= 1
    sent_to_officer = [m for m in mail.outbox if m.to == ["officer@example.org"]]
    assert len(sent_to_officer) == 1 and "IN-LATE" in sent_to_officer[0].body
    mail.outbox.clear()
    send_reminder_emails()
    assert not [m for m in mail.outbox if m.to == ["officer@example.org"]]


def test_command_and_page(client: Client, personas: Personas, make_case: MakeCase) -> None:
    make_case(our_reference="IN-LATE", deadline=datetime.date(2020, 1, 1))
    call_command("send_reminders", "--today", TODAY.isoformat())
    client.force_login(personas.officer)
    page = client.get(reverse("case_reminders"))
    assert "IN-LATE" in page.content.decode()
    reminder = Reminder.objects.filter(user=personas.officer).first()
    assert reminder is not None
    client.force_login(personas.outsider)
    assert client.post(reverse("case_reminder_read", args=[reminder.pk])).status_code == 404
    client.force_login(personas.officer)
    assert client.post(reverse("case_reminder_read", args=[reminder.pk])).status_code == 302
    reminder.refresh_from_db()
    assert reminder.read_at is not None
    client.post(reverse("case_reminders_read_all"))
    assert not Reminder.objects.filter(user=personas.officer, read_at__isnull=True).exists()


def test_the_reminders_page_does_not_wait_for_the_daily_job(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    """An overdue request shows on its officer's reminders page at once, without the job;
    opening the page twice lists it once, and a reminder marked read stays read."""
    case = make_case(
        received_on=datetime.date(2026, 1, 5),
        deadline=datetime.date(2026, 2, 1),
        officer=personas.officer,
    )
    client.force_login(personas.officer)
    url = reverse("case_reminders")
    page = client.get(url).content.decode()
    assert case.our_reference in page and "Nothing to remind you of." not in page
    client.get(url)
    mine = Reminder.objects.filter(user=personas.officer, case=case, kind="overdue")
    assert mine.count() == 1
    client.post(reverse("case_reminders_read_all"))
    client.get(url)
    assert mine.get().read_at is not None
