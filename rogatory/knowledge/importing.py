"""Bulk import of a folder or an archive (.zip, .tar.gz) into the knowledge base.

``.pdf`` and ``.docx`` files are UN documents as published (their layout read by ``layout``),
``.txt`` files UN plain text (untext), ``.xml`` files Akoma Ntoso (UN documents, acts,
judgments), ``.csv`` files provisions of legislation (provisions_csv). Each document is
imported in its own transaction: a bad file (or a bad act in a CSV) is skipped with its reason
and nothing already imported is lost. Files already imported (same SHA-256) are skipped without
parsing, and acts already stored with the same content change nothing, so an interrupted
import is resumed by running it again.

A UN document is stored once per work and language (decision 0040): a file of a work and
language already stored replaces that version. Within one import a richer source wins: the
``.txt`` beside a ``.pdf`` or ``.docx`` of the same name (its pdftotext extraction) is left
out, and the report says so. Each UN document's quality report is kept in the import report.
"""

from __future__ import annotations

import csv
import io
import logging
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _

from rogatory.lib.archives import ArchiveLimits, ArchiveRefused, Deadline, check_zip

from .actions import (
    RICHER,
    ImportMetadata,
    KnowledgeImportError,
    defer_indexing,
    do_import_akn,
    do_import_published,
    do_import_text,
    do_save_act,
    sha256,
)
from .akn import MAX_BYTES
from .indexing import drain_outbox
from .models import DocumentKind, KnowledgeDocument
from .provisions_csv import CsvError, read_provisions
from .quality import QualityView, ordered, view

if TYPE_CHECKING:
    from rogatory.accounts.models import User

logger = logging.getLogger(__name__)

SUFFIXES = (".txt", ".xml", ".csv", ".pdf", ".docx")
# Beside the files: what they do not say themselves (file, symbol, title, date, language).
MANIFEST = "manifest.csv"
MAX_FILES = 100_000
# What the import page takes in one archive (the command line, run by an operator on files of
# their own, is not bounded). UN documents, acts and provisions CSV compress 3 to 6 times;
# the probe's 760 KB archive of 40 files of 19 MB inflated 1,000 times (decision 0022).
UPLOAD_LIMITS = ArchiveLimits(
    max_members=5_000,
    max_inflated=256 * 1024 * 1024,
    max_ratio=20,
    ratio_floor=16 * 1024 * 1024,
)


class SourceError(ValueError):
    """The path is neither a folder nor a readable archive."""


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    # A plain text left out for the PDF or Word file of the same name in the same import:
    # (the .txt, the richer file imported instead).
    superseded: list[tuple[str, str]] = field(default_factory=list)
    # A UN document that replaced the stored version of its work and language imported from
    # another file (one version per work and language, decision 0040): (file, that file).
    replaced_versions: list[tuple[str, str]] = field(default_factory=list)
    # The quality report (quality.assess) of each UN document imported or replaced, by file.
    quality: dict[str, dict[str, Any]] = field(default_factory=dict)
    indexed: int = 0

    def quality_views(self) -> list[QualityView]:
        """The quality reports in words (the active language), doubtful documents first."""
        return ordered(view(name, found) for name, found in self.quality.items())

    @property
    def total(self) -> int:
        return len(self.created) + len(self.replaced) + len(self.unchanged) + len(self.skipped)


@dataclass(frozen=True)
class SourceFile:
    name: str
    read: Callable[[], bytes]
    size: int


def _limited(read: Callable[[], bytes]) -> bytes:
    data = read()
    if len(data) > MAX_BYTES:
        raise KnowledgeImportError(f"Larger than {MAX_BYTES // (1024 * 1024)} MB.")
    return data


def iter_source(path: Path) -> Iterator[SourceFile]:
    """The files of a folder (recursively) or an archive, sorted by name."""
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            yield SourceFile(str(file.relative_to(path)), file.read_bytes, file.stat().st_size)
        return
    name = path.name.lower()
    if name.endswith(".zip"):
        try:
            archive = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile) as exc:
            raise SourceError(f"{path}: not a readable zip archive ({exc}).") from None
        with archive:
            infos = sorted(
                (i for i in archive.infolist() if not i.is_dir()), key=lambda i: i.filename
            )
            for info in infos[:MAX_FILES]:
                yield SourceFile(
                    info.filename,
                    lambda info=info: archive.read(info),  # type: ignore[misc]
                    info.file_size,
                )
        return
    if name.endswith((".tar.gz", ".tgz", ".tar")):
        try:
            tar = tarfile.open(path)  # noqa: SIM115  (closed by the with below)
        except (OSError, tarfile.TarError) as exc:
            raise SourceError(f"{path}: not a readable tar archive ({exc}).") from None
        with tar:
            members = sorted((m for m in tar.getmembers() if m.isfile()), key=lambda m: m.name)
            for member in members[:MAX_FILES]:

                def read(member: tarfile.TarInfo = member) -> bytes:
                    handle = tar.extractfile(member)
                    if handle is None:
                        raise KnowledgeImportError("Not a regular file.")
                    return handle.read(MAX_BYTES + 1)

                yield SourceFile(member.name, read, member.size)
        return
    if path.is_file() and name.endswith(SUFFIXES):
        yield SourceFile(path.name, path.read_bytes, path.stat().st_size)
        return
    raise SourceError(
        f"{path}: expected a folder, a .zip or .tar.gz archive, or a .pdf, .docx, .txt, .xml "
        "or .csv file."
    )


def import_upload(
    upload: Any,
    name: str,
    *,
    acting_user: User | None,
    metadata: ImportMetadata | None = None,
) -> ImportReport:
    """Import one uploaded file or .zip archive (the import page) within bounds.

    The upload waits in a private temporary folder, removed whatever happens (and swept by
    ``manage.py secure_storage`` after a crash). An archive is refused from its central
    directory when it holds too much (``UPLOAD_LIMITS``); the import stops taking new files
    after ``KNOWLEDGE_IMPORT_SECONDS``, the rest reported as not imported (uploading the
    same file again goes on from there: what is imported is skipped). Raises SourceError.
    """
    with tempfile.TemporaryDirectory(
        prefix="knowledge-", dir=settings.FILE_UPLOAD_TEMP_DIR
    ) as folder:
        path = Path(folder) / name
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        if name.lower().endswith(".zip"):
            try:
                with zipfile.ZipFile(path) as archive:
                    check_zip(archive, path.stat().st_size, UPLOAD_LIMITS)
            except (OSError, zipfile.BadZipFile) as exc:
                raise SourceError(f"{name}: not a readable zip archive ({exc}).") from None
            except ArchiveRefused as refused:
                raise SourceError(refused.message) from None
        deadline = Deadline(settings.KNOWLEDGE_IMPORT_SECONDS)
        return import_path(path, acting_user=acting_user, deadline=deadline, metadata=metadata)


def import_path(
    path: Path,
    *,
    acting_user: User | None = None,
    progress: Callable[[str], None] | None = None,
    drain: bool = True,
    deadline: Deadline | None = None,
    metadata: ImportMetadata | None = None,
) -> ImportReport:
    """Import every file of a known kind under ``path``; then bring the search index in step.

    What a UN document file does not say itself (symbol, title, date, language) comes from
    ``metadata`` when ``path`` is one file, else from a ``manifest.csv`` (columns file,
    symbol, title, date, language) in the folder or archive, naming files relative to it.

    ``drain=False`` leaves the outbox to the caller (inside a transaction that has not
    committed yet, the index must wait for the commit: ``transaction.on_commit``). Once
    ``deadline`` has passed, the files not yet read are reported as skipped.
    """
    report = ImportReport()
    say = progress or (lambda line: None)
    given = _manifests(path, report)
    if metadata and path.is_file():
        given[path.name] = metadata
    # A first pass counts the files (names only) so that progress reads "n/total, percent".
    total = sum(
        1
        for source in iter_source(path)
        if source.name.lower().endswith(SUFFIXES) and not _is_manifest(source.name)
    )
    width = len(str(total))
    richer: dict[str, str] = {}  # stem -> the PDF or Word file imported under it
    with defer_indexing():
        n = 0
        for source in iter_source(path):
            if not source.name.lower().endswith(SUFFIXES) or _is_manifest(source.name):
                continue
            n += 1
            stem = _stem(source.name)
            if source.name.lower().endswith(".txt") and stem in richer:
                report.superseded.append((source.name, richer[stem]))
                say(f"[{n:>{width}}/{total}] {source.name}: left out for {richer[stem]}")
                continue
            if deadline is not None and deadline.expired:
                reason = _(
                    "Not imported: the time for one upload (%(seconds)d seconds) ran out. "
                    "Upload the same file again to go on; what is imported is skipped."
                ) % {"seconds": deadline.seconds}
                report.skipped.append((source.name, reason))
                say(f"[{n:>{width}}/{total}] {source.name}: skipped (time)")
                continue
            outcome = _import_one(source, acting_user, report, given.get(source.name))
            percent = 100 * n // max(total, 1)
            say(f"[{n:>{width}}/{total} {percent:>3}%] {source.name}: {outcome}")
            if not outcome.startswith("skipped") and source.name.lower().endswith(RICHER):
                richer[stem] = source.name  # the latest: it replaced an earlier one
    if not drain:
        return report
    try:
        report.indexed = drain_outbox()
    except Exception as exc:  # the outbox keeps the rows; rebuild_search_index or next import
        logger.exception("Search index not updated")
        say(f"Search index not updated ({exc}); run manage.py rebuild_search_index.")
    return report


def _stem(name: str) -> str:
    """A file's name without its suffix, in its folder: "en/A_RES_73_6-EN" of the PDF and of
    its pdftotext extraction beside it (files are read sorted by name, so ".docx" and ".pdf"
    come before ".txt" of the same stem)."""
    posix = PurePosixPath(name.replace("\\", "/"))
    return str(posix.with_suffix("")).casefold()


def _is_manifest(name: str) -> bool:
    return PurePosixPath(name.replace("\\", "/")).name.lower() == MANIFEST


def _manifests(path: Path, report: ImportReport) -> dict[str, ImportMetadata]:
    """The metadata the manifests under ``path`` give, by file name as ``iter_source``
    names it; a bad manifest row is reported as skipped (its file is then imported without
    it, and refused if it needs it)."""
    given: dict[str, ImportMetadata] = {}
    if path.is_file() and not path.name.lower().endswith((".zip", ".tar.gz", ".tgz", ".tar")):
        beside = path.parent / MANIFEST
        if beside.is_file():
            rows = read_manifest(beside.read_bytes(), "", MANIFEST, report)
            given.update({name: meta for name, meta in rows.items() if name == path.name})
        return given
    for source in iter_source(path):
        if _is_manifest(source.name):
            folder = str(PurePosixPath(source.name.replace("\\", "/")).parent)
            given.update(read_manifest(source.read(), folder, source.name, report))
    return given


def read_manifest(
    data: bytes, folder: str, name: str, report: ImportReport
) -> dict[str, ImportMetadata]:
    """Rows of a manifest.csv (file, symbol, title, date, language; a header line), each
    checked as the import page checks its fields."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report.skipped.append((name, _("Not UTF-8 text (%(reason)s).") % {"reason": exc.reason}))
        return {}
    reader = csv.DictReader(io.StringIO(text))
    if "file" not in (reader.fieldnames or []):
        report.skipped.append(
            (name, _("A manifest needs the columns file, symbol, title, date, language."))
        )
        return {}
    given: dict[str, ImportMetadata] = {}
    for line, row in enumerate(reader, start=2):
        file = (row.get("file") or "").strip()
        if not file:
            continue
        try:
            meta = ImportMetadata.checked(
                symbol=row.get("symbol") or "",
                title=row.get("title") or "",
                date=row.get("date") or "",
                language=row.get("language") or "",
            )
        except KnowledgeImportError as exc:
            report.skipped.append((f"{name}:{line}", str(exc)))
            continue
        key = file if folder in ("", ".") else f"{folder}/{file}"
        given[key] = meta
    return given


def _import_one(
    source: SourceFile,
    acting_user: User | None,
    report: ImportReport,
    metadata: ImportMetadata | None = None,
) -> str:
    try:
        if source.size > MAX_BYTES:
            raise KnowledgeImportError(f"Larger than {MAX_BYTES // (1024 * 1024)} MB.")
        data = _limited(source.read)
        digest = sha256(data)
        if source.name.lower().endswith(".csv"):
            return _import_csv(source.name, data, digest, acting_user, report)
        known = KnowledgeDocument.objects.filter(source_sha256=digest).only("kind", "quality")
        if known:
            report.unchanged.append(source.name)
            if known[0].kind == DocumentKind.UN_DOCUMENT and known[0].quality:
                report.quality[source.name] = known[0].quality
            return "already imported"
        if not data.strip():
            raise KnowledgeImportError("The file is empty.")
        if source.name.lower().endswith(".xml"):
            document, created = do_import_akn(
                data, source_name=source.name, acting_user=acting_user
            )
        elif source.name.lower().endswith((".pdf", ".docx")):
            document, created = do_import_published(
                data, source_name=source.name, acting_user=acting_user, metadata=metadata
            )
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise KnowledgeImportError(
                    _("Not UTF-8 text (%(reason)s).") % {"reason": exc.reason}
                ) from None
            document, created = do_import_text(
                text,
                source_name=source.name,
                acting_user=acting_user,
                source_sha256=digest,
                metadata=metadata,
            )
    except KnowledgeImportError as exc:
        report.skipped.append((source.name, str(exc)))
        return f"skipped: {exc}"
    except Exception as exc:  # one bad file must not stop the others
        logger.exception("Import of %s failed", source.name)
        reason = f"unexpected error: {type(exc).__name__}: {exc}"
        report.skipped.append((source.name, reason))
        return f"skipped: {reason}"
    label = document.symbol or document.title[:60]
    if document.kind == DocumentKind.UN_DOCUMENT and document.quality:
        report.quality[source.name] = document.quality
    if created is None:
        report.unchanged.append(source.name)
        return f"unchanged {label}"
    if created:
        report.created.append(source.name)
        return f"imported {label}"
    if document.source_sha256 == digest:
        report.replaced.append(source.name)
        previous = (document.quality or {}).get("replaced") or {}
        if previous.get("source"):
            report.replaced_versions.append((source.name, str(previous["source"])))
            return f"replaced {label} (the version imported from {previous['source']})"
        return f"replaced {label}"
    report.unchanged.append(source.name)
    return f"unchanged {label}"


def _import_csv(
    name: str, data: bytes, digest: str, acting_user: User | None, report: ImportReport
) -> str:
    """Each act of a provisions CSV in its own transaction; bad acts reported, not fatal."""
    try:
        acts = read_provisions(data)
    except CsvError as exc:
        raise KnowledgeImportError(str(exc)) from None
    counts = {"imported": 0, "replaced": 0, "unchanged": 0, "skipped": 0}
    for item in acts:
        entry = f"{name} › {item.label}"
        if item.act is None:
            report.skipped.append((entry, "; ".join(item.errors)))
            counts["skipped"] += 1
            continue
        try:
            _document, created = do_save_act(
                item.act, source_name=name, acting_user=acting_user, source_sha256=digest
            )
        except KnowledgeImportError as exc:
            report.skipped.append((entry, str(exc)))
            counts["skipped"] += 1
            continue
        outcome = {None: "unchanged", True: "imported", False: "replaced"}[created]
        {"imported": report.created, "replaced": report.replaced, "unchanged": report.unchanged}[
            outcome
        ].append(entry)
        counts[outcome] += 1
    return ", ".join(f"{count} acts {outcome}" for outcome, count in counts.items() if count)
