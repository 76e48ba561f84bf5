"""Asset-recovery figures for statistics and the UNCAC chapter V report.

``asset_figures(scope, start, end)`` counts the steps taken in the period and adds their
amounts per currency (never converted: a report converts, if at all, with rates it states).
The scope is a reader (``for_user``: the assets of the requests they may open, as every
other figure) or an authority reporting as a whole (``for_authority``).

Counting rules (also returned under ``"rules"`` so a report can print them):

* unit: the asset; an asset counts once per step, in the period that holds the step's date
  (the date of the order, of the confiscation, of the return — not the day it was recorded);
* *frozen* counts freezing orders and seizures (UNCAC art. 31, 54(2)); extensions of an order
  are not counted again;
* *confiscated* counts confiscations of every type (criminal, non-conviction-based, civil),
  also given per type;
* *returned* counts returns under UNCAC art. 57 with the amount actually returned; the
  reasonable expenses deducted under 57(4) are given apart, per currency; also per category
  of return (57(3)(a), (b), (c));
* *shared* counts assets shared with another state;
* *enquiries* counts informal enquiries through CARIN or an ARIN sent in the period;
* amounts are exact decimals per ISO 4217 currency; an amount recorded without a currency
  is not possible (the lifecycle refuses it).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from rogatory.accounts.models import Authority, User

from .lifecycle import SECURING_STEPS
from .models import Asset, AssetEvent, InformalEnquiry

# The counting rules of the module docstring, for reports to print beside the figures.
RULES = (__doc__ or "").split("so a report can print them):", 1)[-1].strip()

GROUPS = {
    "frozen": SECURING_STEPS,
    "confiscated": ("confiscate",),
    "shared": ("share",),
    "returned": ("return",),
}


def _empty() -> dict[str, Any]:
    return {"count": 0, "amounts": {}}


def asset_figures(
    scope: User | Authority, start: datetime.date, end: datetime.date
) -> dict[str, Any]:
    """Counts and amounts per currency of assets frozen, confiscated, shared and returned
    between ``start`` and ``end`` (both included), by the step's date: those a user may see,
    or all of an authority's.

    Returns ``{"frozen": {"count", "amounts"}, "confiscated": {..., "by_type"},
    "shared": {...}, "returned": {..., "expenses_deducted", "by_category"}, "enquiries": n,
    "rules": str}``; ``amounts`` maps an ISO 4217 code to a ``Decimal``. One query for the
    steps, one for the enquiries, whatever the period.
    """
    figures: dict[str, Any] = {name: _empty() for name in GROUPS}
    figures["confiscated"]["by_type"] = {}
    figures["returned"]["expenses_deducted"] = {}
    figures["returned"]["by_category"] = {}
    group_of = {step: name for name, steps in GROUPS.items() for step in steps}
    amounts: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    expenses: dict[str, Decimal] = defaultdict(Decimal)
    if isinstance(scope, User):
        assets = Asset.objects.for_user(scope)
        enquiries = InformalEnquiry.objects.for_user(scope)
    else:
        assets = Asset.objects.for_authority(scope)
        enquiries = InformalEnquiry.objects.for_authority(scope)
    rows = AssetEvent.objects.filter(
        asset__in=assets, step__in=list(group_of), on__gte=start, on__lte=end
    ).values_list("step", "amount", "currency_id", "expenses_deducted", "details")
    for step, amount, currency, deducted, details in rows:
        name = group_of[step]
        figures[name]["count"] += 1
        if amount is not None and currency:
            amounts[name][currency] += amount
        if deducted is not None and currency:
            expenses[currency] += deducted
        if name == "confiscated":
            kind = (details or {}).get("confiscation_type", "")
            by_type = figures[name]["by_type"]
            by_type[kind] = by_type.get(kind, 0) + 1
        if name == "returned":
            category = (details or {}).get("return_category", "")
            by_category = figures[name]["by_category"]
            by_category[category] = by_category.get(category, 0) + 1
    for name, sums in amounts.items():
        figures[name]["amounts"] = dict(sorted(sums.items()))
    figures["returned"]["expenses_deducted"] = dict(sorted(expenses.items()))
    figures["enquiries"] = enquiries.filter(sent_on__gte=start, sent_on__lte=end).count()
    figures["rules"] = RULES
    return figures
