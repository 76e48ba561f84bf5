"""The Kaplan–Meier product-limit estimator, for durations some of which are still running.

A request still open has waited at least its age so far: dropping it would make the times look
shorter than they are, counting its age as a finished duration would too. Kaplan and Meier
(1958) keep it "at risk" until its age and then let it go (censored).

The input is already grouped (one row per distinct duration with how many ended and how many
were still running at that duration), as a GROUP BY in the database returns it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """The estimate just after ``time``: the share of durations longer than ``time``."""

    time: float
    at_risk: int
    events: int
    survival: float


def kaplan_meier(rows: Iterable[tuple[float, int, int]]) -> list[Step]:
    """The survival curve from ``(time, events, censored)`` rows, one step per event time.

    Rows may repeat a time and come in any order. Censored durations at a time when events
    also happen are counted at risk at that time (the usual convention: censoring just after).
    """
    events: dict[float, int] = {}
    censored: dict[float, int] = {}
    for time, ended, running in rows:
        if ended < 0 or running < 0:
            raise ValueError("Counts of durations cannot be negative.")
        events[time] = events.get(time, 0) + ended
        censored[time] = censored.get(time, 0) + running
    at_risk = sum(events.values()) + sum(censored.values())
    survival = 1.0
    steps: list[Step] = []
    for time in sorted(events.keys() | censored.keys()):
        ended = events.get(time, 0)
        if ended:
            survival *= 1.0 - ended / at_risk
            steps.append(Step(time, at_risk, ended, survival))
        at_risk -= ended + censored.get(time, 0)
    return steps


def quantile(steps: list[Step], fraction: float) -> float | None:
    """The time by which ``fraction`` of the durations have ended: the first ``t`` with
    ``S(t) <= 1 - fraction``; ``None`` when the curve never gets that low (not reached).

    A tiny tolerance keeps 1 - 6/12 from missing 0.5 by a rounding error.
    """
    if not 0.0 < fraction < 1.0:
        raise ValueError("A quantile is a fraction strictly between 0 and 1.")
    target = 1.0 - fraction + 1e-12
    for step in steps:
        if step.survival <= target:
            return step.time
    return None
