"""Paragraph numbers drawn as pictures (decision 0032, "later"): the layout sees a small image
where a paragraph's number goes and opens that paragraph with ``PICTURED_NUMBER``; ordinary
images (logos, bullets, a few icons, figures) never become numbers.

The PDFs here are built by PDFium itself (text in a standard font, images as bitmaps), so
each case is a real file read through ``read_pdf``; the Arabic ESCWA report of the corpus is
the document that prints its numbers as images.
"""

from __future__ import annotations

import ctypes
import io
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from rogatory.knowledge.layout import read_pdf
from rogatory.knowledge.untext import PICTURED_NUMBER, parse

CORPUS = Path(__file__).with_name("corpus")
LINE = "Paragraph opens here with words enough to fill this line of the page to its end"

# Draws, on the page, the picture of paragraph ``n`` whose first line's baseline is ``y``.
Picture = Callable[[pdfium.PdfDocument, pdfium.PdfPage, int, float], None]


def _text(pdf: pdfium.PdfDocument, page: pdfium.PdfPage, text: str, x: float, y: float) -> None:
    obj = raw.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", ctypes.c_float(11.0))
    buffer = ctypes.create_string_buffer((text + "\x00").encode("utf-16-le"))
    raw.FPDFText_SetText(obj, ctypes.cast(buffer, ctypes.POINTER(raw.FPDF_WCHAR)))
    raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
    raw.FPDFPage_InsertObject(page.raw, obj)


def _image(
    pdf: pdfium.PdfDocument,
    page: pdfium.PdfPage,
    box: tuple[float, float, float, float],
    stroke: int,
) -> None:
    """An image at (x, y, width, height) whose pixels say ``stroke``: a black bar placed by
    it, so that two strokes are two different pictures."""
    x, y, width, height = box
    columns, rows = int(width * 3), int(height * 3)
    bitmap = pdfium.PdfBitmap.new_native(columns, rows, raw.FPDFBitmap_BGR)
    bitmap.fill_rect((255, 255, 255, 255), 0, 0, columns, rows)
    bitmap.fill_rect((0, 0, 0, 255), stroke % max(columns - 2, 1), 0, 2, rows)
    image = pdfium.PdfImage.new(pdf)
    image.set_bitmap(bitmap)
    image.set_matrix(pdfium.PdfMatrix().scale(width, height).translate(x, y))
    page.insert_obj(image)


def _pdf(picture: Picture | None, paragraphs: int = 4) -> bytes:
    """Paragraphs of two full lines each, one after the other without a gap or an indent
    (nothing in the text tells where one ends), each with its picture if given."""
    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(595, 842)
    y = 760.0
    for n in range(1, paragraphs + 1):
        if picture is not None:
            picture(pdf, page, n, y)
        _text(pdf, page, LINE, 80, y)
        _text(pdf, page, LINE, 80, y - 13)
        y -= 26
    page.gen_content()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _number(pdf: pdfium.PdfDocument, page: pdfium.PdfPage, n: int, y: float) -> None:
    _image(pdf, page, (62, y, 6, 8), stroke=n)  # the digits, left of the line's start


def test_small_images_where_numbers_go_open_numbered_paragraphs() -> None:
    """Left-to-right lines, each paragraph's first line opened by a different small image at
    the margin: every one opens its paragraph, which the text would not have cut."""
    laid = read_pdf(_pdf(_number))
    assert laid.pictured_numbers == 4
    assert [p.startswith(PICTURED_NUMBER) for p in laid.paragraphs] == [True] * 4
    plain = read_pdf(_pdf(None))
    assert plain.pictured_numbers == 0 and len(plain.paragraphs) == 1  # one run of lines
    document = parse(laid.text, language="en")
    assert [p.number for p in document.operative] == ["1", "2", "3", "4"]
    assert document.numbers_inferred == 4


def test_one_picture_drawn_again_is_a_bullet_not_numbers() -> None:
    def bullet(pdf: pdfium.PdfDocument, page: pdfium.PdfPage, n: int, y: float) -> None:
        _image(pdf, page, (62, y, 6, 8), stroke=1)

    assert read_pdf(_pdf(bullet)).pictured_numbers == 0


def test_two_small_images_are_not_a_sequence_of_numbers() -> None:
    assert read_pdf(_pdf(_number, paragraphs=2)).pictured_numbers == 0


def test_a_logo_or_a_figure_is_never_a_number() -> None:
    def logo(pdf: pdfium.PdfDocument, page: pdfium.PdfPage, n: int, y: float) -> None:
        _image(pdf, page, (20, y - 10, 50, 45), stroke=n)

    def tall(pdf: pdfium.PdfDocument, page: pdfium.PdfPage, n: int, y: float) -> None:
        _image(pdf, page, (66, y, 6, 14), stroke=n)  # taller than the line's letters

    assert read_pdf(_pdf(logo)).pictured_numbers == 0
    assert read_pdf(_pdf(tall)).pictured_numbers == 0


def test_images_past_the_line_or_off_the_margin_are_not_numbers() -> None:
    def after_the_end(pdf: pdfium.PdfDocument, page: pdfium.PdfPage, n: int, y: float) -> None:
        _image(pdf, page, (540, y, 6, 8), stroke=n)  # past the line's end, not its start

    def misaligned(pdf: pdfium.PdfDocument, page: pdfium.PdfPage, n: int, y: float) -> None:
        _image(pdf, page, (62 - 12 * (n % 2), y, 6, 8), stroke=n)

    assert read_pdf(_pdf(after_the_end)).pictured_numbers == 0
    # Two of four on the margin, two a body size further out: no common margin of three.
    assert read_pdf(_pdf(misaligned)).pictured_numbers == 0


def test_the_arabic_escwa_report_numbers_its_123_paragraphs_from_images() -> None:
    """E/2018/41 in Arabic draws "1-" to "123-" as two images each (digits and dash) at the
    right edge of each paragraph's first line; the logo on the cover is no number."""
    laid = read_pdf((CORPUS / "E_ESCWA_30_18_REPORT-AR.pdf").read_bytes())
    assert laid.pictured_numbers == 123
    first = next(p for p in laid.paragraphs if p.startswith(PICTURED_NUMBER))
    assert first.startswith(f"{PICTURED_NUMBER} عقدت اللجنة الاقتصادية والاجتماعية لغربي آسيا")
    # The English version prints the report's numbers as text; the Beirut Consensus (1-34)
    # and resolutions 329 and 332-334 (1-4, 1-4, 1-3, 1-2) draw theirs as images, the same
    # digit sometimes by different images: numbering starts anew where a picture recurs.
    assert read_pdf((CORPUS / "E_ESCWA_30_18_REPORT-EN.pdf").read_bytes()).pictured_numbers == 47
