"""The one way a download names its file: a safe ``Content-Disposition: attachment`` header.

A file name can come from an officer (our reference, a document's title) or from outside (an
uploaded file's name, a treaty symbol). ``attachment(response, name)`` makes it a name safe to
save (``uploads.safe_download_name``: no path, no control or bidirectional characters) and
writes the header as RFC 6266 says (Django's ``content_disposition_header``: quotes escaped,
non-ASCII as ``filename*=utf-8''…``), so no name breaks or adds to the header.
"""

from __future__ import annotations

from typing import TypeVar

from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

from .uploads import safe_download_name

__all__ = ["attachment", "attachment_header"]

R = TypeVar("R", bound=HttpResponseBase)


def attachment_header(name: str, fallback: str = "download") -> str:
    """The ``Content-Disposition`` value offering ``name`` (made safe) as an attachment."""
    header = content_disposition_header(True, safe_download_name(name, fallback=fallback))
    assert header is not None  # as_attachment=True always gives a header
    return header


def attachment(response: R, name: str, fallback: str = "download") -> R:
    """Mark ``response`` as a download named ``name`` (made safe); returns the response."""
    response["Content-Disposition"] = attachment_header(name, fallback)
    return response
