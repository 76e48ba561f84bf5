"""The work inbox: what awaits a member of an authority, computed live from the records.

Each tray is one question an officer or supervisor asks on arriving at work (what do I
approve, what came back to me, what is mine, what is new, what is late, what did the other
states answer) with its count, its first few items and a link to the full list. Nothing here
is stored: the daily reminders job only sends e-mail, the inbox reads the data as it is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from rogatory.accounts.models import Role, User
from rogatory.cases.choices import Direction, Status
from rogatory.cases.models import Case
from rogatory.drafting.delegations import awaiting_decision_by
from rogatory.drafting.models import RequestVersion
from rogatory.exchange.access import messages_for_user
from rogatory.exchange.models import Message, MessageState

PREVIEW = 5


@dataclass
class Tray:
    key: str
    title: Any  # a lazy translation
    count: int
    url: str
    items: list[tuple[str, str, str]] = field(default_factory=list)  # (url, reference, text)


def _case_list(**params: str) -> str:
    return f"{reverse('case_list')}?{urlencode(params)}"


def _cases(
    queryset: QuerySet[Case], preview: int = PREVIEW
) -> tuple[int, list[tuple[str, str, str]]]:
    rows = list(
        queryset.order_by("deadline", "pk").values_list("public_id", "our_reference", "subject")[
            :preview
        ]
    )
    items = [(reverse("case_detail", args=[pid]), ref, subject) for pid, ref, subject in rows]
    return queryset.count(), items


def awaiting_approval(user: User) -> QuerySet[Case]:
    """Drafts of the user's authority with a version he may approve today: submitted to him,
    to any supervisor, or to a supervisor who delegated approval to him (decision 0026);
    never one he drafted."""
    waiting = awaiting_decision_by(user).filter(case=OuterRef("pk"))
    return Case.objects.for_user(user).filter(status=Status.DRAFT).filter(Exists(waiting))


def returned_to(user: User) -> QuerySet[Case]:
    """Drafts whose newest version a supervisor returned to ``user``, its drafter."""
    newest = (
        RequestVersion.objects.filter(case=OuterRef("pk")).order_by("-number").values("status")[:1]
    )
    newest_by = (
        RequestVersion.objects.filter(case=OuterRef("pk"))
        .order_by("-number")
        .values("finalised_by_id")[:1]
    )
    return (
        Case.objects.for_user(user)
        .filter(status=Status.DRAFT)
        .annotate(newest_status=newest, newest_by=newest_by)
        .filter(newest_status=RequestVersion.Status.RETURNED, newest_by=user.pk)
    )


def _answers(user: User) -> QuerySet[Message]:
    """Messages from the other states on our requests, filed, that no one has opened yet."""
    return (
        messages_for_user(user)
        .filter(
            direction=Message.Direction.INBOUND,
            state=MessageState.FILED,
            retrieved_at__isnull=True,
            held=False,
        )
        .exclude(action="request")
    )


def _to_register(user: User) -> QuerySet[Message]:
    return messages_for_user(user).filter(
        direction=Message.Direction.INBOUND,
        action="request",
        held=False,
        conversation__isnull=False,
        conversation__case__isnull=True,
    )


def trays(user: User, today: datetime.date | None = None, *, preview: int = PREVIEW) -> list[Tray]:
    """The user's trays, in the order of the page; empty for users of no authority."""
    if user.authority_id is None:
        return []
    today = today or timezone.localdate()
    found: list[Tray] = []
    if user.role == Role.SUPERVISOR:
        count, items = _cases(awaiting_approval(user), preview)
        found.append(
            Tray("approve", _("To approve"), count, _case_list(awaiting="approval"), items)
        )
    count, items = _cases(returned_to(user), preview)
    found.append(
        Tray(
            "returned",
            _("Returned to me with remarks"),
            count,
            _case_list(awaiting="returned"),
            items,
        )
    )
    mine = Case.objects.for_user(user).open().filter(officer=user)
    count, items = _cases(mine, preview)
    found.append(
        Tray(
            "mine",
            _("Assigned to me"),
            count,
            _case_list(officer=user.get_username(), status="open"),
            items,
        )
    )
    new = Case.objects.for_user(user).filter(direction=Direction.INCOMING, status=Status.RECEIVED)
    count, items = _cases(new, preview)
    found.append(
        Tray(
            "new",
            _("New incoming, not yet acknowledged"),
            count,
            _case_list(direction=Direction.INCOMING, status=Status.RECEIVED),
            items,
        )
    )
    count, items = _cases(Case.objects.for_user(user).overdue(today), preview)
    found.append(Tray("overdue", _("Overdue"), count, _case_list(overdue="1"), items))
    exchange = reverse("exchange_inbox")
    to_register = _to_register(user)
    found.append(
        Tray(
            "register",
            _("Received through the exchange, to register"),
            to_register.count(),
            exchange,
            [
                (m.get_absolute_url(), m.from_party, m.action_label)
                for m in to_register.order_by("-created_at")[:preview]
            ],
        )
    )
    answers = _answers(user)
    found.append(
        Tray(
            "answers",
            _("Answers received, not yet opened"),
            answers.count(),
            exchange,
            [
                (m.get_absolute_url(), m.from_party, m.action_label)
                for m in answers.order_by("-created_at")[:preview]
            ],
        )
    )
    return found


def waiting_count(user: User) -> int:
    """What the menu's badge counts: the trays that ask for action today."""
    # Counts only: no tray's first items are read for the badge.
    return sum(t.count for t in trays(user, preview=0) if t.key != "mine")
