"""The requested state's requirements for each measure, shown where the measure is chosen."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.cases.actions import do_add_measure
from rogatory.cases.choices import MeasureType
from rogatory.cases.models import Case
from rogatory.directory.models import MeasureRequirement
from rogatory.drafting.requirements import measure_requirements
from rogatory.drafting.tests.test_wizard import a_draft, kenya, url

pytestmark = pytest.mark.django_db

__all__ = ["kenya"]  # the fixture, imported for these tests


def panel(client: Client, case: Case, kind: str) -> str:
    response = client.get(
        reverse("drafting_measure_requirements", args=[case.public_id]),
        {"kind": kind},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    return response.content.decode()


def test_a_state_with_a_profile_entry(client: Client, personas: Personas, kenya: None) -> None:
    """Bank records in Kenya: the entry's requirements, source and date of verification."""
    case = a_draft(personas)
    client.force_login(personas.officer)
    html = panel(client, case, MeasureType.BANK_RECORDS)
    assert 'data-status="possible"' in html
    entry = MeasureRequirement.objects.get(profile__state="KE", measure="bank_records")
    assert entry.execution_time and entry.execution_time in html
    assert "Last verified" in html and entry.source in html
    assert "Dual criminality" in html and "Certified translation" in html
    # The fragment is just the panel, not a page.
    assert "<html" not in html


def test_not_possible_and_silent_profiles(client: Client, personas: Personas, kenya: None) -> None:
    MeasureRequirement.objects.filter(profile__state="KE", measure="freezing").update(
        possible=False
    )
    case = a_draft(personas)
    client.force_login(personas.officer)
    html = panel(client, case, MeasureType.FREEZING)
    assert 'data-status="not_possible"' in html and 'data-testid="not-possible"' in html
    # Kenya's profile has no entry for search and seizure; profiles describe no "records".
    assert 'data-status="silent"' in panel(client, case, MeasureType.SEARCH_AND_SEIZURE)
    assert 'data-status="not_described"' in panel(client, case, MeasureType.RECORDS)
    # A measure already in the draft shows the same, opened when it is not possible.
    do_add_measure(case, kind=MeasureType.FREEZING, acting_user=personas.officer)
    page = client.get(url(case, "measures")).content.decode()
    assert page.count('data-status="not_possible"') == 1
    assert '<details class="requirements-of-measure" open>' in page


def test_a_state_without_a_profile(client: Client, personas: Personas) -> None:
    case = a_draft(personas, requested_state_id="DE")
    assert measure_requirements(case, MeasureType.BANK_RECORDS).status == "no_profile"
    client.force_login(personas.officer)
    assert 'data-status="no_profile"' in panel(client, case, MeasureType.BANK_RECORDS)


def test_the_measures_step_updates_the_panel_when_the_choice_changes(
    client: Client, personas: Personas, kenya: None
) -> None:
    case = a_draft(personas)
    client.force_login(personas.officer)
    page = client.get(url(case, "measures")).content.decode()
    endpoint = reverse("drafting_measure_requirements", args=[case.public_id])
    assert f'hx-get="{endpoint}"' in page and 'hx-target="#measure-requirements"' in page
    assert 'id="measure-requirements"' in page and 'data-testid="requirements"' in page
    # A refused addition shows the panel of the kind that was chosen.
    response = client.post(
        url(case, "measures"), {"kind": MeasureType.BANK_RECORDS, "deadline": "x", "go": "add"}
    )
    assert response.status_code == 400
    assert "Bank and financial records: what Kenya requires" in response.content.decode()


def test_the_panel_refuses_an_unknown_kind_and_outsiders(
    client: Client, personas: Personas, kenya: None
) -> None:
    case = a_draft(personas)
    endpoint = reverse("drafting_measure_requirements", args=[case.public_id])
    client.force_login(personas.officer)
    assert client.get(endpoint, {"kind": "nonsense"}).status_code == 400
    assert 'data-testid="requirements-none"' in client.get(endpoint).content.decode()
    client.force_login(personas.supervisor)
    assert client.get(endpoint, {"kind": "bank_records"}).status_code == 200
    client.force_login(personas.outsider)
    assert client.get(endpoint, {"kind": "bank_records"}).status_code == 404
