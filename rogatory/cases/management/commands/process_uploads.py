"""Check and store the large uploads the browser completed; remove abandoned ones.

Run it with --loop beside the web server (``make run`` does): files over 50 MB wait for it,
and so do large case exports (cases/exports.py), written by a thread of their own so that a
long export does not hold up the uploads.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rogatory.cases.exports import process_pending_exports, run_exports_forever
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
            self.stdout.write(f"exports written: {process_pending_exports()}")
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write("upload worker running")
        exports = threading.Thread(
            target=run_exports_forever,
            args=(stop,),
            kwargs={
                "interval": options["interval"],
                "on_error": lambda error: self.stderr.write(f"export worker: {error!r}"),
            },
            name="exports",
            daemon=True,
        )
        exports.start()
        run_forever(
            stop,
            interval=options["interval"],
            on_error=lambda error: self.stderr.write(f"upload worker: {error!r}"),
        )
        exports.join(timeout=60)
