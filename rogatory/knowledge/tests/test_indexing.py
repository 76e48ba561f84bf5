"""The search index follows the database through the outbox; crashes heal at the next drain."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from rogatory.knowledge.actions import do_import_text
from rogatory.knowledge.indexing import drain_outbox, get_backend
from rogatory.knowledge.models import KnowledgeDocument, SearchOutbox
from rogatory.knowledge.search import IndexDoc, TantivyBackend, default_index_path

SEEDS = Path(__file__).resolve().parent / "seeds"
ECOSOC = SEEDS / "000_40328beaa3a63b3a.txt"  # E/RES/2021/20, the Kyoto Declaration annexed
GA = SEEDS / "001_716226bc4d6731db.txt"  # A/RES/76/187
REPORT = SEEDS / "003_6bdc7af176e43de5.txt"  # A/76/122

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _index_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


def load(path: Path) -> KnowledgeDocument:
    document, _created = do_import_text(path.read_text(encoding="utf-8"), source_name=path.name)
    return document


def found(backend: TantivyBackend, query: str) -> list[str]:
    """Symbols of the documents found, best first."""
    backend.reload()
    page = backend.search(query, limit=20)
    symbols = dict(KnowledgeDocument.objects.values_list("pk", "symbol"))
    return [symbols[hit.id] for hit in page.hits]


def test_an_import_is_searchable_after_its_commit(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    for path in (ECOSOC, GA, REPORT):
        with django_capture_on_commit_callbacks(execute=True):
            load(path)
    assert not SearchOutbox.objects.exists()  # drained after each commit
    backend = get_backend()
    assert backend.path == default_index_path()
    assert "E/RES/2021/20" in found(backend, "司法协助")
    assert set(found(backend, "京都宣言")) == {"E/RES/2021/20", "A/RES/76/187", "A/76/122"}
    # The report itself first (its symbol), then the resolution citing it (footnote 40).
    assert found(backend, "A/76/122") == ["A/76/122", "A/RES/76/187"]
    hit = backend.search("司法协助", filters={"kind": "un_document", "language": "zh"}).hits[0]
    assert "<mark>司法协助</mark>" in hit.snippet
    assert backend.search("司法协助", filters={"language": "en"}).total == 0


def test_crash_between_database_and_index_heals_at_next_drain() -> None:
    document = load(GA)  # committed in the database; the on_commit drain never ran ("crash")
    assert SearchOutbox.objects.filter(document_id=document.pk).exists()
    # After a restart: a new process, a new backend object on the same directory.
    backend = TantivyBackend(default_index_path())
    assert found(backend, "A/76/122") == []
    assert drain_outbox(backend) == 1
    assert found(backend, "A/76/122") == ["A/RES/76/187"]
    assert not SearchOutbox.objects.exists()
    assert drain_outbox(backend) == 0


class BrokenBackend:
    def upsert(self, docs: Iterable[IndexDoc]) -> int:
        raise OSError("disk full")

    def delete(self, ids: Iterable[int]) -> None:
        raise OSError("disk full")


def test_a_failed_index_write_keeps_the_outbox() -> None:
    backend = get_backend()
    load(REPORT)
    with pytest.raises(OSError, match="disk full"):
        drain_outbox(BrokenBackend())  # type: ignore[arg-type]
    assert SearchOutbox.objects.count() == 1
    assert drain_outbox(backend) == 1
    assert found(backend, "A/76/122") == ["A/76/122"]


def test_a_new_index_beside_a_filled_database_fills_itself() -> None:
    """After an upgrade that changes the index schema (a new directory), or a deleted index."""
    load(REPORT)
    load(GA)
    SearchOutbox.objects.all().delete()  # drained into the old index
    backend = get_backend()
    assert found(backend, "A/76/122") == ["A/76/122", "A/RES/76/187"]


def test_delete_and_repeated_rows() -> None:
    backend = get_backend()
    report = load(REPORT)
    SearchOutbox.objects.create(document_id=report.pk, op=SearchOutbox.Op.UPSERT)
    assert drain_outbox(backend) == 2
    assert found(backend, "A/76/122") == ["A/76/122"]
    pk = report.pk
    report.delete()
    SearchOutbox.objects.create(document_id=pk, op=SearchOutbox.Op.DELETE)
    assert drain_outbox(backend) == 1
    backend.reload()
    assert backend.search("A/76/122").total == 0


def test_rebuild_command_restores_a_lost_index() -> None:
    for path in (ECOSOC, GA, REPORT):
        load(path)
    SearchOutbox.objects.all().delete()  # pretend the rows were lost with the index
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "Indexed 3 documents" in out.getvalue()
    assert set(found(get_backend(), "京都宣言")) == {"E/RES/2021/20", "A/RES/76/187", "A/76/122"}


def test_drain_command_applies_what_a_failed_drain_left() -> None:
    from io import StringIO

    from django.core.management import call_command

    backend = get_backend()
    load(REPORT)  # the on_commit drain never ran
    out = StringIO()
    call_command("drain_search_outbox", stdout=out)
    assert out.getvalue().strip() == "Applied 1 pending changes to the search index."
    backend.reload()
    assert found(backend, "A/76/122") == ["A/76/122"]
