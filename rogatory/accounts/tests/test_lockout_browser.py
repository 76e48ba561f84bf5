"""In Debian's Chromium: ten wrong passwords lock the account from this browser's address; the
right password then shows the lock-out page with its ways out; the authority administrator
unlocks the member and the member signs in. Screenshots in test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import shot
from rogatory.accounts.models import User
from rogatory.demo.loaders import DEMO_PASSWORD, load_demo_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def sign_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    # Wait for the answer: the next step (another sign-in, a goto) would cancel it.
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")


def test_locked_out_then_unlocked_by_the_administrator(live_server: Any, page: Any) -> None:
    from playwright.sync_api import expect

    load_demo_data(with_cases=False, with_knowledge=False)
    base = live_server.url
    for n in range(9):
        sign_in(page, base, "claire.officer", f"not-my-password-{n}")
        expect(page.locator(".errorlist")).to_be_visible()
    sign_in(page, base, "claire.officer", "not-my-password-9")
    expect(page.get_by_test_id("locked-out")).to_be_visible()
    # The right password does not get through now.
    sign_in(page, base, "claire.officer", DEMO_PASSWORD)
    expect(page.get_by_test_id("locked-out")).to_be_visible()
    expect(page.get_by_role("link", name="Choose a new password")).to_be_visible()
    shot(page, "lockout-page")

    # The authority administrator sees the lock on the member's page and lifts it.
    claire = User.objects.get(username="claire.officer")
    admin = User.objects.filter(authority=claire.authority, role="authority_admin").first()
    assert admin is not None
    other = page.context.browser.new_context(locale="en-GB")
    admin_page = other.new_page()
    sign_in(admin_page, base, admin.username, DEMO_PASSWORD)
    admin_page.goto(base + claire.get_absolute_url())
    expect(admin_page.get_by_test_id("member-locked")).to_be_visible()
    shot(admin_page, "lockout-member-page")
    admin_page.get_by_role("button", name="Unlock sign-in").click()
    expect(admin_page.get_by_test_id("member-locked")).to_have_count(0)
    other.close()

    sign_in(page, base, "claire.officer", DEMO_PASSWORD)
    expect(page.get_by_test_id("locked-out")).to_have_count(0)
    # Signed in (the header's .account block is on every page, signed in or not).
    expect(page.get_by_test_id("current-user")).to_be_visible()
