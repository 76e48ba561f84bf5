"""Secure exchange between nodes: our keys, partners and their keys, conversations, messages,
their parts and the transport evidences (decision 0017).

Messages and evidences are legal records: they are never deleted (e-CODEX keeps "legal data"
without time limit), and every change to them is also an entry of the audit chain.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def action_label(action: str) -> str:
    """The business action's name in the reader's language (the code if unknown)."""
    from .business import ACTIONS

    spec = ACTIONS.get(action)
    return str(spec.label) if spec else action


class KeyUse(models.TextChoices):
    SIGNING = "sig", _("Signing")
    ENCRYPTION = "enc", _("Encryption")


class LocalNode(models.Model):
    """This installation's name in the network and the address partners reach it at (one row)."""

    # Readable, unique within a network (e.g. "fr-paris"); chosen at `exchange_init`.
    node_id = models.SlugField(_("node identifier"), max_length=80, unique=True)
    endpoint = models.URLField(_("endpoint"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("this node")
        verbose_name_plural = _("this node")

    def __str__(self) -> str:
        return self.node_id


class NodeKey(models.Model):
    """One of this node's own keys. The private half is stored only encrypted under the
    key-encryption key, which lives outside the database (EXCHANGE_KEK / EXCHANGE_KEK_FILE)."""

    kid = models.CharField(max_length=64, unique=True)
    use = models.CharField(_("use"), max_length=3, choices=KeyUse.choices)
    public_jwk = models.JSONField()
    protected_private = models.TextField()
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["use", "-not_before"]
        verbose_name = _("node key")
        verbose_name_plural = _("node keys")

    def __str__(self) -> str:
        return f"{self.use}:{self.kid[:12]}"


class Partner(models.Model):
    """Another node we exchange with (or this one, for two authorities on one hub), known from
    its signed descriptor; trusted only once pinned after an out-of-band fingerprint check."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Imported, fingerprint not yet confirmed")
        PINNED = "pinned", _("Trusted (fingerprint confirmed)")
        REVOKED = "revoked", _("Revoked")

    class Source(models.TextChoices):
        FILE = "file", _("Descriptor file")
        TRUST_LIST = "trust_list", _("Signed trust list")
        SELF = "self", _("This node")

    node_id = models.SlugField(_("node identifier"), max_length=80, unique=True)
    endpoint = models.URLField(_("endpoint"), max_length=300)
    # The last verified descriptor, as signed by the partner (a compact JWS).
    descriptor = models.TextField()
    descriptor_issued_at = models.DateTimeField()
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    # The signing key's fingerprint the administrator confirmed out of band.
    fingerprint = models.CharField(_("fingerprint"), max_length=40)
    pinned_at = models.DateTimeField(_("pinned at"), null=True, blank=True)
    pinned_by_name = models.CharField(_("pinned by"), max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["node_id"]
        verbose_name = _("partner node")
        verbose_name_plural = _("partner nodes")

    def __str__(self) -> str:
        return self.node_id

    @property
    def is_trusted(self) -> bool:
        return self.status == self.Status.PINNED


class TrustListOperator(models.Model):
    """A network operator (a hub, a network secretariat) whose signed trust lists this node
    follows; its key pinned after the same out-of-band fingerprint check as a partner's."""

    name = models.CharField(_("operator"), max_length=120, unique=True)
    kid = models.CharField(max_length=64)
    public_jwk = models.JSONField()
    fingerprint = models.CharField(_("fingerprint"), max_length=40)
    pinned_at = models.DateTimeField(_("pinned at"), auto_now_add=True)
    pinned_by_name = models.CharField(_("pinned by"), max_length=150, blank=True)
    # The highest sequence number applied: an older list is refused (rollback).
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("trust list operator")
        verbose_name_plural = _("trust list operators")

    def __str__(self) -> str:
        return self.name


class PartnerKey(models.Model):
    """A public key a partner's descriptor (or the trust list) gave, with its validity."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="keys")
    kid = models.CharField(max_length=64)
    use = models.CharField(_("use"), max_length=3, choices=KeyUse.choices)
    public_jwk = models.JSONField()
    fingerprint = models.CharField(_("fingerprint"), max_length=40)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["partner", "use", "-not_before"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "kid"], name="unique_partner_key")
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}:{self.use}:{self.kid[:12]}"


class PartnerAuthority(models.Model):
    """An authority a partner node hosts, as its descriptor lists it: where requests can go."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="authorities")
    # The authority's code on that node (its party id in message headers).
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=250)
    state = models.ForeignKey(
        "reference.State", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["partner", "code"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "code"], name="unique_partner_authority")
        ]

    def __str__(self) -> str:
        return f"{self.code}@{self.partner_id}"

    @property
    def address(self) -> str:
        return f"{self.code}@{self.partner.node_id}"


class Conversation(models.Model):
    """One request's exchange as seen by one authority: the same opaque id on both sides (never
    a case reference, as e-CODEX advises), linked to this side's case once there is one."""

    class Role(models.TextChoices):
        REQUESTER = "requester", _("Requesting side")
        REQUESTED = "requested", _("Requested side")

    conversation_id = models.UUIDField()
    authority = models.ForeignKey(
        "accounts.Authority", on_delete=models.PROTECT, related_name="conversations"
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conversations",
    )
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="conversations")
    partner_party = models.CharField(_("partner authority"), max_length=40)
    role = models.CharField(_("our role"), max_length=10, choices=Role.choices)
    # What the other side last told us of its own handling (action and when).
    partner_status = models.CharField(_("partner's status"), max_length=40, blank=True)
    partner_status_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "conversation_id"], name="unique_conversation_per_authority"
            )
        ]

    def __str__(self) -> str:
        return str(self.conversation_id)

    @property
    def partner_status_label(self) -> str:
        return action_label(self.partner_status)


class MessageState(models.TextChoices):
    # Outbound
    QUEUED = "queued", _("Waiting to be relayed")
    RELAYED = "relayed", _("Relayed, not yet delivered")
    DELIVERED = "delivered", _("Delivered")
    RETRIEVED = "retrieved", _("Opened by the recipient")
    FAILED = "failed", _("Relay failed")
    REJECTED = "rejected", _("Refused by the recipient")
    # Inbound
    RECEIVING = "receiving", _("Receiving attachments")
    COMPLETE = "complete", _("Received, being checked and filed")
    FILED = "filed", _("Received and filed")


class MessageQuerySet(models.QuerySet["Message"]):
    def for_authority(self, authority_id: int) -> MessageQuerySet:
        return self.filter(authority_id=authority_id)


class Message(models.Model):
    """One signed, encrypted envelope sent or received, kept as it travelled."""

    class Direction(models.TextChoices):
        OUTBOUND = "outbound", _("Sent")
        INBOUND = "inbound", _("Received")

    # Opaque id for our own URLs: with two authorities on one node, the same message_id is
    # both an outbound and an inbound row.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    message_id = models.UUIDField()
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    # Our authority: the sender of an outbound message, the recipient of an inbound one.
    authority = models.ForeignKey(
        "accounts.Authority", on_delete=models.PROTECT, related_name="exchange_messages"
    )
    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
    )
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="messages")
    from_node = models.CharField(max_length=80)
    from_party = models.CharField(max_length=40)
    to_node = models.CharField(max_length=80)
    to_party = models.CharField(max_length=40)
    action = models.CharField(_("action"), max_length=30)
    ref_to = models.UUIDField(null=True, blank=True)
    sealed_at = models.DateTimeField(_("sealed at"))
    expires_at = models.DateTimeField()
    # The envelope exactly as it travelled (canonical JSON) and its SHA-256: what every
    # evidence names.
    wire = models.TextField()
    digest = models.CharField(max_length=64)
    # The sender's signed content (compact JWS), kept by both sides for evidence bundles.
    signed = models.TextField()
    header = models.JSONField()
    # Parts with their sizes, hashes, chunk hashes and the per-part keys (signed by the sender;
    # only the two nodes ever read it).
    manifest = models.JSONField(default=list)
    body = models.JSONField()
    state = models.CharField(_("state"), max_length=12, choices=MessageState.choices)
    # Received with no case to land on (an answer to nothing we know): an officer decides.
    held = models.BooleanField(default=False)
    # Delivery worker: attempts, when to try next, a lease so that two workers never
    # deliver the same message at once.
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    # Carried by hand (file export/import) rather than over the network.
    offline = models.BooleanField(default=False)
    notes = models.JSONField(default=list, blank=True)
    filed_at = models.DateTimeField(null=True, blank=True)
    retrieved_at = models.DateTimeField(null=True, blank=True)
    retrieved_by_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            # The inbox deduplicates on the sender's message id; so does our own outbox.
            models.UniqueConstraint(
                fields=["direction", "from_node", "message_id"], name="unique_message"
            )
        ]
        indexes = [models.Index(fields=["authority", "direction", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.message_id}"

    def get_absolute_url(self) -> str:
        return reverse("exchange_message", args=[self.public_id])

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    def part_entry(self, part_id: str) -> dict[str, Any]:
        """The signed manifest's entry of a part (KeyError when there is none)."""
        for entry in self.manifest:
            if entry["part_id"] == part_id:
                return dict(entry)
        raise KeyError(part_id)


class MessagePart(models.Model):
    """A file travelling with a message, in chunks each encrypted and hashed (manifest entry)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="parts")
    part_id = models.CharField(max_length=40)
    name = models.CharField(max_length=255)
    media_type = models.CharField(max_length=100)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    chunk_size = models.PositiveIntegerField()
    chunk_count = models.PositiveIntegerField()
    # Outbound: the plaintext file we read chunks from (relative to MEDIA_ROOT).
    source_path = models.CharField(max_length=300, blank=True)
    # Inbound: chunks verified and appended so far; the assembled file once complete.
    received_chunks = models.PositiveIntegerField(default=0)
    stored_path = models.CharField(max_length=300, blank=True)
    document_version = models.ForeignKey(
        "cases.DocumentVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Why the file could not be filed on the case (refused by the document checks); it stays
    # in the exchange's storage, downloadable with the message.
    problem = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["message", "part_id"]
        constraints = [
            models.UniqueConstraint(fields=["message", "part_id"], name="unique_message_part")
        ]

    def __str__(self) -> str:
        return f"{self.message_id}/{self.part_id}"

    @property
    def complete(self) -> bool:
        return self.received_chunks >= self.chunk_count


class Evidence(models.Model):
    """A signed transport evidence (the nine e-CODEX types), by whichever node observed the
    event; kept for ever. Evidences about messages we refused have no message row."""

    class Type(models.TextChoices):
        SUBMISSION_ACCEPTANCE = "SUBMISSION_ACCEPTANCE", _("Submitted")
        SUBMISSION_REJECTION = "SUBMISSION_REJECTION", _("Submission refused")
        RELAY_REMMD_ACCEPTANCE = "RELAY_REMMD_ACCEPTANCE", _("Relayed")
        RELAY_REMMD_REJECTION = "RELAY_REMMD_REJECTION", _("Refused on relay")
        RELAY_REMMD_FAILURE = "RELAY_REMMD_FAILURE", _("Relay failed")
        DELIVERY = "DELIVERY", _("Delivered")
        NON_DELIVERY = "NON_DELIVERY", _("Not delivered")
        RETRIEVAL = "RETRIEVAL", _("Opened by the recipient")
        NON_RETRIEVAL = "NON_RETRIEVAL", _("Not opened in time")

    evidence_id = models.UUIDField()
    message = models.ForeignKey(
        Message, on_delete=models.PROTECT, null=True, blank=True, related_name="evidences"
    )
    type = models.CharField(max_length=24, choices=Type.choices)
    issuer_node = models.CharField(max_length=80)
    event_time = models.DateTimeField()
    subject_message_id = models.UUIDField()
    subject_digest = models.CharField(max_length=64)
    reason_code = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    token = models.TextField()
    # An evidence we issued that the other node must receive (retrieval, offline import).
    push_to = models.CharField(max_length=80, blank=True)
    pushed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event_time", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidences")
        constraints = [
            # On a hub, the sender's and the recipient's rows of one message hold the same
            # evidence; the recipient's refusals (no message row) are kept once.
            models.UniqueConstraint(fields=["evidence_id", "message"], name="unique_evidence")
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.subject_message_id}"

    @property
    def negative(self) -> bool:
        return self.type in NEGATIVE_EVIDENCE


NEGATIVE_EVIDENCE = frozenset(
    {
        Evidence.Type.SUBMISSION_REJECTION,
        Evidence.Type.RELAY_REMMD_REJECTION,
        Evidence.Type.RELAY_REMMD_FAILURE,
        Evidence.Type.NON_DELIVERY,
        Evidence.Type.NON_RETRIEVAL,
    }
)


class JunkCount(models.Model):
    """Refused input from nobody we could authenticate, counted per day and reason: it costs
    no signature and no audit entry, so that junk cannot be used to exhaust the node."""

    day = models.DateField()
    reason = models.CharField(max_length=40)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "reason"], name="unique_junk_count")]

    def __str__(self) -> str:
        return f"{self.day} {self.reason}: {self.count}"
