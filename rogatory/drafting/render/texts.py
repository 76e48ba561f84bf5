"""Fixed texts of the request document, one TOML file per UN language in ``texts/``.

``en.toml`` is the reference: every other file has exactly its keys (the render tests check
it). Texts are addressed as ``"section.key"``; placeholders in braces are filled with
:meth:`Texts.fmt`.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

TEXTS_DIR = Path(__file__).resolve().parent / "texts"

# The six UN languages, as the request document names them.
LANGUAGES: tuple[str, ...] = ("ar", "zh", "en", "fr", "ru", "es")


def normalise_language(code: str | None) -> str:
    """``"zh-hans"``, ``"zh_Hans"``, ``"FR"`` -> ``"zh"``, ``"fr"``; unknown -> ``"en"``."""
    base = (code or "").replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else "en"


def flatten(table: dict[str, object], prefix: str = "") -> dict[str, str]:
    """``{"a": {"b": "x"}}`` -> ``{"a.b": "x"}``."""
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


@cache
def load_raw(language: str) -> dict[str, str]:
    """The flattened texts of one language file (cached for the life of the process)."""
    with (TEXTS_DIR / f"{language}.toml").open("rb") as handle:
        return flatten(tomllib.load(handle))


class Texts:
    """The fixed texts of one language, falling back to English for a key it lacks."""

    def __init__(self, language: str | None) -> None:
        self.language = normalise_language(language)
        self._texts = load_raw(self.language)
        self._english = load_raw("en")

    @property
    def rtl(self) -> bool:
        return self._texts.get("document.direction") == "rtl"

    def has(self, key: str) -> bool:
        return key in self._texts or key in self._english

    def __getitem__(self, key: str) -> str:
        if key in self._texts:
            return self._texts[key]
        return self._english[key]

    def get(self, key: str, default: str) -> str:
        return self[key] if self.has(key) else default

    def fmt(self, key: str, **values: object) -> str:
        return self[key].format(**values)
