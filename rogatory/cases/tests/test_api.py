"""``/api/v1/cases``: token authentication, tenancy, roles, validation, pagination, schema."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import Personas
from rogatory.accounts.actions import do_create_token, do_revoke_token
from rogatory.accounts.models import ApiToken, User
from rogatory.audit.models import AuditEntry
from rogatory.cases.actions import do_add_offence, do_add_person, do_transition
from rogatory.cases.choices import Confidentiality, Direction, Status
from rogatory.cases.models import Case, CaseEvent, Document, DocumentVersion
from rogatory.reference.models import IccsCategory, State

from .conftest import MakeCase

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases"


def bearer(user: User) -> dict[str, str]:
    _token, secret = do_create_token(user, name="test")
    return {"Authorization": f"Bearer {secret}"}


def post(client: Client, url: str, data: dict[str, Any], auth: dict[str, str]) -> Any:
    return client.post(url, data, content_type="application/json", headers=auth)


def locs(response: Any) -> list[list[str | int]]:
    assert response.status_code == 422, response.content
    return [error["loc"] for error in response.json()["detail"]]


# --- Authentication -----------------------------------------------------------------------


def test_a_call_without_a_valid_token_is_401(client: Client, personas: Personas) -> None:
    token, secret = do_create_token(personas.officer, name="t")
    assert client.get(URL).status_code == 401
    assert (
        client.get(URL, headers={"Authorization": "Bearer rgt_not-a-real-token"}).status_code == 401
    )
    assert client.get(URL, headers={"Authorization": f"Token {secret}"}).status_code == 401
    response = client.get(URL, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    # A logged-in browser session is not enough: the API takes tokens only.
    client.force_login(personas.officer)
    assert client.get(URL).status_code == 401
    do_revoke_token(token, acting_user=personas.officer)
    response = client.get(URL, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_an_expired_token_is_401(client: Client, personas: Personas) -> None:
    today = timezone.localdate()
    _token, secret = do_create_token(personas.officer, name="t", expires_on=today)
    assert client.get(URL, headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    _token, secret = do_create_token(
        personas.officer, name="t", expires_on=today + datetime.timedelta(days=1)
    )
    assert client.get(URL, headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_a_deactivated_member_or_site_admin_token_is_401(
    client: Client, personas: Personas
) -> None:
    auth = bearer(personas.officer)
    personas.officer.is_active = False
    personas.officer.save()
    assert client.get(URL, headers=auth).status_code == 401
    # A site administrator belongs to no authority and does no casework, even with a token
    # made behind the application's back.
    secret = ApiToken.new_secret()
    ApiToken.objects.create(
        user=personas.site_admin, name="x", prefix=secret[:8], key_hash=ApiToken.hash_secret(secret)
    )
    assert client.get(URL, headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_last_use_is_written_at_most_once_a_minute(client: Client, personas: Personas) -> None:
    token, secret = do_create_token(personas.officer, name="t")
    auth = {"Authorization": f"Bearer {secret}"}
    client.get(URL, headers=auth)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get(URL, headers=auth)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - datetime.timedelta(minutes=2))
    client.get(URL, headers=auth)
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at > first


# --- Tenancy and roles --------------------------------------------------------------------


def test_outsiders_neither_list_nor_read_nor_move_a_request(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    case = make_case()
    theirs = make_case(authority=personas.authority_b)
    auth = bearer(personas.outsider)
    ids = [item["id"] for item in client.get(URL, headers=auth).json()["items"]]
    assert ids == [str(theirs.public_id)]
    response = client.get(f"{URL}/{case.public_id}", headers=auth)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
    response = post(client, f"{URL}/{case.public_id}/transitions", {"action": "acknowledge"}, auth)
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    # An unknown identifier reads the same.
    response = client.get(f"{URL}/00000000-0000-0000-0000-000000000000", headers=auth)
    assert response.status_code == 404


def test_strictly_confidential_requests_stay_with_their_officer(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    case = make_case(confidentiality=Confidentiality.STRICT)
    assert (
        client.get(f"{URL}/{case.public_id}", headers=bearer(personas.officer)).status_code == 200
    )
    assert (
        client.get(f"{URL}/{case.public_id}", headers=bearer(personas.supervisor)).status_code
        == 200
    )
    admin = bearer(personas.authority_admin)
    assert client.get(f"{URL}/{case.public_id}", headers=admin).status_code == 404
    assert client.get(URL, headers=admin).json()["items"] == []


def test_a_supervisor_token_reads_but_does_not_write(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    case = make_case()
    auth = bearer(personas.supervisor)
    assert client.get(f"{URL}/{case.public_id}", headers=auth).status_code == 200
    response = post(client, URL, new_case(), auth)
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role can read requests but not change them."}
    response = post(client, f"{URL}/{case.public_id}/transitions", {"action": "acknowledge"}, auth)
    assert response.status_code == 403
    assert Case.objects.count() == 1
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


# --- Reading ------------------------------------------------------------------------------


def test_the_detail_has_the_parts_of_the_request(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    case = make_case(their_reference="ODPP/2026/17")
    do_add_offence(
        case,
        national_name="Money laundering",
        iccs=IccsCategory.objects.get(code="0701"),
        acting_user=personas.officer,
    )
    do_add_person(
        case,
        {"role": "suspect", "name": "Jean Dupont", "nationality": State.objects.get(iso2="FR")},
        acting_user=personas.officer,
    )
    document = Document.objects.create(case=case, title="Letter of request", kind="request")
    DocumentVersion.objects.create(
        document=document,
        number=1,
        file_path="cases/x/1",
        original_name="letter.pdf",
        content_type="application/pdf",
        size=1234,
        sha256="0" * 64,
        uploaded_by_name="officer_a",
    )
    response = client.get(f"{URL}/{case.public_id}", headers=bearer(personas.officer))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(case.public_id)
    assert body["url"] == f"http://testserver{URL}/{case.public_id}"
    assert body["direction"] == "incoming" and body["status"] == "received"
    assert body["requesting_state"] == "KE" and body["requested_state"] == "FR"
    assert body["counterpart_state"] == "KE" and body["officer"] == "officer_a"
    assert body["their_reference"] == "ODPP/2026/17"
    assert body["offences"] == [
        {
            "national_name": "Money laundering",
            "national_provision": "",
            "iccs": "0701",
            "iccs_title": "Fraud",
        }
    ]
    assert body["persons"][0]["name"] == "Jean Dupont"
    assert body["persons"][0]["nationality"] == "FR"
    assert body["measures"][0]["kind"] == "bank_records"
    assert body["measures"][0]["status"] == "requested"
    assert [e["kind"] for e in body["events"]] == ["person", "offence", "registered"]
    assert body["documents"][0]["versions"][0]["sha256"] == "0" * 64
    assert "file_path" not in body["documents"][0]["versions"][0]
    assert "acknowledge" in body["actions"]


def test_the_detail_shows_the_last_fifty_events(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    case = make_case()
    now = timezone.now()
    CaseEvent.objects.bulk_create(
        CaseEvent(case=case, at=now + datetime.timedelta(seconds=i), kind="note", actor_name="x")
        for i in range(60)
    )
    events = client.get(f"{URL}/{case.public_id}", headers=bearer(personas.officer)).json()[
        "events"
    ]
    assert len(events) == 50
    assert events[0]["at"] > events[-1]["at"]


def test_filters(client: Client, personas: Personas, make_case: MakeCase) -> None:
    incoming = make_case(subject="Bribery of a customs officer")
    outgoing = make_case(Direction.OUTGOING, subject="Côte d'Ivoire timber fraud")
    fraud = IccsCategory.objects.get(code="0701")
    do_add_offence(incoming, national_name="Fraud", iccs=fraud, acting_user=personas.officer)
    late = make_case(deadline=timezone.localdate() - datetime.timedelta(days=3))
    auth = bearer(personas.officer)

    def ids(**params: Any) -> set[str]:
        response = client.get(URL, params, headers=auth)
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["items"]}

    assert ids(direction="outgoing") == {str(outgoing.public_id)}
    assert ids(status="draft") == {str(outgoing.public_id)}
    assert ids(status="open") == {str(incoming.public_id), str(late.public_id)}
    assert ids(iccs="07") == ids(iccs="0701") == {str(incoming.public_id)}
    assert ids(overdue="true") == {str(late.public_id)}
    assert ids(q="COTE timber") == {str(outgoing.public_id)}
    assert ids(state="ke", kind="mla") == {str(c.public_id) for c in (incoming, outgoing, late)}
    assert ids(officer="officer_a") == ids()
    assert ids(officer="none") == set()
    assert locs(client.get(URL, {"state": "ZZ"}, headers=auth)) == [["query", "state"]]
    assert locs(client.get(URL, {"iccs": "99"}, headers=auth)) == [["query", "iccs"]]
    assert locs(client.get(URL, {"direction": "sideways"}, headers=auth)) == [
        ["query", "direction"]
    ]
    assert locs(client.get(URL, {"page_size": 101}, headers=auth)) == [["query", "page_size"]]


def test_pages_follow_a_stable_cursor(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    cases = [make_case(subject=f"Request {i}") for i in range(7)]
    # Requests registered in the same instant are still ordered, by their id.
    Case.objects.filter(pk__in=[c.pk for c in cases[2:5]]).update(created_at=cases[2].created_at)
    expected = [str(c.public_id) for c in Case.objects.order_by("-created_at", "-id")]
    auth = bearer(personas.officer)
    first = client.get(URL, {"page_size": 3}, headers=auth).json()
    assert len(first["items"]) == 3 and first["next"]
    # A request registered meanwhile neither shifts nor repeats the pages still to come.
    make_case(subject="Newcomer")
    seen = [item["id"] for item in first["items"]]
    cursor = first["next"]
    while cursor:
        page = client.get(URL, {"page_size": 3, "cursor": cursor}, headers=auth).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next"]
    assert seen == expected
    # The same cursor gives the same page again.
    again = client.get(URL, {"page_size": 3, "cursor": first["next"]}, headers=auth).json()
    assert [item["id"] for item in again["items"]] == expected[3:6]
    assert locs(client.get(URL, {"cursor": "not-a-cursor"}, headers=auth)) == [["query", "cursor"]]
    # A cursor is only good for the authority that got it.
    outsider = bearer(personas.outsider)
    assert locs(client.get(URL, {"cursor": first["next"]}, headers=outsider)) == [
        ["query", "cursor"]
    ]


def test_the_list_does_not_query_more_for_a_bigger_page(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    for i in range(12):
        make_case(subject=f"Request {i}", officer=personas.officer)
    auth = bearer(personas.officer)
    client.get(URL, headers=auth)  # the token's last use is written once

    def count(page_size: int) -> int:
        params: dict[str, str | int] = {"page_size": page_size, "status": "open"}
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, params, headers=auth)
        assert response.status_code == 200
        assert len(response.json()["items"]) == min(page_size, 12)
        return len(queries)

    # token, the user's rate counter (accounts/throttle.py), cases, prefetched states and officers
    assert count(5) == count(50) <= 6


# --- Writing ------------------------------------------------------------------------------


def new_case(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "direction": "incoming",
        "kind": "mla",
        "subject": "Trafficking in persons through a recruitment agency",
        "requesting_state": "ke",
        "summary_of_facts": "Workers were recruited with false promises.",
        "received_on": "2026-10-05",
        "offences": [{"national_name": "Trafficking in persons", "iccs": "0701"}],
        "persons": [{"role": "suspect", "name": "Acme Recruitment Ltd", "is_legal_person": True}],
        "measures": [{"kind": "bank_records", "details": {"bank": "First Bank"}}],
    }
    return data | overrides


def test_an_officer_registers_a_request(
    client: Client, personas: Personas, django_assert_max_num_queries: Any
) -> None:
    response = post(client, URL, new_case(), bearer(personas.officer))
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(public_id=body["id"])
    assert case.authority == personas.authority_a and case.officer == personas.officer
    assert case.requesting_state_id == "KE" and case.requested_state_id == "FR"
    assert case.status == Status.RECEIVED and case.received_on == datetime.date(2026, 10, 5)
    assert body["our_reference"].startswith("IN-")
    assert body["offences"][0]["iccs"] == "0701"
    assert body["persons"][0]["is_legal_person"] is True
    assert body["measures"][0]["details"] == {"bank": "First Bank"}
    assert "trafficking" in case.search_text
    entry = AuditEntry.objects.get(action="case.registered")
    assert entry.actor_name == "officer_a" and entry.object_ref == body["id"]


def test_an_outgoing_request_starts_as_a_draft(client: Client, personas: Personas) -> None:
    data = new_case(direction="outgoing", requesting_state=None, requested_state="KE")
    response = post(client, URL, data, bearer(personas.authority_admin))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["requesting_state"] == "FR"
    assert body["officer"] == "admin_a"


def test_validation_errors_name_the_field(client: Client, personas: Personas) -> None:
    auth = bearer(personas.officer)
    data = new_case()
    del data["subject"]
    assert locs(post(client, URL, data, auth)) == [["body", "payload", "subject"]]
    assert locs(post(client, URL, new_case(subject="   "), auth)) == [
        ["body", "payload", "subject"]
    ]
    assert locs(post(client, URL, new_case(direction="sideways"), auth)) == [
        ["body", "payload", "direction"]
    ]
    assert locs(post(client, URL, new_case(received_on="5 October"), auth)) == [
        ["body", "payload", "received_on"]
    ]
    assert locs(post(client, URL, new_case(subject="x" * 301), auth)) == [
        ["body", "payload", "subject"]
    ]
    bad_measure = new_case(measures=[{"kind": "telepathy"}])
    assert locs(post(client, URL, bad_measure, auth)) == [
        ["body", "payload", "measures", 0, "kind"]
    ]
    # References to other data are checked too, each at its place.
    response = post(
        client,
        URL,
        new_case(
            requesting_state="ZZ",
            officer="nobody",
            legal_basis="no-such-treaty",
            offences=[
                {"national_name": "Fraud", "iccs": "0701"},
                {"national_name": "X", "iccs": "9"},
            ],
            persons=[{"role": "witness", "name": "A", "nationality": "QQ"}],
        ),
        auth,
    )
    assert locs(response) == [
        ["body", "payload", "requesting_state"],
        ["body", "payload", "officer"],
        ["body", "payload", "legal_basis"],
        ["body", "payload", "offences", 1, "iccs"],
        ["body", "payload", "persons", 0, "nationality"],
    ]
    assert response.json()["detail"][0]["msg"] == "Unknown state code: ZZ"
    assert locs(post(client, URL, new_case(requesting_state=None), auth)) == [
        ["body", "payload", "requesting_state"]
    ]
    assert locs(post(client, URL, new_case(requesting_state="FR"), auth)) == [
        ["body", "payload", "requested_state"]
    ]
    # A supervisor cannot be made responsible for a request.
    assert locs(post(client, URL, new_case(officer="supervisor_a"), auth)) == [
        ["body", "payload", "officer"]
    ]
    assert not Case.objects.exists()


def test_a_taken_reference_is_refused(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    make_case(our_reference="IN-2026-00001")
    response = post(client, URL, new_case(our_reference="IN-2026-00001"), bearer(personas.officer))
    assert locs(response) == [["body", "payload", "our_reference"]]


def test_a_legal_transition_moves_the_request(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    case = make_case(received_on=datetime.date(2026, 10, 1))
    auth = bearer(personas.officer)
    url = f"{URL}/{case.public_id}/transitions"
    response = post(client, url, {"action": "acknowledge", "on": "2026-10-06"}, auth)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "acknowledged" and body["acknowledged_on"] == "2026-10-06"
    assert body["events"][0]["kind"] == "transition"
    assert body["events"][0]["to_status"] == "acknowledged"
    assert AuditEntry.objects.filter(action="case.transition").count() == 1


def test_an_illegal_transition_is_409_with_the_reason(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    case = make_case()
    auth = bearer(personas.officer)
    url = f"{URL}/{case.public_id}/transitions"
    response = post(client, url, {"action": "execute"}, auth)
    assert response.status_code == 409
    assert response.json() == {"detail": "A request that is “Received” cannot move to “Executed”."}
    do_transition(case, "acknowledge", acting_user=personas.officer)
    do_transition(case, "review", acting_user=personas.officer)
    response = post(client, url, {"action": "refuse", "ground": "political_offence"}, auth)
    assert response.status_code == 409
    assert "art. 18(26)" in response.json()["detail"]
    response = post(client, url, {"action": "withdraw"}, auth)
    assert response.json() == {"detail": "State the reason: it is kept with the request."}
    assert locs(post(client, url, {"action": "teleport"}, auth)) == [["body", "payload", "action"]]
    assert locs(post(client, url, {"action": "refuse", "ground": "bad"}, auth)) == [
        ["body", "payload", "ground"]
    ]
    case.refresh_from_db()
    assert case.status == Status.UNDER_REVIEW


# --- Schema -------------------------------------------------------------------------------


def test_the_openapi_schema_documents_the_cases_api(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/cases",
        "/api/v1/cases/{public_id}",
        "/api/v1/cases/{public_id}/transitions",
    } <= set(schema["paths"])
    assert set(schema["paths"]["/api/v1/cases"]) == {"get", "post"}
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    operation = schema["paths"]["/api/v1/cases"]["get"]
    assert operation["security"] == [{"TokenAuth": []}]
    assert operation["tags"] == ["cases"]
    assert {"cursor", "page_size", "q", "iccs"} <= {p["name"] for p in operation["parameters"]}
    assert "CaseDetailOut" in schema["components"]["schemas"]
    # The finder stays public.
    assert "security" not in schema["paths"]["/api/v1/legal-basis"]["get"]
