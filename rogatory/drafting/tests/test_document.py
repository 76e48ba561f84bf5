"""The request document: built from a case, validated against the published schema, round trip."""

from __future__ import annotations

import datetime
import json
from typing import Any

import jsonschema
import pytest

from conftest import Personas
from rogatory.cases.actions import do_register_case
from rogatory.cases.choices import Direction, DocumentKind
from rogatory.cases.models import Case, Document
from rogatory.drafting.completeness import check_document
from rogatory.drafting.document import (
    MEASURE_DETAILS,
    SCHEMA_PATH,
    DocumentError,
    build_document,
    load_document,
    schema,
    validate_document,
)
from rogatory.treaties.models import Instrument

from .samples import DEMANDING_PROFILE, complete_document


def _round_trip(document: dict[str, Any]) -> dict[str, Any]:
    return load_document(json.loads(json.dumps(document, ensure_ascii=False)))


def test_the_published_schema_is_a_valid_draft_2020_12_schema() -> None:
    published = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(published)
    assert published["$id"].endswith("/request-1.schema.json")
    assert published["title"] and published["description"]


def test_details_defaults_match_the_schema() -> None:
    defs = schema()["$defs"]
    by_kind: dict[str, set[str]] = {}
    for rule in schema()["properties"]["measures"]["items"]["allOf"]:
        definition = defs[rule["then"]["properties"]["details"]["$ref"].rsplit("/", 1)[-1]]
        for kind in rule["if"]["properties"]["kind"]["enum"]:
            by_kind[kind] = set(definition["properties"])
    assert by_kind == {kind: set(fields) for kind, fields in MEASURE_DETAILS.items()}


def test_the_complete_document_validates_and_round_trips() -> None:
    document = complete_document()
    assert validate_document(document) == []
    assert _round_trip(document) == document
    assert _round_trip(_round_trip(document)) == document


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d.pop("format"), "'format' is a required property"),
        (lambda d: d.update(format_version=2), "format_version: 1 was expected"),
        (lambda d: d.update(language="de"), "language: 'de' is not one of"),
        (lambda d: d.update(date="23/11/2026"), "date: '23/11/2026'"),
        (lambda d: d["requested"].update(state="Kenya"), "requested/state: 'Kenya'"),
        (lambda d: d["measures"][0]["details"].update(account=5), "measures/0/details/account"),
        (lambda d: d["measures"][0]["details"].update(iban="X"), "measures/0/details: Addit"),
        (lambda d: d["measures"][1]["details"].update(questions="Why?"), "measures/1/details/q"),
        (lambda d: d["measures"][4]["details"].update(currency="usd"), "measures/4/details/cur"),
        (lambda d: d["measures"].append({"kind": "teleport"}), "measures/7/kind"),
        (lambda d: d["persons"][0].update(role="boss"), "persons/0/role"),
        (lambda d: d.update(extra=1), "Additional properties are not allowed ('extra'"),
    ],
)
def test_malformed_documents_are_rejected_with_paths(change: Any, where: str) -> None:
    document = complete_document()
    change(document)
    problems = validate_document(document)
    assert any(where in problem for problem in problems), problems
    with pytest.raises(DocumentError) as raised:
        load_document(document)
    assert raised.value.problems == problems


def test_loading_fills_the_optional_fields() -> None:
    document = complete_document()
    document["persons"] = [{"role": "witness", "name": "Mary Witness"}]
    document["measures"] = [{"kind": "bank_records", "details": {"account": "1"}}]
    del document["formalities"]  # optional: the shared shape had none
    loaded = load_document(document)
    assert loaded["formalities"] == {
        "translation_attached": False,
        "translation_certified": False,
        "legalised": False,
        "undertakings": "",
    }
    assert (
        loaded["persons"][0]["nationality"] == "" and loaded["persons"][0]["date_of_birth"] is None
    )
    assert loaded["measures"][0] == {
        "kind": "bank_records",
        "description": "",
        "details": {
            "institution": "",
            "account": "1",
            "holder": "",
            "period_from": None,
            "period_to": None,
        },
    }
    assert validate_document(loaded) == []


def _outgoing(personas: Personas) -> Case:
    case = do_register_case(
        personas.authority_a,
        direction=Direction.OUTGOING,
        acting_user=personas.officer,
        fields={
            "kind": "mla",
            "requested_state_id": "KE",
            "subject": "Laundering of the proceeds of bribery",
            "summary_of_facts": "Payments were routed through shell companies.",
            "purpose": "To obtain evidence for the trial.",
            "conducting_authority": "Parquet national financier",
            "requested_authority_name": "Office of the Attorney General",
            "legal_basis": Instrument.objects.get(code="uncac"),
            "legal_basis_article": "art. 46",
            "legal_basis_as_of": datetime.date(2026, 11, 1),
            "urgency": "urgent",
            "requested_deadline": datetime.date(2027, 3, 1),
        },
        offences=[
            {
                "national_name": "Corruption d'agent public étranger",
                "national_provision": "Code pénal, art. 435-3",
                "iccs_id": "070311",
            }
        ],
        persons=[
            {
                "role": "suspect",
                "name": "John Example",
                "nationality_id": "KE",
                "date_of_birth": datetime.date(1970, 5, 4),
                "location": "Mombasa",
            }
        ],
        measures=[
            {
                "kind": "bank_records",
                "description": "Statements",
                "details": {"institution": "Example Bank", "account": "0123", "stray": "x"},
            },
            {"kind": "taking_evidence", "details": {"witness": "Mary", "questions": ["Who?"]}},
            {"kind": "examination", "description": "Inspect the vessel.", "details": {"a": 1}},
        ],
    )
    Document.objects.create(case=case, title="Letter of request", kind=DocumentKind.REQUEST)
    Document.objects.create(case=case, title="Arrest warrant", kind=DocumentKind.COURT_ORDER)
    return case


def test_build_document_from_a_case(personas: Personas) -> None:
    case = _outgoing(personas)
    document = build_document(
        case,
        language="zh-hans",
        signatory={"name": "A. Officer", "title": "Head"},
        date=datetime.date(2026, 11, 23),
    )
    assert validate_document(document) == []
    assert document["language"] == "zh" and document["written_in"] == "zh"
    assert document["reference"] == {"ours": case.our_reference, "theirs": ""}
    assert document["requesting"]["state"] == "FR"
    assert document["requesting"]["authority"] == "Central Authority of A"
    assert document["requested"] == {
        "state": "KE",
        "state_name": document["requested"]["state_name"],
        "authority": "Office of the Attorney General",
    }
    assert document["legal_basis"]["instrument"] == "uncac"
    assert document["legal_basis"]["as_of"] == "2026-11-01"
    assert document["deadline"] == "2027-03-01"
    assert document["offences"][0]["iccs"] == "070311" and document["offences"][0]["iccs_title"]
    assert document["persons"][0]["date_of_birth"] == "1970-05-04"
    # Details limited to the kind's fields, completed with defaults; other kinds kept as given.
    assert document["measures"][0]["details"]["holder"] == ""
    assert "stray" not in document["measures"][0]["details"]
    assert document["measures"][1]["details"]["oath"] is False
    assert document["measures"][2]["details"] == {"a": 1}
    # The letter itself is not its own annex.
    assert document["annexes"] == [{"title": "Arrest warrant", "kind": "court_order"}]
    assert document["formalities"]["translation_attached"] is False
    assert document["signatory"] == {"name": "A. Officer", "title": "Head"}
    # Importing the JSON and rebuilding gives the same document.
    assert _round_trip(document) == document


def test_build_document_options(personas: Personas) -> None:
    case = _outgoing(personas)
    Document.objects.create(case=case, title="Traduction", kind=DocumentKind.TRANSLATION)
    document = build_document(case, language="fr", written_in="en", formalities={"legalised": True})
    assert document["written_in"] == "en"
    assert document["formalities"]["translation_attached"] is True
    assert document["formalities"]["legalised"] is True
    assert validate_document(document) == []
    with pytest.raises(ValueError, match="UN languages"):
        build_document(case, language="de")


def test_incoming_requests_are_not_drafted(personas: Personas) -> None:
    case = do_register_case(
        personas.authority_a,
        direction=Direction.INCOMING,
        acting_user=personas.officer,
        fields={"kind": "mla", "requesting_state_id": "KE", "subject": "x"},
    )
    with pytest.raises(ValueError, match="outgoing"):
        build_document(case, language="en")


def test_the_complete_sample_is_complete() -> None:
    assert check_document(complete_document(), DEMANDING_PROFILE) == []


def test_a_request_document_imports_into_a_new_draft(client: Any, personas: Personas) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from rogatory.audit.models import AuditEntry

    original = _outgoing(personas)
    document = build_document(
        original,
        language="fr",
        signatory={"name": "A. Officer", "title": "Head"},
        formalities={"legalised": True, "undertakings": "Speciality."},
        date=datetime.date(2026, 11, 23),
    )
    client.force_login(personas.officer)
    url = reverse("drafting_import")
    upload = SimpleUploadedFile("request.json", json.dumps(document).encode())
    response = client.post(url, {"file": upload})
    imported = Case.objects.exclude(pk=original.pk).get()
    assert response.status_code == 302 and str(imported.public_id) in response["Location"]
    # Its own reference (the document's is taken by the original); the rest as written.
    assert imported.our_reference != original.our_reference
    assert (imported.status, imported.direction, imported.officer) == (
        "draft",
        "outgoing",
        personas.officer,
    )
    assert imported.draft.legalised and imported.draft.signatory_name == "A. Officer"
    rebuilt = build_document(
        imported,
        language="fr",
        signatory={"name": "A. Officer", "title": "Head"},
        formalities={"legalised": True, "undertakings": "Speciality."},
        date=datetime.date(2026, 11, 23),
    )
    same = {**document, "reference": rebuilt["reference"], "annexes": rebuilt["annexes"]}
    assert rebuilt == same  # annexes' files are not in the JSON: attached separately
    assert AuditEntry.objects.filter(action="request.request_imported").count() == 1


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"{not json", "Not a JSON document"),
        (b"\xff\xfe\x00", "Not a JSON document"),
        (json.dumps({"format": "other"}).encode(), "format"),
    ],
)
def test_a_bad_request_document_creates_nothing(
    client: Any, personas: Personas, content: bytes, problem: str
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(personas.officer)
    response = client.post(
        reverse("drafting_import"), {"file": SimpleUploadedFile("x.json", content)}
    )
    assert response.status_code == 400 and problem in response.content.decode()
    assert not Case.objects.exists()


def test_a_document_of_another_state_or_with_unknown_codes_is_refused(personas: Personas) -> None:
    from rogatory.drafting.actions import do_import_request_document

    document = build_document(_outgoing(personas), language="en")
    count = Case.objects.count()
    foreign = json.loads(json.dumps(document))
    foreign["requesting"]["state"] = "KE"
    foreign["offences"][0]["iccs"] = "99999"
    foreign["persons"][0]["nationality"] = "XX"
    foreign["legal_basis"]["instrument"] = "no-such-treaty"
    with pytest.raises(DocumentError) as refused:
        do_import_request_document(personas.authority_a, foreign, acting_user=personas.officer)
    where = [problem.split(":")[0] for problem in refused.value.problems]
    assert where == [
        "requesting/state",
        "legal_basis/instrument",
        "offences/0/iccs",
        "persons/0/nationality",
    ]
    assert Case.objects.count() == count
    to_ourselves = json.loads(json.dumps(document))
    to_ourselves["requested"]["state"] = "FR"
    with pytest.raises(DocumentError, match="requested/state: a request goes to another state"):
        do_import_request_document(personas.authority_a, to_ourselves, acting_user=personas.officer)
