"""The database in a backup: SQLite through its online backup API, PostgreSQL through
pg_dump's custom format (and pg_restore in one transaction)."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from .errors import BackupError

SQLITE_MEMBER = "database/rogatory.sqlite3"
POSTGRESQL_MEMBER = "database/rogatory.pgdump"


def vendor() -> str:
    return str(connection.vendor)


def _name() -> str:
    # The connection's settings: under tests they name the test database.
    return str(connection.settings_dict["NAME"])


def sqlite_path() -> Path:
    return Path(_name())


def sqlite_companions(path: Path) -> list[Path]:
    """The database file and the files SQLite keeps beside it (WAL, shared memory, journal):
    a stale WAL beside a replaced file would be replayed into it."""
    return [path] + [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def dump_sqlite(target: Path) -> None:
    """Copy the live database to ``target`` with SQLite's online backup: a consistent
    snapshot; in WAL mode writers are not blocked meanwhile."""
    name = _name()
    # A URI ("file:…?mode=memory&cache=shared") is how tests name their in-memory database.
    source = sqlite3.connect(name, uri=name.startswith("file:"), timeout=60)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            _check_sqlite(copy, target)
        finally:
            copy.close()
    except sqlite3.Error as error:
        raise BackupError(
            _("Copying the SQLite database failed: %(error)s") % {"error": error}
        ) from error
    finally:
        source.close()


def check_sqlite_file(path: Path) -> None:
    """Refuse a database file that SQLite finds damaged."""
    try:
        database = sqlite3.connect(_read_only(path), uri=True)
        try:
            _check_sqlite(database, path)
        finally:
            database.close()
    except sqlite3.Error as error:
        raise BackupError(
            _("The database in the backup cannot be opened: %(error)s") % {"error": error}
        ) from error


def _check_sqlite(database: sqlite3.Connection, path: Path) -> None:
    result = database.execute("PRAGMA integrity_check").fetchone()
    if not result or result[0] != "ok":
        raise BackupError(
            _("The SQLite database %(path)s is damaged: %(result)s")
            % {"path": path, "result": result[0] if result else "?"}
        )


def has_tables() -> bool:
    """Whether the configured database holds any table (a new one holds none)."""
    if vendor() == "sqlite" and not _name().startswith("file:") and not sqlite_path().exists():
        return False  # asking would create the file
    return bool(connection.introspection.table_names())


def _read_only(path: Path) -> str:
    return path.resolve().as_uri() + "?mode=ro"


# -- PostgreSQL -----------------------------------------------------------------------------


def postgresql_env() -> dict[str, str]:
    """libpq's environment for the configured database: no password on a command line."""
    database: dict[str, Any] = connection.settings_dict
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if database.get(key):
            env[variable] = str(database[key])
    options: dict[str, Any] = database.get("OPTIONS") or {}
    for key, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("service", "PGSERVICE"),
        ("passfile", "PGPASSFILE"),
    ):
        if options.get(key):
            env[variable] = str(options[key])
    return env


def pg_tool(name: str) -> str:
    """The path of pg_dump or pg_restore: from BACKUP_PG_BINDIR if set, else from PATH."""
    bindir = settings.BACKUP_PG_BINDIR
    found = shutil.which(name, path=bindir or None)
    if found is None:
        raise BackupError(
            _(
                "%(tool)s was not found%(where)s. Install the PostgreSQL client tools of the "
                "server's major version (Debian: postgresql-client-NN) or set BACKUP_PG_BINDIR "
                "to the folder that holds them."
            )
            % {"tool": name, "where": f" in {bindir}" if bindir else ""}
        )
    return found


def tool_version(path: str) -> tuple[int, str]:
    """The major version and full version of a PostgreSQL client tool."""
    result = subprocess.run(  # noqa: S603 - a PostgreSQL tool found above
        [path, "--version"], capture_output=True, text=True, check=False, timeout=30
    )
    match = re.search(r"(\d+)(?:\.(\d+))?", result.stdout)
    if result.returncode != 0 or match is None:
        raise BackupError(_("%(tool)s --version did not answer.") % {"tool": path})
    return int(match.group(1)), match.group(0)


def server_version() -> tuple[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        number = int(cursor.fetchone()[0])
        cursor.execute("SHOW server_version")
        text = str(cursor.fetchone()[0]).split()[0]
    return number // 10000, text


def dump_postgresql(target: Path) -> dict[str, str]:
    """Write a pg_dump custom-format archive of the database to ``target``."""
    tool = pg_tool("pg_dump")
    client_major, client = tool_version(tool)
    server_major, server = server_version()
    if client_major < server_major:
        raise BackupError(
            _(
                "pg_dump %(client)s cannot dump a PostgreSQL %(server)s server (pg_dump must be "
                "of the server's major version or newer). Install postgresql-client-%(major)s "
                "and set BACKUP_PG_BINDIR to its folder (Debian: /usr/lib/postgresql/%(major)s/"
                "bin)."
            )
            % {"client": client, "server": server, "major": server_major}
        )
    _run(
        [tool, "--format=custom", "--compress=6", "--file", str(target)],
        what="pg_dump",
    )
    return {"pg_dump": client, "server": server}


def check_pg_restore(dumped_with: str) -> str:
    """Refuse early when this pg_restore cannot read a dump made by ``dumped_with``."""
    tool = pg_tool("pg_restore")
    major, version = tool_version(tool)
    dump_major = int(re.match(r"\d+", dumped_with or "0").group(0))  # type: ignore[union-attr]
    if major < dump_major:
        raise BackupError(
            _(
                "This backup was dumped by pg_dump %(dump)s; pg_restore %(restore)s cannot read "
                "it. Install postgresql-client-%(major)s and set BACKUP_PG_BINDIR."
            )
            % {"dump": dumped_with, "restore": version, "major": dump_major}
        )
    return tool


def restore_postgresql(dump: Path, *, clean: bool) -> None:
    """Load a custom-format dump in one transaction: all of it, or nothing."""
    tool = pg_tool("pg_restore")
    command = [
        tool,
        "--single-transaction",
        "--exit-on-error",
        "--no-owner",
        "--no-privileges",
        "--dbname",
        _name(),
    ]
    if clean:
        command += ["--clean", "--if-exists"]
    _run([*command, str(dump)], what="pg_restore")


def _run(command: list[str], *, what: str) -> None:
    result = subprocess.run(  # noqa: S603 - pg_dump/pg_restore, arguments are ours
        command, env=postgresql_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            _("%(tool)s failed (exit %(code)s): %(error)s")
            % {"tool": what, "code": result.returncode, "error": result.stderr.strip()[-2000:]}
        )
