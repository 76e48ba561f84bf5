"""Search shows a work once, with exact totals and pages at any depth (decision 0035,
"Later"): the index holds each version's work in a fast field; tantivy reads the works of
the ranked hits and counts distinct works per query and per facet value."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.knowledge import indexing
from rogatory.knowledge.indexing import get_backend, rebuild_index
from rogatory.knowledge.models import KnowledgeDocument
from rogatory.knowledge.search import IndexDoc, TantivyBackend, default_index_path
from rogatory.knowledge.search.engine import work_number
from rogatory.knowledge.services import search_documents

LANGUAGES = ("en", "fr", "ar")
WORDS = {"en": "cooperation", "fr": "coopération", "ar": "التعاون"}


def _docs(works: int) -> list[IndexDoc]:
    return [
        IndexDoc(
            id=n * len(LANGUAGES) + i + 1,
            # Scores differ from work to work, and the versions of one work interleave with
            # other works' in the ranking.
            text=f"{WORDS[language]} cooperation {n} " + "filler " * (n % 9 + i * 3),
            symbol=f"A/80/{n}",
            kind="un_document",
            language=language,
            year=str(2020 + n % 3),
            day=20200101 + n,
            work=f"A/80/{n}",
        )
        for n in range(works)
        for i, language in enumerate(LANGUAGES)
    ]


@pytest.fixture
def backend(tmp_path: Path) -> TantivyBackend:
    backend = TantivyBackend(tmp_path / "index")
    backend.rebuild(_docs(150))
    return backend


@pytest.mark.parametrize("query", ["cooperation", ""])
@pytest.mark.parametrize("hits_per_work", [3, 1])
def test_every_page_of_150_works_in_3_languages_is_full_and_exact(
    backend: TantivyBackend, query: str, hits_per_work: int
) -> None:
    """Fifteen pages of ten works: each full, each work on exactly one page, in its
    reader's language first, its other versions after it, the total exact throughout."""
    backend.HITS_PER_WORK = hits_per_work  # 1: the hits are read in several rounds
    filters = {} if query else {"kind": "un_document"}  # browsing: newest first
    seen: list[int] = []
    for page in range(15):
        found = backend.search_works(
            query, filters=filters, limit=10, offset=page * 10, language="fr"
        )
        assert found.total == 150
        works = list(dict.fromkeys(hit.work for hit in found.hits))
        assert len(works) == 10
        assert len(found.hits) == 30  # the three versions of each work
        for work in works:
            versions = [hit for hit in found.hits if hit.work == work]
            assert versions[0].language == "fr"
            assert versions[0].snippet and not any(hit.snippet for hit in versions[1:])
        seen += works
    assert len(set(seen)) == 150
    assert not backend.search_works(query, filters=filters, limit=10, offset=150).hits


def test_ranking_by_work_follows_the_best_version(backend: TantivyBackend) -> None:
    """A work ranks where its best version ranks in the version search."""
    work_of = {doc.id: work_number(doc.work) for doc in _docs(150)}
    versions = backend.search("cooperation", limit=450).hits
    best_first = list(dict.fromkeys(work_of[hit.id] for hit in versions))
    by_work = backend.search_works("cooperation", limit=150, language="en").hits
    assert list(dict.fromkeys(hit.work for hit in by_work)) == best_first
    assert len(best_first) == 150


def test_totals_count_works_and_facets_count_versions(backend: TantivyBackend) -> None:
    """The total counts works (with every filter); facet counts count the language versions
    (so a language's count is the works in that language), each facet with the other
    filters applied."""
    found = backend.search_works("cooperation", facets=True)
    assert found.total == 150
    assert dict(found.facets["kind"]) == {"un_document": 450}
    assert dict(found.facets["language"]) == {"ar": 150, "en": 150, "fr": 150}
    assert dict(found.facets["year"]) == {"2020": 150, "2021": 150, "2022": 150}
    chosen = backend.search_works("cooperation", filters={"year": "2021"}, facets=True)
    assert chosen.total == 50
    assert dict(chosen.facets["year"]) == {"2020": 150, "2021": 150, "2022": 150}
    assert dict(chosen.facets["language"]) == {"ar": 50, "en": 50, "fr": 50}
    one_language = backend.search_works("cooperation", filters={"language": "fr"}, facets=True)
    assert one_language.total == 150
    assert len(one_language.hits) == 10


def test_total_beyond_the_exact_count_is_estimated(
    backend: TantivyBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the works tantivy lists in one aggregation the total is its estimate, not an
    error and never fewer than the works listed."""
    monkeypatch.setattr("rogatory.knowledge.search.engine.MAX_COUNTED_WORKS", 100)
    found = backend.search_works("cooperation", limit=10)
    assert 100 <= found.total <= 160


@pytest.mark.django_db
@pytest.mark.parametrize("works", [150, 250])
def test_search_page_deep_in_the_results_is_full(settings: Any, tmp_path: Path, works: int) -> None:
    """The search pages: page 10 and the last page are full, in the reader's language, with
    the other languages listed, and the total is exact (250 works: beyond the 600 hits the
    view once grouped)."""
    settings.DATA_DIR = tmp_path
    indexing._backends.clear()
    KnowledgeDocument.objects.bulk_create(
        KnowledgeDocument(
            kind="un_document",
            symbol=doc.symbol,
            language=doc.language,
            title=f"Report {doc.symbol}",
            body_text=doc.text,
            akn="<akn/>",
            work=doc.work,
            date=datetime.date(2020, 1, 1),
            content_sha256=str(doc.id),
        )
        for doc in _docs(works)
    )
    rebuild_index(get_backend())
    last = works // 10
    for page in (10, last):
        answer = search_documents("cooperation", filters={}, page=page, language="ar")
        assert answer.total == works
        assert len(answer.results) == 10
        for result in answer.results:
            assert result.document.language == "ar"
            assert result.snippet_language == "ar"
            assert "<mark>" in result.snippet
            assert sorted(v.language for v in result.others) == ["en", "fr"]
        language_counts = {
            v.value: v.count for f in answer.facets if f.name == "lang" for v in f.values
        }
        assert language_counts == {"ar": works, "en": works, "fr": works}
    assert search_documents("cooperation", filters={}, page=last + 1).results == []
    indexing._backends.clear()


@pytest.mark.django_db
def test_outdated_index_is_searched_and_site_administrators_are_told(
    settings: Any, tmp_path: Path, client: Client, personas: Personas
) -> None:
    """An index of another analysis version still answers; the search page tells site
    administrators (only) to rebuild it with the command."""
    from rogatory.knowledge.search.engine import ANALYSIS_MARKER

    settings.DATA_DIR = tmp_path
    indexing._backends.clear()
    KnowledgeDocument.objects.create(
        kind="un_document", symbol="A/80/1", language="en", body_text="Extradition.", akn="<a/>"
    )
    rebuild_index(get_backend())
    indexing._backends.clear()
    (default_index_path() / ANALYSIS_MARKER).write_text("5\n")
    url = reverse("knowledge_search") + "?q=extradition"
    page = client.get(url).content.decode()
    assert "1 work found" in page
    assert 'data-testid="index-outdated"' not in page
    client.force_login(personas.site_admin)
    page = client.get(url).content.decode()
    assert "1 work found" in page
    assert 'data-testid="index-outdated"' in page and "rebuild_search_index" in page
    rebuild_index(get_backend())
    assert 'data-testid="index-outdated"' not in client.get(url).content.decode()
    indexing._backends.clear()
