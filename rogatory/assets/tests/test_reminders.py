"""Orders about to lapse: a reminder for the officer and the supervisors, shown and e-mailed."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.cases.choices import Status
from rogatory.cases.models import Case, Reminder
from rogatory.cases.reminders import collect_reminders
from rogatory.notifications.digest import send_digests
from rogatory.notifications.models import Digest, Event

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


def test_an_order_on_a_closed_request_is_in_the_digest(
    personas: Personas, make_case: MakeCase, make_asset: MakeAsset
) -> None:
    """The daily run finds an order about to lapse on an asset of a closed request though the
    authority has no open request left, and the digest counts it (a line of its own); the
    settings page offers the event."""
    case = make_case(officer_id=personas.officer.pk, received_on=datetime.date(2026, 11, 20))
    make_asset(
        case=case,
        steps=[
            (
                "freeze",
                datetime.date(2026, 5, 25),
                {"ordering_authority": "Court", "expires_on": datetime.date(2026, 11, 25)},
            )
        ],
    )
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    assert not Case.objects.filter(authority=case.authority).open().exists()
    with time_machine.travel(datetime.datetime(2026, 11, 23, 6, 0, tzinfo=datetime.UTC)):
        run = send_digests(TODAY)
    assert run.reminders_created == 2  # the officer and the supervisor
    officer_mail = [m for m in mail.outbox if m.to == [personas.officer.email]]
    assert len(officer_mail) == 1
    assert "1 freezing or seizure order is about to lapse or has lapsed." in officer_mail[0].body
    digest = Digest.objects.get(user=personas.officer)
    assert digest.counts == {Event.ASSET_ORDER_EXPIRING: 1}

    client = Client()
    client.force_login(personas.officer)
    settings_page = client.get(reverse("account_notifications")).content.decode()
    assert "Reminder: a freezing or seizure order is about to lapse" in settings_page
