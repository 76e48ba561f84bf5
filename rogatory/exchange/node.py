"""This node's identity (keys, descriptor) and its partners (pinned descriptors, their keys).

The private keys are in the database only encrypted under the key-encryption key (KEK), which
comes from EXCHANGE_KEK or the file EXCHANGE_KEK_FILE, never from the database; so a stolen
database file signs nothing, and an unattended restart needs only the file (decision 0017).
"""

from __future__ import annotations

import datetime
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rogatory.accounts.models import Authority, User
from rogatory.audit.actions import record
from rogatory.reference.models import State

from . import seal
from .errors import ExchangeError
from .models import (
    KeyUse,
    LocalNode,
    NodeKey,
    Partner,
    PartnerAuthority,
    PartnerKey,
    TrustListOperator,
)

# How long a replaced key stays valid beside its successor (partners keep verifying with it
# until they have the new descriptor).
DEFAULT_OVERLAP = datetime.timedelta(days=30)

_private_cache: dict[str, seal.PrivateKey] = {}

# This process's copy of the node row, our key rows and each partner's keys: read for every
# message, changed rarely. Changes made here clear it at once; changes made by another
# process (a management command) are seen after CACHE_SECONDS. A partner's keys are cached
# under its updated_at, which every change of its trust or keys moves, so a revocation is
# seen by the next message.
CACHE_SECONDS = 5.0
_cache: dict[object, tuple[float, Any]] = {}


def _cached(key: object, load: Any) -> Any:
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    value = load()
    _cache[key] = (now, value)
    return value


def forget() -> None:
    """Drop this process's cached node, keys and partner keys (after any change to them)."""
    _cache.clear()


# Key-encryption key -------------------------------------------------------------------------


def keks() -> list[str]:
    """The key-encryption keys, newest first; ExchangeError when none is configured."""
    if settings.EXCHANGE_KEK:
        return list(settings.EXCHANGE_KEK)
    path = Path(settings.EXCHANGE_KEK_FILE)
    try:
        lines = path.read_text(encoding="ascii").split()
    except (OSError, UnicodeDecodeError):
        lines = []
    if not lines:
        raise ExchangeError(
            _("The exchange is not set up on this node (no key-encryption key)."),
            code="not_configured",
        )
    return lines


def ensure_kek_file() -> Path:
    """Create the KEK file (mode 0600) unless EXCHANGE_KEK is set or the file exists."""
    path = Path(settings.EXCHANGE_KEK_FILE)
    if settings.EXCHANGE_KEK or path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(seal.new_kek() + "\n")
    return path


# Our identity -------------------------------------------------------------------------------


def local_node() -> LocalNode:
    node = _cached("node", LocalNode.objects.first)
    if node is None:
        raise ExchangeError(
            _("The exchange is not set up on this node (run manage.py exchange_init)."),
            code="not_configured",
        )
    return node


def is_configured() -> bool:
    return LocalNode.objects.exists()


def _usable(rows: Iterable[NodeKey], now: datetime.datetime) -> list[NodeKey]:
    return [
        k
        for k in rows
        if k.revoked_at is None
        and k.not_before <= now
        and (k.not_after is None or k.not_after > now)
    ]


def private_key(row: NodeKey) -> seal.PrivateKey:
    """The private key of a row, decrypted with the KEK (kept in memory once read)."""
    cached = _private_cache.get(row.kid)
    if cached is None:
        cached = seal.unprotect(
            row.protected_private,
            keks(),
            kid=row.kid,
            use=row.use,
            not_before=row.not_before,
            not_after=row.not_after,
        )
        _private_cache[row.kid] = cached
    return cached


def current_key(use: str, now: datetime.datetime | None = None) -> seal.PrivateKey:
    """The newest usable key of ours for ``use`` ("sig" or "enc")."""
    now = now or timezone.now()
    rows = sorted(_key_rows(), key=lambda k: k.not_before, reverse=True)
    usable = _usable([k for k in rows if k.use == use], now)
    if not usable:
        raise ExchangeError(
            _("This node has no valid key; rotate its keys (manage.py exchange_keys --rotate)."),
            code="no_key",
        )
    return private_key(usable[0])


def hosted_codes() -> frozenset[str]:
    """Codes of the active authorities this node hosts (where a message may be addressed)."""
    codes: frozenset[str] = _cached(
        "hosted",
        lambda: frozenset(Authority.objects.filter(is_active=True).values_list("code", flat=True)),
    )
    return codes


def partner_codes(partner: Partner) -> frozenset[str]:
    """Codes of the authorities a partner's descriptor lists (who may send from it)."""
    codes: frozenset[str] = _cached(
        ("partner-codes", partner.pk, partner.updated_at),
        lambda: frozenset(partner.authorities.values_list("code", flat=True)),
    )
    return codes


def _key_rows() -> list[NodeKey]:
    rows: list[NodeKey] = _cached("keys", lambda: list(NodeKey.objects.all()))
    return rows


def decryption_keys() -> list[seal.PrivateKey]:
    """Every encryption key not revoked: a message sealed for an older key still opens."""
    rows = [k for k in _key_rows() if k.use == KeyUse.ENCRYPTION and k.revoked_at is None]
    return [private_key(row) for row in rows]


def _public(row: NodeKey | PartnerKey) -> seal.PublicKey:
    return seal.PublicKey(
        kid=row.kid,
        use=row.use,
        jwk=dict(row.public_jwk),
        not_before=row.not_before,
        not_after=row.not_after,
        revoked_at=row.revoked_at,
    )


def our_public_keys() -> list[seal.PublicKey]:
    return [_public(row) for row in _key_rows()]


def partner_keys(partner: Partner) -> list[seal.PublicKey]:
    keys: list[seal.PublicKey] = _cached(
        ("partner", partner.pk, partner.updated_at),
        lambda: [_public(row) for row in partner.keys.all()],
    )
    return keys


def _new_key_row(use: str, now: datetime.datetime) -> NodeKey:
    key = seal.generate_key(use, not_before=now)
    return NodeKey.objects.create(
        kid=key.kid,
        use=use,
        public_jwk=key.public().jwk,
        protected_private=seal.protect(key, keks()),
        not_before=now,
    )


def _audit(verb: str, acting_user: User | None, ref: str, **details: Any) -> None:
    record(
        f"exchange.{verb}",
        acting_user=acting_user,
        authority_id=None,
        object_type="node",
        object_ref=ref,
        details=details,
    )


@transaction.atomic
def do_init_node(node_id: str, endpoint: str, *, acting_user: User | None = None) -> LocalNode:
    """Give this installation its node id, endpoint and first keys (idempotent for the id)."""
    forget()
    transaction.on_commit(forget)
    ensure_kek_file()
    node = LocalNode.objects.first()
    if node is not None and node.node_id != node_id:
        raise ExchangeError(
            _("This node is already called %(node)s.") % {"node": node.node_id},
            code="already_configured",
        )
    if node is None:
        node = LocalNode.objects.create(node_id=node_id, endpoint=endpoint)
        _audit("node_initialised", acting_user, node_id, endpoint=endpoint)
    elif node.endpoint != endpoint:
        node.endpoint = endpoint
        node.save(update_fields=["endpoint"])
        _audit("endpoint_changed", acting_user, node_id, endpoint=endpoint)
    now = timezone.now()
    for use in (KeyUse.SIGNING, KeyUse.ENCRYPTION):
        if not _usable(NodeKey.objects.filter(use=use), now):
            row = _new_key_row(use, now)
            _audit("key_created", acting_user, node_id, kid=row.kid, use=use)
    _sync_self_partner(node)
    return node


@transaction.atomic
def do_rotate_keys(
    *, acting_user: User | None = None, overlap: datetime.timedelta = DEFAULT_OVERLAP
) -> list[NodeKey]:
    """New signing and encryption keys; the old ones stay valid for ``overlap``."""
    forget()
    transaction.on_commit(forget)
    node = local_node()
    now = timezone.now()
    new = []
    for use in (KeyUse.SIGNING, KeyUse.ENCRYPTION):
        for old in _usable(NodeKey.objects.select_for_update().filter(use=use), now):
            if old.not_after is None or old.not_after > now + overlap:
                old.not_after = now + overlap
                old.save(update_fields=["not_after"])
        row = _new_key_row(use, now)
        new.append(row)
        _audit("key_rotated", acting_user, node.node_id, kid=row.kid, use=use)
    _sync_self_partner(node)
    return new


@transaction.atomic
def do_revoke_own_key(kid: str, *, acting_user: User | None = None) -> NodeKey:
    """Revoke one of our keys now (e.g. suspected compromise); partners learn it from the next
    descriptor or trust list."""
    forget()
    transaction.on_commit(forget)
    row = NodeKey.objects.select_for_update().get(kid=kid)
    if row.revoked_at is None:
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
        _private_cache.pop(kid, None)
        _audit("key_revoked", acting_user, local_node().node_id, kid=kid)
    _sync_self_partner(local_node())
    return row


def hosted_authorities() -> list[dict[str, str]]:
    return [
        {"code": a.code, "name": a.name, "state": a.state_id}
        for a in Authority.objects.filter(is_active=True).order_by("code")
    ]


def descriptor(now: datetime.datetime | None = None) -> str:
    """Our signed node descriptor: endpoint, keys with validity, the authorities we host."""
    node = local_node()
    now = now or timezone.now()
    keys = [k for k in our_public_keys() if k.not_after is None or k.not_after > now]
    return seal.sign_descriptor(
        node_id=node.node_id,
        endpoint=node.endpoint,
        keys=keys,
        authorities=hosted_authorities(),
        signing_key=current_key(KeyUse.SIGNING, now),
        issued_at=now,
    )


def our_fingerprint() -> str:
    return seal.fingerprint(current_key(KeyUse.SIGNING).public().jwk)


def _sync_self_partner(node: LocalNode) -> None:
    """This node is its own partner, so that two authorities on one hub exchange through the
    same protocol and evidence as any two nodes."""
    _store_descriptor(seal.verify_descriptor(descriptor()), source=Partner.Source.SELF, pin=True)


# Partners -----------------------------------------------------------------------------------


def _store_descriptor(
    parsed: seal.Descriptor, *, source: str, pin: bool = False, status: str = ""
) -> Partner:
    signer = next(k for k in parsed.keys if k.kid == parsed.signer_kid)
    partner = Partner.objects.filter(node_id=parsed.node_id).first()
    if partner is None:
        partner = Partner(node_id=parsed.node_id)
    partner.endpoint = parsed.endpoint
    partner.descriptor = parsed.token
    partner.descriptor_issued_at = parsed.issued_at
    partner.source = source
    partner.fingerprint = seal.fingerprint(signer.jwk)
    if pin:
        partner.status = Partner.Status.PINNED
        partner.pinned_at = partner.pinned_at or timezone.now()
    elif status:
        partner.status = status
    partner.save()
    for key in parsed.keys:
        PartnerKey.objects.update_or_create(
            partner=partner,
            kid=key.kid,
            defaults={
                "use": key.use,
                "public_jwk": key.jwk,
                "fingerprint": seal.fingerprint(key.jwk),
                "not_before": key.not_before,
                "not_after": key.not_after,
                "revoked_at": key.revoked_at,
            },
        )
    listed = {a["code"] for a in parsed.authorities}
    partner.authorities.exclude(code__in=listed).delete()
    states = set(State.objects.values_list("iso2", flat=True))
    for entry in parsed.authorities:
        PartnerAuthority.objects.update_or_create(
            partner=partner,
            code=entry["code"],
            defaults={
                "name": entry["name"][:250],
                "state_id": entry["state"] if entry.get("state") in states else None,
            },
        )
    return partner


@transaction.atomic
def do_import_descriptor(
    token: str, *, acting_user: User | None, source: str = Partner.Source.FILE
) -> Partner:
    """Import a partner's descriptor. A new partner waits for its fingerprint to be confirmed;
    a pinned partner's new descriptor must be signed by a key we already trust (rotation)."""
    forget()
    transaction.on_commit(forget)
    try:
        parsed = seal.verify_descriptor(token.strip())
    except seal.SealError as error:
        raise ExchangeError(
            _("This is not a valid node descriptor (%(code)s).") % {"code": error.code},
            code=error.code,
        ) from error
    known = Partner.objects.filter(node_id=parsed.node_id).first()
    if known is not None and known.source == Partner.Source.SELF:
        raise ExchangeError(_("This is this node's own descriptor."), code="own_descriptor")
    if known is not None and known.status == Partner.Status.PINNED:
        try:
            seal.verify_descriptor(token.strip(), trusted=partner_keys(known), now=timezone.now())
        except seal.SealError as error:
            raise ExchangeError(
                _(
                    "This descriptor of %(node)s is not signed by a key we trust: confirm its "
                    "fingerprint again (revoke and re-import) if the partner changed all its keys."
                )
                % {"node": parsed.node_id},
                code=error.code,
            ) from error
        if parsed.issued_at <= known.descriptor_issued_at:
            return known  # an older or the same descriptor changes nothing
        partner = _store_descriptor(parsed, source=source)
        _audit("descriptor_updated", acting_user, parsed.node_id, signer=parsed.signer_kid)
        return partner
    if known is not None and known.status == Partner.Status.REVOKED:
        raise ExchangeError(
            _("%(node)s was revoked; it cannot be re-imported.") % {"node": parsed.node_id},
            code="revoked",
        )
    partner = _store_descriptor(parsed, source=source, status=Partner.Status.PENDING)
    _audit("descriptor_imported", acting_user, parsed.node_id, fingerprint=partner.fingerprint)
    return partner


def _normalise_fingerprint(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


@transaction.atomic
def do_pin_partner(partner: Partner, confirmed_fingerprint: str, *, acting_user: User) -> Partner:
    """Trust a partner once the administrator typed the fingerprint read out by the partner."""
    forget()
    transaction.on_commit(forget)
    locked = Partner.objects.select_for_update().get(pk=partner.pk)
    if locked.status == Partner.Status.REVOKED:
        raise ExchangeError(_("A revoked partner cannot be trusted again."), code="revoked")
    if _normalise_fingerprint(confirmed_fingerprint) != _normalise_fingerprint(locked.fingerprint):
        raise ExchangeError(
            _("The fingerprint does not match: do not trust this descriptor."),
            code="fingerprint_mismatch",
        )
    locked.status = Partner.Status.PINNED
    locked.pinned_at = timezone.now()
    locked.pinned_by_name = acting_user.get_username()
    locked.save(update_fields=["status", "pinned_at", "pinned_by_name", "updated_at"])
    _audit("partner_pinned", acting_user, locked.node_id, fingerprint=locked.fingerprint)
    return locked


@transaction.atomic
def do_revoke_partner(partner: Partner, *, acting_user: User) -> Partner:
    """Stop trusting a partner: its messages are refused from now on (kept ones stay valid)."""
    forget()
    transaction.on_commit(forget)
    locked = Partner.objects.select_for_update().get(pk=partner.pk)
    if locked.source == Partner.Source.SELF:
        raise ExchangeError(_("This node cannot revoke itself."), code="own_descriptor")
    if locked.status != Partner.Status.REVOKED:
        now = timezone.now()
        locked.status = Partner.Status.REVOKED
        locked.save(update_fields=["status", "updated_at"])
        locked.keys.filter(revoked_at__isnull=True).update(revoked_at=now)
        _audit("partner_revoked", acting_user, locked.node_id)
    return locked


@transaction.atomic
def do_pin_operator(
    name: str, public_key: dict[str, Any], confirmed_fingerprint: str, *, acting_user: User | None
) -> TrustListOperator:
    """Follow the trust lists of a network operator once its key's fingerprint, read out by
    the operator, is confirmed."""
    try:
        key = seal.PublicKey.from_json(public_key)
    except seal.SealError as error:
        raise ExchangeError(_("This is not an operator's public key."), code=error.code) from error
    if key.use != KeyUse.SIGNING:
        raise ExchangeError(_("This is not an operator's public key."), code="malformed")
    fingerprint = seal.fingerprint(key.jwk)
    if _normalise_fingerprint(confirmed_fingerprint) != _normalise_fingerprint(fingerprint):
        raise ExchangeError(
            _("The fingerprint does not match: do not trust this key."),
            code="fingerprint_mismatch",
        )
    operator, _created = TrustListOperator.objects.update_or_create(
        name=name[:120],
        defaults={
            "kid": key.kid,
            "public_jwk": key.to_json(),
            "fingerprint": fingerprint,
            "pinned_by_name": acting_user.get_username() if acting_user else "",
        },
    )
    _audit("operator_pinned", acting_user, operator.name, fingerprint=fingerprint)
    return operator


def _verify_with_pinned_operators(token: str) -> tuple[dict[str, Any], TrustListOperator]:
    """The list verified with the key of the pinned operator that signed it, refusing one
    older than the last applied from that operator."""
    stale: seal.SealError | None = None
    for operator in TrustListOperator.objects.select_for_update():
        key = seal.PublicKey.from_json(operator.public_jwk)
        try:
            parsed = seal.verify_trust_list(
                token,
                operator_keys=[key],
                now=timezone.now(),
                min_sequence=operator.last_sequence,
            )
        except seal.SealError as error:
            if error.code in ("stale", "expired"):
                stale = error
            continue
        return parsed, operator
    if stale is not None:
        raise stale
    raise seal.SealError("unknown_key", "not signed by a pinned operator")


def do_import_trust_list(
    token: str, *, acting_user: User | None, operator_keys: list[seal.PublicKey] | None = None
) -> list[Partner]:
    """Apply a trust list signed by a pinned network operator: its active nodes are trusted
    without a fingerprint call, its revoked ones revoked. An older list than the last one
    applied from that operator (a rollback) or an expired one is refused."""
    with transaction.atomic():
        return _import_trust_list(token, acting_user=acting_user, operator_keys=operator_keys)


def _import_trust_list(
    token: str, *, acting_user: User | None, operator_keys: list[seal.PublicKey] | None
) -> list[Partner]:
    forget()
    transaction.on_commit(forget)
    own = LocalNode.objects.values_list("node_id", flat=True).first()
    operator: TrustListOperator | None = None
    try:
        if operator_keys is not None:
            parsed = seal.verify_trust_list(
                token.strip(), operator_keys=operator_keys, now=timezone.now()
            )
        else:
            parsed, operator = _verify_with_pinned_operators(token.strip())
    except seal.SealError as error:
        raise ExchangeError(
            _("The trust list does not verify (%(code)s).") % {"code": error.code},
            code=error.code,
        ) from error
    if operator is not None:
        operator.last_sequence = int(parsed["sequence"])
        operator.last_applied_at = timezone.now()
        operator.save(update_fields=["last_sequence", "last_applied_at"])
    changed = []
    for entry in parsed["nodes"]:
        if entry["node_id"] == own:
            continue
        partner = Partner.objects.filter(node_id=entry["node_id"]).first()
        if entry["status"] != "active":
            if partner is not None and partner.status != Partner.Status.REVOKED:
                partner.status = Partner.Status.REVOKED
                partner.save(update_fields=["status", "updated_at"])
                partner.keys.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
                changed.append(partner)
            continue
        if partner is not None and partner.status == Partner.Status.REVOKED:
            continue
        keys = [seal.PublicKey.from_json(k) for k in entry["keys"]]
        signer = next((k for k in keys if k.use == KeyUse.SIGNING), None)
        if signer is None:
            continue
        parsed_entry = seal.Descriptor(
            node_id=entry["node_id"],
            endpoint=entry["endpoint"],
            issued_at=timezone.now(),
            keys=keys,
            authorities=entry.get("authorities", []),
            signer_kid=signer.kid,
            token=token.strip(),
        )
        changed.append(_store_descriptor(parsed_entry, source=Partner.Source.TRUST_LIST, pin=True))
    _audit(
        "trust_list_applied",
        acting_user,
        str(parsed["operator"]),
        sequence=parsed["sequence"],
        nodes=[p.node_id for p in changed],
    )
    return changed
