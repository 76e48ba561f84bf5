"""The maximum penalty of an offence or a provision: one value type, one dict (decision 0028).

The request writer stores it on each offence (the request document's ``max_penalty``), the
knowledge base on each provision of legislation (``Provision.penalty``), and the conduct-based
dual-criminality answer (issue 16) compares the two; all of them read and write the same dict
through :meth:`Penalty.from_dict` and :meth:`Penalty.to_dict`::

    {"kind": "deprivation_of_liberty", "maximum": 5, "unit": "years",
     "amount": "375000", "currency": "EUR", "note": "",
     "in_force_from": "2001-05-15", "in_force_until": null}

* ``kind`` — the most severe penalty the law provides for the offence: ``deprivation_of_liberty``
  (with ``maximum`` in ``unit``: whole days, months or years, as statutes state them; two and
  a half years is written as 30 months), ``life_imprisonment``, ``death``, ``fine`` (``amount``
  and ``currency`` when the law states a sum, neither when it does not) or ``other`` (``note``
  says what).
* ``amount``/``currency`` — a fine stated beside a deprivation of liberty ("five years'
  imprisonment and a fine of EUR 375,000") or the fine itself; a decimal string (JSON numbers
  would lose cents) and an ISO 4217 code.
* ``note`` — what the fields cannot hold ("or a fine of three times the value").
* ``in_force_from``/``in_force_until`` — the first and the last day (both included) on which the
  law provided this penalty; either may be unknown. The law at the time of the conduct may
  differ from today's.

Comparisons follow UNTOC art. 2(b) ("serious crime": a maximum deprivation of liberty of at
least four years or a more serious penalty): life imprisonment and death are more serious than
any term, and a fine or another penalty is less serious than any term, except that ``other``
cannot be compared (``None``: the drafter must say). Days count as 12/365.25 of a month
(the Julian year, so four years are 1,461 days and 1,460 days fall short): the statute that
states a maximum in days means calendar days, and a leap day in four years is the rule.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from babel.numbers import format_currency
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .validators import InputRefused, date_problem, text_problem

__all__ = [
    "KEYS",
    "KIND_LABELS",
    "SERIOUS_CRIME_MONTHS",
    "UNIT_LABELS",
    "Penalty",
    "PenaltyKind",
    "PenaltyRefused",
    "PenaltyUnit",
    "penalty_or_none",
]


class PenaltyKind(StrEnum):
    DEPRIVATION_OF_LIBERTY = "deprivation_of_liberty"
    LIFE_IMPRISONMENT = "life_imprisonment"
    DEATH = "death"
    FINE = "fine"
    OTHER = "other"


class PenaltyUnit(StrEnum):
    DAYS = "days"
    MONTHS = "months"
    YEARS = "years"


# Labels for forms and pages (the kinds and units as a person chooses them).
KIND_LABELS = {
    PenaltyKind.DEPRIVATION_OF_LIBERTY: gettext_lazy("Deprivation of liberty (a maximum term)"),
    PenaltyKind.LIFE_IMPRISONMENT: gettext_lazy("Life imprisonment"),
    PenaltyKind.DEATH: gettext_lazy("Death penalty"),
    PenaltyKind.FINE: gettext_lazy("Fine only"),
    PenaltyKind.OTHER: gettext_lazy("Other penalty"),
}
UNIT_LABELS = {
    PenaltyUnit.YEARS: gettext_lazy("years"),
    PenaltyUnit.MONTHS: gettext_lazy("months"),
    PenaltyUnit.DAYS: gettext_lazy("days"),
}

KEYS = (
    "kind",
    "maximum",
    "unit",
    "amount",
    "currency",
    "note",
    "in_force_from",
    "in_force_until",
)
# UNTOC art. 2(b): "serious crime" is punishable by at least four years' deprivation of liberty.
SERIOUS_CRIME_MONTHS = 48
# A hundred years: no statute's term is longer; anything above is a typing error.
MAX_MONTHS = 1200
MONTHS_PER = {PenaltyUnit.DAYS: Decimal(12) / Decimal("365.25"), PenaltyUnit.MONTHS: Decimal(1)}
MONTHS_PER[PenaltyUnit.YEARS] = Decimal(12)
MAX_AMOUNT = Decimal("1e15")
NOTE_MAX = 300
_CURRENCY = re.compile(r"^[A-Z]{3}$")
# More serious penalties rank higher; deprivation of liberty is ranked by its months.
_RANK = {
    PenaltyKind.OTHER: 0,
    PenaltyKind.FINE: 1,
    PenaltyKind.DEPRIVATION_OF_LIBERTY: 2,
    PenaltyKind.LIFE_IMPRISONMENT: 3,
    PenaltyKind.DEATH: 4,
}
_INFINITY = Decimal("Infinity")
# Django language codes of the six UN languages -> Babel locales (for sums of money).
_BABEL = {"ar": "ar", "zh-hans": "zh_Hans", "zh": "zh_Hans", "en": "en", "fr": "fr"}
_BABEL |= {"ru": "ru", "es": "es"}


class PenaltyRefused(InputRefused):
    """A penalty that cannot be recorded; ``problems`` are ``(key, message)`` pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(" ".join(message for _key, message in problems))
        self.problems = problems


@dataclass(frozen=True)
class Penalty:
    kind: PenaltyKind
    maximum: int | None = None
    unit: PenaltyUnit | None = None
    amount: Decimal | None = None
    currency: str = ""
    note: str = ""
    in_force_from: datetime.date | None = None
    in_force_until: datetime.date | None = None

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise PenaltyRefused(problems)

    # -- the dict -----------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Any) -> Penalty:
        """The penalty ``data`` describes; ``PenaltyRefused`` naming every problem otherwise."""
        if not isinstance(data, Mapping):
            raise PenaltyRefused([("", _("A penalty must be given as a set of fields."))])
        problems: list[tuple[str, str]] = []
        unknown = sorted(str(key) for key in data if key not in KEYS)
        if unknown:
            problems.append(
                ("", _("Unknown penalty fields: %(names)s.") % {"names": ", ".join(unknown)})
            )
        values: dict[str, Any] = {}
        kind = data.get("kind")
        try:
            values["kind"] = PenaltyKind(str(kind))
        except ValueError:
            problems.append(("kind", _("Choose the kind of penalty.")))
        values["maximum"] = _whole(data.get("maximum"), problems)
        unit = data.get("unit") or None
        try:
            values["unit"] = PenaltyUnit(unit) if unit is not None else None
        except ValueError:
            problems.append(("unit", _("The unit of the maximum is days, months or years.")))
        values["amount"] = _amount(data.get("amount"), problems)
        values["currency"] = _string(data.get("currency"), "currency", problems).upper()
        values["note"] = _string(data.get("note"), "note", problems).strip()
        for key in ("in_force_from", "in_force_until"):
            values[key] = _day(data.get(key), key, problems)
        if problems:
            raise PenaltyRefused(problems)
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """The dict of this penalty (JSON-ready, every key present); ``from_dict`` reads it."""
        return {
            "kind": self.kind.value,
            "maximum": self.maximum,
            "unit": self.unit.value if self.unit else None,
            "amount": str(self.amount) if self.amount is not None else None,
            "currency": self.currency,
            "note": self.note,
            "in_force_from": self.in_force_from.isoformat() if self.in_force_from else None,
            "in_force_until": self.in_force_until.isoformat() if self.in_force_until else None,
        }

    # -- comparisons --------------------------------------------------------------------
    def months_of_liberty(self) -> Decimal | None:
        """The longest deprivation of liberty in months: infinite for life imprisonment and
        death, 0 for a fine, None for another penalty (it cannot be compared)."""
        if self.kind in (PenaltyKind.LIFE_IMPRISONMENT, PenaltyKind.DEATH):
            return _INFINITY
        if self.kind == PenaltyKind.FINE:
            return Decimal(0)
        if self.kind == PenaltyKind.OTHER or self.maximum is None or self.unit is None:
            return None
        return self.maximum * MONTHS_PER[self.unit]

    def severity(self) -> tuple[int, Decimal]:
        """A sort key: death > life imprisonment > longer terms > shorter terms > fines."""
        return (_RANK[self.kind], self.months_of_liberty() or Decimal(0))

    def at_least(self, months: int | Decimal) -> bool | None:
        """Whether the law allows at least ``months`` of deprivation of liberty, or a more
        serious penalty; None when it cannot be told (another penalty)."""
        if self.kind == PenaltyKind.DEPRIVATION_OF_LIBERTY and self.unit == PenaltyUnit.DAYS:
            # Exact: days * 12 >= months * 365.25, no division rounded.
            assert self.maximum is not None
            return Decimal(self.maximum) * 12 >= Decimal(months) * Decimal("365.25")
        found = self.months_of_liberty()
        return None if found is None else found >= Decimal(months)

    def is_serious_crime(self) -> bool | None:
        """UNTOC art. 2(b): a maximum deprivation of liberty of at least four years or a more
        serious penalty; None when it cannot be told."""
        return self.at_least(SERIOUS_CRIME_MONTHS)

    def in_force_on(self, day: datetime.date) -> bool:
        """Whether the law provided this penalty on ``day`` (unknown limits do not exclude)."""
        if self.in_force_from is not None and day < self.in_force_from:
            return False
        return self.in_force_until is None or day <= self.in_force_until

    # -- words --------------------------------------------------------------------------
    def describe(self, language: str | None = None) -> str:
        """The penalty in words in ``language`` (a Django language code; default: the active
        one): "up to 5 years' imprisonment", "life imprisonment"…"""
        if language is None:
            return self._describe(translation.get_language() or "en")
        with translation.override(language):
            return self._describe(language)

    def _describe(self, language: str) -> str:
        fine = self._money(language)
        if self.kind == PenaltyKind.DEPRIVATION_OF_LIBERTY:
            assert self.maximum is not None and self.unit is not None
            text = _term(self.maximum, self.unit, fine)
        elif self.kind == PenaltyKind.LIFE_IMPRISONMENT:
            text = _("life imprisonment")
        elif self.kind == PenaltyKind.DEATH:
            text = _("death penalty")
        elif self.kind == PenaltyKind.FINE:
            text = _("a fine of up to %(amount)s") % {"amount": fine} if fine else _("a fine")
        else:
            return _("other penalty: %(note)s") % {"note": self.note}
        if self.note:
            # Translators: a penalty followed by what its fields could not say, e.g.
            # "up to 6 years' imprisonment (and a fine of three times the value)".
            text = _("%(penalty)s (%(note)s)") % {"penalty": text, "note": self.note}
        return text

    def describe_in_force(self, language: str | None = None) -> str:
        """When the law provided this penalty, in words; empty when no date is known."""
        with translation.override(language or translation.get_language() or "en"):
            start, end = self.in_force_from, self.in_force_until
            if start and end:
                return _("in force from %(start)s to %(end)s") % {
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                }
            if start:
                return _("in force from %(start)s") % {"start": start.isoformat()}
            if end:
                return _("in force until %(end)s") % {"end": end.isoformat()}
            return ""

    def _money(self, language: str) -> str:
        if self.amount is None:
            return ""
        locale = _BABEL.get(language.lower(), _BABEL.get(language.split("-")[0], "en"))
        return format_currency(self.amount, self.currency, locale=locale)


def _term(maximum: int, unit: PenaltyUnit, fine: str) -> str:
    values = {"count": maximum, "amount": fine}
    if unit == PenaltyUnit.YEARS:
        if fine:
            return (
                ngettext(
                    "up to %(count)s year's imprisonment and a fine of up to %(amount)s",
                    "up to %(count)s years' imprisonment and a fine of up to %(amount)s",
                    maximum,
                )
                % values
            )
        return (
            ngettext(
                "up to %(count)s year's imprisonment",
                "up to %(count)s years' imprisonment",
                maximum,
            )
            % values
        )
    if unit == PenaltyUnit.MONTHS:
        if fine:
            return (
                ngettext(
                    "up to %(count)s month's imprisonment and a fine of up to %(amount)s",
                    "up to %(count)s months' imprisonment and a fine of up to %(amount)s",
                    maximum,
                )
                % values
            )
        return (
            ngettext(
                "up to %(count)s month's imprisonment",
                "up to %(count)s months' imprisonment",
                maximum,
            )
            % values
        )
    if fine:
        return (
            ngettext(
                "up to %(count)s day's imprisonment and a fine of up to %(amount)s",
                "up to %(count)s days' imprisonment and a fine of up to %(amount)s",
                maximum,
            )
            % values
        )
    return (
        ngettext(
            "up to %(count)s day's imprisonment", "up to %(count)s days' imprisonment", maximum
        )
        % values
    )


def penalty_or_none(data: Any) -> Penalty | None:
    """The penalty of a stored dict, None for none (``None``, ``{}``) or one that no longer
    reads (stored before a rule changed: shown as unknown rather than breaking a page)."""
    if not data:
        return None
    try:
        return Penalty.from_dict(data)
    except PenaltyRefused:
        return None


# -- reading the dict's values ------------------------------------------------------------


def _string(value: Any, key: str, problems: list[tuple[str, str]]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append((key, _("This field must be text.")))
        return ""
    return value


def _whole(value: Any, problems: list[tuple[str, str]]) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, bool) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number != number.to_integral_value():
        problems.append(
            (
                "maximum",
                _(
                    "The maximum is a whole number of days, months or years "
                    "(two and a half years: 30 months)."
                ),
            )
        )
        return None
    return int(number)


def _amount(value: Any, problems: list[tuple[str, str]]) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, bool) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        problems.append(("amount", _("The amount of the fine must be a number.")))
        return None
    return number


def _day(value: Any, key: str, problems: list[tuple[str, str]]) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        problems.append((key, _("Enter a valid date (YYYY-MM-DD).")))
        return None


def _problems(p: Penalty) -> list[tuple[str, str]]:
    """What is wrong with a penalty's values taken together."""
    problems: list[tuple[str, str]] = []
    if p.kind == PenaltyKind.DEPRIVATION_OF_LIBERTY:
        if p.maximum is None or p.unit is None:
            problems.append(
                ("maximum", _("Give the maximum term and its unit (days, months or years)."))
            )
        elif p.maximum <= 0 or p.maximum * MONTHS_PER[p.unit] > MAX_MONTHS:
            problems.append(
                ("maximum", _("The maximum term must be more than zero and at most 100 years."))
            )
    elif p.maximum is not None or p.unit is not None:
        problems.append(
            ("maximum", _("A maximum term is given only for a deprivation of liberty."))
        )
    if p.amount is not None:
        if p.amount < 0 or p.amount >= MAX_AMOUNT or -p.amount.as_tuple().exponent > 2:  # type: ignore[operator]
            problems.append(
                ("amount", _("The amount of the fine must be positive, with at most two decimals."))
            )
        if not _CURRENCY.fullmatch(p.currency):
            problems.append(("currency", _("Give the fine's currency (ISO 4217, e.g. EUR).")))
    elif p.currency:
        problems.append(("amount", _("Give the amount of the fine in that currency.")))
    if p.amount is not None and p.kind in (PenaltyKind.OTHER,):
        problems.append(("amount", _("Describe another penalty in the note, not as a fine.")))
    if p.kind == PenaltyKind.OTHER and not p.note:
        problems.append(("note", _("Say what the other penalty is.")))
    if len(p.note) > NOTE_MAX:
        problems.append(
            ("note", _("The note is at most %(max)d characters long.") % {"max": NOTE_MAX})
        )
    elif wrong := text_problem(p.note):
        problems.append(("note", wrong))
    for key in ("in_force_from", "in_force_until"):
        day = getattr(p, key)
        if day is not None and (wrong := date_problem(day)):
            problems.append((key, wrong))
    if p.in_force_from and p.in_force_until and p.in_force_until < p.in_force_from:
        problems.append(("in_force_until", _("The penalty cannot end before it came into force.")))
    return problems
