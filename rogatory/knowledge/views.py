"""Public pages of the knowledge base: search, one document, its Akoma Ntoso XML."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .akn import AknError, from_akn
from .indexing import get_backend
from .models import Citation, DocumentKind, KnowledgeDocument
from .search import parse_query

PER_PAGE = 10
LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")


@dataclass(frozen=True)
class Result:
    document: KnowledgeDocument
    snippet: str  # escaped HTML with <mark>


@dataclass(frozen=True)
class SearchAnswer:
    results: list[Result]
    total: int
    page: int


def search_documents(
    query: str, *, kind: str | None, language: str | None, page: int, per_page: int = PER_PAGE
) -> SearchAnswer:
    """Run a query on the index; the documents found, in rank order, with their snippets."""
    page = max(1, page)
    backend = get_backend()
    found = backend.search(
        query,
        kind=kind or None,
        language=language or None,
        limit=per_page,
        offset=(page - 1) * per_page,
    )
    documents = KnowledgeDocument.objects.in_bulk([hit.id for hit in found.hits])
    results = [
        Result(document=documents[hit.id], snippet=hit.snippet)
        for hit in found.hits
        if hit.id in documents
    ]
    return SearchAnswer(results=results, total=found.total, page=page)


def facet_counts(query: str, *, kind: str | None, language: str | None) -> dict[str, int]:
    """How many documents each type filter and each language filter would give ("type:…",
    "lang:…"), each counted with the other filter applied: one counting query per value."""
    backend = get_backend()
    parsed = parse_query(query)
    searcher = backend.index.searcher()
    counts: dict[str, int] = {}
    facets: list[tuple[str, str, str | None, str | None]] = [
        ("type", value, value, language or None) for value in DocumentKind.values
    ]
    facets += [("lang", value, kind or None, value) for value in LANGUAGES]
    for name, value, kind_filter, language_filter in facets:
        built = backend.build_query(parsed, kind=kind_filter, language=language_filter)
        if built is None:
            return {}
        result = searcher.search(built, limit=1, count=True)
        counts[f"{name}:{value}"] = int(result.count or 0)  # type: ignore[attr-defined]
    return counts


def _int(value: str | None, default: int = 1) -> int:
    try:
        return max(1, int(value or default))
    except ValueError:
        return default


def knowledge_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("type", "")
    kind = kind if kind in DocumentKind.values else ""
    language = request.GET.get("lang", "")
    language = language if language in LANGUAGES else ""
    page_number = _int(request.GET.get("page"))
    context: dict[str, object] = {
        "query": query,
        "filters": {"q": query, "type": kind, "lang": language},
    }
    counts: dict[str, int] = {}
    if query:
        answer = search_documents(query, kind=kind, language=language, page=page_number)
        counts = facet_counts(query, kind=kind, language=language)
        # A paginator over the total, for the page links (the index pages the hits itself).
        paginator = Paginator(range(answer.total), PER_PAGE)
        context |= {
            "answer": answer,
            "page": paginator.get_page(page_number) if answer.total else None,
        }
    context["kinds"] = [
        (value, label, counts.get(f"type:{value}")) for value, label in DocumentKind.choices
    ]
    context["languages"] = [(code, counts.get(f"lang:{code}")) for code in LANGUAGES]
    return render(request, "knowledge/search.html", context)


@dataclass(frozen=True)
class BodyParagraph:
    number: str | None
    text: str


def _paragraphs(document: KnowledgeDocument) -> list[BodyParagraph]:
    try:
        parsed = from_akn(document.akn.encode())
    except AknError:
        return [BodyParagraph(None, line) for line in document.body_text.splitlines() if line]
    paragraphs = [*parsed.front, *parsed.preamble, *parsed.operative]
    for annex in parsed.annexes:
        paragraphs.extend(annex.paragraphs)
    return [BodyParagraph(p.number, p.text) for p in paragraphs]


def document_links(document: KnowledgeDocument) -> tuple[list[Citation], list[KnowledgeDocument]]:
    """The document's citations (with their resolved documents) and the documents citing it."""
    cites = list(document.citations.select_related("resolved"))
    cited_by = list(
        KnowledgeDocument.objects.filter(citations__resolved=document)
        .distinct()
        .order_by("-date", "symbol")
    )
    return cites, cited_by


def knowledge_document(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    document = get_object_or_404(KnowledgeDocument, public_id=public_id)
    cites, cited_by = document_links(document)
    return render(
        request,
        "knowledge/document.html",
        {
            "document": document,
            "paragraphs": _paragraphs(document),
            "cites": cites,
            "cited_by": cited_by,
        },
    )


def knowledge_document_akn(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    document = get_object_or_404(KnowledgeDocument, public_id=public_id)
    response = HttpResponse(document.akn.encode(), content_type="application/akn+xml")
    name = re.sub(r"[^A-Za-z0-9.-]+", "_", document.symbol) or str(document.public_id)
    response["Content-Disposition"] = f'attachment; filename="{name}.akn.xml"'
    return response


__all__ = ["knowledge_document", "knowledge_document_akn", "knowledge_search"]
