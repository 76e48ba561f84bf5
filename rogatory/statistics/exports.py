"""Every table of the statistics page as CSV and as a workbook, each with its counting rule."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook

from rogatory.cases.exports import spreadsheet_safe

from .figures import Statistics, Table


def _cell(value: Any) -> Any:
    """Numbers as numbers, "no figure" as an empty cell, text safe from formula injection."""
    if value is None:
        return ""
    return spreadsheet_safe(value)


# A line of the heading: what it is, and its value.
Note = tuple[str, str]


def _heading(stats: Statistics, authority: str, notes: Sequence[Note] = ()) -> list[list[str]]:
    return [
        [_("Authority"), authority],
        [_("Period"), f"{stats.period.start.isoformat()} – {stats.period.end.isoformat()}"],
        [_("Figures as of"), stats.as_of.isoformat()],
        [_("Generated on"), timezone.localdate().isoformat()],
        *([label, text] for label, text in notes),
    ]


def _table_lines(table: Table) -> list[list[Any]]:
    lines: list[list[Any]] = [
        [table.title],
        [_("Counting rule"), table.rule],
        list(table.columns),
    ]
    lines += [[_cell(v) for v in row] for row in table.rows]
    if table.total:
        lines.append([_cell(v) for v in table.total])
    return lines


def to_csv(stats: Statistics, authority: str, notes: Sequence[Note] = ()) -> str:
    """One CSV file: the heading (and ``notes``), then each table after its title and
    counting rule."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows([[_cell(v) for v in row] for row in _heading(stats, authority, notes)])
    for table in stats.tables:
        writer.writerow([])
        writer.writerows(_table_lines(table))
    return out.getvalue()


def to_xlsx(stats: Statistics, authority: str, notes: Sequence[Note] = ()) -> bytes:
    """A workbook: a first sheet with the heading (and ``notes``) and every counting rule,
    then one sheet per table, starting with its title and counting rule."""
    book = Workbook()
    about = book.active
    assert about is not None
    about.title = _("Counting rules")[:31]
    for row in _heading(stats, authority, notes):
        about.append([_cell(v) for v in row])
    about.append([])
    about.append([_("Table"), _("Counting rule")])
    for table in stats.tables:
        about.append([table.title, table.rule])
    for table in stats.tables:
        sheet = book.create_sheet(table.key[:31])
        for line in _table_lines(table):
            sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def shown(value: Any) -> str:
    """A cell as a page or a PDF prints it: numbers in the language's format (a rate to one
    decimal), no figure as a dash; a withheld cell's mark as it is."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    if isinstance(value, float):
        if value.is_integer():
            return number_format(int(value), force_grouping=True)
        return number_format(round(value, 1), decimal_pos=1, force_grouping=True)
    return str(value)
