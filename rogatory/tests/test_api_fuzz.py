"""A bounded fuzzing run of the JSON API: schemathesis generates requests from the OpenAPI
schema at /api/v1/openapi.json, valid and invalid, with an officer's token; no answer may be a
server error (decision 0021). CI runs it on SQLite and on PostgreSQL, where a NUL byte or an
overlong value once made 25 of 6,552 generated calls a 500.

Bounded: ``FUZZ_EXAMPLES`` examples per operation (default 25, about two minutes on these
machines); the examples are derandomised, so a run is repeatable — set ``FUZZ_SEED`` to explore
other inputs. Run it alone with ``pytest -m fuzz``.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, seed, settings
from schemathesis.checks import not_a_server_error

from conftest import Personas
from rogatory.accounts.actions import do_create_token
from rogatory.api import api
from rogatory.cases.actions import do_register_case
from rogatory.cases.choices import Direction

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
SEED = int(os.environ.get("FUZZ_SEED", "0"))


# The schema the server publishes at /api/v1/openapi.json (built here, so collecting this
# module makes no request); calls are made in-process (WSGI).
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))
schema.app = WSGIHandler()
TOKEN: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _officer_token(personas: Personas, settings: Any) -> Iterator[None]:
    """An officer's token, not rate-limited (a 429 would hide what the call does); and, like
    Django's test client, the database connection kept open between requests, so every call
    runs inside the test's transaction and leaves nothing."""
    settings.API_RATE_LIMIT_PER_MINUTE = 1_000_000
    settings.API_ANONYMOUS_RATE_LIMIT_PER_MINUTE = 1_000_000
    if connection.vendor == "postgresql":
        # Foreign keys checked at each statement, as a real request's commit would: inside the
        # test's transaction a violation would otherwise surface only at teardown.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    _token, TOKEN["secret"] = do_create_token(personas.officer, name="fuzz")
    TOKEN["case"] = str(
        do_register_case(
            personas.authority_a,
            direction=Direction.INCOMING,
            fields={"kind": "mla", "subject": "Fuzzed", "requesting_state_id": "KE"},
            acting_user=personas.officer,
        ).public_id
    )
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@seed(SEED)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("FUZZ_SEED"),
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_generated_call_is_a_server_error(case: Any) -> None:
    _steer(case)
    token = {"Authorization": f"Bearer {TOKEN['secret']}"}
    case.call_and_validate(headers=token, checks=[not_a_server_error])


def _steer(case: Any) -> None:
    """Send half of the generated calls where they get past the lookups: random codes are
    almost never a known state, treaty or username, random ids never a case of ours, so
    without this the registration and a case's pages would only ever answer 422 and 404."""
    if zlib.crc32(repr((case.body, case.path_parameters, case.query)).encode()) % 2:
        return
    if case.path_parameters and "public_id" in case.path_parameters and "/cases/" in case.path:
        case.path_parameters["public_id"] = TOKEN["case"]
    if case.method == "POST" and case.path == "/api/v1/cases" and isinstance(case.body, dict):
        body = case.body
        incoming = body.get("direction") == "incoming"
        body["requesting_state"] = "KE" if incoming else None
        body["requested_state"] = None if incoming else "KE"
        body.update(officer=None, legal_basis=None)
        for offence in body.get("offences") or []:
            if isinstance(offence, dict):
                offence["iccs"] = None
        for person in body.get("persons") or []:
            if isinstance(person, dict) and person.get("nationality"):
                person["nationality"] = "KE"
