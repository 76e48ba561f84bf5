"""The request document as HTML: the preview before finalising and the print view.

It renders the same outline as DOCX and PDF (``outline.build_outline``), so what the drafter
reads on screen is what the files will say, in the same order and the same language. Every
text is escaped by the template engine; what the drafter wrote is isolated with ``<bdi>`` so a
Latin name in an Arabic request keeps its punctuation in place; an Arabic request is laid out
right to left.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from .outline import Field, Outline, Section, Table, numbered


@dataclass
class Block:
    """One section or subsection, flattened in reading order with its heading level."""

    heading: str
    level: int
    paragraphs: list[str]
    fields: list[Field]
    table: Table | None
    items: list[str] = field(default_factory=list)


def _blocks(section: Section, level: int = 1) -> list[Block]:
    block = Block(
        heading=numbered(section, level),
        # h2 for a section, h3 for a subsection, never deeper than h4.
        level=min(level + 1, 4),
        paragraphs=section.paragraphs,
        fields=section.fields,
        table=section.table,
        items=[f"{section.number}.{index}  {item}" for index, item in enumerate(section.items, 1)],
    )
    return [block, *(b for sub in section.subsections for b in _blocks(sub, level + 1))]


def outline_html(outline: Outline, *, language: str) -> SafeString:
    """The outline as an HTML fragment (``<article>``) in ``language``'s direction."""
    blocks = [block for section in outline.sections for block in _blocks(section)]
    html = render_to_string(
        "drafting/_outline.html",
        {
            "outline": outline,
            "language": language,
            "direction": "rtl" if outline.rtl else "ltr",
            "blocks": blocks,
        },
    )
    return SafeString(html)
