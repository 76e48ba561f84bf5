"""How text becomes index tokens, for documents and queries alike (decisions 0015, 0036).

The lowest module of the search package: ``synonyms`` and ``query`` build on it, ``engine`` on
all three (imports run downward).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import tantivy

from rogatory.knowledge.search import arabic
from rogatory.lib import textfold

# One token per Han character (CJK unified ideographs and their extensions, compatibility
# ideographs); one token per run of other letters, marks and digits; clause punctuation is a
# token too, so that a phrase does not match across "，" or "."
# ("会员国，政府" is not "会员国政府").
SPLIT_PATTERN = r"\p{Han}|[[\p{L}\p{M}\p{N}]--\p{Han}]+|[.,;:!?、。]"
EXACT = "exact"  # tokenizer name: regex + lowercase + ascii_fold
# The stemmed fields (decision 0036), each with its tokenizer of the same name: the exact analysis,
# then the Snowball stemmer of its language and the Russian one (which touches only Cyrillic
# words); the text they receive is light-stemmed for Arabic first (``arabic.light_stem``). A
# document goes into one of them by its language: French and Spanish into their own, every other
# language into ``body_stem`` (English and Russian words stemmed, Arabic light-stemmed, Chinese
# as in ``body``). Queries look in all three.
STEM_FIELDS: dict[str, str] = {"body_stem": "english", "body_fr": "french", "body_es": "spanish"}
_FIELD_OF_LANGUAGE = {"fr": "body_fr", "es": "body_es"}

# Tokenizing the original text in Python, to place highlights (Python's re has no \p{Han}).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_MARKS = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
_PY_TOKEN = re.compile(rf"[{_HAN}]|(?:[^\W_{_HAN}]|[{_MARKS}])+|[.,;:!?、。，；：！？]")
_PY_WORD = re.compile(rf"(?:[^\W_{_HAN}]|[{_MARKS}])+|[.,;:!?、。，；：！？]")
_HAN_TOKEN = re.compile(rf"[{_HAN}]")
# A token with a letter some stemmer changes (Latin, Cyrillic, Arabic): query the stemmed fields.
_STEMMABLE = re.compile("[a-z\u0400-\u04ff\u0621-\u064a]")
_PREFOLD_TABLE = str.maketrans({"ё": "е", "Ё": "Е"})


def prefold(text: str) -> str:
    """Fold what tantivy's filters cannot: NFKC, Arabic marks and letter forms, ё.

    Whole-string operations only (fast enough for bulk indexing). Together with the tokenizer's
    lowercase and ascii_fold filters this gives the same tokens as ``textfold.fold``
    (a test checks it).
    """
    text = unicodedata.normalize("NFKC", text)
    text = textfold._ARABIC_MARKS.sub("", text)
    return text.translate(textfold._ARABIC_LETTERS).translate(_PREFOLD_TABLE)


@dataclass(frozen=True)
class Chunk:
    """One part of a query that every result must contain, as index tokens."""

    tokens: tuple[str, ...]
    stems: tuple[tuple[str, ...], ...]  # per stemmed field, in the order of STEM_FIELDS
    symbol: str | None = None  # the chunk as a document symbol, when it looks like one
    pattern: re.Pattern[str] | None = None  # Han characters only: how to find them in the text


@dataclass(frozen=True)
class Group:
    """Chunks typed together that every result must contain (all of them), or else one of the
    synonyms of the term they form (decision 0036), each a phrase."""

    chunks: tuple[Chunk, ...]
    synonyms: tuple[Chunk, ...] = ()


@dataclass(frozen=True)
class ParsedQuery:
    chunks: tuple[Chunk, ...] = field(default_factory=tuple)
    groups: tuple[Group, ...] = field(default_factory=tuple)


def _analyzers() -> dict[str, tantivy.TextAnalyzer]:
    """The exact analyzer and one per stemmed field, by tokenizer name."""

    def base() -> tantivy.TextAnalyzerBuilder:
        return (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(SPLIT_PATTERN))
            .filter(tantivy.Filter.remove_long(80))
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold())
        )

    analyzers = {EXACT: base().build()}
    for name, language in STEM_FIELDS.items():
        builder = base().filter(tantivy.Filter.stemmer(language))
        analyzers[name] = builder.filter(tantivy.Filter.stemmer("russian")).build()
    return analyzers


_ANALYZERS = _analyzers()
_EXACT_ANALYZER = _ANALYZERS[EXACT]
_STEM_ANALYZERS = tuple(_ANALYZERS[name] for name in STEM_FIELDS)


def analyse(text: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """The exact tokens of ``text`` and its stems per stemmed field (as the index has them)."""
    folded = prefold(text)
    stemmed = arabic.light_stem(folded)
    return (
        tuple(_EXACT_ANALYZER.analyze(folded)),
        tuple(tuple(analyzer.analyze(stemmed)) for analyzer in _STEM_ANALYZERS),
    )


def make_chunk(text: str, *, symbol: str | None = None) -> Chunk | None:
    """One query chunk (None when ``text`` has no token)."""
    tokens, stems = analyse(text)
    if not tokens:
        return None
    pattern = None
    if all(_HAN_TOKEN.fullmatch(token) for token in tokens):
        pattern = re.compile(r"\s*".join(re.escape(token) for token in tokens))
    return Chunk(tokens=tokens, stems=stems, symbol=symbol, pattern=pattern)
