"""Attachments: upload a document or a new version, download through an access check.

Files live under MEDIA_ROOT, outside the web root and the static files; the only way to a file
is ``case_document_download``, which checks the user may read the case and that the file still
matches the checksum taken at upload.
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rogatory.lib import uploads
from rogatory.lib.downloads import attachment

from ..access import get_case_for_writing, get_document_for_user, get_document_version_for_user
from ..actions import do_add_document, do_add_document_version
from ..forms import DocumentForm, VersionForm
from .cases import render_detail
from .common import acting_user, log_case_access
from .work import _done

logger = logging.getLogger(__name__)
# The type a browser declares is its operating system's guess from the extension: it adds
# nothing to the extension check and is sometimes wrong (a .docx sent as application/msword),
# so web uploads are judged by their content and extension only.


@login_required
@require_POST
def document_add(request: HttpRequest, public_id: str) -> HttpResponse:
    user = acting_user(request)
    case = get_case_for_writing(user, public_id)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_detail(request, case, True, status=400, bound={"document_form": form})
    upload = form.cleaned_data["file"]
    try:
        do_add_document(
            case,
            title=form.cleaned_data["title"],
            kind=form.cleaned_data["kind"],
            upload=upload,
            original_name=upload.name,
            expected_sha256=form.cleaned_data["sha256"].lower() or None,
            acting_user=user,
        )
    except uploads.UploadRejected as rejected:
        form.add_error("file", rejected.message)
        return render_detail(request, case, True, status=400, bound={"document_form": form})
    return _done(request, case, _("Document attached."))


@login_required
@require_POST
def document_version_add(request: HttpRequest, public_id: str, document_id: str) -> HttpResponse:
    user = acting_user(request)
    case = get_case_for_writing(user, public_id)
    document, _can_write = get_document_for_user(user, public_id, document_id)
    form = VersionForm(request.POST, request.FILES)
    bound = {"version_form": form, "document_in_form": document.pk}
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            version = do_add_document_version(
                document,
                upload=upload,
                original_name=upload.name,
                expected_sha256=form.cleaned_data["sha256"].lower() or None,
                acting_user=user,
            )
        except uploads.UploadRejected as rejected:
            form.add_error("file", rejected.message)
        else:
            return _done(
                request, case, _("Version %(number)s uploaded.") % {"number": version.number}
            )
    return render_detail(request, case, True, status=400, bound=bound)


@login_required
def document_download(
    request: HttpRequest, public_id: str, document_id: str, number: int
) -> HttpResponseBase:
    user = acting_user(request)
    version = get_document_version_for_user(user, public_id, document_id, number)
    response = stored_file_response(
        version.file_path,
        version.sha256,
        filename=uploads.safe_download_name(version.original_name),
        content_type=version.content_type,
    )
    if response.status_code == 200:
        document = version.document
        log_case_access(
            request,
            "document.downloaded",
            document.case,
            document=str(document.public_id),
            title=document.title,
            version=version.number,
        )
    return response


def stored_file_response(
    relative_path: str, sha256: str, *, filename: str, content_type: str
) -> HttpResponseBase:
    """A stored file as an attachment, once its checksum is verified (409 if it changed)."""
    if not uploads.verify_stored(relative_path, sha256):
        # Altered or lost on disk since it was stored: say so rather than serve it.
        logger.error("Stored file %s does not match its checksum", relative_path)
        return HttpResponse(
            _("This file no longer matches the checksum taken at upload. Ask your administrator."),
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    response = FileResponse(
        uploads.open_stored(relative_path),
        as_attachment=True,
        filename=filename,
        content_type=content_type,
    )
    attachment(response, filename)  # the one safe Content-Disposition (lib.downloads)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


urlpatterns = [
    path("cases/<uuid:public_id>/documents/", document_add, name="case_document_add"),
    path(
        "cases/<uuid:public_id>/documents/<uuid:document_id>/versions/",
        document_version_add,
        name="case_document_version_add",
    ),
    path(
        "cases/<uuid:public_id>/documents/<uuid:document_id>/v<int:number>/",
        document_download,
        name="case_document_download",
    ),
]
