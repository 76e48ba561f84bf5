"""Downloads of a finalised request (DOCX, PDF, JSON) reach the access log (decision 0020)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.audit.accesslog import verify_access_log
from rogatory.audit.models import AccessEntry
from rogatory.drafting.actions import do_finalise

from .test_versions import a_draft

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _folders(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.AUDIT_ACCESS_LOG_KEY_FILE = tmp_path / "audit-access-log.key"


def test_each_download_of_a_finalised_request_is_logged(personas: Personas) -> None:
    case = a_draft(personas)
    do_finalise(case, language="en", acting_user=personas.officer)
    client = Client()
    client.force_login(personas.supervisor)
    for fmt in ("docx", "pdf", "json"):
        response = client.get(reverse("drafting_download", args=[case.public_id, 1, fmt]))
        assert response.status_code == 200, fmt
    assert (
        client.get(reverse("drafting_download", args=[case.public_id, 1, "exe"])).status_code == 404
    )
    entries = list(AccessEntry.objects.order_by("id"))
    assert [e.details["format"] for e in entries] == ["docx", "pdf", "json"]
    assert {(e.action, e.actor_name, e.object_ref) for e in entries} == {
        ("request.downloaded", "supervisor_a", str(case.public_id))
    }
    assert verify_access_log().ok
