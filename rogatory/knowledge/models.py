"""The knowledge base: documents, the citations between them, and the search outbox.

The database is the source of truth; the search index (rogatory.knowledge.search) is derived
from it through ``SearchOutbox`` (decision 0015): every write records an outbox row in the
same transaction, and ``indexing.drain_outbox`` applies the rows to the index.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

# The six UN languages, by their own names (the language a document is in).
LANGUAGE_NAMES = {
    "ar": "العربية",
    "zh": "中文",
    "en": "English",
    "fr": "Français",
    "ru": "Русский",
    "es": "Español",
}


class DocumentKind(models.TextChoices):
    UN_DOCUMENT = "un_document", _("UN document")
    LEGISLATION = "legislation", _("Legislation")
    CASE_LAW = "case_law", _("Case law")
    TREATY = "treaty", _("Treaty")


class KnowledgeDocument(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    symbol = models.CharField(max_length=100, blank=True, db_index=True)
    language = models.CharField(max_length=8)
    title = models.TextField(blank=True)
    date = models.DateField(null=True, blank=True)
    body_text = models.TextField(blank=True, help_text="The plain text as published.")
    akn = models.TextField(help_text="Akoma Ntoso 3.0 XML of the parsed document.")
    work_iri = models.CharField(max_length=300, blank=True)
    # The work this document is one language version of (decision 0035): a UN document's
    # symbol, normalised (works.work_key); an act's or judgment's AKN work IRI; a treaty's
    # symbol or code; "doc:<public id>" for a document without any.
    work = models.CharField(max_length=300, blank=True, db_index=True)
    # Other symbols the cover prints for the same document ("E/ESCWA/30/18/Report" beside
    # "E/2018/41"), as printed.
    also_symbols = models.JSONField(default=list, blank=True)
    # A corrigendum, revision or addendum: the work it corrects, revises or adds to.
    base_work = models.CharField(max_length=300, blank=True, db_index=True)
    content_sha256 = models.CharField(
        max_length=64, help_text="SHA-256 of the Akoma Ntoso XML (same document, same hash)."
    )
    source_sha256 = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="SHA-256 of the imported file."
    )
    source_name = models.CharField(max_length=300, blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    # Legislation and case law: the state whose law or court it is.
    state = models.ForeignKey(
        "reference.State",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("state"),
    )
    # Treaties: the treaty record of the directory this document presents.
    instrument = models.ForeignKey(
        "treaties.Instrument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="knowledge_documents",
        verbose_name=_("treaty"),
    )
    number = models.CharField(_("official number"), max_length=200, blank=True)
    # Case law, as the source publishes it.
    court = models.CharField(_("court"), max_length=300, blank=True)
    parties = models.TextField(_("parties"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    facts = models.TextField(_("facts"), blank=True)
    decision = models.TextField(_("decision"), blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    # ICCS codes and convention articles ("untoc:6"): a judgment's own, or the union of an
    # act's provisions (kept by the actions that write them).
    iccs_codes = models.JSONField(default=list, blank=True)
    implements = models.JSONField(default=list, blank=True)
    # A UN document's quality report (quality.assess, decision 0040): what the import
    # recognised and what looked doubtful, as codes the pages put into words.
    quality = models.JSONField(default=dict, blank=True)
    # Corrections a site administrator made to it (decision 0040), oldest first: who, when,
    # which fields, whether the structure changed; kept across re-imports, which report them.
    corrections = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "symbol"]
        constraints = [
            models.UniqueConstraint(
                fields=["symbol", "language", "content_sha256"],
                name="knowledge_document_unique_content",
            )
        ]

    def __str__(self) -> str:
        return self.symbol or self.title[:80]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.work:  # every document is a work of its own until grouped (works.py)
            self.work = self.own_work()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "work"}
        adding = self._state.adding
        super().save(*args, **kwargs)
        fields = kwargs.get("update_fields")
        if (fields is None or "also_symbols" in fields) and (self.also_symbols or not adding):
            self._save_aliases()

    def _save_aliases(self) -> None:
        """Keep ``WorkAlias`` (the index of ``also_symbols``) in step with the field."""
        keys = {symbol_key(symbol) for symbol in self.also_symbols or ()}
        stored = set(WorkAlias.objects.filter(document=self).values_list("key", flat=True))
        if stored - keys:
            WorkAlias.objects.filter(document=self, key__in=stored - keys).delete()
        WorkAlias.objects.bulk_create(
            WorkAlias(document=self, key=key) for key in sorted(keys - stored)
        )

    def own_work(self) -> str:
        """The work key this document has by itself, before any other version is known."""
        if self.kind in (DocumentKind.LEGISLATION, DocumentKind.CASE_LAW):
            return self.work_iri or f"doc:{self.public_id}"
        if self.symbol:
            return symbol_key(self.symbol)
        if self.kind == DocumentKind.TREATY and self.instrument is not None:
            return f"treaty:{self.instrument.code}"
        return f"doc:{self.public_id}"


def symbol_key(symbol: str) -> str:
    """The work key of a symbol: no spaces, upper case ("A/RES/217 (III) A" and
    "A/RES/217(III)A" are one work, as are "E/ESCWA/30/18/Report" and "…/REPORT")."""
    return re.sub(r"\s+", "", symbol).upper()


class WorkAlias(models.Model):
    """Another symbol a document's cover prints (``KnowledgeDocument.also_symbols``) as a
    work key, indexed: how ``works.documents_for_keys`` finds a work stored under either of
    its symbols in one query. Written by ``KnowledgeDocument.save`` from the field."""

    document = models.ForeignKey(KnowledgeDocument, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=300, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "key"], name="knowledge_work_alias_unique")
        ]

    def __str__(self) -> str:
        return self.key


class IccsMethod(models.TextChoices):
    """How a provision's ICCS codes were found (decision 0034)."""

    MANUAL = "manual", _("Coded by hand")
    CORRESPONDENCE_TABLE = "correspondence_table", _("From a national correspondence table")
    SUGGESTED = "suggested", _("Suggested (not confirmed by a person)")


class Provision(models.Model):
    """One provision (article, section) of a legislative act, tagged for dual criminality."""

    document = models.ForeignKey(
        KnowledgeDocument, on_delete=models.CASCADE, related_name="provisions"
    )
    position = models.PositiveIntegerField(default=0)
    eid = models.CharField(max_length=100)
    number = models.CharField(_("number"), max_length=100)
    heading = models.CharField(_("heading"), max_length=500, blank=True)
    text = models.TextField(_("text"), blank=True)
    iccs_codes = models.JSONField(_("ICCS codes"), default=list, blank=True)
    implements = models.JSONField(_("convention articles"), default=list, blank=True)
    # The maximum penalty the provision states, as lib.penalties.Penalty.to_dict (decision
    # 0028): the same dict as an offence's in the request writer; null when not recorded.
    penalty = models.JSONField(_("maximum penalty"), null=True, blank=True)
    # Provenance of the ICCS coding (decision 0034): who coded the provision, how, and whether
    # a second person verified it. Only a verified coding that is not merely suggested can make
    # the dual-criminality answer say "covered".
    iccs_method = models.CharField(
        _("ICCS coding method"), max_length=20, choices=IccsMethod.choices, blank=True
    )
    iccs_coded_by = models.CharField(_("ICCS coded by"), max_length=200, blank=True)
    iccs_verified_by = models.CharField(_("ICCS coding verified by"), max_length=200, blank=True)
    iccs_verified_on = models.DateField(_("ICCS coding verified on"), null=True, blank=True)

    class Meta:
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "eid"], name="provision_unique_eid")
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def iccs_verified(self) -> bool:
        """A second person confirmed the coding (a verified suggestion is no longer one)."""
        return bool(self.iccs_verified_by)


class Citation(models.Model):
    """A reference in a document's text; ``resolved`` links it to a document in the base."""

    source = models.ForeignKey(
        KnowledgeDocument, on_delete=models.CASCADE, related_name="citations"
    )
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=20)  # resolution, decision, document_symbol, treaty, date
    text = models.TextField()
    target = models.CharField(max_length=200, db_index=True)
    # The target as a work key (models.symbol_key), by which citations find the work they
    # name whatever the spacing or case of the symbol (decision 0035).
    target_key = models.CharField(max_length=200, blank=True, db_index=True)
    resolved = models.ForeignKey(
        KnowledgeDocument,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cited_by",
    )

    class Meta:
        ordering = ["source", "position"]

    def __str__(self) -> str:
        return self.target


class SearchOutbox(models.Model):
    """A document whose index entry must be brought in step (written with the change)."""

    class Op(models.TextChoices):
        UPSERT = "upsert", _("Add or replace")
        DELETE = "delete", _("Delete")

    document_id = models.PositiveBigIntegerField()  # no foreign key: deletes must survive
    op = models.CharField(max_length=10, choices=Op.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.op} {self.document_id}"
