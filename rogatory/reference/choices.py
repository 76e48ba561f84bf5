"""Vocabularies shared by the directory, the treaties and (later) the cases."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CooperationKind(models.TextChoices):
    """The forms of international cooperation in criminal matters the product handles."""

    MLA = "mla", _("Mutual legal assistance")
    EXTRADITION = "extradition", _("Extradition")
    TRANSFER_OF_SENTENCED_PERSONS = "transfer_sentenced", _("Transfer of sentenced persons")
    ASSET_RECOVERY = "asset_recovery", _("Asset recovery and confiscation")
    TRANSFER_OF_PROCEEDINGS = "transfer_proceedings", _("Transfer of criminal proceedings")
    OTHER = "other", _("Other cooperation")
