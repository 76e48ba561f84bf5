"""Report layouts: the shipped ones load, their texts are translatable, bad files are refused
with every problem named, and a ministry's folder adds or replaces layouts."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.test import override_settings

from conftest import Personas
from rogatory.cases.models import Case
from rogatory.cases.stats import Period
from rogatory.statistics import figures
from rogatory.statistics.reports import layouts
from rogatory.statistics.reports.layouts import LayoutRefused, parse_layout
from rogatory.statistics.reports.tables import TABLES, asset_tables
from rogatory.statistics.reports.texts import MESSAGES

SHIPPED = {"untoc_review", "uncac_iv_v", "annual"}


def test_the_shipped_layouts_load() -> None:
    found, refused = layouts.available_layouts()
    assert refused == []
    assert {layout.id for layout in found} >= SHIPPED
    annual = layouts.get_layout("annual")
    assert annual.charts is True
    assert annual.sections[0].tables[0].table == "kinds"
    untoc = layouts.get_layout("untoc_review")
    states = untoc.sections[1].tables[0]
    assert (states.table, states.top) == ("states", 20)


def test_every_text_of_the_shipped_layouts_is_marked_for_translation() -> None:
    """makemessages cannot read TOML: texts.py must list each title, heading and note."""
    for layout_id in SHIPPED:
        layout = layouts.get_layout(layout_id)
        texts = [layout.title, layout.description]
        for section in layout.sections:
            texts += [section.heading, *section.notes]
        missing = [text for text in texts if text and text not in MESSAGES]
        assert missing == [], layout_id


@pytest.mark.django_db
def test_table_widths_match_the_tables_figures_computes(personas: Personas) -> None:
    """The widths layouts are checked against are those of the real tables."""
    stats = figures.compute(
        Case.objects.for_user(personas.supervisor),
        Period.calendar_year(2025),
        datetime.date(2025, 6, 15),
    )
    tables = {t.key: t for t in stats.tables}
    tables.update(
        (t.key, t)
        for t in asset_tables(
            personas.authority_a, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
        )
    )
    assert set(tables) == set(TABLES)
    for key, spec in TABLES.items():
        assert len(tables[key].columns) == spec.width, key


GOOD = """
title = "Questionnaire of the ministry"
[[sections]]
heading = "Requests"
tables = ["kinds", { table = "states", columns = [2, 3], top = 5, hide_empty = true }]
"""


def test_a_good_layout_parses() -> None:
    layout = parse_layout(GOOD, "ministry")
    choice = layout.sections[0].tables[1]
    # The label column is always kept.
    assert choice.columns == (0, 2, 3)
    assert (choice.top, choice.hide_empty, choice.total) == (5, True, True)
    assert layout.as_json()["sections"][0]["tables"][1]["columns"] == [0, 2, 3]


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("title = ", ["is not valid TOML"]),
        ('title = "T"', ["at least one [[sections]]"]),
        ('title = "T"\nfoo = 1\n[[sections]]\nheading = "H"\ntables = ["kinds"]', ["“foo”"]),
        (
            'title = "T"\n[[sections]]\nheading = "H"\ntables = ["nope", { table = "kinds", '
            'columns = [9] }, { table = "kinds", top = 0 }]',
            ["unknown table “nope”", "from 0 to 3", "top must be"],
        ),
        ('[[sections]]\nheading = ""\ntables = []', ["title must be", "heading must be"]),
        (
            'title = "T"\ncharts = "yes"\n[[sections]]\nheading = "H"\nnotes = "n"',
            ["charts must be", "notes must be a list"],
        ),
    ],
)
def test_a_bad_layout_is_refused_with_every_problem(text: str, problems: list[str]) -> None:
    with pytest.raises(LayoutRefused) as refused:
        parse_layout(text, "bad")
    assert refused.value.message.startswith("bad.toml")
    for problem in problems:
        assert problem in refused.value.message


def test_a_ministry_folder_adds_and_replaces_layouts(tmp_path: Path) -> None:
    (tmp_path / "ministry.toml").write_text(GOOD, "utf-8")
    (tmp_path / "annual.toml").write_text(GOOD.replace("Questionnaire", "Annual"), "utf-8")
    (tmp_path / "broken.toml").write_text("title = 1", "utf-8")
    with override_settings(STATISTICS_REPORT_LAYOUTS_DIR=tmp_path):
        found, refused = layouts.available_layouts()
        by_id = {layout.id: layout for layout in found}
        assert by_id["ministry"].title == "Questionnaire of the ministry"
        assert by_id["annual"].title == "Annual of the ministry"
        assert "untoc_review" in by_id
        assert [p.message.split(":")[0] for p in refused] == ["broken.toml"]
        with pytest.raises(LayoutRefused, match="no report layout"):
            layouts.get_layout("missing")
