"""Queries over the ICCS classification used by the browser (and later by offences)."""

from __future__ import annotations

import re

from django.db.models import QuerySet

from rogatory.lib.textfold import fold, terms

from .models import IccsCategory

CODE_QUERY = re.compile(r"^\d{1,6}$")
MAX_RESULTS = 60


def search_iccs(query: str) -> list[IccsCategory]:
    """Find categories by code prefix, or by words in any language (all words must match)."""
    query = query.strip()
    if not query:
        return []
    if CODE_QUERY.match(query):
        return list(IccsCategory.objects.filter(code__startswith=query)[:MAX_RESULTS])
    words = terms(query)
    queryset: QuerySet[IccsCategory] = IccsCategory.objects.all()
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    found = list(queryset[: MAX_RESULTS * 2])
    phrase = fold(query)

    def rank(category: IccsCategory) -> tuple[int, int, str]:
        # Title matches in the reader's language first, then broader categories first.
        return (0 if phrase in fold(category.title) else 1, category.level, category.code)

    return sorted(found, key=rank)[:MAX_RESULTS]


def ancestors(category: IccsCategory) -> list[IccsCategory]:
    """Return the chain of parents, broadest first, in one query."""
    codes = [category.code[:n] for n in (2, 4, 5) if n < len(category.code)]
    by_code = {c.code: c for c in IccsCategory.objects.filter(code__in=codes)}
    return [by_code[code] for code in codes if code in by_code]
