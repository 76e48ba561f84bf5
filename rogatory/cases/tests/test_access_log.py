"""Reads that must be accounted for reach the access log (decision 0020): opening a strictly
confidential request, downloading any document; ordinary case pages do not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.audit.accesslog import verify_access_log
from rogatory.audit.models import AccessEntry, AuditEntry
from rogatory.cases.actions import do_add_document
from rogatory.cases.choices import Confidentiality

from .conftest import MakeCase

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _folders(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.AUDIT_ACCESS_LOG_KEY_FILE = tmp_path / "audit-access-log.key"


def test_opening_a_strictly_confidential_request_is_logged(
    personas: Personas, make_case: MakeCase
) -> None:
    strict = make_case(confidentiality=Confidentiality.STRICT, our_reference="S-1")
    ordinary = make_case(our_reference="O-1")
    client = Client(REMOTE_ADDR="203.0.113.9")
    client.force_login(personas.supervisor)
    chain_before = AuditEntry.objects.count()
    assert client.get(reverse("case_detail", args=[strict.public_id])).status_code == 200
    assert client.get(reverse("case_detail", args=[ordinary.public_id])).status_code == 200
    [entry] = AccessEntry.objects.all()
    assert (entry.action, entry.object_ref) == ("case.viewed", str(strict.public_id))
    assert (entry.actor_name, entry.authority_id) == ("supervisor_a", personas.authority_a.pk)
    assert entry.details == {"reference": "S-1", "ip": "203.0.113.9"}
    # A read is not a link in the chain: nothing waits for its head.
    assert AuditEntry.objects.count() == chain_before
    assert verify_access_log().ok


def test_a_refused_read_is_not_logged(personas: Personas, make_case: MakeCase) -> None:
    strict = make_case(confidentiality=Confidentiality.STRICT)
    client = Client()
    client.force_login(personas.outsider)
    assert client.get(reverse("case_detail", args=[strict.public_id])).status_code == 404
    assert not AccessEntry.objects.exists()


def test_a_document_download_is_logged(personas: Personas, make_case: MakeCase) -> None:
    case = make_case(our_reference="D-1")
    version = do_add_document(
        case,
        title="Bank statement",
        kind="evidence",
        upload=SimpleUploadedFile("statement.txt", b"Account 42: EUR 1,000,000\n"),
        original_name="statement.txt",
        acting_user=personas.officer,
    )
    client = Client()
    client.force_login(personas.officer)
    response = client.get(version.get_absolute_url())
    assert response.status_code == 200
    [entry] = AccessEntry.objects.all()
    assert entry.action == "document.downloaded" and entry.object_ref == str(case.public_id)
    assert entry.details["document"] == str(version.document.public_id)
    assert entry.details["version"] == 1 and entry.details["title"] == "Bank statement"
    assert entry.details["reference"] == "D-1"


def test_reading_a_strictly_confidential_request_through_the_api_is_logged(
    personas: Personas, make_case: MakeCase
) -> None:
    from rogatory.accounts.actions import do_create_token

    strict = make_case(confidentiality=Confidentiality.STRICT, our_reference="S-API")
    ordinary = make_case(our_reference="O-API")
    _token, secret = do_create_token(personas.officer, name="reader", scopes=["cases:read"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    for case in (strict, ordinary):
        response = client.get(reverse("api:case_detail", args=[case.public_id]))
        assert response.status_code == 200
    [entry] = AccessEntry.objects.all()
    assert (entry.action, entry.object_ref) == ("case.viewed", str(strict.public_id))
    assert entry.actor_name == "officer_a" and entry.details["via"] == "api"
