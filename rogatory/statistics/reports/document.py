"""A report: the figures a layout asks for, for one period, in one language, as plain JSON.

The document is what every output reads (the page, the PDF, the workbook) and what a snapshot
keeps: texts already translated, cells as numbers (``None`` for "no figure") or text, and, in a
report for sending, small cells replaced by :data:`SUPPRESSED`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rogatory.accounts.models import Authority
from rogatory.cases.models import CaseQuerySet
from rogatory.cases.stats import Period

from .. import figures
from ..figures import Table
from ..suppression import suppress
from .layouts import Layout, LayoutRefused, TableChoice
from .tables import TABLES, asset_tables

# What a suppressed cell shows (Eurostat and most statistical offices use a letter).
SUPPRESSED = "x"
# Version of the document's shape, kept with snapshots.
FORMAT = 1

Progress = Callable[[int], None]


def _noop(_percent: int) -> None:
    return None


def suppressed_table(table: Table, threshold: int) -> Table:
    """``table`` with its small cells, and the cells that would reveal them, replaced."""
    spec = TABLES.get(table.key)
    if spec is None or not spec.counts:
        return table
    lines = list(table.rows)
    with_total = spec.total_row and table.total is not None
    if with_total:
        assert table.total is not None
        lines.append(table.total)

    def count(row: list[Any], index: int) -> int | None:
        value = row[index] if index < len(row) else None
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    grid = [[count(row, i) for i in spec.counts] for row in lines]
    mask = suppress(grid, threshold, total_column=spec.total_column, total_row=with_total)
    hidden = []
    for row, flags in zip(lines, mask, strict=True):
        row = list(row)
        for index, flag in zip(spec.counts, flags, strict=True):
            if flag:
                row[index] = SUPPRESSED
        hidden.append(row)
    total = table.total
    if with_total:
        total = hidden.pop()
    elif table.total is not None:
        # Column sums not checked against the rows: a small one is still hidden.
        total = [
            SUPPRESSED if i in spec.counts and 1 <= (count(table.total, i) or 0) < threshold else v
            for i, v in enumerate(table.total)
        ]
    return Table(table.key, table.title, table.rule, list(table.columns), hidden, total)


def chosen(table: Table, choice: TableChoice) -> dict[str, Any]:
    """The part of ``table`` a layout keeps, as JSON."""
    spec = TABLES[table.key]
    rows = list(table.rows)
    if choice.hide_empty and spec.counts:
        rows = [row for row in rows if any(row[i] not in (0, None) for i in spec.counts)]
    if choice.top is not None:
        rows = rows[: choice.top]
    total = table.total if choice.total else None
    columns = list(range(len(table.columns))) if choice.columns is None else list(choice.columns)

    def pick(row: list[Any]) -> list[Any]:
        return [_plain(row[i]) if i < len(row) else None for i in columns]

    return {
        "key": table.key,
        "title": table.title,
        "rule": table.rule,
        "columns": [str(table.columns[i]) for i in columns],
        "rows": [pick(row) for row in rows],
        "total": pick(total) if total else None,
    }


def table_of(entry: dict[str, Any]) -> Table:
    """A table of a report document (JSON, as ``chosen`` wrote it) as a ``Table`` again, for
    the charts of the page and the PDF."""
    return Table(
        entry["key"], entry["title"], entry["rule"], entry["columns"], entry["rows"], entry["total"]
    )


def _plain(value: Any) -> Any:
    """A cell as JSON: numbers stay numbers, everything else becomes text."""
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return value
    return str(value)


def build_document(
    layout: Layout,
    *,
    cases: CaseQuerySet,
    authority: Authority,
    period: Period,
    today: datetime.date,
    threshold: int | None,
    progress: Progress = _noop,
) -> dict[str, Any]:
    """The report of ``layout`` for ``period``, in the active language; small cells
    suppressed when ``threshold`` is given (a report that leaves the authority)."""
    progress(5)
    stats = figures.compute(cases, period, today)
    progress(40)
    tables = {table.key: table for table in stats.tables}
    wanted = {choice.table for section in layout.sections for choice in section.tables}
    if any(TABLES[key].assets for key in wanted):
        tables.update(
            (table.key, table) for table in asset_tables(authority, period.start, period.end)
        )
    progress(55)
    if threshold is not None:
        tables = {key: suppressed_table(table, threshold) for key, table in tables.items()}
    sections = []
    for section in layout.sections:
        taken = []
        for choice in section.tables:
            table = tables.get(choice.table)
            if table is None:
                raise LayoutRefused(
                    _("The layout asks for table “%(table)s”, which the figures lack.")
                    % {"table": choice.table}
                )
            taken.append(chosen(table, choice))
        sections.append(
            {
                "heading": _(section.heading),
                "notes": [_(note) for note in section.notes],
                "tables": taken,
            }
        )
    progress(60)
    return {
        "format": FORMAT,
        "layout": layout.id,
        "title": _(layout.title),
        "description": _(layout.description) if layout.description else "",
        "charts": layout.charts,
        "language": get_language() or "en",
        "authority": str(authority),
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "as_of": stats.as_of.isoformat(),
        "generated_on": timezone.localdate().isoformat(),
        "threshold": threshold,
        "suppression_note": (
            _(
                "%(mark)s: not shown, to protect the persons and cases behind small numbers: "
                "counts from 1 to %(largest)d, and the cells that would let a reader work them "
                "out from the totals."
            )
            % {"mark": SUPPRESSED, "largest": threshold - 1}
            if threshold is not None
            else ""
        ),
        "shortfall": figures.shortfall_sentence(stats.gaps),
        "sections": sections,
    }
