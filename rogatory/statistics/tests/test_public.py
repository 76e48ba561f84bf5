"""The public statistics page: who decides, what anyone sees, what nobody sees."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD, Personas
from rogatory.accounts.models import User
from rogatory.audit.models import AuditEntry
from rogatory.cases.choices import Confidentiality, Direction
from rogatory.cases.models import Case
from rogatory.cases.tests.conftest import MakeCase
from rogatory.lib.validators import InputRefused
from rogatory.statistics import figures
from rogatory.statistics.actions import do_set_public_statistics
from rogatory.statistics.models import PublicStatistics
from rogatory.statistics.reports.document import suppressed_table, suppressed_tables

SETTINGS = "/statistics/publication/"
PAGE = "/statistics/public/aa-central/"


def login(client: Client, user: User) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


def publish(personas: Personas, *tables: str, since: datetime.date | None = None) -> None:
    do_set_public_statistics(
        personas.authority_a,
        tables=list(tables),
        published_from=since or timezone.localdate(),
        acting_user=personas.supervisor,
    )


@pytest.fixture
def four_from_kenya(make_case: MakeCase, personas: Personas) -> None:
    """A received four MLA requests from Kenya last month (one strictly confidential), and one
    extradition request; its subject must never reach the public page."""
    day = timezone.localdate() - datetime.timedelta(days=30)
    for _ in range(3):
        make_case(Direction.INCOMING)
    make_case(Direction.INCOMING, confidentiality=Confidentiality.STRICT)
    make_case(Direction.INCOMING, kind="extradition", subject="Extradition of Mr Secret")
    Case.objects.update(received_on=day)


# --- Deciding --------------------------------------------------------------------------------


def test_a_supervisor_chooses_and_the_choice_is_audited(client: Client, personas: Personas) -> None:
    response = login(client, personas.supervisor).post(
        SETTINGS,
        {"tables": ["kinds", "sdmx"], "published_from": "2026-01-01"},
    )
    assert response.status_code == 302
    choice = PublicStatistics.objects.get(authority=personas.authority_a)
    assert choice.tables == ["kinds", "sdmx"]
    assert choice.published_from == datetime.date(2026, 1, 1)
    assert choice.decided_by == personas.supervisor
    entry = AuditEntry.objects.get(action="statistics.public_changed")
    assert entry.authority_id == personas.authority_a.pk
    assert entry.details["tables"] == ["kinds", "sdmx"]


def test_another_authority_cannot_change_your_choices(client: Client, personas: Personas) -> None:
    """B's administrator's choice is B's; A's stays as A decided."""
    publish(personas, "kinds")
    response = login(client, personas.outsider_admin).post(
        SETTINGS, {"tables": ["states"], "published_from": "2026-01-01"}
    )
    assert response.status_code == 302
    assert PublicStatistics.objects.get(authority=personas.authority_a).tables == ["kinds"]
    assert PublicStatistics.objects.get(authority=personas.authority_b).tables == ["states"]


@pytest.mark.parametrize("who", ["officer", "site_admin"])
def test_officers_and_site_administrators_do_not_decide(
    client: Client, personas: Personas, who: str
) -> None:
    user = getattr(personas, who)
    assert login(client, user).get(SETTINGS).status_code == 403
    response = client.post(SETTINGS, {"tables": ["kinds"], "published_from": "2026-01-01"})
    assert response.status_code == 403
    assert not PublicStatistics.objects.exists()


def test_anonymous_is_sent_to_log_in(client: Client, db: None) -> None:
    assert client.get(SETTINGS).status_code == 302


@pytest.mark.parametrize(
    "data",
    [
        {"tables": ["casework"], "published_from": "2026-01-01"},
        {"tables": ["kinds"], "published_from": "not a date"},
        {"tables": ["kinds"], "published_from": "9999-12-31"},
        {"tables": ["kinds"]},
    ],
)
def test_bad_settings_are_refused_on_the_form(
    client: Client, personas: Personas, data: dict[str, Any]
) -> None:
    response = login(client, personas.authority_admin).post(SETTINGS, data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not PublicStatistics.objects.exists()


def test_the_action_refuses_tables_that_cannot_be_published(personas: Personas) -> None:
    with pytest.raises(InputRefused):
        publish(personas, "completeness")


def test_the_settings_page_shows_the_form_and_the_public_link(
    client: Client, personas: Personas
) -> None:
    publish(personas, "kinds")
    page = login(client, personas.supervisor).get(SETTINGS).content.decode()
    assert 'data-testid="public-statistics-form"' in page
    assert PAGE in page


# --- Reading ---------------------------------------------------------------------------------


def test_an_authority_that_publishes_nothing_is_404(client: Client, personas: Personas) -> None:
    assert client.get(PAGE).status_code == 404
    publish(personas)
    assert client.get(PAGE).status_code == 404
    assert client.get("/statistics/public/no-such-authority/").status_code == 404


def test_a_page_published_from_a_later_day_is_404_until_then(
    client: Client, personas: Personas
) -> None:
    publish(personas, "kinds", since=timezone.localdate() + datetime.timedelta(days=1))
    assert client.get(PAGE).status_code == 404


def test_anonymous_readers_see_only_the_chosen_tables(
    client: Client, personas: Personas, four_from_kenya: None
) -> None:
    """Kinds and states only; three MLA counted (not the confidential one), the single
    extradition request withheld, and no casework anywhere."""
    publish(personas, "kinds", "states")
    response = client.get(PAGE, {"preset": "last_12_months"})
    assert response.status_code == 200
    page = response.content.decode()
    keys = [item["table"].key for item in response.context["tables"]]
    assert keys == ["kinds", "states"]
    assert 'data-testid="public-table-regions"' not in page
    assert 'data-testid="public-table-durations"' not in page
    assert "Unit: the request." in page
    kinds = response.context["tables"][0]["table"]
    by_kind = {row[0]: row[1:] for row in kinds.rows}
    # One extradition request received: withheld, and so is the 3 beside it in the column
    # (the total, 4, would give it back); nothing else is touched.
    assert by_kind["Extradition"] == ["x", 0, "x"]
    assert by_kind["Mutual legal assistance"] == ["x", 0, "x"]
    assert kinds.total == ["All", 4, 0, 4]
    assert '<td><span dir="ltr">x</span></td>' in page
    assert "Mr Secret" not in page
    assert "Laundering" not in page
    assert 'data-testid="public-statistics-sdmx"' not in page


def test_the_public_downloads(client: Client, personas: Personas, four_from_kenya: None) -> None:
    publish(personas, "kinds", "sdmx")
    response = client.get(PAGE + "statistics.csv", {"preset": "last_12_months"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Requests by kind" in text and "Counting rule" in text
    assert "Mutual legal assistance,x,0,x" in text  # the total 4 would give the 1 back
    assert "Extradition,x,0,x" in text
    sdmx = client.get(PAGE + "statistics.sdmx.csv", {"preset": "last_12_months"})
    assert sdmx.status_code == 200
    lines = sdmx.content.decode().splitlines()
    assert lines[0].startswith("STRUCTURE,STRUCTURE_ID,ACTION,FREQ,REPORTING_STATE")
    assert any(",FRA,KEN,IN,MLA,_T,PENDING," in line and ",3,REQ" in line for line in lines)
    assert any(",EXTRADITION,_T," in line and line.endswith(",,REQ,C") for line in lines)


def test_the_sdmx_data_set_is_404_unless_chosen(
    client: Client, personas: Personas, four_from_kenya: None
) -> None:
    publish(personas, "kinds")
    assert client.get(PAGE + "statistics.sdmx.csv").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"preset": "dates", "start": "2025-12-31", "end": "2025-01-01"},
        {"preset": "nonsense"},
        {"start": "not a date", "end": "\x00"},
        {"preset": "dates", "start": "0001-01-01", "end": "9999-12-31"},
    ],
)
def test_bad_parameters_are_never_a_500(client: Client, personas: Personas, query: Any) -> None:
    """The page falls back to the last 12 months (a NUL is refused earlier, by the site's
    middleware, with a 400); downloads answer 400."""
    publish(personas, "kinds", "sdmx")
    assert client.get(PAGE, query).status_code in (200, 400)
    assert client.get(PAGE + "statistics.csv", query).status_code == 400
    assert client.get(PAGE + "statistics.sdmx.csv", query).status_code == 400


def test_queries_do_not_grow_with_the_period(
    client: Client, django_assert_max_num_queries: Any, personas: Personas, four_from_kenya: None
) -> None:
    publish(personas, *[value for value in ("kinds", "states", "regions", "iccs_codes")])
    for query in (
        {"preset": "dates", "start": "2025-01-01", "end": "2025-01-01"},
        {"preset": "dates", "start": "1950-01-01", "end": "2049-12-31"},
    ):
        with django_assert_max_num_queries(12):
            assert client.get(PAGE, query).status_code == 200


# --- Small cells -----------------------------------------------------------------------------


def test_suppression_withholds_small_counts_and_whatever_would_give_them_back() -> None:
    table = figures.Table(
        "kinds",
        "Requests by kind",
        "rule",
        ["Kind", "Received (incoming)", "Sent (outgoing)", "Total"],
        [["MLA", 5, 2, 7], ["Extradition", 4, 0, 4]],
        ["All", 9, 2, 11],
    )
    withheld = suppressed_table(table, 3)
    assert withheld.total is not None
    grid = [*withheld.rows, withheld.total]
    # The small counts (2 sent for MLA, and so 2 in all) are withheld ...
    assert grid[0][2] == "x" and grid[2][2] == "x"
    # ... and no row or column that adds up to a published total withholds one cell alone.
    for row in grid:
        assert sum(cell == "x" for cell in row[1:]) != 1
    for column in range(1, 4):
        assert sum(row[column] == "x" for row in grid) != 1
    assert table.rows[0] == ["MLA", 5, 2, 7]


@pytest.mark.django_db
def test_states_regions_and_sub_regions_are_suppressed_together() -> None:
    """France's 1 in Western Europe: alone, the states table shows Germany's 30, and the
    sub-region's 31 then gives France's count away; published together, Germany's goes too,
    and Kenya, alone in its sub-region, takes that sub-region's (and region's) cell with it."""
    columns = ["Received (incoming)", "Sent (outgoing)", "Total"]
    states = figures.Table(
        "states",
        "By state",
        "rule",
        ["Other state", "M49 sub-region", *columns],
        [
            ["Germany", "Western Europe", 30, 40, 70],
            ["Kenya", "Sub-Saharan Africa", 20, 5, 25],
            ["France", "Western Europe", 1, 10, 11],
        ],
        ["All", "", 51, 55, 106],
    )
    subregions = figures.Table(
        "subregions",
        "By sub-region",
        "rule",
        ["M49 sub-region", *columns],
        [["Sub-Saharan Africa", 20, 5, 25], ["Western Europe", 31, 50, 81]],
        ["All", 51, 55, 106],
    )
    regions = figures.Table(
        "regions",
        "By region",
        "rule",
        ["M49 region", *columns],
        [["Africa", 20, 5, 25], ["Europe", 31, 50, 81]],
        ["All", 51, 55, 106],
    )
    alone = suppressed_table(states, 3)
    assert alone.rows[2][2] == "x" and alone.rows[0][2] == 30
    together = suppressed_tables([states, subregions, regions], 3)
    assert together[0].rows[2][2] == "x" and together[0].rows[0][2] == "x"
    assert together[1].rows[0][1] == "x"  # Sub-Saharan Africa: Kenya's alone
    assert together[2].rows[0][1] == "x"  # Africa: the same number
    assert [t.rows for t in together] != [t.rows for t in (states, subregions, regions)]


@pytest.mark.parametrize(("who", "shown"), [("supervisor", True), ("officer", False)])
def test_the_links_for_the_statistics_page(personas: Personas, who: str, shown: bool) -> None:
    """The include offers SDMX to every member, the publication settings to those who decide."""
    html = render_to_string(
        "statistics/_sdmx_links.html",
        {"user": getattr(personas, who), "query": "preset=last_year"},
    )
    assert "/statistics/export.sdmx.csv?preset=last_year" in html
    assert "/statistics/sdmx/structure.xml" in html
    assert (SETTINGS in html) is shown
