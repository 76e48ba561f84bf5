"""The audit trail is one hash chain: record() appends, verify_chain() finds the first break."""

from __future__ import annotations

import itertools
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from conftest import Personas
from rogatory.accounts.models import User
from rogatory.audit.actions import ChainHeadMissing, record
from rogatory.audit.chain import GENESIS_HASH, ProblemKind, entry_hash, hashed_fields
from rogatory.audit.models import AppendOnlyError, AuditChainHead, AuditEntry
from rogatory.audit.verify import ChainVerification, verify_chain

pytestmark = pytest.mark.django_db


def write(n: int, user: User | None = None, **details: Any) -> list[AuditEntry]:
    return [
        record(
            "thing.changed",
            acting_user=user,
            authority_id=user.authority_id if user else None,
            object_type="thing",
            object_ref=f"thing-{i}",
            details={"step": i, **details},
        )
        for i in range(n)
    ]


def sql(statement: str, *params: str | int) -> None:
    """Run raw SQL on the entries' table, as someone with write access to the database would."""
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(statement.format(table=table), params)


def broken(**kwargs: int) -> ChainVerification:
    result = verify_chain(**kwargs)
    assert not result.ok and result.problem is not None
    return result


def test_record_builds_the_chain(personas: Personas) -> None:
    entries = write(4, personas.officer)
    assert [e.sequence for e in entries] == [1, 2, 3, 4]
    assert entries[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    for entry in AuditEntry.objects.all():
        assert entry.hash == entry_hash(hashed_fields(entry))
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.hash) == (4, entries[-1].hash)
    stored = AuditEntry.objects.get(sequence=2)
    assert stored.actor_id == personas.officer.pk and stored.actor_name == "officer_a"
    assert stored.authority_id == personas.authority_a.pk


@pytest.mark.parametrize("batch_size", [1, 2, 3, 2000])
def test_an_intact_chain_verifies_whatever_the_batch_size(batch_size: int) -> None:
    entries = write(5)
    result = verify_chain(batch_size=batch_size)
    assert result.ok and result.problem is None
    assert (result.entries, result.last_hash) == (5, entries[-1].hash)


def test_an_empty_trail_verifies() -> None:
    result = verify_chain()
    assert result.ok and (result.entries, result.last_hash) == (0, GENESIS_HASH)


def test_values_are_hashed_as_the_database_gives_them_back() -> None:
    """Tuples, integral floats, non-string keys, non-string refs: the stored entry verifies."""
    details: dict[Any, Any] = {
        "pair": (1, 2),
        "float": 1.0,
        "big": 1e16,
        "tiny": 1.5e-7,
        "zero": -0.0,
        7: "seven",
        "text": "Заявка 请求 طلب \u00e9",
        "nested": {"list": [0.1, None, True, {"b": 1, "a": 2}]},
    }
    record(
        "thing.changed",
        acting_user=None,
        authority_id=None,
        object_type="thing",
        object_ref=42,  # type: ignore[arg-type]
        details=details,
    )
    entry = AuditEntry.objects.get()
    assert entry.object_ref == "42" and entry.details["7"] == "seven"
    assert verify_chain().ok


def test_details_that_are_not_plain_json_are_refused() -> None:
    with pytest.raises(ValueError, match="plain JSON"):
        write(1, when=object())
    with pytest.raises(ValueError, match="plain JSON"):
        write(1, ratio=float("nan"))
    assert not AuditEntry.objects.exists()


# Tampering, each found at the right entry.


def test_an_entry_edited_with_raw_sql_is_found() -> None:
    write(5)
    sql("UPDATE {table} SET object_ref = %s WHERE sequence = %s", "forged", 3)
    problem = broken().problem
    assert problem is not None
    assert (problem.kind, problem.sequence) == (ProblemKind.ALTERED, 3)
    assert problem.entry_id == AuditEntry.objects.get(sequence=3).pk


def test_an_entry_edited_through_the_base_manager_is_found() -> None:
    write(5)
    AuditEntry._base_manager.filter(sequence=2).update(details={"step": "forged"})
    result = broken()
    assert result.problem is not None
    assert (result.problem.kind, result.problem.sequence) == (ProblemKind.ALTERED, 2)
    assert result.entries == 1


def test_an_entry_edited_and_rehashed_is_found_by_the_next_link() -> None:
    write(5)
    forged = AuditEntry.objects.get(sequence=2)
    forged.details = {"step": "forged"}
    AuditEntry._base_manager.filter(pk=forged.pk).update(
        details=forged.details, hash=entry_hash(hashed_fields(forged))
    )
    problem = broken().problem
    assert problem is not None
    assert (problem.kind, problem.sequence, problem.entry_id) == (
        ProblemKind.ALTERED,
        2,
        forged.pk,
    )


def test_the_last_entry_edited_and_rehashed_is_found_by_the_head() -> None:
    write(3)
    last = AuditEntry.objects.get(sequence=3)
    last.action = "thing.forged"
    AuditEntry._base_manager.filter(pk=last.pk).update(
        action=last.action, hash=entry_hash(hashed_fields(last))
    )
    problem = broken().problem
    assert problem is not None
    assert (problem.kind, problem.sequence) == (ProblemKind.ALTERED, 3)


@pytest.mark.parametrize("batch_size", [1, 2, 2000])
def test_a_deleted_entry_is_found(batch_size: int) -> None:
    write(5)
    sql("DELETE FROM {table} WHERE sequence = %s", 3)
    problem = broken(batch_size=batch_size).problem
    assert problem is not None
    assert (problem.kind, problem.sequence, problem.entry_id) == (ProblemKind.DELETED, 3, None)
    assert "Entry #3 was deleted" in problem.message


def test_the_first_entries_deleted_are_found() -> None:
    write(5)
    sql("DELETE FROM {table} WHERE sequence <= %s", 2)
    problem = broken().problem
    assert problem is not None
    assert (problem.kind, problem.sequence) == (ProblemKind.DELETED, 1)
    assert "Entries #1 to #2 were deleted" in problem.message


def test_reordered_entries_are_found() -> None:
    write(5)
    # Swap #2 and #3 (through a free number: sequence is unique).
    sql("UPDATE {table} SET sequence = %s WHERE sequence = %s", 1000, 2)
    sql("UPDATE {table} SET sequence = %s WHERE sequence = %s", 2, 3)
    sql("UPDATE {table} SET sequence = %s WHERE sequence = %s", 3, 1000)
    problem = broken().problem
    assert problem is not None
    assert (problem.kind, problem.sequence) == (ProblemKind.REORDERED, 2)


def test_a_truncated_tail_is_found() -> None:
    write(5)
    sql("DELETE FROM {table} WHERE sequence = %s", 5)
    problem = broken().problem
    assert problem is not None
    assert (problem.kind, problem.sequence) == (ProblemKind.TRUNCATED, 5)
    assert "Entry #5 was removed from the end of the trail" in problem.message


def test_a_trail_emptied_is_found() -> None:
    write(2)
    sql("DELETE FROM {table}")
    problem = broken().problem
    assert problem is not None
    assert (problem.kind, problem.sequence) == (ProblemKind.TRUNCATED, 1)


def test_a_missing_head_is_found_and_stops_recording() -> None:
    write(3)
    AuditChainHead._base_manager.all().delete()
    problem = broken().problem
    assert problem is not None
    assert (problem.kind, problem.sequence) == (ProblemKind.TRUNCATED, 4)
    with pytest.raises(ChainHeadMissing):
        write(1)
    assert AuditEntry.objects.count() == 3


def test_a_head_set_back_is_found() -> None:
    write(3)
    AuditChainHead._base_manager.update(sequence=0, hash=GENESIS_HASH)
    problem = broken().problem
    assert problem is not None
    assert (problem.kind, problem.sequence) == (ProblemKind.HEAD_ALTERED, 1)


def test_entries_appended_after_the_head_was_read_are_not_a_problem(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """verify_chain checks the trail as it was when it started; later entries wait their turn."""
    write(3)
    original = AuditEntry.objects.order_by

    def order_by_after_an_append(*fields: str) -> Any:
        monkeypatch.setattr(AuditEntry.objects, "order_by", original)
        write(2)
        return original(*fields)

    monkeypatch.setattr(AuditEntry.objects, "order_by", order_by_after_an_append)
    result = verify_chain()
    assert result.ok and result.entries == 3
    assert verify_chain().entries == 5


# Append-only.


def test_entries_cannot_be_changed_or_deleted_through_the_orm() -> None:
    write(2)
    entry = AuditEntry.objects.get(sequence=1)
    entry.details = {"step": "forged"}
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(sequence=1).update(details={})
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_update([entry], ["details"])
    assert verify_chain().ok


def test_entries_cannot_be_appended_except_by_record() -> None:
    head = AuditChainHead.objects.get()
    fields: dict[str, Any] = {
        "action": "thing.forged",
        "object_type": "thing",
        "object_ref": "x",
        "sequence": head.sequence + 1,
        "prev_hash": head.hash,
    }
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.create(**fields)
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_create([AuditEntry(**fields)])
    # Even with a correct hash: appending skips the head, so only record() may.
    entry = AuditEntry(**fields)
    entry.hash = entry_hash(hashed_fields(entry))
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert not AuditEntry.objects.exists()


def test_the_head_moves_only_with_record() -> None:
    with pytest.raises(AppendOnlyError):
        AuditChainHead.objects.update(sequence=0)
    with pytest.raises(AppendOnlyError):
        AuditChainHead.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditChainHead.objects.get().delete()


# Entries outlive their actors.


def test_an_entry_survives_the_deletion_of_its_actor(personas: Personas) -> None:
    officer = personas.officer
    officer_id = officer.pk
    write(2, officer)
    officer.delete()
    assert not User.objects.filter(pk=officer_id).exists()
    entry = AuditEntry.objects.get(sequence=2)
    assert (entry.actor_id, entry.actor_name) == (officer_id, "officer_a")
    assert verify_chain().ok


# Sequence numbers stay gapless.


def test_interleaved_actions_keep_the_sequence_gapless(personas: Personas) -> None:
    users = [personas.officer, personas.supervisor, personas.outsider, None]
    for round_ in range(5):
        for user in users:
            with transaction.atomic():
                write(1, user, round=round_)
    assert list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True)) == list(
        range(1, 21)
    )
    assert verify_chain().entries == 20


def test_a_rolled_back_action_leaves_no_gap() -> None:
    write(2)

    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        write(1)
        raise Refused
    write(1)
    assert list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True)) == [
        1,
        2,
        3,
    ]
    assert verify_chain().ok


# The command.


def test_verify_audit_reports_an_intact_trail() -> None:
    entries = write(3)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert f"Audit trail intact: 3 entries, last hash {entries[-1].hash}" in out.getvalue()


def test_verify_audit_fails_with_the_first_problem() -> None:
    write(5)
    sql("DELETE FROM {table} WHERE sequence = %s", 2)
    sql("UPDATE {table} SET object_ref = %s WHERE sequence = %s", "forged", 4)
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit", "--batch-size", "2", stdout=StringIO())
    assert failure.value.returncode != 0
    assert str(failure.value) == (
        "Audit trail broken at entry #2 (deleted): Entry #2 was deleted: the trail goes on at "
        f"entry #3 (id {AuditEntry.objects.get(sequence=3).pk})."
    )
