"""Resumable uploads of large files from the browser, before they become a document."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rogatory.cases.choices import DocumentKind

from .case import Case
from .documents import DocumentVersion


class UploadSession(models.Model):
    """A file arriving in chunks; the worker checks and stores it once every byte is here.

    The bytes so far live in ``DATA_DIR/uploads/<public_id>.part`` (not under MEDIA_ROOT: they
    are unchecked). A session is finished when it has a ``document_version`` or a ``problem``.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="upload_sessions")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    original_name = models.CharField(_("file name"), max_length=255)
    # What the browser announced; the file is refused unless it has exactly this many bytes.
    size = models.PositiveBigIntegerField(_("size"))
    # Optional checksum the officer typed in (lower-case hex); checked by the worker.
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    # Bytes written and flushed to the part file: the offset the next chunk must start at.
    received = models.PositiveBigIntegerField(default=0)
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind of document"), max_length=20, choices=DocumentKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # Moved by every chunk: a session untouched for a day (and not waiting for the worker)
    # is abandoned and removed.
    updated_at = models.DateTimeField(auto_now=True)
    # When the browser said every byte was sent; from then on the worker owns the file.
    completed_at = models.DateTimeField(null=True, blank=True)
    # When a worker (or the request, for small files) took it; a claim older than an hour is
    # a worker that died and may be taken over.
    claimed_at = models.DateTimeField(null=True, blank=True)
    document_version = models.ForeignKey(
        DocumentVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Why the checks refused the file (translated when it was refused), shown to the officer.
    problem = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        indexes = [models.Index(fields=["completed_at", "document_version"])]

    def __str__(self) -> str:
        return self.original_name

    @property
    def status(self) -> str:
        """Where the file is: uploading, processing (waiting for the checks), stored, refused."""
        if self.document_version_id:
            return "stored"
        if self.problem:
            return "refused"
        if self.completed_at:
            return "processing"
        return "uploading"
