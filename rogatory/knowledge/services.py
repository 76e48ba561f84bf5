"""What the knowledge base's pages and its API both serve: search (the works found, their
facets), a document's citations both ways and its language versions.

The pages (``views``) and the API (``api``) sit above this module; it imports only models,
the index (``indexing``) and the works (``works``): imports run downward.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Case, F, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from rogatory.reference.models import IccsCategory, State
from rogatory.treaties.models import Instrument

from .indexing import get_backend
from .models import LANGUAGE_NAMES, Citation, DocumentKind, KnowledgeDocument
from .works import pick_version

PER_PAGE = 10
LANGUAGES = tuple(LANGUAGE_NAMES)


@dataclass(frozen=True)
class Result:
    """One work found: its version in the reader's language where there is one."""

    document: KnowledgeDocument
    snippet: str  # escaped HTML with <mark>
    snippet_language: str = ""  # the version the snippet comes from (the one that matched)
    others: tuple[KnowledgeDocument, ...] = ()  # the work's other language versions


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    query_string: str  # the search with this value chosen (or, when selected, dropped)


@dataclass(frozen=True)
class Facet:
    name: str  # the query parameter
    label: str
    values: list[FacetValue]


@dataclass(frozen=True)
class SearchAnswer:
    results: list[Result]
    total: int
    page: int
    facets: list[Facet]
    # The index was built by another analysis version (decision 0036, "Later"): shown to
    # site administrators with the command that rebuilds it.
    index_outdated: bool = False


# Query parameter -> index facet (see search.FACETS).
PARAMETERS = {
    "type": "kind",
    "lang": "language",
    "state": "state",
    "year": "year",
    "iccs": "iccs",
    "instrument": "instrument",
}
_VALID = {
    "type": re.compile("|".join(DocumentKind.values)),
    "lang": re.compile("|".join(LANGUAGES)),
    "state": re.compile(r"[A-Z]{2}"),
    "year": re.compile(r"\d{4}"),
    "iccs": re.compile(r"(0[1-9]|1[01])"),
    "instrument": re.compile(r"[a-z0-9-]{1,60}"),
}


def read_filters(params: Mapping[str, str]) -> dict[str, str]:
    """The facet filters of a query string (type, lang, state, year, iccs, instrument);
    values that cannot be valid are ignored."""
    filters = {}
    for name, pattern in _VALID.items():
        value = (params.get(name) or "").strip()
        if name == "state":
            value = value.upper()
        if value and pattern.fullmatch(value):
            filters[name] = value
    return filters


def _labels(facet: str, values: list[str]) -> dict[str, str]:
    if facet == "lang":
        return LANGUAGE_NAMES
    if facet == "type":
        return {value: str(label) for value, label in DocumentKind.choices}
    if facet == "state":
        return dict(State.objects.filter(iso2__in=values).values_list("iso2", "name"))
    if facet == "iccs":
        return {c.code: str(c) for c in IccsCategory.objects.filter(code__in=values)}
    if facet == "instrument":
        return {i.code: i.short_title for i in Instrument.objects.filter(code__in=values)}
    return {}


FACET_LABELS = {
    "type": _("Type"),
    "lang": _("Language"),
    "state": _("State"),
    "year": _("Year"),
    "iccs": _("ICCS section"),
    "instrument": _("Instrument"),
}


def _facets(
    counts: dict[str, list[tuple[str, int]]], query: str, filters: dict[str, str]
) -> list[Facet]:
    facets = []
    for name, index_name in PARAMETERS.items():
        buckets = counts.get(index_name, [])
        if name == "year":
            buckets = sorted(buckets, reverse=True)
        elif name in ("lang", "iccs"):
            buckets = sorted(buckets)
        labels = _labels(name, [value for value, _count in buckets])
        values = []
        for value, count in buckets:
            selected = filters.get(name) == value
            params = {"q": query} | filters | {name: value}
            if selected:
                del params[name]
            values.append(
                FacetValue(value, labels.get(value, value), count, selected, urlencode(params))
            )
        if values:
            facets.append(Facet(name, str(FACET_LABELS[name]), values))
    return facets


def search_documents(
    query: str,
    *,
    filters: dict[str, str],
    page: int,
    per_page: int = PER_PAGE,
    language: str = "en",
) -> SearchAnswer:
    """Run a query on the index: the works found, in rank order (a work where its best
    version ranks), each shown in ``language`` where it exists, with its snippet and other
    languages, and the facet counts (works; each facet counted with the other filters applied).

    The index groups language versions by their work (``search_works``, decision 0035,
    "Later"): totals and pages are exact at any depth."""
    page = max(1, page)
    # A language chosen in the facets wins over the reader's: the hits are in it.
    shown_language = filters.get("lang") or language
    backend = get_backend()
    found = backend.search_works(
        query,
        filters={PARAMETERS[name]: value for name, value in filters.items()},
        limit=per_page,
        offset=(page - 1) * per_page,
        facets=True,
        language=shown_language,
    )
    hit_documents = KnowledgeDocument.objects.only("pk", "work", "language").in_bulk(
        [hit.id for hit in found.hits]
    )
    # The page's works in rank order; the first hit of each is the version with the snippet.
    matched: dict[str, tuple[KnowledgeDocument, str]] = {}
    for hit in found.hits:
        document = hit_documents.get(hit.id)
        if document is not None and document.work not in matched:
            matched[document.work] = (document, hit.snippet)
    versions: dict[str, list[KnowledgeDocument]] = {}
    for version in (
        KnowledgeDocument.objects.select_related("state")
        .defer("body_text", "akn")
        .filter(work__in=list(matched))
        .order_by("language", "pk")
    ):
        versions.setdefault(version.work, []).append(version)
    results = []
    for work, (document, snippet) in matched.items():
        if work not in versions:
            continue
        shown = pick_version(versions[work], shown_language)
        results.append(
            Result(
                document=shown,
                snippet=snippet,
                snippet_language=document.language,
                others=tuple(v for v in versions[work] if v.pk != shown.pk),
            )
        )
    return SearchAnswer(
        results=results,
        total=found.total,
        page=page,
        facets=_facets(found.facets, query, filters),
        index_outdated=backend.outdated,
    )


# Citing documents shown on a document's page and in its API answer; a widely cited treaty
# has thousands, listed in full, a page at a time, by ``knowledge_cited_by``. Measured
# before the cap (docs/benchmarks.md): 1.1–1.6 s and 178 MB per request at 10,000.
CITED_BY_SHOWN = 50
CITED_BY_PER_PAGE = 100


def citing_documents(
    document: KnowledgeDocument, language: str = "en"
) -> QuerySet[KnowledgeDocument]:
    """The works citing ``document``'s work (any of its language versions), one version each
    (in ``language`` where it cites too), newest first, with only what a link shows."""
    sources = (
        Citation.objects.filter(resolved__work=document.work)
        .exclude(source__work=document.work)
        .values("source_id")
    )
    preferred = Case(When(language=language, then=Value(0)), default=Value(1))
    return (
        KnowledgeDocument.objects.filter(pk__in=sources)
        .annotate(
            version_rank=Window(
                RowNumber(), partition_by=[F("work")], order_by=[preferred.asc(), F("pk").asc()]
            )
        )
        .filter(version_rank=1)
        .order_by("-date", "symbol", "id")
        .only("public_id", "symbol", "title", "date", "work", "language")
    )


def document_links(
    document: KnowledgeDocument, language: str = "en"
) -> tuple[list[Citation], list[KnowledgeDocument], int]:
    """The document's citations, each target once (linked to the cited work's version in the
    document's own language where there is one: a reader follows a text in the language they
    read it in; the others are a click away), the newest works citing it (``CITED_BY_SHOWN``,
    each in ``language`` where it exists) and how many works cite it in all, whichever
    language version they cite."""
    shown = CITED_BY_SHOWN
    cites: list[Citation] = []
    seen: set[tuple[str, str]] = set()
    for citation in document.citations.select_related("resolved").only(
        "kind", "text", "target", "source_id", "resolved__public_id"
    ):
        if (citation.kind, citation.target) not in seen:
            seen.add((citation.kind, citation.target))
            cites.append(citation)
    cited_by = list(citing_documents(document, language)[:shown])
    total = len(cited_by)
    if total == shown:
        total = (
            Citation.objects.filter(resolved__work=document.work)
            .exclude(source__work=document.work)
            .values("source__work")
            .distinct()
            .count()
        )
    return cites, cited_by, total


def language_versions(
    document: KnowledgeDocument, language: str
) -> tuple[list[KnowledgeDocument], KnowledgeDocument | None, list[KnowledgeDocument]]:
    """The document's other language versions; the document a corrigendum, revision or
    addendum belongs to; and the corrigenda, revisions and addenda of this one (one version
    each, in ``language`` where there is one)."""
    fields = ("public_id", "symbol", "title", "language", "work")
    others = list(
        KnowledgeDocument.objects.filter(work=document.work)
        .exclude(pk=document.pk)
        .order_by("language")
        .only(*fields)
    )
    base = None
    if document.base_work:
        bases = list(KnowledgeDocument.objects.filter(work=document.base_work).only(*fields))
        base = pick_version(bases, language) if bases else None
    amendments: dict[str, list[KnowledgeDocument]] = {}
    for amendment in (
        KnowledgeDocument.objects.filter(base_work=document.work)
        .order_by("symbol", "language")
        .only(*fields)
    ):
        amendments.setdefault(amendment.work, []).append(amendment)
    return others, base, [pick_version(group, language) for group in amendments.values()]


# The kinds of UN document a quality report recognises (quality.assess, "kind").
UN_KINDS = ("resolution", "report", "treaty")


def doubtful_documents(*, language: str = "", kind: str = "") -> QuerySet[KnowledgeDocument]:
    """Imported UN documents whose quality report has doubts (decision 0040), the latest
    imported or corrected first; of ``language`` and of ``kind`` (resolution, report) when
    given. Only what the list shows is loaded."""
    documents = KnowledgeDocument.objects.filter(
        kind=DocumentKind.UN_DOCUMENT, quality__doubts__0__isnull=False
    )
    if language:
        documents = documents.filter(language=language)
    if kind:
        documents = documents.filter(quality__recognised__kind=kind)
    return documents.order_by("-updated_at", "pk").only(
        "public_id",
        "symbol",
        "title",
        "language",
        "date",
        "source_name",
        "quality",
        "corrections",
        "updated_at",
    )
