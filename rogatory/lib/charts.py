"""Accessible bar and column charts drawn as inline SVG on the server, without JavaScript.

Every chart is an ``<svg role="img">`` named by its ``<title>`` (through ``aria-labelledby``);
the numbers themselves reach screen-reader users through the data table that
``web/_chart.html`` renders beside the picture from :meth:`Chart.table_rows`.

Several series are **stacked**, not grouped: the dashboards compare totals (requests per state,
cases per officer, per month) and stacking keeps one bar per category however many series
there are, with the total written at the end of the bar. The parts are in the table.

Text width cannot be measured on the server, so it is estimated from the characters (wide
for Chinese, nothing for combining marks); labels longer than their room are cut with an
ellipsis and keep their full text in a ``<title>`` tooltip.

With ``rtl=True`` the picture is mirrored for Arabic: every x coordinate becomes
``width - x``, the root carries ``direction="rtl"`` so that ``text-anchor`` start and end
follow the reading direction. The root always names its direction, since an inline SVG would
otherwise inherit the page's. Numbers are always set left to right (a minus sign stays in
front of its digits), and a label whose first strong letter is of the other direction (an
English name in an Arabic chart) gets its own ``direction``, as HTML's ``dir="auto"`` would.

Values are expected to be counts or durations, so zero or more: a negative value is drawn as
an empty bar (its label and the table still show the number).
"""

from __future__ import annotations

import math
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = [
    "PALETTE",
    "Chart",
    "NumberFormat",
    "Series",
    "bar_chart_svg",
    "column_chart_svg",
    "format_number",
    "nice_ticks",
]

NumberFormat = Callable[[float], str]
Anchor = Literal["start", "middle", "end"]
Direction = Literal["ltr", "rtl"]

# Okabe & Ito's colour-blind-safe palette, darkest and most distinct first; the yellow and
# black come last (yellow is faint on white, black reads as text).
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermilion
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow
    "#000000",  # black
)
INK = "#1d2430"
MUTED = "#5b6472"
GRID = "#d7dce3"
FONT_SIZE = 12
PAD = 8
GAP = 6
LEGEND_HEIGHT = 24
SWATCH = 12
ELLIPSIS = "…"
_FLIPPED: dict[Anchor, Anchor] = {"start": "end", "middle": "middle", "end": "start"}


@dataclass
class Series:
    """One named row of values, one value per category."""

    label: str
    values: list[float | int]


@dataclass
class Chart:
    """What a chart shows: the categories, one or more series over them, and the unit."""

    title: str
    categories: list[str]
    series: list[Series]
    unit: str = ""
    # "14 requests" said properly in every language (ngettext): given the number and its
    # formatted text; without it the tooltip appends ``unit`` to the number.
    quantity: Callable[[float, str], str] | None = field(default=None, repr=False, compare=False)
    # Heading of the category column of the data table ("State", "Month"); may stay empty.
    category_label: str = ""
    # Formats the numbers of the table and, unless the drawing function is given its own,
    # of the picture; the caller passes Django's localised formatter.
    number_format: NumberFormat | None = field(default=None, repr=False, compare=False)
    # What the picture shows, in a sentence (the SVG's ``<desc>``, its accessible description).
    description: str = ""
    # Colours of the series instead of the palette (e.g. two that both contrast with white).
    colours: tuple[str, ...] = ()
    # Every second series hatched with white stripes, so that series differ by more than colour.
    hatched: bool = False

    def __post_init__(self) -> None:
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(
                    f"series {series.label!r} has {len(series.values)} values "
                    f"for {len(self.categories)} categories"
                )

    @property
    def is_empty(self) -> bool:
        """Return whether there is nothing to draw: no category or no series."""
        return not self.categories or not self.series

    def totals(self) -> list[float]:
        """Return the sum of the series for each category."""
        return [
            _sum(series.values[i] for series in self.series) for i in range(len(self.categories))
        ]

    def table_rows(self, number_format: NumberFormat | None = None) -> list[list[str]]:
        """Return one row per category: its label, then each series' value, formatted."""
        fmt = number_format or self.number_format or format_number
        return [
            [category, *(fmt(series.values[i]) for series in self.series)]
            for i, category in enumerate(self.categories)
        ]


def format_number(value: float) -> str:
    """Format a number the same in every language: whole numbers bare, others to 0.1.

    Fractions under 0.1 keep two significant digits rather than print as 0; huge numbers
    switch to exponent notation.
    """
    if not math.isfinite(value):
        return "–"
    if abs(value) >= 1e15:
        return f"{value:.3g}"
    if float(value).is_integer():
        return str(int(value))
    if abs(value) < 0.1:
        return f"{value:.2g}"
    text = f"{value:.1f}"
    return "0" if text in ("0.0", "-0.0") else text


def nice_ticks(maximum: float, *, target: int = 5, integers: bool = False) -> list[float]:
    """Return axis ticks from 0 past ``maximum`` in steps of 1, 2 or 5 times a power of ten.

    ``integers`` keeps the step at 1 or more, for counts. There are always at least two ticks,
    so a chart of zeros still has an axis to scale against.
    """
    if not math.isfinite(maximum) or maximum <= 0:
        return [0, 1]
    step = _nice_step(maximum, max(target, 1))
    if integers:
        step = max(step, 1)
    count = max(math.ceil(maximum / step - 1e-9), 1)
    # Whole multiples computed one by one avoid the drift of adding a float step repeatedly.
    return [_tidy(i * step) for i in range(count + 1)]


def _nice_step(maximum: float, target: int) -> float:
    """Pick the 1, 2 or 5 × 10ⁿ step whose number of intervals is nearest to ``target``."""
    # Below about 1e-300 the power of ten would underflow to zero.
    raw = max(maximum, 1e-300) / target
    magnitude = 10.0 ** math.floor(math.log10(raw))
    candidates = [m * magnitude for m in (1, 2, 5, 10)]
    # Ties go to the larger step: fewer, rounder ticks.
    return min(
        reversed(candidates), key=lambda step: abs(math.ceil(maximum / step - 1e-9) - target)
    )


def _tidy(value: float) -> float:
    """Drop the binary noise of e.g. 3 * 0.1, keeping whole numbers as int."""
    rounded = round(value, 10)
    # Only where a float holds every whole number exactly (below 2**53).
    return int(rounded) if abs(rounded) < 2**53 and float(rounded).is_integer() else rounded


def _tick_format(ticks: list[float]) -> NumberFormat:
    """Format ticks with as many decimals as their step needs (0.05, 0.10, 0.15 …)."""
    step = ticks[1] - ticks[0]
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if 0 < step < 1 else 0
    if decimals == 0 or ticks[-1] >= 1e15:
        return format_number
    return lambda value: f"{value:.{decimals}f}"


def _sum(values: Iterable[float]) -> float:
    """Add with a single rounding (no drift over many terms); plain addition on overflow."""
    values = list(values)
    try:
        return math.fsum(values)
    except OverflowError:
        return sum(values)


def _drawn(value: float) -> float:
    """Return the length a value is drawn with: negative and non-finite values draw nothing."""
    return value if math.isfinite(value) and value > 0 else 0.0


_CONTROL = dict.fromkeys(c for c in range(32) if chr(c) not in "\t\n\r")


def _clean(text: str) -> str:
    """Remove control characters, which XML forbids even escaped."""
    return str(text).translate(_CONTROL)


def _direction_of(text: str) -> Direction | None:
    """Return the direction of the first strong character, as HTML's dir="auto" does."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None


def _char_width(char: str) -> float:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    return 0.6


def text_width(text: str, font_size: float = FONT_SIZE) -> float:
    """Estimate the drawn width of ``text`` (the server has no font metrics)."""
    return sum(_char_width(c) for c in text) * font_size


def truncate(text: str, max_width: float, font_size: float = FONT_SIZE) -> tuple[str, bool]:
    """Cut ``text`` to ``max_width`` with an ellipsis; return it and whether it was cut."""
    if text_width(text, font_size) <= max_width:
        return text, False
    room = max_width - text_width(ELLIPSIS, font_size)
    used = 0.0
    kept: list[str] = []
    for char in text:
        width = _char_width(char) * font_size
        # Combining marks (zero width) stay with the letter they belong to.
        if width and used + width > room:
            break
        kept.append(char)
        used += width
    return "".join(kept).rstrip() + ELLIPSIS, True


class _Canvas:
    """Collects SVG elements drawn in left-to-right coordinates, mirroring them for rtl."""

    def __init__(self, width: float, *, rtl: bool) -> None:
        self.width = width
        self.rtl = rtl
        self.direction: Direction = "rtl" if rtl else "ltr"
        self.parts: list[str] = []
        self.defs: dict[str, str] = {}

    def x(self, x: float) -> float:
        return self.width - x if self.rtl else x

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def rect(
        self, x: float, y: float, w: float, h: float, *, fill: str, css: str, tooltip: str = ""
    ) -> None:
        left = self.width - x - w if self.rtl else x
        tip = f"<title>{escape(tooltip)}</title>" if tooltip else ""
        self.add(
            f'<rect class="{css}" x="{_n(left)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" '
            f'fill="{fill}">{tip}</rect>'
        )

    def line(self, x1: float, y1: float, x2: float, y2: float, *, stroke: str, css: str) -> None:
        self.add(
            f'<line class="{css}" x1="{_n(self.x(x1))}" y1="{_n(y1)}" x2="{_n(self.x(x2))}" '
            f'y2="{_n(y2)}" stroke="{stroke}"/>'
        )

    def text(
        self,
        x: float,
        y: float,
        content: str,
        *,
        anchor: Anchor,
        css: str,
        number: bool = False,
        tooltip: str = "",
        fill: str = INK,
    ) -> None:
        """Write text anchored at ``x`` as in a left-to-right chart (start = text goes right).

        Under the chart's ``direction`` the same logical anchor lands on the mirrored side of
        a mirrored chart. Text of the other direction (numbers are always left to right; an
        English name in an Arabic chart, an Arabic one in an English chart) gets its own
        ``direction``, so the bidi algorithm orders it well (a minus sign before its digits,
        the ellipsis at its end), and the opposite anchor, so it still lands in the same place.
        """
        own = "ltr" if number else _direction_of(content)
        extra = ""
        if own is not None and own != self.direction:
            extra = f' direction="{own}"'
            anchor = _FLIPPED[anchor]
        element = (
            f'<text class="{css}" x="{_n(self.x(x))}" y="{_n(y)}" text-anchor="{anchor}" '
            f'fill="{fill}"{extra}>{escape(content)}</text>'
        )
        if tooltip:
            element = f"<g><title>{escape(tooltip)}</title>{element}</g>"
        self.add(element)

    def svg(
        self, *, height: float, title: str, chart_id: str, kind: str, description: str = ""
    ) -> SafeString:
        title_id = f"{chart_id}-title"
        desc_id = f"{chart_id}-desc"
        direction = self.direction
        described = f' aria-describedby="{escape(desc_id)}"' if description else ""
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg chart-{kind}" '
            f'id="{escape(chart_id)}" role="img" aria-labelledby="{escape(title_id)}"{described} '
            f'width="{_n(self.width)}" height="{_n(height)}" '
            f'viewBox="0 0 {_n(self.width)} {_n(height)}" direction="{direction}" '
            f'font-size="{FONT_SIZE}">'
            f'<title id="{escape(title_id)}">{escape(title)}</title>'
        )
        if description:
            head += f'<desc id="{escape(desc_id)}">{escape(description)}</desc>'
        if self.defs:
            head += "<defs>" + "".join(self.defs.values()) + "</defs>"
        # Every piece of text was escaped as it was added.
        return mark_safe(head + "".join(self.parts) + "</svg>")  # noqa: S308

    def fill(self, chart: Chart, index: int, chart_id: str) -> str:
        """The fill of series ``index``: its colour, or a pattern of it with white stripes."""
        colours = chart.colours or PALETTE
        colour = colours[index % len(colours)]
        if not (chart.hatched and index % 2):
            return colour
        pattern_id = f"{chart_id}-hatch-{index}"
        self.defs[pattern_id] = (
            f'<pattern id="{escape(pattern_id)}" width="6" height="6" '
            f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
            f'<rect width="6" height="6" fill="{colour}"/>'
            f'<rect width="2" height="6" fill="#fff"/></pattern>'
        )
        return f"url(#{pattern_id})"


def _n(value: float) -> str:
    """Format a coordinate compactly: two decimals at most, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@dataclass
class _Layout:
    """What both kinds of chart work out before drawing."""

    fmt: NumberFormat
    ident: str
    labels: list[str]
    value_texts: list[str]
    ticks: list[float]
    tick_texts: list[str]


def _layout(chart: Chart, number_format: NumberFormat | None, chart_id: str | None) -> _Layout:
    fmt = number_format or chart.number_format or format_number
    empty = chart.is_empty
    totals = [] if empty else chart.totals()
    drawn_totals = [
        _sum(_drawn(series.values[i]) for series in chart.series) for i in range(len(totals))
    ]
    # Counts get whole-number ticks: "0.5 requests" would be absurd.
    integers = all(
        isinstance(v, int) or (math.isfinite(v) and float(v).is_integer())
        for series in chart.series
        for v in series.values
    )
    ticks = nice_ticks(max(drawn_totals, default=0), integers=integers)
    tick_fmt = fmt if fmt is not format_number else _tick_format(ticks)
    return _Layout(
        fmt=fmt,
        ident=chart_id or f"chart-{uuid.uuid4().hex[:12]}",
        labels=[] if empty else [_clean(c) for c in chart.categories],
        value_texts=[fmt(t) for t in totals],
        ticks=ticks,
        tick_texts=[tick_fmt(t) for t in ticks],
    )


def _legend(canvas: _Canvas, chart: Chart, top: float, right: float, chart_id: str) -> None:
    """Draw a swatch and a label per series, in one row (several series only)."""
    x: float = PAD
    y = top + (LEGEND_HEIGHT - SWATCH) / 2
    for index, series in enumerate(chart.series):
        label, cut = truncate(_clean(series.label), max(right - x - SWATCH - GAP, 24))
        canvas.rect(
            x, y, SWATCH, SWATCH, fill=canvas.fill(chart, index, chart_id), css="chart-swatch"
        )
        canvas.text(
            x + SWATCH + 4,
            y + SWATCH - 2,
            label,
            anchor="start",
            css="chart-legend",
            tooltip=_clean(series.label) if cut else "",
        )
        x += SWATCH + 4 + text_width(label) + 16
        if x >= right:
            break


def _empty_message(canvas: _Canvas, text: str, x: float, y: float) -> None:
    if text:
        canvas.text(x, y, _clean(text), anchor="middle", css="chart-empty", fill=MUTED)


def bar_chart_svg(
    chart: Chart,
    *,
    rtl: bool = False,
    width: int = 640,
    number_format: NumberFormat | None = None,
    empty_text: str = "",
    chart_id: str | None = None,
    band: int = 28,
) -> SafeString:
    """Draw horizontal bars, one per category, stacking the series.

    Categories run down the side (state names, officers), the value axis along the bottom,
    totals at the ends of the bars. ``rtl`` mirrors it all: bars grow from right to left and
    the labels stand on the right. ``empty_text`` is written when there is nothing to draw.
    """
    layout = _layout(chart, number_format, chart_id)
    fmt, labels, value_texts = layout.fmt, layout.labels, layout.value_texts
    ticks, tick_texts = layout.ticks, layout.tick_texts
    canvas = _Canvas(width, rtl=rtl)

    legend_h = LEGEND_HEIGHT if len(chart.series) > 1 and labels else 0
    top = PAD + legend_h
    plot_h = band * len(labels) if labels else band * 2
    height = top + plot_h + FONT_SIZE + 2 * GAP + PAD
    label_w = min(max((text_width(t) for t in labels), default=0), width * 0.35)
    value_w = max(
        max((text_width(t) for t in value_texts), default=0) + GAP,
        text_width(tick_texts[-1]) / 2,
    )
    x0 = PAD + label_w + (GAP if labels else 0)
    plot_w = max(width - PAD - value_w - x0, 1.0)
    axis_max = ticks[-1]

    def scale(value: float) -> float:
        return min(value / axis_max, 1.0) * plot_w

    if legend_h:
        _legend(canvas, chart, PAD, width - PAD, layout.ident)
    # An empty chart has no scale worth showing, only its baseline.
    for tick, text in zip(ticks, tick_texts, strict=True) if labels else ():
        x = x0 + scale(tick)
        canvas.line(x, top, x, top + plot_h, stroke=GRID, css="chart-grid")
        canvas.text(
            x, top + plot_h + GAP + FONT_SIZE, text, anchor="middle", css="chart-tick", number=True
        )
    bar_h = band * 0.64
    for row, label in enumerate(labels):
        y = top + row * band
        shown, cut = truncate(label, label_w)
        canvas.text(
            x0 - GAP,
            y + band / 2 + FONT_SIZE * 0.35,
            shown,
            anchor="end",
            css="chart-label",
            tooltip=label if cut else "",
        )
        x = x0
        for index, series in enumerate(chart.series):
            length = scale(_drawn(series.values[row]))
            if length > 0:
                canvas.rect(
                    x,
                    y + (band - bar_h) / 2,
                    length,
                    bar_h,
                    fill=canvas.fill(chart, index, layout.ident),
                    css="chart-bar",
                    tooltip=_tooltip(label, chart, series, series.values[row], fmt),
                )
            x += length
        canvas.text(
            x + 4,
            y + band / 2 + FONT_SIZE * 0.35,
            value_texts[row],
            anchor="start",
            css="chart-value",
            number=True,
        )
    canvas.line(x0, top, x0, top + plot_h, stroke=MUTED, css="chart-axis")
    if not labels:
        _empty_message(canvas, empty_text, width / 2, top + plot_h / 2 + FONT_SIZE * 0.35)
    return canvas.svg(
        height=height,
        title=_clean(chart.title),
        chart_id=layout.ident,
        kind="bars",
        description=_clean(chart.description),
    )


def column_chart_svg(
    chart: Chart,
    *,
    rtl: bool = False,
    width: int = 640,
    height: int = 260,
    number_format: NumberFormat | None = None,
    empty_text: str = "",
    chart_id: str | None = None,
) -> SafeString:
    """Draw vertical columns, one per category (months, years), stacking the series.

    Categories run along the bottom, the value axis up the side, totals above the columns.
    ``rtl`` mirrors it: the first category stands on the right and the axis on the right.
    """
    layout = _layout(chart, number_format, chart_id)
    fmt, labels, value_texts = layout.fmt, layout.labels, layout.value_texts
    ticks, tick_texts = layout.ticks, layout.tick_texts
    canvas = _Canvas(width, rtl=rtl)

    legend_h = LEGEND_HEIGHT if len(chart.series) > 1 and labels else 0
    top = PAD + legend_h + FONT_SIZE + GAP  # room for the totals above the tallest column
    bottom = height - PAD - FONT_SIZE - GAP  # room for the category labels
    plot_h = max(bottom - top, 1.0)
    x0 = PAD + max(text_width(t) for t in tick_texts) + GAP
    plot_w = max(width - PAD - x0, 1.0)
    axis_max = ticks[-1]
    band = plot_w / len(labels) if labels else plot_w
    column_w = min(band * 0.7, 56)

    def scale(value: float) -> float:
        return min(value / axis_max, 1.0) * plot_h

    if legend_h:
        _legend(canvas, chart, PAD, width - PAD, layout.ident)
    # An empty chart has no scale worth showing, only its baseline.
    for tick, text in zip(ticks, tick_texts, strict=True) if labels else ():
        y = bottom - scale(tick)
        canvas.line(x0, y, x0 + plot_w, y, stroke=GRID, css="chart-grid")
        canvas.text(
            x0 - GAP, y + FONT_SIZE * 0.35, text, anchor="end", css="chart-tick", number=True
        )
    for column, label in enumerate(labels):
        centre = x0 + band * (column + 0.5)
        shown, cut = truncate(label, band - 4)
        canvas.text(
            centre,
            bottom + GAP + FONT_SIZE,
            shown,
            anchor="middle",
            css="chart-label",
            tooltip=label if cut else "",
        )
        y = bottom
        for index, series in enumerate(chart.series):
            length = scale(_drawn(series.values[column]))
            if length > 0:
                y -= length
                canvas.rect(
                    centre - column_w / 2,
                    y,
                    column_w,
                    length,
                    fill=canvas.fill(chart, index, layout.ident),
                    css="chart-bar",
                    tooltip=_tooltip(label, chart, series, series.values[column], fmt),
                )
        canvas.text(
            centre, y - 4, value_texts[column], anchor="middle", css="chart-value", number=True
        )
    canvas.line(x0, bottom, x0 + plot_w, bottom, stroke=MUTED, css="chart-axis")
    if not labels:
        _empty_message(canvas, empty_text, x0 + plot_w / 2, top + plot_h / 2)
    return canvas.svg(
        height=height,
        title=_clean(chart.title),
        chart_id=layout.ident,
        kind="columns",
        description=_clean(chart.description),
    )


def _tooltip(
    category: str, chart: Chart, series: Series, value: float, fmt: Callable[[float], str]
) -> str:
    """Name one bar for mouse users: "Spain, incoming: 12 days"."""
    name = f"{category}, {_clean(series.label)}" if len(chart.series) > 1 else category
    if chart.quantity is not None:
        return f"{name}: {_clean(chart.quantity(value, fmt(value)))}"
    return f"{name}: {fmt(value)} {_clean(chart.unit)}".rstrip()
