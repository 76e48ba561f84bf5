"""Option lists of reference data, rendered once per language and kept a few minutes.

The case list's filter offers all 249 states, and the case page's forms the states again and
the 320 ICCS categories. Reading them (with their names in six languages) and rendering one
``<option>`` each, through a template per option for form widgets, was a quarter of the case
list's CPU and two thirds of the case page's (docs/benchmarks.md, "Capacity"). The rendered
lists are the same for every user of a language, so each server process renders each list
once per language and keeps it for ``KEPT_SECONDS``; saving a state or a category in this
process forgets them at once (a reference reload in another process shows after at most
``KEPT_SECONDS``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.db.models.signals import post_delete, post_save
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from rogatory.lib.collation import collated

from .models import IccsCategory, State

KEPT_SECONDS = 300.0

_lock = threading.Lock()
_rendered: dict[tuple[str, str], tuple[float, str]] = {}


def cached_options(key: str, render: Callable[[], str]) -> str:
    """``render()``'s ``<option>`` elements for the active language, rendered at most once
    per ``KEPT_SECONDS`` per process."""
    slot = (key, get_language() or "")
    now = time.monotonic()
    with _lock:
        kept = _rendered.get(slot)
    if kept is None or now - kept[0] > KEPT_SECONDS:
        kept = (now, render())
        with _lock:
            _rendered[slot] = kept
    return kept[1]


def options_html(choices: Iterable[tuple[Any, Any]]) -> str:
    return str(format_html_join("", '<option value="{}">{}</option>', choices))


def mark_selected(html: str, values: Iterable[str]) -> SafeString:
    """``html`` with the options of ``values`` marked as chosen."""
    for value in values:
        if value != "":
            chosen = str(format_html('<option value="{}">', value))
            html = html.replace(chosen, chosen[:-1] + " selected>", 1)
    return mark_safe(html)  # noqa: S308 — built by format_html from the database's values


def _states() -> str:
    states = collated(State.objects.all(), lambda s: s.name)
    return options_html((s.iso2, s.name) for s in states)


def state_options(selected: str = "") -> SafeString:
    """``<option>`` elements for every state by name in the active language and its order
    (ICU collation); ``selected``
    (an ISO 3166 alpha-2 code) marked as chosen."""
    return mark_selected(cached_options("states", _states), [selected])


class CachedSelect(forms.Select):
    """A ``<select>`` of a reference list whose options are rendered once per language.

    For a ``ModelChoiceField`` over states or ICCS categories whose choices do not depend on
    the user: ``key`` names the list, and every field given the same key must offer the same
    options (value and label). Rendered in Python: Django renders each option through a
    template.
    """

    def __init__(self, key: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.key = key

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        options = cached_options(
            self.key, lambda: options_html((str(v), label) for v, label in self.choices)
        )
        final = self.build_attrs(self.attrs, attrs)
        selected = mark_selected(options, [str(v) for v in self.format_value(value)])
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), selected)


def forget(**kwargs: Any) -> None:
    """Drop the rendered lists (reference data changed)."""
    with _lock:
        _rendered.clear()


for _model in (State, IccsCategory):
    post_save.connect(forget, sender=_model, dispatch_uid=f"options.saved.{_model.__name__}")
    post_delete.connect(forget, sender=_model, dispatch_uid=f"options.deleted.{_model.__name__}")
