"""Check that the audit trail has not been altered, deleted, reordered or truncated."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext, ngettext

from rogatory.audit.verify import BATCH_SIZE, verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain. Exits non-zero and names the first broken entry "
        "if anything was altered, deleted, reordered or truncated; otherwise prints the last "
        "hash, worth noting outside the database."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Entries read per query (default {BATCH_SIZE}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError(gettext("The batch size must be at least 1."))
        result = verify_chain(batch_size=options["batch_size"])
        if result.problem is not None:
            problem = result.problem
            raise CommandError(
                gettext("Audit trail broken at entry #%(sequence)s (%(kind)s): %(message)s")
                % {
                    "sequence": problem.sequence,
                    "kind": problem.kind.label,
                    "message": problem.message,
                }
            )
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "Audit trail intact: %(count)s entry, last hash %(hash)s",
                    "Audit trail intact: %(count)s entries, last hash %(hash)s",
                    result.entries,
                )
                % {"count": result.entries, "hash": result.last_hash}
            )
        )
