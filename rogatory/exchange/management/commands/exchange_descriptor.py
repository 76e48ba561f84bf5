"""Write this node's signed descriptor (to give to partners) and print its fingerprint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rogatory.exchange.errors import ExchangeError
from rogatory.exchange.node import descriptor, our_fingerprint


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            token = descriptor()
        except ExchangeError as error:
            raise CommandError(error.message) from error
        if options["output"]:
            Path(options["output"]).write_text(token + "\n", encoding="ascii")
            self.stderr.write(f"fingerprint {our_fingerprint()}")
        else:
            self.stdout.write(token)
