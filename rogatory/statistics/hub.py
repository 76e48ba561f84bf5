"""Figures across the authorities of a hub that agreed to them (decision 0044).

A hub is one installation serving several authorities. Only the authorities whose consent is
in force (``HubConsent``) are counted, all their requests (strictly confidential ones too: the
figures are aggregates, and the authority agreed to them as a whole); the tables are those of
``figures.compute``, so every figure across the hub is the sum of the same figure of each
authority taking part (durations excepted: a median is computed on the pooled requests).

The figures leave each authority (its members read another authority's counts summed with
theirs), so what the page and its downloads show is ``shown``: small counts withheld as in a
report for sending or on the public page (decision 0041, issue 18).
"""

from __future__ import annotations

import datetime

from rogatory.accounts.models import Authority
from rogatory.cases.models import Case, CaseQuerySet
from rogatory.cases.stats import Period

from . import facts, figures
from .models import HubConsent
from .reports.document import suppressed_tables


def taking_part() -> list[Authority]:
    """The authorities whose consent is in force, by name."""
    ids = HubConsent.objects.in_force().values("authority_id")
    return list(Authority.objects.filter(pk__in=ids).order_by("name"))


def hub_cases(authorities: list[Authority]) -> CaseQuerySet:
    """Every request of the given authorities (never a casework view: figures only)."""
    return Case.objects.filter(authority_id__in=[a.pk for a in authorities])


def compute(
    authorities: list[Authority], period: Period, today: datetime.date
) -> figures.Statistics:
    """Every table of the statistics, across ``authorities`` (those taking part); the additive
    counts from the monthly summary (decision 0046)."""
    ids = [a.pk for a in authorities]
    return figures.compute(
        hub_cases(authorities), period, today, facts.for_authorities(ids, period, facts.TABLES)
    )


def shown(
    authorities: list[Authority], period: Period, today: datetime.date, threshold: int
) -> figures.Statistics:
    """The tables as the hub's members read them: counts from 1 to ``threshold - 1``, and the
    cells that would reveal one from the totals, withheld (``suppressed_tables`` decides which
    columns of each table are counts: medians, ages and rates are left as they are)."""
    stats = compute(authorities, period, today)
    stats.tables = suppressed_tables(stats.tables, threshold)
    return stats
