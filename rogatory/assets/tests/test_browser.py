"""In Chromium: an officer adds an asset to a request and records its freezing order."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import PASSWORD, Personas, shot
from rogatory.assets.models import Asset

from .conftest import MakeCase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_adds_an_asset_and_freezes_it(
    live_server: Any, page: Any, personas: Personas, make_case: MakeCase
) -> None:
    from playwright.sync_api import expect

    case = make_case()
    base = live_server.url
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", personas.officer.username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.goto(f"{base}/cases/{case.public_id}/")
    expect(page.get_by_test_id("assets-panel")).to_contain_text("No asset recorded yet.")
    page.get_by_test_id("add-asset").click()
    page.select_option("#id_kind", "account")
    page.fill("#id_description", "Account at a Geneva private bank")
    page.select_option("#id_location_state", "CH")
    page.fill("#id_holder", "Garnier Holding SA")
    page.fill("#id_value", "640000.00")
    page.select_option("#id_currency", "CHF")
    page.get_by_test_id("asset-save").click()

    expect(page.get_by_test_id("asset-stage")).to_have_text("Identified")
    page.get_by_test_id("step-freeze").click()
    page.fill("#id_freeze-ordering_authority", "Ministère public, Genève")
    page.fill("#id_freeze-expires_on", "2027-06-30")
    page.fill("#id_freeze-amount", "640000")
    page.select_option("#id_freeze-currency", "CHF")
    page.get_by_test_id("confirm-freeze").click()

    expect(page.get_by_test_id("asset-stage")).to_have_text("Frozen")
    expect(page.get_by_test_id("asset-events")).to_contain_text("Identified → Frozen")
    shot(page, "asset-frozen")
    asset = Asset.objects.get()
    assert (asset.stage, str(asset.order_expires_on)) == ("frozen", "2027-06-30")
    page.goto(f"{base}/cases/{case.public_id}/")
    expect(page.get_by_test_id("asset-stage")).to_have_text("Frozen")
    expect(page.get_by_test_id("history")).to_contain_text("Asset recovery")
