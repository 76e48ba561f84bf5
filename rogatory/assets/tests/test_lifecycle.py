"""The recovery of an asset, step by step: each step where it is allowed, refused elsewhere."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from conftest import Personas
from rogatory.assets.actions import do_add_asset, do_take_step
from rogatory.assets.choices import Stage
from rogatory.assets.lifecycle import STEPS, StepRefused, available_steps, check_step
from rogatory.assets.models import AssetEvent
from rogatory.audit.models import AuditEntry
from rogatory.cases.choices import EventKind
from rogatory.reference.models import Currency, State

from .conftest import MakeAsset

pytestmark = pytest.mark.django_db
D = datetime.date(2026, 4, 1)
EUR = "EUR"

# Data that satisfies each step's required fields.
GOOD: dict[str, dict[str, Any]] = {
    "trace": {},
    "freeze": {
        "ordering_authority": "Geneva Public Prosecutor",
        "expires_on": datetime.date(2026, 10, 1),
    },
    "seize": {"ordering_authority": "Investigating judge, Paris"},
    "extend": {"expires_on": datetime.date(2027, 4, 1), "order_reference": "P/2026/7-bis"},
    "release": {"note": "The order was lifted on appeal."},
    "confiscate": {
        "confiscation_type": "criminal",
        "ordering_authority": "Tribunal correctionnel de Paris",
        "amount": Decimal("900000"),
        "currency": EUR,
    },
    "manage": {"manager": "AGRASC"},
    "dispose": {"amount": Decimal("850000"), "currency": EUR},
    "share": {
        "counterpart_state": "NG",
        "agreement": "Sharing agreement of 2 May 2026",
        "amount": Decimal("400000"),
        "currency": EUR,
    },
    "return": {
        "return_category": "57_3_a",
        "counterpart_state": "NG",
        "amount": Decimal("800000"),
        "currency": EUR,
        "expenses_deducted": Decimal("50000"),
    },
}

# Where each step may start from, written out by hand (not read from STEPS).
ALLOWED = {
    "trace": {"identified"},
    "freeze": {"identified", "traced"},
    "seize": {"identified", "traced"},
    "extend": {"frozen", "seized"},
    "release": {"frozen", "seized"},
    "confiscate": {"frozen", "seized"},
    "manage": {"confiscated"},
    "dispose": {"confiscated", "managed"},
    "share": {"confiscated", "managed", "disposed"},
    "return": {"confiscated", "managed", "disposed"},
}


@pytest.mark.parametrize("step", sorted(ALLOWED))
@pytest.mark.parametrize("stage", [s.value for s in Stage])
def test_each_step_from_each_stage(step: str, stage: str) -> None:
    """A step is allowed exactly from the stages of the table above; elsewhere it is refused
    with a sentence naming the stages it needs."""
    data = {**GOOD[step], "on": D}
    if stage in ALLOWED[step]:
        assert check_step(stage, step, data).name == step
    else:
        with pytest.raises(StepRefused) as refused:
            check_step(stage, step, data)
        assert "possible only when the asset is" in refused.value.message


def test_the_table_covers_every_step() -> None:
    assert {s.name for s in STEPS} == set(ALLOWED)
    assert [s.name for s in available_steps("confiscated")] == [
        "manage",
        "dispose",
        "share",
        "return",
    ]


@pytest.mark.parametrize(
    ("step", "data", "message"),
    [
        ("freeze", {}, "authority that made the order"),
        ("confiscate", {"ordering_authority": "Court"}, "type of confiscation"),
        ("release", {}, "note"),
        ("return", {"return_category": "57_3_b", "counterpart_state": "NG"}, "amount"),
        ("dispose", {"amount": Decimal("10")}, "currency"),
        ("dispose", {"amount": Decimal("-1"), "currency": EUR}, "negative"),
        ("freeze", {"ordering_authority": "X", "expires_on": D}, "expire after"),
        (
            "return",
            {**GOOD["return"], "expenses_deducted": Decimal("-5")},
            "negative",
        ),
        ("nothing", {}, "no such step"),
    ],
)
def test_missing_or_wrong_data_is_refused(step: str, data: dict, message: str) -> None:
    stage = "frozen" if step in ("confiscate", "release") else "identified"
    stage = "disposed" if step in ("return", "dispose") else stage
    stage = "confiscated" if step == "dispose" else stage
    with pytest.raises(StepRefused) as refused:
        check_step(stage, step, {**data, "on": D})
    assert message in refused.value.message


def test_a_return_may_not_exceed_what_was_confiscated() -> None:
    """Returned amount plus expenses deducted above the confiscated amount (same currency) is
    refused; in another currency it cannot be compared and passes."""
    data = {**GOOD["return"], "amount": Decimal("860000"), "on": D}
    with pytest.raises(StepRefused) as refused:
        check_step("disposed", "return", data, previous_amount=(Decimal("900000"), EUR))
    assert "910000" in refused.value.message
    ok = {**data, "amount": Decimal("850000")}
    check_step("disposed", "return", ok, previous_amount=(Decimal("900000"), EUR))
    check_step("disposed", "return", data, previous_amount=(Decimal("900000"), "USD"))


def test_from_identified_to_returned_through_the_actions(
    personas: Personas, make_asset: MakeAsset
) -> None:
    """Each step moves the asset, keeps its data as typed columns and details, writes a line
    in the case history and an audit entry; the order expiry follows the order in force."""
    asset = make_asset()
    assert asset.stage == Stage.IDENTIFIED
    path = [
        ("trace", "traced"),
        ("freeze", "frozen"),
        ("extend", "frozen"),
        ("confiscate", "confiscated"),
        ("manage", "managed"),
        ("dispose", "disposed"),
        ("return", "returned"),
    ]
    for number, (step, stage) in enumerate(path):
        data: dict[str, Any] = {**GOOD[step]}
        if "currency" in data:
            data["currency"] = Currency.objects.get(pk=data["currency"])
        if "counterpart_state" in data:
            data["counterpart_state"] = State.objects.get(pk=data["counterpart_state"])
        note = data.pop("note", "")
        do_take_step(
            asset,
            step,
            on=D + datetime.timedelta(days=number),
            data=data,
            note=note,
            acting_user=personas.officer,
        )
        asset.refresh_from_db()
        assert asset.stage == stage
        if step == "freeze":
            assert asset.order_expires_on == datetime.date(2026, 10, 1)
        if step == "extend":
            assert asset.order_expires_on == datetime.date(2027, 4, 1)
        if step == "confiscate":
            assert asset.order_expires_on is None
    returned = AssetEvent.objects.get(asset=asset, step="return")
    assert returned.amount == Decimal("800000")
    assert returned.expenses_deducted == Decimal("50000")
    assert returned.currency_id == "EUR"
    assert returned.details == {"return_category": "57_3_a", "counterpart_state": "NG"}
    history = asset.case.events.filter(kind=EventKind.ASSET)
    assert history.count() == 1 + len(path)  # added + each step
    assert AuditEntry.objects.filter(
        action="asset.step.return", object_ref=str(asset.public_id)
    ).exists()
    assert AuditEntry.objects.filter(action__startswith="asset.").count() == 1 + len(path)


def test_a_refused_step_changes_nothing(personas: Personas, make_asset: MakeAsset) -> None:
    asset = make_asset()
    before = AuditEntry.objects.count()
    with pytest.raises(StepRefused):
        do_take_step(
            asset,
            "confiscate",
            on=D,
            data={**GOOD["confiscate"], "currency": Currency.objects.get(pk="EUR")},
            acting_user=personas.officer,
        )
    asset.refresh_from_db()
    assert asset.stage == Stage.IDENTIFIED
    assert not asset.events.exists()
    assert AuditEntry.objects.count() == before


def test_a_return_above_the_proceeds_is_refused_by_the_action(
    personas: Personas, make_asset: MakeAsset
) -> None:
    eur = Currency.objects.get(pk="EUR")
    asset = make_asset(
        steps=[
            ("freeze", D, GOOD["freeze"]),
            ("confiscate", D, {**GOOD["confiscate"], "currency": eur}),
            ("dispose", D, {"amount": Decimal("850000"), "currency": eur}),
        ]
    )
    with pytest.raises(StepRefused):
        do_take_step(
            asset,
            "return",
            on=D,
            data={**GOOD["return"], "currency": eur, "amount": Decimal("850000")},
            acting_user=personas.officer,
        )


def test_a_value_without_currency_is_refused(personas: Personas, make_asset: MakeAsset) -> None:
    asset = make_asset()
    with pytest.raises(StepRefused):
        do_add_asset(
            asset.case,
            fields={
                "kind": "cash",
                "description": "Cash in a safe",
                "location_state": State.objects.get(pk="FR"),
                "value": Decimal("10"),
            },
            acting_user=personas.officer,
        )
