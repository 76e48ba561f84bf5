"""Every way a file reaches a case is checked outside the write transaction (decision 0022).

On SQLite a transaction holds the database's only write lock: three uploads of a DOCX that
inflates to 1 GB, checked inside it, made 3 of 5 concurrent requests fail with "database is
locked" (security probe of 2026-12-06). The check (``lib.uploads._detect``) must run with no
transaction open beyond the test's own.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.cases import resumable
from rogatory.cases.models import Case, DocumentVersion
from rogatory.lib import uploads

from .conftest import MakeCase
from .test_document_views import a_docx
from .test_large_uploads import CSV, complete, send

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _folders(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record, at each file check, how many transactions are open above the test's own."""
    outer = len(connection.atomic_blocks)
    depths: list[int] = []
    detect = uploads._detect

    def recording(path: Path, extension: str) -> str:
        depths.append(len(connection.atomic_blocks) - outer)
        return detect(path, extension)

    monkeypatch.setattr(uploads, "_detect", recording)
    return depths


@pytest.fixture
def case(make_case: MakeCase) -> Case:
    return make_case()


def test_the_document_form_checks_outside_the_transaction(
    client: Client, personas: Personas, case: Case, checks: list[int]
) -> None:
    client.force_login(personas.officer)
    data = {"title": "Letter", "kind": "request", "file": SimpleUploadedFile("l.docx", a_docx())}
    assert client.post(reverse("case_document_add", args=[case.public_id]), data).status_code == 302
    document = DocumentVersion.objects.get().document
    url = reverse("case_document_version_add", args=[case.public_id, document.public_id])
    assert client.post(url, {"file": SimpleUploadedFile("l.docx", a_docx("v2"))}).status_code == 302
    assert checks == [0, 0]


@pytest.mark.parametrize("at_once", [True, False], ids=["on completion", "by the worker"])
def test_resumable_uploads_are_checked_outside_the_transaction(
    client: Client,
    personas: Personas,
    case: Case,
    checks: list[int],
    at_once: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not at_once:
        monkeypatch.setattr(resumable, "STORE_AT_ONCE_MAX", 0)
    client.force_login(personas.officer)
    upload_id = send(client, case, CSV)
    complete(client, case, upload_id)
    if not at_once:
        assert resumable.process_pending_uploads().stored == 1
    assert DocumentVersion.objects.count() == 1
    assert checks == [0]


def test_a_docx_bomb_on_the_case_page_is_refused_at_once(
    client: Client, personas: Personas, case: Case
) -> None:
    """The probe's DOCX (1 MB inflating to 1,000 MiB): refused with a reason, nothing kept."""
    buffer = io.BytesIO(a_docx())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/padding.bin", b"\0" * (200 * 1024 * 1024))
    client.force_login(personas.officer)
    data = {
        "title": "Letter",
        "kind": "request",
        "file": SimpleUploadedFile("bomb.docx", buffer.getvalue()),
    }
    response = client.post(reverse("case_document_add", args=[case.public_id]), data)
    assert response.status_code == 400
    assert "times its size" in response.content.decode()
    assert not DocumentVersion.objects.exists()
