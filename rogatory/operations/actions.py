"""Audited writes of the operations app: a backup made, a restore finished."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr

from rogatory.audit.actions import record
from rogatory.exchange.models import MessagePart


@transaction.atomic
def do_record_backup(*, name: str, sha256: str, size: int, members: int, database: str) -> None:
    """Write the audit entry of a backup: it copies every authority's casework."""
    record(
        "operations.backup_made",
        acting_user=None,
        authority_id=None,
        object_type="backup",
        object_ref=name,
        details={"sha256": sha256, "size": size, "members": members, "database": database},
    )


@transaction.atomic
def do_finish_restore(
    *, name: str, sha256: str, header: dict[str, Any], old_data_dir: str, new_data_dir: str
) -> int:
    """Point the rows that keep an absolute path under the old DATA_DIR (received exchange
    files) at the new one, and audit the restore; return how many rows were moved."""
    moved = 0
    if old_data_dir and old_data_dir != new_data_dir:
        old, new = old_data_dir.rstrip("/") + "/", new_data_dir.rstrip("/") + "/"
        moved = MessagePart.objects.filter(stored_path__startswith=old).update(
            stored_path=Concat(Value(new), Substr("stored_path", len(old) + 1))
        )
    record(
        "operations.restored",
        acting_user=None,
        authority_id=None,
        object_type="backup",
        object_ref=name,
        details={
            "sha256": sha256,
            "backup_created_at": str(header.get("created_at", "")),
            "from_data_dir": old_data_dir,
            "paths_moved": moved,
        },
    )
    return moved
