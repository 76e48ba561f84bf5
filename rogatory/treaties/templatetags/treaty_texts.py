"""``{% article_link instrument article via_parent %}``: "art. 18" linked to the article's text.

The one place where a cited article becomes a link (finder answers, the request writer's
legal-basis step, the treaty page); the link is built without a query.
"""

from __future__ import annotations

import re
from typing import Any

from django import template

from rogatory.treaties.models import Instrument
from rogatory.treaties.texts import article_url

register = template.Library()

_PREFIX = re.compile(r"^\s*art(?:icle)?\.?\s*", re.IGNORECASE)


@register.inclusion_tag("treaties/_article_link.html")
def article_link(
    instrument: Instrument | None, article: object, via_parent: bool = False
) -> dict[str, Any]:
    """ "art. 46(9)(b)" as a link to article 46's text (its paragraph 9), or as plain text when
    the citation names no single article ("1-25", "—")."""
    cited = str(article or "")
    return {
        "number": _PREFIX.sub("", cited),
        "url": article_url(instrument, cited, via_parent=via_parent) if instrument else "",
    }
