"""The request's JSON download is named safely whatever our reference holds (decision 0021)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.drafting.actions import do_finalise

from .test_versions import a_draft

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.mark.parametrize("fmt", ["json", "pdf"])
def test_a_quote_in_our_reference_does_not_inject_into_the_header(
    client: Client, personas: Personas, fmt: str
) -> None:
    case = a_draft(personas, our_reference='QQ"; filename="evil.html')
    do_finalise(case, language="en", acting_user=personas.officer)
    client.force_login(personas.officer)
    response = client.get(reverse("drafting_download", args=[case.public_id, 1, fmt]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.count('"') == 2, disposition  # one quoted name, nothing after it
    assert disposition == f'attachment; filename="QQ_; filename=_evil.html-v1-en.{fmt}"'
