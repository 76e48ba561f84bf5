"""Reference data shared by every authority: states, regions, languages, currencies, ICCS.

Rows are loaded from the versioned files in ``reference/data/`` by ``load_reference``; nobody
edits them through the UI. Translated fields (``name``, ``title`` …) get one column per UN
language through django-modeltranslation (see ``translation.py``).
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# ICCS is published officially in English and Spanish only; other titles are ours.
ICCS_OFFICIAL_LANGUAGES = ("en", "es")


class Region(models.Model):
    """A UN M49 region: World, a region, a sub-region or an intermediate region."""

    class Level(models.IntegerChoices):
        GLOBAL = 0, _("World")
        REGION = 1, _("Region")
        SUBREGION = 2, _("Sub-region")
        INTERMEDIATE = 3, _("Intermediate region")

    code = models.CharField(_("M49 code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Language(models.Model):
    """A language identified by its BCP 47 tag (ISO 639 codes alongside)."""

    code = models.CharField(_("BCP 47 tag"), max_length=20, primary_key=True)
    iso639_1 = models.CharField(_("ISO 639-1"), max_length=2, blank=True)
    iso639_2t = models.CharField(_("ISO 639-2/T"), max_length=3, blank=True)
    iso639_3 = models.CharField(_("ISO 639-3"), max_length=3, blank=True)
    name = models.CharField(_("name"), max_length=100)
    is_un_official = models.BooleanField(_("official UN language"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return self.name


class Currency(models.Model):
    """An ISO 4217 currency."""

    code = models.CharField(_("ISO 4217 code"), max_length=3, primary_key=True)
    numeric = models.CharField(_("numeric code"), max_length=3)
    minor_unit = models.PositiveSmallIntegerField(_("minor unit"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class State(models.Model):
    """A state or territory with its ISO 3166-1 codes and UN names."""

    iso2 = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2, primary_key=True)
    iso3 = models.CharField(_("ISO 3166-1 alpha-3"), max_length=3, unique=True)
    numeric = models.CharField(_("ISO 3166-1 numeric"), max_length=3, unique=True)
    # Short name as the UN Statistics Division (M49) publishes it.
    name = models.CharField(_("name"), max_length=150)
    # Formal name from UNTERM, e.g. "the Islamic Republic of Afghanistan"; empty for territories.
    formal_name = models.CharField(_("formal name"), max_length=250, blank=True)
    # The most specific M49 region the state belongs to.
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="states"
    )
    is_independent = models.BooleanField(_("independent"), default=True)
    languages = models.ManyToManyField(
        Language, through="StateLanguage", related_name="states", blank=True
    )
    currencies = models.ManyToManyField(Currency, related_name="states", blank=True)

    class Meta:
        ordering = ["iso2"]
        verbose_name = _("state or territory")
        verbose_name_plural = _("states and territories")

    def __str__(self) -> str:
        return self.name

    def region_path(self) -> list[Region]:
        """Return the M49 regions from the broadest to the most specific (World excluded)."""
        path: list[Region] = []
        region = self.region
        while region is not None and region.level != Region.Level.GLOBAL:
            path.insert(0, region)
            region = region.parent
        return path


class StateLanguage(models.Model):
    """A language with official status in a state, as CLDR records it."""

    class Status(models.TextChoices):
        OFFICIAL = "official", _("official")
        DE_FACTO = "de_facto_official", _("de facto official")
        REGIONAL = "official_regional", _("official in a region")

    state = models.ForeignKey(State, on_delete=models.CASCADE, related_name="state_languages")
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["state", "language"], name="unique_state_language")
        ]
        verbose_name = _("language of a state")
        verbose_name_plural = _("languages of states")

    def __str__(self) -> str:
        return f"{self.state_id}: {self.language_id} ({self.status})"


class IccsCategory(models.Model):
    """A category of the International Classification of Crime for Statistical Purposes 1.0."""

    code = models.CharField(_("ICCS code"), max_length=6, primary_key=True)
    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    inclusions = models.TextField(_("inclusions"), blank=True)
    exclusions = models.TextField(_("exclusions"), blank=True)
    # Footnote numbers of the publication's Table I cited by this entry.
    footnote_refs = models.JSONField(default=list, blank=True)
    # Pages of the printed English and Spanish editions, e.g. "33" or "40-41".
    page_en = models.CharField(max_length=10, blank=True)
    page_es = models.CharField(max_length=10, blank=True)
    # Known inconsistencies in the source publication.
    notes = models.TextField(_("notes on the source"), blank=True)
    # Case- and accent-folded text of code and titles in every language, for search.
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ICCS category")
        verbose_name_plural = _("ICCS categories")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("iccs_category", args=[self.code])

    @property
    def section_code(self) -> str:
        return self.code[:2]

    @staticmethod
    def title_is_official(language: str | None = None) -> bool:
        """Whether ICCS titles in this language (default: the active one) are official."""
        return (language or get_language() or "en") in ICCS_OFFICIAL_LANGUAGES


class IccsFootnote(models.Model):
    """A footnote of ICCS Table I, mostly defining a term ("Negligence", "Vehicle")."""

    number = models.PositiveSmallIntegerField(primary_key=True)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["number"]
        verbose_name = _("ICCS footnote")
        verbose_name_plural = _("ICCS footnotes")

    def __str__(self) -> str:
        return str(self.number)
