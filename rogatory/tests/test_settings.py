"""Settings come from the environment; bad values fail loudly; production passes --deploy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "HTTPS": "1",
    "SECRET_KEY": "x" * 20 + "production-secret-key-with-enough-entropy-1234567890",
    "ALLOWED_HOSTS": "rogatory.example.org",
    "DATABASE_URL": "postgres://rogatory@db.example.org:5432/rogatory",
}


def manage(env: dict[str, str], *args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    ignored = {*PRODUCTION, "DATA_DIR", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in ignored}
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | {"DATA_DIR": str(tmp_path)} | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_checks(tmp_path: Path) -> None:
    result = manage(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "perhaps"}, "DEBUG must be a boolean"),
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL must point to SQLite"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be at least 50 characters"),
        ({"EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": "twenty-five"}, "EMAIL_PORT"),
    ],
)
def test_a_bad_value_stops_start_up_with_a_clear_message(
    env: dict[str, str], message: str, tmp_path: Path
) -> None:
    result = manage({"DEBUG": "0"} | env, "check", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_local_defaults_generate_and_keep_a_secret_key(tmp_path: Path) -> None:
    env = {"SECRET_KEY": ""}
    assert manage(env, "check", tmp_path=tmp_path).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50 and oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
    manage(env, "check", tmp_path=tmp_path)
    assert (tmp_path / "secret_key").read_text() == key


def test_passwords_are_hashed_with_argon2_outside_tests() -> None:
    from rogatory import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_cookies_are_http_only_and_same_site() -> None:
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
