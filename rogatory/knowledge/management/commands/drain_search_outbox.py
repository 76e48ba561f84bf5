"""manage.py drain_search_outbox: apply pending knowledge-base changes to the search index.

Every write drains the outbox after its commit; this command is the safety net for rows left
behind by a failed drain (disk full, a writer lock held too long), for cron every minute.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rogatory.knowledge.indexing import drain_outbox


class Command(BaseCommand):
    help = "Apply pending knowledge-base changes (the search outbox) to the search index."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Applied {drain_outbox()} pending changes to the search index.")
