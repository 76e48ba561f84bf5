"""A 60 MB bank export through the case page in Chromium: chunks, a lost chunk, the worker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import PASSWORD, Personas, log_in, shot
from rogatory.cases.models import DocumentVersion, UploadSession
from rogatory.cases.resumable import CHUNK_SIZE, process_pending_uploads

from .conftest import MakeCase

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _folders(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.DATA_DIR = tmp_path / "data"


def a_bank_export(path: Path, size: int) -> Path:
    """Write a CSV of about ``size`` bytes in pieces (never whole in memory)."""
    line = b"2026-01-31,FR7630004000031234567890143,1234.56,Transfer to a shell company\n"
    block = line * (1024 * 1024 // len(line))
    with path.open("wb") as out:
        out.write(b"date,account,amount,label\n")
        while out.tell() < size:
            out.write(block)
    return path


def test_a_60_mb_file_is_uploaded_in_chunks_and_stored_by_the_worker(
    live_server: Any, page: Any, personas: Personas, make_case: MakeCase, tmp_path: Path
) -> None:
    from playwright.sync_api import Response, Route, expect

    case = make_case()
    export = a_bank_export(tmp_path / "releve-2026.csv", 60_000_000)
    size = export.stat().st_size
    base = live_server.url

    # The third chunk is lost once on the way: the script waits and sends it again.
    lost: list[str] = []

    def lose_third_chunk_once(route: Route) -> None:
        request = route.request
        if request.method == "PUT" and f"offset={2 * CHUNK_SIZE}" in request.url and not lost:
            lost.append(request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/uploads/**", lose_third_chunk_once)

    log_in(page, base, personas.officer.username, PASSWORD)
    page.goto(f"{base}/cases/{case.public_id}/")
    page.get_by_test_id("attach-document").click()
    page.fill("#document-title", "Bank statements 2026")
    page.select_option("#document-kind", "evidence")
    page.set_input_files("#document-file", str(export))

    def completed(response: Response) -> bool:
        """The server's answer to the script's "every byte is sent" (then in the database)."""
        return (
            response.request.method == "POST" and response.url.endswith("/complete") and response.ok
        )

    with page.expect_response(completed, timeout=120_000):
        page.get_by_test_id("document-save").click()
        status = page.get_by_test_id("upload-status")
        expect(status).to_be_visible()
        expect(status).to_contain_text("Checking the file…", timeout=120_000)
        assert lost, "the lost chunk was never sent"
        bar = status.locator("progress")
        assert bar.evaluate("bar => bar.value === bar.max")
        # The key of the session is remembered until the file is stored.
        assert page.evaluate("localStorage.length") == 1

    upload = UploadSession.objects.get()
    assert upload.completed_at is not None
    assert (upload.received, upload.size) == (size, size)
    assert not DocumentVersion.objects.exists()  # over 50 MB: left to the worker

    assert process_pending_uploads().stored == 1
    # The script sees "stored" on its next look and shows the case page again.
    documents = page.get_by_test_id("documents")
    expect(documents).to_contain_text("releve-2026.csv", timeout=15_000)
    page.reload()
    expect(documents).to_contain_text("Bank statements 2026")
    expect(documents).to_contain_text("releve-2026.csv")
    assert page.evaluate("localStorage.length") == 0
    version = DocumentVersion.objects.get()
    assert version.size == size
    shot(page, "cases-large-upload")
