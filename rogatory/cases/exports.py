"""Case exports: the filtered case list as CSV or XLSX, written row by row.

An export of up to ``EXPORT_SYNC_ROWS`` rows is answered in the request. A larger one becomes
a ``CaseExport`` job: the request only records it, the worker beside the web server
(``manage.py process_uploads --loop``, started by ``make run``) writes the file under
``DATA_DIR/exports/`` and counts its progress, and the person who asked downloads it from the
job's page. Measured in docs/benchmarks.md ("Capacity"): 35,115 rows took 7.6–16.7 s in one
request, two thirds of it in ``get_FOO_display`` translating every choice label again for
every cell; the labels are now translated once per export.
"""

from __future__ import annotations

import csv
import datetime
import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rogatory.accounts.models import User
from rogatory.audit.actions import record
from rogatory.lib.workers import run_until_stopped
from rogatory.reference.choices import CooperationKind

from .choices import Channel, Confidentiality, Direction, Status, Urgency
from .models import Case, CaseExport
from .queries import CaseFilters, list_queryset

logger = logging.getLogger(__name__)

# Rows an export may hold: Excel's own limit, less the header row.
EXPORT_LIMIT = 1_048_575
# Above this many rows an export is written by the worker, not in the request: 5,000 rows
# take about half a second once labels are translated once (docs/benchmarks.md).
EXPORT_SYNC_ROWS = 5_000
# Rows written between two progress updates of a background export.
PROGRESS_EVERY = 2_000
# Finished exports (and their files) are removed after this long.
EXPORT_KEPT = datetime.timedelta(days=1)

EXPORT_COLUMNS = (
    ("our_reference", gettext_lazy("Our reference")),
    ("their_reference", gettext_lazy("Their reference")),
    ("direction", gettext_lazy("Direction")),
    ("kind", gettext_lazy("Kind of request")),
    ("status", gettext_lazy("Status")),
    ("counterpart", gettext_lazy("Other state")),
    ("subject", gettext_lazy("Subject matter")),
    ("received_on", gettext_lazy("Received on")),
    ("sent_on", gettext_lazy("Sent on")),
    ("deadline", gettext_lazy("Deadline")),
    ("overdue", gettext_lazy("Overdue")),
    ("officer", gettext_lazy("Responsible officer")),
    ("urgency", gettext_lazy("Urgency")),
    ("confidentiality", gettext_lazy("Confidentiality")),
    ("channel", gettext_lazy("Channel")),
)


def spreadsheet_safe(value: object) -> object:
    """Keep a spreadsheet from reading text as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def header() -> list[str]:
    return [str(label) for _name, label in EXPORT_COLUMNS]


def _labels(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Each choice's label translated once, for a whole export."""
    return {value: str(label) for value, label in choices}


def export_rows(cases: Any, day: datetime.date) -> Iterator[list[object]]:
    """One list per case, in the columns of ``EXPORT_COLUMNS``, read in chunks."""
    directions = _labels(Direction.choices)
    kinds = _labels(CooperationKind.choices)
    statuses = _labels(Status.choices)
    urgencies = _labels(Urgency.choices)
    confidentialities = _labels(Confidentiality.choices)
    channels = _labels(Channel.choices)
    yes = _("yes")
    for case in cases.iterator(chunk_size=2000):
        row = [
            case.our_reference,
            case.their_reference,
            directions.get(case.direction, case.direction),
            kinds.get(case.kind, case.kind),
            statuses.get(case.status, case.status),
            case.counterpart_state.name,
            case.subject,
            case.received_on,
            case.sent_on,
            case.deadline,
            yes if case.is_overdue(day) else "",
            str(case.officer) if case.officer else "",
            urgencies.get(case.urgency, case.urgency),
            confidentialities.get(case.confidentiality, case.confidentiality),
            channels.get(case.channel, case.channel),
        ]
        yield [spreadsheet_safe(value) for value in row]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[object]]) -> Iterator[str]:
    """The CSV text, line by line, with a byte-order mark so spreadsheets read UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow(header())
    for row in rows:
        yield writer.writerow(["" if v is None else v for v in row])


def write_xlsx(rows: Iterable[list[object]], target: IO[bytes]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Requests")[:31])
    sheet.append(header())
    for row in rows:
        sheet.append(row)
    workbook.save(target)


def export_queryset(user: User, filters: CaseFilters, day: datetime.date) -> Any:
    """What ``user`` may export with ``filters``, in the list's columns, capped at the limit."""
    return list_queryset(filters.apply(Case.objects.for_user(user), today=day, user=user))[
        :EXPORT_LIMIT
    ]


# --- background exports -----------------------------------------------------------------------


@transaction.atomic
def do_request_export(
    filters: CaseFilters, fmt: str, *, total_rows: int, day: datetime.date, acting_user: User
) -> CaseExport:
    """Ask the worker for an export of what ``acting_user`` sees with ``filters``; audited."""
    assert acting_user.authority_id is not None
    job = CaseExport.objects.create(
        authority_id=acting_user.authority_id,
        requested_by=acting_user,
        format=fmt,
        filters=filters.as_params(),
        day=day,
        language=translation.get_language() or "",
        total_rows=total_rows,
    )
    record(
        "cases.exported",
        acting_user=acting_user,
        authority_id=acting_user.authority_id,
        object_type="authority",
        object_ref=str(acting_user.authority_id),
        details={
            "format": fmt,
            "filters": filters.as_params(),
            "rows": total_rows,
            "export": str(job.public_id),
        },
    )
    return job


def _counted(rows: Iterable[list[object]], job: CaseExport) -> Iterator[list[object]]:
    written = 0
    for row in rows:
        yield row
        written += 1
        if written % PROGRESS_EVERY == 0:
            CaseExport.objects.filter(pk=job.pk).update(rows_written=written)
    job.rows_written = written


def run_export(job: CaseExport) -> None:
    """Write ``job``'s file as its requester would have received it, counting progress."""
    user = job.requested_by
    day = job.day
    filters = CaseFilters.from_params(job.filters)
    path = job.file_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    partial = path.with_suffix(path.suffix + ".part")
    language = job.language or settings.LANGUAGE_CODE
    try:
        with translation.override(language), open(partial, "wb") as target:
            partial.chmod(0o600)
            rows = _counted(export_rows(export_queryset(user, filters, day), day), job)
            if job.format == CaseExport.Format.CSV:
                for line in csv_lines(rows):
                    target.write(line.encode("utf-8"))
            else:
                write_xlsx(rows, target)
        partial.replace(path)
    except Exception:
        partial.unlink(missing_ok=True)
        raise
    CaseExport.objects.filter(pk=job.pk).update(
        status=CaseExport.Status.DONE,
        rows_written=job.rows_written,
        size=path.stat().st_size,
        finished_at=timezone.now(),
    )


def _claim() -> CaseExport | None:
    # A job "being written" for longer than this was left by a worker that died: taken over.
    stale = timezone.now() - datetime.timedelta(hours=1)
    with transaction.atomic():
        job = (
            CaseExport.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=CaseExport.Status.PENDING)
                | Q(status=CaseExport.Status.RUNNING, started_at__lt=stale)
            )
            .select_related("requested_by")
            .order_by("created_at", "id")
            .first()
        )
        if job is None:
            return None
        job.status = CaseExport.Status.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
    return job


def process_pending_exports(limit: int = 10) -> int:
    """Write up to ``limit`` waiting exports and remove expired ones; return how many ran."""
    done = 0
    while done < limit and (job := _claim()) is not None:
        done += 1
        try:
            run_export(job)
        except Exception as error:
            logger.exception("export %s failed", job.public_id)
            CaseExport.objects.filter(pk=job.pk).update(
                status=CaseExport.Status.FAILED, finished_at=timezone.now(), problem=repr(error)
            )
    remove_expired_exports()
    return done


def remove_expired_exports(now: datetime.datetime | None = None) -> int:
    """Delete exports finished more than ``EXPORT_KEPT`` ago, with their files."""
    now = now or timezone.now()
    expired = list(CaseExport.objects.filter(finished_at__lt=now - EXPORT_KEPT))
    for job in expired:
        job.file_path().unlink(missing_ok=True)
    CaseExport.objects.filter(pk__in=[job.pk for job in expired]).delete()
    return len(expired)


def get_export_for_user(user: User, public_id: uuid.UUID) -> CaseExport:
    """The export ``user`` asked for; 404 for anyone else's, and for one no longer kept."""
    if user.authority_id is None:
        raise Http404("No such export.")
    job = CaseExport.objects.filter(
        public_id=public_id, requested_by=user, authority_id=user.authority_id
    ).first()
    if job is None:
        raise Http404("No such export.")
    return job


def run_exports_forever(
    stop: threading.Event, *, interval: float = 2.0, on_error: Callable[[Exception], None]
) -> None:
    """The export worker's loop (a thread of ``process_uploads --loop``)."""
    run_until_stopped(
        lambda: bool(process_pending_exports()), stop, interval=interval, on_error=on_error
    )
