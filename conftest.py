"""Shared fixtures: reference data loaded once per test database, and the personas.

Personas (house style): an officer, a supervisor and an administrator of authority A, an
officer and an administrator of authority B (the outsiders), and a site administrator.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation
from pytest_django import DjangoDbBlocker

from rogatory.accounts.models import Authority, Role, User
from rogatory.reference.loaders import load_reference_data
from rogatory.treaties.loaders import load_treaty_data

PASSWORD = "correct horse battery staple"


def pytest_configure(config: pytest.Config) -> None:
    # Under pytest-xdist, settings gave this worker its own data folder (DATA_DIR/gw0): the
    # programs a test starts (manage.py, servers, nodes) inherit that folder, not the worker id.
    if os.environ.pop("PYTEST_XDIST_WORKER", None):
        os.environ["DATA_DIR"] = str(settings.DATA_DIR)
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


# Browser tests (pytest.mark.browser): Debian's Chromium driven by Playwright ----------------

CHROMIUM = Path("/usr/bin/chromium")
# How long an action, a navigation or an expect() waits: the default of the actions, and twice
# Playwright's 5 s for expect(), which a request that renders a PDF can take on a busy machine.
BROWSER_TIMEOUT_MS = 10_000
ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per test module; skipped (or failed, with REQUIRE_BROWSER=1)
    where Debian's chromium is not installed."""
    if not CHROMIUM.exists():
        message = "Debian's chromium is not installed (/usr/bin/chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message + " and REQUIRE_BROWSER=1")
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    # Playwright runs its own event loop in this thread; Django's ORM calls here are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    expect.set_options(timeout=BROWSER_TIMEOUT_MS)
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                args=[
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                ],
            )
            yield launched
            launched.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page in English; reference data loaded (transactional tests start from
    whatever the last one flushed; the load is idempotent)."""
    load_reference_data()
    load_treaty_data()
    context = browser.new_context(locale="en-GB", accept_downloads=True)
    opened = context.new_page()
    opened.set_default_timeout(BROWSER_TIMEOUT_MS)
    yield opened
    context.close()


def shot(page: Any, name: str) -> None:
    """A full-page screenshot into test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def migrate(targets: list[tuple[str, str]] | None = None) -> None:
    """Migrate the test database to ``targets`` ((app, migration) pairs); None: every app to
    its latest migration."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets if targets is not None else executor.loader.graph.leaf_nodes())


@contextmanager
def migrated_back(targets: list[tuple[str, str]]) -> Iterator[None]:
    """The database migrated back to ``targets`` for a migration test, then every app forward
    to its latest: unapplying one app's migrations unapplies those of the apps that depend on
    them, which a restore of that app alone left out (every later test then failed)."""
    migrate(targets)
    try:
        yield
    finally:
        migrate()


# A click that submits a form or follows a link starts a navigation that the browser cancels
# if the test starts another one (page.goto, a click on the next page found too early on this
# one) before the answer has come; the server may still run the first request meanwhile, or
# never see it. The helpers below wait for the page each step leads to, and so should tests:
# ``with page.expect_navigation(): ...click()``, or ``expect(...)`` on something that only the
# next page has.


def log_in(page: Any, base: str, username: str = "claire.officer", password: str = "") -> None:
    """Log a user in through the login page and wait for the page it leads to (browser tests;
    the demo's password unless ``password`` is given)."""
    from rogatory.demo.loaders import DEMO_PASSWORD

    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password or DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")
    page.wait_for_selector("[data-testid=current-user]")


def log_out(page: Any) -> None:
    """Log out with the header's button and wait for the signed-out page it leads to."""
    with page.expect_navigation():
        page.locator(".account form button[type=submit]").click()
    page.wait_for_selector(".account a[href$='/accounts/login/']")


def quiet(page: Any) -> None:
    """Wait until the requests of the page are answered (the htmx ones it makes once loaded,
    such as the inbox count) before the test uses the database: on SQLite the live server
    shares the test's in-memory connection, and a write while it reads fails ("database table
    is locked")."""
    page.wait_for_load_state("networkidle")


def switch_language(page: Any, base: str, language: str) -> None:
    """Choose ``language`` with the switcher of the home page and wait for the page in it (the
    choice is a cookie that the answer sets: a goto before it came would not have it)."""
    page.goto(base + "/")
    with page.expect_navigation():
        page.click(f'.language-switcher button[value="{language}"]')
    page.wait_for_selector(f'html[lang="{language}"]')


@pytest.fixture(autouse=True)
def _second_factor_given_on_force_login(monkeypatch: pytest.MonkeyPatch) -> None:
    """``client.login`` and ``force_login`` stand for a complete sign-in, second factor
    included (see rogatory/accounts/testing.py); tests of the second factor use the real
    steps."""
    from django.test import Client

    from rogatory.accounts.testing import login_verified

    monkeypatch.setattr(Client, "_login", login_verified)
