"""The request writer's page for a draft: the live checklist, finalising, approval, sending.

The draft itself is edited with the case pages (details, offences, persons, measures, annexes),
each saved as it goes, so a draft can be left and resumed at any point; this page says what is
still missing, with a link to the place to fix it, and refuses to finalise while an error
remains.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rogatory.accounts.models import Role, User
from rogatory.cases.access import get_case_for_user, get_case_for_writing, get_measure_for_user
from rogatory.cases.actions import do_set_measure_details
from rogatory.cases.choices import Direction, MeasureType, Status
from rogatory.cases.forms import CASE_FORM_FIELDS
from rogatory.cases.lifecycle import TransitionRefused
from rogatory.cases.models import Case
from rogatory.cases.views.common import log_case_access
from rogatory.cases.views.documents import stored_file_response
from rogatory.lib.downloads import attachment

from .actions import (
    DRAFT_FIELDS,
    UN_LANGUAGES,
    DraftNotReady,
    accepted_languages,
    approval_of,
    checked_options,
    do_approve,
    do_finalise,
    do_return,
    do_save_draft,
    do_send,
)
from .approval_forms import AddresseeForm
from .delegations import decider, default_addressee
from .forms import LANGUAGE_CHOICES, ApprovalForm, DraftForm, MeasureDetailsForm, ReturnForm
from .guidance import for_step
from .models import Draft, RequestVersion
from .requirements import measure_requirements

LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)
FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _draft_case(user: User, public_id: str) -> tuple[Case, bool]:
    case, can_write = get_case_for_user(user, public_id)
    if case.direction != Direction.OUTGOING:
        raise Http404("The writer is for outgoing requests.")
    return case, can_write


def _site_url(request: HttpRequest) -> str:
    """The address people reach this installation at, for links in e-mails."""
    return request.build_absolute_uri("/").rstrip("/")


def _ui_language() -> str:
    code = (get_language() or "en").split("-")[0]
    return code if code in UN_LANGUAGES else "en"


def _writer_context(case: Case, user: User, can_write: bool, language: str) -> dict[str, Any]:
    from .completeness import can_finalise, check_case

    accepted = accepted_languages(case)
    options = checked_options(case, default_written_in=_ui_language())
    # Unless the draft names a signatory, the one who finalises signs (as do_finalise does).
    options.setdefault("signatory", {"name": user.get_full_name() or user.get_username()})
    findings = check_case(case, language, **options) if case.status == Status.DRAFT else []
    draft = Draft.objects.filter(case=case).first()
    versions = list(case.request_versions.select_related("addressed_to"))
    for version in versions:
        version.case = case
        # Whether this user may approve or return it: its addressee or his delegate (0026).
        version.can_decide = (  # type: ignore[attr-defined]
            version.status == RequestVersion.Status.FINALISED and decider(version, user).allowed
        )
    ui = _ui_language()
    return {
        "case": case,
        "can_write": can_write,
        "language": language,
        "accepted": accepted,
        "languages": [(code, LANGUAGE_NAMES[code]) for code in UN_LANGUAGES],
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity,
                "message": f.message(ui),
                "field": f.field,
                "fix_url": _fix_url(case, f.field),
            }
            for f in findings
        ],
        "errors": sum(1 for f in findings if f.severity == "error"),
        "ready": can_finalise(findings),
        "versions": versions,
        # The remarks of the newest version, when a supervisor returned it: what to change.
        "returned": versions[0] if versions and versions[0].status == "returned" else None,
        "approval_form": ApprovalForm(),
        "addressee_form": AddresseeForm(
            drafter=user, initial={"addressed_to": default_addressee(case.pk, user)}
        ),
        "return_form": ReturnForm(),
        "is_draft": case.status == Status.DRAFT,
        "written_in": options["written_in"],
        "guide": for_step("check", ui),
        "written_in_saved": draft is not None,
        "draft_form": DraftForm(
            instance=draft, initial={"written_in": draft.written_in if draft else _ui_language()}
        ),
    }


# Where each part of the request is edited: the case page's sections, by the first segment of
# the rule's field pointer, or a field of the case form.
SECTIONS = {
    "measures": "measures",
    "persons": "persons",
    "offences": "offences",
    "annexes": "documents",
    "formalities": "documents",
}
FORM_FIELDS = {
    "requesting/conducting_authority": "conducting_authority",
    "requested/authority": "requested_authority_name",
    "legal_basis/instrument": "legal_basis",
    "legal_basis/note": "legal_basis_note",
    "deadline": "requested_deadline",
}


def _fix_url(case: Case, field: str) -> str:
    """The page and anchor where the user fixes ``field`` (a pointer like measures/0/details)."""
    pointer = field or ""
    head = pointer.split("/")[0]
    if head in SECTIONS:
        return f"{case.get_absolute_url()}#{SECTIONS[head]}"
    name = FORM_FIELDS.get(pointer, head)
    if name in CASE_FORM_FIELDS:
        return f"{reverse('case_edit', args=[case.public_id])}#id_{name}"
    return ""


@login_required
def writer(request: HttpRequest, public_id: str) -> HttpResponse:
    """The checklist for a draft (``?language=`` picks the language of the request)."""
    user = _user(request)
    case, can_write = _draft_case(user, public_id)
    accepted = accepted_languages(case)
    language = request.GET.get("language", "")
    if language not in UN_LANGUAGES:
        language = accepted[0] if accepted else _ui_language()
    context = _writer_context(case, user, can_write, language)
    if request.headers.get("HX-Request") == "true":
        return render(request, "drafting/_checklist.html", context)
    return render(request, "drafting/writer.html", context)


@login_required
@require_POST
def save_draft(request: HttpRequest, public_id: str) -> HttpResponse:
    """Save the language written in, the formalities and the signatory."""
    user = _user(request)
    case = get_case_for_writing(user, public_id)
    form = DraftForm(request.POST)
    if not form.is_valid():
        context = _writer_context(case, user, True, request.POST.get("language", "en"))
        context["draft_form"] = form
        context["open_settings"] = True
        return render(request, "drafting/writer.html", context, status=400)
    do_save_draft(case, {n: form.cleaned_data[n] for n in DRAFT_FIELDS}, acting_user=user)
    messages.success(request, _("Saved."))
    return redirect("drafting_writer", public_id=case.public_id)


@login_required
@require_POST
def finalise(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    case = get_case_for_writing(user, public_id)
    language = request.POST.get("language", "")
    if case.status == Status.DRAFT and not Draft.objects.filter(case=case).exists():
        # Record the language written in that the checklist assumed (``checked_options``),
        # so the finalised document says the same as the checklist did.
        do_save_draft(case, {"written_in": _ui_language()}, acting_user=user)
    addressee = AddresseeForm(request.POST, drafter=user)
    try:
        if not addressee.is_valid():
            raise DraftNotReady(
                _("Choose a supervisor of your authority from the list, or any supervisor.")
            )
        version = do_finalise(
            case,
            language=language,
            acting_user=user,
            addressed_to=addressee.cleaned_data["addressed_to"],
            site_url=_site_url(request),
        )
    except DraftNotReady as refused:
        context = _writer_context(case, user, True, language if language in UN_LANGUAGES else "en")
        context["problem"] = refused.message
        return render(request, "drafting/writer.html", context, status=409)
    messages.success(
        request,
        _("Version %(number)s finalised; a supervisor must now approve it.")
        % {"number": version.number},
    )
    return redirect("drafting_writer", public_id=case.public_id)


def _version(user: User, public_id: str, number: int) -> RequestVersion:
    case, _can_write = _draft_case(user, public_id)
    version = case.request_versions.filter(number=number).first()
    if version is None:
        raise Http404("No such version.")
    version.case = case
    return version


def _decide(request: HttpRequest, public_id: str, number: int) -> tuple[User, RequestVersion]:
    user = _user(request)
    version = _version(user, public_id, number)
    if user.role != Role.SUPERVISOR:
        raise PermissionDenied("Supervisors approve requests.")
    return user, version


@login_required
@require_POST
def approve(request: HttpRequest, public_id: str, number: int) -> HttpResponse:
    user, version = _decide(request, public_id, number)
    form = ApprovalForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("The comment could not be kept: %(problem)s")
            % {"problem": " ".join(str(error) for error in form.errors.get("comment", []))},
        )
        return redirect("drafting_writer", public_id=version.case.public_id)
    try:
        do_approve(
            version,
            acting_user=user,
            comment=form.cleaned_data["comment"],
            site_url=_site_url(request),
        )
    except DraftNotReady as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Version %(number)s approved.") % {"number": number})
    return redirect("drafting_writer", public_id=version.case.public_id)


@login_required
@require_POST
def return_version(request: HttpRequest, public_id: str, number: int) -> HttpResponse:
    user, version = _decide(request, public_id, number)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what must change before the request can be approved."))
        return redirect("drafting_writer", public_id=version.case.public_id)
    try:
        do_return(
            version,
            acting_user=user,
            remarks=form.cleaned_data["remarks"],
            site_url=_site_url(request),
        )
    except DraftNotReady as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("Version %(number)s returned to its drafter with your remarks.") % {"number": number},
        )
    return redirect("drafting_writer", public_id=version.case.public_id)


@login_required
@require_POST
def send(request: HttpRequest, public_id: str, number: int) -> HttpResponse:
    user = _user(request)
    get_case_for_writing(user, public_id)
    version = _version(user, public_id, number)
    try:
        do_send(version, acting_user=user)
    except TransitionRefused as refused:
        messages.error(request, refused.message)
        return redirect("drafting_writer", public_id=version.case.public_id)
    messages.success(request, _("The request is recorded as sent."))
    return redirect(version.case)


@login_required
def download(request: HttpRequest, public_id: str, number: int, fmt: str) -> HttpResponseBase:
    """The finalised request as DOCX, PDF or its JSON document (checksum re-verified)."""
    version = _version(_user(request), public_id, number)
    name = f"{version.case.our_reference}-v{version.number}-{version.language}.{fmt}"
    if fmt == "json":
        response = HttpResponse(
            _json(version.document), content_type="application/json; charset=utf-8"
        )
        log_case_access(
            request, "request.downloaded", version.case, version=version.number, format=fmt
        )
        return attachment(response, name)
    if fmt not in FORMATS:
        raise Http404("No such format.")
    stored, sha256 = (
        (version.docx_path, version.docx_sha256)
        if fmt == "docx"
        else (version.pdf_path, version.pdf_sha256)
    )
    served = stored_file_response(stored, sha256, filename=name, content_type=FORMATS[fmt])
    if served.status_code == 200:
        log_case_access(
            request, "request.downloaded", version.case, version=version.number, format=fmt
        )
    return served


@login_required
def measure_details(request: HttpRequest, public_id: str, measure_id: str) -> HttpResponse:
    """The fields specific to a measure's kind (bank and account, witness and questions…)."""
    user = _user(request)
    case = get_case_for_writing(user, public_id)
    measure, _can_write = get_measure_for_user(user, public_id, measure_id)
    measure.case = case
    form = MeasureDetailsForm(
        request.POST or None, kind=measure.kind, initial_details=dict(measure.details or {})
    )
    if not form.fields:
        messages.info(request, _("This kind of measure has no specific fields: describe it."))
        return redirect(case)
    if request.method == "POST" and form.is_valid():
        do_set_measure_details(measure, form.details(), acting_user=user)
        messages.success(request, _("Details of the measure saved."))
        back = request.GET.get("next", "")
        if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            return redirect(back)
        return redirect(f"{case.get_absolute_url()}#measures")
    return render(
        request,
        "web/form_page.html",
        {
            "heading": f"{measure.get_kind_display()} — {case.our_reference}",
            "back_url": case.get_absolute_url(),
            "back_label": case.our_reference,
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


# --- Preview before finalising, and the print view of a version ----------------------------


@login_required
def preview(request: HttpRequest, public_id: str) -> HttpResponse:
    """The request document as it will be rendered, from the draft as it stands; nothing is
    saved. Reading: anyone who may read the case may preview it."""
    from .document import build_document
    from .render.html import outline_html
    from .render.outline import build_outline

    user = _user(request)
    case, can_write = _draft_case(user, public_id)
    if case.status != Status.DRAFT:
        messages.info(request, _("This request is no longer a draft: print a finalised version."))
        return redirect("drafting_writer", public_id=case.public_id)
    accepted = accepted_languages(case)
    language = request.GET.get("language", "")
    if language not in UN_LANGUAGES:
        language = accepted[0] if accepted else _ui_language()
    options = checked_options(case, default_written_in=_ui_language())
    # As finalising does: unless the draft names a signatory, the one who finalises signs.
    options.setdefault("signatory", {"name": user.get_full_name() or user.get_username()})
    outline = build_outline(build_document(case, language=language, **options))
    return render(
        request,
        "drafting/document_page.html",
        {
            "case": case,
            "can_write": can_write,
            "preview": True,
            "language": language,
            "languages": [(code, LANGUAGE_NAMES[code]) for code in UN_LANGUAGES],
            "accepted": accepted,
            "confidentiality": case.confidentiality,
            "document_html": outline_html(outline, language=language),
        },
    )


@login_required
def print_version(request: HttpRequest, public_id: str, number: int) -> HttpResponse:
    """A finalised version's stored request document, for reading and printing: marked as a
    draft until approved, with the approval line once approved."""
    from .render.html import outline_html
    from .render.outline import build_outline

    version = _version(_user(request), public_id, number)
    outline = build_outline(version.document, approval_of(version))
    log_case_access(request, "request.printed", version.case, version=version.number)
    return render(
        request,
        "drafting/document_page.html",
        {
            "case": version.case,
            "version": version,
            "preview": False,
            "language": version.language,
            "confidentiality": str(version.document.get("confidentiality") or "standard"),
            "document_html": outline_html(outline, language=version.language),
        },
    )


@login_required
def measure_requirements_panel(request: HttpRequest, public_id: str) -> HttpResponse:
    """The requested state's requirements for the measure ``?kind=`` (an htmx fragment)."""
    case, _can_write = _draft_case(_user(request), public_id)
    kind = request.GET.get("kind", "")
    if kind and kind not in MeasureType.values:
        return HttpResponse(_("Unknown kind of measure."), status=400, content_type="text/plain")
    requirements = measure_requirements(case, kind) if kind else None
    return render(request, "drafting/steps/_requirements.html", {"req": requirements})


def _json(document: dict[str, Any]) -> str:
    import json

    return json.dumps(document, ensure_ascii=False, indent=2)


urlpatterns = [
    path("cases/<uuid:public_id>/writer/", writer, name="drafting_writer"),
    path(
        "cases/<uuid:public_id>/measures/<uuid:measure_id>/details/",
        measure_details,
        name="drafting_measure_details",
    ),
    path("cases/<uuid:public_id>/writer/finalise/", finalise, name="drafting_finalise"),
    path("cases/<uuid:public_id>/writer/settings/", save_draft, name="drafting_settings"),
    path(
        "cases/<uuid:public_id>/writer/v<int:number>/approve/",
        approve,
        name="drafting_approve",
    ),
    path(
        "cases/<uuid:public_id>/writer/v<int:number>/return/",
        return_version,
        name="drafting_return",
    ),
    path("cases/<uuid:public_id>/writer/v<int:number>/send/", send, name="drafting_send"),
    path("cases/<uuid:public_id>/writer/preview/", preview, name="drafting_preview"),
    path(
        "cases/<uuid:public_id>/request/<int:number>/print/",
        print_version,
        name="drafting_print",
    ),
    path(
        "cases/<uuid:public_id>/writer/requirements/",
        measure_requirements_panel,
        name="drafting_measure_requirements",
    ),
    path(
        "cases/<uuid:public_id>/writer/v<int:number>.<str:fmt>",
        download,
        name="drafting_download",
    ),
]
