"""Every figure of the statistics on a small fixed data set, computed by hand below.

Authority A (France), year 2025, figures as of 15 June 2025. Incoming requests come from Kenya
(M49: Africa, Sub-Saharan Africa); outgoing ones go to Kenya or Germany (Europe, Western
Europe). Days are counted from receipt (incoming) or sending (outgoing):

=====  =========  ===========  ====  ====  ===========  ==================================
case   kind       start        ack   exec  disposed     status today
=====  =========  ===========  ====  ====  ===========  ==================================
I1     mla        2025-01-10   10    60    60 (exec.)   executed
I2     mla        2025-02-01   4     —     60 (event)   refused, no dual criminality
I3     mla        2025-03-01   2     —     —            postponed on 2025-04-01 (open, 106)
I4     extrad.    2025-05-01   —     —     —            received (open, 45)
I5     mla        2024-12-20   10    —     —            in execution (open; last year)
O1     mla        2025-01-15   10    30    30 (exec.)   closed 2025-03-01, diplomatic
O2     mla        2025-02-10   —     —     10 (event)   withdrawn
O3     extrad.    2025-04-01   10    —     —            acknowledged (open, 75), INTERPOL
O4     mla        —            —     —     —            draft (never sent: not counted)
U1     mla        —            —     —     —            received without its date
=====  =========  ===========  ====  ====  ===========  ==================================
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from conftest import Personas
from rogatory.cases.choices import (
    Channel,
    Direction,
    EventKind,
    MeasureStatus,
    RefusalGround,
    Status,
    Urgency,
)
from rogatory.cases.models import Case, CaseEvent, Offence
from rogatory.cases.stats import Period, refresh_disposed_on
from rogatory.cases.tests.conftest import MakeCase
from rogatory.statistics import figures
from rogatory.treaties.models import Instrument

TODAY = datetime.date(2025, 6, 15)
YEAR = Period.calendar_year(2025)
D = datetime.date.fromisoformat


def put(case: Case, **fields: Any) -> Case:
    """Set fields directly, bypassing the lifecycle (test setup only); the disposition day
    follows, as ``do_transition`` keeps it."""
    Case.objects.filter(pk=case.pk).update(**fields)
    refresh_disposed_on(Case.objects.filter(pk=case.pk))
    case.refresh_from_db()
    return case


def moved(case: Case, day: str, to_status: str) -> None:
    """A status change in the request's history on ``day`` (test setup only)."""
    CaseEvent.objects.create(
        case=case,
        at=timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T12:00")),
        kind=EventKind.TRANSITION,
        to_status=to_status,
    )
    refresh_disposed_on(Case.objects.filter(pk=case.pk))


@pytest.fixture
def data(make_case: MakeCase, personas: Personas) -> dict[str, Case]:
    untoc = Instrument.objects.get(code="untoc")
    inc, out = Direction.INCOMING, Direction.OUTGOING
    c: dict[str, Case] = {}
    c["I1"] = put(
        make_case(inc),
        received_on=D("2025-01-10"),
        acknowledged_on=D("2025-01-20"),
        executed_on=D("2025-03-11"),
        status=Status.EXECUTED,
        legal_basis=untoc,
    )
    c["I1"].measures.update(status=MeasureStatus.EXECUTED)
    Offence.objects.create(case=c["I1"], national_name="Bribery", iccs_id="070311")
    Offence.objects.create(case=c["I1"], national_name="Laundering", iccs_id="07041")
    c["I2"] = put(
        make_case(inc),
        received_on=D("2025-02-01"),
        acknowledged_on=D("2025-02-05"),
        status=Status.REFUSED,
        refusal_ground=RefusalGround.NO_DUAL_CRIMINALITY,
        legal_basis_note="Reciprocity",
    )
    c["I2"].measures.update(
        status=MeasureStatus.REFUSED, refusal_ground=RefusalGround.NO_DUAL_CRIMINALITY
    )
    Offence.objects.create(case=c["I2"], national_name="Tax evasion")
    moved(c["I2"], "2025-04-02", Status.REFUSED)
    c["I3"] = put(
        make_case(inc),
        received_on=D("2025-03-01"),
        acknowledged_on=D("2025-03-03"),
        status=Status.POSTPONED,
    )
    moved(c["I3"], "2025-04-01", Status.POSTPONED)
    c["I4"] = put(make_case(inc, kind="extradition"), received_on=D("2025-05-01"))
    c["I5"] = put(
        make_case(inc),
        received_on=D("2024-12-20"),
        acknowledged_on=D("2024-12-30"),
        status=Status.IN_EXECUTION,
    )
    moved(c["I5"], "2024-12-31", Status.POSTPONED)  # a postponement of last year
    c["O1"] = put(
        make_case(out, requested_state_id="DE", channel=Channel.DIPLOMATIC),
        status=Status.CLOSED,
        sent_on=D("2025-01-15"),
        acknowledged_on=D("2025-01-25"),
        executed_on=D("2025-02-14"),
        closed_on=D("2025-03-01"),
        legal_basis=untoc,
    )
    c["O1"].measures.update(status=MeasureStatus.EXECUTED)
    Offence.objects.create(case=c["O1"], national_name="Blanchiment", iccs_id="07041")
    c["O2"] = put(make_case(out), status=Status.WITHDRAWN, sent_on=D("2025-02-10"))
    moved(c["O2"], "2025-02-20", Status.WITHDRAWN)
    c["O3"] = put(
        make_case(out, kind="extradition", channel=Channel.INTERPOL, urgency=Urgency.URGENT),
        status=Status.ACKNOWLEDGED,
        sent_on=D("2025-04-01"),
        acknowledged_on=D("2025-04-11"),
    )
    c["O4"] = make_case(out)  # a draft
    c["U1"] = put(make_case(inc), received_on=None)
    # Another authority's request of the period: never counted for A.
    put(make_case(inc, authority=personas.authority_b), received_on=D("2025-02-01"))
    return c


def compute(personas: Personas) -> figures.Statistics:
    return figures.compute(Case.objects.for_user(personas.supervisor), YEAR, TODAY)


def table(stats: figures.Statistics, key: str) -> figures.Table:
    return next(t for t in stats.tables if t.key == key)


def rows(stats: figures.Statistics, key: str) -> dict[str, list[Any]]:
    return {row[0]: row[1:] for row in table(stats, key).rows}


def test_counts_by_kind_state_region_basis_channel_urgency(
    data: dict[str, Case], personas: Personas
) -> None:
    """Requests received or sent in 2025: I1-I4 in, O1-O3 out; I5, O4, U1 and B's are not."""
    stats = compute(personas)
    kinds = rows(stats, "kinds")
    assert kinds["Mutual legal assistance"] == [3, 2, 5]
    assert kinds["Extradition"] == [1, 1, 2]
    assert table(stats, "kinds").total == ["All", 4, 3, 7]
    states = rows(stats, "states")
    assert states == {
        "Kenya": ["Sub-Saharan Africa", 4, 2, 6],
        "Germany": ["Western Europe", 0, 1, 1],
    }
    assert rows(stats, "regions") == {"Africa": [4, 2, 6], "Europe": [0, 1, 1]}
    assert rows(stats, "subregions") == {
        "Sub-Saharan Africa": [4, 2, 6],
        "Western Europe": [0, 1, 1],
    }
    basis = rows(stats, "legal_basis")
    untoc = Instrument.objects.get(code="untoc").short_title
    assert basis == {
        untoc: [1, 1, 2],
        "Other basis (reciprocity, domestic law)": [1, 0, 1],
        "No legal basis recorded": [2, 2, 4],
    }
    channels = rows(stats, "channels")
    assert channels["Between central authorities"] == [4, 1, 5]
    assert channels["Diplomatic channels"] == [0, 1, 1]
    assert channels["INTERPOL"] == [0, 1, 1]
    assert channels["Secure electronic exchange"] == [0, 0, 0]
    urgency = rows(stats, "urgency")
    assert urgency["Normal"] == [4, 2, 6]
    assert urgency["Urgent"] == [0, 1, 1]


def test_iccs_sections_and_codes_count_each_request_once(
    data: dict[str, Case], personas: Personas
) -> None:
    """I1 has two offences in section 07: counted once there, once under each code."""
    stats = compute(personas)
    sections = rows(stats, "iccs_sections")
    assert list(sections.values()) == [[1, 1, 2]]
    assert next(iter(sections)).startswith("07 Acts involving fraud")
    codes = {label.split()[0]: values for label, values in rows(stats, "iccs_codes").items()}
    assert codes == {"070311": [1, 0, 1], "07041": [1, 1, 2]}


def test_measures_sought_executed_refused(data: dict[str, Case], personas: Personas) -> None:
    """One bank-records measure per request: 4 sought of us (1 executed, 1 refused), 3 by us."""
    measures = rows(compute(personas), "measures")
    assert measures == {"Bank and financial records": [4, 1, 1, 3, 1, 0]}


def test_durations_with_open_requests_censored(data: dict[str, Case], personas: Personas) -> None:
    """Kaplan-Meier by hand (at risk n, events d, S = product of (1 - d/n)):

    * in, to acknowledgement: 2, 4, 10 ended, 45 running -> S = .75, .5, .25: median 4.
    * in, to execution: 45 running, 60 ended (of 2 at risk), 106 running; I2 refused: left
      out -> S(60) = .5: median 60.
    * in, to disposition: 45 running, 60 twice ended (of 3), 106 running -> S = 1/3: median 60.
    * out, to acknowledgement: 10 twice (of 2); O2 withdrawn without it -> S = 0: median and
      90th percentile 10.
    * out, to execution: 30 ended (of 2), 75 running; O2 left out: median 30.
    * out, to disposition: 10 (of 3), 30 (of 2), 75 running -> S = 2/3, 1/3: median 30.
    """
    got = {(d.direction, d.measure): d for d in compute(personas).durations}
    inc, out = Direction.INCOMING, Direction.OUTGOING
    expected = {
        # requests, ended, running, left out, median, p90, median age running, oldest
        (inc, "acknowledgement"): (4, 3, 1, 0, 4, None, 45, 45),
        (inc, "execution"): (4, 1, 2, 1, 60, None, 75.5, 106),
        (inc, "disposition"): (4, 2, 2, 0, 60, None, 75.5, 106),
        (out, "acknowledgement"): (3, 2, 0, 1, 10, 10, None, None),
        (out, "execution"): (3, 1, 1, 1, 30, None, 75, 75),
        (out, "disposition"): (3, 2, 1, 0, 30, None, 75, 75),
    }
    for key, values in expected.items():
        d = got[key]
        assert (
            d.requests,
            d.ended,
            d.running,
            d.left_out,
            d.median,
            d.p90,
            d.running_median_age,
            d.oldest_running,
        ) == values, key


def test_refusals_and_postponements_by_ground(data: dict[str, Case], personas: Personas) -> None:
    stats = compute(personas)
    ground = "Absence of dual criminality (18(9))"
    assert rows(stats, "refusals") == {ground: ["UNTOC 18(9)", 1, 0, 1]}
    assert rows(stats, "measure_refusals") == {ground: ["UNTOC 18(9)", 1, 0, 1]}
    # I3 postponed in April 2025; I5's postponement of December 2024 is outside the period.
    postponed = rows(stats, "postponements")
    assert postponed["Postponed by us (received requests)"] == ["UNTOC 18(25)", 1, 1]
    assert postponed["Postponed by the other state (sent requests)"] == ["UNTOC 18(25)", 0, 0]


def test_backlog_clearance_and_disposition_time(data: dict[str, Case], personas: Personas) -> None:
    """Pending on 15 June: I3 (106 days), I4 (45), I5 (177), O3 (75); U1 has no date.

    Disposed in 2025: I1, I2 in; O1, O2 out. Clearance: 2/4 = 50 %, 2/3 = 66.7 %. The period
    observed so far is 1 January to 15 June: 166 days; disposition time 3/2 x 166 = 249 days
    in, 1/2 x 166 = 83 days out.
    """
    stats = compute(personas)
    backlog = rows(stats, "backlog")
    assert backlog["Up to 30 days"] == [0, 0, 0]
    assert backlog["31 to 90 days"] == [1, 1, 2]
    assert backlog["91 to 180 days"] == [2, 0, 2]
    assert backlog["More than a year"] == [0, 0, 0]
    assert table(stats, "backlog").total == ["All", 3, 1, 4]
    flows = {f.direction: f for f in stats.flows}
    incoming, outgoing = flows[Direction.INCOMING], flows[Direction.OUTGOING]
    assert (incoming.started, incoming.disposed, incoming.pending_at_end) == (4, 2, 3)
    assert (incoming.clearance_rate, incoming.disposition_time) == (50.0, 249.0)
    assert (outgoing.started, outgoing.disposed, outgoing.pending_at_end) == (3, 2, 1)
    assert (outgoing.clearance_rate, outgoing.disposition_time) == (66.7, 83.0)


def test_a_past_period_counts_the_backlog_at_its_end(
    data: dict[str, Case], personas: Personas
) -> None:
    """On 31 December 2024 only I5 (received 20 December) was pending: 11 days old."""
    stats = figures.compute(
        Case.objects.for_user(personas.supervisor), Period.calendar_year(2024), TODAY
    )
    assert table(stats, "backlog").total == ["All", 1, 0, 1]
    assert rows(stats, "backlog")["Up to 30 days"] == [1, 0, 1]
    assert rows(stats, "postponements")["Postponed by us (received requests)"][1:] == [1, 1]


def test_completeness_counts_what_figures_lack(data: dict[str, Case], personas: Personas) -> None:
    """Of the 7 requests of 2025: 5 have no ICCS-coded offence (I2's offence is uncoded),
    4 no legal basis; U1 (any period) has no date of receipt."""
    stats = compute(personas)
    gaps = {gap.key: gap.count for gap in stats.gaps}
    assert gaps == {
        "no_start": 1,
        "no_iccs": 5,
        "no_basis": 4,
        "no_ack": 0,
        "no_execution": 0,
        "no_disposal": 0,
        "no_ground": 0,
    }
    put(data["O3"], acknowledged_on=None)
    put(data["I2"], refusal_ground="")
    put(data["O2"], status=Status.CLOSED)  # closed, but no closing date and no such event
    CaseEvent.objects.filter(case=data["O2"]).delete()
    refresh_disposed_on(Case.objects.filter(pk=data["O2"].pk))
    gaps = {gap.key: gap.count for gap in compute(personas).gaps}
    assert (gaps["no_ack"], gaps["no_ground"], gaps["no_disposal"]) == (1, 1, 1)
    assert "completeness report" in figures.shortfall_sentence(compute(personas).gaps)


def test_every_table_states_its_counting_rule(data: dict[str, Case], personas: Personas) -> None:
    for t in compute(personas).tables:
        assert t.rule.startswith("Unit: the "), t.key
        assert t.columns and all(len(row) == len(t.columns) for row in t.rows), t.key


def test_a_strictly_confidential_request_is_not_counted_for_an_officer_who_cannot_see_it(
    data: dict[str, Case], personas: Personas
) -> None:
    put(data["I4"], confidentiality="strict", officer=None)
    supervisor = figures.compute(Case.objects.for_user(personas.supervisor), YEAR, TODAY)
    officer = figures.compute(Case.objects.for_user(personas.officer), YEAR, TODAY)
    assert table(supervisor, "kinds").total == ["All", 4, 3, 7]
    assert table(officer, "kinds").total == ["All", 3, 3, 6]


def test_query_count_does_not_depend_on_the_period(
    data: dict[str, Case], personas: Personas, django_assert_max_num_queries: Any
) -> None:
    cases = Case.objects.for_user(personas.supervisor)
    with django_assert_max_num_queries(25):
        figures.compute(cases, Period(D("2025-03-01"), D("2025-03-31")), TODAY)
    with django_assert_max_num_queries(25):
        figures.compute(cases, Period(D("1990-01-01"), D("2030-12-31")), TODAY)
