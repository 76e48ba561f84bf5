"""The Notifications page of one's account, and the language chosen there."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, Personas
from rogatory.audit.models import AuditEntry
from rogatory.notifications.models import DEFAULTS, Delivery, Event, NotificationPreference

pytestmark = pytest.mark.django_db
URL = "/accounts/notifications/"


def _form(**changes: str) -> dict[str, str]:
    return {"language": "", **DEFAULTS, **changes}


def test_the_page_shows_the_defaults_and_saves_a_choice(client: Client, personas: Personas) -> None:
    """Signed in, one sees one's settings, changes one, and it is kept with an audit entry."""
    assert reverse("account_notifications") == URL
    client.force_login(personas.supervisor)  # a read-only role still chooses its e-mails
    page = client.get(URL).content.decode()
    assert 'name="approval_requested"' in page and 'name="overdue"' in page
    response = client.post(
        URL, _form(overdue=Delivery.AT_ONCE, approval_requested=Delivery.DIGEST, language="fr")
    )
    assert response.status_code == 302 and response["Location"] == URL
    chosen = dict(
        NotificationPreference.objects.filter(user=personas.supervisor).values_list(
            "event", "delivery"
        )
    )
    assert chosen == {Event.OVERDUE: Delivery.AT_ONCE, Event.APPROVAL_REQUESTED: Delivery.DIGEST}
    personas.supervisor.refresh_from_db()
    assert personas.supervisor.language == "fr"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    entry = AuditEntry.objects.filter(action="account.notifications_changed").get()
    assert entry.details["changes"]["overdue"] == [Delivery.DIGEST, Delivery.AT_ONCE]
    # Back to the default: no row kept; saving unchanged writes no entry.
    client.post(URL, _form(language="fr"))
    assert not NotificationPreference.objects.filter(user=personas.supervisor).exists()
    client.post(URL, _form(language="fr"))
    assert AuditEntry.objects.filter(action="account.notifications_changed").count() == 2


def test_only_one_s_own_settings(client: Client, personas: Personas) -> None:
    """The page has no one else's settings to reach: a post changes the poster's only."""
    client.force_login(personas.outsider)
    client.post(URL, _form(overdue=Delivery.NONE, user=str(personas.officer.public_id)))
    assert not NotificationPreference.objects.filter(user=personas.officer).exists()
    assert NotificationPreference.objects.filter(user=personas.outsider).count() == 1


def test_bad_input_is_refused_and_changes_nothing(client: Client, personas: Personas) -> None:
    """An unknown delivery or language gets the form back with its error, not a 500."""
    client.force_login(personas.officer)
    response = client.post(URL, _form(overdue="carrier-pigeon", language="xx"))
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not NotificationPreference.objects.exists()
    personas.officer.refresh_from_db()
    assert personas.officer.language == ""


def test_anonymous_and_csrf(personas: Personas) -> None:
    """Anonymous visitors are sent to sign in; a post without the CSRF token is refused."""
    anonymous = Client()
    assert anonymous.get(URL).status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(personas.officer)
    assert strict.post(URL, _form(overdue=Delivery.NONE)).status_code == 403
    assert not NotificationPreference.objects.exists()


def test_the_chosen_language_is_the_interface_s_at_sign_in(
    client: Client, personas: Personas
) -> None:
    """Signing in sets the interface language the user chose; without a choice, none is
    forced and the switcher's stays."""
    personas.officer.language = "fr"
    personas.officer.save(update_fields=["language"])
    response = client.post(
        reverse("login"), {"username": personas.officer.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    page = client.get(URL).content.decode()
    assert 'lang="fr"' in page

    other = Client()
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = other.post(
        reverse("login"), {"username": personas.supervisor.username, "password": PASSWORD}
    )
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert 'lang="es"' in other.get(URL).content.decode()
