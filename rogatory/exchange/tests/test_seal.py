"""Tests of the REX-1 sealing primitives (pure Python, no database)."""

from __future__ import annotations

import base64
import dataclasses
import json
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from joserfc import jws

from rogatory.exchange import seal
from rogatory.exchange.seal import PublicKey, SealError

T0 = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
YEAR_AGO = T0 - timedelta(days=365)


def iso(t: datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")


def node_keys() -> tuple[seal.PrivateKey, seal.PrivateKey]:
    return (
        seal.generate_key("sig", not_before=YEAR_AGO),
        seal.generate_key("enc", not_before=YEAR_AGO),
    )


SENDER_SIG, SENDER_ENC = node_keys()
RECIPIENT_SIG, RECIPIENT_ENC = node_keys()


def header(**changes: Any) -> dict[str, Any]:
    value = {
        "message_id": "m-1",
        "conversation_id": "c-1",
        "from_node": "fr-node",
        "to_node": "ke-node",
        "created_at": iso(T0),
        "expires_at": iso(T0 + timedelta(days=1)),
        "action": "RequestSubmission",
    }
    value.update(changes)
    return value


def sealed(signing_key: seal.PrivateKey = SENDER_SIG, **changes: Any) -> dict[str, Any]:
    return seal.seal(
        header(**changes),
        {"text": "Please hear the witness."},
        [{"part_id": "p1", "size": 3, "sha256": "ab"}],
        signing_key=signing_key,
        recipient_key=RECIPIENT_ENC.public(),
    )


def open_(wire: dict[str, Any], *, sender: PublicKey | None = None, **kwargs: Any) -> seal.Opened:
    kwargs.setdefault("now", T0)
    return seal.open_envelope(
        wire,
        decryption_keys=[RECIPIENT_ENC],
        sender_keys=[sender or SENDER_SIG.public()],
        **kwargs,
    )


def with_times(
    key: seal.PrivateKey,
    *,
    not_before: datetime = YEAR_AGO,
    not_after: datetime | None = None,
    revoked_at: datetime | None = None,
) -> PublicKey:
    return dataclasses.replace(
        key.public(), not_before=not_before, not_after=not_after, revoked_at=revoked_at
    )


def code_of(exc: pytest.ExceptionInfo[SealError]) -> str:
    return exc.value.code


# -- Envelopes ----------------------------------------------------------------------------------


def test_round_trip() -> None:
    """A sealed message opens with the recipient's key and returns what was sealed."""
    wire = sealed()
    assert set(wire) == {"rex", "route", "jwe"}
    assert wire["route"]["message_id"] == "m-1"
    assert "witness" not in json.dumps(wire)
    opened = open_(seal.parse_wire(json.dumps(wire)))
    assert opened.header == header()
    assert opened.body == {"text": "Please hear the witness."}
    assert opened.manifest[0]["part_id"] == "p1"
    assert opened.signer_kid == SENDER_SIG.kid
    assert opened.notes == []
    assert jws.extract_compact(opened.signed.encode()).headers()["typ"] == "rex+jws"


def test_wrong_recipient() -> None:
    """A message sealed for another node is refused as wrong_recipient."""
    with pytest.raises(SealError) as exc:
        seal.open_envelope(
            sealed(), decryption_keys=[SENDER_ENC], sender_keys=[SENDER_SIG.public()], now=T0
        )
    assert code_of(exc) == "wrong_recipient"


@pytest.mark.parametrize("segment", range(5))
def test_tampered_jwe_segment(segment: int) -> None:
    """Changing any of the five JWE segments makes the message refuse to open."""
    wire = sealed()
    parts = wire["jwe"].split(".")
    # Flip a character in the middle, where every bit is significant (not base64 tail bits).
    text = parts[segment]
    i = len(text) // 2
    parts[segment] = text[:i] + ("A" if text[i] != "A" else "B") + text[i + 1 :]
    wire["jwe"] = ".".join(parts)
    with pytest.raises(SealError) as exc:
        open_(wire)
    assert code_of(exc) in {"tampered", "malformed", "wrong_recipient"}
    if segment:
        assert code_of(exc) == "tampered"


def test_forged_signature() -> None:
    """Content signed by another key claiming the sender's kid fails the signature check."""
    forger = seal.generate_key("sig", not_before=YEAR_AGO)
    impostor = seal.PrivateKey(SENDER_SIG.kid, "sig", forger.jwk, YEAR_AGO)
    with pytest.raises(SealError) as exc:
        open_(sealed(signing_key=impostor))
    assert code_of(exc) == "bad_signature"


def test_unknown_sender_key() -> None:
    """Content signed by a key we do not know is refused as unknown_key."""
    stranger = seal.generate_key("sig", not_before=YEAR_AGO)
    with pytest.raises(SealError) as exc:
        open_(sealed(signing_key=stranger))
    assert code_of(exc) == "unknown_key"


@pytest.mark.parametrize("field", ["message_id", "from_node", "to_node", "created_at"])
def test_route_tampering(field: str) -> None:
    """A clear route that differs from the signed header is refused as route_mismatch."""
    wire = sealed()
    wire["route"][field] = iso(T0 - timedelta(seconds=1)) if field == "created_at" else "other"
    with pytest.raises(SealError) as exc:
        open_(wire)
    assert code_of(exc) == "route_mismatch"


@pytest.mark.parametrize(
    ("times", "code"),
    [
        ({"not_after": T0 - timedelta(days=1)}, "expired_key"),
        ({"revoked_at": T0 - timedelta(hours=1)}, "revoked_key"),
        ({"not_before": T0 + timedelta(days=1)}, "not_yet_valid_key"),
    ],
)
def test_sender_key_not_usable_online(times: dict[str, datetime], code: str) -> None:
    """Online, a sender key that is expired, revoked or not yet valid now is refused."""
    with pytest.raises(SealError) as exc:
        open_(sealed(), sender=with_times(SENDER_SIG, **times))
    assert code_of(exc) == code


def test_offline_import_after_revocation() -> None:
    """Offline, a message sealed before its key was revoked opens, with notes."""
    later = T0 + timedelta(days=30)
    key = with_times(
        SENDER_SIG, revoked_at=T0 + timedelta(days=2), not_after=T0 + timedelta(days=3)
    )
    opened = open_(sealed(), sender=key, now=later, offline=True)
    assert opened.notes == [
        "key_revoked_after_sealing",
        "key_expired_after_sealing",
        "message_expired_in_transit",
    ]
    with pytest.raises(SealError) as exc:
        open_(sealed(), sender=key, now=later)
    assert code_of(exc) == "revoked_key"


def test_offline_refuses_key_revoked_before_sealing() -> None:
    """Offline, a key already revoked when the message was sealed is refused."""
    key = with_times(SENDER_SIG, revoked_at=T0 - timedelta(days=1))
    with pytest.raises(SealError) as exc:
        open_(sealed(), sender=key, now=T0 + timedelta(days=30), offline=True)
    assert code_of(exc) == "revoked_key"


def test_clock_skew() -> None:
    """A message created slightly in the future opens; beyond the bound it is refused."""
    assert open_(sealed(), now=T0 - timedelta(minutes=4)).header["message_id"] == "m-1"
    with pytest.raises(SealError) as exc:
        open_(sealed(), now=T0 - timedelta(minutes=6))
    assert code_of(exc) == "clock_skew"


def test_expired_message() -> None:
    """Online, a message past its expiry (beyond the skew) is refused as expired."""
    assert open_(sealed(), now=T0 + timedelta(days=1, minutes=4)).notes == []
    with pytest.raises(SealError) as exc:
        open_(sealed(), now=T0 + timedelta(days=1, minutes=6))
    assert code_of(exc) == "expired"


def test_seal_refuses_revoked_recipient_key() -> None:
    """Sealing for a recipient key revoked at creation time is refused."""
    key = with_times(RECIPIENT_ENC, revoked_at=YEAR_AGO + timedelta(days=1))
    with pytest.raises(SealError) as exc:
        seal.seal(header(), {}, [], signing_key=SENDER_SIG, recipient_key=key)
    assert code_of(exc) == "revoked_key"


def test_wire_digest_is_canonical() -> None:
    """The wire digest does not depend on key order or whitespace."""
    wire = sealed()
    reordered = json.loads(json.dumps(wire, indent=3, sort_keys=True))
    assert seal.wire_digest(wire) == seal.wire_digest(reordered)
    assert re.fullmatch(r"[0-9a-f]{64}", seal.wire_digest(wire))


HOSTILE = [
    b"",
    b"null",
    b"[]",
    b'"x"',
    b"{",
    b'{"rex": NaN}',
    b'{"rex": Infinity}',
    b'{"rex": 1e999}',
    b'{"rex": "1", "rex": "1"}',
    b"[" * 100000,
    b"[" * 65 + b"]" * 65,
    b'{"a": "\\ud800"}',
    b"9" * 5000,
    b"\xff\xfe",
    b'{"rex": "1", "route": {}, "jwe": "a.b.c.d.e"}',
    b'{"rex": "1", "route": [], "jwe": 1}',
    b"x" * (seal.MAX_WIRE_BYTES + 1),
]


def test_parse_wire_never_raises_other_errors() -> None:
    """parse_wire raises only SealError for random, truncated and hostile inputs."""
    rng = random.Random(20261206)
    good = json.dumps(sealed()).encode()
    inputs: list[Any] = list(HOSTILE)
    for _ in range(500):
        choice = rng.randrange(5)
        if choice == 0:
            inputs.append(rng.randbytes(rng.randrange(200)))
        elif choice == 1:
            inputs.append(good[: rng.randrange(len(good))])
        elif choice == 2:
            data = bytearray(good)
            data[rng.randrange(len(data))] = rng.randrange(256)
            inputs.append(bytes(data))
        elif choice == 3:
            value = json.loads(good)
            key = rng.choice(["rex", "route", "jwe"])
            value[key] = rng.choice([None, 1, 1.5, [], {}, "", "x" * 10, 10**30, True])
            inputs.append(value if rng.random() < 0.5 else json.dumps(value))
        else:
            inputs.append("".join(chr(rng.randrange(0x10FFFF)) for _ in range(rng.randrange(50))))
    refused = 0
    for data in inputs:
        try:
            seal.parse_wire(data)
        except SealError as exc:
            assert exc.code in seal.ERROR_CODES
            refused += 1
    assert refused >= len(inputs) - 50  # only untouched copies of the good message pass
    assert seal.parse_wire(good)["route"]["from_node"] == "fr-node"


# -- Chunked parts ------------------------------------------------------------------------------


def chunks_of(path: Path, key: str, plan: dict[str, Any], part_id: str = "p1") -> list[bytes]:
    count = len(plan["chunks"])
    return [
        seal.encrypt_chunk(
            key,
            seal.read_chunk(path, i, plan["chunk_size"]),
            message_id="m-1",
            part_id=part_id,
            index=i,
            count=count,
        )
        for i in range(count)
    ]


def decrypt(key: str, data: bytes, plan: dict[str, Any], index: int, part_id: str = "p1") -> bytes:
    return seal.decrypt_chunk(
        key,
        data,
        message_id="m-1",
        part_id=part_id,
        index=index,
        count=len(plan["chunks"]),
        expected_sha256=plan["chunks"][index],
    )


def test_chunks_round_trip(tmp_path: Path) -> None:
    """A multi-chunk file encrypts and decrypts back to the same bytes and digest."""
    path = tmp_path / "scan.pdf"
    content = random.Random(1).randbytes(10_000)
    path.write_bytes(content)
    plan = seal.plan_part(path, chunk_size=4096)
    assert plan["size"] == 10_000 and len(plan["chunks"]) == 3
    assert plan["sha256"] == seal.sha256_hex(content)
    key = seal.new_part_key()
    assert len(key) == 43 and "=" not in key
    encrypted = chunks_of(path, key, plan)
    assert b"".join(decrypt(key, c, plan, i) for i, c in enumerate(encrypted)) == content


def test_empty_file_has_one_chunk(tmp_path: Path) -> None:
    """An empty file plans as one empty chunk, which round-trips."""
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    plan = seal.plan_part(path, chunk_size=16)
    assert plan["chunks"] == [seal.sha256_hex(b"")]
    key = seal.new_part_key()
    assert decrypt(key, chunks_of(path, key, plan)[0], plan, 0) == b""


def test_swapped_chunks_refused(tmp_path: Path) -> None:
    """A chunk moved to another index or another part fails authentication."""
    path = tmp_path / "a.bin"
    path.write_bytes(bytes(range(256)) * 40)
    plan = seal.plan_part(path, chunk_size=1024)
    key = seal.new_part_key()
    encrypted = chunks_of(path, key, plan)
    with pytest.raises(SealError) as exc:
        decrypt(key, encrypted[1], plan, 0)
    assert code_of(exc) == "tampered"
    with pytest.raises(SealError) as exc:
        decrypt(key, encrypted[0], plan, 0, part_id="p2")
    assert code_of(exc) == "tampered"


def test_truncated_chunk_refused(tmp_path: Path) -> None:
    """A truncated chunk, however short, is refused as tampered."""
    path = tmp_path / "a.bin"
    path.write_bytes(b"x" * 3000)
    plan = seal.plan_part(path, chunk_size=1024)
    key = seal.new_part_key()
    first = chunks_of(path, key, plan)[0]
    for cut in (first[:-1], first[:20], b""):
        with pytest.raises(SealError) as exc:
            decrypt(key, cut, plan, 0)
        assert code_of(exc) == "tampered"


def test_chunk_with_wrong_digest_refused(tmp_path: Path) -> None:
    """An authentic chunk whose digest differs from the manifest is a part_mismatch."""
    path = tmp_path / "a.bin"
    path.write_bytes(b"y" * 100)
    plan = seal.plan_part(path, chunk_size=1024)
    key = seal.new_part_key()
    data = chunks_of(path, key, plan)[0]
    plan["chunks"][0] = seal.sha256_hex(b"other")
    with pytest.raises(SealError) as exc:
        decrypt(key, data, plan, 0)
    assert code_of(exc) == "part_mismatch"


# -- Keys ---------------------------------------------------------------------------------------


def test_kek_protect_unprotect_and_rotate() -> None:
    """A protected key opens with its KEK, not with another, and survives KEK rotation."""
    old, new = seal.new_kek(), seal.new_kek()
    token = seal.protect(SENDER_SIG, [old])
    assert SENDER_SIG.jwk["d"] not in token

    def unprotect(token: str, keks: list[str], kid: str = SENDER_SIG.kid) -> seal.PrivateKey:
        return seal.unprotect(token, keks, kid=kid, use="sig", not_before=YEAR_AGO)

    assert unprotect(token, [old]) == SENDER_SIG
    with pytest.raises(SealError) as exc:
        unprotect(token, [new])
    assert code_of(exc) == "tampered"
    with pytest.raises(SealError) as exc:
        unprotect(token, [old], kid=RECIPIENT_SIG.kid)
    assert code_of(exc) == "tampered"
    rotated = seal.rotate_protection(token, [new, old])
    assert unprotect(rotated, [new]) == SENDER_SIG
    with pytest.raises(SealError):
        seal.rotate_protection("garbage", [new])


def test_private_key_repr_hides_secret() -> None:
    """The private JWK never appears in a PrivateKey's repr (logs, tracebacks)."""
    assert SENDER_SIG.jwk["d"] not in repr(SENDER_SIG)


def test_fingerprint_format_and_stability() -> None:
    """A fingerprint is five groups of four Crockford characters, same for public and private."""
    fp = seal.fingerprint(SENDER_SIG.jwk)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}", fp)
    assert fp == seal.fingerprint(SENDER_SIG.public().jwk)
    assert fp == seal.fingerprint(dict(reversed(list(SENDER_SIG.public().jwk.items()))))
    assert fp != seal.fingerprint(RECIPIENT_SIG.jwk)
    digest = base64.urlsafe_b64decode(SENDER_SIG.kid + "=")
    assert len(digest) == 32


def test_public_key_json_round_trip_and_validation() -> None:
    """PublicKey JSON round-trips; private members, wrong kids and junk are malformed."""
    pub = with_times(SENDER_SIG, revoked_at=T0)
    assert PublicKey.from_json(json.loads(json.dumps(pub.to_json()))) == pub
    good = pub.to_json()
    bad_inputs: list[Any] = [
        None,
        [],
        {**good, "jwk": {**good["jwk"], "d": SENDER_SIG.jwk["d"]}},
        {**good, "kid": RECIPIENT_SIG.kid},
        {**good, "use": "enc"},
        {**good, "not_before": "yesterday"},
        {**good, "not_before": "2026-01-01T00:00:00"},
        {**good, "jwk": {**good["jwk"], "x": "AAAA"}},
        {k: v for k, v in good.items() if k != "use"},
    ]
    for bad in bad_inputs:
        with pytest.raises(SealError) as exc:
            PublicKey.from_json(bad)
        assert code_of(exc) == "malformed"


def test_status_at() -> None:
    """status_at names why a key is unusable, or returns None."""
    key = with_times(SENDER_SIG, not_after=T0, revoked_at=T0 + timedelta(days=1))
    assert key.status_at(YEAR_AGO - timedelta(seconds=1)) == "not_yet_valid_key"
    assert key.status_at(YEAR_AGO) is None
    assert key.status_at(T0) == "expired_key"
    assert key.status_at(T0 + timedelta(days=2)) == "revoked_key"


# -- Evidences ----------------------------------------------------------------------------------


def claims(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "type": "DELIVERY",
        "issuer_node": "ke-node",
        "subject_message_id": "m-1",
        "subject_digest": "ab" * 32,
        "sender_node": "fr-node",
        "recipient_node": "ke-node",
        "event_time": T0,
    }
    values.update(changes)
    return seal.evidence_claims(**values)


def test_evidence_verify() -> None:
    """An evidence verifies with its issuer's key and is refused with another key or edits."""
    token = seal.sign_evidence(claims(), signing_key=RECIPIENT_SIG)
    assert seal.verify_evidence(token, [RECIPIENT_SIG.public()], at=T0)["type"] == "DELIVERY"
    assert seal.peek_evidence(token)[1] == RECIPIENT_SIG.kid
    with pytest.raises(SealError) as exc:
        seal.verify_evidence(token, [SENDER_SIG.public()])
    assert code_of(exc) == "unknown_key"
    head, _payload, sig = token.split(".")
    forged = base64.urlsafe_b64encode(seal.canonical(claims(type="NON_DELIVERY")))
    with pytest.raises(SealError) as exc:
        seal.verify_evidence(
            f"{head}.{forged.decode().rstrip('=')}.{sig}", [RECIPIENT_SIG.public()]
        )
    assert code_of(exc) == "bad_signature"
    with pytest.raises(ValueError):
        claims(type="RECEIVED")
    for junk in ("", "a.b.c", "x" * 100, token.replace(".", "", 1)):
        with pytest.raises(SealError) as exc:
            seal.peek_evidence(junk)
        assert code_of(exc) == "malformed"


def test_evidence_key_revoked_later_still_verifies() -> None:
    """An evidence signed before its key was revoked verifies at its event time, years later."""
    token = seal.sign_evidence(claims(), signing_key=RECIPIENT_SIG)
    revoked = with_times(RECIPIENT_SIG, revoked_at=T0 + timedelta(days=10))
    years_later = T0 + timedelta(days=3650)
    assert seal.verify_evidence(token, [revoked], at=years_later)["subject_message_id"] == "m-1"
    early = with_times(RECIPIENT_SIG, revoked_at=T0 - timedelta(days=1))
    with pytest.raises(SealError) as exc:
        seal.verify_evidence(token, [early], at=years_later)
    assert code_of(exc) == "revoked_key"


# -- Node descriptors and trust lists -----------------------------------------------------------


AUTHORITIES = [{"code": "KE-ODPP", "name": "Office of the DPP", "state": "KE"}]


def descriptor(signing_key: seal.PrivateKey, keys: list[PublicKey]) -> str:
    return seal.sign_descriptor(
        node_id="ke-node",
        endpoint="https://rex.example.ke/rex/",
        keys=keys,
        authorities=AUTHORITIES,
        signing_key=signing_key,
        issued_at=T0,
    )


def test_descriptor_self_signed() -> None:
    """A descriptor verifies against its own listed signing key and returns its fields."""
    token = descriptor(RECIPIENT_SIG, [RECIPIENT_SIG.public(), RECIPIENT_ENC.public()])
    parsed = seal.verify_descriptor(token)
    assert parsed.node_id == "ke-node" and parsed.signer_kid == RECIPIENT_SIG.kid
    assert [k.use for k in parsed.keys] == ["sig", "enc"] and parsed.authorities == AUTHORITIES
    with pytest.raises(ValueError):
        descriptor(SENDER_SIG, [RECIPIENT_SIG.public()])


def test_descriptor_rotation() -> None:
    """A new key signed by the old pinned key is accepted; an unpinned signer is refused."""
    new_sig = seal.generate_key("sig", not_before=T0 - timedelta(days=1))
    keys = [RECIPIENT_SIG.public(), new_sig.public(), RECIPIENT_ENC.public()]
    pinned = [RECIPIENT_SIG.public()]
    rotated = seal.verify_descriptor(descriptor(RECIPIENT_SIG, keys), trusted=pinned, now=T0)
    assert new_sig.kid in {k.kid for k in rotated.keys}
    hijack = descriptor(new_sig, keys)
    assert seal.verify_descriptor(hijack).signer_kid == new_sig.kid  # self-consistent ...
    with pytest.raises(SealError) as exc:  # ... but not signed by anyone we trust
        seal.verify_descriptor(hijack, trusted=pinned, now=T0)
    assert code_of(exc) == "unknown_key"
    revoked_pin = [with_times(RECIPIENT_SIG, revoked_at=T0 - timedelta(hours=1))]
    with pytest.raises(SealError) as exc:
        seal.verify_descriptor(descriptor(RECIPIENT_SIG, keys), trusted=revoked_pin, now=T0)
    assert code_of(exc) == "revoked_key"


def test_descriptor_refuses_bad_endpoint_and_junk() -> None:
    """A descriptor with a non-http endpoint or junk token is malformed."""
    with pytest.raises(SealError):
        seal.sign_descriptor(
            node_id="n",
            endpoint="ftp://x",
            keys=[RECIPIENT_SIG.public()],
            authorities=[],
            signing_key=RECIPIENT_SIG,
            issued_at=T0,
        )
    for junk in ("", "a.b.c", "...."):
        with pytest.raises(SealError) as exc:
            seal.verify_descriptor(junk)
        assert code_of(exc) == "malformed"


OPERATOR = seal.generate_key("sig", not_before=YEAR_AGO)


def trust_list(sequence: int, next_update: datetime) -> str:
    node = {
        "node_id": "ke-node",
        "endpoint": "https://rex.example.ke/rex/",
        "status": "active",
        "keys": [RECIPIENT_SIG.public().to_json(), RECIPIENT_ENC.public().to_json()],
        "authorities": AUTHORITIES,
    }
    return seal.sign_trust_list(
        operator="ejn-operator",
        sequence=sequence,
        issued_at=T0,
        next_update=next_update,
        nodes=[node],
        signing_key=OPERATOR,
    )


def test_trust_list_verify_rollback_and_expiry() -> None:
    """A trust list verifies; an older sequence is stale, a past next_update expired."""
    keys = [OPERATOR.public()]
    later = T0 + timedelta(days=7)
    parsed = seal.verify_trust_list(
        trust_list(5, later), operator_keys=keys, now=T0, min_sequence=5
    )
    assert parsed["nodes"][0]["node_id"] == "ke-node"
    with pytest.raises(SealError) as exc:
        seal.verify_trust_list(trust_list(4, later), operator_keys=keys, now=T0, min_sequence=5)
    assert code_of(exc) == "stale"
    with pytest.raises(SealError) as exc:
        seal.verify_trust_list(trust_list(6, T0 - timedelta(hours=1)), operator_keys=keys, now=T0)
    assert code_of(exc) == "expired"
    with pytest.raises(SealError) as exc:
        seal.verify_trust_list(trust_list(6, later), operator_keys=[SENDER_SIG.public()], now=T0)
    assert code_of(exc) == "unknown_key"


# -- Canonical JSON: the fast path writes what rfc8785 writes -------------------------------------

_CHARS = ["a", "Z", "0", " ", "é", "中", "ي", "😀", "\ue000", "\uffff", '"', "\\", "/"]
_CHARS += [chr(c) for c in range(0x20)] + ["\x7f", "\u2028", "\u2029", "\ufeff"]


def _random_value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.choice(["str", "int", "bool", "none", "float", "list", "dict", "dict", "tuple"])
    if depth > 4 or kind == "str":
        return "".join(rng.choice(_CHARS) for _ in range(rng.randrange(0, 12)))
    if kind == "int":
        bounds = [2**53 - 1, -(2**53 - 1), 2**53]
        return rng.choice([0, -1, 7, *bounds, rng.randrange(-(10**9), 10**9)])
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "none":
        return None
    if kind == "float":
        if rng.random() < 0.8:
            return "float"  # rarer, so that many values take the fast path
        return rng.choice([0.5, 1e21, 1e-7, -0.0, 3.0, 123456789.125])
    if kind in ("list", "tuple"):
        items = [_random_value(rng, depth + 1) for _ in range(rng.randrange(0, 5))]
        return items if kind == "list" else tuple(items)
    alphabet = _CHARS if rng.random() < 0.3 else [c for c in _CHARS if c.isascii()]
    keys = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 4))) for _ in range(5)]
    return {key: _random_value(rng, depth + 1) for key in keys}


def _library(value: Any) -> bytes | str:
    try:
        return rfc8785.dumps(value)
    except Exception as error:  # the same refusal either way
        return type(error).__name__


def _ours(value: Any) -> bytes | str:
    try:
        return seal.canonical(value)
    except Exception as error:
        return type(error).__name__


def test_canonical_matches_rfc8785_on_random_values() -> None:
    """seal.canonical gives rfc8785's bytes (or its refusal) for every value: control
    characters, non-ASCII and astral keys, I-JSON integer bounds, floats, tuples."""
    rng = random.Random(8785)
    for _ in range(3000):
        value = _random_value(rng)
        assert _ours(value) == _library(value), value


@pytest.mark.parametrize(
    "value",
    [
        {"\ue000": 1, "😀": 2},  # UTF-16 order differs from code-point order here
        {"b": 1, "a": {"d": [1, "x\u0000y"], "c": None}},
        ["lone \ud800 surrogate"],
        {"n": 2**53},
        {1: "not a string key"},
        {"float": 1e21},
        {"set": {1, 2}},
    ],
)
def test_canonical_matches_rfc8785_on_edge_cases(value: Any) -> None:
    """The cases where a naive json.dumps would differ from RFC 8785 go to the library."""
    assert _ours(value) == _library(value)
