"""Send the daily e-mails (digests and reminders wanted at once); run once a day (cron or a
systemd timer). Running it twice the same day sends nothing new."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rogatory.notifications.digest import send_digests


class Command(BaseCommand):
    help = "Find today's reminders and send each person their daily digest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Run as if on this date (YYYY-MM-DD).")
        parser.add_argument(
            "--site-url",
            default=settings.SITE_URL,
            help="Address the links start with (default: the SITE_URL setting).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today must be a date written YYYY-MM-DD.") from None
        result = send_digests(today, site_url=options["site_url"])
        self.stdout.write(
            f"{result.reminders_created} new reminders, {result.digests} digests and "
            f"{result.reminder_emails} reminder e-mails sent."
        )
