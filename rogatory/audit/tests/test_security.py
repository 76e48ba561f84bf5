"""Security events go into the hash chain: logins, failed logins (user name and client, never
the password), logouts, and every add, change and delete made in the Django admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, Personas
from rogatory.accounts.models import Authority
from rogatory.audit.models import AuditEntry
from rogatory.audit.security import (
    ADMIN_ADDED,
    ADMIN_CHANGED,
    ADMIN_DELETED,
    LOGIN,
    LOGIN_FAILED,
    LOGOUT,
    AuditedAdminMixin,
    clean_text,
)
from rogatory.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("sequence"))


def test_a_login_and_a_logout_are_recorded_with_the_client_address(personas: Personas) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    response = client.post(reverse("login"), {"username": "officer_a", "password": PASSWORD})
    assert response.status_code == 302
    [login] = entries(LOGIN)
    assert (login.actor_name, login.authority_id) == ("officer_a", personas.authority_a.pk)
    assert login.details["ip"] == "203.0.113.7"
    client.post(reverse("logout"))
    [logout] = entries(LOGOUT)
    assert logout.actor_id == personas.officer.pk and logout.details["ip"] == "203.0.113.7"
    assert verify_chain().ok


def test_a_failed_login_records_the_name_tried_and_the_client_but_not_the_password(
    personas: Personas,
) -> None:
    client = Client(REMOTE_ADDR="198.51.100.4")
    client.post(reverse("login"), {"username": "officer_a", "password": "wrong-guess-123"})
    client.post(reverse("login"), {"username": "nobody_here", "password": "wrong-guess-456"})
    known, unknown = entries(LOGIN_FAILED)
    # The account's authority sees attempts on it; attempts on unknown names belong to none.
    assert known.authority_id == personas.authority_a.pk and known.actor_id is None
    assert known.details == {"username": "officer_a", "ip": "198.51.100.4", "known_user": True}
    assert unknown.authority_id is None
    assert unknown.details["username"] == "nobody_here" and not unknown.details["known_user"]
    stored = str([(e.details, e.object_ref) for e in AuditEntry.objects.all()])
    assert "wrong-guess" not in stored
    assert not entries(LOGIN)


def test_an_attempted_name_with_control_characters_is_recorded_cleaned() -> None:
    assert clean_text("ad\x00min\r\n" + "x" * 500) == "admin" + "x" * 195


def test_admin_additions_changes_and_bulk_deletions_are_recorded(personas: Personas) -> None:
    client = Client(REMOTE_ADDR="192.0.2.1")
    client.force_login(personas.site_admin)
    response = client.post(
        reverse("admin:accounts_authority_add"),
        {
            "code": "cc-new",
            "name": "New Authority",
            "state": "FR",
            "kind": "central",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Authority.objects.get(code="cc-new")
    [added] = entries(ADMIN_ADDED)
    assert added.actor_name == "site_admin" and added.authority_id == created.pk
    assert added.object_type == "accounts.authority" and added.object_ref == str(created.pk)
    assert added.details["changes"]["name"] == [None, "New Authority"]
    assert added.details["ip"] == "192.0.2.1"

    response = client.post(
        reverse("admin:accounts_authority_change", args=[created.pk]),
        {"name": "Renamed Authority", "state": "FR", "kind": "central", "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    [changed] = entries(ADMIN_CHANGED)
    assert changed.details["changes"] == {"name": ["New Authority", "Renamed Authority"]}

    other = Authority.objects.create(code="dd-other", name="Other", state_id="KE")
    response = client.post(
        reverse("admin:accounts_authority_changelist"),
        {"action": "delete_selected", "_selected_action": [created.pk, other.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Authority.objects.filter(pk__in=[created.pk, other.pk]).exists()
    deleted = entries(ADMIN_DELETED)
    assert sorted(e.object_ref for e in deleted) == sorted([str(created.pk), str(other.pk)])
    assert {e.details["object"] for e in deleted} == {"Renamed Authority", "Other"}
    assert verify_chain().ok


def test_every_registered_admin_is_audited() -> None:
    """A new admin page is audited without anyone remembering to: ready() wraps them all."""
    unaudited = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if not isinstance(model_admin, AuditedAdminMixin)
    ]
    assert unaudited == []


def test_secret_fields_changed_in_the_admin_are_named_without_values() -> None:
    from rogatory.audit.security import form_changes

    class Form:
        changed_data = ["password1", "email", "key_hash"]
        initial: dict[str, Any] = {"email": "old@example.org"}
        cleaned_data: dict[str, Any] = {
            "password1": "new secret",
            "email": "new@example.org",
            "key_hash": "abc",
        }

    assert form_changes(Form()) == {
        "password1": "changed",
        "email": ["old@example.org", "new@example.org"],
        "key_hash": "changed",
    }
