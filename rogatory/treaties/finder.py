"""The legal-basis finder: which treaties bind two states for one kind of cooperation on a date.

Every instrument that provides for the kind of cooperation and that at least one of the two
states takes part in is examined, and every check leaves a reason: met, not met, or a
condition to confirm in the case (scope conditions are never silently assumed). The answer
carries the "as of" date of the data it relied on and says whether the rows were verified.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rogatory.reference.choices import CooperationKind
from rogatory.reference.models import IccsCategory, State

from .models import CooperationArticle, Declaration, Instrument, Participation


class Check(enum.StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    TO_CONFIRM = "to_confirm"


class Verdict(enum.StrEnum):
    APPLIES = "applies"
    CONDITIONAL = "conditional"
    DOES_NOT_APPLY = "does_not_apply"


@dataclass
class Reason:
    check: Check
    text: str


@dataclass
class Basis:
    instrument: Instrument
    articles: list[CooperationArticle]
    reasons: list[Reason] = field(default_factory=list)
    declarations_requesting: list[Declaration] = field(default_factory=list)
    declarations_requested: list[Declaration] = field(default_factory=list)
    verified: bool = True

    @property
    def verdict(self) -> Verdict:
        checks = {reason.check for reason in self.reasons}
        if Check.NOT_MET in checks:
            return Verdict.DOES_NOT_APPLY
        if Check.TO_CONFIRM in checks:
            return Verdict.CONDITIONAL
        return Verdict.APPLIES


@dataclass
class Answer:
    requesting: State
    requested: State
    kind: str
    on: datetime.date
    iccs: IccsCategory | None
    bases: list[Basis]
    as_of: datetime.date | None

    @property
    def applicable(self) -> list[Basis]:
        return [b for b in self.bases if b.verdict != Verdict.DOES_NOT_APPLY]

    @property
    def not_applicable(self) -> list[Basis]:
        return [b for b in self.bases if b.verdict == Verdict.DOES_NOT_APPLY]

    @property
    def has_basis(self) -> bool:
        return bool(self.applicable)

    @property
    def kind_label(self) -> str:
        return str(CooperationKind(self.kind).label)

    def remaining_routes(self) -> list[str]:
        return [
            _(
                "Reciprocity: %(requested)s may assist on an assurance that %(requesting)s "
                "would do the same in a comparable case, where its law allows it."
            )
            % {"requested": self.requested.name, "requesting": self.requesting.name},
            _(
                "The domestic law of %(requested)s on international cooperation, which may "
                "allow assistance without a treaty."
            )
            % {"requested": self.requested.name},
        ]


def _day(value: datetime.date) -> str:
    return date_format(value, "DATE_FORMAT")


def find_legal_bases(
    requesting: State,
    requested: State,
    kind: str,
    *,
    on: datetime.date,
    iccs: IccsCategory | None = None,
) -> Answer:
    both = [requesting.pk, requested.pk]
    queryset = (
        Instrument.objects.filter(articles__kind=kind)
        .filter(Q(kind=Instrument.Kind.MULTILATERAL) | Q(participations__state__in=both))
        .distinct()
        .select_related("parent")
        .prefetch_related(
            Prefetch("articles", queryset=CooperationArticle.objects.filter(kind=kind)),
            Prefetch("participations", queryset=Participation.objects.filter(state__in=both)),
            Prefetch("declarations", queryset=Declaration.objects.filter(state__in=both)),
        )
        .order_by("kind", "parent_id", "code")
    )
    instruments = list(queryset)
    parents = {i.parent_id for i in instruments if i.parent_id}
    parent_participations: dict[tuple[int, str], Participation] = {
        (p.instrument_id, p.state_id): p
        for p in Participation.objects.filter(instrument__in=parents, state__in=both)
    }
    parent_declarations = list(Declaration.objects.filter(instrument__in=parents, state__in=both))
    bases = []
    as_of_dates: list[datetime.date] = []
    for instrument in instruments:
        parties = {p.state_id for p in instrument.participations.all()}
        if instrument.kind != Instrument.Kind.MULTILATERAL and parties != set(both):
            continue  # a bilateral or regional treaty with a third state says nothing here
        basis = _examine(
            instrument,
            requesting,
            requested,
            kind,
            on,
            iccs,
            parent_participations,
            [d for d in parent_declarations if d.instrument_id == instrument.parent_id],
        )
        bases.append(basis)
        as_of_dates += [p.as_of for p in instrument.participations.all() if p.as_of]
        if instrument.as_of:
            as_of_dates.append(instrument.as_of)
    order = {Verdict.APPLIES: 0, Verdict.CONDITIONAL: 1, Verdict.DOES_NOT_APPLY: 2}
    bases.sort(key=lambda b: order[b.verdict])
    return Answer(
        requesting=requesting,
        requested=requested,
        kind=kind,
        on=on,
        iccs=iccs,
        bases=bases,
        as_of=min(as_of_dates) if as_of_dates else None,
    )


def _examine(
    instrument: Instrument,
    requesting: State,
    requested: State,
    kind: str,
    on: datetime.date,
    iccs: IccsCategory | None,
    parent_participations: dict[tuple[int, str], Participation],
    parent_declarations: list[Declaration],
) -> Basis:
    participations = {p.state_id: p for p in instrument.participations.all()}
    declarations = list(instrument.declarations.all()) + parent_declarations
    basis = Basis(instrument=instrument, articles=list(instrument.articles.all()))
    reasons = basis.reasons
    if instrument.in_force_on and instrument.in_force_on > on:
        reasons.append(
            Reason(
                Check.NOT_MET,
                _("%(instrument)s only entered into force on %(date)s.")
                % {"instrument": instrument.short_title, "date": _day(instrument.in_force_on)},
            )
        )
    for state in (requesting, requested):
        participation = participations.get(state.pk)
        reasons.append(_party_reason(instrument, state, participation, on))
        if participation is not None and not participation.verified:
            basis.verified = False
    if instrument.parent is not None:
        for state in (requesting, requested):
            own = participations.get(state.pk)
            if own is None or not own.binds_on(on):
                continue  # already said: not bound by the Protocol itself
            parent = parent_participations.get((instrument.parent.pk, state.pk))
            if parent is None or not parent.binds_on(on):
                reasons.append(
                    Reason(
                        Check.NOT_MET,
                        _("%(state)s is not bound by %(instrument)s, which this one supplements.")
                        % {"state": state.name, "instrument": instrument.parent.short_title},
                    )
                )
    if kind == CooperationKind.EXTRADITION:
        reasons += _extradition_reasons(instrument, requesting, requested, declarations)
    reasons.append(_scope_reason(instrument, iccs))
    basis.declarations_requesting = [d for d in declarations if d.state_id == requesting.pk]
    basis.declarations_requested = [d for d in declarations if d.state_id == requested.pk]
    return basis


def _party_reason(
    instrument: Instrument, state: State, participation: Participation | None, on: datetime.date
) -> Reason:
    if participation is None and instrument.coverage and state.pk not in instrument.coverage:
        return Reason(
            Check.TO_CONFIRM,
            _(
                "Our data does not yet record whether %(state)s is a party to %(instrument)s: "
                "check the depositary's records."
            )
            % {"state": state.name, "instrument": instrument.short_title},
        )
    if participation is None:
        return Reason(
            Check.NOT_MET,
            _("%(state)s is not a party to %(instrument)s.")
            % {"state": state.name, "instrument": instrument.short_title},
        )
    if not participation.is_party or participation.in_force_on is None:
        return Reason(
            Check.NOT_MET,
            _("%(state)s signed %(instrument)s but is not a party to it.")
            % {"state": state.name, "instrument": instrument.short_title},
        )
    if participation.in_force_on > on:
        return Reason(
            Check.NOT_MET,
            _("%(instrument)s binds %(state)s only from %(date)s.")
            % {
                "state": state.name,
                "instrument": instrument.short_title,
                "date": _day(participation.in_force_on),
            },
        )
    return Reason(
        Check.MET,
        _("%(state)s is a party (%(action)s); bound since %(date)s.")
        % {
            "state": state.name,
            "action": participation.get_action_display().lower(),
            "date": _day(participation.in_force_on),
        },
    )


def _extradition_reasons(
    instrument: Instrument, requesting: State, requested: State, declarations: Iterable[Declaration]
) -> list[Reason]:
    reasons = []
    for declaration in declarations:
        if declaration.kind != Declaration.Kind.EXTRADITION_BASIS_NO:
            continue
        if declaration.state_id == requested.pk:
            reasons.append(
                Reason(
                    Check.NOT_MET,
                    _(
                        "%(state)s declared (art. %(article)s) that it does not take the "
                        "convention as the legal basis for extradition: an extradition treaty "
                        "or its domestic law is needed."
                    )
                    % {"state": requested.name, "article": declaration.article},
                )
            )
        elif declaration.state_id == requesting.pk:
            reasons.append(
                Reason(
                    Check.TO_CONFIRM,
                    _(
                        "%(state)s itself declared (art. %(article)s) that it does not take the "
                        "convention as a legal basis for extradition; the requested state may "
                        "ask for reciprocity."
                    )
                    % {"state": requesting.name, "article": declaration.article},
                )
            )
    return reasons


def _scope_reason(instrument: Instrument, iccs: IccsCategory | None) -> Reason:
    if iccs is None:
        if not instrument.scope:
            return Reason(Check.MET, _("The treaty does not limit the offences it covers."))
        return Reason(
            Check.TO_CONFIRM, _("Scope to confirm: %(scope)s") % {"scope": instrument.scope}
        )
    label = f"{iccs.code} {iccs.title}"
    if instrument.covers(iccs.code):
        return Reason(
            Check.MET,
            _("The offence (%(offence)s) is of a kind the instrument covers.") % {"offence": label},
        )
    if not instrument.scope:
        return Reason(Check.MET, _("The treaty does not limit the offences it covers."))
    if instrument.scope_is_limited:
        return Reason(
            Check.NOT_MET,
            _("The offence (%(offence)s) is outside the instrument's scope: %(scope)s")
            % {"offence": label, "scope": instrument.scope},
        )
    return Reason(
        Check.TO_CONFIRM,
        _("The offence (%(offence)s) is covered only if: %(scope)s")
        % {"offence": label, "scope": instrument.scope},
    )
