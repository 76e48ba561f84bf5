"""Writes to the knowledge base: atomic, audited, each with its search-outbox row.

``do_import_text`` (UN plain text) and ``do_import_akn`` (Akoma Ntoso XML) store a document,
its citations and the links between documents, in both directions. Importing the same
document again changes nothing; a document with the same symbol and language but another
content replaces the stored one. After the commit the outbox is drained into the search index
(``transaction.on_commit``), so an import is searchable within seconds; if that fails, the
next drain heals it.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.db import transaction

from rogatory.audit.actions import record

from .akn import AknError, from_akn, to_akn, work_iri
from .models import Citation, DocumentKind, KnowledgeDocument, SearchOutbox
from .untext import UnDocument, parse

if TYPE_CHECKING:
    from rogatory.accounts.models import User

logger = logging.getLogger(__name__)

# Citation kinds that can point at a document in the base (dates cannot).
LINKABLE = ("resolution", "decision", "document_symbol")


class KnowledgeImportError(ValueError):
    """The input is not a document we can import; the message says why."""


_deferred = threading.local()


@contextmanager
def defer_indexing() -> Iterator[None]:
    """Leave the outbox rows for the caller to drain (bulk imports drain once at the end)."""
    before = getattr(_deferred, "active", False)
    _deferred.active = True
    try:
        yield
    finally:
        _deferred.active = before


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def plain_text(doc: UnDocument) -> str:
    """The document's text in reading order, footnotes included (for AKN imports)."""
    lines: list[str] = list(doc.header)
    for value in (doc.symbol, doc.session, doc.agenda_title, doc.title, doc.adoption):
        if value:
            lines.append(value)
    for paragraph in (*doc.front, *doc.preamble, *doc.operative):
        lines.append(f"{paragraph.number} {paragraph.text}" if paragraph.number else paragraph.text)
    for annex in doc.annexes:
        lines.extend(part for part in (annex.heading, annex.title) if part)
        for paragraph in annex.paragraphs:
            lines.append(
                f"{paragraph.number} {paragraph.text}" if paragraph.number else paragraph.text
            )
    lines.extend(doc.closing)
    lines.extend(f"{note.marker} {note.text}" for note in doc.footnotes())
    return "\n".join(lines)


def do_import_text(
    text: str,
    *,
    source_name: str,
    acting_user: User | None = None,
    source_sha256: str | None = None,
) -> tuple[KnowledgeDocument, bool]:
    """Import a UN document given as plain text. Returns (document, created).

    ``source_sha256`` is the hash of the file the text came from (by default of the text), by
    which a bulk import recognises files it has already imported.
    """
    if not text.strip():
        raise KnowledgeImportError("The text is empty.")
    try:
        parsed = parse(text)
    except ValueError as exc:
        raise KnowledgeImportError(f"Cannot read this text as a UN document: {exc}") from None
    if not parsed.symbol and not parsed.title:
        raise KnowledgeImportError("No document symbol or title found: not a UN document?")
    return _store(
        parsed,
        body_text=text,
        source_sha256=source_sha256 or sha256(text.encode()),
        source_name=source_name,
        acting_user=acting_user,
    )


def do_import_akn(
    data: bytes, *, source_name: str, acting_user: User | None = None
) -> tuple[KnowledgeDocument, bool]:
    """Import a document given as Akoma Ntoso XML (as written by akn.to_akn)."""
    try:
        parsed = from_akn(data)
    except AknError as exc:
        raise KnowledgeImportError(str(exc)) from None
    return _store(
        parsed,
        body_text=plain_text(parsed),
        source_sha256=sha256(data),
        source_name=source_name,
        acting_user=acting_user,
    )


@transaction.atomic
def _store(
    parsed: UnDocument,
    *,
    body_text: str,
    source_sha256: str,
    source_name: str,
    acting_user: User | None,
) -> tuple[KnowledgeDocument, bool]:
    try:
        akn = to_akn(parsed)
    except AknError as exc:
        raise KnowledgeImportError(str(exc)) from None
    content = sha256(akn)
    symbol = (parsed.symbol or "").strip()
    language = parsed.language
    same = KnowledgeDocument.objects.filter(
        symbol=symbol, language=language, content_sha256=content
    ).first()
    if same is not None:
        return same, False
    existing = None
    if symbol:
        existing = (
            KnowledgeDocument.objects.select_for_update()
            .filter(symbol=symbol, language=language)
            .first()
        )
    document = existing or KnowledgeDocument(kind=DocumentKind.UN_DOCUMENT)
    document.symbol = symbol
    document.language = language
    document.title = parsed.title or ""
    document.date = parsed.date
    document.body_text = body_text
    document.akn = akn.decode()
    document.work_iri = work_iri(parsed)
    document.content_sha256 = content
    document.source_sha256 = source_sha256
    document.source_name = source_name[:300]
    document.save()
    created = existing is None
    if not created:
        document.citations.all().delete()
    citations = [
        Citation(
            source=document,
            position=n,
            kind=cit.kind,
            text=cit.text,
            target=cit.target[:200],
        )
        for n, cit in enumerate(parsed.citations())
    ]
    Citation.objects.bulk_create(citations)
    resolved = _resolve(document)
    SearchOutbox.objects.create(document_id=document.pk, op=SearchOutbox.Op.UPSERT)
    record(
        "knowledge.imported",
        acting_user=acting_user,
        authority_id=None,
        object_type="knowledge_document",
        object_ref=str(document.public_id),
        details={
            "symbol": symbol,
            "language": language,
            "source": source_name[:300],
            "sha256": content,
            "replaced": not created,
            "citations": len(citations),
            "links": resolved,
        },
    )
    if not getattr(_deferred, "active", False):
        transaction.on_commit(drain_after_commit)
    return document, created


def _resolve(document: KnowledgeDocument) -> int:
    """Link citations to documents in the base, both ways. Returns the number of new links."""
    outgoing = Citation.objects.filter(source=document, kind__in=LINKABLE)
    targets = set(outgoing.values_list("target", flat=True))
    by_symbol = dict(
        KnowledgeDocument.objects.filter(symbol__in=targets)
        .order_by("symbol", "language")
        .exclude(pk=document.pk)
        .values_list("symbol", "pk")
    )
    # Prefer the document in the same language when several share the symbol.
    same_language = dict(
        KnowledgeDocument.objects.filter(symbol__in=targets, language=document.language)
        .exclude(pk=document.pk)
        .values_list("symbol", "pk")
    )
    by_symbol.update(same_language)
    links = 0
    for target, pk in by_symbol.items():
        links += outgoing.filter(target=target).update(resolved_id=pk)
    if document.symbol:
        incoming = Citation.objects.filter(
            target=document.symbol, kind__in=LINKABLE, resolved__isnull=True
        ).exclude(source=document)
        links += incoming.filter(source__language=document.language).update(resolved_id=document.pk)
        links += incoming.update(resolved_id=document.pk)
    return links


def drain_after_commit() -> None:
    """Drain the outbox into the index; on failure log it (the rows stay for the next drain)."""
    from .indexing import drain_outbox

    try:
        drain_outbox()
    except Exception:  # the outbox keeps the rows: the next drain heals the index
        logger.exception("Search index not updated; the next drain will retry")
