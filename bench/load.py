"""Load benchmark: logged-in people reading casework through the real server, over loopback.

Usage:
    make bench-load ARGS="--database postgresql --duration 3m"
    .venv/bin/python bench/load.py --database sqlite --duration 1m

What it does, bounded in time and on loopback only:

1. Prepares a fresh installation in its own DATA_DIR (a temporary directory): migrate,
   load_reference, load_demo and collectstatic as ``make run`` does, then 10,000 generated
   cases (``--cases``; ``manage.py generate_cases --force``, two bench authorities). On
   PostgreSQL the database ``rogatory_bench_load`` (``--database-url``; its name must contain
   "bench") is dropped and created again.
2. Logs in ``--users`` people (officers and supervisors of the bench and demo authorities, one
   session each) and writes the plan the locustfile reads.
3. Serves the site as ``make run`` does: gunicorn with ``scripts/gunicorn.conf.py``, on a free
   loopback port (``--workers``/``--threads`` override the configuration, to compare).
4. Runs locust headless (bench/load_locustfile.py) for ``--duration``: each user waits
   0.5–1.5 s between requests; 35 % case list, 30 % case page, 15 % dashboard, 20 % knowledge
   search.
5. Measures server CPU per request from /proc: the gunicorn processes over the whole run
   (divided by the requests answered), the PostgreSQL backends serving them, and, after the
   run, each page alone (``--cpu-samples`` sequential requests per page on the idle server).
   The load generator's own CPU is reported too: it shares the cores with the server.

Prints Markdown tables; record them in docs/benchmarks.md with the date, the machine and the
load average printed at the start and the end (the machine may be shared).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

PYTHON = str(ROOT / ".venv" / "bin" / "python")
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/rogatory_bench_load"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Pages measured alone for their server CPU after the run.
CPU_PAGES = (
    ("case list", "/cases/", False),
    ("case list ?status=open (htmx)", "/cases/?status=open", True),
    ("case page", None, False),
    ("dashboard", "/cases/dashboard/", False),
    ("knowledge search", "/knowledge/?q=extradition", False),
)


def parse_duration(text: str) -> int:
    """Seconds from ``90``, ``90s``, ``3m`` or ``1h``."""
    match = re.fullmatch(r"(\d+)\s*([smh]?)", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 90s, 3m)")
    value, unit = int(match.group(1)), match.group(2) or "s"
    return value * {"s": 1, "m": 60, "h": 3600}[unit]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return found


def server_cpu(master: int) -> dict[int, float]:
    """CPU seconds of the gunicorn master and each of its workers, by pid."""
    return {pid: process_cpu(pid) for pid in [master, *children(master)]}


def cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(after[pid] - before.get(pid, 0.0) for pid in after)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def recreate_postgres_database(url: str) -> None:
    from cases import recreate_postgres_database as recreate

    recreate(url)


def postgres_backends(url: str) -> list[int]:
    """Pids of the PostgreSQL backends connected to the benchmark database (same machine)."""
    import dj_database_url
    import psycopg

    name = dj_database_url.parse(url)["NAME"]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [name]
        ).fetchall()
    return [int(row[0]) for row in rows]


def prepare(env: dict[str, str], cases: int) -> None:
    started = time.monotonic()
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "load_reference")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--no-input", "-v0")
    manage(
        env,
        "generate_cases",
        "--cases",
        str(cases),
        "--events",
        str(10 * cases),
        "--authorities",
        "2",
        "--force",
    )
    print(f"Prepared in {time.monotonic() - started:.0f} s", flush=True)


def write_plan(env: dict[str, str], users: int, path: Path) -> dict[str, Any]:
    """Log people in (one session per simulated user) and note what each may look at."""
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections
    from django.test import Client

    from rogatory.accounts.models import Role, User
    from rogatory.cases import synthetic
    from rogatory.cases.models import Case

    people = list(
        User.objects.filter(
            is_active=True,
            authority__isnull=False,
            role__in=[Role.OFFICER, Role.SUPERVISOR],
            authority__cases__isnull=False,
        )
        .distinct()
        .order_by("username")
    )
    # The bench authorities hold the 10,000 cases: two users of three are theirs.
    bench = [p for p in people if p.username.startswith(synthetic.BENCH_PREFIX)]
    demo = [p for p in people if not p.username.startswith(synthetic.BENCH_PREFIX)]
    chosen = [
        (bench if n % 3 else demo or bench)[n // 3 % len(bench if n % 3 else demo or bench)]
        for n in range(users)
    ]
    plan: dict[str, Any] = {
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "sessions": [],
        "authorities": {},
    }
    for user in chosen:
        key = user.username
        if key not in plan["authorities"]:
            visible = Case.objects.for_user(user)
            plan["authorities"][key] = {
                "cases": [str(c) for c in visible.values_list("public_id", flat=True)[:500]],
                "states": list(
                    visible.values_list("counterpart_state_id", flat=True).distinct()[:30]
                )
                or ["FR"],
                "officers": list(
                    User.objects.filter(authority=user.authority, role=Role.OFFICER).values_list(
                        "username", flat=True
                    )[:10]
                )
                or ["none"],
                "words": [name.lower() for name in synthetic.SURNAMES[:8]],
            }
        client = Client()
        client.force_login(user)
        plan["sessions"].append(
            {"cookie": client.cookies[settings.SESSION_COOKIE_NAME].value, "authority": key}
        )
    connections.close_all()
    path.write_text(json.dumps(plan), encoding="utf-8")
    return plan


def wait_until_up(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise SystemExit("the server did not come up")


def fetch(base: str, path: str, cookie: str, htmx: bool = False) -> int:
    headers = {"Cookie": cookie}
    if htmx:
        headers["HX-Request"] = "true"
    request = urllib.request.Request(base + path, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
        answer.read()
        if "/accounts/login" in answer.url:
            raise SystemExit(f"{path}: not logged in")
        return int(answer.status)


def read_stats(prefix: Path) -> list[dict[str, str]]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", default="", help=f"PostgreSQL; default {PG_DEFAULT}")
    parser.add_argument("--duration", type=parse_duration, default=180, help="default 3m")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--cases", type=int, default=10_000, help="generated cases")
    parser.add_argument("--workers", type=int, default=0, help="override gunicorn.conf.py")
    parser.add_argument("--threads", type=int, default=0, help="override gunicorn.conf.py")
    parser.add_argument("--cpu-samples", type=int, default=40, help="requests per page alone")
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    args = parser.parse_args(argv)
    if args.users < 1 or args.duration < 1 or args.cases < 1:
        parser.error("--users, --duration and --cases must be positive")

    workdir = Path(tempfile.mkdtemp(prefix="rogatory-bench-load-"))
    env = dict(os.environ)
    env.update(
        {
            "DATA_DIR": str(workdir),
            "DJANGO_SETTINGS_MODULE": "rogatory.settings",
            "SECRET_KEY": "bench-only-" + secrets.token_hex(32),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DEBUG": "0",
        }
    )
    if args.database == "postgresql":
        url = args.database_url or PG_DEFAULT
        recreate_postgres_database(url)
    else:
        url = f"sqlite:///{workdir}/rogatory.sqlite3"
    env["DATABASE_URL"] = url
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    if args.threads:
        env["GUNICORN_THREADS"] = str(args.threads)

    server: subprocess.Popen[bytes] | None = None
    try:
        prepare(env, args.cases)
        plan_path = workdir / "plan.json"
        plan = write_plan(env, args.users, plan_path)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server_log = open(workdir / "server.log", "wb")  # noqa: SIM115
        server = subprocess.Popen(  # noqa: S603
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "rogatory.wsgi",
                "-c",
                str(ROOT / "scripts" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        wait_until_up(base)
        workers = children(server.pid)
        cookie = f"{plan['cookie_name']}={plan['sessions'][0]['cookie']}"
        # Warm every worker (imports, template and translation caches) before measuring.
        for session in plan["sessions"][: 4 * max(1, len(workers))]:
            c = f"{plan['cookie_name']}={session['cookie']}"
            for path in ("/cases/", "/cases/dashboard/", "/knowledge/?q=court"):
                fetch(base, path, c)

        print(
            f"Server: gunicorn, {len(workers)} workers "
            f"({env.get('GUNICORN_WORKERS', 'conf')} / threads "
            f"{env.get('GUNICORN_THREADS', 'conf')}), {url.split('://')[0]}, port {port}",
            flush=True,
        )
        load_before = load_average()
        pg_before = (
            {pid: process_cpu(pid) for pid in postgres_backends(url)}
            if args.database == "postgresql"
            else {}
        )
        cpu_before = server_cpu(server.pid)
        rusage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall_start = time.monotonic()
        prefix = workdir / "locust"
        subprocess.run(  # noqa: S603
            [
                str(ROOT / ".venv" / "bin" / "locust"),
                "-f",
                str(BENCH / "load_locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{args.duration}s",
                "--host",
                base,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--stop-timeout",
                "10",
            ],
            cwd=ROOT,
            env={**env, "LOAD_PLAN": str(plan_path)},
            check=False,
        )
        wall = time.monotonic() - wall_start
        rusage_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_after = server_cpu(server.pid)
        pg_after = (
            {pid: process_cpu(pid) for pid in postgres_backends(url)}
            if args.database == "postgresql"
            else {}
        )
        load_after = load_average()
        stats = read_stats(prefix)
        by_name = {row["Name"]: row for row in stats}
        total = by_name["Aggregated"]
        requests = int(total["Request Count"])
        server_seconds = cpu_delta(cpu_before, cpu_after)
        db_seconds = cpu_delta(pg_before, pg_after)
        locust_seconds = (rusage_after.ru_utime - rusage_before.ru_utime) + (
            rusage_after.ru_stime - rusage_before.ru_stime
        )

        lines = [
            f"Database: {args.database}; {args.users} users, think time 0.5–1.5 s, "
            f"{args.duration} s; {len(workers)} gunicorn workers; {args.cases} generated cases",
            f"Load average (1, 5, 15 min) before: {load_before}; after: {load_after}",
            "",
            "| request | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in stats:
            lines.append(
                f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
                f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | "
                f"{row['99%']} | {float(row['Max Response Time']):.0f} |"
            )
        lines += [
            "",
            "| CPU over the run | seconds | % of one core | ms per request |",
            "|---|---|---|---|",
            _cpu_row("server (gunicorn)", server_seconds, wall, requests),
        ]
        if args.database == "postgresql":
            lines.append(_cpu_row("PostgreSQL backends", db_seconds, wall, requests))
        lines.append(_cpu_row("load generator (locust)", locust_seconds, wall, requests))

        # Each page alone: sequential requests on the idle server, CPU of the gunicorn processes.
        lines += ["", "| page alone (sequential) | requests | server CPU ms per request |"]
        lines.append("|---|---|---|")
        case_code = plan["authorities"][plan["sessions"][0]["authority"]]["cases"][0]
        for label, path, htmx in CPU_PAGES:
            target = path or f"/cases/{case_code}/"
            fetch(base, target, cookie, htmx)
            before = server_cpu(server.pid)
            for _ in range(args.cpu_samples):
                fetch(base, target, cookie, htmx)
            spent = cpu_delta(before, server_cpu(server.pid))
            lines.append(
                f"| {label} | {args.cpu_samples} | {1000 * spent / args.cpu_samples:.1f} |"
            )
        lines += _failures(prefix)
        print("\n".join(lines))
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        if args.keep:
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def _failures(prefix: Path) -> list[str]:
    """Locust's error report (what the errors were), when there were any."""
    with open(f"{prefix}_failures.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        return []
    lines = ["", "| errors | request | error |", "|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['Occurrences']} | {row['Name']} | {row['Error'][:200]} |")
    return lines


def _cpu_row(label: str, seconds: float, wall: float, requests: int) -> str:
    per_request = 1000 * seconds / requests if requests else 0.0
    return f"| {label} | {seconds:.1f} | {100 * seconds / wall:.0f} % | {per_request:.1f} |"


if __name__ == "__main__":
    main()
