"""Access helpers: the only way pages reach exchange messages.

A message belongs to one authority (the sender of an outbound one, the recipient of an inbound
one): its members see it, nobody else ("absent" and "not yours" are the same 404). A message
on a strictly confidential case is seen by those who see the case. Partners and keys are the
installation's: site administrators manage them.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from rogatory.accounts.models import User
from rogatory.cases.models import Case

from .models import Message, MessageQuerySet


def messages_for_user(user: User) -> MessageQuerySet:
    """Messages ``user`` may see."""
    if not user.is_authenticated or not user.is_active or user.authority_id is None:
        return Message.objects.none()
    visible_cases = Case.objects.for_user(user).values("pk")
    return Message.objects.filter(authority_id=user.authority_id).filter(
        Q(conversation__case__isnull=True) | Q(conversation__case__in=visible_cases)
    )


def get_message_for_user(user: User, public_id: object) -> tuple[Message, bool]:
    """The message and whether ``user`` may act on it (officers: yes; supervisors: read)."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404("No such message.") from None
    message = (
        messages_for_user(user)
        .select_related("partner", "conversation__case", "authority")
        .filter(public_id=key)
        .first()
    )
    if message is None:
        raise Http404("No such message.")
    return message, user.can_write_cases


def get_message_for_writing(user: User, public_id: object) -> Message:
    message, can_write = get_message_for_user(user, public_id)
    if not can_write:
        raise PermissionDenied("Read-only role.")
    return message
