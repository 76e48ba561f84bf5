"""The daily digest: counts and links per event, once a day, what each person chose."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Personas
from rogatory.accounts.models import User
from rogatory.cases.models import Reminder
from rogatory.notifications.actions import do_set_notification_preferences
from rogatory.notifications.digest import send_digest_to, send_digests
from rogatory.notifications.models import Delivery, Digest, Event, PendingNotification
from rogatory.notifications.notify import notify

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)  # a Monday
MORNING = datetime.datetime(2026, 11, 23, 6, 0, tzinfo=datetime.UTC)
SITE = "https://rogatory.example.org"


@pytest.fixture
def morning() -> Any:
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def _to(user: User) -> list[Any]:
    return [m for m in mail.outbox if m.to == [user.email]]


def _overdue(make_case: Any, personas: Personas, number: int) -> None:
    for n in range(number):
        make_case(
            our_reference=f"IN-LATE-{n}",
            received_on=datetime.date(2026, 11, 20),
            deadline=datetime.date(2026, 11, 1),
            officer=personas.officer,
        )


def test_one_digest_with_counts_and_links(
    personas: Personas,
    make_case: Any,
    morning: Any,
) -> None:
    """Two overdue requests and a returned version make one e-mail: a line per event with its
    count (plural forms) and a link to the list that shows them; no line per request."""
    do_set_notification_preferences(
        language="", deliveries={Event.RETURNED: Delivery.DIGEST}, acting_user=personas.officer
    )
    _overdue(make_case, personas, 2)
    notify(personas.officer, Event.RETURNED)
    mail.outbox.clear()
    run = send_digests(site_url=SITE)
    assert run.reminders_created >= 4  # the officer's and the supervisor's
    (sent,) = _to(personas.officer)
    assert "2 deadlines have passed." in sent.body
    assert "1 of your requests was returned with remarks." in sent.body
    assert f"{SITE}/cases/reminders/" in sent.body
    assert f"{SITE}/cases/?awaiting=returned" in sent.body
    assert f"{SITE}/accounts/notifications/" in sent.body
    assert "IN-LATE-0" not in sent.body  # counts, not one line per reminder
    assert re.search(r"daily digest, 3 items", sent.subject)
    assert Digest.objects.get(user=personas.officer).counts == {
        Event.RETURNED: 1,
        Event.OVERDUE: 2,
    }
    assert not PendingNotification.objects.filter(digested_at__isnull=True).exists()
    # The supervisor is reminded of the same deadlines, and of nothing returned.
    (theirs,) = _to(personas.supervisor)
    assert "2 deadlines have passed." in theirs.body and "returned" not in theirs.body


def test_a_second_run_the_same_day_sends_nothing_new(
    personas: Personas,
    make_case: Any,
    morning: Any,
) -> None:
    """Idempotent per day: run twice, one digest each; the next day, a new one."""
    do_set_notification_preferences(
        language="", deliveries={Event.ASSIGNED: Delivery.DIGEST}, acting_user=personas.officer
    )
    _overdue(make_case, personas, 1)
    mail.outbox.clear()
    first = send_digests()
    assert first.digests == 2 and len(mail.outbox) == 2
    assert notify(personas.officer, Event.ASSIGNED) == Delivery.DIGEST
    second = send_digests()
    assert second.digests == 0 and second.reminders_created == 0 and len(mail.outbox) == 2
    morning.move_to(MORNING + datetime.timedelta(days=1))
    third = send_digests()
    assert third.digests == 2
    (latest,) = _to(personas.officer)[-1:]
    assert "1 request was assigned to you." in latest.body
    assert "1 deadline has passed." in latest.body
    # Counted events are deleted after a month.
    assert PendingNotification.objects.count() == 1
    morning.move_to(MORNING + datetime.timedelta(days=32))
    send_digests()
    assert not PendingNotification.objects.exists()


def test_reminders_at_once_are_lines_and_not_in_the_digest(
    personas: Personas,
    make_case: Any,
    morning: Any,
) -> None:
    """Overdue wanted at once: one e-mail listing each overdue request; the digest does not
    count them again."""
    do_set_notification_preferences(
        language="", deliveries={Event.OVERDUE: Delivery.AT_ONCE}, acting_user=personas.officer
    )
    _overdue(make_case, personas, 2)
    mail.outbox.clear()
    run = send_digests()
    assert run.reminder_emails == 1
    mine = _to(personas.officer)
    (lines,) = [m for m in mine if "deadline reminders" in m.subject]
    assert "IN-LATE-0" in lines.body and "IN-LATE-1" in lines.body
    assert all("deadlines have passed" not in m.body for m in mine)
    mail.outbox.clear()
    assert send_digests().reminder_emails == 0 and not _to(personas.officer)


def test_not_by_e_mail_means_no_e_mail(
    personas: Personas,
    make_case: Any,
    morning: Any,
) -> None:
    """Every event set to "not by e-mail": nothing is sent; the reminders stay in the app."""
    do_set_notification_preferences(
        language="",
        deliveries={event: Delivery.NONE for event in Event.values},
        acting_user=personas.officer,
    )
    _overdue(make_case, personas, 1)
    PendingNotification.objects.create(user=personas.officer, event=Event.RETURNED)
    mail.outbox.clear()
    send_digests()
    assert not _to(personas.officer)
    assert Reminder.objects.filter(user=personas.officer, read_at__isnull=True).exists()
    # What was queued before the change is not kept for a later digest.
    assert not PendingNotification.objects.filter(digested_at__isnull=True).exists()


def test_read_reminders_and_hidden_requests_are_not_counted(
    personas: Personas,
    make_case: Any,
    morning: Any,
) -> None:
    """A reminder marked read is not counted; neither is another authority's request."""
    _overdue(make_case, personas, 2)
    make_case(authority=personas.authority_b, deadline=datetime.date(2026, 1, 1))
    send_digests()
    Digest.objects.all().delete()
    Reminder.objects.filter(user=personas.officer, case__our_reference="IN-LATE-0").update(
        read_at=MORNING
    )
    mail.outbox.clear()
    assert send_digest_to(personas.officer, TODAY)
    (sent,) = _to(personas.officer)
    assert "1 deadline has passed." in sent.body


def test_a_digest_reads_counts_not_items(
    personas: Personas,
    make_case: Any,
    morning: Any,
) -> None:
    """The queries of one person's digest do not grow with their backlog (bounded memory)."""

    def queries_for_digest() -> int:
        send_digests()  # writes today's reminders
        Digest.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            assert send_digest_to(personas.officer, TODAY)
        return len(queries.captured_queries)

    _overdue(make_case, personas, 1)
    few = queries_for_digest()
    for n in range(5):
        make_case(our_reference=f"MORE-{n}", deadline=datetime.date(2026, 11, 2))
    assert queries_for_digest() == few


def test_the_command(
    personas: Personas,
    make_case: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """send_digest (and its former name send_reminders) run for a given day; a bad date is
    refused with a clear message."""
    _overdue(make_case, personas, 1)
    mail.outbox.clear()
    call_command("send_digest", "--today", TODAY.isoformat(), "--site-url", SITE)
    assert "2 digests" in capsys.readouterr().out
    assert f"{SITE}/cases/reminders/" in _to(personas.officer)[0].body
    call_command("send_reminders", "--today", TODAY.isoformat())
    assert "0 digests" in capsys.readouterr().out
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_digest", "--today", "23/11/2026")
