"""The access log: entries MACed under a key outside the database, sealed into the chain;
verify_audit finds an entry altered, forged, or deleted after its seal (decision 0020)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from rogatory.audit.accesslog import SEAL_ACTION, log_access, seal_access_log, verify_access_log
from rogatory.audit.models import AccessEntry, AppendOnlyError, AuditChainHead, AuditEntry
from rogatory.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def read(n: int) -> list[AccessEntry]:
    return [
        log_access(
            "case.viewed",
            acting_user=None,
            authority_id=7,
            object_type="case",
            object_ref=f"case-{i}",
            details={"reference": f"R/{i}"},
        )
        for i in range(n)
    ]


def sql(statement: str, *params: Any) -> None:
    table = connection.ops.quote_name(AccessEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(statement.format(table=table), params)


def later() -> dt.datetime:
    """A time past the seal's grace period."""
    return timezone.now() + dt.timedelta(hours=1)


def test_logging_a_read_takes_no_chain_lock_and_writes_no_audit_entry(
    django_assert_num_queries: object,
) -> None:
    read(1)  # the key file is made on first use
    with django_assert_num_queries(1):  # type: ignore[operator]
        read(1)
    assert not AuditEntry.objects.exists()
    assert AuditChainHead.objects.get().sequence == 0
    result = verify_access_log()
    assert result.ok and (result.entries, result.sealed) == (2, 0)


def test_an_altered_entry_is_found() -> None:
    entries = read(3)
    sql("UPDATE {table} SET actor_name = %s WHERE id = %s", "someone-else", entries[1].id)
    result = verify_access_log()
    assert not result.ok and f"entry {entries[1].id} was altered" in str(result.problem)


def test_an_entry_forged_without_the_key_is_found() -> None:
    entries = read(1)
    sql(
        "INSERT INTO {table} (created_at, authority_id, actor_id, actor_name, action, "
        "object_type, object_ref, details, key_id, mac) VALUES "
        "(%s, 7, NULL, 'ghost', 'case.viewed', 'case', 'x', '{{}}', %s, %s)",
        timezone.now(),
        entries[0].key_id,
        "0" * 64,
    )
    assert "altered or forged" in str(verify_access_log().problem)


def test_a_sealed_entry_deleted_is_found(settings: Any) -> None:
    entries = read(4)
    seal = seal_access_log(now=later())
    assert seal is not None and seal.action == SEAL_ACTION
    assert seal.details["count"] == 4 and seal.details["after_id"] == 0
    assert verify_access_log().sealed == 4
    # Deleting a whole entry leaves every remaining MAC intact: only the seal tells.
    sql("DELETE FROM {table} WHERE id = %s", entries[2].id)
    result = verify_access_log()
    assert not result.ok
    assert "were deleted or added: 4 were sealed, 3 are there now" in str(result.problem)
    with pytest.raises(CommandError, match="Access log broken"):
        call_command("verify_audit", stdout=StringIO())


def test_seals_follow_each_other_and_leave_young_entries_for_the_next() -> None:
    read(2)
    assert seal_access_log(now=later()) is not None
    assert seal_access_log(now=later()) is None  # nothing new
    read(1)
    # Within the grace period: an INSERT with a lower id might still be committing.
    assert seal_access_log() is None
    second = seal_access_log(now=later())
    assert second is not None and second.details["count"] == 1
    assert second.details["after_id"] == AuditEntry.objects.get(sequence=1).details["last_id"]
    result = verify_access_log()
    assert result.ok and (result.entries, result.sealed) == (3, 3)
    assert verify_chain().ok


def test_an_entry_with_an_unknown_key_is_found(settings: Any) -> None:
    read(1)
    # The key file replaced (or lost): old entries no longer verify, and say why.
    Path(settings.AUDIT_ACCESS_LOG_KEY_FILE).write_text("ab" * 32 + "\n")
    assert "a key this installation does not have" in str(verify_access_log().problem)


def test_a_rotated_key_still_verifies_older_entries(settings: Any) -> None:
    read(1)
    path = Path(settings.AUDIT_ACCESS_LOG_KEY_FILE)
    path.write_text("cd" * 32 + "\n" + path.read_text())
    newer = read(1)[0]
    assert AccessEntry.objects.order_by("id")[0].key_id != newer.key_id
    assert verify_access_log().ok


def test_entries_cannot_be_changed_or_deleted_through_the_orm() -> None:
    entry = read(1)[0]
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AccessEntry.objects.update(actor_name="x")


def test_verify_audit_reports_the_access_log() -> None:
    read(2)
    seal_access_log(now=later())
    read(1)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "Access log intact: 3 entries, 2 of them sealed." in out.getvalue()


def test_verification_does_not_replace_a_lost_key(settings: Any) -> None:
    read(1)
    path = Path(settings.AUDIT_ACCESS_LOG_KEY_FILE)
    path.unlink()
    assert "a key this installation does not have" in str(verify_access_log().problem)
    assert not path.exists()
    assert verify_access_log().problem is not None
