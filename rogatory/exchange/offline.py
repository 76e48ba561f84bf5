"""Where there is no connection: the same sealed envelope and its encrypted chunks written to
a file (a diplomatic pouch, a USB key) and imported at the other end through the same
verification, deduplication and evidences; and the evidence bundle of any message."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from . import bundle, seal
from .errors import ExchangeError
from .inbound import Outcome, check_envelope, receive_chunk, store_checked
from .models import Message
from .node import local_node, our_public_keys, partner_keys

REX_FILE_VERSION = "rex-file-1"
MAX_MEMBERS = 100_000


def export_envelope(message: Message, out: IO[bytes]) -> None:
    """Write an outbound message as a file: the envelope as it travels and every chunk
    encrypted exactly as it would be sent (streamed: one chunk in memory at a time)."""
    if message.direction != Message.Direction.OUTBOUND:
        raise ExchangeError(_("Only a message we sent can be exported."), code="not_outbound")
    entries = {e["part_id"]: e for e in message.manifest}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        archive.writestr("format", REX_FILE_VERSION)
        archive.writestr("envelope.json", message.wire)
        for part in message.parts.all():
            entry = entries[part.part_id]
            with open(part.source_path, "rb") as handle:
                for index in range(part.chunk_count):
                    data = seal.encrypt_chunk(
                        entry["key"],
                        handle.read(part.chunk_size),
                        message_id=str(message.message_id),
                        part_id=part.part_id,
                        index=index,
                        count=part.chunk_count,
                    )
                    archive.writestr(f"chunks/{part.part_id}/{index:08d}", data)


def _refused(code: str) -> ExchangeError:
    return ExchangeError(
        _("This file is not a message envelope that this node can accept (%(code)s).")
        % {"code": code},
        code=code,
    )


def import_envelope(source: IO[bytes]) -> Outcome:
    """Import an envelope file: verified as if it had arrived online, except that the time
    rules are those of a message carried by hand (decision 0017)."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _refused("not_a_file") from error
    with archive:
        names = archive.namelist()
        if len(names) > MAX_MEMBERS or "envelope.json" not in names:
            raise _refused("malformed")
        try:
            # Read only what a format line can be: a member inflating to gigabytes would be
            # read whole into memory (decision 0022).
            if archive.getinfo("format").file_size > len(REX_FILE_VERSION) + 16:
                raise _refused("unsupported_version")
            if archive.read("format").decode() != REX_FILE_VERSION:
                raise _refused("unsupported_version")
            info = archive.getinfo("envelope.json")
            if info.file_size > seal.MAX_WIRE_BYTES:
                raise _refused("too_large")
            wire_bytes = archive.read("envelope.json")
        except (KeyError, zipfile.BadZipFile, UnicodeDecodeError, OSError) as error:
            raise _refused("malformed") from error
        checked = check_envelope(wire_bytes, offline=True)
        if isinstance(checked, Outcome):  # a refusal, or the answer to a duplicate
            outcome = checked
        else:
            _check_chunks(archive, set(names), checked.opened)
            outcome = store_checked(checked, offline=True)
        if outcome.status != 200:
            raise _refused(str(outcome.body.get("error", "refused")))
        wire = json.loads(wire_bytes)
        route = wire["route"]
        for part_id, received in dict(outcome.body.get("parts", {})).items():
            index = int(received)
            while True:
                name = f"chunks/{part_id}/{index:08d}"
                if name not in names:
                    break
                data = _read_chunk(archive, name)
                outcome = receive_chunk(
                    route["from_node"], route["message_id"], part_id, index, data
                )
                if outcome.status != 200:
                    raise _refused(str(outcome.body.get("error", "refused")))
                index += 1
        return outcome


def _read_chunk(archive: zipfile.ZipFile, name: str) -> bytes:
    if archive.getinfo(name).file_size > settings.EXCHANGE_CHUNK_SIZE + 1024:
        raise _refused("too_large")
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, OSError) as error:
        raise _refused("malformed") from error


def _check_chunks(archive: zipfile.ZipFile, names: set[str], opened: seal.Opened) -> None:
    """Verify every chunk the file carries before anything is stored: a damaged file must not
    leave a half-received message (and its files) behind. The manifest is the verified one."""
    message_id = str(opened.header["message_id"])
    for entry in opened.manifest:
        part_id, hashes = entry["part_id"], entry["chunks"]
        whole = hashlib.sha256()
        for index, expected in enumerate(hashes):
            name = f"chunks/{part_id}/{index:08d}"
            if name not in names:
                # export_envelope writes every chunk: a missing one is a damaged file.
                raise _refused("incomplete")
            try:
                plaintext = seal.decrypt_chunk(
                    entry["key"],
                    _read_chunk(archive, name),
                    message_id=message_id,
                    part_id=part_id,
                    index=index,
                    count=len(hashes),
                    expected_sha256=expected,
                )
            except seal.SealError as error:
                raise _refused(f"chunk_{error.code}") from error
            whole.update(plaintext)
        if whole.hexdigest() != entry["sha256"]:
            raise _refused("part_mismatch")


def _keys_snapshot(message: Message) -> dict[str, list[dict[str, Any]]]:
    ours = local_node().node_id
    snapshot = {ours: [k.to_json() for k in our_public_keys()]}
    if message.partner.node_id != ours:
        snapshot[message.partner.node_id] = [k.to_json() for k in partner_keys(message.partner)]
    return snapshot


def report(message: Message) -> str:
    """The plain-language report at the top of a bundle (English: read by courts anywhere,
    and the bundle's checks print in English too)."""
    lines = [
        "Rogatory secure exchange: evidence bundle",
        "",
        f"Message {message.message_id} ({message.action})",
        f"From {message.from_party} at node {message.from_node}",
        f"To {message.to_party} at node {message.to_node}",
        f"Sealed at {message.sealed_at.isoformat()}",
        f"SHA-256 of the envelope: {message.digest}",
        "",
        "Files (each SHA-256 is also in the sender's signed content):",
    ]
    for part in message.parts.all():
        lines.append(f"  {part.name}: {part.size} bytes, SHA-256 {part.sha256}")
    if not message.parts.exists():
        lines.append("  none")
    lines += ["", "Evidences (each signed by the node that observed the event):"]
    for evidence in message.evidences.order_by("event_time", "pk"):
        reason = f" ({evidence.reason_code}: {evidence.reason})" if evidence.reason_code else ""
        lines.append(
            f"  {evidence.event_time.isoformat()} {evidence.type} by {evidence.issuer_node}{reason}"
        )
    if message.notes:
        lines += ["", "Notes: " + ", ".join(message.notes)]
    lines += [
        "",
        "Check it offline with: python -m rogatory.exchange.verify BUNDLE.zip",
        "and compare the fingerprints it prints with those confirmed with each node.",
    ]
    return "\n".join(lines) + "\n"


def write_message_bundle(message: Message) -> bytes:
    """The evidence bundle of a message: envelope, signed content, evidences, keys, report."""
    out = io.BytesIO()
    bundle.write_bundle(
        out,
        wire=json.loads(message.wire),
        signed=message.signed or None,
        evidences=list(
            message.evidences.order_by("event_time", "pk").values_list("token", flat=True)
        ),
        keys=_keys_snapshot(message),
        parts=[
            {
                "part_id": p.part_id,
                "name": p.name,
                "media_type": p.media_type,
                "size": p.size,
                "sha256": p.sha256,
            }
            for p in message.parts.all()
        ],
        report=report(message),
    )
    return out.getvalue()
