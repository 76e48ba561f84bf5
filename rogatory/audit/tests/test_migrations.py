"""Migrations 0002-0004 chain the entries a database already holds, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from conftest import migrate, migrated_back
from rogatory.audit.actions import record
from rogatory.audit.chain import GENESIS_HASH
from rogatory.audit.models import AuditChainHead, AuditEntry
from rogatory.audit.verify import verify_chain

# Migrating back and forth needs schema changes outside a test transaction.
pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("audit", "0001_initial")]


@pytest.fixture
def before_the_chain(transactional_db: None) -> Iterator[None]:
    """Audit migrated back to 0001 for the test, forward to the latest afterwards."""
    with migrated_back(BEFORE):
        yield


def test_existing_entries_are_chained_in_time_order(
    before_the_chain: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small pages and update batches, so the keyset paging crosses entries with equal times.
    backfill = importlib.import_module("rogatory.audit.migrations.0003_hash_chain_backfill")
    monkeypatch.setattr(backfill, "PAGE", 2)
    monkeypatch.setattr(backfill, "UPDATE_BATCH", 1)
    old_apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    OldEntry = old_apps.get_model("audit", "AuditEntry")
    noon = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
    # (minutes after noon, details), written out of time order; three share 12:05.
    rows = [
        (10, {"last": True}),
        (5, {"text": "Заявка 请求 طلب", "list": [1, 2.5, None]}),
        (0, {"first": 1.0}),
        (5, {}),
        (5, {"nested": {"b": 1, "a": [True, False]}}),
        (7, {"big": 10**20}),
    ]
    ids = []
    for minutes, details in rows:
        entry = OldEntry.objects.create(
            actor_id=None if minutes == 0 else 99,
            actor_name="gone_user" if minutes else "system",
            authority_id=None if minutes == 0 else 3,
            action="thing.changed",
            object_type="thing",
            object_ref=str(minutes),
            details=details,
        )
        # auto_now_add set the time on create; put it where the row belongs.
        OldEntry.objects.filter(pk=entry.pk).update(
            created_at=noon + dt.timedelta(minutes=minutes, microseconds=7)
        )
        ids.append(entry.pk)

    migrate()

    expected_order = [ids[2], ids[1], ids[3], ids[4], ids[5], ids[0]]
    chained = list(AuditEntry.objects.order_by("sequence").values_list("id", "sequence"))
    assert chained == [(pk, n) for n, pk in enumerate(expected_order, start=1)]
    assert AuditEntry.objects.get(sequence=1).prev_hash == GENESIS_HASH
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.hash) == (6, AuditEntry.objects.get(sequence=6).hash)
    result = verify_chain(batch_size=4)
    assert result.ok and result.entries == 6
    # The chain goes on from the backfilled entries.
    record("thing.changed", acting_user=None, authority_id=3, object_type="thing", object_ref="new")
    assert verify_chain().entries == 7


def test_an_empty_trail_gets_an_empty_head(before_the_chain: None) -> None:
    old_apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    assert not old_apps.get_model("audit", "AuditEntry").objects.exists()
    migrate()
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.hash) == (0, GENESIS_HASH)
    assert verify_chain().ok
