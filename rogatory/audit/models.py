"""The audit trail: one append-only entry per action that changes data that matters.

Entries copy the actor's id and name so they outlive the user. Entries form one global hash
chain (``sequence``, ``prev_hash``, ``hash``; see chain.py and decision 0009): only
``actions.record()`` appends, and ``manage.py verify_audit`` detects any later change.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .chain import GENESIS_HASH, entry_hash, hashed_fields


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit entry."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Rows written one at a time by their own function and never changed: bulk writes,
    updates and deletes are refused. Raw SQL (or _base_manager) still can: verify_audit is
    what catches that. create(), get_or_create() and the like fail in the model's save()."""

    # What the messages call the rows, and the one function that writes them.
    noun = "Entries"
    writer = ""

    def for_authority(self, authority_id: int) -> Any:
        return self.filter(authority_id=authority_id)

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{self.noun} cannot be changed.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError(f"{self.noun} cannot be deleted.")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(self.writer)

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{self.noun} cannot be changed.")


class AuditEntryQuerySet(AppendOnlyQuerySet):
    noun = "Audit entries"
    writer = "Append audit entries one at a time with actions.record()."


class AuditEntry(models.Model):
    # Position in the global chain, from 1 without gaps.
    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    # Set by record() before hashing (not auto_now_add, which would overwrite it on save).
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # The tenant the entry belongs to; kept as a plain id so entries survive the authority.
    authority_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_name = models.CharField(_("who"), max_length=150, blank=True)
    # Dotted verb, e.g. "member.created", "member.role_changed".
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(max_length=60)
    object_ref = models.CharField(max_length=100)
    # What changed, as {"field": [old, new]} or free details.
    details = models.JSONField(default=dict, blank=True)
    # The hash of the entry before this one (64 zeros for the first).
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    # SHA-256 of this entry's canonical JSON, prev_hash included (chain.entry_hash).
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_ref}"

    def save(self, *args: Any, **kwargs: Any) -> NoReturn:
        # The one way in is actions.record(), which appends through _append() under the
        # chain head's lock. Loading fixtures (loaddata) bypasses save() and is not supported.
        if self._state.adding:
            raise AppendOnlyError("Append audit entries with rogatory.audit.actions.record().")
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit entries cannot be deleted.")

    def _append(self) -> None:
        """Insert this new entry; only actions.record() calls this, holding the head's lock."""
        if not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        if not self.hash or self.hash != entry_hash(hashed_fields(self)):
            raise AppendOnlyError("The entry's hash does not match its content.")
        super().save(force_insert=True)

    def details_text(self) -> str:
        """The details as compact JSON, for people reading the review page."""
        return json.dumps(self.details, ensure_ascii=False, sort_keys=True)


class AuditChainHeadQuerySet(models.QuerySet["AuditChainHead"]):
    # The head moves only with record(), which saves the locked row.
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The audit chain head moves only with actions.record().")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("The audit chain head cannot be deleted.")


class AuditChainHead(models.Model):
    """The one row recording the end of the chain; record() locks it to append in turn.

    It also lets verify_audit notice entries removed from the end of the trail.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    sequence = models.PositiveBigIntegerField(_("last sequence"), default=0)
    hash = models.CharField(_("last hash"), max_length=64, default=GENESIS_HASH)

    objects = AuditChainHeadQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="audit_chain_head_single_row"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.hash}"

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The audit chain head cannot be deleted.")


class AccessEntryQuerySet(AppendOnlyQuerySet):
    # Like the trail: written once by accesslog.log_access(), never changed.
    noun = "Access-log entries"
    writer = "Write access-log entries with accesslog.log_access()."


class AccessEntry(models.Model):
    """One read or download of casework that must be accounted for (decision 0020).

    Not in the hash chain, so a read never waits for the chain head: each entry carries its own
    MAC under a key kept outside the database, and ``manage.py audit_checkpoint`` seals ranges
    of entries into the chain, after which a deleted entry shows too.
    """

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # The tenant whose casework was read; plain ids, like the trail's.
    authority_id = models.BigIntegerField(null=True, blank=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_name = models.CharField(_("who"), max_length=150, blank=True)
    # Dotted verb: "case.viewed", "document.downloaded".
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(max_length=60)
    object_ref = models.CharField(max_length=100)
    details = models.JSONField(default=dict, blank=True)
    # Which access-log key made the MAC (keys.key_id), so keys can be rotated.
    key_id = models.CharField(max_length=16)
    # HMAC-SHA256 of the entry's canonical JSON (accesslog.entry_mac).
    mac = models.CharField(max_length=64)

    objects = AccessEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("access-log entry")
        verbose_name_plural = _("access-log entries")
        indexes = [
            models.Index(fields=["authority_id", "-id"], name="audit_access_authority"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_ref}"

    def save(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Write access-log entries with accesslog.log_access().")

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Access-log entries cannot be deleted.")

    def _append(self) -> None:
        """Insert this new entry; only accesslog.log_access() calls this."""
        if not self._state.adding:
            raise AppendOnlyError("Access-log entries cannot be changed.")
        super().save(force_insert=True)

    def details_text(self) -> str:
        """The details as compact JSON, for people reading the review page."""
        return json.dumps(self.details, ensure_ascii=False, sort_keys=True)
