"""The backup's tar stream: everything listed in the manifest with its checksum, and nothing
else, or the restore refuses it (decision 0023)."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import IO, Any

import pytest

from rogatory.operations.archive import FORMAT, ArchiveWriter, read_archive
from rogatory.operations.errors import BackupError


def write(tmp_path: Path, files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    archive = ArchiveWriter(out, {"database": {"vendor": "sqlite"}})
    for name, content in files.items():
        path = tmp_path / hashlib.sha256(name.encode()).hexdigest()
        path.write_bytes(content)
        archive.add_file(name, path)
    archive.close()
    return out.getvalue()


def read(data: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    got: dict[str, bytes] = {}
    headers: list[dict[str, Any]] = []

    def keep(name: str, _size: int, stream: IO[bytes]) -> None:
        got[name] = stream.read()

    read_archive(io.BytesIO(data), on_header=headers.append, consume=keep)
    return headers[0], got


def forge(members: list[tuple[str, bytes]], *, manifest: list[dict[str, Any]] | None) -> bytes:
    """A tar built by hand, as someone holding only the public key could make one."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        rows = []
        for name, content in [("BACKUP.json", json.dumps({"format": FORMAT}).encode()), *members]:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
            rows.append(
                {"name": name, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
            )
        if manifest is not None:
            body = json.dumps({"format": FORMAT, "members": manifest or rows}).encode()
            info = tarfile.TarInfo("MANIFEST.json")
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return out.getvalue()


def test_members_and_header_come_back(tmp_path: Path) -> None:
    files = {
        "database/rogatory.sqlite3": b"SQLite format 3\x00" + bytes(5000),
        "data/documents/cases/1/a.pdf": b"%PDF-1.7 ...",
        "keys/EXCHANGE_KEK_FILE": b"kek",
    }
    header, got = read(write(tmp_path, files))
    assert header["format"] == FORMAT and header["database"] == {"vendor": "sqlite"}
    assert got == files


def test_a_member_that_does_not_match_the_manifest_is_refused() -> None:
    members = [("data/documents/a.pdf", b"the real letter")]
    honest = forge(members, manifest=None)
    with pytest.raises(BackupError, match="manifest of checksums is missing"):
        read(honest)
    wrong = [
        {"name": "BACKUP.json", "size": 0, "sha256": ""},
        {"name": "data/documents/a.pdf", "size": 15, "sha256": "0" * 64},
    ]
    with pytest.raises(BackupError, match="does not match its checksum"):
        read(forge(members, manifest=wrong))


def test_an_unlisted_member_is_refused(tmp_path: Path) -> None:
    listed = [
        {"name": "BACKUP.json", "size": 0, "sha256": ""},
    ]
    with pytest.raises(BackupError, match="not listed in the manifest"):
        read(forge([("data/extra.txt", b"slipped in")], manifest=listed))


@pytest.mark.parametrize(
    "name",
    ["data/../../etc/cron.d/x", "/etc/passwd", "elsewhere/file", "data", "data//x", "keys/./k"],
)
def test_names_outside_the_sections_are_refused(name: str) -> None:
    with pytest.raises(BackupError):
        read(forge([(name, b"x")], manifest=[]))


def test_links_are_refused() -> None:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        header = json.dumps({"format": FORMAT}).encode()
        info = tarfile.TarInfo("BACKUP.json")
        info.size = len(header)
        tar.addfile(info, io.BytesIO(header))
        link = tarfile.TarInfo("data/secret_key")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/shadow"
        tar.addfile(link)
    with pytest.raises(BackupError, match="not a plain file"):
        read(out.getvalue())


def test_another_format_is_refused() -> None:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        body = json.dumps({"format": "rogatory-backup/99"}).encode()
        info = tarfile.TarInfo("BACKUP.json")
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
    with pytest.raises(BackupError, match="not a backup of a format this version can read"):
        read(out.getvalue())


def test_the_header_can_refuse_before_anything_is_unpacked(tmp_path: Path) -> None:
    data = write(tmp_path, {"data/a.txt": b"a"})
    consumed: list[str] = []

    def refuse(_header: dict[str, Any]) -> None:
        raise BackupError("refused")

    with pytest.raises(BackupError, match="refused"):
        read_archive(
            io.BytesIO(data),
            on_header=refuse,
            consume=lambda name, _size, _stream: consumed.append(name),
        )
    assert consumed == []
