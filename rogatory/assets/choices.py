"""The words of asset recovery: kinds of asset, stages, confiscation, return under UNCAC 57."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssetKind(models.TextChoices):
    ACCOUNT = "account", _("Bank or payment account")
    REAL_ESTATE = "real_estate", _("Real estate")
    VEHICLE = "vehicle", _("Vehicle, vessel or aircraft")
    SHARES = "shares", _("Company shares")
    VIRTUAL = "virtual", _("Virtual assets")
    CASH = "cash", _("Cash")
    OTHER = "other", _("Other")


class Stage(models.TextChoices):
    """Where an asset stands (UNCAC chapter V: identify, secure, confiscate, return)."""

    IDENTIFIED = "identified", _("Identified")
    TRACED = "traced", _("Traced")
    FROZEN = "frozen", _("Frozen")
    SEIZED = "seized", _("Seized")
    # The freezing or seizure order was lifted or lapsed: the asset is free again.
    RELEASED = "released", _("Released")
    CONFISCATED = "confiscated", _("Confiscated")
    MANAGED = "managed", _("Under management")
    DISPOSED = "disposed", _("Disposed of")
    SHARED = "shared", _("Shared")
    RETURNED = "returned", _("Returned")


SECURED_STAGES = (Stage.FROZEN, Stage.SEIZED)
FINAL_STAGES = (Stage.RELEASED, Stage.SHARED, Stage.RETURNED)


class ConfiscationType(models.TextChoices):
    CRIMINAL = "criminal", _("Criminal (conviction-based)")
    # UNCAC art. 54(1)(c): confiscation without a criminal conviction.
    NON_CONVICTION = "non_conviction", _("Non-conviction-based")
    CIVIL = "civil", _("Civil")


class ReturnCategory(models.TextChoices):
    """UNCAC art. 57(3): the three cases of return."""

    # 57(3)(a): embezzled public funds or laundered embezzled public funds.
    PUBLIC_FUNDS = (
        "57_3_a",
        _("Art. 57(3)(a): embezzled public funds, returned to the requesting state"),
    )
    # 57(3)(b): proceeds of any other offence, when ownership is reasonably established.
    OTHER_PROCEEDS = (
        "57_3_b",
        _("Art. 57(3)(b): proceeds of another offence, ownership established"),
    )
    # 57(3)(c): all other cases: priority to returning to the requesting state, prior
    # legitimate owners or victims.
    OTHER_CASES = "57_3_c", _("Art. 57(3)(c): other cases (prior legitimate owners, victims)")


class Network(models.TextChoices):
    """Informal asset-recovery networks: CARIN and the regional ARINs."""

    CARIN = "carin", _("CARIN (Camden Asset Recovery Inter-Agency Network)")
    ARIN_AP = "arin_ap", _("ARIN-AP (Asia-Pacific)")
    ARIN_CARIB = "arin_carib", _("ARIN-CARIB (Caribbean)")
    ARIN_EA = "arin_ea", _("ARIN-EA (Eastern Africa)")
    ARIN_WA = "arin_wa", _("ARIN-WA (West Africa)")
    ARIN_WCA = "arin_wca", _("ARIN-WCA (West and Central Asia)")
    ARINSA = "arinsa", _("ARINSA (Southern Africa)")
    RRAG = "rrag", _("RRAG (Latin America)")
    OTHER = "other", _("Other network or direct contact")


class UncacOffence(models.TextChoices):
    """The offences of UNCAC chapter III (arts. 15–25) an asset is linked to, as StAR's Asset
    Recovery Watch records them; the article number is part of the code and of the label."""

    ART_15 = "art15", _("Art. 15 — Bribery of national public officials")
    ART_16 = (
        "art16",
        _(
            "Art. 16 — Bribery of foreign public officials and officials of public international "
            "organizations"
        ),
    )
    ART_17 = (
        "art17",
        _(
            "Art. 17 — Embezzlement, misappropriation or other diversion of property by a public "
            "official"
        ),
    )
    ART_18 = "art18", _("Art. 18 — Trading in influence")
    ART_19 = "art19", _("Art. 19 — Abuse of functions")
    ART_20 = "art20", _("Art. 20 — Illicit enrichment")
    ART_21 = "art21", _("Art. 21 — Bribery in the private sector")
    ART_22 = "art22", _("Art. 22 — Embezzlement of property in the private sector")
    ART_23 = "art23", _("Art. 23 — Laundering of proceeds of crime")
    ART_24 = "art24", _("Art. 24 — Concealment")
    ART_25 = "art25", _("Art. 25 — Obstruction of justice")

    @property
    def article(self) -> int:
        return int(self.value.removeprefix("art"))
