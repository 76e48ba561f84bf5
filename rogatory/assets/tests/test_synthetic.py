"""Synthetic assets of the benchmark generator: they follow the lifecycle and its amounts."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from rogatory.assets.choices import SECURED_STAGES, Stage
from rogatory.assets.lifecycle import STEP_BY_NAME
from rogatory.assets.models import Asset, AssetEvent
from rogatory.assets.synthetic import AssetRows
from rogatory.cases import synthetic
from rogatory.cases.choices import CooperationKind, EventKind
from rogatory.cases.models import CaseEvent

TODAY = datetime.date(2026, 11, 24)
SPEC = synthetic.Spec(cases=600, events=9000, authorities=2, seed=11, batch=128, today=TODAY)


def test_the_assets_app_registers_its_rows() -> None:
    assert AssetRows in synthetic.EXTENSIONS


@pytest.mark.django_db
def test_generated_assets_follow_the_lifecycle() -> None:
    report = synthetic.generate(SPEC)

    assets = {a.pk: a for a in Asset.objects.select_related("case")}
    events = list(AssetEvent.objects.order_by("asset_id", "on", "id"))
    assert report.extra["assets"] == len(assets)
    assert report.extra["asset_events"] == len(events)
    # Every case event is counted once, asset lines included: the total stays exact.
    assert CaseEvent.objects.count() == SPEC.events == report.events
    assert assets and events
    assert {a.case.kind for a in assets.values()} <= {
        CooperationKind.ASSET_RECOVERY,
        CooperationKind.MLA,
    }
    steps = Counter(e.step for e in events)
    assert steps["freeze"] + steps["seize"] and steps["confiscate"] and steps["return"]

    by_asset: dict[int, list[AssetEvent]] = defaultdict(list)
    for event in events:
        by_asset[event.asset_id].append(event)
    for asset in assets.values():
        assert asset.authority_id == asset.case.authority_id
        assert asset.value is not None and asset.currency_id
        stage, day, realised = Stage.IDENTIFIED, asset.valued_on, None
        assert day is not None and day <= TODAY
        for event in by_asset[asset.pk]:
            step = STEP_BY_NAME[event.step]
            assert stage in step.sources and event.from_stage == stage
            assert event.on >= day and event.on <= TODAY
            if event.amount is not None:
                assert event.currency_id == asset.currency_id and event.amount > 0
            if event.step in ("confiscate", "dispose"):
                realised = event.amount
            if event.step in ("share", "return"):
                assert realised is not None and event.amount is not None
                assert event.amount + (event.expenses_deducted or Decimal(0)) <= realised
            if event.step == "return":
                assert event.details["return_category"].startswith("57_3_")
                assert event.expenses_deducted is not None
            stage, day = step.target or stage, event.on
        assert asset.stage == stage
        assert (asset.order_expires_on is not None) == (stage in SECURED_STAGES)

    # Each asset added and each step is a line of its request's history.
    lines = CaseEvent.objects.filter(kind=EventKind.ASSET).count()
    assert lines == len(assets) + len(events)
