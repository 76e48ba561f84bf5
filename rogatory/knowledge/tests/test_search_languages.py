"""Search that speaks the languages (decision 0036): Arabic particles, Snowball stems for
English, French, Spanish and Russian, synonyms of the terms of cooperation, the analysis marker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rogatory.knowledge.search import IndexDoc, TantivyBackend, parse_query, prefold
from rogatory.knowledge.search.arabic import light_stem, stem_word
from rogatory.knowledge.search.engine import ANALYSIS_MARKER, ANALYSIS_VERSION
from rogatory.knowledge.search.synonyms import (
    DATA_FILE,
    LANGUAGES,
    SynonymError,
    Thesaurus,
    load,
    thesaurus,
)

REPO = Path(__file__).resolve().parents[3]

DOCS = [
    IndexDoc(id=1, text="تحترم الدولة بالكرامة الإنسانية لكل شخص.", language="ar"),
    IndexDoc(id=2, text="والكرامة حق للجميع.", language="ar"),
    IndexDoc(id=3, text="احترامًا للكرامة وحقوق الإنسان.", language="ar"),
    IndexDoc(id=4, text="مكافحة الفساد وغسل الأموال.", language="ar"),
    IndexDoc(id=5, text="ساد الهدوء في القاعة.", language="ar"),  # "prevailed", not corruption
    IndexDoc(id=6, text="تذكر المصادر أن الاجتماع انعقد.", language="ar"),  # sources
    IndexDoc(id=7, text="قررت المحكمة مصادرة العائدات.", language="ar"),  # confiscation
    IndexDoc(id=8, text="طلب تسليم المجرمين إلى الدولة الطالبة.", language="ar"),
    IndexDoc(id=9, text="Суд рассмотрел запрос о выдаче обвиняемого.", language="ru"),
    IndexDoc(id=10, text="Конфискация имущества и доходов от преступлений.", language="ru"),
    IndexDoc(id=11, text="The court granted the extradition of the accused.", language="en"),
    IndexDoc(id=12, text="Les saisies ordonnées par les juridictions nationales.", language="fr"),
    IndexDoc(id=13, text="Las extradiciones solicitadas por el Estado requirente.", language="es"),
    IndexDoc(
        id=14, text="Measures against laundering of proceeds of crime were taken.", language="en"
    ),
    IndexDoc(id=15, text="缔约国应当相互提供最广泛的司法协助。", language="zh"),
    IndexDoc(id=16, text="缔约国之间的刑事司法协助和引渡。", language="zh"),
]


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TantivyBackend]:
    search = TantivyBackend(tmp_path_factory.mktemp("index"))
    search.rebuild(DOCS)
    yield search


def ids(backend: TantivyBackend, query: str) -> set[int]:
    return {hit.id for hit in backend.search(query, limit=50).hits}


# Arabic ----------------------------------------------------------------------------------------


def test_arabic_article_with_particles_finds_every_form(backend: TantivyBackend) -> None:
    # The observed defect: الكرامة did not find بالكرامة.
    assert ids(backend, "الكرامة") == {1, 2, 3}
    for query in ("بالكرامة", "والكرامة", "للكرامة", "كرامة", "الكرامَة"):
        assert ids(backend, query) == {1, 2, 3}, query


def test_arabic_bare_conjunction_and_plural(backend: TantivyBackend) -> None:
    assert ids(backend, "غسل") == {4}  # وغسل
    assert ids(backend, "مجرمين") == {8}
    assert ids(backend, "المجرم") == {8}  # المجرمين: the sound plural


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("فساد", {4}),  # not ساد (prevailed), as Snowball's Arabic stemmer would have it
        ("ساد", {5}),
        ("مصادرة", {7}),  # confiscation is not المصادر (sources)
        ("المصادر", {6}),
    ],
)
def test_arabic_stemming_keeps_unrelated_words_apart(
    backend: TantivyBackend, query: str, expected: set[int]
) -> None:
    assert ids(backend, query) == expected


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("الكرامة", "كرامه"),
        ("بالكرامة", "كرامه"),
        ("والكرامة", "كرامه"),
        ("للكرامة", "كرامه"),
        ("فالكرامة", "كرامه"),
        ("وبالكرامة", "كرامه"),
        ("كالكرامة", "كرامه"),
        ("سلطات", "سلطه"),
        ("السلطة", "سلطه"),
        ("المجرمين", "مجرم"),
        ("وغسل", "غسل"),
        # Kept: the first letter belongs to the word.
        ("فساد", "فساد"),
        ("بلد", "بلد"),
        ("كتاب", "كتاب"),
        ("لجنة", "لجنه"),
        ("قانون", "قانون"),
        ("مصادر", "مصادر"),
        ("مصادرة", "مصادره"),
        ("ال", "ال"),
    ],
)
def test_arabic_light_stem(word: str, stem: str) -> None:
    assert stem_word(prefold(word)) == stem


def test_light_stem_touches_only_arabic() -> None:
    text = "Extradition, 引渡, выдача и الكرامة"
    assert light_stem(prefold(text)) == prefold(text).replace("الكرامه", "كرامه")


# Russian, French, Spanish, English ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("выдача", {9}),  # выдаче
        ("конфискации", {10}),  # Конфискация
        ("saisie", {12}),  # saisies (French Snowball)
        ("extradición", {13}),  # extradiciones (Spanish Snowball)
        ("extraditions", {11}),  # English, as before
    ],
)
def test_russian_french_spanish_english_are_stemmed(
    backend: TantivyBackend, query: str, expected: set[int]
) -> None:
    assert ids(backend, query) == expected


# Synonyms ---------------------------------------------------------------------------------------


def test_russian_synonym_of_extradition(backend: TantivyBackend) -> None:
    # The observed defect: "экстрадиция" found nothing where "выдача" found the documents.
    assert ids(backend, "экстрадиция") == {9}
    assert ids(backend, "экстрадиции") == {9}


def test_synonyms_stay_within_their_language(backend: TantivyBackend) -> None:
    # Russian "экстрадиция" does not bring the English document on extradition.
    assert 11 not in ids(backend, "экстрадиция")
    assert ids(backend, "extradition") == {11}


def test_synonyms_of_several_words(backend: TantivyBackend) -> None:
    assert ids(backend, "money laundering") == {14}
    assert ids(backend, "изъятие") == set()  # a term with no document in its concept
    assert ids(backend, "استرداد المجرمين") == {8}
    assert ids(backend, "刑事司法协助") == {15, 16}  # 司法协助 is in both


def test_query_expansion_groups_the_words_of_a_term() -> None:
    parsed = parse_query("request for money laundering 2020")
    sizes = [len(group.chunks) for group in parsed.groups]
    assert sizes == [1, 1, 2, 1]
    synonyms = {" ".join(chunk.tokens) for chunk in parsed.groups[2].synonyms}
    assert "laundering of proceeds of crime" in synonyms
    assert not parsed.groups[0].synonyms
    assert not parse_query("money laundering", expand=False).groups[0].synonyms


def test_synonym_data_loads_and_every_concept_has_six_languages() -> None:
    concepts = load()
    assert len(concepts) >= 15
    for concept in concepts:
        assert set(concept.languages) == set(LANGUAGES), concept.id
        for language, part in concept.languages.items():
            assert part.terms and part.source, (concept.id, language)


def test_every_cited_source_file_exists_and_uses_a_term() -> None:
    cited = 0
    for concept in load():
        for language, part in concept.languages.items():
            if not part.source.startswith("rogatory/"):
                assert part.source == "UN terminology, no source file here"
                continue
            path = REPO / part.source.split(",")[0]
            assert path.exists(), part.source
            text = " ".join(prefold(path.read_text(encoding="utf-8")).lower().split())
            text = text.replace("’", "'")
            assert any(prefold(term).lower() in text for term in part.terms), (
                concept.id,
                language,
            )
            cited += 1
    assert cited >= 45  # English, French and Spanish of every concept


def test_a_concept_missing_a_language_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "synonyms.toml"
    bad.write_text('[[concept]]\nid = "x"\nen = { terms = ["x"], source = "none" }\n')
    with pytest.raises(SynonymError):
        load(bad)
    assert DATA_FILE.exists()


def test_siblings() -> None:
    assert thesaurus().siblings("экстрадиция") == ["выдача"]
    assert "lavado de dinero" in thesaurus().siblings("blanqueo de dinero")
    assert Thesaurus([]).siblings("выдача") == []


# Highlighting -----------------------------------------------------------------------------------


def test_highlighting_marks_stemmed_and_synonym_matches(backend: TantivyBackend) -> None:
    def snippet(query: str, doc_id: int) -> str:
        return next(hit.snippet for hit in backend.search(query).hits if hit.id == doc_id)

    assert "<mark>بالكرامة</mark>" in snippet("الكرامة", 1)
    assert "<mark>выдаче</mark>" in snippet("экстрадиция", 9)
    assert "<mark>saisies</mark>" in snippet("saisie", 12)
    assert "<mark>laundering of proceeds of crime</mark>" in snippet("money laundering", 14)
    assert "<mark>司法协助</mark>" in snippet("刑事司法协助", 15)


# The analysis version ---------------------------------------------------------------------------


def test_an_index_of_another_analysis_is_served_until_rebuilt(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An index built by another analysis version is kept and searched (with a logged
    warning), not emptied; a rebuild, here or in another process, makes it current."""
    path = tmp_path / "index"
    first = TantivyBackend(path)
    assert first.created and not first.outdated
    first.rebuild(DOCS[:3])
    assert (path / ANALYSIS_MARKER).read_text().strip() == ANALYSIS_VERSION
    del first

    again = TantivyBackend(path)
    assert not again.created and not again.outdated
    assert again.search("الكرامة").total == 3
    del again

    (path / ANALYSIS_MARKER).write_text("4\n")  # an index of the previous analysis
    with caplog.at_level("WARNING"):
        reopened = TantivyBackend(path)
    assert "rebuild_search_index" in caplog.text
    assert reopened.outdated and not reopened.created
    assert reopened.search("الكرامة").total == 3  # still served
    reopened.upsert(DOCS[3:4])  # the outbox's changes do not make it current
    assert reopened.outdated
    assert (path / ANALYSIS_MARKER).read_text().strip() == "4"

    other_process = TantivyBackend(path)
    reopened.rebuild(DOCS[:3])
    assert not reopened.outdated
    assert (path / ANALYSIS_MARKER).read_text().strip() == ANALYSIS_VERSION
    assert not other_process.outdated  # sees the marker the rebuild wrote


def test_an_index_without_a_marker_is_outdated(tmp_path: Path) -> None:
    path = tmp_path / "index"
    TantivyBackend(path).rebuild(DOCS[:1])
    (path / ANALYSIS_MARKER).unlink()
    assert TantivyBackend(path).outdated
