"""An updated status list (the columns of ``participation.csv``): read, checked, compared.

An administrator uploads the list; every problem is reported with its row and column and
nothing is written until the list is clean; the comparison with the recorded rows (added,
changed, removed) is shown before it is applied (``actions.do_apply_status_list``). Only the
instruments present in the file are compared and replaced.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from rogatory.reference.models import State

from .build import PARTICIPATION_COLUMNS
from .models import Instrument, Participation

# Compared and written; the key (instrument, state) is not among them.
FIELDS = [c for c in PARTICIPATION_COLUMNS if c not in {"instrument", "state"}]
DATES = {"signed_on", "deposited_on", "in_force_on", "as_of"}
MAX_ROWS = 20_000


@dataclass
class StatusDiff:
    added: list[dict[str, str]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)  # key, before, after, fields
    removed: list[dict[str, str]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def as_json(self) -> dict[str, Any]:
        return {"added": self.added, "changed": self.changed, "removed": self.removed}

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.as_json().items()}


def read_status_list(text: str) -> tuple[list[dict[str, str]], list[str]]:
    """The rows of an uploaded status list, and every problem found ("row N, column: ...");
    a file the csv module cannot read (an over-long field, a stray quote) is one problem."""
    reader = csv.DictReader(io.StringIO(text))
    try:
        return _read_rows(reader)
    except csv.Error as exc:
        return [], [
            _("The file is not a readable CSV table (line %(line)s: %(reason)s).")
            % {"line": reader.line_num, "reason": exc}
        ]


def _read_rows(reader: csv.DictReader[str]) -> tuple[list[dict[str, str]], list[str]]:
    header = reader.fieldnames or []
    if sorted(header) != sorted(PARTICIPATION_COLUMNS):
        return [], [
            _("The columns must be those of participation.csv: %(columns)s.")
            % {"columns": ", ".join(PARTICIPATION_COLUMNS)}
        ]
    codes = set(
        Instrument.objects.filter(list_complete_as_of__isnull=False).values_list("code", flat=True)
    )
    states = set(State.objects.values_list("iso2", flat=True))
    rows: list[dict[str, str]] = []
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for number, raw in enumerate(reader, start=2):
        if len(rows) >= MAX_ROWS:
            problems.append(_("More than %(count)s rows.") % {"count": MAX_ROWS})
            break
        row = {k: (raw.get(k) or "").strip() for k in PARTICIPATION_COLUMNS}

        def bad(column: str, message: str, number: int = number) -> None:
            problems.append(
                _("Row %(row)s, %(column)s: %(message)s")
                % {"row": number, "column": column, "message": message}
            )

        if row["instrument"] not in codes:
            bad("instrument", _("not one of %(codes)s.") % {"codes": ", ".join(sorted(codes))})
        if row["state"] not in states:
            bad("state", _("not an ISO 3166-1 alpha-2 code of a state or territory."))
        if row["action"] not in Participation.Action.values:
            bad("action", _("not one of %(kinds)s.") % {"kinds": ", ".join(Participation.Action)})
        for column in DATES:
            if row[column]:
                try:
                    datetime.date.fromisoformat(row[column])
                except ValueError:
                    bad(column, _("not a date (YYYY-MM-DD)."))
        if row["action"] != Participation.Action.SIGNATURE and not row["deposited_on"]:
            bad("deposited_on", _("required for a consent to be bound."))
        if row["in_force_basis"] not in {"", *Participation.InForceBasis.values}:
            bad("in_force_basis", _("not one of derived, official, not_derived."))
        if row["verified"] not in {"yes", "no"}:
            bad("verified", _("yes or no."))
        if not row["source"] or not row["as_of"]:
            bad("source", _("every row needs its source and as-of date."))
        if row["source_url"] and not row["source_url"].startswith("https://"):
            bad("source_url", _("an https:// address."))
        for column, limit in (("source", 40), ("note", 500), ("state_name_untc", 150)):
            if len(row[column]) > limit:
                bad(column, _("longer than %(limit)s characters.") % {"limit": limit})
        key = (row["instrument"], row["state"])
        if key in seen:
            bad("state", _("a second row for this state and instrument."))
        seen.add(key)
        rows.append(row)
    if not rows and not problems:
        problems.append(_("The file has no rows."))
    return rows, problems


def recorded_rows(codes: set[str]) -> dict[tuple[str, str], dict[str, str]]:
    """The recorded participation of these instruments, as status-list rows."""
    recorded = {}
    for p in Participation.objects.filter(instrument__code__in=codes).select_related("instrument"):
        row = {
            "instrument": p.instrument.code,
            "state": p.state_id,
            "state_name_untc": p.state_name_in_source,
            "signed_on": p.signed_on.isoformat() if p.signed_on else "",
            "action": p.action,
            "deposited_on": p.deposited_on.isoformat() if p.deposited_on else "",
            "in_force_on": p.in_force_on.isoformat() if p.in_force_on else "",
            "in_force_basis": p.in_force_basis,
            "source": p.source,
            "source_ref": p.source_ref,
            "source_url": p.source_url,
            "as_of": p.as_of.isoformat() if p.as_of else "",
            "verified": "yes" if p.verified else "no",
            "note": p.note,
        }
        recorded[(row["instrument"], row["state"])] = row
    return recorded


def compare(rows: list[dict[str, str]]) -> StatusDiff:
    codes = {row["instrument"] for row in rows}
    before = recorded_rows(codes)
    after = {(row["instrument"], row["state"]): row for row in rows}
    diff = StatusDiff()
    for key in sorted(after):
        if key not in before:
            diff.added.append(after[key])
        else:
            fields = [f for f in FIELDS if before[key][f] != after[key][f]]
            if fields:
                diff.changed.append(
                    {
                        "instrument": key[0],
                        "state": key[1],
                        "fields": fields,
                        "before": {f: before[key][f] for f in fields},
                        "after": {f: after[key][f] for f in fields},
                    }
                )
    diff.removed = [before[key] for key in sorted(before) if key not in after]
    return diff
