"""E-mail changes need the new address confirmed, tell the old one, and are audited; an
administrator cannot point a signed-in member's account at another address (decision 0018)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, Personas
from rogatory.accounts.actions import MemberChangeRefused, do_update_member
from rogatory.accounts.security import email_change_token
from rogatory.accounts.signals import credentials_reset
from rogatory.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

NEW = "claire.new@example.org"


def ask(client: Client, email: str = NEW, password: str = PASSWORD) -> Any:
    return client.post(reverse("email_change"), {"email": email, "password": password})


def test_an_email_change_waits_for_the_new_address_and_tells_the_old(
    client: Client, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    user = personas.officer
    old = user.email
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(client).status_code == 302
    user.refresh_from_db()
    assert user.email == old
    to_new = next(m for m in mail.outbox if m.to == [NEW])
    to_old = next(m for m in mail.outbox if m.to == [old])
    assert NEW in to_old.body and "Nothing changes until" in to_old.body
    link = re.search(r"http://testserver(/accounts/email/confirm/\S+/)", str(to_new.body))
    assert link is not None
    assert AuditEntry.objects.get(action="security.email_change_requested").details == {
        "new_email": NEW
    }
    # Opening the link changes nothing (mail scanners follow links); the POST does.
    assert client.get(link.group(1)).status_code == 200
    user.refresh_from_db()
    assert user.email == old
    mail.outbox.clear()
    received: list[str] = []

    def listen(sender: Any, what: str, **kwargs: Any) -> None:
        received.append(what)

    credentials_reset.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(link.group(1)).status_code == 302
    finally:
        credentials_reset.disconnect(listen)
    user.refresh_from_db()
    assert user.email == NEW
    assert sorted(m.to[0] for m in mail.outbox) == sorted([old, NEW])
    assert received == ["email"]
    entry = AuditEntry.objects.get(action="security.email_change_confirmed")
    assert entry.details == {"old_email": old, "new_email": NEW}
    # The link is spent: the address it replaces is gone.
    assert client.post(link.group(1)).status_code == 400


def test_an_email_change_needs_the_password(client: Client, personas: Personas) -> None:
    client.force_login(personas.officer)
    response = ask(client, password="wrong password")
    assert response.status_code == 200 and b"password is not correct" in response.content
    assert not mail.outbox
    assert not AuditEntry.objects.filter(action="security.email_change_requested").exists()


@pytest.mark.parametrize("token", ["garbage", "a:b:c"])
def test_a_bad_confirmation_link_is_a_400(client: Client, personas: Personas, token: str) -> None:
    client.force_login(personas.officer)
    url = reverse("email_change_confirm", args=[token])
    assert client.post(url).status_code == 400
    personas.officer.refresh_from_db()
    assert personas.officer.email == "officer_a@example.org"


def test_someone_elses_link_does_not_change_my_address(client: Client, personas: Personas) -> None:
    """The link of the supervisor, opened in the officer's session, changes nothing."""
    token = email_change_token(personas.supervisor, NEW)
    client.force_login(personas.officer)
    assert client.post(reverse("email_change_confirm", args=[token])).status_code == 400
    personas.officer.refresh_from_db()
    personas.supervisor.refresh_from_db()
    assert NEW not in (personas.officer.email, personas.supervisor.email)


def test_an_expired_link_is_refused(client: Client, personas: Personas, settings: Any) -> None:
    token = email_change_token(personas.officer, NEW)
    settings.PASSWORD_RESET_TIMEOUT = -1
    client.force_login(personas.officer)
    assert client.post(reverse("email_change_confirm", args=[token])).status_code == 400


def test_an_admin_cannot_move_a_signed_in_members_address(personas: Personas) -> None:
    """The takeover of the security probe: address changed by the admin, then a reset."""
    member = personas.officer
    member.last_login = timezone.now()
    member.save(update_fields=["last_login"])
    with pytest.raises(MemberChangeRefused):
        do_update_member(
            member,
            first_name=member.first_name,
            last_name=member.last_name,
            email="anne-controlled@example.org",
            role=member.role,
            is_active=True,
            acting_user=personas.authority_admin,
        )
    member.refresh_from_db()
    assert member.email == "officer_a@example.org"


def test_the_member_page_shows_the_address_fixed_once_the_account_is_in_use(
    client: Client, personas: Personas
) -> None:
    member = personas.officer
    member.last_login = timezone.now()
    member.save(update_fields=["last_login"])
    client.force_login(personas.authority_admin)
    url = reverse("member_detail", args=[personas.authority_a.code, member.public_id])
    response = client.post(
        url,
        {
            "first_name": "Renamed",
            "last_name": member.last_name,
            "email": "anne-controlled@example.org",
            "role": member.role,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.first_name == "Renamed" and member.email == "officer_a@example.org"


def test_an_admin_may_correct_the_address_of_an_account_never_used(personas: Personas) -> None:
    member = personas.officer
    assert member.last_login is None
    changed = do_update_member(
        member,
        first_name=member.first_name,
        last_name=member.last_name,
        email="typo-fixed@example.org",
        role=member.role,
        is_active=True,
        acting_user=personas.authority_admin,
    )
    assert changed == ["email"]
