"""Fixtures for asset tests: requests through the real case actions, assets through ours."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from conftest import Personas
from rogatory.assets.actions import do_add_asset, do_take_step
from rogatory.assets.models import Asset
from rogatory.cases.tests.conftest import MakeCase, make_case  # noqa: F401 (a fixture)
from rogatory.reference.models import Currency, State

MakeAsset = Callable[..., Asset]


@pytest.fixture
def make_asset(personas: Personas, make_case: MakeCase) -> MakeAsset:  # noqa: F811
    """Add an asset (an account in Switzerland worth 1,000,000 EUR) to a new request of
    authority A, or to ``case``; ``steps`` is a list of (step, date, data) taken in order."""

    def make(
        case: Any = None, steps: list[tuple[str, datetime.date, dict]] | None = None, **fields: Any
    ) -> Asset:
        case = case or make_case()
        defaults: dict[str, Any] = {
            "kind": "account",
            "description": "Account CH93 0076 2011 6238 5295 7 at a Geneva bank",
            "location_state": State.objects.get(pk="CH"),
            "holder": "Shell Holdings Ltd",
            "value": Decimal("1000000.00"),
            "currency": Currency.objects.get(pk="EUR"),
            "valued_on": datetime.date(2026, 3, 1),
        }
        asset = do_add_asset(case, fields=defaults | fields, acting_user=personas.officer)
        for step, on, data in steps or []:
            do_take_step(asset, step, on=on, data=data, acting_user=personas.officer)
        asset.refresh_from_db()
        return asset

    return make
