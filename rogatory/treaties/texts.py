"""The text of the UN instruments' articles: read from ``treaties/data/texts/``, one link each.

The shipped files are national official collections' reproductions of the UN English, French and
Spanish texts (``data/texts/SOURCES.md``); ``articles_index.csv`` gives the line where each
article starts. The loader checks every heading at its line and fails on a mismatch rather than
storing the wrong words under an article number. Texts an administrator added
(``ArticleText.Origin.ADDED``) are never overwritten by a reload (decision 0031).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.urls import reverse

from rogatory.reference.loaders import SyncReport, sync

from .models import ArticleText, Instrument, paragraph_number

TEXTS_DIR = Path(__file__).resolve().parent / "data" / "texts"

# The six UN languages, as the texts name them (Django says "zh-hans" for Chinese).
TEXT_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
# Written right to left; every other UN language's text is left to right.
RIGHT_TO_LEFT = {"ar"}

# The article heading at the indexed line, per language of the source collection:
# en (Dutch BWB mirror): "### Article  16  "; fr (Swiss RS): "**Art. 16** Art. 16 Extradition";
# es (Argentine InfoLEG): "##### Artículo 16".
HEADINGS = {
    "en": re.compile(r"^###\s+Article\s+(?P<number>\d+)\s*$"),
    "fr": re.compile(r"^\*\*Art\.\s*(?P<number>\d+)\*\*\s*Art\.\s*\d+\s*(?P<title>.*)$"),
    "es": re.compile(r"^#####\s+Art[ií]culo\s+(?P<number>\d+)\s*$"),
}
# A chapter heading or a testimonium clause ends the article before it; what follows is not
# the article's text (chapter titles, "IN WITNESS WHEREOF", signatures, the 1988 Annex).
ARTICLE_END = re.compile(
    r"^(#{1,3}\s*(CHAPTER|Cap[ií]tulo|Chapitre|ANNEX|[IVX]+\b)"
    r"|[IVX]+\.\s"
    r"|IN WITNESS WHEREOF|EN FE DE LO CUAL|En TESTIMONIO DE LO CUAL|En foi de quoi)",
    re.IGNORECASE,
)
# An article as answers cite it: "18", "art. 18", "art. 46(9)(b)"; not a range ("1-25").
CITED_ARTICLE = re.compile(
    r"^\s*(?:art(?:icle)?\.?\s*)?(?P<number>\d{1,3})"
    r"(?:\((?P<paragraph>\d{1,3})\))?(?:\([a-z]{1,4}\))*\s*$",
    re.IGNORECASE,
)
# What an article page's URL accepts as an article number.
ARTICLE_NUMBER = re.compile(r"^\d{1,3}[a-z]{0,6}$")


class TextIndexError(ValueError):
    """A shipped text file does not match the article index: nothing is loaded."""


@dataclass(frozen=True)
class ParsedArticle:
    article: str
    heading: str
    paragraphs: tuple[str, ...]


def read_index() -> dict[str, list[tuple[str, int]]]:
    """Per file, its articles and the line (1-based) where each starts, in file order."""
    index: dict[str, list[tuple[str, int]]] = {}
    with (TEXTS_DIR / "articles_index.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            index.setdefault(row["file"], []).append((row["article"], int(row["start_line"])))
    for starts in index.values():
        starts.sort(key=lambda item: item[1])
    return index


def read_sources() -> list[dict[str, str]]:
    with (TEXTS_DIR / "sources.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_notes() -> dict[tuple[str, str], str]:
    """Editorial notes on one article of one file (a defect of the source, kept verbatim)."""
    with (TEXTS_DIR / "notes.csv").open(encoding="utf-8", newline="") as handle:
        return {(row["file"], row["article"]): row["note"] for row in csv.DictReader(handle)}


def _title(lines: list[str], language: str, start: int) -> tuple[str, int]:
    """The article's title after its heading line and the index of the first body line."""
    position = start + 1
    while position < len(lines) and not lines[position].strip():
        position += 1
    if language == "en":
        if position < len(lines) and lines[position].startswith("####"):
            return lines[position].lstrip("#").strip(), position + 1
        return "", position
    # es: one or more short lines (the source wraps long titles) before the first sentence.
    title: list[str] = []
    while position < len(lines):
        line = lines[position].strip()
        # A title is short or in capitals (the 1988 Convention's), and ends without a stop.
        is_title = (len(line) <= 80 or line == line.upper()) and not (
            paragraph_number(line) or re.search(r"[.:;]$", line) or line.startswith("#")
        )
        if line and not is_title:
            break
        if line:
            title.append(line)
        position += 1
    return " ".join(title), position


def split_articles(relative: str, starts: list[tuple[str, int]]) -> list[ParsedArticle]:
    """Cut one shipped file into its articles at the indexed lines, checking each heading."""
    language = Path(relative).stem
    pattern = HEADINGS.get(language)
    if pattern is None:
        raise TextIndexError(f"{relative}: no heading pattern for language {language!r}")
    lines = [line.rstrip() for line in (TEXTS_DIR / relative).read_text("utf-8").split("\n")]
    articles = []
    for position, (article, line_number) in enumerate(starts):
        start = line_number - 1
        heading = pattern.match(lines[start]) if 0 <= start < len(lines) else None
        if heading is None or heading.group("number") != article:
            found = lines[start] if 0 <= start < len(lines) else "(past the end of the file)"
            raise TextIndexError(
                f"{relative}:{line_number}: expected the heading of article {article}, "
                f"found {found!r}"
            )
        if language == "fr":
            title, body_start = heading.group("title").strip(), start + 1
        else:
            title, body_start = _title(lines, language, start)
        end = starts[position + 1][1] - 1 if position + 1 < len(starts) else len(lines)
        paragraphs: list[str] = []
        for line in lines[body_start:end]:
            if ARTICLE_END.match(line.strip()):
                break
            if line.strip():
                paragraphs.append(line.strip())
        if not paragraphs:
            raise TextIndexError(f"{relative}:{line_number}: article {article} has no text")
        articles.append(ParsedArticle(article=article, heading=title, paragraphs=tuple(paragraphs)))
    return articles


def shipped_rows(instruments: dict[str, Instrument]) -> list[dict[str, Any]]:
    """Every article of every shipped file as ``ArticleText`` field values."""
    index = read_index()
    notes = read_notes()
    rows = []
    for source in read_sources():
        relative = source["file"]
        if relative not in index:
            raise TextIndexError(f"{relative}: not in articles_index.csv")
        instrument = instruments[source["instrument"]]
        for parsed in split_articles(relative, index[relative]):
            rows.append(
                {
                    "instrument_id": instrument.pk,
                    "article": parsed.article,
                    "language": source["language"],
                    "position": int(parsed.article),
                    "heading": parsed.heading,
                    "text": "\n".join(parsed.paragraphs),
                    "source": source["source"],
                    "source_url": source["source_url"],
                    "note": notes.get((relative, parsed.article), ""),
                    "origin": ArticleText.Origin.SHIPPED,
                    "added_by_name": "",
                }
            )
    return rows


@transaction.atomic
def load_article_texts() -> SyncReport:
    """Load the shipped texts (idempotent); a text an administrator added stays as it is."""
    codes = {source["instrument"] for source in read_sources()}
    instruments = {i.code: i for i in Instrument.objects.filter(code__in=codes)}
    missing = codes - instruments.keys()
    if missing:
        raise TextIndexError(f"load the treaty data first: no instrument {sorted(missing)}")
    added = set(
        ArticleText.objects.filter(origin=ArticleText.Origin.ADDED).values_list(
            "instrument_id", "article", "language"
        )
    )
    rows = [
        row
        for row in shipped_rows(instruments)
        if (row["instrument_id"], row["article"], row["language"]) not in added
    ]
    report = sync(
        ArticleText,
        rows,
        key=("instrument_id", "article", "language"),
        scope=ArticleText.objects.filter(
            instrument__in=instruments.values(), origin=ArticleText.Origin.SHIPPED
        ),
    )
    if added:
        report.notes.append(f"{len(added)} texts added by administrators kept")
    return report


def cited_article(value: object) -> tuple[str, str] | None:
    """The article number and paragraph ("" if none) of a citation such as "art. 46(9)(b)"."""
    found = CITED_ARTICLE.match(str(value or ""))
    if found is None:
        return None
    return found.group("number"), found.group("paragraph") or ""


def article_url(instrument: Instrument, article: object, *, via_parent: bool = False) -> str:
    """The page of the cited article's text, or "" when the citation names no single article.

    A Protocol's cooperation runs through its Convention's article (Protocols, art. 1(2)): with
    ``via_parent`` the link goes to the parent Convention's article, not the Protocol's own.
    """
    cited = cited_article(article)
    if cited is None:
        return ""
    owner = instrument.parent if via_parent and instrument.parent_id else instrument
    if owner is None:
        return ""
    number, paragraph = cited
    url = reverse("treaty_article", args=[owner.code, number])
    return f"{url}#para-{paragraph}" if paragraph else url
