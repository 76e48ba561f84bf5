"""A closed request keeps what it held: nothing is removed from it, and removing from an open
one asks first (data-confirm)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.cases.actions import do_add_offence, do_add_person
from rogatory.cases.choices import PersonRole, Status
from rogatory.cases.models import Case

pytestmark = pytest.mark.django_db


def test_nothing_is_removed_from_a_closed_request(
    client: Client, personas: Personas, make_case: object
) -> None:
    case = make_case()  # type: ignore[operator]
    person = do_add_person(
        case, {"role": PersonRole.SUSPECT, "name": "Jane Roe"}, acting_user=personas.officer
    )
    offence = do_add_offence(case, national_name="Blanchiment", acting_user=personas.officer)
    client.force_login(personas.officer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "data-confirm=" in page and "Remove “Jane Roe” from the persons concerned?" in page

    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    page = client.get(case.get_absolute_url()).content.decode()
    assert reverse("case_person_remove", args=[case.public_id, person.public_id]) not in page
    response = client.post(
        reverse("case_person_remove", args=[case.public_id, person.public_id]), follow=True
    )
    assert response.status_code == 200
    assert "This request is closed: nothing can be removed from it." in response.content.decode()
    assert case.persons.filter(pk=person.pk).exists()
    client.post(reverse("case_offence_remove", args=[case.public_id, offence.pk]))
    assert case.offences.filter(pk=offence.pk).exists()


def test_a_move_that_would_be_refused_is_explained_not_offered(
    client: Client, personas: Personas, make_case: object
) -> None:
    """An outgoing draft without facts is not offered "Mark as sent": the page says why."""
    case = make_case("outgoing", summary_of_facts="", purpose="")  # type: ignore[operator]
    client.force_login(personas.officer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'data-testid="transition-send"' not in page
    assert 'data-testid="blocked-send"' in page and "Before sending, give" in page
