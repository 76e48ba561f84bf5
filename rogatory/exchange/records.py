"""Transport evidences: issue ours (signed, stored, audited), take in the partner's (verified
against its pinned keys, stored, audited), and move the message's state accordingly."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from rogatory.audit.actions import record

from . import seal
from .errors import ExchangeError
from .models import Evidence, KeyUse, Message, MessageState, Partner
from .node import current_key, local_node, partner_keys

# The state an outbound message reaches with each evidence, in the order they arrive; an
# evidence never moves a message backwards (a late relay evidence after the delivery one).
_OUTBOUND_STATE = {
    Evidence.Type.RELAY_REMMD_ACCEPTANCE: MessageState.RELAYED,
    Evidence.Type.DELIVERY: MessageState.DELIVERED,
    Evidence.Type.RETRIEVAL: MessageState.RETRIEVED,
    Evidence.Type.RELAY_REMMD_REJECTION: MessageState.REJECTED,
    Evidence.Type.NON_DELIVERY: MessageState.REJECTED,
    Evidence.Type.RELAY_REMMD_FAILURE: MessageState.FAILED,
}
_RANK = {
    MessageState.QUEUED: 0,
    MessageState.RELAYED: 1,
    MessageState.DELIVERED: 2,
    MessageState.RETRIEVED: 3,
    MessageState.FAILED: 4,
    MessageState.REJECTED: 4,
}


def audit_line(evidence: Evidence) -> list[str]:
    """How an evidence is named in the audit entry of the step that issued or received it:
    type, id, issuer and the SHA-256 of the signed evidence itself."""
    return [
        evidence.type,
        str(evidence.evidence_id),
        evidence.issuer_node,
        seal.sha256_hex(evidence.token.encode()),
    ]


def _audit(evidence: Evidence, authority_id: int | None, verb: str) -> None:
    record(
        f"exchange.evidence_{verb}",
        acting_user=None,
        authority_id=authority_id,
        object_type="message",
        object_ref=str(evidence.subject_message_id),
        details={
            "type": evidence.type,
            "evidence": str(evidence.evidence_id),
            "issuer": evidence.issuer_node,
            "digest": evidence.subject_digest,
            "reason": evidence.reason_code,
        },
    )


def issue(
    type: str,
    *,
    message: Message | None = None,
    subject: dict[str, Any] | None = None,
    authority_id: int | None = None,
    reason_code: str = "",
    reason: str = "",
    push_to: str = "",
    at: datetime.datetime | None = None,
    audit: bool = True,
) -> Evidence:
    """Sign, store and audit an evidence this node observed, about ``message`` or, for a
    refused message we did not keep, about ``subject`` (message_id, digest, from, to)."""
    if message is not None:
        subject = {
            "message_id": str(message.message_id),
            "digest": message.digest,
            "from_node": message.from_node,
            "to_node": message.to_node,
        }
        authority_id = message.authority_id
    assert subject is not None
    node = local_node()
    now = at or timezone.now()
    claims = seal.evidence_claims(
        type=type,
        issuer_node=node.node_id,
        subject_message_id=subject["message_id"],
        subject_digest=subject["digest"],
        sender_node=subject["from_node"],
        recipient_node=subject["to_node"],
        event_time=now,
        reason_code=reason_code,
        reason=reason[:500],
    )
    token = seal.sign_evidence(claims, signing_key=current_key(KeyUse.SIGNING, now))
    evidence = Evidence.objects.create(
        evidence_id=claims["evidence_id"],
        message=message,
        type=type,
        issuer_node=node.node_id,
        event_time=now,
        subject_message_id=subject["message_id"],
        subject_digest=subject["digest"],
        reason_code=reason_code,
        reason=reason[:500],
        token=token,
        push_to=push_to,
    )
    if audit:  # otherwise the caller's own entry names it (audit_line)
        _audit(evidence, authority_id, "issued")
    if message is not None and message.direction == Message.Direction.OUTBOUND:
        _advance(message, evidence)
    return evidence


def _advance(message: Message, evidence: Evidence) -> None:
    """Move an outbound message's state forward to what the evidence says, never back.

    Decided in the database (an UPDATE conditional on the stored state), not on ``message`` as
    read earlier: the delivery worker may hold a copy that still says "relayed" while the
    partner's retrieval evidence arrives through the endpoint; saving that copy would put a
    retrieved message back to "delivered"."""
    target = _OUTBOUND_STATE.get(Evidence.Type(evidence.type))
    if target is None:
        return
    lower = [state for state, rank in _RANK.items() if rank < _RANK[target]]
    changes: dict[str, Any] = {"state": target}
    if target in (MessageState.REJECTED, MessageState.FAILED):
        changes["last_error"] = f"{evidence.reason_code}: {evidence.reason}"[:300]
    if target != MessageState.RELAYED:
        # Nothing more to deliver; a relayed message may still owe the receiver attachments.
        changes["next_attempt_at"] = None
    moved = Message.objects.filter(pk=message.pk, state__in=lower).update(**changes)
    if moved:
        for name, value in changes.items():
            setattr(message, name, value)
    else:
        message.state = Message.objects.values_list("state", flat=True).get(pk=message.pk)


def accept(
    token: str, *, partner: Partner, message: Message, audit: bool = True
) -> tuple[Evidence, bool]:
    """Verify an evidence the partner issued about our outbound ``message`` and keep it;
    whether it is new. With ``audit`` False the caller audits it (audit_line)."""
    try:
        claims = seal.verify_evidence(token, partner_keys(partner), at=timezone.now())
    except seal.SealError as error:
        raise ExchangeError(error.message, code=error.code) from error
    try:
        evidence_id = uuid.UUID(str(claims["evidence_id"]))
    except ValueError:
        raise ExchangeError("The evidence id is not a UUID.", code="malformed") from None
    if (
        claims["issuer_node"] != partner.node_id
        or claims["subject_message_id"] != str(message.message_id)
        or claims["subject_digest"] != message.digest
        or claims["type"] not in Evidence.Type.values
    ):
        raise ExchangeError("The evidence is not about this message.", code="evidence_mismatch")
    existing = Evidence.objects.filter(evidence_id=evidence_id, message=message).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                evidence_id=evidence_id,
                message=message,
                type=claims["type"],
                issuer_node=claims["issuer_node"],
                event_time=datetime.datetime.fromisoformat(claims["event_time"]),
                subject_message_id=message.message_id,
                subject_digest=claims["subject_digest"],
                reason_code=str(claims.get("reason_code", ""))[:40],
                reason=str(claims.get("reason", ""))[:500],
                token=token,
            )
            if audit:
                _audit(evidence, message.authority_id, "received")
            _advance(message, evidence)
    except IntegrityError:
        return Evidence.objects.get(evidence_id=evidence_id, message=message), False
    return evidence, True
