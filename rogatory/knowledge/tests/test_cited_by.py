"""A widely cited document: its page and API list a capped number of citing documents,
fetched without their texts, with the count and a paged list of them all."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rogatory.knowledge import api, services, views
from rogatory.knowledge.models import Citation, KnowledgeDocument

pytestmark = pytest.mark.django_db

CITING = 7  # more than the cap the tests set (3), fewer than a page of the full list (5 … )


@pytest.fixture
def treaty(monkeypatch: pytest.MonkeyPatch) -> KnowledgeDocument:
    """A treaty cited by ``CITING`` resolutions (one of them twice), caps made small."""
    monkeypatch.setattr(services, "CITED_BY_SHOWN", 3)
    monkeypatch.setattr(views, "CITED_BY_PER_PAGE", 5)
    monkeypatch.setattr(api, "CITED_BY_PER_PAGE", 5)
    cited = KnowledgeDocument.objects.create(
        kind="treaty", symbol="UNTOC", language="en", title="Convention", akn="<akn/>"
    )
    for number in range(CITING):
        citing = KnowledgeDocument.objects.create(
            kind="un_document",
            symbol=f"A/RES/{number:02d}",
            language="en",
            title=f"Resolution {number}",
            date=datetime.date(2020, 1, 1) + datetime.timedelta(days=number),
            body_text="TEXT-NOT-NEEDED " * 100,
            akn="<akn>AKN-NOT-NEEDED</akn>",
        )
        for position in range(2 if number == 0 else 1):
            Citation.objects.create(
                source=citing, position=position, kind="treaty", text="UNTOC", resolved=cited
            )
    return cited


def test_page_shows_the_newest_citing_documents_and_links_to_all(
    client: Client, treaty: KnowledgeDocument
) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("knowledge_document", args=[treaty.public_id]))
    page = response.content.decode()
    assert response.status_code == 200
    assert [s for s in (f"A/RES/{n:02d}" for n in range(CITING)) if s in page] == [
        "A/RES/04",
        "A/RES/05",
        "A/RES/06",
    ]
    everything = reverse("knowledge_cited_by", args=[treaty.public_id])
    assert everything in page and "7 documents citing this one" in page
    # The citing documents' texts are never read from the database.
    citing_query = next(q["sql"] for q in queries.captured_queries if "DISTINCT" in q["sql"])
    assert "body_text" not in citing_query and '"akn"' not in citing_query


def test_no_link_when_every_citing_document_is_shown(
    client: Client, treaty: KnowledgeDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "CITED_BY_SHOWN", 50)
    response = client.get(reverse("knowledge_document", args=[treaty.public_id]))
    page = response.content.decode()
    assert "A/RES/00" in page and "A/RES/06" in page
    assert reverse("knowledge_cited_by", args=[treaty.public_id]) not in page


def test_the_full_list_is_paged(client: Client, treaty: KnowledgeDocument) -> None:
    url = reverse("knowledge_cited_by", args=[treaty.public_id])
    first = client.get(url).content.decode()
    second = client.get(url, {"page": "2"}).content.decode()
    assert "7 documents cite this one" in first
    assert first.count("<li>") == 5 and second.count("<li>") == 2
    assert "A/RES/06" in first and "A/RES/00" in second
    assert client.get(url, {"page": "junk"}).status_code == 200


def test_api_caps_counts_and_pages(client: Client, treaty: KnowledgeDocument) -> None:
    answer = client.get(f"/api/v1/knowledge/documents/{treaty.public_id}").json()
    assert [d["symbol"] for d in answer["cited_by"]] == ["A/RES/06", "A/RES/05", "A/RES/04"]
    assert answer["cited_by_total"] == CITING
    listing = f"/api/v1/knowledge/documents/{treaty.public_id}/cited-by"
    page_two = client.get(listing, {"page": 2}).json()
    assert (page_two["total"], page_two["page"], page_two["per_page"]) == (CITING, 2, 5)
    assert [d["symbol"] for d in page_two["items"]] == ["A/RES/01", "A/RES/00"]
    assert client.get(listing, {"page": 0}).status_code == 422
    missing = "/api/v1/knowledge/documents/00000000-0000-0000-0000-000000000000/cited-by"
    assert client.get(missing).status_code == 404
