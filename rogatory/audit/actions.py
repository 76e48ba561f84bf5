"""Write audit entries; called by every action that changes data that matters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .models import AuditEntry

if TYPE_CHECKING:
    from rogatory.accounts.models import User


def record(
    action: str,
    *,
    acting_user: User | None,
    authority_id: int | None,
    object_type: str,
    object_ref: str,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        action=action,
        actor_id=acting_user.pk if acting_user else None,
        actor_name=acting_user.get_username() if acting_user else "system",
        authority_id=authority_id,
        object_type=object_type,
        object_ref=object_ref,
        details=details or {},
    )
