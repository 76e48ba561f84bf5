"""GET /api/v1/legal-basis: the finder's answer as JSON, in the OpenAPI schema."""

from __future__ import annotations

from django.test import Client

URL = "/api/v1/legal-basis"


def test_answer_as_json(client: Client, world: None) -> None:
    response = client.get(
        URL,
        {
            "requesting": "fr",
            "requested": "SY",
            "kind": "mla",
            "iccs": "07031",
            "date": "2026-11-01",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["requesting"] == "FR"
    assert body["has_basis"] is True
    assert body["as_of"] == "2026-11-01"
    bases = {b["instrument"]["code"]: b for b in body["bases"]}
    assert bases["untoc"]["verdict"] == "applies"
    assert bases["untoc"]["articles"] == [
        {
            "article": "18",
            "via_parent": False,
            "text_url": "http://testserver/treaties/untoc/articles/18/",
        }
    ]
    # Signed only in the world's list as of 2014-07-10: a question, not a basis.
    assert bases["uncac"]["verdict"] == "not_recorded"
    assert {
        "check": "not_recorded",
        "text": "Not recorded — check the depositary: Syrian Arab Republic signed UNCAC on "
        "9 December 2003; no consent to be bound is recorded in the UN list as of "
        "10 July 2014 or later.",
    } in (bases["uncac"]["reasons"])
    assert bases["uncac"]["participation_requested"]["kind"] == "signature"
    assert bases["uncac"]["participation_requested"]["signed_on"] == "2003-12-09"
    assert bases["untoc-tip"]["participation_requested"] is None
    assert bases["untoc"]["instrument"]["url"] == "http://testserver/treaties/untoc/"
    assert len(body["remaining_routes"]) == 2


def test_answer_follows_accept_language(client: Client, world: None) -> None:
    response = client.get(
        URL, {"requesting": "FR", "requested": "KE", "kind": "mla"}, HTTP_ACCEPT_LANGUAGE="es"
    )
    titles = {b["instrument"]["code"]: b["instrument"]["title"] for b in response.json()["bases"]}
    assert titles["uncac"] == "Convención de las Naciones Unidas contra la Corrupción"


def test_validation_errors_name_the_field(client: Client, world: None) -> None:
    response = client.get(URL, {"requesting": "FR", "requested": "ZZ", "kind": "mla"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "requested"]
    response = client.get(URL, {"requesting": "FR", "requested": "KE", "kind": "telepathy"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "kind"]
    response = client.get(URL, {"requesting": "FR", "requested": "KE", "kind": "mla", "iccs": "99"})
    assert response.json()["detail"][0]["loc"] == ["query", "iccs"]
    response = client.get(
        URL, {"requesting": "FR", "requested": "KE", "kind": "mla", "date": "soon"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "date"]


def test_openapi_schema_documents_the_endpoint(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/legal-basis"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {
        "requesting",
        "requested",
        "kind",
        "iccs",
        "date",
    }
    assert "LegalBasisOut" in schema["components"]["schemas"]
    # The documentation page works offline: django-ninja ships Swagger UI's files.
    page = client.get("/api/v1/docs").content.decode()
    assert "https://" not in page
