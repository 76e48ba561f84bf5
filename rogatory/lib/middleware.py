"""Refuse, in one place, requests whose path, query string or form fields hold control characters.

Every search box, filter and form field reaches a query or a column; a NUL byte there is a
server error on PostgreSQL, other control characters break the DOCX, PDF and XML we make
later. Rather than trust each of a hundred fields to check, ``RefuseControlCharacters`` answers
400 with a clear message before any view runs (decision 0021). Multipart bodies (uploads) are
not parsed here: their text fields use ``lib.validators.validate_text`` in their forms, and the
JSON API checks its bodies in its parser (``lib.safejson``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from .validators import text_problem

__all__ = ["RefuseControlCharacters"]

API_PREFIX = "/api/"
FORM_TYPE = "application/x-www-form-urlencoded"


def _first_problem(texts: Iterable[str]) -> str | None:
    for text in texts:
        if problem := text_problem(text):
            return problem
    return None


def _fields(data: object) -> Iterable[str]:
    """Every key and value of a QueryDict."""
    lists = getattr(data, "lists", None)
    if lists is None:
        return
    for key, values in lists():
        yield key
        yield from values


class RefuseControlCharacters:
    """Middleware: 400 for a path, query string or urlencoded form with a control character."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        texts: list[Iterable[str]] = [[request.path_info], _fields(request.GET)]
        if request.method == "POST" and request.content_type == FORM_TYPE:
            texts.append(_fields(request.POST))
        for group in texts:
            if problem := _first_problem(group):
                return self.refuse(request, problem)
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest, problem: str) -> HttpResponse:
        message = _("This request was refused: %(problem)s") % {"problem": problem}
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse({"detail": message}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
