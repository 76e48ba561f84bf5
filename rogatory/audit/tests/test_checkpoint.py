"""Signed checkpoints of the chain head catch what the chain alone cannot (decision 0020):
the newest entries removed with the head set back, and a trail rewritten and re-hashed."""

from __future__ import annotations

import stat
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rogatory.audit.actions import record
from rogatory.audit.chain import ProblemKind, entry_hash, hashed_fields
from rogatory.audit.checkpoint import (
    CHECKPOINT_ACTION,
    CheckpointError,
    check_against,
    parse,
    take_checkpoint,
    write_checkpoint,
)
from rogatory.audit.keys import checkpoint_signing_key
from rogatory.audit.models import AuditChainHead, AuditEntry
from rogatory.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def write(n: int) -> list[AuditEntry]:
    return [
        record(
            "thing.changed",
            acting_user=None,
            authority_id=None,
            object_type="thing",
            object_ref=f"thing-{i}",
            details={"step": i},
        )
        for i in range(n)
    ]


def kept_checkpoint(tmp_path: Path) -> Path:
    """A checkpoint of the head as it is now, as a file kept off the machine."""
    path = tmp_path / "kept.txt"
    path.write_text(take_checkpoint(checkpoint_signing_key()).to_text())
    return path


def verify(*checkpoints: Path) -> str:
    out = StringIO()
    arguments = [f"--checkpoint={path}" for path in checkpoints]
    call_command("verify_audit", *arguments, stdout=out)
    return out.getvalue()


def set_head(sequence: int, hash_: str) -> None:
    AuditChainHead._base_manager.filter(pk=1).update(sequence=sequence, hash=hash_)


def truncate_and_set_head_back(keep: int) -> None:
    """Attack (a): delete the newest entries and move the chain head back to the last kept."""
    AuditEntry._base_manager.filter(sequence__gt=keep).delete()
    set_head(keep, AuditEntry.objects.get(sequence=keep).hash)


def rewrite_and_rehash(sequence: int) -> None:
    """Attack (b): change one entry, then recompute its hash, every later link and the head."""
    previous_hash = ""
    for entry in AuditEntry.objects.filter(sequence__gte=sequence).order_by("sequence"):
        if entry.sequence == sequence:
            entry.details = {"step": "forged"}
        else:
            entry.prev_hash = previous_hash
        entry.hash = entry_hash(hashed_fields(entry))
        AuditEntry._base_manager.filter(pk=entry.pk).update(
            details=entry.details, prev_hash=entry.prev_hash, hash=entry.hash
        )
        previous_hash = entry.hash
    set_head(AuditEntry.objects.order_by("-sequence")[0].sequence, previous_hash)


def test_truncation_with_the_head_set_back_is_found_against_a_kept_checkpoint(
    tmp_path: Path,
) -> None:
    write(5)
    kept = kept_checkpoint(tmp_path)
    truncate_and_set_head_back(keep=3)
    # The chain alone cannot tell: it holds together and its head agrees with it.
    assert verify_chain().ok
    with pytest.raises(CommandError) as failure:
        verify(kept)
    message = str(failure.value)
    assert "Audit trail broken at entry #4 (truncated)" in message
    assert "records entry #5, but the trail now ends at #3" in message


def test_a_rewritten_and_rehashed_trail_is_found_against_a_kept_checkpoint(
    tmp_path: Path,
) -> None:
    write(5)
    kept = kept_checkpoint(tmp_path)
    rewrite_and_rehash(2)
    assert verify_chain().ok
    with pytest.raises(CommandError) as failure:
        verify(kept)
    message = str(failure.value)
    assert "Audit trail broken at entry #5 (altered)" in message
    assert "rewritten and its hashes recomputed" in message


def test_a_checkpoint_holds_while_the_trail_grows(tmp_path: Path) -> None:
    write(3)
    kept = kept_checkpoint(tmp_path)
    write(2)
    output = verify(kept)
    assert "Audit trail intact: 5 entries" in output
    assert "entry #3 still has its hash" in output


def test_a_checkpoint_changed_after_signing_is_refused(tmp_path: Path) -> None:
    entries = write(3)
    kept = kept_checkpoint(tmp_path)
    # Someone "updates" the kept copy to match a rewritten trail.
    kept.write_text(kept.read_text().replace(entries[-1].hash, "a" * 64))
    with pytest.raises(CommandError, match="signature does not hold"):
        verify(kept)
    with pytest.raises(CheckpointError):
        parse("hello\nsequence: 3\n")


def test_a_checkpoint_of_an_empty_trail_holds() -> None:
    checkpoint = take_checkpoint(checkpoint_signing_key())
    assert checkpoint.sequence == 0 and check_against(checkpoint) is None


def test_checkpoint_text_reads_back_and_notes_on_it_are_ignored() -> None:
    write(2)
    checkpoint = take_checkpoint(checkpoint_signing_key())
    text = "Filed by the registry, 6 Dec\n" + checkpoint.to_text() + "Signed: J. Doe\n"
    assert parse(text) == checkpoint
    problem = check_against(checkpoint)
    assert problem is None
    AuditEntry._base_manager.filter(sequence=2).delete()
    set_head(1, AuditEntry.objects.get(sequence=1).hash)
    problem = check_against(checkpoint)
    assert problem is not None and problem.kind == ProblemKind.TRUNCATED


def test_audit_checkpoint_keeps_a_copy_records_itself_and_prints_the_text(
    settings: Any,
) -> None:
    write(2)
    out = StringIO()
    call_command("audit_checkpoint", stdout=out, stderr=StringIO())
    kept = list(Path(settings.AUDIT_CHECKPOINT_DIR).glob("checkpoint-*.txt"))
    assert len(kept) == 1
    checkpoint = parse(kept[0].read_text())
    assert parse(out.getvalue()) == checkpoint
    assert checkpoint.sequence == 2
    taken = AuditEntry.objects.get(action=CHECKPOINT_ACTION)
    assert taken.sequence == 3 and taken.details["hash"] == checkpoint.hash
    assert "Checkpoint of" in verify(kept[0])


def test_the_signing_key_is_made_once_readable_by_its_owner_only(
    settings: Any,
) -> None:
    first = checkpoint_signing_key()
    path = Path(settings.AUDIT_CHECKPOINT_KEY_FILE)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert checkpoint_signing_key().public_key() == first.public_key()
    checkpoint, _path = write_checkpoint(seal=False)
    assert checkpoint.signature_holds()


def test_a_missing_or_foreign_checkpoint_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read the checkpoint"):
        verify(tmp_path / "nowhere.txt")
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"\x00\xff not a checkpoint")
    with pytest.raises(CommandError, match="not an audit checkpoint"):
        verify(junk)
