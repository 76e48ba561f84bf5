"""The business bodies of the exchange: one schema per action, checked by ``validate_body``."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import jsonschema
import pytest
from django.db import models

from rogatory.cases.choices import (
    Confidentiality,
    MeasureStatus,
    MeasureType,
    RefusalGround,
    Status,
    Urgency,
)
from rogatory.drafting.document import schema as request_schema
from rogatory.exchange.business import (
    ACTIONS,
    SCHEMA_DIR,
    SUMMARY_FIELD,
    BusinessDocumentError,
    part_ids,
    schema,
    summary,
    validate_body,
)
from rogatory.reference.choices import CooperationKind

DOCUMENT: dict[str, Any] = {
    "format": "rogatory-request",
    "format_version": 1,
    "kind": "mla",
    "language": "en",
    "written_in": "en",
    "date": "2026-11-23",
    "reference": {"ours": "OUT-2026-00012", "theirs": ""},
    "requesting": {
        "state": "GB",
        "state_name": "United Kingdom",
        "authority": "UK Central Authority",
        "conducting_authority": "Serious Fraud Office",
    },
    "requested": {"state": "KE", "state_name": "Kenya", "authority": "Attorney General"},
    "legal_basis": None,
    "urgency": "urgent",
    "confidentiality": "confidential",
    "deadline": None,
    "subject": "Bribery of foreign public officials",
    "summary_of_facts": "Payments were routed through shell companies.",
    "purpose": "Evidence for the trial.",
    "procedure": "",
    "offences": [{"national_name": "Bribing a foreign public official"}],
    "persons": [{"role": "suspect", "name": "John Example"}],
    "measures": [{"kind": "records", "description": "Company register extracts", "details": {}}],
    "annexes": [],
    "signatory": {"name": "Claire Dubois", "title": "Head of unit"},
}

_EXECUTION: dict[str, Any] = {
    "summary": "The bank records have been obtained; the witness is summoned for 3 March.",
    "measures": [
        {"kind": "bank_records", "status": "executed", "note": ""},
        {"kind": "taking_evidence", "status": "in_execution", "note": "Hearing on 3 March."},
    ],
    "attachments": ["att-1"],
}

VALID: dict[str, dict[str, Any]] = {
    "request": {
        "request": DOCUMENT,
        "approval": {
            "version": 2,
            "document_sha256": "a" * 64,
            "finalised_by": "Ann Officer",
            "approved_by": "Bob Head",
            "approved_at": "2026-11-23T10:15:00+01:00",
        },
        "sender_reference": "OUT-2026-00012",
        "kind": "mla",
        "confidentiality": "confidential",
        "urgency": "urgent",
        "renderings": [
            {"part_id": "rendering-pdf", "format": "pdf", "language": "en"},
            {"part_id": "rendering-docx", "format": "docx", "language": "fr"},
        ],
        "attachments": ["annex1"],
    },
    "acknowledgement": {
        "receiver_reference": "AG/MLA/2026/77",
        "received_on": "2026-11-24",
        "note": "",
    },
    "info_request": {"questions": "Which accounts are meant?", "deadline": "2027-01-15"},
    "info_answer": {"answer": "The accounts listed in annex 2.", "attachments": ["annex-2"]},
    "consultation": {"considering": "postponement", "reason": "A domestic trial is pending."},
    "postponement": {"reason": "A domestic trial is pending.", "until": None},
    "execution_update": _EXECUTION,
    "execution_result": {
        **_EXECUTION,
        "evidence_items": [{"part_id": "ev-1", "description": "Statements of account 2021-2023"}],
    },
    "refusal": {
        "ground": "essential_interests",
        "article": "UNTOC art. 18(21)(b)",
        "reasons": "The measure would prejudice national security.",
    },
    "withdrawal": {"reason": "The proceedings were discontinued."},
    "status_request": {"note": ""},
    "status_answer": {"status": "in_execution", "note": "Witness hearing scheduled."},
    "costs_notice": {
        "description": "Expert accounting report",
        "amount": "1250.00",
        "currency": "EUR",
        "article": "UNTOC art. 18(28)",
    },
}

# A free-text (or reference) field of each action and its maximum length.
TEXT_FIELDS: list[tuple[str, str, int]] = [
    ("request", "sender_reference", 100),
    ("request", "approval/approved_by", 200),
    ("acknowledgement", "receiver_reference", 100),
    ("acknowledgement", "note", 5000),
    ("info_request", "questions", 20000),
    ("info_answer", "answer", 20000),
    ("consultation", "reason", 20000),
    ("postponement", "reason", 20000),
    ("execution_update", "summary", 20000),
    ("execution_update", "measures/1/note", 5000),
    ("execution_result", "evidence_items/0/description", 20000),
    ("refusal", "reasons", 20000),
    ("refusal", "article", 200),
    ("withdrawal", "reason", 20000),
    ("status_request", "note", 5000),
    ("status_answer", "note", 5000),
    ("costs_notice", "description", 20000),
]
# Texts that must say something.
REQUIRED_TEXTS: list[tuple[str, str]] = [
    ("request", "sender_reference"),
    ("request", "approval/finalised_by"),
    ("acknowledgement", "receiver_reference"),
    ("info_request", "questions"),
    ("info_answer", "answer"),
    ("consultation", "reason"),
    ("postponement", "reason"),
    ("execution_update", "summary"),
    ("execution_result", "summary"),
    ("execution_result", "evidence_items/0/description"),
    ("refusal", "reasons"),
    ("withdrawal", "reason"),
    ("costs_notice", "description"),
]
ENUM_FIELDS: list[tuple[str, str]] = [
    ("request", "kind"),
    ("request", "confidentiality"),
    ("request", "urgency"),
    ("request", "renderings/0/format"),
    ("consultation", "considering"),
    ("execution_update", "measures/0/kind"),
    ("execution_update", "measures/0/status"),
    ("execution_result", "measures/1/status"),
    ("refusal", "ground"),
    ("status_answer", "status"),
]
DATE_FIELDS: list[tuple[str, str]] = [
    ("request", "approval/approved_at"),
    ("acknowledgement", "received_on"),
    ("info_request", "deadline"),
    ("postponement", "until"),
]
# Every enum of every schema, by JSON pointer, and the vocabulary it must equal.
SCHEMA_ENUMS: dict[tuple[str, str], type[models.TextChoices] | list[str]] = {
    ("request", "/properties/kind"): CooperationKind,
    ("request", "/properties/confidentiality"): Confidentiality,
    ("request", "/properties/urgency"): Urgency,
    ("request", "/properties/renderings/items/properties/format"): ["pdf", "docx"],
    ("consultation", "/properties/considering"): ["refusal", "postponement"],
    ("execution_update", "/$defs/measure/properties/kind"): MeasureType,
    ("execution_update", "/$defs/measure/properties/status"): MeasureStatus,
    ("execution_result", "/$defs/measure/properties/kind"): MeasureType,
    ("execution_result", "/$defs/measure/properties/status"): MeasureStatus,
    ("refusal", "/properties/ground"): RefusalGround,
    ("status_answer", "/properties/status"): Status,
}
PROBLEM = re.compile(r"^(body|action)(/[^/: ][^: ]*)*: \S")


def valid(action: str) -> dict[str, Any]:
    return copy.deepcopy(VALID[action])


def put(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """``body`` with the value at the ``/``-separated ``path`` replaced by ``value``."""
    *parents, last = path.split("/")
    node: Any = body
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return body


def problems(action: str, body: Any) -> list[str]:
    with pytest.raises(BusinessDocumentError) as caught:
        validate_body(action, body)
    return caught.value.problems


def enums(node: Any, pointer: str = "") -> dict[str, list[Any]]:
    """Every ``enum`` in a schema, by the JSON pointer of the schema object holding it."""
    found: dict[str, list[Any]] = {}
    if isinstance(node, dict):
        if "enum" in node:
            found[pointer] = node["enum"]
        for key, value in node.items():
            found.update(enums(value, f"{pointer}/{key}"))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.update(enums(value, f"{pointer}/{index}"))
    return found


def test_actions_in_order_with_their_roles() -> None:
    """ACTIONS lists the thirteen actions in the order of a request's life, each with its role."""
    assert list(ACTIONS) == list(VALID)
    requester = {name for name, spec in ACTIONS.items() if spec.sender_role == "requester"}
    assert requester == {"request", "info_answer", "withdrawal", "status_request"}
    assert all(spec.name == name and str(spec.label) for name, spec in ACTIONS.items())
    assert ACTIONS["consultation"].article == "UNTOC art. 18(26)"


@pytest.mark.parametrize("action", list(ACTIONS))
def test_schema_is_published_draft_2020_12(action: str) -> None:
    """Each action's schema is a valid, closed Draft 2020-12 schema with its own $id."""
    loaded = schema(action)
    jsonschema.Draft202012Validator.check_schema(loaded)
    assert loaded["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert loaded["$id"].endswith("/exchange/" + ACTIONS[action].schema_file)
    assert loaded["additionalProperties"] is False
    assert sorted(loaded["required"]) == sorted(loaded["properties"])


def test_every_schema_file_belongs_to_an_action() -> None:
    """The schemas folder holds exactly one file per action."""
    files = {path.name for path in SCHEMA_DIR.glob("*.schema.json")}
    assert files == {spec.schema_file for spec in ACTIONS.values()}


def test_request_schema_refers_to_the_request_document() -> None:
    """The request body's schema refers to the drafting app's request document by its $id."""
    assert schema("request")["properties"]["request"]["$ref"] == request_schema()["$id"]


@pytest.mark.parametrize(("action", "pointer"), list(SCHEMA_ENUMS))
def test_schema_enums_equal_the_vocabularies(action: str, pointer: str) -> None:
    """Each enum written into a schema equals the current TextChoices values (no drift)."""
    expected = SCHEMA_ENUMS[action, pointer]
    values = expected if isinstance(expected, list) else list(expected.values)
    assert enums(schema(action))[pointer] == values


def test_every_schema_enum_is_checked_for_drift() -> None:
    """No schema has an enum that the drift test does not know about."""
    found = {(action, pointer) for action in ACTIONS for pointer in enums(schema(action))}
    assert found == set(SCHEMA_ENUMS)


@pytest.mark.parametrize("action", list(ACTIONS))
def test_valid_body_passes(action: str) -> None:
    """A valid body of each action passes and is returned as is."""
    body = valid(action)
    assert validate_body(action, body) is body


def test_valid_alternatives_pass() -> None:
    """Null dates, empty lists and other optional values are accepted."""
    validate_body("info_request", {"questions": "Which accounts?", "deadline": None})
    validate_body("postponement", {"reason": "Trial pending.", "until": "2027-06-30"})
    validate_body("info_answer", {"answer": "See the request.", "attachments": []})
    validate_body("request", put(valid("request"), "renderings", []))
    validate_body("costs_notice", put(valid("costs_notice"), "amount", "7"))
    validate_body("request", put(valid("request"), "approval/approved_at", "2026-11-23T09:15:00Z"))


@pytest.mark.parametrize("action", list(ACTIONS))
def test_missing_required_field_is_refused(action: str) -> None:
    """Each field of a body is required; leaving one out is a problem at the body."""
    for field in schema(action)["required"]:
        body = valid(action)
        del body[field]
        assert problems(action, body) == [f"body: '{field}' is a required property"]


@pytest.mark.parametrize("action", list(ACTIONS))
def test_extra_field_is_refused(action: str) -> None:
    """A field the schema does not know is refused."""
    body = put(valid(action), "comment", "hello")
    assert problems(action, body) == [
        "body: Additional properties are not allowed ('comment' was unexpected)"
    ]


def test_extra_field_in_a_nested_object_is_refused() -> None:
    """Nested objects are closed too."""
    body = put(valid("execution_result"), "evidence_items/0/hash", "x")
    assert problems("execution_result", body) == [
        "body/evidence_items/0: Additional properties are not allowed ('hash' was unexpected)"
    ]


@pytest.mark.parametrize(("action", "path"), ENUM_FIELDS)
def test_wrong_enum_value_is_refused(action: str, path: str) -> None:
    """A value outside the vocabulary is refused at its path."""
    (problem,) = problems(action, put(valid(action), path, "nonsense"))
    assert problem.startswith(f"body/{path}: 'nonsense' is not one of [")


@pytest.mark.parametrize(("action", "path"), REQUIRED_TEXTS)
@pytest.mark.parametrize("empty", ["", "  \n\t"])
def test_empty_required_text_is_refused(action: str, path: str, empty: str) -> None:
    """A required text that is empty or only white space is refused."""
    assert problems(action, put(valid(action), path, empty)) == [f"body/{path}: must not be empty"]


@pytest.mark.parametrize(("action", "path", "limit"), TEXT_FIELDS)
def test_nul_character_is_refused(action: str, path: str, limit: int) -> None:
    """A string containing a NUL character is refused."""
    assert problems(action, put(valid(action), path, "before\x00after")) == [
        f"body/{path}: contains a NUL character"
    ]


@pytest.mark.parametrize(("action", "path", "limit"), TEXT_FIELDS)
def test_over_long_text_is_refused(action: str, path: str, limit: int) -> None:
    """A text one character over its limit is refused; one at the limit passes."""
    validate_body(action, put(valid(action), path, "x" * limit))
    assert problems(action, put(valid(action), path, "x" * (limit + 1))) == [
        f"body/{path}: longer than {limit} characters"
    ]


@pytest.mark.parametrize(("action", "path"), DATE_FIELDS)
@pytest.mark.parametrize("value", ["2026-02-30", "23/11/2026", "20261123", "tomorrow"])
def test_wrong_date_is_refused(action: str, path: str, value: str) -> None:
    """A date or date-time that is malformed or impossible is refused at its path."""
    found = problems(action, put(valid(action), path, value))
    assert found
    assert all(problem.startswith(f"body/{path}: ") for problem in found)


@pytest.mark.parametrize(
    "value",
    ["2026-11-23T10:15:00", "2026-11-23 10:15:00+01:00", "2026-11-23T25:00:00Z", "2026-11-23"],
)
def test_date_time_needs_a_valid_rfc_3339_value(value: str) -> None:
    """approved_at must be an RFC 3339 date-time with an offset."""
    found = problems("request", put(valid("request"), "approval/approved_at", value))
    assert found
    assert all(problem.startswith("body/approval/approved_at: ") for problem in found)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("approval/version", 0),
        ("approval/version", True),
        ("approval/version", "2"),
        ("approval/document_sha256", "A" * 64),
        ("approval/document_sha256", "a" * 63),
        ("renderings/0/language", "English"),
        ("renderings/0/part_id", "../etc/passwd"),
    ],
)
def test_request_approval_and_renderings_are_checked(path: str, value: Any) -> None:
    """Version, digest, language tag and part id of a request body have their shapes."""
    (problem,) = problems("request", put(valid("request"), path, value))
    assert problem.startswith(f"body/{path}: ")


@pytest.mark.parametrize(
    ("path", "value"),
    [("amount", "1,250.00"), ("amount", "-5"), ("amount", "01"), ("currency", "eur")],
)
def test_costs_amount_and_currency_are_checked(path: str, value: str) -> None:
    """The amount is a plain decimal string and the currency an ISO 4217 code."""
    (problem,) = problems("costs_notice", put(valid("costs_notice"), path, value))
    assert problem.startswith(f"body/{path}: ")


def test_embedded_request_document_is_checked_by_the_drafting_validator() -> None:
    """Problems of the embedded request document are reported under body/request/."""
    body = valid("request")
    put(body, "request/date", "2026-02-30")
    put(body, "request/persons/0/role", "nonsense")
    del body["request"]["subject"]
    put(body, "sender_reference", "")
    found = problems("request", body)
    assert found[0] == "body/request: 'subject' is a required property"
    assert found[1].startswith("body/request/date: ")
    assert found[2].startswith("body/request/persons/0/role: ")
    assert found[3] == "body/sender_reference: must not be empty"
    assert len(found) == 4


def test_embedded_request_document_without_nul_characters() -> None:
    """A NUL character anywhere in the embedded request document is refused."""
    body = put(valid("request"), "request/offences/0/national_name", "Fraud\x00")
    assert problems("request", body) == [
        "body/request/offences/0/national_name: contains a NUL character"
    ]


def test_embedded_request_must_be_an_object() -> None:
    """A request body whose document is not an object is refused at body/request."""
    (problem,) = problems("request", put(valid("request"), "request", "a letter"))
    assert problem.startswith("body/request: 'a letter' is not of type 'object'")


def test_unknown_action_is_refused() -> None:
    """An action that does not exist is refused, whatever the body."""
    assert problems("reminder", {}) == ["action: unknown action 'reminder'"]
    with pytest.raises(BusinessDocumentError):
        schema("reminder")
    with pytest.raises(BusinessDocumentError):
        part_ids("reminder", {})


@pytest.mark.parametrize("body", [None, [], "withdrawn", 3, [{"reason": "x"}]])
def test_non_object_body_is_refused(body: Any) -> None:
    """A body that is not a JSON object is refused with a single problem at the body."""
    (problem,) = problems("withdrawal", body)
    assert problem.startswith("body: must be a JSON object, not ")


def test_problems_are_collected_and_sorted_by_path() -> None:
    """All problems are reported at once, sorted by their path."""
    body = {
        "summary": "",
        "measures": [{"kind": "x", "status": "executed", "note": "\x00"}],
        "attachments": ["a", "a"],
        "extra": 1,
    }
    found = problems("execution_result", body)
    assert found == [
        "body: 'evidence_items' is a required property",
        "body: Additional properties are not allowed ('extra' was unexpected)",
        "body/attachments: has repeated items",
        found[3],
        "body/measures/0/note: contains a NUL character",
        "body/summary: must not be empty",
    ]
    assert found[3].startswith("body/measures/0/kind: 'x' is not one of [")


def test_problem_messages_do_not_copy_long_values() -> None:
    """A problem quotes at most a short prefix of an over-long or wrong value."""
    body = put(valid("status_answer"), "status", "y" * 10000)
    (problem,) = problems("status_answer", body)
    assert len(problem) < 600


@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_problem_names_its_path(action: str) -> None:
    """Each problem of a thoroughly broken body starts with its JSON path under body/."""
    body = valid(action)
    for key in list(body):
        body[key] = {"broken": "\x00" * 3} if isinstance(body[key], str) else "\x00"
    body["unexpected"] = None
    found = problems(action, body)
    assert len(found) >= len(schema(action)["required"])
    for problem in found:
        assert PROBLEM.match(problem), problem


def test_part_ids_collects_renderings_attachments_and_evidence() -> None:
    """part_ids returns every part a body refers to, and none for actions without parts."""
    assert part_ids("request", valid("request")) == {"rendering-pdf", "rendering-docx", "annex1"}
    assert part_ids("info_answer", valid("info_answer")) == {"annex-2"}
    assert part_ids("execution_update", valid("execution_update")) == {"att-1"}
    assert part_ids("execution_result", valid("execution_result")) == {"att-1", "ev-1"}
    assert part_ids("refusal", valid("refusal")) == set()


def test_summary_is_one_short_line() -> None:
    """summary() gives the action's main text on one line of at most 200 characters."""
    assert set(SUMMARY_FIELD) == set(ACTIONS)
    assert summary("withdrawal", valid("withdrawal")) == "The proceedings were discontinued."
    assert summary("request", valid("request")) == "OUT-2026-00012"
    assert summary("costs_notice", valid("costs_notice")) == "1250.00 EUR: Expert accounting report"
    long = summary("info_request", {"questions": "Why?\n" * 100, "deadline": None})
    assert len(long) == 200
    assert "\n" not in long
    assert long.endswith("…")
    assert summary("status_request", {"note": ""}) == ""


def test_schemas_are_plain_json_files() -> None:
    """Schema files are UTF-8 JSON with two-space indentation, as the request schema."""
    for spec in ACTIONS.values():
        text = (SCHEMA_DIR / spec.schema_file).read_text(encoding="utf-8")
        assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
