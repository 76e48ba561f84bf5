"""The access log: who read or downloaded which casework, tamper-evident without a lock.

Reads are frequent and must not queue behind the chain head (decision 0020), so an entry is a
plain INSERT, outside the hash chain, carrying an HMAC-SHA256 of its content under a key kept
outside the database (keys.py): without the key nobody can forge or alter an entry unnoticed.
Deleting one is caught once it is *sealed*: ``seal_access_log`` (run by ``manage.py
audit_checkpoint``) appends to the hash chain the number and digest of every entry written
since the last seal, and ``verify_access_log`` checks every seal against the entries left.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from .actions import _lock_chain_head, record
from .chain import canonical_timestamp, normalise_details
from .keys import access_log_keys, current_access_log_key
from .models import AccessEntry, AuditEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

SEAL_ACTION = "access_log.sealed"
BATCH_SIZE = 2000

# The fields an entry's MAC covers: everything but the row id and the MAC itself.
MAC_FIELDS = (
    "created_at",
    "authority_id",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_ref",
    "details",
    "key_id",
)


def canonical(entry: AccessEntry) -> bytes:
    document = {name: getattr(entry, name) for name in MAC_FIELDS}
    document["created_at"] = canonical_timestamp(entry.created_at)
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_mac(entry: AccessEntry, key: bytes) -> str:
    return hmac.new(key, canonical(entry), hashlib.sha256).hexdigest()


def log_access(
    action: str,
    *,
    acting_user: AbstractBaseUser | None,
    authority_id: int | None,
    object_type: str,
    object_ref: str,
    details: dict[str, Any] | None = None,
) -> AccessEntry:
    """Write one access-log entry and return it: one INSERT, no lock on anything shared.

    Call it from the view that serves the read, once access was granted, outside any
    transaction (so the entry stays even if what follows fails).
    """
    identifier, key = current_access_log_key()
    actor_id = acting_user.pk if acting_user is not None else None
    entry = AccessEntry(
        created_at=timezone.now(),
        authority_id=int(authority_id) if authority_id is not None else None,
        actor_id=int(actor_id) if actor_id is not None else None,
        actor_name=str(acting_user.get_username())[:150] if acting_user else "system",
        action=str(action),
        object_type=str(object_type),
        object_ref=str(object_ref)[:100],
        details=normalise_details(details or {}),
        key_id=identifier,
    )
    entry.mac = entry_mac(entry, key)
    entry._append()
    return entry


# Sealing ------------------------------------------------------------------------------------


def _entries(after_id: int, last_id: int | None) -> Iterator[AccessEntry]:
    """Entries with after_id < id (<= last_id), by id, in keyset pages."""
    entries = AccessEntry.objects.order_by("id")
    if last_id is not None:
        entries = entries.filter(id__lte=last_id)
    while True:
        count = 0
        for entry in entries.filter(id__gt=after_id)[:BATCH_SIZE].iterator(BATCH_SIZE):
            count += 1
            after_id = entry.id
            yield entry
        if count < BATCH_SIZE:
            return


def range_digest(entries: Iterator[AccessEntry]) -> tuple[int, str]:
    """The number of entries and the SHA-256 of their ids and MACs, in order."""
    digest, count = hashlib.sha256(), 0
    for entry in entries:
        count += 1
        digest.update(f"{entry.id}:{entry.mac}\n".encode())
    return count, digest.hexdigest()


def _seals() -> Any:
    return AuditEntry.objects.filter(action=SEAL_ACTION).order_by("sequence")


def seal_access_log(*, now: dt.datetime | None = None) -> AuditEntry | None:
    """Seal the entries written since the last seal into the hash chain; None if there are none.

    Entries younger than AUDIT_ACCESS_SEAL_GRACE_SECONDS wait for the next seal: an INSERT
    given a lower id may still be committing, and would otherwise land in a sealed range.
    """
    cutoff = (now or timezone.now()) - dt.timedelta(
        seconds=settings.AUDIT_ACCESS_SEAL_GRACE_SECONDS
    )
    with transaction.atomic():
        # The head's lock makes concurrent sealers take turns.
        _lock_chain_head()
        last_seal = _seals().last()
        after_id = int(last_seal.details["last_id"]) if last_seal else 0
        last_id = AccessEntry.objects.filter(id__gt=after_id, created_at__lte=cutoff).aggregate(
            last=Max("id")
        )["last"]
        if last_id is None:
            return None
        count, digest = range_digest(_entries(after_id, last_id))
        return record(
            SEAL_ACTION,
            acting_user=None,
            authority_id=None,
            object_type="access_log",
            object_ref=f"{after_id + 1}-{last_id}",
            details={"after_id": after_id, "last_id": last_id, "count": count, "digest": digest},
        )


# Verification -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessVerification:
    entries: int
    sealed: int
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_access_log() -> AccessVerification:
    """Check every entry's MAC, and every seal against the entries it covers; the first problem.

    One pass in id order: the sealed ranges one after the other, then the entries not yet
    sealed (whose deletion only the next seal would show).
    """
    keys = access_log_keys(create=False)
    checked = sealed = 0
    after_id = 0

    def check_macs(entries: Iterator[AccessEntry]) -> Iterator[AccessEntry]:
        nonlocal checked
        for entry in entries:
            key = keys.get(entry.key_id)
            if key is None or not hmac.compare_digest(entry_mac(entry, key), entry.mac):
                raise _Broken(_altered(entry, known_key=key is not None))
            checked += 1
            yield entry

    try:
        for seal in _seals().iterator():
            details = seal.details
            if int(details["after_id"]) != after_id:
                return AccessVerification(checked, sealed, _seal_gap(seal, after_id))
            last_id = int(details["last_id"])
            count, digest = range_digest(check_macs(_entries(after_id, last_id)))
            if (count, digest) != (int(details["count"]), details["digest"]):
                return AccessVerification(checked, sealed, _seal_broken(seal, count))
            sealed += count
            after_id = last_id
        for _entry in check_macs(_entries(after_id, None)):
            pass
    except _Broken as broken:
        return AccessVerification(checked, sealed, str(broken))
    return AccessVerification(checked, sealed, None)


class _Broken(Exception):
    pass


def _altered(entry: AccessEntry, *, known_key: bool) -> str:
    if not known_key:
        return gettext(
            "Access-log entry %(id)s was made with a key this installation does not have "
            "(%(key)s): it was forged, or the key file was replaced."
        ) % {"id": entry.id, "key": entry.key_id}
    return gettext(
        "Access-log entry %(id)s was altered or forged: its MAC does not match its content."
    ) % {"id": entry.id}


def _seal_gap(seal: AuditEntry, after_id: int) -> str:
    return gettext(
        "The access-log seal in audit entry #%(sequence)s does not follow the previous one "
        "(it starts after entry %(start)s, the previous seal ended at %(end)s)."
    ) % {"sequence": seal.sequence, "start": seal.details["after_id"], "end": after_id}


def _seal_broken(seal: AuditEntry, found: int) -> str:
    return gettext(
        "Access-log entries %(range)s, sealed on %(date)s in audit entry #%(sequence)s, were "
        "deleted or added: %(sealed)s were sealed, %(found)s are there now, or their content "
        "differs."
    ) % {
        "range": seal.object_ref,
        "date": canonical_timestamp(seal.created_at),
        "sequence": seal.sequence,
        "sealed": seal.details["count"],
        "found": found,
    }
