"""Resumable uploads of large files (JSON): open a session, send chunks, complete, ask status.

The browser script (static/js/rogatory.js, ``data-resumable-upload``) drives these; the CSRF
token travels in the ``X-CSRFToken`` header. Chunks are read with ``request.read`` up to one
byte over the limit, never through ``request.body``. See ``cases/resumable.py``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rogatory.cases.models import UploadSession
from rogatory.lib import safejson
from rogatory.lib.validators import InputRefused

from ..access import get_case_for_writing, get_upload_for_user, get_upload_for_writing
from ..forms import UploadStartForm
from ..resumable import (
    CHUNK_SIZE,
    UploadError,
    do_complete_upload,
    do_start_upload,
    receive_chunk,
)
from .common import acting_user


def _error(error: UploadError) -> JsonResponse:
    body: dict[str, Any] = {"message": error.message}
    if error.offset is not None:
        body["offset"] = error.offset
    return JsonResponse(body, status=error.status)


def _state(upload: UploadSession) -> dict[str, Any]:
    """What the browser needs to continue, or to tell the officer how it ended."""
    state: dict[str, Any] = {
        "id": str(upload.public_id),
        "offset": upload.received,
        "size": upload.size,
        "chunk_size": CHUNK_SIZE,
        "complete": upload.completed_at is not None,
        "status": upload.status,
    }
    if upload.problem:
        state["problem"] = upload.problem
    if upload.document_version is not None:
        version = upload.document_version
        version.document.case = upload.case
        state["document_url"] = version.get_absolute_url()
    return state


@login_required
@require_POST
def upload_start(request: HttpRequest, public_id: str) -> JsonResponse:
    user = acting_user(request)
    case = get_case_for_writing(user, public_id)
    try:
        payload = safejson.loads(request.body, max_bytes=64 * 1024)
    except InputRefused:  # not JSON, too large, too deep, control characters
        payload = None
    if not isinstance(payload, dict):
        return JsonResponse({"message": _("The request could not be read.")}, status=400)
    form = UploadStartForm(payload)
    if not form.is_valid():
        errors = form.errors.get_json_data()
        first = next(iter(errors.values()))[0]["message"]
        return JsonResponse({"message": first, "errors": errors}, status=400)
    data = form.cleaned_data
    try:
        upload = do_start_upload(
            case,
            name=data["name"],
            size=data["size"],
            title=data["title"],
            kind=data["kind"],
            sha256=data["sha256"],
            acting_user=user,
        )
    except UploadError as error:
        return _error(error)
    state = _state(upload) | {
        "url": reverse("case_upload", args=[case.public_id, upload.public_id])
    }
    return JsonResponse(state, status=201)


@login_required
@require_http_methods(["GET", "PUT"])
def upload_detail(request: HttpRequest, public_id: str, upload_id: str) -> JsonResponse:
    """GET: where the upload stands. PUT ?offset=N: the next chunk, raw bytes."""
    user = acting_user(request)
    if request.method == "GET":
        upload, _can_write = get_upload_for_user(user, public_id, upload_id)
        return JsonResponse(_state(upload))
    upload = get_upload_for_writing(user, public_id, upload_id)
    try:
        offset = int(request.GET.get("offset", ""))
    except ValueError:
        offset = -1
    if offset < 0:
        return JsonResponse({"message": _("The offset is missing or invalid.")}, status=400)
    data = request.read(CHUNK_SIZE + 1)
    try:
        received = receive_chunk(upload, offset, data)
    except UploadError as error:
        return _error(error)
    return JsonResponse({"offset": received})


@login_required
@require_POST
def upload_complete(request: HttpRequest, public_id: str, upload_id: str) -> JsonResponse:
    """Every byte is sent: 201 when stored at once, 202 while the worker checks it."""
    upload = get_upload_for_writing(acting_user(request), public_id, upload_id)
    try:
        upload = do_complete_upload(upload)
    except UploadError as error:
        return _error(error)
    status = {"stored": 201, "processing": 202, "refused": 400}[upload.status]
    return JsonResponse(_state(upload), status=status)


urlpatterns = [
    path("cases/<uuid:public_id>/uploads/", upload_start, name="case_upload_start"),
    path("cases/<uuid:public_id>/uploads/<uuid:upload_id>/", upload_detail, name="case_upload"),
    path(
        "cases/<uuid:public_id>/uploads/<uuid:upload_id>/complete",
        upload_complete,
        name="case_upload_complete",
    ),
]
