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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from rogatory.accounts.models import Authority
from rogatory.audit.actions import record
from rogatory.drafting.actions import reference_problems
from rogatory.drafting.document import normalise_document

from . import business, records, seal
from .errors import ExchangeError
from .filing import file_message
from .models import (
    Evidence,
    JunkCount,
    Message,
    MessagePart,
    MessageState,
    Partner,
)
from .node import decryption_keys, hosted_codes, local_node, partner_codes, partner_keys

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
    if not problems and action == "request":
        problems.extend(_request_problems(opened.body["request"], str(header.get("to_party"))))
    return problems


def _request_problems(document: dict[str, Any], to_party: str) -> list[str]:
    """A request must become a case here: states, treaty and ICCS codes we know (the same
    check as a request document imported by hand), made by a state, addressed to ours."""
    # validate_body validated it a moment ago (_business_problems): only fill in the optional parts.
    document = normalise_document(document)
    problems = [f"body/request/{problem}" for problem in reference_problems(document)]
    if not document["requesting"]["state"]:
        problems.append("body/request/requesting/state: the requesting state is missing")
    ours = Authority.objects.filter(code=to_party).values_list("state_id", flat=True).first()
    if document["requested"]["state"] != ours:
        problems.append("body/request/requested/state: not the state of the addressed authority")
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
class Accepted:
    """An envelope that passed every check and is ready to be stored."""

    wire: dict[str, Any]
    digest: str
    opened: seal.Opened
    partner: Partner
    now: datetime.datetime


def receive_envelope(raw: bytes | str | dict[str, Any], *, offline: bool = False) -> Outcome:
    """Verify and keep an envelope; answer with the evidences (or the refusal)."""
    checked = check_envelope(raw, offline=offline)
    if isinstance(checked, Outcome):
        return checked
    return store_checked(checked, offline=offline)


MAX_BATCH = 100


def receive_batch(envelopes: Any) -> Outcome:
    """Several envelopes from one sender in one request, each verified, stored, receipted
    and audited as if it had come alone, the stores in one transaction; the answer lists each
    envelope's outcome in order."""
    if not isinstance(envelopes, list) or not 0 < len(envelopes) <= MAX_BATCH:
        return junk("malformed")
    results: list[Outcome | None] = []
    accepted: list[tuple[int, Accepted]] = []
    for raw in envelopes:
        checked = check_envelope(raw, offline=False)
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
            results[index] = store_checked(item, offline=False)
    answers = [{"status": r.status, **r.body} for r in results if r is not None]
    return Outcome(200, {"results": answers})


def check_envelope(raw: bytes | str | dict[str, Any], *, offline: bool) -> Outcome | Accepted:
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
    return Accepted(wire, digest, opened, partner, now)


def store_checked(item: Accepted, *, offline: bool) -> Outcome:
    """Keep an envelope that passed check_envelope; answer with its evidences."""
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
        issued.append(file_message(message, audit=False))
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


def part_status(from_node: str, message_id: str, part_id: str, proof: str) -> Outcome:
    """How many chunks of a part arrived, for the sender only (it proves it holds the part
    key); anyone else learns nothing, not even whether the part exists."""
    part = _inbound_part(from_node, message_id, part_id)
    if part is None or not seal.check_part_proof(
        part.message.part_entry(part_id)["key"],
        proof,
        message_id=str(part.message.message_id),
        part_id=part_id,
    ):
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
    entry = message.part_entry(part_id)
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
            file_message(locked, push=locked.state == MessageState.COMPLETE)
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
