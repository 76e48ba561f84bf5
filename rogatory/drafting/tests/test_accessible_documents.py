"""What the DOCX and the PDF of a request give a screen reader (decision 0029).

The DOCX: real heading styles, the request's language on the document defaults, the theme and
every style (Arabic as the bidi language), each table's header row repeated and its caption,
title and language in the core properties. The PDF (fpdf2, untagged): /Lang, the title shown
by the viewer, the author, bookmarks of every section.
"""

from __future__ import annotations

import io
import itertools
from typing import Any

import docx
import pytest
from pypdf import PdfReader

from rogatory.drafting.render import render_docx, render_pdf
from rogatory.drafting.render.texts import Texts
from rogatory.drafting.tests.test_render import complete_document, title

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TAGS = {"en": "en-GB", "ar": "ar-SA", "zh": "zh-CN", "fr": "fr-FR"}


def _lang(element: Any) -> dict[str, str | None]:
    lang = element.find(f"{W}lang")
    assert lang is not None, element
    return {key: lang.get(f"{W}{key}") for key in ("val", "eastAsia", "bidi")}


@pytest.mark.parametrize("language", ["en", "ar", "zh", "fr"])
def test_docx_says_its_language_everywhere(language: str) -> None:
    """Every run inherits the request's language: from the defaults (headers, footers), the
    theme, and each style; Arabic is the complex-script language."""
    document = docx.Document(io.BytesIO(render_docx(complete_document(language))))
    tag = TAGS[language]
    expected = {"val": tag, "eastAsia": "zh-CN" if language == "zh" else tag, "bidi": "ar-SA"}
    defaults = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert _lang(defaults) == expected
    theme = document.settings.element.find(f"{W}themeFontLang")
    assert theme is not None and theme.get(f"{W}val") == tag
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        assert _lang(document.styles[name].element.find(f"{W}rPr")) == expected, name
    assert document.core_properties.language == tag
    assert document.core_properties.title == title(language)


def test_docx_headings_are_heading_styles_in_order() -> None:
    """Sections are Heading 1, measures Heading 2 under them, each style with its outline
    level: what Word's navigation pane and a screen reader's list of headings read."""
    document = docx.Document(io.BytesIO(render_docx(complete_document("ar"))))
    levels = [
        p.style.name
        for p in document.paragraphs
        if p.style is not None and p.style.name in ("Title", "Heading 1", "Heading 2")
    ]
    assert levels[:2] == ["Title", "Heading 1"]
    assert levels.count("Title") == 1
    assert levels.count("Heading 1") == 12 and "Heading 2" in levels
    for before, after in itertools.pairwise(levels):
        assert (before, after) != ("Title", "Heading 2")
    for name, level in (("Heading 1", "0"), ("Heading 2", "1")):
        outline = document.styles[name].element.find(f"{W}pPr/{W}outlineLvl")
        assert outline is not None and outline.get(f"{W}val") == level, name


@pytest.mark.parametrize("language", ["en", "ar"])
def test_docx_tables_have_a_repeated_header_row_and_a_caption(language: str) -> None:
    document = docx.Document(io.BytesIO(render_docx(complete_document(language))))
    texts = Texts(language)
    captions = []
    for table in document.tables:
        rows = table._tbl.findall(f"{W}tr")
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        assert all(row.find(f"{W}trPr/{W}tblHeader") is None for row in rows[1:])
        properties = table._tbl.tblPr
        caption = properties.find(f"{W}tblCaption")
        assert caption is not None
        captions.append(caption.get(f"{W}val"))
        # Children in the schema's order (Word refuses an invalid table to its checker).
        order = [child.tag.split("}")[1] for child in properties]
        assert order.index("tblCaption") == len(order) - 1
        if language == "ar":
            assert order.index("bidiVisual") < order.index("tblW")
    assert captions == [texts["section.offences"], texts["section.persons"]]


@pytest.mark.parametrize("language", ["en", "ar", "zh"])
def test_pdf_has_language_title_author_and_bookmarks(language: str) -> None:
    document = complete_document(language)
    reader = PdfReader(io.BytesIO(render_pdf(document)))
    root: Any = reader.trailer["/Root"]
    assert root["/Lang"] == language
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert root["/PageMode"] == "/UseOutlines"
    assert reader.metadata is not None
    assert reader.metadata.title == title(language)
    assert reader.metadata.author == document["signatory"]["name"]
    outline: list[Any] = list(reader.outline)
    top = [item for item in outline if not isinstance(item, list)]
    nested = [item for item in outline if isinstance(item, list)]
    texts = Texts(language)
    assert len(top) == 12
    assert top[0].title == f"1. {texts['section.addressee']}"
    assert nested and nested[0][0].title.startswith("7.1 ")
    # Each bookmark opens the page its section starts on: the first, then onwards.
    found = [reader.get_destination_page_number(item) for item in top]
    pages = [number for number in found if number is not None]
    assert len(pages) == len(found) == 12
    assert pages[0] == 0 and pages == sorted(pages) and pages[-1] > 0


def test_pdf_does_not_claim_to_be_tagged() -> None:
    """fpdf2 2.8.9 tags only images and styled section titles: the PDF must not say
    /Marked true when its text has no structure (decision 0029)."""
    root: Any = PdfReader(io.BytesIO(render_pdf(complete_document("en")))).trailer["/Root"]
    assert "/StructTreeRoot" not in root
    assert "/MarkInfo" not in root
