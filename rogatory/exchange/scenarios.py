"""The conversation the two-node tests and the demo play, one side per node: the requesting
authority (France's demo central authority) and the requested one (Kenya's).

requester: drafts, finalises, approves and sends a request with an annex; answers the request
for more information; waits for the result. requested: registers the request, acknowledges it,
asks for more information, executes partially, then fully with a file. Each side opens what it
receives (retrieval evidence), waits until its own messages were opened at the other end,
writes every message's evidence bundle and reports as JSON.
"""

from __future__ import annotations

import argparse
import datetime
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.utils import timezone

from rogatory.accounts.models import Authority, User
from rogatory.audit.verify import verify_chain
from rogatory.cases.actions import (
    do_add_document,
    do_add_person,
    do_change_measure_status,
    do_register_case,
    do_transition,
)
from rogatory.cases.choices import Direction, DocumentKind, MeasureStatus, MeasureType, Status
from rogatory.cases.models import Case
from rogatory.drafting.actions import do_approve, do_finalise
from rogatory.reference.models import State

from .filing import do_accept_request, do_mark_retrieved
from .models import Message, MessageState, PartnerAuthority
from .offline import write_message_bundle
from .outbound import do_send_action, do_send_request


def _wait(what: str, check: Callable[[], Any], timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise TimeoutError(f"waited {timeout:.0f} s for {what}")


def _open_received(authority: Authority, reader: User) -> None:
    for message in Message.objects.filter(
        authority=authority,
        direction=Message.Direction.INBOUND,
        state=MessageState.FILED,
        retrieved_at__isnull=True,
    ):
        do_mark_retrieved(message, acting_user=reader)


# What the requested side sends in this conversation, in order. Messages may arrive out of
# order (a delivery that failed once is retried after one sent later), so the requester,
# having seen the result, still waits for each of them before it stops opening what arrives.
REQUESTED_SENDS = ("acknowledgement", "info_request", "execution_update", "execution_result")


def _all_opened(authority: Authority, reader: User, expected: tuple[str, ...] = ()) -> bool:
    """Whether our messages were all opened at the other end and every message of the
    ``expected`` actions reached us (and was opened here, by ``reader``)."""
    _open_received(authority, reader)
    received = set(
        Message.objects.filter(
            authority=authority,
            direction=Message.Direction.INBOUND,
            retrieved_at__isnull=False,
        ).values_list("action", flat=True)
    )
    return set(expected) <= received and (
        not Message.objects.filter(authority=authority, direction=Message.Direction.OUTBOUND)
        .exclude(state=MessageState.RETRIEVED)
        .exists()
    )


def _report(authority: Authority, case: Case, bundles: Path) -> dict[str, Any]:
    bundles.mkdir(parents=True, exist_ok=True)
    messages = []
    for message in Message.objects.filter(authority=authority).order_by("sealed_at", "direction"):
        path = bundles / f"{message.direction}-{message.action}-{message.message_id}.zip"
        path.write_bytes(write_message_bundle(message))
        messages.append(
            {
                "action": message.action,
                "direction": message.direction,
                "state": message.state,
                "message_id": str(message.message_id),
                "digest": message.digest,
                "evidences": list(
                    message.evidences.order_by("event_time", "pk").values_list("type", flat=True)
                ),
                "bundle": str(path),
                "parts": [[p.part_id, p.size, p.sha256] for p in message.parts.all()],
            }
        )
    case.refresh_from_db()
    return {
        "case": case.our_reference,
        "case_status": case.status,
        "their_reference": case.their_reference,
        "documents": case.documents.count(),
        "messages": messages,
        "audit_ok": verify_chain().ok,
    }


def _write_annex(size_mb: float, directory: Path) -> Path:
    """A bank export of ``size_mb`` MB (CSV), written in pieces: flat memory."""
    path = directory / "bank-export.csv"
    line = b"2024-03-01;KE00 1234 5678;TRANSFER;-1250.00;KES;Tana Holdings Ltd\n"
    target = int(size_mb * 1_000_000)
    with open(path, "wb") as handle:
        handle.write(b"date;account;type;amount;currency;counterparty\n")
        block = line * 16384
        written = 0
        while written + len(block) <= target:
            handle.write(block)
            written += len(block)
        while written + len(line) <= target:
            handle.write(line)
            written += len(line)
    return path


def draft_request(authority: Authority, officer: User) -> Case:
    """France's demo request to Kenya for bank records: every part of art. 18(15) given."""
    case = do_register_case(
        authority,
        direction=Direction.OUTGOING,
        fields={
            "kind": "mla",
            "requested_state_id": "KE",
            "subject": "Blanchiment du produit de la corruption",
            "summary_of_facts": "Des commissions versées à Paris ont été virées sur un compte à "
            "Nairobi entre 2022 et 2024.",
            "purpose": "Retracer les fonds et en établir l'origine devant le tribunal.",
            "procedure": "Copies certifiées conformes, avec une attestation de la banque.",
            "conducting_authority": "Juge d'instruction, tribunal judiciaire de Paris",
            "requested_authority_name": "Office of the Director of Public Prosecutions",
            "legal_basis_note": "UNCAC art. 46",
            "requested_deadline": timezone.localdate() + datetime.timedelta(days=90),
        },
        acting_user=officer,
        offences=[{"national_name": "Blanchiment", "national_provision": "Code pénal, art. 324-1"}],
        measures=[
            {
                "kind": MeasureType.BANK_RECORDS,
                "description": "Statements and opening documents",
                "details": {
                    "institution": "Harambee Bank",
                    "account": "KE00 1234 5678",
                    "holder": "Tana Holdings Ltd",
                    "period_from": "2022-01-01",
                    "period_to": "2024-12-31",
                },
            }
        ],
    )
    do_add_person(
        case,
        {
            "role": "asset_holder",
            "name": "Tana Holdings Ltd",
            "is_legal_person": True,
            "nationality": State.objects.get(pk="KE"),
            "location": "Nairobi",
        },
        acting_user=officer,
    )
    return case


def send_request(options: argparse.Namespace) -> tuple[Authority, User, Case]:
    """Draft, finalise, approve and send a request with an annex of ``attachment_mb``."""
    authority = Authority.objects.get(code="fr-bepi")
    officer = User.objects.get(username="claire.officer")
    supervisor = User.objects.get(username="marc.supervisor")
    case = draft_request(authority, officer)
    with tempfile.TemporaryDirectory() as scratch:
        annex = _write_annex(options.attachment_mb, Path(scratch))
        with open(annex, "rb") as handle:
            do_add_document(
                case,
                title="Bank export (annex)",
                kind=DocumentKind.SUPPORTING,
                upload=handle,
                original_name=annex.name,
                acting_user=officer,
            )
    version = do_finalise(case, language="en", acting_user=officer)
    version = do_approve(version, acting_user=supervisor)
    destination = PartnerAuthority.objects.get(code="ke-odpp")
    do_send_request(version, destination, acting_user=officer)
    return authority, officer, case


def requester(options: argparse.Namespace) -> dict[str, Any]:
    authority, officer, case = send_request(options)

    def asked() -> bool:
        _open_received(authority, officer)
        case.refresh_from_db()
        return case.status == Status.INFO_REQUESTED

    _wait("the request for more information", asked, options.timeout)
    do_send_action(
        case,
        "info_answer",
        text="Only account KE00 1234 5678; the period is 2022 to 2024.",
        acting_user=officer,
    )

    def executed() -> bool:
        _open_received(authority, officer)
        case.refresh_from_db()
        return case.status == Status.EXECUTED

    _wait("the execution result", executed, options.timeout)
    _wait(
        "our messages to be opened and theirs to arrive",
        lambda: _all_opened(authority, officer, REQUESTED_SENDS),
        options.timeout,
    )
    return _report(authority, case, Path(options.bundles))


def requested(options: argparse.Namespace) -> dict[str, Any]:
    authority = Authority.objects.get(code="ke-odpp")
    officer = User.objects.get(username="wanjiru.officer")

    def request_in() -> Message | None:
        return Message.objects.filter(
            authority=authority,
            direction=Message.Direction.INBOUND,
            action="request",
            state=MessageState.FILED,
            conversation__case__isnull=True,
        ).first()

    message = _wait("the request", request_in, options.timeout)
    do_mark_retrieved(message, acting_user=officer)
    case = do_accept_request(message, acting_user=officer)
    do_transition(case, "acknowledge", acting_user=officer)
    do_transition(case, "review", acting_user=officer)
    do_send_action(
        case,
        "info_request",
        text="Please confirm the account numbers and the period of the statements.",
        acting_user=officer,
    )

    def answered() -> bool:
        _open_received(authority, officer)
        case.refresh_from_db()
        return case.status == Status.INFO_PROVIDED

    _wait("the additional information", answered, options.timeout)
    do_transition(case, "execute_start", acting_user=officer)
    measure = case.measures.get()
    do_change_measure_status(measure, MeasureStatus.IN_EXECUTION, acting_user=officer)
    do_change_measure_status(measure, MeasureStatus.PARTIALLY_EXECUTED, acting_user=officer)
    do_send_action(
        case,
        "execution_update",
        text="Statements for 2022 obtained; 2023 and 2024 requested from the bank.",
        acting_user=officer,
    )
    measure.refresh_from_db()
    do_change_measure_status(measure, MeasureStatus.EXECUTED, acting_user=officer)
    from rogatory.demo.cases import pdf_bytes

    statements = pdf_bytes(
        "Harambee Bank - certified statements",
        ["Account KE00 1234 5678, Tana Holdings Ltd", "1 January 2022 to 31 December 2024"],
    )
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "certified-statements.pdf"
        path.write_bytes(statements)
        with open(path, "rb") as handle:
            result = do_add_document(
                case,
                title="Certified bank statements",
                kind=DocumentKind.EVIDENCE,
                upload=handle,
                original_name=path.name,
                acting_user=officer,
            )
    do_send_action(
        case,
        "execution_result",
        text="The certified statements for 2022-2024 are attached.",
        documents=[result],
        acting_user=officer,
    )
    _wait("our messages to be opened", lambda: _all_opened(authority, officer), options.timeout)
    return _report(authority, case, Path(options.bundles))


def play(role: str, argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog=f"loopback play {role}")
    parser.add_argument("--attachment-mb", type=float, default=1.0)
    parser.add_argument("--bundles", default=tempfile.mkdtemp(prefix="bundles-"))
    parser.add_argument("--timeout", type=float, default=300.0)
    options = parser.parse_args(argv)
    if role == "requester":
        return requester(options)
    if role == "send-request":
        _authority, _officer, case = send_request(options)
        message = Message.objects.get(conversation__case=case, action="request")
        return {"message_id": str(message.message_id), "case": case.our_reference}
    if role == "requested":
        return requested(options)
    raise SystemExit(f"unknown role {role!r}")
