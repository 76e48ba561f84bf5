"""Template filter for the quality report of an imported UN document (decision 0040)."""

from __future__ import annotations

from typing import Any

from django import template

from rogatory.knowledge.quality import QualityView, view

register = template.Library()


@register.filter
def quality_report(data: Any) -> QualityView:
    """A stored quality report in words in the reader's language."""
    return view("", data if isinstance(data, dict) else None)
