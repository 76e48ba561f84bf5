"""Encryption of backups: the age format (age-encryption.org/v1) through pyrage, streamed.

A backup is encrypted to one or more *recipients* (X25519 public keys, ``age1…``). The server
needs only those public keys; the matching *identity* (private key, ``AGE-SECRET-KEY-1…``) is
needed to restore and is best kept off the machine, so that whoever takes the server cannot
read its backups. An identity file may itself be protected by a passphrase (age's scrypt
format), as ``age-keygen | age -p`` makes it. A backup is a plain age file: the ``age`` and
``rage`` command-line tools decrypt it too (``age -d -i key.txt backup.tar.age | tar x``).

No cryptography is written here: pyrage (Rust ``age``) encrypts and authenticates, in 64 KiB
chunks, so neither side holds the backup in memory.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, cast

import pyrage
from django.conf import settings
from django.utils.translation import gettext as _
from pyrage import x25519

from .errors import BackupError

RECIPIENT_PREFIX = "age1"
IDENTITY_PREFIX = "AGE-SECRET-KEY-1"
# An identity file protected by a passphrase is itself an age file (binary or armored).
_AGE_MAGIC = (b"age-encryption.org/v1", b"-----BEGIN AGE ENCRYPTED FILE-----")


# -- Keys -----------------------------------------------------------------------------------


def parse_recipients(lines: Iterable[str], *, source: str) -> list[x25519.Recipient]:
    """Read age recipients, one a line; blank lines and ``#`` comments are skipped."""
    recipients = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            if not line.startswith(RECIPIENT_PREFIX):
                raise ValueError(line)
            recipients.append(x25519.Recipient.from_str(line))
        except (ValueError, pyrage.RecipientError):
            raise BackupError(
                _(
                    "%(source)s, line %(line)s: not an age recipient (a public key starting "
                    "with age1)."
                )
                % {"source": source, "line": number}
            ) from None
    return recipients


def configured_recipients() -> list[x25519.Recipient]:
    """The recipients of new backups: BACKUP_RECIPIENTS and the BACKUP_RECIPIENTS_FILE."""
    recipients = parse_recipients(settings.BACKUP_RECIPIENTS, source="BACKUP_RECIPIENTS")
    path = Path(settings.BACKUP_RECIPIENTS_FILE)
    if path.is_file():
        recipients += parse_recipients(path.read_text("utf-8").splitlines(), source=str(path))
    if not recipients:
        raise BackupError(
            _(
                "No backup recipient is configured: run 'manage.py backup_keygen --identity "
                "PATH' (it writes the public key to %(file)s), or set BACKUP_RECIPIENTS to one "
                "or more age public keys."
            )
            % {"file": path}
        )
    return recipients


def load_identities(path: Path, *, passphrase: Callable[[], str]) -> list[x25519.Identity]:
    """Read the identities (private keys) of an identity file, asking for its passphrase if
    it is protected by one."""
    try:
        content = path.read_bytes()
    except OSError as error:
        raise BackupError(
            _("Cannot read the identity file %(path)s: %(error)s")
            % {"path": path, "error": error.strerror or error}
        ) from None
    if content.lstrip().startswith(_AGE_MAGIC):
        try:
            content = pyrage.passphrase.decrypt(content, passphrase())
        except pyrage.DecryptError:
            raise BackupError(
                _("The passphrase of the identity file %(path)s is wrong.") % {"path": path}
            ) from None
    identities = []
    for line in content.decode("utf-8", errors="replace").splitlines():
        line = line.strip()
        if line.startswith(IDENTITY_PREFIX):
            try:
                identities.append(x25519.Identity.from_str(line))
            except pyrage.IdentityError:
                raise BackupError(
                    _("%(path)s holds a damaged age identity.") % {"path": path}
                ) from None
    if not identities:
        raise BackupError(
            _("%(path)s holds no age identity (a line starting with AGE-SECRET-KEY-1).")
            % {"path": path}
        )
    return identities


def generate_identity(identity_path: Path, *, passphrase: str | None) -> str:
    """Write a new identity to ``identity_path`` (a new file, owner-only); return its public
    key. With a passphrase the file is passphrase-encrypted (armored age)."""
    identity = x25519.Identity.generate()
    recipient = str(identity.to_public())
    created = datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()
    text = f"# created: {created}\n# public key: {recipient}\n{identity}\n".encode()
    if passphrase:
        text = pyrage.passphrase.encrypt(text, passphrase, armored=True)
    identity_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(identity_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(
            _("%(path)s exists already: choose another file, never overwrite a key.")
            % {"path": identity_path}
        ) from None
    with os.fdopen(descriptor, "wb") as file:
        file.write(text)
    return recipient


def add_recipient(recipient: str, path: Path) -> None:
    """Append a public key to the recipients file (made owner-only if new)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as file:
        file.write(recipient + "\n")


# -- Streams --------------------------------------------------------------------------------


class _Worker(threading.Thread):
    """Run one pyrage call on its own thread and keep what it raised."""

    def __init__(self, target: Callable[[], None]) -> None:
        super().__init__(daemon=True)
        self._call = target
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._call()
        except BaseException as error:  # handed to the caller's thread
            self.error = error


@contextlib.contextmanager
def encrypting(destination: IO[bytes], recipients: list[x25519.Recipient]) -> Iterator[IO[bytes]]:
    """Yield a writable stream; what is written to it lands encrypted in ``destination``.

    The age file is complete only when the block ends without an exception; a caller that
    fails must discard ``destination`` (the stream still ends as a valid, shorter age file).
    """
    read_end, write_end = os.pipe()

    def encrypt() -> None:
        with os.fdopen(read_end, "rb") as source:
            pyrage.encrypt_io(cast(Any, source), cast(Any, destination), list(recipients))

    worker = _Worker(encrypt)
    worker.start()
    writer = os.fdopen(write_end, "wb")
    try:
        try:
            yield writer
        finally:
            with contextlib.suppress(BrokenPipeError):
                writer.close()
            worker.join()
    except BrokenPipeError:
        pass  # the encrypting side stopped first: its error is the one to report
    if worker.error is not None:
        raise BackupError(
            _("Encrypting the backup failed: %(error)s") % {"error": worker.error}
        ) from worker.error


@contextlib.contextmanager
def decrypting(source: IO[bytes], identities: list[x25519.Identity]) -> Iterator[IO[bytes]]:
    """Yield a readable stream of the plaintext of the age file ``source``.

    The plaintext arrives authenticated chunk by chunk; damage anywhere (a changed byte, a cut
    end, a wrong key) raises BackupError when it is reached or when the block ends. What was
    read before the damage must be thrown away by the caller.
    """
    read_end, write_end = os.pipe()

    def decrypt() -> None:
        with os.fdopen(write_end, "wb") as sink:
            pyrage.decrypt_io(cast(Any, source), cast(Any, sink), list(identities))

    worker = _Worker(decrypt)
    worker.start()
    reader = os.fdopen(read_end, "rb")
    failure: BaseException | None = None
    try:
        yield reader
        # Read to the end, so the last chunk is authenticated too.
        while reader.read(1 << 16):
            pass
    except BaseException as error:
        failure = error
    finally:
        reader.close()  # a worker still writing gets EPIPE and stops
        worker.join()
    problem = _decryption_problem(worker.error)
    if problem is not None:
        # Damage explains whatever the reader saw (a cut tar, a missing manifest): report it.
        raise problem from worker.error
    if failure is not None:
        raise failure
    if worker.error is not None and not isinstance(worker.error, BrokenPipeError):
        raise BackupError(
            _("Decrypting the backup failed: %(error)s") % {"error": worker.error}
        ) from worker.error


def _decryption_problem(error: BaseException | None) -> BackupError | None:
    """The operator's message for an error of the decrypting thread (None: no such error,
    or only the broken pipe of a reader that stopped early)."""
    if error is None or isinstance(error, BrokenPipeError):
        return None
    if isinstance(error, pyrage.DecryptError):
        text = str(error)
        if "No matching keys" in text:
            return BackupError(
                _(
                    "This backup was not encrypted to the given identity: use the identity "
                    "(private key) whose public key was a recipient when the backup was made."
                )
            )
        return BackupError(
            _("This file is not a backup that can be decrypted (%(error)s).") % {"error": text}
        )
    return BackupError(
        _(
            "Decryption failed: the backup is damaged, cut short or was altered "
            "(%(error)s). Nothing was restored from it."
        )
        % {"error": error}
    )
