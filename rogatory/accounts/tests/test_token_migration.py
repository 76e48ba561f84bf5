"""Migration 0003: tokens made before scopes keep both scopes, are tied to the password their
user has, and expire 90 days after the upgrade when they had no end."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from conftest import migrate, migrated_back
from rogatory.accounts.models import ApiToken, credential_stamp
from rogatory.reference.loaders import load_reference_data

# Migrating back and forth needs schema changes outside a test transaction.
pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("accounts", "0002_api_token")]


@pytest.fixture
def before_scopes(transactional_db: None) -> Iterator[None]:
    load_reference_data()
    with migrated_back(BEFORE):
        yield


def test_existing_tokens_keep_working_with_an_end(before_scopes: None) -> None:
    old_apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    authority = old_apps.get_model("accounts", "Authority").objects.create(
        code="old-central", name="Old central authority", state_id="FR"
    )
    user = old_apps.get_model("accounts", "User").objects.create(
        username="old_officer", authority=authority, role="officer", password="md5$salt$hash"
    )
    Token = old_apps.get_model("accounts", "ApiToken")
    secret = "rgt_" + "x" * 43
    for name, expires_on in (("open-ended", None), ("short", datetime.date(2030, 1, 2))):
        Token.objects.create(
            user=user,
            name=name,
            prefix=secret[:8] if expires_on is None else "rgt_yyyy",
            key_hash=ApiToken.hash_secret(secret if expires_on is None else name),
            expires_on=expires_on,
        )

    migrate()

    open_ended = ApiToken.objects.select_related("user").get(name="open-ended")
    assert open_ended.scopes == ["cases:read", "cases:write"]
    assert open_ended.password_stamp == credential_stamp("md5$salt$hash")
    assert open_ended.expires_on == datetime.date.today() + datetime.timedelta(days=90)
    assert ApiToken.objects.get(name="short").expires_on == datetime.date(2030, 1, 2)
    response = Client().get("/api/v1/cases", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
