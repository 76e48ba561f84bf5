"""One work, several language versions (issue 17, item 4; decision 0035): versions grouped by
symbol (two symbols on one cover included), Corr./Rev./Add. linked to their base, the
document page and search offering the other languages, "cited by" counting works, and the
symbol, title, date and language given by the person importing (page fields, manifest)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from conftest import Personas
from rogatory.knowledge.actions import ImportMetadata, KnowledgeImportError, do_import_text
from rogatory.knowledge.importing import import_path
from rogatory.knowledge.models import KnowledgeDocument
from rogatory.knowledge.works import base_work_of, cover_symbols, work_key

CORPUS = Path(__file__).resolve().parent / "corpus"
SHARED = Path("/work/shared/corpus/un")
UDHR = {"en": "udhr_eng.txt", "fr": "udhr_fra.txt", "zh": "udhr_cmn_hans.txt"}
UDHR_SYMBOL = "A/RES/217 (III) A"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _index_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


def udhr(language: str) -> str:
    return (CORPUS / UDHR[language]).read_text(encoding="utf-8")


def udhr_meta(language: str) -> ImportMetadata:
    return ImportMetadata.checked(
        symbol=UDHR_SYMBOL,
        title="Universal Declaration of Human Rights",
        date="1948-12-10",
        language=language,
    )


def report(symbol: str, body: str, *, cover: tuple[str, ...] = ()) -> str:
    return "\n".join(
        [*cover, symbol, "Report of the Secretary-General", f"1. {body}", "2. Second paragraph."]
    )


# --- keys --------------------------------------------------------------------------------------


def test_work_keys_and_base_works() -> None:
    assert work_key("A/RES/217 (III) A") == work_key("A/RES/217(III)A")
    assert work_key("E/ESCWA/30/18/Report") == "E/ESCWA/30/18/REPORT"
    assert base_work_of("A/76/122/Corr.1") == "A/76/122"
    assert base_work_of("A/76/L.12/Rev.1") == "A/76/L.12"
    assert base_work_of("A/76/122/Add.1/Corr.2") == "A/76/122/ADD.1"
    assert base_work_of("A/76/122") == ""


def test_cover_of_the_escwa_report_prints_two_symbols() -> None:
    path = SHARED / "en" / "E_ESCWA_30_18_REPORT-EN.txt"
    if not path.exists():
        pytest.skip("shared corpus not mounted")
    assert cover_symbols(path.read_text(encoding="utf-8")) == [
        "E/2018/41",
        "E/ESCWA/30/18/Report",
    ]


# --- import metadata -------------------------------------------------------------------------


def test_udhr_without_symbol_is_refused_with_a_hint() -> None:
    with pytest.raises(KnowledgeImportError, match=r"manifest\.csv"):
        do_import_text(udhr("en"), source_name="udhr_eng.txt")


def test_udhr_with_metadata_is_imported_with_it() -> None:
    document, created = do_import_text(
        udhr("fr"), source_name="udhr_fra.txt", metadata=udhr_meta("fr")
    )
    assert created
    assert document.symbol == UDHR_SYMBOL
    assert document.title == "Universal Declaration of Human Rights"
    assert document.date == datetime.date(1948, 12, 10)
    assert document.language == "fr"
    assert document.work == "A/RES/217(III)A"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"language": "de"}, "Unknown language"),
        ({"date": "10/12/1948"}, "not a date"),
        ({"date": "0001-01-01"}, "between"),
        ({"symbol": "A" * 101}, "100 characters"),
    ],
)
def test_metadata_is_checked(fields: dict[str, str], message: str) -> None:
    with pytest.raises(KnowledgeImportError, match=message):
        ImportMetadata.checked(**fields)


def test_manifest_gives_the_symbol_and_groups_the_six_languages(tmp_path: Path) -> None:
    folder = tmp_path / "udhr"
    folder.mkdir()
    rows = ["file,symbol,title,date,language"]
    for language, name in UDHR.items():
        (folder / name).write_text(udhr(language), encoding="utf-8")
        rows.append(f'{name},{UDHR_SYMBOL},"Universal Declaration",1948-12-10,{language}')
    rows.append("missing.txt,A/1,,not-a-date,en")
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = import_path(folder, drain=False)
    assert sorted(result.created) == sorted(UDHR.values())
    assert [name for name, _reason in result.skipped] == ["manifest.csv:5"]  # the bad row
    versions = KnowledgeDocument.objects.filter(work="A/RES/217(III)A")
    assert sorted(versions.values_list("language", flat=True)) == ["en", "fr", "zh"]


def test_manifest_beside_a_single_file(tmp_path: Path) -> None:
    (tmp_path / "udhr_eng.txt").write_text(udhr("en"), encoding="utf-8")
    (tmp_path / "manifest.csv").write_text(
        f"file,symbol,title,date,language\nudhr_eng.txt,{UDHR_SYMBOL},UDHR,1948-12-10,en\n",
        encoding="utf-8",
    )
    result = import_path(tmp_path / "udhr_eng.txt", drain=False)
    assert result.created == ["udhr_eng.txt"]
    assert KnowledgeDocument.objects.get().symbol == UDHR_SYMBOL


def test_import_page_takes_symbol_title_date_and_language(
    client: Client, personas: Personas
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(personas.site_admin)
    upload = SimpleUploadedFile("udhr_cmn_hans.txt", udhr("zh").encode(), "text/plain")
    response = client.post(
        reverse("knowledge_import"),
        {
            "file": upload,
            "symbol": UDHR_SYMBOL,
            "title": "世界人权宣言",
            "date": "1948-12-10",
            "language": "zh",
        },
    )
    assert response.status_code == 200
    assert 'data-testid="problems"' not in response.content.decode()
    document = KnowledgeDocument.objects.get()
    assert (document.symbol, document.title, document.language) == (
        UDHR_SYMBOL,
        "世界人权宣言",
        "zh",
    )


def test_import_page_refuses_metadata_for_an_archive(client: Client, personas: Personas) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(personas.site_admin)
    upload = SimpleUploadedFile("many.zip", b"PK\x05\x06" + b"\0" * 18, "application/zip")
    response = client.post(reverse("knowledge_import"), {"file": upload, "symbol": "A/1/2"})
    assert response.status_code == 200
    assert "manifest.csv" in response.content.decode()
    assert not KnowledgeDocument.objects.exists()


# --- grouping, pages, citations ----------------------------------------------------------------


def test_two_symbols_on_the_cover_are_one_work() -> None:
    english, _ = do_import_text(
        report("E/ESCWA/30/18/Report", "The Commission met.", cover=("E/2018/41",)),
        source_name="en.txt",
    )
    assert english.symbol in ("E/2018/41", "E/ESCWA/30/18/Report")
    assert set(english.also_symbols) | {english.symbol} == {"E/2018/41", "E/ESCWA/30/18/Report"}
    # A version whose cover prints only the commission's symbol joins the same work.
    french, _ = do_import_text(
        "E/ESCWA/30/18/Report\nRapport du Secrétaire général\n1. La Commission s'est réunie.\n",
        source_name="fr.txt",
    )
    assert french.work == english.work
    # A citation by either symbol links to the work.
    citing, _ = do_import_text(
        report("A/76/1", "See the reports E/2018/41 and E/ESCWA/30/18/Report."),
        source_name="citing.txt",
    )
    resolved = {c.target: c.resolved for c in citing.citations.all()}
    assert resolved["E/2018/41"] is not None and resolved["E/2018/41"].work == english.work
    assert resolved["E/ESCWA/30/18/Report"] is not None


def test_corrigendum_is_its_own_work_linked_to_its_base(client: Client) -> None:
    base, _ = do_import_text(report("A/76/122", "The base text."), source_name="b.txt")
    corr, _ = do_import_text(report("A/76/122/Corr.1", "Replace 'x'."), source_name="c.txt")
    assert corr.work != base.work
    assert corr.base_work == base.work
    page = client.get(reverse("knowledge_document", args=[base.public_id])).content.decode()
    assert 'data-testid="amendments"' in page
    assert reverse("knowledge_document", args=[corr.public_id]) in page
    page = client.get(reverse("knowledge_document", args=[corr.public_id])).content.decode()
    assert 'data-testid="base-document"' in page
    assert reverse("knowledge_document", args=[base.public_id]) in page


def test_document_page_offers_its_other_languages(client: Client) -> None:
    versions = {
        language: do_import_text(
            udhr(language), source_name=UDHR[language], metadata=udhr_meta(language)
        )[0]
        for language in UDHR
    }
    page = client.get(
        reverse("knowledge_document", args=[versions["en"].public_id])
    ).content.decode()
    links = page[page.index('data-testid="language-versions"') :]
    for language in ("fr", "zh"):
        assert reverse("knowledge_document", args=[versions[language].public_id]) in links
    assert reverse("knowledge_document", args=[versions["en"].public_id]) not in links


def test_cited_by_counts_works_across_language_versions(client: Client) -> None:
    """The English UNCAC is cited by what cites the Chinese one; a resolution cited in two
    languages counts once."""
    uncac = {
        language: KnowledgeDocument.objects.create(
            kind="treaty",
            symbol="UNTS 2349/42146",
            language=language,
            title=f"UNCAC ({language})",
            akn="<akn/>",
        )
        for language in ("en", "zh")
    }
    assert uncac["en"].work == uncac["zh"].work
    zh_text = (
        "A/RES/76/187\n76/187. 标题\n大会，\n"
        "回顾《联合国反腐败公约》，联合国，《条约汇编》，第 2349 卷，第 42146 号，\n"
        "1. 请秘书长提交报告。\n"
    )
    en_text = (
        "A/RES/76/187\n76/187. Title\nThe General Assembly,\n"
        "Recalling the Convention, United Nations, Treaty Series, vol. 2349, No. 42146,\n"
        "1. Requests the Secretary-General to report.\n"
    )
    zh, _ = do_import_text(zh_text, source_name="zh.txt")
    en, _ = do_import_text(en_text, source_name="en.txt")
    assert zh.work == en.work
    assert zh.citations.get(kind="treaty").resolved == uncac["zh"]
    assert en.citations.get(kind="treaty").resolved == uncac["en"]
    for version in uncac.values():
        page = client.get(reverse("knowledge_document", args=[version.public_id]))
        cited_by = page.content.decode()
        cited_by = cited_by[cited_by.index('data-testid="cited-by"') :]
        cited_by = cited_by[: cited_by.index("</section>")]
        # One citing work, shown once (in the reader's language: English).
        assert cited_by.count("<li>") == 1
        assert reverse("knowledge_document", args=[en.public_id]) in cited_by
    answer = client.get(f"/api/v1/knowledge/documents/{uncac['en'].public_id}").json()
    assert answer["cited_by_total"] == 1


def test_cites_list_each_target_once(client: Client) -> None:
    text = (
        "A/76/1\nReport of the Secretary-General\n1. See resolution 73/222 and A/76/122.\n"
        "2. Again resolution 73/222, and A/76/122, of 20 December 2018.\n"
    )
    document, _ = do_import_text(text, source_name="dup.txt")
    assert document.citations.filter(kind="date").count() == 0
    page = client.get(reverse("knowledge_document", args=[document.public_id])).content.decode()
    cites = page[page.index('data-testid="cites"') :]
    assert cites.count("A/RES/73/222") == 1
    assert cites.count("<small>A/76/122</small>") == 1


def test_search_shows_a_work_once_in_the_readers_language(
    client: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    versions = {}
    for language in UDHR:
        with django_capture_on_commit_callbacks(execute=True):
            versions[language] = do_import_text(
                udhr(language), source_name=UDHR[language], metadata=udhr_meta(language)
            )[0]
    response = client.get(
        reverse("knowledge_search"), {"q": "A/RES/217"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    page = response.content.decode()
    with translation.override("fr"):
        found = ngettext("%(counter)s work found", "%(counter)s works found", 1)
    assert found % {"counter": 1} in page  # three versions, one work
    results = page[page.index('data-testid="knowledge-results"') :]
    results = results[: results.index("</ol>")]
    shown = reverse("knowledge_document", args=[versions["fr"].public_id])
    assert results.count('data-testid="result-other-languages"') == 1
    # The French version is the result; English and Chinese are offered beside it.
    assert results.index(shown) < results.index('data-testid="result-other-languages"')
    for language in ("en", "zh"):
        assert reverse("knowledge_document", args=[versions[language].public_id]) in results
    # A language chosen in the facets wins over the reader's.
    chosen = client.get(
        reverse("knowledge_search"), {"q": "A/RES/217", "lang": "zh"}, HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    chosen = chosen[chosen.index('data-testid="knowledge-results"') :]
    zh_link = reverse("knowledge_document", args=[versions["zh"].public_id])
    assert zh_link in chosen
    assert chosen.index(zh_link) < chosen.index("<p")


def test_escwa_report_as_published_in_english_and_arabic_is_one_work() -> None:
    """The real E/2018/41 = E/ESCWA/30/18/Report (54 pages, its cover printing both
    symbols), imported from its English and Arabic PDFs: one work, both symbols known."""
    paths = [SHARED / lang / f"E_ESCWA_30_18_REPORT-{lang.upper()}.pdf" for lang in ("en", "ar")]
    if not all(path.exists() for path in paths):
        pytest.skip("shared corpus not mounted")
    from rogatory.knowledge.actions import do_import_published

    english, arabic = (
        do_import_published(path.read_bytes(), source_name=path.name)[0] for path in paths
    )
    assert (english.language, arabic.language) == ("en", "ar")
    assert english.work == arabic.work
    for version in (english, arabic):
        assert {version.symbol, *version.also_symbols} == {"E/2018/41", "E/ESCWA/30/18/Report"}


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _version(symbol: str, language: str, **fields: Any) -> KnowledgeDocument:
    return KnowledgeDocument.objects.create(
        kind="un_document", symbol=symbol, language=language, akn="<akn/>", **fields
    )


def test_document_page_queries_do_not_grow_with_versions_and_citing_works(
    client: Client,
) -> None:
    from rogatory.knowledge.models import Citation

    cited = _version("A/76/122", "en", title="Report")
    url = reverse("knowledge_document", args=[cited.public_id])

    def add(n: int) -> None:
        _version("A/76/122", ["fr", "zh", "ar", "ru", "es"][n])
        _version(f"A/76/122/Add.{n + 1}", "en")
        citing = _version(f"A/RES/76/{n + 1}", "en")
        _version(f"A/RES/76/{n + 1}", "fr")
        Citation.objects.create(
            source=citing,
            kind="document_symbol",
            text="A/76/122",
            target="A/76/122",
            resolved=cited,
        )

    add(0)
    few = _queries(client, url)
    for n in range(1, 5):
        add(n)
    assert _queries(client, url) == few
    page = client.get(url).content.decode()
    assert page.count('data-testid="other-language"') == 5


def test_search_page_queries_do_not_grow_with_results(
    client: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    def add(n: int) -> None:
        for language in ("en", "fr"):
            with django_capture_on_commit_callbacks(execute=True):
                do_import_text(
                    report(f"A/76/{100 + n}", f"Extradition and mutual assistance {n}."),
                    source_name=f"{n}-{language}.txt",
                    metadata=ImportMetadata(language=language),
                )

    add(0)
    url = reverse("knowledge_search") + "?q=extradition"
    few = _queries(client, url)
    for n in range(1, 4):
        add(n)
    assert _queries(client, url) == few
    assert "4 works found" in client.get(url).content.decode()


def test_cover_symbols_are_found_by_the_parsers_own_function() -> None:
    """The cover's symbols are the lines the parser takes for symbols (one function,
    untext.standalone_symbols), limited to the top of the text, once per work."""
    from rogatory.knowledge import untext, works

    assert works.standalone_symbols is untext._standalone_symbols
    text = "\n".join(
        ["*E/2018/41*", "**E/ESCWA/30/18/Report**", "E/2018/41", "A/81/6 (Sect.16)", "Title"]
        + ["Text."] * 20
        + ["A/80/1"]
    )
    assert cover_symbols(text) == ["E/2018/41", "E/ESCWA/30/18/Report", "A/81/6 (Sect. 16)"]
