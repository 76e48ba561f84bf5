"""The list of imported UN documents whose quality report has doubts, across the knowledge
base, for site administrators (decision 0040, "Later")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.knowledge.actions import do_import_text
from rogatory.knowledge.models import DocumentKind, KnowledgeDocument
from rogatory.knowledge.tests.test_quality import REPORT

pytestmark = pytest.mark.django_db
URL = reverse("knowledge_doubtful")


@pytest.fixture(autouse=True)
def _private_index(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


def stored(
    symbol: str, language: str, kind: str, doubts: list[dict[str, Any]]
) -> KnowledgeDocument:
    """A UN document as an import stores it, with the quality report given."""
    return KnowledgeDocument.objects.create(
        kind=DocumentKind.UN_DOCUMENT,
        symbol=symbol,
        language=language,
        title=f"Title of {symbol}",
        body_text="Text.",
        akn="<a/>",
        content_sha256=f"{symbol}-{language}",
        source_name=f"{symbol.replace('/', '_')}-{language}.pdf",
        quality={"version": 1, "recognised": {"kind": kind}, "doubts": doubts},
    )


def rows(page: str) -> str:
    if 'data-testid="doubtful-documents"' not in page:
        return ""
    table = page[page.index('data-testid="doubtful-documents"') :]
    return table[: table.index("</table>")]


def test_the_list_shows_doubtful_documents_with_their_doubts_and_links(
    client: Client, personas: Personas
) -> None:
    """A document with doubts is listed with them, a link to it and to its correction page;
    a document without doubts, and a document of another kind, are not."""
    document, _created = do_import_text(
        REPORT.read_text(encoding="utf-8"), source_name="A_76_122.txt"
    )
    assert document.quality["doubts"]  # the seed report has no date
    clean = stored("A/RES/1/1", "en", "resolution", [])
    act = KnowledgeDocument.objects.create(
        kind=DocumentKind.LEGISLATION, title="An act", quality={"doubts": [{"code": "x"}]}
    )
    client.force_login(personas.site_admin)
    page = client.get(URL).content.decode()
    listed = rows(page)
    assert listed.count('data-testid="doubtful-document"') == 1
    assert reverse("knowledge_document", args=[document.public_id]) in listed
    assert reverse("knowledge_un_correct", args=[document.public_id]) in listed
    assert "No date found" in listed and "A_76_122.txt" in listed
    assert str(clean.public_id) not in page and str(act.public_id) not in page
    assert "1 document with doubts" in page


def test_the_list_is_filtered_by_language_and_kind(client: Client, personas: Personas) -> None:
    no_title = [{"code": "no_title"}]
    stored("A/RES/2/1", "en", "resolution", [{"code": "no_verb", "count": 1, "numbers": ["3"]}])
    stored("A/RES/2/1", "fr", "resolution", no_title)
    stored("A/2/100", "en", "report", no_title)
    client.force_login(personas.site_admin)

    def symbols(**query: str) -> list[str]:
        listed = rows(client.get(URL, query).content.decode())
        return [
            f"{s}-{lang}"
            for s, lang in (("A/RES/2/1", "en"), ("A/RES/2/1", "fr"), ("A/2/100", "en"))
            if f"{s.replace('/', '_')}-{lang}.pdf" in listed
        ]

    assert symbols() == ["A/RES/2/1-en", "A/RES/2/1-fr", "A/2/100-en"]
    assert symbols(lang="en") == ["A/RES/2/1-en", "A/2/100-en"]
    assert symbols(kind="resolution") == ["A/RES/2/1-en", "A/RES/2/1-fr"]
    assert symbols(lang="en", kind="report") == ["A/2/100-en"]
    assert symbols(lang="fr", kind="report") == []
    # A value that is not a language or a kind is ignored, not an error.
    assert client.get(URL, {"lang": "xx", "kind": "<b>"}).status_code == 200
    assert symbols(lang="xx") == ["A/RES/2/1-en", "A/RES/2/1-fr", "A/2/100-en"]


def test_a_parts_doubts_are_listed_under_the_part(client: Client, personas: Personas) -> None:
    document = stored(
        "E/2099/1",
        "en",
        "report",
        [{"code": "no_verb", "part": "330 (XXX)", "at": 0, "count": 1, "numbers": ["4"]}],
    )
    document.quality["recognised"]["parts"] = [{"heading": "330 (XXX)", "title": "Support"}]
    document.save()
    client.force_login(personas.site_admin)
    listed = rows(client.get(URL).content.decode())
    assert "330 (XXX) Support" in listed
    assert "1 operative paragraph without a verb: 4." in listed


def test_only_site_administrators_see_the_list(client: Client, personas: Personas) -> None:
    """Others are refused (403), as on the correction page; the anonymous go to log in;
    the knowledge base links to the list for site administrators only."""
    stored("A/RES/3/1", "en", "resolution", [{"code": "no_title"}])
    assert client.get(URL).status_code == 302
    search = reverse("knowledge_search")
    assert 'data-testid="knowledge-doubtful-link"' not in client.get(search).content.decode()
    for user in (personas.officer, personas.supervisor, personas.authority_admin):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert 'data-testid="knowledge-doubtful-link"' not in client.get(search).content.decode()
    client.force_login(personas.site_admin)
    assert client.get(URL).status_code == 200
    assert URL in client.get(search).content.decode()


def test_the_list_costs_the_same_queries_for_many_documents(
    client: Client, personas: Personas, django_assert_max_num_queries: Any
) -> None:
    client.force_login(personas.site_admin)
    stored("A/RES/4/0", "en", "resolution", [{"code": "no_title"}])
    with django_assert_max_num_queries(50) as few:
        client.get(URL)
    for n in range(1, 30):
        stored(f"A/RES/4/{n}", "en", "resolution", [{"code": "no_title"}])
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        page = client.get(URL).content.decode()
    assert page.count('data-testid="doubtful-document"') == 30
    assert len(many.captured_queries) == len(few.captured_queries)
