"""Writing a person's notification settings (their own only), audited."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.db import transaction

from rogatory.accounts.models import User
from rogatory.audit.actions import record

from .models import DEFAULTS, Delivery, Event, NotificationPreference


@transaction.atomic
def do_set_notification_preferences(
    *, language: str, deliveries: Mapping[str, str], acting_user: User
) -> dict[str, list[str]]:
    """Set the acting user's language and how they hear of each event; return what changed
    (``{name: [before, after]}``). A choice equal to the default keeps no row."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unknown language {language!r}.")
    user = User.objects.select_for_update().get(pk=acting_user.pk)
    changes: dict[str, list[str]] = {}
    if user.language != language:
        changes["language"] = [user.language, language]
        user.language = language
        user.save(update_fields=["language"])
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("event", "delivery"))
    for event, delivery in deliveries.items():
        if event not in Event.values or delivery not in Delivery.values:
            raise ValueError(f"Unknown event or delivery {event!r}: {delivery!r}.")
        before = chosen.get(event, DEFAULTS[event])
        if before == delivery:
            continue
        changes[event] = [before, delivery]
        if delivery == DEFAULTS[event]:
            NotificationPreference.objects.filter(user=user, event=event).delete()
        else:
            NotificationPreference.objects.update_or_create(
                user=user, event=event, defaults={"delivery": delivery}
            )
    if changes:
        record(
            "account.notifications_changed",
            acting_user=acting_user,
            authority_id=user.authority_id,
            object_type="user",
            object_ref=str(user.public_id),
            details={"changes": changes},
        )
    acting_user.language = language
    return changes
