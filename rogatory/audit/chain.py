"""The hash chain of the audit trail: hash one entry, check a run of entries.

No database access here, so the data migration can copy ``entry_hash`` and the tests can feed
plain objects. Each entry's hash covers its content, its place in the chain (``sequence``) and
the previous entry's hash, so editing, deleting, reordering or re-linking an entry breaks the
chain at that entry or the next one. See docs/decisions/0009-hash-chained-audit.md for what
this does and does not prove.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The prev_hash of the first entry.
GENESIS_HASH = "0" * 64

# The fields covered by an entry's hash: everything but the row id and the hash itself.
HASHED_FIELDS = frozenset(
    {
        "sequence",
        "created_at",
        "authority_id",
        "actor_id",
        "actor_name",
        "action",
        "object_type",
        "object_ref",
        "details",
        "prev_hash",
    }
)


class ChainedEntry(Protocol):
    """What the checks read from an entry (an ``AuditEntry`` or any look-alike)."""

    @property
    def id(self) -> int: ...
    @property
    def sequence(self) -> int: ...
    @property
    def created_at(self) -> dt.datetime: ...
    @property
    def authority_id(self) -> int | None: ...
    @property
    def actor_id(self) -> int | None: ...
    @property
    def actor_name(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def object_type(self) -> str: ...
    @property
    def object_ref(self) -> str: ...
    @property
    def details(self) -> Any: ...
    @property
    def prev_hash(self) -> str: ...
    @property
    def hash(self) -> str: ...


class ChainHead(Protocol):
    """The last sequence number and hash, as recorded when the last entry was appended."""

    @property
    def sequence(self) -> int: ...
    @property
    def hash(self) -> str: ...


class ProblemKind(models.TextChoices):
    ALTERED = "altered", _("altered")
    DELETED = "deleted", _("deleted")
    REORDERED = "reordered", _("reordered")
    TRUNCATED = "truncated", _("truncated")
    # The head row was set back: entries exist beyond the end it records.
    HEAD_ALTERED = "head_altered", _("chain head altered")


@dataclass(frozen=True)
class Problem:
    """The first break in the chain: which entry, what kind of tampering, in a sentence.

    ``sequence`` and ``entry_id`` name the entry the problem is about (the probable culprit);
    ``entry_id`` is None when that entry no longer exists (deleted, truncated). ``message`` is
    translated into the language active when the problem was found.
    """

    kind: ProblemKind
    sequence: int
    entry_id: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.kind.value} #{self.sequence}: {self.message}"


def normalise_details(details: Any) -> Any:
    """Return ``details`` as the database will give it back, or raise ValueError.

    A JSON round trip turns tuples into lists and non-string keys into strings. Integral
    floats become ints because PostgreSQL's jsonb gives ``1e+16`` back as an integer and
    ``-0.0`` as ``0``; NaN and infinities are refused because jsonb refuses them.
    """
    try:
        text = json.dumps(details, allow_nan=False, ensure_ascii=False)
        text.encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"Audit details must be plain JSON: {exc}") from exc
    return _integral_floats_to_int(json.loads(text))


def _integral_floats_to_int(value: Any) -> Any:
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_integral_floats_to_int(item) for item in value]
    if isinstance(value, dict):
        return {key: _integral_floats_to_int(item) for key, item in value.items()}
    return value


def canonical_timestamp(value: dt.datetime) -> str:
    """Return an aware datetime as ISO 8601 in UTC with microseconds."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("Audit timestamps must be timezone-aware.")
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical_json(fields: dict[str, Any]) -> str:
    """Return the hashed fields of an entry as canonical JSON: sorted keys, no spaces, UTF-8.

    The migration that chained the entries written before the chain existed
    (audit/migrations/0003) copies this; change neither without the other.
    """
    if fields.keys() != HASHED_FIELDS:
        missing = sorted(HASHED_FIELDS - fields.keys())
        extra = sorted(fields.keys() - HASHED_FIELDS)
        raise ValueError(f"Cannot hash an audit entry: missing {missing}, unexpected {extra}.")
    document = dict(fields, created_at=canonical_timestamp(fields["created_at"]))
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(fields: dict[str, Any]) -> str:
    """Return the SHA-256 (hex) of an entry's canonical JSON."""
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


def hashed_fields(entry: ChainedEntry) -> dict[str, Any]:
    """Return the fields of ``entry`` that its hash covers."""
    return {name: getattr(entry, name) for name in HASHED_FIELDS}


class ChainChecker:
    """Check entries fed one at a time in sequence order, then the chain head.

    Keeps only the previous entry, so a streamed trail of any length needs constant memory.
    """

    def __init__(self) -> None:
        self.previous: ChainedEntry | None = None
        self.checked = 0

    @property
    def expected_sequence(self) -> int:
        return self.previous.sequence + 1 if self.previous else 1

    def check(self, entry: ChainedEntry) -> Problem | None:
        """Return the problem ``entry`` reveals, or None and move on to the next entry."""
        problem = self._check(entry)
        if problem is None:
            self.previous = entry
            self.checked += 1
        return problem

    def _check(self, entry: ChainedEntry) -> Problem | None:
        previous, expected = self.previous, self.expected_sequence
        if entry.sequence > expected:
            return _deleted(expected, entry)
        if entry.sequence < expected:
            return Problem(
                ProblemKind.REORDERED,
                entry.sequence,
                entry.id,
                gettext(
                    "Entry #%(sequence)s (id %(id)s) comes after entry #%(previous)s: the "
                    "entries were reordered."
                )
                % {"sequence": entry.sequence, "id": entry.id, "previous": expected - 1},
            )
        intact = entry_hash(hashed_fields(entry)) == entry.hash
        linked = entry.prev_hash == (previous.hash if previous else GENESIS_HASH)
        if intact and linked:
            return None
        if linked:
            return Problem(
                ProblemKind.ALTERED,
                entry.sequence,
                entry.id,
                gettext(
                    "Entry #%(sequence)s (id %(id)s) was altered: its content no longer matches "
                    "its hash."
                )
                % {"sequence": entry.sequence, "id": entry.id},
            )
        if intact and previous is not None:
            # The entry is as written but no longer follows its predecessor: most likely the
            # predecessor was edited (or replaced) and its hash recomputed to hide it.
            return Problem(
                ProblemKind.ALTERED,
                previous.sequence,
                previous.id,
                gettext(
                    "Entry #%(sequence)s (id %(id)s) was altered or replaced and its hash "
                    "recomputed: entry #%(next)s records a different hash for the entry before "
                    "it."
                )
                % {"sequence": previous.sequence, "id": previous.id, "next": entry.sequence},
            )
        return Problem(
            ProblemKind.REORDERED,
            entry.sequence,
            entry.id,
            gettext(
                "Entry #%(sequence)s (id %(id)s) was moved or re-linked: neither its hash nor "
                "its link to the entry before it holds."
            )
            % {"sequence": entry.sequence, "id": entry.id},
        )

    def check_head(self, head: ChainHead | None) -> Problem | None:
        """Return the problem the chain head reveals about the end of the trail, or None.

        Call after feeding every entry up to ``head.sequence`` (every entry if no head).
        """
        last = self.previous
        last_sequence = last.sequence if last else 0
        if head is None:
            return None if last is None else head_missing(last_sequence)
        if head.sequence > last_sequence:
            first_missing = last_sequence + 1
            if last is None:
                message = gettext(
                    "Every entry was removed: the chain head ends at #%(head)s, but no entry is "
                    "left."
                )
            elif first_missing == head.sequence:
                message = gettext(
                    "Entry #%(first)s was removed from the end of the trail: the chain head "
                    "ends at #%(head)s, the last entry left is #%(last)s."
                )
            else:
                message = gettext(
                    "Entries #%(first)s to #%(head)s were removed from the end of the trail: "
                    "the chain head ends at #%(head)s, the last entry left is #%(last)s."
                )
            return Problem(
                ProblemKind.TRUNCATED,
                first_missing,
                None,
                message % {"first": first_missing, "head": head.sequence, "last": last_sequence},
            )
        if last is not None and head.hash != last.hash:
            return Problem(
                ProblemKind.ALTERED,
                last.sequence,
                last.id,
                gettext(
                    "Entry #%(sequence)s (id %(id)s), the last one, was altered and its hash "
                    "recomputed, or the chain head was altered: the chain head records a "
                    "different hash."
                )
                % {"sequence": last.sequence, "id": last.id},
            )
        return None


def head_missing(last_sequence: int) -> Problem:
    """The problem of entries (up to ``last_sequence``) without a chain head."""
    return Problem(
        ProblemKind.TRUNCATED,
        last_sequence + 1,
        None,
        gettext(
            "The chain head is missing, so the end of the trail cannot be checked: entries "
            "after #%(last)s may have been removed."
        )
        % {"last": last_sequence},
    )


def head_behind(head: ChainHead, last_sequence: int) -> Problem:
    """The problem of entries up to ``last_sequence`` existing beyond the end of the head."""
    return Problem(
        ProblemKind.HEAD_ALTERED,
        head.sequence + 1,
        None,
        gettext(
            "The chain head ends at #%(head)s, but entries up to #%(last)s exist: the chain "
            "head was set back, so entries after #%(head)s are not covered by it."
        )
        % {"head": head.sequence, "last": last_sequence},
    )


def _deleted(first_missing: int, found: ChainedEntry) -> Problem:
    last_missing = found.sequence - 1
    if first_missing == last_missing:
        message = gettext(
            "Entry #%(first)s was deleted: the trail goes on at entry #%(next)s (id %(id)s)."
        )
    else:
        message = gettext(
            "Entries #%(first)s to #%(last)s were deleted: the trail goes on at entry "
            "#%(next)s (id %(id)s)."
        )
    return Problem(
        ProblemKind.DELETED,
        first_missing,
        None,
        message
        % {"first": first_missing, "last": last_missing, "next": found.sequence, "id": found.id},
    )


def find_problem(entries: Iterable[ChainedEntry], *, head: ChainHead | None) -> Problem | None:
    """Return the first break in ``entries`` (sorted by sequence), or None if the chain holds.

    ``head`` is the chain head row; None means there is none, which is only right for an empty
    trail. Entries after ``head.sequence`` are not checked: they were appended after the head
    was read.
    """
    checker = ChainChecker()
    for entry in entries:
        if head is not None and entry.sequence > head.sequence:
            break
        problem = checker.check(entry)
        if problem is not None:
            return problem
    return checker.check_head(head)
