"""The registration form: each authority asked once from the directory and once as written,
our side offered our own state's authorities, required fields marked, problems listed at the
top with links to their fields."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.directory.models import CompetentAuthority, CountryProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory() -> dict[str, CompetentAuthority]:
    entries = {}
    for state, slug, name in (
        ("FR", "bepi", "Bureau de l'entraide pénale internationale"),
        ("KE", "odpp", "Office of the Director of Public Prosecutions"),
        ("DE", "bfj", "Bundesamt für Justiz"),
    ):
        profile, _created = CountryProfile.objects.get_or_create(state_id=state)
        entries[state] = CompetentAuthority.objects.create(
            profile=profile, slug=slug, name=name, is_central=True
        )
    return entries


def test_the_form_asks_each_authority_once_each_way(
    client: Client, personas: Personas, directory: dict[str, CompetentAuthority]
) -> None:
    client.force_login(personas.officer)  # authority A is French
    page = client.get(reverse("case_register", args=["incoming"])).content.decode()
    assert page.count(">Requesting authority (directory)") == 1
    assert page.count(">Requesting authority (as written)") == 1
    requested = page.split('name="requested_authority"', 1)[1].split("</select>", 1)[0]
    assert "Bureau de l" in requested and "Bundesamt" not in requested
    assert 'class="required"' in page


def test_an_authority_of_another_state_is_refused_with_a_link(
    client: Client, personas: Personas, directory: dict[str, CompetentAuthority]
) -> None:
    client.force_login(personas.officer)
    response = client.post(
        reverse("case_register", args=["incoming"]),
        {
            "counterpart": "KE",
            "kind": "mla",
            "subject": "Phone records",
            "urgency": "normal",
            "confidentiality": "standard",
            "requesting_authority": directory["DE"].pk,
        },
    )
    page = response.content.decode()
    assert response.status_code in (200, 400)
    banner = page.split('data-testid="form-problems"', 1)[1].split("</div>", 1)[0]
    assert 'href="#id_requesting_authority"' in banner and "is not one of" in banner


def test_changing_the_other_state_and_its_authority_is_one_save(
    client: Client, personas: Personas, directory: dict[str, CompetentAuthority]
) -> None:
    """Editing: another state and one of its authorities in the same save (the list of the
    other side's authorities follows the state posted, not the state saved before)."""
    from rogatory.cases.models import Case

    client.force_login(personas.officer)
    data = {
        "counterpart": "KE",
        "kind": "mla",
        "subject": "Phone records",
        "urgency": "normal",
        "confidentiality": "standard",
        "received_on": "2026-11-02",
        "requesting_authority": directory["KE"].pk,
    }
    assert client.post(reverse("case_register", args=["incoming"]), data).status_code == 302
    case = Case.objects.get()
    case_data = data | {"our_reference": case.our_reference}
    edited = case_data | {"counterpart": "DE", "requesting_authority": directory["DE"].pk}
    response = client.post(reverse("case_edit", args=[case.public_id]), edited)
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.requesting_state_id, case.requesting_authority_id) == ("DE", directory["DE"].pk)
    # An authority of a third state is still refused, with the reason.
    wrong = case_data | {"counterpart": "KE", "requesting_authority": directory["DE"].pk}
    response = client.post(reverse("case_edit", args=[case.public_id]), wrong)
    assert response.status_code == 400 or "is not one of" in response.content.decode()
    case.refresh_from_db()
    assert case.requesting_state_id == "DE"
