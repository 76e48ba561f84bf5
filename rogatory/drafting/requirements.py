"""What the requested state's directory profile says about one measure sought.

Shown in the writer where a measure is chosen (the measures step): possible or not, who
executes it, languages, usual time, dual criminality, translation, legalisation, undertakings
and special requirements, with the entry's source and date of verification, so the drafter
meets them while writing rather than after a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass

from rogatory.cases.choices import MeasureType
from rogatory.cases.models import Case
from rogatory.directory.models import CountryProfile, MeasureKind, MeasureRequirement
from rogatory.reference.models import State

from .completeness import PROFILE_MEASURE


@dataclass(frozen=True)
class MeasureRequirements:
    """The profile's entry for one measure sought, and why there may be none.

    ``status`` is one of: ``no_profile`` (the directory has no profile of the state),
    ``not_described`` (profiles do not describe this kind of measure), ``silent`` (the profile
    has no entry for it), ``not_possible``, ``unknown`` (the entry does not say whether it is
    possible) or ``possible``.
    """

    kind: str
    kind_label: str
    state: State | None
    status: str
    entry: MeasureRequirement | None = None
    profile_kind_label: str = ""


def measure_requirements(case: Case, kind: str) -> MeasureRequirements:
    """What ``case``'s requested state requires for measures of ``kind`` (a MeasureType)."""
    label = str(MeasureType(kind).label)
    state = case.requested_state
    profile_kind = PROFILE_MEASURE.get(MeasureType(kind))
    profile = CountryProfile.objects.filter(state_id=case.requested_state_id).first()
    if profile is None:
        return MeasureRequirements(kind, label, state, "no_profile")
    if profile_kind is None:
        return MeasureRequirements(kind, label, state, "not_described")
    profile_label = str(MeasureKind(profile_kind).label)
    entry = (
        profile.measures.select_related("receiving_authority").filter(measure=profile_kind).first()
    )
    if entry is None:
        return MeasureRequirements(kind, label, state, "silent", None, profile_label)
    status = {True: "possible", False: "not_possible", None: "unknown"}[entry.possible]
    return MeasureRequirements(kind, label, state, status, entry, profile_label)
