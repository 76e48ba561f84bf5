"""Template helpers for ICCS: links to cited codes, the unofficial-translation flag."""

from __future__ import annotations

import re

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from rogatory.reference.models import IccsCategory

register = template.Library()
_CODE = re.compile(r"\b(\d{4,6})\b")


@register.filter
def iccs_links(text: str, known: frozenset[str]) -> SafeString:
    """Escape ``text`` and link the ICCS codes it cites (e.g. "(0102)") that are in ``known``."""

    def link(match: re.Match[str]) -> str:
        code = match.group(1)
        if code not in known:
            return code
        return format_html('<a href="{}">{}</a>', reverse("iccs_category", args=[code]), code)

    return mark_safe(_CODE.sub(link, escape(text)))  # noqa: S308 - input escaped above


@register.simple_tag
def iccs_title_official() -> bool:
    return IccsCategory.title_is_official()
