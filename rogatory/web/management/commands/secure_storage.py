"""Make DATA_DIR readable by the service user only and remove what a crash left behind.

scripts/run.sh runs it at start-up, before the servers: folders 0700 and files 0600 under
DATA_DIR (the SQLite database, documents, uploads, keys; the database file too where
DATABASE_URL puts it elsewhere), then temporary and partial files untouched for an hour and
abandoned resumable uploads (decision 0022). The upload worker repeats the sweep at every pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from rogatory.cases.resumable import remove_abandoned_uploads
from rogatory.lib.datadir import make_private, sweep_temporary


def private_paths() -> list[Path]:
    """DATA_DIR, and the SQLite database with its -wal and -shm files wherever it lives."""
    paths = [Path(settings.DATA_DIR)]
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and database.get("NAME"):
        name = Path(str(database["NAME"]))
        paths += [name, Path(f"{name}-wal"), Path(f"{name}-shm")]
    return paths


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        changed = make_private(private_paths())
        removed = sweep_temporary(
            temporary_dir=Path(settings.FILE_UPLOAD_TEMP_DIR),
            media_root=Path(settings.MEDIA_ROOT),
        )
        abandoned = remove_abandoned_uploads()
        self.stdout.write(
            f"{changed} modes made private, {len(removed)} temporary files and "
            f"{abandoned} abandoned uploads removed"
        )
