"""The delivery worker: takes due messages from the outbox, relays each envelope, sends its
attachments chunk by chunk (resuming where the receiver stopped), keeps the evidences that
come back, retries with backoff, gives up after the message's maximum age (relay failure);
pushes the evidences the other side must receive; raises reminders when an evidence is late.

Transport adapters: ``HttpTransport`` (node to node over HTTP) and ``LocalTransport`` (two
authorities on one node: the same receiving code, the same checks and evidences, without a
network hop). An e-CODEX / Domibus back-end link would be a third adapter (docs/exchange-ecodex.md).
"""

from __future__ import annotations

import datetime
import http.client
import json
import logging
import random
import threading
import urllib.parse
from collections.abc import Callable
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rogatory.audit.actions import record

from . import records, seal
from .errors import ExchangeError
from .filing import attach_pending_parts
from .inbound import (
    MAX_BATCH,
    Outcome,
    file_complete,
    part_status,
    receive_batch,
    receive_chunk,
    receive_envelope,
    receive_evidence,
)
from .models import Evidence, Message, MessagePart, MessageState, Partner
from .timeouts import check_timeouts, issue_non_retrievals

logger = logging.getLogger(__name__)

BACKOFF_MAX = 3600.0  # seconds: the longest wait between two attempts
# When every chunk is delivered but the delivery evidence has not come back yet.
RECHECK = datetime.timedelta(minutes=2)


class Transport(Protocol):
    """How a node reaches a partner; answers are the receiving node's outcomes."""

    def send_envelope(self, wire: str) -> Outcome: ...

    def part_status(self, message: Message, part_id: str) -> Outcome: ...

    def send_chunk(self, message: Message, part_id: str, index: int, data: bytes) -> Outcome: ...

    def send_evidence(self, token: str) -> Outcome: ...

    def send_batch(self, wires: list[str]) -> Outcome: ...

    def close(self) -> None: ...


def _proof(message: Message, part_id: str) -> str:
    """That we hold the part key: asked by the receiver before it says how far a part got."""
    entry = message.part_entry(part_id)
    return seal.part_proof(entry["key"], message_id=str(message.message_id), part_id=part_id)


class LocalTransport:
    """Two authorities on one node: the receiving side's code, called directly."""

    def send_envelope(self, wire: str) -> Outcome:
        return receive_envelope(wire)

    def part_status(self, message: Message, part_id: str) -> Outcome:
        return part_status(
            message.from_node, str(message.message_id), part_id, _proof(message, part_id)
        )

    def send_chunk(self, message: Message, part_id: str, index: int, data: bytes) -> Outcome:
        return receive_chunk(message.from_node, str(message.message_id), part_id, index, data)

    def send_evidence(self, token: str) -> Outcome:
        return receive_evidence(token)

    def send_batch(self, wires: list[str]) -> Outcome:
        return receive_batch([json.loads(w) for w in wires])

    def close(self) -> None:
        """Nothing to close: no connection."""


class TransportFailure(Exception):
    """The partner could not be reached or answered nothing usable: try again later."""


class HttpTransport:
    """Node to node over HTTP(S): one connection kept open for a whole delivery."""

    def __init__(self, endpoint: str) -> None:
        parsed = urllib.parse.urlsplit(endpoint)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise TransportFailure(f"bad endpoint {endpoint!r}")
        self.https = parsed.scheme == "https"
        self.host = parsed.hostname
        self.port = parsed.port
        self.base = parsed.path.rstrip("/")
        self._connection: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            timeout = settings.EXCHANGE_HTTP_TIMEOUT_SECONDS
            if self.https:
                self._connection = http.client.HTTPSConnection(
                    self.host, self.port, timeout=timeout
                )
            else:
                self._connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _call(
        self,
        method: str,
        path: str,
        body: bytes | None,
        content_type: str,
        extra: dict[str, str] | None = None,
    ) -> Outcome:
        headers = {"Content-Type": content_type, "Accept": "application/json", **(extra or {})}
        for attempt in (1, 2):
            reused = self._connection is not None
            try:
                connection = self._connect()
                connection.request(method, self.base + path, body=body, headers=headers)
                response = connection.getresponse()
                raw = response.read(20 * 1024 * 1024)
                break
            except (OSError, http.client.HTTPException) as error:
                self.close()
                # A kept-alive connection the server has since closed: once more on a new
                # one (every call is idempotent: the receiver deduplicates).
                if reused and attempt == 1:
                    continue
                raise TransportFailure(str(error)[:200]) from error
        if response.status >= 500 or response.status == 429:
            raise TransportFailure(f"HTTP {response.status}")
        try:
            data = json.loads(raw) if raw else {}
        except ValueError as error:
            raise TransportFailure(f"HTTP {response.status}: not JSON") from error
        if not isinstance(data, dict):
            raise TransportFailure(f"HTTP {response.status}: not an object")
        return Outcome(response.status, data)

    def send_envelope(self, wire: str) -> Outcome:
        return self._call("POST", "/messages", wire.encode(), "application/json")

    def _part_path(self, message: Message, part_id: str) -> str:
        return f"/messages/{message.from_node}/{message.message_id}/parts/{part_id}"

    def part_status(self, message: Message, part_id: str) -> Outcome:
        proof = {"X-Rex-Part-Proof": _proof(message, part_id)}
        return self._call("GET", self._part_path(message, part_id), None, "application/json", proof)

    def send_chunk(self, message: Message, part_id: str, index: int, data: bytes) -> Outcome:
        path = f"{self._part_path(message, part_id)}/{index}"
        return self._call("PUT", path, data, "application/octet-stream")

    def send_evidence(self, token: str) -> Outcome:
        body = json.dumps({"evidence": token}).encode()
        return self._call("POST", "/evidences", body, "application/json")

    def send_batch(self, wires: list[str]) -> Outcome:
        # The stored wires are canonical JSON already: joined, not parsed and re-encoded.
        body = ('{"envelopes":[' + ",".join(wires) + "]}").encode()
        return self._call("POST", "/batch", body, "application/json")


def transport_for(partner: Partner) -> Transport:
    if partner.source == Partner.Source.SELF:
        return LocalTransport()
    return HttpTransport(partner.endpoint)


# Delivery -----------------------------------------------------------------------------------


def _lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.EXCHANGE_LEASE_SECONDS)


def _claim_due(pks: list[int], now: datetime.datetime) -> list[Message]:
    """Take a lease on the messages among ``pks`` still due (another worker may have delivered
    one since it was read) and not leased, in one statement; the ones we got. The lease's
    expiry, made unique, marks our rows. A worker that dies leaves a lease that runs out (it
    is renewed chunk by chunk)."""
    mark = now + _lease() + datetime.timedelta(microseconds=random.randrange(1, 10**6))  # noqa: S311
    Message.objects.filter(
        pk__in=pks,
        state__in=(MessageState.QUEUED, MessageState.RELAYED),
        next_attempt_at__lte=now,
    ).filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now)).update(lease_until=mark)
    return list(
        Message.objects.filter(pk__in=pks, lease_until=mark)
        .select_related("partner")
        .order_by("next_attempt_at")
    )


def _claim(message: Message, now: datetime.datetime) -> bool:
    """Take a lease on one message (see _claim_due)."""
    return bool(_claim_due([message.pk], now))


def _renew(message: Message) -> None:
    Message.objects.filter(pk=message.pk).update(lease_until=timezone.now() + _lease())


def _release(message: Message, *, retry: bool, error: str = "") -> None:
    fields: dict[str, Any] = {"lease_until": None}
    if retry:
        attempts = message.attempts + 1
        base = settings.EXCHANGE_RETRY_BASE_MS / 1000
        delay = min(BACKOFF_MAX, base * 2 ** min(attempts, 20))
        delay *= random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not a secret
        fields |= {
            "attempts": attempts,
            "next_attempt_at": timezone.now() + datetime.timedelta(seconds=delay),
            "last_error": error[:300],
        }
    Message.objects.filter(pk=message.pk).update(**fields)


def _keep_evidences(message: Message, outcome: Outcome) -> None:
    tokens = outcome.body.get("evidences", [])
    if not isinstance(tokens, list):
        return
    with transaction.atomic():
        kept = []
        for token in tokens[:20]:
            if not isinstance(token, str):
                continue
            try:
                evidence, new = records.accept(
                    token, partner=message.partner, message=message, audit=False
                )
            except ExchangeError as error:
                logger.warning("exchange: evidence for %s refused: %s", message.message_id, error)
                continue
            if new:
                kept.append(evidence)
        if kept:
            # One entry for the evidences of one answer, each named with its hash.
            record(
                "exchange.evidences_received",
                acting_user=None,
                authority_id=message.authority_id,
                object_type="message",
                object_ref=str(message.message_id),
                details={"evidences": [records.audit_line(e) for e in kept]},
            )


def _send_parts(message: Message, transport: Transport) -> Outcome | None:
    """Send what the receiver still lacks of each part; the last answer, if any."""
    last: Outcome | None = None
    entries = {e["part_id"]: e for e in message.manifest}
    part: MessagePart
    for part in message.parts.all():
        status = transport.part_status(message, part.part_id)
        if status.status != 200:
            raise TransportFailure(f"part status: {status.body.get('error', status.status)}")
        start = int(status.body.get("received", 0))
        entry = entries[part.part_id]
        with open(part.source_path, "rb") as handle:
            handle.seek(start * part.chunk_size)
            for index in range(start, part.chunk_count):
                plaintext = handle.read(part.chunk_size)
                data = seal.encrypt_chunk(
                    entry["key"],
                    plaintext,
                    message_id=str(message.message_id),
                    part_id=part.part_id,
                    index=index,
                    count=part.chunk_count,
                )
                last = transport.send_chunk(message, part.part_id, index, data)
                _renew(message)
                if last.status == 409:
                    raise TransportFailure("receiver expects another chunk; resuming")
                if last.status != 200:
                    return last
    return last


def deliver(message: Message, transport: Transport | None = None) -> None:
    """One delivery attempt of an outbound message (the caller holds its lease). A transport
    given by the caller (one connection for a whole pass) is left open."""
    own = transport is None
    if transport is None:
        transport = transport_for(message.partner)
    try:
        if (
            message.state == MessageState.QUEUED
            or not message.evidences.filter(type=Evidence.Type.RELAY_REMMD_ACCEPTANCE).exists()
        ):
            outcome = transport.send_envelope(message.wire)
            if not _relayed(message, outcome):
                return
        # The evidences just kept moved the message's state (in memory too).
        if message.state == MessageState.RELAYED and message.manifest:
            last = _send_parts(message, transport)
            if last is not None:
                _keep_evidences(message, last)
        _release(message, retry=False)
        if message.state == MessageState.RELAYED:
            # Every chunk is there; the receiver files large messages in its worker and
            # pushes the delivery evidence. Look again later, not at every pass.
            Message.objects.filter(pk=message.pk, state=MessageState.RELAYED).update(
                next_attempt_at=timezone.now() + RECHECK
            )
    except TransportFailure as failure:
        logger.info("exchange: %s not delivered yet: %s", message.message_id, failure)
        _release(message, retry=True, error=str(failure))
    finally:
        if own:
            transport.close()


def _relayed(message: Message, outcome: Outcome) -> bool:
    """Keep the evidences of the answer to an envelope; False (and the message released, with
    our own relay failure when the refusal was not signed) when it was refused."""
    _keep_evidences(message, outcome)
    if outcome.status == 200:
        return True
    _release(message, retry=False, error=str(outcome.body.get("error", "")))
    if not outcome.body.get("evidences"):
        # Refused without a signed evidence: our own record of it.
        with transaction.atomic():
            records.issue(
                Evidence.Type.RELAY_REMMD_FAILURE,
                message=message,
                reason_code=str(outcome.body.get("error", "refused"))[:40],
                reason=f"HTTP {outcome.status}",
            )
    return False


def deliver_batch(messages: list[Message], transport: Transport) -> None:
    """Relay several envelopes without attachments to one partner in one request (the caller
    holds their leases); each keeps its own answer and evidences."""
    try:
        outcome = transport.send_batch([m.wire for m in messages])
    except TransportFailure as failure:
        for message in messages:
            _release(message, retry=True, error=str(failure))
        return
    results = outcome.body.get("results")
    if outcome.status != 200 or not isinstance(results, list) or len(results) != len(messages):
        # An endpoint that does not take batches (or refused this one): one by one.
        for message in messages:
            deliver(message, transport)
        return
    done = []
    # One transaction (one commit) for the answers of a batch: each message's evidences are
    # still verified, stored and audited on their own, inside savepoints.
    with transaction.atomic():
        for message, result in zip(messages, results, strict=True):
            if not isinstance(result, dict):
                continue
            answer = Outcome(int(result.get("status", 500)), result)
            if _relayed(message, answer):
                done.append(message.pk)
        Message.objects.filter(pk__in=done).update(lease_until=None)


def _expire(message: Message, now: datetime.datetime) -> None:
    with transaction.atomic():
        records.issue(
            Evidence.Type.RELAY_REMMD_FAILURE,
            message=message,
            reason_code="max_age",
            reason="Not relayed before the message expired.",
            at=now,
        )


def deliver_due(*, limit: int = 100, now: datetime.datetime | None = None) -> int:
    """Attempt every due message once; returns how many were attempted."""
    now = now or timezone.now()
    candidates = list(
        Message.objects.filter(
            direction=Message.Direction.OUTBOUND,
            state__in=(MessageState.QUEUED, MessageState.RELAYED),
            next_attempt_at__lte=now,
        )
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    if not candidates:
        return 0
    due = _claim_due(candidates, now)
    attempted = 0
    transports: dict[int, Transport] = {}
    batches: dict[int, list[Message]] = {}
    try:
        for message in due:
            attempted += 1
            if message.state == MessageState.QUEUED and message.expires_at < now:
                _expire(message, now)
                _release(message, retry=False)
                continue
            if message.partner_id not in transports:
                transports[message.partner_id] = transport_for(message.partner)
            if message.state == MessageState.QUEUED and not message.manifest:
                batches.setdefault(message.partner_id, []).append(message)
            else:
                deliver(message, transports[message.partner_id])
        for partner_id, waiting in batches.items():
            for start in range(0, len(waiting), MAX_BATCH):
                deliver_batch(waiting[start : start + MAX_BATCH], transports[partner_id])
    finally:
        for transport in transports.values():
            transport.close()
    return attempted


def push_evidences(*, limit: int = 200) -> int:
    """Send the evidences the other side must receive (retrieval, offline receipts)."""
    pushed = 0
    pending = Evidence.objects.filter(pushed_at__isnull=True).exclude(push_to="")[:limit]
    for evidence in pending:
        partner = Partner.objects.filter(
            node_id=evidence.push_to, status=Partner.Status.PINNED
        ).first()
        if partner is None:
            continue
        transport = transport_for(partner)
        try:
            outcome = transport.send_evidence(evidence.token)
        except TransportFailure:
            continue
        finally:
            transport.close()
        if outcome.status in (200, 404, 403):
            # 404/403: the partner does not know the message (offline copy never sent there):
            # nothing more to do; the evidence stays in our records.
            Evidence.objects.filter(pk=evidence.pk).update(pushed_at=timezone.now())
            pushed += 1
    return pushed


def run_once() -> tuple[int, int]:
    """One pass of the worker: deliver, file what came in too large for a request, push
    evidences, note late ones."""
    delivered = deliver_due()
    filed = file_complete() + attach_pending_parts()
    pushed = push_evidences()
    check_timeouts()
    issue_non_retrievals()
    return delivered + filed, pushed


def run_forever(
    stop: threading.Event, *, interval: float = 1.0, on_error: Callable[[Exception], None]
) -> None:
    """The worker loop: run, sleep ``interval`` when idle, until ``stop`` is set."""
    while not stop.is_set():
        try:
            delivered, pushed = run_once()
        except Exception as error:  # a bug must not stop the outbox for good
            on_error(error)
            delivered = pushed = 0
        if not delivered and not pushed:
            stop.wait(interval)
