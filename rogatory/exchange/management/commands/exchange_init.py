"""Make this installation a node of the secure exchange: its id, endpoint and first keys."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rogatory.exchange.errors import ExchangeError
from rogatory.exchange.node import do_init_node, our_fingerprint


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--node-id", required=True, help='e.g. "fr-paris"')
        parser.add_argument(
            "--endpoint",
            required=True,
            help="the URL partners reach, e.g. https://rogatory.example.org/exchange/v1",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            node = do_init_node(options["node_id"], options["endpoint"])
        except ExchangeError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"node {node.node_id} at {node.endpoint}")
        self.stdout.write(f"fingerprint {our_fingerprint()}")
