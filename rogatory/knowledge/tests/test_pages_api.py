"""The public knowledge-base pages and the /api/v1/knowledge API, on the seed documents."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rogatory.knowledge.actions import do_import_text
from rogatory.knowledge.akn import validate_bytes
from rogatory.knowledge.models import KnowledgeDocument

SEEDS = Path(__file__).resolve().parent / "seeds"
ECOSOC = SEEDS / "000_40328beaa3a63b3a.txt"  # E/RES/2021/20, the Kyoto Declaration annexed
GA = SEEDS / "001_716226bc4d6731db.txt"  # A/RES/76/187
REPORT = SEEDS / "003_6bdc7af176e43de5.txt"  # A/76/122
NO_SUCH_ID = "00000000-0000-0000-0000-000000000000"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _index_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


@pytest.fixture
def seeds(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> dict[str, KnowledgeDocument]:
    documents = {}
    for path in (ECOSOC, GA, REPORT):
        with django_capture_on_commit_callbacks(execute=True):  # drains into the index
            document, _created = do_import_text(
                path.read_text(encoding="utf-8"), source_name=path.name
            )
        documents[document.symbol] = document
    return documents


def test_search_page_finds_and_highlights(client: Client, seeds: dict[str, Any]) -> None:
    response = client.get(reverse("knowledge_search"), {"q": "司法协助"})
    assert response.status_code == 200
    page = response.content.decode()
    kyoto = seeds["E/RES/2021/20"]
    assert reverse("knowledge_document", args=[kyoto.public_id]) in page
    assert "<mark>司法协助</mark>" in page


def test_search_by_symbol_finds_the_report_first(client: Client, seeds: dict[str, Any]) -> None:
    response = client.get(reverse("knowledge_search"), {"q": "A/76/122"})
    page = response.content.decode()
    report = reverse("knowledge_document", args=[seeds["A/76/122"].public_id])
    resolution = reverse("knowledge_document", args=[seeds["A/RES/76/187"].public_id])
    assert report in page and resolution in page
    assert page.index(report) < page.index(resolution)


def test_search_filters_and_paginates(client: Client, seeds: dict[str, Any]) -> None:
    url = reverse("knowledge_search")
    english = client.get(url, {"q": "司法协助", "lang": "en"}).content.decode()
    assert "<mark>" not in english
    first = client.get(url, {"q": "京都宣言", "type": "un_document", "page": "1"})
    assert first.content.decode().count("<mark>") >= 3
    facets = {facet.name: facet for facet in first.context["answer"].facets}
    assert [(v.value, v.count) for v in facets["lang"].values] == [("zh", 3)]
    [un_document] = facets["type"].values
    assert (un_document.value, un_document.count, un_document.selected) == ("un_document", 3, True)
    years = [(v.value, v.count) for v in facets["year"].values]
    assert years == [("2021", 2)]  # the report has no date
    beyond = client.get(url, {"q": "京都宣言", "page": "9"})
    assert beyond.status_code == 200
    assert "<mark>" not in beyond.content.decode()
    assert client.get(url, {"q": "京都宣言", "page": "x", "type": "bogus"}).status_code == 200


def test_empty_query_shows_a_prompt(client: Client) -> None:
    response = client.get(reverse("knowledge_search"), {"q": "  "})
    assert response.status_code == 200
    assert 'data-testid="knowledge-prompt"' in response.content.decode()


def test_document_page_shows_body_and_links(client: Client, seeds: dict[str, Any]) -> None:
    report = seeds["A/76/122"]
    resolution = seeds["A/RES/76/187"]
    response = client.get(reverse("knowledge_document", args=[report.public_id]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "A/76/122" in page
    cited_by = page[page.index('data-testid="cited-by"') : page.index('data-testid="cites"')]
    assert reverse("knowledge_document", args=[resolution.public_id]) in cited_by
    assert reverse("knowledge_document_akn", args=[report.public_id]) in page
    # The resolution's page links its citation of the report to the report.
    page = client.get(reverse("knowledge_document", args=[resolution.public_id])).content.decode()
    cites = page[page.index('data-testid="cites"') :]
    assert reverse("knowledge_document", args=[report.public_id]) in cites
    assert "76/187" in page


def test_akn_download_validates(client: Client, seeds: dict[str, Any]) -> None:
    document = seeds["A/RES/76/187"]
    response = client.get(reverse("knowledge_document_akn", args=[document.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/akn+xml"
    validate_bytes(response.content)


def test_unknown_document_is_404(client: Client) -> None:
    assert client.get(reverse("knowledge_document", args=[NO_SUCH_ID])).status_code == 404
    assert client.get(reverse("knowledge_document_akn", args=[NO_SUCH_ID])).status_code == 404
    response = client.get(f"/api/v1/knowledge/documents/{NO_SUCH_ID}")
    assert response.status_code == 404


def test_api_search(client: Client, seeds: dict[str, Any]) -> None:
    response = client.get("/api/v1/knowledge/search", {"q": "A/76/122"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2 and body["page"] == 1
    first = body["items"][0]
    assert first["id"] == str(seeds["A/76/122"].public_id)
    assert first["symbol"] == "A/76/122"
    assert first["kind"] == "un_document" and first["language"] == "zh"
    assert "<mark>" in first["snippet"]
    kyoto = client.get("/api/v1/knowledge/search", {"q": "司法协助", "lang": "zh"}).json()
    assert str(seeds["E/RES/2021/20"].public_id) in {item["id"] for item in kyoto["items"]}
    empty = client.get("/api/v1/knowledge/search").json()
    assert empty == {"items": [], "total": 0, "page": 1, "per_page": 10, "facets": {}}


def test_api_validation_errors_name_the_field(client: Client) -> None:
    response = client.get("/api/v1/knowledge/search", {"q": "x", "lang": "xx", "page": "0"})
    assert response.status_code == 422
    locations = {tuple(error["loc"]) for error in response.json()["detail"]}
    assert ("query", "lang") in locations and ("query", "page") in locations


def test_api_document_json_and_akn(client: Client, seeds: dict[str, Any]) -> None:
    report = seeds["A/76/122"]
    resolution = seeds["A/RES/76/187"]
    body = client.get(f"/api/v1/knowledge/documents/{report.public_id}").json()
    assert body["symbol"] == "A/76/122" and body["language"] == "zh"
    assert body["cited_by"] == [
        {"id": str(resolution.public_id), "symbol": "A/RES/76/187", "title": resolution.title}
    ]
    cites = client.get(f"/api/v1/knowledge/documents/{resolution.public_id}").json()["citations"]
    assert {"kind", "text", "target", "resolved"} <= set(cites[0])
    assert str(report.public_id) in {c["resolved"] for c in cites}
    response = client.get(f"/api/v1/knowledge/documents/{report.public_id}", {"format": "akn"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/akn+xml"
    validate_bytes(response.content)
    bad = client.get(f"/api/v1/knowledge/documents/{report.public_id}", {"format": "pdf"})
    assert bad.status_code == 422
