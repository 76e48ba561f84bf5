"""Two real nodes: two server processes and two delivery workers, each node with its own
database and data folder, talking HTTP on loopback. The conversation runs to execution; then
faults: the sender killed mid-transfer, the network cut during a large attachment, the
receiver killed, duplicate delivery, replay, forged and tampered messages, a wrong recipient,
a revoked partner. Afterwards nothing is lost, nothing is there twice, every evidence bundle
verifies offline and both audit chains verify.

On PostgreSQL (when the suite runs there) both nodes get their own throw-away database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rogatory.exchange.bundle import verify_bundle
from rogatory.exchange.loopback import ROOT, Node, make_pair

pytestmark = pytest.mark.two_nodes

# Small chunks, so that a few MB make many chunks to interrupt.
CHUNK = 64 * 1024


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else None


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Node, Node]]:
    base = tmp_path_factory.mktemp("two-nodes")
    with make_pair(
        base,
        postgres_url=_postgres_url(),
        # Small chunks; and attachments over 1 MB filed by B's worker, not in the request.
        extra_env={"EXCHANGE_CHUNK_SIZE": str(CHUNK), "EXCHANGE_FILE_INLINE_MAX": "1000000"},
    ) as pair:
        yield pair


def _wait(what: str, check: Any, timeout: float = 120) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"waited {timeout:.0f} s for {what}")


def _post(node: Node, path: str, data: bytes) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{node.endpoint}{path}",
        data=data,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _state(node: Node, message_id: str, direction: str = "outbound") -> str | None:
    rows = node.query(
        "SELECT state FROM exchange_message WHERE message_id = %s AND direction = %s",
        (message_id.replace("-", "") if "sqlite" in node.database_url else message_id, direction),
    )
    return rows[0][0] if rows else None


def _received_chunks(node: Node, message_id: str) -> int:
    mid = message_id.replace("-", "") if "sqlite" in node.database_url else message_id
    rows = node.query(
        "SELECT SUM(p.received_chunks) FROM exchange_messagepart p JOIN exchange_message m "
        "ON p.message_id = m.id WHERE m.message_id = %s AND m.direction = 'inbound'",
        (mid,),
    )
    return int(rows[0][0] or 0) if rows else 0


def _wire(node: Node, message_id: str) -> bytes:
    mid = message_id.replace("-", "") if "sqlite" in node.database_url else message_id
    rows = node.query(
        "SELECT wire FROM exchange_message WHERE message_id = %s AND direction = 'outbound'",
        (mid,),
    )
    return str(rows[0][0]).encode()


def _verify_audit(node: Node) -> None:
    node.manage("verify_audit")  # raises when the chain does not verify


def test_conversation_between_two_nodes(nodes: tuple[Node, Node], tmp_path: Path) -> None:
    """A request goes from A to B, which acknowledges, asks for more information, is answered,
    executes partially then fully with a file; each side sees every step and evidence."""
    a, b = nodes
    requested = b.start_play("requested", "--bundles", str(tmp_path / "b"), "--timeout", "180")
    requester = a.start_play(
        "requester",
        "--attachment-mb",
        "2",
        "--bundles",
        str(tmp_path / "a"),
        "--timeout",
        "180",
    )
    report_a = a.finish_play(requester)
    report_b = b.finish_play(requested)
    assert report_a["case_status"] == "executed"
    assert report_b["case_status"] == "executed"
    assert report_a["their_reference"] == report_b["case"]
    sent_a = [m for m in report_a["messages"] if m["direction"] == "outbound"]
    sent_b = [m for m in report_b["messages"] if m["direction"] == "outbound"]
    assert [m["action"] for m in sent_a] == ["request", "info_answer"]
    assert [m["action"] for m in sent_b] == [
        "acknowledgement",
        "info_request",
        "execution_update",
        "execution_result",
    ]
    for message in sent_a + sent_b:
        assert message["state"] == "retrieved"
        assert message["evidences"] == [
            "SUBMISSION_ACCEPTANCE",
            "RELAY_REMMD_ACCEPTANCE",
            "DELIVERY",
            "RETRIEVAL",
        ]
    # The same envelope on both sides: same digest, same parts (the 2 MB annex included).
    received_b = {m["message_id"]: m for m in report_b["messages"] if m["direction"] == "inbound"}
    for message in sent_a:
        twin = received_b[message["message_id"]]
        assert twin["digest"] == message["digest"]
        assert twin["parts"] == message["parts"]
    request_parts = {p[0]: p[1] for p in sent_a[0]["parts"]}
    assert request_parts["annex1"] > 2_000_000 - 100
    # Every bundle verifies offline, without any node (the documented command).
    for report in (report_a, report_b):
        assert report["audit_ok"]
        for message in report["messages"]:
            result = verify_bundle(message["bundle"])
            assert result.ok, result.lines
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    command = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "rogatory.exchange.verify", sent_a[0]["bundle"]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert command.returncode == 0, command.stdout
    assert command.stdout.strip().splitlines()[-1] == "bundle: verified"


def test_faults_lose_nothing_and_duplicate_nothing(nodes: tuple[Node, Node]) -> None:
    """Sender killed mid-transfer, network cut, receiver killed, duplicates, replays, forged,
    tampered and misaddressed messages: every message arrives once or is refused with a
    reason; both audit chains verify."""
    a, b = nodes
    # 1. A large request; kill A's worker in the middle of the attachment. On a busy machine
    # the whole file may be through before the kill lands (the chunks go fast on loopback):
    # then the scenario did not happen, and it is played again with a larger file.
    for size in ("6", "16", "40"):
        sent = a.finish_play(a.start_play("send-request", "--attachment-mb", size))
        message_id = sent["message_id"]
        _wait("some chunks at B", lambda mid=message_id: _received_chunks(b, mid) > 5)
        a.kill_worker()
        stalled = _received_chunks(b, message_id)
        if _state(b, message_id, "inbound") == "receiving":
            break
        a.start_worker()
    else:
        pytest.fail("the sender's worker was never killed in the middle of an attachment")
    time.sleep(0.5)
    assert _received_chunks(b, message_id) >= stalled
    assert _state(b, message_id, "inbound") == "receiving"

    # 2. The network is cut (B's server killed): A's worker retries in vain, then B is back
    # and the transfer resumes where it stopped, not from the start.
    b.kill_server()
    a.start_worker()
    time.sleep(1.5)
    before = _received_chunks(b, message_id)
    b.start_server()
    _wait("the request delivered", lambda: _state(a, message_id) == "delivered", 180)
    assert _state(b, message_id, "inbound") == "filed"
    assert _received_chunks(b, message_id) >= before

    # 3. Duplicate delivery and replay: the same envelope again gets the original evidences
    # and changes nothing.
    wire = _wire(a, message_id)
    status, answer = _post(b, "/messages", wire)
    assert status == 200 and answer["duplicate"] is True
    assert len(answer["evidences"]) == 2
    status_again, answer_again = _post(b, "/messages", wire)
    assert (status_again, answer_again["evidences"]) == (200, answer["evidences"])

    # 4. Tampered ciphertext and forged route: refused; nothing stored.
    tampered = json.loads(wire)
    head, rest = tampered["jwe"].split(".", 1)
    cut = len(rest) // 2
    rest = rest[:cut] + ("A" if rest[cut] != "A" else "B") + rest[cut + 1 :]
    tampered["jwe"] = f"{head}.{rest}"
    tampered["route"]["message_id"] = "00000000-0000-4000-8000-000000000001"
    status, answer = _post(b, "/messages", json.dumps(tampered).encode())
    assert status in (400, 403)
    assert "evidences" not in answer
    # 5. A message for another node: refused by the node it reached.
    status, answer = _post(a, "/messages", wire)
    assert status == 400 and answer["error"] == "wrong_recipient"
    # 6. Junk of every shape: a clear JSON error, never a server error.
    for junk in (b"", b"{", b"[]", b'{"rex": "1"}', b"\x00" * 100, os.urandom(2000)):
        status, answer = _post(b, "/messages", junk)
        assert 400 <= status < 500 and "error" in answer

    # 7. B stops trusting A: A's next request is refused, with a reason on A's side.
    b.manage("exchange_partner", "revoke", a.node_id, check=False)
    refused = a.finish_play(a.start_play("send-request", "--attachment-mb", "0.1"))
    _wait(
        "the refusal",
        lambda: _state(a, refused["message_id"]) in ("rejected", "failed"),
        60,
    )
    assert _state(b, refused["message_id"], "inbound") is None

    # Nothing twice: one inbound row per message id at B.
    rows = b.query(
        "SELECT message_id, COUNT(*) FROM exchange_message WHERE direction = 'inbound' "
        "GROUP BY message_id HAVING COUNT(*) > 1"
    )
    assert rows == []
    # Nothing lost: every message A sent is delivered or refused with an evidence.
    states = {
        row[0] for row in a.query("SELECT state FROM exchange_message WHERE direction = 'outbound'")
    }
    assert states <= {"delivered", "retrieved", "rejected", "failed"}
    for node in (a, b):
        _verify_audit(node)
