"""manage.py backup_keygen: make the key pair backups are encrypted to (decision 0023)."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from rogatory.operations.encryption import add_recipient, generate_identity
from rogatory.operations.errors import BackupError


class Command(BaseCommand):
    help = (
        "Make an age key pair for backups: the identity (private key) goes to --identity, "
        "which belongs off this machine; the public key is added to BACKUP_RECIPIENTS_FILE."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--identity", required=True, help="new file for the private key (outside DATA_DIR)"
        )
        parser.add_argument(
            "--passphrase",
            action="store_true",
            help="protect the identity file with a passphrase (asked twice)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        identity = Path(options["identity"]).resolve()
        data_dir = Path(settings.DATA_DIR).resolve()
        if identity.is_relative_to(data_dir):
            raise CommandError(
                _(
                    "The identity must not live in DATA_DIR (%(data_dir)s): every backup would "
                    "carry the key that opens it."
                )
                % {"data_dir": data_dir}
            )
        passphrase = None
        if options["passphrase"]:
            passphrase = getpass.getpass(_("Passphrase for the identity file: "))
            if len(passphrase) < 12:
                raise CommandError(_("Choose a passphrase of at least 12 characters."))
            if getpass.getpass(_("The same passphrase again: ")) != passphrase:
                raise CommandError(_("The two passphrases differ."))
        try:
            recipient = generate_identity(identity, passphrase=passphrase)
        except BackupError as error:
            raise CommandError(error.message) from error
        recipients_file = Path(settings.BACKUP_RECIPIENTS_FILE)
        add_recipient(recipient, recipients_file)
        self.stdout.write(_("Public key (recipient): %(key)s") % {"key": recipient})
        self.stdout.write(_("Added to %(file)s.") % {"file": recipients_file})
        self.stdout.write(
            _(
                "Private key written to %(file)s. Move it off this machine (a USB key in a safe, "
                "a printout): whoever holds it can read every backup; without it none can be "
                "restored."
            )
            % {"file": identity}
        )
