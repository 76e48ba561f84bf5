"""Documents are found by their other symbols through an index (``WorkAlias``), in one query
per batch of keys, not by reading every document that has other symbols (decision 0035,
"Later"); migration 0006 indexes the other symbols already stored."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from conftest import migrate, migrated_back
from rogatory.knowledge.models import KnowledgeDocument, WorkAlias
from rogatory.knowledge.works import documents_for_keys

FIELDS = {"kind": "un_document", "akn": "<akn/>", "content_sha256": "x"}


def _document(symbol: str, also: list[str], language: str = "en") -> KnowledgeDocument:
    return KnowledgeDocument.objects.create(
        symbol=symbol, language=language, also_symbols=also, **FIELDS
    )


@pytest.mark.django_db
def test_other_symbols_are_indexed_as_the_field_changes() -> None:
    """Saving a document keeps its alias rows equal to its other symbols' keys."""
    report = _document("E/2018/41", ["E/ESCWA/30/18/Report"])
    aliases = WorkAlias.objects.filter(document=report)
    assert list(aliases.values_list("key", flat=True)) == ["E/ESCWA/30/18/REPORT"]
    report.also_symbols = ["E/ESCWA/30/18/Report", "E/ESCWA/30/18/Report/Add.1"]
    report.save(update_fields=["also_symbols"])
    assert sorted(aliases.values_list("key", flat=True)) == [
        "E/ESCWA/30/18/REPORT",
        "E/ESCWA/30/18/REPORT/ADD.1",
    ]
    report.also_symbols = []
    report.save()
    assert not aliases.exists()


@pytest.mark.django_db
def test_documents_for_keys_is_one_query_whatever_the_number_of_aliased_documents(
    django_assert_num_queries: object,
) -> None:
    """Found by work or by another symbol, in one query that does not grow with the
    documents that have other symbols."""
    wanted = _document("E/2018/41", ["E/ESCWA/30/18/Report"])
    by_work = _document("A/76/122", [])
    for n in range(50):
        _document(f"E/2019/{n}", [f"E/ESCWA/31/{n}/Report"])
    with django_assert_num_queries(1):  # type: ignore[operator]
        found = set(documents_for_keys(["E/ESCWA/30/18/REPORT", "A/76/122", "X/1"]))
    assert found == {wanted, by_work}
    assert not documents_for_keys([]).exists()


# Migrating back and forth needs schema changes outside a test transaction.
migration_test = pytest.mark.django_db(transaction=True)
BEFORE = [("knowledge", "0006_document_quality_corrections")]
AFTER = [("knowledge", "0007_work_alias")]


@pytest.fixture
def before_aliases(transactional_db: None) -> Iterator[None]:
    with migrated_back(BEFORE):
        yield


@migration_test
def test_migration_indexes_the_other_symbols_already_stored(before_aliases: None) -> None:
    old_apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    Document = old_apps.get_model("knowledge", "KnowledgeDocument")
    two = Document.objects.create(
        symbol="E/2018/41",
        language="en",
        work="E/2018/41",
        also_symbols=["E/ESCWA/30/18/Report", "E/ESCWA/30/18/ Report"],
        **FIELDS,
    )
    Document.objects.create(symbol="A/76/122", language="en", work="A/76/122", **FIELDS)

    migrate(AFTER)

    assert list(WorkAlias.objects.values_list("document_id", "key")) == [
        (two.pk, "E/ESCWA/30/18/REPORT")
    ]
    assert list(documents_for_keys(["E/ESCWA/30/18/REPORT"])) == [
        KnowledgeDocument.objects.get(pk=two.pk)
    ]
