"""Totals of amounts in several currencies, converted only with rates the authority entered.

Amounts are ``Decimal`` throughout: a float would turn 0.1 + 0.2 into 0.30000000000000004
and an audit of returned assets must add up to the cent. A currency without a rate into the
target currency is not converted and not guessed: it is listed apart, with its own total.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from .models import ExchangeRate


@dataclass(frozen=True)
class RateUsed:
    from_currency: str
    rate: Decimal
    on: datetime.date
    source: str


@dataclass
class Total:
    """A total in ``currency`` and what could not be converted into it."""

    currency: str
    amount: Decimal = Decimal(0)
    # Per currency converted: the rate used (with its date and source, to show beside it).
    rates: dict[str, RateUsed] = field(default_factory=dict)
    # Per currency without a rate: its own total, not converted.
    unconverted: dict[str, Decimal] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.unconverted


def by_currency(amounts: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """Sum (currency, amount) pairs per currency, in code order."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for currency, amount in amounts:
        sums[currency] += amount
    return dict(sorted(sums.items()))


def latest_rates(authority_id: int, target: str) -> dict[str, RateUsed]:
    """The authority's most recent rate (by rate date) from each currency into ``target``."""
    rates: dict[str, RateUsed] = {}
    rows = (
        ExchangeRate.objects.filter(authority_id=authority_id, to_currency_id=target)
        .order_by("from_currency_id", "-on", "-id")
        .values_list("from_currency_id", "rate", "on", "source")
    )
    for code, rate, on, source in rows:
        rates.setdefault(code, RateUsed(code, rate, on, source))
    return rates


def convert(sums: Mapping[str, Decimal], target: str, rates: Mapping[str, RateUsed]) -> Total:
    """Add ``sums`` into ``target`` with ``rates``; list apart what has no rate."""
    total = Total(currency=target)
    for currency, amount in sums.items():
        if currency == target:
            total.amount += amount
        elif currency in rates:
            used = rates[currency]
            total.amount += amount * used.rate
            total.rates[currency] = used
        else:
            total.unconverted[currency] = amount
    # Four decimals, the most any ISO 4217 currency has; banker's rounding.
    total.amount = total.amount.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)
    return total
