"""Reports shaped like the questions asked: ask, follow, read, download, mark as sent
(decision 0041).

Members of an authority (any role) ask for reports and read every report of their authority;
a supervisor or the authority's administrator marks one as sent. Users of no authority get
403, another authority's report is a 404.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from rogatory.accounts.models import User
from rogatory.lib.downloads import attachment
from rogatory.lib.validators import InputRefused, PlausibleDateField

from . import charts
from .exports import shown
from .models import ReportRun, ReportSnapshot
from .reports import runs
from .reports.document import table_of
from .reports.layouts import available_layouts
from .views import PeriodForm

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
# Runs listed on the reports page.
RECENT_RUNS = 20


class ReportForm(PeriodForm):
    layout = forms.ChoiceField(label=_("Report"))
    for_sending = forms.BooleanField(
        label=_("For sending outside the authority (small cells suppressed)"), required=False
    )

    def __init__(self, *args: Any, layouts: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["layout"]).choices = layouts
        self.order_fields(["layout", "preset", "start", "end", "for_sending"])


class SentForm(forms.Form):
    sent_on = PlausibleDateField(label=_("Sent on"), widget=forms.DateInput(attrs={"type": "date"}))
    sent_to = forms.CharField(label=_("Sent to"), max_length=300, required=False)


def _member(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    if user.authority_id is None:
        raise PermissionDenied(gettext("Reports belong to central authorities."))
    return user


def _layout_choices() -> tuple[list[tuple[str, str]], list[str]]:
    layouts, refused = available_layouts()
    return [(layout.id, gettext(layout.title)) for layout in layouts], [p.message for p in refused]


@login_required
@require_http_methods(["GET", "POST"])
def reports_page(request: HttpRequest) -> HttpResponse:
    """The reports of the authority: ask for one; the latest runs; the reports sent."""
    user = _member(request)
    choices, problems = _layout_choices()
    today = timezone.localdate()
    form = ReportForm(
        request.POST if request.method == "POST" else None, layouts=choices, today=today
    )
    if request.method == "POST" and form.is_valid():
        try:
            run = runs.do_request_report(
                form.cleaned_data["layout"],
                form.period(),
                for_sending=form.cleaned_data["for_sending"],
                acting_user=user,
            )
        except InputRefused as refused:
            form.add_error(None, refused.message)
        else:
            if runs.runs_inline(run):
                runs.start(run)
                runs.write_report(run)
            return redirect(run)
    titles = dict(choices)
    authority_id = cast(int, user.authority_id)
    recent = ReportRun.objects.filter(authority_id=authority_id).select_related("requested_by")[
        :RECENT_RUNS
    ]
    sent = ReportSnapshot.objects.filter(authority_id=authority_id).select_related("marked_by")
    return render(
        request,
        "statistics/reports.html",
        {
            "form": form,
            "problems": problems,
            "runs": [(run, titles.get(run.layout, run.layout)) for run in recent],
            "sent": [(s, titles.get(s.layout_id, s.layout_id)) for s in sent],
            "authority": user.authority,
        },
    )


def _chart(table: dict[str, Any], document: dict[str, Any], chart_id: str) -> Any:
    """The table's SVG chart (decision 0043), or None: only in a layout with charts, only when
    every cell is shown (a chart would draw a suppressed cell as nothing), only where
    charts.py draws that table."""
    if not document.get("charts") or document.get("threshold"):
        return None
    return charts.table_chart(
        table_of(table),
        rtl=document.get("language") == "ar",
        number_format=shown,
        chart_id=chart_id,
    )


def _document_context(document: dict[str, Any]) -> dict[str, Any]:
    """The document with its cells as the page prints them, and its charts."""
    sections = []
    for number, section in enumerate(document.get("sections", []), start=1):
        tables = []
        for table in section["tables"]:
            tables.append(
                {
                    **table,
                    "shown_rows": [[shown(v) for v in row] for row in table["rows"]],
                    "shown_total": [shown(v) for v in table["total"]] if table["total"] else None,
                    "chart": _chart(table, document, f"chart-{number}-{table['key']}"),
                }
            )
        sections.append({**section, "tables": tables})
    return {**document, "sections": sections}


@login_required
def report_run(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A run: its progress while it is written (htmx asks again; without JavaScript, the page
    refreshes), then the report itself, its files, and "mark as sent"."""
    user = _member(request)
    run = runs.get_run_for_user(user, public_id)
    context: dict[str, Any] = {
        "run": run,
        "finished": run.status in (ReportRun.Status.DONE, ReportRun.Status.FAILED),
    }
    if request.headers.get("HX-Request") == "true" and not context["finished"]:
        return render(request, "statistics/_report_progress.html", context)
    snapshot = ReportSnapshot.objects.filter(run=run).first()
    context.update(
        {
            "document": _document_context(run.document) if run.document else None,
            "snapshot": snapshot,
            "can_mark_sent": runs.can_mark_sent(user)
            and run.suppressed
            and run.status == ReportRun.Status.DONE
            and snapshot is None,
            "sent_form": SentForm(initial={"sent_on": timezone.localdate()}),
        }
    )
    response = render(request, "statistics/report_run.html", context)
    if request.headers.get("HX-Request") == "true":
        # The report is ready: htmx replaces the whole page instead of the progress bar.
        response["HX-Refresh"] = "true"
    return response


def _file_response(folder: Any, name: str, kind: str, download_name: str) -> FileResponse:
    path = folder / name
    if not path.is_file():
        raise Http404("No such file.")
    response = FileResponse(path.open("rb"), content_type=CONTENT_TYPES[kind])
    attachment(response, download_name, f"report.{kind}")
    response["Cache-Control"] = "no-store"
    return response


def _download_name(layout: str, start: Any, end: Any, kind: str, sent: bool = False) -> str:
    return f"{layout}-{start.isoformat()}-{end.isoformat()}{'-sent' if sent else ''}.{kind}"


@login_required
def report_run_file(request: HttpRequest, public_id: uuid.UUID, kind: str) -> FileResponse:
    user = _member(request)
    run = runs.get_run_for_user(user, public_id)
    name = run.files.get(kind) if isinstance(run.files, dict) else None
    if run.status != ReportRun.Status.DONE or kind not in CONTENT_TYPES or not name:
        raise Http404("No such file.")
    return _file_response(
        run.folder(), name, kind, _download_name(run.layout, run.start, run.end, kind)
    )


@login_required
@require_POST
def report_mark_sent(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Keep the report as sent: a frozen snapshot, audited."""
    user = _member(request)
    run = runs.get_run_for_user(user, public_id)
    if not runs.can_mark_sent(user):
        raise PermissionDenied(
            gettext("Only a supervisor or the authority's administrator marks a report as sent.")
        )
    form = SentForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(run)
    try:
        snapshot = runs.do_mark_sent(
            run,
            sent_on=form.cleaned_data["sent_on"],
            sent_to=form.cleaned_data["sent_to"],
            acting_user=user,
        )
    except InputRefused as refused:
        messages.error(request, refused.message)
        return redirect(run)
    messages.success(request, gettext("The report is kept as sent, as it stands today."))
    return redirect(snapshot)


@login_required
def report_snapshot(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A report sent: the figures as they left, the files with their SHA-256."""
    user = _member(request)
    snapshot = runs.get_snapshot_for_user(user, public_id)
    return render(
        request,
        "statistics/report_snapshot.html",
        {"snapshot": snapshot, "document": _document_context(snapshot.document)},
    )


@login_required
def report_snapshot_file(request: HttpRequest, public_id: uuid.UUID, kind: str) -> FileResponse:
    user = _member(request)
    snapshot = runs.get_snapshot_for_user(user, public_id)
    entry = snapshot.files.get(kind) if isinstance(snapshot.files, dict) else None
    if kind not in CONTENT_TYPES or not entry:
        raise Http404("No such file.")
    return _file_response(
        snapshot.folder(),
        entry["name"],
        kind,
        _download_name(snapshot.layout_id, snapshot.start, snapshot.end, kind, sent=True),
    )


urlpatterns = [
    path("statistics/reports/", reports_page, name="reports"),
    path("statistics/reports/<uuid:public_id>/", report_run, name="report_run"),
    path(
        "statistics/reports/<uuid:public_id>/report.<str:kind>",
        report_run_file,
        name="report_run_file",
    ),
    path("statistics/reports/<uuid:public_id>/sent", report_mark_sent, name="report_mark_sent"),
    path("statistics/sent/<uuid:public_id>/", report_snapshot, name="report_snapshot"),
    path(
        "statistics/sent/<uuid:public_id>/report.<str:kind>",
        report_snapshot_file,
        name="report_snapshot_file",
    ),
]
