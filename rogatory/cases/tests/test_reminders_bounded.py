"""The daily reminders job with a large backlog: written, read and marked in chunks, every
reminder still found and e-mailed once."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Personas
from rogatory.cases import reminders
from rogatory.cases.models import Reminder

from .conftest import MakeCase

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def backlog(personas: Personas, make_case: MakeCase, monkeypatch: pytest.MonkeyPatch) -> int:
    """Seven overdue requests of authority A (chunks of two): 14 reminders for each of the
    officer and the supervisor."""
    monkeypatch.setattr(reminders, "CHUNK", 2)
    for number in range(7):
        make_case(
            our_reference=f"IN-{number}",
            deadline=datetime.date(2020, 1, 1) + datetime.timedelta(days=number),
            officer=personas.officer,
            summary_of_facts="LONG-FACTS " * 500,
        )
    for user, address in (
        (personas.officer, "o@example.org"),
        (personas.supervisor, "s@example.org"),
    ):
        user.email = address
        user.save()
    return 7


def _sql(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries]


def test_collect_writes_in_chunks(backlog: int) -> None:
    with CaptureQueriesContext(connection) as queries:
        created = reminders.collect_reminders(TODAY)
    assert created == Reminder.objects.count() >= 2 * backlog
    inserts = [sql for sql in _sql(queries) if sql.startswith("INSERT") and "reminder" in sql]
    assert len(inserts) >= created // 2  # never more than CHUNK rows kept before writing
    assert reminders.collect_reminders(TODAY) == 0


def test_emails_read_only_what_a_line_shows_and_mark_in_chunks(
    backlog: int, personas: Personas
) -> None:
    reminders.collect_reminders(TODAY)
    mine = Reminder.objects.filter(user=personas.officer).count()
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as queries:
        assert reminders.send_reminder_emails() == 2
    officer = next(m for m in mail.outbox if m.to == ["o@example.org"])
    assert all(f"IN-{n}" in officer.body for n in range(backlog))
    assert str(mine) in officer.subject
    selects = [sql for sql in _sql(queries) if sql.startswith("SELECT")]
    assert not any("summary_of_facts" in sql for sql in selects)  # no case read whole
    updates = [sql for sql in _sql(queries) if sql.startswith("UPDATE")]
    theirs = Reminder.objects.filter(user=personas.supervisor).count()
    assert len(updates) == -(-mine // 2) + -(-theirs // 2)  # CHUNK ids per statement
    assert "IN-0 — Laundering" in officer.body and ": Overdue (2020-01-01)" in officer.body
    assert not Reminder.objects.filter(emailed_at__isnull=True).exists()
    mail.outbox.clear()
    assert reminders.send_reminder_emails() == 0 and not mail.outbox
