"""What happened to a case: its history, status requests (art. 18(24)) and reminders."""

from __future__ import annotations

import uuid

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rogatory.cases.choices import (
    FINAL_STATUSES,
    EventKind,
    FollowUpDirection,
    RefusalGround,
    Status,
)

from .case import Case, Measure


class CaseEvent(models.Model):
    """One line of a case's history, shown on the case page and counted by the dashboard.

    The tamper-evident record is the audit trail (``audit.AuditEntry``); this is the readable
    history, kept with the case.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("when"))
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    # Copied so the history outlives the user account.
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_name = models.CharField(_("who"), max_length=150, blank=True)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    refusal_ground = models.CharField(max_length=30, choices=RefusalGround.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["case", "-at"], name="event_case_time"),
            # The first change to a final status of each request: the rule of the disposition
            # day (cases.stats.disposition_day) reads it when do_transition writes
            # Case.disposed_on and in the backfill. Partial, so it holds one or two entries per
            # request instead of every event (decision 0044).
            models.Index(
                fields=["case", "at"],
                name="event_final_transition",
                condition=models.Q(kind=EventKind.TRANSITION, to_status__in=sorted(FINAL_STATUSES)),
            ),
            # The postponements of a period (statistics/figures.postponements): a few entries
            # per thousand events, read by time instead of the whole history (decision 0046).
            models.Index(
                fields=["at", "case"],
                name="event_postponement",
                condition=models.Q(kind=EventKind.TRANSITION, to_status=Status.POSTPONED),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.kind} {self.to_status}"

    def describe(self) -> str:
        """What the event changed, in words, for the history on the case page."""
        from rogatory.cases.choices import MeasureStatus, MeasureType

        def measure(value: object) -> str:
            return str(dict(MeasureType.choices).get(str(value), value))

        def status(value: object) -> str:
            return str(dict(MeasureStatus.choices).get(str(value), value))

        details = self.details or {}
        if self.kind == EventKind.APPROVAL and "step" in details:
            steps = {
                "finalised": gettext("version %(number)s finalised (%(language)s)"),
                "returned": gettext("version %(number)s returned to its drafter"),
                "approved": gettext("version %(number)s approved"),
                "sent": gettext("version %(number)s recorded as sent"),
            }
            if details.get("on_behalf_of"):
                # A delegate decided for the supervisor the version was submitted to (0026).
                steps |= {
                    "returned": gettext(
                        "version %(number)s returned to its drafter by %(by)s "
                        "on behalf of %(principal)s"
                    ),
                    "approved": gettext(
                        "version %(number)s approved by %(by)s on behalf of %(principal)s"
                    ),
                }
            template = steps.get(str(details["step"]), "%(number)s")
            return template % {
                "by": details.get("by", ""),
                "principal": details.get("on_behalf_of", ""),
                "number": details.get("version", ""),
                "language": details.get("language", ""),
            }
        if "status" in details and "measure" in details:
            before, after = details["status"]
            return f"{measure(details['measure'])}: {status(before)} → {status(after)}"
        if self.kind == EventKind.MEASURE and "added" in details:
            return gettext("added: %(what)s") % {"what": measure(details["added"])}
        if "deadline" in details:
            return gettext("deadline: %(day)s") % {"day": details["deadline"] or "—"}
        if "added" in details:
            return gettext("added: %(what)s") % {"what": details["added"]}
        if "removed" in details:
            return gettext("removed: %(what)s") % {"what": details["removed"]}
        if "to" in details:
            return str(details["to"])
        if "officer" in details:
            return str(details["officer"] or "—")
        if "fields" in details:
            changes = details.get("changes") or {}
            parts = []
            for name in details["fields"]:
                label = _field_label(name)
                if name in changes:
                    old, new = changes[name]
                    parts.append(f"{label}: {_value(old)} → {_value(new)}")
                else:
                    parts.append(label)
            return "; ".join(parts)
        return ""


def _field_label(name: str) -> str:
    """A case field's name as people read it ("Summary of the facts", not summary_of_facts)."""
    try:
        label = str(getattr(Case._meta.get_field(name.removesuffix("_id")), "verbose_name", name))
    except FieldDoesNotExist:
        return name
    return label[:1].upper() + label[1:]


def _value(value: object) -> str:
    return "—" if value in (None, "", []) else f"“{value}”"


class FollowUp(models.Model):
    """A request for information on progress (art. 18(24)) and the answer to it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    direction = models.CharField(_("direction"), max_length=20, choices=FollowUpDirection.choices)
    asked_on = models.DateField(_("asked on"))
    question = models.TextField(_("what was asked"))
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    recorded_by_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-asked_on", "-id"]
        verbose_name = _("status request")
        verbose_name_plural = _("status requests")

    def __str__(self) -> str:
        return f"{self.asked_on} {self.direction}"


class Reminder(models.Model):
    """An in-app (and e-mailed) reminder that something of a case falls due or is overdue."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")
        ACKNOWLEDGE = "acknowledge", _("Receipt not yet acknowledged")
        FOLLOW_UP = "follow_up", _("Status request not yet answered")
        # A message sent through the secure exchange has no delivery or retrieval evidence
        # within its timeout (e-CODEX's 24 h / 36 h by default).
        EVIDENCE_MISSING = "evidence_missing", _("Message not yet delivered or opened")
        # A freezing or seizure order on an asset lapses soon (rogatory.assets).
        ASSET_ORDER_EXPIRING = "asset_order_expiring", _("Asset order about to lapse")

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="reminders")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reminders")
    measure = models.ForeignKey(
        Measure, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # "case", or the measure's or status request's public id: NULLs are never equal in a
    # unique constraint, so the item is named by a string.
    item = models.CharField(max_length=40, default="case")
    due_on = models.DateField(_("due on"))
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            # One reminder of a kind per user, item and due date: the daily run is idempotent.
            models.UniqueConstraint(
                fields=["user", "case", "item", "kind", "due_on"], name="unique_reminder"
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="reminder_unread")]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_on}"
