"""Members make, see and revoke their own API tokens; the secret is shown once, never kept."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Personas
from rogatory.accounts.actions import do_create_token, do_revoke_token
from rogatory.accounts.models import ApiToken, User
from rogatory.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

API = "/api/v1/cases"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_creating_a_token_shows_its_secret_once(client: Client, personas: Personas) -> None:
    login(client, personas.officer)
    response = client.post(
        reverse("token_create"), {"name": "statistics export", "scopes": ["cases:read"]}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    found = re.search(r'value="(rgt_[A-Za-z0-9_-]{40,})"', page)
    assert found is not None
    secret = found.group(1)
    token = ApiToken.objects.get(user=personas.officer)
    # Only the hash and the first characters are kept.
    assert token.key_hash == ApiToken.hash_secret(secret) and token.key_hash != secret
    assert token.prefix == secret[:8]
    assert secret not in [str(getattr(token, f.attname)) for f in ApiToken._meta.concrete_fields]
    # The secret opens the API.
    assert client.get(API, headers=bearer(secret)).status_code == 200
    # The list shows the prefix, never the secret.
    listing = client.get(reverse("token_list")).content.decode()
    assert token.prefix in listing and "statistics export" in listing
    assert secret not in listing
    entry = AuditEntry.objects.get(action="token.created")
    assert entry.actor_name == "officer_a" and entry.authority_id == personas.authority_a.pk
    assert entry.object_ref == str(token.public_id) and secret not in str(entry.details)


def test_a_supervisor_may_have_a_token_too(client: Client, personas: Personas) -> None:
    login(client, personas.supervisor)
    response = client.post(reverse("token_create"), {"name": "dashboard", "scopes": ["cases:read"]})
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=personas.supervisor).count() == 1


def test_an_expiry_date_must_be_in_the_future(client: Client, personas: Personas) -> None:
    login(client, personas.officer)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        reverse("token_create"),
        {"name": "old", "scopes": ["cases:read"], "expires_on": yesterday.isoformat()},
    )
    assert response.status_code == 400
    assert "Choose a day after today." in response.content.decode()
    assert not ApiToken.objects.exists()
    response = client.post(reverse("token_create"), {"name": ""})
    assert response.status_code == 400 and not ApiToken.objects.exists()


def test_revoking_a_token_closes_the_api_to_it(client: Client, personas: Personas) -> None:
    token, secret = do_create_token(personas.officer, name="script")
    assert client.get(API, headers=bearer(secret)).status_code == 200
    login(client, personas.officer)
    response = client.post(reverse("token_revoke", args=[token.public_id]))
    assert response.status_code == 302 and response["Location"] == reverse("token_list")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get(API, headers=bearer(secret)).status_code == 401
    assert AuditEntry.objects.filter(action="token.revoked").count() == 1
    # Revoking again changes nothing and writes nothing.
    client.post(reverse("token_revoke", args=[token.public_id]))
    assert AuditEntry.objects.filter(action="token.revoked").count() == 1
    listing = client.get(reverse("token_list")).content.decode()
    assert "revoked" in listing


def test_nobody_revokes_another_members_token(client: Client, personas: Personas) -> None:
    token, secret = do_create_token(personas.officer, name="mine")
    for other in (personas.supervisor, personas.authority_admin, personas.outsider):
        login(client, other)
        response = client.post(reverse("token_revoke", args=[token.public_id]))
        assert response.status_code == 404
        # Nor sees it in their list.
        assert token.prefix not in client.get(reverse("token_list")).content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    client.logout()
    assert client.get(API, headers=bearer(secret)).status_code == 200


def test_revoking_is_post_only(client: Client, personas: Personas) -> None:
    token, _secret = do_create_token(personas.officer, name="mine")
    login(client, personas.officer)
    assert client.get(reverse("token_revoke", args=[token.public_id])).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_site_administrators_without_authority_have_no_tokens(
    client: Client, personas: Personas
) -> None:
    login(client, personas.site_admin)
    assert client.get(reverse("token_list")).status_code == 403
    assert client.post(reverse("token_create"), {"name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()
    with pytest.raises(ValueError):
        do_create_token(personas.site_admin, name="x")


def test_anonymous_visitors_are_sent_to_log_in(client: Client, personas: Personas) -> None:
    for name in ("token_list", "token_create"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_shows_expired_tokens_as_such(client: Client, personas: Personas) -> None:
    token, _secret = do_create_token(
        personas.officer, name="short", expires_on=timezone.localdate()
    )
    login(client, personas.officer)
    page = client.get(reverse("token_list")).content.decode()
    assert "expired" in page
    do_revoke_token(token, acting_user=personas.officer)
    assert not token.is_usable(timezone.localdate())
