"""Events the case history records that a person may want to hear of (decision 0027)."""

from __future__ import annotations

from typing import Any

from rogatory.accounts.models import User
from rogatory.cases.choices import EventKind
from rogatory.cases.models import CaseEvent

from .models import Event
from .notify import notify


def case_event_written(sender: Any, instance: CaseEvent, created: bool, **kwargs: Any) -> None:
    """A request assigned to someone (by someone else), or a message from the other state
    filed on a request: its responsible officer is told."""
    if not created or kwargs.get("raw"):
        return
    details = instance.details or {}
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
