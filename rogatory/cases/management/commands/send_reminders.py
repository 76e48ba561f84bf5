"""Write today's deadline reminders and e-mail them; run once a day (cron or a systemd timer)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rogatory.cases.reminders import run


class Command(BaseCommand):
    help = "Find requests and measures due soon or overdue, remind officers and supervisors."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Run as if on this date (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today must be a date written YYYY-MM-DD.") from None
        result = run(today)
        self.stdout.write(f"{result.created} new reminders, {result.emailed} e-mails sent.")
