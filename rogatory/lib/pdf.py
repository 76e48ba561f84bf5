"""The base of our fpdf2 documents (requests, statistics reports).

fpdf2 (2.8.x) draws a line that mixes fonts (a fallback font for "(%)" in an Arabic heading,
Latin digits in a Chinese line) inside a saved graphics state (``q … Q``) and selects the
fonts in there; afterwards it believes the last of them is still selected on the page. The
next line in the same font is then written without selecting a font at all: PDF viewers
drew it blank or with another font's glyphs (Arabic table headings of the reports came out
garbled). Every line here selects its font again, which costs a few bytes per line.
"""

from __future__ import annotations

from typing import Any

from fpdf import FPDF


class ShapedPDF(FPDF):
    def cell(self, *args: Any, **kwargs: Any) -> Any:
        self.current_font_is_set_on_page = False
        return super().cell(*args, **kwargs)

    def multi_cell(self, *args: Any, **kwargs: Any) -> Any:
        self.current_font_is_set_on_page = False
        return super().multi_cell(*args, **kwargs)
