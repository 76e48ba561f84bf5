"""A light Arabic stemmer for search (decision 0036): attached particles and a few suffixes.

It works on text already folded by ``analysis.prefold`` (no tashkil, hamza forms of alif as bare
alif, alif maqsura as ya, ta marbuta as ha) and touches Arabic letters only, so it can run over
whole documents of any language. The same function serves the index and the queries.

What it removes, on purpose little (precision before recall; Snowball's Arabic stemmer, which
tantivy has, was measured and rejected: it makes ``فساد`` (corruption) ``ساد`` and ``بلدان``
``لدان``, and stems ``كرامة`` and ``الكرامة`` differently):

* the article with the particles attached before it: ``ال``, ``بال``, ``كال``, ``لل``, and each
  of these after ``و`` or ``ف`` (``وال``, ``فال``, ``وبال``, ``فلل``…), when two letters or more
  remain;
* a bare ``و`` ("and") before a word of three letters or more. A bare ``ف``, ``ب``, ``ك`` or ``ل``
  is kept: too many words begin with these letters (``فساد``, ``بلد``, ``كتاب``, ``لجنة``);
* the sound plurals: ``ات`` becomes the ta marbuta of the singular (``سلطات`` → ``سلطه``,
  as ``السلطة``), ``ون`` and ``ين`` are removed when four letters or more remain
  (``المجرمين`` → ``مجرم``; ``قانون`` stays). The ta marbuta itself and pronoun suffixes stay,
  so ``مصادرة`` (confiscation) is not ``مصادر`` (sources).
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile("[\u0621-\u064a]+")
_ARTICLE = re.compile("^[وف]?(?:بال|كال|لل|ال)")


@lru_cache(maxsize=200_000)
def stem_word(word: str) -> str:
    """The light stem of one folded Arabic word."""
    article = _ARTICLE.match(word)
    if article and len(word) - article.end() >= 2:
        word = word[article.end() :]
    elif word.startswith("و") and len(word) >= 4:
        word = word[1:]
    if word.endswith("ات") and len(word) >= 5:
        word = word[:-2] + "ه"
    elif word.endswith(("ون", "ين")) and len(word) >= 6:
        word = word[:-2]
    return word


def light_stem(text: str) -> str:
    """``text`` with every Arabic word replaced by its light stem (other scripts as they are)."""
    if not _WORD.search(text):
        return text
    return _WORD.sub(lambda match: stem_word(match.group()), text)
