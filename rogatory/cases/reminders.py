"""Reminders of deadlines: found once a day, shown in the application and e-mailed once.

``collect_reminders`` looks at every authority's open requests and writes a ``Reminder`` per
person to remind (the responsible officer and the authority's supervisors) and per item:

* a request or a measure whose deadline falls within the authority's ``remind_before``
  working days (*due soon*) or has passed (*overdue*);
* an incoming request whose receipt is still not acknowledged after ``acknowledge_within``
  working days;
* a status request from the other state (art. 18(24)) not answered within
  ``answer_follow_up_within`` working days.

The unique constraint on reminders makes the run idempotent: running it twice the same day
creates nothing new and e-mails nobody twice. ``send_reminder_emails`` sends each person one
message listing what is new for them, for the kinds they want by e-mail at once; the daily
digest (``rogatory.notifications.digest``, manage.py send_digest) counts the others with
``unread_counts`` (decision 0027).

Memory stays bounded whatever the backlog (measured at 1M cases before: 3.7 GB for the
e-mails, docs/benchmarks.md): reminders are written ``CHUNK`` at a time as they are found,
and e-mailed one person at a time, read ``CHUNK`` rows at a time with only the fields a line
shows.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any

from django.core.mail import send_mail
from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rogatory.accounts.models import Authority, Role, User
from rogatory.lib.businessdays import WorkCalendar, add_business_days

from .actions import settings_for
from .choices import OPEN_MEASURE_STATUSES, FollowUpDirection, MeasureType, Status
from .models import Case, FollowUp, Measure, Reminder

# Rows written, read or marked per statement.
CHUNK = 2_000

# Reminders found by other apps (asset recovery adds orders about to lapse). Each takes
# (authority, today, soon_until) and yields (case id, responsible officer id, Reminder fields);
# the same people are reminded as for the request's own deadlines.
ReminderSource = Callable[
    [Authority, datetime.date, datetime.date], Iterable[tuple[int, int | None, dict[str, Any]]]
]
REMINDER_SOURCES: list[ReminderSource] = []
# Authorities a source needs scanned though they may have no open request (an order on an
# asset of a closed request still lapses): each returns a query of authority ids.
REMINDER_AUTHORITIES: list[Callable[[], QuerySet[Any]]] = []


def _recipients(authority: Authority) -> tuple[list[User], dict[int, User]]:
    members = User.objects.filter(authority=authority, is_active=True)
    supervisors = list(members.filter(role=Role.SUPERVISOR))
    officers = {u.pk: u for u in members.filter(role__in=[Role.OFFICER, Role.AUTHORITY_ADMIN])}
    return supervisors, officers


def _kind(due_on: datetime.date, today: datetime.date) -> str:
    return Reminder.Kind.OVERDUE if due_on < today else Reminder.Kind.DUE_SOON


def _reminders_for_authority(authority: Authority, today: datetime.date) -> Iterator[Reminder]:
    """The authority's reminders for ``today``, one at a time (never all in memory)."""
    case_settings = settings_for(authority)
    calendar: WorkCalendar = case_settings.work_calendar()
    soon_until = add_business_days(today, case_settings.remind_before, calendar)
    supervisors, officers = _recipients(authority)

    def remind(case_id: int, officer_id: int | None, **fields: object) -> Iterator[Reminder]:
        people = list(supervisors)
        if officer_id in officers:
            people.append(officers[officer_id])
        for user in people:
            yield Reminder(user=user, case_id=case_id, **fields)

    open_cases = Case.objects.filter(authority=authority).open()
    due = open_cases.filter(deadline__lte=soon_until).values_list("id", "officer_id", "deadline")
    for case_id, officer_id, deadline in due.iterator(chunk_size=CHUNK):
        assert deadline is not None
        yield from remind(case_id, officer_id, kind=_kind(deadline, today), due_on=deadline)

    measures = Measure.objects.filter(
        case__in=open_cases, status__in=OPEN_MEASURE_STATUSES, deadline__lte=soon_until
    ).values_list("id", "public_id", "case_id", "case__officer_id", "deadline")
    for measure_id, public_id, case_id, officer_id, deadline in measures.iterator(CHUNK):
        assert deadline is not None
        yield from remind(
            case_id,
            officer_id,
            measure_id=measure_id,
            item=str(public_id),
            kind=_kind(deadline, today),
            due_on=deadline,
        )

    unacknowledged = open_cases.filter(status=Status.RECEIVED, received_on__isnull=False)
    for case_id, officer_id, received_on in unacknowledged.values_list(
        "id", "officer_id", "received_on"
    ).iterator(chunk_size=CHUNK):
        assert received_on is not None
        due_on = add_business_days(received_on, case_settings.acknowledge_within, calendar)
        if due_on <= today:
            yield from remind(case_id, officer_id, kind=Reminder.Kind.ACKNOWLEDGE, due_on=due_on)

    unanswered = FollowUp.objects.filter(
        case__in=open_cases,
        direction=FollowUpDirection.FROM_COUNTERPART,
        answered_on__isnull=True,
    ).values_list("public_id", "case_id", "case__officer_id", "asked_on")
    for public_id, case_id, officer_id, asked_on in unanswered.iterator(chunk_size=CHUNK):
        due_on = add_business_days(asked_on, case_settings.answer_follow_up_within, calendar)
        if due_on <= soon_until:
            yield from remind(
                case_id,
                officer_id,
                item=str(public_id),
                kind=Reminder.Kind.FOLLOW_UP,
                due_on=due_on,
            )

    for source in REMINDER_SOURCES:
        for source_case, source_officer, fields in source(authority, today, soon_until):
            yield from remind(source_case, source_officer, **fields)


def collect_for_user(user: User, today: datetime.date | None = None) -> None:
    """Bring ``user``'s reminders up to date now (the reminders page does, so it never waits
    for the daily job, which only sends the e-mails)."""
    authority = user.authority
    if authority is None:
        return
    today = today or timezone.localdate()
    found = (r for r in _reminders_for_authority(authority, today) if r.user_id == user.pk)
    while batch := list(itertools.islice(found, CHUNK)):
        Reminder.objects.bulk_create(batch, batch_size=CHUNK, ignore_conflicts=True)


def collect_reminders(today: datetime.date | None = None) -> int:
    """Write today's reminders for every authority; return how many are new."""
    today = today or timezone.localdate()
    created = 0
    for authority in authorities_to_scan():
        created += collect_for_authority(authority, today)
    return created


def authorities_to_scan() -> QuerySet[Authority]:
    """The authorities the daily run looks at: those with an open request, and those another
    app's source needs (``REMINDER_AUTHORITIES``)."""
    wanted = Q(pk__in=Case.objects.open().order_by().values("authority_id"))
    for source in REMINDER_AUTHORITIES:
        wanted |= Q(pk__in=source())
    return Authority.objects.filter(wanted).order_by("pk")


def collect_for_authority(authority: Authority, today: datetime.date) -> int:
    """Write today's reminders of every member of ``authority`` (one pass over its requests,
    where ``collect_for_user`` would make one per member); return how many are new."""
    before = Reminder.objects.filter(case__authority=authority).count()
    found = _reminders_for_authority(authority, today)
    while batch := list(itertools.islice(found, CHUNK)):
        Reminder.objects.bulk_create(batch, batch_size=CHUNK, ignore_conflicts=True)
    return Reminder.objects.filter(case__authority=authority).count() - before


def unread_counts(user: User, kinds: Collection[str]) -> dict[str, int]:
    """How many of ``user``'s reminders of ``kinds`` are unread, per kind, counting only
    requests the user may still see (one GROUP BY, whatever the backlog)."""
    if not kinds:
        return {}
    rows = (
        Reminder.objects.filter(
            user=user,
            read_at__isnull=True,
            kind__in=list(kinds),
            case__in=Case.objects.for_user(user),
        )
        .order_by()
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return {kind: n for kind, n in rows if n}


def _pending(kinds: Collection[str] | None = None) -> QuerySet[Reminder]:
    pending = (
        Reminder.objects.filter(emailed_at__isnull=True, read_at__isnull=True)
        .exclude(user__email="")
        .filter(user__is_active=True)
    )
    return pending if kinds is None else pending.filter(kind__in=list(kinds))


def _lines(reminders: QuerySet[Reminder]) -> tuple[list[str], list[int]]:
    """One line per reminder, in the active language, and the reminders' ids."""
    kinds = {value: str(label) for value, label in Reminder.Kind.choices}
    measures = {value: str(label) for value, label in MeasureType.choices}
    rows = reminders.values_list(
        "id", "kind", "due_on", "case__our_reference", "case__subject", "measure__kind"
    ).order_by("due_on", "id")
    lines: list[str] = []
    ids: list[int] = []
    for pk, kind, due_on, reference, subject, measure in rows.iterator(chunk_size=CHUNK):
        what = measures.get(measure, measure) if measure else subject
        lines.append(f"{reference} — {what}: {kinds.get(kind, kind)} ({due_on:%Y-%m-%d})")
        ids.append(pk)
    return lines, ids


def send_reminder_emails(
    now: datetime.datetime | None = None,
    *,
    user: User | None = None,
    kinds: Collection[str] | None = None,
) -> int:
    """E-mail each person (or only ``user``) the reminders not yet e-mailed to them, of
    ``kinds`` (all when None), one line each, in their language; return messages sent."""
    now = now or timezone.now()
    if user is not None:
        people: list[User] = [user] if user.is_active and user.email else []
    else:
        waiting = _pending(kinds).order_by().values_list("user_id", flat=True).distinct()
        people = list(User.objects.filter(pk__in=list(waiting)).order_by("pk"))
    sent = 0
    for person in people:
        with translation.override(person.mail_language):
            lines, ids = _lines(_pending(kinds).filter(user=person))
            if not lines:
                continue
            _send(person, lines)
        for start in range(0, len(ids), CHUNK):
            Reminder.objects.filter(pk__in=ids[start : start + CHUNK]).update(emailed_at=now)
        sent += 1
    return sent


def _send(user: User, lines: list[str]) -> None:
    """E-mail ``user`` the reminder lines (in the active language)."""
    body = render_to_string("cases/email/reminders.txt", {"user": user, "lines": lines})
    send_mail(
        _("Rogatory: %(count)s deadline reminders") % {"count": len(lines)},
        body,
        None,
        [user.email],
    )


def unread_for(user: User) -> Q:
    return Q(user=user, read_at__isnull=True)
