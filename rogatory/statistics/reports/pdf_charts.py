"""Charts in the report's PDF, drawn with fpdf2's own shapes and text (decision 0043, later).

The page draws ``lib.charts``' SVG; fpdf2 can place an SVG too, but it sets the SVG's text in
a core font (no Cyrillic, Arabic or Chinese: it raises on them) and without Arabic shaping. So
the PDF draws the same ``Chart`` (``statistics.charts.chart_of``: the same series, ranking
and "others" row as the page) with rectangles and the PDF's own text calls, which shape Arabic
and fall back to the Chinese font like every other line of the report. Two colours far apart
in lightness and no hatching (a PDF pattern would be one more thing to get right); the table
printed right below carries every number (the PDF is untagged, decision 0029).

Columns (months, bands of days) stand left to right; bars (states, grounds) are ranked top to
bottom; in Arabic the picture is mirrored, as on the page: columns run right to left and
bars grow leftwards from the labels on the right.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from fpdf.enums import Align

from rogatory.lib.charts import Chart, nice_ticks
from rogatory.lib.fonts import directional

if TYPE_CHECKING:
    from .files import ReportPDF

# The series' colours (RGB): the page's blue and vermilion (decision 0043), which also differ
# in lightness when printed in grey.
COLOURS = ((0, 114, 178), (213, 94, 0))
GRID = (215, 220, 227)
INK = (29, 36, 48)
TEXT_SIZE = 7.0
LINE = 3.2  # mm per line of chart text


def height(chart: Chart, kind: str) -> float:
    """The room a chart takes on the page, in mm (to break the page before it)."""
    if kind == "bars":
        return 10 + len(chart.categories) * 5.0 + 6
    return 62.0


def _colour(index: int) -> tuple[int, int, int]:
    return COLOURS[index % len(COLOURS)]


def _legend(pdf: ReportPDF, chart: Chart, rtl: bool) -> None:
    pdf.set_font(pdf.main_font, "", TEXT_SIZE)
    y = pdf.get_y()
    x = pdf.w - pdf.r_margin if rtl else pdf.l_margin
    for index, series in enumerate(chart.series):
        label = directional(series.label, rtl)
        width = pdf.get_string_width(label)
        swatch = x - 3 if rtl else x
        pdf.set_fill_color(*_colour(index))
        pdf.rect(swatch, y + 0.4, 3, 2.4, style="F")
        text_x = swatch - 1 - width if rtl else swatch + 4
        pdf.set_xy(text_x, y)
        pdf.cell(width, LINE, label)
        x = text_x - 6 if rtl else text_x + width + 6
    pdf.set_y(y + LINE + 2)


def draw(
    pdf: ReportPDF, chart: Chart, kind: str, *, rtl: bool, number_format: Callable[[float], str]
) -> None:
    """Draw ``chart`` at the current position across the text width; the position ends
    below it."""
    if chart.is_empty:
        return
    pdf.set_draw_color(*GRID)
    pdf.set_text_color(*INK)
    _legend(pdf, chart, rtl)
    if kind == "bars":
        _bars(pdf, chart, rtl=rtl, number_format=number_format)
    else:
        _columns(pdf, chart, rtl=rtl, number_format=number_format)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_text_color(0, 0, 0)
    pdf.set_x(pdf.l_margin)
    pdf.ln(2)


def _columns(
    pdf: ReportPDF, chart: Chart, *, rtl: bool, number_format: Callable[[float], str]
) -> None:
    totals = chart.totals()
    ticks = nice_ticks(max(totals, default=0), integers=True)
    top, plot = pdf.get_y() + 2, 40.0
    bottom = top + plot
    pdf.set_font(pdf.main_font, "", TEXT_SIZE)
    axis = max(pdf.get_string_width(number_format(t)) for t in ticks) + 2
    left = pdf.l_margin + (0 if rtl else axis)
    right = pdf.w - pdf.r_margin - (axis if rtl else 0)
    scale = plot / ticks[-1]
    for tick in ticks:
        y = bottom - tick * scale
        pdf.line(left, y, right, y)
        label = number_format(tick)
        pdf.set_xy(right + 1 if rtl else pdf.l_margin, y - LINE / 2)
        pdf.cell(axis - 1, LINE, label, align=Align.L if rtl else Align.R)
    count = len(chart.categories)
    slot = (right - left) / count
    width = min(slot * 0.6, 14.0)
    for index, category in enumerate(chart.categories):
        position = count - 1 - index if rtl else index
        x = left + slot * position + (slot - width) / 2
        y = bottom
        for number, series in enumerate(chart.series):
            value = max(series.values[index], 0)
            if value:
                pdf.set_fill_color(*_colour(number))
                pdf.rect(x, y - value * scale, width, value * scale, style="F")
                y -= value * scale
        if totals[index]:
            pdf.set_xy(x - 2, y - LINE)
            pdf.cell(width + 4, LINE, number_format(totals[index]), align=Align.C)
        pdf.set_xy(left + slot * position, bottom + 0.5)
        label = _fit(pdf, category, slot - 0.5)
        pdf.cell(slot, LINE, directional(label, rtl), align=Align.C)
    pdf.set_y(bottom + LINE + 2)


def _bars(
    pdf: ReportPDF, chart: Chart, *, rtl: bool, number_format: Callable[[float], str]
) -> None:
    totals = chart.totals()
    ticks = nice_ticks(max(totals, default=0), integers=True)
    pdf.set_font(pdf.main_font, "", TEXT_SIZE)
    labels = pdf.epw * 0.3
    room = pdf.epw - labels - 12  # the total is written past the longest bar
    scale = room / ticks[-1]
    row = 5.0
    y = first = pdf.get_y()
    start = pdf.w - pdf.r_margin - labels if rtl else pdf.l_margin + labels
    for index, category in enumerate(chart.categories):
        label = directional(_fit(pdf, category, labels - 2), rtl)
        pdf.set_xy(start + 2 if rtl else pdf.l_margin, y + (row - LINE) / 2)
        pdf.cell(labels - 2, LINE, label, align=Align.L if rtl else Align.R)
        edge = start
        for number, series in enumerate(chart.series):
            length = max(series.values[index], 0) * scale
            if length:
                pdf.set_fill_color(*_colour(number))
                x = edge - length if rtl else edge
                pdf.rect(x, y + 0.8, length, row - 1.6, style="F")
                edge = edge - length if rtl else edge + length
        total = number_format(totals[index])
        width = pdf.get_string_width(total) + 1
        pdf.set_xy(edge - width - 1 if rtl else edge + 1, y + (row - LINE) / 2)
        pdf.cell(width, LINE, total)
        y += row
    pdf.line(start, first, start, y)
    pdf.set_y(y + 2)


def _fit(pdf: ReportPDF, text: str, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` (the table below has it whole)."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"
