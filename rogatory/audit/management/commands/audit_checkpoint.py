"""Seal the access log into the chain, then sign a checkpoint of the chain head."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from rogatory.audit.checkpoint import write_checkpoint


class Command(BaseCommand):
    help = (
        "Seal the access-log entries written since the last seal into the audit chain, then sign "
        "a checkpoint of the chain head with the installation's Ed25519 key, keep a copy in "
        "AUDIT_CHECKPOINT_DIR and print it. Keep it off the machine (print it, send it to "
        "another authority) and check the trail against it with verify_audit --checkpoint."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--no-seal", action="store_true", help="Do not seal the access log first."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint, path = write_checkpoint(seal=not options["no_seal"])
        self.stdout.write(checkpoint.to_text())
        self.stderr.write(f"Kept in {path}")
