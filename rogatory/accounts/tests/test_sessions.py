"""Sessions: the idle timeout, the list of one's sessions, and their end after a reset."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from conftest import PASSWORD, Personas
from rogatory.accounts.models import UserSession
from rogatory.accounts.security import session_handle
from rogatory.accounts.security_views import describe_user_agent
from rogatory.accounts.session_store import LAST_ACTIVITY_KEY
from rogatory.accounts.signals import credentials_reset
from rogatory.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


def sign_in(user: Any, agent: str = FIREFOX, address: str = "192.0.2.10") -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def set_last_activity(client: Client, seconds_ago: float) -> None:
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time() - seconds_ago)
    session.save()


@override_settings(SESSION_IDLE_TIMEOUT=600)
def test_a_session_unused_past_the_idle_timeout_ends(personas: Personas) -> None:
    client = sign_in(personas.officer)
    set_last_activity(client, 599)
    assert client.get(reverse("authority_list")).status_code == 200
    set_last_activity(client, 601)
    response = client.get(reverse("authority_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("authority_list")).status_code == 302


def test_the_last_activity_is_written_at_most_once_a_minute(personas: Personas) -> None:
    client = sign_in(personas.officer)
    set_last_activity(client, 30)
    before = client.session[LAST_ACTIVITY_KEY]
    client.get(reverse("authority_list"))
    assert client.session[LAST_ACTIVITY_KEY] == before
    set_last_activity(client, 61)
    client.get(reverse("authority_list"))
    assert client.session[LAST_ACTIVITY_KEY] > before


def test_sessions_know_their_user_browser_and_address(personas: Personas) -> None:
    sign_in(personas.officer, FIREFOX, "192.0.2.10")
    sign_in(personas.officer, CHROME_ANDROID, "198.51.100.7")
    rows = UserSession.objects.filter(user=personas.officer)
    assert {(r.ip_address, r.user_agent) for r in rows} == {
        ("192.0.2.10", FIREFOX),
        ("198.51.100.7", CHROME_ANDROID),
    }
    assert all(r.last_activity is not None for r in rows)


def test_the_sessions_page_lists_them_and_ends_one(personas: Personas) -> None:
    laptop = sign_in(personas.officer, FIREFOX, "192.0.2.10")
    phone = sign_in(personas.officer, CHROME_ANDROID, "198.51.100.7")
    sign_in(personas.supervisor)  # someone else's session is not listed
    page = laptop.get(reverse("session_list")).content.decode()
    assert "Firefox on Windows" in page and "Chrome on Android" in page
    assert "198.51.100.7" in page and page.count('data-testid="session-row"') == 2
    # Session keys never appear on the page.
    for session in UserSession.objects.all():
        assert session.session_key not in page
    phone_key = phone.session.session_key
    response = laptop.post(reverse("session_list"), {"session": session_handle(str(phone_key))})
    assert response.status_code == 302
    assert phone.get(reverse("authority_list")).status_code == 302
    assert laptop.get(reverse("authority_list")).status_code == 200
    assert AuditEntry.objects.get(action="security.sessions_ended").details == {"count": 1}


def test_ending_all_other_sessions_keeps_this_one_and_others_users(personas: Personas) -> None:
    laptop = sign_in(personas.officer)
    phone = sign_in(personas.officer, CHROME_ANDROID)
    tablet = sign_in(personas.officer, CHROME_ANDROID)
    colleague = sign_in(personas.supervisor)
    laptop.post(reverse("session_list"), {"session": "others"})
    assert laptop.get(reverse("authority_list")).status_code == 200
    assert phone.get(reverse("authority_list")).status_code == 302
    assert tablet.get(reverse("authority_list")).status_code == 302
    assert colleague.get(reverse("authority_list")).status_code == 200


def test_a_handle_of_someone_elses_session_ends_nothing(personas: Personas) -> None:
    mine = sign_in(personas.officer)
    theirs = sign_in(personas.supervisor)
    mine.post(reverse("session_list"), {"session": session_handle(str(theirs.session.session_key))})
    assert theirs.get(reverse("authority_list")).status_code == 200


def test_a_reset_by_someone_else_ends_every_session_a_change_by_oneself_does_not(
    personas: Personas,
) -> None:
    client = sign_in(personas.officer)
    credentials_reset.send(
        sender=None, user=personas.officer, acting_user=personas.officer, what="mfa"
    )
    assert client.get(reverse("authority_list")).status_code == 200
    credentials_reset.send(
        sender=None, user=personas.officer, acting_user=personas.authority_admin, what="mfa"
    )
    assert client.get(reverse("authority_list")).status_code == 302


def test_a_password_change_ends_the_other_sessions_is_audited_and_told(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    here = sign_in(personas.officer)
    elsewhere = sign_in(personas.officer, CHROME_ANDROID)
    new = "Unusual-horse-battery-2026-staple"
    with django_capture_on_commit_callbacks(execute=True):
        response = here.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        )
    assert response.status_code == 302, response.content
    assert here.get(reverse("authority_list")).status_code == 200
    assert elsewhere.get(reverse("authority_list")).status_code == 302
    assert UserSession.objects.filter(user=personas.officer).count() == 1
    assert AuditEntry.objects.filter(action="security.password_changed").count() == 1
    assert mail.outbox[-1].to == [personas.officer.email]
    assert "password of your account was changed" in mail.outbox[-1].body


def test_a_password_reset_by_link_ends_every_session_and_is_audited(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    signed_in = sign_in(personas.officer)
    anonymous = Client()
    with django_capture_on_commit_callbacks(execute=True):
        anonymous.post(reverse("password_reset"), {"email": personas.officer.email})
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/reset/" in line)
    form = anonymous.get(link.replace("http://testserver", ""), follow=True)
    new = "Unusual-horse-battery-2026-staple"
    with django_capture_on_commit_callbacks(execute=True):
        done = anonymous.post(
            form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
        )
    assert done.status_code == 302
    assert signed_in.get(reverse("authority_list")).status_code == 302
    assert not UserSession.objects.filter(user=personas.officer).exists()
    entry = AuditEntry.objects.get(action="security.password_reset")
    assert entry.object_ref == str(personas.officer.public_id)
    assert "reset through a link" in mail.outbox[-1].body


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        (FIREFOX, "Firefox on Windows"),
        (CHROME_ANDROID, "Chrome on Android"),
        ("curl/8.5.0", "Unknown browser"),
        ("", "Unknown browser"),
    ],
)
def test_user_agents_are_named_for_people(agent: str, expected: str) -> None:
    assert describe_user_agent(agent) == expected
