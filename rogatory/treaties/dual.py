"""Conduct-based dual criminality: an indication, from recorded legislation, of whether the
conduct of a case is criminalised in the requested state (issue 16, item 4; decision 0034).

UNCAC art. 43(2): where dual criminality is required it is fulfilled if the conduct underlying
the offence is a criminal offence under the laws of both states, whatever the offence is
called. The conduct is coded in ICCS (a behaviour-based statistical classification); the
provisions of legislation in the knowledge base carry ICCS codes with the provenance of the
coding and their maximum penalty (lib.penalties, decision 0028). The answer is one of:

* **covered** — a provision of the requested state whose coding a second person verified
  carries the conduct's ICCS code itself, is in force on the date, and meets the penalty
  threshold of the legal basis (``data/dual_criminality.toml``);
* **likely** — only a broader or narrower ICCS category matches, or the coding is not
  verified (or only suggested), or the penalty is unknown or below the threshold, or the
  conduct's codes are matched by several provisions that only together cover it;
* **not shown** — no provision recorded: an absence of data, never "not criminal";
* **not required** — UNCAC art. 46(9)(b) for measures that involve no coercion (basis UNCAC,
  mutual legal assistance), or the requested state's directory profile says dual criminality
  is not required for the measures sought.

Everything is read once (:meth:`DualData.load`); :func:`assess` is a pure function over it,
so a matrix of answers needs no query. Sentences are written only when read, in the language
active then. Wording is an indication, never a legal determination.
"""

from __future__ import annotations

import datetime
import enum
import functools
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from rogatory.lib.penalties import Penalty, PenaltyRefused

from .build import DATA_DIR

# ICCS codes: level 1 is two digits (section), level 2 four, level 3 five, level 4 six. A
# match through a category broader than level 2 (a whole section) says nothing useful.
MIN_SHARED_LEVEL = 2
_LEVEL_BY_LENGTH = {2: 1, 4: 2, 5: 3, 6: 4}


class Outcome(enum.StrEnum):
    COVERED = "covered"
    LIKELY = "likely"
    NOT_SHOWN = "not_shown"
    NOT_REQUIRED = "not_required"


OUTCOME_LABELS: dict[str, Promise] = {
    Outcome.COVERED: _("Covered"),
    Outcome.LIKELY: _("Likely covered"),
    Outcome.NOT_SHOWN: _("Not shown"),
    Outcome.NOT_REQUIRED: _("Not required"),
}

OUTCOME_SUMMARIES: dict[str, Promise] = {
    Outcome.COVERED: _(
        "A verified provision of %(state)s covers this conduct on %(date)s, and its penalty "
        "meets the threshold of the legal basis."
    ),
    Outcome.LIKELY: _(
        "Provisions of %(state)s probably cover this conduct on %(date)s, but the record "
        "leaves something to confirm (see the reasons)."
    ),
    Outcome.NOT_SHOWN: _(
        "No provision of %(state)s covering this conduct on %(date)s is recorded here. This "
        "is an absence of data, not a finding that the conduct is not criminal there."
    ),
    Outcome.NOT_REQUIRED: _("Dual criminality should not be required for what is asked."),
}

DISCLAIMER = _(
    "Indication from the legislation recorded in Rogatory, not a legal determination: ICCS is "
    "a statistical classification of behaviour, not a legal definition."
)

# Why an answer is what it is: (id) -> sentence with named placeholders.
REASONS: dict[str, Promise] = {
    "uncac_46_9_b": _(
        "UNCAC art. 46(9)(b): the requested State Party shall, where consistent with the "
        "basic concepts of its legal system, render assistance that does not involve "
        "coercive action, even without dual criminality; every measure asked is of that kind."
    ),
    "profile_not_required": _(
        "The directory profile of %(state)s says dual criminality is not required for: "
        "%(measures)s."
    ),
    "profile_coercive_only": _(
        "The directory profile of %(state)s requires dual criminality only for coercive "
        "measures, and none of the measures asked is coercive."
    ),
    "no_conduct": _("The conduct is not coded in ICCS: code it to compare legislation."),
    "exact": _("Provision %(provision)s carries ICCS %(code)s itself."),
    "broader": _(
        "Provision %(provision)s is coded %(matched)s, a broader category than the conduct's "
        "%(code)s: check that it reaches this conduct."
    ),
    "narrower": _(
        "Provision %(provision)s is coded %(matched)s, a narrower category than the "
        "conduct's %(code)s: check that it reaches the whole conduct."
    ),
    "unverified": _("The ICCS coding of %(provision)s has not been verified by a second person."),
    "suggested": _(
        "The ICCS coding of %(provision)s is only a suggestion, not confirmed by a person."
    ),
    "penalty_unknown": _(
        "The maximum penalty of %(provision)s is not recorded; %(basis)s requires %(threshold)s."
    ),
    "below_threshold": _(
        "The maximum penalty of %(provision)s (%(penalty)s) does not reach what %(basis)s "
        "requires: %(threshold)s (%(article)s)."
    ),
    "whatever_penalty": _("%(basis)s covers this offence whatever its penalty (%(article)s)."),
    "common_threshold": _(
        "The threshold (%(threshold)s) is a common treaty threshold, not a rule of every "
        "treaty: confirm it in the treaty or law relied on."
    ),
    "several_provisions": _(
        "No single provision carries every code of the conduct: several provisions cover it "
        "only together."
    ),
    "not_in_force": _(
        "Provision %(provision)s matches but is not recorded as in force on %(date)s."
    ),
    "no_provision": _("No provision of %(state)s coded ICCS %(code)s is recorded."),
    "requesting_below": _(
        "The offence's maximum penalty in %(state)s (%(penalty)s) does not reach what "
        "%(basis)s requires: %(threshold)s."
    ),
    "depends": _("Whether %(measure)s involves coercion depends on how it is executed: %(source)s"),
}

# What a lawyer must still answer, whatever the outcome (decision 0034, with sources).
QUESTIONS: dict[str, Promise] = {
    "elements": _(
        "Are all the elements of the requested state's offence present on the facts "
        "described (Norris v USA [2008] UKHL 16: the conduct, not the name, decides)?"
    ),
    "extraterritorial": _(
        "If the conduct took place outside the requested state, would the equivalent conduct "
        "in corresponding circumstances be an offence there (extraterritorial jurisdiction)?"
    ),
    "law_version": _(
        "Which version of each law counts: at the time of the conduct or of the request "
        "(CJEU C-717/18)?"
    ),
    "fiscal": _(
        "Fiscal offences: the conventions forbid refusal on the sole ground that the offence "
        "involves fiscal matters (UNTOC arts. 16(15), 18(22); UNCAC arts. 44(16), 46(22)); "
        "check the treaty or law relied on."
    ),
    "political": _(
        "Political offence: under UNCAC art. 44(4) the Convention's offences are not "
        "political offences where it is the basis; other bases may allow refusal."
    ),
}


@dataclass(frozen=True)
class Threshold:
    instrument: str
    kind: str
    article: str
    source: str
    source_url: str = ""
    months: int | None = None
    common: bool = False
    whatever_penalty: tuple[str, ...] = ()
    exempt_article: str = ""

    def words(self) -> str:
        if self.months is None:
            return ""
        if self.months % 12 == 0:
            years = self.months // 12
            return ngettext(
                "at least %(count)s year's deprivation of liberty",
                "at least %(count)s years' deprivation of liberty",
                years,
            ) % {"count": years}
        return ngettext(
            "at least %(count)s month's deprivation of liberty",
            "at least %(count)s months' deprivation of liberty",
            self.months,
        ) % {"count": self.months}


@dataclass(frozen=True)
class MeasureRule:
    kind: str
    coercive: str  # "no", "yes", "depends"
    source: str
    profile: str = ""


@dataclass(frozen=True)
class Rules:
    thresholds: tuple[Threshold, ...]
    measures: dict[str, MeasureRule]

    def threshold(self, basis: str | None, kind: str) -> Threshold | None:
        code = basis or ""
        for wanted in ((code, kind), (code, "*")):
            for row in self.thresholds:
                if (row.instrument, row.kind) == wanted:
                    return row
        if code:  # a treaty not described: the common threshold of its kind, if any
            return self.threshold(None, kind)
        return None


@functools.cache
def rules() -> Rules:
    data = tomllib.loads((DATA_DIR / "dual_criminality.toml").read_text("utf-8"))
    thresholds = tuple(
        Threshold(**(row | {"whatever_penalty": tuple(row.get("whatever_penalty", ()))}))
        for row in data["threshold"]
    )
    measures = {row["kind"]: MeasureRule(**row) for row in data["measure"]}
    return Rules(thresholds, measures)


@dataclass(frozen=True)
class ProvisionFact:
    """One provision of legislation, as the answer needs it (read once)."""

    state: str
    document: str  # the knowledge document's public id
    act_title: str
    act_number: str
    act_date: datetime.date | None
    source_url: str
    eid: str
    number: str
    heading: str
    codes: tuple[str, ...]
    penalty: Penalty | None
    method: str
    coded_by: str
    verified_by: str
    verified_on: datetime.date | None

    @property
    def verified(self) -> bool:
        return bool(self.verified_by)

    @property
    def label(self) -> str:
        return f"{self.act_title}, {self.number}"

    def in_force_on(self, day: datetime.date) -> bool:
        if self.act_date is not None and self.act_date > day:
            return False
        return self.penalty is None or self.penalty.in_force_on(day)


@dataclass
class DualData:
    """Legislation provisions by state and what directory profiles say about dual
    criminality per measure, read once; :func:`assess` answers from it without queries."""

    provisions: dict[str, list[ProvisionFact]]
    profiles: dict[tuple[str, str], str]  # (state, directory measure) -> DualCriminality

    @classmethod
    def load(cls, states: Iterable[str] | None = None, *, with_profiles: bool = True) -> DualData:
        """``with_profiles=False`` leaves out what directory profiles say per measure: the
        directory shows those to logged-in users only, so an answer to the public must not."""
        from rogatory.directory.models import MeasureRequirement
        from rogatory.knowledge.models import DocumentKind, Provision

        rows = Provision.objects.filter(document__kind=DocumentKind.LEGISLATION).exclude(
            iccs_codes=[]
        )
        requirements = MeasureRequirement.objects.exclude(dual_criminality="")
        if states is not None:
            codes = [s.upper() for s in states]
            rows = rows.filter(document__state__in=codes)
            requirements = requirements.filter(profile__state__in=codes)
        provisions: dict[str, list[ProvisionFact]] = {}
        for p in rows.select_related("document").order_by("document_id", "position"):
            doc = p.document
            provisions.setdefault(doc.state_id or "", []).append(
                ProvisionFact(
                    state=doc.state_id or "",
                    document=str(doc.public_id),
                    act_title=doc.title,
                    act_number=doc.number,
                    act_date=doc.date,
                    source_url=doc.source_url,
                    eid=p.eid,
                    number=p.number,
                    heading=p.heading,
                    codes=tuple(p.iccs_codes),
                    penalty=_penalty(p.penalty),
                    method=p.iccs_method,
                    coded_by=p.iccs_coded_by,
                    verified_by=p.iccs_verified_by,
                    verified_on=p.iccs_verified_on,
                )
            )
        profiles = (
            {
                (state, measure): value
                for state, measure, value in requirements.values_list(
                    "profile__state", "measure", "dual_criminality"
                )
            }
            if with_profiles
            else {}
        )
        return cls(provisions, profiles)


def _penalty(stored: Any) -> Penalty | None:
    if not stored:
        return None
    try:
        return Penalty.from_dict(stored)
    except PenaltyRefused:
        return None  # a stored penalty that no longer reads: treated as unknown


@dataclass
class Note:
    """A reason or a question; the sentence is written only when read."""

    id: str
    params: dict[str, object] = field(default_factory=dict)
    table: str = "reasons"

    @property
    def text(self) -> str:
        message = (REASONS if self.table == "reasons" else QUESTIONS)[self.id]
        params = {k: _word(v) for k, v in self.params.items()}
        return str(message) % params if params else str(message)

    def __str__(self) -> str:
        return self.text


class StateName:
    """A state's name in the language active when written (a code when unknown)."""

    def __init__(self, code: str) -> None:
        self.code = code

    def __str__(self) -> str:
        from rogatory.reference.models import State

        state = State.objects.filter(pk=self.code).first()
        return state.name if state is not None else self.code


def _word(value: object) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Penalty):
        return value.describe()
    if isinstance(value, Threshold):
        return value.words()
    return str(value)


@dataclass
class Match:
    """A provision whose ICCS codes meet one of the conduct's codes."""

    provision: ProvisionFact
    code: str  # the conduct's code
    matched: str  # the provision's code
    level: str  # "exact", "broader" (provision's category contains the conduct's), "narrower"
    in_force: bool
    threshold_met: bool | None  # None: unknown; True also when there is no threshold

    @property
    def exact(self) -> bool:
        return self.level == "exact"


@dataclass
class DualAnswer:
    requesting: str
    requested: str
    on: datetime.date
    basis: str | None
    kind: str
    iccs: tuple[str, ...]
    measures: tuple[str, ...]
    outcome: Outcome
    threshold: Threshold | None
    reasons: list[Note]
    questions: list[Note]
    requested_matches: list[Match]
    requesting_matches: list[Match]

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])

    def summary(self, state_name: str = "") -> str:
        return str(OUTCOME_SUMMARIES[self.outcome]) % {
            "state": state_name or self.requested,
            "date": self.on.isoformat(),
        }

    @property
    def disclaimer(self) -> str:
        return str(DISCLAIMER)


def level_of(code: str) -> int:
    return _LEVEL_BY_LENGTH.get(len(code), 0)


def _relation(conduct: str, provision: str) -> str | None:
    if conduct == provision:
        return "exact"
    if conduct.startswith(provision) and level_of(provision) >= MIN_SHARED_LEVEL:
        return "broader"
    if provision.startswith(conduct) and level_of(conduct) >= MIN_SHARED_LEVEL:
        return "narrower"
    return None


def _matches(
    facts: Sequence[ProvisionFact],
    codes: Sequence[str],
    on: datetime.date,
    threshold: Threshold | None,
) -> list[Match]:
    out = []
    for code in codes:
        for fact in facts:
            best: tuple[str, str] | None = None
            for matched in fact.codes:
                relation = _relation(code, matched)
                if relation and (best is None or relation == "exact"):
                    best = (relation, matched)
            if best is None:
                continue
            out.append(
                Match(
                    provision=fact,
                    code=code,
                    matched=best[1],
                    level=best[0],
                    in_force=fact.in_force_on(on),
                    threshold_met=_threshold_met(fact.penalty, code, threshold),
                )
            )
    order = {"exact": 0, "broader": 1, "narrower": 2}
    out.sort(key=lambda m: (not m.in_force, order[m.level], not m.provision.verified))
    return out


def _threshold_met(penalty: Penalty | None, code: str, threshold: Threshold | None) -> bool | None:
    if threshold is None or threshold.months is None:
        return True
    if any(code.startswith(c) for c in threshold.whatever_penalty):
        return True
    if penalty is None:
        return None
    return penalty.at_least(threshold.months)


def _not_required(
    requested: str,
    basis: str | None,
    kind: str,
    measures: Sequence[str],
    data: DualData,
    table: Rules,
) -> list[Note]:
    if not measures:
        return []
    known = [table.measures.get(m) for m in measures]
    non_coercive = all(r is not None and r.coercive == "no" for r in known)
    if basis == "uncac" and kind == "mla" and non_coercive:
        return [Note("uncac_46_9_b")]
    profile = [
        data.profiles.get((requested, r.profile)) if r is not None and r.profile else None
        for r in known
    ]
    if all(v == "not_required" for v in profile):
        labels = ", ".join(_measure_label(m) for m in measures)
        return [Note("profile_not_required", {"state": StateName(requested), "measures": labels})]
    if non_coercive and all(v in ("not_required", "coercive_only") for v in profile):
        return [Note("profile_coercive_only", {"state": StateName(requested)})]
    return []


def _measure_label(kind: str) -> str:
    from rogatory.cases.choices import MeasureType

    try:
        return str(MeasureType(kind).label)
    except ValueError:
        return kind


def assess(
    requesting: str,
    requested: str,
    *,
    on: datetime.date,
    basis: str | None,
    kind: str,
    iccs: Sequence[str],
    measures: Sequence[str] = (),
    data: DualData,
    requesting_penalty: Penalty | None = None,
) -> DualAnswer:
    """The indication for the conduct coded ``iccs`` against ``requested``'s legislation.

    ``basis`` is an instrument code (``uncac``) or None (no treaty); ``measures`` are
    MeasureType values; ``requesting_penalty`` the offence's penalty in the requesting state,
    when known (checked against the same threshold, as a reason)."""
    table = rules()
    codes = tuple(dict.fromkeys(c.strip() for c in iccs if c.strip()))
    threshold = table.threshold(basis, kind)
    requested_matches = _matches(data.provisions.get(requested, []), codes, on, threshold)
    requesting_matches = _matches(data.provisions.get(requesting, []), codes, on, threshold)
    reasons: list[Note] = []
    skip = _not_required(requested, basis, kind, measures, data, table)
    if skip:
        outcome, reasons = Outcome.NOT_REQUIRED, skip
    elif not codes:
        outcome, reasons = Outcome.NOT_SHOWN, [Note("no_conduct")]
    else:
        outcome = _judge(codes, requested, on, basis or "", threshold, requested_matches, reasons)
    for measure in measures:
        rule = table.measures.get(measure)
        if rule is not None and rule.coercive == "depends":
            reasons.append(
                Note("depends", {"measure": _measure_label(measure), "source": rule.source})
            )
    if threshold is not None and threshold.months is not None:
        if threshold.common:
            reasons.append(Note("common_threshold", {"threshold": threshold}))
        if (
            requesting_penalty is not None
            and requesting_penalty.at_least(threshold.months) is False
        ):
            reasons.append(
                Note(
                    "requesting_below",
                    {
                        "state": StateName(requesting),
                        "penalty": requesting_penalty,
                        "threshold": threshold,
                        "basis": _basis_name(basis),
                    },
                )
            )
    questions = [Note(q, table="questions") for q in ("elements", "extraterritorial")]
    questions += [Note(q, table="questions") for q in ("law_version", "fiscal")]
    if kind == "extradition":
        questions.append(Note("political", table="questions"))
    return DualAnswer(
        requesting=requesting,
        requested=requested,
        on=on,
        basis=basis,
        kind=kind,
        iccs=codes,
        measures=tuple(measures),
        outcome=outcome,
        threshold=threshold,
        reasons=reasons,
        questions=questions,
        requested_matches=requested_matches,
        requesting_matches=requesting_matches,
    )


def _basis_name(basis: str | None) -> str:
    return basis.upper() if basis else str(_("the law or treaty relied on"))


def _judge(
    codes: Sequence[str],
    requested: str,
    on: datetime.date,
    basis: str,
    threshold: Threshold | None,
    matches: list[Match],
    reasons: list[Note],
) -> Outcome:
    per_code: list[Outcome] = []
    covering: list[set[tuple[str, str]]] = []
    for code in codes:
        mine = [m for m in matches if m.code == code]
        for m in mine:
            if not m.in_force:
                reasons.append(Note("not_in_force", {"provision": m.provision.label, "date": on}))
        live = [m for m in mine if m.in_force]
        if not live:
            reasons.append(Note("no_provision", {"state": StateName(requested), "code": code}))
            per_code.append(Outcome.NOT_SHOWN)
            continue
        good = [m for m in live if m.exact and m.provision.verified and m.threshold_met]
        if good:
            per_code.append(Outcome.COVERED)
            covering.append({(m.provision.document, m.provision.eid) for m in good})
            reasons.append(Note("exact", {"provision": good[0].provision.label, "code": code}))
            if (
                threshold is not None
                and threshold.months is not None
                and any(code.startswith(c) for c in threshold.whatever_penalty)
            ):
                reasons.append(
                    Note(
                        "whatever_penalty",
                        {"basis": _basis_name(basis), "article": threshold.exempt_article},
                    )
                )
            continue
        per_code.append(Outcome.LIKELY)
        best = live[0]
        label = best.provision.label
        if best.exact:
            reasons.append(Note("exact", {"provision": label, "code": code}))
        else:
            reasons.append(
                Note(best.level, {"provision": label, "matched": best.matched, "code": code})
            )
        if not best.provision.verified:
            which = "suggested" if best.provision.method == "suggested" else "unverified"
            reasons.append(Note(which, {"provision": label}))
        if best.threshold_met is None and threshold is not None:
            reasons.append(
                Note(
                    "penalty_unknown",
                    {"provision": label, "basis": _basis_name(basis), "threshold": threshold},
                )
            )
        elif best.threshold_met is False and threshold is not None:
            reasons.append(
                Note(
                    "below_threshold",
                    {
                        "provision": label,
                        "penalty": best.provision.penalty,
                        "threshold": threshold,
                        "basis": _basis_name(basis),
                        "article": threshold.article,
                    },
                )
            )
    if Outcome.NOT_SHOWN in per_code:
        return Outcome.NOT_SHOWN
    if Outcome.LIKELY in per_code:
        return Outcome.LIKELY
    if len(covering) > 1 and not set.intersection(*covering):
        reasons.append(Note("several_provisions"))
        return Outcome.LIKELY
    return Outcome.COVERED


# --- Where the answer is shown: the finder, the request writer, an incoming case ---------------


@dataclass
class Shown:
    """One answer with what the page says it is about (a basis, or an offence)."""

    title: str
    answer: DualAnswer


def finder_dual_answers(answer: Any, measure: str, *, with_profiles: bool = True) -> list[Shown]:
    """The finder's answers: one per possible basis, and one without a treaty."""
    requesting, requested = answer.requesting.iso2, answer.requested.iso2
    data = DualData.load([requesting, requested], with_profiles=with_profiles)
    shown = []
    bases = [(b.instrument.code, str(b.instrument)) for b in answer.applicable]
    bases.append((None, str(_("No treaty (reciprocity or domestic law)"))))
    for code, title in bases:
        result = assess(
            requesting,
            requested,
            on=answer.on,
            basis=code,
            kind=answer.kind,
            iccs=[answer.iccs.code],
            measures=[measure] if measure else [],
            data=data,
        )
        shown.append(Shown(title, result))
    return shown


def case_dual_answers(case: Any, on: datetime.date | None = None) -> list[Shown]:
    """One answer per offence of ``case`` that carries an ICCS code, against the requested
    state's legislation (ours, for an incoming request), under the case's legal basis."""
    from django.utils import timezone

    offences = [o for o in case.offences.all() if o.iccs_id]
    if not offences or not case.requested_state_id or not case.requesting_state_id:
        return []
    data = DualData.load([case.requesting_state_id, case.requested_state_id])
    measures = [m.kind for m in case.measures.all()]
    basis = case.legal_basis.code if case.legal_basis_id else None
    day = on or timezone.localdate()
    shown = []
    for offence in offences:
        penalty = _penalty(offence.max_penalty)
        result = assess(
            case.requesting_state_id,
            case.requested_state_id,
            on=day,
            basis=basis,
            kind=case.kind,
            iccs=[offence.iccs_id],
            measures=measures,
            data=data,
            requesting_penalty=penalty,
        )
        shown.append(Shown(offence.national_name or offence.iccs_id, result))
    return shown
