"""A report: the figures a layout asks for, for one period, in one language, as plain JSON.

The document is what every output reads (the page, the PDF, the workbook) and what a snapshot
keeps: texts already translated, cells as numbers (``None`` for "no figure") or text, and, in a
report for sending, small cells replaced by :data:`SUPPRESSED`.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rogatory.accounts.models import Authority
from rogatory.cases.models import CaseQuerySet
from rogatory.cases.stats import Period
from rogatory.reference.models import Region

from .. import figures
from ..figures import Table
from ..suppression import Grid, Line, suppress_linked
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
    return suppressed_tables([table], threshold)[0]


def _count(row: list[Any], index: int) -> int | None:
    value = row[index] if index < len(row) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def suppressed_tables(tables: list[Table], threshold: int) -> list[Table]:
    """``tables``, published together, with their small cells and the cells that would reveal
    them replaced — within each table (its rows and columns against its totals) and across
    tables: the states of a sub-region add up to that sub-region's row, the sub-regions of a
    region to the region's, and the three tables have the same grand total, so a cell hidden
    in one is not left to be worked out from another."""
    grids: list[tuple[Grid, bool, bool]] = []
    lines_of: dict[int, list[list[Any]]] = {}
    for index, table in enumerate(tables):
        spec = TABLES.get(table.key)
        if spec is None or not spec.counts:
            continue
        lines = [list(row) for row in table.rows]
        with_total = spec.total_row and table.total is not None
        if with_total:
            assert table.total is not None
            lines.append(list(table.total))
        lines_of[index] = lines
        grids.append(
            (
                [[_count(row, i) for i in spec.counts] for row in lines],
                spec.total_column,
                with_total,
            )
        )
    grid_of = {index: g for g, index in enumerate(lines_of)}
    links = _geography_links(tables, lines_of, grid_of)
    masks = suppress_linked(grids, links, threshold)
    result = []
    for index, table in enumerate(tables):
        if index not in lines_of:
            result.append(table)
            continue
        spec = TABLES[table.key]
        hidden = []
        for row, flags in zip(lines_of[index], masks[grid_of[index]], strict=True):
            for column, flag in zip(spec.counts, flags, strict=True):
                if flag:
                    row[column] = SUPPRESSED
            hidden.append(row)
        total = table.total
        if spec.total_row and table.total is not None:
            total = hidden.pop()
        elif table.total is not None:
            # Column sums not checked against the rows: a small one is still hidden.
            total = [
                SUPPRESSED
                if i in spec.counts and 1 <= (_count(table.total, i) or 0) < threshold
                else v
                for i, v in enumerate(table.total)
            ]
        result.append(Table(table.key, table.title, table.rule, list(table.columns), hidden, total))
    return result


# The geography tables (figures.by_state_and_region): the column of a state's sub-region, and
# each table's count columns (received, sent, total) in the same order.
STATE_SUBREGION_COLUMN = 1


def _geography_links(
    tables: list[Table], lines_of: dict[int, list[list[Any]]], grid_of: dict[int, int]
) -> list[Line]:
    """The lines that bind the states, sub-regions and regions tables among ``tables``: the
    cells of the finer table's rows in one group add up to the coarser table's row of that
    group, column by column (positions in the grids: the count columns in order), and the
    grand totals are equal."""
    order = ("states", "subregions", "regions")
    found = {tables[i].key: i for i in lines_of if tables[i].key in order}
    if len(found) < 2:
        return []
    none = _("No M49 region")
    region_of_subregion = _subregion_regions() if "regions" in found else {}
    # Each table's rows as (group label at each level), the "All" row left out.
    levels: dict[str, list[tuple[str, str]]] = {}
    for key, index in found.items():
        table = tables[index]
        groups = []
        for row in table.rows:
            if key == "states":
                sub = str(row[STATE_SUBREGION_COLUMN]) or none
            elif key == "subregions":
                sub = str(row[0])
            else:
                sub = ""
            region = str(row[0]) if key == "regions" else region_of_subregion.get(sub, none)
            groups.append((sub, region))
        levels[key] = groups
    present = [key for key in order if key in found]
    lines: list[Line] = []
    width = 3
    for finer, coarser in itertools.pairwise(present):
        level = 0 if coarser == "subregions" else 1
        fine_grid, coarse_grid = grid_of[found[finer]], grid_of[found[coarser]]
        for j, group in enumerate(levels[coarser]):
            members = [i for i, own in enumerate(levels[finer]) if own[level] == group[level]]
            for c in range(width):
                lines.append(([(fine_grid, i, c) for i in members], (coarse_grid, j, c)))
    # The "All" rows (last in each grid with a total row) are the same numbers.
    alls = [
        (grid_of[found[key]], len(lines_of[found[key]]) - 1)
        for key in present
        if tables[found[key]].total is not None and TABLES[key].total_row
    ]
    for (g1, r1), (g2, r2) in itertools.pairwise(alls):
        for c in range(width):
            lines.append(([(g1, r1, c)], (g2, r2, c)))
    return lines


def _subregion_regions() -> dict[str, str]:
    """The name of each M49 sub-region's region, in the active language."""
    regions = {r.code: r for r in Region.objects.all()}
    names = {}
    for region in regions.values():
        if region.level != Region.Level.SUBREGION:
            continue
        parent = regions.get(region.parent_id or "")
        while parent is not None and parent.level > Region.Level.REGION:
            parent = regions.get(parent.parent_id or "")
        if parent is not None and parent.level == Region.Level.REGION:
            names[region.name] = parent.name
    return names


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
        tables = dict(zip(tables, suppressed_tables(list(tables.values()), threshold), strict=True))
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
