"""Migration 0005: stored documents get their work key and base work, stored citations their
target key, and the date "citations" of before are dropped (decision 0035)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from conftest import migrate, migrated_back

# Migrating back and forth needs schema changes outside a test transaction.
pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("knowledge", "0004_provision_iccs_provenance")]
AFTER = [("knowledge", "0005_document_work")]


@pytest.fixture
def before_works(transactional_db: None) -> Iterator[None]:
    with migrated_back(BEFORE):
        yield


def test_stored_documents_and_citations_are_keyed(before_works: None) -> None:
    old_apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    Document = old_apps.get_model("knowledge", "KnowledgeDocument")
    OldCitation = old_apps.get_model("knowledge", "Citation")
    fields = {"kind": "un_document", "akn": "<akn/>", "content_sha256": "x"}
    base = Document.objects.create(symbol="A/76/122", language="zh", **fields)
    Document.objects.create(symbol="A/76/122", language="en", **fields)
    Document.objects.create(symbol="A/76/122/Corr.1", language="en", **fields)
    untitled = Document.objects.create(symbol="", language="en", **fields)
    OldCitation.objects.create(source=base, kind="resolution", text="x", target="A/RES/217 (III) A")
    OldCitation.objects.create(source=base, kind="date", text="x", target="2021-12-16")

    migrate(AFTER)
    # The models as 0005 left them (later migrations add fields the table does not have yet).
    new_apps = MigrationExecutor(connection).loader.project_state(AFTER).apps
    KnowledgeDocument = new_apps.get_model("knowledge", "KnowledgeDocument")
    Citation = new_apps.get_model("knowledge", "Citation")

    works = dict(KnowledgeDocument.objects.values_list("symbol", "work").filter(language="en"))
    assert works == {
        "A/76/122": "A/76/122",
        "A/76/122/Corr.1": "A/76/122/CORR.1",
        "": f"doc:{KnowledgeDocument.objects.get(pk=untitled.pk).public_id}",
    }
    assert KnowledgeDocument.objects.get(pk=base.pk).work == "A/76/122"
    assert KnowledgeDocument.objects.get(symbol="A/76/122/Corr.1").base_work == "A/76/122"
    assert list(Citation.objects.values_list("kind", "target_key")) == [
        ("resolution", "A/RES/217(III)A")
    ]
