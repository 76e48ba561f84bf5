"""Reminders of freezing and seizure orders about to lapse (a source for cases.reminders).

An order that lapses unnoticed frees the asset: the responsible officer and the supervisors
are reminded when the expiry falls within the authority's ``remind_before`` working days,
and every day after it has passed while the asset is still recorded as frozen or seized.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from rogatory.accounts.models import Authority
from rogatory.cases.models import Reminder

from .choices import SECURED_STAGES
from .models import Asset


def authorities_with_orders() -> QuerySet[Any]:
    """Authorities with a freezing or seizure order in force, on an open request or a closed
    one (for cases.reminders.REMINDER_AUTHORITIES)."""
    return (
        Asset.objects.filter(stage__in=SECURED_STAGES, order_expires_on__isnull=False)
        .order_by()
        .values("authority_id")
    )


def orders_about_to_lapse(
    authority: Authority, today: datetime.date, soon_until: datetime.date
) -> Iterator[tuple[int, int | None, dict[str, Any]]]:
    rows = Asset.objects.filter(
        authority=authority,
        stage__in=SECURED_STAGES,
        order_expires_on__lte=soon_until,
    ).values_list("public_id", "case_id", "case__officer_id", "order_expires_on")
    for public_id, case_id, officer_id, expires_on in rows.iterator(chunk_size=2_000):
        yield (
            case_id,
            officer_id,
            {
                "kind": Reminder.Kind.ASSET_ORDER_EXPIRING,
                "item": str(public_id),
                "due_on": expires_on,
            },
        )
