"""The audit review page: an authority's administrators see their authority's entries, site
administrators all; officers and supervisors get 404; filters and pages work."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.audit.accesslog import log_access
from rogatory.audit.actions import record
from rogatory.audit.checkpoint import write_checkpoint
from rogatory.auditreview.views import PAGE_SIZE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keys(settings: Any, tmp_path: Any) -> None:
    settings.AUDIT_ACCESS_LOG_KEY_FILE = tmp_path / "audit-access-log.key"


def trail(personas: Personas) -> None:
    for user, action in (
        (personas.officer, "case.registered"),
        (personas.outsider, "case.registered"),
        (personas.officer, "security.login"),
        (None, "access_log.sealed"),
    ):
        record(
            action,
            acting_user=user,
            authority_id=user.authority_id if user else None,
            object_type="case",
            object_ref=f"{action}-{user.username if user else 'system'}",
        )


def reads(personas: Personas) -> None:
    for user in (personas.officer, personas.outsider):
        log_access(
            "case.viewed",
            acting_user=user,
            authority_id=user.authority_id,
            object_type="case",
            object_ref=f"strict-of-{user.username}",
        )


def page(client: Client, name: str, **params: str) -> Any:
    response = client.get(reverse(name), params)
    assert response.status_code == 200, response.status_code
    return response


def test_an_authority_admin_sees_only_his_authoritys_entries(personas: Personas) -> None:
    trail(personas)
    reads(personas)
    client = Client()
    client.force_login(personas.authority_admin)
    body = page(client, "audit_review").content.decode()
    assert "case.registered-officer_a" in body and "security.login-officer_a" in body
    assert "officer_b" not in body and "access_log.sealed" not in body
    body = page(client, "access_review").content.decode()
    assert "strict-of-officer_a" in body and "strict-of-officer_b" not in body


def test_a_site_admin_sees_every_authoritys_entries(personas: Personas) -> None:
    trail(personas)
    reads(personas)
    client = Client()
    client.force_login(personas.site_admin)
    body = page(client, "audit_review").content.decode()
    assert "case.registered-officer_b" in body and "access_log.sealed-system" in body
    body = page(client, "access_review").content.decode()
    assert "strict-of-officer_a" in body and "strict-of-officer_b" in body


@pytest.mark.parametrize("role", ["officer", "supervisor", "outsider"])
@pytest.mark.parametrize("name", ["audit_review", "access_review"])
def test_officers_and_supervisors_get_404(personas: Personas, role: str, name: str) -> None:
    client = Client()
    client.force_login(getattr(personas, role))
    assert client.get(reverse(name)).status_code == 404


def test_the_navigation_links_the_page_for_administrators_only(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.authority_admin)
    assert 'data-testid="nav-audit"' in client.get(reverse("home")).content.decode()
    client.force_login(personas.officer)
    assert 'data-testid="nav-audit"' not in client.get(reverse("home")).content.decode()


def test_filters_by_kind_user_and_date(personas: Personas) -> None:
    trail(personas)
    client = Client()
    client.force_login(personas.site_admin)
    body = page(client, "audit_review", kind="sign_in").content.decode()
    assert "security.login-officer_a" in body and "case.registered" not in body
    body = page(client, "audit_review", user="OFFICER_B").content.decode()
    assert "case.registered-officer_b" in body and "officer_a" not in body
    body = page(client, "audit_review", date_to="2001-01-01").content.decode()
    assert "case.registered" not in body
    # An implausible date is refused with a message, not a server error.
    response = client.get(reverse("audit_review"), {"date_from": "9999-12-31"})
    assert response.status_code == 400 and "Give a date between" in response.content.decode()


def test_entries_are_paginated_in_a_fixed_number_of_queries(
    personas: Personas, django_assert_max_num_queries: Any
) -> None:
    for number in range(PAGE_SIZE + 5):
        record(
            "thing.changed",
            acting_user=personas.officer,
            authority_id=personas.authority_a.pk,
            object_type="thing",
            object_ref=f"thing-{number:03d}",
        )
    client = Client()
    client.force_login(personas.authority_admin)
    with django_assert_max_num_queries(8):
        first = page(client, "audit_review").content.decode()
    assert f"thing-{PAGE_SIZE + 4:03d}" in first and "thing-000" not in first
    second = page(client, "audit_review", page="2").content.decode()
    assert "thing-000" in second and f"thing-{PAGE_SIZE + 4:03d}" not in second


def test_site_admins_see_when_the_last_checkpoint_was_taken(
    personas: Personas, settings: Any, tmp_path: Any
) -> None:
    settings.AUDIT_CHECKPOINT_KEY_FILE = tmp_path / "audit-checkpoint.key"
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    client = Client()
    client.force_login(personas.site_admin)
    assert "No checkpoint has been taken yet" in page(client, "audit_review").content.decode()
    checkpoint, _path = write_checkpoint()
    body = page(client, "audit_review").content.decode()
    assert f"Last checkpoint: entry #{checkpoint.sequence}" in body
    assert checkpoint.fingerprint in body
    client.force_login(personas.authority_admin)
    assert 'data-testid="last-checkpoint"' not in page(client, "audit_review").content.decode()


def test_filtering_by_user_also_finds_failed_logins_on_that_account(personas: Personas) -> None:
    Client(REMOTE_ADDR="198.51.100.8").post(
        reverse("login"), {"username": "officer_a", "password": "not the password"}
    )
    trail(personas)
    client = Client()
    client.force_login(personas.authority_admin)
    body = page(client, "audit_review", user="officer_a", kind="sign_in").content.decode()
    assert "security.login_failed" in body and "198.51.100.8" in body
    # Details are shown as JSON.
    assert "&quot;username&quot;: &quot;officer_a&quot;" in body
