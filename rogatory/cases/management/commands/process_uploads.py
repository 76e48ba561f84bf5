"""Check and store the large uploads the browser completed; remove abandoned ones.

Run it with --loop beside the web server (``make run`` does): files over 50 MB wait for it.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rogatory.cases.resumable import process_pending_uploads, run_forever


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep running until stopped")
        parser.add_argument(
            "--interval", type=float, default=2.0, help="seconds between idle passes"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["loop"]:
            done = process_pending_uploads()
            self.stdout.write(
                f"stored {done.stored}, refused {done.refused}, removed {done.removed} abandoned"
            )
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write("upload worker running")
        run_forever(
            stop,
            interval=options["interval"],
            on_error=lambda error: self.stderr.write(f"upload worker: {error!r}"),
        )
