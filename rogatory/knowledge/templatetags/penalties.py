"""Template filters for maximum penalties (lib.penalties), used by legislation and the writer."""

from __future__ import annotations

from typing import Any

from django import template

from rogatory.lib.penalties import penalty_or_none

register = template.Library()


@register.filter
def penalty(data: Any) -> str:
    """A stored penalty dict in words in the reader's language; empty when none is known."""
    found = penalty_or_none(data)
    return found.describe() if found else ""


@register.filter
def penalty_in_force(data: Any) -> str:
    """When a stored penalty was in force, in words; empty when no date is known."""
    found = penalty_or_none(data)
    return found.describe_in_force() if found else ""
