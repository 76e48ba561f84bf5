"""Public pages of the knowledge base: search, one document, its Akoma Ntoso XML."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from rogatory.accounts.access import is_site_admin, require_site_admin
from rogatory.lib.downloads import attachment

from .actions import (
    KnowledgeImportError,
    do_correct_un_document,
    do_delete_document,
    do_save_act,
    do_save_judgment,
)
from .akn import AknError, from_akn
from .correcting import (
    CorrectionError,
    annex_edits_of,
    edits_of,
    note_edits_of,
    part_edits_of,
    parts_of,
    restructure,
)
from .forms import (
    ActForm,
    ImportForm,
    JudgmentForm,
    ProvisionFormSet,
    UnAnnexFormSet,
    UnCorrectionForm,
    UnNoteFormSet,
    UnParagraphFormSet,
    UnPartFormSet,
    act_initial,
    annex_initial,
    judgment_initial,
    note_initial,
    paragraph_initial,
    part_choices,
    part_initial,
    provisions_from,
    un_initial,
)
from .importing import SourceError, import_upload
from .models import LANGUAGE_NAMES, DocumentKind, KnowledgeDocument
from .quality import QualityView
from .quality import view as quality_view
from .services import (
    CITED_BY_PER_PAGE,
    PER_PAGE,
    UN_KINDS,
    citing_documents,
    document_links,
    doubtful_documents,
    language_versions,
    read_filters,
    search_documents,
)
from .works import reader_language

# Kinds edited on these pages (UN documents are imported, treaties follow the treaty records).
EDITABLE = (DocumentKind.LEGISLATION, DocumentKind.CASE_LAW)


def _int(value: str | None, default: int = 1) -> int:
    try:
        return max(1, int(value or default))
    except ValueError:
        return default


def knowledge_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    filters = read_filters(request.GET)
    page_number = _int(request.GET.get("page"))
    context: dict[str, object] = {
        "query": query,
        "filters": filters,
        "params": {"q": query} | filters,
        "kinds": DocumentKind.choices,
    }
    if query or filters:
        answer = search_documents(
            query,
            filters=filters,
            page=page_number,
            language=reader_language(request.LANGUAGE_CODE),
        )
        # A paginator over the total, for the page links (the index pages the hits itself).
        paginator = Paginator(range(answer.total), PER_PAGE)
        context |= {
            "answer": answer,
            "page": paginator.get_page(page_number) if answer.total else None,
        }
    return render(request, "knowledge/search.html", context)


@dataclass(frozen=True)
class BodyParagraph:
    number: str | None
    text: str


def _paragraphs(document: KnowledgeDocument) -> list[BodyParagraph]:
    if document.kind in EDITABLE:
        return []  # shown from their fields: provisions, summary, facts, decision
    try:
        parsed = from_akn(document.akn.encode())
    except AknError:
        return [BodyParagraph(None, line) for line in document.body_text.splitlines() if line]
    # Reading order: a report's embedded draft resolutions where they were printed, annexes.
    return [BodyParagraph(p.number, p.text) for p in parsed.paragraphs()]


def knowledge_document(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    document = get_object_or_404(
        KnowledgeDocument.objects.select_related("state", "instrument"), public_id=public_id
    )
    language = reader_language(request.LANGUAGE_CODE)
    cites, cited_by, cited_by_total = document_links(document, language)
    others, base, amendments = language_versions(document, language)
    return render(
        request,
        "knowledge/document.html",
        {
            "document": document,
            "paragraphs": _paragraphs(document),
            "cites": cites,
            "cited_by": cited_by,
            "cited_by_total": cited_by_total,
            "other_languages": others,
            "base_document": base,
            "amendments": amendments,
            "provisions": document.provisions.all(),
            "tags": [*document.tags, *document.iccs_codes, *document.implements]
            if document.kind == DocumentKind.CASE_LAW
            else [],
            "can_edit": document.kind in EDITABLE and is_site_admin(request.user),
        },
    )


def knowledge_cited_by(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Every document citing this one, a page at a time."""
    document = get_object_or_404(
        KnowledgeDocument.objects.only("public_id", "symbol", "title", "work"),
        public_id=public_id,
    )
    language = reader_language(request.LANGUAGE_CODE)
    page = Paginator(citing_documents(document, language), CITED_BY_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "knowledge/cited_by.html", {"document": document, "page": page})


def knowledge_document_akn(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    document = get_object_or_404(KnowledgeDocument, public_id=public_id)
    response = HttpResponse(document.akn.encode(), content_type="application/akn+xml")
    name = re.sub(r"[^A-Za-z0-9.-]+", "_", document.symbol) or str(document.public_id)
    return attachment(response, f"{name}.akn.xml")


# Editing (site administrators) ---------------------------------------------------------------

UPLOAD_MAX_BYTES = 50 * 1024 * 1024
UPLOAD_SUFFIXES = (".pdf", ".docx", ".txt", ".xml", ".csv", ".zip")


def _editable(public_id: uuid.UUID, kind: str | None = None) -> KnowledgeDocument:
    """A document these pages edit (of ``kind``, when given). UN documents are imported and
    treaties follow the treaty records: not edited here."""
    document = get_object_or_404(KnowledgeDocument, public_id=public_id)
    if document.kind not in EDITABLE or kind not in (None, document.kind):
        raise Http404("Not a document edited on this page.")
    return document


@login_required
def knowledge_act_edit(request: HttpRequest, public_id: uuid.UUID | None = None) -> HttpResponse:
    """Add or edit a legislative act and its provisions."""
    user = require_site_admin(request.user)
    document = _editable(public_id, DocumentKind.LEGISLATION) if public_id else None
    initial, rows = act_initial(document) if document else ({}, [])
    form = ActForm(request.POST or None, initial=initial)
    formset = ProvisionFormSet(request.POST or None, initial=rows, prefix="provisions")
    problems: list[str] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved, _created = do_save_act(
                form.act(provisions_from(formset)),
                source_name=f"edited by {user.get_username()}",
                acting_user=user,
                document=document,
            )
        except KnowledgeImportError as exc:
            problems.append(str(exc))
        else:
            messages.success(request, _("The act was saved."))
            return redirect("knowledge_document", saved.public_id)
    heading = _("Edit legislation") if document else _("Add legislation")
    context = {"heading": heading, "form": form, "formset": formset, "problems": problems}
    return render(request, "knowledge/edit.html", context | {"document": document})


@login_required
def knowledge_judgment_edit(
    request: HttpRequest, public_id: uuid.UUID | None = None
) -> HttpResponse:
    """Add or edit a court decision."""
    user = require_site_admin(request.user)
    document = _editable(public_id, DocumentKind.CASE_LAW) if public_id else None
    form = JudgmentForm(
        request.POST or None, initial=judgment_initial(document) if document else {}
    )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            saved, _created = do_save_judgment(
                form.judgment(),
                source_name=f"edited by {user.get_username()}",
                acting_user=user,
                document=document,
            )
        except KnowledgeImportError as exc:
            problems.append(str(exc))
        else:
            messages.success(request, _("The decision was saved."))
            return redirect("knowledge_document", saved.public_id)
    heading = _("Edit case law") if document else _("Add case law")
    context = {"heading": heading, "form": form, "problems": problems, "document": document}
    return render(request, "knowledge/edit.html", context)


@login_required
@require_POST
def knowledge_document_delete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = require_site_admin(request.user)
    document = _editable(public_id)
    do_delete_document(document, acting_user=user)
    messages.success(request, _("The document was deleted."))
    return redirect("knowledge_search")


@login_required
def knowledge_import(request: HttpRequest) -> HttpResponse:
    """Upload one file or a .zip archive; the import report is shown on the page."""
    user = require_site_admin(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = Path(upload.name or "upload").name
        if not name.lower().endswith(UPLOAD_SUFFIXES):
            problems.append(str(_("Expected a .pdf, .docx, .txt, .xml, .csv or .zip file.")))
        elif upload.size > UPLOAD_MAX_BYTES:
            problems.append(
                _("The file is larger than %(size)d MB.") % {"size": UPLOAD_MAX_BYTES // 2**20}
            )
        else:
            try:
                report = import_upload(upload, name, acting_user=user, metadata=form.metadata)
            except SourceError as exc:
                problems.append(str(exc))
    context = {
        "heading": _("Import into the knowledge base"),
        "form": form,
        "problems": problems,
        "report": report,
    }
    return render(request, "knowledge/import.html", context)


# Rows of paragraphs one correction page shows: 100 rows of 7 fields stay well below Django's
# DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) with the metadata; longer documents go by windows.
CORRECTION_ROWS = 100


@login_required
def knowledge_un_correct(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Correct an imported UN document's metadata and structure (decision 0040), a window of
    ``CORRECTION_ROWS`` paragraphs at a time, with its parts' headings, its annexes' headings
    and the texts of the window's footnotes; the Akoma Ntoso, citations and index follow."""
    user = require_site_admin(request.user)
    document = get_object_or_404(
        KnowledgeDocument, public_id=public_id, kind=DocumentKind.UN_DOCUMENT
    )
    problems: list[str] = []
    try:
        parsed = from_akn(document.akn.encode())
    except AknError as exc:
        raise Http404("The stored Akoma Ntoso cannot be read.") from exc
    edits = edits_of(parsed)
    first = _int(request.POST.get("from") or request.GET.get("from"))
    start = min(first - 1, max(len(edits) - 1, 0)) // CORRECTION_ROWS * CORRECTION_ROWS
    window = edits[start : start + CORRECTION_ROWS]
    # The window's footnotes (in the order of the document's notes), and the notes attached to
    # no paragraph with the last window.
    notes_from = sum(len(e.footnotes) for e in edits[:start])
    notes_to = notes_from + sum(len(e.footnotes) for e in window)
    if start + CORRECTION_ROWS >= len(edits):
        notes_to = len(parsed.footnotes())
    notes = note_edits_of(parsed)[notes_from:notes_to]
    data = request.POST or None
    form = UnCorrectionForm(data, initial=un_initial(document, parsed))
    headings = [p.heading for p in parsed.parts]
    formset = UnParagraphFormSet(
        data,
        initial=paragraph_initial(window),
        prefix="paragraphs",
        form_kwargs={"parts": part_choices(parts_of(parsed), headings)},
    )
    part_forms = UnPartFormSet(data, initial=part_initial(part_edits_of(parsed)), prefix="parts")
    note_forms = UnNoteFormSet(data, initial=note_initial(notes), prefix="notes")
    annex_forms = UnAnnexFormSet(
        data, initial=annex_initial(annex_edits_of(parsed)), prefix="annexes"
    )
    # A formset the POST does not carry (an older page, a script) leaves its things as they are.
    extra = [f for f in (part_forms, note_forms, annex_forms) if _carried(request, f)]
    if request.method == "POST" and request.POST.get("content") != document.content_sha256:
        problems.append(
            str(_("The document changed since this page was opened: open it again to correct it."))
        )
    elif request.method == "POST" and _counts_differ(
        [
            (f, count)
            for f, count in (
                (part_forms, len(parsed.parts)),
                (note_forms, len(notes)),
                (annex_forms, len(parsed.annexes)),
            )
            if f in extra
        ]
    ):
        problems.append(
            str(_("The page does not match the document's parts: open it again to correct it."))
        )
    elif (
        request.method == "POST"
        and form.is_valid()
        and formset.is_valid()
        and all(f.is_valid() for f in extra)
    ):
        # Form i is the window's row i (a heading keeps its rank; the page does not show it).
        rows = [
            replace(row.edit(), level=window[i].level if i < len(window) else 0)
            for i, row in enumerate(formset.forms)
            if row.cleaned_data
        ]
        try:
            corrected = restructure(
                parsed,
                form.metadata(),
                [*edits[:start], *rows, *edits[start + len(window) :]],
                parts=[f.edit() for f in part_forms.forms] if part_forms in extra else None,
                notes=[f.edit(notes_from + i) for i, f in enumerate(note_forms.forms)]
                if note_forms in extra
                else None,
                annexes=[f.edit() for f in annex_forms.forms] if annex_forms in extra else None,
            )
            changed = do_correct_un_document(
                document,
                corrected,
                also_symbols=form.cleaned_data["also_symbols"],
                acting_user=user,
            )
        except (CorrectionError, KnowledgeImportError) as exc:
            problems.append(str(exc))
        else:
            if changed:
                messages.success(request, _("The correction was saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("knowledge_document", document.public_id)
    context = {
        "heading": _("Correct a UN document"),
        "document": document,
        "form": form,
        "formset": formset,
        "part_forms": part_forms,
        "note_forms": note_forms,
        "annex_forms": annex_forms,
        "problems": problems,
        "quality": quality_view("", document.quality),
        "rows": (start + 1, start + len(window), len(edits)),
        "previous_rows": start + 1 - CORRECTION_ROWS if start else None,
        "next_rows": start + CORRECTION_ROWS + 1 if start + CORRECTION_ROWS < len(edits) else None,
    }
    return render(request, "knowledge/correct.html", context)


def _carried(request: HttpRequest, formset: BaseFormSet) -> bool:
    return request.method == "POST" and f"{formset.prefix}-TOTAL_FORMS" in request.POST


def _counts_differ(pairs: list[tuple[BaseFormSet, int]]) -> bool:
    """Whether a POST claims another number of forms than the document has (a formset's
    management form that does not validate is its own error, shown with it)."""
    return any(
        formset.management_form.is_valid() and formset.total_form_count() != count
        for formset, count in pairs
    )


DOUBTFUL_PER_PAGE = 50


@dataclass(frozen=True)
class DoubtfulDocument:
    document: KnowledgeDocument
    quality: QualityView


@login_required
def knowledge_doubtful(request: HttpRequest) -> HttpResponse:
    """The imported UN documents whose quality report has doubts, across the knowledge base
    (decision 0040, "Later"), by language and kind, each with its doubts and the links to
    the document and its correction page; site administrators only."""
    require_site_admin(request.user)
    language = request.GET.get("lang", "")
    language = language if language in LANGUAGE_NAMES else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in UN_KINDS else ""
    page = Paginator(doubtful_documents(language=language, kind=kind), DOUBTFUL_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [DoubtfulDocument(d, quality_view("", d.quality)) for d in page.object_list]
    filters = {name: value for name, value in (("lang", language), ("kind", kind)) if value}
    context = {
        "heading": _("Imported documents with doubts"),
        "page": page,
        "rows": rows,
        "filters": filters,
        "query": urlencode(filters),
        "languages": list(LANGUAGE_NAMES.items()),
        "kinds": [("resolution", _("Resolution")), ("report", _("Report or other document"))],
    }
    return render(request, "knowledge/doubtful.html", context)
