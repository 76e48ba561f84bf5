"""Uploaded documents: checked by content, stored atomically, nothing left behind on refusal.

The files are real ones built here (python-docx, openpyxl, pypdf) or assembled byte by byte
to their specifications (PNG, JPEG, TIFF, OLE compound files); no database is needed.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from rogatory.lib import uploads
from rogatory.lib.uploads import UnsafePath, UploadRejected

# -- Real files --------------------------------------------------------------------------------


def make_docx(text: str = "Letter of request") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "Account"
    sheet["B1"] = 1250.5
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def make_pdf(pages: int = 2, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password is not None:
        writer.encrypt(user_password=password, owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_zip(members: dict[str, bytes], first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if first is not None:
            archive.writestr(first, members[first], compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            if name != first:
                archive.writestr(name, data)
    return out.getvalue()


def make_pptx() -> bytes:
    content_types = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Override PartName="/ppt/presentation.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>'
    )
    return make_zip(
        {
            "[Content_Types].xml": content_types,
            "_rels/.rels": b"<Relationships/>",
            "ppt/presentation.xml": b"<p:presentation/>",
        }
    )


def make_odf(mimetype: str) -> bytes:
    return make_zip(
        {
            "mimetype": mimetype.encode(),
            "content.xml": b"<office:document-content/>",
            "META-INF/manifest.xml": b"<manifest:manifest/>",
        },
        first="mimetype",
    )


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def make_png() -> bytes:
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)  # 2×2, 8-bit RGB
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _row in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(rows))
        + png_chunk(b"IEND", b"")
    )


def make_jpeg() -> bytes:
    """A 1×1 grey baseline JPEG, one Huffman code each for DC 0 and end of block."""
    segment: Callable[[int, bytes], bytes] = lambda marker, body: (  # noqa: E731
        bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body
    )
    exif_thumbnail = b"Exif\x00\x00" + b"\xff\xd8\xff\xd9"  # an end-of-image inside APP1
    return (
        b"\xff\xd8"
        + segment(0xE1, exif_thumbnail)
        + segment(0xDB, b"\x00" + b"\x01" * 64)
        + segment(0xC0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00")
        + segment(0xC4, b"\x00" + b"\x01" + b"\x00" * 15 + b"\x00")
        + segment(0xC4, b"\x10" + b"\x01" + b"\x00" * 15 + b"\x00")
        + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
        + b"\x3f"
        + b"\xff\xd9"
    )


def make_tiff() -> bytes:
    """A 1×1 8-bit grey little-endian TIFF with one strip."""
    entries = [
        (256, 3, 1, 1),  # width
        (257, 3, 1, 1),  # height
        (258, 3, 1, 8),  # bits per sample
        (259, 3, 1, 1),  # no compression
        (262, 3, 1, 1),  # black is zero
        (273, 4, 1, 0),  # strip offset, set below
        (277, 3, 1, 1),  # samples per pixel
        (278, 3, 1, 1),  # rows per strip
        (279, 4, 1, 1),  # strip byte count
    ]
    ifd_size = 2 + 12 * len(entries) + 4
    pixel_offset = 8 + ifd_size
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        value = pixel_offset if tag == 273 else value
        packed = struct.pack("<Hxx", value) if kind == 3 else struct.pack("<I", value)
        ifd += struct.pack("<HHI", tag, kind, count) + packed
    ifd += struct.pack("<I", 0)
    return b"II*\x00" + struct.pack("<I", 8) + ifd + b"\x80"


FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def make_cfb(streams: dict[str, bytes], storages: tuple[str, ...] = ()) -> bytes:
    """An OLE compound file, version 3, with streams of 4096 bytes or more (no mini stream)."""
    size = 512
    entries: list[tuple[str, int, int, int]] = [("Root Entry", 5, END, 0)]
    entries += [(name, 1, END, 0) for name in storages]
    dir_sectors = -(-(len(entries) + len(streams)) // 4)
    fat = [FAT_SECTOR, *range(2, dir_sectors + 1), END]
    body = b""
    for name, data in streams.items():
        assert len(data) >= 4096
        count = -(-len(data) // size)
        start = len(fat)
        fat += [*range(start + 1, start + count), END]
        entries.append((name, 2, start, len(data)))
        body += data.ljust(count * size, b"\x00")
    assert len(fat) <= 128
    fat += [FREE] * (128 - len(fat))
    directory = b""
    for index, (name, kind, start, length) in enumerate(entries):
        encoded = (name + "\x00").encode("utf-16-le")
        right = index + 1 if 0 < index < len(entries) - 1 else NO_STREAM
        child = 1 if index == 0 and len(entries) > 1 else NO_STREAM
        directory += (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", NO_STREAM, right, child)
            + b"\x00" * 36
            + struct.pack("<IQ", start, length)
        )
    directory = directory.ljust(dir_sectors * size, b"\x00")
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\x00" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\x00" * 6,
        0,
        1,  # one FAT sector, sector 0
        1,  # the directory starts at sector 1
        0,
        4096,
        END,
        0,
        END,
        0,
    ) + struct.pack("<109I", 0, *([FREE] * 108))
    return header + struct.pack("<128I", *fat) + directory + body


def word_stream(encrypted: bool = False) -> bytes:
    flags = 0x0100 if encrypted else 0
    return (struct.pack("<HHHHHH", 0xA5EC, 0xC1, 0, 0x409, 0, flags)).ljust(8192, b"\x01")


def make_doc(encrypted: bool = False, macros: bool = False) -> bytes:
    storages = ("Macros",) if macros else ()
    return make_cfb({"WordDocument": word_stream(encrypted), "1Table": b"\x02" * 4096}, storages)


def make_xls() -> bytes:
    return make_cfb({"Workbook": b"\x09\x08" + b"\x00" * 5000})


RTF_TEXT = rb"{\rtf1\ansi{\fonttbl{\f0 Times;}}\f0 Commission rogatoire \{n\'b0 12\}\par}" + b"\r\n"
EML_TEXT = (
    b"Received: from mail.example.org\r\n"
    b"From: Central Authority <ca@example.org>\r\n"
    b"To: Prosecutor <p@example.net>\r\n"
    b"Subject: =?utf-8?q?Demande_d=27entraide?=\r\n"
    b"Date: Mon, 3 Mar 2025 10:00:00 +0100\r\n"
    b"Message-ID: <1@example.org>\r\n"
    b"Content-Type: text/plain; charset=iso-8859-1\r\n"
    b"Content-Transfer-Encoding: 8bit\r\n"
    b"\r\n"
    b"Pi\xe8ces jointes: voir ci-dessous.\r\n"  # Latin-1 body: fine in a message
)
TEXT = "Requête d’entraide — 调查请求 — طلب المساعدة\n".encode()
CSV_TEXT = "\ufeffcompte,montant\nFR76 3000 6000 0112 3456 7890 189,1250.50\n".encode()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- Fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "documents"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def target(media: Path) -> Path:
    return media / "cases" / "7"


def store(data: bytes, name: str, target: Path, **options: Any) -> uploads.StoredFile:
    options.setdefault("max_size", 10 * 1024 * 1024)
    return uploads.store_upload(io.BytesIO(data), directory=target, original_name=name, **options)


def reject(data: bytes, name: str, target: Path, **options: Any) -> UploadRejected:
    """Store and expect a refusal; check nothing was left in the directory."""
    with pytest.raises(UploadRejected) as caught:
        store(data, name, target, **options)
    assert not target.exists() or os.listdir(target) == []
    assert caught.value.message == str(caught.value)
    assert caught.value.message
    return caught.value


# -- Accepted files ----------------------------------------------------------------------------

ACCEPTED: list[tuple[str, Callable[[], bytes], str]] = [
    ("letter.pdf", make_pdf, "application/pdf"),
    (
        "Commission rogatoire.docx",
        make_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "comptes.xlsx",
        make_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "slides.pptx",
        make_pptx,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    (
        "note.odt",
        lambda: make_odf("application/vnd.oasis.opendocument.text"),
        "application/vnd.oasis.opendocument.text",
    ),
    (
        "table.ods",
        lambda: make_odf("application/vnd.oasis.opendocument.spreadsheet"),
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
    ("old letter.doc", make_doc, "application/msword"),
    ("old sheet.xls", make_xls, "application/vnd.ms-excel"),
    ("note.rtf", lambda: RTF_TEXT, "application/rtf"),
    ("notes.txt", lambda: TEXT, "text/plain"),
    ("accounts.csv", lambda: CSV_TEXT, "text/csv"),
    ("scan.png", make_png, "image/png"),
    ("photo.JPG", make_jpeg, "image/jpeg"),
    ("fax.tiff", make_tiff, "image/tiff"),
    ("message.eml", lambda: EML_TEXT, "message/rfc822"),
]


@pytest.mark.parametrize(("name", "build", "content_type"), ACCEPTED)
def test_each_allowed_type_is_stored(
    name: str, build: Callable[[], bytes], content_type: str, media: Path, target: Path
) -> None:
    """A real file of each allowed type is stored with its type, checksum and size."""
    data = build()
    stored = store(data, name, target, expected_sha256=sha(data), expected_size=len(data))
    assert stored.content_type == content_type
    assert stored.sha256 == sha(data)
    assert stored.size == len(data)
    assert stored.original_name == name
    path = media / stored.relative_path
    assert path.read_bytes() == data
    assert path.parent == target
    stem, ext = path.name.split(".")
    assert len(stem) == 32 and ext == uploads.ALLOWED_TYPES[content_type][0]
    assert stored.relative_path == f"cases/7/{path.name}"
    assert os.listdir(target) == [path.name]  # no temporary file left beside it


def test_modes_are_private(media: Path, target: Path) -> None:
    """The directory is created 0700 and the file written 0600."""
    stored = store(make_pdf(), "a.pdf", target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    assert stat.S_IMODE((media / stored.relative_path).stat().st_mode) == 0o600


def test_sources_uploaded_file_bytes_and_relative_directory(media: Path) -> None:
    """Django's UploadedFile, plain bytes and a directory relative to MEDIA_ROOT all work."""
    data = make_docx()
    upload = SimpleUploadedFile("x.docx", data, content_type="application/octet-stream")
    stored = uploads.store_upload(
        upload,
        directory="cases/1",
        original_name="x.docx",
        declared_type=upload.content_type,
        max_size=len(data),
    )
    assert stored.relative_path.startswith("cases/1/")
    assert stored.sha256 == sha(data)
    again = uploads.store_upload(data, directory=media / "cases" / "1", original_name="x.docx")
    assert again.relative_path != stored.relative_path
    assert sorted(os.listdir(media / "cases" / "1")) == sorted(
        [Path(stored.relative_path).name, Path(again.relative_path).name]
    )


@pytest.mark.parametrize(
    ("declared", "name", "build"),
    [
        ("application/pdf", "a.pdf", make_pdf),
        ("application/octet-stream", "a.pdf", make_pdf),
        ("", "a.pdf", make_pdf),
        ("application/x-pdf", "a.pdf", make_pdf),
        ("image/jpg", "a.jpeg", make_jpeg),
        ("application/vnd.ms-excel", "a.csv", lambda: CSV_TEXT),  # Windows browsers
        ("text/plain; charset=UTF-8", "a.txt", lambda: TEXT),
        ("application/x-zip-compressed", "a.docx", make_docx),
    ],
)
def test_declared_types_that_agree(
    declared: str, name: str, build: Callable[[], bytes], target: Path
) -> None:
    """Generic, aliased and commonly mis-declared types do not stop a good file."""
    store(build(), name, target, declared_type=declared)


def test_owner_password_only_pdf_is_accepted(target: Path) -> None:
    """A PDF with restrictions but no password to open it is an ordinary PDF."""
    assert store(make_pdf(password=""), "a.pdf", target).content_type == "application/pdf"


def test_rtf_with_raw_binary_data(target: Path) -> None:
    """Braces inside \\bin data do not count; a cut-off file still fails."""
    data = b"{\\rtf1{\\pict\\bin3 {{{}}"
    assert reject(data[:-1], "a.rtf", target).code == "corrupt"
    assert store(data, "a.rtf", target).content_type == "application/rtf"


def test_mbox_separator_and_trailing_jpeg_data(target: Path) -> None:
    """An .eml with an mbox "From " line, and a JPEG with data after its end, are accepted."""
    store(b"From - Mon Mar  3 10:00:00 2025\r\n" + EML_TEXT, "m.eml", target)
    store(make_jpeg() + b"motion photo trailer", "p.jpg", target)


# -- Refused files -----------------------------------------------------------------------------


def test_too_large(target: Path) -> None:
    """A file over the limit is refused as soon as the limit is passed."""
    data = make_pdf()
    error = reject(data, "a.pdf", target, max_size=len(data) - 1)
    assert error.code == "too_large"
    assert "limit" in error.message


def test_too_large_by_announced_size(target: Path) -> None:
    """An UploadedFile whose size is over the limit is refused before anything is written."""
    upload = SimpleUploadedFile("a.pdf", make_pdf())
    with pytest.raises(UploadRejected) as caught:
        uploads.store_upload(upload, directory=target, original_name="a.pdf", max_size=10)
    assert caught.value.code == "too_large"
    assert not target.exists()


def test_too_large_in_many_chunks(target: Path) -> None:
    """A stream larger than the limit stops being read once the limit is passed."""

    class Endless(io.RawIOBase):
        reads = 0

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            self.reads += 1
            return b"a" * (size if size > 0 else 1024)

    source = Endless()
    with pytest.raises(UploadRejected) as caught:
        uploads.store_upload(source, directory=target, original_name="a.txt", max_size=1_000_000)
    assert caught.value.code == "too_large"
    assert source.reads <= 1_000_000 // uploads.CHUNK_SIZE + 2
    assert os.listdir(target) == []


def test_empty(target: Path) -> None:
    assert reject(b"", "a.pdf", target).code == "empty"


def test_truncated_pdf(target: Path) -> None:
    """A PDF cut in half, or just before its end marker, is refused as damaged."""
    data = make_pdf()
    assert reject(data[: len(data) // 2], "a.pdf", target).code == "corrupt"
    assert reject(data[: data.rindex(b"%%EOF")], "a.pdf", target).code == "corrupt"


def test_pdf_without_pages_or_structure(target: Path) -> None:
    assert reject(b"%PDF-1.7\n garbage \n%%EOF\n", "a.pdf", target).code == "corrupt"


def test_password_protected_pdf(target: Path) -> None:
    assert reject(make_pdf(password="secret"), "a.pdf", target).code == "encrypted"


@pytest.mark.parametrize(
    ("name", "build"), [("a.docx", make_docx), ("a.xlsx", make_xlsx), ("a.odt", make_pptx)]
)
def test_truncated_zip_documents(name: str, build: Callable[[], bytes], target: Path) -> None:
    """An Office document cut in half is damaged, and the message names what it claimed."""
    data = build()
    error = reject(data[: len(data) // 2], name, target)
    assert error.code == "corrupt"
    if name.endswith("docx"):
        assert "Word document (DOCX)" in error.message


def test_zip_member_damaged(target: Path) -> None:
    """A DOCX whose compressed data is altered fails its CRC check."""
    data = bytearray(make_docx())
    position = data.index(b"word/document.xml") + len(b"word/document.xml") + 10
    data[position] ^= 0xFF
    assert reject(bytes(data), "a.docx", target).code == "corrupt"


def test_plain_zip_named_docx(target: Path) -> None:
    data = make_zip({"readme.txt": b"hello"})
    assert reject(data, "a.docx", target).code == "type_not_allowed"


def test_docx_with_macros(target: Path) -> None:
    """A macro-enabled document renamed .docx is refused."""
    with zipfile.ZipFile(io.BytesIO(make_docx())) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0"
    assert reject(make_zip(members), "a.docx", target).code == "macros"


def test_exe_renamed_pdf(target: Path) -> None:
    """A Windows program named .pdf is refused, and the message says what it is."""
    error = reject(EXE, "invoice.pdf", target, declared_type="application/pdf")
    assert error.code == "type_not_allowed"
    assert "Windows Executable" in error.message


def test_docx_renamed_pdf(target: Path) -> None:
    error = reject(make_docx(), "letter.pdf", target)
    assert error.code == "type_mismatch"
    assert "Word document" in error.message and "letter.pdf" in error.message


def test_text_renamed_pdf(target: Path) -> None:
    assert reject(TEXT, "letter.pdf", target).code == "type_mismatch"


def test_declared_type_mismatch(target: Path) -> None:
    """A PDF the browser declared as an image is refused."""
    error = reject(make_pdf(), "a.pdf", target, declared_type="image/png")
    assert error.code == "type_mismatch"
    assert "image/png" in error.message


@pytest.mark.parametrize("name", ["program.exe", "page.html", "archive.zip", "no_extension"])
def test_extension_not_allowed(name: str, target: Path) -> None:
    assert reject(make_pdf(), name, target).code == "type_not_allowed"


def test_checksum_mismatch(target: Path) -> None:
    data = make_pdf()
    error = reject(data, "a.pdf", target, expected_sha256=sha(data + b"x"))
    assert error.code == "checksum_mismatch"


def test_checksum_accepted_in_upper_case(target: Path) -> None:
    data = make_pdf()
    assert store(data, "a.pdf", target, expected_sha256=sha(data).upper()).sha256 == sha(data)


def test_checksum_invalid(target: Path) -> None:
    assert reject(make_pdf(), "a.pdf", target, expected_sha256="abc").code == "checksum_invalid"


def test_expected_size_mismatch(target: Path) -> None:
    """Fewer bytes than announced is a cut-off upload; more is the wrong file."""
    data = make_pdf()
    assert reject(data, "a.pdf", target, expected_size=len(data) + 1).code == "truncated"
    assert reject(data, "a.pdf", target, expected_size=len(data) - 1).code == "size_mismatch"


@pytest.mark.parametrize(
    "data",
    [
        "Pièces à conviction\n".encode("latin-1"),
        "Pièces\n".encode("utf-16"),
        b"abc\x00def\n",
        "coupé".encode()[:-1],  # cut inside a character
    ],
)
def test_text_not_utf8(data: bytes, target: Path) -> None:
    assert reject(data, "notes.txt", target).code == "not_utf8"


def test_text_named_eml_is_not_a_message(target: Path) -> None:
    assert reject(TEXT, "m.eml", target).code == "type_mismatch"


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("a.png", make_png),
        ("a.jpg", make_jpeg),
        ("a.tif", make_tiff),
        ("a.doc", make_doc),
        ("a.rtf", lambda: RTF_TEXT),
    ],
)
def test_truncated_images_and_legacy_documents(
    name: str, build: Callable[[], bytes], target: Path
) -> None:
    """Cut-off PNG, JPEG, TIFF, DOC and RTF files are refused as damaged."""
    data = build()
    assert reject(data[: len(data) - 3], name, target).code == "corrupt"
    assert reject(data[: len(data) // 2], name, target).code == "corrupt"


def test_png_crc_damage(target: Path) -> None:
    data = bytearray(make_png())
    data[data.index(b"IDAT") + 6] ^= 0x01
    assert reject(bytes(data), "a.png", target).code == "corrupt"


def test_legacy_office_refusals(target: Path) -> None:
    """Encrypted or macro-carrying .doc, encrypted OOXML and other OLE files are refused."""
    assert reject(make_doc(encrypted=True), "a.doc", target).code == "encrypted"
    assert reject(make_doc(macros=True), "a.doc", target).code == "macros"
    encrypted_docx = make_cfb(
        {"EncryptionInfo": b"\x00" * 4096, "EncryptedPackage": b"\x01" * 4096}
    )
    assert reject(encrypted_docx, "a.docx", target).code == "encrypted"
    ppt = make_cfb({"PowerPoint Document": b"\x00" * 4096})
    assert reject(ppt, "a.doc", target).code == "type_not_allowed"


def test_password_protected_odt(target: Path) -> None:
    data = make_zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": b"\x8a\x01encrypted",
            "META-INF/manifest.xml": b"<manifest:encryption-data manifest:checksum-type='x'/>",
        },
        first="mimetype",
    )
    assert reject(data, "a.odt", target).code == "encrypted"


def test_doc_renamed_xls(target: Path) -> None:
    assert reject(make_doc(), "a.xls", target).code == "type_mismatch"


def test_source_error_leaves_nothing(target: Path) -> None:
    """An upload broken off mid-stream (the client went away) leaves no temporary file."""

    class Broken(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            if getattr(self, "sent", False):
                raise OSError("connection reset")
            self.sent = True
            return b"%PDF-1.7\n"

    with pytest.raises(OSError, match="connection reset"):
        uploads.store_upload(Broken(), directory=target, original_name="a.pdf")
    assert os.listdir(target) == []


# -- Paths -------------------------------------------------------------------------------------


def test_directory_outside_media_root(media: Path, tmp_path: Path) -> None:
    """Directories that lead outside MEDIA_ROOT are refused, symbolic links included."""
    for directory in ("../outside", "cases/../../outside", tmp_path / "outside", "/etc"):
        with pytest.raises(UnsafePath):
            uploads.store_upload(make_pdf(), directory=directory, original_name="a.pdf")
    (tmp_path / "elsewhere").mkdir()
    media.mkdir(parents=True, exist_ok=True)
    (media / "link").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UnsafePath):
        uploads.store_upload(make_pdf(), directory="link", original_name="a.pdf")
    assert os.listdir(tmp_path / "elsewhere") == []
    assert not (tmp_path / "outside").exists()


@pytest.mark.parametrize("path", ["../secret", "/etc/passwd", "cases/../../x", "", "a\\..\\b"])
def test_stored_paths_outside_media_root(path: str, media: Path) -> None:
    with pytest.raises(UnsafePath):
        uploads.open_stored(path)
    with pytest.raises(UnsafePath):
        uploads.delete_stored(path)
    with pytest.raises(UnsafePath):
        uploads.verify_stored(path, "0" * 64)


def test_delete_open_verify(media: Path, target: Path) -> None:
    """A stored file opens, verifies, fails verification when altered, and deletes quietly."""
    data = make_pdf()
    stored = store(data, "a.pdf", target)
    with uploads.open_stored(stored.relative_path) as file:
        assert file.read() == data
    assert uploads.verify_stored(stored.relative_path, stored.sha256)
    assert uploads.verify_stored(stored.relative_path, stored.sha256.upper())
    path = media / stored.relative_path
    path.write_bytes(data[:-1] + b"X")  # bit rot or tampering
    assert not uploads.verify_stored(stored.relative_path, stored.sha256)
    uploads.delete_stored(stored.relative_path)
    assert not path.exists()
    uploads.delete_stored(stored.relative_path)  # already gone: no error
    assert not uploads.verify_stored(stored.relative_path, stored.sha256)
    with pytest.raises(FileNotFoundError):
        uploads.open_stored(stored.relative_path)


# -- Names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ana\\Desktop\\demande.pdf", "demande.pdf"),
        ("调查请求书.docx", "调查请求书.docx"),
        ("طلب المساعدة القانونية.pdf", "طلب المساعدة القانونية.pdf"),
        ("Запрос.pdf", "Запрос.pdf"),
        ("report\u202efdp.exe", "reportfdp.exe"),  # no right-to-left override trick
        ("a\r\nContent-Type: text.pdf", "a Content-Type_ text.pdf"),
        ('say "hi" <x>|?*.txt', "say _hi_ _x____.txt"),
        ("  .hidden.pdf. ", "hidden.pdf"),
        ("..", "document"),
        ("", "document"),
        ("CON.txt", "_CON.txt"),
        ("tab\there\x07.pdf", "tab here.pdf"),
    ],
)
def test_safe_download_name(original: str, safe: str) -> None:
    assert uploads.safe_download_name(original) == safe


def test_safe_download_name_is_shortened_keeping_extension() -> None:
    name = uploads.safe_download_name("调" * 300 + ".pdf")
    assert len(name) == 200
    assert name.endswith("调.pdf")


def test_original_name_is_sanitised(target: Path) -> None:
    stored = store(make_pdf(), "../../etc/Demande\x00 d’entraide.pdf", target)
    assert stored.original_name == "Demande d’entraide.pdf"


def test_accept_attribute_lists_allowed_extensions() -> None:
    assert ".pdf" in uploads.ACCEPT.split(",")
    assert ".exe" not in uploads.ACCEPT.split(",")
