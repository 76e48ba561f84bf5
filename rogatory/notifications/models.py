"""What each person wants to hear about and how, and what waits for their daily digest."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rogatory.cases.models import Case, Reminder


class Event(models.TextChoices):
    """What happened that a person may be told of; in-app (the work inbox) is always on."""

    APPROVAL_REQUESTED = "approval_requested", _("A request awaits my approval")
    RETURNED = "returned", _("My request was returned with remarks")
    APPROVED = "approved", _("My request was approved")
    ASSIGNED = "assigned", _("A request was assigned to me")
    EXCHANGE_RECEIVED = (
        "exchange_received",
        _("A message from the other state was filed on my request"),
    )
    OVERDUE = "overdue", _("Reminder: a deadline has passed")
    DUE_SOON = "due_soon", _("Reminder: a deadline is near")
    ACKNOWLEDGE = "acknowledge", _("Reminder: a receipt is still to be acknowledged")
    FOLLOW_UP = "follow_up", _("Reminder: a status request is still to be answered")
    EVIDENCE_MISSING = (
        "evidence_missing",
        _("Reminder: a message sent was not yet delivered or opened"),
    )
    ASSET_ORDER_EXPIRING = (
        "asset_order_expiring",
        _("Reminder: a freezing or seizure order is about to lapse"),
    )


class Delivery(models.TextChoices):
    AT_ONCE = "at_once", _("E-mail at once")
    DIGEST = "digest", _("In the daily digest")
    NONE = "none", _("Not by e-mail")


# The reminder kind each reminder event stands for (the reminders themselves are found by
# cases.reminders, once a day and whenever the reminders page opens).
REMINDER_EVENTS: dict[str, str] = {
    Event.OVERDUE: Reminder.Kind.OVERDUE,
    Event.DUE_SOON: Reminder.Kind.DUE_SOON,
    Event.ACKNOWLEDGE: Reminder.Kind.ACKNOWLEDGE,
    Event.FOLLOW_UP: Reminder.Kind.FOLLOW_UP,
    Event.EVIDENCE_MISSING: Reminder.Kind.EVIDENCE_MISSING,
    Event.ASSET_ORDER_EXPIRING: Reminder.Kind.ASSET_ORDER_EXPIRING,
}

# Without a choice of the person's own: what someone must act on soon comes at once, what
# only needs watching comes once a day.
DEFAULTS: dict[str, str] = {
    Event.APPROVAL_REQUESTED: Delivery.AT_ONCE,
    Event.RETURNED: Delivery.AT_ONCE,
    Event.APPROVED: Delivery.AT_ONCE,
    Event.ASSIGNED: Delivery.AT_ONCE,
    Event.EXCHANGE_RECEIVED: Delivery.DIGEST,
    Event.OVERDUE: Delivery.DIGEST,
    Event.DUE_SOON: Delivery.DIGEST,
    Event.ACKNOWLEDGE: Delivery.DIGEST,
    Event.FOLLOW_UP: Delivery.DIGEST,
    Event.EVIDENCE_MISSING: Delivery.DIGEST,
    Event.ASSET_ORDER_EXPIRING: Delivery.DIGEST,
}


class NotificationPreference(models.Model):
    """A person's choice for one kind of event; no row means the default (DEFAULTS)."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notification_preferences"
    )
    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    delivery = models.CharField(_("by e-mail"), max_length=10, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="one_preference_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.event}: {self.delivery}"


class PendingNotification(models.Model):
    """An event kept for its person's next daily digest (counted there, with a link)."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="pending_notifications"
    )
    event = models.CharField(max_length=30, choices=Event.choices)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when a digest counted it; never counted twice.
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "digested_at"], name="pending_by_user"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.created_at:%Y-%m-%d}"


class Digest(models.Model):
    """One daily digest sent to one person: a second run the same day sends them nothing."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="digests")
    day = models.DateField()
    sent_at = models.DateTimeField()
    # What it said: the count per event, for the record.
    counts = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_a_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"
