"""The knowledge-base models, the import actions and the bulk import (folder, archives)."""

from __future__ import annotations

import io
import shutil
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from rogatory.audit.models import AuditEntry
from rogatory.knowledge.actions import KnowledgeImportError, do_import_akn, do_import_text
from rogatory.knowledge.akn import from_akn, to_akn
from rogatory.knowledge.importing import import_path
from rogatory.knowledge.models import Citation, DocumentKind, KnowledgeDocument, SearchOutbox
from rogatory.knowledge.untext import parse

SEEDS = Path(__file__).resolve().parent / "seeds"
ECOSOC = SEEDS / "000_40328beaa3a63b3a.txt"  # E/RES/2021/20, the Kyoto Declaration annexed
GA = SEEDS / "001_716226bc4d6731db.txt"  # A/RES/76/187
REPORT = SEEDS / "003_6bdc7af176e43de5.txt"  # A/76/122

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">&lol4;</akomaNtoso>
"""

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _index_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


def load(path: Path) -> tuple[KnowledgeDocument, bool]:
    return do_import_text(path.read_text(encoding="utf-8"), source_name=path.name)


def test_seeds_are_imported_with_symbol_date_and_paragraphs() -> None:
    expected = {
        ECOSOC: ("E/RES/2021/20", "2021-07-22", 13),
        GA: ("A/RES/76/187", "2021-12-16", 77),
        REPORT: ("A/76/122", None, 146),
    }
    for path, (symbol, date, operative) in expected.items():
        document, created = load(path)
        assert created
        assert document.symbol == symbol
        assert (document.date.isoformat() if document.date else None) == date
        assert document.language == "zh"
        assert document.kind == "un_document"
        assert document.akn.startswith("<?xml") or document.akn.startswith("<akomaNtoso")
        assert len(parse(document.body_text).operative) == operative
        assert len(from_akn(document.akn.encode()).operative) == operative
        assert document.work_iri.startswith("/akn/un/")
    ga = KnowledgeDocument.objects.get(symbol="A/RES/76/187")
    assert ga.work_iri == "/akn/un/statement/deliberation/unga/2021-12-16/76-187"
    assert ga.title == "加强联合国预防犯罪和刑事司法方案，特别是其技术合作能力"
    assert ga.citations.count() == len(parse(GA.read_text(encoding="utf-8")).citations())
    assert SearchOutbox.objects.count() == 3
    assert AuditEntry.objects.filter(action="knowledge.imported").count() == 3


@pytest.mark.parametrize("order", ["report_first", "resolution_first"])
def test_citations_between_seeds_resolve_both_ways(order: str) -> None:
    paths = [REPORT, GA, ECOSOC] if order == "report_first" else [ECOSOC, GA, REPORT]
    for path in paths:
        load(path)
    report = KnowledgeDocument.objects.get(symbol="A/76/122")
    ga = KnowledgeDocument.objects.get(symbol="A/RES/76/187")
    ecosoc = KnowledgeDocument.objects.get(symbol="E/RES/2021/20")
    # A/RES/76/187, footnote 40, cites the Secretary-General's report A/76/122.
    links = ga.citations.filter(resolved=report)
    assert links.count() >= 1
    assert {c.target for c in links} == {"A/76/122"}
    # ... and the report is "cited by" the resolution.
    assert {c.source for c in report.cited_by.all()} == {ga}
    # Citations to documents not in the base stay unresolved (A/CONF.234/16, A/RES/76/181).
    assert not Citation.objects.filter(target="A/CONF.234/16", resolved__isnull=False).exists()
    assert ga.citations.filter(target="A/RES/76/181", resolved__isnull=True).exists()
    # Nothing in the seeds cites the two resolutions themselves.
    assert not ecosoc.cited_by.exists()
    assert not ga.cited_by.exists()


def test_reimport_changes_nothing() -> None:
    first, created = load(GA)
    assert created
    state = (
        KnowledgeDocument.objects.count(),
        Citation.objects.count(),
        SearchOutbox.objects.count(),
        AuditEntry.objects.count(),
    )
    updated_at = first.updated_at
    again, created = load(GA)
    assert (again.pk, created) == (first.pk, False)
    assert again.updated_at == updated_at
    assert state == (
        KnowledgeDocument.objects.count(),
        Citation.objects.count(),
        SearchOutbox.objects.count(),
        AuditEntry.objects.count(),
    )


def test_akn_import_is_the_same_document() -> None:
    document, _created = load(REPORT)
    xml = to_akn(parse(REPORT.read_text(encoding="utf-8")))
    same, created = do_import_akn(xml, source_name="report.xml")
    assert (same.pk, created) == (document.pk, False)
    KnowledgeDocument.objects.all().delete()
    fresh, created = do_import_akn(xml, source_name="report.xml")
    assert created
    assert fresh.symbol == "A/76/122"
    assert fresh.content_sha256 == document.content_sha256
    assert "A/76/122" in fresh.body_text


def test_changed_text_replaces_the_document() -> None:
    document, _created = load(ECOSOC)
    text = ECOSOC.read_text(encoding="utf-8").replace("京都宣言", "京都 宣言", 1)
    replaced, created = do_import_text(text, source_name="corrected.txt")
    assert (replaced.pk, created) == (document.pk, False)
    assert replaced.content_sha256 != document.content_sha256
    assert KnowledgeDocument.objects.count() == 1
    assert Citation.objects.count() == len(parse(text).citations())  # the old ones are gone
    entries = AuditEntry.objects.filter(action="knowledge.imported").order_by("sequence")
    assert [entry.details["replaced"] for entry in entries] == [False, True]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n  ", "empty"),
        (BILLION_LAUGHS, "DOCTYPE"),
        (b"<akomaNtoso", "XML"),
        (b"lorem ipsum\ndolor sit amet\n1. something", "no document symbol or title"),
    ],
)
def test_bad_input_is_refused_and_stores_nothing(data: bytes, message: str) -> None:
    with pytest.raises(KnowledgeImportError, match=f"(?i){message}"):
        if data.startswith(b"<"):
            do_import_akn(data, source_name="bad.xml")
        else:
            do_import_text(data.decode(), source_name="bad.txt")
    assert not KnowledgeDocument.objects.exists()
    assert not SearchOutbox.objects.exists()
    assert not AuditEntry.objects.filter(action="knowledge.imported").exists()


def seed_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "incoming"
    folder.mkdir()
    for path in (ECOSOC, GA, REPORT):
        shutil.copyfile(path, folder / path.name)
    (folder / "bomb.xml").write_bytes(BILLION_LAUGHS)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "notes.md").write_text("not a document")
    return folder


def test_import_folder_skips_bad_files_and_resumes(tmp_path: Path) -> None:
    folder = seed_folder(tmp_path)
    lines: list[str] = []
    report = import_path(folder, progress=lines.append)
    assert sorted(report.created) == sorted(p.name for p in (ECOSOC, GA, REPORT))
    skipped = dict(report.skipped)
    assert set(skipped) == {"bomb.xml", "empty.txt"}
    assert "DOCTYPE" in skipped["bomb.xml"]
    assert "empty" in skipped["empty.txt"]
    assert len(lines) == 5
    assert lines[0].startswith("[1/5  20%] ") and lines[-1].startswith("[5/5 100%] ")
    assert report.indexed == 3
    assert KnowledgeDocument.objects.count() == 3
    # Running again skips what is there (by the files' hash) and reports the same bad files.
    again = import_path(folder)
    assert (again.created, again.replaced) == ([], [])
    assert sorted(again.unchanged) == sorted(report.created)
    assert dict(again.skipped).keys() == skipped.keys()
    assert KnowledgeDocument.objects.count() == 3


@pytest.mark.parametrize("suffix", [".zip", ".tar.gz"])
def test_import_archive(tmp_path: Path, suffix: str) -> None:
    folder = seed_folder(tmp_path)
    archive = tmp_path / f"seeds{suffix}"
    if suffix == ".zip":
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(folder.iterdir()):
                zf.write(path, f"un/{path.name}")
    else:
        with tarfile.open(archive, "w:gz") as tf:
            for path in sorted(folder.iterdir()):
                tf.add(path, f"un/{path.name}")
    report = import_path(archive)
    assert len(report.created) == 3
    assert {name for name, _reason in report.skipped} == {"un/bomb.xml", "un/empty.txt"}
    assert set(KnowledgeDocument.objects.values_list("symbol", flat=True)) == {
        "E/RES/2021/20",
        "A/RES/76/187",
        "A/76/122",
    }


def test_import_command_reports(tmp_path: Path) -> None:
    folder = seed_folder(tmp_path)
    out = io.StringIO()
    call_command("import_knowledge", str(folder), stdout=out)
    text = out.getvalue()
    assert "3 imported" in text
    assert "2 skipped" in text
    assert "skipped bomb.xml" in text
    out = io.StringIO()
    call_command("import_knowledge", str(folder), stdout=out)
    assert "0 imported" in out.getvalue()
    assert "3 unchanged" in out.getvalue()


def test_demo_data_loads_the_seeds_once() -> None:
    from rogatory.demo.loaders import load_demo_data

    load_demo_data(with_cases=False)
    load_demo_data(with_cases=False)
    un_documents = KnowledgeDocument.objects.filter(kind=DocumentKind.UN_DOCUMENT)
    assert set(un_documents.values_list("symbol", flat=True)) == {
        "E/RES/2021/20",
        "A/RES/76/187",
        "A/76/122",
    }
    assert AuditEntry.objects.filter(action="knowledge.imported").count() == 3
    # The demo legislation (one act per state) and case law, stored once.
    acts = KnowledgeDocument.objects.filter(kind=DocumentKind.LEGISLATION)
    # (Kenya's is a labelled demonstration entry, decision 0034.)
    assert sorted(acts.values_list("state", flat=True)) == ["CN", "EG", "ES", "FR", "GB", "KE"]
    assert AuditEntry.objects.filter(action="knowledge.act_saved").count() == 6
    poca = acts.get(state="GB")
    assert [p.number for p in poca.provisions.all()] == [
        "Section 327",
        "Section 328",
        "Section 329",
    ]
    assert poca.iccs_codes == ["07041"] and poca.implements == ["uncac:23", "untoc:6"]
    [judgment] = KnowledgeDocument.objects.filter(kind=DocumentKind.CASE_LAW)
    assert judgment.symbol == "[2015] UKSC 24" and judgment.court.startswith("Supreme Court")
    assert AuditEntry.objects.filter(action="knowledge.judgment_saved").count() == 1
