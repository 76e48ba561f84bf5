"""The Kaplan–Meier estimator against textbook answers."""

from __future__ import annotations

import pytest

from rogatory.lib.survival import kaplan_meier, quantile

# Freireich et al. (1963), the 6-MP arm (weeks of remission; the "+" ones still in remission),
# as every survival-analysis textbook uses it (e.g. Kleinbaum & Klein, ch. 2): median 23 weeks.
SIX_MP = [6, 6, 6, 7, 10, 13, 16, 22, 23]
SIX_MP_CENSORED = [6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35]


def rows(events: list[int], censored: list[int]) -> list[tuple[float, int, int]]:
    return [(float(t), 1, 0) for t in events] + [(float(t), 0, 1) for t in censored]


def test_six_mp_curve_matches_the_textbook() -> None:
    """S(t) at each event time is the published one (0.857, 0.807, 0.753, 0.690, ...)."""
    steps = kaplan_meier(rows(SIX_MP, SIX_MP_CENSORED))
    assert [s.time for s in steps] == [6, 7, 10, 13, 16, 22, 23]
    assert [s.at_risk for s in steps] == [21, 17, 15, 12, 11, 7, 6]
    assert [round(s.survival, 3) for s in steps] == [
        0.857,
        0.807,
        0.753,
        0.690,
        0.627,
        0.538,
        0.448,
    ]
    assert quantile(steps, 0.5) == 23
    # The curve never goes below 0.448: the 90th percentile is not reached.
    assert quantile(steps, 0.9) is None


def test_without_censoring_it_is_the_empirical_distribution() -> None:
    """Ten durations 1..10 with none running: median 5 (S(5) = 0.5), 90th percentile 9."""
    steps = kaplan_meier([(t, 1, 0) for t in range(1, 11)])
    assert quantile(steps, 0.5) == 5
    assert quantile(steps, 0.9) == 9


def test_grouped_rows_in_any_order_give_the_same_curve() -> None:
    """Rows as GROUP BY returns them (counts per time, shuffled) equal one row per duration."""
    grouped = [(23, 1, 0), (6, 3, 1), (32, 0, 2), (7, 1, 0), (10, 1, 1), (9, 0, 1)]
    single = rows([6, 6, 6, 7, 10, 23], [6, 9, 10, 32, 32])
    assert kaplan_meier(grouped) == kaplan_meier(single)


def test_censoring_lengthens_the_median() -> None:
    """Two ended at 2 and 4 days, two still running at 10: median 4, not 3 (the naive one)."""
    steps = kaplan_meier([(2, 1, 0), (4, 1, 0), (10, 0, 2)])
    assert [round(s.survival, 3) for s in steps] == [0.75, 0.5]
    assert quantile(steps, 0.5) == 4


def test_nothing_ended_reaches_no_quantile() -> None:
    assert kaplan_meier([(5, 0, 3)]) == []
    assert quantile(kaplan_meier([(5, 0, 3)]), 0.5) is None
    assert quantile(kaplan_meier([]), 0.5) is None


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 1.5])
def test_quantile_rejects_fractions_outside_zero_one(fraction: float) -> None:
    with pytest.raises(ValueError):
        quantile([], fraction)


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        kaplan_meier([(1, -1, 0)])
