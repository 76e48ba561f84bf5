"""asset_figures against numbers worked out by hand from a small fixed set of assets."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from conftest import Personas
from rogatory.assets.actions import do_log_enquiry
from rogatory.assets.figures import asset_figures
from rogatory.reference.models import Currency, State

from .conftest import MakeAsset, MakeCase

pytestmark = pytest.mark.django_db


def test_figures_for_a_year(personas: Personas, make_asset: MakeAsset) -> None:
    eur, usd = Currency.objects.get(pk="EUR"), Currency.objects.get(pk="USD")
    ng = State.objects.get(pk="NG")
    d = datetime.date
    order = {"ordering_authority": "Court"}
    # 1. Frozen 2026-02 (EUR 500,000), confiscated 2026-05 (EUR 480,000, criminal), returned
    #    2026-09: EUR 450,000 after EUR 30,000 expenses, category 57(3)(a).
    make_asset(
        steps=[
            ("freeze", d(2026, 2, 10), {**order, "amount": Decimal("500000"), "currency": eur}),
            (
                "confiscate",
                d(2026, 5, 4),
                {
                    **order,
                    "confiscation_type": "criminal",
                    "amount": Decimal("480000"),
                    "currency": eur,
                },
            ),
            (
                "return",
                d(2026, 9, 1),
                {
                    "return_category": "57_3_a",
                    "counterpart_state": ng,
                    "amount": Decimal("450000.00"),
                    "currency": eur,
                    "expenses_deducted": Decimal("30000.00"),
                },
            ),
        ]
    )
    # 2. Seized 2026-03 (USD 120,000.50), confiscated non-conviction-based 2026-11 (USD 100,000).
    make_asset(
        steps=[
            ("seize", d(2026, 3, 15), {**order, "amount": Decimal("120000.50"), "currency": usd}),
            (
                "confiscate",
                d(2026, 11, 2),
                {
                    **order,
                    "confiscation_type": "non_conviction",
                    "amount": Decimal("100000"),
                    "currency": usd,
                },
            ),
        ]
    )
    # 3. Frozen in 2025 (outside the period), extended in 2026 (not counted), no amount.
    make_asset(
        steps=[
            ("freeze", d(2025, 12, 1), order),
            ("extend", d(2026, 6, 1), {"expires_on": d(2026, 12, 1)}),
        ]
    )
    # 4. Another authority's frozen asset: not counted.
    from rogatory.cases.actions import do_register_case

    other = do_register_case(
        personas.authority_b,
        direction="incoming",
        fields={"kind": "mla", "subject": "B", "requesting_state_id": "FR"},
        acting_user=personas.outsider,
    )
    make_asset(
        case=other,
        steps=[("freeze", d(2026, 2, 1), {**order, "amount": Decimal("7"), "currency": eur})],
    )
    do_log_enquiry(
        personas.authority_a,
        fields={
            "network": "carin",
            "counterpart_state": State.objects.get(pk="CH"),
            "sent_on": d(2026, 1, 5),
            "subject": "Accounts?",
        },
        acting_user=personas.officer,
    )
    do_log_enquiry(
        personas.authority_a,
        fields={
            "network": "arinsa",
            "counterpart_state": ng,
            "sent_on": d(2025, 12, 30),
            "subject": "Earlier",
        },
        acting_user=personas.officer,
    )

    figures = asset_figures(personas.authority_a, d(2026, 1, 1), d(2026, 12, 31))
    assert figures["frozen"] == {
        "count": 2,
        "amounts": {"EUR": Decimal("500000"), "USD": Decimal("120000.50")},
    }
    assert figures["confiscated"]["count"] == 2
    assert figures["confiscated"]["amounts"] == {"EUR": Decimal("480000"), "USD": Decimal("100000")}
    assert figures["confiscated"]["by_type"] == {"criminal": 1, "non_conviction": 1}
    assert figures["returned"]["count"] == 1
    assert figures["returned"]["amounts"] == {"EUR": Decimal("450000")}
    assert figures["returned"]["expenses_deducted"] == {"EUR": Decimal("30000")}
    assert figures["returned"]["by_category"] == {"57_3_a": 1}
    assert figures["shared"] == {"count": 0, "amounts": {}}
    assert figures["enquiries"] == 1
    assert "unit: the asset" in figures["rules"]

    # The first half of 2026 holds both securing orders and one confiscation only.
    half = asset_figures(personas.authority_a, d(2026, 1, 1), d(2026, 6, 30))
    assert half["frozen"]["count"] == 2
    assert half["confiscated"]["amounts"] == {"EUR": Decimal("480000")}
    assert half["returned"]["count"] == 0


def test_figures_cost_two_queries_whatever_the_period(
    personas: Personas, make_asset: MakeAsset, django_assert_num_queries
) -> None:
    make_asset(steps=[("freeze", datetime.date(2026, 2, 1), {"ordering_authority": "C"})])
    with django_assert_num_queries(2):
        asset_figures(personas.authority_a, datetime.date(2000, 1, 1), datetime.date(2030, 1, 1))


def test_figures_follow_what_the_reader_may_see(
    personas: Personas, make_case: MakeCase, make_asset: MakeAsset
) -> None:
    """Read through Asset.objects.for_user like every other figure: an asset of a strictly
    confidential request counts for its officer and the supervisors, not for other members;
    the authority as a whole counts it."""
    d = datetime.date
    freeze = ("freeze", d(2026, 3, 1), {"ordering_authority": "Court"})
    strict = make_case(confidentiality="strict", officer_id=personas.officer.pk)
    make_asset(case=strict, steps=[freeze])
    make_asset(steps=[freeze])
    year = (d(2026, 1, 1), d(2026, 12, 31))
    assert asset_figures(personas.officer, *year)["frozen"]["count"] == 2
    assert asset_figures(personas.supervisor, *year)["frozen"]["count"] == 2
    assert asset_figures(personas.authority_admin, *year)["frozen"]["count"] == 1
    assert asset_figures(personas.outsider, *year)["frozen"]["count"] == 0
    assert asset_figures(personas.authority_a, *year)["frozen"]["count"] == 2
