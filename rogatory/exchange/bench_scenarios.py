"""What `make bench-exchange` (bench/exchange.py) plays inside a node of the loopback pair.

Run in a node's environment: ``python -m rogatory.exchange.bench_scenarios ROLE [options]``;
the last line of output is a JSON report, as with ``loopback play``. Roles:

* ``prepare`` (node A): a request drafted, finalised and approved as in
  ``scenarios.requester``; its document, with the summary of facts padded to ~30 KB of
  canonical JSON, becomes the body template every benchmark message carries (written to
  ``--body``).
* ``throughput`` (node A): queue ``--messages`` requests, each in its own new conversation to
  ke-odpp, then wait until every one is DELIVERED (both evidences back). ``--drain`` runs the
  delivery loop (``transport.run_once``, what ``exchange_worker`` runs) in this process once
  everything is queued, for a "delivery only" figure and for profiling; otherwise the node's
  own worker delivers while the messages are being queued. ``--profile FILE`` writes cProfile
  statistics of queueing and of the delivery loop.
* ``attachment`` (node A): one request carrying one large file; its raw copy time, then the
  time from queueing to DELIVERED.
* ``receive_profile`` (node B): the receiving side alone, in process: ``receive_envelope`` on
  wires sealed by A (``--wires``), the first half timed plainly, the second under cProfile.
* ``dump_wires`` (node A): the wires of queued, undelivered messages (for ``receive_profile``).
* ``verify`` (either node): message, evidence and audit counts, and the audit chain check.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import os
import shutil
import sys
import time
import uuid
from pathlib import Path
from typing import Any

REQUEST_BYTES = 30_000
# Filler for the summary of facts: ordinary prose, numbered so that no two lines repeat.
_FACT = (
    "On {day} March 2023 a transfer of EUR {amount},00 was ordered from account FR76 3000 "
    "4000 {n:04d} 0000 to account KE00 1234 5678 held by Tana Holdings Ltd at Harambee Bank, "
    "Nairobi, with the reference 'consultancy services {n}'. "
)
DONE_STATES = ("delivered", "retrieved")
BAD_STATES = ("failed", "rejected")


def _canonical_size(value: Any) -> int:
    from rogatory.exchange import seal

    return len(seal.canonical(value))


def prepare(options: argparse.Namespace) -> dict[str, Any]:
    """Draft, finalise and approve a request; write the padded body template."""

    from rogatory.accounts.models import Authority, User
    from rogatory.drafting.actions import do_approve, do_finalise
    from rogatory.exchange import business, seal
    from rogatory.exchange.scenarios import draft_request

    authority = Authority.objects.get(code="fr-bepi")
    officer = User.objects.get(username="claire.officer")
    supervisor = User.objects.get(username="marc.supervisor")
    case = draft_request(authority, officer)
    version = do_finalise(case, language="en", acting_user=officer)
    version = do_approve(version, acting_user=supervisor)
    document = dict(version.document)
    facts = [document["summary_of_facts"]]
    n = 0
    while _canonical_size(document) < REQUEST_BYTES:
        n += 1
        facts.append(_FACT.format(day=1 + n % 28, amount=10_000 + 137 * n, n=n))
        document["summary_of_facts"] = "\n".join(facts)
    body = {
        "request": document,
        "approval": {
            "version": version.number,
            # The padded document is not the approved one: its own digest, so that the body
            # stays consistent (the schema checks only the form).
            "document_sha256": hashlib.sha256(seal.canonical(document)).hexdigest(),
            "finalised_by": version.finalised_by_name,
            "approved_by": version.approved_by_name,
            "approved_at": version.approved_at.isoformat() if version.approved_at else "",
        },
        "sender_reference": case.our_reference,
        "kind": case.kind,
        "confidentiality": case.confidentiality,
        "urgency": case.urgency,
        "renderings": [],
        "attachments": [],
    }
    business.validate_body("request", body)
    Path(options.body).write_text(json.dumps(body), encoding="utf-8")
    return {
        "body": options.body,
        "request_bytes": _canonical_size(document),
        "body_bytes": _canonical_size(body),
    }


def _load_body(path: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return body


def _queue_one(body: dict[str, Any], reference: str, files: list[Any] | None = None) -> Any:
    """One request in its own new conversation to ke-odpp, as do_send_request queues it (the
    officer and the destination are looked up each time, as a view would)."""
    from django.db import transaction

    from rogatory.accounts.models import User
    from rogatory.exchange.models import Conversation, PartnerAuthority
    from rogatory.exchange.outbound import queue

    destination = PartnerAuthority.objects.select_related("partner").get(code="ke-odpp")
    officer = User.objects.select_related("authority").get(username="claire.officer")
    with transaction.atomic():
        conversation = Conversation.objects.create(
            conversation_id=uuid.uuid4(),
            authority=officer.authority,
            partner=destination.partner,
            partner_party=destination.code,
            role=Conversation.Role.REQUESTER,
        )
        return queue(
            conversation,
            "request",
            body | {"sender_reference": reference},
            files or [],
            acting_user=officer,
        )


def _wait_delivered(ids: list[int], timeout: float, poll: float = 0.02) -> float:
    """Poll until every message is DELIVERED; the wall-clock time (time.time()) it was."""
    from django.db.models import Count

    from rogatory.exchange.models import Message

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = dict(
            Message.objects.filter(pk__in=ids)
            .values("state")
            .annotate(n=Count("pk"))
            .values_list("state", "n")
        )
        bad = sum(states.get(s, 0) for s in BAD_STATES)
        if bad:
            errors = list(
                Message.objects.filter(pk__in=ids, state__in=BAD_STATES).values_list(
                    "last_error", flat=True
                )[:3]
            )
            raise RuntimeError(f"{bad} messages failed or were rejected: {errors}")
        if sum(states.get(s, 0) for s in DONE_STATES) == len(ids):
            return time.time()
        time.sleep(poll)
    raise TimeoutError(f"not all of {len(ids)} messages delivered in {timeout:.0f} s")


def _drain(ids: list[int], timeout: float) -> tuple[float, float]:
    """Run the worker's loop in this process until every message is DELIVERED; the time it
    was, and the seconds spent in POST /messages and /batch (B's work, and HTTP)."""
    from rogatory.exchange import transport
    from rogatory.exchange.models import Message

    spent = [0.0]
    original = transport.HttpTransport.send_envelope
    original_batch = transport.HttpTransport.send_batch

    def timed(self: transport.HttpTransport, wire: str) -> Any:
        start = time.perf_counter()
        try:
            return original(self, wire)
        finally:
            spent[0] += time.perf_counter() - start

    def timed_batch(self: transport.HttpTransport, wires: list[str]) -> Any:
        start = time.perf_counter()
        try:
            return original_batch(self, wires)
        finally:
            spent[0] += time.perf_counter() - start

    transport.HttpTransport.send_envelope = timed  # type: ignore[method-assign]
    transport.HttpTransport.send_batch = timed_batch  # type: ignore[method-assign]
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            delivered, _pushed = transport.run_once()
            done = Message.objects.filter(pk__in=ids, state__in=DONE_STATES).count()
            if done == len(ids):
                return time.time(), spent[0]
            if not delivered:
                time.sleep(0.01)
    finally:
        transport.HttpTransport.send_envelope = original  # type: ignore[method-assign]
        transport.HttpTransport.send_batch = original_batch  # type: ignore[method-assign]
    raise TimeoutError(f"not all of {len(ids)} messages delivered in {timeout:.0f} s")


def _stats(profile: cProfile.Profile, path: str, label: str) -> None:
    profile.dump_stats(f"{path}.{label}.prof")


def throughput(options: argparse.Namespace) -> dict[str, Any]:
    body = _load_body(options.body)
    tag = uuid.uuid4().hex[:6]
    profile = cProfile.Profile() if options.profile else None
    ids = []
    first_queue = time.time()
    start = time.perf_counter()
    if profile:
        profile.enable()
    for n in range(options.messages):
        ids.append(_queue_one(body, f"BENCH-{tag}-{n:05d}").pk)
    if profile:
        profile.disable()
        _stats(profile, options.profile, "queue")
    queued = time.perf_counter() - start
    last_queue = time.time()
    if options.queue_only:
        return {"messages": len(ids), "queue_seconds": queued}
    if options.drain:
        profile = cProfile.Profile() if options.profile else None
        if profile:
            profile.enable()
        done, http_seconds = _drain(ids, options.timeout)
        if profile:
            profile.disable()
            _stats(profile, options.profile, "deliver")
    else:
        done, http_seconds = _wait_delivered(ids, options.timeout), 0.0
    return {
        "messages": len(ids),
        "first_queue": first_queue,
        "last_queue": last_queue,
        "delivered": done,
        "queue_seconds": queued,
        "http_seconds": http_seconds,
        "ids": [ids[0], ids[-1]],
    }


def _write_file(path: Path, size_mb: int) -> None:
    """``size_mb`` MB (10^6 bytes) of incompressible bytes, written 8 MB at a time (flat memory)."""
    block = os.urandom(8 * 1024 * 1024)
    remaining = size_mb * 1_000_000
    with open(path, "wb") as handle:
        n = 0
        while remaining > 0:
            piece = block[: min(len(block), remaining)]
            # Vary each block so that no two chunks are equal.
            handle.write(n.to_bytes(8, "big") + piece[8:])
            remaining -= len(piece)
            n += 1


def attachment(options: argparse.Namespace) -> dict[str, Any]:
    from django.conf import settings

    from rogatory.exchange.outbound import PartFile

    body = _load_body(options.body)
    scratch = Path(settings.DATA_DIR) / "bench"
    scratch.mkdir(exist_ok=True)
    path = scratch / "evidence-export.bin"
    _write_file(path, options.attachment_mb)
    size = path.stat().st_size
    copy = scratch / "copy.bin"
    copies = []
    for _ in range(3):  # the median of three: the page cache makes single copies erratic
        start = time.perf_counter()
        shutil.copyfile(path, copy)
        copies.append(time.perf_counter() - start)
        copy.unlink()
    copy_seconds = sorted(copies)[1]
    files = [PartFile("annex1", path, path.name, "application/octet-stream")]
    # The driver samples memory from here on.
    print(json.dumps({"event": "queueing"}), flush=True)
    first_queue = time.time()
    start = time.perf_counter()
    message = _queue_one(body | {"attachments": ["annex1"]}, "BENCH-ATTACHMENT", files)
    queued = time.perf_counter() - start
    done = _wait_delivered([message.pk], options.timeout, poll=0.05)
    path.unlink()
    return {
        "bytes": size,
        "chunks": message.parts.get().chunk_count,
        "first_queue": first_queue,
        "delivered": done,
        "queue_seconds": queued,
        "copy_seconds": copy_seconds,
    }


def dump_wires(options: argparse.Namespace) -> dict[str, Any]:
    from rogatory.exchange.models import Message, MessageState

    wires = list(
        Message.objects.filter(
            direction=Message.Direction.OUTBOUND, state=MessageState.QUEUED
        ).values_list("wire", flat=True)
    )
    Path(options.wires).write_text(json.dumps(wires), encoding="utf-8")
    return {"wires": len(wires)}


def receive_profile(options: argparse.Namespace) -> dict[str, Any]:
    """The first half of the wires received plainly (timed), the second under cProfile."""
    from rogatory.exchange.inbound import receive_envelope

    wires = json.loads(Path(options.wires).read_text(encoding="utf-8"))
    half = len(wires) // 2

    def receive(batch: list[str]) -> float:
        start = time.perf_counter()
        for wire in batch:
            outcome = receive_envelope(wire.encode())
            if outcome.status != 200:
                raise RuntimeError(f"refused: {outcome.body}")
        return time.perf_counter() - start

    plain = receive(wires[:half])
    profile = cProfile.Profile()
    profile.enable()
    seconds = receive(wires[half:])
    profile.disable()
    _stats(profile, options.profile, "receive")
    return {
        "plain_messages": half,
        "plain_seconds": plain,
        "messages": len(wires) - half,
        "seconds": seconds,
    }


def verify(options: argparse.Namespace) -> dict[str, Any]:
    from django.db.models import Count

    from rogatory.audit.models import AuditEntry
    from rogatory.audit.verify import verify_chain
    from rogatory.exchange.models import Evidence, Message

    return {
        "messages": {
            f"{d}/{s}": n
            for d, s, n in Message.objects.values("direction", "state")
            .annotate(n=Count("pk"))
            .values_list("direction", "state", "n")
        },
        "evidences": Evidence.objects.count(),
        "audit_entries": AuditEntry.objects.count(),
        "audit_ok": verify_chain().ok,
    }


ROLES = {
    "prepare": prepare,
    "throughput": throughput,
    "attachment": attachment,
    "dump_wires": dump_wires,
    "receive_profile": receive_profile,
    "verify": verify,
}


def play(role: str, argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog=f"bench_scenarios {role}")
    parser.add_argument("--body", default="")
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--drain", action="store_true")
    parser.add_argument("--queue-only", action="store_true")
    parser.add_argument("--profile", default="")
    parser.add_argument("--attachment-mb", type=int, default=200)
    parser.add_argument("--wires", default="")
    parser.add_argument("--timeout", type=float, default=1800.0)
    options = parser.parse_args(argv)
    if role not in ROLES:
        raise SystemExit(f"unknown role {role!r}")
    return ROLES[role](options)


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(play(sys.argv[1], sys.argv[2:]), sort_keys=True))
