"""In Chromium: an officer adds an asset to a request and records its freezing order."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import PASSWORD, Personas, log_in, quiet, shot
from rogatory.assets.models import Asset

from .conftest import MakeCase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_adds_an_asset_and_freezes_it(
    live_server: Any, page: Any, personas: Personas, make_case: MakeCase
) -> None:
    from playwright.sync_api import expect

    case = make_case()
    base = live_server.url
    log_in(page, base, personas.officer.username, PASSWORD)
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
    quiet(page)
    asset = Asset.objects.get()
    assert (asset.stage, str(asset.order_expires_on)) == ("frozen", "2027-06-30")
    page.goto(f"{base}/cases/{case.public_id}/")
    expect(page.get_by_test_id("asset-stage")).to_have_text("Frozen")
    expect(page.get_by_test_id("history")).to_contain_text("Asset recovery")


def test_the_asset_lifecycle_in_the_browser(live_server: Any, page: Any) -> None:
    """A demo officer adds an asset (with its Asset Recovery Watch fields) to an asset-recovery
    request, then records its freezing, its confiscation and its return under UNCAC art. 57
    with the reasonable expenses deducted; the figures follow."""
    import datetime
    from decimal import Decimal

    from playwright.sync_api import expect

    from rogatory.accounts.models import Authority, User
    from rogatory.assets.figures import asset_figures
    from rogatory.cases.actions import do_register_case
    from rogatory.cases.choices import Direction
    from rogatory.demo.loaders import load_demo_data

    load_demo_data(with_cases=False, with_knowledge=False, only=["fr-bepi"])
    authority = Authority.objects.get(code="fr-bepi")
    officer = User.objects.get(username="claire.officer")
    case = do_register_case(
        authority,
        direction=Direction.INCOMING,
        fields={
            "kind": "asset_recovery",
            "subject": "Return of embezzled customs revenue",
            "summary_of_facts": "Customs revenue diverted and placed in a Lyon account.",
            "purpose": "Freeze, confiscate and return the funds (UNCAC arts. 54, 55, 57).",
            "requesting_state_id": "KE",
            "requesting_authority_name": "Office of the Attorney General",
            "received_on": datetime.date(2026, 1, 5),
            "officer_id": officer.pk,
        },
        acting_user=officer,
    )
    base = live_server.url
    log_in(page, base, "claire.officer")
    page.goto(f"{base}/cases/{case.public_id}/")
    page.get_by_test_id("add-asset").click()
    page.select_option("#id_kind", "account")
    page.fill("#id_description", "Account at a Lyon bank")
    page.select_option("#id_location_state", "FR")
    page.fill("#id_value", "500000.00")
    page.select_option("#id_currency", "EUR")
    page.select_option("#id_transit_states", ["AE", "MU"])
    page.check("input[name=uncac_offences][value=art17]")
    page.check("input[name=uncac_offences][value=art23]")
    page.get_by_test_id("asset-save").click()
    expect(page.get_by_test_id("asset-stage")).to_have_text("Identified")
    expect(page.get_by_test_id("asset-offences")).to_contain_text("Art. 17")
    expect(page.get_by_test_id("asset-transit")).to_contain_text("Mauritius")

    page.get_by_test_id("step-freeze").click()
    page.fill("#id_freeze-on", "2026-02-01")
    page.fill("#id_freeze-ordering_authority", "Juge d'instruction, Lyon")
    page.fill("#id_freeze-expires_on", "2027-02-01")
    page.fill("#id_freeze-amount", "500000")
    page.select_option("#id_freeze-currency", "EUR")
    page.get_by_test_id("confirm-freeze").click()
    expect(page.get_by_test_id("asset-stage")).to_have_text("Frozen")

    page.get_by_test_id("step-confiscate").click()
    page.fill("#id_confiscate-on", "2026-06-01")
    page.select_option("#id_confiscate-confiscation_type", "criminal")
    page.fill("#id_confiscate-ordering_authority", "Tribunal judiciaire de Lyon")
    page.fill("#id_confiscate-amount", "480000")
    page.select_option("#id_confiscate-currency", "EUR")
    page.get_by_test_id("confirm-confiscate").click()
    expect(page.get_by_test_id("asset-stage")).to_have_text("Confiscated")

    page.get_by_test_id("step-return").click()
    page.fill("#id_return-on", "2026-10-01")
    page.select_option("#id_return-return_category", "57_3_a")
    page.select_option("#id_return-counterpart_state", "KE")
    page.fill("#id_return-agreement", "Arrangement under art. 57(5)")
    page.fill("#id_return-amount", "470000")
    page.select_option("#id_return-currency", "EUR")
    page.fill("#id_return-expenses_deducted", "10000")
    page.get_by_test_id("confirm-return").click()
    expect(page.get_by_test_id("asset-stage")).to_have_text("Returned")
    events = page.get_by_test_id("asset-events")
    expect(events).to_contain_text("Confiscated → Returned")
    expect(events).to_contain_text("Kenya")
    shot(page, "asset-returned")

    quiet(page)
    figures = asset_figures(authority, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert figures["returned"]["amounts"] == {"EUR": Decimal("470000")}
    assert figures["returned"]["expenses_deducted"] == {"EUR": Decimal("10000")}
    assert Asset.objects.get(case=case).uncac_offences == ["art17", "art23"]
