"""The tables a report layout may take, by stable id, and the asset tables built here.

The ids of the request tables are the ``key`` of each ``figures.Table`` (figures.py sets them
and the statistics page already uses them as anchors); the asset tables are built in this
module from ``assets.figures.asset_figures``. For each id: how many columns the table has (so a
layout's column choices are checked when it is loaded) and which columns hold counts (only
counts are suppressed) — the one place where reports and figures.py meet.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from rogatory.accounts.models import Authority
from rogatory.assets.choices import ConfiscationType, ReturnCategory
from rogatory.assets.figures import asset_figures

from ..figures import Table


@dataclass(frozen=True)
class TableSpec:
    # Columns of the table, the label column included.
    width: int
    # Columns holding counts, in order, the additive total (if any) last.
    counts: tuple[int, ...]
    # Whether the last of ``counts`` is the total of the others in each row.
    total_column: bool
    # Whether the rows with the column sums are published under the table ("All").
    total_row: bool = True
    # Built from asset_figures rather than taken from figures.compute.
    assets: bool = False


DIRECTIONS = TableSpec(4, (1, 2, 3), total_column=True)

TABLES: dict[str, TableSpec] = {
    "kinds": DIRECTIONS,
    "channels": DIRECTIONS,
    "urgency": DIRECTIONS,
    "legal_basis": DIRECTIONS,
    "states": TableSpec(5, (2, 3, 4), total_column=True),
    "regions": DIRECTIONS,
    "subregions": DIRECTIONS,
    # A request counts under each of its sections and codes: the rows are not additive.
    "iccs_sections": TableSpec(4, (1, 2, 3), total_column=True, total_row=False),
    "iccs_codes": TableSpec(4, (1, 2, 3), total_column=True, total_row=False),
    # Executed and refused are parts of sought, not terms of a sum: primary suppression only
    # across a row, the column sums in the total row.
    "measures": TableSpec(7, (1, 2, 3, 4, 5, 6), total_column=False),
    # Requests = ended + still running + left out; the medians and ages are days, not counts.
    "durations": TableSpec(9, (2, 3, 4, 1), total_column=True, total_row=False),
    "refusals": TableSpec(5, (2, 3, 4), total_column=True),
    "measure_refusals": TableSpec(5, (2, 3, 4), total_column=True),
    "postponements": TableSpec(4, (2, 3), total_column=False, total_row=False),
    "backlog": DIRECTIONS,
    # Started, disposed and pending are counts; the rate and the time are not.
    "clearance": TableSpec(6, (1, 2, 4), total_column=False, total_row=False),
    # Counts of records, not of persons or cases reported on: never suppressed.
    "completeness": TableSpec(3, (), total_column=False, total_row=False),
    "assets_steps": TableSpec(2, (1,), total_column=False, total_row=False, assets=True),
    "assets_amounts": TableSpec(3, (), total_column=False, total_row=False, assets=True),
    "assets_confiscation_types": TableSpec(2, (1,), total_column=False, assets=True),
    "assets_return_categories": TableSpec(2, (1,), total_column=False, assets=True),
}


def _amount(value: Decimal) -> str:
    return f"{value:,.2f}"


def asset_tables(authority: Authority, start: datetime.date, end: datetime.date) -> list[Table]:
    """The UNCAC chapter V figures of ``authority`` for the period, as tables."""
    figures: dict[str, Any] = asset_figures(authority, start, end)
    rule = _(
        "Unit: the asset, counted once per step in the period that holds the step's date (the "
        "date of the order, the confiscation or the return, not the day it was recorded). "
        "Frozen counts freezing orders and seizures (UNCAC art. 31, 54(2)), not their "
        "extensions. Amounts are added per currency, never converted."
    )
    steps = [
        (_("Frozen or seized (UNCAC art. 31, 54(2))"), "frozen"),
        (_("Confiscated (UNCAC art. 31, 54(1))"), "confiscated"),
        (_("Shared with another state"), "shared"),
        (_("Returned (UNCAC art. 57)"), "returned"),
    ]
    step_rows: list[list[Any]] = [[label, figures[name]["count"]] for label, name in steps]
    step_rows.append([_("Informal enquiries through CARIN or an ARIN"), figures["enquiries"]])
    amount_rows: list[list[Any]] = []
    for label, name in steps:
        for currency, value in figures[name]["amounts"].items():
            amount_rows.append([label, currency, _amount(value)])
    for currency, value in figures["returned"]["expenses_deducted"].items():
        amount_rows.append(
            [
                _("Reasonable expenses deducted before return (UNCAC art. 57(4))"),
                currency,
                _amount(value),
            ]
        )
    types = figures["confiscated"]["by_type"]
    type_rows: list[list[Any]] = [
        [str(label), types.get(value, 0)] for value, label in ConfiscationType.choices
    ]
    categories = figures["returned"]["by_category"]
    category_rows: list[list[Any]] = [
        [str(label), categories.get(value, 0)] for value, label in ReturnCategory.choices
    ]
    all_ = _("All")
    return [
        Table(
            "assets_steps",
            _("Assets frozen, confiscated, shared and returned"),
            rule,
            [_("Step"), _("Assets")],
            step_rows,
        ),
        Table(
            "assets_amounts",
            _("Amounts frozen, confiscated, shared and returned, by currency"),
            rule + " " + _("The amount returned is net of the expenses deducted, given apart."),
            [_("Step"), _("Currency"), _("Amount")],
            amount_rows,
        ),
        Table(
            "assets_confiscation_types",
            _("Confiscations by type"),
            rule,
            [_("Type of confiscation"), _("Assets")],
            type_rows,
            [all_, sum(row[1] for row in type_rows)],
        ),
        Table(
            "assets_return_categories",
            _("Returns by category of UNCAC art. 57(3)"),
            rule,
            [_("Category of return"), _("Assets")],
            category_rows,
            [all_, sum(row[1] for row in category_rows)],
        ),
    ]
