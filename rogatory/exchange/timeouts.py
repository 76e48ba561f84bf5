"""Late evidences: a message sent but not delivered, or delivered but not opened, within its
timeout (e-CODEX's defaults: relay 12 h, delivery 24 h, retrieval 36 h) raises a reminder to
the case's officer, once a day, until the evidence arrives."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from rogatory.accounts.models import Role, User
from rogatory.cases.models import Reminder

from . import records
from .models import Evidence, Message, MessageState


def late_messages(now: datetime.datetime) -> list[tuple[Message, str]]:
    """Outbound messages whose next evidence is overdue, with the evidence awaited."""
    hours = datetime.timedelta(hours=1)
    rules = (
        (
            MessageState.QUEUED,
            settings.EXCHANGE_RELAY_TIMEOUT_HOURS,
            Evidence.Type.RELAY_REMMD_ACCEPTANCE,
        ),
        (MessageState.RELAYED, settings.EXCHANGE_DELIVERY_TIMEOUT_HOURS, Evidence.Type.DELIVERY),
        (
            MessageState.DELIVERED,
            settings.EXCHANGE_RETRIEVAL_TIMEOUT_HOURS,
            Evidence.Type.RETRIEVAL,
        ),
    )
    late: list[tuple[Message, str]] = []
    for state, timeout, awaited in rules:
        has = Evidence.objects.filter(message=OuterRef("pk"), type=awaited)
        rows = (
            Message.objects.filter(
                direction=Message.Direction.OUTBOUND,
                state=state,
                sealed_at__lt=now - timeout * hours,
                conversation__case__isnull=False,
            )
            .filter(~Exists(has))
            .select_related("conversation__case")
        )
        late.extend((m, str(awaited)) for m in rows)
    return late


def check_timeouts(now: datetime.datetime | None = None) -> int:
    """Write today's reminders for late evidences; idempotent within a day."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    written = 0
    for message, _awaited in late_messages(now):
        assert message.conversation is not None
        case = message.conversation.case
        assert case is not None
        people = [case.officer] if case.officer else []
        people += list(
            User.objects.filter(
                authority_id=case.authority_id, role=Role.SUPERVISOR, is_active=True
            )
        )
        for person in people:
            _reminder, created = Reminder.objects.get_or_create(
                user=person,
                case=case,
                item=str(message.public_id)[:40],
                kind=Reminder.Kind.EVIDENCE_MISSING,
                due_on=today,
            )
            written += int(created)
    return written


def issue_non_retrievals(now: datetime.datetime | None = None) -> int:
    """On the receiving side: a message filed but opened by nobody within the retrieval
    timeout gets a NON_RETRIEVAL evidence (e-CODEX's RetrievalExpiration), sent back to the
    sender; once per message. A later opening still gives the retrieval evidence."""
    now = now or timezone.now()
    late = Message.objects.filter(
        direction=Message.Direction.INBOUND,
        state=MessageState.FILED,
        retrieved_at__isnull=True,
        filed_at__lt=now - datetime.timedelta(hours=settings.EXCHANGE_RETRIEVAL_TIMEOUT_HOURS),
    ).exclude(evidences__type=Evidence.Type.NON_RETRIEVAL)
    issued = 0
    for message in late[:200]:
        with transaction.atomic():
            records.issue(
                Evidence.Type.NON_RETRIEVAL,
                message=message,
                reason_code="retrieval_timeout",
                reason="Not opened within the retrieval timeout.",
                push_to=message.from_node,
            )
        issued += 1
    return issued
