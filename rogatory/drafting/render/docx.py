"""DOCX rendering with python-docx: real styles a ministry can keep editing.

Title, Heading 1 (numbered sections "1. Addressee"), Heading 2 (measures "7.1"), labelled
fields, tables (style "Table Grid", heading row repeated) for offences and persons, a
signature block and "Page X of Y" in the footer (PAGE / NUMPAGES fields). The document
language is set on the styles (w:lang), and for Arabic every paragraph, table and the section
are right to left (w:bidi, w:bidiVisual, w:rtl).

Deterministic: the same JSON gives the same text, and the same bytes (core properties are
taken from the request, not from the clock).
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Mapping
from typing import Any

from docx import Document as new_document
from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from rogatory.lib.fonts import ARABIC, directional

from .outline import (
    Approval,
    Field,
    Outline,
    Section,
    Table,
    build_outline,
    numbered,
)

LANGUAGE_TAGS = {
    "ar": "ar-SA",
    "zh": "zh-CN",
    "en": "en-GB",
    "fr": "fr-FR",
    "ru": "ru-RU",
    "es": "es-ES",
}
# Fonts Word substitutes sensibly on every system; the PDF embeds Noto instead.
LATIN_FONT = "Times New Roman"
EAST_ASIAN_FONT = "SimSun"
COMPLEX_FONT = "Times New Roman"
FIXED_TIME = datetime.time(9, 0)


def set_child(parent: Any, tag: str, **attributes: str) -> Any:
    """Find or create ``parent/tag`` and set its attributes (qualified ``w:`` names)."""
    element = parent.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        parent.append(element)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


class DocxWriter:
    def __init__(self, outline: Outline, request_date: datetime.date | None = None) -> None:
        self.outline = outline
        self.request_date = request_date
        self.rtl = outline.rtl
        self.doc: Document = new_document()
        self.setup()

    # -- styles, language, page ----------------------------------------------------------
    def setup(self) -> None:
        outline = self.outline
        tag = LANGUAGE_TAGS.get(outline.language, "en-GB")
        styles = self.doc.styles
        normal = styles["Normal"]
        normal.font.size = Pt(11)
        # Accessibility (decision 0029): the language is set on the document defaults, on the
        # theme's font language and on each style used, so that every run, header and footer
        # included, is read in the request's language; Arabic is the complex-script (bidi)
        # language throughout.
        east_asian = "zh-CN" if outline.language == "zh" else tag
        defaults = styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            default_rpr = set_child(set_child(defaults, "w:rPrDefault"), "w:rPr")
            set_child(default_rpr, "w:lang", val=tag, eastAsia=east_asian, bidi="ar-SA")
        set_child(
            self.doc.settings.element, "w:themeFontLang", val=tag, eastAsia=east_asian, bidi="ar-SA"
        )
        for name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid", "List Number"):
            style = styles[name]
            rpr = style.element.get_or_add_rPr()
            fonts = set_child(rpr, "w:rFonts")
            for attribute, font in (
                ("ascii", LATIN_FONT),
                ("hAnsi", LATIN_FONT),
                ("eastAsia", EAST_ASIAN_FONT),
                ("cs", COMPLEX_FONT),
            ):
                fonts.set(qn(f"w:{attribute}"), font)
            for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
                if fonts.get(qn(f"w:{theme}")) is not None:
                    del fonts.attrib[qn(f"w:{theme}")]
            set_child(
                rpr,
                "w:lang",
                val=tag,
                eastAsia=east_asian,
                bidi="ar-SA",
            )
            if self.rtl and name != "Table Grid":
                set_child(style.element.get_or_add_pPr(), "w:bidi")
        for name, size in (("Title", 20), ("Heading 1", 14), ("Heading 2", 12)):
            font = styles[name].font
            font.size = Pt(size)
            font.bold = True
            font.color.rgb = None
        normal.paragraph_format.space_after = Pt(6)

        section = self.doc.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.2)
        if self.rtl:
            set_child(section._sectPr, "w:bidi")
        self.footer(section)
        if outline.reference:
            header = section.header.paragraphs[0]
            header.text = outline.reference
            header.alignment = WD_ALIGN_PARAGRAPH.RIGHT if not self.rtl else WD_ALIGN_PARAGRAPH.LEFT
            self.direction(header)
        if outline.draft_mark:
            # In the header, so on every page of an unapproved request.
            mark = section.header.add_paragraph()
            mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self.direction(mark)
            self.run(mark, outline.draft_mark, bold=True)
            for run in mark.runs:
                run.font.color.rgb = RGBColor(0xB4, 0, 0)

        properties = self.doc.core_properties
        properties.title = outline.title
        properties.language = tag
        properties.author = outline.signatory[0] if outline.signatory else ""
        properties.last_modified_by = properties.author
        properties.comments = ""
        properties.revision = 1
        day = self.request_date or datetime.date(2000, 1, 1)
        when = datetime.datetime.combine(day, FIXED_TIME)
        properties.created = properties.modified = when
        properties.last_printed = when

    def footer(self, section: Any) -> None:
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.direction(paragraph)
        for piece in re.split(r"(\{page\}|\{pages\})", self.outline.page_template):
            if piece == "{page}":
                self.field(paragraph, "PAGE")
            elif piece == "{pages}":
                self.field(paragraph, "NUMPAGES")
            elif piece:
                self.run(paragraph, piece)

    def field(self, paragraph: Paragraph, instruction: str) -> None:
        run = paragraph.add_run()
        for kind, content in (("begin", None), ("instr", instruction), ("separate", None)):
            if kind == "instr":
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = f" {content} "
            else:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            run._r.append(element)
        paragraph.add_run("1")  # shown until Word updates the field
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        paragraph.add_run()._r.append(end)

    # -- text -----------------------------------------------------------------------------
    def direction(self, paragraph: Paragraph) -> None:
        if self.rtl:
            set_child(paragraph._p.get_or_add_pPr(), "w:bidi")

    def run(self, paragraph: Paragraph, content: str, bold: bool = False) -> None:
        lines = directional(content, self.rtl).split("\n")
        for index, line in enumerate(lines):
            run = paragraph.add_run(line)
            if bold:
                run.bold = True
            if ARABIC.search(line):
                set_child(run._r.get_or_add_rPr(), "w:rtl")
            if index < len(lines) - 1:
                run.add_break()

    def paragraph(
        self, content: str = "", style: str | None = None, bold: bool = False
    ) -> Paragraph:
        paragraph = self.doc.add_paragraph(style=style)
        self.direction(paragraph)
        if content:
            self.run(paragraph, content, bold=bold)
        return paragraph

    def fields(self, items: list[Field]) -> None:
        for item in items:
            paragraph = self.paragraph()
            self.run(paragraph, f"{item.label}: ", bold=True)
            self.run(paragraph, item.value)

    def table(self, data: Table, caption: str = "") -> None:
        table: DocxTable = self.doc.add_table(rows=1, cols=len(data.headers))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        if self.rtl:
            # In its place in the schema's order (Word's checker reads only valid tables).
            table._tbl.tblPr.get_or_add_bidiVisual()
        if caption:
            # The table's title, read out by screen readers (Word's "Alt Text" of a table).
            set_child(table._tbl.tblPr, "w:tblCaption", val=caption)
        for cell, content in zip(table.rows[0].cells, data.headers, strict=True):
            self.cell(cell, content, bold=True)
        set_child(table.rows[0]._tr.get_or_add_trPr(), "w:tblHeader")
        for values in data.rows:
            cells = table.add_row().cells
            for cell, content in zip(cells, values, strict=True):
                self.cell(cell, content)
        self.paragraph()

    def cell(self, cell: Any, content: str, bold: bool = False) -> None:
        paragraph = cell.paragraphs[0]
        self.direction(paragraph)
        self.run(paragraph, content, bold=bold)

    def section(self, section: Section, level: int) -> None:
        style = "Heading 1" if level == 1 else "Heading 2"
        self.paragraph(numbered(section, level), style=style)
        for content in section.paragraphs:
            self.paragraph(content)
        self.fields(section.fields)
        if section.table:
            self.table(section.table, caption=section.heading)
        for index, item in enumerate(section.items, start=1):
            self.paragraph(f"{section.number}.{index}  {item}")
        for sub in section.subsections:
            self.section(sub, level + 1)

    def render(self) -> bytes:
        outline = self.outline
        self.paragraph(outline.title, style="Title")
        self.fields(outline.header_fields)
        if outline.notice:
            self.paragraph(outline.notice).runs[0].italic = True
        for section in outline.sections:
            self.section(section, 1)
        if outline.contact_line:
            self.paragraph(outline.contact_line)
        self.paragraph(outline.closing)
        self.paragraph()
        self.paragraph(outline.date_line)
        self.paragraph()
        self.paragraph(f"{outline.signature_label}: ____________________________")
        for index, line in enumerate(outline.signatory):
            self.paragraph(line, bold=index == 0)
        self.paragraph(f"{outline.seal_label}:")
        if outline.approval_line:
            self.paragraph()
            self.paragraph(outline.approval_line)
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return fixed_zip_times(buffer.getvalue())


def fixed_zip_times(package: bytes) -> bytes:
    """The package with every member dated 1980-01-01, so equal documents are equal bytes."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info.filename))
    return output.getvalue()


def request_date(document: Mapping[str, Any]) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(document.get("date") or "")[:10])
    except ValueError:
        return None


def render_docx(document: Mapping[str, Any], approval: Approval | None = None) -> bytes:
    """The request as an editable DOCX in the document's ``language``; marked as a draft in
    every page's header unless ``approval`` is given."""
    return DocxWriter(build_outline(document, approval), request_date(document)).render()
