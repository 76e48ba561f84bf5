"""The outbox and its delivery worker: retries with growing backoff, relay failure at the
message's maximum age, the transactional outbox, late-evidence reminders, and leases so that
two workers never deliver one message twice."""

from __future__ import annotations

import datetime
import socket
import threading
import uuid
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from conftest import Personas
from rogatory.cases.models import CaseEvent, Reminder
from rogatory.drafting.models import RequestVersion
from rogatory.exchange import node, seal, transport
from rogatory.exchange.models import (
    Conversation,
    Evidence,
    LocalNode,
    Message,
    MessageState,
    Partner,
)
from rogatory.exchange.outbound import do_send_action, do_send_request, queue
from rogatory.exchange.timeouts import check_timeouts
from rogatory.reference.loaders import load_reference_data
from rogatory.treaties.loaders import load_treaty_data

from .conftest import destination_b

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def unreachable_partner(personas: Personas) -> Partner:
    """A second node, pinned, whose endpoint refuses connections."""
    since = timezone.now() - datetime.timedelta(days=1)
    sig = seal.generate_key("sig", not_before=since)
    enc = seal.generate_key("enc", not_before=since)
    token = seal.sign_descriptor(
        node_id="cc-node",
        endpoint=f"http://127.0.0.1:{closed_port()}/exchange/v1",
        keys=[sig.public(), enc.public()],
        authorities=[{"code": "cc-central", "name": "Central Authority of C", "state": "DE"}],
        signing_key=sig,
        issued_at=timezone.now(),
    )
    imported = node.do_import_descriptor(token, acting_user=personas.site_admin)
    return node.do_pin_partner(
        imported, seal.fingerprint(sig.public().jwk), acting_user=personas.site_admin
    )


def status_request(personas: Personas, partner: Partner, party: str) -> Message:
    conversation = Conversation.objects.create(
        conversation_id=uuid.uuid4(),
        authority=personas.authority_a,
        partner=partner,
        partner_party=party,
        role=Conversation.Role.REQUESTER,
    )
    return queue(conversation, "status_request", {"note": "Any news?"}, acting_user=None)


def test_unreachable_partner_gets_retries_with_growing_backoff(
    personas: Personas, hub: LocalNode, settings: Any
) -> None:
    """A refused connection counts an attempt, records the error and waits longer each time;
    past its maximum age the message fails with our own relay-failure evidence."""
    settings.EXCHANGE_RETRY_BASE_MS = 1000
    message = status_request(personas, unreachable_partner(personas), "cc-central")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for attempt in (1, 2, 3):
            assert transport.deliver_due() == 1
            message.refresh_from_db()
            assert message.state == MessageState.QUEUED
            assert message.attempts == attempt
            assert message.last_error
            assert message.lease_until is None
            assert message.next_attempt_at is not None
            # base × 2^attempts, with a jitter of 50–100 %
            wait = (message.next_attempt_at - timezone.now()).total_seconds()
            assert 2**attempt * 0.5 <= wait <= 2**attempt
            assert transport.deliver_due() == 0  # not due yet
            traveller.move_to(message.next_attempt_at)
        assert message.evidences.count() == 1  # the submission only

        traveller.move_to(message.expires_at + datetime.timedelta(minutes=1))
        assert transport.deliver_due() == 1
    message.refresh_from_db()
    assert message.state == MessageState.FAILED
    failure = message.evidences.get(type=Evidence.Type.RELAY_REMMD_FAILURE)
    assert failure.issuer_node == "hub-node"
    assert failure.reason_code == "max_age"
    assert message.next_attempt_at is None
    assert transport.deliver_due(now=message.expires_at + datetime.timedelta(days=1)) == 0


def test_outbox_rolls_back_with_the_case_event(
    personas: Personas, approved: RequestVersion
) -> None:
    """A message is written in the same transaction as its case event: a rollback leaves
    neither the message, nor its evidence, nor the event."""
    do_send_request(approved, destination_b(personas), acting_user=personas.officer)
    case = approved.case
    counts = (Message.objects.count(), Evidence.objects.count(), CaseEvent.objects.count())

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        do_send_action(case, "status_request", text="Any news?", acting_user=personas.officer)
        inside = (Message.objects.count(), Evidence.objects.count(), CaseEvent.objects.count())
        assert all(after > before for before, after in zip(counts, inside, strict=True))
        raise Abort
    after = (Message.objects.count(), Evidence.objects.count(), CaseEvent.objects.count())
    assert after == counts


def test_late_delivery_evidence_reminds_officer_and_supervisors_once_a_day(
    personas: Personas, approved: RequestVersion
) -> None:
    """A message relayed but not delivered for more than 24 h gives one reminder per person
    per day: the case's officer and the authority's supervisors."""
    start = datetime.datetime(2030, 1, 10, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        sent = do_send_request(approved, destination_b(personas), acting_user=personas.officer)
        # Relayed (the receiver keeps the envelope) but the attachments never follow.
        outcome = transport.LocalTransport().send_envelope(sent.wire)
        transport._keep_evidences(sent, outcome)
    sent.refresh_from_db()
    assert sent.state == MessageState.RELAYED

    assert check_timeouts(start + datetime.timedelta(hours=23)) == 0
    late = start + datetime.timedelta(hours=25)
    assert check_timeouts(late) == 2
    reminders = Reminder.objects.filter(kind=Reminder.Kind.EVIDENCE_MISSING)
    assert set(reminders.values_list("user", flat=True)) == {
        personas.officer.pk,
        personas.supervisor.pk,
    }
    assert set(reminders.values_list("case", flat=True)) == {approved.case_id}
    assert check_timeouts(late + datetime.timedelta(minutes=1)) == 0
    assert reminders.count() == 2
    assert check_timeouts(late + datetime.timedelta(days=1)) == 2
    assert reminders.count() == 4


def test_a_lease_is_taken_once(personas: Personas, approved: RequestVersion) -> None:
    """A second claim on a leased message fails until the lease runs out."""
    sent = do_send_request(approved, destination_b(personas), acting_user=personas.officer)
    now = timezone.now()
    assert transport._claim(sent, now) is True
    assert transport._claim(sent, now) is False
    later = now + transport._lease() + datetime.timedelta(seconds=1)
    assert transport._claim(sent, later) is True


def test_a_message_delivered_by_another_worker_is_not_claimed_again(
    personas: Personas, approved: RequestVersion
) -> None:
    """A worker holding a stale copy of a message another worker already delivered does not
    claim it (and so does not deliver it a second time)."""
    sent = do_send_request(approved, destination_b(personas), acting_user=personas.officer)
    stale = Message.objects.get(pk=sent.pk)
    assert transport.deliver_due() == 1
    sent.refresh_from_db()
    assert sent.state == MessageState.DELIVERED
    assert stale.state == MessageState.QUEUED
    assert transport._claim(stale, timezone.now()) is False


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_workers_deliver_each_message_once(
    reference_data: None, personas: Personas, hub: LocalNode
) -> None:
    """Two workers running at once over the same outbox deliver each message exactly once."""
    self_partner = Partner.objects.get(node_id="hub-node")
    sent = [status_request(personas, self_partner, personas.authority_b.code) for _ in range(20)]
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def work() -> None:
        try:
            start.wait()
            transport.deliver_due()
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert errors == []
    for message in sent:
        relayed = Evidence.objects.filter(
            message=message, type=Evidence.Type.RELAY_REMMD_ACCEPTANCE
        )
        assert relayed.count() == 1
        assert (
            Message.objects.filter(
                direction=Message.Direction.INBOUND, message_id=message.message_id
            ).count()
            == 1
        )
    assert set(
        Message.objects.filter(direction=Message.Direction.OUTBOUND).values_list("state", flat=True)
    ) == {MessageState.DELIVERED}


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    """Transactional tests start from flushed tables: load the reference data again."""
    load_reference_data()
    load_treaty_data()
