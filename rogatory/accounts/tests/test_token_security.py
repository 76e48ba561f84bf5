"""API tokens: scopes, a default expiry, death at a new password, a second-factor reset or a
deactivation (for good), rate limits with Retry-After, and writes audited with the token."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import Personas
from rogatory.accounts.actions import do_create_token, do_update_member
from rogatory.accounts.models import ApiToken, RevokedReason, User
from rogatory.accounts.signals import credentials_reset
from rogatory.audit.models import AuditEntry
from rogatory.cases.models import Case

pytestmark = pytest.mark.django_db

API = "/api/v1/cases"
READ = ["cases:read"]
WRITE = ["cases:read", "cases:write"]


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def new_case() -> dict[str, Any]:
    return {
        "direction": "incoming",
        "kind": "mla",
        "subject": "Fraud by a shell company",
        "requesting_state": "KE",
        "received_on": timezone.localdate().isoformat(),
    }


def test_a_read_token_reads_but_cannot_write(client: Client, personas: Personas) -> None:
    _token, secret = do_create_token(personas.officer, name="stats", scopes=READ)
    assert client.get(API, headers=bearer(secret)).status_code == 200
    response = client.post(API, new_case(), content_type="application/json", headers=bearer(secret))
    assert response.status_code == 403
    assert "cases:write" in response.json()["detail"]
    assert not Case.objects.exists()


def test_a_write_token_writes_and_the_audit_names_the_token(
    client: Client, personas: Personas
) -> None:
    token, secret = do_create_token(personas.officer, name="intake", scopes=WRITE)
    response = client.post(API, new_case(), content_type="application/json", headers=bearer(secret))
    assert response.status_code == 201
    case_id = response.json()["id"]
    entry = AuditEntry.objects.filter(object_ref=case_id).latest("sequence")
    assert entry.details["via"] == {"api_token": str(token.public_id)}
    assert entry.actor_name == "officer_a"
    # A write from the pages names no token.
    client.force_login(personas.officer)
    client.post(reverse("token_create"), {"name": "page", "scopes": READ})
    assert "via" not in AuditEntry.objects.get(action="token.created", details__name="page").details


def test_tokens_expire_by_default(personas: Personas) -> None:
    token, _secret = do_create_token(personas.officer, name="default")
    assert token.expires_on == timezone.localdate() + datetime.timedelta(days=90)
    with pytest.raises(ValueError):
        do_create_token(personas.officer, name="none", scopes=[])
    with pytest.raises(ValueError):
        do_create_token(personas.officer, name="bad", scopes=["directory:write"])


def test_an_expired_token_gets_401(client: Client, personas: Personas) -> None:
    _token, secret = do_create_token(
        personas.officer, name="old", expires_on=timezone.localdate(), scopes=READ
    )
    assert client.get(API, headers=bearer(secret)).status_code == 401


def test_the_form_offers_scopes_and_bounds_the_expiry(client: Client, personas: Personas) -> None:
    client.force_login(personas.officer)
    page = client.get(reverse("token_list")).content.decode()
    assert 'value="cases:write"' in page and 'value="cases:read"' in page
    too_far = timezone.localdate() + datetime.timedelta(days=400)
    response = client.post(
        reverse("token_create"),
        {"name": "forever", "scopes": READ, "expires_on": too_far.isoformat()},
    )
    assert response.status_code == 400 and not ApiToken.objects.exists()
    response = client.post(reverse("token_create"), {"name": "x", "scopes": []})
    assert response.status_code == 400 and not ApiToken.objects.exists()
    response = client.post(reverse("token_create"), {"name": "left empty", "scopes": WRITE})
    token = ApiToken.objects.get()
    assert token.scopes == WRITE
    assert token.expires_on == timezone.localdate() + datetime.timedelta(days=90)
    # A supervisor, who cannot write, is not offered write access.
    client.force_login(personas.supervisor)
    assert 'value="cases:write"' not in client.get(reverse("token_list")).content.decode()
    response = client.post(reverse("token_create"), {"name": "w", "scopes": WRITE})
    assert response.status_code == 400


def test_a_new_password_ends_the_tokens(client: Client, personas: Personas) -> None:
    token, secret = do_create_token(personas.officer, name="script", scopes=READ)
    assert client.get(API, headers=bearer(secret)).status_code == 200
    officer = User.objects.get(pk=personas.officer.pk)
    officer.set_password("another long passphrase of mine")
    officer.save()
    assert client.get(API, headers=bearer(secret)).status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_reason == RevokedReason.PASSWORD
    entry = AuditEntry.objects.get(action="token.revoked")
    assert entry.details["reason"] == "password"
    # The list says why.
    client.force_login(officer)
    assert "the password was changed or reset" in client.get(reverse("token_list")).content.decode()


def test_a_password_written_behind_the_signals_ends_the_tokens_too(
    client: Client, personas: Personas
) -> None:
    """The stamp in each token catches a change no receiver saw (a bulk update, a script)."""
    _token, secret = do_create_token(personas.officer, name="script", scopes=READ)
    User.objects.filter(pk=personas.officer.pk).update(password="md5$other$0123")
    assert client.get(API, headers=bearer(secret)).status_code == 401
    client.force_login(User.objects.get(pk=personas.officer.pk))
    assert "ended: your password changed" in client.get(reverse("token_list")).content.decode()


@pytest.mark.parametrize(("what", "reason"), [("password", "password"), ("mfa", "mfa")])
def test_a_credentials_reset_revokes_the_tokens(
    client: Client, personas: Personas, what: str, reason: str
) -> None:
    token, secret = do_create_token(personas.officer, name="script", scopes=READ)
    credentials_reset.send(
        sender=None, user=personas.officer, acting_user=personas.authority_admin, what=what
    )
    assert client.get(API, headers=bearer(secret)).status_code == 401
    token.refresh_from_db()
    assert token.revoked_reason == reason
    entry = AuditEntry.objects.get(action="token.revoked")
    assert entry.actor_name == "admin_a" and entry.object_ref == str(token.public_id)


def test_an_e_mail_change_leaves_the_tokens(client: Client, personas: Personas) -> None:
    _token, secret = do_create_token(personas.officer, name="script", scopes=READ)
    credentials_reset.send(
        sender=None, user=personas.officer, acting_user=personas.officer, what="email"
    )
    assert client.get(API, headers=bearer(secret)).status_code == 200


def test_a_reactivated_member_has_no_working_token(client: Client, personas: Personas) -> None:
    token, secret = do_create_token(personas.officer, name="script", scopes=READ)
    fields = {
        "first_name": personas.officer.first_name,
        "last_name": personas.officer.last_name,
        "email": personas.officer.email,
        "role": personas.officer.role,
    }
    officer = User.objects.get(pk=personas.officer.pk)
    do_update_member(officer, is_active=False, acting_user=personas.authority_admin, **fields)
    token.refresh_from_db()
    assert token.revoked_reason == RevokedReason.DEACTIVATED
    entry = AuditEntry.objects.get(action="token.revoked")
    assert entry.actor_name == "admin_a" and entry.details["reason"] == "deactivated"
    do_update_member(officer, is_active=True, acting_user=personas.authority_admin, **fields)
    assert client.get(API, headers=bearer(secret)).status_code == 401


@override_settings(API_RATE_LIMIT_PER_MINUTE=3)
def test_calls_past_the_limit_get_429_with_retry_after(client: Client, personas: Personas) -> None:
    _token, secret = do_create_token(personas.officer, name="busy", scopes=READ)
    _other, other_secret = do_create_token(personas.officer, name="second", scopes=READ)
    start = timezone.now().replace(second=5, microsecond=0)
    with time_machine.travel(start, tick=False):
        statuses = [client.get(API, headers=bearer(secret)).status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        response = client.get(API, headers=bearer(secret))
        assert response.status_code == 429
        assert response["Retry-After"] == "55"
        assert "Too many requests" in response.json()["detail"]
        # The limit is the user's, not the token's: a second token does not double it.
        assert client.get(API, headers=bearer(other_secret)).status_code == 429
        # Another member is not affected.
        _t, colleague = do_create_token(personas.authority_admin, name="c", scopes=READ)
        assert client.get(API, headers=bearer(colleague)).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=1), tick=False):
        assert client.get(API, headers=bearer(secret)).status_code == 200


@override_settings(API_BAD_TOKENS_PER_10_MINUTES=3)
def test_guessing_tokens_gets_429(client: Client, personas: Personas) -> None:
    guesser = "203.0.113.50"
    for n in range(3):
        response = client.get(API, headers=bearer(f"rgt_guess{n}"), REMOTE_ADDR=guesser)
        assert response.status_code == 401
    response = client.get(API, headers=bearer("rgt_guess4"), REMOTE_ADDR=guesser)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    # Others are not affected, and a real token still works.
    _token, secret = do_create_token(personas.officer, name="ok", scopes=READ)
    assert client.get(API, headers=bearer(secret), REMOTE_ADDR="198.51.100.1").status_code == 200


def test_a_site_administrator_revokes_a_leaked_token_in_the_admin(
    client: Client, personas: Personas
) -> None:
    token, secret = do_create_token(personas.officer, name="leaked", scopes=READ)
    client.force_login(personas.site_admin)
    change = client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    # Scopes are shown, never edited there.
    assert change.status_code == 200 and 'name="scopes"' not in change.content.decode()
    response = client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_reason == RevokedReason.ADMIN
    assert client.get(API, headers=bearer(secret)).status_code == 401


@override_settings(API_ANONYMOUS_RATE_LIMIT_PER_MINUTE=2)
def test_calls_without_a_token_are_limited_per_address(client: Client, personas: Personas) -> None:
    url = "/api/v1/legal-basis?requesting=FR&requested=KE&kind=mla"
    start = timezone.now().replace(second=30, microsecond=0)
    with time_machine.travel(start, tick=False):
        for _ in range(2):
            assert client.get(url, REMOTE_ADDR="203.0.113.60").status_code == 200
        response = client.get(url, REMOTE_ADDR="203.0.113.60")
        assert response.status_code == 429
        assert response["Retry-After"] == "30"
        assert response.json()["detail"] == "Too many requests. Try again in 30 seconds."
        assert client.get(url, REMOTE_ADDR="203.0.113.61").status_code == 200
        # Calls with a token are the user's, not the address's.
        _token, secret = do_create_token(personas.officer, name="t", scopes=READ)
        response = client.get(API, headers=bearer(secret), REMOTE_ADDR="203.0.113.60")
        assert response.status_code == 200
