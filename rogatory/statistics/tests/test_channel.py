"""The channel of a request: asked by the forms, given and taken by the API, exported."""

from __future__ import annotations

import datetime

from django.test import Client

from conftest import Personas
from rogatory.cases.choices import Channel, Direction
from rogatory.cases.exports import export_rows, header
from rogatory.cases.forms import CaseForm
from rogatory.cases.models import Case
from rogatory.cases.tests.conftest import MakeCase
from rogatory.cases.tests.test_api import URL, bearer, locs, new_case, post


def test_a_new_request_goes_between_central_authorities(make_case: MakeCase) -> None:
    assert make_case().channel == Channel.CENTRAL_AUTHORITIES


def test_the_registration_and_edit_forms_ask_for_the_channel(
    make_case: MakeCase, personas: Personas
) -> None:
    new = CaseForm(authority=personas.authority_a, direction=Direction.INCOMING)
    assert "channel" in new.fields
    edit = CaseForm(
        instance=make_case(), authority=personas.authority_a, direction=Direction.INCOMING
    )
    assert edit.initial["channel"] == Channel.CENTRAL_AUTHORITIES


def test_the_api_takes_and_gives_the_channel(client: Client, personas: Personas) -> None:
    auth = bearer(personas.officer)
    response = post(client, URL, new_case(channel="diplomatic"), auth)
    assert response.status_code == 201, response.content
    assert response.json()["channel"] == "diplomatic"
    assert Case.objects.get(public_id=response.json()["id"]).channel == Channel.DIPLOMATIC
    assert locs(post(client, URL, new_case(channel="pigeon"), auth)) == [
        ["body", "payload", "channel"]
    ]


def test_the_case_export_has_the_channel(make_case: MakeCase) -> None:
    make_case(channel=Channel.INTERPOL)
    assert header()[-1] == "Channel"
    rows = list(
        export_rows(
            Case.objects.select_related("counterpart_state", "officer"), datetime.date.today()
        )
    )
    assert rows[0][-1] == "INTERPOL"
