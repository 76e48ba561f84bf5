"""Synthetic assets for the benchmark generator (``manage.py generate_cases``).

The case generator (``rogatory/cases/synthetic.py``) knows nothing of assets: it calls the
extensions registered in ``cases.synthetic.EXTENSIONS`` (this one, by ``AssetsConfig.ready``)
for each request it draws. Asset-recovery requests get one to three assets, requests for
mutual legal assistance that seek freezing, tracing or seizure sometimes one; each asset is
walked along the lifecycle of ``lifecycle.STEPS`` (traced, frozen or seized, extended or
released, confiscated, managed, disposed of, shared or returned under UNCAC art. 57 with
reasonable expenses deducted), with dates after the request's start and never after "today",
amounts that never exceed what was confiscated or realised, in a handful of currencies.
Each step is also a line of the case's history (``EventKind.ASSET``), within the request's
event budget, as ``assets.actions.do_take_step`` would write it. No audit entry, like the rest
of the synthetic data.
"""

from __future__ import annotations

import datetime
import json
import math
import random
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models

from rogatory.cases.choices import CooperationKind, EventKind, MeasureType
from rogatory.cases.synthetic import DrawnCase, Writer
from rogatory.reference.models import Currency

from .choices import AssetKind, ConfiscationType, ReturnCategory, Stage
from .models import Asset, AssetEvent

# The currencies assets are valued in (those present in the reference data are used).
CURRENCIES = ("USD", "EUR", "GBP", "CHF", "AED", "SGD")
# Measures that make an asset likely on a request for mutual legal assistance.
ASSET_MEASURES = frozenset(
    {MeasureType.FREEZING, MeasureType.TRACING_PROCEEDS, MeasureType.SEARCH_AND_SEIZURE}
)
KINDS = (
    (AssetKind.ACCOUNT, 45),
    (AssetKind.REAL_ESTATE, 18),
    (AssetKind.VEHICLE, 10),
    (AssetKind.SHARES, 10),
    (AssetKind.VIRTUAL, 7),
    (AssetKind.CASH, 5),
    (AssetKind.OTHER, 5),
)
DESCRIPTIONS = {
    AssetKind.ACCOUNT: "Current account no. {n} held at a commercial bank",
    AssetKind.REAL_ESTATE: "Apartment, land register entry {n}",
    AssetKind.VEHICLE: "Motor vehicle, registration {n}",
    AssetKind.SHARES: "Shares in a trading company, register no. {n}",
    AssetKind.VIRTUAL: "Virtual assets in a custodial wallet, account {n}",
    AssetKind.CASH: "Cash seized at the border, seal {n}",
    AssetKind.OTHER: "Jewellery and works of art, inventory {n}",
}

ASSET_COLUMNS = (
    "id", "public_id", "case", "authority", "kind", "description", "location_state", "holder",
    "value", "currency", "valued_on", "stage", "order_expires_on", "created_at", "updated_at",
    "uncac_offences",
)  # fmt: skip
# The UNCAC offences drawn for an asset (Asset Recovery Watch), most often bribery, embezzlement
# and laundering.
OFFENCES = (("art15", 3.0), ("art17", 2.0), ("art23", 4.0), ("art16", 1.0), ("art20", 1.0))
ASSET_EVENT_COLUMNS = (
    "public_id", "asset", "step", "from_stage", "to_stage", "on", "amount", "currency",
    "expenses_deducted", "expires_on", "details", "note", "at", "actor_id", "actor_name",
)  # fmt: skip


def _weighted(rng: random.Random, pairs: tuple[tuple[Any, float], ...]) -> Any:
    total = sum(w for _v, w in pairs)
    x = rng.random() * total
    for value, weight in pairs:
        x -= weight
        if x < 0:
            return value
    return pairs[-1][0]


def _money(value: float) -> Decimal:
    return Decimal(f"{max(value, 1.0):.2f}")


class AssetRows:
    """Draws the assets of each request and writes them with the request's batch."""

    name = "assets"

    def __init__(self) -> None:
        known = set(Currency.objects.filter(code__in=CURRENCIES).values_list("code", flat=True))
        self.currencies = [code for code in CURRENCIES if code in known]
        self.next_id = (Asset.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1
        self.assets: list[tuple[Any, ...]] = []
        self.events: list[tuple[Any, ...]] = []
        self.writers = (Writer(Asset, ASSET_COLUMNS), Writer(AssetEvent, ASSET_EVENT_COLUMNS))
        self.counts = {"assets": 0, "asset_events": 0}

    def _how_many(self, case: DrawnCase, rng: random.Random) -> int:
        if case.kind == CooperationKind.ASSET_RECOVERY:
            return 1 + (rng.random() < 0.5) + (rng.random() < 0.2)
        if case.kind == CooperationKind.MLA and ASSET_MEASURES & set(case.measures):
            return int(rng.random() < 0.4)
        return 0

    def draw(
        self,
        case: DrawnCase,
        rng: random.Random,
        budget: int,
        moment: Callable[[datetime.date], datetime.datetime],
    ) -> list[tuple[Any, ...]]:
        """The case-history lines of this request's assets (at most ``budget``)."""
        history: list[tuple[Any, ...]] = []
        if not self.currencies:
            return history
        for _n in range(self._how_many(case, rng)):
            if len(history) >= budget:
                break
            history += self._asset(case, rng, budget - len(history), moment)
        return history

    def _asset(
        self,
        case: DrawnCase,
        rng: random.Random,
        budget: int,
        moment: Callable[[datetime.date], datetime.datetime],
    ) -> list[tuple[Any, ...]]:
        asset_id = self.next_id
        self.next_id += 1
        public_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        kind = _weighted(rng, KINDS)
        currency = self.currencies[int(rng.random() * len(self.currencies))]
        value = _money(rng.lognormvariate(12.0, 1.5))
        description = DESCRIPTIONS[kind].format(n=rng.randint(10_000, 9_999_999))
        holder = case.person
        # Incoming: the asset is here, in our state; outgoing: in the state we ask.
        location = case.state if case.incoming else case.counterpart
        actor_id, actor_name = case.actor
        identified = case.start + datetime.timedelta(days=rng.randint(0, 20))
        if identified > case.today:
            identified = case.start
        # Never before the request's registration (a moment drawn on the same day may be).
        created = max(moment(identified), case.registered_at + datetime.timedelta(minutes=1))
        history: list[tuple[Any, ...]] = [
            (case.id, created, EventKind.ASSET, actor_id, actor_name, "", "", "", "",
             json.dumps({"added": f"{kind.label}: {description}"[:80], "asset": str(public_id)}))
        ]  # fmt: skip

        stage, day = Stage.IDENTIFIED, identified
        expires: datetime.date | None = None
        realised: Decimal | None = None
        steps: list[tuple[str, Stage, datetime.date, dict[str, Any]]] = []

        def step(name: str, target: Stage, median: float, **data: Any) -> bool:
            nonlocal stage, day
            if len(steps) + 1 >= budget:
                return False
            lag = max(1, round(rng.lognormvariate(math.log(median), 0.8)))
            on = day + datetime.timedelta(days=lag)
            if on > case.today:
                return False
            steps.append((name, target, on, data))
            stage, day = target, on
            return True

        walked = True
        if rng.random() < 0.7:
            walked = step("trace", Stage.TRACED, 30)
        secured = value
        if walked and rng.random() < 0.75:
            name, target = (
                ("freeze", Stage.FROZEN) if rng.random() < 0.75 else ("seize", Stage.SEIZED)
            )
            secured = _money(float(value) * rng.uniform(0.5, 1.0))
            if step(name, target, 20, amount=secured, currency=currency, authority=True):
                expires = day + datetime.timedelta(days=rng.randint(180, 365))
                steps[-1][3]["expires_on"] = expires
                if rng.random() < 0.2 and step("extend", target, 150):
                    expires = day + datetime.timedelta(days=rng.randint(180, 365))
                    steps[-1][3]["expires_on"] = expires
                if rng.random() < 0.15:
                    step("release", Stage.RELEASED, 200, note="The order lapsed.")
                elif rng.random() < 0.6:
                    confiscated = _money(float(secured) * rng.uniform(0.6, 1.0))
                    confiscation = _weighted(
                        rng,
                        (
                            (ConfiscationType.CRIMINAL, 70),
                            (ConfiscationType.NON_CONVICTION, 20),
                            (ConfiscationType.CIVIL, 10),
                        ),
                    )
                    if step(
                        "confiscate",
                        Stage.CONFISCATED,
                        300,
                        amount=confiscated,
                        currency=currency,
                        authority=True,
                        confiscation_type=str(confiscation),
                    ):
                        realised = confiscated
                        if rng.random() < 0.25:
                            costs = _money(float(confiscated) * rng.uniform(0.005, 0.03))
                            step("manage", Stage.MANAGED, 30, amount=costs, currency=currency)
                        if rng.random() < 0.35:
                            proceeds = _money(float(confiscated) * rng.uniform(0.7, 1.0))
                            if step(
                                "dispose", Stage.DISPOSED, 120, amount=proceeds, currency=currency
                            ):
                                realised = proceeds
                        roll = rng.random()
                        if roll < 0.6:
                            share = realised * Decimal(f"{rng.uniform(0.0, 0.08):.4f}")
                            expenses = share.quantize(Decimal("0.01"))
                            returned = realised - expenses
                            step(
                                "return",
                                Stage.RETURNED,
                                180,
                                amount=returned,
                                currency=currency,
                                expenses_deducted=expenses,
                                return_category=str(
                                    _weighted(
                                        rng,
                                        (
                                            (ReturnCategory.PUBLIC_FUNDS, 40),
                                            (ReturnCategory.OTHER_PROCEEDS, 35),
                                            (ReturnCategory.OTHER_CASES, 25),
                                        ),
                                    )
                                ),
                                counterpart_state=case.counterpart,
                                agreement="Memorandum of understanding on the return of assets",
                            )
                        elif roll < 0.7:
                            step(
                                "share",
                                Stage.SHARED,
                                180,
                                amount=_money(float(realised) * rng.uniform(0.3, 0.5)),
                                currency=currency,
                                counterpart_state=case.counterpart,
                                agreement="Asset-sharing agreement",
                            )

        previous = Stage.IDENTIFIED
        for name, target, on, data in steps:
            at = max(moment(on), created + datetime.timedelta(minutes=1))
            details: dict[str, Any] = {}
            if data.pop("authority", False):
                details["ordering_authority"] = "Investigating judge, district court"
                details["order_reference"] = f"ORD-{on.year}-{rng.randint(1000, 99999)}"
            amount = data.pop("amount", None)
            expenses = data.pop("expenses_deducted", None)
            expires_on = data.pop("expires_on", None)
            note = data.pop("note", "")
            event_currency = data.pop("currency", None)
            details.update(data)
            self.events.append(
                (
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    asset_id,
                    name,
                    previous,
                    target,
                    on,
                    amount,
                    event_currency,
                    expenses,
                    expires_on,
                    json.dumps(details),
                    note,
                    at,
                    actor_id,
                    actor_name,
                )
            )
            history.append(
                (case.id, at, EventKind.ASSET, actor_id, actor_name, "", "", "", note,
                 json.dumps({"asset": str(public_id), "step": name}))
            )  # fmt: skip
            previous = target
        secured_stage = stage in (Stage.FROZEN, Stage.SEIZED)
        self.assets.append(
            (
                asset_id,
                public_id,
                case.id,
                case.authority_id,
                kind,
                description,
                location,
                holder,
                value,
                currency,
                identified,
                stage,
                expires if secured_stage else None,
                created,
                max(moment(day), created) if steps else created,
                json.dumps(sorted({_weighted(rng, OFFENCES) for _ in range(rng.randint(1, 2))})),
            )
        )
        return history

    def write(self) -> None:
        """Write what was drawn since the last call (inside the batch's transaction)."""
        self.writers[0].write(self.assets)
        self.writers[1].write(self.events)
        self.counts["assets"] += len(self.assets)
        self.counts["asset_events"] += len(self.events)
        self.assets, self.events = [], []

    def finish(self) -> list[type[models.Model]]:
        """Reset the sequence of asset ids; return the models to analyse."""
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Asset]):
                cursor.execute(sql)
        return [Asset, AssetEvent]
