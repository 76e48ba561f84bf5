"""Report layouts as data: which sections, under which heading, with which tables.

A layout is a TOML file (the shipped ones sit beside this module; a ministry adds its own, or
replaces a shipped one by giving its file the same name, in ``STATISTICS_REPORT_LAYOUTS_DIR``,
``DATA_DIR/report-layouts`` by default). The format::

    title = "UNTOC review mechanism: international cooperation"   # required
    description = "..."                                           # optional
    charts = false                                                # optional: draw charts

    [[sections]]
    heading = "Requests received and sent, by kind"               # required
    notes = ["A sentence printed under the heading."]             # optional
    tables = ["kinds", { table = "states", top = 10, columns = [0, 2, 3, 4] }]

A table is named by its id (``tables.TABLES``) or given as a table with ``table`` and, as
needed, ``columns`` (indexes kept, 0 = the label, always kept), ``top`` (only the first rows:
the request tables list the largest first), ``hide_empty`` (leave out rows whose counts are all
zero) and ``total`` (false to leave out the row of sums).

Texts (title, description, headings, notes) are English message ids: the shipped ones are
listed in ``texts.py`` so that ``makemessages`` finds them and each report prints in the
reader's language; a ministry's own texts print as written.

``parse_layout`` is the one validator: every problem of a file is collected and given in one
:class:`LayoutRefused`, naming the file and where in it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from rogatory.lib.validators import InputRefused, text_problem

from .tables import TABLES

BUILT_IN_DIR = Path(__file__).resolve().parent
# The largest layout file read: a layout is a page of text, not data.
MAX_BYTES = 64 * 1024
LAYOUT_KEYS = {"title", "description", "charts", "sections"}
SECTION_KEYS = {"heading", "notes", "tables"}
TABLE_KEYS = {"table", "columns", "top", "hide_empty", "total"}


class LayoutRefused(InputRefused):
    """A layout file that cannot be used; ``message`` lists every problem found."""


@dataclass(frozen=True)
class TableChoice:
    table: str
    # Column indexes kept (None: all).
    columns: tuple[int, ...] | None = None
    top: int | None = None
    hide_empty: bool = False
    total: bool = True


@dataclass(frozen=True)
class SectionLayout:
    heading: str
    notes: tuple[str, ...] = ()
    tables: tuple[TableChoice, ...] = ()


@dataclass(frozen=True)
class Layout:
    # The file's name without ".toml": the id runs and snapshots record.
    id: str
    title: str
    description: str = ""
    charts: bool = False
    sections: tuple[SectionLayout, ...] = field(default_factory=tuple)
    # The file's text, kept with a snapshot so that what was sent can be re-read.
    source: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "charts": self.charts,
            "sections": [
                {
                    "heading": s.heading,
                    "notes": list(s.notes),
                    "tables": [
                        {
                            "table": t.table,
                            "columns": list(t.columns) if t.columns is not None else None,
                            "top": t.top,
                            "hide_empty": t.hide_empty,
                            "total": t.total,
                        }
                        for t in s.tables
                    ],
                }
                for s in self.sections
            ],
        }


def _text(value: Any, where: str, problems: list[str], *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(_("%(where)s must be a text.") % {"where": where})
        return ""
    problem = text_problem(value)
    if problem:
        problems.append(f"{where}: {problem}")
    return value.strip()


def _unknown(data: dict[str, Any], allowed: set[str], where: str, problems: list[str]) -> None:
    for key in sorted(set(data) - allowed):
        problems.append(
            _("%(where)s: unknown key “%(key)s” (allowed: %(allowed)s).")
            % {"where": where, "key": key, "allowed": ", ".join(sorted(allowed))}
        )


def _table(value: Any, where: str, problems: list[str]) -> TableChoice | None:
    if isinstance(value, str):
        value = {"table": value}
    if not isinstance(value, dict):
        problems.append(_("%(where)s must be a table id or a table.") % {"where": where})
        return None
    _unknown(value, TABLE_KEYS, where, problems)
    table_id = value.get("table")
    spec = TABLES.get(table_id) if isinstance(table_id, str) else None
    if spec is None:
        problems.append(
            _("%(where)s: unknown table “%(table)s” (known: %(known)s).")
            % {"where": where, "table": table_id, "known": ", ".join(sorted(TABLES))}
        )
        return None
    columns = value.get("columns")
    kept: tuple[int, ...] | None = None
    if columns is not None:
        if (
            not isinstance(columns, list)
            or not columns
            or not all(isinstance(c, int) and not isinstance(c, bool) for c in columns)
            or any(c < 0 or c >= spec.width for c in columns)
        ):
            problems.append(
                _("%(where)s: columns must be a list of column numbers from 0 to %(last)d.")
                % {"where": where, "last": spec.width - 1}
            )
        else:
            kept = tuple(sorted({0, *columns}))
    top = value.get("top")
    if top is not None and (not isinstance(top, int) or isinstance(top, bool) or top < 1):
        problems.append(_("%(where)s: top must be a whole number from 1.") % {"where": where})
        top = None
    flags = {}
    for key, default in (("hide_empty", False), ("total", True)):
        flag = value.get(key, default)
        if not isinstance(flag, bool):
            problems.append(
                _("%(where)s: %(key)s must be true or false.") % {"where": where, "key": key}
            )
            flag = default
        flags[key] = flag
    return TableChoice(str(table_id), kept, top, flags["hide_empty"], flags["total"])


def parse_layout(text: str, layout_id: str, *, source: str = "") -> Layout:
    """The layout in ``text`` (TOML), or :class:`LayoutRefused` listing every problem."""
    name = source or f"{layout_id}.toml"
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise LayoutRefused(
            _("%(file)s: a layout file may hold at most %(kb)d KB.")
            % {"file": name, "kb": MAX_BYTES // 1024}
        )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise LayoutRefused(
            _("%(file)s is not valid TOML: %(error)s") % {"file": name, "error": error}
        ) from None
    problems: list[str] = []
    _unknown(data, LAYOUT_KEYS, _("the layout"), problems)
    title = _text(data.get("title"), "title", problems)
    description = _text(data.get("description"), "description", problems, required=False)
    charts = data.get("charts", False)
    if not isinstance(charts, bool):
        problems.append(_("charts must be true or false."))
        charts = False
    raw_sections = data.get("sections")
    sections: list[SectionLayout] = []
    if not isinstance(raw_sections, list) or not raw_sections:
        problems.append(_("A layout needs at least one [[sections]]."))
        raw_sections = []
    for i, raw in enumerate(raw_sections, start=1):
        where = _("section %(number)d") % {"number": i}
        if not isinstance(raw, dict):
            problems.append(_("%(where)s must be a table.") % {"where": where})
            continue
        _unknown(raw, SECTION_KEYS, where, problems)
        heading = _text(raw.get("heading"), f"{where}: heading", problems)
        notes_raw = raw.get("notes", [])
        if not isinstance(notes_raw, list):
            problems.append(_("%(where)s: notes must be a list of texts.") % {"where": where})
            notes_raw = []
        notes = tuple(
            _text(n, f"{where}: note {j}", problems) for j, n in enumerate(notes_raw, start=1)
        )
        tables_raw = raw.get("tables", [])
        if not isinstance(tables_raw, list):
            problems.append(_("%(where)s: tables must be a list.") % {"where": where})
            tables_raw = []
        if not tables_raw and not notes:
            problems.append(_("%(where)s has neither tables nor notes.") % {"where": where})
        choices = [
            _table(t, f"{where}, {_('table')} {j}", problems)
            for j, t in enumerate(tables_raw, start=1)
        ]
        sections.append(SectionLayout(heading, notes, tuple(c for c in choices if c)))
    if problems:
        raise LayoutRefused(f"{name}: " + " ".join(problems))
    return Layout(layout_id, title, description, charts, tuple(sections), text)


def layouts_dir() -> Path:
    return Path(
        getattr(settings, "STATISTICS_REPORT_LAYOUTS_DIR", settings.DATA_DIR / "report-layouts")
    )


def _files() -> dict[str, Path]:
    """Layout files by id: the shipped ones, replaced or joined by the ministry's."""
    files = {path.stem: path for path in sorted(BUILT_IN_DIR.glob("*.toml"))}
    folder = layouts_dir()
    if folder.is_dir():
        for path in sorted(folder.glob("*.toml")):
            if path.stem.replace("_", "").replace("-", "").isalnum():
                files[path.stem] = path
    return files


def _read(layout_id: str, path: Path) -> Layout:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise LayoutRefused(
                _("%(file)s: a layout file may hold at most %(kb)d KB.")
                % {"file": path.name, "kb": MAX_BYTES // 1024}
            )
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LayoutRefused(
            _("%(file)s cannot be read: %(error)s") % {"file": path.name, "error": error}
        ) from None
    return parse_layout(text, layout_id, source=path.name)


def available_layouts() -> tuple[list[Layout], list[LayoutRefused]]:
    """Every layout that loads, and the problems of those that do not (shown, never raised)."""
    layouts, refused = [], []
    for layout_id, path in _files().items():
        try:
            layouts.append(_read(layout_id, path))
        except LayoutRefused as problem:
            refused.append(problem)
    return layouts, refused


def get_layout(layout_id: str) -> Layout:
    """One layout by id; :class:`LayoutRefused` when it is unknown or broken."""
    path = _files().get(layout_id)
    if path is None:
        raise LayoutRefused(_("There is no report layout “%(id)s”.") % {"id": layout_id})
    return _read(layout_id, path)
