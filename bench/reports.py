"""Statistics reports under load: the figures, the PDF and the workbook of each layout, timed
apart (decision 0041).

Usage:
    .venv/bin/python bench/reports.py --size 10000
    .venv/bin/python bench/reports.py --database-url postgresql://.../rogatory_bench_cases --reuse

Generates synthetic casework in a fresh SQLite database (``manage.py generate_cases``'s
generator), or reuses a PostgreSQL database bench/cases.py filled, then, for the largest
synthetic authority, times each shipped layout over the last 12 months and over every year
the data holds: building the document (the figures' queries), the PDF, the workbook. Prints a
Markdown table (median of ``--iterations`` runs, seconds). Record results in
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(function: Callable[[], Any], iterations: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(iterations):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=10_000, help="number of cases")
    parser.add_argument("--database-url", default="", help="PostgreSQL database to reuse")
    parser.add_argument("--reuse", action="store_true", help="keep the data already there")
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("--language", default="en")
    args = parser.parse_args(argv)

    workdir = tempfile.mkdtemp(prefix="rogatory-bench-reports-")
    os.environ.setdefault("DATA_DIR", workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rogatory.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir}/bench.sqlite3"

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone, translation

    from rogatory.accounts.models import User
    from rogatory.cases import synthetic
    from rogatory.cases.models import Case
    from rogatory.cases.stats import Period, started_in
    from rogatory.statistics.reports.document import build_document
    from rogatory.statistics.reports.files import to_pdf, to_xlsx
    from rogatory.statistics.reports.layouts import available_layouts

    call_command("migrate", verbosity=0)
    if not (args.reuse and synthetic.bench_authorities().exists()):
        from rogatory.reference.loaders import load_reference_data
        from rogatory.treaties.loaders import load_treaty_data

        load_reference_data()
        load_treaty_data()
        synthetic.check_can_generate()
        spec = synthetic.Spec(cases=args.size, events=10 * args.size, authorities=2, seed=1)
        synthetic.generate(spec, progress=lambda message: print(message, flush=True))
    authority = synthetic.bench_authorities().order_by("code").first()
    assert authority is not None
    user = User.objects.filter(authority=authority).order_by("role").first()
    assert user is not None
    cases = Case.objects.for_user(user)
    today = timezone.localdate()
    first = cases.exclude(received_on=None).order_by("received_on").first()
    start = first.received_on if first and first.received_on else today
    periods = {
        "last 12 months": Period.last_12_months(today),
        "all years": Period(datetime.date(start.year, 1, 1), today),
    }
    layouts, _refused = available_layouts()
    lines = [
        f"Authority {authority.code}: {cases.count()} requests; {args.language}; median of "
        f"{args.iterations}.",
        "",
        "| layout | period | requests | figures (s) | PDF (s) | pages | XLSX (s) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    with translation.override(args.language):
        for layout in layouts:
            for name, period in periods.items():
                n = started_in(cases, period).count()
                build_s, document = timed(
                    partial(
                        build_document,
                        layout,
                        cases=cases,
                        authority=authority,
                        period=period,
                        today=today,
                        threshold=3,
                    ),
                    args.iterations,
                )
                pdf_s, pdf = timed(partial(to_pdf, document, args.language), args.iterations)
                xlsx_s, _xlsx = timed(partial(to_xlsx, document), args.iterations)
                pages = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page")
                lines.append(
                    f"| {layout.id} | {name} | {n} | {build_s:.2f} | {pdf_s:.2f} | {pages} "
                    f"| {xlsx_s:.2f} |"
                )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
