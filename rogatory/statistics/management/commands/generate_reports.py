"""Write the statistics reports waiting in the queue (decision 0041), and delete the runs
older than STATISTICS_REPORT_RUN_DAYS (reports marked as sent stay, as snapshots).

Run it with --loop beside the web server (scripts/run.sh does): reports of large periods wait
for it; without --loop it writes those waiting, deletes the old runs and stops.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rogatory.statistics.reports.runs import (
    process_pending_reports,
    purge_old_runs,
    run_forever,
)


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep running until stopped")
        parser.add_argument(
            "--interval", type=float, default=2.0, help="seconds between idle passes"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["loop"]:
            self.stdout.write(f"reports written: {process_pending_reports(limit=1000)}")
            self.stdout.write(f"old report runs deleted: {purge_old_runs(limit=100_000)}")
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write("report worker running")
        run_forever(
            stop,
            interval=options["interval"],
            on_error=lambda error: self.stderr.write(f"report worker: {error!r}"),
        )
