"""Writes of the statistics app, each with its audit entry."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rogatory.accounts.models import Authority, User
from rogatory.audit.actions import record
from rogatory.lib.validators import InputRefused, date_problem

from .models import PublicStatistics, PublishedTable


@transaction.atomic
def do_set_public_statistics(
    authority: Authority,
    *,
    tables: Iterable[str],
    published_from: datetime.date,
    acting_user: User,
) -> PublicStatistics:
    """Record which tables ``authority`` publishes, from which day; none publishes nothing."""
    chosen = set(tables)
    unknown = chosen - set(PublishedTable.values)
    if unknown:
        raise InputRefused(
            _("These tables cannot be published: %(tables)s.")
            % {"tables": ", ".join(sorted(unknown))}
        )
    if problem := date_problem(published_from):
        raise InputRefused(problem)
    ordered = [value for value in PublishedTable.values if value in chosen]
    settings, _created = PublicStatistics.objects.select_for_update(of=("self",)).get_or_create(
        authority=authority,
        defaults={
            "published_from": published_from,
            "decided_at": timezone.now(),
            "decided_by": acting_user,
        },
    )
    settings.tables = ordered
    settings.published_from = published_from
    settings.decided_by = acting_user
    settings.decided_at = timezone.now()
    settings.save(update_fields=["tables", "published_from", "decided_by", "decided_at"])
    record(
        "statistics.public_changed",
        acting_user=acting_user,
        authority_id=authority.pk,
        object_type="public_statistics",
        object_ref=authority.code,
        details={"tables": ordered, "published_from": published_from.isoformat()},
    )
    return settings
