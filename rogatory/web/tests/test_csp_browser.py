"""The main pages under our Content-Security-Policy in Debian's Chromium: not one violation.

Chromium reports a blocked inline script or style, an ``eval`` or a refused resource as a
console error and a ``securitypolicyviolation`` event; both are collected on every page
(decision 0022).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from conftest import Personas, shot
from rogatory.drafting.tests.test_versions import a_draft

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

# Recorded before any script of the page runs; Playwright's init scripts are not subject to it.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture(autouse=True)
def _private_storage(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def sign_in(page: Any, base: str, user: Any) -> None:
    """The browser gets the session of a complete sign-in (second factor included)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])


def visit(page: Any, url: str, problems: list[str], drawn: str = "") -> None:
    """Open ``url`` and collect its violations once it is drawn (``drawn``: a selector that
    only the page's own script puts there, for a page its script draws after the load)."""
    page.goto(url)
    if drawn:
        page.locator(drawn).first.wait_for()
    page.wait_for_load_state("networkidle")
    problems.extend(f"{url}: {v}" for v in page.evaluate("window.__violations"))


def test_main_pages_raise_no_policy_violation(
    live_server: Any, page: Any, personas: Personas
) -> None:
    """Home, login, case list, case page, writer, knowledge search, exchange inbox, the API
    docs, the Django admin and an htmx swap: no CSP violation, no policy error in the console."""
    base = live_server.url
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(f"{page.url}: {message.text}")
            if message.type == "error"
            and ("Content Security Policy" in message.text or "Permissions-Policy" in message.text)
            else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    page.add_init_script(RECORD_VIOLATIONS)
    problems: list[str] = []

    visit(page, base + "/", problems)
    visit(page, base + "/accounts/login/", problems)
    visit(page, base + "/iccs/", problems)
    # An htmx swap under the policy: expanding a section fetches its children.
    page.locator("li.level-1").nth(1).locator("button.expand").click()
    page.locator("li.level-2").first.wait_for()
    problems.extend(page.evaluate("window.__violations"))
    visit(page, base + "/api/v1/docs", problems, drawn=".swagger-ui")

    draft = a_draft(personas)
    sign_in(page, base, personas.officer)
    for path in (
        "/",
        "/cases/",
        draft.get_absolute_url(),
        f"/cases/{draft.public_id}/writer/",
        "/knowledge/",
        "/exchange/",
    ):
        visit(page, base + path, problems)
        assert page.get_by_test_id("current-user").is_visible(), path
    shot(page, "csp-exchange-inbox")

    page.context.clear_cookies()
    sign_in(page, base, personas.site_admin)
    for path in (
        "/admin/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{personas.officer.pk}/change/",
    ):
        visit(page, base + path, problems)

    assert not problems, problems
    assert not errors, errors
