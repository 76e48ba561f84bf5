"""Rendering of the structured request document to DOCX and PDF.

``render_docx(document) -> bytes`` and ``render_pdf(document) -> bytes`` take the request
document (``drafting/schemas/request-1.schema.json``). Fixed texts come from
``texts/<language>.toml`` (the six UN languages); what the drafter wrote is copied as written.
"""

from .docx import render_docx
from .pdf import render_pdf

__all__ = ["render_docx", "render_pdf"]
