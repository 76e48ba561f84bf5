"""Shared fixtures: reference data loaded once per test database, and the personas.

Personas (house style): an officer, a supervisor and an administrator of authority A, an
officer and an administrator of authority B (the outsiders), and a site administrator.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.utils import translation
from pytest_django import DjangoDbBlocker

from rogatory.accounts.models import Authority, Role, User
from rogatory.reference.loaders import load_reference_data
from rogatory.treaties.loaders import load_treaty_data

PASSWORD = "correct horse battery staple"


def pytest_configure(config: pytest.Config) -> None:
    # Fast hashing in tests; production uses argon2 (asserted in test_settings).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # No collectstatic in tests: serve from the finders, without the manifest.
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> None:
    """Load reference data into each test database once.

    Transactional tests (the browser tests, which pytest-django runs last) flush the tables
    when they finish, so they load what they need themselves.
    """
    with django_db_blocker.unblock():
        load_reference_data()
        load_treaty_data()


@dataclass
class Personas:
    authority_a: Authority
    authority_b: Authority
    officer: User
    supervisor: User
    authority_admin: User
    outsider: User
    outsider_admin: User
    site_admin: User


def make_user(username: str, role: Role, authority: Authority | None) -> User:
    user = User(
        username=username,
        email=f"{username}@example.org",
        first_name=username.split("_")[0].title(),
        last_name="Tester",
        role=role,
        authority=authority,
        is_staff=role == Role.SITE_ADMIN,
        is_superuser=role == Role.SITE_ADMIN,
    )
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def personas(db: None) -> Iterator[Personas]:
    a = Authority.objects.create(code="aa-central", name="Central Authority of A", state_id="FR")
    b = Authority.objects.create(code="bb-central", name="Central Authority of B", state_id="KE")
    yield Personas(
        authority_a=a,
        authority_b=b,
        officer=make_user("officer_a", Role.OFFICER, a),
        supervisor=make_user("supervisor_a", Role.SUPERVISOR, a),
        authority_admin=make_user("admin_a", Role.AUTHORITY_ADMIN, a),
        outsider=make_user("officer_b", Role.OFFICER, b),
        outsider_admin=make_user("admin_b", Role.AUTHORITY_ADMIN, b),
        site_admin=make_user("site_admin", Role.SITE_ADMIN, None),
    )


@pytest.fixture(autouse=True)
def _fresh_exchange_cache() -> None:
    """Each test starts without the exchange's per-process cache of the node and its keys
    (a previous test's node is gone with its transaction)."""
    from rogatory.exchange.node import forget

    forget()


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Each test starts in English: a request in another language must not leak into the next."""
    with translation.override("en"):
        yield
