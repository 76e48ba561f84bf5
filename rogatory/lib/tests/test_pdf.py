"""ShapedPDF: a line after a line of mixed fonts still selects its font (fpdf2 2.8 forgot)."""

from __future__ import annotations

import re

import pytest
from fpdf import FPDF

from rogatory.lib import fonts
from rogatory.lib.pdf import ShapedPDF

HEADINGS = ["معدل التصفية (%)", "الاتجاه", "المستجدة"]  # the first needs Noto Sans for "(%)"


def draw(cls: type[FPDF]) -> str:
    pdf = cls()
    pdf.set_compression(False)
    families = fonts.families_for("ar", " ".join(HEADINGS) + " abc")
    for name in families:
        pdf.add_font(name, "", str(fonts.family(name).regular.path))
    pdf.set_fallback_fonts(families[1:], exact_match=False)
    pdf.set_text_shaping(True, direction="rtl")
    pdf.add_page()
    pdf.set_font(families[0], "", 10)
    pdf.set_fill_color(232, 232, 232)  # text in another colour than fills: fpdf2 saves state
    for heading in HEADINGS:
        pdf.cell(50, 6, heading)
    return bytes(pdf.output()).decode("latin-1")


def unselected_lines(stream: str) -> int:
    """Text objects that show text with no font selected, in them or on the page outside
    any saved state (a font chosen inside ``q … Q`` is forgotten at ``Q``)."""
    page_font = None
    missing = 0
    for line in stream.splitlines():
        if line.startswith("BT ") and "Tf" in line:
            page_font = line  # outside any saved state: stays selected
        elif line.startswith("q BT") and "Tj" in line:
            head = line.split("Tj")[0]
            if not re.search(r"/F\d+ [\d.]+ Tf", head) and page_font is None:
                missing += 1
    return missing


@pytest.mark.skipif(fonts.find("NotoNaskhArabic-Regular.ttf") is None, reason="fonts missing")
def test_every_line_selects_its_font() -> None:
    content = draw(ShapedPDF)
    assert unselected_lines(content) == 0
    # The check would see the fault: with fpdf2's own class the later headings have no font.
    assert unselected_lines(draw(FPDF)) > 0
