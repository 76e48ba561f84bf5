"""manage.py restore: bring a new data directory to a working server from a backup (0023)."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from rogatory.operations.encryption import load_identities
from rogatory.operations.errors import BackupError
from rogatory.operations.restore import check_backup, restore_backup


def _passphrase() -> str:
    """The identity file's passphrase: BACKUP_IDENTITY_PASSPHRASE, or asked on the terminal."""
    value = os.environ.get("BACKUP_IDENTITY_PASSPHRASE")
    if value:
        return value
    if not sys.stdin.isatty():
        raise BackupError(
            _(
                "The identity file is protected by a passphrase: run on a terminal, or set "
                "BACKUP_IDENTITY_PASSPHRASE."
            )
        )
    return getpass.getpass(_("Passphrase of the identity file: "))


class Command(BaseCommand):
    help = (
        "Restore a backup into this server's (new, empty) DATA_DIR and database, then collect "
        "static files, rebuild the search index, verify the audit trail and every stored "
        "file. --check only decrypts and checks the backup."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", help="the backup file (.tar.age), or - for standard input")
        parser.add_argument(
            "--identity",
            help="the age identity file (private key); default BACKUP_IDENTITY_FILE",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace what the target holds already (it is refused otherwise)",
        )
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="FILE",
            help="an audit checkpoint kept off the machine, to check the restored trail against "
            "(repeatable)",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="decrypt and check the backup against its manifest; restore nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        identity = options["identity"] or settings.BACKUP_IDENTITY_FILE
        if not identity:
            raise CommandError(
                _("Give the identity file (private key) with --identity or BACKUP_IDENTITY_FILE.")
            )
        try:
            identities = load_identities(Path(identity), passphrase=_passphrase)
            if options["check"]:
                contents, sha256 = check_backup(options["backup"], identities)
                self.stdout.write(
                    _(
                        "Backup intact: made %(created)s, %(members)s files, %(bytes)s bytes, "
                        "%(vendor)s database, SHA-256 %(sha256)s."
                    )
                    % {
                        "created": contents.header.get("created_at"),
                        "members": len(contents.members),
                        "bytes": contents.bytes,
                        "vendor": contents.header.get("database", {}).get("vendor"),
                        "sha256": sha256,
                    }
                )
                return
            report = restore_backup(
                options["backup"],
                identities,
                force=options["force"],
                checkpoints=[Path(name) for name in options["checkpoint"]],
                progress=self.stdout.write,
            )
        except BackupError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            _(
                "Restored the backup made %(created)s (%(members)s files, %(bytes)s bytes, "
                "SHA-256 %(sha256)s) into %(data_dir)s."
            )
            % {
                "created": report.created_at,
                "members": report.members,
                "bytes": report.bytes,
                "sha256": report.sha256,
                "data_dir": settings.DATA_DIR,
            }
        )
        for step in report.steps:
            mark = self.style.SUCCESS(_("ok")) if step.ok else self.style.ERROR(_("FAILED"))
            self.stdout.write(f"  [{mark}] {step.name}: {step.detail}")
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(_("Warning: %(text)s") % {"text": warning}))
        if not report.ok:
            raise CommandError(
                _(
                    "The data is in place but a check failed (see above): investigate before "
                    "opening the server to users."
                )
            )
        self.stdout.write(self.style.SUCCESS(_("The server is ready to start.")))
