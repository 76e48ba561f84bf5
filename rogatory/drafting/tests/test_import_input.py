"""A hostile request document at the writer's import: a clear refusal, nothing created
(decision 0021). The same check (``cases.validation``) serves the API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.audit.models import AuditEntry
from rogatory.cases.models import Case
from rogatory.drafting.actions import reference_problems
from rogatory.drafting.document import build_document, load_document

from .test_document import _outgoing

pytestmark = pytest.mark.django_db


def document(personas: Personas) -> dict[str, Any]:
    built = build_document(_outgoing(personas), language="en")
    Case.objects.all().delete()
    return json.loads(json.dumps(built))


def upload(client: Client, personas: Personas, content: bytes) -> str:
    client.force_login(personas.officer)
    before = (Case.objects.count(), AuditEntry.objects.count())
    response = client.post(
        reverse("drafting_import"), {"file": SimpleUploadedFile("r.json", content)}
    )
    assert response.status_code == 400, response.status_code
    assert (Case.objects.count(), AuditEntry.objects.count()) == before
    return response.content.decode()


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"[" * 5000 + b"]" * 5000, "nested more than"),
        (b'{"subject": "\\ud800"}', "U+D800"),
        (b'{"subject": "a\\u0000b"}', "U+0000"),
        (b"[1e999]", "too large"),
    ],
)
def test_hostile_json_is_refused_before_it_is_validated(
    client: Client, personas: Personas, raw: bytes, words: str
) -> None:
    assert words in upload(client, personas, raw)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d.update(subject="x" * 100_000), "subject: At most 300 characters"),
        (lambda d: d["reference"].update(ours="R" * 200), "reference/ours: At most 60"),
        (lambda d: d["requested"].update(authority="A" * 301), "requested/authority: At most"),
        (lambda d: d.update(deadline="9999-12-31"), "deadline: Give a date between"),
        (lambda d: d["persons"][0].update(name="a\x01b"), "(U+0001)"),
        (lambda d: d["signatory"].update(name="S" * 201), "signatory/name: At most 200"),
        (lambda d: d.update(written_in="en" + "-abcdefgh" * 3), "written_in: At most 10"),
    ],
)
def test_every_value_is_checked_against_its_column(
    client: Client, personas: Personas, change: Any, where: str
) -> None:
    data = document(personas)
    change(data)
    page = upload(client, personas, json.dumps(data).encode())
    assert where in page


def test_an_empty_nationality_imports_as_none(client: Client, personas: Personas) -> None:
    data = document(personas)
    data["persons"][0]["nationality"] = ""
    client.force_login(personas.officer)
    response = client.post(
        reverse("drafting_import"),
        {"file": SimpleUploadedFile("r.json", json.dumps(data).encode())},
    )
    assert response.status_code == 302
    assert Case.objects.get().persons.get().nationality_id is None


def test_a_received_request_is_checked_the_same_way(personas: Personas) -> None:
    """The exchange checks a received request with ``reference_problems``: lengths and dates
    too, not only codes."""
    data = document(personas)
    data["subject"] = "x" * 301
    data["persons"][0]["nationality"] = "QQ"
    problems = reference_problems(load_document(data))
    assert [p.split(":")[0] for p in problems] == ["subject", "persons/0/nationality"]


def test_a_received_requesting_authority_too_long_is_refused_not_cut(personas: Personas) -> None:
    """The requested side registers the requesting authority's name as sent: one too long for
    the register is a problem on receipt (the partner is told), never cut short on filing."""
    data = document(personas)
    data["requesting"]["authority"] = "Ministère " * 40
    problems = reference_problems(load_document(data))
    assert [p.split(":")[0] for p in problems] == ["requesting/authority"]
