"""Write and verify evidence bundles: zips a court checks offline, years later, without a database.

Pure Python on purpose, like :mod:`rogatory.exchange.seal`: the verifier must run from a plain
``python -m rogatory.exchange.verify BUNDLE.zip``.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from os import PathLike
from typing import IO, Any, BinaryIO

from .seal import (
    PublicKey,
    SealError,
    canonical,
    fingerprint,
    loads_strict,
    open_signed,
    parse_wire,
    peek_evidence,
    verify_evidence,
    wire_digest,
)

# A real bundle is a message, a handful of evidences and two small JSON files; anything bigger
# is a zip bomb or not a bundle.
MAX_MEMBERS = 200
MAX_MEMBER_BYTES = 32 * 1024 * 1024
MAX_TOTAL_BYTES = 64 * 1024 * 1024
PART_FIELDS = ("part_id", "name", "media_type", "size", "sha256")
# What must match between parts.json and the signed manifest.
CHECKED_PART_FIELDS = ("part_id", "size", "sha256")
_MEMBER = re.compile(
    r"(envelope\.json|signed\.jws|keys\.json|parts\.json|report\.txt|README\.txt"
    r"|evidences/\d{2,4}-[A-Z_]+\.jws)"
)

README = """\
Evidence bundle of a REX-1 message exchange
============================================

envelope.json   the message as it travelled (encrypted), in canonical JSON
signed.jws      the sender's signed content (header, manifest, body), when available
evidences/      signed receipts (e-CODEX evidence types) naming the envelope's SHA-256 digest
keys.json       the nodes' public keys and their validity, as the bundling node knew them
parts.json      the attachments (identifier, name, type, size, SHA-256)
report.txt      a plain-language report of the exchange

To verify, with Python 3.11+ and the packages joserfc, rfc8785 and cryptography installed:

    python -m rogatory.exchange.verify BUNDLE.zip

Then compare the key fingerprints it prints with the fingerprints the node operators read to
you over the telephone: the signatures only prove something once the keys are confirmed.
"""


@dataclass
class BundleResult:
    """The outcome of verifying a bundle, one plain-English line per check."""

    ok: bool
    lines: list[str] = field(default_factory=list)
    fingerprints: dict[str, list[str]] = field(default_factory=dict)
    reason: str = ""


def write_bundle(
    out: BinaryIO,
    *,
    wire: dict[str, Any],
    signed: str | None,
    evidences: list[str],
    keys: dict[str, list[dict[str, Any]]],
    parts: list[dict[str, Any]],
    report: str,
) -> None:
    """Write an evidence bundle zip to out."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("envelope.json", canonical(wire))
        if signed is not None:
            zf.writestr("signed.jws", signed)
        for number, token in enumerate(evidences, start=1):
            claims, _kid = peek_evidence(token)
            zf.writestr(f"evidences/{number:02d}-{claims['type']}.jws", token)
        zf.writestr("keys.json", canonical(keys))
        zf.writestr("parts.json", canonical([{k: p[k] for k in PART_FIELDS} for p in parts]))
        zf.writestr("report.txt", report)
        zf.writestr("README.txt", README)


class _Failed(Exception):
    """Stop verification with a reason."""


def _read_members(source: str | PathLike[str] | IO[bytes]) -> dict[str, bytes]:
    try:
        zf = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _Failed("not a readable zip file") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise _Failed("too many members")
        members: dict[str, bytes] = {}
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            if not _MEMBER.fullmatch(info.filename):
                raise _Failed(f"unexpected member {info.filename!r}")
            if info.filename in members:
                raise _Failed(f"duplicate member {info.filename!r}")  # which one would count?
            # Read at most the cap plus one byte: the sizes in the zip headers may lie.
            with zf.open(info) as handle:
                data = handle.read(MAX_MEMBER_BYTES + 1)
            total += len(data)
            if len(data) > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
                raise _Failed("members too large (possible zip bomb)")
            members[info.filename] = data
    return members


def _load_keys(data: bytes) -> dict[str, list[PublicKey]]:
    raw = loads_strict(data)
    if not isinstance(raw, dict):
        raise _Failed("keys.json is not an object")
    keys: dict[str, list[PublicKey]] = {}
    for node, items in raw.items():
        if not isinstance(items, list):
            raise _Failed(f"keys.json: keys of {node} are not a list")
        keys[node] = [PublicKey.from_json(item) for item in items]
    return keys


def _parts(entries: Any, what: str) -> list[dict[str, Any]]:
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise _Failed(f"{what} is not a list of parts")
    try:
        rows = [{k: e[k] for k in CHECKED_PART_FIELDS} for e in entries]
    except KeyError as exc:
        raise _Failed(f"{what}: a part has no {exc}") from None
    return sorted(rows, key=lambda row: str(row["part_id"]))


def _key_label(keys: list[PublicKey], kid: str) -> str:
    key = next((k for k in keys if k.kid == kid), None)
    return f"key {fingerprint(key.jwk)}" if key else f"key {kid}"


def _verify(members: dict[str, bytes], result: BundleResult) -> None:
    if "envelope.json" not in members or "keys.json" not in members:
        raise _Failed("envelope.json or keys.json is missing")
    wire = parse_wire(members["envelope.json"])
    route, digest = wire["route"], wire_digest(wire)
    result.lines.append(
        f"Message {route['message_id']} from {route['from_node']} to {route['to_node']}, "
        f"created {route['created_at']}: envelope digest {digest}"
    )
    keys = _load_keys(members["keys.json"])
    result.fingerprints = {node: [fingerprint(k.jwk) for k in ks] for node, ks in keys.items()}

    evidence_names = sorted(n for n in members if n.startswith("evidences/"))
    if not evidence_names:
        result.lines.append("The bundle holds no evidence.")
    now = datetime.now(UTC)
    for name in evidence_names:
        token = members[name].decode("ascii", errors="replace")
        try:
            claims, kid = peek_evidence(token)
        except SealError as exc:
            raise _Failed(f"{name}: {exc.message}") from None
        issuer = claims["issuer_node"]
        what = f"Evidence {claims['type']} issued by {issuer} at {claims['event_time']}"
        try:
            # Only the issuer's own keys count: another node's key cannot speak for it.
            verify_evidence(token, keys.get(issuer, []), at=now)
        except SealError as exc:
            raise _Failed(f"{what}: {exc.message}") from None
        if (
            claims["subject_digest"] != digest
            or claims["subject_message_id"] != route["message_id"]
        ):
            raise _Failed(f"{what}: it is about another message (digest differs)")
        label = _key_label(keys[issuer], kid)
        result.lines.append(
            f"{what}: signature valid ({label}), about this message (digest matches)"
        )

    if "signed.jws" not in members:
        result.lines.append("No signed content in the bundle: the parts cannot be checked.")
        return
    sender = route["from_node"]
    try:
        opened = open_signed(
            members["signed.jws"].decode("ascii"), sender_keys=keys.get(sender, [])
        )
    except SealError as exc:
        raise _Failed(f"signed content: {exc.message}") from None
    signer = next(k for k in keys[sender] if k.kid == opened.signer_kid)
    created = datetime.fromisoformat(opened.header["created_at"])
    status = signer.status_at(created)
    if status:
        raise _Failed(f"signed content: the sender's key was not usable when sealing ({status})")
    if any(opened.header[k] != route[k] for k in route):
        raise _Failed("signed content: its header differs from the envelope route")
    result.lines.append(
        f"Signed content from {sender}: signature valid ({_key_label(keys[sender], signer.kid)}),"
        " header matches the envelope"
    )
    if "parts.json" not in members:
        raise _Failed("parts.json is missing")
    listed = _parts(loads_strict(members["parts.json"]), "parts.json")
    if listed != _parts(opened.manifest, "the signed manifest"):
        raise _Failed("parts.json differs from the signed manifest")
    result.lines.append(f"Attachments: {len(listed)} part(s), matching the signed manifest")


def verify_bundle(path_or_file: str | PathLike[str] | IO[bytes]) -> BundleResult:
    """Verify an evidence bundle offline; never raise, report the reason instead."""
    result = BundleResult(ok=False)
    try:
        _verify(_read_members(path_or_file), result)
    except _Failed as exc:
        result.reason = str(exc)
    except SealError as exc:
        result.reason = exc.message
    except (ValueError, TypeError, KeyError, UnicodeError, RecursionError, OSError) as exc:
        # A hostile bundle must give "not verified", never a traceback in a courtroom.
        result.reason = f"unreadable bundle ({type(exc).__name__})"
    else:
        result.ok = True
    if not result.ok:
        result.lines.append(f"FAILED: {result.reason}")
    return result
