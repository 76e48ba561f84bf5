"""The language the request is written in: the translation check does not wait for the
collapsed settings panel to be opened and saved (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.directory.models import AcceptedLanguage, CountryProfile
from rogatory.drafting.models import Draft, RequestVersion
from rogatory.drafting.tests.test_versions import a_draft

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def french_only() -> None:
    """Kenya's profile, for this test, accepts requests in French only."""
    CountryProfile.objects.get_or_create(state_id="KE")
    AcceptedLanguage.objects.create(profile_id="KE", language_id="fr")


def test_translation_check_works_before_the_settings_are_saved(
    client: Client, personas: Personas, french_only: None
) -> None:
    """A draft whose settings were never saved is checked as written in the language the
    settings panel shows (the drafter's), not silently as written in the request's language."""
    case = a_draft(personas)
    assert not Draft.objects.filter(case=case).exists()
    client.force_login(personas.officer)
    page = client.get(
        reverse("drafting_writer", args=[case.public_id]),
        {"language": "fr"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert b'data-rule="profile.translation_needed"' in page.content
    # The language assumed is shown outside the collapsed panel.
    assert b'data-testid="written-in"' in page.content
    # Finalising is refused for the same reason, and nothing is created.
    response = client.post(
        reverse("drafting_finalise", args=[case.public_id]),
        {"language": "fr"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409
    assert not RequestVersion.objects.exists()


def test_the_guided_writer_records_the_language_written_in(
    client: Client, personas: Personas
) -> None:
    """Starting a draft in the guided writer records the drafter's language as the language
    the request is written in (audited, changeable in the settings)."""
    client.force_login(personas.officer)
    response = client.post(
        reverse("drafting_start"),
        {"kind": "mla", "requested_state": "KE"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 302
    draft = Draft.objects.get()
    assert draft.written_in == "fr"
