"""The approval round trip in Chromium: finalise, return with remarks, fix, approve with a
comment, send; the inbox shows each side what waits, the history shows every step."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from conftest import Personas, log_in, log_out, shot
from rogatory.accounts.models import Authority, User
from rogatory.demo.loaders import load_demo_data
from rogatory.drafting.tests.test_versions import a_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finalise_return_fix_approve_send(live_server: Any, page: Any, settings: Any) -> None:
    from playwright.sync_api import expect

    load_demo_data(with_cases=False)
    officer = User.objects.get(username="claire.officer")
    people = SimpleNamespace(authority_a=Authority.objects.get(code="fr-bepi"), officer=officer)
    case = a_draft(cast(Personas, people))
    base = live_server.url
    writer = f"{base}/cases/{case.public_id}/writer/"

    log_in(page, base, "claire.officer")
    page.goto(writer)
    # While the DOCX and PDF are rendered, the page says so: what it said is kept across the
    # page load that follows (a listener added after the page's own runs after it).
    page.evaluate(
        """() => document.addEventListener("submit", () => {
          const busy = document.querySelector("[role=status].busy");
          sessionStorage.setItem("busy", busy ? busy.textContent : "");
        })"""
    )
    page.get_by_test_id("finalise").click()
    expect(page.get_by_test_id("version-status")).to_have_text("Awaiting approval")
    assert "Rendering" in (page.evaluate("sessionStorage.getItem('busy')") or "")
    log_out(page)

    log_in(page, base, "marc.supervisor")
    tray = page.get_by_test_id("tray-approve")
    expect(tray).to_contain_text(case.our_reference)
    shot(page, "40-inbox-to-approve")
    page.goto(writer)
    page.get_by_test_id("return-open").click()
    page.fill("#id_remarks", "Name the branch of Harambee Bank that holds the account.")
    page.get_by_test_id("return").click()
    expect(page.get_by_test_id("version-status").first).to_have_text("Returned with remarks")
    log_out(page)

    log_in(page, base, "claire.officer")
    expect(page.get_by_test_id("tray-returned")).to_contain_text(case.our_reference)
    page.goto(writer)
    expect(page.get_by_test_id("returned-remarks")).to_contain_text("Name the branch")
    shot(page, "41-writer-returned")
    page.get_by_test_id("finalise").click()
    expect(page.get_by_test_id("returned-remarks")).to_have_count(0)
    log_out(page)

    log_in(page, base, "marc.supervisor")
    page.goto(writer)
    page.fill("#id_comment", "Branch named; approved.")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("version-status").first).to_have_text("Approved")
    log_out(page)

    log_in(page, base, "claire.officer")
    page.goto(writer)
    page.get_by_test_id("send").click()
    expect(page.get_by_test_id("case-status")).to_have_text("Sent")
    history = page.get_by_test_id("history")
    for line in (
        "version 1 finalised",
        "version 1 returned to its drafter",
        "Name the branch",
        "version 2 finalised",
        "version 2 approved",
        "Branch named; approved.",
        "version 2 recorded as sent",
    ):
        expect(history).to_contain_text(line)
    shot(page, "42-case-history-after-approval")
