"""Write audit entries; called by every action that changes data that matters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from .chain import entry_hash, hashed_fields, normalise_details
from .models import AuditChainHead, AuditEntry

if TYPE_CHECKING:
    from rogatory.accounts.models import User

HEAD_ID = 1


class ChainHeadMissing(RuntimeError):
    """Raised when entries exist but the chain head row does not: nothing is appended."""


@transaction.atomic
def record(
    action: str,
    *,
    acting_user: User | None,
    authority_id: int | None,
    object_type: str,
    object_ref: str,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry to the hash chain and return it; the only way to write an entry.

    The chain head stays locked until the caller's transaction ends, so audited actions are
    serialised from here on: call record() last in an action. ``details`` must be plain JSON
    (ValueError otherwise).
    """
    # Every hashed value gets the type the database gives back (a str for a CharField, lists
    # for tuples in details, ...), so the hash verifies when the entry is read again. Bad
    # details fail here, before the lock.
    actor_id = acting_user.pk if acting_user else None
    # How the actor came in when it was not a browser session, e.g. {"api_token": "<public
    # id>"} set on the user by the API's token check (accounts/tokens.py).
    via = getattr(acting_user, "audit_via", None)
    if via:
        details = {**(details or {}), "via": via}
    entry = AuditEntry(
        authority_id=int(authority_id) if authority_id is not None else None,
        actor_id=int(actor_id) if actor_id is not None else None,
        actor_name=str(acting_user.get_username()) if acting_user else "system",
        action=str(action),
        object_type=str(object_type),
        object_ref=str(object_ref),
        details=normalise_details(details or {}),
    )
    head = _lock_chain_head()
    entry.sequence = head.sequence + 1
    entry.prev_hash = head.hash
    # Taken under the lock, so timestamps follow the chain order.
    entry.created_at = timezone.now()
    entry.hash = entry_hash(hashed_fields(entry))
    entry._append()
    head.sequence, head.hash = entry.sequence, entry.hash
    head.save(update_fields=["sequence", "hash"])
    return entry


def _lock_chain_head() -> AuditChainHead:
    heads = AuditChainHead.objects.select_for_update()
    try:
        return heads.get(pk=HEAD_ID)
    except AuditChainHead.DoesNotExist:
        pass
    # The migration creates the head; a flushed database (transactional tests) has none.
    # Recreating it over existing entries would hide a truncated trail, so refuse.
    if AuditEntry.objects.exists():
        raise ChainHeadMissing(
            "The audit chain head is missing although entries exist; run "
            "'manage.py verify_audit' and restore the head before recording anything."
        )
    AuditChainHead.objects.get_or_create(pk=HEAD_ID)
    return heads.get(pk=HEAD_ID)
