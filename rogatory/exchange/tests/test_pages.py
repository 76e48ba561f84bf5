"""The exchange pages: inbox and outbox, a message, its bundle and export, the partners page,
the panel on a case, and who may see or do what on each."""

from __future__ import annotations

import datetime
import io
import uuid
import zipfile
from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import Personas, make_user
from rogatory.accounts.models import Role, User
from rogatory.cases.actions import do_transition
from rogatory.cases.choices import Confidentiality, Direction, Status
from rogatory.cases.models import Case
from rogatory.drafting.models import RequestVersion
from rogatory.exchange import node, seal, transport
from rogatory.exchange.bundle import verify_bundle
from rogatory.exchange.filing import do_accept_request
from rogatory.exchange.models import (
    Conversation,
    Evidence,
    LocalNode,
    Message,
    MessageState,
    Partner,
)
from rogatory.exchange.outbound import do_send_request, queue

from .conftest import destination_b

pytestmark = pytest.mark.django_db


def client_for(user: User, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def flashes(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def message_url(message: Message, name: str = "exchange_message") -> str:
    return reverse(name, args=[message.public_id])


@pytest.fixture
def sent(personas: Personas, approved: RequestVersion) -> Message:
    """A's request, sealed, relayed and delivered to B (not yet opened nor registered)."""
    message = do_send_request(approved, destination_b(personas), acting_user=personas.officer)
    transport.run_once()
    message.refresh_from_db()
    assert message.state == MessageState.DELIVERED
    return message


def case_of(message: Message) -> Case:
    assert message.conversation is not None and message.conversation.case is not None
    return message.conversation.case


def received(message: Message) -> Message:
    return Message.objects.get(direction=Message.Direction.INBOUND, message_id=message.message_id)


# Lists and tenancy --------------------------------------------------------------------------


def test_inbox_and_outbox_list_only_the_users_authoritys_messages(
    personas: Personas, sent: Message
) -> None:
    """A sees its sent request in its outbox and nothing in its inbox; B the reverse."""
    inbound = received(sent)
    officer = client_for(personas.officer)
    outbox = officer.get(reverse("exchange_inbox"), {"box": "outbox"}).content.decode()
    inbox = officer.get(reverse("exchange_inbox")).content.decode()
    assert message_url(sent) in outbox
    assert message_url(inbound) not in outbox
    assert message_url(sent) not in inbox
    assert message_url(inbound) not in inbox

    outsider = client_for(personas.outsider)
    inbox_b = outsider.get(reverse("exchange_inbox")).content.decode()
    outbox_b = outsider.get(reverse("exchange_inbox"), {"box": "outbox"}).content.decode()
    assert message_url(inbound) in inbox_b
    assert 'data-testid="to-register"' in inbox_b
    assert message_url(sent) not in inbox_b
    assert message_url(sent) not in outbox_b


@pytest.mark.parametrize(
    "name", ["exchange_message", "exchange_message_bundle", "exchange_message_export"]
)
def test_outsider_gets_404_on_another_authoritys_message(
    personas: Personas, sent: Message, name: str
) -> None:
    """Another authority's officer gets 404 on the message, its bundle and its export."""
    assert client_for(personas.outsider).get(message_url(sent, name)).status_code == 404
    inbound = received(sent)
    assert client_for(personas.officer).get(message_url(inbound, name)).status_code == 404


def test_supervisor_reads_but_does_not_write(personas: Personas, sent: Message) -> None:
    """A supervisor reads and downloads the bundle but gets 403 on export, register, send."""
    supervisor = client_for(personas.supervisor)
    assert supervisor.get(message_url(sent)).status_code == 200
    assert supervisor.get(message_url(sent, "exchange_message_bundle")).status_code == 200
    assert supervisor.get(message_url(sent, "exchange_message_export")).status_code == 403
    assert supervisor.post(message_url(sent, "exchange_message_register")).status_code == 403
    case = case_of(sent)
    send_request = reverse("exchange_case_send_request", args=[case.public_id])
    send = reverse("exchange_case_send", args=[case.public_id])
    assert supervisor.post(send_request, {}).status_code == 403
    assert supervisor.post(send, {"action": "status_request"}).status_code == 403
    assert supervisor.post(reverse("exchange_import")).status_code == 403
    assert Message.objects.filter(direction=Message.Direction.OUTBOUND).count() == 1


def test_officer_exports_the_sealed_envelope(personas: Personas, sent: Message) -> None:
    """An officer downloads the sealed envelope of a message A sent."""
    response = client_for(personas.officer).get(message_url(sent, "exchange_message_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert len(b"".join(response.streaming_content)) > 0


def test_opening_a_received_message_issues_one_retrieval(personas: Personas, sent: Message) -> None:
    """The first time a member of B opens the message, one RETRIEVAL evidence is issued."""
    inbound = received(sent)
    outsider = client_for(personas.outsider)
    assert outsider.get(message_url(inbound)).status_code == 200
    assert outsider.get(message_url(inbound)).status_code == 200
    retrievals = Evidence.objects.filter(message=inbound, type=Evidence.Type.RETRIEVAL)
    assert retrievals.count() == 1
    inbound.refresh_from_db()
    assert inbound.retrieved_by_name == personas.outsider.username


def test_opening_our_sent_message_issues_no_retrieval(personas: Personas, sent: Message) -> None:
    """Opening a message one's own authority sent issues no retrieval evidence."""
    assert client_for(personas.officer).get(message_url(sent)).status_code == 200
    assert not Evidence.objects.filter(type=Evidence.Type.RETRIEVAL).exists()


def test_register_button_creates_the_incoming_case(personas: Personas, sent: Message) -> None:
    """B's officer registers the received request: a case of B, and a redirect to it."""
    inbound = received(sent)
    outsider = client_for(personas.outsider)
    page = outsider.get(message_url(inbound)).content.decode()
    assert 'data-testid="register-request"' in page
    response = outsider.post(message_url(inbound, "exchange_message_register"))
    case = Case.objects.get(authority=personas.authority_b)
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    assert case.direction == Direction.INCOMING
    again = outsider.post(message_url(inbound, "exchange_message_register"))
    assert again.status_code == 302
    assert "already registered" in " ".join(flashes(again))
    assert Case.objects.filter(authority=personas.authority_b).count() == 1


def test_register_needs_csrf(personas: Personas, sent: Message) -> None:
    """Registering without a CSRF token is refused (403)."""
    inbound = received(sent)
    client = client_for(personas.outsider, enforce_csrf_checks=True)
    assert client.post(message_url(inbound, "exchange_message_register")).status_code == 403
    assert not Case.objects.filter(authority=personas.authority_b).exists()


# Evidence bundle ----------------------------------------------------------------------------


def _changed(bundle: bytes, member: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(bundle)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == member:
                position = data.index(b'"created_at"') + len(b'"created_at":"') + 3
                data = data[:position] + bytes([data[position] ^ 1]) + data[position + 1 :]
            target.writestr(info.filename, data)
    return out.getvalue()


def test_bundle_verifies_and_fails_once_altered(personas: Personas, sent: Message) -> None:
    """The downloaded bundle verifies offline; one byte changed in envelope.json fails it."""
    response = client_for(personas.officer).get(message_url(sent, "exchange_message_bundle"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    result = verify_bundle(io.BytesIO(response.content))
    assert result.ok, result.lines
    altered = verify_bundle(io.BytesIO(_changed(response.content, "envelope.json")))
    assert not altered.ok


# Partners -----------------------------------------------------------------------------------


def test_partners_page_is_for_site_administrators(personas: Personas, hub: LocalNode) -> None:
    """Officers get 403 on the partners page; the site administrator sees our fingerprint."""
    assert client_for(personas.officer).get(reverse("exchange_partners")).status_code == 403
    response = client_for(personas.site_admin).get(reverse("exchange_partners"))
    assert response.status_code == 200
    assert node.our_fingerprint() in response.content.decode()


def _descriptor() -> tuple[str, str]:
    now = timezone.now()
    sig = seal.generate_key("sig", not_before=now - datetime.timedelta(days=1))
    enc = seal.generate_key("enc", not_before=now - datetime.timedelta(days=1))
    token = seal.sign_descriptor(
        node_id="dd-node",
        endpoint="https://dd.example.org/exchange/v1",
        keys=[sig.public(), enc.public()],
        authorities=[{"code": "dd-central", "name": "Central Authority of D", "state": "DE"}],
        signing_key=sig,
        issued_at=now,
    )
    return token, seal.fingerprint(sig.public().jwk)


def test_import_pin_and_revoke_a_partner(personas: Personas, hub: LocalNode) -> None:
    """A wrong fingerprint leaves the partner pending, the right one pins it; revoke works."""
    admin = client_for(personas.site_admin)
    token, fingerprint = _descriptor()
    imported = admin.post(reverse("exchange_partner_import"), {"token": token})
    assert imported.status_code == 302
    partner = Partner.objects.get(node_id="dd-node")
    assert partner.status == Partner.Status.PENDING
    pin_url = reverse("exchange_partner_pin", args=["dd-node"])

    wrong = admin.post(pin_url, {"fingerprint": "AAAA-BBBB-CCCC-DDDD-EEEE"}, follow=True)
    assert "does not match" in wrong.content.decode()
    partner.refresh_from_db()
    assert partner.status == Partner.Status.PENDING

    right = admin.post(pin_url, {"fingerprint": fingerprint.lower()}, follow=True)
    assert right.status_code == 200
    partner.refresh_from_db()
    assert partner.status == Partner.Status.PINNED
    assert partner.pinned_by_name == personas.site_admin.username

    admin.post(reverse("exchange_partner_revoke", args=["dd-node"]))
    partner.refresh_from_db()
    assert partner.status == Partner.Status.REVOKED


def test_import_of_garbage_shows_an_error(personas: Personas, hub: LocalNode) -> None:
    """A pasted text that is no descriptor shows an error and imports nothing."""
    admin = client_for(personas.site_admin)
    response = admin.post(reverse("exchange_partner_import"), {"token": "a.b.c"}, follow=True)
    assert response.status_code == 200
    assert "not a valid node descriptor" in response.content.decode()
    assert not Partner.objects.exclude(source=Partner.Source.SELF).exists()


def test_partner_writes_are_for_site_administrators(personas: Personas, hub: LocalNode) -> None:
    """Officers and authority administrators get 403 on import, pin and revoke."""
    token, fingerprint = _descriptor()
    node.do_import_descriptor(token, acting_user=personas.site_admin)
    for user in (personas.officer, personas.authority_admin):
        client = client_for(user)
        assert client.post(reverse("exchange_partner_import"), {"token": token}).status_code == 403
        pin = reverse("exchange_partner_pin", args=["dd-node"])
        assert client.post(pin, {"fingerprint": fingerprint}).status_code == 403
        revoke = reverse("exchange_partner_revoke", args=["dd-node"])
        assert client.post(revoke).status_code == 403
    assert Partner.objects.get(node_id="dd-node").status == Partner.Status.PENDING


def test_this_node_cannot_be_revoked_from_the_page(personas: Personas, hub: LocalNode) -> None:
    """Revoking this node itself shows an error and changes nothing."""
    admin = client_for(personas.site_admin)
    response = admin.post(reverse("exchange_partner_revoke", args=["hub-node"]), follow=True)
    assert "cannot revoke itself" in response.content.decode()
    assert Partner.objects.get(node_id="hub-node").status == Partner.Status.PINNED


# The panel on a case ------------------------------------------------------------------------


def test_case_page_of_an_exchanged_case_shows_the_panel(personas: Personas, sent: Message) -> None:
    """The sent case's page shows the exchange panel with the message's evidence badges."""
    case = case_of(sent)
    page = client_for(personas.officer).get(case.get_absolute_url()).content.decode()
    assert 'data-testid="exchange-panel"' in page
    assert 'data-evidence="SUBMISSION_ACCEPTANCE"' in page
    assert 'data-evidence="DELIVERY"' in page
    assert message_url(sent) in page


def test_draft_panel_offers_to_send_the_approved_version(
    personas: Personas, approved: RequestVersion
) -> None:
    """An approved draft with a destination shows the send-request form to officers only."""
    case = approved.case
    page = client_for(personas.officer).get(case.get_absolute_url()).content.decode()
    assert 'data-testid="exchange-panel"' in page
    assert 'data-testid="exchange-send-request"' in page
    read_only = client_for(personas.supervisor).get(case.get_absolute_url()).content.decode()
    assert 'data-testid="exchange-panel"' in read_only
    assert 'data-testid="exchange-send-request"' not in read_only


def test_send_request_form_queues_the_message(personas: Personas, approved: RequestVersion) -> None:
    """Posting the send-request form seals and queues the request; the case is sent."""
    case = approved.case
    destination = destination_b(personas)
    response = client_for(personas.officer).post(
        reverse("exchange_case_send_request", args=[case.public_id]),
        {"destination": destination.pk},
    )
    assert response.status_code == 302
    message = Message.objects.get(direction=Message.Direction.OUTBOUND)
    assert message.state == MessageState.QUEUED
    assert message.to_party == personas.authority_b.code
    case.refresh_from_db()
    assert case.status == Status.SENT


def test_send_request_to_an_unknown_destination_is_refused(
    personas: Personas, approved: RequestVersion
) -> None:
    """A destination outside the offered ones shows an error and queues nothing."""
    case = approved.case
    response = client_for(personas.officer).post(
        reverse("exchange_case_send_request", args=[case.public_id]), {"destination": 999999}
    )
    assert response.status_code == 302
    assert flashes(response)
    assert not Message.objects.exists()


def test_outsider_cannot_send_anothers_request(
    personas: Personas, approved: RequestVersion
) -> None:
    """Another authority's officer gets 404 on sending A's request."""
    response = client_for(personas.outsider).post(
        reverse("exchange_case_send_request", args=[approved.case.public_id]),
        {"destination": destination_b(personas).pk},
    )
    assert response.status_code == 404
    assert not Message.objects.exists()


def test_refusal_without_a_ground_is_not_sent(personas: Personas, sent: Message) -> None:
    """The send form refuses a refusal without its ground: an error, nothing queued."""
    case_b = do_accept_request(received(sent), acting_user=personas.outsider)
    for name, reason in (("acknowledge", ""), ("review", ""), ("consult", "We may refuse.")):
        do_transition(case_b, name, acting_user=personas.outsider, reason=reason)
    transport.run_once()
    queued = Message.objects.filter(direction=Message.Direction.OUTBOUND).count()
    client = client_for(personas.outsider)
    page = client.get(case_b.get_absolute_url()).content.decode()
    assert 'data-testid="exchange-send"' in page
    response = client.post(
        reverse("exchange_case_send", args=[case_b.public_id]),
        {"action": "refusal", "text": "Contrary to our law.", "ground": ""},
    )
    assert response.status_code == 302
    assert "Choose the ground for refusal." in flashes(response)
    assert Message.objects.filter(direction=Message.Direction.OUTBOUND).count() == queued
    case_b.refresh_from_db()
    assert case_b.status == Status.CONSULTATION


def test_send_action_form_queues_a_message(personas: Personas, sent: Message) -> None:
    """A status request sent from the case page is sealed and queued in the conversation."""
    case = case_of(sent)
    response = client_for(personas.officer).post(
        reverse("exchange_case_send", args=[case.public_id]),
        {"action": "status_request", "text": "Any news?"},
    )
    assert response.status_code == 302
    message = Message.objects.filter(direction=Message.Direction.OUTBOUND).latest("created_at")
    assert message.action == "status_request"
    assert message.conversation == sent.conversation
    assert message.state == MessageState.QUEUED


# Strict confidentiality ---------------------------------------------------------------------


def test_strictly_confidential_case_messages_are_hidden(personas: Personas, sent: Message) -> None:
    """A strictly confidential case's messages are 404 and unlisted for another officer."""
    case = case_of(sent)
    Case.objects.filter(pk=case.pk).update(
        confidentiality=Confidentiality.STRICT, officer=personas.officer
    )
    colleague = client_for(make_user("colleague_a", Role.OFFICER, personas.authority_a))
    for name in ("exchange_message", "exchange_message_bundle", "exchange_message_export"):
        assert colleague.get(message_url(sent, name)).status_code == 404
    outbox = colleague.get(reverse("exchange_inbox"), {"box": "outbox"}).content.decode()
    assert message_url(sent) not in outbox
    assert client_for(personas.officer).get(message_url(sent)).status_code == 200
    assert client_for(personas.supervisor).get(message_url(sent)).status_code == 200


# Arabic -------------------------------------------------------------------------------------


def test_every_exchange_page_renders_in_arabic(personas: Personas, sent: Message) -> None:
    """Every exchange page renders right to left in Arabic."""
    inbound = received(sent)
    pages = [
        (personas.officer, reverse("exchange_inbox")),
        (personas.officer, reverse("exchange_inbox") + "?box=outbox"),
        (personas.officer, message_url(sent)),
        (personas.officer, case_of(sent).get_absolute_url()),
        (personas.outsider, reverse("exchange_inbox")),
        (personas.outsider, message_url(inbound)),
        (personas.site_admin, reverse("exchange_partners")),
    ]
    for user, url in pages:
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert 'dir="rtl"' in page, url
        assert 'lang="ar"' in page, url


# Query counts -------------------------------------------------------------------------------


def _status_requests(personas: Personas, count: int) -> None:
    """``count`` status requests of A to B (each in its own conversation), delivered."""
    self_partner = Partner.objects.get(node_id="hub-node")
    for _n in range(count):
        conversation = Conversation.objects.create(
            conversation_id=uuid.uuid4(),
            authority=personas.authority_a,
            partner=self_partner,
            partner_party=personas.authority_b.code,
            role=Conversation.Role.REQUESTER,
        )
        queue(conversation, "status_request", {"note": "?"}, acting_user=personas.officer)
    transport.run_once()


def _queries(user: User, url: str) -> int:
    client = client_for(user)
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_pages_query_count_does_not_grow_with_messages(
    personas: Personas, hub: LocalNode, django_assert_max_num_queries: Any
) -> None:
    """The inbox and outbox make as many queries for 12 messages as for 3."""
    inbox, outbox = reverse("exchange_inbox"), reverse("exchange_inbox") + "?box=outbox"
    _status_requests(personas, 3)
    few = (_queries(personas.outsider, inbox), _queries(personas.officer, outbox))
    _status_requests(personas, 9)
    assert Message.objects.filter(direction=Message.Direction.INBOUND).count() == 12
    many = (_queries(personas.outsider, inbox), _queries(personas.officer, outbox))
    assert many == few
    for user, url in ((personas.outsider, inbox), (personas.officer, outbox)):
        client = client_for(user)
        with django_assert_max_num_queries(15):
            client.get(url)


def test_partners_page_query_count_is_bounded(
    personas: Personas, hub: LocalNode, django_assert_max_num_queries: Any
) -> None:
    """The partners page makes a bounded number of queries whatever the number of partners."""
    few = _queries(personas.site_admin, reverse("exchange_partners"))
    for n in range(4):
        now = timezone.now()
        sig = seal.generate_key("sig", not_before=now - datetime.timedelta(days=1))
        node.do_import_descriptor(
            seal.sign_descriptor(
                node_id=f"node-{n}",
                endpoint=f"https://node-{n}.example.org/exchange/v1",
                keys=[sig.public()],
                authorities=[{"code": f"c{n}", "name": f"Authority {n}", "state": "DE"}],
                signing_key=sig,
                issued_at=now,
            ),
            acting_user=personas.site_admin,
        )
    many = _queries(personas.site_admin, reverse("exchange_partners"))
    assert many == few
    # The page's own queries: signing in (and its second factor) happens before.
    client = client_for(personas.site_admin)
    with django_assert_max_num_queries(30):
        client.get(reverse("exchange_partners"))


def test_a_costs_notice_needs_amount_and_currency(personas: Personas, sent: Message) -> None:
    """A costs notice (art. 18(28)) without an amount or a currency code is refused with a
    message; with both it is sealed and queued, the amount written with two decimals."""
    case_b = do_accept_request(received(sent), acting_user=personas.outsider)
    client = client_for(personas.outsider)
    url = reverse("exchange_case_send", args=[case_b.public_id])
    queued = Message.objects.filter(direction=Message.Direction.OUTBOUND).count()
    response = client.post(url, {"action": "costs_notice", "text": "Expert fees.", "currency": "€"})
    assert "Give the amount of the costs." in flashes(response)
    assert "Give the currency as its three-letter code." in flashes(response)
    assert Message.objects.filter(direction=Message.Direction.OUTBOUND).count() == queued
    response = client.post(
        url, {"action": "costs_notice", "text": "Expert fees.", "amount": "1250", "currency": "eur"}
    )
    assert response.status_code == 302
    notice = Message.objects.filter(action="costs_notice", direction="outbound").get()
    assert (notice.body["amount"], notice.body["currency"]) == ("1250.00", "EUR")
