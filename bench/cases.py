"""Case management under load: generate synthetic casework, then time the pages that read it.

Prints Markdown tables: the generation (rows, seconds, rate), then for each page the median
and 95th percentile wall time of one in-process request (Django test client, no network)
and its SQL query count, and the query counts at page sizes 25 and 100.

Usage:
    make bench-cases ARGS="--size 100000 --database postgresql"
    .venv/bin/python bench/cases.py --size 10000 --database sqlite

Each run creates a dedicated database (a SQLite file in a temporary directory, or the
PostgreSQL database ``rogatory_bench_cases``, dropped and created again), migrates it, loads
the reference data and runs the generator of ``manage.py generate_cases`` (``--events``
defaults to ten per case). ``--reuse`` keeps an existing PostgreSQL benchmark database that
already holds synthetic cases, to measure again without generating. Pages are requested as
an officer of ``bench-01``, the largest synthetic authority. Pages whose URL name does not
exist yet are skipped with a note. Record results in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/rogatory_bench_cases"


@dataclass
class Page:
    label: str
    url_name: str
    query: str = ""
    args: tuple[Any, ...] = ()
    api: bool = False


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def recreate_postgres_database(url: str) -> None:
    """Drop and create the benchmark database (never anything but the one named in ``url``)."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    name = dj_database_url.parse(url)["NAME"]
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: the benchmark database name has 'bench'")
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def postgres_database_exists(url: str) -> bool:
    import dj_database_url
    import psycopg

    name = dj_database_url.parse(url)["NAME"]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return found is not None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=10_000, help="number of cases")
    parser.add_argument("--events", type=int, default=0, help="default: ten per case")
    parser.add_argument(
        "--authorities", type=int, default=0, help="default: 50, fewer for small sizes"
    )
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", default="", help=f"PostgreSQL; default {PG_DEFAULT}")
    parser.add_argument("--iterations", type=int, default=30, help="timed requests per page")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="PostgreSQL: keep existing data")
    args = parser.parse_args(argv)
    if args.iterations < 1 or args.size < 1:
        parser.error("--size and --iterations must be positive")
    events = args.events or 10 * args.size
    authorities = args.authorities or max(2, min(50, args.size // 20_000))

    workdir = tempfile.mkdtemp(prefix="rogatory-bench-cases-")
    os.environ.setdefault("DATA_DIR", workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rogatory.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    # Time the calls themselves, not the API's rate limits (decision 0019).
    os.environ.setdefault("API_RATE_LIMIT_PER_MINUTE", "1000000")
    os.environ.setdefault("API_ANONYMOUS_RATE_LIMIT_PER_MINUTE", "1000000")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
    reuse = False
    if args.database == "postgresql":
        url = args.database_url or PG_DEFAULT
        reuse = args.reuse and postgres_database_exists(url)
        if not reuse:
            recreate_postgres_database(url)
    else:
        url = f"sqlite:///{workdir}/bench-cases.sqlite3"
    os.environ["DATABASE_URL"] = url

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from rogatory.cases import synthetic
    from rogatory.cases.models import Case

    lines: list[str] = []
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if reuse and synthetic.bench_authorities().exists():
        lines.append(f"Reused the existing data: {Case.objects.count()} cases.")
    else:
        from rogatory.reference.loaders import load_reference_data
        from rogatory.treaties.loaders import load_treaty_data

        load_reference_data()
        load_treaty_data()
        synthetic.check_can_generate()
        spec = synthetic.Spec(
            cases=args.size, events=events, authorities=authorities, seed=args.seed
        )
        report = synthetic.generate(spec, progress=lambda message: print(message, flush=True))
        lines += generation_table(report, connection.vendor)
    lines += measure_pages(args.iterations)
    print()
    print("\n".join(lines))


def generation_table(report: Any, vendor: str) -> list[str]:
    return [
        f"Generation on {vendor} ({report.method}):",
        "",
        "| cases | events | offences | persons | measures | authorities | seconds | rows/s |",
        "|---|---|---|---|---|---|---|---|",
        f"| {report.cases:,} | {report.events:,} | {report.offences:,} | {report.persons:,} "
        f"| {report.measures:,} | {report.authorities} | {report.seconds:.1f} "
        f"| {report.rows / report.seconds:,.0f} |",
        "",
    ]


def measure_pages(iterations: int) -> list[str]:
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from rogatory.accounts.models import Authority, Role, User
    from rogatory.cases.models import Case

    authority = Authority.objects.get(code="bench-01")
    officer = User.objects.filter(authority=authority, role=Role.OFFICER).order_by("username")[0]
    visible = Case.objects.for_user(officer)
    total = visible.count()
    # The counterpart the authority works with most, and a case with a long history.
    top_state = (
        visible.values("counterpart_state_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("counterpart_state_id", flat=True)[0]
    )
    recent = visible.order_by("-created_at", "-id").values_list("pk", flat=True)[:500]
    busy = (
        Case.objects.filter(pk__in=list(recent))
        .annotate(n=Count("events"))
        .order_by("-n")
        .values_list("public_id", "n")[0]
    )
    client = Client()
    client.force_login(officer)
    headers: dict[str, str] = {}
    try:
        from rogatory.accounts.actions import do_create_token

        _token, secret = do_create_token(officer, name="benchmark")
        headers = {"Authorization": f"Bearer {secret}"}
    except ImportError:
        pass

    pages = [
        Page("case list", "case_list"),
        Page("case list ?status=in_execution", "case_list", "status=in_execution"),
        Page("case list ?direction=incoming&kind=mla", "case_list", "direction=incoming&kind=mla"),
        Page(f"case list ?state={top_state} (top counterpart)", "case_list", f"state={top_state}"),
        Page("case list ?iccs=07", "case_list", "iccs=07"),
        Page("case list ?overdue=1", "case_list", "overdue=1"),
        Page("case list ?q=ivanov", "case_list", "q=ivanov"),
        Page("case list ?page=50", "case_list", "page=50"),
        Page("case list ?page_size=100", "case_list", "page_size=100"),
        Page(f"case page ({busy[1]} events)", "case_detail", args=(busy[0],)),
        Page("dashboard", "case_dashboard"),
        Page("API GET /api/v1/cases", "api:case_list", api=True),
        Page("API GET /api/v1/cases?page_size=100", "api:case_list", "page_size=100", api=True),
        Page("API GET /api/v1/cases?q=ivanov", "api:case_list", "q=ivanov", api=True),
    ]
    lines = [
        f"Pages as {officer.username} ({total:,} cases visible of {Case.objects.count():,}); "
        f"{iterations} timed requests after 3 warm-up ones; milliseconds.",
        "",
        "| page | runs | p50 ms | p95 ms | SQL queries |",
        "|---|---|---|---|---|",
    ]
    notes: list[str] = []
    counts: dict[str, int] = {}
    for page in pages:
        try:
            path = reverse(page.url_name, args=page.args)
        except NoReverseMatch:
            notes.append(f"- skipped {page.label}: no URL named {page.url_name!r} yet")
            continue
        if page.api and not headers:
            notes.append(f"- skipped {page.label}: no API tokens (accounts.ApiToken) yet")
            continue
        url = f"{path}?{page.query}" if page.query else path
        get: Callable[[], Any] = lambda u=url, h=page.api: client.get(  # noqa: E731
            u, headers=headers if h else {}
        )
        response = get()
        if response.status_code != 200:
            notes.append(f"- {page.label}: HTTP {response.status_code}, not timed")
            continue
        for _n in range(2):
            get()
        with CaptureQueriesContext(connection) as captured:
            get()
        counts[page.label] = len(captured.captured_queries)
        timings = []
        for _n in range(iterations):
            start = time.perf_counter()
            get()
            timings.append((time.perf_counter() - start) * 1000)
        lines.append(
            f"| {page.label} | {iterations} | {statistics.median(timings):.1f} "
            f"| {percentile(timings, 0.95):.1f} | {counts[page.label]} |"
        )
    lines += ["", *notes] if notes else []
    pairs = [
        ("case list", "case list", "case list ?page_size=100"),
        ("API list", "API GET /api/v1/cases", "API GET /api/v1/cases?page_size=100"),
    ]
    lines += ["", "| SQL queries per page | page size 25 | page size 100 |", "|---|---|---|"]
    for label, small, large in pairs:
        if small in counts and large in counts:
            lines.append(f"| {label} | {counts[small]} | {counts[large]} |")
    return lines


if __name__ == "__main__":
    main()
