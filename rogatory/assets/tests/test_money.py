"""Totals across currencies: exact decimals, converted only with an entered rate."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from conftest import Personas
from rogatory.assets.actions import do_add_rate
from rogatory.assets.lifecycle import StepRefused
from rogatory.assets.money import by_currency, convert, latest_rates
from rogatory.reference.models import Currency

pytestmark = pytest.mark.django_db


def test_sums_are_exact_decimals_per_currency() -> None:
    sums = by_currency([("EUR", Decimal("0.1")), ("USD", Decimal("5")), ("EUR", Decimal("0.2"))])
    assert sums == {"EUR": Decimal("0.3"), "USD": Decimal("5")}
    assert isinstance(sums["EUR"], Decimal)


def test_conversion_with_and_without_a_rate(personas: Personas) -> None:
    """USD has a rate into EUR (the newer of two is used); CHF has none and is listed apart."""
    eur, usd = Currency.objects.get(pk="EUR"), Currency.objects.get(pk="USD")
    authority = personas.authority_a
    do_add_rate(
        authority,
        from_currency=usd,
        to_currency=eur,
        rate=Decimal("0.90"),
        on=datetime.date(2026, 1, 2),
        source="ECB reference rate",
        acting_user=personas.officer,
    )
    do_add_rate(
        authority,
        from_currency=usd,
        to_currency=eur,
        rate=Decimal("0.8571"),
        on=datetime.date(2026, 6, 30),
        source="ECB reference rate",
        acting_user=personas.officer,
    )
    # Authority B's rate is not A's.
    chf = Currency.objects.get(pk="CHF")
    do_add_rate(
        personas.authority_b,
        from_currency=chf,
        to_currency=eur,
        rate=Decimal("1.05"),
        on=datetime.date(2026, 6, 30),
        source="CBK",
        acting_user=personas.outsider,
    )
    rates = latest_rates(authority.pk, "EUR")
    assert set(rates) == {"USD"}
    assert rates["USD"].rate == Decimal("0.8571")
    total = convert(
        {"CHF": Decimal("250000"), "EUR": Decimal("1000.50"), "USD": Decimal("2000")}, "EUR", rates
    )
    # 1000.50 + 2000 × 0.8571 = 2714.70; CHF not converted.
    assert total.amount == Decimal("2714.7000")
    assert total.unconverted == {"CHF": Decimal("250000")}
    assert not total.complete
    assert total.rates["USD"].source == "ECB reference rate"
    assert convert({"EUR": Decimal("1")}, "EUR", {}).complete


def test_a_rate_must_convert_two_currencies_and_be_positive(personas: Personas) -> None:
    eur = Currency.objects.get(pk="EUR")
    cases: list[dict[str, Any]] = [
        {"from_currency": eur, "to_currency": eur, "rate": Decimal("1"), "source": "x"},
        {
            "from_currency": eur,
            "to_currency": Currency.objects.get(pk="USD"),
            "rate": Decimal("0"),
            "source": "x",
        },
        {
            "from_currency": eur,
            "to_currency": Currency.objects.get(pk="USD"),
            "rate": Decimal("1.1"),
            "source": " ",
        },
    ]
    for kwargs in cases:
        with pytest.raises(StepRefused):
            do_add_rate(
                personas.authority_a,
                on=datetime.date(2026, 1, 1),
                acting_user=personas.officer,
                **kwargs,
            )
