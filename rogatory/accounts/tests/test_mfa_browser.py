"""In Debian's Chromium: enrol an authenticator app, sign out, sign in with password and code
(a wrong code refused first), sign in with a recovery code, see one's sessions; no page of
these raises a Content-Security-Policy violation. Screenshots in test-artifacts/."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from django_otp.oath import totp

from conftest import log_out, quiet, shot
from rogatory.demo.loaders import DEMO_PASSWORD, load_demo_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def code(secret: str, steps_ahead: int = 0) -> str:
    """The code an authenticator app set up with ``secret`` shows (``steps_ahead`` periods on:
    django-otp accepts the next period too, and never a code already used)."""
    key = base64.b32decode(secret.replace(" ", ""))
    return f"{totp(key, drift=steps_ahead):06d}"


def sign_in_with_password(page: Any, base: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "claire.officer")
    page.fill("#id_password", DEMO_PASSWORD)
    # Each step waits for the page it leads to: a navigation started before the last one has
    # answered cancels it in the browser while the server may still run it (a race).
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")


def test_enrol_sign_in_with_code_and_recovery_code_and_see_sessions(
    live_server: Any, page: Any
) -> None:
    from playwright.sync_api import expect

    load_demo_data(with_cases=False, with_knowledge=False)
    base = live_server.url
    page.add_init_script(RECORD_VIOLATIONS)
    violations: list[str] = []

    def collect() -> None:
        violations.extend(f"{page.url}: {v}" for v in page.evaluate("window.__violations"))

    # Claire's authority does not require a second factor: she signs in with her password
    # and sets one up from the security page.
    sign_in_with_password(page, base)
    expect(page.get_by_test_id("current-user")).to_contain_text("Claire Duval")
    with page.expect_navigation():
        page.get_by_test_id("nav-security").click()
    collect()
    page.get_by_role("link", name="Add an authenticator app").click()
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text()
    shot(page, "mfa-01-totp-setup")
    collect()
    page.fill("#id_code", code(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm").click()
    recovery_codes = page.get_by_test_id("recovery-codes").locator("code")
    expect(recovery_codes).to_have_count(10)
    codes = recovery_codes.all_inner_texts()
    shot(page, "mfa-02-recovery-codes")
    collect()

    # Out, and in again: the password, then the code; a wrong code is refused.
    log_out(page)
    sign_in_with_password(page, base)
    expect(page.get_by_test_id("mfa-verify-form")).to_be_visible()
    page.fill("#id_code", "000000")
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_test_id("mfa-verify-form")).to_contain_text("This code is not valid")
    shot(page, "mfa-03-wrong-code")
    collect()
    page.wait_for_timeout(1500)  # django-otp waits 1 s after a failure before the next try
    page.fill("#id_code", code(secret, steps_ahead=1))
    # The verify page shows the current user too: wait for the page the code leads to.
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_test_id("mfa-verify-form")).to_have_count(0)
    expect(page.get_by_test_id("current-user")).to_contain_text("Claire Duval")

    # The sessions page shows this session with its browser and address.
    page.goto(base + "/accounts/sessions/")
    rows = page.get_by_test_id("session-row")
    expect(rows.first).to_contain_text("This session")
    expect(rows.first).to_contain_text("Chrome")
    shot(page, "mfa-04-sessions")
    collect()

    # Lost phone: a recovery code stands in for the app, once.
    log_out(page)
    sign_in_with_password(page, base)
    page.fill("#id_code", codes[0])
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_test_id("current-user")).to_contain_text("Claire Duval")
    expect(page.locator("body")).to_contain_text("You used a recovery code; 9 remain.")
    page.get_by_test_id("nav-security").click()
    expect(page.get_by_test_id("security-events")).to_contain_text("security.recovery_code_used")
    shot(page, "mfa-05-security-page")
    collect()

    assert not violations, violations


def test_a_security_key_is_registered_and_signs_in(
    live_server: Any, page: Any, settings: Any
) -> None:
    """Chromium's virtual authenticator (DevTools WebAuthn domain) stands in for a key."""
    from playwright.sync_api import expect

    from rogatory.accounts.models import User

    base = live_server.url.replace("127.0.0.1", "localhost")
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [base]
    load_demo_data(with_cases=False, with_knowledge=False)
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    page.add_init_script(RECORD_VIOLATIONS)

    sign_in_with_password(page, base)
    # The package's translation catalogue held back, as on a slow server: the button must not
    # be usable before it has arrived (its click handler calls gettext; it used to throw and
    # do nothing, and a user's click was lost).
    held: list[Any] = []
    catalogue = re.compile(r"/jsi18n/")

    def hold(route: Any) -> None:
        held.append(route)

    page.route(catalogue, hold)
    # "load" (and, with the catalogue deferred, "DOMContentLoaded") waits for the held script.
    with page.expect_navigation(wait_until="commit"):
        page.get_by_test_id("nav-security").click()
    for _ in range(100):  # the page asks for the catalogue as it loads
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the security page did not ask for the translation catalogue"
    register = page.get_by_role("button", name="Add a security key or passkey")
    page.wait_for_timeout(500)  # time for the module script to run, were it not held back
    clicked_early = register.is_visible()
    if clicked_early:
        register.click()
    held[0].continue_()
    page.unroute(catalogue)
    if not clicked_early:
        register.click()
    # The ceremony and the page that follows can take a while on a busy machine.
    expect(page.get_by_test_id("recovery-codes")).to_be_visible(timeout=30_000)
    quiet(page)
    claire = User.objects.get(username="claire.officer")
    assert claire.webauthncredential_set.filter(confirmed=True).count() == 1
    shot(page, "mfa-06-security-key-codes")
    violations = page.evaluate("window.__violations")

    log_out(page)
    sign_in_with_password(page, base)
    expect(page).to_have_url(re.compile(r"/accounts/mfa/verify/"))
    dialogs: list[str] = []

    def note_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", note_dialog)
    button = page.get_by_role("button", name="Use your security key or passkey")
    expect(button).to_be_enabled()
    button.click()
    try:
        page.wait_for_url(base + "/", timeout=60_000)
    except Exception as error:  # what the page said, rather than a bare timeout
        status = page.locator("#passkey-verification-status-message").all_inner_texts()
        raise AssertionError(f"still at {page.url}: status {status}, alerts {dialogs}") from error
    page.goto(base + "/authorities/")
    expect(page.locator("h1")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/authorities/$"))
    violations += page.evaluate("window.__violations")
    assert not violations, violations
