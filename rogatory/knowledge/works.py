"""One work, several language versions (decision 0035).

A UN document is published under one symbol in six languages; each language version is a
``KnowledgeDocument`` and they share a ``work`` key: the symbol, normalised. A report whose
cover prints two symbols (E/2018/41 and E/ESCWA/30/18/Report) is one work under either. A
corrigendum, revision or addendum (``/Corr.1``, ``/Rev.1``, ``/Add.1``) is a work of its own
whose ``base_work`` is the document it corrects. Citations resolve to works (the version in
the citing document's language when there is one), and "cited by" counts citing works.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import islice

from django.db.models import Q, QuerySet

from .models import DocumentKind, KnowledgeDocument, WorkAlias, symbol_key
from .untext import standalone_symbols

# Corr., Rev. and Add. close a symbol: "A/76/122/Corr.1", "A/76/L.12/Rev.1",
# "A/76/122/Add.1/Corr.2" (the addendum's corrigendum: its base is the addendum).
AMENDMENT = re.compile(r"^(?P<base>.+?)/(?:Corr|Rev|Add|Amend)\.\s?\d+$", re.IGNORECASE)
# How far down a text the cover's symbols are looked for (non-empty lines).
COVER_LINES = 15


def work_key(symbol: str) -> str:
    """The key of a symbol's work (see ``models.symbol_key``)."""
    return symbol_key(symbol)


def base_work_of(symbol: str) -> str:
    """The work a corrigendum, revision or addendum belongs to ("" for any other symbol)."""
    found = AMENDMENT.match(symbol.strip())
    return work_key(found["base"]) if found else ""


def cover_symbols(text: str) -> list[str]:
    """The symbols printed alone on a line at the top of a text (a report's cover prints
    its ECOSOC and its commission's symbols), as the UN writes them, in order, once."""
    lines = (line.replace("**", "") for line in text.splitlines() if line.strip())
    found: dict[str, str] = {}
    for symbol in standalone_symbols(list(islice(lines, COVER_LINES))):
        found.setdefault(work_key(symbol), symbol)
    return list(found.values())


def assign_work(document: KnowledgeDocument, also: Sequence[str] = ()) -> None:
    """Set ``work``, ``also_symbols`` and ``base_work`` (not saved). A document with two
    symbols joins the work already stored under either of them."""
    document.also_symbols = [s for s in also if work_key(s) != work_key(document.symbol)]
    document.work = document.own_work()
    un_document = document.kind == DocumentKind.UN_DOCUMENT
    document.base_work = base_work_of(document.symbol) if un_document else ""
    if not document.also_symbols:
        aliases = documents_for_keys([document.work]).exclude(pk=document.pk)
        joined = aliases.exclude(work=document.work).values_list("work", flat=True).first()
        if joined:  # stored under its other symbol first (E/ESCWA/30/18/Report, then E/2018/41)
            document.work = joined
        return
    keys = [document.work, *(work_key(s) for s in document.also_symbols)]
    existing = documents_for_keys(keys).exclude(pk=document.pk).values_list("work", flat=True)
    document.work = next(iter(existing), document.work)


def documents_for_keys(keys: Iterable[str]) -> QuerySet[KnowledgeDocument]:
    """The documents whose work, or one of whose other symbols, has one of these keys."""
    wanted = sorted(set(keys))
    if not wanted:
        return KnowledgeDocument.objects.none()
    # One query over two indexes: the work, and the other symbols' keys (WorkAlias).
    aliased = WorkAlias.objects.filter(key__in=wanted).values("document_id")
    return KnowledgeDocument.objects.filter(Q(work__in=wanted) | Q(pk__in=aliased))


def keys_of(document: KnowledgeDocument) -> list[str]:
    """Every work key a citation may name this document's work by."""
    keys = [document.work]
    if document.symbol:
        keys.append(work_key(document.symbol))
    keys += [work_key(s) for s in document.also_symbols or ()]
    return sorted(set(keys))


def versions(document: KnowledgeDocument) -> QuerySet[KnowledgeDocument]:
    """The language versions of a document's work, itself included, by language."""
    return KnowledgeDocument.objects.filter(work=document.work).order_by("language", "pk")


def reader_language(code: str | None) -> str:
    """A UI language code as a UN document language ("zh-hans" -> "zh")."""
    return (code or "en").split("-")[0].lower()


def pick_version(candidates: Sequence[KnowledgeDocument], language: str) -> KnowledgeDocument:
    """The version in the reader's language when there is one, else the first."""
    return next((d for d in candidates if d.language == language), candidates[0])
