"""Attachments through the pages: real files in, the same bytes out, bad files refused."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.cases.models import Document, DocumentVersion

from .conftest import MakeCase

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def a_docx(text: str = "Letter of request") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(client: Client, case_id: object, content: bytes, name: str, **extra: str) -> object:
    data: dict[str, object] = {"title": "Letter of request", "kind": "request", **extra}
    data["file"] = SimpleUploadedFile(name, content)
    return client.post(reverse("case_document_add", args=[case_id]), data)


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_upload_and_download_the_same_bytes(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    case = make_case()
    content = a_docx()
    client.force_login(personas.officer)
    response = upload(client, case.public_id, content, "lettre.docx")
    assert response.status_code == 302
    version = DocumentVersion.objects.get()
    assert version.content_type.endswith("wordprocessingml.document")
    download = client.get(version.get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert "attachment" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    # A second version keeps the first.
    second = a_docx("Corrected letter")
    response = client.post(
        reverse("case_document_version_add", args=[case.public_id, version.document.public_id]),
        {"file": SimpleUploadedFile("lettre-v2.docx", second)},
    )
    assert response.status_code == 302
    assert list(DocumentVersion.objects.values_list("number", flat=True).order_by("number")) == [
        1,
        2,
    ]
    client.force_login(personas.outsider)
    assert client.get(version.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (a_docx()[:600], "cut.docx", "damaged"),
        (b"MZ\x90\x00" + b"\x00" * 200, "invoice.pdf", ""),
        (b"", "empty.txt", ""),
    ],
)
def test_bad_files_are_refused_and_leave_nothing(
    client: Client,
    personas: Personas,
    make_case: MakeCase,
    content: bytes,
    name: str,
    message: str,
) -> None:
    case = make_case()
    client.force_login(personas.officer)
    response = upload(client, case.public_id, content, name)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Letter of request" in body  # the title typed is kept in the form
    assert not Document.objects.exists()
    assert stored_files() == []


def test_checksum_mismatch_is_refused(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    case = make_case()
    client.force_login(personas.officer)
    response = upload(client, case.public_id, b"Some text\n", "note.txt", sha256="0" * 64)
    assert response.status_code == 400
    assert not Document.objects.exists() and stored_files() == []


def test_tampered_file_is_not_served(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    case = make_case()
    client.force_login(personas.officer)
    upload(client, case.public_id, b"Original text\n", "note.txt")
    version = DocumentVersion.objects.get()
    (Path(settings.MEDIA_ROOT) / version.file_path).write_bytes(b"Altered text\n")
    response = client.get(version.get_absolute_url())
    assert response.status_code == 409


def test_supervisor_cannot_upload(client: Client, personas: Personas, make_case: MakeCase) -> None:
    case = make_case()
    client.force_login(personas.supervisor)
    response = upload(client, case.public_id, b"Text\n", "note.txt")
    assert response.status_code == 403
    assert stored_files() == []


def test_a_refused_upload_says_so_at_the_top_with_a_link_to_the_field(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    """The form sits far down the page: the banner at the top names the field and the
    reason in words (not "Enter a valid value.") and links to it."""
    case = make_case()
    client.force_login(personas.officer)
    response = upload(client, case.public_id, b"Some text\n", "note.txt", sha256="not-a-checksum")
    assert response.status_code == 400
    page = response.content.decode()
    top = page.index('data-testid="form-problems"')
    assert top < page.index('data-testid="attach-document"')
    assert "64 characters" in page[top:] and "Enter a valid value." not in page
    field_id = page[top:].split('<a href="#', 1)[1].split('"', 1)[0]
    assert f'id="{field_id}"' in page
    assert not stored_files()
