"""Events the case history records that a person may want to hear of (decision 0027)."""

from __future__ import annotations

from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from rogatory.accounts.models import User
from rogatory.cases.choices import Confidentiality, EventKind
from rogatory.cases.models import Case, CaseEvent

from .models import Delivery, Event, PendingNotification
from .notify import absolute, delivery_for, notify


def case_event_written(sender: Any, instance: CaseEvent, created: bool, **kwargs: Any) -> None:
    """A request assigned to someone (by someone else), or a message from the other state
    filed on a request: its responsible officer is told."""
    if not created or kwargs.get("raw"):
        return
    details = instance.details or {}
    if details.get("reassigned"):
        return  # a supervisor's reassignment is told once for all its requests (below)
    if instance.kind == EventKind.ASSIGNED:
        event = Event.ASSIGNED
    elif instance.kind == EventKind.EXCHANGE and details.get("direction") == "inbound":
        event = Event.EXCHANGE_RECEIVED
    else:
        return
    case = instance.case
    if case.officer_id is None or case.officer_id == instance.actor_id:
        return  # nobody to tell, or the officer did it himself
    officer = User.objects.filter(pk=case.officer_id, is_active=True).first()
    if officer is not None:
        notify(officer, event, case=case)


def cases_reassigned(
    sender: Any, officer: User, cases: list[Case], by: User, site_url: str = "", **kwargs: Any
) -> None:
    """An absent officer's requests moved to ``officer``: one e-mail listing them (in his
    language; a strictly confidential request named by its reference only, as an e-mail leaves
    the platform), a line per request in his digest, or the inbox only — as he chose for
    assignments."""
    if not officer.is_active:
        return
    delivery = delivery_for(officer, Event.ASSIGNED)
    if delivery == Delivery.DIGEST:
        PendingNotification.objects.bulk_create(
            PendingNotification(user=officer, event=Event.ASSIGNED, case=case) for case in cases
        )
        return
    if delivery != Delivery.AT_ONCE or not officer.email:
        return
    lines = [
        {
            "reference": case.our_reference,
            "subject": "" if case.confidentiality == Confidentiality.STRICT else case.subject,
            "link": absolute(reverse("case_detail", args=[case.public_id]), site_url),
        }
        for case in cases
    ]
    by_name = by.get_full_name() or by.get_username()

    def send() -> None:
        with translation.override(officer.mail_language):
            body = render_to_string(
                "cases/email/reassigned.txt", {"user": officer, "by": by_name, "lines": lines}
            )
            subject = translation.ngettext(
                "Rogatory: %(count)s request was assigned to you",
                "Rogatory: %(count)s requests were assigned to you",
                len(lines),
            ) % {"count": len(lines)}
            send_mail(subject, body, None, [officer.email])

    transaction.on_commit(send, robust=True)
