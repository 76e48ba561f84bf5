"""Small-cell suppression on hand-made tables (no database)."""

from __future__ import annotations

from rogatory.statistics.suppression import Grid, suppress


def shown(grid: Grid, mask: list[list[bool]]) -> list[list[object]]:
    return [
        ["x" if h else v for v, h in zip(row, hidden, strict=True)]
        for row, hidden in zip(grid, mask, strict=True)
    ]


def lines_safe(grid: Grid, mask: list[list[bool]]) -> bool:
    """No row or column of a fully totalled grid holds exactly one hidden cell."""
    rows = [sum(row) for row in mask]
    columns = [sum(mask[r][c] for r in range(len(mask))) for c in range(len(mask[0]))]
    return all(n != 1 for n in rows + columns)


def test_nothing_small_nothing_hidden() -> None:
    """Counts at or above the threshold, and zeros, stay visible."""
    grid = [[3, 0, 3], [5, 4, 9], [8, 4, 12]]
    assert shown(grid, suppress(grid, 3, total_column=True, total_row=True)) == grid


def test_a_small_cell_and_its_row_and_column_partners() -> None:
    """A 1 in a row with a total: the next-smallest of its row and of its column go too, and
    then the cell that closes the rectangle, so no total reveals any of them."""
    grid = [
        [1, 5, 6],
        [4, 7, 11],
        [9, 8, 17],
        [14, 20, 34],
    ]
    mask = suppress(grid, 3, total_column=True, total_row=True)
    assert shown(grid, mask) == [
        ["x", "x", 6],
        ["x", "x", 11],
        [9, 8, 17],
        [14, 20, 34],
    ]
    assert lines_safe(grid, mask)


def test_zero_is_taken_only_when_nothing_else_is_left() -> None:
    """The partner chosen is the smallest non-zero cell, not a zero."""
    grid = [[2, 0, 7, 9], [3, 3, 3, 9], [5, 3, 10, 18]]
    mask = suppress(grid, 3, total_column=True, total_row=True)
    assert mask[0] == [True, False, True, False]
    assert lines_safe(grid, mask)


def test_a_row_of_one_small_count_takes_its_column_partners() -> None:
    """A row whose only count is small has a small total too; each of the two columns then
    needs a second hidden cell, taken from the next row."""
    grid = [[2, 2], [7, 7], [9, 9]]
    mask = suppress(grid, 3, total_column=True, total_row=True)
    assert shown(grid, mask) == [["x", "x"], ["x", "x"], [9, 9]]
    assert lines_safe(grid, mask)


def test_a_line_with_no_other_cell_hides_its_total() -> None:
    """When the lone hidden cell has no partner in its row (the rest is "no figure"), the
    row's total is hidden instead."""
    grid: list[list[int | None]] = [[2, None, 9]]
    assert suppress(grid, 3, total_column=True, total_row=False) == [[True, False, True]]


def test_without_totals_only_primary() -> None:
    """A table with no published totals only hides its small cells."""
    grid = [[1, 5], [2, 9]]
    assert suppress(grid, 3, total_column=False, total_row=False) == [[True, False], [True, False]]


def test_threshold_is_configurable_and_no_figure_is_ignored() -> None:
    """Threshold 5 hides 4; threshold 1 hides nothing; ``None`` is never hidden."""
    grid: list[list[int | None]] = [[4, None, 4], [6, None, 6], [10, None, 10]]
    mask = suppress(grid, 5, total_column=True, total_row=True)
    assert mask[0][0] and not mask[0][1]
    assert not any(any(row) for row in suppress(grid, 1, total_column=True, total_row=True))


def test_every_line_safe_on_a_larger_table() -> None:
    """A table with many small cells ends with no line holding a single hidden cell."""
    inner = [[1, 0, 4, 2], [5, 6, 0, 1], [0, 2, 8, 9], [7, 7, 7, 7]]
    grid = [[*row, sum(row)] for row in inner]
    grid.append([sum(col) for col in zip(*grid, strict=True)])
    mask = suppress(grid, 3, total_column=True, total_row=True)
    assert lines_safe(grid, mask)
    for r, row in enumerate(inner):
        for c, value in enumerate(row):
            if 1 <= value < 3:
                assert mask[r][c]


def test_linked_grids_hide_what_another_table_would_reveal() -> None:
    """A cell alone hidden in a group whose sum another grid publishes takes a partner."""
    from rogatory.statistics.suppression import suppress_linked

    states = [[1, 10, 11], [20, 5, 25], [30, 40, 70], [51, 55, 106]]  # France, Kenya, Germany
    groups = [[31, 50, 81], [20, 5, 25], [51, 55, 106]]  # Western Europe, Eastern Africa
    # France (row 0) and Germany (row 2) are in group 0, Kenya (row 1) in group 1.
    links = [
        ([(0, r, c) for r in members], (1, g, c))
        for g, members in enumerate([[0, 2], [1], [0, 1, 2]])
        for c in range(3)
    ]
    alone = suppress_linked([(states, True, True)], [], 3)[0]
    assert not alone[2][0]  # on its own, Germany's 30 is shown: 31 - 30 gives France's 1
    masks = suppress_linked([(states, True, True), (groups, True, True)], links, 3)
    assert masks[0][0][0] and masks[0][2][0]  # France's 1 and now Germany's 30
    assert masks[1][1][0]  # Kenya alone in its group: the group's cell goes with it
    hidden = {
        (g, r, c)
        for g, mask in enumerate(masks)
        for r, row in enumerate(mask)
        for c, flag in enumerate(row)
        if flag
    }
    for inner, total in links:
        assert sum(cell in hidden for cell in [*inner, total]) != 1
