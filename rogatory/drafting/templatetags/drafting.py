"""Template filters of the request writer."""

from __future__ import annotations

from django import template

from rogatory.drafting.forms import LABELS

register = template.Library()


@register.filter
def detail_label(name: str) -> str:
    """The translated label of a measure's specific field (``institution`` → "Bank or …")."""
    label = LABELS.get(name)
    return str(label) if label is not None else name.replace("_", " ")
