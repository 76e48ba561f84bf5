"""Large case exports, written by the worker rather than in a web request."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rogatory.accounts.models import Authority


class CaseExport(models.Model):
    """The case list as one person filtered it, as a file the worker writes (cases/exports.py).

    Only the person who asked may see it or download it: what an export holds depends on what
    that person may see (strictly confidential requests). The file lives in
    ``DATA_DIR/exports/<public_id>.<format>`` and is removed a day after it is ready.
    """

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel"

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("being written")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    format = models.CharField(max_length=4, choices=Format.choices)
    # The case-list parameters (CaseFilters.as_params) the export was asked with.
    filters = models.JSONField(default=dict)
    # The day the export was asked for: "overdue" is computed as of that day.
    day = models.DateField()
    # The interface language at the time: labels and headings are written in it.
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Rows to write (counted when asked) and written so far: the progress shown.
    total_rows = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Why writing failed (for the operator's log; the person sees "failed").
    problem = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="cases_export_status")]
        verbose_name = _("case export")
        verbose_name_plural = _("case exports")

    def __str__(self) -> str:
        return f"{self.format} {self.public_id}"

    def get_absolute_url(self) -> str:
        return reverse("case_export_status", args=[self.public_id])

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, 100 * self.rows_written // self.total_rows)

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def file_path(self) -> Path:
        return Path(settings.DATA_DIR) / "exports" / f"{self.public_id}.{self.format}"

    def file_name(self) -> str:
        return f"requests-{self.day.isoformat()}.{self.format}"
