"""Offline exchange: export a sent message to a file, import one, or write an evidence bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rogatory.exchange.errors import ExchangeError
from rogatory.exchange.models import Message
from rogatory.exchange.offline import export_envelope, import_envelope, write_message_bundle


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        exp = sub.add_parser("export", help="write a sent message (envelope and chunks) to a file")
        exp.add_argument("message_id", help="the message id (as in its header)")
        exp.add_argument("file")
        imp = sub.add_parser("import", help="verify and receive a message file")
        imp.add_argument("file")
        bun = sub.add_parser("bundle", help="write the evidence bundle of a message")
        bun.add_argument("message_id")
        bun.add_argument("file")
        bun.add_argument("--direction", choices=["outbound", "inbound"], default="")

    def _message(self, message_id: str, direction: str = "") -> Message:
        rows = Message.objects.filter(message_id=message_id)
        if direction:
            rows = rows.filter(direction=direction)
        message = rows.order_by("direction").first()
        if message is None:
            raise CommandError(f"No message {message_id}.")
        return message

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["verb"] == "export":
                message = self._message(options["message_id"], "outbound")
                with open(options["file"], "wb") as out:
                    export_envelope(message, out)
            elif options["verb"] == "import":
                with open(options["file"], "rb") as source:
                    outcome = import_envelope(source)
                self.stdout.write(f"received: {outcome.body.get('state')}")
            else:
                message = self._message(options["message_id"], options["direction"])
                Path(options["file"]).write_bytes(write_message_bundle(message))
        except (ExchangeError, OSError, ValueError) as error:
            raise CommandError(getattr(error, "message", str(error))) from error
