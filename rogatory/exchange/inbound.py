"""Receiving: verify an envelope, keep it once (the inbox deduplicates), answer with signed
evidences, take in its attachments chunk by chunk, and file it: a request lands in the
receiving authority's exchange inbox, anything later on the case of its conversation.

Refusals: to a partner whose signature verified, a signed RELAY_REMMD_REJECTION (stored,
audited); to anyone else, a plain error, counted per day, with no signature and no audit entry,
so that junk cannot be used to exhaust the node (decision 0017).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import re
import shutil
import uuid
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from rogatory.accounts.models import Authority, User
from rogatory.audit.actions import record
from rogatory.cases.actions import _event as case_event
from rogatory.cases.actions import do_add_document, do_register_case, do_transition
from rogatory.cases.choices import Direction, DocumentKind, EventKind, Status
from rogatory.cases.lifecycle import TRANSITIONS, TransitionRefused
from rogatory.cases.models import Case
from rogatory.drafting.actions import case_content
from rogatory.lib import uploads

from . import business, records, seal
from .errors import ExchangeError
from .models import (
    Conversation,
    Evidence,
    JunkCount,
    Message,
    MessagePart,
    MessageState,
    Partner,
)
from .node import decryption_keys, hosted_codes, local_node, partner_codes, partner_keys
from .outbound import quiet

logger = logging.getLogger(__name__)

# Codes of envelopes whose signature verified but which we refuse: the sender is
# authenticated, so the refusal is a signed evidence.
AUTHENTICATED_REFUSALS = frozenset(
    {"expired_key", "revoked_key", "not_yet_valid_key", "clock_skew", "expired", "route_mismatch"}
)
MAX_PARTS = 200
# As the business schemas define a part id (and a URL path segment can carry it).
PART_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")


@dataclass
class Outcome:
    """What the endpoint answers: an HTTP status and a JSON body."""

    status: int
    body: dict[str, Any] = field(default_factory=dict)


def junk(reason: str, status: int = 400) -> Outcome:
    """Count and log refused input from nobody we could authenticate."""
    today = timezone.localdate()
    updated = JunkCount.objects.filter(day=today, reason=reason).update(count=F("count") + 1)
    if not updated:
        try:
            with transaction.atomic():
                JunkCount.objects.create(day=today, reason=reason, count=1)
        except IntegrityError:
            JunkCount.objects.filter(day=today, reason=reason).update(count=F("count") + 1)
    logger.warning("exchange: refused unauthenticated input (%s)", reason)
    return Outcome(status, {"error": reason})


def _subject(wire: dict[str, Any]) -> dict[str, str]:
    route = wire["route"]
    return {
        "message_id": route["message_id"],
        "digest": seal.wire_digest(wire),
        "from_node": route["from_node"],
        "to_node": route["to_node"],
    }


def _refuse(wire: dict[str, Any], code: str, reason: str, status: int = 422) -> Outcome:
    """A signed, audited refusal to an authenticated partner."""
    with transaction.atomic():
        evidence = records.issue(
            Evidence.Type.RELAY_REMMD_REJECTION,
            subject=_subject(wire),
            reason_code=code,
            reason=reason,
        )
    return Outcome(status, {"error": code, "reason": reason, "evidences": [evidence.token]})


def _evidence_tokens(message: Message) -> list[str]:
    return list(
        message.evidences.filter(issuer_node=message.to_node)
        .order_by("event_time", "pk")
        .values_list("token", flat=True)
    )


def _business_problems(opened: seal.Opened, partner: Partner) -> list[str]:
    header, manifest = opened.header, opened.manifest
    problems = []
    action = header.get("action")
    if action not in business.ACTIONS:
        return [f"header/action: unknown action {str(action)[:40]!r}"]
    try:
        business.validate_body(action, opened.body)
    except business.BusinessDocumentError as error:
        problems.extend(error.problems)
    for name in ("conversation_id", "message_id"):
        try:
            uuid.UUID(str(header.get(name)))
        except ValueError:
            problems.append(f"header/{name}: not a UUID")
    ref = header.get("ref_to_message_id")
    if ref is not None:
        try:
            uuid.UUID(str(ref))
        except ValueError:
            problems.append("header/ref_to_message_id: not a UUID")
    if str(header.get("to_party")) not in hosted_codes():
        problems.append("header/to_party: no such authority on this node")
    if str(header.get("from_party")) not in partner_codes(partner):
        problems.append("header/from_party: the sending node does not host this authority")
    if len(manifest) > MAX_PARTS:
        problems.append("manifest: too many parts")
    ids = set()
    for n, entry in enumerate(manifest[:MAX_PARTS]):
        problem = _manifest_problem(entry)
        if not problem and entry["part_id"] in ids:
            problem = "the same part id twice"
        if problem:
            problems.append(f"manifest/{n}: {problem}")
        else:
            ids.add(entry["part_id"])
    if not problems:
        missing = business.part_ids(action, opened.body) - ids
        if missing:
            problems.append(f"body: parts not in the manifest: {sorted(missing)}")
    return problems


def _manifest_problem(entry: Any) -> str:
    if not isinstance(entry, dict):
        return "not an object"
    try:
        ok = (
            isinstance(entry["part_id"], str)
            and PART_ID.fullmatch(entry["part_id"]) is not None
            and isinstance(entry["name"], str)
            and 0 < len(entry["name"]) <= 255
            and isinstance(entry["media_type"], str)
            and len(entry["media_type"]) <= 100
            and isinstance(entry["key"], str)
            and isinstance(entry["sha256"], str)
            and len(entry["sha256"]) == 64
            and isinstance(entry["chunks"], list)
            and all(isinstance(c, str) and len(c) == 64 for c in entry["chunks"])
            and isinstance(entry["chunk_size"], int)
            and 4096 <= entry["chunk_size"] <= 64 * 1024 * 1024
            and isinstance(entry["size"], int)
            and entry["size"] >= 0
        )
    except KeyError as missing:
        return f"missing {missing}"
    if not ok:
        return "malformed entry"
    if entry["size"] > settings.EXCHANGE_MAX_PART_SIZE:
        return "part larger than this node accepts"
    expected = max(1, -(-entry["size"] // entry["chunk_size"]))
    if len(entry["chunks"]) != expected:
        return "chunk count does not match the size"
    return ""


@dataclass
class _Accepted:
    """An envelope that passed every check and is ready to be stored."""

    wire: dict[str, Any]
    digest: str
    opened: seal.Opened
    partner: Partner
    now: datetime.datetime


def receive_envelope(raw: bytes | str | dict[str, Any], *, offline: bool = False) -> Outcome:
    """Verify and keep an envelope; answer with the evidences (or the refusal)."""
    checked = _check_envelope(raw, offline=offline)
    if isinstance(checked, Outcome):
        return checked
    return _store_checked(checked, offline=offline)


MAX_BATCH = 100


def receive_batch(envelopes: Any) -> Outcome:
    """Several envelopes from one sender in one request, each verified, stored, receipted
    and audited as if it had come alone, the stores in one transaction; the answer lists each
    envelope's outcome in order."""
    if not isinstance(envelopes, list) or not 0 < len(envelopes) <= MAX_BATCH:
        return junk("malformed")
    results: list[Outcome | None] = []
    accepted: list[tuple[int, _Accepted]] = []
    for raw in envelopes:
        checked = _check_envelope(raw, offline=False)
        if isinstance(checked, Outcome):
            results.append(checked)
        else:
            results.append(None)
            accepted.append((len(results) - 1, checked))
    try:
        with transaction.atomic():
            for index, item in accepted:
                results[index] = _answer(
                    _store(
                        item.wire,
                        item.digest,
                        item.opened,
                        item.partner,
                        offline=False,
                        now=item.now,
                    )
                )
    except IntegrityError:
        # A duplicate within the batch, or stored meanwhile by another request: one by one.
        for index, item in accepted:
            results[index] = _store_checked(item, offline=False)
    answers = [{"status": r.status, **r.body} for r in results if r is not None]
    return Outcome(200, {"results": answers})


def _check_envelope(raw: bytes | str | dict[str, Any], *, offline: bool) -> Outcome | _Accepted:
    """Every check of an envelope, in order; nothing stored (refusals are)."""
    try:
        wire = seal.parse_wire(raw)
    except seal.SealError as error:
        return junk(error.code)
    node = local_node()
    route = wire["route"]
    if route["to_node"] != node.node_id:
        return junk("wrong_recipient")
    partner = Partner.objects.filter(
        node_id=route["from_node"], status=Partner.Status.PINNED
    ).first()
    if partner is None:
        return junk("unknown_sender", 403)
    digest = seal.wire_digest(wire)
    message_id = _uuid(route["message_id"])
    if message_id is None:
        return junk("malformed")
    inbound = Message.objects.filter(
        direction=Message.Direction.INBOUND,
        from_node=route["from_node"],
        message_id=message_id,
    ).first()
    if inbound is not None and inbound.digest == digest:
        # The same message again (a retry, or a replay): the original receipt, nothing changes.
        return _answer(inbound, duplicate=True)
    now = timezone.now()
    try:
        opened = seal.open_envelope(
            wire,
            decryption_keys=decryption_keys(),
            sender_keys=partner_keys(partner),
            now=now,
            max_skew=datetime.timedelta(seconds=settings.EXCHANGE_MAX_SKEW_SECONDS),
            offline=offline,
        )
    except seal.SealError as error:
        if error.code in AUTHENTICATED_REFUSALS:
            return _refuse(wire, error.code, error.message)
        return junk(error.code, 403 if error.code in ("bad_signature", "unknown_key") else 400)
    if inbound is not None:
        return _refuse(
            wire, "duplicate_id", "A different message with this id was received before.", 409
        )
    problems = _business_problems(opened, partner)
    if problems:
        return _refuse(wire, "invalid_message", "; ".join(problems)[:500])
    return _Accepted(wire, digest, opened, partner, now)


def _store_checked(item: _Accepted, *, offline: bool) -> Outcome:
    wire, route = item.wire, item.wire["route"]
    message_id = uuid.UUID(item.opened.header["message_id"])
    try:
        with transaction.atomic():
            message = _store(
                wire, item.digest, item.opened, item.partner, offline=offline, now=item.now
            )
    except IntegrityError:
        # Another worker of ours stored the same message a moment ago.
        inbound = Message.objects.filter(
            direction=Message.Direction.INBOUND,
            from_node=route["from_node"],
            message_id=message_id,
        ).first()
        if inbound is None:
            return _refuse(wire, "invalid_message", "The message could not be stored.")
        return _answer(inbound, duplicate=True)
    return _answer(message)


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _answer(message: Message, *, duplicate: bool = False) -> Outcome:
    missing = (
        {part.part_id: part.received_chunks for part in message.parts.all() if not part.complete}
        if message.manifest
        else {}
    )
    return Outcome(
        200,
        {
            "state": message.state,
            "duplicate": duplicate,
            "evidences": _evidence_tokens(message),
            "parts": missing,
        },
    )


def _store(
    wire: dict[str, Any],
    digest: str,
    opened: seal.Opened,
    partner: Partner,
    *,
    offline: bool,
    now: datetime.datetime,
) -> Message:
    header = opened.header
    authority = Authority.objects.get(code=header["to_party"])
    ref = header.get("ref_to_message_id")
    message = Message.objects.create(
        message_id=uuid.UUID(header["message_id"]),
        direction=Message.Direction.INBOUND,
        authority=authority,
        partner=partner,
        from_node=header["from_node"],
        from_party=header["from_party"],
        to_node=header["to_node"],
        to_party=header["to_party"],
        action=header["action"],
        ref_to=uuid.UUID(ref) if ref else None,
        sealed_at=datetime.datetime.fromisoformat(header["created_at"]),
        expires_at=datetime.datetime.fromisoformat(header["expires_at"]),
        wire=seal.canonical(wire).decode(),
        digest=digest,
        signed=opened.signed,
        header=header,
        manifest=opened.manifest,
        body=opened.body,
        state=MessageState.RECEIVING,
        offline=offline,
        notes=list(opened.notes),
    )
    for entry in opened.manifest:
        MessagePart.objects.create(
            message=message,
            part_id=entry["part_id"],
            name=entry["name"],
            media_type=entry["media_type"],
            size=entry["size"],
            sha256=entry["sha256"],
            chunk_size=entry["chunk_size"],
            chunk_count=len(entry["chunks"]),
        )
    push = header["from_node"] if offline else ""
    issued = [
        records.issue(
            Evidence.Type.RELAY_REMMD_ACCEPTANCE,
            message=message,
            at=now,
            push_to=push,
            audit=False,
        )
    ]
    if not opened.manifest:
        issued.append(_file(message, audit=False))
    # One entry for the message and the evidences it got here (each named with its hash).
    record(
        "exchange.received",
        acting_user=None,
        authority_id=authority.pk,
        object_type="message",
        object_ref=str(message.message_id),
        details={
            "action": message.action,
            "from": f"{message.from_party}@{message.from_node}",
            "digest": digest,
            "offline": offline,
            "notes": list(opened.notes),
            "evidences": [records.audit_line(e) for e in issued],
        },
    )
    return message


# Attachments --------------------------------------------------------------------------------


def incoming_dir(message: Message) -> Path:
    return Path(settings.DATA_DIR) / "exchange" / "incoming" / str(message.public_id)


def part_status(from_node: str, message_id: str, part_id: str) -> Outcome:
    part = _inbound_part(from_node, message_id, part_id)
    if part is None:
        return Outcome(404, {"error": "unknown_part"})
    return Outcome(200, {"received": part.received_chunks, "count": part.chunk_count})


def _inbound_part(from_node: str, message_id: str, part_id: str) -> MessagePart | None:
    mid = _uuid(message_id)
    if mid is None:
        return None
    return (
        MessagePart.objects.select_related("message")
        .filter(
            message__direction=Message.Direction.INBOUND,
            message__from_node=from_node,
            message__message_id=mid,
            part_id=part_id,
        )
        .first()
    )


def receive_chunk(
    from_node: str, message_id: str, part_id: str, index: int, data: bytes
) -> Outcome:
    """Take chunk ``index`` of a part: it must be the next one (resumable, in order), decrypt
    under the part key from the signed manifest and match its hash; the last chunk of the last
    part files the message."""
    part = _inbound_part(from_node, message_id, part_id)
    if part is None:
        return junk("unknown_part", 404)
    message = part.message
    if part.complete:
        return _answer(message, duplicate=True)
    if index != part.received_chunks:
        return Outcome(409, {"error": "unexpected_chunk", "expected": part.received_chunks})
    entry = next(e for e in message.manifest if e["part_id"] == part_id)
    try:
        plaintext = seal.decrypt_chunk(
            entry["key"],
            data,
            message_id=str(message.message_id),
            part_id=part_id,
            index=index,
            count=part.chunk_count,
            expected_sha256=entry["chunks"][index],
        )
    except seal.SealError as error:
        return junk(f"chunk_{error.code}", 422)
    directory = incoming_dir(message)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / f"{part_id}.part"
    with open(path, "ab") as handle:
        # A crash after writing but before counting left bytes beyond the last counted chunk.
        handle.truncate(index * part.chunk_size)
        handle.seek(0, os.SEEK_END)
        handle.write(plaintext)
        handle.flush()
        os.fsync(handle.fileno())
    counted = MessagePart.objects.filter(pk=part.pk, received_chunks=index).update(
        received_chunks=index + 1
    )
    if not counted:
        return Outcome(409, {"error": "unexpected_chunk", "expected": part.received_chunks})
    part.received_chunks = index + 1
    if part.complete:
        part.stored_path = str(path)
        part.save(update_fields=["stored_path"])
        if not message.parts.filter(received_chunks__lt=F("chunk_count")).exists():
            total = sum(p.size for p in message.parts.all())
            if total > settings.EXCHANGE_FILE_INLINE_MAX:
                # Checking and filing gigabytes does not fit in a web request: the worker
                # files it (file_complete) and sends the delivery evidence back.
                Message.objects.filter(pk=message.pk, state=MessageState.RECEIVING).update(
                    state=MessageState.COMPLETE
                )
            else:
                return _finish(message)
            message.refresh_from_db()
    return _answer(message)


def _finish(message: Message) -> Outcome:
    """Check every complete part whole and file the message (delivery), or refuse it."""
    for part in message.parts.all():
        problem = _check_whole(Path(part.stored_path), part)
        if problem:
            return _non_delivery(message, problem)
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if locked.state in (MessageState.RECEIVING, MessageState.COMPLETE):
            # Filed by the worker: the sender learns of the delivery by a pushed evidence.
            _file(locked, push=locked.state == MessageState.COMPLETE)
    message.refresh_from_db()
    return _answer(message)


def file_complete(*, limit: int = 10) -> int:
    """The worker's step: file the received messages too large to file within a request."""
    done = 0
    for message in Message.objects.filter(
        direction=Message.Direction.INBOUND, state=MessageState.COMPLETE
    ).order_by("pk")[:limit]:
        _finish(message)
        done += 1
    return done


def _check_whole(path: Path, part: MessagePart) -> str:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
            size += len(block)
    if size != part.size or digest.hexdigest() != part.sha256:
        return "part_mismatch"
    return ""


def _non_delivery(message: Message, code: str) -> Outcome:
    shutil.rmtree(incoming_dir(message), ignore_errors=True)
    # Found by the worker: nobody is waiting for the answer, so the sender gets it pushed.
    push = message.from_node if message.state == MessageState.COMPLETE else ""
    with transaction.atomic():
        message.parts.update(received_chunks=0, stored_path="")
        Message.objects.filter(pk=message.pk).update(state=MessageState.RECEIVING)
        evidence = records.issue(
            Evidence.Type.NON_DELIVERY,
            message=message,
            reason_code=code,
            reason=code,
            push_to=push,
        )
    return Outcome(422, {"error": code, "evidences": [evidence.token]})


# Filing -------------------------------------------------------------------------------------


def _file(message: Message, *, audit: bool = True, push: bool = False) -> Evidence:
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


def _path_to(case: Case, target: Status) -> list[str]:
    """The shortest chain of moves from the case's status to ``target`` in its direction."""
    start = Status(case.status)
    if start == target:
        return []
    seen = {start}
    queue: deque[tuple[Status, list[str]]] = deque([(start, [])])
    while queue:
        status, path = queue.popleft()
        for t in TRANSITIONS:
            if status in t.sources and case.direction in t.directions and t.target not in seen:
                if t.target == target:
                    return [*path, t.name]
                seen.add(t.target)
                queue.append((t.target, [*path, t.name]))
    return []


def _measure_path(current: str, target: str) -> list[str]:
    """The shortest chain of measure statuses from ``current`` to ``target``."""
    from rogatory.cases.lifecycle import MEASURE_MOVES

    queue: deque[tuple[str, list[str]]] = deque([(current, [])])
    seen = {current}
    while queue:
        status, path = queue.popleft()
        for following in MEASURE_MOVES.get(status, frozenset()):
            if following == target:
                return [*path, following]
            if following not in seen:
                seen.add(following)
                queue.append((following, [*path, following]))
    return []


def _apply_measures(case: Case, body: dict[str, Any]) -> None:
    """Mirror the measure statuses the requested state reported onto our measures of the
    same kind (so that the case's own guards, e.g. "all measures settled", agree)."""
    from rogatory.cases.actions import do_change_measure_status

    reported: dict[str, str] = {}
    for item in body.get("measures", []):
        reported.setdefault(item["kind"], item["status"])
    for measure in case.measures.all():
        target = reported.get(measure.kind)
        if not target or target == measure.status:
            continue
        for status in _measure_path(measure.status, target):
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
            Case.objects.filter(pk=case.pk).update(their_reference=body["receiver_reference"][:100])
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
    kind = (
        DocumentKind.EVIDENCE
        if message.action in ("execution_result", "execution_update")
        else DocumentKind.REQUEST
        if message.action == "request"
        else DocumentKind.CORRESPONDENCE
    )
    for part in message.parts.all():
        if part.document_version_id or not part.stored_path:
            continue
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
            continue
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
    document = body["request"]
    content = case_content(document)
    fields = content.fields | {
        "their_reference": body["sender_reference"][:100],
        "requesting_state_id": document["requesting"]["state"],
        "requested_state_id": locked.authority.state_id,
        "requesting_authority_name": document["requesting"]["authority"][:300],
        "kind": body["kind"],
        "confidentiality": body["confidentiality"],
        "urgency": body["urgency"],
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
    # On the request's conversation with that partner, if there is one, so that it shows in
    # the case's exchange thread.
    locked.conversation = case.conversations.filter(partner=locked.partner).first()
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


def receive_evidence(token: Any) -> Outcome:
    """A partner's evidence about one of our outbound messages (retrieval, or evidences of an
    envelope imported from a file at the other end)."""
    if not isinstance(token, str) or len(token) > 20000:
        return junk("malformed")
    try:
        claims, _kid = seal.peek_evidence(token)
    except seal.SealError as error:
        return junk(error.code)
    partner = Partner.objects.filter(
        node_id=str(claims.get("issuer_node")), status=Partner.Status.PINNED
    ).first()
    mid = _uuid(str(claims.get("subject_message_id")))
    message = (
        Message.objects.filter(
            direction=Message.Direction.OUTBOUND,
            message_id=mid,
            to_node=partner.node_id,
        ).first()
        if partner is not None and mid is not None
        else None
    )
    if partner is None or message is None:
        return junk("unknown_subject", 404)
    try:
        records.accept(token, partner=partner, message=message)  # audited there
    except ExchangeError as error:
        return junk(error.code, 403)
    return Outcome(200, {"state": Message.objects.get(pk=message.pk).state})
