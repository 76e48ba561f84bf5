"""The one check of a request's content before it becomes a case, whoever brings it.

The JSON API (``POST /api/v1/cases``), the request-document import of the writer and a request
received from another state (``exchange``) all hand ``clean_case_content`` the same
``CaseContent``: the case's fields, its offences, persons and measures, with states, treaty and
ICCS codes as codes. It checks every value against the column it goes to (length, control
characters, date range: ``lib.validators.model_value_problems``) and every code against our
reference data, and returns a copy ready for ``do_register_case`` (the treaty as an
``Instrument``, empty codes as None) — or raises ``ContentRefused`` with every ``Problem``, each
with its path in the content, so the API names the field and the import the place in the
document (decision 0021).
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rogatory.lib.penalties import Penalty, PenaltyRefused
from rogatory.lib.validators import model_value_problems, text_problem
from rogatory.reference.models import IccsCategory, State
from rogatory.treaties.models import Instrument

from .models import Case, Measure, Offence, Person

__all__ = [
    "CASE_DATES",
    "CaseContent",
    "ContentRefused",
    "Problem",
    "clean_case_content",
    "date_order_problems",
    "period_problem",
]

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """What is wrong (``message``, translated) and where (``path``: ``("persons", 0,
    "nationality")``; foreign keys by their field name, without ``_id``)."""

    path: Path
    message: str


class ContentRefused(ValueError):
    """The content cannot become a case; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{'/'.join(map(str, p.path))}: {p.message}" for p in problems))
        self.problems = problems


@dataclass
class CaseContent:
    """What makes a case: its fields, offences, persons and measures (as ``do_register_case``
    takes them; codes in ``requesting_state_id``, ``requested_state_id``, ``legal_basis``,
    ``iccs_id`` and ``nationality_id``)."""

    fields: dict[str, Any]
    offences: list[dict[str, Any]] = field(default_factory=list)
    persons: list[dict[str, Any]] = field(default_factory=list)
    measures: list[dict[str, Any]] = field(default_factory=list)


def _public(name: str) -> str:
    return name.removesuffix("_id")


def _values(
    model: type[models.Model], values: Mapping[str, Any], where: Path, problems: list[Problem]
) -> None:
    for name, message in model_value_problems(model, values):
        problems.append(Problem((*where, _public(name)), message))


def _nested_text(value: Any, where: Path, problems: list[Problem]) -> None:
    """Control characters anywhere in free JSON (a measure's ``details``)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and (problem := text_problem(item)):
            problems.append(Problem(where, problem))
            return


def _codes(values: Iterable[Any]) -> set[str]:
    """Codes worth looking up: clean, short strings (anything else is refused as unknown)."""
    return {v for v in values if isinstance(v, str) and v and len(v) <= 60 and not text_problem(v)}


# Dates of a request that follow from one another: (later, earlier, what is wrong). One list for
# the case form, the API, the request-document import, received requests and the lifecycle's
# dated steps (acknowledged on, executed on…), so that no path accepts what another refuses.
DATE_ORDER = (
    (
        "acknowledged_on",
        "received_on",
        gettext_noop("Receipt cannot be acknowledged before the request arrived."),
    ),
    (
        "deadline",
        "received_on",
        gettext_noop("The deadline cannot come before the request arrived."),
    ),
    (
        "executed_on",
        "received_on",
        gettext_noop("A request cannot be executed before it arrived."),
    ),
    (
        "closed_on",
        "received_on",
        gettext_noop("A request cannot be closed before it arrived."),
    ),
    (
        "sent_on",
        "drafted_on",
        gettext_noop("A request cannot be sent before it was drafted."),
    ),
    (
        "acknowledged_on",
        "sent_on",
        gettext_noop("Receipt cannot be acknowledged before the request was sent."),
    ),
    (
        "executed_on",
        "sent_on",
        gettext_noop("A request cannot be executed before it was sent."),
    ),
    (
        "closed_on",
        "sent_on",
        gettext_noop("A request cannot be closed before it was sent."),
    ),
)
# Every date of a case that the rules above compare.
CASE_DATES = (
    "received_on",
    "drafted_on",
    "sent_on",
    "acknowledged_on",
    "deadline",
    "executed_on",
    "closed_on",
)
# Dates of what has happened: none lies in the future.
PAST_DATES = ("received_on", "drafted_on", "sent_on", "acknowledged_on", "executed_on", "closed_on")


def date_order_problems(
    values: Mapping[str, Any], today: datetime.date | None = None
) -> list[tuple[str, str]]:
    """(field, message) for each date of ``values`` that lies in the future or before a date
    it must follow; fields absent or empty are not judged."""
    today = today or timezone.localdate()
    found: list[tuple[str, str]] = []
    for name in PAST_DATES:
        day = values.get(name)
        if isinstance(day, datetime.date) and day > today:
            found.append((name, _("This date is in the future.")))
    for later, earlier, message in DATE_ORDER:
        a, b = values.get(later), values.get(earlier)
        judged = any(name == later for name, _message in found)
        if isinstance(a, datetime.date) and isinstance(b, datetime.date) and a < b and not judged:
            found.append((later, _(message)))
    return found


def period_problem(start: Any, end: Any) -> str | None:
    """Why a period (``period_from``/``period_to`` of a measure's details) is impossible."""
    try:
        first = datetime.date.fromisoformat(str(start)) if start else None
        last = datetime.date.fromisoformat(str(end)) if end else None
    except ValueError:
        return None  # the format is the details' own check
    if first and last and last < first:
        return _("The period ends before it starts.")
    return None


def clean_case_content(content: CaseContent) -> CaseContent:
    """A copy of ``content`` ready to register, or ``ContentRefused``; see the module."""
    problems: list[Problem] = []
    fields = dict(content.fields)
    _values(Case, fields, (), problems)

    state_names = ("requesting_state_id", "requested_state_id")
    nationalities = [p.get("nationality_id") for p in content.persons]
    iccs = [o.get("iccs_id") for o in content.offences]
    known_states = set(
        State.objects.filter(
            iso2__in=_codes([*(fields.get(n) for n in state_names), *nationalities])
        ).values_list("iso2", flat=True)
    )
    known_iccs = set(
        IccsCategory.objects.filter(code__in=_codes(iccs)).values_list("code", flat=True)
    )

    def known(value: Any, found: set[str], where: Path, message: str) -> Any:
        if value in (None, ""):
            return None
        if value not in found and not any(p.path == where for p in problems):
            problems.append(Problem(where, message % {"code": value}))
        return value

    for name in state_names:
        if name in fields:
            fields[name] = known(
                fields[name], known_states, (_public(name),), _("Unknown state code: %(code)s")
            )
    if "legal_basis" in fields and not isinstance(fields["legal_basis"], Instrument):
        code = fields["legal_basis"]
        found = Instrument.objects.filter(code__in=_codes([code])).first() if code else None
        if code and found is None:
            problems.append(
                Problem(("legal_basis",), _("Unknown treaty code: %(code)s") % {"code": code})
            )
        fields["legal_basis"] = found

    offences = []
    for n, offence in enumerate(content.offences):
        offence = dict(offence)
        _values(Offence, offence, ("offences", n), problems)
        offence["iccs_id"] = known(
            offence.get("iccs_id"),
            known_iccs,
            ("offences", n, "iccs"),
            _("Unknown ICCS code: %(code)s"),
        )
        if offence.get("max_penalty"):
            try:
                offence["max_penalty"] = Penalty.from_dict(offence["max_penalty"]).to_dict()
            except PenaltyRefused as refused:
                for key, message in refused.problems:
                    where: Path = ("offences", n, "max_penalty", *([key] if key else []))
                    problems.append(Problem(where, message))
        else:
            offence.pop("max_penalty", None)
        offences.append(offence)
    persons = []
    for n, person in enumerate(content.persons):
        person = dict(person)
        _values(Person, person, ("persons", n), problems)
        person["nationality_id"] = known(
            person.get("nationality_id"),
            known_states,
            ("persons", n, "nationality"),
            _("Unknown state code: %(code)s"),
        )
        persons.append(person)
    measures = []
    for n, measure in enumerate(content.measures):
        measure = copy.deepcopy(dict(measure))
        _values(Measure, measure, ("measures", n), problems)
        _nested_text(measure.get("details"), ("measures", n, "details"), problems)
        details = measure.get("details")
        if isinstance(details, Mapping):
            wrong = period_problem(details.get("period_from"), details.get("period_to"))
            if wrong:
                problems.append(Problem(("measures", n, "details", "period_to"), wrong))
        measures.append(measure)
    problems.extend(Problem((name,), message) for name, message in date_order_problems(fields))
    if problems:
        raise ContentRefused(problems)
    return CaseContent(fields=fields, offences=offences, persons=persons, measures=measures)
