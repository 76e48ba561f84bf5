"""This node's identity (KEK, keys, rotation, revocation) and the trust it gives partners
(descriptors, fingerprints, rotation by a pinned key, trust lists); every change is audited."""

from __future__ import annotations

import datetime
import json
import stat
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from conftest import Personas
from rogatory.audit.models import AuditEntry
from rogatory.exchange import node, seal
from rogatory.exchange.errors import ExchangeError
from rogatory.exchange.models import KeyUse, LocalNode, NodeKey, Partner, PartnerKey

pytestmark = pytest.mark.django_db

CC = "cc-node"


def exchange_audit() -> list[str]:
    return list(
        AuditEntry.objects.filter(action__startswith="exchange.")
        .order_by("sequence")
        .values_list("action", flat=True)
    )


class Audited:
    """Collect the exchange audit entries written inside a ``with`` block."""

    def __enter__(self) -> Audited:
        self.before = len(exchange_audit())
        self.actions: list[str] = []
        return self

    def __exit__(self, *exc: object) -> None:
        self.actions = exchange_audit()[self.before :]


class OtherNode:
    """A second node's keys and signed descriptors, built in-process."""

    def __init__(self, node_id: str = CC) -> None:
        since = timezone.now() - datetime.timedelta(days=1)
        self.node_id = node_id
        self.sig = seal.generate_key("sig", not_before=since)
        self.enc = seal.generate_key("enc", not_before=since)

    def descriptor(
        self,
        keys: list[seal.PrivateKey] | None = None,
        *,
        signing_key: seal.PrivateKey | None = None,
        issued_at: datetime.datetime | None = None,
        endpoint: str = "",
    ) -> str:
        keys = keys or [self.sig, self.enc]
        return seal.sign_descriptor(
            node_id=self.node_id,
            endpoint=endpoint or f"https://{self.node_id}.example.org/exchange/v1",
            keys=[k.public() for k in keys],
            authorities=[{"code": "cc-central", "name": "Central Authority of C", "state": "DE"}],
            signing_key=signing_key or self.sig,
            issued_at=issued_at or timezone.now(),
        )

    @property
    def fingerprint(self) -> str:
        return seal.fingerprint(self.sig.public().jwk)


def pinned(other: OtherNode, personas: Personas) -> Partner:
    imported = node.do_import_descriptor(other.descriptor(), acting_user=personas.site_admin)
    return node.do_pin_partner(imported, other.fingerprint, acting_user=personas.site_admin)


# Identity -----------------------------------------------------------------------------------


def test_init_node_is_idempotent_and_refuses_another_id(hub: LocalNode) -> None:
    """Initialising again with the same id changes nothing; another id is refused."""
    keys = set(NodeKey.objects.values_list("kid", flat=True))
    assert len(keys) == 2
    with Audited() as audited:
        again = node.do_init_node("hub-node", "http://127.0.0.1:9/exchange/v1")
    assert again.pk == hub.pk
    assert set(NodeKey.objects.values_list("kid", flat=True)) == keys
    assert audited.actions == []
    with pytest.raises(ExchangeError) as refused:
        node.do_init_node("other-node", "http://127.0.0.1:9/exchange/v1")
    assert refused.value.code == "already_configured"
    assert "hub-node" in refused.value.message
    assert list(LocalNode.objects.values_list("node_id", flat=True)) == ["hub-node"]


def test_init_node_audits_the_node_and_its_keys(personas: Personas) -> None:
    """The first initialisation writes the node and one entry per key created."""
    with Audited() as audited:
        node.do_init_node("hub-node", "http://127.0.0.1:9/exchange/v1")
    assert audited.actions == [
        "exchange.node_initialised",
        "exchange.key_created",
        "exchange.key_created",
    ]
    with Audited() as audited:
        node.do_init_node("hub-node", "http://127.0.0.1:8/exchange/v1")
    assert audited.actions == ["exchange.endpoint_changed"]


def test_kek_file_is_created_private(personas: Personas, settings: Any, tmp_path: Path) -> None:
    """Without EXCHANGE_KEK, initialising writes a KEK file readable by its owner only."""
    settings.EXCHANGE_KEK = []
    settings.EXCHANGE_KEK_FILE = tmp_path / "secrets" / "exchange.kek"
    node.do_init_node("hub-node", "http://127.0.0.1:9/exchange/v1")
    path = Path(settings.EXCHANGE_KEK_FILE)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    [kek] = path.read_text(encoding="ascii").split()
    assert node.keks() == [kek]
    for row in NodeKey.objects.all():
        seal.unprotect(
            row.protected_private, [kek], kid=row.kid, use=row.use, not_before=row.not_before
        )


def test_private_keys_are_never_in_the_database_in_clear(hub: LocalNode) -> None:
    """The private member of each key occurs in no column; another KEK does not open it."""
    node.do_rotate_keys()
    rows = list(NodeKey.objects.all())
    assert len(rows) == 4
    with connection.cursor() as cursor:
        dumps: list[str] = []
        for table in ("exchange_nodekey", "exchange_partnerkey", "exchange_partner"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            dumps.extend(str(value) for record in cursor.fetchall() for value in record)
    audit = [str(details) for details in AuditEntry.objects.values_list("details", flat=True)]
    for row in rows:
        secret = node.private_key(row).jwk["d"]
        assert len(secret) >= 40
        assert not [value for value in dumps + audit if secret in value]
        assert "d" not in row.public_jwk
        with pytest.raises(seal.SealError):
            seal.unprotect(
                row.protected_private,
                [seal.new_kek()],
                kid=row.kid,
                use=row.use,
                not_before=row.not_before,
            )
    assert not [k for k in PartnerKey.objects.values_list("public_jwk", flat=True) if "d" in k]


def test_without_a_kek_actions_say_the_exchange_is_not_configured(
    hub: LocalNode, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no KEK anywhere, using a private key is refused with a clear message."""
    settings.EXCHANGE_KEK = []
    settings.EXCHANGE_KEK_FILE = tmp_path / "absent.kek"
    monkeypatch.setattr(node, "_private_cache", {})
    for action in (node.do_rotate_keys, node.descriptor, lambda: node.current_key("sig")):
        with pytest.raises(ExchangeError) as refused:
            action()
        assert refused.value.code == "not_configured"
        assert "key-encryption key" in refused.value.message
    assert NodeKey.objects.count() == 2


def test_without_a_node_actions_say_how_to_set_it_up(personas: Personas) -> None:
    """Before exchange_init, the exchange refuses with the command to run."""
    with pytest.raises(ExchangeError) as refused:
        node.do_rotate_keys()
    assert refused.value.code == "not_configured"
    assert "exchange_init" in refused.value.message


# Rotation and revocation --------------------------------------------------------------------


def _hub_header(now: datetime.datetime) -> dict[str, Any]:
    return {
        "message_id": str(uuid.uuid4()),
        "conversation_id": str(uuid.uuid4()),
        "ref_to_message_id": None,
        "from_node": "hub-node",
        "from_party": "aa-central",
        "to_node": "hub-node",
        "to_party": "bb-central",
        "service": "mla",
        "action": "status_request",
        "created_at": now.isoformat(),
        "expires_at": (now + datetime.timedelta(hours=1)).isoformat(),
    }


def test_rotation_keeps_old_keys_for_the_overlap(hub: LocalNode) -> None:
    """Rotating makes new keys, the old ones expire after the overlap, an envelope sealed for
    the old encryption key still opens and the descriptor lists both generations."""
    old_sig, old_enc = node.current_key("sig"), node.current_key("enc")
    old_wire = seal.seal(
        _hub_header(timezone.now()),
        {"note": "Any news?"},
        [],
        signing_key=old_sig,
        recipient_key=old_enc.public(),
    )
    overlap = datetime.timedelta(days=2)
    with Audited() as audited:
        new = node.do_rotate_keys(overlap=overlap)
    now = timezone.now()
    assert audited.actions == ["exchange.key_rotated", "exchange.key_rotated"]
    assert {row.use for row in new} == {KeyUse.SIGNING, KeyUse.ENCRYPTION}
    for old in (old_sig, old_enc):
        row = NodeKey.objects.get(kid=old.kid)
        assert row.not_after is not None
        assert abs(row.not_after - (now + overlap)) < datetime.timedelta(seconds=30)
    assert node.current_key("sig").kid == next(r.kid for r in new if r.use == "sig")
    assert node.current_key("enc").kid == next(r.kid for r in new if r.use == "enc")

    opened = seal.open_envelope(
        old_wire,
        decryption_keys=node.decryption_keys(),
        sender_keys=node.our_public_keys(),
        now=timezone.now(),
    )
    assert opened.body == {"note": "Any news?"}

    listed = {k.kid for k in seal.verify_descriptor(node.descriptor()).keys}
    assert listed == {old_sig.kid, old_enc.kid} | {r.kid for r in new}
    self_keys = set(Partner.objects.get(node_id="hub-node").keys.values_list("kid", flat=True))
    assert self_keys == listed


def test_revoking_an_own_key(hub: LocalNode) -> None:
    """A revoked key of ours no longer signs; the descriptor tells partners it is revoked."""
    old_sig = node.current_key("sig")
    node.do_rotate_keys()
    with Audited() as audited:
        row = node.do_revoke_own_key(old_sig.kid)
        node.do_revoke_own_key(old_sig.kid)
    assert audited.actions == ["exchange.key_revoked"]
    assert row.revoked_at is not None
    assert node.current_key("sig").kid != old_sig.kid
    [listed] = [k for k in seal.verify_descriptor(node.descriptor()).keys if k.kid == old_sig.kid]
    assert listed.revoked_at is not None
    assert abs(listed.revoked_at - row.revoked_at) < datetime.timedelta(seconds=1)
    assert PartnerKey.objects.get(partner__node_id="hub-node", kid=old_sig.kid).revoked_at


def test_revoking_the_only_signing_key_leaves_no_key(hub: LocalNode) -> None:
    """With its only signing key revoked, the node asks for a rotation."""
    with pytest.raises(ExchangeError) as refused:
        node.do_revoke_own_key(node.current_key("sig").kid)
    assert refused.value.code == "no_key"


# Partners -----------------------------------------------------------------------------------


def test_descriptor_import_then_pin_by_fingerprint(hub: LocalNode, personas: Personas) -> None:
    """A new partner waits; a wrong fingerprint is refused, the right one (any case or
    spacing) pins it."""
    other = OtherNode()
    with Audited() as audited:
        partner = node.do_import_descriptor(other.descriptor(), acting_user=personas.site_admin)
    assert audited.actions == ["exchange.descriptor_imported"]
    assert partner.status == Partner.Status.PENDING
    assert partner.fingerprint == other.fingerprint
    assert set(partner.keys.values_list("kid", flat=True)) == {other.sig.kid, other.enc.kid}

    wrong = seal.fingerprint(OtherNode().sig.public().jwk)
    with Audited() as audited, pytest.raises(ExchangeError) as refused:
        node.do_pin_partner(partner, wrong, acting_user=personas.site_admin)
    assert refused.value.code == "fingerprint_mismatch"
    assert audited.actions == []
    partner.refresh_from_db()
    assert partner.status == Partner.Status.PENDING

    typed = " ".join(other.fingerprint.lower().split("-"))
    with Audited() as audited:
        partner = node.do_pin_partner(partner, typed, acting_user=personas.site_admin)
    assert audited.actions == ["exchange.partner_pinned"]
    assert partner.status == Partner.Status.PINNED
    assert partner.pinned_by_name == personas.site_admin.username


def test_partner_rotation_signed_by_its_pinned_key_is_accepted(
    hub: LocalNode, personas: Personas
) -> None:
    """The partner's new descriptor, signed by its old pinned key, adds its new keys."""
    other = OtherNode()
    pinned(other, personas)
    new_sig = seal.generate_key("sig", not_before=timezone.now())
    new_enc = seal.generate_key("enc", not_before=timezone.now())
    rotated = other.descriptor([other.sig, other.enc, new_sig, new_enc], signing_key=other.sig)
    with Audited() as audited:
        partner = node.do_import_descriptor(rotated, acting_user=personas.site_admin)
    assert audited.actions == ["exchange.descriptor_updated"]
    assert partner.status == Partner.Status.PINNED
    assert set(partner.keys.values_list("kid", flat=True)) == {
        other.sig.kid,
        other.enc.kid,
        new_sig.kid,
        new_enc.kid,
    }
    # From now on, the new key is trusted too.
    later = other.descriptor(
        [other.sig, new_sig, new_enc],
        signing_key=new_sig,
        endpoint="https://cc-node.example.net/exchange/v1",
    )
    partner = node.do_import_descriptor(later, acting_user=personas.site_admin)
    assert partner.endpoint == "https://cc-node.example.net/exchange/v1"


def test_descriptor_signed_by_an_unrelated_key_is_refused_once_pinned(
    hub: LocalNode, personas: Personas
) -> None:
    """Once pinned, a descriptor for the same node id by a key we never trusted is refused."""
    other = OtherNode()
    partner = pinned(other, personas)
    impostor = OtherNode()
    with Audited() as audited, pytest.raises(ExchangeError) as refused:
        node.do_import_descriptor(
            impostor.descriptor(endpoint="https://evil.example.org/exchange/v1"),
            acting_user=personas.site_admin,
        )
    assert refused.value.code == "unknown_key"
    assert audited.actions == []
    partner.refresh_from_db()
    assert partner.fingerprint == other.fingerprint
    assert partner.endpoint == "https://cc-node.example.org/exchange/v1"
    assert not partner.keys.filter(kid=impostor.sig.kid).exists()


def test_older_descriptor_changes_nothing(hub: LocalNode, personas: Personas) -> None:
    """A descriptor issued before the one we hold is ignored (no rollback of keys)."""
    other = OtherNode()
    partner = pinned(other, personas)
    older = other.descriptor(
        issued_at=timezone.now() - datetime.timedelta(hours=1),
        endpoint="https://old.example.org/exchange/v1",
    )
    with Audited() as audited:
        node.do_import_descriptor(older, acting_user=personas.site_admin)
    assert audited.actions == []
    fresh = Partner.objects.get(pk=partner.pk)
    assert fresh.endpoint == partner.endpoint
    assert fresh.descriptor == partner.descriptor


def test_revoked_partner_cannot_come_back(hub: LocalNode, personas: Personas) -> None:
    """A revoked partner is neither re-imported nor pinned again."""
    other = OtherNode()
    partner = pinned(other, personas)
    with Audited() as audited:
        node.do_revoke_partner(partner, acting_user=personas.site_admin)
    assert audited.actions == ["exchange.partner_revoked"]
    assert not partner.keys.filter(revoked_at__isnull=True).exists()
    later = other.descriptor(issued_at=timezone.now() + datetime.timedelta(seconds=1))
    with pytest.raises(ExchangeError) as refused:
        node.do_import_descriptor(later, acting_user=personas.site_admin)
    assert refused.value.code == "revoked"
    with pytest.raises(ExchangeError) as refused:
        node.do_pin_partner(partner, other.fingerprint, acting_user=personas.site_admin)
    assert refused.value.code == "revoked"
    assert Partner.objects.get(pk=partner.pk).status == Partner.Status.REVOKED


def test_own_descriptor_import_is_refused(hub: LocalNode, personas: Personas) -> None:
    """This node's own descriptor cannot be imported as a partner's."""
    with pytest.raises(ExchangeError) as refused:
        node.do_import_descriptor(node.descriptor(), acting_user=personas.site_admin)
    assert refused.value.code == "own_descriptor"


def test_garbage_descriptor_is_refused(hub: LocalNode, personas: Personas) -> None:
    """Something that is not a signed descriptor is refused and stores nothing."""
    with pytest.raises(ExchangeError):
        node.do_import_descriptor("not.a.descriptor", acting_user=personas.site_admin)
    assert not Partner.objects.exclude(source=Partner.Source.SELF).exists()


# Trust lists --------------------------------------------------------------------------------


def _trust_list(operator: seal.PrivateKey, nodes: list[dict[str, Any]]) -> str:
    now = timezone.now()
    return seal.sign_trust_list(
        operator="network-operator",
        sequence=7,
        issued_at=now,
        next_update=now + datetime.timedelta(days=7),
        nodes=nodes,
        signing_key=operator,
    )


def _entry(other: OtherNode, status: str) -> dict[str, Any]:
    return {
        "node_id": other.node_id,
        "endpoint": f"https://{other.node_id}.example.org/exchange/v1",
        "status": status,
        "keys": [other.sig.public().to_json(), other.enc.public().to_json()],
        "authorities": [{"code": "dd-central", "name": "Central Authority of D", "state": "IT"}],
    }


def test_trust_list_pins_active_nodes_and_revokes_revoked_ones(
    hub: LocalNode, personas: Personas
) -> None:
    """A trust list signed by the operator pins its active nodes without a fingerprint call
    and revokes a known partner it lists as revoked."""
    operator = seal.generate_key("sig", not_before=timezone.now() - datetime.timedelta(days=1))
    known = OtherNode()
    pinned(known, personas)
    newcomer = OtherNode("dd-node")
    token = _trust_list(operator, [_entry(newcomer, "active"), _entry(known, "revoked")])
    with Audited() as audited:
        changed = node.do_import_trust_list(
            token, operator_keys=[operator.public()], acting_user=personas.site_admin
        )
    assert audited.actions == ["exchange.trust_list_applied"]
    assert {p.node_id for p in changed} == {"dd-node", CC}
    dd = Partner.objects.get(node_id="dd-node")
    assert dd.status == Partner.Status.PINNED
    assert dd.source == Partner.Source.TRUST_LIST
    assert set(dd.keys.values_list("kid", flat=True)) == {newcomer.sig.kid, newcomer.enc.kid}
    assert list(dd.authorities.values_list("code", flat=True)) == ["dd-central"]
    cc = Partner.objects.get(node_id=CC)
    assert cc.status == Partner.Status.REVOKED
    assert not cc.keys.filter(revoked_at__isnull=True).exists()


def test_trust_list_signed_by_another_key_is_refused(hub: LocalNode, personas: Personas) -> None:
    """A trust list not signed by the pinned operator key changes nothing."""
    since = timezone.now() - datetime.timedelta(days=1)
    operator = seal.generate_key("sig", not_before=since)
    forger = seal.generate_key("sig", not_before=since)
    token = _trust_list(forger, [_entry(OtherNode("dd-node"), "active")])
    with Audited() as audited, pytest.raises(ExchangeError) as refused:
        node.do_import_trust_list(
            token, operator_keys=[operator.public()], acting_user=personas.site_admin
        )
    assert refused.value.code == "unknown_key"
    assert audited.actions == []
    assert not Partner.objects.filter(node_id="dd-node").exists()


def test_an_operator_is_pinned_and_its_lists_applied_in_order(
    hub: LocalNode, personas: Personas, tmp_path: Path
) -> None:
    """The trust-list commands: an operator makes its key and signs a list of descriptors; a
    node pins the operator only with the right fingerprint, applies the list (the node listed
    becomes trusted), and refuses an older list than the last applied (rollback)."""
    from django.core.management import CommandError, call_command

    other = OtherNode("ee-node")
    descriptor = tmp_path / "ee.jws"
    descriptor.write_text(other.descriptor(), encoding="ascii")
    call_command("exchange_trust_list", "operator-keygen", "--output", str(tmp_path / "op"))
    public = tmp_path / "op" / "public.json"
    assert stat.S_IMODE((tmp_path / "op" / "private.json").stat().st_mode) == 0o600
    operator_key = seal.PublicKey.from_json(json.loads(public.read_text()))
    for sequence in (1, 2):
        call_command(
            "exchange_trust_list",
            "sign",
            "--key",
            str(tmp_path / "op" / "private.json"),
            "--operator",
            "Network secretariat",
            "--sequence",
            str(sequence),
            "--descriptor",
            str(descriptor),
            "--output",
            str(tmp_path / f"list-{sequence}.jws"),
        )
    with pytest.raises(CommandError, match="fingerprint"):
        call_command("exchange_trust_list", "pin-operator", "Net", str(public), "AAAA-BBBB")
    with pytest.raises(CommandError, match=r"unknown_key"):
        call_command("exchange_trust_list", "import", str(tmp_path / "list-1.jws"))
    call_command(
        "exchange_trust_list",
        "pin-operator",
        "Network secretariat",
        str(public),
        seal.fingerprint(operator_key.jwk).lower(),
    )
    call_command("exchange_trust_list", "import", str(tmp_path / "list-2.jws"))
    partner = Partner.objects.get(node_id="ee-node")
    assert partner.status == Partner.Status.PINNED
    assert partner.source == Partner.Source.TRUST_LIST
    with pytest.raises(CommandError, match="stale"):
        call_command("exchange_trust_list", "import", str(tmp_path / "list-1.jws"))
    assert "exchange.operator_pinned" in exchange_audit()
