"""Bad input to ``/api/v1/cases`` gets a clear 4xx and changes nothing (decision 0021)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from conftest import Personas
from rogatory.accounts.actions import do_create_token
from rogatory.accounts.models import User
from rogatory.audit.models import AuditEntry
from rogatory.cases.models import Case, Person

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases"


def bearer(user: User) -> dict[str, str]:
    _token, secret = do_create_token(user, name="test")
    return {"Authorization": f"Bearer {secret}"}


def incoming(**changes: Any) -> dict[str, Any]:
    return {
        "direction": "incoming",
        "kind": "mla",
        "subject": "Bank records of a laundering scheme",
        "requesting_state": "KE",
    } | changes


def post_raw(client: Client, raw: bytes, auth: dict[str, str]) -> Any:
    return client.post(URL, raw, content_type="application/json", headers=auth)


def assert_nothing_written(before: tuple[int, int]) -> None:
    assert (Case.objects.count(), AuditEntry.objects.count()) == before


def counts() -> tuple[int, int]:
    return Case.objects.count(), AuditEntry.objects.count()


@pytest.mark.parametrize("query", ["q=%00", "officer=%00", "state=%00", "iccs=a%00", "q=a%01b"])
def test_a_control_character_in_a_query_is_400(
    client: Client, personas: Personas, query: str
) -> None:
    response = client.get(f"{URL}?{query}", headers=bearer(personas.officer))
    assert response.status_code == 400
    assert "control character" in response.json()["detail"]


@pytest.mark.parametrize(
    "raw",
    [
        json.dumps(incoming(subject="A\x00B")).encode(),
        json.dumps(incoming(their_reference="\x1b[31m")).encode(),
        json.dumps(incoming(measures=[{"kind": "bank_records", "details": {"a\x00": 1}}])).encode(),
        json.dumps(incoming(subject="\ud800")).encode(),
        b"[" * 5000 + b"]" * 5000,
        b'{"direction": NaN}',
    ],
)
def test_a_hostile_body_is_400_with_the_reason(
    client: Client, personas: Personas, raw: bytes
) -> None:
    auth = bearer(personas.officer)
    before = counts()
    response = post_raw(client, raw, auth)
    assert response.status_code == 400, response.content
    assert response.json()["detail"] != "Cannot parse request body"
    assert_nothing_written(before)


@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        ({"received_on": "9999-12-31"}, ["body", "payload", "received_on"]),
        ({"deadline": "1000-01-01"}, ["body", "payload", "deadline"]),
        (
            {"persons": [{"role": "suspect", "name": "X", "date_of_birth": "0001-01-01"}]},
            ["body", "payload", "persons", 0, "date_of_birth"],
        ),
        (
            {"measures": [{"kind": "bank_records", "deadline": "9999-12-31"}]},
            ["body", "payload", "measures", 0, "deadline"],
        ),
        ({"subject": "x" * 100_000}, ["body", "payload", "subject"]),
    ],
)
def test_implausible_dates_and_overlong_text_are_422_naming_the_field(
    client: Client, personas: Personas, changes: dict[str, Any], loc: list[Any]
) -> None:
    auth = bearer(personas.officer)
    before = counts()
    response = client.post(URL, incoming(**changes), content_type="application/json", headers=auth)
    assert response.status_code == 422, response.content
    assert loc in [error["loc"] for error in response.json()["detail"]]
    assert_nothing_written(before)


def test_a_transition_on_an_implausible_date_is_422(client: Client, personas: Personas) -> None:
    auth = bearer(personas.officer)
    created = client.post(URL, incoming(), content_type="application/json", headers=auth)
    assert created.status_code == 201
    url = f"{URL}/{created.json()['id']}/transitions"
    response = client.post(
        url,
        {"action": "acknowledge", "on": "9999-12-31"},
        content_type="application/json",
        headers=auth,
    )
    assert response.status_code == 422, response.content


def test_an_empty_nationality_is_no_nationality(client: Client, personas: Personas) -> None:
    """``nationality: ""`` was a foreign-key violation (500) on both backends."""
    auth = bearer(personas.officer)
    person = {"role": "suspect", "name": "A. Person", "nationality": ""}
    response = client.post(
        URL, incoming(persons=[person]), content_type="application/json", headers=auth
    )
    assert response.status_code == 201, response.content
    assert response.json()["persons"][0]["nationality"] is None
    assert Person.objects.get().nationality_id is None


def test_unknown_codes_are_still_named(client: Client, personas: Personas) -> None:
    auth = bearer(personas.officer)
    body = incoming(
        requesting_state="QQ",
        legal_basis="no-such-treaty",
        offences=[{"national_name": "Fraud", "iccs": "99999"}],
        persons=[{"role": "suspect", "name": "X", "nationality": "QQ"}],
    )
    response = client.post(URL, body, content_type="application/json", headers=auth)
    locs = [error["loc"] for error in response.json()["detail"]]
    assert response.status_code == 422
    assert ["body", "payload", "requesting_state"] in locs
    assert ["body", "payload", "legal_basis"] in locs
    assert ["body", "payload", "offences", 0, "iccs"] in locs
    assert ["body", "payload", "persons", 0, "nationality"] in locs


def test_the_schema_tells_case_documents_from_knowledge_documents(client: Client) -> None:
    """Both were "DocumentOut": the case's documents were described with the wrong schema."""
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    documents = schemas["CaseDetailOut"]["properties"]["documents"]["items"]["$ref"]
    assert documents == "#/components/schemas/CaseDocumentOut"
    assert "sha256" not in str(schemas["DocumentOut"]) and "versions" in str(
        schemas["CaseDocumentOut"]
    )
