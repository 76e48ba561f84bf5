"""Small-cell suppression for figures that leave the authority (decision 0041).

A count from 1 to ``threshold - 1`` could point at a person or a single case: it is
*primarily* suppressed (shown as a mark). A published total then reveals a lone suppressed
cell by subtraction, so cells are *secondarily* suppressed until no line that adds up to a
published total holds exactly one suppressed cell: the smallest other cell of that line is
suppressed (non-zero cells first: a suppressed zero hides nothing anyone wanted to know, but it
still hides the arithmetic), or, when the line has no other cell, its total.

``suppress`` is pure: it takes a grid of counts and says which cells to hide;
``configured_threshold`` is the one place the setting is read.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings

DEFAULT_THRESHOLD = 3


def configured_threshold() -> int:
    """A count below this is withheld from what leaves the authority (issue 18: default 3):
    the one setting of reports for sending, the hub, the public page and its SDMX data set."""
    return int(getattr(settings, "STATISTICS_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD))


Grid = Sequence[Sequence[int | None]]


def primary(value: int | None, threshold: int) -> bool:
    """Whether ``value`` is a small cell: from 1 to ``threshold - 1`` (zero is not)."""
    return value is not None and 1 <= value < threshold


def suppress(
    grid: Grid, threshold: int = DEFAULT_THRESHOLD, *, total_column: bool, total_row: bool
) -> list[list[bool]]:
    """Which cells of ``grid`` to hide: ``True`` where hidden.

    ``grid`` holds counts (``None`` for "no figure", never hidden). When ``total_column``, the
    last cell of each row is that row's total; when ``total_row``, the last row holds the
    column totals (and, with both, the grand total in its last cell). Only lines that add up
    to a published total constrain each other; a table with neither total gets primary
    suppression only.
    """
    return suppress_linked([(grid, total_column, total_row)], [], threshold)[0]


# A cell of one of several grids: (grid, row, column).
Cell = tuple[int, int, int]
# Cells that add up to the value of another cell (which may be in another grid).
Line = tuple[list[Cell], Cell]


def suppress_linked(
    grids: Sequence[tuple[Grid, bool, bool]], links: Sequence[Line], threshold: int
) -> list[list[list[bool]]]:
    """``suppress`` for several grids published together, whose cells are also bound across
    grids by ``links`` (the states of a sub-region add up to the sub-region's row of another
    table): each grid's own lines (``(grid, total_column, total_row)``) and the links are
    made safe together. One mask per grid."""
    values: dict[Cell, int | None] = {}
    lines: list[Line] = []
    for g, (grid, total_column, total_row) in enumerate(grids):
        height = len(grid)
        width = max((len(row) for row in grid), default=0)
        for r, row in enumerate(grid):
            for c in range(width):
                values[(g, r, c)] = row[c] if c < len(row) else None
        inner_w = width - 1 if total_column else width
        inner_h = height - 1 if total_row else height
        if total_column:
            for r in range(height):
                lines.append(([(g, r, c) for c in range(inner_w)], (g, r, width - 1)))
        if total_row:
            for c in range(width):
                lines.append(([(g, r, c) for r in range(inner_h)], (g, height - 1, c)))
    hidden = set()
    if threshold > 1:
        hidden = {cell for cell, value in values.items() if primary(value, threshold)}
        _secondary(values, hidden, [*lines, *links])
    return [
        [[(g, r, c) in hidden for c in range(len(row))] for r, row in enumerate(grid)]
        for g, (grid, _total_column, _total_row) in enumerate(grids)
    ]


def _secondary(values: dict[Cell, int | None], hidden: set[Cell], lines: list[Line]) -> None:
    """Hide more cells until no line holds exactly one hidden cell (``hidden`` grows)."""

    def present(cell: Cell) -> bool:
        return values.get(cell) is not None

    changed = True
    while changed:
        changed = False
        for inner, total in lines:
            members = [cell for cell in [*inner, total] if present(cell)]
            if sum(1 for cell in members if cell in hidden) != 1:
                continue
            candidates = [cell for cell in inner if present(cell) and cell not in hidden]
            if candidates:
                # The smallest non-zero cell, else the smallest (a zero); ties: the first.
                chosen = min(candidates, key=lambda cell: (values[cell] == 0, values[cell]))
            elif present(total) and total not in hidden:
                chosen = total
            else:
                continue  # the lone hidden cell is the total itself: nothing reveals it
            hidden.add(chosen)
            changed = True
