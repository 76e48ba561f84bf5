"""Every change to a country profile goes through ``change_profile``: versioned and audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from rogatory.accounts.models import User
from rogatory.audit.actions import record

from .documents import apply_document, diff_documents, export_profile
from .models import CountryProfile, ProfileVersion


@transaction.atomic
def change_profile(
    profile: CountryProfile,
    *,
    acting_user: User,
    reason: str,
    change: Callable[[CountryProfile], Any],
) -> ProfileVersion | None:
    """Apply ``change`` to the profile and keep the result as a new version.

    Returns None, and stores nothing, when the change left the document as it was.
    """
    profile, _created = CountryProfile.objects.get_or_create(state_id=profile.state_id)
    profile = CountryProfile.objects.select_for_update().get(pk=profile.pk)
    before = export_profile(profile)
    change(profile)
    after = export_profile(profile)
    changes = diff_documents(before, after)
    if not changes:
        transaction.set_rollback(True)
        return None
    profile.version += 1
    profile.save(update_fields=["version", "updated_at"])
    after["version"] = profile.version
    version = ProfileVersion.objects.create(
        profile=profile,
        number=profile.version,
        actor_id=acting_user.pk,
        actor_name=acting_user.get_username(),
        reason=reason,
        document=after,
    )
    record(
        "directory.profile_changed",
        acting_user=acting_user,
        authority_id=acting_user.authority_id,
        object_type="country_profile",
        object_ref=profile.state_id,
        details={
            "version": version.number,
            "reason": reason,
            "changed": [c.path for c in changes][:50],
        },
    )
    return version


def import_profile(
    profile: CountryProfile, document: dict[str, Any], *, acting_user: User, reason: str
) -> ProfileVersion | None:
    """Replace the profile with a document already checked by ``validate_document``."""
    return change_profile(
        profile,
        acting_user=acting_user,
        reason=reason,
        change=lambda p: apply_document(p, document),
    )
