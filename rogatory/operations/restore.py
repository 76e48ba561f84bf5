"""Bring a new, empty data directory (and database) to a working server from a backup.

1. Refuse a target that holds data already (unless forced).
2. Decrypt and unpack into a staging folder inside DATA_DIR, checking every member against the
   manifest; refuse a backup from another kind of database or a newer Rogatory.
3. Only then move everything into place (renames; what was there is kept aside until the end)
   and load the database (an SQLite file moved in; pg_restore in one transaction). Any failure
   puts back what was there: nothing is left half-restored.
4. Make it serve: apply newer migrations, collect static files (pages answer 500 without
   the whitenoise manifest, which lives in DATA_DIR/static), rebuild the search index.
5. Check: the audit chain (``verify_audit``) and every stored file against its checksum.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _
from pyrage import x25519

from . import database
from .actions import do_finish_restore
from .archive import CHUNK, Contents, read_archive
from .backup import (
    DIR_SETTINGS,
    KEY_SETTINGS,
    REBUILT,
    TEMPORARY_PREFIXES,
    setting_path,
    sweep_scratch,
)
from .backup import REPORTED_SETTINGS as _REPORTED
from .documents import verify_documents
from .encryption import decrypting
from .errors import BackupError


@dataclass
class Step:
    name: str
    ok: bool
    detail: str


@dataclass
class RestoreReport:
    backup: str
    sha256: str
    created_at: str
    members: int
    bytes: int
    steps: list[Step] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)


class _HashingReader:
    """The encrypted file as pyrage reads it, hashed on the way."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.digest.update(data)
        return data

    def readable(self) -> bool:
        return True


@contextlib.contextmanager
def _open_backup(path: str) -> Iterator[_HashingReader]:
    if path == "-":
        yield _HashingReader(sys.stdin.buffer)
        return
    try:
        file = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as error:
        raise BackupError(
            _("Cannot open the backup %(path)s: %(error)s")
            % {"path": path, "error": error.strerror or error}
        ) from None
    with file:
        yield _HashingReader(file)


def _check_sidecar(path: str, sha256: str) -> None:
    """A .sha256 file beside the backup (written by ``backup``) must name the same bytes."""
    if path == "-":
        return
    sidecar = Path(path + ".sha256")
    if not sidecar.is_file():
        return
    expected = sidecar.read_text("utf-8", errors="replace").split()[:1]
    if not expected or not hmac.compare_digest(expected[0].lower(), sha256):
        raise BackupError(
            _(
                "The backup's SHA-256 (%(actual)s) differs from the one recorded beside it in "
                "%(sidecar)s: the file was replaced or altered. Nothing was restored."
            )
            % {"actual": sha256, "sidecar": sidecar}
        )


def check_backup(path: str, identities: list[x25519.Identity]) -> tuple[Contents, str]:
    """Decrypt a backup and check it against its manifest, writing nothing."""

    def discard(_name: str, _size: int, stream: IO[bytes]) -> None:
        while stream.read(CHUNK):
            pass

    with _open_backup(path) as source:
        with decrypting(source, identities) as plain:  # type: ignore[arg-type]
            contents = read_archive(plain, on_header=lambda _h: None, consume=discard)
        sha256 = source.digest.hexdigest()
    _check_sidecar(path, sha256)
    return contents, sha256


# -- The target -----------------------------------------------------------------------------


def target_contents() -> list[str]:
    """What the target holds already that a restore would replace (empty: a new target).

    A new server has made DATA_DIR/secret_key when it first started and may have made empty
    folders, static files or a search index; its operator may have added backup recipients
    (public keys): none of these count.
    """
    data_dir = Path(settings.DATA_DIR).resolve()
    found: list[str] = []
    ignored = {data_dir / name for name in REBUILT} | {
        Path(settings.STATIC_ROOT).resolve(),
        Path(settings.FILE_UPLOAD_TEMP_DIR or data_dir / "tmp").resolve(),
    }
    made_by_a_new_server = {
        data_dir / "secret_key",
        Path(settings.BACKUP_RECIPIENTS_FILE).resolve(),
    }
    sqlite_files: set[Path] = set()
    if database.vendor() == "sqlite":
        sqlite_files = {p.resolve() for p in database.sqlite_companions(database.sqlite_path())}
    if database.has_tables():
        found.append(_("the database %(name)s") % {"name": connection.settings_dict["NAME"]})
    if data_dir.is_dir():
        for root, dirs, files in os.walk(data_dir):
            here = Path(root)
            dirs[:] = [
                d for d in dirs if here / d not in ignored and not d.startswith(TEMPORARY_PREFIXES)
            ]
            for name in files:
                path = here / name
                if path in sqlite_files or path in made_by_a_new_server:
                    continue
                found.append(str(path))
                if len(found) >= 5:
                    return found
    for setting in (*KEY_SETTINGS, *DIR_SETTINGS):
        place = setting_path(setting)
        if place is None or place.is_relative_to(data_dir) or setting == "SECRET_KEY_FILE":
            continue
        if place.is_file() or (place.is_dir() and any(place.iterdir())):
            found.append(str(place))
    return found


def _check_header(header: dict[str, Any]) -> None:
    """Refuse, before unpacking, a backup this server cannot take."""
    kind = str(header.get("database", {}).get("vendor", ""))
    if kind != database.vendor():
        raise BackupError(
            _(
                "This backup holds a %(backup)s database; this server is configured for "
                "%(here)s. Restore it onto the same kind of database (set DATABASE_URL)."
            )
            % {"backup": kind or "?", "here": database.vendor()}
        )
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    newer = []
    for label in header.get("migrations", []):
        app, _dot, name = str(label).partition(".")
        if app in loader.migrated_apps and (app, name) not in known:
            newer.append(label)
    if newer:
        raise BackupError(
            _(
                "This backup was made by a newer version of Rogatory (migrations this code "
                "does not have: %(list)s). Install that version or a later one, then restore."
            )
            % {"list": ", ".join(newer[:5])}
        )
    if kind == "postgresql":
        database.check_pg_restore(str(header["database"].get("pg_dump", "")))


def _private_dirs(path: Path) -> None:
    """Make ``path`` and its missing parents, each readable by the service user only."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        folder.chmod(0o700)  # whatever the umask


class _Unpacker:
    """Write each member under the staging folder, owner-only."""

    def __init__(self, staging: Path) -> None:
        self.staging = staging

    def __call__(self, name: str, _size: int, stream: IO[bytes]) -> None:
        target = self.staging.joinpath(*name.split("/"))
        _private_dirs(target.parent)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            shutil.copyfileobj(stream, file, CHUNK)


class _Swap:
    """Move staged things into place, keeping what was there aside until commit()."""

    def __init__(self) -> None:
        self.token = secrets.token_hex(4)
        self.done: list[tuple[Path, Path | None]] = []

    def put(self, source: Path | None, target: Path) -> None:
        aside = None
        if target.exists() or target.is_symlink():
            aside = target.with_name(f".{target.name}.replaced-{self.token}")
            os.rename(target, aside)
        self.done.append((target, aside))
        if source is not None:
            _private_dirs(target.parent)
            shutil.move(str(source), str(target))

    def rollback(self) -> None:
        for target, aside in reversed(self.done):
            with contextlib.suppress(FileNotFoundError):
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                else:
                    target.unlink()
            if aside is not None:
                os.rename(aside, target)
        self.done = []

    def commit(self) -> None:
        for _target, aside in self.done:
            if aside is None:
                continue
            if aside.is_dir() and not aside.is_symlink():
                shutil.rmtree(aside, ignore_errors=True)
            else:
                aside.unlink(missing_ok=True)
        self.done = []


def _place(staging: Path, header: dict[str, Any], *, force: bool) -> None:
    """Move everything from staging into place and load the database; all or nothing."""
    data_dir = Path(settings.DATA_DIR).resolve()
    connections.close_all()
    swap = _Swap()
    try:
        staged_data = staging / "data"
        if staged_data.is_dir():
            for child in sorted(staged_data.iterdir()):
                swap.put(child, data_dir / child.name)
        for section, names in (("keys", KEY_SETTINGS), ("dirs", DIR_SETTINGS)):
            for name in names:
                source = staging / section / name
                target = setting_path(name)
                if source.exists() and target is not None:
                    swap.put(source, target)
        if header["database"]["vendor"] == "sqlite":
            companions = database.sqlite_companions(database.sqlite_path())
            for extra in companions[1:]:
                swap.put(None, extra)
            swap.put(staging.joinpath(*database.SQLITE_MEMBER.split("/")), companions[0])
        else:
            database.restore_postgresql(
                staging.joinpath(*database.POSTGRESQL_MEMBER.split("/")), clean=force
            )
    except BaseException:
        swap.rollback()
        raise
    swap.commit()


def restore_backup(
    path: str,
    identities: list[x25519.Identity],
    *,
    force: bool = False,
    checkpoints: Sequence[Path] = (),
    progress: Callable[[str], None] = lambda _text: None,
) -> RestoreReport:
    """Restore ``path`` into this server's DATA_DIR and database; see the module doc.

    The audit trail is checked against ``checkpoints`` (kept off the machine) and against the
    newest checkpoint the backup brought in AUDIT_CHECKPOINT_DIR."""
    present = target_contents()
    if present and not force:
        raise BackupError(
            _(
                "The target is not empty (%(list)s). Restore into a new, empty data directory "
                "and database, or add --force to replace what the backup holds."
            )
            % {"list": ", ".join(present)}
        )
    data_dir = Path(settings.DATA_DIR).resolve()
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    sweep_scratch(data_dir)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=data_dir))
    try:
        progress(_("Decrypting and checking the backup…"))
        with _open_backup(path) as source:
            with decrypting(source, identities) as plain:  # type: ignore[arg-type]
                contents = read_archive(plain, on_header=_check_header, consume=_Unpacker(staging))
            sha256 = source.digest.hexdigest()
        _check_sidecar(path, sha256)
        header = contents.header
        if header["database"]["vendor"] == "sqlite":
            database.check_sqlite_file(staging.joinpath(*database.SQLITE_MEMBER.split("/")))
        progress(
            _("Backup intact: %(count)s files checked. Moving them into place…")
            % {"count": len(contents.members)}
        )
        _place(staging, header, force=force)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    report = RestoreReport(
        backup=Path(path).name,
        sha256=sha256,
        created_at=str(header.get("created_at", "")),
        members=len(contents.members),
        bytes=contents.bytes,
    )
    _after_restore(report, header, list(checkpoints), progress)
    return report


def _step(report: RestoreReport, name: str, progress: Callable[[str], None]) -> Callable[..., Any]:
    def run(action: Callable[[], str]) -> None:
        progress(name + "…")
        try:
            detail = action()
        except (CommandError, BackupError, Exception) as error:  # reported, not raised
            report.steps.append(Step(name, False, str(error)))
        else:
            report.steps.append(Step(name, True, detail))

    return run


def _after_restore(
    report: RestoreReport,
    header: dict[str, Any],
    checkpoints: list[Path],
    progress: Callable[[str], None],
) -> None:
    def migrate() -> str:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if not plan:
            return _("the database is at this version's schema")
        call_command("migrate", interactive=False, verbosity=0)
        return _("%(count)s newer migrations applied") % {"count": len(plan)}

    def finish() -> str:
        moved = do_finish_restore(
            name=report.backup,
            sha256=report.sha256,
            header=header,
            old_data_dir=str(header.get("data_dir", "")),
            new_data_dir=str(Path(settings.DATA_DIR).resolve()),
        )
        return _("restore recorded in the audit trail; %(count)s file paths moved") % {
            "count": moved
        }

    def collect() -> str:
        out = io.StringIO()
        call_command("collectstatic", interactive=False, verbosity=1, stdout=out)
        return out.getvalue().strip().splitlines()[-1] if out.getvalue().strip() else ""

    def index() -> str:
        from rogatory.knowledge.indexing import rebuild_index

        return _("%(count)s knowledge documents indexed") % {"count": rebuild_index()}

    def audit() -> str:
        kept = list(checkpoints)
        folder = setting_path("AUDIT_CHECKPOINT_DIR")
        if folder is not None and folder.is_dir():
            # Named checkpoint-<sequence>-<time>.txt: the last one in name order is the newest.
            kept += sorted(folder.glob("checkpoint-*.txt"))[-1:]
        options = [arg for path in kept for arg in ("--checkpoint", str(path))]
        out = io.StringIO()
        call_command("verify_audit", *options, stdout=out)
        return " ".join(out.getvalue().split())

    def documents() -> str:
        check = verify_documents()
        if not check.ok:
            raise BackupError(
                _("%(bad)s of %(count)s stored files fail their check: %(list)s")
                % {
                    "bad": check.problem_count,
                    "count": check.checked,
                    "list": "; ".join(check.problems[:10]),
                }
            )
        return _("%(count)s stored files match their checksums") % {"count": check.checked}

    _step(report, _("Database schema"), progress)(migrate)
    _step(report, _("Restore recorded"), progress)(finish)
    _step(report, _("Static files"), progress)(collect)
    _step(report, _("Knowledge search index"), progress)(index)
    _step(report, _("Audit trail"), progress)(audit)
    _step(report, _("Stored files"), progress)(documents)

    for name in header.get("environment_secrets", []):
        report.warnings.append(
            _(
                "%(name)s came from the environment on the original server and is not in the "
                "backup: set the same value here before starting the server."
            )
            % {"name": name}
        )
    for name, value in (header.get("settings") or {}).items():
        if name in _REPORTED and _plain(getattr(settings, name, None)) != _plain(value):
            report.warnings.append(
                _("%(name)s was %(old)r on the original server; here it is %(new)r.")
                % {"name": name, "old": value, "new": _plain(getattr(settings, name, None))}
            )


def _plain(value: Any) -> Any:
    """A setting as JSON gives it back (tuples as lists, paths as text)."""
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value
