"""A query box as chunks and groups of synonyms (decisions 0015, 0036)."""

from __future__ import annotations

import re

from rogatory.knowledge.search.analysis import Group, ParsedQuery, make_chunk
from rogatory.knowledge.search.synonyms import thesaurus

_SYMBOL = re.compile(r"^[A-Z]{1,6}(?:/[A-Z0-9.\-]+)+$", re.IGNORECASE)
_QUERY_PARTS = re.compile(r'"([^"]*)"|(\S+)')


def parse_query(query: str, *, expand: bool = True) -> ParsedQuery:
    """Split a query box into chunks: quoted phrases and whitespace-separated words.

    A chunk that analyses to several tokens (a Chinese term, "A/76/122") is matched as a phrase.
    Consecutive chunks that form a term of the synonym lists (decision 0036) are grouped with the
    other terms of the same concept in the same language (``expand=False``: no synonyms).
    """
    chunks = []
    for quoted, word in _QUERY_PARTS.findall(query):
        raw = quoted or word
        symbol = raw.upper() if word and _SYMBOL.match(raw) else None
        chunk = make_chunk(raw, symbol=symbol)
        if chunk is not None:
            chunks.append(chunk)
    if not expand:
        return ParsedQuery(chunks=tuple(chunks), groups=tuple(Group((c,)) for c in chunks))
    return ParsedQuery(chunks=tuple(chunks), groups=thesaurus().group(chunks))
