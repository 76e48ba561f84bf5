"""A language code ("en", "zh", "zh-hans") shown as its name in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.translation import get_language, get_language_info

register = template.Library()

# The request document names Chinese "zh"; Django knows it as "zh-hans".
_DJANGO_CODES = {"zh": "zh-hans", "zh_hans": "zh-hans", "zh-cn": "zh-hans"}


@register.filter
def language_name(code: str) -> str:
    """The language's name in the reader's language: "fr" -> "French" for an English reader."""
    key = _DJANGO_CODES.get(str(code).lower(), str(code).lower())
    try:
        return str(get_language_info(key)["name_translated"])
    except KeyError:
        return str(code)


# How each language separates the items of a list in running text.
_SEPARATORS = {"zh": "、", "ar": "، "}


@register.filter
def listing(items: Iterable[object]) -> str:
    """Items joined as the reader's language joins them: "a, b" — "a、b" in Chinese,
    "a، b" in Arabic."""
    language = (get_language() or "en").split("-")[0]
    return _SEPARATORS.get(language, ", ").join(str(item) for item in items)
