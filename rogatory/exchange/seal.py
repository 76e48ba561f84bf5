"""Seal, open and attest REX-1 messages exchanged between nodes.

Pure Python on purpose: no Django, so that an evidence bundle can be checked years later with
``python -m rogatory.exchange.verify`` on a machine that has never seen the database.

Every cryptographic operation is a joserfc, cryptography or rfc8785 primitive; this module only
composes them. A message is signed then encrypted (JWS inside JWE) so that the recipient keeps
a signed object it can show to a third party, and the route travels in clear beside the JWE so
that a relay can forward it without reading it; the route is repeated inside the signed header
and the two must match.

Manifest entries describe attachments sent as separate encrypted chunks. Each entry carries
``part_id``, ``name``, ``media_type``, ``size``, ``sha256``, ``chunk_size``, ``chunks`` (the
per-chunk plaintext SHA-256 list from :func:`plan_part`) and ``key`` (from :func:`new_part_key`):
the part key only ever travels inside the encrypted, signed payload.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from os import PathLike
from typing import Any
from urllib.parse import urlsplit

import rfc8785
from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from joserfc import jwe, jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey
from joserfc.util import urlsafe_b64decode

REX_VERSION = "1"
SIG_ALG = "Ed25519"
KEY_ALG = "ECDH-ES+A256KW"
CONTENT_ENC = "A256GCM"
DEFAULT_MAX_SKEW = timedelta(minutes=5)
DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024
MAX_WIRE_BYTES = 16 * 1024 * 1024
# Deeper JSON than this is never produced by REX and only serves to exhaust the parser.
MAX_JSON_DEPTH = 64

# e-CODEX evidence names (ETSI REM), so that a gateway operator recognises them.
EVIDENCE_TYPES = (
    "SUBMISSION_ACCEPTANCE",
    "SUBMISSION_REJECTION",
    "RELAY_REMMD_ACCEPTANCE",
    "RELAY_REMMD_REJECTION",
    "RELAY_REMMD_FAILURE",
    "DELIVERY",
    "NON_DELIVERY",
    "RETRIEVAL",
    "NON_RETRIEVAL",
)

TYP_CONTENT = "rex+jws"
TYP_EVIDENCE = "rex-evidence+jws"
TYP_NODE = "rex-node+jws"
TYP_TRUST_LIST = "rex-trust-list+jws"

ROUTE_FIELDS = ("message_id", "from_node", "to_node", "created_at")
HEADER_FIELDS = (*ROUTE_FIELDS, "conversation_id", "expires_at", "action")
EVIDENCE_FIELDS = (
    "rex",
    "evidence_id",
    "type",
    "issuer_node",
    "subject_message_id",
    "subject_digest",
    "sender_node",
    "recipient_node",
    "event_time",
    "reason_code",
    "reason",
)
NODE_STATUSES = ("active", "suspended", "revoked")
_CURVES = {"sig": "Ed25519", "enc": "X25519"}
_NONCE_BYTES = 12
_TAG_BYTES = 16

ERROR_CODES = frozenset(
    {
        "malformed",
        "too_large",
        "bad_signature",
        "tampered",
        "unknown_key",
        "wrong_recipient",
        "expired_key",
        "revoked_key",
        "not_yet_valid_key",
        "clock_skew",
        "expired",
        "route_mismatch",
        "part_mismatch",
        "stale",
    }
)


class SealError(Exception):
    """Refuse a message, key or signed object; ``code`` is one of ``ERROR_CODES``.

    malformed: not the expected shape; too_large: over MAX_WIRE_BYTES; bad_signature: the
    signature does not verify; tampered: decryption or authentication failed; unknown_key: the
    signing kid is not among the given keys; wrong_recipient: not encrypted for any of our keys;
    expired_key / revoked_key / not_yet_valid_key: key not usable at the relevant time;
    clock_skew: created too far in the future; expired: past its expiry; route_mismatch: the
    clear route differs from the signed header; part_mismatch: chunk or part hash/size wrong;
    stale: a trust list older than one already seen (rollback).
    """

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message or code


# -- Encoding helpers ---------------------------------------------------------------------------


def canonical(obj: Any) -> bytes:
    """Return the RFC 8785 canonical JSON of obj."""
    if _plain(obj):
        # For this subset of JSON the standard library's C encoder writes exactly what RFC
        # 8785 prescribes (the same escapes, keys in code-point order, which is UTF-16 order
        # for ASCII keys), about ten times faster than rfc8785's pure-Python writer; the tests
        # compare both on many values. Everything else (floats, non-ASCII keys, other types,
        # lone surrogates) is left to the library.
        try:
            text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            return text.encode("utf-8")
        except UnicodeEncodeError:
            pass
    return rfc8785.dumps(obj)


_SAFE_INT = 2**53 - 1  # RFC 8785 (I-JSON): integers must be exact in IEEE 754 doubles


def _plain(obj: Any) -> bool:
    """Whether obj holds only dicts with ASCII keys, lists, str, int (I-JSON range), bool and
    None (and at most a million values: no cycle can hold it up)."""
    stack = [obj]
    budget = 1_000_000
    while stack:
        budget -= 1
        item = stack.pop()
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is dict:
            if not all(type(k) is str and k.isascii() for k in item):
                return False
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif kind is not int or not -_SAFE_INT <= item <= _SAFE_INT or budget < 0:
            return False
    return True


def sha256_hex(data: bytes) -> str:
    """Return the hexadecimal SHA-256 of data."""
    return hashlib.sha256(data).hexdigest()


def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _iso(t: datetime) -> str:
    """Format an aware datetime as ISO 8601 UTC with a Z suffix."""
    if t.tzinfo is None:
        raise ValueError("naive datetime: REX times are always timezone-aware")
    return t.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _time(value: object, what: str = "time") -> datetime:
    """Parse an ISO 8601 UTC string, raising SealError("malformed") otherwise."""
    if not isinstance(value, str) or len(value) > 40:
        raise SealError("malformed", f"{what} is not an ISO 8601 string")
    try:
        t = datetime.fromisoformat(value)
    except ValueError:
        raise SealError("malformed", f"{what} is not an ISO 8601 string") from None
    if t.utcoffset() != timedelta(0):
        raise SealError("malformed", f"{what} is not in UTC")
    return t.astimezone(UTC)


def _aware(t: datetime) -> datetime:
    if t.tzinfo is None:
        raise ValueError("naive datetime: REX times are always timezone-aware")
    return t


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-finite number {name}")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError("non-finite number")
    return value


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _check_json_value(value: Any) -> None:
    """Refuse nesting beyond MAX_JSON_DEPTH and strings with lone surrogates."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ValueError("JSON nested too deeply")
        if isinstance(item, str):
            item.encode("utf-8")  # lone surrogates from "\ud800" escapes fail here
        elif isinstance(item, dict):
            stack.extend((k, depth + 1) for k in item)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


def loads_strict(data: bytes | str) -> Any:
    """Parse JSON refusing NaN, duplicate keys, deep nesting and lone surrogates."""
    try:
        if isinstance(data, bytes):
            data = data.decode("utf-8")
        value = json.loads(
            data,
            object_pairs_hook=_no_duplicates,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
        )
        _check_json_value(value)
    except (ValueError, TypeError, RecursionError, UnicodeError) as exc:
        # ValueError covers JSONDecodeError and ints beyond Python's digit limit.
        raise SealError("malformed", f"invalid JSON: {type(exc).__name__}") from None
    return value


def _str(value: object, what: str, *, empty: bool = False) -> str:
    if not isinstance(value, str) or (not empty and not value):
        raise SealError("malformed", f"{what} must be a non-empty string")
    return value


def _obj(value: object, what: str, keys: tuple[str, ...] | None = None) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SealError("malformed", f"{what} must be an object")
    if keys is not None and set(value) != set(keys):
        raise SealError("malformed", f"{what} must have exactly the keys {', '.join(keys)}")
    return value


def _list(value: object, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise SealError("malformed", f"{what} must be a list")
    return value


# -- Keys ---------------------------------------------------------------------------------------


def _okp(jwk: dict[str, Any], use: str) -> OKPKey:
    """Import an OKP JWK of the curve expected for use, or raise SealError("malformed")."""
    if use not in _CURVES or jwk.get("kty") != "OKP" or jwk.get("crv") != _CURVES[use]:
        raise SealError("malformed", f"a {use!r} key must be an OKP {_CURVES.get(use)} JWK")
    members = tuple(sorted(jwk.items()))
    if not all(isinstance(value, str) for _, value in members):
        raise SealError("malformed", "invalid JWK: its members must be strings")
    return _imported(members)


@lru_cache(maxsize=256)
def _imported(members: tuple[tuple[str, str], ...]) -> OKPKey:
    # Importing builds the key object from its bytes (0.2-0.35 ms measured), and the same few
    # keys sign and verify every message: each JWK is imported once per process.
    try:
        return OKPKey.import_key(dict(members))
    except (JoseError, ValueError, TypeError) as exc:
        raise SealError("malformed", f"invalid JWK: {exc}") from None


@dataclass(frozen=True)
class PublicKey:
    """A node's public key and the period in which it may be used."""

    kid: str
    use: str
    jwk: dict[str, Any]
    not_before: datetime
    not_after: datetime | None = None
    revoked_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the key as JSON with ISO 8601 UTC times."""
        return {
            "kid": self.kid,
            "use": self.use,
            "jwk": dict(self.jwk),
            "not_before": _iso(self.not_before),
            "not_after": _iso(self.not_after) if self.not_after else None,
            "revoked_at": _iso(self.revoked_at) if self.revoked_at else None,
        }

    @classmethod
    def from_json(cls, d: object) -> PublicKey:
        """Validate and build a key from its JSON form; refuse private members."""
        keys = ("kid", "use", "jwk", "not_before", "not_after", "revoked_at")
        d = _obj(d, "key", keys)
        jwk = _obj(d["jwk"], "jwk", ("kty", "crv", "x"))  # no "d": public members only
        use = _str(d["use"], "use")
        okp = _okp(jwk, use)
        # The kid is the thumbprint, so a key cannot be swapped under someone else's kid.
        if _str(d["kid"], "kid") != okp.thumbprint():
            raise SealError("malformed", "kid is not the key's RFC 7638 thumbprint")
        nb = _time(d["not_before"], "not_before")
        na = None if d["not_after"] is None else _time(d["not_after"], "not_after")
        ra = None if d["revoked_at"] is None else _time(d["revoked_at"], "revoked_at")
        return cls(d["kid"], use, dict(jwk), nb, na, ra)

    def status_at(self, t: datetime) -> str | None:
        """Return None if the key is usable at t, else why not (an error code)."""
        if self.revoked_at is not None and t >= self.revoked_at:
            return "revoked_key"
        if t < self.not_before:
            return "not_yet_valid_key"
        if self.not_after is not None and t >= self.not_after:
            return "expired_key"
        return None


@dataclass(frozen=True)
class PrivateKey:
    """A node's own private key; the JWK is kept out of repr so it never reaches a log."""

    kid: str
    use: str
    jwk: dict[str, Any] = field(repr=False)
    not_before: datetime
    not_after: datetime | None = None

    def public(self) -> PublicKey:
        """Return the public half with the same validity."""
        pub = {k: self.jwk[k] for k in ("kty", "crv", "x")}
        return PublicKey(self.kid, self.use, pub, self.not_before, self.not_after)

    def _okp(self) -> OKPKey:
        return _okp(self.jwk, self.use)


def generate_key(
    use: str, *, not_before: datetime, not_after: datetime | None = None
) -> PrivateKey:
    """Generate an Ed25519 ("sig") or X25519 ("enc") key whose kid is its thumbprint."""
    if use not in _CURVES:
        raise ValueError(f"use must be 'sig' or 'enc', not {use!r}")
    key = OKPKey.generate_key(_CURVES[use])  # type: ignore[arg-type]
    jwk = dict(key.as_dict(private=True))
    return PrivateKey(key.thumbprint(), use, jwk, _aware(not_before), not_after)


_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
# Crockford's alphabet drops I, L, O and U so that a fingerprint read aloud is unambiguous.
_CROCKFORD = str.maketrans(_B32, "0123456789ABCDEFGHJKMNPQRSTVWXYZ")


def fingerprint(jwk: dict[str, Any]) -> str:
    """Return a 20-character fingerprint of a JWK for an out-of-band check by telephone."""
    try:
        digest = urlsafe_b64decode(OKPKey.import_key(jwk).thumbprint().encode("ascii"))
    except (JoseError, ValueError, TypeError) as exc:
        raise SealError("malformed", f"invalid JWK: {exc}") from None
    text = base64.b32encode(digest).decode("ascii").translate(_CROCKFORD)[:20]
    return "-".join(text[i : i + 4] for i in range(0, 20, 4))


def new_kek() -> str:
    """Return a new key-encryption key, to be kept outside the database."""
    return Fernet.generate_key().decode("ascii")


def _multifernet(keks: list[str]) -> MultiFernet:
    if not keks:
        raise ValueError("at least one key-encryption key is required")
    return MultiFernet([Fernet(k) for k in keks])


def protect(private: PrivateKey, keks: list[str]) -> str:
    """Encrypt a private JWK with the first KEK for storage at rest."""
    return _multifernet(keks).encrypt(canonical(private.jwk)).decode("ascii")


def unprotect(
    token: str,
    keks: list[str],
    *,
    kid: str,
    use: str,
    not_before: datetime,
    not_after: datetime | None = None,
) -> PrivateKey:
    """Decrypt a protected private key and check it is the key named by kid."""
    try:
        jwk = loads_strict(_multifernet(keks).decrypt(token.encode("ascii")))
    except (InvalidToken, SealError, UnicodeError):
        raise SealError("tampered", "protected key does not decrypt with these KEKs") from None
    if not isinstance(jwk, dict) or "d" not in jwk:
        raise SealError("tampered", "protected key is not a private JWK")
    try:
        okp = _okp(jwk, use)
    except SealError:
        raise SealError("tampered", "protected key does not match its use") from None
    if okp.thumbprint() != kid:
        raise SealError("tampered", "protected key does not match its kid")
    return PrivateKey(kid, use, jwk, not_before, not_after)


def rotate_protection(token: str, keks: list[str]) -> str:
    """Re-encrypt a protected key with the first KEK (after adding a new one in front)."""
    try:
        return _multifernet(keks).rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError):
        raise SealError("tampered", "protected key does not decrypt with these KEKs") from None


# -- Signed objects -----------------------------------------------------------------------------


def _jws_registry() -> jws.JWSRegistry:
    registry = jws.JWSRegistry(algorithms=[SIG_ALG])
    # joserfc's default 128 kB payload cap is too small for a message with its manifest.
    registry.max_payload_length = MAX_WIRE_BYTES
    return registry


def _jwe_registry() -> jwe.JWERegistry:
    registry = jwe.JWERegistry(algorithms=[KEY_ALG, CONTENT_ENC])
    registry.max_ciphertext_length = MAX_WIRE_BYTES
    return registry


def _sign(typ: str, payload: Any, signing_key: PrivateKey) -> str:
    if signing_key.use != "sig":
        raise ValueError("signing needs a 'sig' key")
    header = {"alg": SIG_ALG, "kid": signing_key.kid, "typ": typ}
    return jws.serialize_compact(
        header, canonical(payload), signing_key._okp(), registry=_jws_registry()
    )


def _peek(token: object, typ: str) -> tuple[Any, str]:
    """Return the unverified payload and kid of a compact JWS of the given typ."""
    if not isinstance(token, str) or len(token) > MAX_WIRE_BYTES:
        raise SealError("malformed", "not a compact JWS")
    try:
        obj = jws.extract_compact(token.encode("ascii"), registry=_jws_registry())
        header = obj.headers()
    except (JoseError, ValueError, TypeError, KeyError, UnicodeError, RecursionError):
        raise SealError("malformed", "not a compact JWS") from None
    if header.get("typ") != typ or header.get("alg") != SIG_ALG:
        raise SealError("malformed", f"not a {typ} signed with {SIG_ALG}")
    return loads_strict(obj.payload), _str(header.get("kid"), "kid")


def _signer(kid: str, keys: list[PublicKey]) -> PublicKey:
    for key in keys:
        if key.kid == kid and key.use == "sig":
            return key
    raise SealError("unknown_key", f"no signing key {kid}")


def _check_signature(token: str, key: PublicKey) -> None:
    try:
        jws.deserialize_compact(token, _okp(key.jwk, "sig"), registry=_jws_registry())
    except (JoseError, ValueError, TypeError, KeyError, UnicodeError):
        raise SealError("bad_signature", f"signature does not verify with key {key.kid}") from None


# -- Envelopes ----------------------------------------------------------------------------------


def _check_header(header: object) -> dict[str, Any]:
    header = _obj(header, "header")
    for name in HEADER_FIELDS:
        _str(header.get(name), f"header.{name}")
    _time(header["created_at"], "created_at")
    _time(header["expires_at"], "expires_at")
    return header


@dataclass(frozen=True)
class Sealed:
    """A sealed message: the wire form, and the signed content the sender keeps for its
    evidence bundles (the recipient recovers the same JWS by decrypting)."""

    wire: dict[str, Any]
    signed: str


def seal(
    header: dict[str, Any],
    body: dict[str, Any],
    manifest: list[dict[str, Any]],
    *,
    signing_key: PrivateKey,
    recipient_key: PublicKey,
) -> dict[str, Any]:
    """Sign the message with our key and encrypt it for the recipient node; return the wire."""
    return seal_with_signed(
        header, body, manifest, signing_key=signing_key, recipient_key=recipient_key
    ).wire


def seal_with_signed(
    header: dict[str, Any],
    body: dict[str, Any],
    manifest: list[dict[str, Any]],
    *,
    signing_key: PrivateKey,
    recipient_key: PublicKey,
) -> Sealed:
    """Like ``seal``, also returning the signed content (compact JWS)."""
    _check_header(header)
    if recipient_key.use != "enc":
        raise ValueError("the recipient key must be an 'enc' key")
    status = recipient_key.status_at(_time(header["created_at"]))
    if status:
        raise SealError(status, f"recipient key {recipient_key.kid} is not usable")
    signed = _sign(TYP_CONTENT, {"header": header, "manifest": manifest, "body": body}, signing_key)
    protected = {"alg": KEY_ALG, "enc": CONTENT_ENC, "kid": recipient_key.kid, "cty": TYP_CONTENT}
    token = jwe.encrypt_compact(
        protected, signed, _okp(recipient_key.jwk, "enc"), registry=_jwe_registry()
    )
    wire = {"rex": REX_VERSION, "route": {k: header[k] for k in ROUTE_FIELDS}, "jwe": token}
    if len(canonical(wire)) > MAX_WIRE_BYTES:
        raise SealError("too_large", "sealed message exceeds MAX_WIRE_BYTES")
    return Sealed(wire=wire, signed=signed)


def wire_digest(wire: dict[str, Any]) -> str:
    """Return the SHA-256 hex of the canonical wire form, the digest evidences name."""
    return sha256_hex(canonical(wire))


def parse_wire(data: bytes | str | dict[str, Any]) -> dict[str, Any]:
    """Parse and check the shape of a wire message; raise only SealError."""
    if isinstance(data, str | bytes):
        if len(data) > MAX_WIRE_BYTES:
            raise SealError("too_large", "message exceeds MAX_WIRE_BYTES")
        data = loads_strict(data)
    wire = _obj(data, "wire", ("rex", "route", "jwe"))
    if wire["rex"] != REX_VERSION:
        raise SealError("malformed", "unsupported REX version")
    route = _obj(wire["route"], "route", ROUTE_FIELDS)
    for name in ROUTE_FIELDS:
        _str(route[name], f"route.{name}")
    _time(route["created_at"], "created_at")
    token = _str(wire["jwe"], "jwe")
    if not token.isascii() or token.count(".") != 4:
        raise SealError("malformed", "jwe is not a compact JWE")
    return {"rex": REX_VERSION, "route": dict(route), "jwe": token}


@dataclass
class Opened:
    """A verified, decrypted message and what the checks noticed."""

    header: dict[str, Any]
    manifest: list[dict[str, Any]]
    body: dict[str, Any]
    signed: str
    signer_kid: str
    notes: list[str] = field(default_factory=list)


def open_signed(signed: str, *, sender_keys: list[PublicKey]) -> Opened:
    """Verify a signed content JWS and check its shape, without any time rule."""
    payload, kid = _peek(signed, TYP_CONTENT)
    _check_signature(signed, _signer(kid, sender_keys))
    payload = _obj(payload, "payload", ("header", "manifest", "body"))
    manifest = _list(payload["manifest"], "manifest")
    for entry in manifest:
        _obj(entry, "manifest entry")
    return Opened(
        _check_header(payload["header"]), manifest, _obj(payload["body"], "body"), signed, kid
    )


def _recipient_kid(token: str) -> str:
    try:
        header = loads_strict(urlsafe_b64decode(token.split(".")[0].encode("ascii")))
    except (ValueError, UnicodeError):
        raise SealError("malformed", "invalid JWE header") from None
    header = _obj(header, "JWE header")
    if header.get("alg") != KEY_ALG or header.get("enc") != CONTENT_ENC:
        raise SealError("malformed", f"JWE must use {KEY_ALG} with {CONTENT_ENC}")
    return _str(header.get("kid"), "JWE kid")


def open_envelope(
    wire: dict[str, Any],
    *,
    decryption_keys: list[PrivateKey],
    sender_keys: list[PublicKey],
    now: datetime,
    max_skew: timedelta = DEFAULT_MAX_SKEW,
    offline: bool = False,
) -> Opened:
    """Decrypt, verify and check a wire message against keys and clock; raise SealError."""
    now = _aware(now)
    wire = parse_wire(wire)
    kid = _recipient_kid(wire["jwe"])
    mine = [k for k in decryption_keys if k.kid == kid and k.use == "enc"]
    if not mine:
        raise SealError("wrong_recipient", f"not encrypted for any of our keys ({kid})")
    try:
        plain = jwe.decrypt_compact(wire["jwe"], mine[0]._okp(), registry=_jwe_registry())
        signed = (plain.plaintext or b"").decode("ascii")
    except (JoseError, ValueError, TypeError, KeyError, UnicodeError):
        raise SealError("tampered", "the message does not decrypt") from None
    opened = open_signed(signed, sender_keys=sender_keys)
    header = opened.header
    if wire["route"] != {k: header[k] for k in ROUTE_FIELDS}:
        raise SealError("route_mismatch", "the clear route differs from the signed header")

    key = _signer(opened.signer_kid, sender_keys)
    created, expires = _time(header["created_at"]), _time(header["expires_at"])
    if created > now + max_skew:
        raise SealError("clock_skew", f"created_at {header['created_at']} is in the future")
    if not offline:
        status = key.status_at(now)
        if status:
            raise SealError(status, f"sender key {key.kid} is not usable now")
        if expires < now - max_skew:
            raise SealError("expired", f"the message expired at {header['expires_at']}")
        return opened
    # Carried by hand: what matters is whether the key was good when the sender sealed it.
    status = key.status_at(created)
    if status:
        raise SealError(status, f"sender key {key.kid} was not usable at sealing time")
    if key.revoked_at is not None and key.revoked_at <= now:
        opened.notes.append("key_revoked_after_sealing")
    if key.not_after is not None and key.not_after <= now:
        opened.notes.append("key_expired_after_sealing")
    if expires < now - max_skew:
        opened.notes.append("message_expired_in_transit")
    return opened


# -- Chunked parts ------------------------------------------------------------------------------


def new_part_key() -> str:
    """Return a fresh random 256-bit part key, base64url without padding."""
    return _b64e(secrets.token_bytes(32))


def part_proof(key: str, *, message_id: str, part_id: str) -> str:
    """Proof that the asker knows a part's key (only the two nodes do), for asking how far a
    transfer got: HMAC-SHA256 under the part key of the part's names."""
    raw = urlsafe_b64decode(key.encode("ascii"))
    mac = hmac.new(raw, canonical(["rex-part-status-1", message_id, part_id]), hashlib.sha256)
    return _b64e(mac.digest())


def check_part_proof(key: str, proof: str, *, message_id: str, part_id: str) -> bool:
    expected = part_proof(key, message_id=message_id, part_id=part_id)
    return hmac.compare_digest(expected.encode("ascii"), proof.encode("ascii", "replace"))


def _part_key(key: str) -> AESGCM:
    raw = urlsafe_b64decode(key.encode("ascii"))
    if len(raw) != 32:
        raise ValueError("a part key is 32 bytes")
    return AESGCM(raw)


def plan_part(path: str | PathLike[str], *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> dict[str, Any]:
    """Hash a file chunk by chunk in one pass and return its size, digest and chunk digests."""
    if chunk_size <= 0:
        raise ValueError("chunk_size must be positive")
    whole, chunks, size = hashlib.sha256(), [], 0
    with open(path, "rb") as f:
        while piece := f.read(chunk_size):
            whole.update(piece)
            chunks.append(sha256_hex(piece))
            size += len(piece)
    # An empty file still has one (empty) chunk, so a recipient always fetches something.
    return {
        "size": size,
        "sha256": whole.hexdigest(),
        "chunk_size": chunk_size,
        "chunks": chunks or [sha256_hex(b"")],
    }


def _chunk_aad(message_id: str, part_id: str, index: int, count: int) -> bytes:
    # Binding the position stops a relay from swapping, reordering or dropping chunks.
    return canonical(["rex-chunk-1", message_id, part_id, index, count])


def encrypt_chunk(
    key: str, plaintext: bytes, *, message_id: str, part_id: str, index: int, count: int
) -> bytes:
    """Encrypt one chunk with AES-256-GCM; return nonce followed by ciphertext and tag."""
    nonce = secrets.token_bytes(_NONCE_BYTES)
    aad = _chunk_aad(message_id, part_id, index, count)
    return nonce + _part_key(key).encrypt(nonce, plaintext, aad)


def decrypt_chunk(
    key: str,
    data: bytes,
    *,
    message_id: str,
    part_id: str,
    index: int,
    count: int,
    expected_sha256: str,
) -> bytes:
    """Decrypt and authenticate one chunk and check it against the manifest's digest."""
    if len(data) < _NONCE_BYTES + _TAG_BYTES:
        raise SealError("tampered", f"chunk {index} of {part_id} is truncated")
    aad = _chunk_aad(message_id, part_id, index, count)
    try:
        plain = _part_key(key).decrypt(data[:_NONCE_BYTES], data[_NONCE_BYTES:], aad)
    except InvalidTag:
        raise SealError("tampered", f"chunk {index} of {part_id} fails authentication") from None
    if sha256_hex(plain) != expected_sha256:
        raise SealError("part_mismatch", f"chunk {index} of {part_id} has the wrong digest")
    return plain


def read_chunk(path: str | PathLike[str], index: int, chunk_size: int) -> bytes:
    """Read chunk number index of a file."""
    with open(path, "rb") as f:
        f.seek(index * chunk_size)
        return f.read(chunk_size)


# -- Evidences ----------------------------------------------------------------------------------


def evidence_claims(
    *,
    type: str,  # shadows the builtin on purpose: the e-CODEX field name
    issuer_node: str,
    subject_message_id: str,
    subject_digest: str,
    sender_node: str,
    recipient_node: str,
    event_time: datetime,
    reason_code: str = "",
    reason: str = "",
    evidence_id: str | None = None,
) -> dict[str, Any]:
    """Build the claims of an evidence about a message."""
    if type not in EVIDENCE_TYPES:
        raise ValueError(f"unknown evidence type {type!r}")
    return {
        "rex": REX_VERSION,
        "evidence_id": evidence_id or str(uuid.uuid4()),
        "type": type,
        "issuer_node": issuer_node,
        "subject_message_id": subject_message_id,
        "subject_digest": subject_digest,
        "sender_node": sender_node,
        "recipient_node": recipient_node,
        "event_time": _iso(event_time),
        "reason_code": reason_code,
        "reason": reason,
    }


def _check_evidence(claims: object) -> dict[str, Any]:
    claims = _obj(claims, "evidence", EVIDENCE_FIELDS)
    for name in EVIDENCE_FIELDS:
        _str(claims[name], name, empty=name in ("reason_code", "reason"))
    if claims["type"] not in EVIDENCE_TYPES:
        raise SealError("malformed", "unknown evidence type")
    _time(claims["event_time"], "event_time")
    return claims


def sign_evidence(claims: dict[str, Any], *, signing_key: PrivateKey) -> str:
    """Sign evidence claims as a compact JWS."""
    try:
        _check_evidence(claims)
    except SealError as exc:
        raise ValueError(exc.message) from None
    return _sign(TYP_EVIDENCE, claims, signing_key)


def peek_evidence(token: str) -> tuple[dict[str, Any], str]:
    """Return the claims and kid of an evidence WITHOUT verifying it (for routing only)."""
    claims, kid = _peek(token, TYP_EVIDENCE)
    return _check_evidence(claims), kid


def verify_evidence(
    token: str, keys: list[PublicKey], *, at: datetime | None = None
) -> dict[str, Any]:
    """Verify an evidence; with ``at``, check the key at the event time and the event not later.

    A key revoked after the event still verifies: evidence is kept for years.
    """
    claims, kid = peek_evidence(token)
    key = _signer(kid, keys)
    _check_signature(token, key)
    if at is not None:
        event = _time(claims["event_time"])
        status = key.status_at(event)
        if status:
            raise SealError(status, f"key {kid} was not usable at the event time")
        if event > _aware(at) + DEFAULT_MAX_SKEW:
            raise SealError("clock_skew", "the evidence is dated in the future")
    return claims


# -- Node descriptors and trust lists -----------------------------------------------------------


def _endpoint(value: object) -> str:
    text = _str(value, "endpoint")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SealError("malformed", "endpoint must be an http(s) URL")
    return text


def _authorities(value: object) -> list[dict[str, Any]]:
    result = _list(value, "authorities")
    for item in result:
        for name in _obj(item, "authority", ("code", "name", "state")).values():
            _str(name, "authority field")
    return result


def _keys(value: object) -> list[PublicKey]:
    return [PublicKey.from_json(k) for k in _list(value, "keys")]


def sign_descriptor(
    *,
    node_id: str,
    endpoint: str,
    keys: list[PublicKey],
    authorities: list[dict[str, Any]],
    signing_key: PrivateKey,
    issued_at: datetime,
) -> str:
    """Sign the descriptor a node publishes so that partners can pin its keys."""
    if signing_key.public() not in keys:
        raise ValueError("the signing key must be listed in the descriptor")
    payload = {
        "node_id": node_id,
        "endpoint": _endpoint(endpoint),
        "issued_at": _iso(issued_at),
        "keys": [k.to_json() for k in keys],
        "authorities": _authorities(authorities),
    }
    return _sign(TYP_NODE, payload, signing_key)


@dataclass
class Descriptor:
    """A verified node descriptor."""

    node_id: str
    endpoint: str
    issued_at: datetime
    keys: list[PublicKey]
    authorities: list[dict[str, Any]]
    signer_kid: str
    token: str


def verify_descriptor(
    token: str, *, trusted: list[PublicKey] | None = None, now: datetime | None = None
) -> Descriptor:
    """Verify a self-signed descriptor and, given pinned keys, that a pinned key signed it."""
    payload, kid = _peek(token, TYP_NODE)
    payload = _obj(
        payload, "descriptor", ("node_id", "endpoint", "issued_at", "keys", "authorities")
    )
    keys = _keys(payload["keys"])
    issued_at = _time(payload["issued_at"], "issued_at")
    _check_signature(token, _signer(kid, keys))
    status = _signer(kid, keys).status_at(issued_at)
    if status:
        raise SealError(status, f"descriptor signing key {kid} not usable at issue time")
    if trusted is not None:
        # A rotation is accepted only when signed by a key we already pinned and still trust.
        pinned = _signer(kid, trusted)
        status = pinned.status_at(_aware(now) if now else datetime.now(UTC))
        if status:
            raise SealError(status, f"pinned key {kid} is no longer usable")
    return Descriptor(
        _str(payload["node_id"], "node_id"),
        _endpoint(payload["endpoint"]),
        issued_at,
        keys,
        _authorities(payload["authorities"]),
        kid,
        token,
    )


def _trust_nodes(value: object) -> list[dict[str, Any]]:
    nodes = _list(value, "nodes")
    fields = ("node_id", "endpoint", "status", "keys", "authorities")
    for node in nodes:
        _obj(node, "node", fields)
        _str(node["node_id"], "node_id")
        _endpoint(node["endpoint"])
        if node["status"] not in NODE_STATUSES:
            raise SealError("malformed", "node status must be active, suspended or revoked")
        _keys(node["keys"])
        _authorities(node["authorities"])
    return nodes


def sign_trust_list(
    *,
    operator: str,
    sequence: int,
    issued_at: datetime,
    next_update: datetime,
    nodes: list[dict[str, Any]],
    signing_key: PrivateKey,
) -> str:
    """Sign a network trust list; nodes carry keys in PublicKey JSON form."""
    try:
        _trust_nodes(nodes)
    except SealError as exc:
        raise ValueError(exc.message) from None
    payload = {
        "operator": operator,
        "sequence": sequence,
        "issued_at": _iso(issued_at),
        "next_update": _iso(next_update),
        "nodes": nodes,
    }
    return _sign(TYP_TRUST_LIST, payload, signing_key)


def verify_trust_list(
    token: str, *, operator_keys: list[PublicKey], now: datetime, min_sequence: int = 0
) -> dict[str, Any]:
    """Verify a trust list against the operator's pinned keys; refuse rollback and expiry."""
    payload, kid = _peek(token, TYP_TRUST_LIST)
    key = _signer(kid, operator_keys)
    _check_signature(token, key)
    status = key.status_at(_aware(now))
    if status:
        raise SealError(status, f"operator key {kid} is not usable now")
    fields = ("operator", "sequence", "issued_at", "next_update", "nodes")
    payload = _obj(payload, "trust list", fields)
    _str(payload["operator"], "operator")
    sequence = payload["sequence"]
    if not isinstance(sequence, int) or isinstance(sequence, bool):
        raise SealError("malformed", "sequence must be an integer")
    _time(payload["issued_at"], "issued_at")
    _trust_nodes(payload["nodes"])
    if sequence < min_sequence:
        raise SealError("stale", f"trust list {sequence} is older than {min_sequence}")
    if _time(payload["next_update"], "next_update") < now:
        raise SealError("expired", "the trust list is past its next_update")
    return payload
