"""Keep the search index in step with the database through the outbox (decision 0015).

``drain_outbox`` applies pending ``SearchOutbox`` rows to the index and deletes them only after
the index has committed, so a crash between the database write and the index write is healed
by the next drain. ``rebuild_index`` streams every document into a fresh index.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

from django.db import transaction

from .models import DocumentKind, KnowledgeDocument, SearchOutbox
from .search import IndexDoc, SearchBackend, TantivyBackend, default_index_path
from .untext import clean_text

_backends: dict[Path, TantivyBackend] = {}
_lock = threading.Lock()


def get_backend() -> TantivyBackend:
    """The process's backend for the index under DATA_DIR (one object per directory)."""
    path = default_index_path()
    with _lock:
        backend = _backends.get(path)
        if backend is None:
            backend = _backends[path] = TantivyBackend(path)
            outside_outbox = KnowledgeDocument.objects.exclude(
                pk__in=SearchOutbox.objects.values("document_id")
            )
            if backend.created and outside_outbox.exists():
                # A new index (first start after a schema change, or a deleted directory)
                # beside documents that no outbox row will bring to it: fill it.
                rebuild_index(backend)
        return backend


def index_doc(document: KnowledgeDocument) -> IndexDoc:
    return IndexDoc(
        id=document.pk,
        text=clean_text(document.body_text)
        if document.kind == DocumentKind.UN_DOCUMENT
        else document.body_text,
        title=document.title,
        symbol=document.symbol,
        kind=document.kind,
        language=document.language,
        state=document.state_id or "",
        year=str(document.date.year) if document.date else "",
        iccs=tuple(sorted({code[:2] for code in document.iccs_codes})),
        instruments=tuple(
            sorted(
                {ref.split(":")[0] for ref in document.implements}
                | ({document.instrument.code} if document.instrument else set())
            )
        ),
        day=int(document.date.strftime("%Y%m%d")) if document.date else 0,
        work=document.work,
    )


def drain_outbox(backend: SearchBackend | None = None, *, batch: int = 500) -> int:
    """Apply the pending outbox rows to the index; returns the number of rows applied."""
    backend = backend if backend is not None else get_backend()
    applied = 0
    while True:
        rows = list(SearchOutbox.objects.order_by("id")[:batch])
        if not rows:
            return applied
        last_op: dict[int, str] = {}
        for row in rows:
            last_op[row.document_id] = row.op
        wanted = [pk for pk, op in last_op.items() if op == SearchOutbox.Op.UPSERT]
        documents = {
            d.pk: d
            for d in KnowledgeDocument.objects.select_related("instrument").filter(pk__in=wanted)
        }
        gone = [pk for pk in last_op if pk not in documents]
        if documents:
            backend.upsert(index_doc(d) for d in documents.values())
        if gone:
            backend.delete(gone)
        with transaction.atomic():
            SearchOutbox.objects.filter(pk__in=[row.pk for row in rows]).delete()
        applied += len(rows)


def _all_documents() -> Iterator[IndexDoc]:
    documents = KnowledgeDocument.objects.select_related("instrument").order_by("pk")
    for document in documents.iterator(chunk_size=500):
        yield index_doc(document)


def rebuild_index(backend: SearchBackend | None = None) -> int:
    """Replace the whole index by the documents in the database; returns their number."""
    backend = backend if backend is not None else get_backend()
    pending = list(SearchOutbox.objects.values_list("pk", flat=True))
    count = backend.rebuild(_all_documents())
    SearchOutbox.objects.filter(pk__in=pending).delete()
    return count
