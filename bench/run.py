"""Benchmarks: reference loading, ICCS search, the legal-basis finder, the directory and pages.

Prints a Markdown table.

Usage: make bench   (or: .venv/bin/python bench/run.py [--database-url URL] [--repeat N])

Case management under load has its own script, reached from here too:
``bench/run.py cases [--size N --database sqlite|postgresql]`` runs ``bench/cases.py``
(``make bench-cases ARGS="..."``).

Runs against a throw-away SQLite database by default; pass a PostgreSQL URL to measure there
(the database is created if missing and left for inspection). Record results, with the date
and machine, in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(func: Callable[[], object], repeat: int) -> list[float]:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def row(name: str, timings: list[float]) -> str:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"| {name} | {len(timings)} | {statistics.median(timings):.2f} | {p95:.2f} |"


def ensure_postgres_database(url: str) -> None:
    """Create the benchmark database when it does not exist yet."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


def main() -> None:
    if sys.argv[1:2] == ["cases"]:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import cases

        cases.main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="rogatory-bench-")
    os.environ.setdefault("DATA_DIR", workdir)
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rogatory.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    # Time the calls themselves, not the API's rate limits (decision 0019).
    os.environ.setdefault("API_RATE_LIMIT_PER_MINUTE", "1000000")
    os.environ.setdefault("API_ANONYMOUS_RATE_LIMIT_PER_MINUTE", "1000000")

    if args.database_url.startswith("postgres"):
        ensure_postgres_database(args.database_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import translation

    from rogatory.reference.iccs import search_iccs
    from rogatory.reference.loaders import load_reference_data

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    lines = [
        f"Database: {connection.vendor}; repeat: {args.repeat}",
        "",
        "| operation | runs | median ms | p95 ms |",
        "|---|---|---|---|",
    ]
    lines.append(row("load_reference, empty database", measure(load_reference_data, 1)))
    lines.append(row("load_reference, nothing to change", measure(load_reference_data, 5)))

    queries = {
        "en": "money laundering",
        "es": "homicidio",
        "fr": "blanchiment",
        "ru": "убийство",
        "zh-hans": "洗钱",
        "ar": "غسل",
        "code": "0201",
    }
    for label, query in queries.items():
        with translation.override("en" if label == "code" else label):
            timings = measure(lambda q=query: search_iccs(q), args.repeat)
        lines.append(row(f"ICCS search [{label}] {query!r}", timings))

    client = Client()
    pages = {
        "ICCS tree page": "/iccs/",
        "ICCS search page (ar)": "/iccs/?q=%D8%BA%D8%B3%D9%84",
        "ICCS category page": "/iccs/0101/",
        "ICCS children fragment": "/iccs/02/children/",
    }
    for label, url in pages.items():
        lines.append(row(label, measure(lambda u=url: client.get(u), args.repeat)))

    lines += bench_directory_and_finder(client, args.repeat)
    print("\n".join(lines))


def bench_directory_and_finder(client: object, repeat: int) -> list[str]:
    """The finder (function, page, API) and the directory with the demo profiles loaded."""
    import datetime

    from rogatory.demo.loaders import load_demo_data
    from rogatory.directory.documents import export_profile, validate_document
    from rogatory.directory.models import CountryProfile
    from rogatory.reference.models import IccsCategory, State
    from rogatory.treaties.finder import find_legal_bases
    from rogatory.treaties.loaders import load_treaty_data

    lines = [row("load treaty data (UN instruments)", measure(load_treaty_data, 3))]
    load_demo_data()
    fr, ke = State.objects.get(iso2="FR"), State.objects.get(iso2="KE")
    bribery = IccsCategory.objects.get(code="07031")
    on = datetime.date(2026, 11, 1)
    lines.append(
        row(
            "find_legal_bases FR→KE MLA, ICCS 07031",
            measure(lambda: find_legal_bases(fr, ke, "mla", on=on, iccs=bribery), repeat),
        )
    )
    lines.append(
        row("finder matrix: every pair of UN member states, MLA", [finder_matrix(on) * 1000])
    )
    lines.append(
        row("dual criminality matrix: every pair, UNTOC, ICCS 0704", [dual_matrix(on) * 1000])
    )
    dual_api = (
        "/api/v1/dual-criminality?requesting=FR&requested=KE&basis=untoc&kind=mla"
        "&iccs=0704&measure=bank_records&date=2026-11-01"
    )
    lines.append(
        row("dual-criminality API (FR→KE, 0704)", measure(lambda: client.get(dual_api), repeat))
    )  # type: ignore[attr-defined]
    get = client.get  # type: ignore[attr-defined]
    finder = "/legal-basis/?requesting=FR&requested=KE&kind=extradition&iccs=07031"
    api = "/api/v1/legal-basis?requesting=FR&requested=KE&kind=extradition&iccs=07031"
    pages = {
        "legal-basis page (FR→KE extradition)": finder,
        "legal-basis API (FR→KE extradition)": api,
        "directory search page (kind=mla)": "/directory/?kind=mla",
        "country profile page (FR, public)": "/directory/FR/",
    }
    for label, url in pages.items():
        lines.append(row(label, measure(lambda u=url: get(u), repeat)))
    profile = CountryProfile.objects.get(pk="FR")
    lines.append(
        row("export profile document (FR)", measure(lambda: export_profile(profile), repeat))
    )
    document = export_profile(profile)
    lines.append(
        row(
            "validate profile document (FR)",
            measure(lambda: validate_document(document, "FR"), repeat),
        )
    )
    return lines


def finder_matrix(on: object) -> float:
    """Seconds to answer every ordered pair of the states in the treaty data (about 190 x 190)
    for one kind of cooperation and date, from one read (issue 16: <= 60 s)."""
    from rogatory.reference.models import State
    from rogatory.treaties.finder import TreatyData, find_legal_bases
    from rogatory.treaties.models import Participation

    codes = set(Participation.objects.values_list("state_id", flat=True))
    states = list(State.objects.filter(pk__in=codes))
    start = time.perf_counter()
    data = TreatyData.load("mla")
    for a in states:
        for b in states:
            if a != b:
                find_legal_bases(a, b, "mla", on=on, data=data)  # type: ignore[arg-type]
    return time.perf_counter() - start


def dual_matrix(on: object) -> float:
    """Seconds to judge one conduct for every ordered pair of states (issue 16: with the finder,
    the whole matrix in <= 60 s), from one read of the legislation."""
    from rogatory.reference.models import State
    from rogatory.treaties.dual import DualData, assess

    codes = list(State.objects.values_list("pk", flat=True))
    start = time.perf_counter()
    data = DualData.load()
    for a in codes:
        for b in codes:
            if a != b:
                assess(a, b, on=on, basis="untoc", kind="mla", iccs=["0704"], data=data)  # type: ignore[arg-type]
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
