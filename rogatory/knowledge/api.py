"""``/api/v1/knowledge/…``: search the knowledge base and read its documents (public)."""

from __future__ import annotations

import datetime
import uuid
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from .models import KnowledgeDocument
from .services import (
    CITED_BY_PER_PAGE,
    PER_PAGE,
    citing_documents,
    document_links,
    read_filters,
    search_documents,
)
from .works import reader_language

router = Router(tags=["knowledge"])

Kind = Literal["un_document", "legislation", "case_law", "treaty"]
Language = Literal["ar", "zh", "en", "fr", "ru", "es"]


class SearchQuery(Schema):
    q: str = Field("", description="Words, a phrase in quotes or a document symbol")
    lang: Language | None = Field(None, description="Language of the documents")
    type: Kind | None = Field(None, description="Kind of document")
    state: str | None = Field(None, pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2")
    year: int | None = Field(None, ge=1000, le=9999, description="Year of the document")
    iccs: str | None = Field(None, pattern=r"^(0[1-9]|1[01])$", description="ICCS section")
    instrument: str | None = Field(
        None, pattern=r"^[a-z0-9-]{1,60}$", description="Treaty code, e.g. untoc, uncac"
    )
    page: int = Field(1, ge=1, le=1000, description="Page number, from 1")


class SearchItem(Schema):
    id: uuid.UUID
    title: str
    symbol: str
    kind: str
    language: str
    date: datetime.date | None
    snippet: str = Field(description="HTML: the text escaped, matches in <mark>")


class FacetValueOut(Schema):
    value: str
    label: str
    count: int


class SearchOut(Schema):
    items: list[SearchItem]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[FacetValueOut]] = Field(
        description="Per filter (type, lang, state, year, iccs, instrument): its values and how "
        "many documents each gives, counted with the other filters applied"
    )


class CitationOut(Schema):
    kind: str
    text: str
    target: str
    resolved: uuid.UUID | None = Field(description="The cited document, when in the base")


class DocumentRef(Schema):
    id: uuid.UUID
    symbol: str
    title: str


class ProvisionOut(Schema):
    eid: str = Field(description="Akoma Ntoso eId within the act")
    number: str
    heading: str
    text: str
    iccs: list[str] = Field(description="ICCS codes of the conduct it criminalises")
    implements: list[str] = Field(description="Convention articles, e.g. untoc:6")


class DocumentOut(Schema):
    id: uuid.UUID
    title: str
    symbol: str
    date: datetime.date | None
    language: str
    kind: str
    state: str | None = Field(description="ISO 3166-1 alpha-2 (legislation, case law)")
    number: str = Field(description="Official number of an act, case number of a decision")
    court: str
    parties: str
    summary: str
    facts: str
    decision: str
    tags: list[str]
    iccs: list[str]
    implements: list[str]
    instrument: str | None = Field(description="Treaty record code (treaties)")
    source_url: str
    provisions: list[ProvisionOut]
    citations: list[CitationOut]
    cited_by: list[DocumentRef] = Field(
        description="The newest documents citing this one (at most 50; all of them: "
        "/api/v1/knowledge/documents/{id}/cited-by)"
    )
    cited_by_total: int = Field(description="How many documents cite this one")


class DocumentQuery(Schema):
    format: Literal["json", "akn"] = Field("json", description="akn: the Akoma Ntoso 3.0 XML")


@router.get("/knowledge/search", response=SearchOut, summary="Search the knowledge base")
def knowledge_search(request: HttpRequest, query: Query[SearchQuery]) -> SearchOut:
    """Documents ranked by relevance, with a highlighted snippet and facet counts. An empty
    query with filters lists the documents they select; with neither, it finds none."""
    filters = read_filters(
        {
            name: str(value)
            for name in ("type", "lang", "state", "year", "iccs", "instrument")
            if (value := getattr(query, name)) is not None
        }
    )
    if not query.q.strip() and not filters:
        return SearchOut(items=[], total=0, page=query.page, per_page=PER_PAGE, facets={})
    answer = search_documents(
        query.q,
        filters=filters,
        page=query.page,
        language=reader_language(request.LANGUAGE_CODE),
    )
    items = [
        SearchItem(
            id=r.document.public_id,
            title=r.document.title,
            symbol=r.document.symbol,
            kind=r.document.kind,
            language=r.document.language,
            date=r.document.date,
            snippet=r.snippet,
        )
        for r in answer.results
    ]
    facets = {
        facet.name: [
            FacetValueOut(value=v.value, label=v.label, count=v.count) for v in facet.values
        ]
        for facet in answer.facets
    }
    return SearchOut(
        items=items, total=answer.total, page=answer.page, per_page=PER_PAGE, facets=facets
    )


@router.get(
    "/knowledge/documents/{public_id}",
    response=DocumentOut,
    summary="One document of the knowledge base",
)
def knowledge_document(
    request: HttpRequest, public_id: uuid.UUID, query: Query[DocumentQuery]
) -> DocumentOut | HttpResponse:
    """The document's metadata and links; ``?format=akn`` returns its Akoma Ntoso XML."""
    document = get_object_or_404(
        KnowledgeDocument.objects.select_related("instrument"), public_id=public_id
    )
    if query.format == "akn":
        return HttpResponse(document.akn.encode(), content_type="application/akn+xml")
    cites, cited_by, cited_by_total = document_links(
        document, reader_language(request.LANGUAGE_CODE)
    )
    return DocumentOut(
        id=document.public_id,
        title=document.title,
        symbol=document.symbol,
        date=document.date,
        language=document.language,
        kind=document.kind,
        state=document.state_id,
        number=document.number,
        court=document.court,
        parties=document.parties,
        summary=document.summary,
        facts=document.facts,
        decision=document.decision,
        tags=document.tags,
        iccs=document.iccs_codes,
        implements=document.implements,
        instrument=document.instrument.code if document.instrument else None,
        source_url=document.source_url,
        provisions=[
            ProvisionOut(
                eid=p.eid,
                number=p.number,
                heading=p.heading,
                text=p.text,
                iccs=p.iccs_codes,
                implements=p.implements,
            )
            for p in document.provisions.all()
        ],
        citations=[
            CitationOut(
                kind=c.kind,
                text=c.text,
                target=c.target,
                resolved=c.resolved.public_id if c.resolved else None,
            )
            for c in cites
        ],
        cited_by=[DocumentRef(id=d.public_id, symbol=d.symbol, title=d.title) for d in cited_by],
        cited_by_total=cited_by_total,
    )


class CitedByOut(Schema):
    items: list[DocumentRef]
    total: int
    page: int
    per_page: int


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=100_000)


@router.get(
    "/knowledge/documents/{public_id}/cited-by",
    response=CitedByOut,
    summary="The documents citing one document, a page at a time",
)
def knowledge_cited_by(
    request: HttpRequest, public_id: uuid.UUID, query: Query[PageQuery]
) -> CitedByOut:
    """Newest first, ``per_page`` at a time; a page past the last is empty."""
    document = get_object_or_404(KnowledgeDocument.objects.only("id", "work"), public_id=public_id)
    citing = citing_documents(document, reader_language(request.LANGUAGE_CODE))
    start = (query.page - 1) * CITED_BY_PER_PAGE
    return CitedByOut(
        items=[
            DocumentRef(id=d.public_id, symbol=d.symbol, title=d.title)
            for d in citing[start : start + CITED_BY_PER_PAGE]
        ],
        total=citing.count(),
        page=query.page,
        per_page=CITED_BY_PER_PAGE,
    )
