"""Percentiles of grouped rows equal those of the rows expanded (the statistics' durations)."""

from __future__ import annotations

import random

import pytest

from rogatory.cases.stats import percentile_cont, weighted_percentile_cont


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.5, 0.9, 1.0])
def test_grouped_values_give_the_percentile_of_the_expanded_list(fraction: float) -> None:
    rng = random.Random(3)
    for _n in range(50):
        counts = [(rng.randint(0, 400), rng.randint(0, 5)) for _m in range(rng.randint(1, 30))]
        expanded = sorted(v for v, n in counts for _k in range(n))
        assert weighted_percentile_cont(counts, fraction) == percentile_cont(expanded, fraction)


def test_interpolates_between_two_groups_and_is_empty_without_rows() -> None:
    assert weighted_percentile_cont([(10, 1), (20, 1)], 0.5) == 15.0
    assert weighted_percentile_cont([(30, 2), (10, 2)], 0.5) == 20.0
    assert weighted_percentile_cont([(5, 0)], 0.5) is None
    assert weighted_percentile_cont([], 0.9) is None
