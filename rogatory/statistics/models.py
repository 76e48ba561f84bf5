"""Consent of an authority to count in the hub's aggregate statistics (decision 0044).

A hub is one installation serving several authorities. Each authority decides for itself
whether its requests count in the figures across the hub; the decision is recorded with who
took it and when, audited, and revocable. A revoked consent stays as a record (revoked_at):
the history of who agreed when is itself a record a ministry may be asked for.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
