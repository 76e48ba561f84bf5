"""The statistics page and its exports: access, the period form, content, query count."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from openpyxl import load_workbook

from conftest import PASSWORD, Personas
from rogatory.accounts.models import User
from rogatory.cases.choices import Channel, Direction, Status
from rogatory.cases.models import Case
from rogatory.cases.tests.conftest import MakeCase
from rogatory.statistics import facts

URL = "/statistics/"


def login(client: Client, user: User) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def requests_of_both(make_case: MakeCase, personas: Personas) -> None:
    """A's: two received last month (one through the exchange); B's: one, from another state."""
    day = timezone.localdate() - datetime.timedelta(days=30)
    for channel in (Channel.CENTRAL_AUTHORITIES, Channel.ELECTRONIC_EXCHANGE):
        case = make_case(Direction.INCOMING, channel=channel)
        Case.objects.filter(pk=case.pk).update(received_on=day)
    other = make_case(Direction.INCOMING, authority=personas.authority_b, kind="extradition")
    Case.objects.filter(pk=other.pk).update(received_on=day, status=Status.RECEIVED)


def test_anonymous_is_sent_to_log_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_members_see_their_own_authority_only(
    client: Client, personas: Personas, requests_of_both: None
) -> None:
    """A's supervisor counts A's two requests; B's officer only B's extradition request."""
    page = login(client, personas.supervisor).get(URL).content.decode()
    assert "Statistics of Central Authority of A" in page
    assert 'data-testid="table-kinds"' in page
    assert "Unit: the request." in page
    client.logout()
    response = login(client, personas.outsider).get(URL, {"preset": "last_12_months"})
    assert response.status_code == 200
    kinds = {t.key: t for t in response.context["stats"].tables}["kinds"]
    assert kinds.total == ["All", 1, 0, 1]
    assert {row[0]: row[1] for row in kinds.rows}["Extradition"] == 1


def test_users_of_no_authority_are_refused(client: Client, personas: Personas) -> None:
    assert login(client, personas.site_admin).get(URL).status_code == 403


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"preset": "dates", "start": "2025-05-01", "end": "2025-04-01"}, "cannot end before"),
        ({"preset": "dates", "start": "2025-05-01"}, "Give both dates"),
        ({"start": "not a date", "end": "2025-04-01"}, "Enter a valid date"),
        ({"preset": "dates", "start": "1900-01-01", "end": "2099-12-31"}, "hundred years"),
        ({"preset": "next_century"}, "Select a valid choice"),
    ],
)
def test_bad_periods_get_a_clear_error_never_a_500(
    client: Client, personas: Personas, params: dict[str, str], error: str
) -> None:
    login(client, personas.officer)
    response = client.get(URL, params)
    assert response.status_code == 200
    assert error in response.content.decode()
    export = client.get("/statistics/export.csv", params)
    assert export.status_code == 400
    assert error in export.content.decode()


def test_presets_and_dates_choose_the_period(client: Client, personas: Personas) -> None:
    login(client, personas.officer)
    today = timezone.localdate()
    last_year = client.get(URL, {"preset": "last_year"}).context["stats"].period
    assert (last_year.start, last_year.end) == (
        datetime.date(today.year - 1, 1, 1),
        datetime.date(today.year - 1, 12, 31),
    )
    this_year = client.get(URL, {"preset": "this_year"}).context["stats"].period
    assert (this_year.start, this_year.end) == (datetime.date(today.year, 1, 1), today)
    dates = client.get(URL, {"start": "2024-03-01", "end": "2024-03-31"}).context["stats"]
    assert (dates.period.start, dates.period.end) == (
        datetime.date(2024, 3, 1),
        datetime.date(2024, 3, 31),
    )


def test_csv_export_holds_every_table_with_its_rule(
    client: Client, personas: Personas, requests_of_both: None
) -> None:
    response = login(client, personas.supervisor).get(
        "/statistics/export.csv", {"preset": "last_12_months"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        'attachment; filename="statistics-aa-central-'
    )
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    titles = [lines[i + 1][0] for i, line in enumerate(lines[:-1]) if line == []]
    assert "Requests by kind" in titles and "Completeness of the records" in titles
    rules = [line for line in lines if line and line[0] == "Counting rule"]
    assert len(rules) == len(titles)
    channels = lines.index(["Requests by channel"])
    rows = {line[0]: line[1:] for line in lines[channels + 3 : channels + 8]}
    assert rows["Between central authorities"] == ["1", "0", "1"]
    assert rows["Secure electronic exchange"] == ["1", "0", "1"]


def test_xlsx_export_has_a_sheet_per_table_and_the_rules(
    client: Client, personas: Personas, requests_of_both: None
) -> None:
    response = login(client, personas.supervisor).get("/statistics/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Counting rules"
    assert {"kinds", "durations", "backlog", "clearance", "completeness"} <= set(book.sheetnames)
    kinds = [[c.value for c in row if c.value is not None] for row in book["kinds"].iter_rows()]
    assert kinds[0] == ["Requests by kind"]
    assert kinds[1][0] == "Counting rule" and kinds[1][1].startswith("Unit: the request.")
    assert kinds[-1] == ["All", 2, 0, 2]
    rules = [
        [c.value for c in row if c.value is not None] for row in book["Counting rules"].iter_rows()
    ]
    assert ["Requests by kind", kinds[1][1]] in rules


def test_page_query_count_does_not_depend_on_the_period(
    client: Client,
    personas: Personas,
    requests_of_both: None,
    django_assert_max_num_queries: Any,
) -> None:
    login(client, personas.supervisor)
    facts.refresh()  # the months the fixture's records marked, counted once (decision 0046)
    for params in (
        {"start": "2025-03-01", "end": "2025-03-02"},
        {"start": "1990-01-01", "end": "2080-12-31"},
    ):
        with django_assert_max_num_queries(36):
            assert client.get(URL, params).status_code == 200


def test_the_case_list_links_to_the_statistics(client: Client, personas: Personas) -> None:
    page = login(client, personas.officer).get("/cases/").content.decode()
    assert 'href="/statistics/"' in page


def test_the_page_draws_charts_beside_their_tables(
    client: Client, personas: Personas, requests_of_both: None
) -> None:
    """The trend, the states, the times, the backlog and the refusals each have a chart."""
    page = login(client, personas.supervisor).get(URL).content.decode()
    for key in ("months", "states", "disposition_bands", "backlog", "refusals"):
        assert f'data-testid="chart-{key}"' in page
        assert f'id="chart-{key}" role="img" aria-labelledby="chart-{key}-title"' in page
    assert 'data-testid="chart-kinds"' not in page
    # The trend comes first, its table right after its chart.
    assert page.index('data-testid="table-months"') < page.index('data-testid="table-kinds"')
    months = page[page.index('data-testid="chart-months"') :]
    assert months.index("</figure>") < months.index('<table class="list">')
    assert 'direction="ltr"' in page


def test_the_charts_are_mirrored_in_arabic(
    client: Client, personas: Personas, requests_of_both: None
) -> None:
    login(client, personas.supervisor)
    with translation.override("ar"):
        page = client.get(URL, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    chart = page[page.index('<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg') :]
    assert 'id="chart-months"' in chart[: chart.index(">")]
    assert chart[: chart.index(">")].endswith('direction="rtl" font-size="12"')


def test_exports_carry_the_monthly_and_band_tables(
    client: Client, personas: Personas, requests_of_both: None
) -> None:
    response = login(client, personas.supervisor).get("/statistics/export.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert {"months", "disposition_bands"} <= set(book.sheetnames)
    months = [[c.value for c in row if c.value is not None] for row in book["months"].iter_rows()]
    assert months[0] == ["Requests by month"]
    assert months[-1] == ["All", 2, 0, 2]
