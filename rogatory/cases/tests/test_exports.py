"""Large case exports: a job the worker writes, its progress page and its download."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import Personas
from rogatory.audit.models import AuditEntry
from rogatory.cases import exports
from rogatory.cases.choices import Direction
from rogatory.cases.models import CaseExport
from rogatory.cases.views import cases as case_views

from .conftest import MakeCase

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_threshold(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Exports of more than two rows go to the worker; files in a throw-away DATA_DIR."""
    monkeypatch.setattr(case_views, "EXPORT_SYNC_ROWS", 2)
    monkeypatch.setattr(settings, "DATA_DIR", tmp_path)


def _three_cases(make_case: MakeCase, personas: Personas) -> None:
    make_case(our_reference="IN-1")
    make_case(our_reference="IN-2", subject="=cmd|' /C calc'!A0")
    make_case(Direction.OUTGOING, our_reference="OUT-1")
    make_case(authority=personas.authority_b, our_reference="B-SECRET")


def _csv_references(content: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return sorted(row[0] for row in rows[1:])


@pytest.mark.usefixtures("small_threshold")
def test_large_export_is_written_by_the_worker_and_downloaded(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    """Past the threshold the export is a job: progress page, then the file when written."""
    _three_cases(make_case, personas)
    client.force_login(personas.officer)
    response = client.get(reverse("case_export", args=["csv"]))
    job = CaseExport.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert (job.status, job.total_rows, job.requested_by) == ("pending", 3, personas.officer)
    entry = AuditEntry.objects.get(action="cases.exported")
    assert entry.details["export"] == str(job.public_id) and entry.details["rows"] == 3

    page = client.get(job.get_absolute_url())
    assert page.status_code == 200 and b"<progress" in page.content
    assert b'hx-trigger="every 2s"' in page.content
    download = reverse("case_export_download", args=[job.public_id])
    assert client.get(download).status_code == 404  # not written yet

    assert exports.process_pending_exports() == 1
    job.refresh_from_db()
    assert (job.status, job.rows_written, job.percent) == ("done", 3, 100)
    fragment = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert download.encode() in fragment.content and b"hx-trigger" not in fragment.content
    answer = client.get(download)
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment")
    assert answer["Cache-Control"] == "no-store"
    content = b"".join(answer.streaming_content)
    assert _csv_references(content) == ["IN-1", "IN-2", "OUT-1"]
    assert b"'=cmd" in content  # formula injection defused, as in the synchronous export
    assert job.file_path().stat().st_mode & 0o077 == 0
    assert exports.process_pending_exports() == 0  # nothing left to write


@pytest.mark.usefixtures("small_threshold")
def test_background_xlsx_keeps_filters_and_the_askers_language(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    """The worker writes the list as filtered, with labels in the language it was asked in."""
    _three_cases(make_case, personas)
    make_case(our_reference="IN-3")
    client.force_login(personas.officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client.get(reverse("case_export", args=["xlsx"]), {"direction": "incoming"})
    job = CaseExport.objects.get()
    assert job.filters == {"direction": "incoming"} and job.language == "fr"
    exports.process_pending_exports()
    answer = client.get(reverse("case_export_download", args=[job.public_id]))
    sheet = load_workbook(io.BytesIO(b"".join(answer.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert sorted(row[0] for row in rows[1:]) == ["IN-1", "IN-2", "IN-3"]
    assert rows[1][2] == "Entrante"  # the direction, in French


@pytest.mark.usefixtures("small_threshold")
def test_export_job_is_only_its_requesters(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    """Another member of the authority and an outsider get 404 for the page and the file."""
    _three_cases(make_case, personas)
    client.force_login(personas.officer)
    client.get(reverse("case_export", args=["csv"]))
    job = CaseExport.objects.get()
    exports.process_pending_exports()
    for other in (personas.supervisor, personas.authority_admin, personas.outsider):
        client.force_login(other)
        assert client.get(job.get_absolute_url()).status_code == 404
        download = reverse("case_export_download", args=[job.public_id])
        assert client.get(download).status_code == 404
    client.logout()
    assert client.get(job.get_absolute_url()).status_code == 302  # to the login page


def test_small_export_stays_in_the_request(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    """Up to the threshold the file is the answer itself; no job is created."""
    make_case(our_reference="IN-1")
    client.force_login(personas.officer)
    response = client.get(reverse("case_export", args=["csv"]))
    assert response.status_code == 200
    assert _csv_references(b"".join(response.streaming_content)) == ["IN-1"]
    assert not CaseExport.objects.exists()


@pytest.mark.usefixtures("small_threshold")
def test_finished_exports_are_removed_after_a_day(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    """Exports finished more than a day ago go, with their files; younger ones stay."""
    _three_cases(make_case, personas)
    client.force_login(personas.officer)
    client.get(reverse("case_export", args=["csv"]))
    client.get(reverse("case_export", args=["xlsx"]))
    exports.process_pending_exports()
    old, young = CaseExport.objects.order_by("id")
    CaseExport.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - datetime.timedelta(days=2)
    )
    assert old.file_path().exists()
    assert exports.remove_expired_exports() == 1
    assert not old.file_path().exists() and young.file_path().exists()
    assert list(CaseExport.objects.all()) == [young]


@pytest.mark.usefixtures("small_threshold")
def test_a_failed_export_says_so_and_leaves_no_file(
    client: Client, personas: Personas, make_case: MakeCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    _three_cases(make_case, personas)
    client.force_login(personas.officer)
    client.get(reverse("case_export", args=["csv"]))

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "csv_lines", broken)
    exports.process_pending_exports()
    job = CaseExport.objects.get()
    assert job.status == "failed" and "disk full" in job.problem
    assert list(job.file_path().parent.glob("*")) == []
    assert b"could not be written" in client.get(job.get_absolute_url()).content
