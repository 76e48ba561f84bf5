"""A delegate approves in Chromium: the officer submits to the supervisor, who delegates his
approval before leaving; the delegate finds the request in his inbox and approves it on the
supervisor's behalf (decision 0026)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any, cast

import pytest
from django.utils import timezone

from conftest import Personas, log_in, log_out, shot
from rogatory.accounts.models import Authority, Role, User
from rogatory.demo.loaders import DEMO_PASSWORD, load_demo_data
from rogatory.drafting.tests.test_versions import a_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_delegate_approves_on_behalf_of_the_addressee(live_server: Any, page: Any) -> None:
    from playwright.sync_api import expect

    load_demo_data(with_cases=False)
    authority = Authority.objects.get(code="fr-bepi")
    deputy = User(
        username="julie.deputy",
        first_name="Julie",
        last_name="Bernard",
        email="julie.deputy@example.org",
        role=Role.SUPERVISOR,
        authority=authority,
    )
    deputy.set_password(DEMO_PASSWORD)
    deputy.save()
    officer = User.objects.get(username="claire.officer")
    case = a_draft(cast(Personas, SimpleNamespace(authority_a=authority, officer=officer)))
    base = live_server.url
    writer = f"{base}/cases/{case.public_id}/writer/"

    log_in(page, base, "claire.officer")
    page.goto(writer)
    page.select_option("#id_addressed_to", "marc.supervisor")
    page.get_by_test_id("finalise").click()
    expect(page.get_by_test_id("addressed-to")).to_have_text("Submitted to Marc Lefèvre")
    log_out(page)

    log_in(page, base, "marc.supervisor")
    page.get_by_test_id("delegations-link").click()
    today = timezone.localdate()
    page.select_option("#id_delegate", "julie.deputy")
    page.fill("#id_starts_on", today.isoformat())
    page.fill("#id_ends_on", (today + datetime.timedelta(days=4)).isoformat())
    page.fill("#id_reason", "Mission to Nairobi")
    page.get_by_test_id("delegate").click()
    expect(page.get_by_test_id("delegation")).to_contain_text("Julie Bernard")
    shot(page, "43-delegations-of-approval")
    log_out(page)

    log_in(page, base, "julie.deputy")
    expect(page.get_by_test_id("tray-approve")).to_contain_text(case.our_reference)
    page.goto(writer)
    page.fill("#id_comment", "Approved while Marc is away.")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("version-status").first).to_have_text("Approved")
    expect(page.get_by_test_id("versions")).to_contain_text(
        "julie.deputy on behalf of marc.supervisor"
    )
    page.goto(base + case.get_absolute_url())
    expect(page.get_by_test_id("history")).to_contain_text(
        "version 1 approved by julie.deputy on behalf of marc.supervisor"
    )
    shot(page, "44-history-delegate-approval")
