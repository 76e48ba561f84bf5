"""The exchange endpoint under hostile input: what another node (or anybody) can send us.

A second node is simulated in-process: its keys, a descriptor pinned by the site
administrator, and envelopes sealed for this hub's encryption key, POSTed to the endpoint.
Where a message is refused, nothing of it is stored: no Message row, no file.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import random
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Personas
from rogatory.audit.models import AuditEntry
from rogatory.cases.actions import do_register_case
from rogatory.cases.choices import Direction
from rogatory.exchange import node, seal
from rogatory.exchange.models import (
    Conversation,
    Evidence,
    JunkCount,
    LocalNode,
    Message,
    MessageState,
    Partner,
)

pytestmark = pytest.mark.django_db

PARTNER_NODE = "cc-node"
PARTNER_PARTY = "cc-central"
CHUNK = 4096


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings: Any) -> Iterator[None]:
    """Each test starts with empty rate-limit windows (the cache outlives tests)."""
    settings.EXCHANGE_JUNK_LIMIT_PER_MINUTE = 100_000
    cache.clear()
    yield
    cache.clear()


@dataclasses.dataclass
class Envelope:
    raw: bytes
    wire: dict[str, Any]
    header: dict[str, Any]

    @property
    def message_id(self) -> str:
        return str(self.header["message_id"])


@dataclasses.dataclass
class PartnerNode:
    """Another node, as far as the tests need one: its keys and a sealing helper."""

    node_id: str
    sig: seal.PrivateKey
    enc: seal.PrivateKey
    # Listed in the descriptor but expired an hour ago.
    old_sig: seal.PrivateKey
    hub_enc: seal.PublicKey
    partner: Partner

    def header(self, action: str, **overrides: Any) -> dict[str, Any]:
        now = timezone.now()
        header: dict[str, Any] = {
            "message_id": str(uuid.uuid4()),
            "conversation_id": str(uuid.uuid4()),
            "ref_to_message_id": None,
            "from_node": self.node_id,
            "from_party": PARTNER_PARTY,
            "to_node": "hub-node",
            "to_party": "bb-central",
            "service": "mla",
            "action": action,
            "created_at": now.isoformat(),
            "expires_at": (now + datetime.timedelta(hours=168)).isoformat(),
        }
        for name, value in overrides.items():
            header[name] = value.isoformat() if isinstance(value, datetime.datetime) else value
        return header

    def seal(
        self,
        action: str,
        body: dict[str, Any],
        *,
        manifest: list[dict[str, Any]] | None = None,
        signing_key: seal.PrivateKey | None = None,
        route: dict[str, Any] | None = None,
        **header_overrides: Any,
    ) -> Envelope:
        header = self.header(action, **header_overrides)
        wire = seal.seal(
            header,
            body,
            manifest or [],
            signing_key=signing_key or self.sig,
            recipient_key=self.hub_enc,
        )
        if route:
            wire["route"] = wire["route"] | route
        return Envelope(seal.canonical(wire), wire, header)


def make_partner_keys(now: datetime.datetime) -> tuple[seal.PrivateKey, ...]:
    since = now - datetime.timedelta(days=1)
    return (
        seal.generate_key("sig", not_before=since),
        seal.generate_key("enc", not_before=since),
        seal.generate_key("sig", not_before=since, not_after=now - datetime.timedelta(hours=1)),
    )


def partner_descriptor(
    sig: seal.PrivateKey, enc: seal.PrivateKey, old_sig: seal.PrivateKey, node_id: str
) -> str:
    return seal.sign_descriptor(
        node_id=node_id,
        endpoint=f"https://{node_id}.example.org/exchange/v1",
        keys=[sig.public(), enc.public(), old_sig.public()],
        authorities=[{"code": PARTNER_PARTY, "name": "Central Authority of C", "state": "DE"}],
        signing_key=sig,
        issued_at=timezone.now(),
    )


@pytest.fixture
def partner(personas: Personas, hub: LocalNode) -> PartnerNode:
    now = timezone.now()
    sig, enc, old_sig = make_partner_keys(now)
    imported = node.do_import_descriptor(
        partner_descriptor(sig, enc, old_sig, PARTNER_NODE), acting_user=personas.site_admin
    )
    pinned = node.do_pin_partner(
        imported, seal.fingerprint(sig.public().jwk), acting_user=personas.site_admin
    )
    # Valid from a month ago so that a message sealed "in the past" can still be built.
    hub_enc = dataclasses.replace(
        node.current_key("enc").public(), not_before=now - datetime.timedelta(days=30)
    )
    return PartnerNode(PARTNER_NODE, sig, enc, old_sig, hub_enc, pinned)


def post(envelope: Envelope | bytes, client: Client | None = None, **extra: Any) -> Any:
    raw = envelope.raw if isinstance(envelope, Envelope) else envelope
    return (client or Client()).post(
        reverse("exchange_endpoint_messages"), raw, content_type="application/json", **extra
    )


def status_request(partner: PartnerNode, **overrides: Any) -> Envelope:
    return partner.seal("status_request", {"note": "Any news?"}, **overrides)


def incoming_files() -> list[Path]:
    root = Path(settings.DATA_DIR) / "exchange" / "incoming"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def assert_nothing_stored() -> None:
    assert not Message.objects.filter(direction=Message.Direction.INBOUND).exists()
    assert incoming_files() == []


def junk_total() -> int:
    return sum(JunkCount.objects.values_list("count", flat=True))


def verified(tokens: list[str]) -> list[dict[str, Any]]:
    keys = node.our_public_keys()
    return [seal.verify_evidence(token, keys, at=timezone.now()) for token in tokens]


def assert_signed_refusal(response: Any, code: str, status: int = 422) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] == code
    [claims] = verified(body["evidences"])
    assert claims["type"] == Evidence.Type.RELAY_REMMD_REJECTION
    assert claims["reason_code"] == code
    assert claims["issuer_node"] == "hub-node"
    assert Evidence.objects.filter(evidence_id=claims["evidence_id"], message__isnull=True).exists()
    assert_nothing_stored()
    return claims


class Junk:
    """Watch that a refusal is plain junk: counted, unsigned, unaudited, nothing stored."""

    def __enter__(self) -> Junk:
        self.junk = junk_total()
        self.audit = AuditEntry.objects.count()
        self.evidences = Evidence.objects.count()
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None:
            return
        assert junk_total() == self.junk + 1
        assert AuditEntry.objects.count() == self.audit
        assert Evidence.objects.count() == self.evidences
        assert_nothing_stored()


def assert_junk_response(response: Any, status: int | tuple[int, ...]) -> dict[str, Any]:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert isinstance(body["error"], str)
    assert "evidences" not in body
    return body


# A good message and its repetitions ---------------------------------------------------------


def test_valid_status_request_is_relayed_delivered_and_held(partner: PartnerNode) -> None:
    """A valid message gets 200 with signed relay and delivery evidences, and is held."""
    envelope = status_request(partner)
    response = post(envelope)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == MessageState.FILED
    assert body["duplicate"] is False
    claims = verified(body["evidences"])
    assert [c["type"] for c in claims] == ["RELAY_REMMD_ACCEPTANCE", "DELIVERY"]
    digest = seal.wire_digest(envelope.wire)
    assert {c["subject_digest"] for c in claims} == {digest}
    assert {c["subject_message_id"] for c in claims} == {envelope.message_id}
    message = Message.objects.get(direction=Message.Direction.INBOUND)
    assert message.held
    assert message.conversation is None
    assert message.authority.code == "bb-central"
    assert message.digest == digest
    assert not Conversation.objects.exists()
    assert not message.parts.exists()


def test_same_bytes_again_return_the_same_evidences(partner: PartnerNode) -> None:
    """The same envelope again answers 200 with the original evidences and stores nothing."""
    envelope = status_request(partner)
    first = post(envelope).json()
    evidences, audit = Evidence.objects.count(), AuditEntry.objects.count()
    again = post(envelope)
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["evidences"] == first["evidences"]
    assert Message.objects.filter(direction=Message.Direction.INBOUND).count() == 1
    assert Evidence.objects.count() == evidences
    assert AuditEntry.objects.count() == audit


def test_same_id_with_different_content_is_refused(partner: PartnerNode) -> None:
    """A second message reusing a received message id gets 409 and a signed rejection."""
    first = status_request(partner)
    assert post(first).status_code == 200
    other = partner.seal("status_request", {"note": "Something else."}, message_id=first.message_id)
    response = post(other)
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "duplicate_id"
    [claims] = verified(body["evidences"])
    assert claims["type"] == "RELAY_REMMD_REJECTION"
    assert claims["subject_digest"] == seal.wire_digest(other.wire)
    stored = Message.objects.get(direction=Message.Direction.INBOUND)
    assert stored.digest == seal.wire_digest(first.wire)


# Forgeries and tampering --------------------------------------------------------------------


def test_forged_signature_is_junk(partner: PartnerNode) -> None:
    """A message forged under the partner's kid gets 403: counted as junk, unsigned, unaudited."""
    stranger = seal.generate_key("sig", not_before=partner.sig.not_before)
    forger = seal.PrivateKey(
        partner.sig.kid, "sig", stranger.jwk, not_before=partner.sig.not_before
    )
    with Junk():
        response = post(status_request(partner, signing_key=forger))
    assert assert_junk_response(response, 403)["error"] == "bad_signature"


def test_unknown_signing_key_is_junk(partner: PartnerNode) -> None:
    """A message signed by a key the descriptor does not list gets 403 junk."""
    stranger = seal.generate_key("sig", not_before=partner.sig.not_before)
    with Junk():
        response = post(status_request(partner, signing_key=stranger))
    assert assert_junk_response(response, 403)["error"] == "unknown_key"


def test_tampered_ciphertext_is_junk(partner: PartnerNode) -> None:
    """One character changed in the JWE ciphertext: refused as junk (400/403)."""
    envelope = status_request(partner)
    segments = envelope.wire["jwe"].split(".")
    ciphertext = segments[3]
    middle = len(ciphertext) // 2
    flipped = "A" if ciphertext[middle] != "A" else "B"
    segments[3] = ciphertext[:middle] + flipped + ciphertext[middle + 1 :]
    wire = envelope.wire | {"jwe": ".".join(segments)}
    with Junk():
        response = post(seal.canonical(wire))
    assert assert_junk_response(response, (400, 403))["error"] == "tampered"


def test_tampered_route_gets_signed_refusal(partner: PartnerNode) -> None:
    """A clear route that differs from the signed header gets a signed route_mismatch refusal."""
    later = (timezone.now() + datetime.timedelta(seconds=1)).isoformat()
    envelope = status_request(partner, route={"created_at": later})
    assert_signed_refusal(post(envelope), "route_mismatch")


def test_unknown_sender_is_junk(partner: PartnerNode) -> None:
    """A message from a node nobody pinned gets 403 junk."""
    envelope = status_request(partner, from_node="nobody-node")
    with Junk():
        response = post(envelope)
    assert assert_junk_response(response, 403)["error"] == "unknown_sender"


def test_message_for_another_node_is_junk(partner: PartnerNode) -> None:
    """A message routed to another node gets 400 junk."""
    envelope = status_request(partner, to_node="elsewhere-node")
    with Junk():
        response = post(envelope)
    assert assert_junk_response(response, 400)["error"] == "wrong_recipient"


def test_message_from_revoked_partner_is_refused(partner: PartnerNode, personas: Personas) -> None:
    """Once the partner is revoked its messages are refused (403), nothing signed or stored."""
    node.do_revoke_partner(partner.partner, acting_user=personas.site_admin)
    with Junk():
        response = post(status_request(partner))
    assert assert_junk_response(response, 403)["error"] == "unknown_sender"


def test_message_signed_with_expired_key_gets_signed_refusal(partner: PartnerNode) -> None:
    """A message signed with an expired partner key gets a signed expired_key refusal."""
    envelope = status_request(partner, signing_key=partner.old_sig)
    assert_signed_refusal(post(envelope), "expired_key")


# Clocks -------------------------------------------------------------------------------------


def test_message_from_the_future_gets_clock_skew_refusal(partner: PartnerNode) -> None:
    """A message created an hour ahead of our clock gets a signed clock_skew refusal."""
    ahead = timezone.now() + datetime.timedelta(hours=1)
    envelope = status_request(partner, created_at=ahead)
    assert_signed_refusal(post(envelope), "clock_skew")


def test_message_within_the_skew_is_accepted(partner: PartnerNode) -> None:
    """A message created four minutes ahead of our clock is accepted."""
    ahead = timezone.now() + datetime.timedelta(minutes=4)
    response = post(status_request(partner, created_at=ahead))
    assert response.status_code == 200, response.content
    assert Message.objects.filter(direction=Message.Direction.INBOUND).count() == 1


def test_expired_message_gets_signed_refusal(partner: PartnerNode) -> None:
    """A message whose expires_at passed (beyond the skew) gets a signed expired refusal."""
    now = timezone.now()
    envelope = status_request(
        partner,
        created_at=now - datetime.timedelta(hours=3),
        expires_at=now - datetime.timedelta(hours=1),
    )
    assert_signed_refusal(post(envelope), "expired")


# Business checks ----------------------------------------------------------------------------


def test_body_failing_its_schema_gets_signed_refusal_naming_the_path(
    partner: PartnerNode,
) -> None:
    """A refusal without reasons gets 422 and a signed refusal whose reason names the path."""
    envelope = partner.seal("refusal", {"ground": "other", "article": ""})
    claims = assert_signed_refusal(post(envelope), "invalid_message")
    assert "body" in claims["reason"]
    assert "reasons" in claims["reason"]


def test_unknown_action_gets_signed_refusal(partner: PartnerNode) -> None:
    """An action outside the protocol gets 422 and a signed refusal naming header/action."""
    envelope = partner.seal("launch_missiles", {})
    claims = assert_signed_refusal(post(envelope), "invalid_message")
    assert "header/action" in claims["reason"]


def test_to_party_not_hosted_here_is_refused(partner: PartnerNode) -> None:
    """A message to an authority this node does not host gets 422."""
    envelope = status_request(partner, to_party="zz-central")
    claims = assert_signed_refusal(post(envelope), "invalid_message")
    assert "header/to_party" in claims["reason"]


def test_from_party_not_in_the_descriptor_is_refused(partner: PartnerNode) -> None:
    """A message from an authority the partner's descriptor does not list gets 422."""
    envelope = status_request(partner, from_party="aa-central")
    claims = assert_signed_refusal(post(envelope), "invalid_message")
    assert "header/from_party" in claims["reason"]


def test_non_uuid_conversation_is_refused(partner: PartnerNode) -> None:
    """A conversation id that is not a UUID gets 422 naming header/conversation_id."""
    envelope = status_request(partner, conversation_id="case-42")
    claims = assert_signed_refusal(post(envelope), "invalid_message")
    assert "header/conversation_id" in claims["reason"]


# Garbage ------------------------------------------------------------------------------------

HOSTILE_BODIES = {
    "malformed_json": b'{"rex": "1", "route": ',
    "non_object": b"[1, 2, 3]",
    "string": b'"hello"',
    "empty": b"",
    "not_utf8": b"\xff\xfe\x00{",
    "nan": b'{"rex": NaN}',
    "duplicate_keys": b'{"rex": "1", "rex": "1", "route": {}, "jwe": ""}',
    "deep": b"[" * 5000 + b"]" * 5000,
    "huge_int": b'{"rex": ' + b"9" * 5000 + b"}",
    "lone_surrogate": b'{"rex": "\\ud800", "route": {}, "jwe": "a.b.c.d.e"}',
    "wrong_version": json.dumps({"rex": "2", "route": {}, "jwe": "a.b.c.d.e"}).encode(),
    "route_types": json.dumps(
        {
            "rex": "1",
            "route": {"message_id": 1, "from_node": [], "to_node": {}, "created_at": None},
            "jwe": "a.b.c.d.e",
        }
    ).encode(),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_BODIES))
def test_garbage_gets_a_json_error(partner: PartnerNode, name: str) -> None:
    """Malformed or hostile JSON gets 400 with a JSON error, never a 500."""
    with Junk():
        response = post(HOSTILE_BODIES[name])
    assert_junk_response(response, 400)


def test_valid_route_with_garbage_jwe_is_junk(partner: PartnerNode) -> None:
    """A well-formed route around a JWE that is not one gets 400 junk."""
    envelope = status_request(partner)
    for jwe in ("a.b.c.d.e", "eyJhbGciOiJub25lIn0.b.c.d.e", "...."):
        response = post(seal.canonical(envelope.wire | {"jwe": jwe}))
        assert_junk_response(response, 400)
    assert_nothing_stored()


def test_declared_body_over_the_limit_gets_413(partner: PartnerNode) -> None:
    """A declared Content-Length of 17 MB gets 413 before anything is read."""
    with Junk():
        response = post(b"{}", CONTENT_LENGTH=str(17 * 1024 * 1024))
    assert assert_junk_response(response, 413)["error"] == "too_large"


def test_actual_body_over_the_limit_gets_413(partner: PartnerNode) -> None:
    """A 17 MB body gets 413, never a 500."""
    with Junk():
        response = post(b" " * (17 * 1024 * 1024))
    assert_junk_response(response, (400, 413))


def test_random_bytes_never_cause_a_server_error(partner: PartnerNode) -> None:
    """Three hundred random byte strings and mangled envelopes get 4xx answers, never 500."""
    rng = random.Random(0)
    client = Client(raise_request_exception=False)
    good = status_request(partner).raw
    statuses = set()
    for n in range(300):
        if n % 3 == 0:
            data = rng.randbytes(rng.randrange(0, 2000))
        elif n % 3 == 1:
            mangled = bytearray(good)
            for _ in range(rng.randrange(1, 4)):
                mangled[rng.randrange(len(mangled))] ^= rng.randrange(1, 256)
            data = bytes(mangled)
        else:
            cut = rng.randrange(len(good))
            data = good[:cut] + good[cut + rng.randrange(1, 20) :]
        response = post(data, client)
        statuses.add(response.status_code)
        assert response.status_code < 500, (n, data[:80])
        assert response["Content-Type"] == "application/json"
    assert statuses <= {400, 403, 413, 422}, statuses
    assert not Message.objects.filter(direction=Message.Direction.INBOUND).exists()


def test_get_on_the_messages_endpoint_is_405(partner: PartnerNode) -> None:
    """The messages endpoint answers GET with 405."""
    assert Client().get(reverse("exchange_endpoint_messages")).status_code == 405


def test_the_endpoint_needs_no_csrf_token(partner: PartnerNode) -> None:
    """Another node posts without a CSRF token: the endpoint accepts it."""
    response = post(status_request(partner), Client(enforce_csrf_checks=True))
    assert response.status_code == 200, response.content


def test_junk_rate_limit_cuts_a_client_short(partner: PartnerNode, settings: Any) -> None:
    """After three junk requests in a minute, the fourth from that address gets 429."""
    settings.EXCHANGE_JUNK_LIMIT_PER_MINUTE = 3
    for _ in range(3):
        assert post(b"nonsense").status_code == 400
    counted = junk_total()
    response = post(status_request(partner))
    assert response.status_code == 429
    assert response.json() == {"error": "rate_limited"}
    assert junk_total() == counted  # cut short before any work
    assert_nothing_stored()
    other = post(status_request(partner), REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200


# Attachments in chunks ----------------------------------------------------------------------


@dataclasses.dataclass
class WithPart:
    envelope: Envelope
    key: str
    content: bytes
    plan: dict[str, Any]

    def chunk(self, index: int) -> bytes:
        piece = self.content[index * CHUNK : (index + 1) * CHUNK]
        return seal.encrypt_chunk(
            self.key,
            piece,
            message_id=self.envelope.message_id,
            part_id="doc1",
            index=index,
            count=len(self.plan["chunks"]),
        )


def info_answer_with_part(
    partner: PartnerNode, tmp_path: Path, conversation_id: uuid.UUID
) -> WithPart:
    content = b"".join(b"Line %05d of the bank statement.\n" % n for n in range(260))
    source = tmp_path / "statement.txt"
    source.write_bytes(content)
    plan = seal.plan_part(source, chunk_size=CHUNK)
    assert len(plan["chunks"]) == 3
    key = seal.new_part_key()
    manifest = [
        {
            "part_id": "doc1",
            "name": "statement.txt",
            "media_type": "text/plain",
            "key": key,
            **plan,
        }
    ]
    envelope = partner.seal(
        "info_answer",
        {"answer": "The statements are attached.", "attachments": ["doc1"]},
        manifest=manifest,
        conversation_id=str(conversation_id),
    )
    return WithPart(envelope, key, content, plan)


def part_url(envelope: Envelope, index: int | None = None) -> str:
    kwargs: dict[str, Any] = {
        "from_node": PARTNER_NODE,
        "message_id": envelope.message_id,
        "part_id": "doc1",
    }
    if index is None:
        return reverse("exchange_endpoint_part_status", kwargs=kwargs)
    return reverse("exchange_endpoint_part", kwargs=kwargs | {"index": index})


def put_chunk(envelope: Envelope, index: int, data: bytes) -> Any:
    return Client().put(part_url(envelope, index), data, content_type="application/octet-stream")


@pytest.fixture
def conversation(partner: PartnerNode, personas: Personas) -> Conversation:
    case = do_register_case(
        personas.authority_b,
        direction=Direction.INCOMING,
        fields={
            "our_reference": "B-IN-1",
            "kind": "mla",
            "subject": "Bank statements",
            "requesting_state_id": "DE",
        },
        acting_user=personas.outsider,
    )
    return Conversation.objects.create(
        conversation_id=uuid.uuid4(),
        authority=personas.authority_b,
        case=case,
        partner=partner.partner,
        partner_party=PARTNER_PARTY,
        role=Conversation.Role.REQUESTED,
    )


def test_chunks_arrive_in_order_and_file_the_part_on_the_case(
    partner: PartnerNode,
    conversation: Conversation,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """Chunks go in order, a tampered one is not counted, the last files the part on the case."""
    sent = info_answer_with_part(partner, tmp_path, conversation.conversation_id)
    first = post(sent.envelope)
    assert first.status_code == 200
    assert first.json()["state"] == MessageState.RECEIVING
    assert first.json()["parts"] == {"doc1": 0}
    assert [c["type"] for c in verified(first.json()["evidences"])] == ["RELAY_REMMD_ACCEPTANCE"]

    # How far the transfer got: only for who holds the part key.
    assert Client().get(part_url(sent.envelope)).status_code == 404
    forged = seal.part_proof(
        seal.new_part_key(), message_id=sent.envelope.message_id, part_id="doc1"
    )
    assert Client().get(part_url(sent.envelope), HTTP_X_REX_PART_PROOF=forged).status_code == 404
    proof = seal.part_proof(sent.key, message_id=sent.envelope.message_id, part_id="doc1")
    status = Client().get(part_url(sent.envelope), HTTP_X_REX_PART_PROOF=proof)
    assert status.status_code == 200
    assert status.json() == {"received": 0, "count": 3}

    early = put_chunk(sent.envelope, 1, sent.chunk(1))
    assert early.status_code == 409
    assert early.json() == {"error": "unexpected_chunk", "expected": 0}

    tampered = bytearray(sent.chunk(0))
    tampered[20] ^= 0x01
    refused = put_chunk(sent.envelope, 0, bytes(tampered))
    assert refused.status_code == 422
    assert "evidences" not in refused.json()
    assert (
        Client().get(part_url(sent.envelope), HTTP_X_REX_PART_PROOF=proof).json()["received"] == 0
    )
    assert incoming_files() == []

    # Received files go on the case once the filing has committed (decision 0022).
    with django_capture_on_commit_callbacks(execute=True):
        answers = [put_chunk(sent.envelope, n, sent.chunk(n)) for n in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    last = answers[-1].json()
    assert last["state"] == MessageState.FILED
    assert last["parts"] == {}
    assert [c["type"] for c in verified(last["evidences"])] == [
        "RELAY_REMMD_ACCEPTANCE",
        "DELIVERY",
    ]
    message = Message.objects.get(direction=Message.Direction.INBOUND)
    assert message.conversation == conversation
    assert not message.held
    case = conversation.case
    assert case is not None
    document = case.documents.get()
    assert document.versions.get().sha256 == sent.plan["sha256"]
    assert message.parts.get().document_version is not None


def test_a_part_of_an_unknown_conversation_is_held(partner: PartnerNode, tmp_path: Path) -> None:
    """An answer with a file in a conversation nobody knows is delivered, held and on no case."""
    sent = info_answer_with_part(partner, tmp_path, uuid.uuid4())
    assert post(sent.envelope).status_code == 200
    for n in range(3):
        answer = put_chunk(sent.envelope, n, sent.chunk(n))
        assert answer.status_code == 200
    message = Message.objects.get(direction=Message.Direction.INBOUND)
    assert message.state == MessageState.FILED
    assert message.held
    assert message.conversation is None
    part = message.parts.get()
    assert part.document_version is None
    assert Path(part.stored_path).read_bytes() == sent.content


def test_chunk_of_an_unknown_part_is_404(partner: PartnerNode) -> None:
    """A chunk or a status for a part nobody announced gets 404 with a JSON error."""
    envelope = status_request(partner)
    status = Client().get(part_url(envelope))
    assert status.status_code == 404
    assert status.json()["error"] == "unknown_part"
    response = put_chunk(envelope, 0, b"x" * 64)
    assert response.status_code == 404
    assert_nothing_stored()


def test_part_endpoint_refuses_post(partner: PartnerNode) -> None:
    """The part endpoint answers POST with 405."""
    envelope = status_request(partner)
    response = Client().post(part_url(envelope, 0), b"x", content_type="application/octet-stream")
    assert response.status_code == 405


# Evidences endpoint -------------------------------------------------------------------------


def post_evidence(payload: bytes) -> Any:
    return Client().post(
        reverse("exchange_endpoint_evidences"), payload, content_type="application/json"
    )


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b"[]",
        b"{}",
        b'{"evidence": 5}',
        b'{"evidence": "junk.token.here"}',
        b'{"evidence": "' + b"a" * 30000 + b'"}',
        b"[" * 30000 + b"]" * 30000,
    ],
    ids=["not_json", "list", "empty", "number", "junk_token", "long", "deep"],
)
def test_evidence_junk_gets_400(partner: PartnerNode, payload: bytes) -> None:
    """A junk evidence payload gets 400 with a JSON error, never a 500."""
    with Junk():
        response = post_evidence(payload)
    assert_junk_response(response, 400)


def test_evidence_about_an_unknown_message_gets_404(partner: PartnerNode) -> None:
    """A partner's signed evidence about a message we never sent gets 404."""
    claims = seal.evidence_claims(
        type="RETRIEVAL",
        issuer_node=PARTNER_NODE,
        subject_message_id=str(uuid.uuid4()),
        subject_digest="0" * 64,
        sender_node="hub-node",
        recipient_node=PARTNER_NODE,
        event_time=timezone.now(),
    )
    token = seal.sign_evidence(claims, signing_key=partner.sig)
    with Junk():
        response = post_evidence(json.dumps({"evidence": token}).encode())
    assert assert_junk_response(response, 404)["error"] == "unknown_subject"


def test_evidence_endpoint_refuses_get(partner: PartnerNode) -> None:
    """The evidences endpoint answers GET with 405."""
    assert Client().get(reverse("exchange_endpoint_evidences")).status_code == 405


def _non_canonical(segment: str) -> str:
    """The same bytes in another base64url spelling (a padding bit of the last character set)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    spare = {2: 15, 3: 3}[len(segment) % 4]  # unused low bits of the last character
    last = alphabet.index(segment[-1])
    return segment[:-1] + alphabet[last ^ (spare & -spare)]


def test_re_encoded_jwe_is_not_a_second_message(partner: PartnerNode) -> None:
    """A re-spelled JWE is refused, so the genuine envelope is not taken for a duplicate."""
    envelope = status_request(partner)
    segments = envelope.wire["jwe"].split(".")
    segments[4] = _non_canonical(segments[4])
    respelled = envelope.wire | {"jwe": ".".join(segments)}
    first = post(seal.canonical(respelled))
    genuine = post(envelope)
    assert first.status_code == 400, first.content
    assert genuine.status_code == 200, genuine.content


def test_manifest_with_a_part_twice_is_refused(partner: PartnerNode, tmp_path: Path) -> None:
    """A manifest listing the same part id twice gets a signed 422 refusal, never a 500."""
    source = tmp_path / "a.txt"
    source.write_bytes(b"x" * 10)
    entry = {
        "part_id": "doc1",
        "name": "a.txt",
        "media_type": "text/plain",
        "key": seal.new_part_key(),
        **seal.plan_part(source, chunk_size=CHUNK),
    }
    envelope = partner.seal(
        "info_answer",
        {"answer": "Attached.", "attachments": ["doc1"]},
        manifest=[entry, dict(entry)],
    )
    response = post(envelope, Client(raise_request_exception=False))
    assert_signed_refusal(response, "invalid_message")


def sent_to_partner(partner: PartnerNode, personas: Personas) -> Message:
    """A status request of authority A to the partner, sealed and queued (not delivered)."""
    from rogatory.exchange.outbound import queue

    conversation = Conversation.objects.create(
        conversation_id=uuid.uuid4(),
        authority=personas.authority_a,
        partner=partner.partner,
        partner_party=PARTNER_PARTY,
        role=Conversation.Role.REQUESTER,
    )
    return queue(conversation, "status_request", {"note": ""}, acting_user=personas.officer)


def partner_evidence(partner: PartnerNode, message: Message, **claims: Any) -> bytes:
    values = seal.evidence_claims(
        type="RETRIEVAL",
        issuer_node=PARTNER_NODE,
        subject_message_id=str(message.message_id),
        subject_digest=message.digest,
        sender_node="hub-node",
        recipient_node=PARTNER_NODE,
        event_time=timezone.now(),
    )
    token = seal.sign_evidence(values | claims, signing_key=partner.sig)
    return json.dumps({"evidence": token}).encode()


def test_partner_evidence_about_our_message_is_kept(
    partner: PartnerNode, personas: Personas
) -> None:
    """The partner's signed retrieval evidence about a message we sent is kept (200)."""
    message = sent_to_partner(partner, personas)
    response = post_evidence(partner_evidence(partner, message))
    assert response.status_code == 200, response.content
    assert response.json() == {"state": MessageState.RETRIEVED}
    assert message.evidences.filter(type="RETRIEVAL", issuer_node=PARTNER_NODE).exists()


def test_evidence_about_our_message_to_another_node_is_404(
    partner: PartnerNode, personas: Personas
) -> None:
    """A partner cannot attest a message we sent to another node: 404, nothing kept."""
    from rogatory.exchange.outbound import queue

    conversation = Conversation.objects.create(
        conversation_id=uuid.uuid4(),
        authority=personas.authority_a,
        partner=Partner.objects.get(node_id="hub-node"),
        partner_party="bb-central",
        role=Conversation.Role.REQUESTER,
    )
    message = queue(conversation, "status_request", {"note": ""}, acting_user=personas.officer)
    with Junk():
        response = post_evidence(partner_evidence(partner, message))
    assert response.status_code == 404
    assert not message.evidences.filter(issuer_node=PARTNER_NODE).exists()


def test_evidence_signed_by_a_stranger_is_refused(partner: PartnerNode, personas: Personas) -> None:
    """An evidence claiming to come from the partner but signed by another key gets 403."""
    message = sent_to_partner(partner, personas)
    stranger = seal.generate_key("sig", not_before=partner.sig.not_before)
    forger = seal.PrivateKey(
        partner.sig.kid, "sig", stranger.jwk, not_before=partner.sig.not_before
    )
    claims = seal.evidence_claims(
        type="DELIVERY",
        issuer_node=PARTNER_NODE,
        subject_message_id=str(message.message_id),
        subject_digest=message.digest,
        sender_node="hub-node",
        recipient_node=PARTNER_NODE,
        event_time=timezone.now(),
    )
    token = seal.sign_evidence(claims, signing_key=forger)
    response = post_evidence(json.dumps({"evidence": token}).encode())
    assert response.status_code == 403
    assert message.evidences.count() == 1  # our own submission evidence only


def test_evidence_with_a_non_uuid_id_is_refused(partner: PartnerNode, personas: Personas) -> None:
    """A partner's evidence whose evidence_id is not a UUID gets a 4xx, never a 500."""
    message = sent_to_partner(partner, personas)
    payload = partner_evidence(partner, message, evidence_id="not-a-uuid")
    response = Client(raise_request_exception=False).post(
        reverse("exchange_endpoint_evidences"), payload, content_type="application/json"
    )
    assert 400 <= response.status_code < 500, response.status_code
    assert message.evidences.count() == 1


# Batches --------------------------------------------------------------------------------


def post_batch(envelopes: list[Any]) -> Any:
    body = json.dumps({"envelopes": envelopes}).encode()
    return Client().post(reverse("exchange_endpoint_batch"), body, content_type="application/json")


def test_a_batch_is_answered_envelope_by_envelope(partner: PartnerNode) -> None:
    """Good envelopes are stored once each with their evidences; junk among them is refused
    in its place; the same batch again changes nothing."""
    good = [status_request(partner) for _ in range(3)]
    junk = {"rex": "1", "route": {}, "jwe": "x"}
    envelopes = [good[0].wire, junk, good[1].wire, good[2].wire]
    response = post_batch(envelopes)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == [200, 400, 200, 200]
    assert Message.objects.filter(direction=Message.Direction.INBOUND).count() == 3
    for envelope, result in zip(good, [results[0], results[2], results[3]], strict=True):
        types = [seal.peek_evidence(token)[0]["type"] for token in result["evidences"]]
        assert types == ["RELAY_REMMD_ACCEPTANCE", "DELIVERY"]
        message = Message.objects.get(message_id=envelope.message_id)
        # One audit entry per message, naming both evidences by their hash.
        entry = AuditEntry.objects.get(
            action="exchange.received", object_ref=str(message.message_id)
        )
        assert [line[0] for line in entry.details["evidences"]] == [
            "RELAY_REMMD_ACCEPTANCE",
            "DELIVERY",
        ]
    assert JunkCount.objects.get().count == 1
    evidences = Evidence.objects.count()
    again = post_batch(envelopes).json()["results"]
    assert [r.get("duplicate") for r in again if r["status"] == 200] == [True, True, True]
    assert Evidence.objects.count() == evidences
    assert Message.objects.filter(direction=Message.Direction.INBOUND).count() == 3


def test_the_same_envelope_twice_in_one_batch_is_stored_once(partner: PartnerNode) -> None:
    """A duplicate inside a batch falls back to one-by-one handling: stored once, the second
    answered as a duplicate."""
    envelope = status_request(partner)
    results = post_batch([envelope.wire, envelope.wire]).json()["results"]
    assert [r["status"] for r in results] == [200, 200]
    assert Message.objects.filter(direction=Message.Direction.INBOUND).count() == 1


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"[]",
        b'{"envelopes": []}',
        b'{"envelopes": {}}',
        b'{"envelopes": [], "other": 1}',
        json.dumps({"envelopes": [{}] * 101}).encode(),
        b'{"envelopes": [1, "two", null]}',
    ],
)
def test_malformed_batches_get_a_clear_error(partner: PartnerNode, payload: bytes) -> None:
    """A batch that is not a list of 1 to 100 envelopes is refused with a JSON error (never a
    500), and nothing is stored."""
    response = Client().post(
        reverse("exchange_endpoint_batch"), payload, content_type="application/json"
    )
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert all(r["status"] >= 400 for r in response.json()["results"])
    assert not Message.objects.filter(direction=Message.Direction.INBOUND).exists()


def test_a_request_naming_unknown_reference_data_is_refused(partner: PartnerNode) -> None:
    """A received request must be able to become a case: one naming a state or an ICCS code
    we do not know, or addressed to another state, gets a signed refusal naming the path,
    and nothing is stored (it used to fail only when an officer registered it)."""
    from .test_business import valid

    body = valid("request") | {"renderings": [], "attachments": []}
    body["request"]["offences"][0]["iccs"] = "999999"
    body["request"]["requesting"]["state"] = "XX"
    response = post(partner.seal("request", body))
    assert response.status_code == 422
    reason = response.json()["reason"]
    assert "body/request/offences/0/iccs: Unknown ICCS code: 999999" in reason
    assert "body/request/requesting/state: Unknown state code: XX" in reason
    assert verified(response.json()["evidences"])[0]["type"] == "RELAY_REMMD_REJECTION"
    assert not Message.objects.filter(direction=Message.Direction.INBOUND).exists()

    elsewhere = valid("request") | {"renderings": [], "attachments": []}
    elsewhere["request"]["requested"]["state"] = "FR"
    response = post(partner.seal("request", elsewhere))
    assert response.status_code == 422
    assert "requested/state: not the state of the addressed authority" in response.json()["reason"]


def test_a_minimal_valid_request_is_received_and_registered(
    partner: PartnerNode, personas: Personas
) -> None:
    """A request document that leaves out every optional part still becomes a case when an
    officer registers it (the optional parts are filled in, not looked up and missed)."""
    from rogatory.exchange.filing import do_accept_request

    from .test_business import valid

    body = valid("request") | {"renderings": [], "attachments": []}
    assert post(partner.seal("request", body)).status_code == 200
    received = Message.objects.get(direction=Message.Direction.INBOUND)
    case = do_accept_request(received, acting_user=personas.outsider)
    assert case.requesting_state_id == body["request"]["requesting"]["state"]
    assert case.their_reference == body["sender_reference"]
