"""The backup's contents: one tar stream, a header first and a manifest of checksums last.

::

    BACKUP.json          what this is: format, when, which database, migrations, settings
    database/…           the database (an SQLite file, or a pg_dump custom-format archive)
    data/…               DATA_DIR, less what is rebuilt (static files, search index)
    keys/<SETTING>       each secret file by the setting that names its place
    dirs/<SETTING>/…     each folder named by a setting (audit checkpoints)
    MANIFEST.json        size and SHA-256 of every member above, the header's included

Members are written and read as streams, each hashed on the way; nothing is held whole in
memory. Reading refuses names outside these folders, links and devices, duplicates, and any
difference from the manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.utils.translation import gettext as _

from .errors import BackupError

FORMAT = "rogatory-backup/1"
HEADER = "BACKUP.json"
MANIFEST = "MANIFEST.json"
SECTIONS = ("database", "data", "keys", "dirs")
CHUNK = 1 << 20


@dataclass(frozen=True)
class Member:
    name: str
    size: int
    sha256: str


class _HashingReader:
    """Read a file, hashing what passes; tarfile copies exactly the size it was told."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.digest = hashlib.sha256()
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.digest.update(data)
        self.count += len(data)
        return data


class ArchiveWriter:
    """Write the members of a backup to a stream; ``close()`` adds the manifest."""

    def __init__(self, stream: IO[bytes], header: dict[str, Any]) -> None:
        # Closed by close(), which writes the manifest first.
        self._tar = tarfile.open(fileobj=stream, mode="w|", format=tarfile.PAX_FORMAT)  # noqa: SIM115
        self.members: list[Member] = []
        self.bytes = 0
        self._names: set[str] = set()
        self._add_bytes(HEADER, _json_bytes({"format": FORMAT, **header}))

    def add_file(self, name: str, path: Path) -> Member:
        """Add the file at ``path``; its size is taken when it is opened (a file growing
        meanwhile is copied up to that size, as a consistent prefix)."""
        _check_name(name)
        with path.open("rb") as file:
            size = os.fstat(file.fileno()).st_size
            reader = _HashingReader(file)
            try:
                self._tar.addfile(self._info(name, size), reader)
            except OSError as error:
                raise BackupError(
                    _("%(path)s changed while it was copied (%(error)s); run the backup again.")
                    % {"path": path, "error": error}
                ) from error
        return self._record(name, size, reader.digest.hexdigest())

    def close(self) -> list[Member]:
        manifest = {
            "format": FORMAT,
            "members": [{"name": m.name, "size": m.size, "sha256": m.sha256} for m in self.members],
        }
        data = _json_bytes(manifest)
        self._tar.addfile(self._info(MANIFEST, len(data)), _BytesReader(data))
        self._tar.close()
        return self.members

    def _add_bytes(self, name: str, data: bytes) -> None:
        self._tar.addfile(self._info(name, len(data)), _BytesReader(data))
        self._record(name, len(data), hashlib.sha256(data).hexdigest())

    def _record(self, name: str, size: int, sha256: str) -> Member:
        if name in self._names:
            raise ValueError(f"{name} is in the backup twice")
        self._names.add(name)
        member = Member(name, size, sha256)
        self.members.append(member)
        self.bytes += size
        return member

    @staticmethod
    def _info(name: str, size: int) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name)
        info.size = size
        info.mode = 0o600
        info.mtime = int(time.time())
        return info


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._offset = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._offset + size
        chunk = bytes(self._data[self._offset : end])
        self._offset += len(chunk)
        return chunk


def _json_bytes(value: dict[str, Any]) -> bytes:
    return json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False).encode("utf-8")


def _check_name(name: str) -> None:
    """A member name must be a plain relative path inside one of the sections."""
    path = PurePosixPath(name)
    if (
        not name
        or "\x00" in name
        or "\\" in name
        or path.is_absolute()
        or any(part in {"", ".", ".."} for part in name.split("/"))
        or path.parts[0] not in SECTIONS
        or len(path.parts) < 2
    ):
        raise BackupError(
            _("The backup holds an entry with a name it may not have: %(name)r.") % {"name": name}
        )


# -- Reading --------------------------------------------------------------------------------

# Called with each member's name, size and stream; reads the stream (or not).
Consumer = Callable[[str, int, IO[bytes]], None]


@dataclass(frozen=True)
class Contents:
    header: dict[str, Any]
    members: list[Member]

    @property
    def bytes(self) -> int:
        return sum(member.size for member in self.members)


class _Tee:
    """Hash and count what a consumer reads; the rest is read (and hashed) afterwards."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.digest = hashlib.sha256()
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.digest.update(data)
        self.count += len(data)
        return data

    def finish(self) -> str:
        while self.read(CHUNK):
            pass
        return self.digest.hexdigest()


def read_archive(
    stream: IO[bytes],
    *,
    on_header: Callable[[dict[str, Any]], None],
    consume: Consumer,
) -> Contents:
    """Read a backup stream: check the header (``on_header`` may refuse it), hand every member
    to ``consume``, and compare them all with the manifest. Raises BackupError on anything
    wrong; the caller must discard what ``consume`` wrote when it does."""
    try:
        tar = tarfile.open(fileobj=stream, mode="r|")  # noqa: SIM115 - closed below
    except tarfile.TarError:
        raise _damaged(_("it does not start like a backup")) from None
    seen: dict[str, Member] = {}
    header: dict[str, Any] | None = None
    manifest: dict[str, Any] | None = None
    try:
        for info in tar:
            if manifest is not None:
                raise _damaged(_("there is more after the manifest"))
            if not info.isreg():
                raise _damaged(_("%(name)s is not a plain file") % {"name": info.name})
            if info.name in seen:
                raise _damaged(_("%(name)s appears twice") % {"name": info.name})
            extracted = tar.extractfile(info)
            if extracted is None:  # pragma: no cover - isreg() above
                raise _damaged(info.name)
            if header is None:
                if info.name != HEADER or info.size > CHUNK:
                    raise _damaged(_("it does not start with %(name)s") % {"name": HEADER})
                data = extracted.read()
                header = _load_json(data, HEADER)
                if header.get("format") != FORMAT:
                    raise BackupError(
                        _("This is not a backup of a format this version can read (%(format)r).")
                        % {"format": header.get("format")}
                    )
                seen[HEADER] = Member(HEADER, len(data), hashlib.sha256(data).hexdigest())
                on_header(header)
                continue
            if info.name == MANIFEST:
                manifest = _load_json(extracted.read(), MANIFEST)
                continue
            _check_name(info.name)
            tee = _Tee(extracted)
            consume(info.name, info.size, tee)  # type: ignore[arg-type]
            digest = tee.finish()
            seen[info.name] = Member(info.name, tee.count, digest)
            if tee.count != info.size:
                raise _damaged(_("%(name)s is cut short") % {"name": info.name})
    except tarfile.TarError as error:
        raise _damaged(str(error)) from None
    finally:
        tar.close()
    if header is None:
        raise _damaged(_("it is empty"))
    if manifest is None:
        raise _damaged(_("the manifest of checksums is missing: the backup is incomplete"))
    listed = _manifest_members(manifest)
    problems = []
    for name in sorted(set(listed) | set(seen)):
        if name not in seen:
            problems.append(_("%(name)s is listed but missing") % {"name": name})
        elif name not in listed:
            problems.append(_("%(name)s is not listed in the manifest") % {"name": name})
        elif listed[name] != seen[name]:
            problems.append(_("%(name)s does not match its checksum") % {"name": name})
    if problems:
        raise BackupError(
            _("The backup does not match its manifest; nothing was restored from it: %(list)s")
            % {"list": "; ".join(problems[:10])}
        )
    return Contents(header, [seen[name] for name in seen if name != HEADER])


def _manifest_members(manifest: dict[str, Any]) -> dict[str, Member]:
    try:
        return {
            str(row["name"]): Member(str(row["name"]), int(row["size"]), str(row["sha256"]))
            for row in manifest["members"]
        }
    except (KeyError, TypeError, ValueError):
        raise _damaged(_("the manifest cannot be read")) from None


def _load_json(data: bytes, name: str) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _damaged(_("%(name)s cannot be read") % {"name": name}) from None
    if not isinstance(value, dict):
        raise _damaged(_("%(name)s cannot be read") % {"name": name})
    return value


def _damaged(reason: str) -> BackupError:
    return BackupError(
        _("The backup is damaged or not a Rogatory backup (%(reason)s); nothing was restored.")
        % {"reason": reason}
    )
