"""Signed checkpoints of the chain head, kept off the machine (decision 0020).

A checkpoint says "on <time>, the trail ended at entry #N with hash H", signed with the
installation's Ed25519 key. It is a few lines of text, to print, file or send to another
authority. Checked later (``verify_audit --checkpoint FILE``) it shows what the chain alone
cannot: entries removed from the end with the head set back (the trail now ends before #N),
and a trail rewritten and re-hashed from some entry on (entry #N has another hash now).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from .actions import record
from .chain import GENESIS_HASH, Problem, ProblemKind, canonical_timestamp
from .keys import checkpoint_signing_key
from .models import AuditChainHead, AuditEntry

FORMAT = "rogatory-audit-checkpoint-1"
TITLE = "Rogatory audit checkpoint"
CHECKPOINT_ACTION = "audit.checkpoint_taken"
# Longest checkpoint file read (it is a few hundred bytes).
MAX_TEXT = 10_000


class CheckpointError(ValueError):
    """The text is not a checkpoint, or its signature does not hold."""


@dataclass(frozen=True)
class Checkpoint:
    sequence: int
    hash: str
    time: dt.datetime
    public_key: bytes  # raw Ed25519 public key, 32 bytes
    signature: bytes

    def payload(self) -> bytes:
        """The signed bytes: canonical JSON of the format, sequence, hash and time."""
        return signed_payload(self.sequence, self.hash, self.time)

    @property
    def fingerprint(self) -> str:
        """The signing key's SHA-256, in groups of four hex digits, to compare by eye."""
        digest = hashlib.sha256(self.public_key).hexdigest()[:32].upper()
        return "-".join(digest[i : i + 4] for i in range(0, len(digest), 4))

    def signature_holds(self) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(
                self.signature, self.payload()
            )
        except (InvalidSignature, ValueError):
            return False
        return True

    def to_text(self) -> str:
        """The checkpoint as printable text; ``parse`` reads it back."""
        return "\n".join(
            [
                TITLE,
                f"format: {FORMAT}",
                f"sequence: {self.sequence}",
                f"hash: {self.hash}",
                f"time: {canonical_timestamp(self.time)}",
                f"public-key: {base64.b64encode(self.public_key).decode()}",
                f"fingerprint: {self.fingerprint}",
                f"signature: {base64.b64encode(self.signature).decode()}",
                "",
            ]
        )


def signed_payload(sequence: int, hash_: str, time: dt.datetime) -> bytes:
    document = {
        "format": FORMAT,
        "sequence": sequence,
        "hash": hash_,
        "time": canonical_timestamp(time),
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def take_checkpoint(key: Ed25519PrivateKey) -> Checkpoint:
    """Sign the chain head as it is now."""
    head = AuditChainHead.objects.filter(pk=1).first()
    sequence, hash_ = (head.sequence, head.hash) if head else (0, GENESIS_HASH)
    time = timezone.now()
    public = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return Checkpoint(
        sequence=sequence,
        hash=hash_,
        time=time,
        public_key=public,
        signature=key.sign(signed_payload(sequence, hash_, time)),
    )


def parse(text: str) -> Checkpoint:
    """Read a checkpoint from its text and check its signature (CheckpointError if either fails).

    Lines other than ``name: value`` (a title, notes written on the printout) are ignored.
    """
    if len(text) > MAX_TEXT:
        raise CheckpointError(gettext("This is not an audit checkpoint: the file is too long."))
    fields: dict[str, str] = {}
    for line in text.splitlines():
        name, colon, value = line.partition(":")
        if colon:
            fields.setdefault(name.strip().lower(), value.strip())
    try:
        if fields["format"] != FORMAT:
            raise ValueError(fields["format"])
        sequence = int(fields["sequence"])
        hash_ = fields["hash"].lower()
        if sequence < 0 or len(hash_) != 64 or any(c not in "0123456789abcdef" for c in hash_):
            raise ValueError(hash_)
        time = dt.datetime.fromisoformat(fields["time"])
        if time.tzinfo is None:
            raise ValueError(fields["time"])
        checkpoint = Checkpoint(
            sequence=sequence,
            hash=hash_,
            time=time,
            public_key=base64.b64decode(fields["public-key"], validate=True),
            signature=base64.b64decode(fields["signature"], validate=True),
        )
    except (KeyError, ValueError) as exc:
        raise CheckpointError(
            gettext("This is not an audit checkpoint (%(problem)s).") % {"problem": exc}
        ) from None
    if not checkpoint.signature_holds():
        raise CheckpointError(
            gettext("The checkpoint's signature does not hold: it was changed after it was signed.")
        )
    return checkpoint


def check_against(checkpoint: Checkpoint) -> Problem | None:
    """Return what the stored trail contradicts in a kept checkpoint, or None.

    Run after ``verify_chain`` found the chain itself intact: a trail that holds together but
    no longer reaches the checkpoint's entry, or has another hash there, was cut back or
    rewritten by someone able to recompute the chain.
    """
    values = {"sequence": checkpoint.sequence, "time": canonical_timestamp(checkpoint.time)}
    if checkpoint.sequence == 0:
        return None
    entry = AuditEntry.objects.filter(sequence=checkpoint.sequence).first()
    head = AuditChainHead.objects.filter(pk=1).first()
    if entry is None:
        last = head.sequence if head else 0
        return Problem(
            ProblemKind.TRUNCATED,
            last + 1,
            None,
            gettext(
                "The checkpoint of %(time)s records entry #%(sequence)s, but the trail now ends "
                "at #%(last)s: the newest entries were removed and the chain head set back."
            )
            % (values | {"last": last}),
        )
    if entry.hash != checkpoint.hash:
        return Problem(
            ProblemKind.ALTERED,
            checkpoint.sequence,
            entry.id,
            gettext(
                "Entry #%(sequence)s does not have the hash recorded by the checkpoint of "
                "%(time)s: the trail up to that entry was rewritten and its hashes recomputed."
            )
            % values,
        )
    return None


def write_checkpoint(*, seal: bool = True) -> tuple[Checkpoint, Path]:
    """Seal the access log (unless told not to), sign the head, keep the text in a file.

    The checkpoint itself is then recorded in the chain (entry N+1 says that #N was signed),
    so the trail shows when checkpoints were taken and with which key.
    """
    from .accesslog import seal_access_log

    if seal:
        seal_access_log()
    checkpoint = take_checkpoint(checkpoint_signing_key())
    directory = Path(settings.AUDIT_CHECKPOINT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = checkpoint.time.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"checkpoint-{checkpoint.sequence:09d}-{stamp}.txt"
    path.write_text(checkpoint.to_text(), encoding="utf-8")
    record(
        CHECKPOINT_ACTION,
        acting_user=None,
        authority_id=None,
        object_type="audit_chain",
        object_ref=str(checkpoint.sequence),
        details={"hash": checkpoint.hash, "fingerprint": checkpoint.fingerprint},
    )
    return checkpoint, path
