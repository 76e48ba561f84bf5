"""The legal-basis finder: which treaties bind two states for one kind of cooperation on a date.

Every instrument that provides for the kind of cooperation and that at least one of the two
states takes part in is examined, and every check leaves a reason: met, not met, or a
condition to confirm in the case (scope conditions are never silently assumed). The answer
carries the "as of" date of the data it relied on and says whether the rows were verified.
"""

from __future__ import annotations

import datetime
import enum
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from rogatory.reference.choices import CooperationKind
from rogatory.reference.loaders import DATA_DIR as REFERENCE_DATA
from rogatory.reference.loaders import read_csv
from rogatory.reference.models import IccsCategory, State

from .models import CooperationArticle, Declaration, Instrument, Participation
from .scope import ScopeRule, rules_for


class Check(enum.StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    TO_CONFIRM = "to_confirm"
    # Participation not recorded in our data: a question for the depositary, never a "no".
    NOT_RECORDED = "not_recorded"


class Verdict(enum.StrEnum):
    APPLIES = "applies"
    CONDITIONAL = "conditional"
    # Both states might be bound, but one's participation is not recorded: a question.
    NOT_RECORDED = "not_recorded"
    DOES_NOT_APPLY = "does_not_apply"


@dataclass
class Reason:
    """One check and its explanation. The sentence is only written when read, in the
    language active then: a matrix of answers that needs the verdicts pays for none."""

    check: Check
    message: Any  # a translatable sentence with named placeholders
    params: dict[str, object] = field(default_factory=dict)

    @property
    def text(self) -> str:
        if not self.params:
            return str(self.message)
        return str(self.message) % {
            name: _day(value) if isinstance(value, datetime.date) else str(value)
            for name, value in self.params.items()
        }

    def __str__(self) -> str:
        return self.text


class _Scope:
    """An instrument's scope, read (in the active language) only when written out."""

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument

    def __str__(self) -> str:
        return self.instrument.scope


class _Action:
    def __init__(self, participation: Participation) -> None:
        self.participation = participation

    def __str__(self) -> str:
        return str(self.participation.get_action_display()).lower()


@dataclass
class Basis:
    instrument: Instrument
    articles: list[CooperationArticle]
    reasons: list[Reason] = field(default_factory=list)
    notes: list[ScopeRule] = field(default_factory=list)
    declarations_requesting: list[Declaration] = field(default_factory=list)
    declarations_requested: list[Declaration] = field(default_factory=list)
    participation_requesting: Participation | None = None
    participation_requested: Participation | None = None
    verified: bool = True

    @property
    def as_of(self) -> datetime.date | None:
        """The date of the list the answer rests on: the instrument's complete list, or a
        later row's own date when a later source records the state."""
        dates = [self.instrument.list_complete_as_of or self.instrument.as_of]
        for row in (self.participation_requesting, self.participation_requested):
            if row is not None and row.as_of:
                dates.append(row.as_of)
        known = [d for d in dates if d is not None]
        return max(known) if known else None

    @property
    def verdict(self) -> Verdict:
        checks = {reason.check for reason in self.reasons}
        if Check.NOT_MET in checks:
            return Verdict.DOES_NOT_APPLY
        if Check.NOT_RECORDED in checks:
            return Verdict.NOT_RECORDED
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
        """What both states are recorded as bound by on the date: the possible bases."""
        return [b for b in self.bases if b.verdict in (Verdict.APPLIES, Verdict.CONDITIONAL)]

    @property
    def not_recorded(self) -> list[Basis]:
        """Instruments one state's participation in is not recorded: questions, not bases."""
        return [b for b in self.bases if b.verdict == Verdict.NOT_RECORDED]

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


_TERRITORY = re.compile(
    r"^(?:Part of|Territory of|Territories of|Crown dependency of|Commonwealth of) ([A-Z]{2})$"
)


@functools.cache
def territory_parents() -> dict[str, str]:
    """Territories and the State responsible for their international relations, from the
    reference data's country-codes.csv (``is_independent``: "Part of FI", "Territory of GB").
    Associated states (Cook Islands, Niue) act for themselves and are not listed."""
    parents = {}
    for row in read_csv(REFERENCE_DATA / "countries" / "country-codes.csv"):
        match = _TERRITORY.match(row["is_independent"].strip())
        if match and row["ISO3166-1-Alpha-2"]:
            parents[row["ISO3166-1-Alpha-2"]] = match.group(1)
    return parents


@dataclass
class TreatyData:
    """Every instrument providing for one kind of cooperation, with the participation and
    declarations of the states asked about, read once (a few queries whatever the number of
    pairs): the finder answers from it without further queries."""

    kind: str
    instruments: list[Instrument]
    participations: dict[tuple[int, str], Participation]
    declarations: dict[int, list[Declaration]]
    bilateral_parties: dict[int, set[str]]

    @classmethod
    def load(cls, kind: str, states: Iterable[str] | None = None) -> TreatyData:
        codes = None if states is None else list(states)
        instruments = list(
            Instrument.objects.filter(articles__kind=kind)
            .distinct()
            .select_related("parent")
            .prefetch_related(
                Prefetch("articles", queryset=CooperationArticle.objects.filter(kind=kind))
            )
            .order_by("kind", "parent_id", "code")
        )
        wanted = {i.pk for i in instruments} | {i.parent_id for i in instruments if i.parent_id}
        rows = Participation.objects.filter(instrument__in=wanted)
        declarations = Declaration.objects.filter(instrument__in=wanted).exclude(
            kind=Declaration.Kind.FULL_TEXT
        )
        if codes is not None:
            rows = rows.filter(state__in=codes)
            declarations = declarations.filter(state__in=codes)
        participations = {(p.instrument_id, p.state_id): p for p in rows}
        by_instrument: dict[int, list[Declaration]] = {}
        for declaration in declarations.select_related("state"):
            by_instrument.setdefault(declaration.instrument_id, []).append(declaration)
        bilateral = {
            i.pk: set(i.participations.values_list("state_id", flat=True))
            for i in instruments
            if i.kind != Instrument.Kind.MULTILATERAL
        }
        return cls(kind, instruments, participations, by_instrument, bilateral)


def find_legal_bases(
    requesting: State,
    requested: State,
    kind: str,
    *,
    on: datetime.date,
    iccs: IccsCategory | None = None,
    data: TreatyData | None = None,
) -> Answer:
    """Every instrument that provides for ``kind``, examined for the two states on ``on``.

    Pass ``data`` (``TreatyData.load(kind)``) to answer many pairs from one read."""
    both = [requesting.pk, requested.pk]
    if data is None:
        data = TreatyData.load(kind, both)
    bases = []
    for instrument in data.instruments:
        if instrument.kind != Instrument.Kind.MULTILATERAL and data.bilateral_parties.get(
            instrument.pk
        ) != set(both):
            continue  # a bilateral or regional treaty with a third state says nothing here
        bases.append(_examine(instrument, requesting, requested, kind, on, iccs, data))
    order = {
        Verdict.APPLIES: 0,
        Verdict.CONDITIONAL: 1,
        Verdict.NOT_RECORDED: 2,
        Verdict.DOES_NOT_APPLY: 3,
    }
    bases.sort(key=lambda b: order[b.verdict])
    as_of_dates = [b.as_of for b in bases if b.as_of]
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
    data: TreatyData,
) -> Basis:
    declarations = list(data.declarations.get(instrument.pk, []))
    if instrument.parent_id:
        declarations += data.declarations.get(instrument.parent_id, [])
    declarations = [d for d in declarations if d.state_id in (requesting.pk, requested.pk)]
    basis = Basis(instrument=instrument, articles=list(instrument.articles.all()))
    basis.participation_requesting = data.participations.get((instrument.pk, requesting.pk))
    basis.participation_requested = data.participations.get((instrument.pk, requested.pk))
    reasons = basis.reasons
    if instrument.in_force_on and instrument.in_force_on > on:
        reasons.append(
            Reason(
                Check.NOT_MET,
                _("%(instrument)s only entered into force on %(date)s."),
                {"instrument": instrument, "date": instrument.in_force_on},
            )
        )
    for state in (requesting, requested):
        participation = data.participations.get((instrument.pk, state.pk))
        reasons.append(_party_reason(instrument, state, participation, on))
        if participation is not None and not participation.verified:
            basis.verified = False
    if instrument.parent is not None:
        for state in (requesting, requested):
            own = data.participations.get((instrument.pk, state.pk))
            if own is None or not _bound(own, on):
                continue  # already said: not bound by the Protocol itself
            parent = data.participations.get((instrument.parent.pk, state.pk))
            if parent is None or not _bound(parent, on):
                reason = _party_reason(instrument.parent, state, parent, on)
                if reason.check != Check.MET:
                    reasons.append(
                        Reason(
                            reason.check,
                            _("For %(instrument)s, which this one supplements: %(reason)s"),
                            {"instrument": instrument.parent, "reason": reason},
                        )
                    )
    convention = instrument.parent.code if instrument.parent is not None else instrument.code
    for rule in rules_for(convention, kind):
        if rule.effect == "not_a_basis":
            reasons.append(Reason(Check.NOT_MET, rule.text()))
        else:
            basis.notes.append(rule)
    if kind == CooperationKind.EXTRADITION:
        reasons += _extradition_reasons(instrument, requesting, requested, declarations)
    reasons.append(_scope_reason(instrument, iccs))
    basis.declarations_requesting = [d for d in declarations if d.state_id == requesting.pk]
    basis.declarations_requested = [d for d in declarations if d.state_id == requested.pk]
    return basis


def _bound(participation: Participation, on: datetime.date) -> bool:
    if participation.is_succession and participation.in_force_on is None:
        return participation.deposited_on is not None and participation.deposited_on <= on
    return participation.binds_on(on)


def _list_date(instrument: Instrument) -> datetime.date | None:
    return instrument.list_complete_as_of


def _party_reason(
    instrument: Instrument, state: State, participation: Participation | None, on: datetime.date
) -> Reason:
    names: dict[str, object] = {"state": state, "instrument": instrument}
    listed = _list_date(instrument)
    if participation is None or (not participation.is_party and listed is not None and on > listed):
        parent = territory_parents().get(state.pk)
        if parent is not None and listed is not None:
            return Reason(
                Check.NOT_RECORDED,
                _(
                    "Not recorded — check territorial application: %(state)s is not listed "
                    "itself; %(instrument)s may extend to it through its parent state's "
                    "territorial application (%(parent)s)."
                ),
                (names | {"parent": parent}),
            )
        if listed is not None and on > listed:
            if participation is not None and participation.signed_on:
                return Reason(
                    Check.NOT_RECORDED,
                    _(
                        "Not recorded — check the depositary: %(state)s signed %(instrument)s "
                        "on %(signed)s; no consent to be bound is recorded in the UN list as of "
                        "%(as_of)s or later."
                    ),
                    (names | {"signed": participation.signed_on, "as_of": listed}),
                )
            return Reason(
                Check.NOT_RECORDED,
                _(
                    "Not recorded — check the depositary: %(state)s is not in the UN list of "
                    "%(instrument)s as of %(as_of)s, and no later action is recorded."
                ),
                (names | {"as_of": listed}),
            )
        if participation is None and listed is not None:
            return Reason(
                Check.NOT_MET,
                _(
                    "%(state)s was not a party to %(instrument)s on that date, per the UN list "
                    "as of %(as_of)s."
                ),
                (names | {"as_of": listed}),
            )
        if participation is None:
            return Reason(Check.NOT_MET, _("%(state)s is not a party to %(instrument)s."), names)
    assert participation is not None
    if not participation.is_party:
        return Reason(
            Check.NOT_MET,
            _("%(state)s signed %(instrument)s but was not a party to it on that date."),
            names,
        )
    if participation.is_succession and participation.in_force_on is None:
        assert participation.deposited_on is not None
        if participation.deposited_on <= on:
            return Reason(
                Check.MET,
                _(
                    "%(state)s is a party by succession (notified on %(date)s; bound from the "
                    "date of State succession, not derived here)."
                ),
                (names | {"date": participation.deposited_on}),
            )
        return Reason(
            Check.TO_CONFIRM,
            _(
                "%(state)s is a party by succession, notified on %(date)s and effective from "
                "the date of State succession, which our data does not give: check the "
                "depositary for that date."
            ),
            (names | {"date": participation.deposited_on}),
        )
    if participation.in_force_on is None:
        return Reason(
            Check.TO_CONFIRM,
            _(
                "%(state)s is a party to %(instrument)s; the date it is bound from is not "
                "recorded: check the depositary."
            ),
            names,
        )
    if participation.in_force_on > on:
        return Reason(
            Check.NOT_MET,
            _("%(instrument)s binds %(state)s only from %(date)s."),
            (names | {"date": participation.in_force_on}),
        )
    return Reason(
        Check.MET,
        _("%(state)s is a party (%(action)s); bound since %(date)s."),
        {
            "state": state,
            "action": _Action(participation),
            "date": participation.in_force_on,
        },
    )


def _extradition_reasons(
    instrument: Instrument, requesting: State, requested: State, declarations: Iterable[Declaration]
) -> list[Reason]:
    reasons = []
    for declaration in declarations:
        if declaration.state_id == requested.pk and declaration.kind in (
            Declaration.Kind.EXTRADITION_BASIS_YES,
            Declaration.Kind.EXTRADITION_BASIS_LIMITED,
        ):
            limited = declaration.kind == Declaration.Kind.EXTRADITION_BASIS_LIMITED
            reasons.append(
                Reason(
                    Check.TO_CONFIRM if limited else Check.MET,
                    (
                        _(
                            "%(state)s declared (art. %(article)s) limits on taking the "
                            "convention as the legal basis for extradition: “%(text)s”"
                        )
                        if limited
                        else _(
                            "%(state)s declared (art. %(article)s) that it takes the convention "
                            "as the legal basis for extradition."
                        )
                    ),
                    {
                        "state": requested,
                        "article": declaration.article,
                        "text": declaration.text,
                    },
                )
            )
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
                    ),
                    {"state": requested, "article": declaration.article},
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
                    ),
                    {"state": requesting, "article": declaration.article},
                )
            )
    return reasons


def _scope_reason(instrument: Instrument, iccs: IccsCategory | None) -> Reason:
    if iccs is None:
        if not instrument.scope:
            return Reason(Check.MET, _("The treaty does not limit the offences it covers."))
        return Reason(
            Check.TO_CONFIRM, _("Scope to confirm: %(scope)s"), {"scope": _Scope(instrument)}
        )
    label = f"{iccs.code} {iccs.title}"
    if instrument.covers(iccs.code):
        return Reason(
            Check.MET,
            _("The offence (%(offence)s) is of a kind the instrument covers."),
            {"offence": label},
        )
    if not instrument.scope:
        return Reason(Check.MET, _("The treaty does not limit the offences it covers."))
    if instrument.scope_is_limited:
        return Reason(
            Check.NOT_MET,
            _("The offence (%(offence)s) is outside the instrument's scope: %(scope)s"),
            {"offence": label, "scope": _Scope(instrument)},
        )
    return Reason(
        Check.TO_CONFIRM,
        _("The offence (%(offence)s) is covered only if: %(scope)s"),
        {"offence": label, "scope": _Scope(instrument)},
    )
