"""Secure exchange between two real nodes on loopback: messages per second, the raw crypto
ceiling in the same run, and a large attachment streamed node to node (MB/s, memory).

Usage: .venv/bin/python bench/exchange.py [--messages 500] [--attachment-mb 200]
       [--postgres postgresql://postgres@127.0.0.1:5432/postgres] [--extra-workers 1]
       [--profile [--top]] [--keep]

Two nodes (rogatory.exchange.loopback.make_pair: A = fr-bepi, B = ke-odpp; each its own data
folder, database, gunicorn server and exchange_worker) on one machine. Every message is a
``request`` carrying a real request document (drafted, finalised and approved on A, summary of
facts padded to ~30 KB of canonical JSON), in its own new conversation, with its own message id.
A message counts once it is DELIVERED at A: sealed (signed, encrypted), stored in A's outbox,
posted to B, opened, validated, stored and filed in B's inbox, both evidences signed at B,
verified and stored at A, every step audited on both sides.

1. Messages per second, two figures:
   * "delivery only": the N messages are queued (sealed) first, with A's worker stopped; then
     the worker's loop (transport.run_once, in a scenario process) delivers them; the clock
     runs from its first pass to the last DELIVERED. Queueing is timed on its own.
     The time spent in POST /messages (B's work and HTTP) is measured around
     HttpTransport.send_envelope, so the table splits B's share from A's.
   * "end to end": A's worker running, N more messages queued one after the other; the clock
     runs from the first queue() call to the last DELIVERED (queueing included). This is the
     figure of the final line. Then the same with --extra-workers more exchange_worker
     processes at A (default 1).
2. Raw ceiling: seal.seal_with_signed + seal.open_envelope of the same body, fresh message ids,
   in this process (one core), no database, no HTTP.
3. Attachment: one request with a file of --attachment-mb MB (10^6 bytes, random bytes), from
   queue() (which hashes the file) to DELIVERED (8 MB chunks encrypted, sent, decrypted,
   fsynced, re-hashed at B); against shutil.copyfile of the same file in the same run. The
   resident memory (VmRSS) of every process of each node's server and worker process groups
   is sampled every 0.2 s during the transfer.
--profile adds cProfile runs of queueing, of A's delivery loop and of B's receiving code (in
process; the same number of envelopes is first received without the profiler, for its real
cost), and prints where the time goes per message (--top: the top functions too). The
profiler inflates Python-heavy code 2-3x: use its shares, not its milliseconds.

The last line: ``exchange: <N> msgs/s, <R>x of raw crypto, <M> MB/s attachments``.
Record results, with the date and machine, in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import pstats
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rogatory.exchange import seal  # noqa: E402
from rogatory.exchange.loopback import PYTHON, Node, make_pair  # noqa: E402

TARGETS = {"msgs": 200.0, "ratio": 0.3, "mbps": 50.0}


def play(node: Node, role: str, *args: str, timeout: float = 3600) -> dict[str, Any]:
    """Run a role of rogatory.exchange.bench_scenarios inside ``node``; its JSON report."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [PYTHON, "-m", "rogatory.exchange.bench_scenarios", role, *args],
        cwd=ROOT,
        env=node.env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{node.name}: {role} failed:\n{result.stderr[-4000:]}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


# Raw ceiling --------------------------------------------------------------------------------


def raw_ceiling(body: dict[str, Any], count: int) -> dict[str, float]:
    """Seal and open ``count`` envelopes in a loop: msgs/s of the crypto library alone."""
    now = datetime.datetime.now(datetime.UTC)
    sign = seal.generate_key("sig", not_before=now - datetime.timedelta(days=1))
    enc = seal.generate_key("enc", not_before=now - datetime.timedelta(days=1))
    sender, recipient = [sign.public()], enc.public()

    def header() -> dict[str, Any]:
        created = datetime.datetime.now(datetime.UTC)
        return {
            "message_id": str(uuid.uuid4()),
            "conversation_id": str(uuid.uuid4()),
            "ref_to_message_id": None,
            "from_node": "fr-node",
            "from_party": "fr-bepi",
            "to_node": "ke-node",
            "to_party": "ke-odpp",
            "service": "",
            "action": "request",
            "created_at": created.isoformat(),
            "expires_at": (created + datetime.timedelta(hours=168)).isoformat(),
        }

    for _ in range(5):  # warm-up
        sealed = seal.seal_with_signed(
            header(), body, [], signing_key=sign, recipient_key=recipient
        )
        seal.open_envelope(sealed.wire, decryption_keys=[enc], sender_keys=sender, now=now)
    sealing = opening = 0.0
    for _ in range(count):
        start = time.perf_counter()
        sealed = seal.seal_with_signed(
            header(), body, [], signing_key=sign, recipient_key=recipient
        )
        middle = time.perf_counter()
        seal.open_envelope(
            sealed.wire,
            decryption_keys=[enc],
            sender_keys=sender,
            now=datetime.datetime.now(datetime.UTC),
        )
        opening += time.perf_counter() - middle
        sealing += middle - start
    return {
        "count": count,
        "msgs_per_s": count / (sealing + opening),
        "seal_ms": 1000 * sealing / count,
        "open_ms": 1000 * opening / count,
        "wire_bytes": len(seal.canonical(sealed.wire)),
    }


def spawn_worker(node: Node, n: int) -> subprocess.Popen[bytes]:
    """One more ``exchange_worker`` process for ``node`` (stopped with ``stop_process``)."""
    handle = open(node.data_dir / f"worker-extra-{n}.log", "ab")  # noqa: SIM115 - the child's
    return subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        [PYTHON, str(ROOT / "manage.py"), "exchange_worker", "--interval", "0.1"],
        cwd=ROOT,
        env=node.env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_process(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


# Memory -------------------------------------------------------------------------------------


def _group_rss(pgid: int) -> tuple[int, int]:
    """Total and largest VmRSS (kB) of the processes of a process group."""
    total = largest = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            if int(fields[2]) != pgid:
                continue
            with open(f"/proc/{entry.name}/status", encoding="ascii", errors="replace") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        kb = int(line.split()[1])
                        total += kb
                        largest = max(largest, kb)
                        break
        except (OSError, IndexError, ValueError):
            continue
    return total, largest


class MemorySampler(threading.Thread):
    """Peak VmRSS of each node's server and worker groups, every ``interval`` seconds."""

    def __init__(self, nodes: list[Node], interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.groups = {}
        for node in nodes:
            assert node.server is not None and node.worker is not None
            self.groups[f"{node.name} server"] = node.server.pid
            self.groups[f"{node.name} worker"] = node.worker.pid
        self.interval = interval
        self.peak: dict[str, tuple[int, int]] = dict.fromkeys(self.groups, (0, 0))
        self.first: dict[str, tuple[int, int]] = {}
        self.samples = 0
        self.stop = threading.Event()

    def sample(self) -> None:
        for name, pgid in self.groups.items():
            total, largest = _group_rss(pgid)
            self.first.setdefault(name, (total, largest))
            old = self.peak[name]
            self.peak[name] = (max(old[0], total), max(old[1], largest))
        self.samples += 1

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(self.interval)


# Profiles -----------------------------------------------------------------------------------

# (label, file suffix, function name): cumulative time per message, from cProfile.
QUEUE_ROWS = [
    ("queue() total", "exchange/outbound.py", "queue"),
    ("  validate_body (jsonschema, 30 KB request)", "exchange/business.py", "validate_body"),
    ("  seal_with_signed (sign + encrypt)", "exchange/seal.py", "seal_with_signed"),
    ("    canonical JSON (RFC 8785)", "exchange/seal.py", "canonical"),
    ("  evidence issue (sign, store, audit)", "exchange/records.py", "issue"),
    ("  audit record (chain head lock, hash)", "audit/actions.py", "record"),
    ("  Model.save / create (all rows)", "db/models/base.py", "save"),
    ("  transaction commit", "backends/base/base.py", "commit"),
]
DELIVER_ROWS = [
    ("run_once total", "exchange/transport.py", "run_once"),
    ("  deliver_due (select the due messages)", "exchange/transport.py", "deliver_due"),
    ("  deliver()", "exchange/transport.py", "deliver"),
    ("    HTTP POST and wait for B's answer", "exchange/transport.py", "send_envelope"),
    ("    keep evidences (verify, store, audit)", "exchange/records.py", "accept"),
    ("      verify_evidence (Ed25519)", "exchange/seal.py", "verify_evidence"),
    ("      audit record", "audit/actions.py", "record"),
    ("    claim / release leases", "exchange/transport.py", "_release"),
    ("  push_evidences", "exchange/transport.py", "push_evidences"),
    ("  check_timeouts", "exchange/timeouts.py", "check_timeouts"),
    ("  transaction commit", "backends/base/base.py", "commit"),
]
RECEIVE_ROWS = [
    ("receive_envelope total", "exchange/inbound.py", "receive_envelope"),
    ("  parse_wire (strict JSON)", "exchange/seal.py", "parse_wire"),
    ("  wire_digest (canonical JSON + SHA-256)", "exchange/seal.py", "wire_digest"),
    ("  open_envelope (decrypt + verify)", "exchange/seal.py", "open_envelope"),
    ("  business checks", "exchange/inbound.py", "_business_problems"),
    ("    validate_body (jsonschema, 30 KB request)", "exchange/business.py", "validate_body"),
    ("  _store (rows, evidences, audit)", "exchange/inbound.py", "_store"),
    ("    evidence issue (sign, store, audit)", "exchange/records.py", "issue"),
    ("    audit record", "audit/actions.py", "record"),
    ("    _file (inbox, delivery evidence)", "exchange/inbound.py", "_file"),
    ("  _answer (evidence tokens)", "exchange/inbound.py", "_answer"),
    ("  transaction commit", "backends/base/base.py", "commit"),
]


def profile_rows(path: str, rows: list[tuple[str, str, str]], count: int) -> list[list[str]]:
    stats = pstats.Stats(path).stats  # type: ignore[attr-defined]
    total = sum(tt for (_cc, _nc, tt, _ct, _callers) in stats.values())
    lines = []
    for label, suffix, name in rows:
        cumulative = sum(
            value[3]
            for (filename, _line, func), value in stats.items()
            if func == name and filename.endswith(suffix)
        )
        lines.append([label, f"{1000 * cumulative / count:.2f}", f"{100 * cumulative / total:.0f}"])
    return lines


def print_top(path: str, limit: int = 25) -> None:
    stats = pstats.Stats(path)
    stats.sort_stats("tottime").print_stats(limit)


# Report -------------------------------------------------------------------------------------


def table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({model}), {platform.machine()}, Python "
        f"{platform.python_version()}"
    )


def run(args: argparse.Namespace) -> None:
    base = Path(tempfile.mkdtemp(prefix="bench-exchange-", dir=args.workdir))
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"# bench-exchange: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {machine()}"
    )
    print(f"database: {database}; work directory {base}", flush=True)
    rows: list[list[str]] = []
    results: dict[str, Any] = {}
    try:
        with make_pair(base, postgres_url=args.postgres) as (a, b):
            body_path = str(base / "body.json")
            prepared = play(a, "prepare", "--body", body_path)
            body = json.loads(Path(body_path).read_text(encoding="utf-8"))
            print(
                f"request document {prepared['request_bytes']:,} bytes, body "
                f"{prepared['body_bytes']:,} bytes (canonical JSON)",
                flush=True,
            )

            raw = raw_ceiling(body, max(args.messages, 200))
            results["raw"] = raw
            print(f"raw: {raw['msgs_per_s']:.0f} msgs/s", flush=True)

            # 1a. Delivery only: queue with A's worker stopped, then drain.
            a.kill_worker()
            only = play(
                a, "throughput", "--body", body_path, "--messages", str(args.messages), "--drain"
            )
            a.start_worker()
            deliver_seconds = only["delivered"] - only["last_queue"]
            results["delivery_only"] = only
            print(f"delivery only: {args.messages / deliver_seconds:.1f} msgs/s", flush=True)

            # 1b. End to end: A's worker running while the messages are queued.
            live = play(a, "throughput", "--body", body_path, "--messages", str(args.messages))
            live_seconds = live["delivered"] - live["first_queue"]
            results["end_to_end"] = live
            print(f"end to end: {args.messages / live_seconds:.1f} msgs/s", flush=True)

            # 1c. The same with more delivery workers at A (a deployment choice: the worker
            # leases each message, so several can run side by side).
            if args.extra_workers:
                extra = [spawn_worker(a, n) for n in range(args.extra_workers)]
                try:
                    more = play(
                        a, "throughput", "--body", body_path, "--messages", str(args.messages)
                    )
                finally:
                    for process in extra:
                        stop_process(process)
                results["more_workers"] = more
                seconds = more["delivered"] - more["first_queue"]
                results["more_seconds"] = seconds
                print(
                    f"end to end, {1 + args.extra_workers} workers at A: "
                    f"{args.messages / seconds:.1f} msgs/s",
                    flush=True,
                )

            # 3. Attachment.
            mbps = 0.0
            sampler = None
            if args.attachment_mb > 0:
                sampler = MemorySampler([a, b])
                sampler.sample()
                sampler.start()
                attached = play(
                    a,
                    "attachment",
                    "--body",
                    body_path,
                    "--attachment-mb",
                    str(args.attachment_mb),
                )
                sampler.stop.set()
                sampler.join()
                results["attachment"] = attached
                megabytes = attached["bytes"] / 1e6
                transfer = attached["delivered"] - attached["first_queue"]
                mbps = megabytes / transfer
                print(f"attachment: {mbps:.1f} MB/s", flush=True)

            verified = {node.name: play(node, "verify") for node in (a, b)}

            # Profiles (optional), after the measured runs.
            profiles: dict[str, Any] = {}
            if args.profile:
                prefix = str(base / "profile")
                count = args.profile_messages
                a.kill_worker()
                play(
                    a,
                    "throughput",
                    "--body",
                    body_path,
                    "--messages",
                    str(count),
                    "--drain",
                    "--profile",
                    prefix,
                )
                play(
                    a,
                    "throughput",
                    "--body",
                    body_path,
                    "--messages",
                    str(2 * count),
                    "--queue-only",
                )
                wires = str(base / "wires.json")
                play(a, "dump_wires", "--wires", wires)
                # The first half without the profiler (its real cost), the second under it.
                received = play(b, "receive_profile", "--wires", wires, "--profile", prefix)
                profiles = {"prefix": prefix, "count": count, "receive": received}

        queue_ms = 1000 * only["queue_seconds"] / args.messages
        rows = [
            [
                "queue (seal + outbox + evidence + audit), A's worker stopped",
                f"{args.messages}",
                f"{only['queue_seconds']:.2f} s",
                f"{args.messages / only['queue_seconds']:.1f} msgs/s ({queue_ms:.2f} ms/msg)",
                "",
            ],
            [
                "delivery only (queued beforehand → DELIVERED at A), one worker loop",
                f"{args.messages}",
                f"{deliver_seconds:.2f} s",
                f"{args.messages / deliver_seconds:.1f} msgs/s",
                f"{args.messages / deliver_seconds / raw['msgs_per_s']:.2f}x",
            ],
            [
                "  of which HTTP POST /batch or /messages → B's answer (B's work + HTTP)",
                f"{args.messages}",
                f"{only['http_seconds']:.2f} s",
                f"{1000 * only['http_seconds'] / args.messages:.2f} ms/msg",
                "",
            ],
            [
                "  of which A's own work (lease, evidences verified, stored, audited)",
                f"{args.messages}",
                f"{deliver_seconds - only['http_seconds']:.2f} s",
                f"{1000 * (deliver_seconds - only['http_seconds']) / args.messages:.2f} ms/msg",
                "",
            ],
            [
                "end to end (first queue() → last DELIVERED at A)",
                f"{args.messages}",
                f"{live_seconds:.2f} s",
                f"{args.messages / live_seconds:.1f} msgs/s",
                f"{args.messages / live_seconds / raw['msgs_per_s']:.2f}x",
            ],
            *(
                [
                    [
                        f"end to end, {1 + args.extra_workers} worker processes at A",
                        f"{args.messages}",
                        f"{more_seconds:.2f} s",
                        f"{args.messages / more_seconds:.1f} msgs/s",
                        f"{args.messages / more_seconds / raw['msgs_per_s']:.2f}x",
                    ]
                ]
                if (more_seconds := results.get("more_seconds"))
                else []
            ),
            *(
                [
                    [
                        "B: receive_envelope in process, no HTTP, no profiler",
                        f"{profiles['receive']['plain_messages']}",
                        f"{profiles['receive']['plain_seconds']:.2f} s",
                        f"{1000 * profiles['receive']['plain_seconds'] / count:.2f} ms/msg",
                        "",
                    ]
                ]
                if profiles
                else []
            ),
            [
                f"raw crypto: seal_with_signed + open_envelope, one core "
                f"(seal {raw['seal_ms']:.2f} ms, open {raw['open_ms']:.2f} ms)",
                f"{raw['count']}",
                f"{raw['count'] / raw['msgs_per_s']:.2f} s",
                f"{raw['msgs_per_s']:.1f} msgs/s",
                "1.00x",
            ],
        ]
        if "attachment" in results:
            attached = results["attachment"]
            megabytes = attached["bytes"] / 1e6
            transfer = attached["delivered"] - attached["first_queue"]
            rows += [
                [
                    f"attachment {megabytes:,.0f} MB, {attached['chunks']} chunks "
                    f"(queue() {attached['queue_seconds']:.2f} s → DELIVERED)",
                    "1",
                    f"{transfer:.2f} s",
                    f"{megabytes / transfer:.1f} MB/s",
                    f"{megabytes / transfer / (megabytes / attached['copy_seconds']):.2f}x",
                ],
                [
                    "shutil.copyfile of the same file (page cache warm)",
                    "1",
                    f"{attached['copy_seconds']:.2f} s",
                    f"{megabytes / attached['copy_seconds']:.1f} MB/s",
                    "1.00x",
                ],
            ]
        print()
        print(f"## {database}, {args.messages} messages of {prepared['body_bytes']:,} bytes")
        print()
        print(table(["operation", "n", "time", "throughput", "vs raw"], rows))
        if sampler is not None:
            print()
            print(
                f"Memory during the transfer ({sampler.samples} samples, every 0.2 s), VmRSS MB: "
                "group total / largest process, at the start and at the peak"
            )
            print()
            mem_rows = [
                [
                    name,
                    f"{sampler.first[name][0] / 1024:.0f} / {sampler.first[name][1] / 1024:.0f}",
                    f"{sampler.peak[name][0] / 1024:.0f} / {sampler.peak[name][1] / 1024:.0f}",
                ]
                for name in sampler.groups
            ]
            print(table(["processes", "start MB", "peak MB"], mem_rows))
        print()
        for name, report in verified.items():
            print(f"node {name}: {json.dumps(report, sort_keys=True)}")
        if profiles:
            count = profiles["count"]
            prefix = profiles["prefix"]
            for title, label, rows_spec in (
                (f"A: queue() of {count} messages (cProfile)", "queue", QUEUE_ROWS),
                (f"A: delivery loop for {count} messages (cProfile)", "deliver", DELIVER_ROWS),
                (
                    f"B: receive_envelope of {count} messages in process (cProfile; "
                    f"{profiles['receive']['seconds']:.2f} s)",
                    "receive",
                    RECEIVE_ROWS,
                ),
            ):
                print()
                print(f"### {title}")
                print()
                print(
                    table(
                        ["step", "ms/msg", "% of run"],
                        profile_rows(f"{prefix}.{label}.prof", rows_spec, count),
                    )
                )
            if args.top:
                for label in ("queue", "deliver", "receive"):
                    print(f"\n--- top functions by own time: {label}")
                    print_top(f"{prefix}.{label}.prof")
        end_to_end = args.messages / live_seconds
        ratio = end_to_end / raw["msgs_per_s"]
        print()
        misses = []
        if end_to_end < TARGETS["msgs"]:
            misses.append(f"msgs/s {end_to_end:.0f} < {TARGETS['msgs']:.0f}")
        if ratio < TARGETS["ratio"]:
            misses.append(f"ratio {ratio:.2f} < {TARGETS['ratio']}")
        if "attachment" in results and mbps < TARGETS["mbps"]:
            misses.append(f"attachments {mbps:.0f} MB/s < {TARGETS['mbps']:.0f}")
        print("targets: " + ("all met" if not misses else "missed: " + "; ".join(misses)))
        print(
            f"exchange: {end_to_end:.0f} msgs/s, {ratio:.2f}x of raw crypto, "
            f"{mbps:.0f} MB/s attachments"
        )
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500, help="messages per figure")
    parser.add_argument("--attachment-mb", type=int, default=200, help="0: no attachment run")
    parser.add_argument("--postgres", default=None, help="PostgreSQL URL for both nodes")
    parser.add_argument(
        "--extra-workers", type=int, default=1, help="end to end again with N more A workers"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the three sides")
    parser.add_argument("--profile-messages", type=int, default=200)
    parser.add_argument("--top", action="store_true", help="with --profile: top functions")
    parser.add_argument("--workdir", default=None, help="where the nodes' folders go")
    parser.add_argument("--keep", action="store_true", help="keep the nodes' folders")
    run(parser.parse_args(argv))


if __name__ == "__main__":
    main()
