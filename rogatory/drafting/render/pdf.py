"""PDF rendering with fpdf2: embedded fonts, HarfBuzz shaping, Arabic right to left.

The main font follows the document language (Noto Naskh Arabic for Arabic, Noto Sans
otherwise); the other families (see fonts.py) are fallbacks, loaded only when the text contains
their script, so a Chinese request citing a French name or an Arabic request naming a Chinese
company renders every character. fpdf2 embeds a subset of each TrueType font (FontFile2, Type0
with Identity-H and a ToUnicode map, so the text can be searched and extracted).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from typing import Any

from fpdf.enums import Align, PageMode, TableBordersLayout, TextMode, XPos, YPos
from fpdf.fonts import FontFace
from fpdf.prefs import ViewerPreferences

from rogatory.lib import fonts
from rogatory.lib.fonts import directional
from rogatory.lib.pdf import ShapedPDF

from .docx import FIXED_TIME, request_date
from .outline import (
    Approval,
    Field,
    Outline,
    Section,
    Table,
    build_outline,
    numbered,
)

BODY_SIZE = 10.5
SMALL_SIZE = 9
LINE = 5.6
PAGES_ALIAS = "\ue000\ue001"


def outline_text(outline: Outline) -> Iterator[str]:
    """Every string of the outline, to find which scripts the PDF needs fonts for."""
    yield outline.title
    yield outline.notice
    yield outline.closing
    yield outline.date_line
    yield outline.draft_mark
    yield outline.approval_line
    yield outline.contact_line
    yield from outline.signatory
    for item in outline.header_fields:
        yield item.label
        yield item.value
    stack = list(outline.sections)
    while stack:
        section = stack.pop()
        yield section.heading
        yield from section.paragraphs
        yield from section.items
        for item in section.fields:
            yield item.label
            yield item.value
        if section.table:
            yield from section.table.headers
            for row in section.table.rows:
                yield from row
        stack.extend(section.subsections)


class RequestPDF(ShapedPDF):
    def __init__(self, outline: Outline, issued: datetime.date | None = None) -> None:
        super().__init__(format="A4", unit="mm")
        self.outline = outline
        self.rtl = outline.rtl
        self.set_margins(20, 20, 20)
        self.set_auto_page_break(True, margin=20)
        # Accessibility (decision 0029): fpdf2 cannot tag text (no structure tree for cells), so
        # the PDF gets what it can: its language (/Lang), its title shown instead of the file
        # name (DisplayDocTitle), its author, and bookmarks of its sections.
        self.set_title(outline.title)
        self.set_lang(outline.language)
        self.viewer_preferences = ViewerPreferences(display_doc_title=True)
        self.page_mode = PageMode.USE_OUTLINES
        if outline.signatory:
            self.set_author(outline.signatory[0])
        self.set_creator("Rogatory")
        # The request's date, not the clock: the same request gives the same bytes.
        day = issued or datetime.date(2000, 1, 1)
        self.set_creation_date(datetime.datetime.combine(day, FIXED_TIME, datetime.UTC))
        families = fonts.families_for(outline.language, "\n".join(outline_text(outline)))
        for name in families:
            family = fonts.family(name)
            faces = [("", family.regular)]
            if name not in fonts.REGULAR_ONLY:
                faces.append(("B", family.bold))
            for style, face in faces:
                self.add_font(
                    name, style, str(face.path), collection_font_number=face.collection_index
                )
        for font in self.fonts.values():
            # Saving a subset would recompute the bounds of every glyph kept; those of the
            # source font stay valid for a subset, and skipping it saves time.
            ttfont = getattr(font, "ttfont", None)
            if ttfont is not None:
                ttfont.recalcBBoxes = False
        self.main_font = families[0]
        # The Chinese font has no bold face: in a Chinese request, bold is drawn filled and
        # stroked, so Chinese and Latin characters of a heading look alike.
        self.has_bold = outline.language != "zh"
        self.set_fallback_fonts(families[1:], exact_match=False)
        self.set_text_shaping(True, direction="rtl" if self.rtl else "ltr")
        # The total page count: an alias no drafter types (fpdf2's "{nb}" would also be
        # replaced in the user's text), two digits wide, centred in its space.
        self.alias_nb_pages(PAGES_ALIAS, align=Align.C)
        self.align = Align.R if self.rtl else Align.L

    # -- page furniture -------------------------------------------------------------------
    def header(self) -> None:
        if self.outline.draft_mark:
            # On every page, so that no page of an unapproved request can pass for final.
            self.set_font(self.main_font, "", 9)
            self.set_text_color(180, 0, 0)
            self.cell(0, 6, self.outline.draft_mark, align=Align.C)
            self.ln(7)
            self.set_text_color(0, 0, 0)
        if self.page_no() > 1 and self.outline.reference:
            self.set_font(self.main_font, "", 8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 6, self.outline.reference, align=Align.R if not self.rtl else Align.L)
            self.ln(8)
            self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(self.main_font, "", 8)
        self.set_text_color(90, 90, 90)
        label = self.outline.page_template.format(page=self.page_no(), pages=PAGES_ALIAS)
        self.cell(0, 6, label, align=Align.C)
        self.set_text_color(0, 0, 0)

    # -- blocks ---------------------------------------------------------------------------
    def para(
        self, content: str, size: float = BODY_SIZE, style: str = "", gap: float = 1.5
    ) -> None:
        fake_bold = style == "B" and not self.has_bold
        self.set_font(self.main_font, "" if fake_bold else style, size)
        if fake_bold:
            self.text_mode = TextMode.FILL_STROKE
            self.set_line_width(size * 0.012)
        self.multi_cell(
            0,
            size * 0.53,
            directional(content, self.rtl),
            align=self.align,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        if fake_bold:
            self.text_mode = TextMode.FILL
            self.set_line_width(0.2)
        self.ln(gap)

    def heading(self, content: str, size: float, level: int | None = None) -> None:
        if self.will_page_break(size * 2.5):
            self.add_page()
        self.ln(2)
        if level is not None:
            # A bookmark only: without section_title_styles fpdf2 draws nothing here.
            self.start_section(content, level=level)
        self.para(content, size=size, style="B", gap=1)

    def row_cells(self, cells: list[Any]) -> list[Any]:
        return list(reversed(cells)) if self.rtl else cells

    def fields(self, items: list[Field]) -> None:
        if not items:
            return
        self.set_font(self.main_font, "", BODY_SIZE)
        bold = FontFace(emphasis="BOLD") if self.has_bold else None
        widths = self.row_cells([38, 62])
        with self.table(
            col_widths=widths,
            first_row_as_headings=False,
            borders_layout=TableBordersLayout.NONE,
            text_align=self.align,
            line_height=LINE,
            padding=(0.8, 1.5),
        ) as table:
            for item in items:
                row = table.row()
                for content, style in self.row_cells([(item.label, bold), (item.value, None)]):
                    row.cell(directional(content, self.rtl), style=style)
        self.ln(1.5)

    def grid(self, data: Table) -> None:
        self.set_font(self.main_font, "", SMALL_SIZE)
        widths = [6.0] + [94.0 / (len(data.headers) - 1)] * (len(data.headers) - 1)
        with self.table(
            col_widths=self.row_cells(widths),
            text_align=self.align,
            line_height=SMALL_SIZE * 0.5,
            headings_style=FontFace(
                emphasis="BOLD" if self.has_bold else None, fill_color=(232, 232, 232)
            ),
            repeat_headings=1,
            padding=1,
        ) as table:
            for cells in [data.headers, *data.rows]:
                row = table.row()
                for content in self.row_cells(cells):
                    row.cell(directional(content, self.rtl))
        self.ln(2)

    def section(self, section: Section, level: int) -> None:
        self.heading(numbered(section, level), 13 if level == 1 else 11.5, level=level - 1)
        for content in section.paragraphs:
            self.para(content)
        self.fields(section.fields)
        if section.table:
            self.grid(section.table)
        for index, item in enumerate(section.items, start=1):
            self.para(f"{section.number}.{index}  {item}")
        for sub in section.subsections:
            self.section(sub, level + 1)

    def render(self) -> bytes:
        outline = self.outline
        self.add_page()
        self.para(outline.title, size=17, style="B", gap=4)
        self.fields(outline.header_fields)
        if outline.notice:
            self.para(outline.notice, size=SMALL_SIZE)
        for section in outline.sections:
            self.section(section, 1)
        self.ln(3)
        if outline.contact_line:
            self.para(outline.contact_line)
        self.para(outline.closing)
        if self.will_page_break(45):
            self.add_page()
        self.ln(4)
        self.para(outline.date_line)
        self.ln(8)
        self.para(f"{outline.signature_label}: ____________________________")
        for line in outline.signatory:
            self.para(line, style="B" if line == outline.signatory[0] else "", gap=0.5)
        self.ln(4)
        self.para(f"{outline.seal_label}:")
        if outline.approval_line:
            self.ln(4)
            self.para(outline.approval_line, size=SMALL_SIZE)
        return bytes(self.output())


def render_pdf(document: Mapping[str, Any], approval: Approval | None = None) -> bytes:
    """The request as a PDF (A4) in the document's ``language``, fonts embedded; marked as a
    draft on every page unless ``approval`` is given."""
    return RequestPDF(build_outline(document, approval), request_date(document)).render()
