"""Backups are age files: encrypted to public keys, opened only with the matching identity,
and any damage is refused (decision 0023)."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest

from rogatory.operations.encryption import (
    configured_recipients,
    decrypting,
    encrypting,
    generate_identity,
    load_identities,
    parse_recipients,
)
from rogatory.operations.errors import BackupError


def no_passphrase() -> str:
    raise AssertionError("no passphrase should be asked for")


def encrypt(data: bytes, identity_file: Path) -> bytes:
    recipient = identity_file.read_text().split("public key: ")[1].split()[0]
    out = io.BytesIO()
    with encrypting(out, parse_recipients([recipient], source="test")) as stream:
        for start in range(0, len(data), 1 << 16):
            stream.write(data[start : start + (1 << 16)])
    return out.getvalue()


def decrypt(ciphertext: bytes, identity_file: Path) -> bytes:
    identities = load_identities(identity_file, passphrase=no_passphrase)
    with decrypting(io.BytesIO(ciphertext), identities) as stream:
        return stream.read()


@pytest.fixture
def identity(tmp_path: Path) -> Path:
    path = tmp_path / "key.txt"
    generate_identity(path, passphrase=None)
    return path


def test_a_stream_comes_back_whole_with_its_identity(identity: Path) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    ciphertext = encrypt(data, identity)
    assert ciphertext.startswith(b"age-encryption.org/v1\n")
    assert data[:4096] not in ciphertext
    assert decrypt(ciphertext, identity) == data


def test_the_identity_file_is_private_and_never_overwritten(identity: Path) -> None:
    assert identity.stat().st_mode & 0o777 == 0o600
    with pytest.raises(BackupError, match="exists already"):
        generate_identity(identity, passphrase=None)


def test_another_identity_cannot_open_a_backup(identity: Path, tmp_path: Path) -> None:
    ciphertext = encrypt(b"casework", identity)
    other = tmp_path / "other.txt"
    generate_identity(other, passphrase=None)
    with pytest.raises(BackupError, match="not encrypted to the given identity"):
        decrypt(ciphertext, other)


@pytest.mark.parametrize("where", ["header", "middle", "end"])
def test_a_changed_byte_is_refused(identity: Path, where: str) -> None:
    ciphertext = bytearray(encrypt(os.urandom(300_000), identity))
    index = {"header": 60, "middle": len(ciphertext) // 2, "end": len(ciphertext) - 3}[where]
    ciphertext[index] ^= 0x01
    with pytest.raises(BackupError):
        decrypt(bytes(ciphertext), identity)


def test_a_cut_backup_is_refused(identity: Path) -> None:
    ciphertext = encrypt(os.urandom(300_000), identity)
    with pytest.raises(BackupError, match="damaged, cut short or was altered"):
        decrypt(ciphertext[:200_000], identity)


def test_a_file_that_is_not_age_is_refused(identity: Path) -> None:
    with pytest.raises(BackupError, match="not a backup that can be decrypted"):
        decrypt(b"PK\x03\x04 a zip, not a backup", identity)


def test_a_passphrase_protected_identity_needs_its_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "key.age"
    recipient = generate_identity(path, passphrase="correct horse battery")
    assert b"AGE-SECRET-KEY" not in path.read_bytes()
    out = io.BytesIO()
    with encrypting(out, parse_recipients([recipient], source="test")) as stream:
        stream.write(b"casework")
    identities = load_identities(path, passphrase=lambda: "correct horse battery")
    with decrypting(io.BytesIO(out.getvalue()), identities) as plain:
        assert plain.read() == b"casework"
    with pytest.raises(BackupError, match=r"passphrase .* is wrong"):
        load_identities(path, passphrase=lambda: "wrong")


def test_recipients_are_checked_line_by_line(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match=r"recipients.txt, line 3: not an age recipient"):
        parse_recipients(["# ours", "", "AGE-SECRET-KEY-1ABC"], source="recipients.txt")
    with pytest.raises(BackupError, match="no age identity"):
        (tmp_path / "empty.txt").write_text("# nothing\n")
        load_identities(tmp_path / "empty.txt", passphrase=no_passphrase)


def test_without_a_recipient_the_backup_says_how_to_get_one(settings: Any, tmp_path: Path) -> None:
    settings.BACKUP_RECIPIENTS = []
    settings.BACKUP_RECIPIENTS_FILE = tmp_path / "none.txt"
    with pytest.raises(BackupError, match="backup_keygen"):
        configured_recipients()
    key = tmp_path / "key.txt"
    recipient = generate_identity(key, passphrase=None)
    settings.BACKUP_RECIPIENTS_FILE.write_text(f"# the office safe\n{recipient}\n")
    assert len(configured_recipients()) == 1
