"""Charts of the statistics tables: which rows and series, the geometry, Arabic, the tables.

The monthly and band tables are checked on the fixed data set of ``test_figures`` (the table
at the top of that module): by month in 2025, received: Jan 1, Feb 1, Mar 1, May 1; sent:
Jan 1, Feb 1, Apr 1. Disposed of: I1 and I2 after 60 days each (received), O1 after 30 and
O2 after 10 (sent).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.utils import translation

from conftest import Personas
from rogatory.cases.models import Case
from rogatory.cases.stats import Period
from rogatory.statistics import charts
from rogatory.statistics.distribution import disposition_bands
from rogatory.statistics.figures import Table
from rogatory.statistics.monthly import monthly
from rogatory.statistics.tests.test_figures import YEAR, data, put

__all__ = ["data"]  # the fixture, used by name below

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output)


def bars(root: ET.Element) -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}rect") if e.get("class") == "chart-bar"]


def texts(root: ET.Element, css: str) -> list[str]:
    return [e.text or "" for e in root.iter(f"{SVG}text") if e.get("class") == css]


def num(element: ET.Element, attribute: str) -> float:
    return float(element.attrib[attribute])


def states(rows: list[list[Any]]) -> Table:
    return Table(
        "states",
        "Requests by other state",
        "Unit: the request.",
        ["Other state", "M49 sub-region", "Received (incoming)", "Sent (outgoing)", "Total"],
        rows,
    )


def months(rows: list[list[Any]]) -> Table:
    return Table(
        "months",
        "Requests by month",
        "Unit: the request.",
        ["Month", "Received (incoming)", "Sent (outgoing)", "Total"],
        rows,
    )


# --- Which rows, which series ----------------------------------------------------------------


def test_tables_without_a_chart_get_none() -> None:
    table = Table("completeness", "Completeness", "", ["What", "Requests", "Figures"], [])
    assert charts.chart_of(table) is None
    assert charts.table_chart(table) is None


def test_ranked_bars_keep_the_top_states_and_sum_up_the_others() -> None:
    """Twelve states: the ten largest by name, then "2 others" with their sums."""
    rows = [[f"State {i:02}", "", i, 2 * i, 3 * i] for i in range(1, 13)]
    chart = charts.chart_of(states(rows))
    assert chart is not None
    assert chart.categories == [f"State {i:02}" for i in range(12, 2, -1)] + ["2 others"]
    assert [s.label for s in chart.series] == ["Received (incoming)", "Sent (outgoing)"]
    assert chart.series[0].values[-1] == 1 + 2 and chart.series[1].values[-1] == 2 + 4
    assert chart.series[0].values[0] == 12


def test_eleven_states_are_all_named_rather_than_one_other() -> None:
    rows = [[f"State {i:02}", "", i, 0, i] for i in range(1, 12)]
    chart = charts.chart_of(states(rows))
    assert chart is not None and len(chart.categories) == 11
    assert "other" not in " ".join(chart.categories)


def test_ordered_tables_keep_their_order_and_no_figure_draws_nothing() -> None:
    chart = charts.chart_of(months([["Jan", 1, None, 1], ["Feb", 5, 2, 7], ["Mar", 0, "", 0]]))
    assert chart is not None
    assert chart.categories == ["Jan", "Feb", "Mar"]
    assert chart.series[1].values == [0, 2, 0]


def test_too_many_rows_are_left_to_the_table() -> None:
    rows = [[str(year), 1, 1, 2] for year in range(1990, 1990 + charts.MOST_CATEGORIES + 1)]
    assert charts.chart_of(months(rows)) is None
    assert charts.chart_of(months(rows[:-1])) is not None


def test_the_description_names_the_largest_total() -> None:
    chart = charts.chart_of(months([["Jan", 1, 0, 1], ["Feb", 5, 2, 7]]))
    assert chart is not None
    assert "The largest total is Feb: 7." in chart.description
    assert "Received (incoming) / Sent (outgoing)" in chart.description


# --- Geometry --------------------------------------------------------------------------------


def test_the_svg_is_an_image_with_a_title_and_a_description() -> None:
    root = parse(charts.table_chart(months([["Jan", 1, 2, 3]])) or "")
    assert root.get("role") == "img"
    assert root.get("id") == "chart-months"
    assert root.get("aria-labelledby") == "chart-months-title"
    assert root.get("aria-describedby") == "chart-months-desc"
    assert root.findtext(f"{SVG}title") == "Requests by month"
    assert "largest total is Jan: 3" in (root.findtext(f"{SVG}desc") or "")


def test_columns_scale_to_the_largest_total_and_the_second_series_is_hatched() -> None:
    """Heights are proportional to the values on one scale; sent columns are striped."""
    root = parse(charts.table_chart(months([["Jan", 2, 0, 2], ["Feb", 4, 4, 8]])) or "")
    jan, feb_in, feb_out = bars(root)
    assert num(feb_in, "height") == pytest.approx(2 * num(jan, "height"))
    assert num(feb_out, "height") == pytest.approx(num(feb_in, "height"))
    assert jan.get("fill") == "#0072B2" and feb_in.get("fill") == "#0072B2"
    assert feb_out.get("fill") == "url(#chart-months-hatch-1)"
    assert root.find(f"{SVG}defs/{SVG}pattern[@id='chart-months-hatch-1']") is not None
    assert texts(root, "chart-value") == ["2", "8"]
    # The axis reaches at least the largest total, in whole numbers.
    ticks = [int(t) for t in texts(root, "chart-tick")]
    assert ticks[0] == 0 and ticks[-1] >= 8


def test_one_row_draws_one_column_and_zero_rows_draw_the_empty_message() -> None:
    one = parse(charts.table_chart(months([["Jan", 3, 0, 3]])) or "")
    assert len(bars(one)) == 1
    empty = parse(charts.table_chart(months([])) or "")
    assert bars(empty) == []
    assert texts(empty, "chart-empty") == ["Nothing to show for this period."]
    assert "Nothing to show" in (empty.findtext(f"{SVG}desc") or "")


def test_all_zero_and_negative_values_draw_no_bar_but_keep_their_labels() -> None:
    root = parse(charts.table_chart(months([["Jan", 0, 0, 0], ["Feb", -3, 0, -3]])) or "")
    assert bars(root) == []
    assert texts(root, "chart-label") == ["Jan", "Feb"]
    assert texts(root, "chart-value") == ["0", "-3"]


def test_bars_of_the_ranked_chart_shrink_down_the_list() -> None:
    rows = [["Kenya", "", 3, 1, 4], ["Germany", "", 8, 0, 8], ["Spain", "", 0, 2, 2]]
    root = parse(charts.table_chart(states(rows)) or "")
    assert texts(root, "chart-label") == ["Germany", "Kenya", "Spain"]
    widths = [num(b, "width") for b in bars(root)]
    # Germany 8 | Kenya 3 + 1 | Spain 0 + 2 (a zero draws nothing).
    assert widths[0] == pytest.approx(2 * (widths[1] + widths[2]))
    assert widths[3] == pytest.approx(widths[2] * 2)


def test_arabic_mirrors_the_bars_and_keeps_numbers_left_to_right() -> None:
    rows = [["كينيا", "", 3, 1, 4], ["ألمانيا", "", 8, 0, 8]]
    ltr = parse(charts.table_chart(states(rows)) or "")
    rtl = parse(charts.table_chart(states(rows), rtl=True) or "")
    width = num(ltr, "width")
    assert rtl.get("direction") == "rtl"
    for left, right in zip(bars(ltr), bars(rtl), strict=True):
        assert num(right, "x") + num(right, "width") == pytest.approx(width - num(left, "x"))
    # The first bar grows leftwards from the axis on the right.
    first = bars(rtl)[0]
    assert num(first, "x") + num(first, "width") > width / 2
    values = [e for e in rtl.iter(f"{SVG}text") if e.get("class") == "chart-value"]
    assert [v.text for v in values] == ["8", "4"]
    assert all(v.get("direction") == "ltr" for v in values)
    # Arabic names in an Arabic chart need no direction of their own.
    labels = [e for e in rtl.iter(f"{SVG}text") if e.get("class") == "chart-label"]
    assert all(label.get("direction") is None for label in labels)


def test_a_year_of_months_keeps_its_labels_whole() -> None:
    rows = [[f"Sep {2000 + i}", 1, 1, 2] for i in range(12)]
    root = parse(charts.table_chart(months(rows)) or "")
    assert num(root, "width") == 960
    assert texts(root, "chart-label") == [row[0] for row in rows]
    assert num(parse(charts.table_chart(months(rows[:2])) or ""), "width") == 640


def test_text_is_escaped() -> None:
    root = parse(charts.table_chart(months([["<b>&", 1, 1, 2]])) or "")
    assert texts(root, "chart-label") == ["<b>&"]


# --- The new tables, on the fixed data set ---------------------------------------------------


def test_monthly_counts_each_month_of_2025(data: dict[str, Case], personas: Personas) -> None:
    table = monthly(Case.objects.for_user(personas.supervisor), YEAR)
    assert table.key == "months" and table.title == "Requests by month"
    assert len(table.rows) == 12
    counts = [row[1:] for row in table.rows]
    assert counts[:5] == [[1, 1, 2], [1, 1, 2], [1, 0, 1], [0, 1, 1], [1, 0, 1]]
    assert counts[5:] == [[0, 0, 0]] * 7
    assert table.total == ["All", 4, 3, 7]
    assert table.rows[0][0] == "Jan 2025"


def test_a_long_period_is_counted_by_year(data: dict[str, Case], personas: Personas) -> None:
    period = Period(YEAR.start.replace(year=2022), YEAR.end)
    table = monthly(Case.objects.for_user(personas.supervisor), period)
    assert table.title == "Requests by year"
    assert [row[0] for row in table.rows] == ["2022", "2023", "2024", "2025"]
    assert table.rows[2][1:] == [1, 0, 1]  # I5, received in December 2024
    assert table.rows[3][1:] == [4, 3, 7]


def test_monthly_labels_follow_the_language(data: dict[str, Case], personas: Personas) -> None:
    with translation.override("fr"):
        table = monthly(Case.objects.for_user(personas.supervisor), YEAR)
    assert table.rows[1][0].casefold() == "fév 2025"


def test_disposition_bands(data: dict[str, Case], personas: Personas) -> None:
    table = disposition_bands(Case.objects.for_user(personas.supervisor), YEAR)
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["Up to 30 days"] == [0, 2, 2]
    assert rows["31 to 90 days"] == [2, 0, 2]
    assert rows["More than a year"] == [0, 0, 0]
    assert len(table.rows) == 5
    assert table.total == ["All", 2, 2, 4]


def test_dates_out_of_order_get_their_own_band(data: dict[str, Case], personas: Personas) -> None:
    put(data["O1"], executed_on=YEAR.start)  # executed before it was sent (15 January)
    table = disposition_bands(Case.objects.for_user(personas.supervisor), YEAR)
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["Disposed of before it started (dates out of order)"] == [0, 1, 1]
    assert rows["Up to 30 days"] == [0, 1, 1]
