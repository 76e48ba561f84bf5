"""The knowledge-base search: tantivy behind ``TantivyBackend`` (decision 0015)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from rogatory.knowledge.search import (
    IndexDoc,
    TantivyBackend,
    default_index_path,
    parse_query,
    prefold,
)
from rogatory.knowledge.search.analysis import _EXACT_ANALYZER
from rogatory.lib.textfold import fold

SEEDS = Path(__file__).resolve().parent / "seeds"

DOCS = [
    IndexDoc(
        id=1,
        symbol="A/CONF.234/16",
        title="京都宣言",
        text="推进预防犯罪、刑事司法和法治：实现《2030 年议程》。各国加强司法协助与引渡合作。",
        language="zh",
        kind="un_document",
    ),
    IndexDoc(
        id=2,
        symbol="A/76/122",
        title="Report of the Secretary-General",
        text="Mutual legal assistance and extradition: convictions for corruption were recorded.",
        language="en",
        kind="un_document",
    ),
    IndexDoc(
        id=3,
        text="La coopération judiciaire internationale et l'entraide judiciaire en matière pénale.",
        language="fr",
        kind="legislation",
    ),
    IndexDoc(
        id=4,
        text="Extradición y asistencia judicial recíproca; véase el informe A/76/122.",
        language="es",
        kind="legislation",
    ),
    IndexDoc(id=5, text="تُقَدِّمُ الدَّوْلَةُ المُسَاعَدَةَ القَانُونِيَّةَ المُتَبَادَلَةَ.", language="ar"),
    IndexDoc(id=6, text="المساعدة القانونية في مسائل الفساد وغسل الأموال.", language="ar"),
    IndexDoc(id=7, text="Взаимная правовая помощь и выдача; её осуществляет суд.", language="ru"),
    IndexDoc(id=8, text="会员国，政府间组织和法律专家。", language="zh"),
    IndexDoc(id=9, text="The conviction was upheld by the court of appeal.", language="en"),
]


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TantivyBackend]:
    search = TantivyBackend(tmp_path_factory.mktemp("index"))
    search.rebuild(DOCS)
    yield search


def ids(
    backend: TantivyBackend, query: str, kind: str | None = None, language: str | None = None
) -> set[int]:
    return {
        hit.id
        for hit in backend.search(
            query, filters={"kind": kind or "", "language": language or ""}
        ).hits
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("法", {1, 8}),  # 1 character: 法治, 司法, 法律
        ("引", {1}),
        ("司法", {1}),  # 2 characters
        ("引渡", {1}),
        ("法律", {8}),
        ("司法协", {1}),  # 3 characters, across a word boundary
        ("京都宣言", {1}),  # the title is searched too
        ("预防犯罪、刑事", {1}),
        ("会员国", {8}),
    ],
)
def test_chinese_queries_of_any_length_find_what_contains_them(
    backend: TantivyBackend, query: str, expected: set[int]
) -> None:
    assert ids(backend, query) == expected


def test_chinese_phrase_does_not_match_across_punctuation(backend: TantivyBackend) -> None:
    assert ids(backend, "会员国政府") == set()
    assert ids(backend, "会员国 政府") == {8}  # two terms, both required, anywhere


def test_chinese_terms_must_be_adjacent(backend: TantivyBackend) -> None:
    assert ids(backend, "司协") == set()  # both characters are in document 1, never adjacent


@pytest.mark.parametrize(
    "query",
    ["المساعدة القانونية", "المُسَاعَدَة القَانُونِيَّة", '"المساعدة القانونية"', "المساعده"],
)
def test_arabic_matches_with_and_without_tashkil(backend: TantivyBackend, query: str) -> None:
    assert ids(backend, query) == {5, 6}


def test_arabic_phrase_and_single_word(backend: TantivyBackend) -> None:
    assert ids(backend, '"مسائل الفساد"') == {6}
    assert ids(backend, '"الفساد مسائل"') == set()
    assert ids(backend, "الدولة") == {5}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cooperation", {3}),
        ("COOPÉRATION", {3}),
        ("extradicion", {4}),
        ("recíproca", {4}),
        ("reciproca", {4}),
        ("ее", {7}),  # Russian ё folded to е
        ("Её", {7}),
    ],
)
def test_accents_and_case_are_folded(
    backend: TantivyBackend, query: str, expected: set[int]
) -> None:
    assert ids(backend, query) == expected


def test_english_is_stemmed(backend: TantivyBackend) -> None:
    assert ids(backend, "convictions") == {2, 9}
    assert ids(backend, "conviction") == {2, 9}
    assert ids(backend, "recorded") == {2}
    assert ids(backend, "record") == {2}


def test_phrase_queries(backend: TantivyBackend) -> None:
    assert ids(backend, '"entraide judiciaire"') == {3}
    assert ids(backend, '"judiciaire entraide"') == set()
    assert ids(backend, '"mutual legal assistance"') == {2}
    assert ids(backend, '"legal mutual assistance"') == set()
    assert ids(backend, "mutual assistance") == {2}  # all words, any order


def test_document_symbol_finds_the_document_and_those_citing_it(backend: TantivyBackend) -> None:
    page = backend.search("A/76/122")
    assert page.hits[0].id == 2  # its own symbol ranks first
    assert {hit.id for hit in page.hits} == {2, 4}
    assert ids(backend, "a/conf.234/16") == {1}
    assert ids(backend, "A/76/12") == set()  # no prefix matches of a symbol
    assert ids(backend, "A/76") == {2, 4}  # a partial symbol is a phrase


def test_results_are_ranked(backend: TantivyBackend) -> None:
    page = backend.search("judiciaire")
    assert page.total == 1
    page = backend.search("法")
    scores = [hit.score for hit in page.hits]
    assert scores == sorted(scores, reverse=True)
    assert page.hits[0].id == 1  # three occurrences of 法 beat one


def test_snippet_highlights_the_original_text(backend: TantivyBackend) -> None:
    by_id = {hit.id: hit.snippet for hit in backend.search("المساعدة").hits}
    assert "<mark>المُسَاعَدَةَ</mark>" in by_id[5]  # the vocalised original, not the folded text
    assert "<mark>المساعدة</mark>" in by_id[6]
    [hit] = backend.search("司法协助").hits
    assert "加强<mark>司法协助</mark>与引渡" in hit.snippet
    [hit] = backend.search("cooperation").hits
    assert "<mark>coopération</mark>" in hit.snippet
    by_id = {hit.id: hit.snippet for hit in backend.search("convictions").hits}
    assert "<mark>conviction</mark> was upheld" in by_id[9]
    [hit] = backend.search('"entraide judiciaire"').hits
    assert "l&#x27;<mark>entraide judiciaire</mark> en" in hit.snippet


def test_snippet_is_escaped_html(tmp_path: Path) -> None:
    search = TantivyBackend(tmp_path)
    search.rebuild([IndexDoc(id=1, text="<script>alert(1)</script> extradition & co")])
    [hit] = search.search("extradition").hits
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "<mark>extradition</mark> &amp; co" in hit.snippet


def test_filters(backend: TantivyBackend) -> None:
    assert ids(backend, "A/76/122", language="es") == {4}
    assert ids(backend, "judicial", kind="legislation") == {4}
    assert ids(backend, "judicial", kind="un_document") == set()


def test_empty_and_punctuation_queries(backend: TantivyBackend) -> None:
    assert backend.search("").hits == []
    assert backend.search('  "" ').total == 0
    assert backend.search("!!!").hits == []


def test_upsert_replaces_and_delete_removes(tmp_path: Path) -> None:
    search = TantivyBackend(tmp_path)
    search.upsert([IndexDoc(id=1, text="引渡条约"), IndexDoc(id=2, text="extradition treaty")])
    assert ids(search, "引渡") == {1}
    search.upsert([IndexDoc(id=1, text="司法协助")])
    assert ids(search, "引渡") == set()
    assert ids(search, "司法") == {1}
    assert search.search("司法").total == 1
    search.delete([2])
    assert ids(search, "treaty") == set()
    reopened = TantivyBackend(tmp_path)  # the index persists in its directory
    assert ids(reopened, "司法协助") == {1}


def test_pagination(tmp_path: Path) -> None:
    search = TantivyBackend(tmp_path)
    search.rebuild(IndexDoc(id=n, text=f"洗钱 案件 {n}") for n in range(1, 26))
    first = search.search("洗钱", limit=10)
    third = search.search("洗钱", limit=10, offset=20)
    assert first.total == 25
    assert len(first.hits) == 10
    assert len(third.hits) == 5
    assert not {hit.id for hit in first.hits} & {hit.id for hit in third.hits}


@pytest.mark.parametrize(
    "text",
    [
        "CÔTE d'Ivoire Société",
        "Ёлка, её",
        "قَتْل أَحْمَد إِلى مَدْرَسَة",
        "司法协助，引渡。",
        "ﬁnancial Ａ/７６/１２２",
        "Straße Ærø",
    ],
)
def test_analysis_agrees_with_textfold(text: str) -> None:
    """prefold + the tokenizer's filters give the tokens of ``textfold.fold``."""
    assert _EXACT_ANALYZER.analyze(prefold(text)) == _EXACT_ANALYZER.analyze(fold(text))


def test_query_parsing() -> None:
    parsed = parse_query('司法协助 "mutual legal" A/76/122 extradiciones')
    assert [chunk.tokens for chunk in parsed.chunks] == [
        ("司", "法", "协", "助"),
        ("mutual", "legal"),
        ("a", "76", "122"),
        ("extradiciones",),
    ]
    assert parsed.chunks[2].symbol == "A/76/122"
    assert parsed.chunks[0].symbol is None


def test_default_index_path_is_under_data_dir() -> None:
    from django.conf import settings as django_settings

    assert default_index_path() == Path(django_settings.DATA_DIR) / "search" / "knowledge-v6"


def test_seed_documents(tmp_path: Path) -> None:
    seeds = sorted(SEEDS.glob("*.txt"))
    search = TantivyBackend(tmp_path)
    search.rebuild(
        IndexDoc(id=n, text=path.read_text(encoding="utf-8")) for n, path in enumerate(seeds, 1)
    )
    assert ids(search, "京都宣言") == set(range(1, len(seeds) + 1))
    assert ids(search, "司法协助")
    assert ids(search, "A/76/122")


def test_another_reader_sees_commits(tmp_path: Path) -> None:
    writer, reader = TantivyBackend(tmp_path), TantivyBackend(tmp_path)
    writer.upsert([IndexDoc(id=7, text="没收犯罪所得")])
    reader.reload()  # otherwise within about a second
    assert ids(reader, "没收") == {7}


def test_words_in_the_order_typed_rank_first_and_browsing_is_newest_first(
    tmp_path: Path,
) -> None:
    search = TantivyBackend(tmp_path / "order")
    search.rebuild(
        [
            IndexDoc(id=1, text="the crime was organized by a transnational group", day=20010101),
            IndexDoc(id=2, text="against transnational organized crime", day=20200101),
            IndexDoc(id=3, text="organized crime, transnational", kind="treaty", day=19990101),
            IndexDoc(id=4, text="no date", kind="treaty"),
        ]
    )
    ranked = [hit.id for hit in search.search("transnational organized crime").hits]
    assert ranked[0] == 2 and set(ranked) == {1, 2, 3}
    browse = search.search("", filters={"kind": "treaty"})
    assert [hit.id for hit in browse.hits] == [3, 4] and browse.total == 2
    everything = search.search("", filters={"language": ""})  # an empty filter is no filter
    assert everything.total == 0


def test_a_writer_waits_for_another_process_lock(tmp_path: Path) -> None:
    """Two web workers draining at once: the second waits for the first's commit."""
    first = TantivyBackend(tmp_path / "shared")
    second = TantivyBackend(tmp_path / "shared")
    held = first.index.writer(heap_size=15_000_000, num_threads=1)

    def finish() -> None:
        held.commit()
        held.wait_merging_threads()  # releases the lock

    release = threading.Timer(0.3, finish)
    release.start()
    assert second.upsert([IndexDoc(id=7, text="held lock")]) == 1
    release.join()
    first.LOCK_WAIT_SECONDS = 0.2
    blocker = second.index.writer(heap_size=15_000_000, num_threads=1)
    with pytest.raises(ValueError, match="LockBusy"):
        first.upsert([IndexDoc(id=8, text="gives up")])
    blocker.rollback()
    blocker.wait_merging_threads()
