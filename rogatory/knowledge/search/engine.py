"""The search interface and its tantivy backend. See the package docstring and decision 0015."""

from __future__ import annotations

import hashlib
import html
import logging
import shutil
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import tantivy

from rogatory.knowledge.search import arabic
from rogatory.knowledge.search.analysis import (
    _FIELD_OF_LANGUAGE,
    _HAN_TOKEN,
    _PY_TOKEN,
    _PY_WORD,
    _STEMMABLE,
    EXACT,
    STEM_FIELDS,
    Chunk,
    Group,
    ParsedQuery,
    _analyzers,
    analyse,
    prefold,
)
from rogatory.knowledge.search.query import parse_query

logger = logging.getLogger(__name__)

SNIPPET_CHARS = 200
SCHEMA_VERSION = 6  # raise with any change to _schema(), the analysis or what is indexed
# Written into the index directory when the index is created or rebuilt; an index whose marker
# differs (or is missing) was built by another analysis: it is served as it is, with a warning
# (``TantivyBackend.outdated``), until ``manage.py rebuild_search_index`` rebuilds it.
ANALYSIS_MARKER = "ANALYSIS_VERSION"
ANALYSIS_VERSION = f"{SCHEMA_VERSION}:ar-light-1:en-fr-es-ru-snowball:synonyms-1:work-1"
# Counting distinct works is exact up to this many (tantivy's default bucket limit for one
# aggregation); beyond it the count is tantivy's HyperLogLog estimate (decision 0035, "Later").
MAX_COUNTED_WORKS = 65_000
# The document languages, numbered from 1 in a fast field (0: another or none), so that
# grouping hits by work reads their language without loading them.
LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
_LANGUAGE_NUMBER = {code: n for n, code in enumerate(LANGUAGES, start=1)}


@dataclass(frozen=True)
class IndexDoc:
    """What the index holds for one knowledge-base document (the database keeps the rest)."""

    id: int
    text: str
    title: str = ""
    symbol: str = ""
    kind: str = ""
    language: str = ""
    # Facets: the state (ISO alpha-2), the year, ICCS sections ("01"…"11") and the codes of the
    # instruments (treaties.Instrument.code) the document is about or implements.
    state: str = ""
    year: str = ""
    iccs: tuple[str, ...] = ()
    instruments: tuple[str, ...] = ()
    day: int = 0  # the document's date as YYYYMMDD (0: none), for browsing newest first
    # The work this document is a language version of (KnowledgeDocument.work); "" for a work
    # of its own. Search shows a work once (``search_works``).
    work: str = ""


def work_number(key: str) -> int:
    """The index's number for a work key: 63 bits of its BLAKE2b hash (a u64 fast field;
    a collision among a million works has a chance of about 1 in 10^7)."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


# The facet fields of the index, by the name the filters use.
FACETS = ("kind", "language", "state", "year", "iccs", "instrument")


@dataclass(frozen=True)
class Hit:
    id: int
    score: float
    snippet: str  # HTML: the original text escaped, matches wrapped in <mark>
    work: int = 0  # work_number of the document's work
    language: str = ""


@dataclass(frozen=True)
class Page:
    hits: list[Hit]
    total: int
    # Per facet, (value, count) of the documents the query matches with the other filters
    # applied (not its own, so that every value of a facet stays choosable); on request only.
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


class SearchBackend(Protocol):
    def upsert(self, docs: Iterable[IndexDoc]) -> int: ...

    def delete(self, ids: Iterable[int]) -> None: ...

    def rebuild(self, docs: Iterable[IndexDoc]) -> int: ...

    def search(
        self,
        query: str,
        *,
        filters: Mapping[str, str] | None = None,
        limit: int = 10,
        offset: int = 0,
        facets: bool = False,
    ) -> Page: ...

    def search_works(
        self,
        query: str,
        *,
        filters: Mapping[str, str] | None = None,
        limit: int = 10,
        offset: int = 0,
        facets: bool = False,
        language: str = "",
    ) -> Page: ...


def default_index_path() -> Path:
    from django.conf import settings

    # The schema's version is in the name: a new schema starts a new index, which
    # indexing.get_backend fills from the database (the old directory can be deleted).
    return Path(settings.DATA_DIR) / "search" / f"knowledge-v{SCHEMA_VERSION}"


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    builder.add_text_field("body", stored=False, tokenizer_name=EXACT, index_option="position")
    for name in STEM_FIELDS:
        builder.add_text_field(name, stored=False, tokenizer_name=name, index_option="position")
    builder.add_text_field("symbol", stored=False, tokenizer_name="raw", index_option="basic")
    for name in FACETS:
        builder.add_text_field(
            name, stored=False, tokenizer_name="raw", index_option="basic", fast=True
        )
    builder.add_unsigned_field("day", stored=False, indexed=False, fast=True)
    builder.add_unsigned_field("work", stored=False, indexed=True, fast=True)
    builder.add_unsigned_field("lang", stored=False, indexed=False, fast=True)  # LANGUAGES
    builder.add_bytes_field("original", stored=True)
    return builder.build()


class TantivyBackend:
    """The knowledge-base index in a directory. One writer process; any number of readers.

    Writes (``upsert``, ``delete``, ``rebuild``) commit before returning and are visible to
    this object's searches at once; other objects on the same directory (other processes) see
    them within about a second (tantivy reloads on commit with a short delay), or at once after
    ``reload()``. Only one writer at a time may hold the directory (tantivy's lock file).
    """

    # Another process (a second web worker, an import) may hold the index's writer lock for
    # the length of its commit: wait for it this long before giving up (the outbox keeps the
    # rows for the next drain then).
    LOCK_WAIT_SECONDS = 10.0

    def __init__(self, path: Path | None = None, *, heap_bytes: int = 200_000_000) -> None:
        self.path = path if path is not None else default_index_path()
        self._marker = self.path / ANALYSIS_MARKER
        self.created = not (self.path / "meta.json").exists()  # a new, empty index
        # An index built by another analysis (no marker or another one) matches queries
        # analysed differently from its documents: some words are missed, none is wrongly
        # found. It is served as it is (search stays up, decision 0036 "Later"): the warning
        # here, a notice to administrators on the search page, and the rebuild left to
        # ``manage.py rebuild_search_index`` (a minute per 200,000 documents).
        self._outdated = not self.created and not self._marker_current()
        if self._outdated:
            logger.warning(
                "The search index in %s was built by another analysis version (%s expected); "
                "it is served as it is until rebuilt: manage.py rebuild_search_index.",
                self.path,
                ANALYSIS_VERSION,
            )
        self.path.mkdir(parents=True, exist_ok=True)
        if self.created:
            self._marker.write_text(ANALYSIS_VERSION + "\n")
        self.schema = _schema()
        self.index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
        for name, analyzer in _analyzers().items():
            self.index.register_tokenizer(name, analyzer)
        self._heap_bytes = heap_bytes
        self._write_lock = threading.Lock()
        self._token_cache: dict[str, tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]] = {}

    def _marker_current(self) -> bool:
        try:
            return self._marker.read_text().strip() == ANALYSIS_VERSION
        except FileNotFoundError:
            return False

    @property
    def outdated(self) -> bool:
        """Built by another analysis version and not rebuilt since (by this process or, seen
        through the marker, by ``manage.py rebuild_search_index``)."""
        if self._outdated and self._marker_current():
            self._outdated = False
        return self._outdated

    # Writing -------------------------------------------------------------------------------

    def _document(self, doc: IndexDoc) -> tantivy.Document:
        head = "\n".join(part for part in (doc.symbol, doc.title) if part)
        original = f"{head}\n\n{doc.text}" if head else doc.text
        folded = prefold(original)
        document = tantivy.Document()
        document.add_unsigned("id", doc.id)
        document.add_text("body", folded)
        stem_field = _FIELD_OF_LANGUAGE.get(doc.language, "body_stem")
        document.add_text(stem_field, arabic.light_stem(folded))
        document.add_text("symbol", doc.symbol.upper())
        values = {
            "kind": (doc.kind or "none",),  # every document has one: totals come from it
            "language": (doc.language,),
            "state": (doc.state,),
            "year": (doc.year,),
            "iccs": doc.iccs,
            "instrument": doc.instruments,
        }
        for name, facet_values in values.items():
            for value in facet_values:
                if value:
                    document.add_text(name, value)
        document.add_unsigned("day", doc.day)
        document.add_unsigned("work", work_number(doc.work or f"doc:{doc.id}"))
        document.add_unsigned("lang", _LANGUAGE_NUMBER.get(doc.language, 0))
        document.add_bytes("original", original.encode())
        return document

    def _write(self, docs: Iterable[IndexDoc], *, replace: bool, clear: bool) -> int:
        count = 0
        with self._write_lock:
            writer = self._writer(self._heap_bytes, 2)
            try:
                if clear:
                    writer.delete_all_documents()
                for doc in docs:
                    if replace:
                        writer.delete_documents_by_query(self._id_query(doc.id))
                    writer.add_document(self._document(doc))
                    count += 1
                writer.commit()
                writer.wait_merging_threads()
            except BaseException:
                writer.rollback()
                raise
            if clear:  # every document now analysed by this version
                self._marker.write_text(ANALYSIS_VERSION + "\n")
                self._outdated = False
        self.index.reload()
        return count

    def _writer(self, heap_bytes: int, threads: int) -> tantivy.IndexWriter:
        deadline = time.monotonic() + self.LOCK_WAIT_SECONDS
        while True:
            try:
                return self.index.writer(heap_size=heap_bytes, num_threads=threads)
            except ValueError as exc:
                if "LockBusy" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _id_query(self, doc_id: int) -> tantivy.Query:
        # Not delete_documents_by_term: tantivy-py 0.27 makes an i64 term of the int, which
        # never matches the u64 field (checked: nothing is deleted).
        return tantivy.Query.term_query(self.schema, "id", doc_id)

    def upsert(self, docs: Iterable[IndexDoc]) -> int:
        """Add or replace documents (matched by id)."""
        return self._write(docs, replace=True, clear=False)

    def rebuild(self, docs: Iterable[IndexDoc]) -> int:
        """Replace the whole index by ``docs`` in one commit: readers see old or new."""
        return self._write(docs, replace=False, clear=True)

    def delete(self, ids: Iterable[int]) -> None:
        with self._write_lock:
            writer = self._writer(15_000_000, 1)
            for doc_id in ids:
                writer.delete_documents_by_query(self._id_query(doc_id))
            writer.commit()
            writer.wait_merging_threads()
        self.index.reload()

    @classmethod
    def destroy(cls, path: Path) -> None:
        shutil.rmtree(path, ignore_errors=True)

    # Reading -------------------------------------------------------------------------------

    def build_query(
        self, parsed: ParsedQuery, filters: Mapping[str, str] | None = None
    ) -> tantivy.Query | None:
        """The query for the parsed chunks and the facet filters; None when there is neither
        (an empty box with filters browses the documents the filters select)."""
        filters = {name: value for name, value in (filters or {}).items() if value}
        unknown = set(filters) - set(FACETS)
        if unknown:
            raise ValueError(f"Unknown search filters: {', '.join(sorted(unknown))}")
        if not parsed.chunks and not filters:
            return None
        schema = self.schema
        must: list[tuple[tantivy.Occur, tantivy.Query]] = []
        if not parsed.chunks:
            must.append((tantivy.Occur.Must, tantivy.Query.all_query()))
        groups = parsed.groups or tuple(Group((chunk,)) for chunk in parsed.chunks)
        for group in groups:
            typed = [self._chunk_query(chunk) for chunk in group.chunks]
            query = (
                typed[0]
                if len(typed) == 1
                else tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in typed])
            )
            if group.synonyms:
                # A synonym scores a little below the words typed.
                alternatives = [query] + [
                    tantivy.Query.boost_query(self._chunk_query(chunk), 0.8)
                    for chunk in group.synonyms
                ]
                query = tantivy.Query.boolean_query(
                    [(tantivy.Occur.Should, q) for q in alternatives]
                )
            must.append((tantivy.Occur.Must, query))
        if len(parsed.chunks) > 1:
            # Documents holding the words in the order typed rank higher (a boost, not a must).
            sequence: list[str | tuple[int, str]] = [
                token for chunk in parsed.chunks for token in chunk.tokens
            ]
            phrase = tantivy.Query.phrase_query(schema, "body", sequence)
            must.append((tantivy.Occur.Should, tantivy.Query.boost_query(phrase, 3.0)))
        for name, value in filters.items():
            term = tantivy.Query.term_query(schema, name, value)
            must.append((tantivy.Occur.Must, tantivy.Query.const_score_query(term, 0.0)))
        return must[0][1] if len(must) == 1 else tantivy.Query.boolean_query(must)

    def _chunk_query(self, chunk: Chunk) -> tantivy.Query:
        should = [self._field_query("body", chunk.tokens, boost=2.0)]
        if any(_STEMMABLE.search(token) for token in chunk.tokens):
            for name, stems in zip(STEM_FIELDS, chunk.stems, strict=True):
                if stems:
                    should.append(self._field_query(name, stems, boost=1.0))
        if chunk.symbol:
            term = tantivy.Query.term_query(self.schema, "symbol", chunk.symbol)
            should.append(tantivy.Query.boost_query(term, 10.0))
        if len(should) == 1:
            return should[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in should])

    def _field_query(self, name: str, tokens: Sequence[str], *, boost: float) -> tantivy.Query:
        if len(tokens) == 1:
            query = tantivy.Query.term_query(self.schema, name, tokens[0])
        else:
            query = tantivy.Query.phrase_query(self.schema, name, list(tokens))
        return tantivy.Query.boost_query(query, boost)

    def reload(self) -> None:
        self.index.reload()

    def search(
        self,
        query: str,
        *,
        filters: Mapping[str, str] | None = None,
        limit: int = 10,
        offset: int = 0,
        facets: bool = False,
    ) -> Page:
        parsed = parse_query(query)
        built = self.build_query(parsed, filters)
        if built is None:
            return Page(hits=[], total=0)
        searcher = self.index.searcher()
        # With facets, the total comes from the kind counts (every document has one kind), so
        # the ranking pass need not count every match (and can skip blocks).
        result = searcher.search(
            built,
            limit=limit,
            offset=offset,
            count=not facets,
            order_by_field=None if parsed.chunks else "day",  # browsing: newest first
        )
        hits = []
        for score, address in result.hits:
            stored = searcher.doc(address)
            original = bytes(stored["original"][0]).decode()
            hits.append(
                Hit(id=int(stored["id"][0]), score=score, snippet=self.snippet(original, parsed))
            )
        if not facets:
            total = result.count  # type: ignore[attr-defined]  # missing from tantivy's stub
            return Page(hits=hits, total=int(total or 0))
        counts = self.facet_counts(searcher, parsed, filters or {})
        kind = (filters or {}).get("kind")
        total = sum(n for value, n in counts.get("kind", []) if not kind or value == kind)
        return Page(hits=hits, total=total, facets=counts)

    # Hits read per work wanted when looking for a page of works, at first (a work has up to
    # six language versions; most queries match one or two of them).
    HITS_PER_WORK = 3

    def search_works(
        self,
        query: str,
        *,
        filters: Mapping[str, str] | None = None,
        limit: int = 10,
        offset: int = 0,
        facets: bool = False,
        language: str = "",
    ) -> Page:
        """Like ``search``, but a work counts once: ``limit`` works from ``offset`` in rank
        order (a work ranks where its best version does) and ``total`` the works matched; the
        facet counts count documents (language versions), as in ``search``.

        ``hits`` are the matching versions of the page's works, grouped by work in rank order;
        the first hit of each work carries the snippet (the version in ``language`` when it
        matched, else the best-ranked one), the others none.
        """
        parsed = parse_query(query)
        built = self.build_query(parsed, filters)
        if built is None:
            return Page(hits=[], total=0)
        searcher = self.index.searcher()
        order_by = None if parsed.chunks else "day"  # browsing: newest first
        wanted = offset + limit
        # Read the ranked hits' works from the fast field (no document is loaded), more of
        # them until enough works are seen or every hit is read.
        fetch = max(wanted * self.HITS_PER_WORK, 30)
        while True:
            result = searcher.search(built, limit=fetch, count=False, order_by_field=order_by)
            addresses = [address for _score, address in result.hits]
            ranked = list(dict.fromkeys(searcher.fast_field_values("work", addresses)))
            every_hit = len(addresses) < fetch
            if every_hit or len(ranked) >= wanted:
                break
            fetch *= 4
        page_works = [int(work) for work in ranked[offset:wanted] if work is not None]
        counts = self.facet_counts(searcher, parsed, filters or {}) if facets else {}
        total = len(ranked) if every_hit else self.count_works(searcher, built)
        hits = self._work_hits(searcher, parsed, built, page_works, order_by, language)
        return Page(hits=hits, total=total, facets=counts)

    def _work_hits(
        self,
        searcher: tantivy.Searcher,
        parsed: ParsedQuery,
        built: tantivy.Query,
        works: list[int],
        order_by: str | None,
        language: str,
    ) -> list[Hit]:
        """Every matching version of ``works``, grouped by work in their order."""
        if not works:
            return []
        of_works = tantivy.Query.term_set_query(self.schema, "work", works)
        query = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, built),
                (tantivy.Occur.Must, tantivy.Query.const_score_query(of_works, 0.0)),
            ]
        )
        found = searcher.search(query, limit=len(works) * 50, count=False, order_by_field=order_by)
        addresses = [address for _score, address in found.hits]
        numbers = searcher.fast_field_values("work", addresses)
        ids = searcher.fast_field_values("id", addresses)
        languages = searcher.fast_field_values("lang", addresses)
        by_work: dict[int, list[tuple[float, tantivy.DocAddress, int, str]]] = {}
        for (score, address), work, doc_id, number in zip(
            found.hits, numbers, ids, languages, strict=True
        ):
            code = LANGUAGES[int(number) - 1] if number else ""
            by_work.setdefault(int(work or 0), []).append((score, address, int(doc_id or 0), code))
        wanted = _LANGUAGE_NUMBER.get(language, 0)
        hits = []
        for work in works:
            versions = by_work.get(work, [])
            if not versions:
                continue
            first = next((v for v in versions if wanted and v[3] == language), versions[0])
            for score, address, doc_id, code in [first, *(v for v in versions if v is not first)]:
                snippet = ""
                if doc_id == first[2]:
                    original = bytes(searcher.doc(address)["original"][0]).decode()
                    snippet = self.snippet(original, parsed)
                hits.append(Hit(doc_id, score, snippet, work=work, language=code))
        return hits

    def count_works(self, searcher: tantivy.Searcher, query: tantivy.Query) -> int:
        """The distinct works ``query`` matches: exact up to MAX_COUNTED_WORKS, beyond it
        tantivy's estimate."""
        spec = {"works": {"terms": {"field": "work", "size": MAX_COUNTED_WORKS}}}
        answer = searcher.aggregate(query, spec)["works"]
        counted = len(answer.get("buckets") or [])
        if answer.get("sum_other_doc_count"):
            return max(counted, round(searcher.cardinality(query, "work")))
        return counted

    def facet_counts(
        self, searcher: tantivy.Searcher, parsed: ParsedQuery, filters: Mapping[str, str]
    ) -> dict[str, list[tuple[str, int]]]:
        """Counts per facet value: one aggregation for the facets without a filter, and one
        per filtered facet with its own filter left out. They count documents (language
        versions), also in ``search_works``: counting works per value costs 50-80 ms per facet
        at 20,000 documents where counting versions costs under 1 ms (decision 0035,
        "Later")."""
        active = {name: value for name, value in filters.items() if value}
        groups: list[tuple[dict[str, str], list[str]]] = [
            (active, [name for name in FACETS if name not in active])
        ]
        groups += [({n: v for n, v in active.items() if n != name}, [name]) for name in active]
        counts: dict[str, list[tuple[str, int]]] = {}
        for group_filters, names in groups:
            if not names:
                continue
            built = self.build_query(parsed, group_filters) or tantivy.Query.all_query()
            spec = {name: {"terms": {"field": name, "size": 200}} for name in names}
            answer = searcher.aggregate(built, spec)
            for name in names:
                buckets = answer.get(name, {}).get("buckets", [])
                counts[name] = [(str(b["key"]), int(b["doc_count"])) for b in buckets]
        return counts

    # Snippets ------------------------------------------------------------------------------

    def _analyse_token(self, token: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        cached = self._token_cache.get(token)
        if cached is None:
            cached = analyse(token)
            if len(self._token_cache) < 200_000:
                self._token_cache[token] = cached
        return cached

    def _scan(
        self, original: str, chunks: list[Chunk], first: int | None, width: int
    ) -> list[tuple[int, int]]:
        """Find the other chunks by analysing the original text token by token."""
        has_han = any(_HAN_TOKEN.fullmatch(token) for chunk in chunks for token in chunk.tokens)
        tokens_re = _PY_TOKEN if has_han else _PY_WORD  # skip Han text in C when we can
        exact: list[str] = []
        stems: list[list[str]] = [[] for _ in STEM_FIELDS]
        spans: list[tuple[int, int]] = []
        marks: list[tuple[int, int]] = []
        stop_at = len(original) if first is None else first + width
        # The last token of each chunk, exact or stemmed: a cheap test before comparing runs.
        prepared = [
            (chunk, {chunk.tokens[-1], *(stems[-1] for stems in chunk.stems if stems)})
            for chunk in chunks
        ]
        for match in tokens_re.finditer(original):
            if match.start() >= stop_at:
                break
            token_exact, token_stems = self._analyse_token(match.group())
            for i, value in enumerate(token_exact):
                exact.append(value)
                latest = [value]
                for field_stems, analysed in zip(stems, token_stems, strict=True):
                    field_stems.append(analysed[i] if i < len(analysed) else value)
                    latest.append(field_stems[-1])
                spans.append(match.span())
                last = len(exact)
                for chunk, lasts in prepared:
                    if lasts.isdisjoint(latest):
                        continue
                    n = len(chunk.tokens)
                    if last >= n and tuple(exact[last - n :]) == chunk.tokens:
                        found = n
                    else:
                        found = next(
                            (
                                len(chunk_stems)
                                for field_stems, chunk_stems in zip(stems, chunk.stems, strict=True)
                                if chunk_stems
                                and last >= len(chunk_stems)
                                and field_stems[-1] == chunk_stems[-1]
                                and tuple(field_stems[last - len(chunk_stems) :]) == chunk_stems
                            ),
                            0,
                        )
                    if found:
                        marks.append((spans[last - found][0], spans[-1][1]))
                        stop_at = min(stop_at, spans[last - found][0] + width)
        return marks

    def snippet(self, original: str, parsed: ParsedQuery, width: int = SNIPPET_CHARS) -> str:
        """The passage of ``original`` around the first match, matches in <mark>, HTML-escaped."""
        marks: list[tuple[int, int]] = []
        # The chunks typed and the synonyms they were expanded to.
        chunks = list(parsed.chunks) + [c for group in parsed.groups for c in group.synonyms]
        # Chinese chunks: the characters themselves, separated by nothing but spaces (C speed).
        for chunk in chunks:
            if chunk.pattern is not None:
                marks.extend(match.span() for match in chunk.pattern.finditer(original))
        scanned = [chunk for chunk in chunks if chunk.pattern is None]
        if scanned:
            marks.extend(self._scan(original, scanned, min(marks)[0] if marks else None, width))
        marks = _merge(sorted(marks))
        if not marks:
            return html.escape(original[:width].strip())
        first = marks[0][0]
        start = max(0, first - width // 4)
        end = min(len(original), start + width)
        pieces = ["…" if start else ""]
        cursor = start
        for mark_start, mark_end in marks:
            if mark_end <= start or mark_start >= end:
                continue
            mark_start, mark_end = max(mark_start, start), min(mark_end, end)
            pieces.append(html.escape(original[cursor:mark_start]))
            pieces.append(f"<mark>{html.escape(original[mark_start:mark_end])}</mark>")
            cursor = mark_end
        pieces.append(html.escape(original[cursor:end]))
        pieces.append("…" if end < len(original) else "")
        return "".join(pieces).replace("\n", " ").strip()


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
