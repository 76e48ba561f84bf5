"""Charts of the statistics tables: one function turns a ``Table`` into an accessible SVG.

The drawing is ``rogatory.lib.charts`` (server-side inline SVG, decision 0043): the browser
sets the ``<text>``, so Arabic is shaped and Chinese drawn with the page's fonts, and the
picture is mirrored for right-to-left languages with the numbers kept left to right. This
module only decides, per table, which columns become series, whether the rows are ranked
(top N and the rest summed up), and says in a sentence what the picture shows.

:func:`table_chart` is what another page (a report) calls: it needs the ``Table`` and the
reading direction, nothing from the request. The table itself is printed beside the chart by
the caller: the chart is never the only way to the numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rogatory.lib.charts import Chart, NumberFormat, Series, bar_chart_svg, column_chart_svg

from .figures import Table

# Two colours that each contrast at least 3:1 with white (WCAG 1.4.11: 5.1 and 3.9), the
# second also hatched, so that "received" and "sent" differ by more than colour.
COLOURS = ("#0072B2", "#D55E00")
# More categories than this make bars too thin to read: the table alone says it better.
MOST_CATEGORIES = 40
# Widths in SVG units; the page scales a chart down to its column (and to A4 on paper). A
# column per category gets room for a label like "Sep 2026" up to the widest chart.
BARS_WIDTH = 800
COLUMN_ROOM = 80
COLUMNS_WIDTH = (640, 960)


@dataclass(frozen=True)
class ChartSpec:
    """How a table is drawn."""

    # "bars": horizontal, for named categories (states, grounds); "columns": vertical, for
    # ordered ones (months, bands of days).
    kind: Literal["bars", "columns"]
    # The columns of the table drawn as series (stacked), by index.
    series: tuple[int, ...]
    # Ranked: the ``top`` largest rows by name, the others summed up in one last row.
    top: int | None = None


# The tables that have a chart, by ``Table.key``.
SPECS: dict[str, ChartSpec] = {
    "months": ChartSpec("columns", (1, 2)),
    "states": ChartSpec("bars", (2, 3), top=10),
    "disposition_bands": ChartSpec("columns", (1, 2)),
    "backlog": ChartSpec("columns", (1, 2)),
    "refusals": ChartSpec("bars", (2, 3)),
}


def _number(value: Any) -> float:
    """A cell as a drawn value: numbers as they are, anything else (no figure) as 0."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    return value


def _total(row: list[Any], columns: tuple[int, ...]) -> float:
    return math.fsum(max(_number(row[i]), 0) for i in columns)


def chart_of(
    table: Table, spec: ChartSpec | None = None, number_format: NumberFormat | None = None
) -> Chart | None:
    """The chart of ``table`` (its spec from :data:`SPECS` unless given); ``None`` when the
    table has no chart or too many rows to draw."""
    spec = spec or SPECS.get(table.key)
    if spec is None or len(table.columns) <= max(spec.series, default=0):
        return None
    rows = [list(row) for row in table.rows if len(row) > max(spec.series)]
    if spec.top is not None:
        rows.sort(key=lambda row: (-_total(row, spec.series), str(row[0]).casefold()))
        if len(rows) > spec.top + 1:
            rest = rows[spec.top :]
            other: list[Any] = [
                ngettext("%(count)d other", "%(count)d others", len(rest)) % {"count": len(rest)}
            ]
            other += [
                sum(_number(row[i]) for row in rest) if i in spec.series else ""
                for i in range(1, len(table.columns))
            ]
            rows = [*rows[: spec.top], other]
    if len(rows) > MOST_CATEGORIES:
        return None
    categories = [str(row[0]) for row in rows]
    series = [Series(str(table.columns[i]), [_number(row[i]) for row in rows]) for i in spec.series]
    chart = Chart(
        title=table.title,
        categories=categories,
        series=series,
        category_label=str(table.columns[0]),
        colours=COLOURS,
        hatched=True,
    )
    chart.description = describe(chart, spec, number_format or _plain)
    return chart


def describe(chart: Chart, spec: ChartSpec, number_format: NumberFormat) -> str:
    """What the picture shows, in a sentence, for its ``<desc>``."""
    if chart.is_empty:
        return _("Nothing to show for this period.")
    totals = chart.totals()
    largest = max(range(len(totals)), key=lambda i: totals[i])
    parts = " / ".join(s.label for s in chart.series)
    shape = (
        _("Horizontal bars, one per row of the table, largest first")
        if spec.top is not None
        else _("Horizontal bars, one per row of the table")
        if spec.kind == "bars"
        else _("Columns, one per row of the table, in its order")
    )
    return _(
        "%(shape)s; each bar stacks %(parts)s. The largest total is %(label)s: %(value)s. "
        "The table beside the chart gives every number."
    ) % {
        "shape": shape,
        "parts": parts,
        "label": chart.categories[largest],
        "value": number_format(totals[largest]),
    }


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def table_chart(
    table: Table,
    *,
    rtl: bool = False,
    number_format: NumberFormat | None = None,
    width: int | None = None,
    chart_id: str | None = None,
) -> SafeString | None:
    """The SVG of ``table`` (``None`` when it has no chart): mirrored when ``rtl``.

    ``number_format`` formats the values, ticks and totals (the page passes the language's
    formatter); ``chart_id`` must be unique on the page (default: ``chart-<table key>``);
    ``width`` is in SVG units (default: wide enough for a year of month labels).
    """
    chart = chart_of(table, number_format=number_format)
    if chart is None:
        return None
    empty_text = _("Nothing to show for this period.")
    chart_id = chart_id or f"chart-{table.key}"
    if SPECS[table.key].kind == "bars":
        return bar_chart_svg(
            chart,
            rtl=rtl,
            width=width or BARS_WIDTH,
            number_format=number_format,
            empty_text=empty_text,
            chart_id=chart_id,
        )
    narrowest, widest = COLUMNS_WIDTH
    default = min(max(narrowest, 64 + COLUMN_ROOM * len(chart.categories)), widest)
    return column_chart_svg(
        chart,
        rtl=rtl,
        width=width or default,
        number_format=number_format,
        empty_text=empty_text,
        chart_id=chart_id,
    )
