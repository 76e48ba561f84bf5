"""lib.penalties: one representation of a maximum penalty, its thresholds and its words."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rogatory.lib.penalties import Penalty, PenaltyKind, PenaltyRefused, PenaltyUnit
from rogatory.lib.validators import InputRefused


def term(maximum: int, unit: str = "years") -> Penalty:
    return Penalty.from_dict({"kind": "deprivation_of_liberty", "maximum": maximum, "unit": unit})


def test_four_years_exactly_is_serious_crime() -> None:
    """UNTOC art. 2(b) says "at least four years": four years is serious, less is not."""
    assert term(4).is_serious_crime() is True
    assert term(48, "months").is_serious_crime() is True
    assert term(47, "months").is_serious_crime() is False
    assert term(3).is_serious_crime() is False


def test_days_count_as_julian_years() -> None:
    """1,461 days are four years; 1,460 days (4 × 365) fall short of them."""
    assert term(1461, "days").is_serious_crime() is True
    assert term(1460, "days").is_serious_crime() is False
    assert term(1461, "days").months_of_liberty() == Decimal(48)
    assert term(365, "days").at_least(12) is False
    assert term(366, "days").at_least(12) is True


def test_life_and_death_are_more_serious_than_any_term() -> None:
    life = Penalty.from_dict({"kind": "life_imprisonment"})
    death = Penalty.from_dict({"kind": "death"})
    assert life.is_serious_crime() and death.is_serious_crime()
    assert life.months_of_liberty() == Decimal("Infinity")
    assert death.severity() > life.severity() > term(100).severity() > term(1).severity()
    assert term(1, "days").severity() > Penalty.from_dict({"kind": "fine"}).severity()


def test_a_fine_is_below_any_threshold_and_another_penalty_cannot_be_told() -> None:
    fine = Penalty.from_dict({"kind": "fine", "amount": "5000", "currency": "eur"})
    assert fine.currency == "EUR" and fine.at_least(1) is False
    other = Penalty.from_dict({"kind": "other", "note": "community service"})
    assert other.months_of_liberty() is None
    assert other.is_serious_crime() is None


def test_dict_round_trip_keeps_every_value() -> None:
    data = {
        "kind": "deprivation_of_liberty",
        "maximum": 5,
        "unit": "years",
        "amount": "375000.50",
        "currency": "EUR",
        "note": "",
        "in_force_from": "2001-05-15",
        "in_force_until": None,
    }
    penalty = Penalty.from_dict(data)
    assert penalty.amount == Decimal("375000.50")
    assert penalty.in_force_from == datetime.date(2001, 5, 15)
    assert penalty.to_dict() == data
    assert Penalty.from_dict(penalty.to_dict()) == penalty


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"kind": "prison"}, "kind"),
        ({"kind": "deprivation_of_liberty"}, "maximum"),
        ({"kind": "deprivation_of_liberty", "maximum": 5}, "maximum"),
        ({"kind": "deprivation_of_liberty", "maximum": 2.5, "unit": "years"}, "maximum"),
        ({"kind": "deprivation_of_liberty", "maximum": "abc", "unit": "years"}, "maximum"),
        ({"kind": "deprivation_of_liberty", "maximum": 0, "unit": "years"}, "maximum"),
        ({"kind": "deprivation_of_liberty", "maximum": 101, "unit": "years"}, "maximum"),
        ({"kind": "deprivation_of_liberty", "maximum": 5, "unit": "weeks"}, "unit"),
        ({"kind": "life_imprisonment", "maximum": 5, "unit": "years"}, "maximum"),
        ({"kind": "fine", "amount": "100"}, "currency"),
        ({"kind": "fine", "currency": "EUR"}, "amount"),
        ({"kind": "fine", "amount": "-1", "currency": "EUR"}, "amount"),
        ({"kind": "fine", "amount": "1.005", "currency": "EUR"}, "amount"),
        ({"kind": "fine", "amount": "NaN", "currency": "EUR"}, "amount"),
        ({"kind": "fine", "amount": "10", "currency": "EURO"}, "currency"),
        ({"kind": "other"}, "note"),
        ({"kind": "other", "note": "x\x00"}, "note"),
        ({"kind": "death", "in_force_from": "2020-02-30"}, "in_force_from"),
        ({"kind": "death", "in_force_from": "1850-01-01"}, "in_force_from"),
        (
            {"kind": "death", "in_force_from": "2020-01-01", "in_force_until": "2019-12-31"},
            "in_force_until",
        ),
        ({"kind": "death", "colour": "red"}, ""),
    ],
)
def test_bad_values_are_refused_with_the_field_named(data: dict[str, Any], key: str) -> None:
    with pytest.raises(PenaltyRefused) as refused:
        Penalty.from_dict(data)
    assert key in [k for k, _message in refused.value.problems]
    # The project's one user-facing error type, with a sentence for the user.
    assert isinstance(refused.value, InputRefused) and refused.value.message


def test_not_a_mapping_is_refused() -> None:
    with pytest.raises(PenaltyRefused):
        Penalty.from_dict(["deprivation_of_liberty", 5])


def test_in_force_on_includes_both_ends() -> None:
    penalty = Penalty.from_dict(
        {"kind": "death", "in_force_from": "2000-01-01", "in_force_until": "2010-12-31"}
    )
    assert not penalty.in_force_on(datetime.date(1999, 12, 31))
    assert penalty.in_force_on(datetime.date(2000, 1, 1))
    assert penalty.in_force_on(datetime.date(2010, 12, 31))
    assert not penalty.in_force_on(datetime.date(2011, 1, 1))
    assert Penalty(PenaltyKind.DEATH).in_force_on(datetime.date(1900, 1, 1))


def test_described_in_the_readers_language() -> None:
    assert term(5).describe("en") == "up to 5 years' imprisonment"
    assert term(1).describe("en") == "up to 1 year's imprisonment"
    assert term(6, "months").describe("en") == "up to 6 months' imprisonment"
    assert Penalty(PenaltyKind.LIFE_IMPRISONMENT).describe("en") == "life imprisonment"
    fine = Penalty.from_dict(
        {
            "kind": "deprivation_of_liberty",
            "maximum": 5,
            "unit": "years",
            "amount": "375000",
            "currency": "EUR",
        }
    )
    assert fine.describe("en") == "up to 5 years' imprisonment and a fine of up to €375,000.00"
    # The sum is written the reader's way even before the sentence is translated.
    assert "375\u202f000,00\xa0€" in fine.describe("fr")
    other = Penalty.from_dict({"kind": "other", "note": "community service"})
    assert other.describe("en") == "other penalty: community service"
    assert Penalty.from_dict({"kind": "fine"}).describe("en") == "a fine"


def test_in_force_described() -> None:
    penalty = Penalty.from_dict({"kind": "death", "in_force_from": "2000-01-01"})
    assert penalty.describe_in_force("en") == "in force from 2000-01-01"
    assert Penalty(PenaltyKind.DEATH).describe_in_force("en") == ""


@given(
    st.integers(min_value=1, max_value=36525),
    st.sampled_from(list(PenaltyUnit)),
    st.integers(min_value=1, max_value=1200),
)
def test_at_least_agrees_with_months_of_liberty(maximum: int, unit: str, months: int) -> None:
    """The exact day comparison and the month count never disagree, whatever the values."""
    try:
        penalty = term(maximum, unit)
    except PenaltyRefused:
        return  # over 100 years
    found = penalty.months_of_liberty()
    assert found is not None
    assert penalty.at_least(months) == (found >= months)
    assert Penalty.from_dict(penalty.to_dict()) == penalty
