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
    height = len(grid)
    width = max((len(row) for row in grid), default=0)
    if threshold <= 1 or not height or not width:
        return [[False] * len(row) for row in grid]
    cells = [list(row) + [None] * (width - len(row)) for row in grid]
    hidden = [[primary(v, threshold) for v in row] for row in cells]
    inner_w = width - 1 if total_column else width
    inner_h = height - 1 if total_row else height

    # Every additive line: its inner cells and the cell holding its total.
    lines: list[tuple[list[tuple[int, int]], tuple[int, int]]] = []
    if total_column:
        for r in range(height):
            lines.append(([(r, c) for c in range(inner_w)], (r, width - 1)))
    if total_row:
        for c in range(width):
            lines.append(([(r, c) for r in range(inner_h)], (height - 1, c)))

    def present(cell: tuple[int, int]) -> bool:
        return cells[cell[0]][cell[1]] is not None

    changed = True
    while changed:
        changed = False
        for inner, total in lines:
            members = [cell for cell in [*inner, total] if present(cell)]
            count = sum(1 for r, c in members if hidden[r][c])
            if count != 1:
                continue
            candidates = [cell for cell in inner if present(cell) and not hidden[cell[0]][cell[1]]]
            if candidates:
                # The smallest non-zero cell, else the smallest (a zero); ties: the first.
                r, c = min(
                    candidates,
                    key=lambda cell: (cells[cell[0]][cell[1]] == 0, cells[cell[0]][cell[1]]),
                )
            elif present(total) and not hidden[total[0]][total[1]]:
                r, c = total
            else:
                continue  # the lone hidden cell is the total itself: nothing reveals it
            hidden[r][c] = True
            changed = True
    return [row[: len(grid[i])] for i, row in enumerate(hidden)]
