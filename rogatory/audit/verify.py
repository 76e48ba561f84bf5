"""Check the stored audit trail against its hash chain (``manage.py verify_audit``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Max

from .chain import GENESIS_HASH, ChainChecker, Problem, head_behind, head_missing
from .models import AuditChainHead, AuditEntry

BATCH_SIZE = 2000


@dataclass(frozen=True)
class ChainVerification:
    """The outcome of verify_chain: how many entries held, the last good hash, the first break.

    ``entries`` and ``last_hash`` describe the chain up to the first problem (all of it when
    there is none); ``last_hash`` is worth copying somewhere the database's writers cannot
    reach, to check the trail against later.
    """

    entries: int
    last_hash: str
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_chain(*, batch_size: int = BATCH_SIZE) -> ChainVerification:
    """Recompute every entry's hash and link, in sequence order, and report the first break.

    Reads the chain head first and checks the entries up to it, streamed in keyset pages of
    ``batch_size`` (``sequence > last seen``, never OFFSET), so memory stays flat and each page
    is an index range scan however long the trail. Entries appended while the check runs are
    left for the next one; an entry beyond the head that the head (read again) still does not
    cover means the head was set back.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1.")
    head = AuditChainHead.objects.filter(pk=1).first()
    checker = ChainChecker()
    problem: Problem | None = None
    for entry in _entries_in_order(up_to=head.sequence if head else None, batch_size=batch_size):
        problem = checker.check(entry)
        if problem is not None:
            break
    if problem is None:
        problem = checker.check_head(head)
    if problem is None and head is not None:
        problem = _check_nothing_beyond(head)
    last = checker.previous
    return ChainVerification(
        entries=checker.checked,
        last_hash=last.hash if last else GENESIS_HASH,
        problem=problem,
    )


def _entries_in_order(*, up_to: int | None, batch_size: int) -> Iterator[AuditEntry]:
    """Every entry (up to sequence ``up_to``) by sequence, one keyset page at a time."""
    entries = AuditEntry.objects.order_by("sequence")
    if up_to is not None:
        entries = entries.filter(sequence__lte=up_to)
    after: int | None = None
    while True:
        page = entries if after is None else entries.filter(sequence__gt=after)
        count = 0
        for entry in page[:batch_size].iterator(chunk_size=batch_size):
            count += 1
            after = entry.sequence
            yield entry
        if count < batch_size:
            return


def _check_nothing_beyond(head: AuditChainHead) -> Problem | None:
    """Entries past the head read at the start are fine if they were appended since."""
    beyond = AuditEntry.objects.filter(sequence__gt=head.sequence).aggregate(last=Max("sequence"))
    if beyond["last"] is None:
        return None
    # Each of those entries was committed together with a head at least as far on, and the
    # head never moves back: read it again, after the entries.
    now = AuditChainHead.objects.filter(pk=1).first()
    if now is None:
        return head_missing(beyond["last"])
    if now.sequence < beyond["last"]:
        return head_behind(now, beyond["last"])
    return None
