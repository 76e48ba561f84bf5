import math
import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import number_format
from django.utils.safestring import SafeString

from rogatory.lib.charts import (
    PALETTE,
    Chart,
    Series,
    bar_chart_svg,
    column_chart_svg,
    format_number,
    nice_ticks,
    text_width,
    truncate,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG_TITLE = "{http://www.w3.org/2000/svg}title"
DRAWERS = [bar_chart_svg, column_chart_svg]


def parse(svg: str) -> ET.Element:
    """Parse the SVG as XML: fails unless it is well-formed."""
    return ET.fromstring(svg)  # noqa: S314 (our own output, no entities)


def by_class(root: ET.Element, tag: str, css: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{{{NS['svg']}}}{tag}") if e.get("class") == css]


def num(element: ET.Element, attribute: str) -> float:
    return float(element.attrib[attribute])


def states_chart(**kwargs: object) -> Chart:
    return Chart(
        title="Requests by state",
        categories=["France", "Germany", "Italy"],
        series=[Series("Requests", [12, 30, 0])],
        **kwargs,  # type: ignore[arg-type]
    )


def two_series_chart() -> Chart:
    return Chart(
        title="Requests by state and direction",
        categories=["France", "Germany"],
        series=[Series("Incoming", [10, 4]), Series("Outgoing", [5, 16])],
    )


@pytest.mark.parametrize("draw", DRAWERS)
def test_svg_is_well_formed_and_named(draw: object) -> None:
    """The picture parses as XML and is an image named by its title."""
    svg = draw(states_chart(), chart_id="c1")  # type: ignore[operator]
    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title"
    title = root.find("svg:title", NS)
    assert title is not None and title.get("id") == "c1-title"
    assert title.text == "Requests by state"
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"


def test_ids_are_unique_when_not_given() -> None:
    """Two charts on one page never share the id their aria-labelledby points at."""
    first = parse(bar_chart_svg(states_chart()))
    second = parse(bar_chart_svg(states_chart()))
    assert first.get("id") != second.get("id")
    assert first.get("aria-labelledby") == f"{first.get('id')}-title"


@pytest.mark.parametrize("draw", DRAWERS)
def test_labels_and_titles_are_escaped(draw: object) -> None:
    """Markup in titles, categories and series names is text, never markup."""
    chart = Chart(
        title="<script>alert(1)</script> & co",
        categories=["<script>x</script>", "Trinidad & Tobago", 'Say "hi"'],
        series=[Series("A & <b>B</b>", [1, 2, 3]), Series("C", [3, 2, 1])],
        unit="<i>days</i>",
    )
    svg = draw(chart)  # type: ignore[operator]
    assert "<script>" not in svg
    assert "<b>" not in svg and "<i>" not in svg
    root = parse(svg)
    texts = ["".join(e.itertext()) for e in root.iter()]
    assert "<script>alert(1)</script> & co" in texts
    assert "Trinidad & Tobago" in texts
    assert "A & <b>B</b>" in texts
    tooltips = [e.text for e in root.iter(SVG_TITLE)]
    assert "Trinidad & Tobago, A & <b>B</b>: 2 <i>days</i>" in tooltips


def test_control_characters_do_not_break_the_xml() -> None:
    chart = Chart(title="T\x00\x1b", categories=["a\x07b"], series=[Series("s", [1])])
    root = parse(bar_chart_svg(chart))
    assert "ab" in ["".join(e.itertext()) for e in root.iter()]


@pytest.mark.parametrize("draw", DRAWERS)
def test_unicode_labels_pass_through(draw: object) -> None:
    """Chinese and Arabic labels reach the SVG unchanged (no entity soup, no mangling)."""
    chart = Chart(
        title="按国家分列的请求 — الطلبات حسب الدولة",
        categories=["中国", "المملكة المغربية", "Côte d’Ivoire"],
        series=[Series("请求", [3, 4, 5])],
    )
    svg = draw(chart, rtl=True)  # type: ignore[operator]
    for text in (
        "按国家分列的请求 — الطلبات حسب الدولة",
        "中国",
        "المملكة المغربية",
        "Côte d’Ivoire",
    ):
        assert text in svg
    parse(svg)


def test_bar_lengths_follow_values_and_value_labels_sit_at_bar_ends() -> None:
    root = parse(bar_chart_svg(states_chart()))
    bars = by_class(root, "rect", "chart-bar")
    # The zero bar of Italy is not drawn at all.
    assert len(bars) == 2
    france, germany = bars
    assert num(germany, "width") == pytest.approx(num(france, "width") * 30 / 12, rel=0.01)
    assert num(france, "x") == num(germany, "x")
    values = by_class(root, "text", "chart-value")
    assert [v.text for v in values] == ["12", "30", "0"]
    for bar, value in zip(bars, values, strict=False):
        assert num(value, "x") == pytest.approx(num(bar, "x") + num(bar, "width") + 4, abs=0.02)
        assert value.get("text-anchor") == "start"
    assert {bar.get("fill") for bar in bars} == {PALETTE[0]}


def test_bars_stay_inside_the_picture() -> None:
    chart = Chart("Big", ["a", "b"], [Series("s", [10**12, 3 * 10**11])])
    root = parse(bar_chart_svg(chart, width=500))
    for bar in by_class(root, "rect", "chart-bar"):
        assert num(bar, "x") >= 0
        assert num(bar, "x") + num(bar, "width") <= 500
    ticks = [t.text for t in by_class(root, "text", "chart-tick")]
    assert ticks[-1] == "1000000000000"
    assert [v.text for v in by_class(root, "text", "chart-value")] == [
        "1000000000000",
        "300000000000",
    ]


def test_several_series_are_stacked_with_a_legend_and_the_total() -> None:
    """Each category gets one bar made of the series' parts; its total is written at the end."""
    root = parse(bar_chart_svg(two_series_chart()))
    bars = by_class(root, "rect", "chart-bar")
    assert [b.get("fill") for b in bars] == [PALETTE[0], PALETTE[1], PALETTE[0], PALETTE[1]]
    incoming, outgoing = bars[0], bars[1]
    assert num(outgoing, "x") == pytest.approx(num(incoming, "x") + num(incoming, "width"))
    assert incoming.get("y") == outgoing.get("y")
    assert [v.text for v in by_class(root, "text", "chart-value")] == ["15", "20"]
    assert [t.text for t in by_class(root, "text", "chart-legend")] == ["Incoming", "Outgoing"]
    swatches = by_class(root, "rect", "chart-swatch")
    assert [s.get("fill") for s in swatches] == [PALETTE[0], PALETTE[1]]


def test_columns_stack_upwards() -> None:
    root = parse(column_chart_svg(two_series_chart()))
    bars = by_class(root, "rect", "chart-bar")
    incoming, outgoing = bars[0], bars[1]
    assert num(outgoing, "y") + num(outgoing, "height") == pytest.approx(num(incoming, "y"))
    assert num(incoming, "x") == num(outgoing, "x")
    values = by_class(root, "text", "chart-value")
    assert [v.text for v in values] == ["15", "20"]
    assert num(values[0], "y") == pytest.approx(num(outgoing, "y") - 4)
    # Germany (20) is taller than France (15), both standing on the same baseline.
    germany_top = min(num(b, "y") for b in bars[2:])
    assert germany_top < num(outgoing, "y")


def test_rtl_mirrors_the_bar_chart() -> None:
    """Right to left, bars grow leftwards from the right and the labels stand on the right."""
    chart = two_series_chart()
    ltr = parse(bar_chart_svg(chart, chart_id="a"))
    rtl = parse(bar_chart_svg(chart, chart_id="a", rtl=True))
    width = num(ltr, "width")
    assert ltr.get("direction") == "ltr" and rtl.get("direction") == "rtl"
    for left, right in zip(
        by_class(ltr, "rect", "chart-bar"), by_class(rtl, "rect", "chart-bar"), strict=True
    ):
        assert num(right, "width") == num(left, "width")
        assert num(right, "y") == num(left, "y")
        assert num(right, "x") + num(right, "width") == pytest.approx(width - num(left, "x"))
    ltr_labels = by_class(ltr, "text", "chart-label")
    rtl_labels = by_class(rtl, "text", "chart-label")
    for left, right in zip(ltr_labels, rtl_labels, strict=True):
        assert num(right, "x") == pytest.approx(width - num(left, "x"))
        # English names in an Arabic chart keep their own direction, starting at the axis.
        assert left.get("text-anchor") == "end" and left.get("direction") is None
        assert right.get("text-anchor") == "start" and right.get("direction") == "ltr"
    # Labels on the left of the bars in LTR, on the right in RTL.
    first_ltr_bar = by_class(ltr, "rect", "chart-bar")[0]
    first_rtl_bar = by_class(rtl, "rect", "chart-bar")[0]
    assert num(ltr_labels[0], "x") < num(first_ltr_bar, "x")
    assert num(rtl_labels[0], "x") > num(first_rtl_bar, "x") + num(first_rtl_bar, "width")
    # The first series sits at the axis (right), the second further left.
    incoming, outgoing = by_class(rtl, "rect", "chart-bar")[:2]
    assert num(outgoing, "x") < num(incoming, "x")
    # Numbers keep left-to-right digits, anchored by hand to the left end of the bar.
    for value, bar in zip(
        by_class(rtl, "text", "chart-value"), by_class(rtl, "rect", "chart-bar")[1::2], strict=True
    ):
        assert value.get("direction") == "ltr"
        assert value.get("text-anchor") == "end"
        assert num(value, "x") == pytest.approx(num(bar, "x") - 4, abs=0.02)
    for left, right in zip(
        by_class(ltr, "line", "chart-grid"), by_class(rtl, "line", "chart-grid"), strict=True
    ):
        assert num(right, "x1") == pytest.approx(width - num(left, "x1"))


@pytest.mark.parametrize(
    ("rtl", "label", "direction", "anchor"),
    [
        (True, "المغرب", None, "end"),  # the chart's own direction: no attribute
        (True, "Maroc", "ltr", "start"),
        (False, "(2) المغرب", "rtl", "start"),  # the first strong letter decides, as dir=auto
        (False, "Morocco", None, "end"),
        (False, "المغرب", "rtl", "start"),
        (False, "中国", None, "end"),
        (True, "123", None, "end"),  # no strong character: the chart's direction
    ],
)
def test_labels_get_their_own_direction(
    rtl: bool, label: str, direction: str | None, anchor: str
) -> None:
    """A label of the other direction is set in it and anchored so it stays by the axis."""
    chart = Chart("Mixed", [label], [Series("s", [1])])
    root = parse(bar_chart_svg(chart, rtl=rtl))
    (text,) = by_class(root, "text", "chart-label")
    assert text.get("direction") == direction
    assert text.get("text-anchor") == anchor


def test_rtl_mirrors_the_column_chart() -> None:
    """The first column stands on the right and the value axis on the right."""
    chart = Chart("Months", ["Jan", "Feb", "Mar"], [Series("Requests", [1, 2, 3])])
    ltr = parse(column_chart_svg(chart))
    rtl = parse(column_chart_svg(chart, rtl=True))
    width = num(ltr, "width")
    ltr_bars = by_class(ltr, "rect", "chart-bar")
    rtl_bars = by_class(rtl, "rect", "chart-bar")
    assert num(rtl_bars[0], "x") > num(rtl_bars[-1], "x")
    for left, right in zip(ltr_bars, rtl_bars, strict=True):
        assert num(right, "x") + num(right, "width") == pytest.approx(width - num(left, "x"))
        assert right.get("height") == left.get("height")
    tick = by_class(rtl, "text", "chart-tick")[0]
    assert num(tick, "x") > num(rtl_bars[0], "x")
    assert tick.get("text-anchor") == "start" and tick.get("direction") == "ltr"


@pytest.mark.parametrize("draw", DRAWERS)
@pytest.mark.parametrize(
    "chart",
    [
        Chart("Nothing", [], []),
        Chart("No series", ["a", "b"], []),
        Chart("No categories", [], [Series("s", [])]),
    ],
)
def test_empty_chart_shows_the_callers_message(draw: object, chart: Chart) -> None:
    root = parse(draw(chart, empty_text="No requests yet"))  # type: ignore[operator]
    assert by_class(root, "rect", "chart-bar") == []
    assert [t.text for t in by_class(root, "text", "chart-empty")] == ["No requests yet"]


@pytest.mark.parametrize("draw", DRAWERS)
def test_empty_chart_without_message_is_an_empty_frame(draw: object) -> None:
    root = parse(draw(Chart("Nothing", [], [])))  # type: ignore[operator]
    assert by_class(root, "text", "chart-empty") == []
    assert by_class(root, "text", "chart-tick") == []
    assert len(by_class(root, "line", "chart-axis")) == 1


@pytest.mark.parametrize("draw", DRAWERS)
def test_all_zero_values_do_not_divide_by_zero(draw: object) -> None:
    chart = Chart("Zeros", ["a", "b"], [Series("s", [0, 0]), Series("t", [0, 0])])
    root = parse(draw(chart))  # type: ignore[operator]
    assert by_class(root, "rect", "chart-bar") == []
    assert [v.text for v in by_class(root, "text", "chart-value")] == ["0", "0"]


@pytest.mark.parametrize("draw", DRAWERS)
def test_odd_values_are_drawn_as_nothing_but_labelled(draw: object) -> None:
    """Negative or non-finite values draw no bar; the label still tells the number."""
    chart = Chart("Odd", ["a", "b", "c"], [Series("s", [-5, float("nan"), 2.5])])
    root = parse(draw(chart))  # type: ignore[operator]
    assert len(by_class(root, "rect", "chart-bar")) == 1
    assert [v.text for v in by_class(root, "text", "chart-value")] == ["-5", "–", "2.5"]
    for element in root.iter():
        for value in element.attrib.values():
            assert "nan" not in value and "inf" not in value


def test_mismatched_series_are_rejected() -> None:
    with pytest.raises(ValueError, match="2 values for 3 categories"):
        Chart("Bad", ["a", "b", "c"], [Series("s", [1, 2])])


def test_long_labels_are_cut_with_the_full_text_in_a_tooltip() -> None:
    long = "The Former Yugoslav Republic of a Very Long Name Indeed, With Commas"
    chart = Chart("Long", [long, "Peru"], [Series("s", [3, 4])])
    root = parse(bar_chart_svg(chart, width=400))
    labels = by_class(root, "text", "chart-label")
    assert labels[0].text is not None and labels[0].text.endswith("…")
    assert long.startswith(labels[0].text[:-1])
    assert text_width(labels[0].text) <= 400 * 0.35
    tooltips = [e.text for g in root.iter("{http://www.w3.org/2000/svg}g") for e in g]
    assert long in tooltips
    assert labels[1].text == "Peru"


def test_truncate_keeps_combining_marks_and_counts_wide_characters() -> None:
    assert truncate("short", 100) == ("short", False)
    assert text_width("中国") == 24  # wide: a full em each at 12px
    assert text_width("ab") == pytest.approx(14.4)
    assert text_width("\u064e") == 0  # a fatha takes no room
    cut, was_cut = truncate("中华人民共和国", 40)
    assert was_cut and cut == "中华…"
    # Room for two letters: the fatha and sukun stay with their letters.
    cut, was_cut = truncate("قَتْل عمد", 3 * 7.2)
    assert was_cut and cut == "\u0642\u064e\u062a\u0652…"


def test_column_labels_are_cut_to_their_band() -> None:
    chart = Chart("Months", [f"Month number {i}" for i in range(12)], [Series("s", [1] * 12)])
    root = parse(column_chart_svg(chart, width=480))
    labels = by_class(root, "text", "chart-label")
    assert all(label.text and label.text.endswith("…") for label in labels)


@pytest.mark.parametrize(
    ("maximum", "integers", "expected"),
    [
        (0, True, [0, 1]),
        (-3, False, [0, 1]),
        (float("nan"), False, [0, 1]),
        (1, True, [0, 1]),
        (7, True, [0, 2, 4, 6, 8]),
        (30, True, [0, 5, 10, 15, 20, 25, 30]),
        (99, True, [0, 20, 40, 60, 80, 100]),
        (1005, True, [0, 200, 400, 600, 800, 1000, 1200]),
        (2, True, [0, 1, 2]),
        (2, False, [0, 0.5, 1, 1.5, 2]),
        (0.3, False, [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]),
    ],
)
def test_nice_ticks(maximum: float, integers: bool, expected: list[float]) -> None:
    assert nice_ticks(maximum, integers=integers) == expected


def test_nice_ticks_steps_are_1_2_5_times_a_power_of_ten() -> None:
    for maximum in (0.0007, 0.04, 3, 17, 260, 4321, 98765, 3.2e9, 7e14):
        ticks = nice_ticks(maximum)
        step = ticks[1] - ticks[0]
        mantissa = step / 10 ** math.floor(math.log10(step))
        assert round(mantissa, 6) in (1, 2, 5)
        assert ticks[0] == 0 and ticks[-1] >= maximum and ticks[-2] < maximum
        assert 3 <= len(ticks) - 1 <= 10


def test_fractional_ticks_keep_their_decimals() -> None:
    chart = Chart("Small", ["a"], [Series("s", [0.3])])
    ticks = [t.text for t in by_class(parse(bar_chart_svg(chart)), "text", "chart-tick")]
    assert ticks == ["0.00", "0.05", "0.10", "0.15", "0.20", "0.25", "0.30"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (12, "12"),
        (12.0, "12"),
        (1234567, "1234567"),
        (2.25, "2.2"),
        (2.26, "2.3"),
        (-0.01, "-0.01"),
        (0.04, "0.04"),
        (1e20, "1e+20"),
        (float("inf"), "–"),
    ],
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text


def test_callers_number_format_is_used_for_values_ticks_and_table() -> None:
    """Django's localised formatter gives French decimal commas, for example."""

    def french(value: float) -> str:
        with translation.override("fr"):
            return number_format(value, decimal_pos=1)

    chart = Chart("Délais", ["Paris"], [Series("jours", [2.5])], number_format=french)
    root = parse(bar_chart_svg(chart))
    assert by_class(root, "text", "chart-value")[0].text == "2,5"
    assert "0,5" in [t.text for t in by_class(root, "text", "chart-tick")]
    assert chart.table_rows() == [["Paris", "2,5"]]
    # An explicit argument wins over the chart's own.
    root = parse(bar_chart_svg(chart, number_format=lambda v: f"<{v}>"))
    assert by_class(root, "text", "chart-value")[0].text == "<2.5>"


def test_table_rows() -> None:
    chart = two_series_chart()
    assert chart.table_rows() == [["France", "10", "5"], ["Germany", "4", "16"]]
    assert chart.table_rows(lambda v: f"{v:.2f}") == [
        ["France", "10.00", "5.00"],
        ["Germany", "4.00", "16.00"],
    ]
    assert Chart("Empty", [], []).table_rows() == []


def test_totals_are_labelled_without_float_noise() -> None:
    chart = Chart("Sum", ["a"], [Series("x", [0.1]), Series("y", [0.2])])
    assert chart.totals() == [pytest.approx(0.3)]
    root = parse(bar_chart_svg(chart))
    assert by_class(root, "text", "chart-value")[0].text == "0.3"


def test_many_series_cycle_through_the_palette() -> None:
    series = [Series(f"s{i}", [1]) for i in range(10)]
    root = parse(bar_chart_svg(Chart("Many", ["a"], series)))
    fills = [b.get("fill") for b in by_class(root, "rect", "chart-bar")]
    assert fills == [*PALETTE, PALETTE[0], PALETTE[1]]


def test_template_renders_figure_svg_and_data_table() -> None:
    """The include shows the picture and, for screen readers, a real table of the numbers."""
    chart = Chart(
        "Requests & replies",
        ["France", "<Germany>"],
        [Series("Incoming", [10, 4]), Series("Outgoing", [5, 16])],
        unit="cases",
        category_label="State",
    )
    svg = bar_chart_svg(chart, chart_id="t1")
    with translation.override("en"):
        html = render_to_string("web/_chart.html", {"chart": chart, "svg": svg})
    assert "<figure" in html and "<figcaption" in html
    assert svg in html  # the SVG is not escaped a second time
    assert "Requests &amp; replies" in html
    assert "&lt;Germany&gt;" in html and "<Germany>" not in html
    assert "<details" in html and "Show the numbers" in html
    assert re.search(r"<caption[^>]*>\s*Requests &amp; replies", html)
    assert '<th scope="col">State</th>' in html
    assert '<th scope="col">Incoming</th>' in html
    row = r'<th scope="row"><bdi>France</bdi></th>\s*<td><bdi>10</bdi></td>\s*<td><bdi>5</bdi></td>'
    assert re.search(row, html)


def test_template_for_an_empty_chart() -> None:
    """Without numbers the table says so instead of being empty."""
    chart = Chart("Nothing yet", [], [])
    svg = bar_chart_svg(chart, empty_text="Nothing to draw")
    with translation.override("en"):
        html = render_to_string("web/_chart.html", {"chart": chart, "svg": svg})
        custom = render_to_string(
            "web/_chart.html", {"chart": chart, "svg": svg, "empty_text": "No requests yet"}
        )
    assert "<table" in html
    assert "No data to show." in html
    assert "No requests yet" in custom and "No data to show." not in custom


@pytest.mark.parametrize("draw", DRAWERS)
def test_a_quantity_is_said_with_its_plural(draw: object) -> None:
    """ "1 request", "12 requests": the caller's ngettext says the number and its noun."""

    def quantity(value: float, text: str) -> str:
        return f"{text} request" if int(value) == 1 else f"{text} requests"

    chart = Chart(
        title="Requests by state",
        categories=["France", "Germany"],
        series=[Series("Requests", [1, 12])],
        unit="requests",
        quantity=quantity,
    )
    titles = [e.text for e in parse(draw(chart)).iter(SVG_TITLE)]  # type: ignore[operator]
    assert "France: 1 request" in titles and "Germany: 12 requests" in titles
