"""Provisions of legislation as CSV: one row per provision, rows of one act together.

Columns (a header row names them; order free; ``*`` required):

``state*`` ISO 3166-1 alpha-2 · ``language*`` ar zh en fr ru es (or another ISO 639-1 code) ·
``act_title*`` · ``act_number`` · ``act_date`` (YYYY-MM-DD) · ``source_url`` ·
``number*`` the provision's number as published · ``heading`` · ``text`` ·
``iccs`` ICCS codes · ``implements`` convention articles as ``instrument:article``
(``untoc:6``), several separated by spaces, commas or semicolons · the maximum penalty, when
the provision states one (decision 0028): ``penalty_kind`` (deprivation_of_liberty,
life_imprisonment, death, fine, other), ``penalty_max`` and ``penalty_unit`` (days, months,
years), ``penalty_amount`` and ``penalty_currency`` (a fine), ``penalty_note``,
``penalty_from`` and ``penalty_until`` (YYYY-MM-DD, the dates the penalty was in force) ·
the provenance of the ICCS codes (decision 0034): ``iccs_method`` (manual,
correspondence_table, suggested), ``iccs_coded_by``, ``iccs_verified_by`` (a second person,
not the coder) and ``iccs_verified_on`` (YYYY-MM-DD, only with ``iccs_verified_by``).

Rows with the same state, language, act title and act number make one act, in the order of
the rows. Reading never writes: it returns the acts, or the reasons an act cannot be read,
with its row numbers, so that the importer can store the good acts and report the others.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from rogatory.lib.penalties import Penalty, PenaltyRefused

from .legal import LegalAct, Provision

REQUIRED = ("state", "language", "act_title", "number")
# Penalty columns -> keys of the penalty dict (rogatory/lib/penalties.py).
PENALTY_COLUMNS = {
    "penalty_kind": "kind",
    "penalty_max": "maximum",
    "penalty_unit": "unit",
    "penalty_amount": "amount",
    "penalty_currency": "currency",
    "penalty_note": "note",
    "penalty_from": "in_force_from",
    "penalty_until": "in_force_until",
}
# Provenance of the ICCS coding (decision 0034).
PROVENANCE_COLUMNS = ("iccs_method", "iccs_coded_by", "iccs_verified_by", "iccs_verified_on")
ICCS_METHODS = ("manual", "correspondence_table", "suggested")
KNOWN = (
    *REQUIRED,
    *PROVENANCE_COLUMNS,
    "act_number",
    "act_date",
    "source_url",
    "heading",
    "text",
    "iccs",
    "implements",
    *PENALTY_COLUMNS,
)
_SEPARATORS = re.compile(r"[\s,;]+")
_ARTICLE_DIGITS = re.compile(r"\d+(?:[.\-]\d+)*(?:\s*(?:bis|ter|quater|[a-z])\b)?", re.I)


class CsvError(ValueError):
    """The file as a whole cannot be read as provisions (header, encoding)."""


@dataclass
class CsvAct:
    label: str  # "<act title> (rows 2–7)"
    act: LegalAct | None = None
    errors: list[str] = field(default_factory=list)


def split_codes(value: str) -> tuple[str, ...]:
    """ICCS codes or convention articles typed in one cell or field, split on spaces, commas
    and semicolons."""
    return tuple(part for part in _SEPARATORS.split(value.strip()) if part)


def provision_eid(number: str, taken: set[str]) -> str:
    """A stable AKN eId from the number as published: "Article 191" → art_191,
    "Section 327(1)" → art_327_1; numbers without Latin digits → prov_<n>."""
    digits = _ARTICLE_DIGITS.search(number)
    if digits:
        base = "art_" + re.sub(r"[^0-9a-z]+", "_", digits.group().lower()).strip("_")
    else:
        base = f"prov_{len(taken) + 1}"
    eid, n = base, 2
    while eid in taken:
        eid, n = f"{base}_{n}", n + 1
    taken.add(eid)
    return eid


def row_penalty(row: dict[str, str]) -> dict[str, Any] | None:
    """The penalty of a row (its ``penalty_*`` cells), None when they are all empty;
    ``PenaltyRefused`` when they do not make one."""
    values = {key: row.get(column, "") for column, key in PENALTY_COLUMNS.items()}
    if not any(values.values()):
        return None
    given = {key: value for key, value in values.items() if value}
    return Penalty.from_dict(given).to_dict()


def provenance_problems(row: dict[str, str]) -> list[tuple[str, str]]:
    """What is wrong with a row's (or a form's) ICCS provenance cells: (column, message)
    pairs, the message translated. The one check of the provenance, for the CSV rows and
    the edit form's fields (named as the columns)."""
    problems = []
    method = row.get("iccs_method", "")
    if method and method not in ICCS_METHODS:
        problems.append(
            (
                "iccs_method",
                _("%(value)s is not one of %(choices)s.")
                % {"value": repr(method), "choices": ", ".join(ICCS_METHODS)},
            )
        )
    verifier, coder = row.get("iccs_verified_by", ""), row.get("iccs_coded_by", "")
    if verifier and coder and verifier.casefold() == coder.casefold():
        problems.append(
            ("iccs_verified_by", _("The verifier must be a second person, not the coder."))
        )
    day = row.get("iccs_verified_on", "")
    if day:
        try:
            datetime.date.fromisoformat(day)
        except ValueError:
            problems.append(
                ("iccs_verified_on", _("%(value)s is not YYYY-MM-DD.") % {"value": repr(day)})
            )
        if not verifier:
            problems.append(("iccs_verified_by", _("Say who verified the coding on that date.")))
    for name in ("iccs_coded_by", "iccs_verified_by"):
        if len(row.get(name, "")) > 200:
            problems.append((name, _("Longer than 200 characters.")))
    return problems


def row_provenance(row: dict[str, str]) -> dict[str, Any]:
    """The provenance fields of a legal.Provision, from checked cells."""
    day = row.get("iccs_verified_on", "")
    return {
        "iccs_method": row.get("iccs_method", ""),
        "iccs_coded_by": row.get("iccs_coded_by", ""),
        "iccs_verified_by": row.get("iccs_verified_by", ""),
        "iccs_verified_on": datetime.date.fromisoformat(day) if day else None,
    }


def read_provisions(data: bytes) -> list[CsvAct]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvError(_("Not UTF-8 text (%(reason)s).") % {"reason": exc.reason}) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise CsvError(
            _("Missing columns: %(columns)s (the first row must name them).")
            % {"columns": ", ".join(missing)}
        )
    unknown = [name for name in header if name and name not in KNOWN]
    if unknown:
        raise CsvError(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
    reader.fieldnames = header
    groups: dict[tuple[str, ...], list[tuple[int, dict[str, str]]]] = {}
    try:
        for row in reader:
            clean = {k: (v or "").strip() for k, v in row.items() if k}
            if not any(clean.values()):
                continue
            if None in row:
                clean["_extra"] = "yes"
            key = tuple(clean.get(name, "") for name in ("state", "language", "act_title"))
            key += (clean.get("act_number", ""),)
            groups.setdefault(key, []).append((reader.line_num, clean))
    except csv.Error as exc:
        raise CsvError(
            _("Line %(line)s: %(problem)s.") % {"line": reader.line_num, "problem": exc}
        ) from None
    return [_act(rows) for rows in groups.values()]


def _row(line: int, problem: str) -> str:
    # Translators: a problem of one row of a CSV file of provisions.
    return _("row %(line)s: %(problem)s") % {"line": line, "problem": problem}


def _act(rows: list[tuple[int, dict[str, str]]]) -> CsvAct:
    first = rows[0][1]
    lines = f"{rows[0][0]}–{rows[-1][0]}" if len(rows) > 1 else str(rows[0][0])
    label = _("%(title)s (rows %(lines)s)") % {
        "title": first.get("act_title") or "?",
        "lines": lines,
    }
    errors: list[str] = []
    for line, row in rows:
        for name in REQUIRED:
            if not row.get(name):
                errors.append(_row(line, _("%(column)s is empty") % {"column": name}))
        if row.get("_extra"):
            errors.append(_row(line, _("more cells than columns")))
        if row.get("act_date", "") != first.get("act_date", ""):
            errors.append(_row(line, _("act_date differs from the act's first row")))
        try:
            row_penalty(row)
        except PenaltyRefused as refused:
            errors.append(_row(line, _("penalty: %(problem)s") % {"problem": refused.message}))
        errors.extend(
            _row(line, f"{column}: {problem}") for column, problem in provenance_problems(row)
        )
    date = None
    start = rows[0][0]
    if first.get("act_date"):
        try:
            date = datetime.date.fromisoformat(first["act_date"])
        except ValueError:
            problem = _("act_date %(value)s is not YYYY-MM-DD") % {"value": repr(first["act_date"])}
            errors.append(_row(start, problem))
    state, language = first.get("state", "").upper(), first.get("language", "").lower()
    if state and not re.fullmatch(r"[A-Z]{2}", state):
        problem = _("state %(value)s is not an ISO 3166-1 alpha-2 code") % {"value": repr(state)}
        errors.append(_row(start, problem))
    if language and not re.fullmatch(r"[a-z]{2}", language):
        problem = _("language %(value)s is not an ISO 639-1 code") % {"value": repr(language)}
        errors.append(_row(start, problem))
    if errors:
        return CsvAct(label=label, errors=errors)
    taken: set[str] = set()
    provisions = [
        Provision(
            eid=provision_eid(row["number"], taken),
            number=row["number"],
            heading=row.get("heading", ""),
            text=row.get("text", ""),
            iccs=split_codes(row.get("iccs", "")),
            implements=tuple(ref.lower() for ref in split_codes(row.get("implements", ""))),
            penalty=row_penalty(row),
            **row_provenance(row),
        )
        for _line, row in rows
    ]
    act = LegalAct(
        state=state,
        language=language,
        title=first["act_title"],
        number=first.get("act_number", ""),
        date=date,
        provisions=provisions,
        source_url=first.get("source_url", ""),
    )
    return CsvAct(label=label, act=act)
