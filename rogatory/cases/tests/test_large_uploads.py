"""Resumable uploads: chunks at the confirmed offset, resumed after a break, checked later."""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import stat
import threading
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Personas
from rogatory.audit.models import AuditEntry
from rogatory.cases import resumable
from rogatory.cases.models import Case, DocumentVersion, UploadSession
from rogatory.cases.resumable import CHUNK_SIZE, part_path, process_pending_uploads

from .conftest import MakeCase

pytestmark = pytest.mark.django_db

CSV = b"date,account,amount\n" + b"".join(
    f"2026-01-{day % 28 + 1:02d},FR76300040000{day:06d},{day * 7}.50\n".encode()
    for day in range(4000)
)


@pytest.fixture(autouse=True)
def _folders(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def case(make_case: MakeCase) -> Case:
    return make_case()


@pytest.fixture
def officer(client: Client, personas: Personas) -> Client:
    client.force_login(personas.officer)
    return client


@pytest.fixture
def by_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Leave every file to the worker, however small (the tests' files are small)."""
    monkeypatch.setattr(resumable, "STORE_AT_ONCE_MAX", 0)


def start(client: Client, case: Case, **fields: Any) -> Any:
    body = {"name": "export.csv", "size": len(CSV), "title": "Bank export", "kind": "evidence"}
    return client.post(
        reverse("case_upload_start", args=[case.public_id]),
        body | fields,
        content_type="application/json",
    )


def upload_url(case: Case, upload_id: str) -> str:
    return reverse("case_upload", args=[case.public_id, upload_id])


def put(client: Client, case: Case, upload_id: str, offset: int, data: bytes) -> Any:
    return client.put(
        f"{upload_url(case, upload_id)}?offset={offset}",
        data,
        content_type="application/octet-stream",
    )


def complete(client: Client, case: Case, upload_id: str) -> Any:
    return client.post(reverse("case_upload_complete", args=[case.public_id, upload_id]))


def send(client: Client, case: Case, content: bytes, **fields: Any) -> str:
    """Open a session and send ``content`` in three pieces; return the session id."""
    response = start(client, case, size=len(content), **fields)
    assert response.status_code == 201, response.json()
    upload_id = response.json()["id"]
    third = max(len(content) // 3, 1)
    for offset in range(0, len(content), third):
        assert put(client, case, upload_id, offset, content[offset : offset + third]).json() == {
            "offset": min(offset + third, len(content))
        }
    return str(upload_id)


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def parts() -> list[Path]:
    folder = Path(settings.DATA_DIR) / "uploads"
    return list(folder.iterdir()) if folder.exists() else []


# -- The browser's side ------------------------------------------------------------------------


def test_start_answers_the_session_and_creates_a_private_part_file(
    officer: Client, case: Case
) -> None:
    """A new session starts at offset 0 with the chunk size; its part file is 0600 in 0700."""
    response = start(officer, case)
    assert response.status_code == 201
    body = response.json()
    assert body["offset"] == 0
    assert body["chunk_size"] == CHUNK_SIZE == 8 * 1024 * 1024
    assert body["url"] == upload_url(case, body["id"])
    upload = UploadSession.objects.get(public_id=body["id"])
    assert (upload.case, upload.size, upload.kind) == (case, len(CSV), "evidence")
    path = part_path(upload)
    assert path.exists() and path.stat().st_size == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert AuditEntry.objects.filter(action="case.upload_started").count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"size": 0}, "The file is empty."),
        ({"size": -5}, "The file is empty."),
        ({"size": 2 * 1024**3}, "larger than the 1.0\xa0GB limit"),
        ({"kind": "banana"}, "Select a valid choice"),
        ({"name": ""}, "This field is required."),
        ({"name": "   "}, "This field is required."),
        ({"name": "setup.exe"}, "cannot be attached"),
        ({"name": "export"}, "has no extension"),
        ({"title": ""}, "This field is required."),
        ({"sha256": "abc"}, "A SHA-256 checksum has 64 characters"),
    ],
)
def test_start_refuses_bad_announcements(
    officer: Client, case: Case, settings: Any, fields: dict[str, Any], message: str
) -> None:
    """Too large, empty, an unknown kind, no name, a refused type: 400 with a message."""
    settings.CASE_LARGE_UPLOAD_MAX = 1024**3
    response = start(officer, case, **fields)
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert not UploadSession.objects.exists()


def test_start_refuses_what_is_not_json(officer: Client, case: Case) -> None:
    response = officer.post(
        reverse("case_upload_start", args=[case.public_id]), "[1]", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["message"] == "The request could not be read."


def test_start_message_is_translated(officer: Client, case: Case) -> None:
    """The refusal comes in the officer's language."""
    response = officer.post(
        reverse("case_upload_start", args=[case.public_id]),
        {"name": "x.csv", "size": 0, "title": "T", "kind": "evidence"},
        content_type="application/json",
        headers={"Accept-Language": "fr"},
    )
    assert response.status_code == 400
    assert response.json()["message"] == "Le fichier est vide."


def test_resume_after_a_broken_connection(officer: Client, case: Case) -> None:
    """The browser stops halfway, asks where it stands, continues; the file is whole."""
    upload_id = start(officer, case).json()["id"]
    half = len(CSV) // 2
    assert put(officer, case, upload_id, 0, CSV[:half]).json() == {"offset": half}
    # The connection breaks: a new page asks where the upload stands.
    status = officer.get(upload_url(case, upload_id)).json()
    assert status["offset"] == half
    assert status["size"] == len(CSV)
    assert status["complete"] is False
    assert status["status"] == "uploading"
    # The first chunk is sent again (its answer was lost): refused, nothing appended twice.
    again = put(officer, case, upload_id, 0, CSV[:half])
    assert again.status_code == 409
    assert again.json()["offset"] == half
    assert put(officer, case, upload_id, half, CSV[half:]).json() == {"offset": len(CSV)}
    upload = UploadSession.objects.get(public_id=upload_id)
    assert part_path(upload).read_bytes() == CSV


def test_a_write_the_server_never_confirmed_is_cut_off(officer: Client, case: Case) -> None:
    """Bytes beyond the confirmed offset (a server killed after writing) are dropped."""
    upload_id = start(officer, case).json()["id"]
    put(officer, case, upload_id, 0, CSV[:100])
    upload = UploadSession.objects.get(public_id=upload_id)
    with part_path(upload).open("ab") as part:
        part.write(b"half a chunk the database never heard of")
    assert put(officer, case, upload_id, 100, CSV[100:]).json() == {"offset": len(CSV)}
    assert part_path(upload).read_bytes() == CSV


def test_a_lost_part_file_restarts_from_zero(officer: Client, case: Case) -> None:
    upload_id = start(officer, case).json()["id"]
    put(officer, case, upload_id, 0, CSV[:100])
    part_path(UploadSession.objects.get(public_id=upload_id)).unlink()
    response = put(officer, case, upload_id, 100, CSV[100:200])
    assert response.status_code == 409
    assert response.json()["offset"] == 0
    assert put(officer, case, upload_id, 0, CSV).json() == {"offset": len(CSV)}


@pytest.mark.parametrize("offset", [50, 200, -1])
def test_wrong_offset_is_a_conflict(officer: Client, case: Case, offset: int) -> None:
    """A chunk not at the confirmed offset: 409 with that offset (400 if no number at all)."""
    upload_id = start(officer, case).json()["id"]
    put(officer, case, upload_id, 0, CSV[:100])
    response = put(officer, case, upload_id, offset, CSV[offset : offset + 10])
    if offset < 0:
        assert response.status_code == 400
    else:
        assert response.status_code == 409
        assert response.json()["offset"] == 100
    assert UploadSession.objects.get(public_id=upload_id).received == 100


def test_more_than_announced_is_refused_and_nothing_appended(officer: Client, case: Case) -> None:
    upload_id = start(officer, case, size=100).json()["id"]
    assert put(officer, case, upload_id, 0, CSV[:60]).status_code == 200
    response = put(officer, case, upload_id, 60, CSV[60:120])
    assert response.status_code == 400
    assert "beyond the 100 bytes" in response.json()["message"]
    upload = UploadSession.objects.get(public_id=upload_id)
    assert upload.received == 60
    assert part_path(upload).stat().st_size == 60


def test_a_chunk_over_the_chunk_size_is_refused(officer: Client, case: Case) -> None:
    upload_id = start(officer, case, size=CHUNK_SIZE + 10).json()["id"]
    response = put(officer, case, upload_id, 0, b"a" * (CHUNK_SIZE + 1))
    assert response.status_code == 400
    assert UploadSession.objects.get(public_id=upload_id).received == 0


def test_complete_before_every_byte_arrived_is_a_conflict(officer: Client, case: Case) -> None:
    upload_id = start(officer, case).json()["id"]
    put(officer, case, upload_id, 0, CSV[:100])
    response = complete(officer, case, upload_id)
    assert response.status_code == 409
    assert response.json()["offset"] == 100
    assert UploadSession.objects.get(public_id=upload_id).completed_at is None


def test_a_small_file_is_stored_at_once(officer: Client, case: Case) -> None:
    """Up to 50 MB the request that completes the upload stores it (201, its download)."""
    upload_id = send(officer, case, CSV)
    response = complete(officer, case, upload_id)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "stored"
    version = DocumentVersion.objects.get()
    assert body["document_url"] == version.get_absolute_url()
    assert (version.document.title, version.document.kind) == ("Bank export", "evidence")
    assert version.sha256 == hashlib.sha256(CSV).hexdigest()
    assert version.uploaded_by_name == "officer_a"
    assert not parts()
    download = officer.get(version.get_absolute_url())
    assert b"".join(download.streaming_content) == CSV
    # Completing again answers the same state; nothing is stored twice.
    assert complete(officer, case, upload_id).status_code == 201
    assert DocumentVersion.objects.count() == 1


def test_a_large_file_waits_for_the_worker(officer: Client, case: Case, by_worker: None) -> None:
    """Complete answers 202; the status says processing until the worker stored it."""
    upload_id = send(officer, case, CSV)
    response = complete(officer, case, upload_id)
    assert response.status_code == 202
    assert response.json()["status"] == "processing"
    assert officer.get(upload_url(case, upload_id)).json()["status"] == "processing"
    assert not DocumentVersion.objects.exists()
    # Chunks after completion are refused.
    assert put(officer, case, upload_id, len(CSV), b"x").status_code == 409

    assert process_pending_uploads() == resumable.Processed(stored=1)
    status = officer.get(upload_url(case, upload_id)).json()
    assert status["status"] == "stored"
    assert status["complete"] is True
    assert status["document_url"] == DocumentVersion.objects.get().get_absolute_url()
    assert not parts()
    assert process_pending_uploads() == resumable.Processed()  # nothing left to do


def test_a_corrupt_file_is_refused_by_the_worker_and_leaves_nothing(
    officer: Client, case: Case, by_worker: None
) -> None:
    """A .pdf that is not a PDF: refused with the reason, no part file, no stored file."""
    content = b"%PDF-1.7\nthis is not really a PDF at all\n" * 50
    upload_id = send(officer, case, content, name="scan.pdf")
    assert complete(officer, case, upload_id).status_code == 202
    assert process_pending_uploads() == resumable.Processed(refused=1)
    status = officer.get(upload_url(case, upload_id)).json()
    assert status["status"] == "refused"
    assert "damaged" in status["problem"]
    assert not parts()
    assert not stored_files()
    assert not DocumentVersion.objects.exists()
    assert AuditEntry.objects.filter(action="case.upload_refused").count() == 1
    # The officer sees why on the case page.
    page = officer.get(reverse("case_detail", args=[case.public_id])).content.decode()
    assert "“scan.pdf” was refused" in page


def test_a_checksum_mismatch_is_refused(officer: Client, case: Case, by_worker: None) -> None:
    upload_id = send(officer, case, CSV, sha256="0" * 64)
    complete(officer, case, upload_id)
    process_pending_uploads()
    status = officer.get(upload_url(case, upload_id)).json()
    assert status["status"] == "refused"
    assert "does not match the SHA-256 checksum" in status["problem"]
    assert not parts() and not stored_files()


def test_the_declared_checksum_is_accepted_when_it_matches(
    officer: Client, case: Case, by_worker: None
) -> None:
    upload_id = send(officer, case, CSV, sha256=hashlib.sha256(CSV).hexdigest().upper())
    complete(officer, case, upload_id)
    assert process_pending_uploads().stored == 1


def test_a_refusal_at_once_answers_400(officer: Client, case: Case) -> None:
    upload_id = send(officer, case, b"\x00\x01binary" * 10, name="notes.txt")
    response = complete(officer, case, upload_id)
    assert response.status_code == 400
    assert response.json()["status"] == "refused"


def test_a_claimed_upload_is_left_to_its_worker(
    officer: Client, case: Case, by_worker: None
) -> None:
    """Two workers never store the same file; a claim older than an hour is taken over."""
    upload_id = send(officer, case, CSV)
    complete(officer, case, upload_id)
    UploadSession.objects.update(claimed_at=timezone.now())
    assert process_pending_uploads() == resumable.Processed()
    UploadSession.objects.update(claimed_at=timezone.now() - datetime.timedelta(hours=2))
    assert process_pending_uploads().stored == 1


def test_sixty_megabytes_through_the_worker_in_flat_memory(
    officer: Client, case: Case, tmp_path: Path
) -> None:
    """A 60 MB bank export is stored by the worker without being held in memory."""
    source = tmp_path / "export.csv"
    digest = hashlib.sha256()
    line = b"2026-01-31,FR7630004000031234567890143,1234.56,Transfer to a shell company\n"
    block = line * (1024 * 1024 // len(line))
    with source.open("wb") as out:
        while out.tell() < 60_000_000:
            out.write(block)
            digest.update(block)
    size = source.stat().st_size
    assert size > resumable.STORE_AT_ONCE_MAX
    response = start(officer, case, size=size, sha256=digest.hexdigest())
    upload_id = response.json()["id"]
    with source.open("rb") as data:
        offset = 0
        while chunk := data.read(CHUNK_SIZE):
            offset = put(officer, case, upload_id, offset, chunk).json()["offset"]
    assert offset == size
    assert complete(officer, case, upload_id).status_code == 202

    tracemalloc.start()
    try:
        done = process_pending_uploads()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert done.stored == 1
    assert peak < 32 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    version = DocumentVersion.objects.get()
    assert (version.size, version.sha256) == (size, digest.hexdigest())
    assert version.content_type == "text/csv"
    assert not parts()


# -- Abandoned sessions ------------------------------------------------------------------------


def _age(upload_id: str, hours: int) -> None:
    UploadSession.objects.filter(public_id=upload_id).update(
        updated_at=timezone.now() - datetime.timedelta(hours=hours)
    )


def test_abandoned_sessions_are_removed(officer: Client, case: Case, by_worker: None) -> None:
    """Untouched for a day and not waiting for the worker: the session and its part go."""
    abandoned = start(officer, case).json()["id"]
    put(officer, case, abandoned, 0, CSV[:100])
    recent = start(officer, case).json()["id"]
    refused = send(officer, case, b"not a pdf" * 10, name="a.pdf")
    complete(officer, case, refused)
    process_pending_uploads()
    waiting = send(officer, case, CSV)
    complete(officer, case, waiting)
    UploadSession.objects.filter(public_id=waiting).update(claimed_at=timezone.now())
    for upload_id in (abandoned, refused, waiting):
        _age(upload_id, 25)
    _age(recent, 23)
    orphan = Path(settings.DATA_DIR) / "uploads" / "0f0f0f0f-0000-4000-8000-000000000000.part"
    orphan.write_bytes(b"left by a crash")
    os.utime(orphan, (0, 0))

    assert process_pending_uploads().removed == 2
    assert set(UploadSession.objects.values_list("public_id", flat=True).iterator()) == {
        UploadSession.objects.get(public_id=recent).public_id,
        UploadSession.objects.get(public_id=waiting).public_id,
    }
    assert sorted(p.name for p in parts()) == sorted([f"{recent}.part", f"{waiting}.part"])
    assert officer.get(upload_url(case, abandoned)).status_code == 404


def test_a_killed_store_leaves_no_temporary_file_behind(case: Case) -> None:
    folder = Path(settings.MEDIA_ROOT) / "cases" / str(case.authority_id)
    folder.mkdir(parents=True)
    leftover = folder / ".upload-abc.part"
    leftover.write_bytes(b"half a copy")
    os.utime(leftover, (0, 0))
    fresh = folder / ".upload-def.part"
    fresh.write_bytes(b"a copy in progress")
    process_pending_uploads()
    assert not leftover.exists()
    assert fresh.exists()


# -- Who may do what ---------------------------------------------------------------------------


def test_outsiders_get_404(client: Client, personas: Personas, case: Case) -> None:
    client.force_login(personas.officer)
    upload_id = start(client, case).json()["id"]
    client.force_login(personas.outsider)
    assert start(client, case).status_code == 404
    assert client.get(upload_url(case, upload_id)).status_code == 404
    assert put(client, case, upload_id, 0, CSV[:10]).status_code == 404
    assert complete(client, case, upload_id).status_code == 404
    client.force_login(personas.site_admin)
    assert client.get(upload_url(case, upload_id)).status_code == 404


def test_supervisors_read_but_do_not_write(client: Client, personas: Personas, case: Case) -> None:
    client.force_login(personas.officer)
    upload_id = start(client, case).json()["id"]
    client.force_login(personas.supervisor)
    assert start(client, case).status_code == 403
    assert client.get(upload_url(case, upload_id)).status_code == 200
    assert put(client, case, upload_id, 0, CSV[:10]).status_code == 403
    assert complete(client, case, upload_id).status_code == 403
    assert UploadSession.objects.get().received == 0


def test_only_the_uploader_sends_chunks(
    client: Client, personas: Personas, case: Case, make_case: MakeCase
) -> None:
    """The file becomes a document in the uploader's name: a colleague gets 403."""
    client.force_login(personas.officer)
    upload_id = start(client, case).json()["id"]
    client.force_login(personas.authority_admin)
    assert client.get(upload_url(case, upload_id)).status_code == 200
    assert put(client, case, upload_id, 0, CSV[:10]).status_code == 403
    # Another case's URL with this upload's id: 404.
    other = make_case()
    assert client.get(upload_url(other, upload_id)).status_code == 404


def test_anonymous_is_sent_to_log_in(client: Client, case: Case) -> None:
    assert start(client, case).status_code == 302


def test_csrf_is_enforced(personas: Personas, case: Case) -> None:
    """Without the X-CSRFToken header every write is refused; with it, it works."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.officer)
    client.get(reverse("case_detail", args=[case.public_id]))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    assert start(client, case).status_code == 403
    body = {"name": "export.csv", "size": len(CSV), "title": "Bank export", "kind": "evidence"}
    url = reverse("case_upload_start", args=[case.public_id])
    response = client.post(
        url, body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201
    upload_id = response.json()["id"]
    assert put(client, case, upload_id, 0, CSV).status_code == 403
    ok = client.put(
        f"{upload_url(case, upload_id)}?offset=0",
        CSV,
        content_type="application/octet-stream",
        headers={"X-CSRFToken": token},
    )
    assert ok.status_code == 200
    assert complete(client, case, upload_id).status_code == 403
    done = client.post(
        reverse("case_upload_complete", args=[case.public_id, upload_id]),
        headers={"X-CSRFToken": token},
    )
    assert done.status_code == 201


def test_unknown_methods_are_refused(officer: Client, case: Case) -> None:
    upload_id = start(officer, case).json()["id"]
    assert officer.delete(upload_url(case, upload_id)).status_code == 405
    assert officer.get(reverse("case_upload_start", args=[case.public_id])).status_code == 405


# -- The page and the command ------------------------------------------------------------------


def test_the_case_page_offers_the_resumable_form(officer: Client, case: Case) -> None:
    """The form carries the upload URL, the threshold and the texts; unfinished uploads
    are listed with how far they got."""
    upload_id = start(officer, case).json()["id"]
    put(officer, case, upload_id, 0, CSV[:100])
    html = officer.get(reverse("case_detail", args=[case.public_id])).content.decode()
    assert "data-resumable-upload" in html
    assert f'data-upload-url="{reverse("case_upload_start", args=[case.public_id])}"' in html
    assert 'data-upload-threshold="52428800"' in html
    assert 'data-text-progress="{sent} of {total} MB"' in html
    assert "The upload of “export.csv” stopped at 100\xa0bytes of" in html


def test_the_case_page_in_french(client: Client, personas: Personas, case: Case) -> None:
    client.force_login(personas.officer)
    html = client.get(
        reverse("case_detail", args=[case.public_id]), headers={"Accept-Language": "fr"}
    ).content.decode()
    assert "data-text-checking=" in html
    assert "Checking the file…" not in html


def test_supervisors_see_no_upload_form(client: Client, personas: Personas, case: Case) -> None:
    client.force_login(personas.supervisor)
    html = client.get(reverse("case_detail", args=[case.public_id])).content.decode()
    assert "data-resumable-upload" not in html


def test_the_command_reports_one_pass(officer: Client, case: Case, by_worker: None) -> None:
    upload_id = send(officer, case, CSV)
    complete(officer, case, upload_id)
    out = io.StringIO()
    call_command("process_uploads", stdout=out)
    assert out.getvalue().splitlines() == [
        "stored 1, refused 0, removed 0 abandoned",
        "exports written: 0",
    ]


def test_the_loop_survives_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failing pass is reported and the loop goes on until stopped."""
    stop = threading.Event()
    passes: list[int] = []
    errors: list[Exception] = []

    def failing() -> resumable.Processed:
        passes.append(1)
        if len(passes) >= 3:
            stop.set()
        raise RuntimeError("disk full")

    monkeypatch.setattr(resumable, "process_pending_uploads", failing)
    resumable.run_forever(stop, interval=0, on_error=errors.append)
    assert len(passes) == 3
    assert [str(error) for error in errors] == ["disk full"] * 3
