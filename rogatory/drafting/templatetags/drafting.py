"""Template filters of the request writer."""

from __future__ import annotations

from typing import Any

from django import template

from rogatory.drafting.forms import LABELS

register = template.Library()


@register.filter
def detail_label(name: str) -> str:
    """The translated label of a measure's specific field (``institution`` → "Bank or …")."""
    label = LABELS.get(name)
    return str(label) if label is not None else name.replace("_", " ")


@register.filter
def guide_for(guide: dict[str, Any] | None, name: str) -> dict[str, str] | None:
    """The help of field ``name`` in a step's guidance (``guidance.for_step``), if any."""
    if not guide:
        return None
    found: dict[str, str] | None = guide.get("fields", {}).get(name)
    return found
