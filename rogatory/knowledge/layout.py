"""Text of UN documents as published (PDF, DOCX), laid out the way ``untext`` reads it.

The UN publishes its documents as born-digital PDF and as Word files. Reading their plain-text
extraction line by line loses what the layout says: which lines are running headers and page
numbers, where a paragraph ends (a first-line indent, a line that stops short of the margin, a
change of type), which small raised digits are footnote markers, and which lines below the
footnote rule are the notes. This module reads that layout with maintained libraries and gives
``untext`` one logical line per paragraph, notes apart with their markers:

* PDF through PDFium (``pypdfium2``, the engine of Chromium): each character with its box, its
  baseline, its font size, weight and style, in logical order (Arabic right to left reads
  right). 195,000 characters (a 67-page budget section) are read in about 1.5 s of CPU, where a
  pure-Python reader took 23 s (measured 2026-12-07, docs/benchmarks.md).
* DOCX through python-docx: paragraphs with their styles and automatic numbering, the notes from
  the footnotes part with their reference marks.

A PDF without a text layer (a scan) is refused with a clear message: recognising text in images
(OCR) is not part of the product (decision 0032). A paragraph number drawn as a small image is
seen by where it is drawn, not read: its paragraph opens with ``untext.PICTURED_NUMBER``.

Functions of the file's bytes alone; ``NotReadable`` says what is wrong, in the reader's language.
"""

from __future__ import annotations

import ctypes
import io
import math
import re
import statistics
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .untext import PICTURED_NUMBER, TABLE_CELL

SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
# Rows of at least this many cells in a run of at least TABLE_ROWS rows make a table.
TABLE_ROWS = 3
# A page holding fewer characters than this per page on average has no usable text layer.
MIN_CHARACTERS_PER_PAGE = 20
MAX_PAGES = 2_000
# A paragraph number drawn as a picture where the number goes (the Arabic ESCWA report draws
# "1-" to "123-" as two small images each, the digits and the dash) opens its paragraph in
# the text with ``untext.PICTURED_NUMBER``, and ``untext`` numbers such paragraphs in
# sequence (decision 0032, "later"). At least so many such pictures, alike in size and
# aligned, make paragraph numbers: a lone small image at a line's start is an ornament.
PICTURED_NUMBERS_MIN = 3
# Lines in these top and bottom fractions of a page may be running headers and footers.
HEADER_ZONE = 0.09
FOOTER_ZONE = 0.09
# A page number printed "-12-" may sit below the running header, a little lower.
PAGE_NUMBER_ZONE = 0.15
_DASHED_PAGE_NUMBER = re.compile(r"^-\s*\d{1,4}\s*-$")
# A sentence or clause may end the paragraph at a line that still had room (see _continues).
_UNDERSCORE_RULE = re.compile(r"^_{5,}$")
_PAGE_FURNITURE = re.compile(
    r"^(?:\d{1,4}\s*/\s*\d{1,4}|-?\s*\d{1,4}\s*-?|\d{2}-\d{5}.*|GE\.\d{2}-\d{4,6}.*|\*\d{7}\*)$"
)
# A note's mark: superscript or plain digits, asterisks, or either in brackets ("(1)", "(*)",
# as Arabic UN documents print them).
_NOTE_START = re.compile(
    r"^(?:\((?P<bracketed>\d{1,3}|\*{1,3})\)"
    r"|(?P<marker>[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\*{1,3}|\d{1,3}(?=\s|$)))\s*(?P<text>.*)$"
)


class NotReadable(ValueError):
    """The file cannot be read as a document: the message says why, for the person importing."""


@dataclass(frozen=True)
class Line:
    """A run of text on one line of a page, with what its type and place say about it."""

    text: str
    page: int
    x0: float
    x1: float
    top: float  # distance from the top of the page (points)
    bottom: float
    size: float  # the font size most of its characters have
    bold: bool
    italic: bool
    first_word: float  # width of its first word: would it have fitted on the line before?
    cells: int = 0  # a table's row: its cells, joined by TABLE_CELL in ``text``


@dataclass(frozen=True)
class Note:
    marker: str
    text: str


@dataclass
class LaidOut:
    """A document's text as logical lines, and what reading it found (the import report)."""

    paragraphs: list[str]
    notes: list[Note]
    pages: int = 0
    characters: int = 0
    furniture: int = 0  # running headers, footers and page numbers left out
    pictured_numbers: int = 0  # paragraphs opened by a number drawn as a picture
    right_to_left: bool = False
    kind: str = "pdf"
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Paragraphs separated by blank lines, then the notes, one per line with its marker
        as ``untext`` reads footnotes (superscript digits, or asterisks)."""
        notes = [f"{_as_superscript(note.marker)} {note.text}" for note in self.notes]
        body = "\n\n".join(self.paragraphs)
        return body + ("\n\n" + "\n".join(notes) if notes else "") + "\n"


def _as_superscript(marker: str) -> str:
    return marker.translate(SUPERSCRIPT_DIGITS) if marker.isdigit() else marker


# --------------------------------------------------------------------------------------------
# PDF


def read_pdf(data: bytes) -> LaidOut:
    """The laid-out text of a PDF, or ``NotReadable`` (not a PDF, encrypted, no text layer)."""
    import pypdfium2 as pdfium

    if not data.startswith(b"%PDF"):
        raise NotReadable(_("This file is not a PDF."))
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise NotReadable(_("This PDF is protected by a password.")) from None
        raise NotReadable(
            _("This PDF cannot be read (%(reason)s).") % {"reason": message}
        ) from None
    try:
        count = len(document)
        if count == 0:
            raise NotReadable(_("This PDF has no pages."))
        if count > MAX_PAGES:
            raise NotReadable(
                _("This PDF has %(count)d pages; at most %(most)d are read.")
                % {"count": count, "most": MAX_PAGES}
            )
        pages: list[tuple[float, list[Line], list[float]]] = []
        pictures: list[list[_Picture]] = []
        characters = 0
        for number in range(count):
            page = document[number]
            try:
                lines, chars = _page_lines(page, number)
                rules, small = _drawings(page)
                pages.append((page.get_height(), lines, rules))
                pictures.append(small)
                characters += chars
            finally:
                page.close()
    finally:
        document.close()
    if characters < MIN_CHARACTERS_PER_PAGE * count:
        raise NotReadable(
            _(
                "This PDF has no text layer: it is a scanned image. Import the document as "
                "published with its text (the Official Document System's PDF or Word file); "
                "Rogatory does not recognise text in images."
            )
        )
    laid = _assemble(pages, pictures)
    laid.pages, laid.characters = count, characters
    return laid


@dataclass
class _Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    baseline: float
    size: float
    bold: bool
    italic: bool


def _chars(page: object) -> Iterator[_Char | None]:
    """Every character of the page in PDFium's reading order; None at each line break."""
    import pypdfium2.raw as raw

    textpage = page.get_textpage()  # type: ignore[attr-defined]
    try:
        height = page.get_height()  # type: ignore[attr-defined]
        left, right = ctypes.c_double(), ctypes.c_double()
        low, high = ctypes.c_double(), ctypes.c_double()
        x, y = ctypes.c_double(), ctypes.c_double()
        name = ctypes.create_string_buffer(96)
        flags = ctypes.c_int()
        matrix = raw.FS_MATRIX()
        for index in range(textpage.count_chars()):
            code = raw.FPDFText_GetUnicode(textpage, index)
            if code in (0x0D, 0x0A, 0x02):  # line breaks, and the soft hyphen's end-of-line mark
                yield None
                continue
            if not raw.FPDFText_GetCharBox(textpage, index, left, right, low, high):
                continue
            raw.FPDFText_GetCharOrigin(textpage, index, x, y)
            raw.FPDFText_GetFontInfo(textpage, index, name, len(name), flags)
            font = name.value.decode("latin-1", "replace")
            weight = raw.FPDFText_GetFontWeight(textpage, index)
            # The size set for the font is scaled by the text matrix: some PDFs (the French
            # ESCWA report) set every font at size 1 and draw it through a matrix of 10.33.
            size = raw.FPDFText_GetFontSize(textpage, index)
            if raw.FPDFText_GetMatrix(textpage, index, ctypes.byref(matrix)):
                scale = math.hypot(matrix.c, matrix.d)
                if scale > 0:
                    size *= scale
            yield _Char(
                text=_symbol_text(code, font) if 0 < code < 0x110000 else "",
                x0=left.value,
                x1=right.value,
                top=height - high.value,
                bottom=height - low.value,
                baseline=height - y.value,
                size=size,
                bold=weight >= 600 or "Bold" in font or "bold" in font,
                italic=bool(flags.value & 0x40) or "Italic" in font or "Oblique" in font,
            )
    finally:
        textpage.close()


# Symbol fonts (Symbol, SymbolMT) map their glyphs to the private-use area U+F020-U+F0FF when
# the PDF gives no Unicode value: the codes whose Symbol glyph is the ASCII sign of that code,
# the asterisk first (Word draws Arabic note marks "(*)" with it), and the bullet.
_SYMBOL_SAME = frozenset(" !#%&()*+,./0123456789:;<=>?[]_{|}")
_SYMBOL_OTHER = {0xF02D: "-", 0xF0B7: "•"}


def _symbol_text(code: int, font: str) -> str:
    """A character's text; a Symbol font's private-use code as the sign its glyph draws."""
    if 0xF020 <= code <= 0xF0FF and "symbol" in font.lower():
        if chr(code - 0xF000) in _SYMBOL_SAME:
            return chr(code - 0xF000)
        return _SYMBOL_OTHER.get(code, chr(code))
    return chr(code)


def _page_lines(page: object, number: int) -> tuple[list[Line], int]:
    """The page's lines, top to bottom: PDFium's runs split where a wide gap separates columns
    and joined where it broke one line in two (around a raised footnote mark)."""
    runs: list[list[_Char]] = [[]]
    letters = right_to_left = 0
    for char in _chars(page):
        if char is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(char)
            if char.text.isalpha():
                letters += 1
                right_to_left += "\u0590" <= char.text <= "\u08ff"
    # A page of right-to-left text sets its paragraphs right to left: a line of it holding
    # Latin (a symbol, a link, a note in English) still reads from its right edge.
    rtl_page = 2 * right_to_left > letters
    segments: list[list[_Char]] = []
    characters = 0
    for run in runs:
        visible = [c for c in run if c.text.strip()]
        if visible:
            characters += len(visible)
            segments.extend(s for s in _segments(run) if any(c.text.strip() for c in s))
    if rtl_page:
        # A raised mark PDFium gives apart, between the two runs it broke the line into, goes
        # to the word it follows first: the space between the runs is then drawn after it.
        segments = _marks_joined(segments)
    segments.sort(key=lambda s: (_middle(s), min(c.x0 for c in s if c.text.strip())))
    merged: list[list[_Char]] = []
    for segment in segments:
        if merged and _same_line(merged[-1], segment):
            merged[-1] = _joined(merged[-1], segment)
        else:
            merged.append(segment)
    merged = _marks_joined(merged)
    lines = [line for segment in merged if (line := _line(segment, number, rtl_page)) is not None]
    lines.sort(key=lambda line: (round(line.top / 3), line.x0))
    return _tables(lines, page.get_height(), number), characters  # type: ignore[attr-defined]


def _marks_joined(merged: list[list[_Char]]) -> list[list[_Char]]:
    """Raised note marks left as lines of their own, each joined to the line it is drawn
    within or ends (PDFium may give a mark as a separate run inside an Arabic line)."""
    marks = [m for m in merged if 0 < sum(1 for c in m if c.text.strip()) <= 5]
    if not marks:
        return merged
    out = list(merged)
    boxes = {id(line): _box(line) for line in out}
    for mark in marks:
        x0, x1, _middle_baseline, size = _box(mark)
        host = next(
            (
                index
                for index, line in enumerate(out)
                if line is not mark
                and size < 0.85 * (box := boxes[id(line)])[3]
                and box[0] - 0.6 * box[3] <= x1
                and x0 <= box[1] + 0.6 * box[3]
                and _is_mark_within(line, mark)
            ),
            None,
        )
        if host is not None:
            out[host] = _joined(out[host], mark)
            boxes[id(out[host])] = _box(out[host])
            out = [line for line in out if line is not mark]
    return out


def _box(chars: list[_Char]) -> tuple[float, float, float, float]:
    """A run's drawn characters: left, right, middle baseline, median size."""
    drawn = [c for c in chars if c.text.strip()] or chars
    return (
        min(c.x0 for c in drawn),
        max(c.x1 for c in drawn),
        statistics.median(c.baseline for c in drawn),
        statistics.median(c.size for c in drawn),
    )


def _rows(lines: list[Line]) -> list[list[Line]]:
    """The page's lines grouped by baseline: the pieces of one row, left to right."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda line: line.bottom):
        if rows and abs(rows[-1][0].bottom - line.bottom) < 0.35 * max(line.size, 1.0):
            rows[-1].append(line)
        else:
            rows.append([line])
    return [sorted(row, key=lambda line: line.x0) for row in rows]


def _is_note_row(row: list[Line]) -> bool:
    """A note's mark set apart from its text ("1      See A/70/219."): not a table's row."""
    return len(row) == 2 and bool(re.fullmatch(r"[\d⁰¹²³⁴⁵⁶⁷⁸⁹*()]{1,4}", row[0].text))


def _tables(lines: list[Line], height: float, page: int) -> list[Line]:
    """Rows of aligned columns (pieces of one baseline set apart by wide gaps), in a run of
    TABLE_ROWS or more, each become one line with their cells joined by TABLE_CELL. The
    cover's two columns (the first page's upper part) are not a table."""
    rows = _rows(lines)
    multi = [
        len(row) >= 2 and not _is_note_row(row) and not (page == 0 and row[0].top < 0.4 * height)
        for row in rows
    ]
    table = [False] * len(rows)
    index = 0
    while index < len(rows):
        if not multi[index]:
            index += 1
            continue
        end, count, last = index, 0, index
        # A run of rows with cells; a single line between two of them ("Meetings of:") is
        # the table's too.
        while end < len(rows) and (multi[end] or (end + 1 < len(rows) and multi[end + 1])):
            if multi[end]:
                count, last = count + 1, end
            end += 1
        if count >= TABLE_ROWS:
            for position in range(index, last + 1):
                table[position] = multi[position]
        index = end + 1
    out: list[Line] = []
    for row, is_table in zip(rows, table, strict=True):
        if not is_table:
            out.extend(row)
            continue
        cells = row[::-1] if _is_right_to_left(row) else row
        out.append(
            Line(
                text=TABLE_CELL.join(cell.text for cell in cells),
                page=row[0].page,
                x0=min(cell.x0 for cell in row),
                x1=max(cell.x1 for cell in row),
                top=min(cell.top for cell in row),
                bottom=max(cell.bottom for cell in row),
                size=Counter(cell.size for cell in row).most_common(1)[0][0],
                bold=all(cell.bold for cell in row),
                italic=all(cell.italic for cell in row),
                first_word=cells[0].first_word,
                cells=len(row),
            )
        )
    out.sort(key=lambda line: (round(line.top / 3), line.x0))
    return out


def _middle(segment: list[_Char]) -> float:
    return statistics.median(c.baseline for c in segment if c.text.strip())


def _same_line(left: list[_Char], right: list[_Char]) -> bool:
    """Two runs on one baseline, close enough to be one line's parts."""
    if _is_mark_within(left, right) or _is_mark_within(right, left):
        return True
    size = max(statistics.median(c.size for c in left), statistics.median(c.size for c in right))
    if abs(_middle(left) - _middle(right)) > 0.3 * size:
        return False
    if _is_marks(left) and _is_marks(right):
        # Two raised marks of one line ("…التنمية(2)، … المناخ(3)"), each a run of its own:
        # each goes to its place in the line. Their drawn characters only, as PDFium places
        # the spaces it generates where the next run starts, across the line.
        a0, a1, _a, _s = _box(left)
        b0, b1, _b, _t = _box(right)
        return min(abs(b0 - a1), abs(a0 - b1)) < size
    a0, a1 = min(c.x0 for c in left), max(c.x1 for c in left)
    b0, b1 = min(c.x0 for c in right), max(c.x1 for c in right)
    return min(abs(b0 - a1), abs(a0 - b1)) < 3 * size


def _is_marks(run: list[_Char]) -> bool:
    """A run of a bracketed note's mark alone ("(2)", "(*)"), as Arabic documents print them."""
    drawn = "".join(c.text for c in run if c.text.strip())
    return bool(_MARK_ALONE.fullmatch(drawn))


_MARK_ALONE = re.compile(r"[()](?:[0-9⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3}|\*{1,3})[()]")


def _is_mark_within(line: list[_Char], mark: list[_Char]) -> bool:
    """A raised note mark PDFium gives as a run of its own, drawn within the line's span
    ("(*)" in an Arabic line) or just past its end (the English ESCWA report's
    "… Information Society,⁴" at the right margin, given before the line it ends): a few
    characters set smaller than the line, at the height of its letters."""
    visible = [c for c in mark if c.text.strip()]
    if not visible or len(visible) > 5:
        return False
    drawn = [c for c in line if c.text.strip()]
    if not drawn:
        return False
    x0, x1 = min(c.x0 for c in drawn), max(c.x1 for c in drawn)
    top, bottom = min(c.top for c in drawn), max(c.bottom for c in drawn)
    if not top <= _middle(mark) <= bottom:
        return False
    size = statistics.median(c.size for c in drawn)
    if statistics.median(c.size for c in visible) >= 0.85 * size:
        return False
    m0, m1 = min(c.x0 for c in visible), max(c.x1 for c in visible)
    if x0 < m0 and m1 < x1:
        return True
    # Past the end in reading order: right of a left-to-right line, left of a right-to-left
    # one, no further than a space's width.
    if any(_is_rtl_char(c.text) for c in drawn):
        return 0 <= x0 - m1 < 0.6 * size
    return 0 <= m0 - x1 < 0.6 * size


def _joined(left: list[_Char], right: list[_Char]) -> list[_Char]:
    """Two runs of one line as one: side by side with a space between, or a mark drawn within
    the line put where it is drawn (a right-to-left line is reordered by position anyway)."""
    if _is_mark_within(right, left):
        left, right = right, left
    if _is_mark_within(left, right):
        if any(_is_rtl_char(c.text) for c in left):
            return left + right
        at = min(c.x0 for c in right if c.text.strip())
        cut = next((i for i, c in enumerate(left) if c.x0 >= at), len(left))
        return left[:cut] + right + left[cut:]
    if any(_is_rtl_char(c.text) for c in (*left, *right)):
        # Ordered by position later: a space only where the runs are drawn apart.
        a0, a1, _a, size = _box(left)
        b0, b1, _b, _s = _box(right)
        if min(abs(b0 - a1), abs(a0 - b1)) < 0.15 * size:
            return left + right
    return _ordered([*left, _space(left, right), *right])


def _ordered(chars: list[_Char]) -> list[_Char]:
    """Characters of a merged line in reading order: left to right, unless the line is mostly
    right-to-left script, where PDFium's logical order within each run is kept."""
    return chars


def _space(left: list[_Char], right: list[_Char]) -> _Char:
    """The space between two runs of one line. A right-to-left line is ordered by position:
    its space goes at the start of the run read second, the right edge of the left run, so
    that a raised mark drawn at the end of the run read first stays with it ("عشرة(3) بشأن",
    not "عشر ة(3)بشأن"). A left-to-right line keeps the order given."""
    last = left[-1]
    at = last.x1
    if any(_is_rtl_char(c.text) for c in (*left, *right)):
        a0, a1, _a, _s = _box(left)
        b0, b1, _b, _t = _box(right)
        at = a1 if a0 <= b0 else b1
    return _Char(" ", at, at, last.top, last.bottom, last.baseline, last.size, False, False)


def _segments(run: list[_Char]) -> Iterator[list[_Char]]:
    """Split a run where the next character starts far from the last one (a column gap on the
    cover: "General Assembly      Distr.: General")."""
    segment: list[_Char] = []
    last: _Char | None = None
    for char in run:
        if last is not None and char.text.strip():
            gap = min(abs(char.x0 - last.x1), abs(last.x0 - char.x1))
            if gap > 3 * max(char.size, last.size, 1.0):
                yield segment
                segment = []
        segment.append(char)
        if char.text.strip():
            last = char
    if segment:
        yield segment


_ALEFS = frozenset("اأإآ")


def _lam_alef(chars: list[_Char]) -> list[_Char]:
    """Put the lam-alef ligature's letters back in order: Arabic fonts draw lam + alef as one
    glyph, and the PDFs' text maps it to alef then lam ("األمم" for "الأمم"); both letters then
    share one box, which tells the ligature from a real alef-lam (the article "ال")."""
    out = list(chars)
    for index in range(len(out) - 1):
        first, second = out[index], out[index + 1]
        if (
            first.text in _ALEFS
            and second.text == "ل"
            and abs(first.x0 - second.x0) < 0.01
            and abs(first.x1 - second.x1) < 0.01
        ):
            out[index], out[index + 1] = second, first
    return out


def _line(chars: list[_Char], page: int, rtl_page: bool = False) -> Line | None:
    chars = _lam_alef(chars)
    if any(_is_rtl_char(c.text) for c in chars) or (
        # A Latin line of a right-to-left page opening with a note's mark at its right edge
        # ("Data from the United Nations … (8)"): read from the right, as the page is.
        rtl_page and _BRACKETED_MARK.search("".join(c.text for c in chars))
    ):
        return _rtl_line(chars, page, rtl_page)
    visible = [c for c in chars if c.text.strip()]
    if not visible:
        return None
    sizes = Counter(round(c.size, 1) for c in visible)
    body = sizes.most_common(1)[0][0]
    baselines = [c.baseline for c in visible if round(c.size, 1) == body]
    baseline = statistics.median(baselines)
    text: list[str] = []
    for char in chars:
        value = char.text
        raised = char.baseline < baseline - 0.25 * body
        if value.isdigit() and raised and char.size < 0.85 * body:
            value = value.translate(SUPERSCRIPT_DIGITS)
            while text and text[-1] == " ":
                text.pop()
        text.append(value)
    joined = re.sub(r"[ \t\u00a0]+", " ", "".join(text)).strip()
    first = visible[0]
    word_end = first
    for char in visible:
        if char.x0 - word_end.x1 > 0.2 * body:
            break
        word_end = char
    weight = len(visible)
    return Line(
        text=joined,
        page=page,
        x0=min(c.x0 for c in visible),
        x1=max(c.x1 for c in visible),
        top=min(c.top for c in visible),
        bottom=max(c.bottom for c in visible),
        size=body,
        bold=sum(c.bold for c in visible) > 0.6 * weight,
        italic=sum(c.italic for c in visible) > 0.6 * weight,
        first_word=abs(word_end.x1 - first.x0),
    )


# Explicit direction marks and embeddings: the order is rebuilt from the positions instead.
_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# Held whole while a right-to-left line is reordered: numbers joined by a dash, slash or
# colon, raised note marks in brackets (drawn "(2)" or, mirrored, ")2("), and a note's mark
# as the notes print it, "(2)", which the algorithm would split from its brackets beside
# Latin text ("E/ESCWA/30/5 (1)" read "(E/ESCWA/30/5 (1.").
_PLAIN_MARK = r"(?<![A-Za-z0-9/])[()][0-9]{1,3}[()](?![A-Za-z0-9/])"
_HELD = re.compile(
    r"(?P<number>[0-9]+(?:[-–/:][0-9]+)+)|(?P<mark>[()] ?(?:[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\*{1,3}) ?[()])"
    rf"|(?P<plain>{_PLAIN_MARK})"
)
_BRACKETED_MARK = re.compile(_PLAIN_MARK)
_PLACEHOLDERS = re.compile("[\ue000-\uefff\u05d0-\u05ea]")


def _is_rtl_char(text: str) -> bool:
    return bool(text) and unicodedata.bidirectional(text[0]) in ("R", "AL")


def _raised(chars: list[_Char]) -> tuple[float, list[str]]:
    """The line's body size, and each character's text with footnote digits (smaller, raised
    above the baseline) as superscripts."""
    visible = [c for c in chars if c.text.strip()]
    sizes = Counter(round(c.size, 1) for c in visible)
    body = sizes.most_common(1)[0][0]
    baseline = statistics.median(c.baseline for c in visible if round(c.size, 1) == body)
    texts = []
    for char in chars:
        value = char.text
        if value.isdigit() and char.baseline < baseline - 0.25 * body and char.size < 0.85 * body:
            value = value.translate(SUPERSCRIPT_DIGITS)
        texts.append(value)
    return body, texts


def _rtl_line(chars: list[_Char], page: int, rtl_page: bool = False) -> Line | None:
    """A line holding right-to-left script, in logical order by the Unicode bidirectional
    algorithm (decision 0032, "Corpus and Arabic order").

    PDFium gives Arabic letters in logical order but numbers and Latin runs, with the
    neutrals around them, in visual order ("-8" for "8-", ".2018" for "2018.") and brackets
    as drawn, mirrored (")الإسكوا(" for "(الإسكوا)"). The line is rebuilt as drawn, left to
    right by position, and the bidirectional algorithm (python-bidi) gives its logical order —
    reordering is its own inverse for a line's runs — and mirrors brackets back. Combining
    marks and a ligature's letters (one box) travel with the character they belong to. On a
    right-to-left page every line reads from the right, however much Latin it holds (a note
    "(6) E/ESCWA/29/12/Report، ص 5"); elsewhere the line's own majority of letters decides."""
    visible = [c for c in chars if c.text.strip()]
    if not visible:
        return None
    body, texts = _raised(chars)
    clusters: list[tuple[_Char, str]] = []
    for char, text in zip(chars, texts, strict=True):
        if not text or text in _BIDI_CONTROLS:
            continue
        if clusters and (
            unicodedata.combining(text[0])
            or (
                text.strip()
                and abs(char.x0 - clusters[-1][0].x0) < 0.01
                and abs(char.x1 - clusters[-1][0].x1) < 0.01
            )
        ):
            head, joined = clusters[-1]
            clusters[-1] = (head, joined + text)
        else:
            clusters.append((char, text))
    ordered = sorted(clusters, key=lambda item: (item[0].x0 + item[0].x1) / 2)
    # Each cluster written so that the algorithm's reversal of a right-to-left run gives
    # its letters back in their order.
    visual = "".join(text[::-1] if _is_rtl_char(text) else text for _char, text in ordered)
    strong = [unicodedata.bidirectional(ch) for ch in visual]
    rtl = rtl_page or sum(kind in ("R", "AL") for kind in strong) >= sum(
        kind == "L" for kind in strong
    )
    logical = _reordered(visual, rtl)
    joined = re.sub(r"(?<=\S) +(?=[⁰¹²³⁴⁵⁶⁷⁸⁹])", "", logical)
    joined = re.sub(r"[ \t\u00a0]+", " ", joined).strip()
    # The first word read: the rightmost in a right-to-left line.
    run = sorted(visible, key=lambda c: -c.x1) if rtl else sorted(visible, key=lambda c: c.x0)
    word_end = run[0]
    for char in run[1:]:
        gap = (word_end.x0 - char.x1) if rtl else (char.x0 - word_end.x1)
        if gap > 0.2 * body:
            break
        word_end = char
    weight = len(visible)
    return Line(
        text=joined,
        page=page,
        x0=min(c.x0 for c in visible),
        x1=max(c.x1 for c in visible),
        top=min(c.top for c in visible),
        bottom=max(c.bottom for c in visible),
        size=body,
        bold=sum(c.bold for c in visible) > 0.6 * weight,
        italic=sum(c.italic for c in visible) > 0.6 * weight,
        first_word=abs(run[0].x1 - word_end.x0) if rtl else abs(word_end.x1 - run[0].x0),
    )


def _reordered(visual: str, rtl: bool) -> str:
    """A line as drawn (left to right) in logical order, by the Unicode bidirectional algorithm.

    Two things are held whole while the line is reordered, each as one placeholder character:
    ranges and dates written with digits ("25-28", "2017-2018", "30/18"), drawn left to right
    as one number, which the algorithm would read as two Arabic numbers in a right-to-left run
    and swap ("28-25") — a strong left-to-right placeholder (private use); and raised note
    marks in brackets ("(2)", drawn mirrored ")2(" too), which sit beside the word or number
    they mark like a right-to-left letter — a strong right-to-left placeholder (a Hebrew
    letter). A line that already holds such characters is reordered as it is."""
    from bidi.algorithm import get_display  # the reference implementation: it also mirrors

    if _PLACEHOLDERS.search(visual):
        return get_display(visual, base_dir="R" if rtl else "L")
    held: dict[str, str] = {}
    counts = {"number": 0, "mark": 0}

    def hold(match: re.Match[str]) -> str:
        if match["mark"] and counts["mark"] < 27:
            placeholder = chr(0x05D0 + counts["mark"])
            counts["mark"] += 1
            held[placeholder] = match["mark"].strip("() ")  # "²", as untext reads marks
        elif match["plain"] and counts["mark"] < 27:
            placeholder = chr(0x05D0 + counts["mark"])
            counts["mark"] += 1
            held[placeholder] = f"({match['plain'].strip('()')})"
        elif match["number"] and counts["number"] < 0x1000:
            placeholder = chr(0xE000 + counts["number"])
            counts["number"] += 1
            held[placeholder] = match["number"]
        else:
            return match[0]
        return placeholder

    logical = get_display(_HELD.sub(hold, visual), base_dir="R" if rtl else "L")
    return _PLACEHOLDERS.sub(lambda m: held.get(m[0], m[0]), logical)


@dataclass(frozen=True)
class _Picture:
    """A small image drawn on the page (a paragraph number drawn as a picture?)."""

    x0: float
    x1: float
    top: float
    bottom: float
    digest: bytes  # its data: one ornament drawn again is one picture, numbers differ


# Larger images (logos, signatures, figures, photographs) are never read for numbers.
_SMALL_PICTURE = 40.0


def _drawings(page: object) -> tuple[list[float], list[_Picture]]:
    """What the page draws besides its text, in one pass over its objects: where short
    horizontal rules are drawn in the lower part of the page (the line above the footnotes,
    which UN PDFs draw or type as underscores), and its small images."""
    import hashlib

    import pypdfium2.raw as raw

    height = page.get_height()  # type: ignore[attr-defined]
    width = page.get_width()  # type: ignore[attr-defined]
    tops: list[float] = []
    pictures: list[_Picture] = []
    kinds = [raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE]
    for item in page.get_objects(filter=kinds, max_depth=2):  # type: ignore[attr-defined]
        left, low, right, high = item.get_bounds()
        if item.type == raw.FPDF_PAGEOBJ_PATH:
            if high - low < 2 and 30 < right - left < width / 2 and height - high > height / 3:
                tops.append(height - high)
        elif item.level == 0 and high - low < _SMALL_PICTURE and right - left < _SMALL_PICTURE:
            # An image inside a form is placed by the form's matrix: not read.
            digest = hashlib.blake2b(_picture_data(item, high - low), digest_size=16).digest()
            pictures.append(_Picture(left, right, height - high, height - low, digest))
    return tops, pictures


def _picture_data(image: Any, height: float) -> bytes:
    """What an image draws: rendered with its mask, unless it is a rule's height (a dash).
    The Arabic ESCWA report's numbers are black images whose soft mask draws the digits:
    their own data is alike for every number of one size."""
    import pypdfium2 as pdfium

    if height >= 3:
        try:
            return bytes(image.get_bitmap(render=True).buffer)
        except pdfium.PdfiumError:
            pass
    return bytes(image.get_data(decode_simple=False))


def _pictured_numbers(
    pages: Sequence[tuple[float, list[Line], list[float]]],
    pictures: Sequence[Sequence[_Picture]],
    body: float,
) -> set[int]:
    """The lines (by ``id``) that a paragraph number drawn as a picture opens.

    A number drawn as images (its digits, and the dash or full stop, may be two) is a group
    of small pictures side by side, about as tall as the text's digits (0.4 to 0.9 of the
    body size: the Arabic ESCWA report's are 8.5 points in 14-point text), no wider than
    three body sizes (three digits and a dash), set just before a line's start in reading
    order — right of a right-to-left line, left of a left-to-right one — within that line's
    height. They are paragraph numbers only together: at least
    PICTURED_NUMBERS_MIN of them in the document, their outer edges on one margin, of one
    height, and within a sequence each a different picture (a bullet or an ornament is one
    image drawn again: sequences of one). Logos, signatures and figures are larger, and sit
    on no line's start."""
    found: list[tuple[tuple[float, float, float, float], bytes, Line, bool, int]] = []
    for page, ((_height, lines, _rules), small) in enumerate(zip(pages, pictures, strict=True)):
        if not small:
            continue
        # A body line or a heading (the Arabic agenda's item 14 is set at 11 points, not 14).
        hosts = [line for line in lines if not line.cells and line.size > 0.7 * body]
        for box, digest in _picture_groups(small, body):
            x0, x1, top, bottom = box
            if not (0.4 * body <= bottom - top <= 0.9 * body and x1 - x0 <= 3 * body):
                continue
            middle = (top + bottom) / 2
            for line in hosts:
                if not line.top <= middle <= line.bottom:
                    continue
                rtl = _is_right_to_left([line])
                gap = (x0 - line.x1) if rtl else (line.x0 - x1)
                if 0 <= gap < 3 * body:
                    found.append((box, digest, line, rtl, page))
                    break
    if len(found) < PICTURED_NUMBERS_MIN:
        return set()
    edges = [box[1] if rtl else box[0] for box, _digest, _line, rtl, _page in found]
    heights = [box[3] - box[2] for box, _digest, _line, _rtl, _page in found]
    edge, height = statistics.median(edges), statistics.median(heights)
    kept = sorted(
        (
            (page, line.top, digest, line)
            for (box, digest, line, _rtl, page), at, tall in zip(found, edges, heights, strict=True)
            if abs(at - edge) < 0.5 * body and abs(tall - height) < 0.25 * height
        ),
        key=lambda item: (item[0], item[1]),
    )
    # Numbers differ from one another; a bullet or an ornament is one picture drawn again. A
    # picture seen before starts the numbering anew (the resolutions printed in a report each
    # number from 1, though the same digit may be drawn by a different image): numbers make
    # runs of different pictures, bullets runs of one.
    seen: set[bytes] = set()
    longest = 0
    for _page, _top, digest, _line in kept:
        if digest in seen:
            seen = set()
        seen.add(digest)
        longest = max(longest, len(seen))
    if len(kept) < PICTURED_NUMBERS_MIN or longest < PICTURED_NUMBERS_MIN:
        return set()
    return {id(line) for _page, _top, _digest, line in kept}


def _picture_groups(
    pictures: Sequence[_Picture], body: float
) -> Iterator[tuple[tuple[float, float, float, float], bytes]]:
    """Small pictures side by side on one line, grouped: (left, right, top, bottom) of each
    group, and a digest of its pictures in order."""
    groups: list[list[_Picture]] = []
    for picture in sorted(pictures, key=lambda p: (p.x0, p.top)):
        middle = (picture.top + picture.bottom) / 2
        group = next(
            (
                g
                for g in groups
                if g[-1].top - 0.2 * body <= middle <= g[-1].bottom + 0.2 * body
                and picture.x0 - g[-1].x1 < 0.5 * body
            ),
            None,
        )
        if group is None:
            groups.append([picture])
        else:
            group.append(picture)
    for group in groups:
        box = (
            min(p.x0 for p in group),
            max(p.x1 for p in group),
            min(p.top for p in group),
            max(p.bottom for p in group),
        )
        yield box, b"".join(p.digest for p in group)


def _assemble(
    pages: Sequence[tuple[float, list[Line], list[float]]],
    pictures: Sequence[Sequence[_Picture]] = (),
) -> LaidOut:
    """Drop running headers and footers, lift the notes below each page's rule, and join the
    lines of each paragraph (across pages too); a paragraph number drawn as a picture opens
    its paragraph with PICTURED_NUMBER."""
    everything = [line for _height, lines, _rules in pages for line in lines]
    body = _body_size(everything)
    repeated = _repeated_in_margins(pages)
    right_to_left = _is_right_to_left(everything)
    numbered = _pictured_numbers(pages, pictures, body) if pictures else set()
    laid = LaidOut(paragraphs=[], notes=[], right_to_left=right_to_left)
    current: _Paragraph | None = None
    for number, (height, lines, rules) in enumerate(pages):
        start, end = _text_edges(lines, body)
        rule = _footnote_rule(lines, rules, body, height)
        in_notes = bracketed = False
        for line in lines:
            in_margin = line.top < height * HEADER_ZONE or line.bottom > height * (1 - FOOTER_ZONE)
            if _DASHED_PAGE_NUMBER.match(line.text):
                # "-12-" under a two-line running header (the Arabic ESCWA report's, at 9.2 %
                # of the page) is still the page's number.
                in_margin = line.top < height * PAGE_NUMBER_ZONE or line.bottom > height * (
                    1 - PAGE_NUMBER_ZONE
                )
            below_rule = in_notes or (rule is not None and line.top > rule - 1)
            furniture = bool(_PAGE_FURNITURE.match(line.text)) or (
                # Notes of two pages may look alike ("A/AC.105/1162, …"): below the rule only
                # page numbers and job numbers are furniture.
                not below_rule and len(line.text) <= 80 and _shape(line.text) in repeated
            )
            if in_margin and furniture and (number > 0 or line.top > height / 2):
                laid.furniture += 1
                continue
            if _UNDERSCORE_RULE.match(line.text):
                in_notes = True
                continue
            if below_rule and line.size < body - 0.4:
                bracketed = _add_note(laid.notes, line.text, bracketed) or bracketed
                continue
            opens = id(line) in numbered
            if current is not None and not opens and _continues(current, line, start, end, body):
                current.add(line)
                continue
            if current is not None:
                laid.paragraphs.append(current.text)
            current = _Paragraph(line, numbered=opens)
            laid.pictured_numbers += opens
    if current is not None:
        laid.paragraphs.append(current.text)
    return laid


def _footnote_rule(
    lines: Sequence[Line], rules: Sequence[float], body: float, height: float
) -> float | None:
    """The footnote rule among the page's short rules: the highest below which the first line
    opens with a note's mark, no line is a table's row, and every line above the page's foot
    (page number, job number) is set smaller than the body. A rule drawn under a heading or
    in a table (a budget table's borders) has body text or a table's rows below it."""
    foot = height * (1 - FOOTER_ZONE)
    for rule in sorted(rules):
        below = sorted(
            (line for line in lines if line.top > rule - 1), key=lambda line: (line.top, line.x0)
        )
        if (
            below
            and _NOTE_START.match(below[0].text)
            and not any(line.cells for line in below)
            and all(line.size < body - 0.4 for line in below if line.bottom <= foot)
        ):
            return rule
    return None


def _body_size(lines: Sequence[Line]) -> float:
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip())


def _repeated_in_margins(pages: Sequence[tuple[float, list[Line], list[float]]]) -> set[str]:
    """Texts (digits ignored) seen in the top or bottom margin of two pages or more."""
    seen: Counter[str] = Counter()
    for height, lines, _rules in pages:
        shapes = {
            _shape(line.text)
            for line in lines
            if line.top < height * HEADER_ZONE or line.bottom > height * (1 - FOOTER_ZONE)
        }
        seen.update(shapes)
    return {shape for shape, count in seen.items() if count >= 2}


def _is_right_to_left(lines: Sequence[Line]) -> bool:
    letters = Counter(
        "rtl" if "\u0590" <= char <= "\u08ff" else "ltr"
        for line in lines
        for char in line.text
        if char.isalpha()
    )
    return letters["rtl"] > letters["ltr"]


def _text_edges(lines: Sequence[Line], body: float) -> tuple[float, float]:
    """The page's text block: where most body lines start and end."""
    starts = sorted(line.x0 for line in lines if abs(line.size - body) < 0.5)
    ends = sorted(line.x1 for line in lines if abs(line.size - body) < 0.5)
    if not starts:
        return 0.0, 1e9
    return starts[len(starts) // 10], ends[(len(ends) * 9) // 10]


def _add_note(notes: list[Note], text: str, bracketed: bool = False) -> bool:
    """Add a note's line: a new note if it opens with a mark, else the last note's text. On
    a page whose notes are marked "(1)" (``bracketed``), a plain number opening a line is the
    note's text carried on ("12 كانون الأول …"), not a mark. Whether the line opened a note
    marked in brackets."""
    match = _NOTE_START.match(text)
    if match and bracketed and match["marker"] and match["marker"][0].isdigit():
        match = None
    if match:
        marker = (match["bracketed"] or match["marker"]).translate(
            str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
        )
        notes.append(Note(marker, match["text"].strip()))
        return bool(match["bracketed"])
    if notes:  # the note's text after its mark alone on a line, or carried over a page
        notes[-1] = Note(notes[-1].marker, f"{notes[-1].text} {text}".strip())
    return False


@dataclass
class _Paragraph:
    first: Line
    lines: list[Line] = field(default_factory=list)
    numbered: bool = False  # its number is drawn as a picture (PICTURED_NUMBER)

    def __post_init__(self) -> None:
        self.lines.append(self.first)

    @property
    def last(self) -> Line:
        return self.lines[-1]

    def add(self, line: Line) -> None:
        self.lines.append(line)

    @property
    def text(self) -> str:
        parts: list[str] = []
        for line in self.lines:
            piece = line.text
            if parts and _is_cjk(parts[-1][-1:]) and _is_cjk(piece[:1]):
                parts[-1] += piece
            else:
                parts.append(piece)
        text = " ".join(parts)
        return f"{PICTURED_NUMBER} {text}" if self.numbered else text


def _is_cjk(char: str) -> bool:
    return bool(char) and ("\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef")


def _continues(paragraph: _Paragraph, line: Line, start: float, end: float, body: float) -> bool:
    """Whether ``line`` goes on the paragraph: same type, close below it (or at the top of the
    next page), not indented as a new paragraph, and the line before it was full — had the
    next line's first word fitted there, the line before ended the paragraph."""
    last = paragraph.last
    if line.cells or last.cells:  # a table's row stands alone
        return False
    if line.bold != last.bold or abs(line.size - last.size) > 0.5:
        return False
    if line.page == last.page:
        gap = line.top - last.bottom
        if gap > 0.7 * line.size or gap < -0.5 * line.size:
            return False
    text_width = max(end - start, 1.0)
    rtl = _is_right_to_left([line])
    # Lines set apart from the text block (centred or ranged right: dates, meeting lines).
    offset = (
        (start + 0.25 * text_width < last.x0) if not rtl else (last.x1 < end - 0.25 * text_width)
    )
    if offset and not rtl:
        return False
    room = (last.x0 - start) if rtl else (end - last.x1)
    heading = last.bold or last.size > body + 0.5
    # Headings and titles wrap ragged: only their type and spacing tell.
    if not heading and room > line.first_word + 0.5 * line.size:
        return False
    if len(paragraph.lines) >= 2:
        # A paragraph's lines after the first start at one place; starting further in opens
        # a new paragraph (a first-line indent).
        settled = paragraph.lines[1]
        if rtl and line.x1 < settled.x1 - 0.6 * body:
            return False
        if not rtl and line.x0 > settled.x0 + 0.6 * body:
            return False
    return True


# --------------------------------------------------------------------------------------------
# DOCX


def read_docx(data: bytes) -> LaidOut:
    """The laid-out text of a Word file: its paragraphs with their automatic numbering, and
    its footnotes with their marks; ``NotReadable`` if it is not a readable .docx."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise NotReadable(
            _("This file is not a readable Word document (%(reason)s).") % {"reason": exc}
        ) from None
    numbering = _Numbering(document)
    paragraphs: list[str] = []
    characters = 0
    for paragraph in [*_cover(document), *_docx_paragraphs(document)]:
        if isinstance(paragraph, _Row):
            cells = [" ".join(t for p in cell if (t := _docx_text(p))) for cell in paragraph.cells]
            if any(cells):
                characters += sum(len(cell) for cell in cells)
                paragraphs.append(TABLE_CELL.join(cells))
            continue
        text = _docx_text(paragraph)
        if not text.strip():
            continue
        label = numbering.label(paragraph)
        characters += len(text)
        paragraphs.append(f"{label} {text}".strip() if label else text.strip())
    notes = [Note(marker, text) for marker, text in _docx_notes(document)]
    if not paragraphs:
        raise NotReadable(_("This Word document holds no text."))
    return LaidOut(
        paragraphs=paragraphs,
        notes=notes,
        characters=characters,
        kind="docx",
        right_to_left=_is_right_to_left(
            [Line(p, 0, 0, 0, 0, 0, 0, False, False, 0) for p in paragraphs[:50]]
        ),
    )


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass
class _Row:
    """A table's row of two cells or more: one logical line, its cells joined by TABLE_CELL."""

    cells: list[list[Any]]


def _docx_paragraphs(document: Any) -> Iterator[object]:
    """Body paragraphs in order, and tables row by row: a row of two cells or more as one
    ``_Row``, a one-cell row (a box drawn as a table) as its paragraphs."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    body = document.element.body
    for child in body.iterchildren():
        if child.tag == f"{_W}p":
            yield Paragraph(child, document)
        elif child.tag == f"{_W}tbl":
            table = Table(child, document)
            seen: set[int] = set()
            for row in table.rows:
                cells = []
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is listed once per grid column
                        continue
                    seen.add(id(cell._tc))
                    cells.append(list(cell.paragraphs))
                if len(cells) >= 2:
                    yield _Row(cells)
                else:
                    for paragraphs in cells:
                        yield from paragraphs


def _cover(document: object) -> list[object]:
    """The first page's header: where UN Word files print the symbol, the distribution line
    and the date."""
    sections = document.sections  # type: ignore[attr-defined]
    if not sections:
        return []
    first = sections[0]
    from docx.text.paragraph import Paragraph

    header = first.first_page_header if first.different_first_page_header_footer else first.header
    if header.is_linked_to_previous:
        return []
    # Every paragraph, those of the header's layout table included.
    return [Paragraph(p, header) for p in header._element.iter(f"{_W}p")]


def _docx_text(paragraph: object) -> str:
    """The paragraph's text with footnote references as superscript numbers."""
    parts: list[str] = []
    for node in paragraph._p.iter():  # type: ignore[attr-defined]
        if node.tag == f"{_W}t":
            parts.append(node.text or "")
        elif node.tag == f"{_W}tab" or node.tag in (f"{_W}br", f"{_W}cr"):
            parts.append(" ")
        elif node.tag == f"{_W}footnoteReference":
            identifier = node.get(f"{_W}id", "")
            parts.append(identifier.translate(SUPERSCRIPT_DIGITS))
    return re.sub(r"[ \t\u00a0]+", " ", "".join(parts)).strip()


def _docx_notes(document: object) -> list[tuple[str, str]]:
    """The footnotes (id, text), in the order of their ids; separators left out."""
    from lxml import etree

    part = document.part  # type: ignore[attr-defined]
    found: list[tuple[str, str]] = []
    for relation in part.rels.values():
        if relation.reltype.endswith("/footnotes"):
            root = etree.fromstring(relation.target_part.blob)
            for note in root.iter(f"{_W}footnote"):
                if note.get(f"{_W}type") in ("separator", "continuationSeparator"):
                    continue
                text = "".join(node.text or "" for node in note.iter(f"{_W}t"))
                text = re.sub(r"\s+", " ", text).strip()
                if text:
                    found.append((note.get(f"{_W}id", ""), text))
    return sorted(found, key=lambda item: int(item[0]) if item[0].isdigit() else 0)


class _Numbering:
    """Automatic paragraph numbering ("16.1", "1.", "(a)") computed as Word shows it, for the
    common formats: decimal, lower/upper letter, lower/upper roman, per list and level."""

    def __init__(self, document: object) -> None:
        self.formats: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        part = document.part  # type: ignore[attr-defined]
        try:
            numbering = part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for item in numbering.iterchildren(f"{_W}abstractNum"):
            levels = {}
            for level in item.iterchildren(f"{_W}lvl"):
                ilvl = int(level.get(f"{_W}ilvl", "0"))
                fmt = _child_value(level, "numFmt") or "decimal"
                text = _child_value(level, "lvlText") or ""
                start = int(_child_value(level, "start") or "1")
                levels[ilvl] = (fmt, text, start)
            abstract[item.get(f"{_W}abstractNumId", "")] = levels
        for num in numbering.iterchildren(f"{_W}num"):
            num_id = num.get(f"{_W}numId", "")
            reference = num.find(f"{_W}abstractNumId")
            if reference is None:
                continue
            for ilvl, spec in abstract.get(reference.get(f"{_W}val", ""), {}).items():
                self.formats[(num_id, ilvl)] = spec

    def label(self, paragraph: object) -> str:
        properties = paragraph._p.pPr  # type: ignore[attr-defined]
        num_pr = properties.numPr if properties is not None else None
        if num_pr is None:
            style = getattr(paragraph, "style", None)
            style_pr = getattr(getattr(style, "element", None), "pPr", None)
            num_pr = getattr(style_pr, "numPr", None)
        if num_pr is None or num_pr.numId is None:
            return ""
        num_id = str(num_pr.numId.val)
        ilvl = int(num_pr.ilvl.val) if num_pr.ilvl is not None else 0
        if (num_id, ilvl) not in self.formats:
            return ""
        counters = self.counters.setdefault(num_id, [0] * 9)
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        fmt, text, _start = self.formats[(num_id, ilvl)]
        if fmt in ("bullet", "none"):
            return ""

        def level_value(match: re.Match[str]) -> str:
            level = int(match.group(1)) - 1
            spec = self.formats.get((num_id, level), ("decimal", "", 1))
            value = counters[level] + spec[2] - 1 if level <= ilvl else 0
            return _formatted(max(value, 1), spec[0])

        return re.sub(r"%(\d)", level_value, text).strip()


def _child_value(element: object, name: str) -> str | None:
    child = element.find(f"{_W}{name}")  # type: ignore[attr-defined]
    return None if child is None else child.get(f"{_W}val")


def _formatted(value: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return _letters(value).lower()
    if fmt == "upperLetter":
        return _letters(value)
    if fmt == "lowerRoman":
        return _roman(value).lower()
    if fmt == "upperRoman":
        return _roman(value)
    return str(value)


def _letters(value: int) -> str:
    letters = ""
    while value > 0:
        value, rest = divmod(value - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _roman(value: int) -> str:
    numerals = (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    )  # fmt: skip
    out = ""
    for amount, numeral in numerals:
        while value >= amount:
            out += numeral
            value -= amount
    return out
