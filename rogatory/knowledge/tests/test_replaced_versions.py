"""A PDF and a Word file of the same document (same symbol, same language) imported one after
the other: one version is kept per work and language, and the import says which file's
version it replaced (decision 0040, "Later")."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.knowledge.actions import do_correct_un_document
from rogatory.knowledge.akn import from_akn
from rogatory.knowledge.correcting import Metadata, edits_of, restructure
from rogatory.knowledge.importing import import_path
from rogatory.knowledge.models import DocumentKind, KnowledgeDocument

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).resolve().parent / "corpus"
DOCX = CORPUS / "A_81_6_SECT_16.docx"
PDF = CORPUS / "A_81_6_SECT_16.pdf"
SYMBOL = "A/81/6 (Sect. 16)/Part A"


@pytest.fixture(autouse=True)
def _private_folders(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "tmp"
    (tmp_path / "tmp").mkdir()


def versions() -> list[KnowledgeDocument]:
    return list(KnowledgeDocument.objects.filter(kind=DocumentKind.UN_DOCUMENT))


def test_one_import_of_both_keeps_one_version_and_says_which_it_replaced(
    tmp_path: Path,
) -> None:
    """Read in name order, the Word file is imported, then the PDF replaces it: one version,
    from the PDF, whose report names the Word file it replaced; the command says so too."""
    folder = tmp_path / "in"
    folder.mkdir()
    for file in (DOCX, PDF):
        shutil.copy(file, folder / file.name)
    (folder / "A_81_6_SECT_16.txt").write_text("A/81/6 (Sect. 16)\nIts pdftotext extraction.")
    lines: list[str] = []
    report = import_path(folder, progress=lines.append)
    (document,) = versions()
    assert (document.symbol, document.language) == (SYMBOL, "en")
    assert document.source_name == PDF.name
    assert document.quality["replaced"]["source"] == DOCX.name
    assert report.created == [DOCX.name] and report.replaced == [PDF.name]
    assert report.replaced_versions == [(PDF.name, DOCX.name)]
    # The plain text beside them is left out for the version kept, the PDF's.
    assert report.superseded == [("A_81_6_SECT_16.txt", PDF.name)]
    assert any(f"the version imported from {DOCX.name}" in line for line in lines)
    # Nothing doubtful in the replacement itself: both files carry the layout.
    assert not {"poorer_source"} & {d["code"] for d in document.quality["doubts"]}
    out = io.StringIO()
    call_command("import_knowledge", str(folder), stdout=out)  # again: nothing changes
    assert len(versions()) == 1


def test_the_import_page_says_the_upload_replaced_the_earlier_version(
    client: Client, personas: Personas
) -> None:
    """Uploading the Word file after the PDF replaces the PDF's version, and the page says
    it, naming the PDF; the document's own report keeps saying it after a correction."""
    client.force_login(personas.site_admin)
    url = reverse("knowledge_import")
    client.post(url, {"file": SimpleUploadedFile(PDF.name, PDF.read_bytes())})
    (first,) = versions()
    assert first.source_name == PDF.name and "replaced" not in first.quality
    page = client.post(url, {"file": SimpleUploadedFile(DOCX.name, DOCX.read_bytes())})
    text = page.content.decode()
    (document,) = versions()
    assert document.pk == first.pk and document.source_name == DOCX.name
    table = text[text.index('data-testid="import-replaced-versions"') :]
    table = table[: table.index("</table>")]
    assert DOCX.name in table and PDF.name in table
    assert 'data-testid="quality-replaced"' in text
    assert f"replaced the version imported from {PDF.name}" in text
    shown = client.get(reverse("knowledge_document", args=[document.public_id]))
    assert f"replaced the version imported from {PDF.name}" in shown.content.decode()
    parsed = from_akn(document.akn.encode())
    metadata = Metadata(
        symbol=SYMBOL, title="Corrected title", date=parsed.date, language="en", kind="report"
    )
    corrected = restructure(parsed, metadata, edits_of(parsed))
    assert do_correct_un_document(document, corrected, acting_user=personas.site_admin)
    document.refresh_from_db()
    assert document.quality["corrected"] and document.quality["replaced"]["source"] == PDF.name
