"""Fonts embedded in the PDFs (requests, statistics reports), from Debian packages that
``scripts/bootstrap.sh`` installs.

* Noto Sans (fonts-noto-core): Latin, Cyrillic, Greek; the main font of five languages.
* Noto Naskh Arabic (fonts-noto-core): Arabic, the main font of Arabic requests.
* Droid Sans Fallback (fonts-droid-fallback): Chinese, as a fallback for CJK characters.

Why not Noto Sans CJK (fonts-noto-cjk)? It is an OpenType collection with CFF outlines: fpdf2
embeds it as a CIDFontType0 whose code-to-CID map is an embedded CMap stream, and text
extraction (pypdf 7 reads such a map one byte at a time) garbles every character once a
request uses more than 256 distinct glyphs. Droid Sans Fallback has TrueType outlines, so the
font is embedded with Identity-H and a CIDToGIDMap, which every reader understands; it also
loads in a third of the time. Neither has a bold face: bold Chinese is simulated (pdf.py).

The folders searched can be replaced with ``ROGATORY_FONT_DIRS`` (paths separated by ``:``).
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DEFAULT_FONT_DIRS = (
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/truetype/droid",
    "/usr/share/fonts/truetype",
    "/usr/share/fonts/opentype",
    "/usr/local/share/fonts",
)

ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
CJK = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


class FontsMissing(RuntimeError):
    """A font the PDF needs is not installed (see scripts/bootstrap.sh)."""


@dataclass(frozen=True)
class FontFile:
    path: Path
    collection_index: int = 0


@dataclass(frozen=True)
class FontFamily:
    """One family as registered with fpdf2: a regular and a bold face."""

    name: str
    regular: FontFile
    bold: FontFile


# name: regular file, bold file, index of the face when the file is a collection
FAMILIES: dict[str, tuple[str, str, int]] = {
    "NotoSans": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", 0),
    "NotoNaskhArabic": ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf", 0),
    "DroidSansFallback": ("DroidSansFallbackFull.ttf", "DroidSansFallbackFull.ttf", 0),
}
# Families registered in their regular face only (see pdf.py: bold is simulated).
REGULAR_ONLY = frozenset({"DroidSansFallback"})
PACKAGES = {
    "NotoSans": "fonts-noto-core",
    "NotoNaskhArabic": "fonts-noto-core",
    "DroidSansFallback": "fonts-droid-fallback",
}


def font_dirs() -> list[Path]:
    configured = os.environ.get("ROGATORY_FONT_DIRS", "")
    dirs = [d for d in configured.split(":") if d] or list(DEFAULT_FONT_DIRS)
    return [Path(d) for d in dirs]


@cache
def find(filename: str) -> Path | None:
    for directory in font_dirs():
        candidate = directory / filename
        if candidate.is_file():
            return candidate
    for directory in font_dirs():
        if directory.is_dir():
            for candidate in sorted(directory.rglob(filename)):
                return candidate
    return None


def family(name: str) -> FontFamily:
    """The files of one family; :class:`FontsMissing` names the Debian package to install."""
    regular_name, bold_name, index = FAMILIES[name]
    regular, bold = find(regular_name), find(bold_name)
    if regular is None:
        raise FontsMissing(
            f"font {regular_name} not found in {', '.join(map(str, font_dirs()))}; "
            f"install the Debian package {PACKAGES[name]} (scripts/bootstrap.sh does it)"
        )
    return FontFamily(name, FontFile(regular, index), FontFile(bold or regular, index))


def families_for(language: str, content: str) -> list[str]:
    """The families a document needs, the main one first, then the fallbacks.

    Only scripts present in the text are loaded (the CJK font has 49,000 glyphs). Chinese
    requests use Noto Sans for Latin letters and digits and Droid Sans Fallback for the
    Chinese characters, so French names keep their accents in one consistent typeface.
    """
    main = "NotoNaskhArabic" if language == "ar" else "NotoSans"
    needed = [main]
    for name, present in (
        ("NotoSans", True),
        ("NotoNaskhArabic", bool(ARABIC.search(content))),
        ("DroidSansFallback", bool(CJK.search(content))),
    ):
        if present and name not in needed:
            needed.append(name)
    return needed


LRM = "\u200e"


def directional(content: str, rtl: bool) -> str:
    """In a right-to-left document, keep left-to-right lines whole.

    A line whose first strong character is left to right (a French name, an English
    description) is wrapped in LEFT-TO-RIGHT MARKs, so its trailing full stop or leading
    "1." stays where the writer put it instead of jumping to the other end of the line.
    Invisible; the words themselves are unchanged.
    """
    if not rtl:
        return content
    lines = []
    for line in content.split("\n"):
        classes = (unicodedata.bidirectional(c) for c in line)
        first = next((kind for kind in classes if kind in ("L", "R", "AL")), "")
        lines.append(f"{LRM}{line}{LRM}" if first == "L" else line)
    return "\n".join(lines)
