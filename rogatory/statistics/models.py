"""What an authority chooses to publish of its statistics (decision 0042)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
