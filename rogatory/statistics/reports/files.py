"""A report document as a workbook (one sheet per section) and as a PDF (fpdf2, fonts embedded,
Arabic shaped right to left, like the drafting renderer), each table with its counting rule."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterator
from typing import Any, cast

from django.utils.translation import gettext as _
from fpdf.enums import Align, MethodReturnValue, XPos, YPos
from openpyxl import Workbook
from openpyxl.styles import Font

from rogatory.cases.exports import spreadsheet_safe
from rogatory.lib import fonts
from rogatory.lib.fonts import directional
from rogatory.lib.pdf import ShapedPDF

from .. import charts
from ..exports import shown
from . import pdf_charts
from .document import table_of

RTL_LANGUAGES = frozenset({"ar"})
# Padding inside a table cell, in millimetres.
PAD = 0.8
# Characters a sheet name may not hold (Excel).
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _about(document: dict[str, Any]) -> list[tuple[str, str]]:
    rows = [
        (_("Report"), document["title"]),
        (_("Authority"), document["authority"]),
        (_("Period"), f"{document['start']} – {document['end']}"),
        (_("Figures as of"), document["as_of"]),
        (_("Generated on"), document["generated_on"]),
        (_("Completeness"), document["shortfall"]),
    ]
    if document.get("suppression_note"):
        rows.append((_("Small cells"), document["suppression_note"]))
    return rows


# --- Workbook --------------------------------------------------------------------------------


def _xlsx_cell(value: Any) -> Any:
    if value is None:
        return ""
    return spreadsheet_safe(value)


def _sheet_name(heading: str, number: int, taken: set[str]) -> str:
    base = SHEET_FORBIDDEN.sub(" ", f"{number}. {heading}").strip("' ")[:31].strip()
    name, n = base, 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.casefold())
    return name


def to_xlsx(document: dict[str, Any]) -> bytes:
    """A workbook: a first sheet about the report, then one sheet per section."""
    book = Workbook()
    bold = Font(bold=True)
    about = book.active
    assert about is not None
    about.title = _("About")[:31]
    about.append([_xlsx_cell(document["title"])])
    about["A1"].font = bold
    if document.get("description"):
        about.append([_xlsx_cell(document["description"])])
    about.append([])
    for label, value in _about(document)[1:]:
        about.append([_xlsx_cell(label), _xlsx_cell(value)])
    taken = {about.title.casefold()}
    rtl = document.get("language") in RTL_LANGUAGES
    about.sheet_view.rightToLeft = rtl
    for number, section in enumerate(document["sections"], start=1):
        sheet = book.create_sheet(_sheet_name(section["heading"], number, taken))
        sheet.sheet_view.rightToLeft = rtl
        sheet.append([_xlsx_cell(section["heading"])])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        for note in section["notes"]:
            sheet.append([_xlsx_cell(note)])
        for table in section["tables"]:
            sheet.append([])
            sheet.append([_xlsx_cell(table["title"])])
            sheet.cell(row=sheet.max_row, column=1).font = bold
            sheet.append([_xlsx_cell(_("Counting rule")), _xlsx_cell(table["rule"])])
            sheet.append([_xlsx_cell(c) for c in table["columns"]])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for row in table["rows"]:
                sheet.append([_xlsx_cell(v) for v in row])
            if table["total"]:
                sheet.append([_xlsx_cell(v) for v in table["total"]])
        if document.get("suppression_note"):
            sheet.append([])
            sheet.append([_xlsx_cell(document["suppression_note"])])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- PDF -------------------------------------------------------------------------------------


def _texts(document: dict[str, Any]) -> Iterator[str]:
    for label, value in _about(document):
        yield label
        yield value
    yield document.get("description", "")
    for section in document["sections"]:
        yield section["heading"]
        yield from section["notes"]
        for table in section["tables"]:
            yield table["title"]
            yield table["rule"]
            yield from table["columns"]
            for row in [*table["rows"], table["total"] or []]:
                yield from (shown(v) for v in row)


class ReportPDF(ShapedPDF):
    def __init__(self, document: dict[str, Any], language: str) -> None:
        super().__init__(format="A4", unit="mm")
        self.document = document
        self.rtl = language in RTL_LANGUAGES
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_title(document["title"])
        self.set_lang(language)
        self.set_creator("Rogatory")
        day = datetime.date.fromisoformat(document["generated_on"])
        self.set_creation_date(datetime.datetime.combine(day, datetime.time(), datetime.UTC))
        text = "\n".join(_texts(document))
        families = fonts.families_for(language, text)
        for name in families:
            family = fonts.family(name)
            self.add_font(name, "", str(family.regular.path))
            if name not in fonts.REGULAR_ONLY:
                self.add_font(name, "B", str(family.bold.path))
        self.main_font = families[0]
        self.has_bold = language != "zh"
        self.set_fallback_fonts(families[1:], exact_match=False)
        # Shaping (HarfBuzz) is what Arabic needs; it doubles the time of everything else, so
        # a report without Arabic text goes without it.
        if self.rtl or fonts.ARABIC.search(text):
            self.set_text_shaping(True, direction="rtl" if self.rtl else "ltr")
        self.align = Align.R if self.rtl else Align.L
        self.alias_nb_pages("\ue000\ue001", align=Align.C)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.main_font, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"{self.page_no()} / \ue000\ue001", align=Align.C)
        self.set_text_color(0, 0, 0)

    def para(self, content: str, size: float = 9.5, bold: bool = False, gap: float = 1.2) -> None:
        if not content:
            return
        self.set_font(self.main_font, "B" if bold and self.has_bold else "", size)
        self.multi_cell(
            0,
            size * 0.5,
            directional(content, self.rtl),
            align=self.align,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.ln(gap)

    def grid(self, table: dict[str, Any]) -> None:
        """The table, drawn cell by cell: fpdf2's table() lays every cell out twice with
        shaping and line breaking (about 5 ms a cell), this draws a number in one call and
        wraps only the cells that do not fit."""
        count = len(table["columns"])
        first = 34.0 if count > 2 else 60.0
        shares = [first] + [(100.0 - first) / max(count - 1, 1)] * (count - 1)
        widths = [share * self.epw / 100 for share in shares]
        lines = [[shown(v) for v in row] for row in table["rows"]]
        if table["total"]:
            lines.append([shown(v) for v in table["total"]])
        header = [str(c) for c in table["columns"]]
        self.row(header, widths, heading=True)
        for cells in lines:
            if self.row(cells, widths, heading=False, fits_only=True) is None:
                self.add_page()
                self.row(header, widths, heading=True)
                self.row(cells, widths, heading=False)
        self.ln(2)

    def row(
        self, cells: list[str], widths: list[float], *, heading: bool, fits_only: bool = False
    ) -> float | None:
        """Draw one row (mirrored right to left); None, drawing nothing, when ``fits_only``
        and the row would run past the page."""
        size, line = 8.0, 4.0
        self.set_font(self.main_font, "B" if heading and self.has_bold else "", size)
        texts = [directional(text, self.rtl) for text in cells]
        wraps = [
            self.get_string_width(text) > width - 2 * PAD
            for text, width in zip(texts, widths, strict=True)
        ]
        height = line + 2 * PAD
        for text, width, wrap in zip(texts, widths, wraps, strict=True):
            if wrap:
                needed = self.multi_cell(
                    width - 2 * PAD, line, text, dry_run=True, output=MethodReturnValue.HEIGHT
                )
                height = max(height, float(cast(float, needed)) + 2 * PAD)
        if fits_only and self.will_page_break(height):
            return None
        order = list(zip(texts, widths, wraps, strict=True))
        if self.rtl:
            order.reverse()
        x, y = self.l_margin, self.get_y()
        self.set_fill_color(232, 232, 232)
        for text, width, wrap in order:
            self.rect(x, y, width, height, style="DF" if heading else "D")
            self.set_xy(x + PAD, y + PAD)
            if wrap:
                self.multi_cell(width - 2 * PAD, line, text, align=self.align)
            else:
                self.cell(width - 2 * PAD, line, text, align=self.align)
            x += width
        self.set_xy(self.l_margin, y + height)
        return height

    def chart(self, table: dict[str, Any]) -> None:
        """The table's chart above it, as on the page (decision 0043): only in a layout with
        charts, only when no cell is withheld (a chart would draw it as nothing)."""
        if not self.document.get("charts") or self.document.get("threshold"):
            return
        spec = charts.SPECS.get(table["key"])
        chart = charts.chart_of(table_of(table), number_format=shown)
        if spec is None or chart is None or chart.is_empty:
            return
        if self.will_page_break(pdf_charts.height(chart, spec.kind) + 20):
            self.add_page()
        pdf_charts.draw(self, chart, spec.kind, rtl=self.rtl, number_format=shown)

    def render(self) -> bytes:
        document = self.document
        self.add_page()
        self.para(document["title"], size=16, bold=True, gap=2)
        self.para(document.get("description", ""))
        for label, value in _about(document)[1:]:
            self.para(f"{label}: {value}", size=9)
        for section in document["sections"]:
            if self.will_page_break(30):
                self.add_page()
            self.ln(3)
            self.start_section(section["heading"], level=0)
            self.para(section["heading"], size=13, bold=True)
            for note in section["notes"]:
                self.para(note, size=9)
            for table in section["tables"]:
                if self.will_page_break(25):
                    self.add_page()
                self.para(table["title"], size=10.5, bold=True, gap=0.5)
                self.para(f"{_('Counting rule')}: {table['rule']}", size=8, gap=1)
                if table["rows"]:
                    self.chart(table)
                    self.grid(table)
                else:
                    self.para(_("Nothing to show for this period."), size=9)
        if document.get("suppression_note"):
            self.ln(2)
            self.para(document["suppression_note"], size=8)
        return bytes(self.output())


def to_pdf(document: dict[str, Any], language: str) -> bytes:
    """The report as an A4 PDF in ``language`` (its texts are already in it)."""
    return ReportPDF(document, language).render()
