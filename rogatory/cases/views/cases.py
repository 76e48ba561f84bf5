"""The case list (with its exports), registration, editing and the case page."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from rogatory.audit.actions import record
from rogatory.lib.downloads import attachment
from rogatory.reference.choices import CooperationKind
from rogatory.reference.options import state_options

from ..access import get_case_for_user, get_case_for_writing
from ..actions import MAX_DOCUMENT_SIZE, do_register_case, do_update_case
from ..choices import Confidentiality, Direction, FollowUpDirection, Status, Urgency
from ..exports import (
    EXPORT_SYNC_ROWS,
    csv_lines,
    do_request_export,
    export_queryset,
    export_rows,
    write_xlsx,
)
from ..forms import (
    AnswerForm,
    AssignForm,
    CaseForm,
    DocumentForm,
    FollowUpForm,
    LinkForm,
    MeasureForm,
    MeasureStatusForm,
    OffenceForm,
    PersonForm,
    TransitionForm,
)
from ..lifecycle import available_transitions
from ..models import Case, CaseEvent, Document, DocumentVersion, Offence, Person
from ..queries import COUNT_CAP, PAGE_SIZES, CappedPaginator, CaseFilters, list_queryset
from ..reassign import officers_of
from .common import DETAIL_PANELS, acting_user, log_case_access, today

# Events shown on the case page; older ones stay in the database and the audit trail.
HISTORY_SHOWN = 200


# The list's sort orders; each is served by an index beginning with the authority.
LIST_ORDERS: dict[str, tuple[Any, ...]] = {
    "": ("-created_at", "-id"),
    # Open requests first: a closed request's deadline no longer calls for anything.
    "deadline": ("status_is_final", F("deadline").asc(nulls_last=True), "id"),
    "reference": ("our_reference",),
}


def _page_size(request: HttpRequest) -> int:
    try:
        size = int(request.GET.get("page_size", ""))
    except ValueError:
        return PAGE_SIZES[0]
    return size if size in PAGE_SIZES else PAGE_SIZES[0]


def _label_rows(cases: Any) -> None:
    """Give each row its labels, each translated once per page: ``get_FOO_display``
    translates every choice of the field again on every call (a tenth of the list's CPU)."""
    directions = {value: str(label) for value, label in Direction.choices}
    kinds = {value: str(label) for value, label in CooperationKind.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    urgencies = {value: str(label) for value, label in Urgency.choices}
    for case in cases:
        case.direction_label = directions.get(case.direction, case.direction)
        case.kind_label = kinds.get(case.kind, case.kind)
        case.status_label = statuses.get(case.status, case.status)
        case.urgency_label = urgencies.get(case.urgency, case.urgency)


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The authority's requests, filtered, searched and paginated; htmx swaps the results."""
    user = acting_user(request)
    filters = CaseFilters.from_params(request.GET)
    visible = Case.objects.for_user(user)
    cases = filters.apply(visible, today=today(), user=user)
    page_size = _page_size(request)
    sort = request.GET.get("sort", "")
    if sort not in LIST_ORDERS:
        sort = ""
    rows = list_queryset(cases).order_by(*LIST_ORDERS[sort])
    paginator = CappedPaginator(rows, page_size, one_pass=bool(filters.q.strip()))
    page = paginator.get_page(request.GET.get("page"))
    _label_rows(page.object_list)
    query = filters.as_params()
    if page_size != PAGE_SIZES[0]:
        query["page_size"] = str(page_size)
    context: dict[str, Any] = {
        "page": page,
        "filters": filters,
        "query": query,
        "today": today(),
        "has_authority": user.authority_id is not None,
        "can_write": user.can_write_cases,
        "count_cap": number_format(COUNT_CAP, force_grouping=True),
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "cases/_list_results.html", context)
    context |= {
        "directions": Direction.choices,
        "kinds": CooperationKind.choices,
        "statuses": Status.choices,
        "page_sizes": PAGE_SIZES,
        "sort": sort,
        "sorts": [
            ("", _("Newest first")),
            ("deadline", _("Deadline, soonest first")),
            ("reference", _("Our reference")),
        ],
        # Every state, rather than those of the authority's requests: finding the latter
        # means reading every request (measured: a quarter of a second at 120,000). Rendered
        # once per language and process (reference/options.py): 9 ms a page otherwise.
        "state_options": state_options(filters.state),
        "officers": (officers_of(user.authority_id, active_only=True) if user.authority_id else []),
    }
    return render(request, "cases/list.html", context)


@login_required
def case_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The filtered list as CSV (streamed) or XLSX; every export is written to the audit trail.

    Past ``EXPORT_SYNC_ROWS`` rows the worker writes it: the answer is the export's page.
    """
    user = acting_user(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format.")
    if user.authority_id is None:
        raise PermissionDenied("Casework belongs to authorities.")
    filters = CaseFilters.from_params(request.GET)
    day = today()
    cases = export_queryset(user, filters, day)
    # Large exports are written by the worker (cases/exports.py): counting the first rows
    # past the threshold is enough to tell.
    if cases[: EXPORT_SYNC_ROWS + 1].count() > EXPORT_SYNC_ROWS:
        job = do_request_export(filters, fmt, total_rows=cases.count(), day=day, acting_user=user)
        return redirect(job)
    record(
        "cases.exported",
        acting_user=user,
        authority_id=user.authority_id,
        object_type="authority",
        object_ref=str(user.authority_id),
        details={"format": fmt, "filters": filters.as_params()},
    )
    filename = f"requests-{day.isoformat()}.{fmt}"
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            csv_lines(export_rows(cases, day)), content_type="text/csv; charset=utf-8"
        )
    else:
        buffer = io.BytesIO()
        write_xlsx(export_rows(cases, day), buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return attachment(response, filename)


def _legal_basis_as_of(fields: dict[str, Any]) -> None:
    """Store the date of the treaty data behind the chosen legal basis (the finder's "as of")."""
    from rogatory.treaties.finder import find_legal_bases

    if fields.get("legal_basis") is None:
        fields["legal_basis_as_of"] = None
        return
    answer = find_legal_bases(
        fields["requesting_state"], fields["requested_state"], fields["kind"], on=today()
    )
    fields["legal_basis_as_of"] = answer.as_of


@login_required
def case_register(request: HttpRequest, direction: str) -> HttpResponse:
    """Register an incoming request, or start drafting an outgoing one."""
    user = acting_user(request)
    if direction not in Direction.values:
        raise Http404("No such direction.")
    if user.authority is None or not user.can_write_cases:
        raise PermissionDenied("Only officers register requests.")
    form = CaseForm(request.POST or None, authority=user.authority, direction=direction)
    if request.method == "POST" and form.is_valid():
        fields = form.case_fields()
        _legal_basis_as_of(fields)
        case = do_register_case(
            user.authority, direction=direction, fields=fields, acting_user=user
        )
        messages.success(
            request, _("Request %(reference)s registered.") % {"reference": case.our_reference}
        )
        return redirect(case)
    heading = (
        _("Register an incoming request")
        if direction == Direction.INCOMING
        else _("Start an outgoing request")
    )
    return render(
        request,
        "cases/case_form.html",
        {"form": form, "heading": heading, "direction": direction},
        status=400 if form.is_bound else 200,
    )


@login_required
def case_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    user = acting_user(request)
    case = get_case_for_writing(user, public_id)
    # The form works on its own copy: ModelForm validation writes into its instance, and the
    # action compares the case as it was with what the user asked for.
    copy = Case.objects.get(pk=case.pk)
    form = CaseForm(
        request.POST or None, instance=copy, authority=case.authority, direction=case.direction
    )
    if request.method == "POST" and form.is_valid():
        fields = form.case_fields()
        if fields["legal_basis"] != case.legal_basis or fields["kind"] != case.kind:
            _legal_basis_as_of(fields)
        changed = do_update_case(case, fields, acting_user=user)
        if changed:
            messages.success(request, _("Changes saved."))
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect(case)
    return render(
        request,
        "cases/case_form.html",
        {
            "form": form,
            "heading": _("Edit %(reference)s") % {"reference": case.our_reference},
            "case": case,
            "direction": case.direction,
        },
        status=400 if form.is_bound else 200,
    )


def detail_context(case: Case, can_write: bool) -> dict[str, Any]:
    """Everything the case page shows, in a fixed number of queries."""
    measures = list(case.measures.all())
    moves = available_transitions(case) if can_write else []
    # A move its guard refuses now (sending before the writer's approval, …) is not offered:
    # the page says why instead.
    blocked = [(t, t.guard(case)) for t in moves if t.guard is not None]
    blocked = [(t, reason) for t, reason in blocked if reason]
    refused = {t.name for t, _reason in blocked}
    transitions = [t for t in moves if t.name not in refused]
    context: dict[str, Any] = {
        "case": case,
        "can_write": can_write,
        "today": today(),
        "overdue": case.is_overdue(today()),
        "offences": list(Offence.objects.filter(case=case).select_related("iccs").order_by("id")),
        "persons": list(Person.objects.filter(case=case).select_related("nationality")),
        "measures": measures,
        "documents": list(
            Document.objects.filter(case=case).prefetch_related(
                Prefetch("versions", queryset=DocumentVersion.objects.order_by("-number"))
            )
        ),
        "follow_ups": list(case.follow_ups.all()),
        "links_out": list(case.links_out.select_related("target")),
        "links_in": list(case.links_in.select_related("source")),
        "events": list(CaseEvent.objects.filter(case=case)[:HISTORY_SHOWN]),
        "transitions": transitions,
        "blocked_transitions": blocked,
        "transition_form": TransitionForm(),
        "follow_up_directions": FollowUpDirection.choices,
    }
    if can_write:
        context |= {
            "assign_form": AssignForm(
                authority=case.authority, initial={"officer": case.officer_id}
            ),
            "offence_form": OffenceForm(),
            "person_form": PersonForm(),
            "measure_form": MeasureForm(),
            "measure_status_form": MeasureStatusForm(),
            "link_form": LinkForm(),
            "follow_up_form": FollowUpForm(initial={"asked_on": today()}),
            "answer_form": AnswerForm(initial={"answered_on": today()}),
            "document_form": DocumentForm(),
        }
    return context


def _form_problems(forms: Any) -> list[tuple[str, str, str]]:
    """(field label, message, id to jump to) for each error of the bound forms: listed at the
    top of the page, since the form itself may sit far down."""
    found: list[tuple[str, str, str]] = []
    for form in forms:
        if not hasattr(form, "errors"):
            continue
        for name, errors in form.errors.items():
            if name == "__all__" or name not in form.fields:
                label, anchor = "", ""
            else:
                field = form[name]
                label, anchor = str(field.label), field.id_for_label
            found.extend((label, str(message), anchor) for message in errors)
    return found


def render_detail(
    request: HttpRequest,
    case: Case,
    can_write: bool,
    *,
    status: int = 200,
    bound: dict[str, Any] | None = None,
    problem: str = "",
) -> HttpResponse:
    """The case page; ``bound`` replaces blank forms by the user's, errors shown, nothing lost."""
    context = detail_context(case, can_write)
    if bound:
        context |= bound
        context["open_form"] = next(iter(bound))
        context["form_problems"] = _form_problems(bound.values())
    context["problem"] = problem
    context["extra_panels"] = [panel(request, case, can_write) for panel in DETAIL_PANELS]
    if can_write:
        # The officer's own large uploads not yet stored: to resume, being checked, refused.
        context["unfinished_uploads"] = list(
            case.upload_sessions.filter(
                uploaded_by=acting_user(request), document_version__isnull=True
            )
        )
        context["upload_threshold"] = MAX_DOCUMENT_SIZE
        context["upload_limit"] = settings.CASE_LARGE_UPLOAD_MAX
    return render(request, "cases/case_detail.html", context, status=status)


@login_required
def case_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    case, can_write = get_case_for_user(acting_user(request), public_id)
    if case.confidentiality == Confidentiality.STRICT:
        log_case_access(request, "case.viewed", case)
    return render_detail(request, case, can_write)


urlpatterns = [
    path("cases/", case_list, name="case_list"),
    path("cases/export.<str:fmt>", case_export, name="case_export"),
    path("cases/new/<str:direction>/", case_register, name="case_register"),
    path("cases/<uuid:public_id>/", case_detail, name="case_detail"),
    path("cases/<uuid:public_id>/edit/", case_edit, name="case_edit"),
]
