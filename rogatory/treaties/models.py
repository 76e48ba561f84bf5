"""Treaties: instruments, their cooperation articles, who is party since when, and declarations.

The five UN instruments of our scope ship as versioned files in ``treaties/data/`` (loaded by
``load_reference``); administrators add bilateral and regional treaties through the UI. Every
row carries its source and whether it was verified against that source, and the legal-basis
finder shows both next to its answers.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rogatory.reference.choices import CooperationKind


class Instrument(models.Model):
    """A treaty that can serve as the legal basis for cooperation."""

    class Kind(models.TextChoices):
        MULTILATERAL = "multilateral", _("Multilateral")
        REGIONAL = "regional", _("Regional")
        BILATERAL = "bilateral", _("Bilateral")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=400)
    short_title = models.CharField(_("short title"), max_length=120)
    # The convention a protocol supplements: both states must be parties to it as well.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="protocols",
        verbose_name=_("supplements"),
    )
    adopted_on = models.DateField(_("adopted or signed on"), null=True, blank=True)
    in_force_on = models.DateField(_("entry into force"), null=True, blank=True)
    # For a state depositing after the general entry into force: in force for it this many
    # days after its deposit (UNTOC art. 38(2) and UNCAC art. 68(2): 30; 1988 art. 29(2): 90).
    days_to_entry_into_force = models.PositiveSmallIntegerField(null=True, blank=True)
    # The articles under which states designate a central authority and declare languages.
    central_authority_article = models.CharField(max_length=20, blank=True)
    language_article = models.CharField(max_length=20, blank=True)
    extradition_basis_article = models.CharField(max_length=20, blank=True)
    # Scope: shown as conditions to confirm, never silently assumed.
    scope = models.TextField(_("scope"), blank=True)
    # ICCS codes (prefixes) of the offences the instrument certainly covers.
    scope_iccs = models.JSONField(default=list, blank=True)
    # True: an offence outside scope_iccs is outside the instrument (UNCAC, 1988, Protocols).
    # False: it may still be covered if the conditions in ``scope`` are met (UNTOC).
    scope_is_limited = models.BooleanField(default=False)
    # The date of the depositary's complete list of participants the shipped rows come from.
    # Up to that date a State missing from the list was not a party; after it, a missing State
    # is "not recorded". Empty (bilateral and regional treaties): the rows are all we know.
    list_complete_as_of = models.DateField(_("complete list as of"), null=True, blank=True)
    depositary = models.CharField(_("depositary"), max_length=200, blank=True)
    # United Nations Treaty Series "volume/registration number", e.g. "2225/39574": what UN
    # documents cite ("第 2225 卷，第 39574 号"); the knowledge base links such citations.
    unts = models.CharField(_("UNTS reference"), max_length=40, blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    as_of = models.DateField(_("data as of"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return self.short_title

    def get_absolute_url(self) -> str:
        return reverse("treaty_detail", args=[self.code])

    def knowledge_document(self, language: str | None) -> Any:
        """This treaty's document in the knowledge base, in ``language`` (a Django language
        code) or else in English; None before the treaties are synchronised."""
        wanted = (language or "en").split("-")[0]
        documents = {d.language: d for d in self.knowledge_documents.all()}
        return documents.get(wanted) or documents.get("en")

    def covers(self, iccs_code: str) -> bool:
        return any(iccs_code.startswith(prefix) for prefix in self.scope_iccs)


class CooperationArticle(models.Model):
    """The article of an instrument that governs one kind of cooperation."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="articles")
    kind = models.CharField(_("kind of cooperation"), max_length=30, choices=CooperationKind)
    article = models.CharField(_("article"), max_length=40)
    # A Protocol's cooperation runs through the article of its parent Convention, which
    # applies mutatis mutandis (Protocols, art. 1(2)).
    via_parent = models.BooleanField(default=False)

    class Meta:
        ordering = ["instrument", "kind", "article"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "kind", "article"], name="unique_cooperation_article"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} art. {self.article}"


class Participation(models.Model):
    """A state's signature and consent to be bound, with the date it is bound from."""

    class Action(models.TextChoices):
        RATIFICATION = "ratification", _("Ratification")
        ACCESSION = "accession", _("Accession")
        ACCEPTANCE = "acceptance", _("Acceptance")
        APPROVAL = "approval", _("Approval")
        SUCCESSION = "succession", _("Succession")
        FORMAL_CONFIRMATION = "formal_confirmation", _("Formal confirmation")
        SIGNATURE = "signature", _("Signature only")

    class InForceBasis(models.TextChoices):
        DERIVED = "derived", _("Derived from the deposit by the treaty's rule")
        OFFICIAL = "official", _("Date of effect published by the depositary")
        NOT_DERIVED = "not_derived", _("Not derived")

    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="participations"
    )
    state = models.ForeignKey(
        "reference.State", on_delete=models.PROTECT, related_name="participations"
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    deposited_on = models.DateField(_("deposited on"), null=True, blank=True)
    # The date the instrument binds this state; empty while it does not, or when it cannot be
    # derived (a succession takes effect from the date of State succession).
    in_force_on = models.DateField(_("in force for the state on"), null=True, blank=True)
    in_force_basis = models.CharField(
        _("entry into force from"), max_length=20, choices=InForceBasis.choices, blank=True
    )
    # Source id of the data's SOURCES.md (S1, S2, S4+S5, S7, rogatory-2026-11-23) or, for rows
    # entered in the UI, empty; source_ref says where exactly.
    source = models.CharField(_("source"), max_length=40, blank=True)
    source_ref = models.TextField(_("source reference"), blank=True)
    state_name_in_source = models.CharField(max_length=150, blank=True)
    source_url = models.URLField(_("source page"), max_length=500, blank=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)
    verified = models.BooleanField(_("verified against the source"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["instrument", "state"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "state"], name="unique_participation")
        ]

    def __str__(self) -> str:
        return f"{self.state_id} — {self.instrument}"

    @property
    def is_party(self) -> bool:
        return self.action != self.Action.SIGNATURE

    @property
    def is_succession(self) -> bool:
        return self.action == self.Action.SUCCESSION

    def binds_on(self, day: datetime.date) -> bool:
        return self.in_force_on is not None and self.in_force_on <= day


def entry_into_force_for(
    instrument: Instrument, deposited_on: datetime.date | None
) -> datetime.date | None:
    """When a multilateral instrument binds a state that deposited on ``deposited_on``."""
    if deposited_on is None or instrument.days_to_entry_into_force is None:
        return None
    own = deposited_on + datetime.timedelta(days=instrument.days_to_entry_into_force)
    if instrument.in_force_on is None:
        return own
    return max(own, instrument.in_force_on)


class Declaration(models.Model):
    """A declaration, notification or reservation of a state that matters for cooperation."""

    class Kind(models.TextChoices):
        LANGUAGES = "languages", _("Languages of requests")
        CENTRAL_AUTHORITY = "central_authority", _("Central authority")
        EXTRADITION_BASIS_NO = (
            "extradition_basis_no",
            _("Does not take the convention as a legal basis for extradition"),
        )
        EXTRADITION_BASIS_YES = (
            "extradition_basis_yes",
            _("Takes the convention as a legal basis for extradition"),
        )
        EXTRADITION_BASIS_LIMITED = (
            "extradition_basis_limited",
            _("Takes the convention as a legal basis for extradition with limits"),
        )
        RESERVATION = "reservation", _("Reservation")
        TERRITORIAL_APPLICATION = "territorial_application", _("Territorial application")
        FULL_TEXT = "full_text", _("Declarations and reservations (full text)")
        OTHER = "other", _("Other declaration")

    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="declarations"
    )
    state = models.ForeignKey(
        "reference.State", on_delete=models.PROTECT, related_name="declarations"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    article = models.CharField(_("article"), max_length=20, blank=True)
    languages = models.JSONField(default=list, blank=True)  # BCP 47 codes
    text = models.TextField(_("text"))
    source = models.CharField(_("source"), max_length=40, blank=True)
    source_ref = models.TextField(_("source reference"), blank=True)
    source_url = models.URLField(_("source page"), max_length=500, blank=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)
    verified = models.BooleanField(_("verified against the source"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["instrument", "state", "kind"]

    def __str__(self) -> str:
        return f"{self.state_id} — {self.instrument}: {self.get_kind_display()}"


# --- The text of the articles (issue 16, item 3; decision 0031) -------------------------------


class ArticleText(models.Model):
    """The text of one article of an instrument in one language, as a named source publishes it.

    The shipped English, French and Spanish texts load from ``treaties/data/texts/``; an
    administrator may add a text in another language or replace one, always with its source.
    Rogatory never shows a translation of its own.
    """

    class Origin(models.TextChoices):
        SHIPPED = "shipped", _("Shipped with Rogatory")
        ADDED = "added", _("Added by an administrator")

    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="article_texts"
    )
    # The article's number as the instrument prints it ("16").
    article = models.CharField(_("article"), max_length=20)
    language = models.CharField(_("language"), max_length=8)  # "en", "zh", ... (UN languages)
    # Sort key: the article's numeric order.
    position = models.PositiveIntegerField(default=0)
    heading = models.CharField(_("heading"), max_length=300, blank=True)
    # One paragraph per line, each with its number as published ("1.", "(1)", "a)").
    text = models.TextField(_("text"))
    source = models.TextField(_("source"))
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    # A defect of the source that the text keeps (it is shown as published).
    note = models.TextField(_("editorial note"), blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.SHIPPED)
    added_by_name = models.CharField(max_length=150, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["instrument", "position", "article", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "article", "language"], name="unique_article_text"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} art. {self.article} ({self.language})"

    def get_absolute_url(self) -> str:
        url = reverse("treaty_article", args=[self.instrument.code, self.article])
        return f"{url}?lang={self.language}"

    @property
    def paragraphs(self) -> list[tuple[str, str]]:
        """Each paragraph with its anchor ("para-9" for a paragraph published as "9."; "")."""
        result = []
        for line in self.text.splitlines():
            if line.strip():
                number = paragraph_number(line)
                result.append((f"para-{number}" if number else "", line))
        return result


# A paragraph numbered as published: "1.   States Parties…", "(1) Le présent…", "9. a) …".
PARAGRAPH_NUMBER = re.compile(r"^(?:(?P<plain>\d+)\.|\((?P<bracketed>\d+)\))")


def paragraph_number(line: str) -> str | None:
    """The number a paragraph is published with ("1." or "(1)"), or None."""
    found = PARAGRAPH_NUMBER.match(line)
    if found is None:
        return None
    return found.group("plain") or found.group("bracketed")


class StatusListImport(models.Model):
    """An updated status list an administrator uploaded: compared first, then applied.

    Like a directory profile version (decision 0006), an applied import keeps the whole list
    it installed (``rows``), with who, when and why; ``number`` counts the applied ones."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Compared, not applied")
        APPLIED = "applied", _("Applied")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    number = models.PositiveIntegerField(null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    # Copied so the history survives the deletion of the user.
    actor_id = models.IntegerField(null=True)
    actor_name = models.CharField(max_length=150)
    reason = models.CharField(_("reason for the change"), max_length=500)
    file_name = models.CharField(max_length=200, blank=True)
    instruments = models.JSONField(default=list)
    rows = models.JSONField(default=list)
    diff = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"status list import {self.pk} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("treaty_import_detail", args=[self.pk])

    def counts(self) -> dict[str, int]:
        return {k: len(self.diff.get(k, [])) for k in ("added", "changed", "removed")}
