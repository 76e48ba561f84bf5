"""Documents attached to a case, each with its versions; files live outside the web root."""

from __future__ import annotations

import uuid

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rogatory.cases.choices import DocumentKind

from .case import Case


class Document(models.Model):
    """A document of a case (the letter of request, a court order, evidence obtained…)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind of document"), max_length=20, choices=DocumentKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title

    def latest(self) -> DocumentVersion | None:
        versions = list(self.versions.all())  # prefetched on the case page
        return max(versions, key=lambda v: v.number) if versions else None


class DocumentVersion(models.Model):
    """One uploaded file of a document; earlier versions are kept."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    # Path relative to MEDIA_ROOT (DATA_DIR/documents), an opaque name never derived from
    # the uploaded file name.
    file_path = models.CharField(max_length=300, unique=True)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by_id = models.BigIntegerField(null=True, blank=True)
    uploaded_by_name = models.CharField(_("uploaded by"), max_length=150, blank=True)

    class Meta:
        ordering = ["document", "-number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_document_version")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse(
            "case_document_download",
            args=[self.document.case.public_id, self.document.public_id, self.number],
        )
