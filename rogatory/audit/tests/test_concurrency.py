"""Concurrent record() calls queue on the chain head's row lock: no fork, no gap.

Needs real concurrent connections, so PostgreSQL only (SQLite serialises writers anyway, with
IMMEDIATE transactions; the in-memory test database is not shared between threads).
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from rogatory.audit.actions import record
from rogatory.audit.models import AuditEntry
from rogatory.audit.verify import verify_chain

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent database connections"
    ),
]

THREADS = 8
EACH = 5


def test_concurrent_records_form_one_gapless_chain() -> None:
    # The head may be missing after an earlier transactional test flushed the tables.
    record("start", acting_user=None, authority_id=None, object_type="t", object_ref="0")
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker(number: int) -> None:
        try:
            start.wait()
            for i in range(EACH):
                with transaction.atomic():
                    record(
                        "thing.changed",
                        acting_user=None,
                        authority_id=None,
                        object_type="thing",
                        object_ref=f"{number}-{i}",
                    )
                    # Hold the lock a moment so the others pile up behind it.
                    time.sleep(0.002)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    total = 1 + THREADS * EACH
    sequences = list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, total + 1))
    result = verify_chain(batch_size=7)
    assert result.ok and result.entries == total


def test_a_read_is_logged_while_another_transaction_holds_the_chain_head() -> None:
    """The access log never waits for the chain head: a long audited action does not hold up
    the reads going on meanwhile (decision 0020)."""
    from rogatory.audit.accesslog import log_access

    record("start", acting_user=None, authority_id=None, object_type="t", object_ref="0")
    holding, release, committed = threading.Event(), threading.Event(), threading.Event()

    def long_action() -> None:
        try:
            with transaction.atomic():
                record(
                    "slow.action",
                    acting_user=None,
                    authority_id=None,
                    object_type="t",
                    object_ref="1",
                )
                holding.set()
                # Released only once the read below was logged: had logging waited for the
                # head, it would have returned only after this commit.
                release.wait(timeout=30)
            committed.set()
        finally:
            connection.close()

    thread = threading.Thread(target=long_action)
    thread.start()
    assert holding.wait(timeout=30)
    entry = log_access(
        "case.viewed", acting_user=None, authority_id=1, object_type="case", object_ref="x"
    )
    logged_while_held = not committed.is_set()
    release.set()
    thread.join(timeout=30)
    assert logged_while_held and entry.pk is not None
    assert AuditEntry.objects.filter(action="slow.action").exists()
