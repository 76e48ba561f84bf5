"""Statistics across the hub: consent per authority, only aggregates, sums of the parts."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import Personas
from rogatory.audit.models import AuditEntry
from rogatory.cases.choices import Channel, Direction, Status
from rogatory.cases.models import Case
from rogatory.cases.stats import Period, refresh_disposed_on
from rogatory.cases.tests.conftest import MakeCase
from rogatory.statistics import facts, figures, hub
from rogatory.statistics.actions import (
    ConsentRefused,
    do_give_hub_consent,
    do_revoke_hub_consent,
)
from rogatory.statistics.models import HubConsent
from rogatory.statistics.reports.document import SUPPRESSED
from rogatory.statistics.reports.tables import TABLES

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PERIOD = Period(TODAY - datetime.timedelta(days=200), TODAY)
HUB = reverse("statistics_hub")
CONSENT = reverse("statistics_hub_consent")
HUB_CSV = reverse("statistics_hub_csv")
HUB_XLSX = reverse("statistics_hub_xlsx")
THRESHOLD = 3


def _put(case: Case, **fields: Any) -> Case:
    Case.objects.filter(pk=case.pk).update(**fields)
    refresh_disposed_on(Case.objects.filter(pk=case.pk))
    return case


@pytest.fixture
def casework(make_case: MakeCase, personas: Personas) -> None:
    """Authority A: three requests; authority B (the outsider's): two, one of them refused."""
    day = TODAY - datetime.timedelta(days=30)
    a, b = personas.authority_a, personas.authority_b
    _put(make_case(Direction.INCOMING), received_on=day)
    _put(make_case(Direction.INCOMING, kind="extradition"), received_on=day)
    _put(make_case(Direction.OUTGOING, authority=a), sent_on=day, status=Status.SENT)
    _put(
        make_case(Direction.INCOMING, authority=b, channel=Channel.INTERPOL),
        received_on=day,
        status=Status.REFUSED,
        refusal_ground="no_dual_criminality",
    )
    _put(make_case(Direction.OUTGOING, authority=b), sent_on=day, status=Status.SENT)


def _table(stats: figures.Statistics, key: str) -> figures.Table:
    return next(t for t in stats.tables if t.key == key)


def _ints(stats: figures.Statistics, key: str) -> dict[str, list[int]]:
    """A table's integer cells per row label (text and missing figures left out)."""
    return {
        str(row[0]): [v for v in row[1:] if isinstance(v, int)] for row in _table(stats, key).rows
    }


def test_only_an_authority_administrator_decides_for_his_own_authority(
    personas: Personas,
) -> None:
    """Officers and supervisors cannot give consent; an administrator gives it for his own."""
    for user in (personas.officer, personas.supervisor, personas.site_admin):
        with pytest.raises(ConsentRefused):
            do_give_hub_consent(acting_user=user)
    consent = do_give_hub_consent(acting_user=personas.outsider_admin)
    assert consent.authority_id == personas.authority_b.pk
    assert not HubConsent.objects.filter(authority=personas.authority_a).exists()
    with pytest.raises(ConsentRefused):
        do_give_hub_consent(acting_user=personas.outsider_admin)
    entry = AuditEntry.objects.get(action="statistics.hub_consent_given")
    assert entry.authority_id == personas.authority_b.pk
    assert entry.actor_id == personas.outsider_admin.pk


def test_consent_is_revocable_and_its_history_kept(personas: Personas) -> None:
    given = do_give_hub_consent(acting_user=personas.authority_admin)
    assert [a.pk for a in hub.taking_part()] == [personas.authority_a.pk]
    revoked = do_revoke_hub_consent(acting_user=personas.authority_admin)
    assert revoked.pk == given.pk and revoked.revoked_at is not None
    assert revoked.revoked_by_name == personas.authority_admin.username
    assert hub.taking_part() == []
    with pytest.raises(ConsentRefused):
        do_revoke_hub_consent(acting_user=personas.authority_admin)
    again = do_give_hub_consent(acting_user=personas.authority_admin)
    assert HubConsent.objects.filter(authority=personas.authority_a).count() == 2
    assert list(HubConsent.objects.in_force()) == [again]
    assert AuditEntry.objects.filter(action="statistics.hub_consent_revoked").count() == 1


def test_a_non_consenting_authoritys_requests_are_never_counted(
    casework: None, personas: Personas
) -> None:
    do_give_hub_consent(acting_user=personas.authority_admin)
    stats = hub.compute(hub.taking_part(), PERIOD, TODAY)
    kinds = _ints(stats, "kinds")
    assert _table(stats, "kinds").total == ["All", 2, 1, 3]  # A's three, none of B's
    assert sum(kinds["Mutual legal assistance"]) == 4  # incoming 1, outgoing 1, total 2
    assert _ints(stats, "channels")["INTERPOL"] == [0, 0, 0]
    assert _ints(stats, "refusals") == {}


def test_figures_across_the_hub_are_the_sum_of_each_authoritys(
    casework: None, personas: Personas
) -> None:
    do_give_hub_consent(acting_user=personas.authority_admin)
    do_give_hub_consent(acting_user=personas.outsider_admin)
    together = hub.compute(hub.taking_part(), PERIOD, TODAY)
    parts = [
        figures.compute(Case.objects.filter(authority=authority), PERIOD, TODAY)
        for authority in (personas.authority_a, personas.authority_b)
    ]
    additive = [
        "kinds",
        "states",
        "regions",
        "subregions",
        "legal_basis",
        "iccs_sections",
        "iccs_codes",
        "channels",
        "urgency",
        "measures",
        "refusals",
        "measure_refusals",
        "postponements",
        "backlog",
    ]
    for key in additive:
        summed: dict[str, list[int]] = {}
        for part in parts:
            for label, values in _ints(part, key).items():
                before = summed.get(label) or [0] * len(values)
                summed[label] = [x + y for x, y in zip(before, values, strict=True)]
        assert _ints(together, key) == dict(summed), key
    assert _table(together, "kinds").total == ["All", 3, 2, 5]
    assert _ints(together, "refusals")["Absence of dual criminality (18(9))"][-1] == 1
    assert together.flows[0].started == sum(p.flows[0].started for p in parts)


def test_the_page_shows_figures_to_members_of_authorities_taking_part_only(
    casework: None, personas: Personas, client: Client
) -> None:
    do_give_hub_consent(acting_user=personas.authority_admin)
    client.force_login(personas.outsider)
    page = client.get(HUB).content.decode()
    assert personas.authority_a.name in page  # who takes part is no secret
    assert 'data-testid="table-kinds"' not in page  # but B reads no figures
    client.force_login(personas.supervisor)
    page = client.get(HUB, {"preset": "this_year"}).content.decode()
    assert 'data-testid="table-kinds"' in page
    assert "/cases/" not in page.split('id="main"')[-1].split("</main>")[0]


def test_consent_through_the_page(personas: Personas, client: Client) -> None:
    """Officers get 403; an administrator's decision is for his authority; CSRF enforced."""
    client.force_login(personas.officer)
    assert client.post(CONSENT, {"decision": "give"}).status_code == 403
    client.force_login(personas.outsider_admin)
    response = client.post(CONSENT, {"decision": "give", "authority": personas.authority_a.code})
    assert response.status_code == 302
    assert [a.code for a in hub.taking_part()] == [personas.authority_b.code]
    response = client.post(CONSENT, {"decision": "give"}, follow=True)
    assert "already takes part" in response.content.decode()
    client.post(CONSENT, {"decision": "revoke"})
    assert hub.taking_part() == []
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(personas.outsider_admin)
    assert strict.post(CONSENT, {"decision": "give"}).status_code == 403
    assert not HubConsent.objects.in_force().exists()


def test_hub_page_query_count_does_not_depend_on_the_period(
    casework: None, personas: Personas, client: Client, django_assert_max_num_queries: Any
) -> None:
    do_give_hub_consent(acting_user=personas.authority_admin)
    client.force_login(personas.supervisor)
    # The first page counts the months the records' changes marked (decision 0046): a fixed
    # number of queries for any number of months, and none once they are counted.
    with django_assert_max_num_queries(60):
        client.get(HUB, {"preset": "dates", "start": "2025-01-01", "end": "2025-01-01"})
    counts = []
    for start, end in (
        ("2025-01-01", "2025-01-01"),  # a day: no whole month
        ("2025-01-15", "2026-03-10"),  # whole months, and days at both ends
        ("1950-01-01", "2049-01-01"),  # a century
    ):
        with CaptureQueriesContext(connection) as queries:
            client.get(HUB, {"preset": "dates", "start": start, "end": end})
        counts.append(len(queries))
    # Whole months are read from the summary in one query and the days at the ends counted
    # from the records: a bound for any period, whatever its length (the few lookups of names
    # run only when there are names to look up).
    assert max(counts) <= 32, counts


# --- Small cells and downloads (issue 18) ----------------------------------------------------


@pytest.fixture
def lone_request(make_case: MakeCase, personas: Personas, settings: Any) -> None:
    """A: three incoming MLA requests; B: one incoming extradition request. Both take part."""
    settings.STATISTICS_SUPPRESSION_THRESHOLD = THRESHOLD
    day = TODAY - datetime.timedelta(days=30)
    for _ in range(3):
        _put(make_case(Direction.INCOMING), received_on=day)
    _put(
        make_case(Direction.INCOMING, authority=personas.authority_b, kind="extradition"),
        received_on=day,
    )
    do_give_hub_consent(acting_user=personas.authority_admin)
    do_give_hub_consent(acting_user=personas.outsider_admin)


def _small(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value < THRESHOLD


def _small_counts(tables: list[figures.Table]) -> list[tuple[str, Any]]:
    """Every small count left in the counted columns of ``tables`` (what must be withheld)."""
    found = []
    for table in tables:
        counts = TABLES[table.key].counts
        for row in [*table.rows, *([table.total] if table.total else [])]:
            found += [(table.key, row[i]) for i in counts if i < len(row) and _small(row[i])]
    return found


def _row(rows: list[list[Any]], label: str) -> list[Any]:
    return next(row for row in rows if row and str(row[0]) == label)


def test_small_counts_are_withheld_across_the_hub(lone_request: None, personas: Personas) -> None:
    """B's lone extradition request is a count of 1: withheld, and what reveals it too; the
    medians and ages of the times taken are not counts and stay as they are."""
    raw = hub.compute(hub.taking_part(), PERIOD, TODAY)
    assert _row(_table(raw, "kinds").rows, "Extradition")[1:] == [1, 0, 1]
    assert _small_counts(raw.tables)  # there is something to withhold
    shown = hub.shown(hub.taking_part(), PERIOD, TODAY, THRESHOLD)
    assert _small_counts(shown.tables) == []
    kinds = _table(shown, "kinds")
    assert _row(kinds.rows, "Extradition")[1:] == [SUPPRESSED, 0, SUPPRESSED]
    # The MLA row's incoming count would give the extradition one away from the total.
    assert _row(kinds.rows, "Mutual legal assistance")[1] == SUPPRESSED
    assert kinds.total == ["All", 4, 0, 4]
    before, after = _table(raw, "durations"), _table(shown, "durations")
    counts = TABLES["durations"].counts
    for old, new in zip(before.rows, after.rows, strict=True):
        for i, (v, w) in enumerate(zip(old, new, strict=True)):
            assert w == v or (i in counts and w == SUPPRESSED), (old, new)


def test_the_hub_page_withholds_small_counts_and_says_so(
    lone_request: None, personas: Personas, client: Client
) -> None:
    client.force_login(personas.supervisor)
    response = client.get(HUB)
    page = response.content.decode()
    assert 'data-testid="hub-statistics-suppression"' in page
    assert f"“{SUPPRESSED}”: withheld, a count from 1 to {THRESHOLD - 1}" in page
    kinds = next(t for t in response.context["tables"] if t["table"].key == "kinds")
    assert _row(kinds["rows"], "Extradition")[1:] == [SUPPRESSED, "0", SUPPRESSED]
    assert f'href="{HUB_CSV}"' in page and f'href="{HUB_XLSX}"' in page


def test_hub_downloads_withhold_small_counts(
    lone_request: None, personas: Personas, client: Client
) -> None:
    client.force_login(personas.officer)
    response = client.get(HUB_CSV, {"preset": "this_year"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "statistics-hub-" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert personas.authority_a.name in _row(lines, "Authority")[1]
    assert personas.authority_b.name in _row(lines, "Authority")[1]
    assert _row(lines, "Small counts")[1].startswith(f"{SUPPRESSED}: withheld")
    assert _row(lines, "Extradition")[1:4] == [SUPPRESSED, "0", SUPPRESSED]

    response = client.get(HUB_XLSX, {"preset": "this_year"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    about = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert _row(about, "Small counts")[1].startswith(f"{SUPPRESSED}: withheld")
    kinds = [list(r) for r in book["kinds"].iter_rows(values_only=True)]
    assert _row(kinds, "Extradition")[1:4] == [SUPPRESSED, 0, SUPPRESSED]
    numbers = [
        v for sheet in book.worksheets[1:] for r in sheet.iter_rows(values_only=True) for v in r
    ]
    assert SUPPRESSED in numbers


def test_hub_downloads_are_for_members_of_authorities_taking_part(
    casework: None, personas: Personas, client: Client
) -> None:
    do_give_hub_consent(acting_user=personas.authority_admin)
    for url in (HUB_CSV, HUB_XLSX):
        assert client.get(url).status_code == 302  # to log in
        for user, status in (
            (personas.officer, 200),
            (personas.outsider, 403),  # B does not take part
            (personas.outsider_admin, 403),
            (personas.site_admin, 403),  # of no authority
        ):
            client.force_login(user)
            assert client.get(url).status_code == status, (url, user)
        client.logout()
    # B's figures are not in the download until B agrees.
    client.force_login(personas.officer)
    lines = list(csv.reader(io.StringIO(client.get(HUB_CSV).content.decode())))
    assert personas.authority_b.name not in _row(lines, "Authority")[1]
    do_revoke_hub_consent(acting_user=personas.authority_admin)
    assert client.get(HUB_CSV).status_code == 403


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"preset": "dates", "start": "2025-02-01", "end": "2025-01-01"}, "cannot end before"),
        ({"preset": "dates", "start": "2025-02-01"}, "Give both dates"),
        ({"preset": "dates", "start": "1-1-1", "end": "9999-99-99"}, "date"),
        ({"preset": "next_century"}, "valid choice"),
        ({"start": "0001-01-01", "end": "9999-12-31"}, ""),
    ],
)
def test_a_bad_period_is_a_400_with_its_reason(
    params: dict[str, str], reason: str, personas: Personas, client: Client
) -> None:
    do_give_hub_consent(acting_user=personas.authority_admin)
    client.force_login(personas.supervisor)
    for url in (HUB_CSV, HUB_XLSX):
        response = client.get(url, params)
        assert response.status_code == 400, (url, params)
        assert reason in response.content.decode()
    assert client.get(HUB, params).status_code == 200  # the page falls back, with the errors


def test_hub_download_query_count_does_not_depend_on_the_period(
    casework: None, personas: Personas, client: Client
) -> None:
    do_give_hub_consent(acting_user=personas.authority_admin)
    do_give_hub_consent(acting_user=personas.outsider_admin)
    client.force_login(personas.supervisor)
    facts.refresh()  # the months the fixture's records marked, counted once
    counts = []
    for start, end in (("2025-01-01", "2025-01-01"), ("1950-01-01", "2049-01-01")):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(HUB_CSV, {"preset": "dates", "start": start, "end": end})
        assert response.status_code == 200
        counts.append(len(queries))
    assert max(counts) <= 30, counts
