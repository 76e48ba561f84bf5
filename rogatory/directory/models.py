"""The directory: each state's competent authorities and its requirement profile.

A state's profile (``CountryProfile`` with its authorities, accepted languages and measure
requirements) is owned by the administrators of that state's authorities and is versioned as
one JSON document (``documents.py``): every change stores the whole document with who, when
and why, which also serves export, import and the diff view.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rogatory.reference.choices import CooperationKind


class Channel(models.TextChoices):
    DIRECT = "direct", _("Directly between central authorities")
    DIPLOMATIC = "diplomatic", _("Diplomatic channels")
    INTERPOL = "interpol", _("INTERPOL")
    ELECTRONIC = "electronic", _("Secure electronic transmission")
    JUDICIAL = "judicial", _("Directly between judicial authorities")


class MeasureKind(models.TextChoices):
    """Kinds of measure a requirement profile describes (after the EJN's Fiches Belges)."""

    WITNESS_TESTIMONY = "witness_testimony", _("Taking witness testimony")
    VIDEOCONFERENCE = "videoconference", _("Hearing by videoconference")
    SERVICE_OF_DOCUMENTS = "service_of_documents", _("Service of judicial documents")
    SEARCH_AND_SEIZURE = "search_and_seizure", _("Search and seizure")
    BANK_RECORDS = "bank_records", _("Bank and financial records")
    EXAMINATION = "examination", _("Examining objects and sites")
    EXPERT_EVIDENCE = "expert_evidence", _("Expert evaluations")
    TEMPORARY_TRANSFER = "temporary_transfer", _("Temporary transfer of a detained person")
    FREEZING = "freezing", _("Freezing or seizure of assets")
    CONFISCATION = "confiscation", _("Confiscation")
    PROVISIONAL_ARREST = "provisional_arrest", _("Provisional arrest")
    EXTRADITION = "extradition", _("Extradition")
    TRANSFER_OF_SENTENCED_PERSONS = "transfer_sentenced", _("Transfer of sentenced persons")


class DualCriminality(models.TextChoices):
    NOT_REQUIRED = "not_required", _("Not required")
    IN_ABSTRACTO = "in_abstracto", _("Required in abstracto")
    IN_CONCRETO = "in_concreto", _("Required in concreto")
    COERCIVE_ONLY = "coercive_only", _("Required only for coercive measures")


class Verifiable(models.Model):
    """Where a record's content comes from and when someone last checked it."""

    source = models.CharField(_("source"), max_length=300, blank=True)
    last_verified_on = models.DateField(_("last verified on"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_stale(self) -> bool:
        """Never verified, or verified longer ago than the configured age."""
        if self.last_verified_on is None:
            return True
        age = timezone.localdate() - self.last_verified_on
        return age > datetime.timedelta(days=settings.DIRECTORY_STALE_AFTER_DAYS)


class CountryProfile(Verifiable):
    """A state's entry in the directory: general information and the urgent procedure."""

    state = models.OneToOneField(
        "reference.State", on_delete=models.PROTECT, primary_key=True, related_name="profile"
    )
    summary = models.TextField(_("general information"), blank=True)
    urgent_procedure = models.TextField(_("urgent procedure"), blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["state"]
        verbose_name = _("country profile")
        verbose_name_plural = _("country profiles")

    def __str__(self) -> str:
        return str(self.state)

    def get_absolute_url(self) -> str:
        return reverse("profile_detail", args=[self.state_id])

    def distinct_languages(self) -> list[Any]:
        """Every language accepted under any instrument, once (uses prefetched rows)."""
        return list({lang.language_id: lang.language for lang in self.languages.all()}.values())

    @property
    def exists(self) -> bool:
        """Saved; the primary key (the state) is set even on an unsaved profile."""
        return not self._state.adding


class CompetentAuthorityQuerySet(models.QuerySet["CompetentAuthority"]):
    def competent_for(self, kind: str) -> CompetentAuthorityQuerySet:
        """Authorities that handle ``kind`` of cooperation.

        JSON containment lookups do not exist on SQLite, so this matches the quoted value in
        the stored list's text; kinds are fixed slugs, none a substring of another in quotes.
        """
        return self.filter(kinds__icontains=f'"{kind}"')


class CompetentAuthority(Verifiable):
    """An office competent for one or more kinds of cooperation, e.g. a central authority."""

    profile = models.ForeignKey(
        CountryProfile, on_delete=models.CASCADE, related_name="authorities"
    )
    slug = models.SlugField(_("identifier"), max_length=60)
    name = models.CharField(_("name"), max_length=300)
    is_central = models.BooleanField(_("central authority"), default=False)
    kinds = models.JSONField(_("kinds of cooperation"), default=list, blank=True)
    designated_under = models.ManyToManyField(
        "treaties.Instrument", blank=True, related_name="designated_authorities"
    )
    address = models.TextField(_("postal address"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=80, blank=True)
    website = models.URLField(_("website"), blank=True)
    office_hours = models.CharField(_("office hours"), max_length=200, blank=True)
    urgent_contact = models.CharField(_("24/7 contact"), max_length=300, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # The tenant this directory entry corresponds to, when the office uses Rogatory.
    platform_authority = models.OneToOneField(
        "accounts.Authority",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_entry",
    )

    objects = CompetentAuthorityQuerySet.as_manager()

    class Meta:
        ordering = ["profile", "-is_central", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "slug"], name="unique_authority_slug")
        ]
        verbose_name = _("competent authority")
        verbose_name_plural = _("competent authorities")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("profile_detail", args=[self.profile_id]) + f"#authority-{self.slug}"

    def kind_labels(self) -> list[str]:
        return [str(CooperationKind(k).label) for k in self.kinds if k in CooperationKind]

    def channel_labels(self) -> list[str]:
        return [str(Channel(c).label) for c in self.channels if c in Channel]


class AcceptedLanguage(models.Model):
    """A language in which a state accepts requests, for all instruments or for one."""

    profile = models.ForeignKey(CountryProfile, on_delete=models.CASCADE, related_name="languages")
    instrument = models.ForeignKey(
        "treaties.Instrument", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    language = models.ForeignKey("reference.Language", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["profile", "instrument", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "instrument", "language"], name="unique_accepted_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.profile_id}: {self.language_id}"


class MeasureRequirement(Verifiable):
    """What a state requires to execute one kind of measure."""

    profile = models.ForeignKey(CountryProfile, on_delete=models.CASCADE, related_name="measures")
    measure = models.CharField(_("measure"), max_length=30, choices=MeasureKind.choices)
    possible = models.BooleanField(_("possible"), null=True)
    legal_framework = models.TextField(_("legal framework"), blank=True)
    receiving_authority = models.ForeignKey(
        CompetentAuthority,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("receiving authority"),
    )
    executing_authority = models.CharField(_("executing authority"), max_length=300, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    execution_time = models.CharField(_("usual execution time"), max_length=200, blank=True)
    dual_criminality = models.CharField(
        _("dual criminality"), max_length=20, choices=DualCriminality.choices, blank=True
    )
    certified_translation = models.BooleanField(_("certified translation required"), default=False)
    legalisation = models.BooleanField(_("legalisation required"), default=False)
    forms = models.TextField(_("forms"), blank=True)
    undertakings = models.TextField(_("undertakings"), blank=True)
    special_requirements = models.TextField(_("special requirements"), blank=True)

    class Meta:
        ordering = ["profile", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "measure"], name="unique_profile_measure")
        ]
        verbose_name = _("measure requirement")
        verbose_name_plural = _("measure requirements")

    def __str__(self) -> str:
        return f"{self.profile_id}: {self.get_measure_display()}"


class ProfileVersion(models.Model):
    """The whole profile document after one change, with who made it, when and why."""

    profile = models.ForeignKey(CountryProfile, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    # Copied so the history survives the deletion of the user.
    actor_id = models.IntegerField(null=True)
    actor_name = models.CharField(max_length=150)
    reason = models.CharField(_("reason for the change"), max_length=500)
    document = models.JSONField()

    class Meta:
        ordering = ["profile", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "number"], name="unique_profile_version")
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} v{self.number}"
