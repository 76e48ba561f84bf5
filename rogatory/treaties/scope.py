"""Scope rules per kind of cooperation (``data/scope_rules.toml``) and their sentences."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .build import DATA_DIR

NOTES: dict[str, Promise] = {
    "consider_transfer_agreements": _(
        "Art. %(article)s only invites States Parties to consider agreements on the transfer "
        "of sentenced persons; it is not itself a legal basis for a transfer."
    ),
    "consider_transfer_of_proceedings": _(
        "Art. %(article)s only asks States Parties to consider transferring proceedings to "
        "one another; it is not itself a legal basis: an agreement or domestic law is needed."
    ),
    "untoc_mla_reasonable_grounds": _(
        "For mutual legal assistance, reasonable grounds to suspect that the offence is "
        "transnational and involves an organized criminal group are enough (art. %(article)s)."
    ),
    "uncac_mla_dual_criminality": _(
        "Assistance that does not involve coercive action may be given without dual "
        "criminality (art. %(article)s)."
    ),
    "untoc_confiscation": _(
        "Confiscation at the request of another State Party: art. %(article)s; disposal and "
        "sharing of confiscated proceeds: art. 14."
    ),
    "uncac_asset_return": _(
        "Recovery of property through cooperation in confiscation, special cooperation, and "
        "return and disposal of assets: arts. %(article)s."
    ),
    "drugs_confiscation": _("Confiscation at the request of another Party: art. %(article)s."),
    "extradition_basis_declaration": _(
        "A State that makes extradition conditional on a treaty says under art. %(article)s "
        "whether it takes the Convention as the legal basis for extradition."
    ),
    "extradition_basis_1988": _(
        "A Party that makes extradition conditional on a treaty may consider the Convention "
        "as the legal basis for extradition (art. %(article)s); some declared it will not."
    ),
}


@dataclass(frozen=True)
class ScopeRule:
    instrument: str
    kind: str
    article: str
    effect: Literal["not_a_basis", "note"]
    note: str

    def text(self) -> str:
        return str(NOTES[self.note]) % {"article": self.article}


@functools.cache
def scope_rules() -> tuple[ScopeRule, ...]:
    data = tomllib.loads((DATA_DIR / "scope_rules.toml").read_text("utf-8"))
    return tuple(ScopeRule(**rule) for rule in data["rule"])


def rules_for(instrument_code: str, kind: str) -> list[ScopeRule]:
    return [r for r in scope_rules() if r.instrument == instrument_code and r.kind == kind]
