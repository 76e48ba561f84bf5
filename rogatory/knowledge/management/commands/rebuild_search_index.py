"""manage.py rebuild_search_index: rebuild the knowledge-base index from the database."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from rogatory.knowledge.indexing import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the knowledge-base search index from the database (one commit)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        count = rebuild_index()
        self.stdout.write(f"Indexed {count} documents in {time.monotonic() - started:.1f} s.")
