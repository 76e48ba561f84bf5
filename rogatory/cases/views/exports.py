"""A large export's page (progress, then the download) and the download itself."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from rogatory.lib.downloads import attachment

from ..exports import get_export_for_user
from ..models import CaseExport
from .common import acting_user


@login_required
def export_status(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """How far the worker got; htmx asks again every few seconds until the file is ready."""
    job = get_export_for_user(acting_user(request), public_id)
    template = (
        "cases/_export_progress.html"
        if request.headers.get("HX-Request") == "true"
        else "cases/export_status.html"
    )
    return render(request, template, {"job": job})


@login_required
def export_download(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    job = get_export_for_user(acting_user(request), public_id)
    path = job.file_path()
    if job.status != CaseExport.Status.DONE or not path.is_file():
        raise Http404("The export is not ready.")
    content_type = (
        "text/csv; charset=utf-8"
        if job.format == CaseExport.Format.CSV
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = FileResponse(path.open("rb"), content_type=content_type)
    attachment(response, job.file_name())  # the one safe Content-Disposition (lib.downloads)
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("cases/exports/<uuid:public_id>/", export_status, name="case_export_status"),
    path("cases/exports/<uuid:public_id>/download", export_download, name="case_export_download"),
]
