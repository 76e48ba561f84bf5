"""Models of the statistics app: report runs and snapshots (decision 0041), what an authority
publishes (decision 0042), consent to the hub's figures (decision 0044)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rogatory.accounts.models import Authority

# --- Reports (decision 0041) -----------------------------------------------------------------


def reports_dir() -> Path:
    """Where report files live: ``DATA_DIR/reports`` (runs/ and snapshots/ under it)."""
    return Path(settings.DATA_DIR) / "reports"


class ReportRun(models.Model):
    """One report asked for: a layout, a period, a language; written inline or by the worker
    (``manage.py generate_reports --loop``). Its files are ``DATA_DIR/reports/runs/<id>/``."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("being written")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    # Removing a person removes the reports he asked for; those sent stay (snapshots).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # The layout's id (the name of its file without ".toml").
    layout = models.CharField(max_length=100)
    start = models.DateField()
    end = models.DateField()
    # The day the report was asked for: open requests are aged as of that day.
    as_of = models.DateField()
    # The reader's language at the time: every text of the report is written in it.
    language = models.CharField(max_length=10)
    # Small cells suppressed (a report meant to leave the authority), with this threshold.
    suppression_threshold = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    # The layout file (TOML) as it was when the report was written: a snapshot keeps it.
    layout_source = models.TextField(blank=True)
    # The report as JSON (reports/document.py): what the page shows and the files hold.
    document = models.JSONField(null=True, blank=True)
    # Names of the files written, by format ("pdf", "xlsx").
    files = models.JSONField(default=dict, blank=True)
    # Why it failed, for its reader (translated when written); the log has the details.
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="statistics_run_status")]
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")

    def __str__(self) -> str:
        return f"{self.layout} {self.start}–{self.end} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("report_run", args=[self.public_id])

    def folder(self) -> Path:
        return reports_dir() / "runs" / str(self.public_id)

    @property
    def suppressed(self) -> bool:
        return self.suppression_threshold is not None


class ReportSnapshot(models.Model):
    """A report marked as sent: its files, figures, layout and hashes, kept as they were.

    Never regenerated and never changed (``save`` refuses an update); its files are
    ``DATA_DIR/reports/snapshots/<id>/``, copied from the run when it was marked as sent.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    run = models.OneToOneField(
        ReportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="snapshot"
    )
    layout_id = models.CharField(max_length=100)
    # The layout file as it was (TOML text) and parsed (JSON).
    layout_source = models.TextField()
    layout = models.JSONField()
    start = models.DateField()
    end = models.DateField()
    as_of = models.DateField()
    language = models.CharField(max_length=10)
    suppression_threshold = models.PositiveSmallIntegerField()
    document = models.JSONField()
    # {"pdf": {"name": ..., "sha256": ..., "size": ...}, "xlsx": {...}, "json": {...}}
    files = models.JSONField()
    # The day it was sent, and to whom (as the person marking it wrote).
    sent_on = models.DateField()
    sent_to = models.CharField(max_length=300, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = _("report sent")
        verbose_name_plural = _("reports sent")

    def __str__(self) -> str:
        return f"{self.layout_id} {self.start}–{self.end} sent {self.sent_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("A report sent is a frozen snapshot and cannot be changed.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("report_snapshot", args=[self.public_id])

    def folder(self) -> Path:
        return reports_dir() / "snapshots" / str(self.public_id)


# --- end of reports --------------------------------------------------------------------------


# --- Public statistics (decision 0042) ------------------------------------------------------


class PublishedTable(models.TextChoices):
    """The tables an authority may publish: counts only (no durations from a handful of
    requests, no completeness report), each a key of ``figures.Table``; and the SDMX data set."""

    KINDS = "kinds", _("Requests by kind")
    STATES = "states", _("Requests by other state")
    REGIONS = "regions", _("Requests by M49 region")
    SUBREGIONS = "subregions", _("Requests by M49 sub-region")
    LEGAL_BASIS = "legal_basis", _("Requests by legal basis")
    ICCS_SECTIONS = "iccs_sections", _("Requests by ICCS section")
    ICCS_CODES = "iccs_codes", _("Requests by ICCS code")
    CHANNELS = "channels", _("Requests by channel")
    URGENCY = "urgency", _("Requests by urgency")
    MEASURES = "measures", _("Measures sought and executed")
    REFUSALS = "refusals", _("Requests refused, by ground")
    MEASURE_REFUSALS = "measure_refusals", _("Measures refused, by ground")
    POSTPONEMENTS = "postponements", _("Postponements of execution")
    BACKLOG = "backlog", _("Backlog and its age")
    SDMX = "sdmx", _("SDMX data set (requests by state, kind, ICCS code and outcome)")


class PublicStatistics(models.Model):
    """The aggregate tables an authority publishes on its public statistics page, if any.

    No row, or a row with no table, publishes nothing (the public page is then a 404). Changed
    only through ``actions.do_set_public_statistics``, which writes the audit entry.
    """

    authority = models.OneToOneField(
        "accounts.Authority",
        on_delete=models.CASCADE,
        related_name="public_statistics",
        verbose_name=_("authority"),
    )
    # Values of PublishedTable, in that order.
    tables = models.JSONField(_("tables published"), default=list, blank=True)
    # The page is public from this day on (it may be set ahead of time).
    published_from = models.DateField(_("published from"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided on"))

    class Meta:
        verbose_name = _("public statistics")
        verbose_name_plural = _("public statistics")

    def __str__(self) -> str:
        return f"{self.authority_id}: {', '.join(self.tables) or '-'}"


# --- Consent to the hub's statistics (decision 0044) ------------------------------------------


class HubConsentQuerySet(models.QuerySet["HubConsent"]):
    def in_force(self) -> HubConsentQuerySet:
        return self.filter(revoked_at__isnull=True)


class HubConsent(models.Model):
    """An authority's agreement that its figures count in the statistics across the hub."""

    authority = models.ForeignKey(
        "accounts.Authority", on_delete=models.CASCADE, related_name="hub_consents"
    )
    given_at = models.DateTimeField(_("given at"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Copied so the record outlives the account.
    given_by_name = models.CharField(_("given by"), max_length=150)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_by_name = models.CharField(_("revoked by"), max_length=150, blank=True)

    objects = HubConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at", "-id"]
        verbose_name = _("consent to hub statistics")
        verbose_name_plural = _("consents to hub statistics")
        constraints = [
            # At most one consent in force per authority.
            models.UniqueConstraint(
                fields=["authority"],
                condition=Q(revoked_at__isnull=True),
                name="hub_consent_one_in_force",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.authority_id} {self.given_at:%Y-%m-%d} {'revoked' if self.revoked_at else ''}"
        )


# --- The monthly summary of additive figures (decision 0046) ---------------------------------


class MonthlyFact(models.Model):
    """One count of one authority's requests started (or disposed of) in one month: by ``fact``
    (what a table counts: "kind", "state", "iccs_code", …), ``key`` (the value counted) and the
    requests' direction. Written only by ``statistics.facts.refresh``, from the records."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    # The first day of the month.
    month = models.DateField()
    fact = models.CharField(max_length=20)
    key = models.CharField(max_length=100, blank=True)
    direction = models.CharField(max_length=10)
    n1 = models.PositiveIntegerField(default=0)
    n2 = models.PositiveIntegerField(default=0)
    n3 = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["authority", "month"],
                include=["fact", "key", "direction", "n1", "n2", "n3"],
                name="monthly_fact_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.authority_id} {self.month:%Y-%m} {self.fact} {self.key} {self.direction}"


class StaleMonth(models.Model):
    """A month of an authority whose ``MonthlyFact`` rows a change of the records has left
    behind; written by database triggers (migration 0004), removed by ``facts.refresh``.

    A plain number, not a foreign key: the triggers write it inside the changing statement,
    and an authority being deleted takes its summary with it, marks left over are harmless."""

    authority_id = models.BigIntegerField()
    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["authority_id", "month"], name="stale_month_once")
        ]

    def __str__(self) -> str:
        return f"{self.authority_id} {self.month:%Y-%m}"
