"""The audit trail: one append-only entry per action that changes data that matters.

Entries copy the actor's id and name so they outlive the user. Case management will chain
entries by hash (see docs/decisions/0004-tenancy-and-access.md).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def for_authority(self, authority_id: int) -> AuditEntryQuerySet:
        return self.filter(authority_id=authority_id)


class AuditEntry(models.Model):
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    # The tenant the entry belongs to; kept as a plain id so entries survive the authority.
    authority_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_name = models.CharField(_("who"), max_length=150, blank=True)
    # Dotted verb, e.g. "member.created", "member.role_changed".
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(max_length=60)
    object_ref = models.CharField(max_length=100)
    # What changed, as {"field": [old, new]} or free details.
    details = models.JSONField(default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_ref}"
