"""manage.py backup: an encrypted backup of the database, the files and the keys (0023)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from rogatory.operations.actions import do_record_backup
from rogatory.operations.backup import make_backup
from rogatory.operations.errors import BackupError


class Command(BaseCommand):
    help = (
        "Write an encrypted backup (database, DATA_DIR's files, keys, with a manifest of "
        "SHA-256 checksums) into a folder, or to standard output with --output -. Encrypted "
        "to the age public keys of BACKUP_RECIPIENTS / BACKUP_RECIPIENTS_FILE."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            required=True,
            help="folder for the backup file (outside DATA_DIR), or - for standard output",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="then remove all but the newest KEEP backups of that folder",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        keep = options["keep"]
        if keep is not None and keep < 1:
            raise CommandError(_("--keep must be at least 1."))
        to_stdout = options["output"] == "-"
        if to_stdout and keep is not None:
            raise CommandError(_("--keep needs a folder, not standard output."))
        # Standard output may carry the backup itself: messages go to standard error then.
        say = self.stderr.write if to_stdout else self.stdout.write
        output = sys.stdout.buffer if to_stdout else Path(options["output"])
        try:
            result = make_backup(output, keep=keep, progress=say)
        except BackupError as error:
            raise CommandError(error.message) from error
        name = result.path.name if result.path else "stdout"
        do_record_backup(
            name=name,
            sha256=result.sha256,
            size=result.size,
            members=result.members,
            database=result.database,
        )
        say(
            _(
                "Backup written: %(path)s (%(size)s bytes, %(members)s files, SHA-256 "
                "%(sha256)s) in %(seconds).1f s."
            )
            % {
                "path": result.path or "stdout",
                "size": result.size,
                "members": result.members,
                "sha256": result.sha256,
                "seconds": result.seconds,
            }
        )
        if result.keys:
            say(_("Keys included: %(keys)s.") % {"keys": ", ".join(result.keys)})
        for secret in result.environment_secrets:
            say(
                _("%(name)s comes from the environment and is NOT in the backup: keep it safe.")
                % {"name": secret}
            )
        for name in result.skipped:
            say(_("Removed while the backup ran, left out: %(name)s") % {"name": name})
        for path in result.removed:
            say(_("Removed the older backup %(path)s") % {"path": path})
