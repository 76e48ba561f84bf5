"""Statistics at scale: every statistics page and table, for one authority and across the hub.

Prints Markdown tables: for each period, the p50 and p95 wall time of the statistics page of
the largest synthetic authority (``bench-01``, read by its supervisor, who sees every request
of it), of the page across the hub (every ``bench-*`` authority taking part), of the CSV and
XLSX exports (timed apart), and of each table computed alone; the SQL queries of each page
for every period (they must not depend on the period), and, in the same run, the ratio of two
tables to the raw SQL that answers the same question.

Usage:
    make bench-statistics ARGS="--reuse"
    .venv/bin/python bench/statistics_at_scale.py --generate --size 1000000 --events 10000000

The database is PostgreSQL ``rogatory_bench_statistics`` (``--database-url``). ``--generate``
drops and creates it, migrates, loads reference data and runs the generator of
``manage.py generate_cases`` (with assets); ``--reuse`` measures the data already there.
Consent to the hub's statistics is recorded for every bench authority (benchmark data, outside
the audit chain like the rest of it). Record results in docs/benchmarks.md.
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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cases import percentile, recreate_postgres_database  # noqa: E402

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/rogatory_bench_statistics"


def timed(call: Callable[[], Any], iterations: int, warm: int = 1) -> tuple[float, float]:
    """p50 and p95 in milliseconds of ``iterations`` calls after ``warm`` untimed ones."""
    for _n in range(warm):
        call()
    samples = []
    for _n in range(iterations):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), percentile(samples, 0.95)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=PG_DEFAULT)
    parser.add_argument("--generate", action="store_true", help="drop, create and fill")
    parser.add_argument("--reuse", action="store_true", help="measure the data already there")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--authorities", type=int, default=50)
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)
    parser.add_argument("--iterations", type=int, default=10, help="timed requests per page")
    parser.add_argument("--skip-tables", action="store_true", help="pages only")
    parser.add_argument("--skip-exports", action="store_true")
    args = parser.parse_args(argv)
    if args.generate == args.reuse:
        parser.error("say --generate or --reuse")
    if "bench" not in args.database_url.rsplit("/", 1)[-1]:
        parser.error("the benchmark database's name must contain 'bench'")

    os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="rogatory-bench-statistics-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rogatory.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
    if args.generate:
        recreate_postgres_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if args.generate:
        from rogatory.cases import synthetic
        from rogatory.reference.loaders import load_reference_data

        load_reference_data()
        synthetic.check_can_generate()
        spec = synthetic.Spec(
            cases=args.size, events=args.events, authorities=args.authorities, today=args.today
        )
        report = synthetic.generate(spec, progress=lambda message: print(message, flush=True))
        print(f"\nGeneration: {report.summary()}\n")
    print("\n".join(measure(args)))


def measure(args: argparse.Namespace) -> list[str]:
    from django.db import connection, models
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone, translation

    from rogatory.accounts.models import Authority, Role, User
    from rogatory.assets.figures import asset_figures
    from rogatory.assets.models import Asset, AssetEvent
    from rogatory.cases import synthetic
    from rogatory.cases.models import Case, CaseEvent
    from rogatory.cases.stats import Period, started_in
    from rogatory.statistics import figures
    from rogatory.statistics.models import HubConsent

    today = timezone.localdate()
    benches = list(synthetic.bench_authorities().order_by("code"))
    for authority in benches:
        if not HubConsent.objects.in_force().filter(authority=authority).exists():
            HubConsent.objects.create(
                authority=authority, given_at=timezone.now(), given_by_name="benchmark"
            )
    largest = Authority.objects.get(code="bench-01")
    reader = User.objects.get(authority=largest, role=Role.SUPERVISOR)
    cases = Case.objects.for_user(reader)
    hub_cases = Case.objects.filter(authority__in=benches)
    # Periods end on the last day a request was received (a partial generation stops early in
    # time: the generator draws requests in chronological order; sending dates run later);
    # the page's "today", for ages and the backlog, stays the real one.
    last = cases.aggregate(day=models.Max("received_on"))["day"] or today
    periods = {
        "a month": Period(last - datetime.timedelta(days=30), last),
        "12 months": Period(last - datetime.timedelta(days=365), last),
        f"calendar year {last.year - 1}": Period.calendar_year(last.year - 1),
        "five years": Period(last - datetime.timedelta(days=5 * 366), last),
    }
    queries = {
        label: {"preset": "dates", "start": period.start, "end": period.end}
        for label, period in periods.items()
    }
    client = Client()
    client.force_login(reader)
    lines = [
        f"Data: {Case.objects.count():,} requests, {CaseEvent.objects.count():,} events, "
        f"{Asset.objects.count():,} assets, {AssetEvent.objects.count():,} asset events, "
        f"{len(benches)} authorities; bench-01 holds {cases.count():,} requests; the hub "
        f"{hub_cases.count():,}. Today {today}. {args.iterations} timed requests after one "
        "warm-up; milliseconds.",
        "",
        "| page | period | requests in period | p50 ms | p95 ms | SQL queries |",
        "|---|---|---|---|---|---|",
    ]
    pages = [("statistics page, bench-01", "statistics", cases)]
    pages.append(
        (f"statistics across the hub ({len(benches)} authorities)", "statistics_hub", hub_cases)
    )
    if not args.skip_exports:
        pages += [
            ("CSV export, bench-01", "statistics_csv", cases),
            ("XLSX export, bench-01", "statistics_xlsx", cases),
        ]
    counts: dict[str, set[int]] = {}
    for label, name, scope in pages:
        for period_label, period in periods.items():
            params = {k: str(v) for k, v in queries[period_label].items()}
            url = reverse(name)

            def get(u: str = url, p: dict[str, str] = params) -> None:
                response = client.get(u, p)
                assert response.status_code == 200, response.status_code

            get()
            executed: list[str] = []

            # Counted by a wrapper: Django's request_started signal empties the query log that
            # CaptureQueriesContext reads, so it can miss a whole request.
            def count(run: Any, sql: str, *rest: Any, log: list[str] = executed) -> Any:
                log.append(sql)
                return run(sql, *rest)

            with connection.execute_wrapper(count):
                get()
            counts.setdefault(label, set()).add(len(executed))
            p50, p95 = timed(get, args.iterations, warm=0)
            started = started_in(scope, period).count()
            lines.append(
                f"| {label} | {period_label} | {started:,} | {p50:.0f} | {p95:.0f} "
                f"| {len(executed)} |"
            )
            print(lines[-1], flush=True)
    lines += ["", "Queries per page the same for every period: " + ", ".join(
        f"{label} {'yes' if len(n) == 1 else 'NO ' + str(sorted(n))}" for label, n in counts.items()
    )]  # fmt: skip

    if not args.skip_tables:
        today_ = today
        tables: dict[str, Callable[[Any, Period], Any]] = {
            "by_kind": figures.by_kind,
            "by_state_and_region": figures.by_state_and_region,
            "by_legal_basis": figures.by_legal_basis,
            "by_iccs": figures.by_iccs,
            "by_channel": figures.by_channel,
            "by_urgency": figures.by_urgency,
            "measures": figures.measures,
            "durations": lambda c, p: figures.durations(c, p, today_),
            "refusals": figures.refusals,
            "postponements": figures.postponements,
            "backlog": lambda c, p: figures.backlog(c, p, today_),
            "flows": lambda c, p: figures.flows(c, p, today_),
            "completeness": figures.completeness,
        }
        lines += [
            "",
            "Each table alone (12 months; five years), p50 / p95 ms:",
            "",
            "| table | bench-01, 12 months | bench-01, five years | hub, 12 months "
            "| hub, five years |",
            "|---|---|---|---|---|",
        ]
        with translation.override("en"):
            for name, table in tables.items():
                cells = []
                for scope in (cases, hub_cases):
                    for period_label in ("12 months", "five years"):
                        period = periods[period_label]
                        p50, p95 = timed(
                            lambda t=table, s=scope, p=period: t(s, p), max(3, args.iterations // 2)
                        )
                        cells.append(f"{p50:.0f} / {p95:.0f}")
                lines.append(f"| {name} | " + " | ".join(cells) + " |")
                print(lines[-1], flush=True)
            cells = []
            for authority in (largest,):
                for period_label in ("12 months", "five years"):
                    period = periods[period_label]
                    p50, p95 = timed(
                        lambda p=period, a=authority: asset_figures(a, p.start, p.end),
                        max(3, args.iterations // 2),
                    )
                    cells.append(f"{p50:.0f} / {p95:.0f}")
            lines.append("| asset_figures (assets app) | " + " | ".join(cells) + " | – | – |")

    lines += ["", *raw_ratios(cases, periods["five years"], largest.pk, args.iterations)]
    return lines


def raw_ratios(cases: Any, period: Any, authority_id: int, iterations: int) -> list[str]:
    """Two tables against hand-written SQL answering the same question, in this run."""
    from django.db import connection
    from django.utils import translation

    from rogatory.statistics import figures

    start, end = period.start, period.end
    by_kind_sql = """
        SELECT kind, count(*) FILTER (WHERE direction = 'incoming'),
               count(*) FILTER (WHERE direction = 'outgoing')
        FROM cases_case
        WHERE authority_id = %s AND ((direction = 'incoming' AND received_on BETWEEN %s AND %s)
           OR (direction = 'outgoing' AND sent_on BETWEEN %s AND %s))
        GROUP BY kind
    """
    # Disposition: first final transition per request, as one pass over the events.
    disposed_sql = """
        SELECT c.direction, count(*)
        FROM cases_case c
        LEFT JOIN LATERAL (
            SELECT e.at::date AS day FROM cases_caseevent e
            WHERE e.case_id = c.id AND e.kind = 'transition'
              AND e.to_status IN ('closed', 'executed', 'refused', 'withdrawn')
            ORDER BY e.at LIMIT 1) f ON true
        WHERE c.authority_id = %s AND c.status_is_final
          AND coalesce(c.executed_on, f.day, c.closed_on) BETWEEN %s AND %s
        GROUP BY c.direction
    """

    # The same count read from the day stored on the request (Case.disposed_on, decision 0044).
    disposed_column_sql = """
        SELECT direction, count(*) FROM cases_case
        WHERE authority_id = %s AND disposed_on BETWEEN %s AND %s
        GROUP BY direction
    """
    # Requests of every authority whose stored day is not the rule recomputed from the
    # history: the generator (or the backfill) wrote the column wrong if this is not 0.
    mismatch_sql = """
        SELECT count(*)
        FROM cases_case c
        LEFT JOIN LATERAL (
            SELECT e.at::date AS day FROM cases_caseevent e
            WHERE e.case_id = c.id AND e.kind = 'transition'
              AND e.to_status IN ('closed', 'executed', 'refused', 'withdrawn')
            ORDER BY e.at LIMIT 1) f ON true
        WHERE c.disposed_on IS DISTINCT FROM
              CASE WHEN c.status_is_final THEN coalesce(c.executed_on, f.day, c.closed_on) END
    """

    def run(sql: str, params: list[Any]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    n = max(3, iterations // 2)
    out = [
        "Against raw SQL (bench-01, five years; the raw query reads every request of the "
        "authority, strictly confidential ones included, like the supervisor), p50 ms:",
        "",
        "| table | ours | raw SQL | ratio |",
        "|---|---|---|---|",
    ]
    with translation.override("en"):
        ours, _p = timed(lambda: figures.by_kind(cases, period), n)
    raw, _p = timed(lambda: run(by_kind_sql, [authority_id, start, end, start, end]), n)
    out.append(f"| requests by kind | {ours:.1f} | {raw:.1f} | {ours / raw:.2f}x |")
    ours, _p = timed(lambda: figures.flows(cases, period, period.end), n)
    raw, _p = timed(lambda: run(disposed_sql, [authority_id, start, end]), n)
    out.append(
        f"| clearance (started, disposed, pending) vs disposed alone | {ours:.1f} | {raw:.1f} "
        f"| {ours / raw:.2f}x |"
    )
    column, _p = timed(lambda: run(disposed_column_sql, [authority_id, start, end]), n)
    out.append(
        f"| disposed alone: stored day vs the history (raw SQL both) | {column:.1f} | {raw:.1f} "
        f"| {column / raw:.2f}x |"
    )
    with connection.cursor() as cursor:
        cursor.execute(mismatch_sql)
        (wrong,) = cursor.fetchone()
    out += ["", f"Requests whose stored disposition day is not the rule's: {wrong:,}."]
    return out


if __name__ == "__main__":
    main()
