"""Bad input on the case pages: a clear 400 and nothing changed (decision 0021)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.audit.models import AuditEntry
from rogatory.cases.models import Case

from .conftest import MakeCase
from .test_views import register_post

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int]:
    return Case.objects.count(), AuditEntry.objects.count()


@pytest.mark.parametrize(
    "url",
    [
        "/cases/?q=%00",
        "/cases/?officer=%00",
        "/cases/?state=a%00&q=x",
        "/cases/export.csv?q=%00",
        "/cases/dashboard/?state=%00",
        "/knowledge/?q=%00",
        "/iccs/?q=%1b",
        "/directory/%00/",
    ],
)
def test_a_control_character_in_a_search_or_path_is_400(
    client: Client, personas: Personas, url: str
) -> None:
    client.force_login(personas.officer)
    response = client.get(url)
    assert response.status_code == 400
    assert "control character" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [("received_on", "9999-12-31"), ("deadline", "0001-01-01"), ("received_on", "1899-12-31")],
)
def test_an_implausible_date_on_the_form_is_400(
    client: Client, personas: Personas, field: str, value: str
) -> None:
    """``received_on=9999-12-31`` overflowed the working-days arithmetic: a 500."""
    client.force_login(personas.officer)
    before = counts()
    response = client.post(
        reverse("case_register", args=["incoming"]), register_post(**{field: value})
    )
    assert response.status_code == 400
    assert "Give a date between 1900-01-01 and 2099-12-31." in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize("value", ["A\x00B", "A\x01B", "A\x7fB"])
def test_a_control_character_in_a_form_field_is_400(
    client: Client, personas: Personas, value: str
) -> None:
    client.force_login(personas.officer)
    before = counts()
    response = client.post(
        reverse("case_register", args=["incoming"]), register_post(subject=value)
    )
    assert response.status_code == 400
    assert counts() == before


def test_dates_on_the_case_page_forms_are_bounded(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    case = make_case()
    client.force_login(personas.officer)
    before = counts()
    response = client.post(
        reverse("case_measure_add", args=[case.public_id]),
        {"kind": "bank_records", "deadline": "9999-12-31"},
    )
    assert response.status_code == 400
    response = client.post(
        reverse("case_follow_up_add", args=[case.public_id]),
        {"direction": "to_counterpart", "asked_on": "9999-12-31", "question": "When?"},
    )
    assert response.status_code == 400
    assert counts() == before


@pytest.mark.parametrize("body", ["[" * 5000 + "]" * 5000, '{"name": "a\\u0000.pdf"}'])
def test_a_hostile_upload_announcement_is_400(
    client: Client, personas: Personas, make_case: MakeCase, body: str
) -> None:
    """The resumable upload's JSON start: deep nesting was a RecursionError (500)."""
    case = make_case()
    client.force_login(personas.officer)
    response = client.post(
        reverse("case_upload_start", args=[case.public_id]), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["message"] == "The request could not be read."
