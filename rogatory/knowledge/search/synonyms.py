"""Synonyms of the terms of cooperation, per language, kept as data (decision 0036).

``synonyms.toml`` beside this file lists concepts (extradition, mutual legal assistance,
confiscation…), each with its terms in the six UN languages and, per language, where the terms
come from. A query whose words form one of the terms also finds the other terms of the same
concept **in the same language** ("экстрадиция" finds "выдача"); it does not cross languages
(a Russian query does not find English documents), since results in a language the reader did not
type are noise in a multilingual index.

Terms are matched by their analysis, exact or stemmed (``analysis.analyse``), so inflected forms
("экстрадиции", "المجرمين") match a term too.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain
from pathlib import Path

from rogatory.knowledge.search.analysis import Chunk, Group, make_chunk

LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
DATA_FILE = Path(__file__).with_name("synonyms.toml")
MAX_WORDS = 6  # the longest run of query chunks tried as one term


@dataclass(frozen=True)
class Terms:
    terms: tuple[str, ...]
    source: str  # a file of this repository and its article, or a note that there is none


@dataclass(frozen=True)
class Concept:
    id: str
    languages: dict[str, Terms]


class SynonymError(ValueError):
    pass


def load(path: Path = DATA_FILE) -> tuple[Concept, ...]:
    """Read and check the synonyms file: every concept has terms and a source in every language."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    concepts = []
    seen: set[str] = set()
    for entry in data.get("concept", []):
        concept_id = str(entry.get("id", ""))
        if not concept_id or concept_id in seen:
            raise SynonymError(f"Missing or repeated concept id: {concept_id!r}")
        seen.add(concept_id)
        languages = {}
        for language in LANGUAGES:
            part = entry.get(language)
            if not isinstance(part, dict):
                raise SynonymError(f"{concept_id}: no terms in {language}")
            terms = tuple(str(term).strip() for term in part.get("terms", []) if str(term).strip())
            source = str(part.get("source", "")).strip()
            if not terms or not source:
                raise SynonymError(f"{concept_id}: {language} needs terms and a source")
            languages[language] = Terms(terms=terms, source=source)
        concepts.append(Concept(id=concept_id, languages=languages))
    return tuple(concepts)


def _keys(tokens: tuple[str, ...], stems: Sequence[tuple[str, ...]]) -> set[tuple[str, ...]]:
    return {key for key in (tokens, *stems) if key}


class Thesaurus:
    """The terms by their analysed forms, and the expansion of a parsed query."""

    def __init__(self, concepts: Sequence[Concept]) -> None:
        self.concepts = tuple(concepts)
        # analysed form -> (concept index, language, term)
        self._by_key: dict[tuple[str, ...], set[tuple[int, str, str]]] = {}
        self._chunks: dict[str, Chunk] = {}
        for index, concept in enumerate(self.concepts):
            for language, part in concept.languages.items():
                for term in part.terms:
                    chunk = make_chunk(term)
                    if chunk is None:
                        continue
                    self._chunks[term] = chunk
                    for key in _keys(chunk.tokens, chunk.stems):
                        self._by_key.setdefault(key, set()).add((index, language, term))

    def lookup(self, chunks: Sequence[Chunk]) -> set[tuple[int, str, str]]:
        """The terms that these consecutive chunks form (by exact or stemmed analysis)."""
        tokens = tuple(chain.from_iterable(chunk.tokens for chunk in chunks))
        stems = [
            tuple(chain.from_iterable(chunk.stems[i] for chunk in chunks))
            for i in range(len(chunks[0].stems))
        ]
        found: set[tuple[int, str, str]] = set()
        for key in _keys(tokens, stems):
            found |= self._by_key.get(key, set())
        return found

    def siblings(self, text: str) -> list[str]:
        """The other terms, in the same language, of the concepts ``text`` is a term of."""
        chunk = make_chunk(text)
        if chunk is None:
            return []
        return sorted(self._siblings(self.lookup([chunk]), set()))

    def _siblings(self, found: set[tuple[int, str, str]], typed: set[str]) -> set[str]:
        terms: set[str] = set()
        for index, language, term in found:
            typed.add(term)
            terms.update(self.concepts[index].languages[language].terms)
        return terms - typed

    def group(self, chunks: Sequence[Chunk]) -> tuple[Group, ...]:
        """Group the chunks of a query: the longest runs that form a term, with its synonyms."""
        groups = []
        i = 0
        while i < len(chunks):
            for length in range(min(MAX_WORDS, len(chunks) - i), 0, -1):
                run = chunks[i : i + length]
                if any(chunk.symbol for chunk in run):
                    continue
                found = self.lookup(run)
                if found:
                    typed_tokens = tuple(chain.from_iterable(c.tokens for c in run))
                    synonyms = tuple(
                        self._chunks[term]
                        for term in sorted(self._siblings(found, set()))
                        if self._chunks[term].tokens != typed_tokens
                    )
                    groups.append(Group(tuple(run), synonyms))
                    i += length
                    break
            else:
                groups.append(Group((chunks[i],)))
                i += 1
        return tuple(groups)


@cache
def thesaurus() -> Thesaurus:
    return Thesaurus(load())
