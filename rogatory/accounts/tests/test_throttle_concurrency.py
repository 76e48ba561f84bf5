"""Counted limits lose no count when several processes hit the same key at once (the row is
created by one of them, the others add to it).

Needs real concurrent connections, so PostgreSQL only (the in-memory SQLite test database is
not shared between threads; SQLite serialises writers anyway).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from rogatory.accounts.models import RateWindow
from rogatory.accounts.throttle import hit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent database connections"
    ),
]

THREADS = 8
EACH = 25


def test_concurrent_hits_are_all_counted() -> None:
    now = timezone.now().replace(second=1)
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []
    refused: list[int] = []

    def worker() -> None:
        try:
            start.wait()
            for _ in range(EACH):
                if hit("test:concurrent", 150, 60, now=now):
                    refused.append(1)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    row = RateWindow.objects.get(key="test:concurrent")
    assert row.count == THREADS * EACH
    # Exactly the calls past the limit were refused.
    assert len(refused) == THREADS * EACH - 150
