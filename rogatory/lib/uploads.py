"""Safe storage of uploaded documents, outside the web root.

``store_upload`` streams an upload into a temporary file beside its final place, hashing it as
it goes, then checks it: size, the checksum and size the sender announced, and what the content
really is. Only types whose structure can be verified are accepted (see ``ALLOWED_TYPES``): the
content decides the type, and the file name's extension and the type the browser declared must
agree with it. A file that passes is renamed atomically to an opaque name
(``<directory>/<uuid4 hex>.<ext>``); one that fails leaves nothing behind.

The type is decided by our own signatures and structural checks rather than by ``puremagic``
alone: from a file's first bytes puremagic cannot tell a DOCX from an XLSX or a bare ZIP, and it
knows only some e-mail headers. ``puremagic`` names whatever we do not accept, for the message.

Nothing here scans for malware: a structurally valid document may still carry an exploit.
"""

from __future__ import annotations

import codecs
import hashlib
import hmac
import mmap
import os
import re
import struct
import tempfile
import unicodedata
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any, BinaryIO

import puremagic
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .archives import ArchiveLimits, ArchiveRefused, Deadline, check_zip, read_member

__all__ = [
    "ACCEPT",
    "ALLOWED_TYPES",
    "DEFAULT_MAX_SIZE",
    "StoredFile",
    "UnsafePath",
    "UploadRejected",
    "delete_stored",
    "open_stored",
    "safe_download_name",
    "store_upload",
    "stored_path",
    "verify_stored",
]

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
RTF = "application/rtf"
TXT = "text/plain"
CSV = "text/csv"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
EML = "message/rfc822"

# Content type -> accepted file name extensions, the first being the one files are stored with.
ALLOWED_TYPES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        PDF: ("pdf",),
        DOCX: ("docx",),
        XLSX: ("xlsx",),
        PPTX: ("pptx",),
        ODT: ("odt",),
        ODS: ("ods",),
        DOC: ("doc",),
        XLS: ("xls",),
        RTF: ("rtf",),
        TXT: ("txt",),
        CSV: ("csv",),
        PNG: ("png",),
        JPEG: ("jpg", "jpeg"),
        TIFF: ("tif", "tiff"),
        EML: ("eml",),
    }
)
_TYPE_BY_EXTENSION = {ext: ctype for ctype, exts in ALLOWED_TYPES.items() for ext in exts}
# For a file input's ``accept`` attribute.
ACCEPT = ",".join(f".{ext}" for ext in sorted(_TYPE_BY_EXTENSION))

# What each type is, as the object of "is …" / "read as …" in messages.
_LABELS: Mapping[str, str | Promise] = {
    PDF: gettext_lazy("a PDF document"),
    DOCX: gettext_lazy("a Word document (DOCX)"),
    XLSX: gettext_lazy("an Excel workbook (XLSX)"),
    PPTX: gettext_lazy("a PowerPoint presentation (PPTX)"),
    ODT: gettext_lazy("an OpenDocument text (ODT)"),
    ODS: gettext_lazy("an OpenDocument spreadsheet (ODS)"),
    DOC: gettext_lazy("a Word 97–2003 document (DOC)"),
    XLS: gettext_lazy("an Excel 97–2003 workbook (XLS)"),
    RTF: gettext_lazy("a rich text document (RTF)"),
    TXT: gettext_lazy("plain text"),
    CSV: gettext_lazy("a CSV table"),
    PNG: gettext_lazy("a PNG image"),
    JPEG: gettext_lazy("a JPEG image"),
    TIFF: gettext_lazy("a TIFF image"),
    EML: gettext_lazy("an e-mail message (EML)"),
}

# Declared types that say nothing about the content.
_GENERIC_DECLARED = frozenset(
    {
        "",
        "application/octet-stream",
        "binary/octet-stream",
        "application/unknown",
        "application/x-download",
        "application/force-download",
    }
)
# Other names browsers and mail clients use for the allowed types.
_DECLARED_ALIASES = {
    "application/x-pdf": PDF,
    "application/acrobat": PDF,
    "application/vnd.pdf": PDF,
    "text/pdf": PDF,
    "application/vnd.ms-word": DOC,
    "application/doc": DOC,
    "application/x-msexcel": XLS,
    "application/excel": XLS,
    "application/x-excel": XLS,
    "text/rtf": RTF,
    "application/x-rtf": RTF,
    "text/richtext": RTF,
    "application/csv": CSV,
    "text/x-csv": CSV,
    "text/comma-separated-values": CSV,
    "text/x-comma-separated-values": CSV,
    "image/jpg": JPEG,
    "image/pjpeg": JPEG,
    "image/x-png": PNG,
    "image/x-tiff": TIFF,
    "image/tif": TIFF,
    "text/x-eml": EML,
    "application/x-eml": EML,
}
_ZIP_DECLARED = frozenset({"application/zip", "application/x-zip-compressed", "application/x-zip"})
# Declared types that are wrong but common for these contents: Windows browsers send CSV as
# application/vnd.ms-excel where Excel is installed, and some systems send a .docx as
# application/msword or any text as text/plain. The content has decided the type already.
_ALSO_COMPATIBLE = {
    (XLS, CSV),
    (XLS, XLSX),
    (DOC, DOCX),
    (TXT, CSV),
    (TXT, EML),
    *((zip_type, t) for zip_type in _ZIP_DECLARED for t in (DOCX, XLSX, PPTX, ODT, ODS)),
}

DEFAULT_MAX_SIZE = 50 * 1024 * 1024
CHUNK_SIZE = 256 * 1024
MAX_NAME_LENGTH = 200
_HEAD_SIZE = 64 * 1024
# Bounds on what the structural checks will decompress or walk (zip bombs, loops). Office
# files inflate 2-20 times (measured on the demo and test documents; images barely at all);
# a bomb inflates about 1,000 times. Up to 64 MiB inflated any ratio is accepted.
ZIP_LIMITS = ArchiveLimits(
    max_members=10_000,
    max_inflated=1024 * 1024 * 1024,
    max_ratio=100,
    ratio_floor=64 * 1024 * 1024,
)
_MAX_TIFF_PAGES = 10_000
# Chunks, segments or directory entries a well-formed file of the accepted types never exceeds.
_MAX_STRUCTURES = 200_000


class UploadRejected(Exception):
    """An upload refused, with a message for the person and a short code for programs.

    Codes: ``too_large``, ``empty``, ``truncated`` (fewer bytes than announced),
    ``size_mismatch`` (more bytes than announced), ``checksum_invalid``, ``checksum_mismatch``,
    ``type_not_allowed``, ``type_mismatch``, ``corrupt``, ``not_utf8``, ``encrypted``,
    ``macros``; for packages (DOCX, XLSX, ODT…) that would cost too much to open:
    ``too_many_members``, ``too_large_inflated``, ``ratio``, ``too_slow``.
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __repr__(self) -> str:
        return f"UploadRejected(code={self.code!r}, message={self.message!r})"


class UnsafePath(ValueError):
    """A storage path that would lead outside MEDIA_ROOT: a bug or tampering, not a user error."""


@dataclass(frozen=True)
class StoredFile:
    relative_path: str  # to MEDIA_ROOT, with "/" separators
    original_name: str  # sanitised, safe to show and to offer as a download name
    content_type: str  # detected from the content, one of ALLOWED_TYPES
    size: int
    sha256: str  # lower-case hex


class _Corrupt(Exception):
    """A structural check failed (internal; becomes UploadRejected "corrupt")."""


# -- Paths -------------------------------------------------------------------------------------


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT).resolve()


def _inside_root(path: Path, root: Path) -> Path:
    resolved = path.resolve()
    if resolved == root or not resolved.is_relative_to(root):
        raise UnsafePath(f"{path} is not inside MEDIA_ROOT")
    return resolved


def stored_path(relative_path: str) -> Path:
    """Return the absolute path of a stored file, refusing any path leading outside MEDIA_ROOT."""
    if not relative_path or "\x00" in relative_path or "\\" in relative_path:
        raise UnsafePath(f"invalid stored path {relative_path!r}")
    relative = Path(relative_path)
    if relative.is_absolute() or ".." in relative.parts:
        raise UnsafePath(f"invalid stored path {relative_path!r}")
    root = _media_root()
    return _inside_root(root / relative, root)


def _target_directory(directory: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Resolve ``directory`` (absolute, or relative to MEDIA_ROOT) and create it if missing."""
    root = _media_root()
    raw = Path(directory)
    if "\x00" in str(raw) or ".." in raw.parts:
        raise UnsafePath(f"{directory} is not inside MEDIA_ROOT")
    target = raw if raw.is_absolute() else root / raw
    resolved = target.resolve()
    if resolved != root and not resolved.is_relative_to(root):
        raise UnsafePath(f"{directory} is not inside MEDIA_ROOT")
    missing = [p for p in (resolved, *resolved.parents) if not p.exists()]
    for path in reversed(missing):
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            continue  # created meanwhile by a concurrent upload
        path.chmod(0o700)  # whatever the umask
    if not resolved.is_dir():
        raise UnsafePath(f"{directory} is not a directory")
    return root, resolved


# -- Names -------------------------------------------------------------------------------------

# Bidirectional controls can make "report‮fdp.exe" display as "reportexe.pdf".
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_FORBIDDEN_IN_NAMES = frozenset('<>:"/\\|?*')
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)


def safe_download_name(original_name: str, fallback: str = "document") -> str:
    """Return a file name safe to store, show and offer in Content-Disposition.

    Keeps the last path component only, turns line breaks and tabs into spaces, drops other
    control and bidirectional-override characters, replaces characters Windows forbids, keeps
    letters of every script, and shortens the name to 200 characters, extension kept.
    """
    name = unicodedata.normalize("NFC", str(original_name))
    name = re.split(r"[/\\]", name)[-1]
    kept = []
    for char in name:
        category = unicodedata.category(char)
        if category in ("Zs", "Zl", "Zp") or char in "\t\n\r\v\f":
            char = " "
        elif char in _BIDI_CONTROLS or category in ("Cc", "Cs", "Co", "Cn") or char == "\ufeff":
            continue
        kept.append("_" if char in _FORBIDDEN_IN_NAMES else char)
    name = re.sub(r" {2,}", " ", "".join(kept)).strip(" .")
    if not name:
        return fallback
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if stem.lower().split(".")[0] in _WINDOWS_RESERVED:
        stem = f"_{stem}"
    if len(ext) > 20:  # not an extension, just a long name with a dot in it
        stem, dot, ext = f"{stem}{dot}{ext}", "", ""
    room = MAX_NAME_LENGTH - len(dot) - len(ext)
    stem = stem[:room].rstrip(" .") or fallback
    return f"{stem}{dot}{ext}"


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


# -- Reading the source ------------------------------------------------------------------------


def _iter_source(source: Any) -> Iterator[bytes]:
    """Yield the bytes of a Django UploadedFile, any binary file object, or bytes."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        for start in range(0, len(data), CHUNK_SIZE):
            yield data[start : start + CHUNK_SIZE]
        return
    chunks = getattr(source, "chunks", None)
    if callable(chunks):
        iterator: Iterator[Any] = iter(chunks(CHUNK_SIZE))
    else:
        read = getattr(source, "read", None)
        if not callable(read):
            raise TypeError("source must be an uploaded file, a binary file object or bytes")
        iterator = iter(lambda: read(CHUNK_SIZE), b"")
    for chunk in iterator:
        if isinstance(chunk, str):
            raise TypeError("source must be binary, not text")
        if chunk:
            yield bytes(chunk)


# -- Rejections --------------------------------------------------------------------------------


def _accepted() -> str:
    return ", ".join(f".{ext}" for ext in sorted(_TYPE_BY_EXTENSION))


def _label(content_type: str) -> str:
    return str(_LABELS.get(content_type, content_type))


def _too_large(max_size: int) -> UploadRejected:
    return UploadRejected(
        _("The file is larger than the %(limit)s limit.") % {"limit": filesizeformat(max_size)},
        "too_large",
    )


def _not_allowed(kind: str | None) -> UploadRejected:
    if kind:
        message = _(
            "This type of file cannot be attached (the content looks like: %(kind)s). "
            "Accepted types: %(accepted)s."
        ) % {"kind": kind, "accepted": _accepted()}
    else:
        message = _(
            "The content of this file is not of a type that can be attached. "
            "Accepted types: %(accepted)s."
        ) % {"accepted": _accepted()}
    return UploadRejected(message, "type_not_allowed")


def _corrupt(content_type: str) -> UploadRejected:
    return UploadRejected(
        _(
            "This file is damaged or incomplete and cannot be read as %(kind)s. It may have been "
            "cut off during the upload: check that it opens on your computer and try again."
        )
        % {"kind": _label(content_type)},
        "corrupt",
    )


def _encrypted() -> UploadRejected:
    return UploadRejected(
        _("Password-protected files cannot be attached. Remove the protection and try again."),
        "encrypted",
    )


def _macros() -> UploadRejected:
    return UploadRejected(
        _(
            "Documents containing macros cannot be attached. Save the document without macros "
            "(for example as .docx or .xlsx) and try again."
        ),
        "macros",
    )


def _not_utf8() -> UploadRejected:
    return UploadRejected(
        _(
            "The text file is not valid UTF-8 text: it uses another encoding or contains binary "
            "data. Save it with the UTF-8 encoding and try again."
        ),
        "not_utf8",
    )


def _describe(head: bytes) -> tuple[str | None, bool]:
    """Name what puremagic recognises in the file's first bytes; and whether it is text."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 or UTF-32, as Notepad may save
        return None, True
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        return None, True
    # Matches come best first; those with a MIME type are the common formats (an .exe before
    # the obscure formats that share its "MZ").
    named = [m for m in matches if m.name and m.name != "UTF8 file"]
    named.sort(key=lambda m: not m.mime_type)
    if not named:
        return None, True
    best = named[0]
    name = f"{best.name} ({best.extension})" if best.extension else str(best.name)
    return name, best.mime_type.startswith("text/")


# -- Structural checks -------------------------------------------------------------------------


def _map(path: Path) -> tuple[IO[bytes], mmap.mmap]:
    file = path.open("rb")
    try:
        return file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    except BaseException:
        file.close()
        raise


def _with_map(path: Path, check: Callable[[mmap.mmap], str]) -> str:
    file, data = _map(path)
    try:
        return check(data)
    except (struct.error, IndexError, ValueError, OverflowError) as error:
        raise _Corrupt from error  # a field pointing past the end of a cut-off file
    finally:
        data.close()
        file.close()


def _check_pdf(path: Path) -> str:
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import FileNotDecryptedError

    with path.open("rb") as file:
        file.seek(max(path.stat().st_size - 1024, 0))
        if b"%%EOF" not in file.read():
            raise _Corrupt  # cut off: pypdf alone would repair and accept it
    try:
        reader = PdfReader(path, strict=False)
        # Files with only an owner password (printing restrictions…) open with an empty one.
        locked = reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED
        if not locked and (len(reader.pages) < 1 or not reader.pages[0].mediabox):
            raise _Corrupt
    except FileNotDecryptedError:
        locked = True
    except Exception as error:  # pypdf raises many kinds on malformed input
        raise _Corrupt from error
    if locked:
        raise _encrypted()
    return PDF


_OOXML_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}
_OOXML_PARTS = {DOCX: "word/", XLSX: "xl/", PPTX: "ppt/"}
_ODF_TYPES = {ODT: ODT, ODS: ODS}


def _check_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if not members:
                raise _Corrupt
            check_zip(archive, path.stat().st_size, ZIP_LIMITS)
            names = {m.filename for m in members}
            if any(m.flag_bits & 0x1 for m in members):
                raise _encrypted()
            # Inflate every member once (the CRC proves it whole), within the time allowed.
            deadline = Deadline(settings.UPLOAD_CHECK_SECONDS)
            for info in members:
                for _chunk in read_member(archive, info, deadline):
                    pass
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise _macros()
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(200).decode("ascii", "replace").strip()
                if mimetype in _ODF_TYPES and {"content.xml", "META-INF/manifest.xml"} <= names:
                    with archive.open("META-INF/manifest.xml") as member:
                        manifest = member.read(1024 * 1024)
                    if b"encryption-data" in manifest:  # a password-protected ODF document
                        raise _encrypted()
                    return _ODF_TYPES[mimetype]
                if mimetype.startswith("application/vnd.oasis.opendocument."):
                    raise _not_allowed(f"OpenDocument ({mimetype})")
                raise _not_allowed(_("ZIP archive"))
            if "[Content_Types].xml" in names:
                info = archive.getinfo("[Content_Types].xml")
                if info.file_size > 1024 * 1024:
                    raise _Corrupt
                types = archive.read(info).decode("utf-8", "replace")
                declared = set(re.findall(r"ContentType\s*=\s*[\"']([^\"']+)[\"']", types))
                if any("macroenabled" in t.lower() for t in declared):
                    raise _macros()
                for main_type, content_type in _OOXML_MAIN_TYPES.items():
                    if main_type in declared:
                        prefix = _OOXML_PARTS[content_type]
                        if not any(name.startswith(prefix) for name in names):
                            raise _Corrupt
                        return content_type
                raise _not_allowed(_("Office Open XML package of another kind"))
            raise _not_allowed(_("ZIP archive"))
    except (_Corrupt, UploadRejected):
        raise
    except ArchiveRefused as refused:
        raise UploadRejected(refused.message, refused.code) from None
    except Exception as error:  # BadZipFile, zlib.error, EOFError, NotImplementedError…
        raise _Corrupt from error


_CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAXREGSECT = 0xFFFFFFFA
_ENDOFCHAIN = 0xFFFFFFFE
_FREESECT = 0xFFFFFFFF


def _check_cfb(data: mmap.mmap) -> str:
    """Walk an OLE compound file (legacy Office) far enough to know it is whole and what it is."""
    if len(data) < 512:
        raise _Corrupt
    major, byte_order, shift = struct.unpack_from("<HHH", data, 0x1A)
    if byte_order != 0xFFFE or (major, shift) not in ((3, 9), (4, 12)):
        raise _Corrupt
    size = 1 << shift
    n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
    (cutoff,) = struct.unpack_from("<I", data, 0x38)
    first_difat, n_difat = struct.unpack_from("<II", data, 0x44)
    n_sectors = (len(data) - size + size - 1) // size
    if n_sectors < 1 or n_fat < 1 or n_fat > n_sectors or n_difat > n_sectors:
        raise _Corrupt

    def sector(sid: int) -> bytes:
        start = (sid + 1) * size
        if sid > _MAXREGSECT or start + size > len(data):
            raise _Corrupt
        return data[start : start + size]

    fat_sectors = list(struct.unpack_from("<109I", data, 0x4C))[: min(n_fat, 109)]
    sid = first_difat
    per_difat = size // 4 - 1
    for _i in range(n_difat):
        if len(fat_sectors) >= n_fat:
            break
        difat = struct.unpack(f"<{size // 4}I", sector(sid))
        fat_sectors.extend(difat[:per_difat])
        sid = difat[per_difat]
    fat_sectors = fat_sectors[:n_fat]
    if len(fat_sectors) < n_fat:
        raise _Corrupt
    fat: list[int] = []
    for sid in fat_sectors:
        fat.extend(struct.unpack(f"<{size // 4}I", sector(sid)))
    # A sector the allocation table uses but the file lacks: the file was cut off.
    if any(value != _FREESECT for value in fat[n_sectors:]):
        raise _Corrupt

    walked: set[int] = set()  # chains never share a sector: this also stops loops

    def chain(start: int) -> Iterator[int]:
        sid = start
        while sid != _ENDOFCHAIN:
            if sid >= min(len(fat), n_sectors) or sid in walked:
                raise _Corrupt
            walked.add(sid)
            yield sid
            sid = fat[sid]

    entries: list[tuple[str, int, int, int]] = []  # name, type, start sector, size
    for sid in chain(first_dir):
        block = sector(sid)
        for offset in range(0, size, 128):
            raw = block[offset : offset + 128]
            name_length, kind = struct.unpack_from("<HB", raw, 0x40)
            start, stream_size = struct.unpack_from("<IQ", raw, 0x74)
            if major == 3:
                stream_size &= 0xFFFFFFFF
            if kind in (1, 2, 5):
                name = raw[: max(min(name_length, 64) - 2, 0)].decode("utf-16-le", "replace")
                entries.append((name.lower(), kind, start, stream_size))
    if not entries or entries[0][1] != 5:
        raise _Corrupt

    def check_stream(start: int, stream_size: int) -> bytes:
        """Check every byte of a stream is in the file; return its first sector."""
        if not stream_size:
            return b""
        sectors = list(chain(start))
        if not sectors or len(sectors) * size < stream_size:
            raise _Corrupt
        # The last sector may legitimately be short of padding, not of the stream's own bytes.
        needed = stream_size - (len(sectors) - 1) * size
        if (sectors[-1] + 1) * size + needed > len(data):
            raise _Corrupt
        return data[(sectors[0] + 1) * size : (sectors[0] + 2) * size]

    root = entries[0]
    check_stream(root[2], root[3])  # the mini stream, which holds the small streams
    streams = {name: (start, length) for name, kind, start, length in entries if kind == 2}
    first_sectors = {
        name: check_stream(start, length)
        for name, (start, length) in streams.items()
        if length >= cutoff
    }
    storages = {name for name, kind, _start, _length in entries if kind == 1}
    if "encryptedpackage" in streams:
        raise _encrypted()  # a password-protected DOCX/XLSX
    for main, content_type, macro_storage in (
        ("worddocument", DOC, "macros"),
        ("workbook", XLS, "_vba_project_cur"),
        ("book", XLS, "_vba_project_cur"),
    ):
        if main in streams:
            # Word's file information block: bit 8 of the flags at 0x0A is fEncrypted.
            first = first_sectors.get(main, b"")
            flags = struct.unpack_from("<H", first, 0x0A)[0] if len(first) >= 12 else 0
            if content_type == DOC and flags & 0x0100:
                raise _encrypted()
            if macro_storage in storages:
                raise _macros()
            return content_type
    if "powerpoint document" in streams:
        raise _not_allowed("PowerPoint 97–2003 (.ppt)")
    if any(name.startswith("__substg1.0_") for name in streams):
        raise _not_allowed("Outlook message (.msg)")
    raise _not_allowed(_("OLE compound file"))


def _check_png(data: mmap.mmap) -> str:
    position, seen_data = 8, False
    first = True
    for _chunk in range(_MAX_STRUCTURES):
        if position + 12 > len(data):
            raise _Corrupt  # ended before IEND
        length, kind = struct.unpack_from(">I4s", data, position)
        end = position + 12 + length
        if length > 0x7FFFFFFF or end > len(data) or not kind.isalpha():
            raise _Corrupt
        if first and (kind != b"IHDR" or length != 13):
            raise _Corrupt
        first = False
        (crc,) = struct.unpack_from(">I", data, end - 4)
        if crc != _crc32(data, position + 4, position + 8 + length):
            raise _Corrupt
        seen_data = seen_data or kind == b"IDAT"
        if kind == b"IEND":
            if not seen_data:
                raise _Corrupt
            return PNG
        position = end
    raise _Corrupt


def _crc32(data: mmap.mmap, start: int, end: int) -> int:
    crc = 0
    for offset in range(start, end, CHUNK_SIZE):
        crc = zlib.crc32(data[offset : min(offset + CHUNK_SIZE, end)], crc)
    return crc


_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
# In entropy-coded data an FF is followed by 00 (a stuffed byte), a restart marker or more FF.
_JPEG_NEXT_MARKER = re.compile(rb"\xff(?=[^\x00\xd0-\xd7\xff])")
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _check_jpeg(data: mmap.mmap) -> str:
    """Walk the markers to the end of image, skipping segments by their length.

    Searching for FFD9 alone would stop inside an embedded Exif thumbnail; bytes after the end
    of image (as phones append) are allowed.
    """
    position, seen_frame, seen_scan = 2, False, False
    length = len(data)
    for _step in range(_MAX_STRUCTURES):
        if position + 2 > length or data[position] != 0xFF:
            raise _Corrupt
        marker = data[position + 1]
        if marker == 0xFF:
            position += 1  # a fill byte
            continue
        if marker == 0xD9:
            if not (seen_frame and seen_scan):
                raise _Corrupt
            return JPEG
        if marker in _JPEG_STANDALONE:
            position += 2
            continue
        if position + 4 > length:
            raise _Corrupt
        (segment,) = struct.unpack_from(">H", data, position + 2)
        end = position + 2 + segment
        if segment < 2 or end > length:
            raise _Corrupt
        if marker in _JPEG_FRAMES:
            seen_frame = True
        position = end
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next real marker
            if not seen_frame:
                raise _Corrupt
            seen_scan = True
            found = _JPEG_NEXT_MARKER.search(data, position)
            if found is None:
                raise _Corrupt  # the scan runs to the end of the file: cut off
            position = found.start()
    raise _Corrupt


_TIFF_TYPE_SIZES = {
    1: 1,
    2: 1,
    3: 2,
    4: 4,
    5: 8,
    6: 1,
    7: 1,
    8: 2,
    9: 4,
    10: 8,
    11: 4,
    12: 8,
    13: 4,
}
_TIFF_STRIP_OFFSETS, _TIFF_STRIP_COUNTS, _TIFF_TILE_OFFSETS, _TIFF_TILE_COUNTS = 273, 279, 324, 325


def _check_tiff(data: mmap.mmap) -> str:
    """Walk the image directories; every strip or tile of image data must lie in the file."""
    order = "<" if data[:2] == b"II" else ">"
    (offset,) = struct.unpack_from(f"{order}I", data, 4)
    length, seen, pages, entries = len(data), set(), 0, 0
    while offset:
        if offset in seen or offset + 2 > length or pages >= _MAX_TIFF_PAGES:
            raise _Corrupt
        seen.add(offset)
        pages += 1
        (count,) = struct.unpack_from(f"{order}H", data, offset)
        end = offset + 2 + 12 * count
        entries += count
        if end + 4 > length or entries > _MAX_STRUCTURES:
            raise _Corrupt
        values: dict[int, list[int]] = {}
        for entry in range(offset + 2, end, 12):
            tag, kind, number = struct.unpack_from(f"{order}HHI", data, entry)
            item = _TIFF_TYPE_SIZES.get(kind)
            if item is None:
                continue  # unknown types are to be ignored
            total = item * number
            where = entry + 8
            if total > 4:
                (where,) = struct.unpack_from(f"{order}I", data, entry + 8)
                if where + total > length:
                    raise _Corrupt
            if tag in (
                _TIFF_STRIP_OFFSETS,
                _TIFF_STRIP_COUNTS,
                _TIFF_TILE_OFFSETS,
                _TIFF_TILE_COUNTS,
            ):
                if kind not in (3, 4):
                    raise _Corrupt
                code = "H" if kind == 3 else "I"
                values[tag] = list(struct.unpack_from(f"{order}{number}{code}", data, where))
        pairs = [
            (values.get(_TIFF_STRIP_OFFSETS), values.get(_TIFF_STRIP_COUNTS)),
            (values.get(_TIFF_TILE_OFFSETS), values.get(_TIFF_TILE_COUNTS)),
        ]
        image_data = [(o, c) for o, c in pairs if o is not None or c is not None]
        if not image_data:
            raise _Corrupt
        for offsets, counts in image_data:
            if offsets is None or counts is None or len(offsets) != len(counts):
                raise _Corrupt
            if any(o + c > length for o, c in zip(offsets, counts, strict=True)):
                raise _Corrupt
        (offset,) = struct.unpack_from(f"{order}I", data, end)
    return TIFF


_RTF_TOKENS = re.compile(rb"\\bin(-?\d{1,10}) ?|\\[\\{}]|[{}]")
_RTF_ESCAPES = re.compile(rb"\\[\\{}]")


def _check_rtf(data: mmap.mmap) -> str:
    """Check the groups balance and close at the end, which a cut-off file cannot do."""
    end = len(data)
    while end and data[end - 1] in b" \t\r\n\x00":
        end -= 1
    if not end or data[end - 1] != ord("}"):
        raise _Corrupt
    if data.find(b"\\bin", 0, end) < 0:
        # Without raw binary data every brace is either escaped or a group: count them in C.
        groups = _RTF_ESCAPES.sub(b"", data[:end])
        if groups.count(b"{") != groups.count(b"}"):
            raise _Corrupt
        return RTF
    depth, position = 0, 0
    while True:
        token = _RTF_TOKENS.search(data, position, end)
        if token is None:
            break
        position = token.end()
        if token.group(1) is not None:
            position += max(int(token.group(1)), 0)  # raw binary data, braces and all
        elif token.group(0) == b"{":
            depth += 1
        elif token.group(0) == b"}":
            depth -= 1
            if depth < 0 or (depth == 0 and position != end):
                raise _Corrupt
    if depth != 0:
        raise _Corrupt
    return RTF


def _text_status(path: Path) -> tuple[bool, bool]:
    """Return (valid UTF-8, contains NUL) for the whole file; a UTF-8 BOM is allowed."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    valid, has_nul = True, False
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(CHUNK_SIZE), b""):
            has_nul = has_nul or b"\x00" in chunk
            if valid:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    valid = False
        if valid:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                valid = False
    return valid, has_nul


_HEADER_FIELD = re.compile(rb"[!-9;-~]+:")
_MESSAGE_HEADERS = frozenset(
    {b"from", b"date", b"message-id", b"received", b"subject", b"mime-version", b"to"}
)


def _looks_like_email(head: bytes) -> bool:
    """Check the file opens with an RFC 5322 header section naming a message."""
    lines = head.splitlines()
    if lines and lines[0].startswith(b"From "):  # mbox separator some clients keep
        lines = lines[1:]
    names: set[bytes] = set()
    for index, line in enumerate(lines):
        if not line:
            break
        if line[:1] in (b" ", b"\t"):
            if index == 0:
                return False
            continue
        field = _HEADER_FIELD.match(line)
        if not field:
            return False
        names.add(field.group(0)[:-1].lower())
    return len(names) >= 2 and bool(names & _MESSAGE_HEADERS)


def _detect(path: Path, extension: str) -> str:
    """Return the content type the content proves, or raise UploadRejected."""
    with path.open("rb") as file:
        head = file.read(_HEAD_SIZE)
    # Signature, the types it may hold (for the message when damaged), the check.
    checks: list[tuple[bytes, tuple[str, ...], Callable[[Path], str]]] = [
        (b"%PDF-", (PDF,), _check_pdf),
        (b"PK\x03\x04", (DOCX, XLSX, PPTX, ODT, ODS), _check_zip),
        (_CFB_SIGNATURE, (DOC, XLS), lambda p: _with_map(p, _check_cfb)),
        (b"\x89PNG\r\n\x1a\n", (PNG,), lambda p: _with_map(p, _check_png)),
        (b"\xff\xd8\xff", (JPEG,), lambda p: _with_map(p, _check_jpeg)),
        (b"II*\x00", (TIFF,), lambda p: _with_map(p, _check_tiff)),
        (b"MM\x00*", (TIFF,), lambda p: _with_map(p, _check_tiff)),
        (b"{\\rtf", (RTF,), lambda p: _with_map(p, _check_rtf)),
    ]
    for signature, types, check in checks:
        if head.startswith(signature):
            try:
                return check(path)
            except _Corrupt:
                claimed = _TYPE_BY_EXTENSION.get(extension, "")
                raise _corrupt(claimed if claimed in types else types[0]) from None
    if head.startswith((b"II+\x00", b"MM\x00+")):
        raise _not_allowed("BigTIFF")

    valid, has_nul = _text_status(path)
    if extension == "eml" and not has_nul and _looks_like_email(head):
        return EML
    if valid and not has_nul:
        return CSV if extension == "csv" else TXT
    kind, textual = _describe(head)
    if textual and extension in ("txt", "csv", "eml"):
        raise _not_utf8()
    raise _not_allowed(kind)


def _normalise_declared(declared_type: str | None) -> str:
    return (declared_type or "").split(";")[0].strip().lower()


def _declared_agrees(declared: str, detected: str) -> bool:
    if declared in _GENERIC_DECLARED:
        return True
    declared = _DECLARED_ALIASES.get(declared, declared)
    return declared == detected or (declared, detected) in _ALSO_COMPATIBLE


# -- Storing -----------------------------------------------------------------------------------


def store_upload(
    source: Any,
    *,
    directory: str | os.PathLike[str],
    original_name: str,
    declared_type: str | None = None,
    expected_sha256: str | None = None,
    expected_size: int | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
) -> StoredFile:
    """Check an upload and store it under ``directory`` (inside MEDIA_ROOT); see the module doc.

    ``source`` is a Django UploadedFile, a binary file object or bytes. Raises UploadRejected
    with a message for the person; nothing is left on disk then.
    """
    name = safe_download_name(original_name)
    extension = _extension(name)
    if not extension:
        raise UploadRejected(
            _(
                "The file name has no extension. Name the file after its type, for example "
                "“letter.pdf”. Accepted types: %(accepted)s."
            )
            % {"accepted": _accepted()},
            "type_not_allowed",
        )
    if extension not in _TYPE_BY_EXTENSION:
        raise UploadRejected(
            _("Files of type “.%(extension)s” cannot be attached. Accepted types: %(accepted)s.")
            % {"extension": extension, "accepted": _accepted()},
            "type_not_allowed",
        )
    expected_hash = None
    if expected_sha256:
        expected_hash = expected_sha256.strip().lower()
        if not re.fullmatch(r"[0-9a-f]{64}", expected_hash):
            raise UploadRejected(
                _("The SHA-256 checksum given is not valid: it must be 64 hexadecimal digits."),
                "checksum_invalid",
            )
    announced = getattr(source, "size", None)
    for size_hint in (announced, expected_size):
        if isinstance(size_hint, int) and size_hint > max_size:
            raise _too_large(max_size)

    root, target = _target_directory(directory)
    handle, temporary_name = tempfile.mkstemp(prefix=".upload-", suffix=".part", dir=target)
    temporary = Path(temporary_name)
    try:
        digest, size = hashlib.sha256(), 0
        with os.fdopen(handle, "wb") as out:
            os.fchmod(out.fileno(), 0o600)
            for chunk in _iter_source(source):
                size += len(chunk)
                if size > max_size:
                    raise _too_large(max_size)
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha256 = digest.hexdigest()

        if size == 0:
            raise UploadRejected(_("The file is empty."), "empty")
        if expected_size is not None and size != expected_size:
            params = {"received": size, "expected": expected_size}
            if size < expected_size:
                raise UploadRejected(
                    _(
                        "Only %(received)s of the %(expected)s bytes announced arrived: the "
                        "upload was cut off. Please try again."
                    )
                    % params,
                    "truncated",
                )
            raise UploadRejected(
                _(
                    "The file has %(received)s bytes, not the %(expected)s announced. Check that "
                    "you chose the right file."
                )
                % params,
                "size_mismatch",
            )
        if expected_hash is not None and not hmac.compare_digest(sha256, expected_hash):
            raise UploadRejected(
                _(
                    "The file received does not match the SHA-256 checksum given: it was altered "
                    "or damaged on the way. Please try again."
                ),
                "checksum_mismatch",
            )

        content_type = _detect(temporary, extension)
        if extension not in ALLOWED_TYPES[content_type]:
            raise UploadRejected(
                _(
                    "The content of this file is %(detected)s, which does not match its name "
                    "“%(name)s”. Choose the right file, or give it the right extension "
                    "(%(extensions)s)."
                )
                % {
                    "detected": _label(content_type),
                    "name": name,
                    "extensions": ", ".join(f".{e}" for e in ALLOWED_TYPES[content_type]),
                },
                "type_mismatch",
            )
        declared = _normalise_declared(declared_type)
        if not _declared_agrees(declared, content_type):
            raise UploadRejected(
                _(
                    "The content of this file is %(detected)s, but it was sent as "
                    "“%(declared)s”. Choose the right file and try again."
                )
                % {"detected": _label(content_type), "declared": declared},
                "type_mismatch",
            )

        final = target / f"{uuid.uuid4().hex}.{ALLOWED_TYPES[content_type][0]}"
        os.replace(temporary, final)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_directory(target)
    return StoredFile(
        relative_path=final.relative_to(root).as_posix(),
        original_name=name,
        content_type=content_type,
        size=size,
        sha256=sha256,
    )


def _sync_directory(directory: Path) -> None:
    """Make the rename durable (POSIX); harmless where directories cannot be opened."""
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


def delete_stored(relative_path: str) -> None:
    """Remove a stored file; a file already gone is not an error."""
    stored_path(relative_path).unlink(missing_ok=True)


def open_stored(relative_path: str) -> BinaryIO:
    """Open a stored file for reading (binary); the caller closes it."""
    return stored_path(relative_path).open("rb")


def verify_stored(relative_path: str, sha256: str) -> bool:
    """Recompute a stored file's SHA-256; False if it differs or the file is missing."""
    digest = hashlib.sha256()
    try:
        with stored_path(relative_path).open("rb") as file:
            for chunk in iter(lambda: file.read(CHUNK_SIZE), b""):
                digest.update(chunk)
    except FileNotFoundError:
        return False
    return hmac.compare_digest(digest.hexdigest(), (sha256 or "").strip().lower())
