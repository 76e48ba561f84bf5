"""A whole conversation between two authorities on one node (a regional hub): the same
protocol, signatures, evidences and audit as between two nodes."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Personas
from rogatory.audit.verify import verify_chain
from rogatory.cases.actions import do_change_measure_status, do_transition
from rogatory.cases.choices import Channel, Direction, MeasureStatus, Status
from rogatory.cases.models import Case
from rogatory.drafting.models import RequestVersion
from rogatory.exchange import timeouts, transport
from rogatory.exchange.filing import do_accept_request, do_mark_retrieved
from rogatory.exchange.models import Evidence, Message, MessageState
from rogatory.exchange.outbound import do_send_action, do_send_request
from rogatory.lib import uploads

from .conftest import destination_b

pytestmark = pytest.mark.django_db


def _types(message: Message) -> list[str]:
    return list(message.evidences.order_by("event_time", "pk").values_list("type", flat=True))


def test_request_travels_and_becomes_an_incoming_case(
    personas: Personas,
    approved: RequestVersion,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """The approved request is sealed, relayed, delivered, registered at B, opened; A sees
    every evidence and every later step of B moves A's case."""
    sent = do_send_request(approved, destination_b(personas), acting_user=personas.officer)
    case_a = approved.case
    case_a.refresh_from_db()
    assert case_a.status == Status.SENT
    assert sent.state == MessageState.QUEUED
    assert _types(sent) == ["SUBMISSION_ACCEPTANCE"]

    transport.run_once()
    sent.refresh_from_db()
    assert sent.state == MessageState.DELIVERED
    assert _types(sent) == ["SUBMISSION_ACCEPTANCE", "RELAY_REMMD_ACCEPTANCE", "DELIVERY"]
    received = Message.objects.get(direction=Message.Direction.INBOUND, message_id=sent.message_id)
    assert received.authority == personas.authority_b
    assert received.digest == sent.digest
    # The PDF and DOCX travel with exactly the approved checksums.
    assert {p.part_id: p.sha256 for p in received.parts.all()} == {
        "pdf": approved.pdf_sha256,
        "docx": approved.docx_sha256,
    }

    # B's officer opens it (retrieval, pushed back to A) and registers it.
    assert do_mark_retrieved(received, acting_user=personas.outsider)
    assert not do_mark_retrieved(received, acting_user=personas.outsider)
    # Received files go on the case once the filing has committed (decision 0022).
    with django_capture_on_commit_callbacks(execute=True):
        case_b = do_accept_request(received, acting_user=personas.outsider)
    assert case_b.direction == Direction.INCOMING
    assert case_b.authority == personas.authority_b
    assert case_b.their_reference == case_a.our_reference
    assert case_b.confidentiality == case_a.confidentiality
    assert case_b.channel == Channel.ELECTRONIC_EXCHANGE
    assert case_b.documents.count() == 2
    transport.run_once()
    sent.refresh_from_db()
    assert sent.state == MessageState.RETRIEVED
    assert _types(sent)[-1] == "RETRIEVAL"

    # B acknowledges with the ordinary button: A's case follows.
    do_transition(case_b, "acknowledge", acting_user=personas.outsider)
    transport.run_once()
    case_a.refresh_from_db()
    assert case_a.status == Status.ACKNOWLEDGED
    assert case_a.their_reference == case_b.our_reference

    # B asks for more information; A answers; B executes partially, then fully with a file.
    do_transition(case_b, "review", acting_user=personas.outsider)
    do_send_action(
        case_b, "info_request", text="Which accounts exactly?", acting_user=personas.outsider
    )
    transport.run_once()
    case_a.refresh_from_db()
    assert case_a.status == Status.INFO_REQUESTED
    do_send_action(case_a, "info_answer", text="KE00 1234 5678 only.", acting_user=personas.officer)
    assert case_a.status == Status.INFO_PROVIDED
    transport.run_once()
    case_b.refresh_from_db()
    assert case_b.status == Status.INFO_PROVIDED

    do_transition(case_b, "execute_start", acting_user=personas.outsider)
    measure = case_b.measures.get()
    do_change_measure_status(measure, MeasureStatus.IN_EXECUTION, acting_user=personas.outsider)
    do_change_measure_status(
        measure, MeasureStatus.PARTIALLY_EXECUTED, acting_user=personas.outsider
    )
    do_send_action(
        case_b,
        "execution_update",
        text="Statements for 2022 obtained.",
        acting_user=personas.outsider,
    )
    transport.run_once()
    case_a.refresh_from_db()
    assert case_a.status == Status.PARTIALLY_EXECUTED
    assert case_a.measures.get().status == MeasureStatus.PARTIALLY_EXECUTED

    measure.refresh_from_db()
    do_change_measure_status(measure, MeasureStatus.EXECUTED, acting_user=personas.outsider)
    statement = case_b.documents.get(title__endswith=".pdf").versions.get()
    do_send_action(
        case_b,
        "execution_result",
        text="Statements attached.",
        acting_user=personas.outsider,
        documents=[statement],
    )
    with django_capture_on_commit_callbacks(execute=True):
        transport.run_once()
    case_a.refresh_from_db()
    assert case_a.status == Status.EXECUTED
    evidence_docs = case_a.documents.filter(kind="evidence")
    assert evidence_docs.count() == 1
    assert evidence_docs.get().versions.get().sha256 == statement.sha256

    # Every message of the conversation was delivered; the audit chain verifies.
    outbound = Message.objects.filter(direction=Message.Direction.OUTBOUND)
    assert set(outbound.values_list("state", flat=True)) <= {
        MessageState.DELIVERED,
        MessageState.RETRIEVED,
    }
    assert Evidence.objects.filter(type__in=["NON_DELIVERY", "RELAY_REMMD_REJECTION"]).count() == 0
    assert verify_chain().ok


def test_outsider_cannot_register_another_authoritys_request(
    personas: Personas, approved: RequestVersion
) -> None:
    """Only an officer of the receiving authority registers a received request."""
    sent = do_send_request(approved, destination_b(personas), acting_user=personas.officer)
    transport.run_once()
    received = Message.objects.get(direction=Message.Direction.INBOUND, message_id=sent.message_id)
    from rogatory.exchange.errors import ExchangeError

    with pytest.raises(ExchangeError):
        do_accept_request(received, acting_user=personas.officer)
    assert not Case.objects.filter(authority=personas.authority_b).exists()


def test_a_message_that_matches_no_request_is_held_then_filed(
    client: Client, personas: Personas, approved: RequestVersion
) -> None:
    """A message in a conversation the recipient does not know is held, never dropped; an
    officer files it on the right request from the message page."""
    from rogatory.exchange.models import Conversation, Partner
    from rogatory.exchange.outbound import queue

    conversation = Conversation.objects.create(
        conversation_id=uuid.uuid4(),
        authority=personas.authority_b,
        partner=Partner.objects.get(node_id="hub-node"),
        partner_party=personas.authority_a.code,
        role=Conversation.Role.REQUESTED,
    )
    queue(
        conversation,
        "status_answer",
        {"status": "in_execution", "note": "Under way."},
        acting_user=personas.outsider,
    )
    transport.run_once()
    held = Message.objects.get(direction=Message.Direction.INBOUND, authority=personas.authority_a)
    assert held.held and held.conversation is None
    client.force_login(personas.officer)
    page = client.get(reverse("exchange_message", args=[held.public_id]))
    assert b"exchange_message_file_held" not in page.content  # the URL, not its name
    assert reverse("exchange_message_file_held", args=[held.public_id]).encode() in page.content
    wrong = client.post(
        reverse("exchange_message_file_held", args=[held.public_id]), {"reference": "NOPE-1"}
    )
    assert wrong.status_code == 302
    held.refresh_from_db()
    assert held.held
    case = approved.case
    response = client.post(
        reverse("exchange_message_file_held", args=[held.public_id]),
        {"reference": case.our_reference},
    )
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    held.refresh_from_db()
    assert not held.held
    assert case.events.filter(kind="exchange").exists()
    # The request had no conversation: the message's becomes its, and the next message in it
    # lands on the request by itself.
    assert held.conversation is not None and held.conversation.case == case
    queue(
        conversation,
        "status_answer",
        {"status": "executed", "note": "Done."},
        acting_user=personas.outsider,
    )
    transport.run_once()
    follow_up = (
        Message.objects.filter(direction=Message.Direction.INBOUND, authority=personas.authority_a)
        .exclude(pk=held.pk)
        .get()
    )
    assert not follow_up.held and follow_up.conversation == held.conversation


def test_the_directory_entry_shows_where_a_state_is_reachable(
    client: Client, personas: Personas, hub: object
) -> None:
    """A state's directory entry lists its authorities reachable through the exchange, with
    the node's fingerprint, to logged-in users; the public entry does not."""
    url = reverse("profile_detail", args=["KE"])
    assert b"directory-exchange" not in client.get(url).content
    client.force_login(personas.officer)
    page = client.get(url).content.decode()
    assert 'data-testid="directory-exchange"' in page
    assert f"{personas.authority_b.code}@hub-node" in page


def test_large_attachments_are_filed_by_the_worker(
    personas: Personas, approved: RequestVersion, settings: Any
) -> None:
    """A message whose attachments exceed the inline limit is completed by its last chunk but
    checked and filed by the receiving worker, which pushes the delivery evidence back."""
    settings.EXCHANGE_FILE_INLINE_MAX = 0
    sent = do_send_request(approved, destination_b(personas), acting_user=personas.officer)
    transport.deliver_due()
    received = Message.objects.get(direction=Message.Direction.INBOUND, message_id=sent.message_id)
    assert received.state == MessageState.COMPLETE
    sent.refresh_from_db()
    assert sent.state == MessageState.RELAYED
    assert sent.next_attempt_at is not None and sent.next_attempt_at > timezone.now()
    transport.run_once()
    received.refresh_from_db()
    sent.refresh_from_db()
    assert received.state == MessageState.FILED
    assert sent.state == MessageState.DELIVERED
    assert _types(sent) == ["SUBMISSION_ACCEPTANCE", "RELAY_REMMD_ACCEPTANCE", "DELIVERY"]


def test_a_message_nobody_opens_gets_a_non_retrieval_evidence(
    personas: Personas, approved: RequestVersion
) -> None:
    """Filed but opened by nobody within the retrieval timeout: a NON_RETRIEVAL evidence, once,
    sent back to the sender; opening it later still gives the retrieval evidence."""
    sent = do_send_request(approved, destination_b(personas), acting_user=personas.officer)
    transport.run_once()
    later = timezone.now() + datetime.timedelta(hours=37)
    assert timeouts.issue_non_retrievals(now=later) == 1
    assert timeouts.issue_non_retrievals(now=later) == 0
    transport.push_evidences()
    assert _types(sent)[-1] == "NON_RETRIEVAL"
    received = Message.objects.get(direction=Message.Direction.INBOUND, message_id=sent.message_id)
    assert do_mark_retrieved(received, acting_user=personas.outsider)
    transport.push_evidences()
    sent.refresh_from_db()
    assert sent.state == MessageState.RETRIEVED


def test_received_files_are_checked_after_the_filing_commits(
    personas: Personas,
    approved: RequestVersion,
    django_capture_on_commit_callbacks: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Registering a received request checks its files with no transaction open: a check
    inside it would hold SQLite's write lock (decision 0022)."""
    outer = len(connection.atomic_blocks)
    depths: list[int] = []
    detect = uploads._detect

    def recording(path: Any, extension: str) -> str:
        depths.append(len(connection.atomic_blocks) - outer)
        return detect(path, extension)

    monkeypatch.setattr(uploads, "_detect", recording)
    do_send_request(approved, destination_b(personas), acting_user=personas.officer)
    transport.run_once()
    received = Message.objects.get(direction=Message.Direction.INBOUND, action="request")
    with django_capture_on_commit_callbacks(execute=True):
        case_b = do_accept_request(received, acting_user=personas.outsider)
    assert case_b.documents.count() == 2
    assert depths == [0, 0]


def test_large_received_files_are_put_on_the_case_by_the_worker(
    personas: Personas, approved: RequestVersion, settings: Any
) -> None:
    """Registering a request whose files are larger than a request may copy leaves them to
    the worker, which files them on the case outside any web request."""
    settings.EXCHANGE_FILE_INLINE_MAX = 1000
    do_send_request(approved, destination_b(personas), acting_user=personas.officer)
    transport.run_once()
    received = Message.objects.get(direction=Message.Direction.INBOUND, action="request")
    case_b = do_accept_request(received, acting_user=personas.outsider)
    assert case_b.documents.count() == 0
    transport.run_once()
    assert case_b.documents.count() == 2
    assert {d.versions.get().sha256 for d in case_b.documents.all()} == {
        approved.pdf_sha256,
        approved.docx_sha256,
    }


def test_a_late_evidence_never_moves_a_message_back(
    personas: Personas, approved: RequestVersion
) -> None:
    """The worker may still hold a copy saying "relayed" when the partner's retrieval evidence
    arrives through the endpoint: the delivery evidence it then keeps must not put the
    message back from "retrieved" to "delivered" (seen as a two-node timeout under load)."""
    from rogatory.exchange.records import _advance

    sent = do_send_request(approved, destination_b(personas), acting_user=personas.officer)
    Message.objects.filter(pk=sent.pk).update(state=MessageState.RELAYED)
    stale = Message.objects.get(pk=sent.pk)  # the worker's copy
    fresh = Message.objects.get(pk=sent.pk)  # the endpoint's copy
    _advance(fresh, Evidence(type=Evidence.Type.RETRIEVAL))
    _advance(stale, Evidence(type=Evidence.Type.DELIVERY))
    sent.refresh_from_db()
    assert sent.state == MessageState.RETRIEVED
    assert stale.state == MessageState.RETRIEVED  # the copy learns the stored state
