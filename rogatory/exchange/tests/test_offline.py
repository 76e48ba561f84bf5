"""Envelopes carried by hand: exported to a file, imported through the same verification,
deduplication and evidences as online; a damaged or hostile file leaves nothing behind."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from conftest import Personas
from rogatory.drafting.models import RequestVersion
from rogatory.exchange import node, offline, seal, transport
from rogatory.exchange.bundle import verify_bundle
from rogatory.exchange.errors import ExchangeError
from rogatory.exchange.inbound import receive_envelope
from rogatory.exchange.models import Evidence, KeyUse, Message, MessageState
from rogatory.exchange.outbound import do_send_request

from .conftest import destination_b

pytestmark = pytest.mark.django_db

Members = dict[str, bytes]


@pytest.fixture(autouse=True)
def _small_chunks(settings: Any) -> None:
    # Several chunks per part, so that chunks can be swapped and truncated.
    settings.EXCHANGE_CHUNK_SIZE = 4096


@pytest.fixture
def sent(personas: Personas, approved: RequestVersion) -> Message:
    """The approved request, sealed and queued; the worker has not run."""
    return do_send_request(approved, destination_b(personas), acting_user=personas.officer)


def exported(message: Message) -> bytes:
    out = io.BytesIO()
    offline.export_envelope(message, out)
    return out.getvalue()


def members(data: bytes) -> Members:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(items: Members, compression: int = zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, data in items.items():
            archive.writestr(name, data)
    return out.getvalue()


def inbound() -> Any:
    return Message.objects.filter(direction=Message.Direction.INBOUND)


def incoming_files() -> list[Path]:
    root = Path(settings.DATA_DIR) / "exchange" / "incoming"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def sha256(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_export_and_import_file_the_message_offline(
    sent: Message, approved: RequestVersion
) -> None:
    """An exported envelope imports as a filed, offline message whose files are exactly the
    approved PDF and DOCX; its evidences are pushed back to the sender's row."""
    data = exported(sent)
    assert sum(1 for name in members(data) if name.startswith("chunks/pdf/")) > 1
    outcome = offline.import_envelope(io.BytesIO(data))
    assert outcome.status == 200

    received = inbound().get()
    assert received.message_id == sent.message_id
    assert received.digest == sent.digest
    assert received.state == MessageState.FILED
    assert received.offline is True
    parts = {p.part_id: p for p in received.parts.all()}
    assert set(parts) == {"pdf", "docx"}
    assert all(p.complete for p in parts.values())
    assert parts["pdf"].sha256 == sha256(parts["pdf"].stored_path) == approved.pdf_sha256
    assert parts["docx"].sha256 == sha256(parts["docx"].stored_path) == approved.docx_sha256

    ours = received.evidences.filter(
        type__in=[Evidence.Type.RELAY_REMMD_ACCEPTANCE, Evidence.Type.DELIVERY]
    )
    assert ours.count() == 2
    assert set(ours.values_list("push_to", flat=True)) == {"hub-node"}
    assert not ours.filter(pushed_at__isnull=False).exists()

    assert transport.push_evidences() == 2
    sent.refresh_from_db()
    assert sent.state == MessageState.DELIVERED
    assert set(
        sent.evidences.filter(issuer_node="hub-node")
        .exclude(type=Evidence.Type.SUBMISSION_ACCEPTANCE)
        .values_list("evidence_id", flat=True)
    ) == set(ours.values_list("evidence_id", flat=True))

    # The worker has nothing left to deliver: nothing is stored twice.
    transport.run_once()
    assert inbound().count() == 1
    assert sent.evidences.filter(type=Evidence.Type.DELIVERY).count() == 1
    assert sorted(p.name for p in incoming_files()) == ["docx.part", "pdf.part"]

    checked = verify_bundle(io.BytesIO(offline.write_message_bundle(received)))
    assert checked.ok, checked.reason


def test_online_delivery_after_an_offline_import_is_a_duplicate(sent: Message) -> None:
    """When the worker relays a message already imported from a file, the receiver answers
    with the original evidences and keeps one copy."""
    offline.import_envelope(io.BytesIO(exported(sent)))
    received = inbound().get()
    transport.deliver_due()
    sent.refresh_from_db()
    assert sent.state == MessageState.DELIVERED
    assert inbound().count() == 1
    transport.push_evidences()
    for kind in (Evidence.Type.RELAY_REMMD_ACCEPTANCE, Evidence.Type.DELIVERY):
        assert sent.evidences.filter(type=kind).count() == 1
        assert received.evidences.filter(type=kind).count() == 1
    assert not Evidence.objects.filter(push_to="hub-node", pushed_at__isnull=True).exists()


def test_importing_the_same_file_twice_keeps_one_message(sent: Message) -> None:
    """A second import of the same file changes nothing."""
    data = exported(sent)
    offline.import_envelope(io.BytesIO(data))
    evidences = Evidence.objects.count()
    again = offline.import_envelope(io.BytesIO(data))
    assert again.status == 200
    assert again.body["duplicate"] is True
    assert inbound().count() == 1
    assert Evidence.objects.count() == evidences


def _swap_chunks(items: Members) -> Members:
    first, second = "chunks/pdf/00000000", "chunks/pdf/00000001"
    return items | {first: items[second], second: items[first]}


def _truncate_chunk(items: Members) -> Members:
    name = "chunks/docx/00000001"
    return items | {name: items[name][:-10]}


def _truncate_last_chunk(items: Members) -> Members:
    name = max(n for n in items if n.startswith("chunks/docx/"))
    return items | {name: items[name][:-1]}


def _tamper_envelope(items: Members) -> Members:
    wire = json.loads(items["envelope.json"])
    segments = wire["jwe"].split(".")
    ciphertext = segments[3]
    middle = len(ciphertext) // 2
    flipped = "A" if ciphertext[middle] != "A" else "B"
    segments[3] = ciphertext[:middle] + flipped + ciphertext[middle + 1 :]
    wire["jwe"] = ".".join(segments)
    return items | {"envelope.json": seal.canonical(wire)}


def _drop_envelope(items: Members) -> Members:
    return {name: data for name, data in items.items() if name != "envelope.json"}


def _drop_chunk(items: Members) -> Members:
    return {name: data for name, data in items.items() if name != "chunks/pdf/00000001"}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (_drop_envelope, "malformed"),
        (_swap_chunks, "chunk_tampered"),
        (_truncate_chunk, "chunk_tampered"),
        (_truncate_last_chunk, "chunk_tampered"),
        (_drop_chunk, "incomplete"),
        (_tamper_envelope, "tampered"),
    ],
)
def test_damaged_file_leaves_nothing(
    sent: Message, change: Callable[[Members], Members], code: str
) -> None:
    """A damaged envelope file is refused with a code and leaves no message and no file."""
    data = rezip(change(members(exported(sent))))
    with pytest.raises(ExchangeError) as refused:
        offline.import_envelope(io.BytesIO(data))
    assert refused.value.code == code
    assert not inbound().exists()
    assert incoming_files() == []
    # The intact file still imports afterwards.
    offline.import_envelope(io.BytesIO(exported(sent)))
    assert inbound().get().state == MessageState.FILED


def test_not_a_zip_is_refused(sent: Message) -> None:
    """Bytes that are not a zip are refused before anything is read."""
    with pytest.raises(ExchangeError) as refused:
        offline.import_envelope(io.BytesIO(b"PK\x03\x04 but not really a zip file"))
    assert refused.value.code == "not_a_file"
    assert not inbound().exists()


def test_oversized_envelope_is_refused_unread(sent: Message) -> None:
    """An envelope.json larger than any envelope is refused from its declared size."""
    items = members(exported(sent))
    items["envelope.json"] = b" " * (seal.MAX_WIRE_BYTES + 1)
    data = rezip(items, compression=zipfile.ZIP_DEFLATED)
    assert len(data) < seal.MAX_WIRE_BYTES // 100
    with pytest.raises(ExchangeError) as refused:
        offline.import_envelope(io.BytesIO(data))
    assert refused.value.code == "too_large"
    assert not inbound().exists()
    assert incoming_files() == []


def test_a_format_member_that_inflates_is_refused_unread(
    sent: Message, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A "format" member declaring 100 MB (a few hundred KB deflated) is refused from its
    declared size, not read into memory."""
    items = members(exported(sent))
    items["format"] = b"rex-file-1" + b" " * (100 * 1024 * 1024)
    data = rezip(items, compression=zipfile.ZIP_DEFLATED)
    assert len(data) < 1024 * 1024
    read = zipfile.ZipFile.read
    names: list[str] = []

    def recording(archive: zipfile.ZipFile, name: Any, pwd: Any = None) -> bytes:
        names.append(str(name))
        return read(archive, name, pwd)

    monkeypatch.setattr(zipfile.ZipFile, "read", recording)
    with pytest.raises(ExchangeError) as refused:
        offline.import_envelope(io.BytesIO(data))
    assert refused.value.code == "unsupported_version"
    assert "format" not in names
    assert not inbound().exists()


def test_envelope_sealed_before_a_key_revocation_imports_with_a_note(sent: Message) -> None:
    """An envelope sealed before the sender's key was revoked verifies when carried by hand,
    with a visible note; the same envelope posted online is refused."""
    data = exported(sent)
    signer = node.current_key(KeyUse.SIGNING)
    node.do_rotate_keys()
    node.do_revoke_own_key(signer.kid)

    online = receive_envelope(sent.wire)
    assert online.status == 422
    assert online.body["error"] == "revoked_key"
    assert not inbound().exists()

    offline.import_envelope(io.BytesIO(data))
    received = inbound().get()
    assert received.state == MessageState.FILED
    assert received.notes == ["key_revoked_after_sealing"]
    checked = verify_bundle(io.BytesIO(offline.write_message_bundle(received)))
    assert checked.ok, checked.reason
