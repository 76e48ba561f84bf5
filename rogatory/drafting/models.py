"""Finalised versions of an outgoing request: the document as sent, in JSON, DOCX and PDF."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Draft(models.Model):
    """What the writer knows of a draft beyond the case: language written in, formalities,
    signatory. Created the first time the writer page saves them."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="draft")
    # The language the drafter wrote the free text in (facts, purpose…): the checklist says
    # when the requested state does not accept it.
    written_in = models.CharField(_("language the request is written in"), max_length=10)
    translation_certified = models.BooleanField(_("the translation is certified"), default=False)
    legalised = models.BooleanField(_("the request is legalised"), default=False)
    undertakings = models.TextField(
        _("undertakings given (e.g. speciality, confidentiality)"), blank=True
    )
    signatory_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signatory_title = models.CharField(_("title of the signatory"), max_length=200, blank=True)
    # Who the requested state calls or writes to about the request's execution (often not the
    # signatory): UNTOC art. 18(13)-(15) practice, the UNODC writer tool's "contact" block.
    contact_name = models.CharField(_("contact person for follow-up"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=80, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")

    def __str__(self) -> str:
        return f"{self.case_id} ({self.written_in})"

    def build_options(self) -> dict[str, object]:
        """The keyword arguments of ``document.build_document`` this draft supplies."""
        options: dict[str, object] = {
            "written_in": self.written_in or None,
            "formalities": {
                "translation_certified": self.translation_certified,
                "legalised": self.legalised,
                "undertakings": self.undertakings,
            },
        }
        if self.signatory_name:
            options["signatory"] = {"name": self.signatory_name, "title": self.signatory_title}
        if self.contact_name or self.contact_phone or self.contact_email:
            options["contact"] = {
                "name": self.contact_name,
                "phone": self.contact_phone,
                "email": self.contact_email,
            }
        return options


class RequestVersion(models.Model):
    """One finalised version of a draft request; a supervisor approves it before it is sent.

    Finalising again makes a new version and supersedes the earlier ones not yet approved; the
    approved version is the one recorded as sent.
    """

    class Status(models.TextChoices):
        FINALISED = "finalised", _("Awaiting approval")
        RETURNED = "returned", _("Returned with remarks")
        APPROVED = "approved", _("Approved")
        SENT = "sent", _("Sent")
        SUPERSEDED = "superseded", _("Superseded")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="request_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    # The language of the fixed texts: one the requested state accepts.
    language = models.CharField(_("language"), max_length=10)
    document = models.JSONField(_("request document"))
    document_sha256 = models.CharField(max_length=64)
    # Rendered files, relative to MEDIA_ROOT, stored like case documents (lib/uploads.py).
    docx_path = models.CharField(max_length=300)
    docx_sha256 = models.CharField(max_length=64)
    pdf_path = models.CharField(max_length=300)
    pdf_sha256 = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.FINALISED
    )
    finalised_at = models.DateTimeField(_("finalised at"), auto_now_add=True)
    finalised_by_id = models.BigIntegerField(null=True, blank=True)
    finalised_by_name = models.CharField(_("finalised by"), max_length=150, blank=True)
    # The supervisor the drafter submitted the version to (decision 0026): only they, or a
    # supervisor they delegated approval to for today, decide on it. None: any supervisor.
    addressed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted for approval to"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by_id = models.BigIntegerField(null=True, blank=True)
    approved_by_name = models.CharField(_("approved by"), max_length=150, blank=True)
    # When a delegate approved: the addressee on whose behalf (the approval line names both).
    approved_for_name = models.CharField(_("approved on behalf of"), max_length=150, blank=True)
    # The supervisor's optional comment on approval, or the remarks a returned version went
    # back to its drafter with (shown in the writer until the next version is finalised).
    approval_comment = models.TextField(_("comment"), blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by_id = models.BigIntegerField(null=True, blank=True)
    returned_by_name = models.CharField(_("returned by"), max_length=150, blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    # Who recorded the approved version as sent (the officer, usually; not the approver).
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by_id = models.BigIntegerField(null=True, blank=True)
    sent_by_name = models.CharField(_("sent by"), max_length=150, blank=True)

    class Meta:
        ordering = ["case", "-number"]
        verbose_name = _("request version")
        verbose_name_plural = _("request versions")
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="unique_request_version")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} v{self.number} ({self.language})"


class ApprovalDelegationQuerySet(models.QuerySet["ApprovalDelegation"]):
    def in_force(self, day: datetime.date) -> ApprovalDelegationQuerySet:
        """Delegations not revoked whose period covers ``day``."""
        return self.filter(revoked_at__isnull=True, starts_on__lte=day, ends_on__gte=day)

    def current_and_future(self, day: datetime.date) -> ApprovalDelegationQuerySet:
        """Delegations not revoked that have not ended before ``day``."""
        return self.filter(revoked_at__isnull=True, ends_on__gte=day)


class ApprovalDelegation(models.Model):
    """A supervisor lets another supervisor of the same authority approve, for a period, the
    versions submitted to him (decision 0026). Chains are not followed: the delegate approves
    only what was addressed to the delegator himself."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(
        "accounts.Authority",
        on_delete=models.CASCADE,
        related_name="approval_delegations",
        verbose_name=_("authority"),
    )
    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="approval_delegations_given",
        verbose_name=_("on behalf of"),
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="approval_delegations_received",
        verbose_name=_("delegate"),
    )
    # Both days included.
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ApprovalDelegationQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("delegation of approval")
        verbose_name_plural = _("delegations of approval")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="delegation_period_ordered"
            ),
            models.CheckConstraint(
                condition=~Q(delegate=F("delegator")), name="delegation_to_another"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegator_id} -> {self.delegate_id} {self.starts_on}..{self.ends_on}"
