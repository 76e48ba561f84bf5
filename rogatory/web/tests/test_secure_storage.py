"""DATA_DIR private to the service user; what a crash left swept at start-up (decision 0022)."""

from __future__ import annotations

import io
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from rogatory.lib.datadir import make_private, sweep_temporary

HOUR = 3600


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def old(path: Path, hours: float = 2) -> Path:
    moment = path.stat().st_mtime - hours * HOUR
    os.utime(path, (moment, moment))
    return path


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    """A DATA_DIR as an installation made before ``umask 077`` left it."""
    root = tmp_path / "var"
    (root / "documents" / "cases" / "1").mkdir(parents=True)
    (root / "tmp").mkdir()
    (root / "uploads").mkdir()
    for path in (root, root / "documents", root / "documents" / "cases" / "1", root / "tmp"):
        path.chmod(0o755)
    for name in ("rogatory.sqlite3", "rogatory.sqlite3-wal", "documents/cases/1/a.pdf"):
        (root / name).write_bytes(b"casework")
        (root / name).chmod(0o644)
    settings.DATA_DIR = root
    settings.MEDIA_ROOT = root / "documents"
    settings.FILE_UPLOAD_TEMP_DIR = root / "tmp"
    return root


def test_make_private_gives_folders_0700_and_files_0600(data_dir: Path) -> None:
    link = data_dir / "link"
    link.symlink_to("/etc/hostname")
    assert make_private([data_dir]) > 0
    assert mode(data_dir) == 0o700
    assert mode(data_dir / "documents" / "cases" / "1") == 0o700
    assert mode(data_dir / "rogatory.sqlite3") == 0o600
    assert mode(data_dir / "rogatory.sqlite3-wal") == 0o600
    assert mode(data_dir / "documents" / "cases" / "1" / "a.pdf") == 0o600
    assert os.readlink(link) == "/etc/hostname"  # links are not followed
    assert make_private([data_dir]) == 0


def test_sweep_removes_old_temporary_and_partial_files_only(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Request bodies, import folders and .upload-*.part files untouched for an hour go; what
    is in use stays; nothing else in the system's temporary folder is touched."""
    system = tmp_path / "system-tmp"
    system.mkdir()
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(system))
    body = data_dir / "tmp" / "tmpa1b2c3d4.upload.pdf"
    body.write_bytes(b"26 MB of a killed request")
    folder = data_dir / "tmp" / "knowledge-x1y2"
    folder.mkdir()
    (folder / "batch.zip").write_bytes(b"PK")
    partial = data_dir / "documents" / "cases" / "1" / ".upload-57vcr7_1.part"
    partial.write_bytes(b"half a copy")
    legacy = system / "tmpq9w8e7r6.upload.docx"
    legacy.write_bytes(b"left in /tmp before FILE_UPLOAD_TEMP_DIR")
    someone_elses = system / "tmp-other-program.txt"
    someone_elses.write_bytes(b"not ours")
    for path in (body, folder, partial, legacy, someone_elses):
        old(path)
    in_use = data_dir / "tmp" / "tmpz9y8x7w6.upload.pdf"
    in_use.write_bytes(b"arriving")
    writing = data_dir / "documents" / "cases" / "1" / ".upload-fresh.part"
    writing.write_bytes(b"being checked")

    removed = sweep_temporary(temporary_dir=data_dir / "tmp", media_root=data_dir / "documents")

    assert sorted(removed) == sorted([body, folder, partial, legacy])
    assert not any(p.exists() for p in removed)
    assert in_use.exists() and writing.exists() and someone_elses.exists()
    assert (data_dir / "documents" / "cases" / "1" / "a.pdf").exists()


@pytest.mark.django_db
def test_the_start_up_command_makes_private_and_sweeps(data_dir: Path) -> None:
    leftover = data_dir / "documents" / "cases" / "1" / ".upload-abc.part"
    leftover.write_bytes(b"x")
    old(leftover)
    call_command("secure_storage", stdout=io.StringIO())
    assert mode(data_dir) == 0o700
    assert mode(data_dir / "rogatory.sqlite3") == 0o600
    assert not leftover.exists()


def test_the_run_script_sets_a_private_umask_and_runs_the_command_before_serving() -> None:
    script = (Path(django_settings.BASE_DIR) / "scripts" / "run.sh").read_text()
    assert script.index("umask 077") < script.index("manage.py migrate")
    assert script.index("manage.py secure_storage") < script.index("gunicorn")
