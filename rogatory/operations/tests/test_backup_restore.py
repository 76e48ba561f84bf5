"""A backup of an installation with casework comes back on a new data directory as a working
server; a tampered backup or a target holding data is refused, and nothing is half-restored
(decision 0023).

The end-to-end test backs up this test database (SQLite or PostgreSQL, whichever the suite
runs on) with its files and keys, restores it with ``manage.py restore`` into a new data
directory and database, starts gunicorn on it (loopback) and uses it as an officer would.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from conftest import PASSWORD
from rogatory.accounts.models import Authority, Role, User
from rogatory.audit.checkpoint import write_checkpoint
from rogatory.audit.keys import access_log_keys
from rogatory.cases.actions import do_add_document, do_register_case
from rogatory.cases.choices import Direction, MeasureType
from rogatory.knowledge.actions import do_import_text
from rogatory.operations import restore
from rogatory.operations.backup import data_files, make_backup, sweep_scratch
from rogatory.operations.encryption import generate_identity, load_identities
from rogatory.operations.errors import BackupError
from rogatory.reference.loaders import load_reference_data

ROOT = Path(__file__).resolve().parents[3]
REPORT = ROOT / "rogatory/knowledge/tests/seeds/003_6bdc7af176e43de5.txt"  # A/76/122
STATEMENT = b"Account FR76 3000 4000 0500 0012 3456 789: EUR 1,000,000 on 2026-03-02\n"


@dataclass
class Installation:
    data_dir: Path
    identity: Path


@pytest.fixture
def installation(settings: Any, tmp_path: Path) -> Installation:
    """Point every place of DATA_DIR at a fresh folder, with a backup key pair."""
    data_dir = tmp_path / "source"
    data_dir.mkdir()
    settings.DATA_DIR = data_dir
    settings.MEDIA_ROOT = data_dir / "documents"
    settings.STATIC_ROOT = data_dir / "static"
    settings.FILE_UPLOAD_TEMP_DIR = data_dir / "tmp"
    settings.EXCHANGE_KEK_FILE = data_dir / "exchange.kek"
    settings.AUDIT_ACCESS_LOG_KEY_FILE = data_dir / "audit-access-log.key"
    settings.AUDIT_CHECKPOINT_KEY_FILE = data_dir / "audit-checkpoint.key"
    settings.AUDIT_CHECKPOINT_DIR = data_dir / "audit-checkpoints"
    settings.BACKUP_RECIPIENTS_FILE = data_dir / "backup-recipients.txt"
    identity = tmp_path / "offline" / "backup-key.txt"
    settings.BACKUP_RECIPIENTS = [generate_identity(identity, passphrase=None)]
    return Installation(data_dir, identity)


# -- What goes in -----------------------------------------------------------------------------


def test_what_is_rebuilt_or_in_flight_stays_out(installation: Installation) -> None:
    """Documents and other data go in; static files, the search index, request bodies being
    received, half-stored uploads and our own scratch folders do not, nor links; the key
    files go in by their setting, not as data."""
    root = installation.data_dir
    for relative in (
        "documents/cases/1/a.pdf",
        "uploads/1234.part",
        "exchange/incoming/m1/part-1",
        "static/staticfiles.json",
        "search/knowledge-v4/meta.json",
        "tmp/upload-body",
        "documents/cases/1/.upload-x.part",
        ".restore-abc/data/x",
        "exchange.kek",
        "audit-checkpoints/checkpoint-1.txt",
    ):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(b"x")
    (root / "documents" / "link").symlink_to("/etc/hostname")
    assert [name for name, _path in data_files()] == [
        "data/documents/cases/1/a.pdf",
        "data/exchange/incoming/m1/part-1",
        "data/uploads/1234.part",
    ]


def test_what_a_killed_backup_left_is_swept(installation: Installation) -> None:
    """Scratch folders hold plaintext casework: those untouched for a day are removed."""
    root = installation.data_dir
    old, running = root / ".backup-old", root / ".restore-running"
    for folder in (old, running, root / "documents"):
        (folder / "x").mkdir(parents=True)
    day_ago = time.time() - 25 * 3600
    for folder in (old, root / "documents"):
        os.utime(folder, (day_ago, day_ago))
    assert sweep_scratch(root) == [old]
    assert running.exists() and (root / "documents").exists()


def test_backups_stay_outside_the_data_directory(installation: Installation) -> None:
    with pytest.raises(BackupError, match="outside DATA_DIR"):
        make_backup(installation.data_dir / "backups")


# -- The target -------------------------------------------------------------------------------


def test_a_new_server_counts_as_empty(
    installation: Installation, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a new server makes when it first starts (its generated key, empty folders, static
    files, a search index) does not make it a restored installation."""
    monkeypatch.setattr(restore.database, "has_tables", lambda: False)
    root = installation.data_dir
    (root / "secret_key").write_text("generated at first start")
    (root / "backup-recipients.txt").write_text("age1...\n")  # manage.py backup_keygen
    for folder in ("uploads", "tmp", "static/css", "search/knowledge-v4"):
        (root / folder).mkdir(parents=True)
    (root / "static/css/site.css").write_text("body {}")
    (root / "search/knowledge-v4/meta.json").write_text("{}")
    assert restore.target_contents() == []
    (root / "uploads" / "abc.part").write_bytes(b"casework")
    assert restore.target_contents() == [str(root / "uploads" / "abc.part")]


@pytest.mark.django_db
def test_a_target_holding_data_is_refused_before_anything_is_read(
    installation: Installation, tmp_path: Path
) -> None:
    """This test database holds tables: the restore refuses at once, and says how to go on."""
    missing = tmp_path / "no-such-backup.tar.age"
    with pytest.raises(BackupError, match=r"not empty .* --force"):
        restore.restore_backup(str(missing), [])
    assert not any(p.name.startswith(".restore-") for p in installation.data_dir.iterdir())


# -- Back and forth, served -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Target:
    data_dir: Path
    database_url: str | None  # None: SQLite in the data directory
    identity: Path

    @property
    def env(self) -> dict[str, str]:
        kept = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "PYTEST_", "BACKUP_", "AUDIT_", "EXCHANGE_"))
            and k not in {"DATABASE_URL", "SECRET_KEY", "DATA_DIR"}
        }
        kept |= {
            "DJANGO_SETTINGS_MODULE": "rogatory.operations.tests.restore_settings",
            "DATA_DIR": str(self.data_dir),
            "BACKUP_IDENTITY_FILE": str(self.identity),
            "DEBUG": "0",
            "HTTPS": "0",
            "LOG_LEVEL": "WARNING",
        }
        if self.database_url:
            kept["DATABASE_URL"] = self.database_url
        return kept

    def manage(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our interpreter and manage.py
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def holds_data(self) -> list[str]:
        """Regular files other than the key a starting server generates, and tables."""
        found = [
            str(p.relative_to(self.data_dir))
            for p in self.data_dir.rglob("*")
            if p.is_file() and p.name != "secret_key"
        ]
        if self.database_url:
            found += _pg_tables(self.database_url)
        return found


def _pg_params() -> dict[str, Any]:
    settings_dict = connection.settings_dict
    return {
        "host": settings_dict.get("HOST") or "127.0.0.1",
        "port": int(settings_dict.get("PORT") or 5432),
        "user": settings_dict.get("USER") or "postgres",
        "password": settings_dict.get("PASSWORD") or None,
    }


def _pg_tables(url: str) -> list[str]:
    import psycopg

    with psycopg.connect(url) as pg:
        rows = pg.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' LIMIT 5"
        ).fetchall()
    return [str(row[0]) for row in rows]


@contextlib.contextmanager
def new_target(root: Path, identity: Path) -> Iterator[Target]:
    """A new, empty data directory and, on PostgreSQL, a new throw-away database."""
    data_dir = root / f"restored-{secrets.token_hex(3)}"
    data_dir.mkdir()
    if connection.vendor != "postgresql":
        yield Target(data_dir, None, identity)
        return
    import psycopg

    params = _pg_params()
    name = f"rg_restore_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = params["user"] + (f":{params['password']}" if params["password"] else "")
    try:
        yield Target(
            data_dir, f"postgresql://{auth}@{params['host']}:{params['port']}/{name}", identity
        )
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def serving(target: Target) -> Iterator[str]:
    """gunicorn on a free loopback port over the target; stopped (its process group) after."""
    port = _free_port()
    log_path = target.data_dir.parent / f"{target.data_dir.name}-server.log"
    log = log_path.open("ab")
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "rogatory.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=target.env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 45
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2):  # noqa: S310
                    break
            except (urllib.error.URLError, OSError):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("the restored server did not start") from None
                time.sleep(0.2)
        try:
            yield base
        except AssertionError as failure:
            log.flush()
            tail = log_path.read_text(errors="replace")[-3000:]
            raise AssertionError(f"{failure}\n--- server log ---\n{tail}") from failure
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=20)
        log.close()


class Browser:
    """Cookies and CSRF, as a browser keeps them."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return int(response.status), response.read()
        except urllib.error.HTTPError as error:
            return int(error.code), error.read()

    def log_in(self, username: str, password: str) -> None:
        _status, page = self.get(reverse("login"))
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page[:500]
        form = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": username,
                "password": password,
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - loopback
            self.base + reverse("login"), data=form, headers={"Referer": self.base + "/"}
        )
        with self.opener.open(request, timeout=30) as response:
            assert response.status == 200


def _casework(settings: Any) -> dict[str, Any]:
    """An authority, an officer, a request with a document, a UN document in the knowledge
    base, the audit keys and a checkpoint: through the real actions."""
    load_reference_data()  # transactional tests start from whatever the last one flushed
    # The restored server checks passwords with its own hashers, not the tests' MD5.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    authority = Authority.objects.create(code="fr-test", name="Bureau of A", state_id="FR")
    officer = User(username="claire", email="claire@example.org", role=Role.OFFICER)
    officer.authority = authority
    officer.set_password(PASSWORD)
    officer.save()
    case = do_register_case(
        authority,
        direction=Direction.INCOMING,
        fields={
            "kind": "mla",
            "subject": "Laundering through the Riverside shell companies",
            "requesting_state_id": "KE",
            "requesting_authority_name": "Office of the Director of Public Prosecutions",
        },
        acting_user=officer,
        measures=[{"kind": MeasureType.BANK_RECORDS, "description": ""}],
    )
    version = do_add_document(
        case,
        title="Bank statement",
        kind="evidence",
        upload=SimpleUploadedFile("statement.txt", STATEMENT),
        original_name="statement.txt",
        acting_user=officer,
    )
    do_import_text(REPORT.read_text(encoding="utf-8"), source_name=REPORT.name)
    access_log_keys()  # made on first use, as on a server that has run a while
    Path(settings.EXCHANGE_KEK_FILE).write_text("kek-of-this-node\n")
    write_checkpoint(seal=True)
    return {"case": case, "version": version}


@pytest.mark.restore
@pytest.mark.django_db(transaction=True)
def test_a_backup_comes_back_as_a_working_server(
    installation: Installation, settings: Any, tmp_path: Path
) -> None:
    made = _casework(settings)
    case, version = made["case"], made["version"]
    backup = make_backup(tmp_path / "backups")
    assert backup.path is not None and backup.keys == [
        "EXCHANGE_KEK_FILE",
        "AUDIT_ACCESS_LOG_KEY_FILE",
        "AUDIT_CHECKPOINT_KEY_FILE",
    ]
    sidecar = backup.path.with_name(backup.path.name + ".sha256").read_text()
    assert sidecar == f"{backup.sha256}  {backup.path.name}\n"
    # The casework is not readable in the file.
    assert STATEMENT[:30] not in backup.path.read_bytes()

    with new_target(tmp_path, installation.identity) as target:
        restored = target.manage("restore", str(backup.path))
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "The server is ready to start." in restored.stdout
        assert "[ok] Audit trail: Audit trail intact" in restored.stdout
        assert "Checkpoint of" in restored.stdout  # the kept checkpoint was checked
        assert "1 stored files match their checksums" in restored.stdout
        for key in ("exchange.kek", "audit-access-log.key", "audit-checkpoint.key"):
            source, copy = installation.data_dir / key, target.data_dir / key
            assert copy.read_bytes() == source.read_bytes()
            assert copy.stat().st_mode & 0o777 == 0o600
        assert list((target.data_dir / "audit-checkpoints").glob("checkpoint-*.txt"))

        with serving(target) as base:
            browser = Browser(base)
            browser.log_in("claire", PASSWORD)
            status, page = browser.get(reverse("case_detail", args=[case.public_id]))
            assert status == 200, page[:2000]
            assert b"Riverside shell companies" in page
            status, body = browser.get(version.get_absolute_url())
            assert status == 200 and hashlib.sha256(body).hexdigest() == version.sha256
            status, page = browser.get(reverse("knowledge_search") + "?q=A/76/122")
            assert status == 200 and b"A/76/122" in page
            stylesheet = re.search(rb'href="(/static/[^"]+\.css)"', page)
            assert stylesheet, "pages link their stylesheet through the static manifest"
            assert browser.get(stylesheet.group(1).decode())[0] == 200

        # The scheduled backup, as cron runs it (bare environment, scripts/backup.sh), works
        # on the restored server: a new backup, the older one pruned, a copy sent away.
        offsite = tmp_path / "offsite"
        env_file = tmp_path / "backup.env"
        settings_lines = {
            "DATA_DIR": str(target.data_dir),
            "BACKUP_DIR": str(backup.path.parent),
            "BACKUP_KEEP": "1",
            "BACKUP_RECIPIENTS": ",".join(settings.BACKUP_RECIPIENTS),
            "LOG_LEVEL": "WARNING",
        }
        if target.database_url:
            settings_lines["DATABASE_URL"] = target.database_url
        copies = shutil.which("rsync") is not None  # Debian's rsync, on every machine we know
        if copies:
            settings_lines["BACKUP_COPY_TO"] = f"{offsite}/"
        env_file.write_text("".join(f"{k}='{v}'\n" for k, v in settings_lines.items()))
        scheduled = subprocess.run(  # noqa: S603 - our script
            [
                "/usr/bin/env",
                "-i",
                "PATH=/usr/bin:/bin",
                str(ROOT / "scripts/backup.sh"),
                str(env_file),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert scheduled.returncode == 0, scheduled.stdout + scheduled.stderr
        [kept] = backup.path.parent.glob("rogatory-backup-*.tar.age")
        assert kept != backup.path and not backup.path.exists()
        if copies:
            assert sorted(p.name for p in offsite.iterdir()) == [kept.name, kept.name + ".sha256"]
        checked = subprocess.run(  # noqa: S603
            ["/usr/bin/sha256sum", "-c", kept.name + ".sha256"],
            cwd=offsite if copies else kept.parent,
            capture_output=True,
            check=False,
        )
        assert checked.returncode == 0
        identities = load_identities(installation.identity, passphrase=lambda: "")
        copy = offsite / kept.name if copies else kept
        contents, _sha256 = restore.check_backup(str(copy), identities)
        assert "data/documents/" + version.file_path in {m.name for m in contents.members}

        # A second restore over the working server is refused: it holds data now.
        again = target.manage("restore", str(kept))
        assert again.returncode != 0 and "not empty" in again.stderr

    # A tampered copy is refused, and leaves the new target as it found it.
    tampered = tmp_path / "tampered" / kept.name
    tampered.parent.mkdir()
    data = bytearray(kept.read_bytes())
    data[len(data) // 2] ^= 0x40
    tampered.write_bytes(bytes(data))
    with new_target(tmp_path, installation.identity) as target:
        refused = target.manage("restore", str(tampered))
        assert refused.returncode != 0
        assert "damaged, cut short or was altered" in refused.stderr, refused.stderr
        assert target.holds_data() == []
