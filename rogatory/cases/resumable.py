"""Resumable uploads: large files arrive in chunks, a worker checks and stores them.

A web request has 30 seconds and ``do_add_document`` reads the whole file, so a phone image of
several GB cannot come in one POST. The browser opens an ``UploadSession``, sends chunks of
``CHUNK_SIZE`` bytes at the offset the server confirms (each written, flushed and fsynced to
``DATA_DIR/uploads/<id>.part`` before the offset moves), and says when every byte is there.
``process_pending_uploads`` (``manage.py process_uploads --loop``, beside the web server) then
runs the usual checks of decision 0012 through ``do_add_document`` and deletes the part file,
whether the file was stored or refused. Files up to ``MAX_DOCUMENT_SIZE`` are stored at once
in the request that completes them.

Abandoned sessions (untouched for a day and not waiting for the worker) are removed with their
part files, so a browser closed mid-upload or a server killed mid-chunk leaves nothing behind;
each pass also sweeps the temporary files a killed request left (``lib.datadir``), as
``manage.py secure_storage`` does at start-up.
"""

from __future__ import annotations

import datetime
import fcntl
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from rogatory.accounts.models import User
from rogatory.audit.actions import record
from rogatory.lib import uploads
from rogatory.lib.datadir import sweep_temporary
from rogatory.lib.workers import run_until_stopped

from .actions import MAX_DOCUMENT_SIZE, do_add_document
from .choices import DocumentKind
from .models import Case, UploadSession

logger = logging.getLogger(__name__)

# Each PUT carries at most this much: a few seconds on a slow line, well inside the request
# time limit, and little memory per request.
CHUNK_SIZE = 8 * 1024 * 1024
# A session nobody touched for this long, and that is not waiting for the worker, is abandoned.
ABANDONED_AFTER = datetime.timedelta(hours=24)
# A worker holding a session longer than this died; another may take it over. Checking and
# copying 8 GiB takes minutes, not an hour.
CLAIM_EXPIRES_AFTER = datetime.timedelta(hours=1)
# Up to this size the request that completes an upload checks and stores it at once (as the
# plain form would); above it, the worker does.
STORE_AT_ONCE_MAX = MAX_DOCUMENT_SIZE
_ACCEPTED_EXTENSIONS = frozenset(ext for exts in uploads.ALLOWED_TYPES.values() for ext in exts)


class UploadError(Exception):
    """A chunk or a session refused, with a message for the person and the HTTP status.

    ``offset`` is set on conflicts (409): where the server wants the next chunk to start.
    """

    def __init__(self, message: str, status: int = 400, *, offset: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.offset = offset


@dataclass(frozen=True)
class Processed:
    """What one pass of the worker did."""

    stored: int = 0
    refused: int = 0
    removed: int = 0


# -- Where the bytes wait ----------------------------------------------------------------------


def parts_directory() -> Path:
    """``DATA_DIR/uploads``, created private (0700) whatever the umask."""
    directory = Path(settings.DATA_DIR) / "uploads"
    if not directory.is_dir():
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if directory.stat().st_mode & 0o777 != 0o700:
        directory.chmod(0o700)
    return directory


def part_path(upload: UploadSession) -> Path:
    return parts_directory() / f"{upload.public_id}.part"


def _open_part(upload: UploadSession) -> int:
    descriptor = os.open(part_path(upload), os.O_RDWR | os.O_CREAT, 0o600)
    os.fchmod(descriptor, 0o600)  # whatever the umask
    return descriptor


# -- The browser's side ------------------------------------------------------------------------


def _refuse_start(name: str, size: int) -> None:
    """Refuse at once what the worker would refuse after hours of uploading."""
    if not name.strip():
        raise UploadError(_("Choose a file."))
    if size <= 0:
        raise UploadError(_("The file is empty."))
    limit = settings.CASE_LARGE_UPLOAD_MAX
    if size > limit:
        raise UploadError(
            _("The file is larger than the %(limit)s limit.") % {"limit": filesizeformat(limit)}
        )
    stem, dot, extension = uploads.safe_download_name(name).rpartition(".")
    accepted = ", ".join(f".{ext}" for ext in sorted(_ACCEPTED_EXTENSIONS))
    if not (stem and dot):
        raise UploadError(
            _(
                "The file name has no extension. Name the file after its type, for example "
                "“letter.pdf”. Accepted types: %(accepted)s."
            )
            % {"accepted": accepted}
        )
    if extension.lower() not in _ACCEPTED_EXTENSIONS:
        raise UploadError(
            _("Files of type “.%(extension)s” cannot be attached. Accepted types: %(accepted)s.")
            % {"extension": extension, "accepted": accepted}
        )


@transaction.atomic
def do_start_upload(
    case: Case,
    *,
    name: str,
    size: int,
    title: str,
    kind: str,
    sha256: str = "",
    acting_user: User,
) -> UploadSession:
    """Open a session for a file of ``size`` bytes; its part file exists, empty, from now on."""
    _refuse_start(name, size)
    upload = UploadSession.objects.create(
        case=case,
        uploaded_by=acting_user,
        original_name=uploads.safe_download_name(name),
        size=size,
        sha256=sha256.strip().lower(),
        title=title,
        kind=DocumentKind(kind),
    )
    os.close(_open_part(upload))
    record(
        "case.upload_started",
        acting_user=acting_user,
        authority_id=case.authority_id,
        object_type="case",
        object_ref=str(case.public_id),
        details={"upload": str(upload.public_id), "name": upload.original_name, "size": size},
    )
    return upload


def _fresh(upload: UploadSession) -> tuple[int, datetime.datetime | None]:
    row = UploadSession.objects.filter(pk=upload.pk).values_list("received", "completed_at").first()
    if row is None:
        raise UploadError(_("This upload no longer exists. Start it again."), 404)
    return row


def receive_chunk(upload: UploadSession, offset: int, data: bytes) -> int:
    """Append ``data`` at ``offset`` and return the new offset.

    Only the offset the server holds is accepted (409 with that offset otherwise), so a chunk
    sent twice after a lost answer is never appended twice. The part file is locked for the
    check, the write, the fsync and the conditional UPDATE; whatever lies beyond the confirmed
    offset (a write the server died before confirming) is cut off first.
    """
    if not data:
        raise UploadError(_("The chunk is empty."))
    if len(data) > CHUNK_SIZE:
        raise UploadError(
            _("A chunk may not exceed %(limit)s.") % {"limit": filesizeformat(CHUNK_SIZE)}
        )
    descriptor = _open_part(upload)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        received, completed_at = _fresh(upload)
        if completed_at is not None or offset != received:
            raise UploadError(_("The upload continues at another offset."), 409, offset=received)
        if received + len(data) > upload.size:
            raise UploadError(
                _("This chunk goes beyond the %(size)s bytes announced for the file.")
                % {"size": upload.size}
            )
        if os.fstat(descriptor).st_size < received:
            # The part file was lost (disk replaced, cleaned by hand): start again from zero
            # rather than fill the gap with nothing.
            UploadSession.objects.filter(pk=upload.pk).update(received=0, updated_at=timezone.now())
            os.ftruncate(descriptor, 0)
            raise UploadError(_("The upload continues at another offset."), 409, offset=0)
        os.ftruncate(descriptor, received)
        view = memoryview(data)
        position = received
        while view:
            written = os.pwrite(descriptor, view, position)
            view, position = view[written:], position + written
        os.fsync(descriptor)
        moved = UploadSession.objects.filter(
            pk=upload.pk, received=received, completed_at__isnull=True
        ).update(received=position, updated_at=timezone.now())
        if not moved:
            os.ftruncate(descriptor, received)
            now_received, _completed = _fresh(upload)
            raise UploadError(
                _("The upload continues at another offset."), 409, offset=now_received
            )
    finally:
        os.close(descriptor)
    upload.received = position
    return position


def do_complete_upload(upload: UploadSession) -> UploadSession:
    """Mark every byte as sent; files up to STORE_AT_ONCE_MAX are checked and stored at once.

    Idempotent: completing a session already complete answers its state.
    """
    received, completed_at = _fresh(upload)
    if completed_at is None:
        if received != upload.size:
            raise UploadError(
                _("Only %(received)s of the %(expected)s bytes announced arrived.")
                % {"received": received, "expected": upload.size},
                409,
                offset=received,
            )
        UploadSession.objects.filter(pk=upload.pk, completed_at__isnull=True).update(
            completed_at=timezone.now()
        )
    upload.refresh_from_db()
    if upload.status == "processing" and upload.size <= STORE_AT_ONCE_MAX:
        process_upload(upload)
        upload.refresh_from_db()
    return upload


# -- The worker's side -------------------------------------------------------------------------


def _claimable(now: datetime.datetime) -> Q:
    return Q(
        completed_at__isnull=False,
        document_version__isnull=True,
        problem="",
    ) & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_EXPIRES_AFTER))


def process_upload(upload: UploadSession) -> str:
    """Check and store one complete upload; return its status ("" if another worker has it).

    The checks and the copy run outside any transaction (``do_add_document`` stores first).
    A worker killed between storing the document and linking it here would store it again
    on the next claim; that window is two commits wide.
    """
    now = timezone.now()
    if not UploadSession.objects.filter(_claimable(now), pk=upload.pk).update(claimed_at=now):
        return ""
    upload.refresh_from_db()
    path = part_path(upload)
    try:
        with path.open("rb") as part:
            version = do_add_document(
                upload.case,
                title=upload.title,
                kind=upload.kind,
                upload=part,
                original_name=upload.original_name,
                expected_sha256=upload.sha256 or None,
                expected_size=upload.size,
                max_size=settings.CASE_LARGE_UPLOAD_MAX,
                acting_user=upload.uploaded_by,
            )
    except uploads.UploadRejected as rejected:
        _refuse(upload, rejected.message, rejected.code)
    except FileNotFoundError:
        _refuse(
            upload,
            _("The uploaded file was lost before it could be checked. Please upload it again."),
            "lost",
        )
    else:
        UploadSession.objects.filter(pk=upload.pk).update(document_version=version)
        upload.document_version = version
    path.unlink(missing_ok=True)
    return upload.status


def _refuse(upload: UploadSession, message: str, code: str) -> None:
    with transaction.atomic():
        UploadSession.objects.filter(pk=upload.pk).update(problem=message)
        record(
            "case.upload_refused",
            acting_user=upload.uploaded_by,
            authority_id=upload.case.authority_id,
            object_type="case",
            object_ref=str(upload.case.public_id),
            details={"upload": str(upload.public_id), "name": upload.original_name, "code": code},
        )
    upload.problem = message


def process_pending_uploads() -> Processed:
    """Store (or refuse) every upload the browser completed, then remove abandoned ones."""
    stored = refused = 0
    pending = (
        UploadSession.objects.filter(_claimable(timezone.now()))
        .select_related("case", "uploaded_by")
        .order_by("completed_at", "id")
    )
    for upload in pending:
        status = process_upload(upload)
        stored += status == "stored"
        refused += status == "refused"
    return Processed(stored=stored, refused=refused, removed=remove_abandoned_uploads())


def remove_abandoned_uploads(now: datetime.datetime | None = None) -> int:
    """Remove sessions idle for a day (unless the worker still has to check them), their part
    files, and part files no session owns; return how many sessions went."""
    now = now or timezone.now()
    cutoff = now - ABANDONED_AFTER
    stale = (
        UploadSession.objects.filter(updated_at__lt=cutoff, document_version__isnull=True)
        .exclude(completed_at__isnull=False, problem="")
        .values_list("pk", "public_id")
    )
    removed = 0
    for pk, public_id in list(stale):
        # Conditional: a chunk that arrived meanwhile keeps the session alive.
        if UploadSession.objects.filter(pk=pk, updated_at__lt=cutoff).delete()[0]:
            removed += 1
            (parts_directory() / f"{public_id}.part").unlink(missing_ok=True)
    _remove_orphans(cutoff)
    return removed


def _remove_orphans(cutoff: datetime.datetime) -> None:
    """Part files of sessions gone (a case deleted, a crash between file and row); and the
    temporary files a killed request or store left (request bodies, ``.upload-*.part`` in the
    document folders), once untouched for an hour (``lib.datadir.sweep_temporary``)."""
    sweep_temporary(
        temporary_dir=Path(settings.FILE_UPLOAD_TEMP_DIR), media_root=Path(settings.MEDIA_ROOT)
    )
    known = {
        f"{public_id}.part"
        for public_id in UploadSession.objects.values_list("public_id", flat=True)
    }
    candidates = [p for p in parts_directory().glob("*.part") if p.name not in known]
    for path in candidates:
        try:
            old = path.stat().st_mtime < cutoff.timestamp()
        except FileNotFoundError:
            continue
        if old:
            path.unlink(missing_ok=True)
            logger.info("Removed the abandoned upload file %s", path)


def run_forever(
    stop: threading.Event, *, interval: float = 2.0, on_error: Callable[[Exception], None]
) -> None:
    """The worker loop: a pass, then a pause of ``interval`` when it found nothing to store."""

    def work() -> bool:
        done = process_pending_uploads()
        return bool(done.stored or done.refused)

    run_until_stopped(work, stop, interval=interval, on_error=on_error)
