"""The daily e-mails: each person's digest (counts and links, not one line per item) and the
reminders they want at once (manage.py send_digest; decision 0027).

Memory stays bounded whatever the backlog: reminders are found one authority at a time
(cases.reminders, written in chunks), people are read a chunk at a time, and a digest needs
two GROUP BY queries per person, never the items themselves.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import ngettext_lazy

from rogatory.accounts.models import User
from rogatory.cases import reminders
from rogatory.cases.models import Reminder

from .models import REMINDER_EVENTS, Delivery, Digest, Event, PendingNotification
from .notify import absolute, preferences_for

# People read per query.
CHUNK = 500
# How long an event counted by a digest is kept.
KEEP_COUNTED = datetime.timedelta(days=30)

# One line of the digest per event, with its count ("count" names the number).
LINES: dict[str, Any] = {
    Event.APPROVAL_REQUESTED: ngettext_lazy(
        "%(count)s version of a request awaits your approval.",
        "%(count)s versions of requests await your approval.",
        "count",
    ),
    Event.RETURNED: ngettext_lazy(
        "%(count)s of your requests was returned with remarks.",
        "%(count)s of your requests were returned with remarks.",
        "count",
    ),
    Event.APPROVED: ngettext_lazy(
        "%(count)s of your requests was approved.",
        "%(count)s of your requests were approved.",
        "count",
    ),
    Event.ASSIGNED: ngettext_lazy(
        "%(count)s request was assigned to you.",
        "%(count)s requests were assigned to you.",
        "count",
    ),
    Event.EXCHANGE_RECEIVED: ngettext_lazy(
        "%(count)s message from another state was filed on your requests.",
        "%(count)s messages from other states were filed on your requests.",
        "count",
    ),
    Event.OVERDUE: ngettext_lazy(
        "%(count)s deadline has passed.", "%(count)s deadlines have passed.", "count"
    ),
    Event.DUE_SOON: ngettext_lazy(
        "%(count)s deadline is near.", "%(count)s deadlines are near.", "count"
    ),
    Event.ACKNOWLEDGE: ngettext_lazy(
        "%(count)s receipt is still to be acknowledged.",
        "%(count)s receipts are still to be acknowledged.",
        "count",
    ),
    Event.FOLLOW_UP: ngettext_lazy(
        "%(count)s status request from another state is still to be answered.",
        "%(count)s status requests from other states are still to be answered.",
        "count",
    ),
    Event.EVIDENCE_MISSING: ngettext_lazy(
        "%(count)s message sent was not yet delivered or opened.",
        "%(count)s messages sent were not yet delivered or opened.",
        "count",
    ),
    Event.ASSET_ORDER_EXPIRING: ngettext_lazy(
        "%(count)s freezing or seizure order is about to lapse or has lapsed.",
        "%(count)s freezing or seizure orders are about to lapse or have lapsed.",
        "count",
    ),
}

SUBJECT = ngettext_lazy(
    "Rogatory: your daily digest, %(count)s item",
    "Rogatory: your daily digest, %(count)s items",
    "count",
)


@dataclass(frozen=True)
class DigestRun:
    reminders_created: int
    digests: int
    reminder_emails: int


def _link(user: User, event: str) -> str:
    """Where the digest's line for ``event`` leads: the list that shows those items."""
    case_list = reverse("case_list")
    if event == Event.APPROVAL_REQUESTED:
        return f"{case_list}?{urlencode({'awaiting': 'approval'})}"
    if event == Event.RETURNED:
        return f"{case_list}?{urlencode({'awaiting': 'returned'})}"
    if event == Event.ASSIGNED:
        return f"{case_list}?{urlencode({'officer': user.get_username(), 'status': 'open'})}"
    if event == Event.EXCHANGE_RECEIVED:
        return reverse("exchange_inbox")
    if event in REMINDER_EVENTS:
        return reverse("case_reminders")
    return reverse("home") + "#inbox"


def counts_for(user: User, preferences: dict[str, str]) -> dict[str, int]:
    """What ``user``'s digest counts: unread reminders and queued events, per event, of the
    events they want in the digest."""
    wanted = {event for event, delivery in preferences.items() if delivery == Delivery.DIGEST}
    by_kind = reminders.unread_counts(
        user, [kind for event, kind in REMINDER_EVENTS.items() if event in wanted]
    )
    counts = {event: by_kind[kind] for event, kind in REMINDER_EVENTS.items() if kind in by_kind}
    queued = (
        PendingNotification.objects.filter(
            user=user, digested_at__isnull=True, event__in=list(wanted)
        )
        .order_by()
        .values("event")
        .annotate(n=Count("id"))
        .values_list("event", "n")
    )
    counts.update({event: n for event, n in queued if n})
    # In the order of the settings page.
    return {event: counts[event] for event in Event.values if counts.get(event)}


def send_digest_to(
    user: User,
    today: datetime.date,
    *,
    now: datetime.datetime | None = None,
    site_url: str = "",
    preferences: dict[str, str] | None = None,
) -> bool:
    """Send ``user`` today's digest unless they had one today or there is nothing to say;
    then mark what it counted. Return whether one was sent. ``preferences`` are the user's
    (``preferences_for``) when the caller has read them already."""
    now = now or timezone.now()
    if not user.email or Digest.objects.filter(user=user, day=today).exists():
        return False
    preferences = preferences if preferences is not None else preferences_for(user)
    counts = counts_for(user, preferences)
    if counts:
        with translation.override(user.mail_language):
            lines = [
                (LINES[event] % {"count": n}, absolute(_link(user, event), site_url))
                for event, n in counts.items()
            ]
            body = render_to_string(
                "notifications/email/digest.txt",
                {
                    "user": user,
                    "lines": lines,
                    "inbox": absolute(reverse("home") + "#inbox", site_url),
                    "settings_link": absolute(reverse("account_notifications"), site_url),
                },
            )
            subject = SUBJECT % {"count": sum(counts.values())}
            # Sent before it is recorded: a failed send is tried again by the next run.
            send_mail(str(subject), body, None, [user.email])
    with transaction.atomic():
        if counts:
            Digest.objects.create(user=user, day=today, sent_at=now, counts=counts)
        # Queued events are counted once; those the person no longer wants by e-mail go too.
        PendingNotification.objects.filter(user=user, digested_at__isnull=True).update(
            digested_at=now
        )
        digested = [kind for event, kind in REMINDER_EVENTS.items() if event in counts]
        Reminder.objects.filter(user=user, kind__in=digested, emailed_at__isnull=True).update(
            emailed_at=now
        )
    return bool(counts)


def send_digests(
    today: datetime.date | None = None,
    *,
    now: datetime.datetime | None = None,
    site_url: str = "",
) -> DigestRun:
    """The daily run: find today's reminders live, then for each person the reminders they
    want at once (one line each) and their digest. Running it twice the same day sends
    nothing new."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    created = 0
    for authority in reminders.authorities_to_scan().iterator(chunk_size=CHUNK):
        created += reminders.collect_for_authority(authority, today)
    digests = reminder_emails = 0
    people = User.objects.filter(is_active=True).exclude(email="").order_by("pk")
    for user in people.iterator(chunk_size=CHUNK):
        preferences = preferences_for(user)
        at_once = [
            kind
            for event, kind in REMINDER_EVENTS.items()
            if preferences[event] == Delivery.AT_ONCE
        ]
        if at_once:
            reminder_emails += reminders.send_reminder_emails(now, user=user, kinds=at_once)
        digests += send_digest_to(user, today, now=now, site_url=site_url, preferences=preferences)
    # Counted events are kept a while for support questions ("why did I get this?"), no more.
    PendingNotification.objects.filter(digested_at__lt=now - KEEP_COUNTED).delete()
    return DigestRun(reminders_created=created, digests=digests, reminder_emails=reminder_emails)
