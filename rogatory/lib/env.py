"""Read settings from environment variables, failing loudly on values that make no sense."""

from __future__ import annotations

import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Env:
    """Typed access to a mapping of environment variables."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def string(self, name: str, default: str) -> str:
        return self.environ.get(name, default)

    def boolean(self, name: str, default: bool) -> bool:
        raw = self.environ.get(name)
        if raw is None:
            return default
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ImproperlyConfigured(
            f"{name} must be a boolean (one of 1/0, true/false, yes/no, on/off); got {raw!r}."
        )

    def integer(self, name: str, default: int, *, minimum: int | None = None) -> int:
        raw = self.environ.get(name)
        if raw is None:
            return default
        try:
            value = int(raw.strip())
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be an integer; got {raw!r}.") from None
        if minimum is not None and value < minimum:
            raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}.")
        return value

    def csv_list(self, name: str, default: list[str]) -> list[str]:
        raw = self.environ.get(name)
        if raw is None:
            return list(default)
        return [item.strip() for item in raw.split(",") if item.strip()]

    def database(self, name: str, default: str) -> dict[str, object]:
        """Parse a database URL (sqlite:///path, postgres://user@host:port/db)."""
        import dj_database_url

        raw = self.environ.get(name, default)
        try:
            config = dict(dj_database_url.parse(raw))
        except (ValueError, KeyError) as exc:
            raise ImproperlyConfigured(
                f"{name} is not a usable database URL ({raw!r}): {exc}"
            ) from None
        engine = config.get("ENGINE", "")
        if engine not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
            raise ImproperlyConfigured(
                f"{name} must point to SQLite or PostgreSQL; got engine {engine!r} from {raw!r}."
            )
        if not config.get("NAME"):
            raise ImproperlyConfigured(f"{name} names no database: {raw!r}.")
        return config
