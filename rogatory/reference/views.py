from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .iccs import ancestors, search_iccs
from .models import IccsCategory, IccsFootnote


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def iccs_index(request: HttpRequest) -> HttpResponse:
    """The classification as a tree of sections, or the results of a search."""
    query = request.GET.get("q", "").strip()[:200]
    context = {"query": query, "results": search_iccs(query) if query else None}
    if _is_htmx(request) and request.headers.get("HX-Target") == "iccs-results":
        return render(request, "reference/_iccs_results.html", context)
    context["sections"] = IccsCategory.objects.filter(level=1)
    return render(request, "reference/iccs_index.html", context)


def iccs_children(request: HttpRequest, code: str) -> HttpResponse:
    """The children of one category, as tree nodes (an htmx fragment)."""
    category = get_object_or_404(IccsCategory, code=code)
    return render(request, "reference/_iccs_nodes.html", {"nodes": category.children.all()})


def iccs_category(request: HttpRequest, code: str) -> HttpResponse:
    category = get_object_or_404(IccsCategory, code=code)
    footnotes = IccsFootnote.objects.filter(number__in=category.footnote_refs)
    return render(
        request,
        "reference/iccs_category.html",
        {
            "category": category,
            "ancestors": ancestors(category),
            "children": category.children.all(),
            "footnotes": footnotes,
            # Codes cited in the texts become links only when they exist (one query).
            "known_codes": frozenset(IccsCategory.objects.values_list("code", flat=True)),
        },
    )
