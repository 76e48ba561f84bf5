"""Impossible dates are refused on every path: the form, the lifecycle's dated steps, the API
and the request-document import share one list of rules (cases.validation.DATE_ORDER)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Personas
from rogatory.cases.actions import do_register_case, do_transition
from rogatory.cases.choices import Direction
from rogatory.cases.lifecycle import TransitionRefused
from rogatory.cases.models import Case
from rogatory.cases.validation import CaseContent, ContentRefused, clean_case_content

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def incoming(personas: Personas, received: datetime.date) -> Case:
    return do_register_case(
        personas.authority_a,
        direction=Direction.INCOMING,
        fields={
            "kind": "mla",
            "requesting_state_id": "KE",
            "subject": "Phone records",
            "received_on": received,
        },
        acting_user=personas.officer,
    )


def test_acknowledging_before_receipt_is_refused(personas: Personas) -> None:
    case = incoming(personas, TODAY - datetime.timedelta(days=3))
    with pytest.raises(TransitionRefused, match="before the request arrived"):
        do_transition(
            case,
            "acknowledge",
            acting_user=personas.officer,
            on=TODAY - datetime.timedelta(days=10),
        )
    case.refresh_from_db()
    assert case.acknowledged_on is None
    do_transition(case, "acknowledge", acting_user=personas.officer, on=TODAY)
    case.refresh_from_db()
    assert case.acknowledged_on == TODAY


def test_the_form_refuses_a_future_receipt_and_a_deadline_before_it(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.officer)
    url = reverse("case_register", args=["incoming"])
    future = TODAY + datetime.timedelta(days=30)
    data = {
        "counterpart": "KE",
        "kind": "mla",
        "subject": "Phone records",
        "received_on": future.isoformat(),
        "urgency": "normal",
        "confidentiality": "standard",
    }
    response = client.post(url, data)
    assert response.status_code in (200, 400)
    assert "This date is in the future." in response.content.decode()
    data["received_on"] = TODAY.isoformat()
    data["deadline"] = (TODAY - datetime.timedelta(days=1)).isoformat()
    response = client.post(url, data)
    assert "The deadline cannot come before the request arrived." in response.content.decode()
    assert not Case.objects.filter(subject="Phone records").exists()


def test_the_shared_content_check_refuses_the_same(personas: Personas) -> None:
    """What the API, the import and received requests go through."""
    content = CaseContent(
        fields={
            "received_on": TODAY,
            "acknowledged_on": TODAY - datetime.timedelta(days=2),
        },
        measures=[
            {
                "kind": "bank_records",
                "description": "Statements",
                "details": {"period_from": "2024-12-31", "period_to": "2022-01-01"},
            }
        ],
    )
    with pytest.raises(ContentRefused) as refused:
        clean_case_content(content)
    paths = {problem.path for problem in refused.value.problems}
    assert ("acknowledged_on",) in paths
    assert ("measures", 0, "details", "period_to") in paths
