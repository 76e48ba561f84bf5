"""Make a backup: the database, DATA_DIR's files and the secrets, encrypted, in one file.

What goes in and where it comes back is described in archive.py and decision 0023. The
database is copied first (a consistent snapshot), then the files: a document stored after the
snapshot is in the backup without its row (harmless), never a row without its file.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from . import database
from .archive import ArchiveWriter
from .encryption import configured_recipients, encrypting
from .errors import BackupError

FILE_PREFIX = "rogatory-backup-"
FILE_SUFFIX = ".tar.age"
# Rebuilt by restore, not copied: static files come from the code (collectstatic), the search
# index from the database (rebuild_search_index); bench/ is benchmark scratch.
REBUILT = ("static", "search", "bench")
# Files of a secret each, by the setting that names its place; SECRET_KEY_FILE is the key
# settings.py generates in DATA_DIR when SECRET_KEY is not set.
KEY_SETTINGS = (
    "SECRET_KEY_FILE",
    "EXCHANGE_KEK_FILE",
    "AUDIT_ACCESS_LOG_KEY_FILE",
    "AUDIT_CHECKPOINT_KEY_FILE",
)
# Folders named by a setting, which may live outside DATA_DIR.
DIR_SETTINGS = ("AUDIT_CHECKPOINT_DIR",)
# Settings worth comparing after a restore (no secrets among them).
REPORTED_SETTINGS = (
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "HTTPS",
    "TIME_ZONE",
    "DEFAULT_FROM_EMAIL",
    "EMAIL_HOST",
    "SESSION_COOKIE_AGE",
    "CASE_LARGE_UPLOAD_MAX",
)
# Our own temporary folders inside DATA_DIR.
TEMPORARY_PREFIXES = (".backup-", ".restore-")


@dataclass
class BackupResult:
    path: Path | None  # None when written to a stream (stdout)
    size: int
    sha256: str
    members: int
    plaintext_bytes: int
    database: str
    keys: list[str]
    environment_secrets: list[str]
    seconds: float
    skipped: list[str] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


def sweep_scratch(data_dir: Path) -> list[Path]:
    """Remove what a killed backup or restore left in DATA_DIR (plaintext casework): scratch
    folders of ours untouched for a day, older than any backup or restore still running."""
    stale = time.time() - 24 * 3600
    removed = []
    for folder in data_dir.glob(".*"):
        if folder.name.startswith(TEMPORARY_PREFIXES) and folder.is_dir():
            with contextlib.suppress(FileNotFoundError):
                if folder.stat().st_mtime < stale:
                    shutil.rmtree(folder, ignore_errors=True)
                    removed.append(folder)
    return removed


def setting_path(name: str) -> Path | None:
    """Where the file or folder named by a setting lives (None: not configured)."""
    if name == "SECRET_KEY_FILE":
        return Path(settings.DATA_DIR) / "secret_key"
    value = getattr(settings, name, None)
    return Path(value).resolve() if value else None


def environment_secrets() -> list[str]:
    """Secrets the server took from its environment, which no backup can hold: named, so the
    restore can say which to set again."""
    names = []
    if os.environ.get("SECRET_KEY"):
        names.append("SECRET_KEY")
    if getattr(settings, "EXCHANGE_KEK", None):
        names.append("EXCHANGE_KEK")
    return names


def excluded_paths() -> set[Path]:
    """Paths under DATA_DIR that go into the backup some other way, or not at all."""
    data_dir = Path(settings.DATA_DIR).resolve()
    excluded = {data_dir / name for name in REBUILT}
    excluded.add(Path(settings.STATIC_ROOT).resolve())
    # Request bodies being received: a request in flight, not data.
    excluded.add(Path(settings.FILE_UPLOAD_TEMP_DIR or data_dir / "tmp").resolve())
    if database.vendor() == "sqlite":
        excluded.update(p.resolve() for p in database.sqlite_companions(database.sqlite_path()))
    for name in (*KEY_SETTINGS, *DIR_SETTINGS):
        path = setting_path(name)
        if path is not None:
            excluded.add(path)
    return excluded


def data_files() -> Iterator[tuple[str, Path]]:
    """(member name, path) of every regular file of DATA_DIR to back up, in a stable order.
    Links are not followed; partial files of an interrupted store (.upload-*) are left out."""
    data_dir = Path(settings.DATA_DIR).resolve()
    excluded = excluded_paths()
    for root, dirs, files in os.walk(data_dir):
        here = Path(root)
        dirs[:] = sorted(
            d
            for d in dirs
            if (here / d) not in excluded
            and not d.startswith(TEMPORARY_PREFIXES)
            and not (here / d).is_symlink()
        )
        for name in sorted(files):
            path = here / name
            if path in excluded or name.startswith(".upload-") or name.startswith(FILE_PREFIX):
                continue
            if path.is_symlink() or not path.is_file():
                continue
            yield "data/" + path.relative_to(data_dir).as_posix(), path


def header() -> dict[str, Any]:
    engine = database.vendor()
    recorder = MigrationRecorder(connection)
    migrations = sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())
    return {
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "data_dir": str(Path(settings.DATA_DIR).resolve()),
        "database": {"vendor": engine},
        "migrations": migrations,
        "environment_secrets": environment_secrets(),
        "settings": {name: getattr(settings, name, None) for name in REPORTED_SETTINGS},
    }


class _HashingWriter:
    """The encrypted file: written through, hashed and counted on the way."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.file.write(data)
        self.digest.update(data)
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        self.file.flush()


def backup_name(now: datetime.datetime) -> str:
    return f"{FILE_PREFIX}{now.strftime('%Y%m%dT%H%M%SZ')}{FILE_SUFFIX}"


def make_backup(
    output: Path | IO[bytes],
    *,
    keep: int | None = None,
    progress: Callable[[str], None] = lambda _text: None,
) -> BackupResult:
    """Write an encrypted backup into the folder ``output`` (a new file, then a .sha256
    beside it), or to the stream ``output``; with ``keep``, remove all but the newest
    ``keep`` backups of the folder."""
    started = time.monotonic()
    recipients = configured_recipients()
    data_dir = Path(settings.DATA_DIR).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    target: Path | None = None
    if isinstance(output, Path):
        folder = output.resolve()
        if folder == data_dir or folder.is_relative_to(data_dir):
            raise BackupError(
                _(
                    "Keep backups outside DATA_DIR (%(data_dir)s): each backup would otherwise "
                    "hold the ones before it, and a lost disk would take both."
                )
                % {"data_dir": data_dir}
            )
        folder.mkdir(parents=True, exist_ok=True)
        target = _free_name(folder, backup_name(datetime.datetime.now(datetime.UTC)))
    sweep_scratch(data_dir)
    scratch = Path(tempfile.mkdtemp(prefix=".backup-", dir=data_dir))  # 0700, like the data
    partial = target.with_name(target.name + ".part") if target else None
    try:
        snapshot, db_info = _snapshot_database(scratch, progress)
        head = header()
        head["database"].update(db_info)
        if partial is not None:
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            sink: IO[bytes] = os.fdopen(descriptor, "wb")
        else:
            assert not isinstance(output, Path)
            sink = output
        writer = _HashingWriter(sink)
        try:
            with encrypting(writer, recipients) as stream:  # type: ignore[arg-type]
                archive = ArchiveWriter(stream, head)
                archive.add_file(db_info["member"], snapshot)
                snapshot.unlink()  # plaintext casework: gone as soon as it is in the archive
                progress(_("Database copied; now the files."))
                keys, skipped = _add_files(archive)
                members = archive.close()
            if partial is not None:
                sink.flush()
                os.fsync(sink.fileno())
        finally:
            if partial is not None:
                sink.close()
        if partial is not None and target is not None:
            _move_into_place(partial, target)
            target.with_name(target.name + ".sha256").write_text(
                f"{writer.digest.hexdigest()}  {target.name}\n"
            )
            _sync(target.parent)
    except BaseException:
        if partial is not None:
            partial.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    removed = _prune(target.parent, keep) if target is not None and keep else []
    return BackupResult(
        path=target,
        size=writer.size,
        sha256=writer.digest.hexdigest(),
        members=len(members),
        plaintext_bytes=archive.bytes,
        database=head["database"]["vendor"],
        keys=keys,
        environment_secrets=head["environment_secrets"],
        seconds=time.monotonic() - started,
        skipped=skipped,
        removed=removed,
    )


def _snapshot_database(
    scratch: Path, progress: Callable[[str], None]
) -> tuple[Path, dict[str, str]]:
    if database.vendor() == "sqlite":
        path = scratch / "rogatory.sqlite3"
        progress(_("Copying the SQLite database (online backup)…"))
        database.dump_sqlite(path)
        return path, {"member": database.SQLITE_MEMBER}
    if database.vendor() == "postgresql":
        path = scratch / "rogatory.pgdump"
        progress(_("Dumping the PostgreSQL database (pg_dump)…"))
        info = database.dump_postgresql(path)
        return path, {"member": database.POSTGRESQL_MEMBER, **info}
    raise BackupError(_("Only SQLite and PostgreSQL databases can be backed up."))


def _add_files(archive: ArchiveWriter) -> tuple[list[str], list[str]]:
    """Add DATA_DIR, the key files and the setting folders; return the keys added and the
    files that vanished before they could be read."""
    skipped = []
    for name, path in data_files():
        try:
            archive.add_file(name, path)
        except FileNotFoundError:
            skipped.append(name)  # removed meanwhile (an abandoned upload swept)
    keys = []
    for setting in KEY_SETTINGS:
        key = setting_path(setting)
        if key is not None and key.is_file():
            archive.add_file(f"keys/{setting}", key)
            keys.append(setting)
    for setting in DIR_SETTINGS:
        folder = setting_path(setting)
        if folder is None or not folder.is_dir():
            continue
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for file_name in sorted(files):
                path = Path(root) / file_name
                if path.is_file() and not path.is_symlink():
                    relative = path.relative_to(folder).as_posix()
                    archive.add_file(f"dirs/{setting}/{relative}", path)
    return keys, skipped


def _move_into_place(partial: Path, target: Path) -> None:
    """Rename without ever replacing another backup."""
    try:
        os.link(partial, target)  # FileExistsError rather than over another backup
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links (a FAT-formatted disk)
        if target.exists():
            raise FileExistsError(target) from None
        os.replace(partial, target)
        return
    partial.unlink()


def _free_name(folder: Path, name: str) -> Path:
    """``name`` in ``folder``, with -2, -3… before the suffix when a backup of the same second
    is there already."""
    path, number = folder / name, 1
    while path.exists() or path.with_name(path.name + ".part").exists():
        number += 1
        path = folder / f"{name.removesuffix(FILE_SUFFIX)}-{number}{FILE_SUFFIX}"
    return path


def _prune(folder: Path, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` backups (ours only, by name) and their .sha256."""
    backups = sorted(
        (
            p
            for p in folder.iterdir()
            if p.name.startswith(FILE_PREFIX) and p.name.endswith(FILE_SUFFIX)
        ),
        key=lambda p: (p.stat().st_mtime_ns, p.name),
    )
    removed = []
    # What a killed backup left: older than any backup still being written.
    stale = time.time() - 24 * 3600
    for part in folder.glob(f"{FILE_PREFIX}*{FILE_SUFFIX}.part"):
        with contextlib.suppress(FileNotFoundError):
            if part.stat().st_mtime < stale:
                part.unlink()
    for path in backups[: max(len(backups) - keep, 0)]:
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".sha256").unlink(missing_ok=True)
        removed.append(path)
    return removed


def _sync(directory: Path) -> None:
    try:
        handle = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
