"""Filing what was received: a delivered message goes where it belongs (a request into the
receiving authority's exchange inbox, anything later onto the case of its conversation, an
answer to nothing we know held for an officer), moving our case along its own lifecycle;
triage of received requests into incoming cases; retrieval by a person (evidence)."""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rogatory.accounts.models import User
from rogatory.audit.actions import record
from rogatory.cases.actions import _event as case_event
from rogatory.cases.actions import (
    do_add_document,
    do_change_measure_status,
    do_register_case,
    do_transition,
    do_update_case,
)
from rogatory.cases.choices import Channel, Direction, DocumentKind, EventKind, Status
from rogatory.cases.lifecycle import MEASURE_MOVES, TRANSITIONS, TransitionRefused
from rogatory.cases.models import Case
from rogatory.drafting.actions import case_content
from rogatory.drafting.document import load_document
from rogatory.lib import uploads

from . import business, records
from .errors import ExchangeError
from .models import Conversation, Evidence, Message, MessagePart, MessageState
from .outbound import quiet


def file_message(message: Message, *, audit: bool = True, push: bool = False) -> Evidence:
    """The message is verified and complete: deliver it (evidence) and put it where it
    belongs; the delivery evidence. Runs inside the caller's transaction."""
    now = timezone.now()
    message.state = MessageState.FILED
    message.filed_at = now
    conversation = Conversation.objects.filter(
        authority=message.authority,
        conversation_id=uuid.UUID(message.header["conversation_id"]),
    ).first()
    if message.action == "request":
        if conversation is None:
            conversation = Conversation.objects.create(
                conversation_id=uuid.UUID(message.header["conversation_id"]),
                authority=message.authority,
                partner=message.partner,
                partner_party=message.from_party,
                role=Conversation.Role.REQUESTED,
            )
        else:
            message.held = True  # a second request in one conversation: an officer decides
    elif (
        conversation is None
        or conversation.partner_id != message.partner_id
        or conversation.partner_party != message.from_party
    ):
        # An answer to nothing we know (or to another partner's conversation): held for an
        # officer, never dropped, never put on a case it does not belong to.
        conversation = None
        message.held = True
    message.conversation = conversation
    message.save(update_fields=["state", "filed_at", "conversation", "held"])
    delivery = records.issue(
        Evidence.Type.DELIVERY,
        message=message,
        at=now,
        push_to=message.from_node if message.offline or push else "",
        audit=audit,
    )
    if conversation is not None and message.action != "request":
        conversation.partner_status = message.action
        conversation.partner_status_at = now
        conversation.save(update_fields=["partner_status", "partner_status_at"])
        if conversation.case is not None:
            apply_to_case(message, conversation.case)
    return delivery


# What a partner's action does to our case: the status it leads to, by our direction.
TARGETS: dict[str, dict[str, Status]] = {
    Direction.OUTGOING: {
        "acknowledgement": Status.ACKNOWLEDGED,
        "info_request": Status.INFO_REQUESTED,
        "consultation": Status.CONSULTATION,
        "postponement": Status.POSTPONED,
        "execution_update": Status.PARTIALLY_EXECUTED,
        "execution_result": Status.EXECUTED,
        "refusal": Status.REFUSED,
    },
    Direction.INCOMING: {
        "info_answer": Status.INFO_PROVIDED,
        "withdrawal": Status.WITHDRAWN,
    },
}


def _shortest_path(
    start: str, target: str, moves: Callable[[str], Iterable[tuple[str, str]]]
) -> list[str]:
    """The names of the shortest chain of moves from status ``start`` to ``target``, where
    ``moves(status)`` gives (name, status reached) pairs; empty when there is none."""
    if start == target:
        return []
    queue: deque[tuple[str, list[str]]] = deque([(start, [])])
    seen = {start}
    while queue:
        status, path = queue.popleft()
        for name, reached in moves(status):
            if reached == target:
                return [*path, name]
            if reached not in seen:
                seen.add(reached)
                queue.append((reached, [*path, name]))
    return []


def _path_to(case: Case, target: Status) -> list[str]:
    """The transitions from the case's status to ``target`` in its direction."""
    return _shortest_path(
        case.status,
        target,
        lambda status: [
            (t.name, t.target)
            for t in TRANSITIONS
            if status in t.sources and case.direction in t.directions
        ],
    )


def _apply_measures(case: Case, body: dict[str, Any]) -> None:
    """Mirror the measure statuses the requested state reported onto our measures of the
    same kind (so that the case's own guards, e.g. "all measures settled", agree)."""
    reported: dict[str, str] = {}
    for item in body.get("measures", []):
        reported.setdefault(item["kind"], item["status"])
    for measure in case.measures.all():
        target = reported.get(measure.kind)
        if not target or target == measure.status:
            continue
        path = _shortest_path(
            measure.status,
            target,
            lambda status: [(after, after) for after in MEASURE_MOVES.get(status, frozenset())],
        )
        for status in path:
            try:
                do_change_measure_status(
                    measure,
                    status,
                    acting_user=None,
                    reason=_("Reported by the other state."),
                    ground=body.get("ground", ""),
                )
            except TransitionRefused:
                break
            measure.refresh_from_db()


def apply_to_case(message: Message, case: Case) -> None:
    """File a partner's message on our case: its text in the history, its files among the
    documents, and the case moved as far as our lifecycle allows towards what it reports."""
    body = message.body
    summary = business.summary(message.action, body)
    with quiet():
        case_event(
            case,
            EventKind.EXCHANGE,
            None,
            reason=summary,
            details={
                "action": message.action,
                "message": str(message.public_id),
                "direction": "inbound",
            },
        )
        if message.action == "acknowledgement" and not case.their_reference:
            do_update_case(case, {"their_reference": body["receiver_reference"]}, acting_user=None)
        if message.action in ("execution_update", "execution_result"):
            _apply_measures(case, body)
        _attach_parts(message, case, acting_user=None)
        target = TARGETS.get(case.direction, {}).get(message.action)
        if target is None:
            return
        ground = body.get("ground", "")
        for name in _path_to(case, target):
            try:
                do_transition(
                    case,
                    name,
                    acting_user=None,
                    reason=summary or _("Reported by the other state."),
                    ground=ground,
                )
            except TransitionRefused as refused:
                case_event(case, EventKind.NOTE, None, reason=refused.message)
                break


def _attach_parts(message: Message, case: Case, *, acting_user: User | None) -> None:
    """File the message's received files on the case as documents, once the filing has
    committed: checking a file (a package may take seconds to inflate) must not hold the
    write lock, on SQLite every other writer's (decision 0022). A file larger than what a
    request may handle (EXCHANGE_FILE_INLINE_MAX), or one whose filing failed, is left to
    the worker (attach_pending_parts), which copies it outside any transaction too."""

    def attach() -> None:
        for part in MessagePart.objects.filter(message=message).order_by("pk"):
            if part.document_version_id or not part.stored_path or part.problem:
                continue
            if part.size > settings.EXCHANGE_FILE_INLINE_MAX:
                continue
            _attach_part(part, message, case, acting_user=acting_user)

    transaction.on_commit(attach, robust=True)


def attach_pending_parts(*, limit: int = 5) -> int:
    """The worker's step: file on their case the received files left for it."""
    pending = (
        MessagePart.objects.filter(
            message__direction=Message.Direction.INBOUND,
            message__state=MessageState.FILED,
            message__held=False,
            message__conversation__case__isnull=False,
            document_version__isnull=True,
            problem="",
        )
        .exclude(stored_path="")
        .select_related("message__conversation__case")
        .order_by("pk")[:limit]
    )
    done = 0
    for part in pending:
        conversation = part.message.conversation
        assert conversation is not None and conversation.case is not None
        _attach_part(part, part.message, conversation.case, acting_user=None)
        done += 1
    return done


def _attach_part(
    part: MessagePart, message: Message, case: Case, *, acting_user: User | None
) -> None:
    kind = (
        DocumentKind.EVIDENCE
        if message.action in ("execution_result", "execution_update")
        else DocumentKind.REQUEST
        if message.action == "request"
        else DocumentKind.CORRESPONDENCE
    )
    try:
        with open(part.stored_path, "rb") as handle:
            version = do_add_document(
                case,
                title=part.name,
                kind=kind,
                upload=handle,
                original_name=part.name,
                acting_user=acting_user,
                expected_sha256=part.sha256,
                expected_size=part.size,
                max_size=settings.EXCHANGE_MAX_PART_SIZE,
            )
    except uploads.UploadRejected as rejected:
        note = _("%(name)s was not filed: %(reason)s") % {
            "name": part.name,
            "reason": rejected.message,
        }
        case_event(case, EventKind.NOTE, acting_user, reason=note)
        part.problem = str(rejected.message)[:300]
        part.save(update_fields=["problem"])
        return
    part.document_version = version
    part.save(update_fields=["document_version"])
    # The case's document store holds it now (checked, checksummed): free the space.
    Path(part.stored_path).unlink(missing_ok=True)


# Triage -------------------------------------------------------------------------------------


@transaction.atomic
def do_accept_request(message: Message, *, acting_user: User) -> Case:
    """Register an incoming request received through the exchange as a case of the receiving
    authority, with its documents and its confidentiality marking (art. 18(20))."""
    locked = Message.objects.select_for_update().get(pk=message.pk)
    conversation = locked.conversation
    if (
        locked.direction != Message.Direction.INBOUND
        or locked.action != "request"
        or locked.state != MessageState.FILED
        or conversation is None
        or locked.held
    ):
        raise ExchangeError(_("This message is not a request to register."), code="not_request")
    if conversation.case_id is not None:
        raise ExchangeError(_("This request is already registered."), code="already_registered")
    if acting_user.authority_id != locked.authority_id or not acting_user.can_write_cases:
        raise ExchangeError(_("Only an officer of the authority registers it."), code="forbidden")
    body = locked.body
    document = load_document(body["request"])  # the optional parts filled in
    content = case_content(document)
    fields = content.fields | {
        # Both checked on receipt (the body's schema and reference_problems): never cut here.
        "their_reference": body["sender_reference"],
        "requesting_state_id": document["requesting"]["state"],
        "requested_state_id": locked.authority.state_id,
        "requesting_authority_name": document["requesting"]["authority"],
        "kind": body["kind"],
        "confidentiality": body["confidentiality"],
        "urgency": body["urgency"],
        "channel": Channel.ELECTRONIC_EXCHANGE,
        "received_on": timezone.localdate(locked.filed_at or timezone.now()),
    }
    with quiet():
        case = do_register_case(
            locked.authority,
            direction=Direction.INCOMING,
            fields=fields,
            acting_user=acting_user,
            offences=content.offences,
            persons=content.persons,
            measures=content.measures,
        )
        conversation.case = case
        conversation.save(update_fields=["case"])
        _attach_parts(locked, case, acting_user=acting_user)
        case_event(
            case,
            EventKind.EXCHANGE,
            acting_user,
            reason=_("Received through the secure exchange from %(party)s.")
            % {"party": f"{locked.from_party}@{locked.from_node}"},
            details={
                "action": "request",
                "message": str(locked.public_id),
                "direction": "inbound",
            },
        )
    record(
        "exchange.request_registered",
        acting_user=acting_user,
        authority_id=locked.authority_id,
        object_type="message",
        object_ref=str(locked.message_id),
        details={"case": str(case.public_id)},
    )
    return case


@transaction.atomic
def do_file_held(message: Message, case: Case, *, acting_user: User) -> None:
    """An officer puts a held message on one of the authority's cases."""
    locked = Message.objects.select_for_update().get(pk=message.pk)
    if not locked.held or case.authority_id != locked.authority_id:
        raise ExchangeError(_("This message cannot be filed there."), code="forbidden")
    locked.held = False
    # On the request's conversation with that partner, so that it shows in the case's thread;
    # where the request has none (it went by post), the message's conversation becomes the
    # request's: what the partner sends next in it lands there by itself.
    conversation = case.conversations.filter(partner=locked.partner).first()
    conversation_id = uuid.UUID(locked.header["conversation_id"])
    taken = Conversation.objects.filter(
        authority=locked.authority, conversation_id=conversation_id
    ).exists()
    if conversation is None and not taken:
        conversation = Conversation.objects.create(
            conversation_id=conversation_id,
            authority=locked.authority,
            case=case,
            partner=locked.partner,
            partner_party=locked.from_party,
            role=Conversation.Role.REQUESTER
            if case.direction == Direction.OUTGOING
            else Conversation.Role.REQUESTED,
        )
    locked.conversation = conversation
    locked.save(update_fields=["held", "conversation"])
    apply_to_case(locked, case)
    record(
        "exchange.held_filed",
        acting_user=acting_user,
        authority_id=locked.authority_id,
        object_type="message",
        object_ref=str(locked.message_id),
        details={"case": str(case.public_id)},
    )


@transaction.atomic
def do_mark_retrieved(message: Message, *, acting_user: User) -> bool:
    """The first time a person of the receiving authority opens a message: the retrieval
    evidence, sent back to the sender. Returns whether this was the first time."""
    if message.direction != Message.Direction.INBOUND or message.state != MessageState.FILED:
        return False
    if acting_user.authority_id != message.authority_id:
        return False
    updated = Message.objects.filter(pk=message.pk, retrieved_at__isnull=True).update(
        retrieved_at=timezone.now(), retrieved_by_name=acting_user.get_username()
    )
    if not updated:
        return False
    message.refresh_from_db()
    records.issue(Evidence.Type.RETRIEVAL, message=message, push_to=message.from_node)
    return True
