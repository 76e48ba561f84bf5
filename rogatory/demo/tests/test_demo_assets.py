"""The demo's two asset-recovery requests: one asset returned with expenses deducted."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from rogatory.accounts.models import Authority
from rogatory.assets.figures import asset_figures
from rogatory.assets.models import Asset, AssetEvent, InformalEnquiry
from rogatory.demo.assets import load_demo_assets
from rogatory.demo.loaders import load_demo_data

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 7)


def test_two_asset_recovery_requests_one_asset_returned() -> None:
    load_demo_data(with_cases=False, with_knowledge=False, only=["fr-bepi"])
    assert load_demo_assets(TODAY) == 4
    assert load_demo_assets(TODAY) == 0  # loading twice adds nothing
    authority = Authority.objects.get(code="fr-bepi")
    assets = Asset.objects.filter(authority=authority)
    assert assets.values("case").distinct().count() == 2
    assert set(assets.values_list("case__kind", flat=True)) == {"asset_recovery"}
    returned = AssetEvent.objects.get(step="return")
    assert returned.expenses_deducted == Decimal("43400.00")
    assert returned.amount == Decimal("1336600.00")
    assert returned.details["return_category"] == "57_3_a"
    # Frozen, then confiscated, then returned (and the Asset Recovery Watch fields filled).
    flat = returned.asset
    assert list(flat.events.values_list("step", flat=True))[:3] == ["trace", "freeze", "confiscate"]
    assert flat.uncac_offences == ["art17", "art23"]
    assert set(flat.transit_states.values_list("pk", flat=True)) == {"AE", "MU"}
    assert assets.filter(bribe_payer_states__pk="ES").count() == 1
    assert assets.filter(
        stage="frozen", order_expires_on=TODAY + datetime.timedelta(days=4)
    ).exists()
    assert InformalEnquiry.objects.filter(authority=authority).count() == 2
    figures = asset_figures(authority, TODAY - datetime.timedelta(days=365), TODAY)
    assert figures["returned"]["amounts"] == {"EUR": Decimal("1336600.00")}
    assert figures["frozen"]["count"] == 4
