"""Orders about to lapse: a reminder for the officer and the supervisors, shown and e-mailed."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.cases.models import Reminder
from rogatory.cases.reminders import collect_reminders

from .conftest import MakeAsset, MakeCase

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)  # a Monday


def test_an_order_about_to_lapse_is_reminded(
    personas: Personas, make_case: MakeCase, make_asset: MakeAsset
) -> None:
    """Within remind_before working days (default) of the expiry: reminded; later orders and
    released assets are not; running twice adds nothing."""
    case = make_case(
        our_reference="IN-ASSET",
        officer_id=personas.officer.pk,
        received_on=datetime.date(2026, 11, 20),
        deadline=datetime.date(2027, 6, 1),
    )
    soon = make_asset(
        case=case,
        steps=[
            (
                "freeze",
                datetime.date(2026, 5, 25),
                {"ordering_authority": "Court", "expires_on": datetime.date(2026, 11, 25)},
            )
        ],
    )
    make_asset(
        case=case,
        steps=[
            (
                "freeze",
                datetime.date(2026, 5, 25),
                {"ordering_authority": "Court", "expires_on": datetime.date(2027, 5, 25)},
            )
        ],
    )
    collect_reminders(TODAY)
    reminders = Reminder.objects.filter(kind=Reminder.Kind.ASSET_ORDER_EXPIRING)
    assert {(r.user_id, r.item, r.due_on) for r in reminders} == {
        (personas.officer.pk, str(soon.public_id), datetime.date(2026, 11, 25)),
        (personas.supervisor.pk, str(soon.public_id), datetime.date(2026, 11, 25)),
    }
    assert collect_reminders(TODAY) == 0

    client = Client()
    client.force_login(personas.officer)
    page = client.get(reverse("case_reminders"))
    assert "Asset order about to lapse" in page.content.decode()


def test_a_released_asset_is_not_reminded(
    personas: Personas, make_case: MakeCase, make_asset: MakeAsset
) -> None:
    case = make_case(deadline=datetime.date(2027, 6, 1), received_on=datetime.date(2026, 11, 20))
    make_asset(
        case=case,
        steps=[
            (
                "freeze",
                datetime.date(2026, 5, 25),
                {"ordering_authority": "Court", "expires_on": datetime.date(2026, 11, 24)},
            ),
            ("release", datetime.date(2026, 11, 1), {"note": "Lifted"}),
        ],
    )
    collect_reminders(TODAY)
    assert not Reminder.objects.filter(kind=Reminder.Kind.ASSET_ORDER_EXPIRING).exists()
