"""Report runs: asked for, written (inline or by the worker), marked as sent (decision 0041).

A run writes the report document (JSON), its PDF and its workbook into its folder and records
its progress as it goes; a run that fails says why in a sentence its reader understands and
keeps the details in the log, never a 500. Marking a run as sent copies its files into a
snapshot with their SHA-256 and writes the audit entry; a snapshot is never regenerated.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import shutil
import threading
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rogatory.accounts.models import Role, User
from rogatory.audit.actions import record
from rogatory.cases.models import Case
from rogatory.cases.stats import Period
from rogatory.lib.fonts import FontsMissing
from rogatory.lib.validators import InputRefused
from rogatory.lib.workers import run_until_stopped

from ..models import ReportRun, ReportSnapshot
from ..suppression import configured_threshold
from .document import build_document
from .files import to_pdf, to_xlsx
from .layouts import get_layout, parse_layout

logger = logging.getLogger(__name__)

# An authority with at most this many requests gets its reports while the reader waits; larger
# ones go to the worker. The time goes mostly to the figures, whose queries cost by the size of
# the authority's records, not by the period's (bench/reports.py, 3,056 requests on SQLite on
# a shared machine: 4-7 s for the figures, 2-6 s for the PDF; decision 0041).
INLINE_LIMIT = 1000
# Who may mark a report as sent: the head of unit and the authority's administrator (an
# officer prepares it; sending figures out in the authority's name is a supervisor's act).
MAY_MARK_SENT = frozenset({Role.SUPERVISOR, Role.AUTHORITY_ADMIN})
FILE_NAMES = {"pdf": "report.pdf", "xlsx": "report.xlsx", "json": "report.json"}


def can_mark_sent(user: User) -> bool:
    return user.authority_id is not None and user.role in MAY_MARK_SENT


# --- Access ----------------------------------------------------------------------------------


def get_run_for_user(user: User, public_id: uuid.UUID) -> ReportRun:
    """A run of the reader's authority; 404 for an absent one and another's alike."""
    if user.authority_id is None:
        raise Http404("No such report.")
    run = ReportRun.objects.filter(public_id=public_id, authority_id=user.authority_id).first()
    if run is None:
        raise Http404("No such report.")
    return run


def get_snapshot_for_user(user: User, public_id: uuid.UUID) -> ReportSnapshot:
    """A report sent by the reader's authority; 404 for an absent one and another's alike."""
    if user.authority_id is None:
        raise Http404("No such report.")
    snapshot = ReportSnapshot.objects.filter(
        public_id=public_id, authority_id=user.authority_id
    ).first()
    if snapshot is None:
        raise Http404("No such report.")
    return snapshot


# --- Asking ----------------------------------------------------------------------------------


@transaction.atomic
def do_request_report(
    layout_id: str, period: Period, *, for_sending: bool, acting_user: User
) -> ReportRun:
    """Queue a report of ``layout_id`` for ``period`` in the reader's language."""
    if acting_user.authority_id is None:
        raise InputRefused(_("Reports belong to central authorities."))
    get_layout(layout_id)  # refused here, with its problems, if it is unknown or broken
    return ReportRun.objects.create(
        authority_id=acting_user.authority_id,
        requested_by=acting_user,
        layout=layout_id,
        start=period.start,
        end=period.end,
        as_of=timezone.localdate(),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        suppression_threshold=configured_threshold() if for_sending else None,
    )


def runs_inline(run: ReportRun) -> bool:
    """Whether ``run`` is small enough to write while its reader waits."""
    cases = Case.objects.for_user(run.requested_by)
    return cases[: INLINE_LIMIT + 1].count() <= INLINE_LIMIT


# --- Writing ---------------------------------------------------------------------------------


def _progress(run: ReportRun) -> Callable[[int], None]:
    def report(percent: int) -> None:
        ReportRun.objects.filter(pk=run.pk).update(progress=percent)

    return report


def write_report(run: ReportRun) -> None:
    """Write ``run``'s document and files, recording progress; a failure is recorded, not
    raised (the reader sees why; the log has the details)."""
    folder = run.folder()
    progress = _progress(run)
    try:
        with translation.override(run.language):
            layout = get_layout(run.layout)
            document = build_document(
                layout,
                cases=Case.objects.for_user(run.requested_by),
                authority=run.authority,
                period=Period(run.start, run.end),
                today=run.as_of,
                threshold=run.suppression_threshold,
                progress=progress,
            )
            pdf = to_pdf(document, run.language)
            progress(85)
            xlsx = to_xlsx(document)
        progress(95)
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)
        contents = {
            "pdf": pdf,
            "xlsx": xlsx,
            "json": json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"),
        }
        for kind, data in contents.items():
            path = folder / FILE_NAMES[kind]
            partial = path.with_suffix(path.suffix + ".part")
            partial.write_bytes(data)
            partial.chmod(0o600)
            partial.replace(path)
    except Exception as error:
        if isinstance(error, InputRefused):
            message = error.message
        elif isinstance(error, FontsMissing):
            message = _("The fonts the PDF needs are not installed; tell the administrator.")
        else:
            message = _("The report could not be written; the administrator's log says why.")
        logger.exception("report %s failed", run.public_id)
        ReportRun.objects.filter(pk=run.pk).update(
            status=ReportRun.Status.FAILED, message=message, finished_at=timezone.now()
        )
        return
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.DONE,
        progress=100,
        layout_source=layout.source,
        document=document,
        files={kind: FILE_NAMES[kind] for kind in contents},
        finished_at=timezone.now(),
    )


def start(run: ReportRun) -> None:
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.RUNNING, started_at=timezone.now(), progress=1
    )


def _claim() -> ReportRun | None:
    # A run "being written" for more than an hour was left by a worker that died: taken over.
    stale = timezone.now() - datetime.timedelta(hours=1)
    with transaction.atomic():
        run = (
            ReportRun.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                Q(status=ReportRun.Status.QUEUED)
                | Q(status=ReportRun.Status.RUNNING, started_at__lt=stale)
            )
            .select_related("requested_by", "authority")
            .order_by("created_at", "id")
            .first()
        )
        if run is None:
            return None
        run.status = ReportRun.Status.RUNNING
        run.started_at = timezone.now()
        run.save(update_fields=["status", "started_at"])
    return run


def process_pending_reports(limit: int = 5) -> int:
    """Write up to ``limit`` waiting reports; return how many ran."""
    done = 0
    while done < limit and (run := _claim()) is not None:
        done += 1
        write_report(run)
    return done


def purge_old_runs(now: datetime.datetime | None = None, limit: int = 200) -> int:
    """Delete runs written or failed more than ``STATISTICS_REPORT_RUN_DAYS`` ago, with their
    folders; how many. A run marked as sent lives on as its snapshot (its own copy of the
    files), which keeps its figures and loses only the link to the run."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.STATISTICS_REPORT_RUN_DAYS)
    old = list(
        ReportRun.objects.filter(
            status__in=(ReportRun.Status.DONE, ReportRun.Status.FAILED), created_at__lt=cutoff
        ).order_by("created_at", "id")[:limit]
    )
    for run in old:
        shutil.rmtree(run.folder(), ignore_errors=True)
    ReportRun.objects.filter(pk__in=[run.pk for run in old]).delete()
    if old:
        logger.info("report runs older than %s deleted: %d", cutoff.date(), len(old))
    return len(old)


def _worker_pass() -> bool:
    """One pass of the worker: the waiting reports, then old runs; whether it did anything."""
    written = process_pending_reports()
    return bool(written + purge_old_runs())


def run_forever(
    stop: threading.Event, *, interval: float = 2.0, on_error: Callable[[Exception], None]
) -> None:
    """The report worker's loop (``manage.py generate_reports --loop``)."""
    run_until_stopped(_worker_pass, stop, interval=interval, on_error=on_error)


# --- Sending ---------------------------------------------------------------------------------


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@transaction.atomic
def do_mark_sent(
    run: ReportRun, *, sent_on: datetime.date, sent_to: str, acting_user: User
) -> ReportSnapshot:
    """Keep ``run`` as a frozen snapshot of the report sent on ``sent_on``; audited."""
    if not can_mark_sent(acting_user) or acting_user.authority_id != run.authority_id:
        raise InputRefused(
            _("Only a supervisor or the authority's administrator marks a report as sent.")
        )
    run = ReportRun.objects.select_for_update(of=("self",)).get(pk=run.pk)
    if run.status != ReportRun.Status.DONE or not run.document:
        raise InputRefused(_("Only a report that is ready can be marked as sent."))
    if run.suppression_threshold is None:
        raise InputRefused(
            _(
                "This report shows every cell: ask for the version for sending (small cells "
                "suppressed) and mark that one as sent."
            )
        )
    if ReportSnapshot.objects.filter(run=run).exists():
        raise InputRefused(_("This report has already been marked as sent."))
    # The layout the report was written with, even if the file has changed since.
    layout = parse_layout(run.layout_source, run.layout)
    snapshot = ReportSnapshot(
        authority_id=run.authority_id,
        run=run,
        layout_id=run.layout,
        layout_source=layout.source,
        layout=layout.as_json(),
        start=run.start,
        end=run.end,
        as_of=run.as_of,
        language=run.language,
        suppression_threshold=run.suppression_threshold,
        document=run.document,
        files={},
        sent_on=sent_on,
        sent_to=sent_to.strip(),
        marked_by=acting_user,
    )
    target = snapshot.folder()
    target.mkdir(parents=True, exist_ok=True)
    target.chmod(0o700)
    files: dict[str, Any] = {}
    try:
        for kind, name in sorted(run.files.items()):
            data = (run.folder() / name).read_bytes()
            (target / name).write_bytes(data)
            (target / name).chmod(0o600)
            files[kind] = {"name": name, "sha256": _sha256(data), "size": len(data)}
        snapshot.files = files
        snapshot.save()
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        logger.exception("report %s: files could not be kept", run.public_id)
        raise InputRefused(
            _("The report's files could not be kept; ask for the report again.")
        ) from None
    record(
        "statistics.report_sent",
        acting_user=acting_user,
        authority_id=run.authority_id,
        object_type="report",
        object_ref=str(snapshot.public_id),
        details={
            "layout": run.layout,
            "start": run.start.isoformat(),
            "end": run.end.isoformat(),
            "language": run.language,
            "sent_on": sent_on.isoformat(),
            "sent_to": snapshot.sent_to,
            "threshold": run.suppression_threshold,
            "sha256": {kind: f["sha256"] for kind, f in files.items()},
        },
    )
    return snapshot
