"""Giving and revoking an authority's consent to the hub's statistics (decision 0044)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rogatory.accounts.models import Role, User
from rogatory.audit.actions import record
from rogatory.lib.validators import InputRefused

from .models import HubConsent


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
