"""Fill a benchmark database with synthetic casework (see rogatory/cases/synthetic.py).

Synthetic data bypasses the actions and writes no audit entries: it is benchmark data, outside
the audit chain. The command refuses to run in a database holding real casework.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rogatory.cases import synthetic


class Command(BaseCommand):
    help = (
        "Generate synthetic authorities (bench-NN), cases and events for benchmarks. Writes no "
        "audit entries; refuses to run where a real authority has cases (see --force)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = synthetic.Spec()
        parser.add_argument("--cases", type=int, default=defaults.cases)
        parser.add_argument("--events", type=int, default=defaults.events)
        parser.add_argument("--authorities", type=int, default=defaults.authorities)
        parser.add_argument("--seed", type=int, default=defaults.seed)
        parser.add_argument(
            "--batch", type=int, default=defaults.batch, help="cases written per transaction"
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="the last day of the generated history (YYYY-MM-DD; default: today)",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete the cases of the bench authorities first",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="run even though authorities other than bench-* have cases (never in production)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1.")
        try:
            synthetic.check_can_generate(force=options["force"], replace=options["replace"])
            if options["replace"]:
                deleted = synthetic.delete_bench_cases()
                self.stdout.write(f"Deleted {deleted} cases of the bench authorities.")
            spec = synthetic.Spec(
                cases=options["cases"],
                events=options["events"],
                authorities=options["authorities"],
                seed=options["seed"],
                batch=options["batch"],
                today=options["today"],
            )
            synthetic.generate(spec, progress=self.stdout.write)
        except synthetic.GenerationRefused as refused:
            raise CommandError(refused.message) from refused
