"""Every document of the corpus, imported through the real import path, says what a person
reading it sees (issue 17, item 7; decision 0032, "Corpus and Arabic order").

``corpus/expected.toml`` holds the values read off each document (with the page where each
was read); this module imports every file as the import page does — ``do_import_published``
for PDF and Word files, ``do_import_text`` with the person's metadata for plain text — and
asserts each value as its own case. Where the parser is wrong today, that one case is marked
``xfail(strict=True)`` with the reason (``KNOWN_WRONG``): it turns red the day it is fixed,
and the mark is then removed. The values in the data file are never bent to the parser.

All the imports run once for the module, in a transaction rolled back at the end.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from pytest_django.plugin import DjangoDbBlocker

from rogatory.knowledge.actions import (
    ImportMetadata,
    KnowledgeImportError,
    do_import_published,
    do_import_text,
)
from rogatory.knowledge.models import symbol_key
from rogatory.knowledge.untext import Paragraph, UnDocument, parse

# The imports need the test database set up (pytest-django sets up only what marked tests use).
pytestmark = [pytest.mark.corpus, pytest.mark.django_db]

CORPUS = Path(__file__).with_name("corpus")
EXPECTED: list[dict[str, Any]] = tomllib.loads((CORPUS / "expected.toml").read_text())["document"]

# (file, case) → why the parser is wrong today. Each is an expected failure, strict: fixed, it
# fails, and the line goes. None today: the ESCWA report's English notes and its Arabic
# paragraph numbers drawn as images were the last two (decisions 0032 and 0039, "later").
KNOWN_WRONG: dict[tuple[str, str], str] = {}

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_PARAGRAPH_NUMBER = re.compile(r"\d{1,3}(?:\.\d{1,3})?")
_LIST_MARK = re.compile(r"^\(?[a-z0-9]{1,4}[.)]\s+")
_ARTICLE = re.compile(
    r"^(?:Article|Artículo|Статья|المادة)\s+\S+$|^第[一二三四五六七八九十百]+条$", re.IGNORECASE
)


@dataclass
class Imported:
    """What the import made of one file: the stored row's values and the parsed structure."""

    refused: str = ""
    symbol: str = ""
    also_symbols: list[str] = field(default_factory=list)
    language: str = ""
    date: str = ""
    title: str = ""
    body: str = ""
    citations: set[str] = field(default_factory=set)
    parsed: UnDocument | None = None


def _import(entry: dict[str, Any]) -> Imported:
    path = CORPUS / entry["file"]
    given = entry.get("metadata", {})
    metadata = ImportMetadata.checked(**given) if given else None
    try:
        if entry["format"] == "txt":
            document, _created = do_import_text(
                path.read_text(encoding="utf-8"), source_name=path.name, metadata=metadata
            )
        else:
            document, _created = do_import_published(
                path.read_bytes(), source_name=path.name, metadata=metadata
            )
    except KnowledgeImportError as refused:
        return Imported(refused=str(refused))
    parsed = parse(document.body_text, language=document.language)
    if metadata:
        parsed = metadata.apply(parsed)
    return Imported(
        symbol=document.symbol,
        also_symbols=list(document.also_symbols),
        language=document.language,
        date=str(document.date) if document.date else "",
        title=document.title,
        body=document.body_text,
        citations={symbol_key(c.target) for c in document.citations.all()},
        parsed=parsed,
    )


@pytest.fixture(scope="module")
def imported(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[dict[str, Imported]]:
    class Rollback(Exception):
        pass

    results: dict[str, Imported] = {}
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                for entry in EXPECTED:
                    results[entry["file"]] = _import(entry)
                raise Rollback
        except Rollback:
            pass
    yield results


def _operative_verbs(document: UnDocument) -> list[str]:
    return [p.verb or "" for p in document.operative]


def _numbered(document: UnDocument) -> list[Paragraph]:
    return [
        p
        for p in document.operative
        if p.kind == "paragraph" and p.number and _PARAGRAPH_NUMBER.fullmatch(p.number)
    ]


def _footnote_count(document: UnDocument) -> int:
    # Notes, not attachments: a mark printed twice gives one note to two paragraphs, and two
    # texts' notes may read alike (the ESCWA report's three "¹ General Assembly resolution
    # 70/1 …", one in each of three texts) and are still three notes.
    return len({id(note) for note in document.footnotes()})


def _carries(document: UnDocument, marker: str, paragraph: str) -> bool:
    for candidate in document.paragraphs():
        marks = {n.marker.translate(_SUPERSCRIPT) for n in candidate.footnotes}
        text = _LIST_MARK.sub("", candidate.text.lstrip())
        if marker in marks and (candidate.number == paragraph or text.startswith(paragraph)):
            return True
    return False


def _articles(document: UnDocument) -> int:
    texts = [p.text.strip() for p in document.paragraphs()]
    texts += [a.heading.strip() for a in document.annexes]
    return len({t for t in texts if _ARTICLE.match(t)})


def check(case: str, expected: Any, found: Imported) -> None:
    """Assert one expected value (``case`` names it: "symbol", "citation:A/RES/70/1", …)."""
    if case == "refused":
        assert expected in found.refused
        return
    assert not found.refused, f"refused: {found.refused}"
    document = found.parsed
    assert document is not None
    if case in ("symbol", "language", "date", "title"):
        assert getattr(found, case) == expected
    elif case == "also_symbols":
        assert {symbol_key(s) for s in found.also_symbols} >= {symbol_key(s) for s in expected}
    elif case == "distribution":
        # A resolution's date is its adoption, not the distribution date on its cover; any
        # other document's date is the distribution date.
        if document.kind == "resolution":
            assert found.date != expected
        else:
            assert found.date == expected
    elif case == "kind":
        assert document.kind == expected
    elif case == "title_contains":
        assert expected.casefold() in (found.title or "").casefold()
    elif case == "preamble":
        assert len(document.preamble) == expected
    elif case == "operative":
        assert len(document.operative) == expected
    elif case == "numbered":
        # What a reader counts: the paragraphs carrying the document's own numbers ("1." to
        # "71.", "16.1" to "16.147", Arabic "1-"), not the headings that ``operative`` keeps
        # in order (decision 0039) nor the sub-items "(a)" numbered within a paragraph.
        assert len(_numbered(document)) == expected
    elif case == "first_verb":
        assert _operative_verbs(document)[:1] == [expected]
    elif case == "last_verb":
        assert _operative_verbs(document)[-1:] == [expected]
    elif case == "footnotes":
        assert _footnote_count(document) == expected
    elif case.startswith("attached:"):
        marker, paragraph = expected
        assert _carries(document, marker, paragraph)
    elif case.startswith("citation:"):
        assert symbol_key(expected) in found.citations
    elif case == "articles":
        assert _articles(document) == expected
    elif case.startswith("body_contains:"):
        assert expected in found.body
    elif case.startswith("part:"):
        # A resolution printed in a report: its own numbered operative paragraphs and verbs.
        number = case.removeprefix("part:")
        (part,) = [p for p in document.parts if p.number == number]
        assert [p.number for p in part.operative] == [
            str(n) for n in range(1, expected["operative"] + 1)
        ]
        assert [p.verb or "" for p in part.operative] == expected["verbs"]
    else:  # pragma: no cover - a key the data file has and this test does not know
        raise AssertionError(f"unknown expected value {case!r}")


def _cases() -> Iterator[Any]:
    skip = {"file", "format", "metadata"}
    for entry in EXPECTED:
        name = entry["file"]
        for key, value in entry.items():
            if key in skip:
                continue
            if key == "citations":
                items = [(f"citation:{target}", target) for target in value]
            elif key == "attached":
                items = [
                    (f"attached:{a['marker']}@{a['paragraph']}", (a["marker"], a["paragraph"]))
                    for a in value
                ]
            elif key == "body_contains":
                items = [(f"body_contains:{text}", text) for text in value]
            elif key == "parts":
                items = [(f"part:{part['number']}", part) for part in value]
            else:
                items = [(key, value)]
            for case, expected in items:
                reason = KNOWN_WRONG.get((name, case))
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                yield pytest.param(name, case, expected, marks=marks, id=f"{name}-{case}")


@pytest.mark.parametrize(("name", "case", "expected"), list(_cases()))
def test_the_document_says_what_it_prints(
    imported: dict[str, Imported], name: str, case: str, expected: Any
) -> None:
    check(case, expected, imported[name])


def test_every_document_of_the_corpus_has_expected_values() -> None:
    """A file added to the corpus without its expected values is a test that was forgotten."""
    documents = {p.name for p in CORPUS.iterdir() if p.suffix.lower() in (".pdf", ".docx", ".txt")}
    assert documents == {entry["file"] for entry in EXPECTED}
