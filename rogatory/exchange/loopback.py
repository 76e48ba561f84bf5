"""Two real nodes on loopback: each its own data folder and database, its own web server and
delivery worker, talking HTTP to the other. Used by the two-node tests, `make demo-exchange`
and `make bench-exchange`; also a connectivity check before two ministries go live (the idea
of e-CODEX's connector-to-connector tests, without Java).

The harness (``Node``, ``make_pair``) runs outside any node and imports no Django; the
scenarios (``play``) run inside a node: ``python -m rogatory.exchange.loopback play requester``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Node:
    """One installation: a data folder, a database, a server and a worker (processes)."""

    name: str
    node_id: str
    authority: str
    data_dir: Path
    port: int
    database_url: str
    extra_env: dict[str, str] = field(default_factory=dict)
    server: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/exchange/v1"

    @property
    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "PYTEST_")) and k != "DATABASE_URL"
        }
        env |= {
            "DJANGO_SETTINGS_MODULE": "rogatory.settings",
            "DATA_DIR": str(self.data_dir),
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": f"loopback-{self.name}-" + "x" * 40,
            "DEBUG": "0",
            "HTTPS": "0",
            "EXCHANGE_RETRY_BASE_MS": "200",
            "EXCHANGE_LEASE_SECONDS": "3",
            "LOG_LEVEL": "WARNING",
        }
        env.pop("EXCHANGE_KEK", None)
        env.pop("EXCHANGE_KEK_FILE", None)
        return env | self.extra_env

    def manage(self, *args: str, check: bool = True, timeout: float = 300) -> str:
        result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [PYTHON, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"{self.name}: manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
            )
        return result.stdout

    def start_play(self, role: str, *args: str) -> subprocess.Popen[str]:
        """Start a scenario inside this node (see scenarios.py); ``finish_play`` collects it."""
        return subprocess.Popen(  # noqa: S603
            [PYTHON, "-m", "rogatory.exchange.loopback", "play", role, *args],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def finish_play(self, process: subprocess.Popen[str], timeout: float = 900) -> dict[str, Any]:
        """The scenario's report: the JSON on its last line of output."""
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"{self.name}: scenario failed:\n{err[-4000:]}")
        return dict(json.loads(out.strip().splitlines()[-1]))

    def set_up(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.manage("migrate", "--no-input", "-v0")
        self.manage("load_reference")
        self.manage("load_demo", "--authority", self.authority, "--no-cases", "--no-knowledge")
        self.manage("exchange_init", "--node-id", self.node_id, "--endpoint", self.endpoint)

    def _spawn(self, *args: str, log: str) -> subprocess.Popen[bytes]:
        handle = open(self.data_dir / log, "ab")  # noqa: SIM115 - owned by the child
        return subprocess.Popen(  # noqa: S603
            [PYTHON, *args],
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_server(self) -> None:
        self.server = self._spawn(
            "-m",
            "gunicorn",
            "rogatory.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--timeout",
            "120",
            log="server.log",
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                if self.server.poll() is not None:
                    raise RuntimeError(f"{self.name}: server exited") from None
                time.sleep(0.2)
        raise RuntimeError(f"{self.name}: server did not answer")

    def start_worker(self) -> None:
        self.worker = self._spawn(
            str(ROOT / "manage.py"), "exchange_worker", "--interval", "0.1", log="worker.log"
        )

    def start(self) -> None:
        self.start_server()
        self.start_worker()

    @staticmethod
    def _stop(process: subprocess.Popen[bytes] | None, sig: int) -> None:
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)

    def kill_server(self) -> None:
        """kill -9: no chance to finish anything."""
        self._stop(self.server, signal.SIGKILL)
        self.server = None

    def kill_worker(self) -> None:
        self._stop(self.worker, signal.SIGKILL)
        self.worker = None

    def stop(self) -> None:
        self._stop(self.worker, signal.SIGTERM)
        self._stop(self.server, signal.SIGTERM)
        self.worker = self.server = None

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Read this node's database directly (SQLite file or PostgreSQL), for tests that
        watch a transfer without disturbing the node."""
        if self.database_url.startswith("sqlite:///"):
            import sqlite3

            path = self.database_url.removeprefix("sqlite:///")
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
                return list(db.execute(sql.replace("%s", "?"), params).fetchall())
        import psycopg

        with psycopg.connect(self.database_url) as db:
            return list(db.execute(sql, params).fetchall())

    def fingerprint(self) -> str:
        for line in self.manage("exchange_keys").splitlines():
            if line.startswith("fingerprint "):
                return line.split(" ", 1)[1]
        raise RuntimeError("no fingerprint")

    def descriptor_file(self) -> Path:
        path = self.data_dir / "descriptor.jws"
        self.manage("exchange_descriptor", "--output", str(path))
        return path


def connect(a: Node, b: Node) -> None:
    """Each imports the other's descriptor and pins it with the fingerprint (read out of band
    in real life; here taken from the other node directly)."""
    for here, there in ((a, b), (b, a)):
        here.manage(
            "exchange_partner", "import", str(there.descriptor_file()), "--pin", there.fingerprint()
        )


def _database_urls(base: str | None, names: list[str]) -> list[str]:
    if not base or not base.startswith("postgres"):
        return []
    import psycopg

    urls = []
    admin = base.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
            urls.append(base.rsplit("/", 1)[0] + f"/{name}")
    return urls


def drop_databases(nodes: list[Node]) -> None:
    urls = [n.database_url for n in nodes if n.database_url.startswith("postgres")]
    if not urls:
        return
    import psycopg

    admin = urls[0].rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        for url in urls:
            name = url.rsplit("/", 1)[1]
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def make_pair(
    base_dir: Path,
    *,
    postgres_url: str | None = None,
    extra_env: dict[str, str] | None = None,
    start: bool = True,
) -> Iterator[tuple[Node, Node]]:
    """Node A (the French demo authority) and node B (the Kenyan one), set up, connected and
    (unless ``start`` is False) running; stopped and their databases dropped afterwards."""
    tag = uuid.uuid4().hex[:8]
    names = [f"rogatory_node_a_{tag}", f"rogatory_node_b_{tag}"]
    pg = _database_urls(postgres_url, names)
    nodes = []
    for n, (name, node_id, authority) in enumerate(
        (("a", "fr-node", "fr-bepi"), ("b", "ke-node", "ke-odpp"))
    ):
        data_dir = base_dir / f"node-{name}"
        url = pg[n] if pg else f"sqlite:///{data_dir / 'rogatory.sqlite3'}"
        nodes.append(
            Node(name, node_id, authority, data_dir, free_port(), url, dict(extra_env or {}))
        )
    a, b = nodes
    try:
        for node in nodes:
            node.set_up()
        connect(a, b)
        if start:
            for node in nodes:
                node.start()
        yield a, b
    finally:
        for node in nodes:
            node.stop()
        drop_databases(nodes)


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "play":
        import django

        django.setup()
        from .scenarios import play

        report = play(argv[1], argv[2:])
        print(json.dumps(report, sort_keys=True))
        return 0
    print("usage: python -m rogatory.exchange.loopback play requester|requested [options]")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
