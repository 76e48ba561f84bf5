"""The case-management dashboard: its figures on hand-built data, access, charts, query count.

Requests are registered through the real action, then dated and moved to the wanted status
directly (test setup only). The figures are checked through ``stats`` with a fixed day and
period, and the page through the client with dates relative to today.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, Personas, make_user
from rogatory.accounts.models import Role, User
from rogatory.cases import stats
from rogatory.cases.choices import (
    Confidentiality,
    Direction,
    MeasureStatus,
    MeasureType,
    RefusalGround,
    Status,
)
from rogatory.cases.models import Case, Measure
from rogatory.cases.tests.conftest import MakeCase

TODAY = datetime.date(2025, 6, 15)
YEAR = stats.Period.calendar_year(2025)
URL = "/cases/dashboard/"
POSTGRES = connection.vendor == "postgresql"


def put(case: Case, **fields: Any) -> Case:
    """Set fields directly, bypassing the lifecycle (test setup only)."""
    Case.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    return case


def login(client: Client, user: User) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


def visible(user: User) -> Any:
    return Case.objects.for_user(user)


# --- Percentiles -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [
        ([], 0.5, None),
        ([7], 0.5, 7.0),
        ([7], 0.9, 7.0),
        ([1, 2, 3, 4], 0.5, 2.5),
        ([1, 2, 3, 4], 0.9, 3.7),
        ([10, 20, 30, 40, 50], 0.5, 30.0),
        ([10, 20, 30, 40, 50], 0.9, 46.0),
        ([0, 0, 0, 100], 0.9, 70.0),
        ([3, 5], 0.0, 3.0),
        ([3, 5], 1.0, 5.0),
    ],
)
def test_percentile_cont_interpolates_like_postgresql(
    values: list[int], fraction: float, expected: float | None
) -> None:
    result = stats.percentile_cont(values, fraction)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected)


def test_percentile_fraction_must_be_a_fraction() -> None:
    with pytest.raises(ValueError):
        stats.PercentileCont("id", 1.5)


def test_period_last_12_months_and_year() -> None:
    period = stats.Period.last_12_months(TODAY)
    assert (period.start, period.end, period.year) == (datetime.date(2024, 7, 1), TODAY, None)
    assert len(period.months()) == 12
    assert period.months()[0] == datetime.date(2024, 7, 1)
    assert period.months()[-1] == datetime.date(2025, 6, 1)
    january = stats.Period.last_12_months(datetime.date(2025, 1, 31))
    assert january.start == datetime.date(2024, 2, 1)
    assert YEAR.start == datetime.date(2025, 1, 1) and YEAR.end == datetime.date(2025, 12, 31)
    assert len(YEAR.months()) == 12


def executed(make_case: MakeCase, direction: str, kind: str, start: str, end: str) -> Case:
    case = make_case(direction, kind=kind)
    start_field = "received_on" if direction == Direction.INCOMING else "sent_on"
    return put(
        case,
        status=Status.EXECUTED,
        executed_on=datetime.date.fromisoformat(end),
        **{start_field: datetime.date.fromisoformat(start)},
    )


@pytest.fixture
def executed_cases(make_case: MakeCase, personas: Personas) -> None:
    # Mutual legal assistance, incoming: 10, 20, 30 and 40 days.
    for end in ("2025-02-11", "2025-02-21", "2025-03-03", "2025-03-13"):
        executed(make_case, Direction.INCOMING, "mla", "2025-02-01", end)
    # Extradition, outgoing (sent to execution): 5 days; closed since, it still counts.
    case = executed(make_case, Direction.OUTGOING, "extradition", "2025-04-01", "2025-04-06")
    put(case, status=Status.CLOSED, closed_on=datetime.date(2025, 4, 10))
    # Executed the year before: outside the period.
    executed(make_case, Direction.INCOMING, "mla", "2024-01-01", "2024-12-31")
    # Executed in the period but by another authority.
    other = make_case(authority=personas.authority_b)
    put(other, status=Status.EXECUTED, executed_on=datetime.date(2025, 3, 1))
    # An outgoing request executed without a sending date is left out (no start).
    case = executed(make_case, Direction.OUTGOING, "mla", "2025-01-01", "2025-05-01")
    put(case, sent_on=None)


@pytest.mark.parametrize("in_database", [False, True], ids=["python", "database"])
def test_execution_times_exact(executed_cases: None, personas: Personas, in_database: bool) -> None:
    if in_database and not POSTGRES:
        pytest.skip("percentile_cont is PostgreSQL's")
    times = stats.execution_times(visible(personas.supervisor), YEAR, in_database=in_database)
    assert times.overall.count == 5
    # All together: 5, 10, 20, 30, 40.
    assert times.overall.median == pytest.approx(20.0)
    assert times.overall.p90 == pytest.approx(36.0)
    by_kind = {d.key: d for d in times.by_kind}
    assert [d.key for d in times.by_kind] == ["mla", "extradition"]
    assert (by_kind["mla"].count, by_kind["mla"].median, by_kind["mla"].p90) == (
        4,
        pytest.approx(25.0),
        pytest.approx(37.0),
    )
    assert (by_kind["extradition"].median, by_kind["extradition"].p90) == (5.0, 5.0)


def test_execution_times_default_engine_matches(executed_cases: None, personas: Personas) -> None:
    """Whichever way the backend computes by default, the answer is the same."""
    default = stats.execution_times(visible(personas.supervisor), YEAR)
    python = stats.execution_times(visible(personas.supervisor), YEAR, in_database=False)
    assert default == python


def test_execution_times_empty(personas: Personas) -> None:
    times = stats.execution_times(visible(personas.supervisor), YEAR)
    assert times.overall.count == 0
    assert times.overall.median is None and times.overall.p90 is None
    assert times.by_kind == []


def test_days_between_counts_whole_days_across_months_and_years(
    make_case: MakeCase, personas: Personas
) -> None:
    executed(make_case, Direction.INCOMING, "mla", "2024-12-31", "2025-03-01")  # 60 days
    days = list(
        visible(personas.supervisor).values_list(stats.DAYS_TO_EXECUTION, flat=True).order_by()
    )
    assert days == [60]


# --- Workload and overdue --------------------------------------------------------------------


@pytest.fixture
def second_officer(personas: Personas) -> User:
    return make_user("zoe_a", Role.OFFICER, personas.authority_a)


@pytest.fixture
def workload_cases(
    make_case: MakeCase, personas: Personas, second_officer: User
) -> dict[str, Case]:
    late = TODAY - datetime.timedelta(days=3)
    later = TODAY + datetime.timedelta(days=30)
    cases = {
        "a_late": put(make_case(), deadline=late - datetime.timedelta(days=20)),
        "a_ok": put(make_case(), deadline=later),
        "a_no_deadline": put(make_case(), deadline=None),
        "zoe_late_strict": put(
            make_case(officer=second_officer),
            deadline=late,
            confidentiality=Confidentiality.STRICT,
        ),
        "nobody_late": put(make_case(), officer=None, deadline=late),
        # Final statuses are not workload, however old their deadline.
        "a_executed": put(make_case(), status=Status.EXECUTED, deadline=late),
        "a_draft": put(make_case(Direction.OUTGOING), deadline=late),
        # Another authority's.
        "b_late": put(make_case(authority=personas.authority_b), deadline=late),
    }
    return cases


def test_workload_per_officer(
    workload_cases: dict[str, Case], personas: Personas, second_officer: User
) -> None:
    idle = make_user("idle_a", Role.OFFICER, personas.authority_a)
    load = stats.workload(visible(personas.supervisor), TODAY, officers=[idle])
    rows = [(r.username, r.open, r.overdue) for r in load.rows]
    assert rows == [("officer_a", 3, 1), ("zoe_a", 1, 1), ("idle_a", 0, 0), ("", 1, 1)]
    assert load.rows[-1].unassigned
    assert load.rows[0].name == "Officer Tester"
    assert (load.open, load.overdue) == (5, 3)


def test_strictly_confidential_requests_not_counted_for_another_officer(
    workload_cases: dict[str, Case], personas: Personas
) -> None:
    load = stats.workload(visible(personas.officer), TODAY)
    assert [(r.username, r.open, r.overdue) for r in load.rows] == [
        ("officer_a", 3, 1),
        ("", 1, 1),
    ]
    assert stats.overdue(visible(personas.officer), TODAY).requests == 2


def test_overdue_requests_and_measures(workload_cases: dict[str, Case], personas: Personas) -> None:
    late = TODAY - datetime.timedelta(days=1)
    measures = {
        "open_late": workload_cases["a_ok"].measures.get(),
        "open_future": workload_cases["a_late"].measures.get(),
        "executed_late": workload_cases["nobody_late"].measures.get(),
        "of_final_case": workload_cases["a_executed"].measures.get(),
        "other_authority": workload_cases["b_late"].measures.get(),
    }
    Measure.objects.filter(pk=measures["open_late"].pk).update(deadline=late)
    Measure.objects.filter(pk=measures["open_future"].pk).update(
        deadline=TODAY, status=MeasureStatus.IN_EXECUTION
    )
    Measure.objects.filter(pk=measures["executed_late"].pk).update(
        deadline=late, status=MeasureStatus.EXECUTED
    )
    Measure.objects.filter(pk=measures["of_final_case"].pk).update(deadline=late)
    Measure.objects.filter(pk=measures["other_authority"].pk).update(deadline=late)
    # A second late measure on a strictly confidential request.
    Measure.objects.create(
        case=workload_cases["zoe_late_strict"], kind=MeasureType.FREEZING, deadline=late
    )

    result = stats.overdue(visible(personas.supervisor), TODAY)
    assert result.requests == 3
    assert result.measures == 2
    assert [c.pk for c in result.most_overdue] == [
        workload_cases["a_late"].pk,
        *sorted([workload_cases["zoe_late_strict"].pk, workload_cases["nobody_late"].pk]),
    ]
    for_officer = stats.overdue(visible(personas.officer), TODAY)
    assert (for_officer.requests, for_officer.measures) == (2, 1)


def test_most_overdue_keeps_ten(make_case: MakeCase, personas: Personas) -> None:
    for days in range(12):
        put(make_case(), deadline=TODAY - datetime.timedelta(days=days + 1))
    worst = stats.overdue(visible(personas.supervisor), TODAY).most_overdue
    assert len(worst) == stats.MOST_OVERDUE
    assert worst[0].deadline == TODAY - datetime.timedelta(days=12)
    deadlines = [c.deadline for c in worst if c.deadline is not None]
    assert len(deadlines) == len(worst) and deadlines == sorted(deadlines)


# --- What came in and went out in the period -------------------------------------------------


def started(make_case: MakeCase, direction: str, on: str, **fields: Any) -> Case:
    case = make_case(direction, **fields)
    day = datetime.date.fromisoformat(on)
    if direction == Direction.INCOMING:
        return put(case, received_on=day)
    return put(case, sent_on=day, status=Status.SENT)


@pytest.fixture
def flow_cases(make_case: MakeCase, personas: Personas) -> None:
    started(make_case, Direction.INCOMING, "2025-01-10")  # from Kenya
    started(make_case, Direction.INCOMING, "2025-01-20")  # from Kenya
    started(make_case, Direction.INCOMING, "2025-03-05", requesting_state_id="DE")
    started(make_case, Direction.OUTGOING, "2025-03-06", requested_state_id="DE")
    started(make_case, Direction.OUTGOING, "2025-03-07", kind="extradition")  # to Kenya
    started(make_case, Direction.OUTGOING, "2025-12-31", requested_state_id="US")
    # Outside the period, never sent, or another authority's: not counted.
    started(make_case, Direction.INCOMING, "2024-12-31")
    make_case(Direction.OUTGOING, requested_state_id="US")
    started(make_case, Direction.INCOMING, "2025-02-01", authority=personas.authority_b)


def test_by_counterpart_state(flow_cases: None, personas: Personas) -> None:
    rows = stats.by_counterpart_state(visible(personas.supervisor), YEAR)
    assert [(r.key, r.label, r.incoming, r.outgoing) for r in rows] == [
        ("KE", "Kenya", 2, 1),
        ("DE", "Germany", 1, 1),
        ("US", "United States of America", 0, 1),
    ]


def test_by_counterpart_state_sums_the_others(flow_cases: None, personas: Personas) -> None:
    rows = stats.by_counterpart_state(visible(personas.supervisor), YEAR, top=1)
    assert [(r.key, r.incoming, r.outgoing) for r in rows] == [("KE", 2, 1), ("", 1, 2)]
    assert rows[-1].label == "Other states (2)"


def test_by_kind(flow_cases: None, personas: Personas) -> None:
    rows = {
        r.key: (r.incoming, r.outgoing) for r in stats.by_kind(visible(personas.supervisor), YEAR)
    }
    assert rows["mla"] == (3, 2)
    assert rows["extradition"] == (0, 1)
    assert rows["asset_recovery"] == (0, 0)
    assert len(rows) == 6


def test_by_month(flow_cases: None, personas: Personas) -> None:
    rows = stats.by_month(visible(personas.supervisor), YEAR)
    assert len(rows) == 12
    counts = {r.month.month: (r.incoming, r.outgoing) for r in rows if r.total}
    assert counts == {1: (2, 0), 3: (1, 2), 12: (0, 1)}


def test_direction_filter_narrows_everything(flow_cases: None, personas: Personas) -> None:
    incoming = visible(personas.supervisor).filter(direction=Direction.INCOMING)
    rows = stats.by_counterpart_state(incoming, YEAR)
    assert [(r.key, r.incoming, r.outgoing) for r in rows] == [("KE", 2, 0), ("DE", 1, 0)]


def test_refusals_by_ground(make_case: MakeCase, personas: Personas) -> None:
    dual = RefusalGround.NO_DUAL_CRIMINALITY
    refused = started(make_case, Direction.INCOMING, "2025-02-01")
    put(refused, status=Status.REFUSED, refusal_ground=dual)
    refused_closed = started(make_case, Direction.INCOMING, "2025-02-02")
    put(refused_closed, status=Status.CLOSED, refusal_ground=dual)
    out = started(make_case, Direction.OUTGOING, "2025-02-03")
    put(out, status=Status.REFUSED, refusal_ground=RefusalGround.POLITICAL_OFFENCE)
    # Closed after execution (no ground), refused the year before, another authority's.
    put(started(make_case, Direction.INCOMING, "2025-02-04"), status=Status.CLOSED)
    old = started(make_case, Direction.INCOMING, "2024-02-04")
    put(old, status=Status.REFUSED, refusal_ground=dual)
    theirs = started(make_case, Direction.INCOMING, "2025-02-04", authority=personas.authority_b)
    put(theirs, status=Status.REFUSED, refusal_ground=dual)

    rows = stats.refusals_by_ground(visible(personas.supervisor), YEAR)
    assert [(r.key, r.incoming, r.outgoing) for r in rows] == [
        ("no_dual_criminality", 2, 0),
        ("political_offence", 0, 1),
    ]
    assert rows[0].label == str(dual.label)


# --- The page --------------------------------------------------------------------------------


def test_anonymous_redirected_to_login(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_url_name() -> None:
    assert reverse("case_dashboard") == URL


@pytest.mark.parametrize("who", ["supervisor", "officer", "authority_admin"])
def test_members_see_the_dashboard(client: Client, personas: Personas, who: str) -> None:
    response = login(client, getattr(personas, who)).get(URL)
    assert response.status_code == 200
    assert response.templates[0].name == "cases/dashboard.html"


def test_site_admin_gets_a_notice(client: Client, personas: Personas) -> None:
    response = login(client, personas.site_admin).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="dashboard-no-authority"' in html
    assert "<svg" not in html


def _summary(html: str, name: str) -> str:
    match = re.search(rf'data-testid="{name}">([^<]*)<', html)
    assert match, name
    return match.group(1)


@pytest.fixture
def page_cases(make_case: MakeCase, personas: Personas) -> dict[str, Case]:
    today = timezone.localdate()
    late = today - datetime.timedelta(days=2)
    case = put(make_case(), deadline=late, received_on=today)
    refused = put(
        make_case(),
        received_on=today,
        status=Status.REFUSED,
        refusal_ground=RefusalGround.LAPSE_OF_TIME,
    )
    done = put(
        make_case(kind="extradition"),
        received_on=today - datetime.timedelta(days=12),
        executed_on=today,
        status=Status.EXECUTED,
    )
    strict = put(
        make_case(officer=personas.officer),
        deadline=late,
        confidentiality=Confidentiality.STRICT,
    )
    theirs = put(make_case(authority=personas.authority_b), deadline=late, received_on=today)
    return {"late": case, "refused": refused, "done": done, "strict": strict, "theirs": theirs}


def test_page_shows_charts_tables_and_links(
    client: Client, personas: Personas, page_cases: dict[str, Case]
) -> None:
    html = login(client, personas.supervisor).get(URL).content.decode()
    for chart in ("workload", "states", "kinds", "times", "refusals", "months"):
        assert f'id="chart-{chart}"' in html, chart
    assert html.count('role="img"') == 6
    assert html.count('class="list chart-table"') == 7  # six chart tables and the times table
    assert 'data-testid="execution-times"' in html
    assert _summary(html, "total-open") == "2"
    assert _summary(html, "total-overdue") == "2"
    assert _summary(html, "total-started") == "4"
    assert _summary(html, "total-refused") == "1"
    # The data tables lead to the case list.
    assert 'href="/cases/?officer=officer_a&amp;status=open"' in html
    assert 'href="/cases/?officer=officer_a&amp;overdue=1"' in html
    assert 'href="/cases/?state=KE"' in html
    assert 'href="/cases/?kind=mla&amp;direction=incoming"' in html
    assert 'href="/cases/?overdue=1"' in html
    assert 'href="/cases/?status=refused"' in html
    # The most overdue requests, with links to them.
    assert page_cases["late"].get_absolute_url() in html
    assert page_cases["theirs"].get_absolute_url() not in html
    assert "Lapse of time (limitation)" in html
    # The median time for the extradition request: 12 days.
    times = html[html.index('data-testid="execution-times"') :]
    assert re.search(r"<th scope=\"row\">Extradition</th><td>1</td><td>12</td><td>12</td>", times)


def test_another_authority_never_counted(
    client: Client, personas: Personas, page_cases: dict[str, Case]
) -> None:
    html = login(client, personas.outsider).get(URL).content.decode()
    assert _summary(html, "total-open") == "1"
    assert _summary(html, "total-overdue") == "1"
    assert page_cases["late"].get_absolute_url() not in html
    assert page_cases["theirs"].get_absolute_url() in html


def test_strict_request_hidden_from_another_officer(
    client: Client, personas: Personas, page_cases: dict[str, Case]
) -> None:
    other = make_user("zoe_a", Role.OFFICER, personas.authority_a)
    put(page_cases["strict"], officer=other)
    html = login(client, personas.officer).get(URL).content.decode()
    assert _summary(html, "total-open") == "1"
    assert page_cases["strict"].get_absolute_url() not in html
    html = login(Client(), personas.supervisor).get(URL).content.decode()
    assert _summary(html, "total-open") == "2"
    assert page_cases["strict"].get_absolute_url() in html


def test_filters_by_year_and_direction(
    client: Client, personas: Personas, page_cases: dict[str, Case]
) -> None:
    login(client, personas.supervisor)
    last_year = timezone.localdate().year - 1
    html = client.get(URL, {"year": last_year}).content.decode()
    assert _summary(html, "total-started") == "0"
    assert f'<option value="{last_year}" selected>' in html
    html = client.get(URL, {"direction": "outgoing"}).content.decode()
    assert _summary(html, "total-open") == "0"
    assert 'href="/cases/?officer=officer_a&amp;status=open&amp;direction=outgoing"' in html
    # Nonsense is ignored.
    response = client.get(URL, {"year": "abc", "direction": "sideways"})
    assert response.status_code == 200
    assert _summary(response.content.decode(), "total-started") == "4"
    assert client.get(URL, {"year": "99999"}).status_code == 200


def test_arabic_mirrors_the_charts(
    client: Client, personas: Personas, page_cases: dict[str, Case]
) -> None:
    login(client, personas.supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    html = client.get(URL).content.decode()
    assert 'dir="rtl"' in html
    assert html.count('direction="rtl"') == 6


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_query_count_does_not_grow(
    client: Client, personas: Personas, make_case: MakeCase, django_assert_max_num_queries: Any
) -> None:
    login(client, personas.supervisor)
    today = timezone.localdate()
    make_case(deadline=today - datetime.timedelta(days=1))
    few = _queries(client)
    for n in range(6):
        officer = make_user(f"officer{n}_a", Role.OFFICER, personas.authority_a)
        for state in ("DE", "US", "IT"):
            case = make_case(officer=officer, requesting_state_id=state, kind="extradition")
            put(
                case,
                deadline=today - datetime.timedelta(days=n + 1),
                status=Status.EXECUTED if n % 2 else Status.IN_EXECUTION,
                executed_on=today if n % 2 else None,
            )
        refused = make_case(Direction.OUTGOING, requested_state_id="IT")
        put(
            refused,
            sent_on=today,
            status=Status.REFUSED,
            refusal_ground=RefusalGround.OTHER,
        )
    assert _queries(client) == few
    with django_assert_max_num_queries(16):
        client.get(URL)


def test_the_period_selector_says_which_dates_it_covers(client: Client, personas: Personas) -> None:
    from rogatory.cases.stats import Period
    from rogatory.cases.views.common import today

    client.force_login(personas.officer)
    page = client.get(URL).content.decode()
    rolling = Period.last_12_months(today())
    selector = page.split('data-testid="dashboard-period"', 1)[1].split("</option>", 1)[0]
    assert str(rolling.start.year) in selector and str(rolling.end.day) in selector
