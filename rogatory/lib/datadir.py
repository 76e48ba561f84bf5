"""Keep DATA_DIR private to the service user and free of what a crash left behind.

Everything under DATA_DIR is casework or a secret: the SQLite database (and its -wal/-shm
files), the documents, the uploads waiting for the worker, the keys. ``make_private`` gives
folders mode 0700 and files 0600 (installations made before ``umask 077`` in scripts/run.sh
had 0644 databases and 0755 folders that listed their file names to every local user).

``sweep_temporary`` removes what a killed process leaves: request bodies Django was receiving
(in FILE_UPLOAD_TEMP_DIR), folders of the knowledge import, and the ``.upload-*.part`` files
``lib.uploads.store_upload`` writes beside a document before renaming it. Only files untouched
for ``older_than`` go: a live upload writes continuously, and no check runs longer than the
worker's claim on it.
"""

from __future__ import annotations

import datetime
import logging
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

logger = logging.getLogger(__name__)

__all__ = ["TEMPORARY_MAX_AGE", "make_private", "sweep_temporary"]

# Longest a temporary or partial file lives while in use: a request (minutes), the check of a
# file by the upload worker (bounded by UPLOAD_CHECK_SECONDS, claimed for at most an hour).
TEMPORARY_MAX_AGE = datetime.timedelta(hours=1)

# Django's name for a request body kept on disk: tempfile's "tmp…" + ".upload" + extension.
_DJANGO_TEMPORARY = re.compile(r"tmp[a-z0-9_]{6,}\.upload(\.[^/]*)?", re.IGNORECASE)


def make_private(paths: Iterable[Path]) -> int:
    """Give every folder under ``paths`` mode 0700 and every file 0600; return how many
    changed. Symbolic links are neither followed nor changed."""
    changed = 0
    for path, is_dir in _walk(paths):
        wanted = 0o700 if is_dir else 0o600
        try:
            mode = stat.S_IMODE(path.lstat().st_mode)
            if mode != wanted:
                path.chmod(wanted)
                changed += 1
        except FileNotFoundError:
            continue  # removed meanwhile
    return changed


def _walk(paths: Iterable[Path]) -> Iterator[tuple[Path, bool]]:
    for root in paths:
        if root.is_symlink() or not root.exists():
            continue
        if root.is_file():
            yield root, False
            continue
        yield root, True
        for folder, folders, files in os.walk(root, followlinks=False):
            for name in folders:
                path = Path(folder, name)
                if not path.is_symlink():
                    yield path, True
            for name in files:
                path = Path(folder, name)
                if not path.is_symlink():
                    yield path, False


def sweep_temporary(
    *,
    temporary_dir: Path,
    media_root: Path,
    older_than: datetime.timedelta = TEMPORARY_MAX_AGE,
    now: float | None = None,
) -> list[Path]:
    """Remove temporary and partial files untouched for ``older_than``; return them.

    In ``temporary_dir`` (ours alone) every entry; under ``media_root`` the ``.upload-*.part``
    files; in the system's temporary folder the request bodies Django left there before
    FILE_UPLOAD_TEMP_DIR was ours, if they belong to this user.
    """
    cutoff = (time.time() if now is None else now) - older_than.total_seconds()
    candidates: list[Path] = []
    if temporary_dir.is_dir():
        candidates += list(temporary_dir.iterdir())
    if media_root.is_dir():
        candidates += list(media_root.rglob(".upload-*.part"))
    system = Path(tempfile.gettempdir())
    if system.is_dir() and system.resolve() != temporary_dir.resolve():
        uid = os.getuid()
        candidates += [
            path
            for path in system.glob("tmp*.upload*")
            if _DJANGO_TEMPORARY.fullmatch(path.name) and _owned_by(path, uid)
        ]
    removed = []
    for path in candidates:
        try:
            info = path.lstat()
        except FileNotFoundError:
            continue
        if info.st_mtime >= cutoff:
            continue
        if stat.S_ISDIR(info.st_mode):
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        logger.info("Removed the temporary file %s", path)
        removed.append(path)
    return removed


def _owned_by(path: Path, uid: int) -> bool:
    try:
        info = path.lstat()
    except FileNotFoundError:
        return False
    return info.st_uid == uid and stat.S_ISREG(info.st_mode)
