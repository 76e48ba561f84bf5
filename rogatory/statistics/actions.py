"""Writes of the statistics app, each with its audit entry: what an authority publishes
(decision 0042), its consent to the hub's figures (decision 0044)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rogatory.accounts.models import Authority, Role, User
from rogatory.audit.actions import record
from rogatory.lib.validators import InputRefused, date_problem

from .models import HubConsent, PublicStatistics, PublishedTable


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


# --- Consent to the hub's statistics (decision 0044) ------------------------------------------


class ConsentRefused(InputRefused):
    """The consent cannot be changed by this person or in this state (``message`` says why)."""


def _authority_admin(user: User) -> int:
    """The authority ``user`` administers: consent is only ever given for one's own."""
    if user.role != Role.AUTHORITY_ADMIN or user.authority_id is None:
        raise ConsentRefused(
            _("Only an administrator of the authority can give or revoke its consent.")
        )
    return user.authority_id


@transaction.atomic
def do_give_hub_consent(*, acting_user: User) -> HubConsent:
    """Let the acting administrator's authority count in the figures across the hub."""
    authority_id = _authority_admin(acting_user)
    if HubConsent.objects.in_force().select_for_update().filter(authority_id=authority_id):
        raise ConsentRefused(_("Your authority already takes part in the hub's statistics."))
    consent = HubConsent.objects.create(
        authority_id=authority_id,
        given_at=timezone.now(),
        given_by=acting_user,
        given_by_name=acting_user.get_username(),
    )
    record(
        "statistics.hub_consent_given",
        acting_user=acting_user,
        authority_id=authority_id,
        object_type="hub_consent",
        object_ref=str(consent.pk),
    )
    return consent


@transaction.atomic
def do_revoke_hub_consent(*, acting_user: User) -> HubConsent:
    """Take the acting administrator's authority out of the figures across the hub."""
    authority_id = _authority_admin(acting_user)
    consent = (
        HubConsent.objects.in_force().select_for_update().filter(authority_id=authority_id).first()
    )
    if consent is None:
        raise ConsentRefused(_("Your authority does not take part in the hub's statistics."))
    consent.revoked_at = timezone.now()
    consent.revoked_by = acting_user
    consent.revoked_by_name = acting_user.get_username()
    consent.save(update_fields=["revoked_at", "revoked_by", "revoked_by_name"])
    record(
        "statistics.hub_consent_revoked",
        acting_user=acting_user,
        authority_id=authority_id,
        object_type="hub_consent",
        object_ref=str(consent.pk),
    )
    return consent
