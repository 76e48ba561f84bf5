"""Guidance for drafters: what to write in each step and field of the guided writer.

The texts are data (``guidance.toml``, versioned with the code), each with the provision it
rests on. ``load_guidance()`` reads and checks the file once; ``for_step(step, language)``
gives a step's "How to write this" and the help of each of its fields in one language, and
``describe_fields(form, ...)`` links the form's fields to that help for assistive technology
(``aria-describedby``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django import forms

GUIDANCE_FILE = Path(__file__).with_name("guidance.toml")
LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")


class GuidanceError(ValueError):
    """The guidance file is malformed; the message names the entry."""


@dataclass(frozen=True)
class Guide:
    """One piece of guidance: for a step (``key`` = its slug) or a field (``step.field``)."""

    key: str
    source: str
    elements: tuple[str, ...]
    texts: dict[str, str]

    def text(self, language: str) -> str:
        return self.texts.get(language) or self.texts["en"]


@dataclass(frozen=True)
class Guidance:
    version: str
    guides: dict[str, Guide] = field(default_factory=dict)

    def get(self, key: str) -> Guide | None:
        return self.guides.get(key)


def parse_guidance(data: dict[str, Any]) -> Guidance:
    """The guidance in a parsed TOML document, or GuidanceError saying what is wrong."""
    version = str(data.get("version", "")).strip()
    if not version:
        raise GuidanceError("guidance: a version is required")
    guides: dict[str, Guide] = {}
    for entry in data.get("guide", []):
        key = str(entry.get("key", "")).strip()
        if not key:
            raise GuidanceError("guidance: an entry has no key")
        if key in guides:
            raise GuidanceError(f"guidance {key}: defined twice")
        source = str(entry.get("source", "")).strip()
        if not source:
            raise GuidanceError(f"guidance {key}: no source")
        texts = entry.get("text", {})
        missing = [code for code in LANGUAGES if not str(texts.get(code, "")).strip()]
        if missing:
            raise GuidanceError(f"guidance {key}: no text in {', '.join(missing)}")
        guides[key] = Guide(
            key=key,
            source=source,
            elements=tuple(entry.get("elements", ())),
            texts={code: str(texts[code]).strip() for code in LANGUAGES},
        )
    return Guidance(version=version, guides=guides)


@cache
def load_guidance(path: Path = GUIDANCE_FILE) -> Guidance:
    """The guidance file, read and checked once per process."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise GuidanceError(f"{path.name}: {error}") from None
    return parse_guidance(data)


def help_id(name: str) -> str:
    """The HTML id of a field's help (what its ``aria-describedby`` points at)."""
    return f"guide-{name}"


def for_step(step: str, language: str) -> dict[str, Any]:
    """A step's guidance in ``language``: its text and source, and each field's help."""
    guidance = load_guidance()
    guide = guidance.get(step)
    prefix = f"{step}."
    return {
        "version": guidance.version,
        "text": guide.text(language) if guide else "",
        "source": guide.source if guide else "",
        "fields": {
            key.removeprefix(prefix): {
                "text": item.text(language),
                "source": item.source,
                "id": help_id(key.removeprefix(prefix)),
            }
            for key, item in guidance.guides.items()
            if key.startswith(prefix)
        },
    }


def describe_fields(form: forms.BaseForm, step: str) -> None:
    """Point each field that has guidance at its help with ``aria-describedby`` (kept with
    any description the widget already has)."""
    guidance = load_guidance()
    for name, form_field in form.fields.items():
        if guidance.get(f"{step}.{name}") is None:
            continue
        attrs = form_field.widget.attrs
        ids = [*str(attrs.get("aria-describedby", "")).split(), help_id(name)]
        attrs["aria-describedby"] = " ".join(dict.fromkeys(ids))
