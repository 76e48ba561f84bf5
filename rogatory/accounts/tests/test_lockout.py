"""Login lock-out (django-axes): wrong passwords lock an account from one address, with a clear
page and three ways out (time, a new password, an administrator); the reset mail is limited."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client, RequestFactory
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, Personas
from rogatory.accounts.models import User
from rogatory.accounts.throttle import client_ip, is_locked_out
from rogatory.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"
OFFICE = "198.51.100.20"


def attempt(client: Client, url: str, username: str, password: str, ip: str = ATTACKER):
    return client.post(
        url, {"username": username, "password": password}, REMOTE_ADDR=ip, follow=False
    )


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_fifty_wrong_passwords_then_the_right_one_is_refused(
    client: Client, personas: Personas
) -> None:
    """The probe's attack: 50 wrong passwords, then the right one is refused with the page."""
    url = reverse("login")
    statuses = [attempt(client, url, "officer_a", f"wrong-{n}").status_code for n in range(50)]
    # The first ones are ordinary form errors; from the limit on, the lock-out page.
    assert statuses[0] == 200 and statuses[-1] == 429
    assert statuses.index(429) == 9  # AXES_FAILURE_LIMIT = 10
    response = attempt(client, url, "officer_a", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    page = response.content.decode()
    assert 'data-testid="locked-out"' in page and "Sign-in blocked for now" in page
    assert reverse("password_reset") in page  # the way out is on the page
    assert int(response["Retry-After"]) == 30 * 60
    assert is_locked_out("officer_a")


def test_the_admin_login_is_locked_out_too(client: Client, personas: Personas) -> None:
    url = reverse("admin:login")
    for n in range(10):
        attempt(client, url, "site_admin", f"wrong-{n}")
    response = attempt(client, url, "site_admin", PASSWORD)
    assert response.status_code == 429 and "Sign-in blocked for now" in response.content.decode()
    assert not logged_in(client)


def test_an_attacker_does_not_lock_the_member_out_of_their_office(
    client: Client, personas: Personas
) -> None:
    """Failures count per username *and* address: the member still signs in from elsewhere."""
    url = reverse("login")
    for n in range(12):
        attempt(client, url, "officer_a", f"wrong-{n}", ip=ATTACKER)
    assert attempt(client, url, "officer_a", PASSWORD, ip=ATTACKER).status_code == 429
    response = attempt(Client(), url, "officer_a", PASSWORD, ip=OFFICE)
    assert response.status_code == 302
    # Nor does it lock anyone else out from the attacker's address.
    other = Client()
    assert attempt(other, url, "supervisor_a", PASSWORD, ip=ATTACKER).status_code == 302


def test_the_lock_ends_after_the_cool_off(client: Client, personas: Personas) -> None:
    url = reverse("login")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(10):
            attempt(client, url, "officer_a", f"wrong-{n}")
        assert attempt(client, url, "officer_a", PASSWORD).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert attempt(client, url, "officer_a", PASSWORD).status_code == 429
    # Each attempt starts the wait again: 30 minutes after the last one it is over.
    with time_machine.travel(start + datetime.timedelta(minutes=60), tick=False):
        assert attempt(client, url, "officer_a", PASSWORD).status_code == 302


def test_a_new_password_lifts_the_lock(client: Client, personas: Personas) -> None:
    url = reverse("login")
    for n in range(10):
        attempt(client, url, "officer_a", f"wrong-{n}")
    officer = User.objects.get(username="officer_a")
    officer.set_password("a brand new passphrase for the office")
    officer.save()
    assert not is_locked_out("officer_a")
    response = attempt(client, url, "officer_a", "a brand new passphrase for the office")
    assert response.status_code == 302 and logged_in(client)


def test_an_authority_administrator_unlocks_a_member(client: Client, personas: Personas) -> None:
    url = reverse("login")
    for n in range(10):
        attempt(Client(), url, "officer_a", f"wrong-{n}")
    member_url = reverse(
        "member_detail", args=[personas.authority_a.code, personas.officer.public_id]
    )
    unlock_url = reverse(
        "member_unlock", args=[personas.authority_a.code, personas.officer.public_id]
    )
    # The member's page tells the administrator, with the button.
    client.force_login(personas.authority_admin)
    page = client.get(member_url).content.decode()
    assert 'data-testid="member-locked"' in page and unlock_url in page
    # Neither a colleague without the role nor another authority's administrator may unlock.
    other = Client()
    other.force_login(personas.supervisor)
    assert other.post(unlock_url).status_code == 403
    other.force_login(personas.outsider_admin)
    assert other.post(unlock_url).status_code == 404
    assert is_locked_out("officer_a")
    response = client.post(unlock_url)
    assert response.status_code == 302 and response["Location"] == member_url
    assert not is_locked_out("officer_a")
    entry = AuditEntry.objects.get(action="member.unlocked")
    assert entry.actor_name == "admin_a" and entry.object_ref == str(personas.officer.public_id)
    assert 'data-testid="member-locked"' not in client.get(member_url).content.decode()
    assert attempt(Client(), url, "officer_a", PASSWORD).status_code == 302


def test_a_successful_login_forgets_earlier_typos(client: Client, personas: Personas) -> None:
    url = reverse("login")
    for n in range(9):
        attempt(client, url, "officer_a", f"wrong-{n}")
    assert attempt(client, url, "officer_a", PASSWORD).status_code == 302
    client.logout()
    for n in range(9):
        assert attempt(client, url, "officer_a", f"again-{n}").status_code == 200
    assert attempt(client, url, "officer_a", PASSWORD).status_code == 302


def test_the_client_address_comes_from_our_own_proxy_only(rf: RequestFactory) -> None:
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    with override_settings(TRUSTED_PROXY_COUNT=0):
        assert client_ip(request) == "127.0.0.1"
    with override_settings(TRUSTED_PROXY_COUNT=1):
        # The left part is the client's own say; the proxy appended what it saw.
        assert client_ip(request) == "203.0.113.9"
    with override_settings(TRUSTED_PROXY_COUNT=2):
        assert client_ip(request) == "1.2.3.4"
    junk = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_ip(junk) == "127.0.0.1"


# --- Password reset ------------------------------------------------------------------------


def test_reset_mails_are_limited_per_address(client: Client, personas: Personas) -> None:
    """The probe's 10 resets in 0.1 s: 3 mails, and the page says the same every time."""
    url = reverse("password_reset")
    for n in range(10):
        response = client.post(
            url, {"email": personas.officer.email}, REMOTE_ADDR=f"192.0.2.{n + 1}"
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 3  # PASSWORD_RESET_MAILS_PER_ADDRESS
    # Another address is not affected.
    client.post(url, {"email": personas.supervisor.email}, REMOTE_ADDR="192.0.2.99")
    assert len(mail.outbox) == 4
    # The next hour, mails go out again.
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1, minutes=1)):
        client.post(url, {"email": personas.officer.email}, REMOTE_ADDR="192.0.2.100")
    assert len(mail.outbox) == 5


def test_reset_requests_are_limited_per_client(client: Client, personas: Personas) -> None:
    url = reverse("password_reset")
    for n in range(10):  # PASSWORD_RESET_REQUESTS_PER_CLIENT
        response = client.post(url, {"email": f"someone{n}@example.org"}, REMOTE_ADDR=ATTACKER)
        assert response.status_code == 302
    response = client.post(url, {"email": personas.officer.email}, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert 'data-testid="too-many"' in response.content.decode()
    assert len(mail.outbox) == 0
    # Others still reset their password.
    client.post(url, {"email": personas.officer.email}, REMOTE_ADDR=OFFICE)
    assert len(mail.outbox) == 1
