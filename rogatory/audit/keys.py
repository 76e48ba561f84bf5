"""The audit's two keys, kept outside the database (decision 0020).

* The access-log key: HMAC-SHA256 keys, one hex line each, newest first. Entries are MACed
  under the first; the others still verify older entries after a rotation.
* The checkpoint key: an Ed25519 private key (PEM) that signs checkpoints of the chain head.

Both files are made on first use, readable by the service user only (0600). Someone who can
write the database but not read these files cannot forge an access-log entry or a checkpoint.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings


class KeyFileError(RuntimeError):
    """A key file exists but cannot be read as one."""


def _create_private_file(path: Path, content: bytes) -> None:
    """Write ``content`` to a new file readable by its owner only; leave an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process made it first: use theirs
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)


def key_id(key: bytes) -> str:
    """A short, public name for an access-log key (stored with each entry)."""
    return hashlib.sha256(key).hexdigest()[:16]


def access_log_keys(*, create: bool = True) -> dict[str, bytes]:
    """Every access-log key by its id, the current one first.

    The file is made if there is none, unless ``create`` is False (verification: a lost key
    must show as lost, not be replaced); then a missing file gives no keys.
    """
    path = Path(settings.AUDIT_ACCESS_LOG_KEY_FILE)
    if not path.exists():
        if not create:
            return {}
        _create_private_file(path, secrets.token_hex(32).encode() + b"\n")
    keys: dict[str, bytes] = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            key = bytes.fromhex(line)
        except ValueError:
            raise KeyFileError(f"{path}, line {number}: not a hex key.") from None
        if len(key) < 32:
            raise KeyFileError(f"{path}, line {number}: a key needs at least 32 bytes.")
        keys[key_id(key)] = key
    if not keys:
        raise KeyFileError(f"{path} holds no key.")
    return keys


def current_access_log_key() -> tuple[str, bytes]:
    """The id and value of the key new access-log entries are MACed with."""
    return next(iter(access_log_keys().items()))


def checkpoint_signing_key() -> Ed25519PrivateKey:
    """The Ed25519 key that signs checkpoints (made if there is none)."""
    path = Path(settings.AUDIT_CHECKPOINT_KEY_FILE)
    if not path.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        _create_private_file(path, pem)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError as exc:
        raise KeyFileError(f"{path}: not a PEM private key ({exc}).") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path}: not an Ed25519 key.")
    return key
