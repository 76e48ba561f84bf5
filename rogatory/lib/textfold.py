"""Fold text for matching: case, accents and Arabic diacritics are ignored.

The same function folds the indexed text and the query, so "Cote", "côte" and "CÔTE" meet,
and "قَتْل" finds "قتل". Chinese is left as is: it is matched by substring.
"""

from __future__ import annotations

import re
import unicodedata

# Arabic tashkil (harakat, tanwin, shadda, sukun, dagger alif) and tatweel.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# Alif with hamza or madda reads as bare alif for search purposes; so do alif maqsura and ya.
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_SPACES = re.compile(r"\s+")
# Letters whose diacritic makes a different letter of the alphabet, not an accent.
_KEEP = frozenset("йЙ")


def _strip_marks(ch: str) -> str:
    if ch in _KEEP or ch.isascii():
        return ch
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Return ``text`` lower-cased, without accents or Arabic diacritics, spaces collapsed."""
    text = _ARABIC_MARKS.sub("", text)
    text = text.translate(_ARABIC_LETTERS)
    stripped = "".join(_strip_marks(ch) for ch in text).casefold()
    # Russian ё is matched as е, as Russian readers and writers do.
    stripped = stripped.replace("ё", "е")
    return _SPACES.sub(" ", stripped).strip()


def terms(query: str) -> list[str]:
    """Split a folded query into the terms every match must contain."""
    return [term for term in fold(query).split(" ") if term]
