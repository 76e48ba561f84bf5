"""Deliver the outbox, push evidences and raise reminders for late ones, until stopped."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rogatory.exchange.transport import run_forever, run_once


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between idle passes"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            delivered, pushed = run_once()
            self.stdout.write(f"attempted {delivered} messages, pushed {pushed} evidences")
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write("exchange worker running")
        run_forever(
            stop,
            interval=options["interval"],
            on_error=lambda error: self.stderr.write(f"exchange worker: {error!r}"),
        )
