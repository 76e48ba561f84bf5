"""Sending: a business action becomes a sealed envelope in the outbox, in the same transaction
as the case event that caused it (transactional outbox); the worker delivers it later."""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rogatory.accounts.models import User
from rogatory.audit.actions import record
from rogatory.cases.actions import _event as case_event
from rogatory.cases.actions import do_transition
from rogatory.cases.choices import EventKind, MeasureStatus, RefusalGround
from rogatory.cases.lifecycle import BY_NAME, available_transitions
from rogatory.cases.models import Case, DocumentVersion
from rogatory.drafting.actions import do_send
from rogatory.drafting.models import RequestVersion
from rogatory.lib import uploads

from . import business, records, seal
from .errors import ExchangeError
from .models import (
    Conversation,
    Evidence,
    KeyUse,
    Message,
    MessagePart,
    MessageState,
    Partner,
    PartnerAuthority,
)
from .node import current_key, local_node, partner_keys

# Set while the exchange itself moves a case (applying a partner's message, or sending an
# action that carries its own message): the transition hook must not send a second one.
_quiet: contextvars.ContextVar[bool] = contextvars.ContextVar("exchange_quiet", default=False)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


@dataclass(frozen=True)
class PartFile:
    """A file to send: where it is (absolute path) and how it is named."""

    part_id: str
    path: Path
    name: str
    media_type: str
    expected_sha256: str = ""


def destinations(case: Case) -> list[PartnerAuthority]:
    """Authorities on trusted nodes in the requested state: where this request can be sent."""
    return list(
        PartnerAuthority.objects.filter(
            partner__status=Partner.Status.PINNED, state_id=case.requested_state_id
        )
        .exclude(partner__source=Partner.Source.SELF, code=case.authority.code)
        .select_related("partner", "state")
        .order_by("partner__node_id", "code")
    )


def _recipient_key(partner: Partner, now: datetime.datetime) -> seal.PublicKey:
    usable = [
        k for k in partner_keys(partner) if k.use == KeyUse.ENCRYPTION and k.status_at(now) is None
    ]
    if not usable:
        raise ExchangeError(
            _("%(node)s has no valid encryption key: import its new descriptor.")
            % {"node": partner.node_id},
            code="no_partner_key",
        )
    return max(usable, key=lambda k: k.not_before)


def queue(
    conversation: Conversation,
    action: str,
    body: dict[str, Any],
    files: list[PartFile] = (),  # type: ignore[assignment]
    *,
    acting_user: User | None,
    ref_to: uuid.UUID | None = None,
) -> Message:
    """Seal a message for the conversation's partner and put it in the outbox; the
    submission evidence, the case event and the audit entry are written with it."""
    partner = conversation.partner
    if not partner.is_trusted:
        raise ExchangeError(
            _("%(node)s is not a trusted partner.") % {"node": partner.node_id},
            code="untrusted_partner",
        )
    try:
        body = business.validate_body(action, body)
    except business.BusinessDocumentError as error:
        raise ExchangeError("; ".join(error.problems), code="invalid_body") from error
    node = local_node()
    now = timezone.now()
    message_id = uuid.uuid4()
    manifest = []
    for part in files:
        plan = seal.plan_part(part.path, chunk_size=settings.EXCHANGE_CHUNK_SIZE)
        if part.expected_sha256 and plan["sha256"] != part.expected_sha256:
            raise ExchangeError(
                _("The file %(name)s changed since it was approved or stored.")
                % {"name": part.name},
                code="part_changed",
            )
        manifest.append(
            {
                "part_id": part.part_id,
                "name": part.name,
                "media_type": part.media_type,
                "key": seal.new_part_key(),
                **plan,
            }
        )
    header: dict[str, Any] = {
        "message_id": str(message_id),
        "conversation_id": str(conversation.conversation_id),
        "ref_to_message_id": str(ref_to) if ref_to else None,
        "from_node": node.node_id,
        "from_party": conversation.authority.code,
        "to_node": partner.node_id,
        "to_party": conversation.partner_party,
        "service": conversation.case.kind if conversation.case else "",
        "action": action,
        "created_at": now.isoformat(),
        "expires_at": (
            now + datetime.timedelta(hours=settings.EXCHANGE_MAX_MESSAGE_AGE_HOURS)
        ).isoformat(),
    }
    sealed = seal.seal_with_signed(
        header,
        body,
        manifest,
        signing_key=current_key(KeyUse.SIGNING, now),
        recipient_key=_recipient_key(partner, now),
    )
    with transaction.atomic():
        message = Message.objects.create(
            message_id=message_id,
            direction=Message.Direction.OUTBOUND,
            authority=conversation.authority,
            conversation=conversation,
            partner=partner,
            from_node=node.node_id,
            from_party=header["from_party"],
            to_node=partner.node_id,
            to_party=conversation.partner_party,
            action=action,
            ref_to=ref_to,
            sealed_at=now,
            expires_at=datetime.datetime.fromisoformat(header["expires_at"]),
            wire=seal.canonical(sealed.wire).decode(),
            digest=seal.wire_digest(sealed.wire),
            signed=sealed.signed,
            header=header,
            manifest=manifest,
            body=body,
            state=MessageState.QUEUED,
            next_attempt_at=now,
        )
        for part, entry in zip(files, manifest, strict=True):
            MessagePart.objects.create(
                message=message,
                part_id=part.part_id,
                name=part.name,
                media_type=part.media_type,
                size=entry["size"],
                sha256=entry["sha256"],
                chunk_size=entry["chunk_size"],
                chunk_count=len(entry["chunks"]),
                source_path=str(part.path),
            )
        submission = records.issue(
            Evidence.Type.SUBMISSION_ACCEPTANCE, message=message, at=now, audit=False
        )
        if conversation.case is not None:
            case_event(
                conversation.case,
                EventKind.EXCHANGE,
                acting_user,
                reason=business.summary(action, body),
                details={
                    "action": action,
                    "message": str(message.public_id),
                    "direction": "outbound",
                },
                at=now,
            )
        record(
            "exchange.submitted",
            acting_user=acting_user,
            authority_id=conversation.authority_id,
            object_type="message",
            object_ref=str(message_id),
            details={
                "action": action,
                "to": f"{conversation.partner_party}@{partner.node_id}",
                "digest": message.digest,
                "parts": [[e["part_id"], e["sha256"], e["size"]] for e in manifest],
                "evidences": [records.audit_line(submission)],
            },
        )
    return message


# A request ----------------------------------------------------------------------------------


@transaction.atomic
def do_send_request(
    version: RequestVersion, destination: PartnerAuthority, *, acting_user: User
) -> Message:
    """Send the approved version of a request to an authority on a trusted node: exactly the
    JSON, PDF and DOCX the supervisor approved (checksums checked), with the approval record;
    the case becomes *sent* in the same transaction."""
    case = version.case
    if version.status != RequestVersion.Status.APPROVED:
        raise ExchangeError(_("Only the approved version can be sent."), code="not_approved")
    if destination.state_id != case.requested_state_id:
        raise ExchangeError(
            _("That authority is not in the requested state."), code="wrong_destination"
        )
    conversation = Conversation.objects.create(
        conversation_id=uuid.uuid4(),
        authority=case.authority,
        case=case,
        partner=destination.partner,
        partner_party=destination.code,
        role=Conversation.Role.REQUESTER,
    )
    base = case.our_reference
    files = [
        PartFile(
            "pdf",
            uploads.stored_path(version.pdf_path),
            f"{base}-v{version.number}-{version.language}.pdf",
            "application/pdf",
            version.pdf_sha256,
        ),
        PartFile(
            "docx",
            uploads.stored_path(version.docx_path),
            f"{base}-v{version.number}-{version.language}.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            version.docx_sha256,
        ),
    ]
    # The request's annexes (supporting documents, translations): the latest version of each
    # document of the draft, as stored (checksums checked again when read).
    for n, document in enumerate(case.documents.order_by("created_at", "pk"), start=1):
        latest = document.versions.order_by("-number").first()
        if latest is not None:
            files.append(
                PartFile(
                    f"annex{n}",
                    uploads.stored_path(latest.file_path),
                    latest.original_name,
                    latest.content_type,
                    latest.sha256,
                )
            )
    body = {
        "request": version.document,
        "approval": {
            "version": version.number,
            "document_sha256": version.document_sha256,
            "finalised_by": version.finalised_by_name,
            "approved_by": version.approved_by_name,
            "approved_at": version.approved_at.isoformat() if version.approved_at else "",
        },
        "sender_reference": case.our_reference,
        "kind": case.kind,
        "confidentiality": case.confidentiality,
        "urgency": case.urgency,
        "renderings": [
            {"part_id": "pdf", "format": "pdf", "language": version.language},
            {"part_id": "docx", "format": "docx", "language": version.language},
        ],
        "attachments": [f.part_id for f in files if f.part_id.startswith("annex")],
    }
    with quiet():
        do_send(version, acting_user=acting_user)
    case.refresh_from_db()
    return queue(conversation, "request", body, files, acting_user=acting_user)


# Later actions ------------------------------------------------------------------------------

# For each action: the local transition it goes with (when the case is in a status it leaves
# from), and which side may send it.
ACTION_TRANSITIONS: dict[str, str] = {
    "acknowledgement": "acknowledge",
    "info_request": "request_info",
    "info_answer": "info_provided",
    "consultation": "consult",
    "postponement": "postpone",
    "execution_update": "execute_partially",
    "execution_result": "execute",
    "refusal": "refuse",
    "withdrawal": "withdraw",
    "status_request": "",
    "status_answer": "",
    "costs_notice": "",
}
TRANSITION_ACTIONS = {t: a for a, t in ACTION_TRANSITIONS.items() if t}

# The article a refusal ground comes from, as the refusal message names it.
GROUND_ARTICLES: dict[str, str] = {
    RefusalGround.NON_CONFORMITY: "UNTOC art. 18(21)(a)",
    RefusalGround.ESSENTIAL_INTERESTS: "UNTOC art. 18(21)(b)",
    RefusalGround.DOMESTIC_LAW_PROHIBITS: "UNTOC art. 18(21)(c)",
    RefusalGround.CONTRARY_TO_LEGAL_SYSTEM: "UNTOC art. 18(21)(d)",
    RefusalGround.NO_DUAL_CRIMINALITY: "UNTOC art. 18(9)",
    RefusalGround.DISCRIMINATION: "UNTOC art. 16(14)",
    RefusalGround.NATIONALITY: "UNTOC art. 16(10)",
}


def allowed_actions(conversation: Conversation) -> list[str]:
    """Actions this side may send now (by role and, where a move goes with it, by status)."""
    role = conversation.role
    names = set()
    if conversation.case is not None:
        names = {t.name for t in available_transitions(conversation.case)}
    allowed = []
    for action, spec in business.ACTIONS.items():
        if action == "request" or spec.sender_role != role:
            continue
        transition = ACTION_TRANSITIONS.get(action, "")
        if transition and transition not in names:
            continue
        allowed.append(action)
    return allowed


def _measures(case: Case) -> list[dict[str, str]]:
    return [
        {"kind": m.kind, "status": m.status, "note": m.status_reason[:5000]}
        for m in case.measures.all()
    ]


def build_body(
    action: str,
    case: Case,
    *,
    text: str = "",
    ground: str = "",
    attachments: list[str] = (),  # type: ignore[assignment]
    amount: str = "",
    currency: str = "",
    considering: str = "refusal",
) -> dict[str, Any]:
    """The business body of ``action`` from the case and what the officer wrote."""
    attached = list(attachments)
    if action == "acknowledgement":
        return {
            "receiver_reference": case.our_reference,
            "received_on": (case.received_on or timezone.localdate()).isoformat(),
            "note": text,
        }
    if action == "info_request":
        return {"questions": text, "deadline": None}
    if action == "info_answer":
        return {"answer": text, "attachments": attached}
    if action == "consultation":
        return {"considering": considering or "refusal", "reason": text}
    if action == "postponement":
        return {"reason": text, "until": None}
    if action in ("execution_update", "execution_result"):
        body: dict[str, Any] = {
            "summary": text or _("See the attached documents."),
            "measures": _measures(case),
            "attachments": attached,
        }
        if action == "execution_result":
            body["evidence_items"] = [
                {"part_id": part, "description": _("Evidence obtained")} for part in attached
            ]
        return body
    if action == "refusal":
        return {"ground": ground, "article": GROUND_ARTICLES.get(ground, ""), "reasons": text}
    if action == "withdrawal":
        return {"reason": text}
    if action == "status_request":
        return {"note": text}
    if action == "status_answer":
        return {"status": case.status, "note": text}
    if action == "costs_notice":
        return {"description": text, "amount": amount, "currency": currency, "article": "18(28)"}
    raise ExchangeError(_("Unknown action."), code="unknown_action")


def _conversation_of(case: Case) -> Conversation | None:
    return case.conversations.select_related("partner", "authority").first()


def _last_inbound(conversation: Conversation) -> uuid.UUID | None:
    last = (
        conversation.messages.filter(direction=Message.Direction.INBOUND)
        .order_by("-created_at")
        .values_list("message_id", flat=True)
        .first()
    )
    return last


@transaction.atomic
def do_send_action(
    case: Case,
    action: str,
    *,
    text: str = "",
    ground: str = "",
    documents: list[DocumentVersion] = (),  # type: ignore[assignment]
    amount: str = "",
    currency: str = "",
    considering: str = "refusal",
    acting_user: User,
) -> Message:
    """Send a business action about a case in a conversation; the local move that goes with it
    (acknowledge, request information, refuse…) is made in the same transaction."""
    conversation = _conversation_of(case)
    if conversation is None:
        raise ExchangeError(
            _("This request was not exchanged through the secure exchange."),
            code="no_conversation",
        )
    if action not in allowed_actions(conversation):
        raise ExchangeError(_("This action cannot be sent now."), code="action_not_allowed")
    files = [
        PartFile(
            f"doc{n}",
            uploads.stored_path(version.file_path),
            version.original_name,
            version.content_type,
            version.sha256,
        )
        for n, version in enumerate(documents, start=1)
    ]
    body = build_body(
        action,
        case,
        text=text.strip(),
        ground=ground,
        attachments=[f.part_id for f in files],
        amount=amount,
        currency=currency,
        considering=considering,
    )
    transition = ACTION_TRANSITIONS.get(action, "")
    if transition:
        with quiet():
            do_transition(
                case,
                transition,
                acting_user=acting_user,
                reason=text if BY_NAME[transition].needs_reason else "",
                ground=ground,
            )
    return queue(
        conversation,
        action,
        body,
        files,
        acting_user=acting_user,
        ref_to=_last_inbound(conversation),
    )


def notify_partner_of_transition(
    case: Case, name: str, reason: str, ground: str, acting_user: User | None
) -> None:
    """Hook of every case move: a move made with the ordinary buttons on a case exchanged
    through the network tells the other state (acknowledgement, refusal, execution…)."""
    if _quiet.get():
        return
    action = TRANSITION_ACTIONS.get(name)
    if action is None:
        return
    conversation = _conversation_of(case)
    if conversation is None or business.ACTIONS[action].sender_role != conversation.role:
        return
    if action in ("execution_update", "execution_result") and not reason:
        statuses = [m.status for m in case.measures.all()]
        done = statuses.count(MeasureStatus.EXECUTED)
        reason = ngettext(
            "%(count)s of %(total)s measure executed.",
            "%(count)s of %(total)s measures executed.",
            len(statuses),
        ) % {"count": done, "total": len(statuses)}
    conversation.case = case  # the case as just moved, not a stale copy
    try:
        queue(
            conversation,
            action,
            build_body(action, case, text=reason, ground=ground),
            acting_user=acting_user,
            ref_to=_last_inbound(conversation),
        )
    except ExchangeError as error:
        if error.code != "invalid_body":
            raise
        # E.g. "additional information received" with no text: nothing to tell that the
        # exchange form would not say better; the officer sends it from the case's panel.
