"""The case pages: registration, work on a case, lists and exports, as each role sees them."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from conftest import Personas
from rogatory.audit.models import AuditEntry
from rogatory.cases.actions import do_add_offence, do_transition
from rogatory.cases.choices import Direction, MeasureStatus, Status
from rogatory.cases.models import Case, CaseEvent, Measure

from .conftest import MakeCase

pytestmark = pytest.mark.django_db


def logged_in(client: Client, user: object) -> Client:
    client.force_login(user)  # type: ignore[arg-type]
    return client


def register_post(**overrides: str) -> dict[str, str]:
    data = {
        "counterpart": "KE",
        "kind": "mla",
        "subject": "Bribery of a public official",
        "summary_of_facts": "Cash paid to a customs officer.",
        "purpose": "Obtain the bank records of the company.",
        "urgency": "normal",
        "confidentiality": "standard",
        "received_on": "2026-11-02",
    }
    return data | overrides


def test_officer_registers_an_incoming_request(client: Client, personas: Personas) -> None:
    logged_in(client, personas.officer)
    response = client.post(reverse("case_register", args=["incoming"]), register_post())
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    assert case.status == Status.RECEIVED
    assert case.requesting_state_id == "KE" and case.requested_state_id == "FR"
    assert case.officer == personas.officer
    assert case.deadline is not None  # computed from the working calendar
    assert AuditEntry.objects.filter(action="case.registered", object_ref=str(case.public_id))
    page = client.get(case.get_absolute_url())
    assert "Bribery of a public official" in page.content.decode()


def test_invalid_registration_keeps_input_and_saves_nothing(
    client: Client, personas: Personas
) -> None:
    logged_in(client, personas.officer)
    response = client.post(
        reverse("case_register", args=["incoming"]),
        register_post(counterpart="FR", subject="Kept subject", deadline="2026-01-01"),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "The other state cannot be your own state." in body
    assert "Kept subject" in body
    assert not Case.objects.exists()


def test_supervisor_cannot_write(client: Client, personas: Personas, make_case: MakeCase) -> None:
    case = make_case()
    logged_in(client, personas.supervisor)
    assert client.get(case.get_absolute_url()).status_code == 200
    assert (
        client.post(reverse("case_register", args=["incoming"]), register_post()).status_code == 403
    )
    response = client.post(
        reverse("case_transition", args=[case.public_id]), {"action": "acknowledge"}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_outsider_gets_404_everywhere(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    case = make_case()
    measure = case.measures.get()
    logged_in(client, personas.outsider)
    assert client.get(case.get_absolute_url()).status_code == 404
    assert client.get(reverse("case_edit", args=[case.public_id])).status_code == 404
    for url in (
        reverse("case_transition", args=[case.public_id]),
        reverse("case_measure_status", args=[case.public_id, measure.public_id]),
        reverse("case_measure_add", args=[case.public_id]),
    ):
        assert (
            client.post(url, {"action": "acknowledge", "status": "in_execution"}).status_code == 404
        )
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    listed = client.get(reverse("case_list"))
    assert case.our_reference not in listed.content.decode()


def test_transitions_through_the_page(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    case = make_case()
    measure = case.measures.get()
    logged_in(client, personas.officer)
    url = reverse("case_transition", args=[case.public_id])
    for action in ("acknowledge", "review", "execute_start"):
        assert client.post(url, {"action": action}).status_code == 302
    status_url = reverse("case_measure_status", args=[case.public_id, measure.public_id])
    assert client.post(status_url, {"status": MeasureStatus.IN_EXECUTION}).status_code == 302
    assert client.post(status_url, {"status": MeasureStatus.EXECUTED}).status_code == 302
    assert client.post(url, {"action": "execute"}).status_code == 302
    case.refresh_from_db()
    assert case.status == Status.EXECUTED and case.executed_on is not None
    statuses = list(CaseEvent.objects.filter(case=case).values_list("to_status", flat=True))
    assert Status.EXECUTED in statuses


def test_refused_transition_explains_and_keeps_the_reason(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    case = make_case()
    logged_in(client, personas.officer)
    response = client.post(
        reverse("case_transition", args=[case.public_id]),
        {"action": "refuse", "ground": "essential_interests", "reason": "My careful reasoning"},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "cannot move" in body or "Consult" in body
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_measure_move_refused_without_reason(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    case = make_case()
    measure = case.measures.get()
    logged_in(client, personas.officer)
    response = client.post(
        reverse("case_measure_status", args=[case.public_id, measure.public_id]),
        {"status": MeasureStatus.POSTPONED, "reason": ""},
    )
    assert response.status_code == 409
    assert "State the reason" in response.content.decode()
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.REQUESTED


def test_add_measure_offence_person_link_follow_up(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    case = make_case()
    other = make_case(Direction.OUTGOING, our_reference="OUT-X-1")
    logged_in(client, personas.officer)
    base = case.public_id
    assert (
        client.post(
            reverse("case_measure_add", args=[base]),
            {"kind": "search_and_seizure", "description": "Offices", "deadline": "2027-01-15"},
        ).status_code
        == 302
    )
    assert client.post(
        reverse("case_offence_add", args=[base]),
        {"national_name": "Corruption", "national_provision": "art. 432-11", "iccs": "0703"},
    ).status_code in (302, 400)
    assert (
        client.post(
            reverse("case_person_add", args=[base]),
            {"role": "suspect", "name": "Jean Dupont", "nationality": "FR"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("case_link", args=[base]), {"reference": "OUT-X-1", "kind": "related"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("case_follow_up_add", args=[base]),
            {"direction": "from_counterpart", "asked_on": "2026-11-10", "question": "Progress?"},
        ).status_code
        == 302
    )
    assert case.measures.count() == 2
    assert case.persons.get().name == "Jean Dupont"
    assert case.links_out.get().target == other
    assert case.follow_ups.count() == 1
    case.refresh_from_db()
    assert "jean dupont" in case.search_text
    follow_up = case.follow_ups.get()
    assert (
        client.post(
            reverse("case_follow_up_answer", args=[base, follow_up.public_id]),
            {"answered_on": "2026-11-12", "answer": "In execution."},
        ).status_code
        == 302
    )
    # A reference of another authority is not found, and nothing is linked.
    response = client.post(
        reverse("case_link", args=[base]), {"reference": "NOPE-1", "kind": "related"}
    )
    assert response.status_code == 409
    assert case.links_out.count() == 1


def test_edit_records_the_difference(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    case = make_case()
    logged_in(client, personas.officer)
    page = client.get(reverse("case_edit", args=[case.public_id]))
    assert page.status_code == 200
    data = register_post(subject="A better subject", our_reference=case.our_reference)
    response = client.post(reverse("case_edit", args=[case.public_id]), data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.subject == "A better subject"
    entry = AuditEntry.objects.filter(action="case.updated").first()
    assert entry is not None and "subject" in entry.details["changes"]


def _list(client: Client, **params: str) -> str:
    return client.get(reverse("case_list"), params).content.decode()


def test_list_filters(client: Client, personas: Personas, make_case: MakeCase) -> None:
    incoming = make_case(subject="Cocaïne shipment", our_reference="IN-A")
    outgoing = make_case(Direction.OUTGOING, subject="Laundering", our_reference="OUT-B")
    late = make_case(
        subject="Old request", our_reference="IN-LATE", deadline=datetime.date(2020, 1, 1)
    )
    do_add_offence(incoming, national_name="Trafic", acting_user=personas.officer)
    do_transition(incoming, "acknowledge", acting_user=personas.officer)
    logged_in(client, personas.officer)
    assert "IN-A" in _list(client) and "OUT-B" in _list(client)
    only_out = _list(client, direction="outgoing")
    assert "OUT-B" in only_out and "IN-A" not in only_out
    acknowledged = _list(client, status="acknowledged")
    assert "IN-A" in acknowledged and "IN-LATE" not in acknowledged
    assert "IN-A" in _list(client, q="cocaine")  # accents folded
    assert "IN-A" not in _list(client, q="laundering")
    overdue = _list(client, overdue="1")
    assert "IN-LATE" in overdue and "IN-A" not in overdue
    assert "IN-LATE" in _list(client, officer=personas.officer.username)
    assert "IN-LATE" not in _list(client, officer="none")
    assert "IN-A" in _list(client, state="KE")
    assert "IN-A" not in _list(client, state="DE")
    # Malformed filters are ignored rather than failing.
    assert (
        client.get(
            reverse("case_list"), {"page": "x", "page_size": "9999", "iccs": "drop"}
        ).status_code
        == 200
    )
    partial = client.get(reverse("case_list"), {"q": "old"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and "IN-LATE" in partial.content.decode()
    assert outgoing and late


def test_list_filters_by_iccs_section_and_code(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    from rogatory.reference.models import IccsCategory

    section, _new = IccsCategory.objects.get_or_create(
        code="07", defaults={"level": 1, "title": "Acts involving fraud, deception or corruption"}
    )
    IccsCategory.objects.get_or_create(
        code="0703", defaults={"level": 2, "parent": section, "title": "Corruption"}
    )
    code: str = "0703"
    case = make_case(our_reference="IN-ICCS")
    make_case(our_reference="IN-OTHER")
    do_add_offence(
        case,
        national_name="Offence",
        iccs=IccsCategory.objects.get(pk=code),
        acting_user=personas.officer,
    )
    logged_in(client, personas.officer)
    listed = _list(client, iccs=code[:2])
    assert "IN-ICCS" in listed and "IN-OTHER" not in listed
    assert "IN-ICCS" in _list(client, iccs=code)


def test_list_query_count_does_not_grow_with_page_size(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    for number in range(30):
        make_case(our_reference=f"IN-Q-{number:03d}")
    logged_in(client, personas.officer)
    counts = []
    for size in ("25", "100"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("case_list"), {"page_size": size})
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_exports(client: Client, personas: Personas, make_case: MakeCase) -> None:
    make_case(subject='=HYPERLINK("http://evil")', our_reference="IN-CSV")
    make_case(Direction.OUTGOING, our_reference="OUT-CSV")
    make_case(authority=personas.authority_b, our_reference="B-SECRET")
    logged_in(client, personas.officer)
    response = client.get(reverse("case_export", args=["csv"]), {"direction": "incoming"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    references = [row[0] for row in rows[1:]]
    assert references == ["IN-CSV"]
    assert rows[1][6].startswith("'=")  # not a formula any more
    workbook_response = client.get(reverse("case_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(workbook_response.content)).active
    values = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(values) == ["IN-CSV", "OUT-CSV"]
    assert "B-SECRET" not in values
    assert AuditEntry.objects.filter(action="cases.exported").count() == 2
    assert client.get(reverse("case_export", args=["pdf"])).status_code == 404


def test_strictly_confidential_request_hidden_from_other_officer(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    case = make_case(confidentiality="strict", officer=personas.authority_admin)
    logged_in(client, personas.officer)
    assert client.get(case.get_absolute_url()).status_code == 404
    logged_in(client, personas.supervisor)
    assert client.get(case.get_absolute_url()).status_code == 200


def test_settings_and_holidays(client: Client, personas: Personas) -> None:
    logged_in(client, personas.officer)
    assert client.get(reverse("case_settings")).status_code == 200
    assert client.post(reverse("case_settings"), {"weekend": ["4", "5"]}).status_code == 403
    logged_in(client, personas.authority_admin)
    data = {
        "weekend": ["4", "5"],
        "acknowledge_within": "3",
        "execute_within": "40",
        "answer_follow_up_within": "10",
        "remind_before": "5",
    }
    assert client.post(reverse("case_settings"), data).status_code == 302
    everything_off = data | {"weekend": [str(d) for d in range(7)]}
    assert client.post(reverse("case_settings"), everything_off).status_code == 400
    from rogatory.cases.models import CaseSettings, Holiday

    assert CaseSettings.objects.get(authority=personas.authority_a).weekend == [4, 5]
    assert (
        client.post(reverse("case_holiday_add"), {"day": "2026-12-25", "name": "Noël"}).status_code
        == 302
    )
    holiday = Holiday.objects.get()
    logged_in(client, personas.outsider_admin)
    assert client.post(reverse("case_holiday_remove", args=[holiday.pk])).status_code == 404
    logged_in(client, personas.authority_admin)
    assert client.post(reverse("case_holiday_remove", args=[holiday.pk])).status_code == 302
    assert not Holiday.objects.exists()


def test_overdue_page(client: Client, personas: Personas, make_case: MakeCase) -> None:
    late = make_case(our_reference="IN-LATE", deadline=datetime.date(2020, 1, 1))
    Measure.objects.filter(case=late).update(deadline=datetime.date(2020, 2, 1))
    make_case(our_reference="IN-FINE", deadline=datetime.date(2100, 1, 1))
    logged_in(client, personas.supervisor)
    body = client.get(reverse("case_overdue")).content.decode()
    assert "IN-LATE" in body and "IN-FINE" not in body


def test_list_count_is_capped(
    client: Client, personas: Personas, make_case: MakeCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rogatory.cases import queries

    monkeypatch.setattr(queries.CappedPaginator, "cap", 3)
    for number in range(5):
        make_case(our_reference=f"IN-CAP-{number}")
    logged_in(client, personas.officer)
    assert "More than" in _list(client)
    assert "1 request" in _list(client, q="IN-CAP-1")  # under the cap: exact


def test_list_sorts_by_deadline_and_reference(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    make_case(our_reference="IN-B", deadline=datetime.date(2027, 3, 1))
    make_case(our_reference="IN-A", deadline=datetime.date(2027, 5, 1))
    make_case(our_reference="IN-C", deadline=datetime.date(2027, 1, 1))
    logged_in(client, personas.officer)

    def order(sort: str) -> list[str]:
        body = _list(client, sort=sort)
        return sorted(["IN-A", "IN-B", "IN-C"], key=body.index)

    assert order("deadline") == ["IN-C", "IN-B", "IN-A"]
    assert order("reference") == ["IN-A", "IN-B", "IN-C"]
    assert order("") == ["IN-C", "IN-A", "IN-B"]  # newest first
    assert client.get(reverse("case_list"), {"sort": "drop table"}).status_code == 200


def test_deadline_order_lists_open_requests_before_final_ones(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    """A closed request's deadline calls for nothing: it comes after every open one, however
    early its deadline (the walk-through saw closed requests first)."""
    closed = make_case(our_reference="IN-CLOSED", deadline=datetime.date(2026, 1, 1))
    make_case(our_reference="IN-LATE", deadline=datetime.date(2027, 5, 1))
    make_case(our_reference="IN-SOON", deadline=datetime.date(2027, 1, 1))
    # The database computes the flag the order uses: an UPDATE that bypasses save() keeps it true.
    Case.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    assert Case.objects.get(pk=closed.pk).status_is_final
    logged_in(client, personas.officer)
    body = _list(client, sort="deadline")
    names = ["IN-CLOSED", "IN-LATE", "IN-SOON"]
    assert sorted(names, key=body.index) == ["IN-SOON", "IN-LATE", "IN-CLOSED"]


def test_a_blank_reference_keeps_the_one_the_request_has(
    client: Client, personas: Personas, make_case: MakeCase
) -> None:
    case = make_case(our_reference="IN-KEEP")
    make_case(our_reference="IN-OTHER")
    logged_in(client, personas.officer)
    url = reverse("case_edit", args=[case.public_id])
    assert client.post(url, register_post(our_reference="")).status_code == 302
    case.refresh_from_db()
    assert case.our_reference == "IN-KEEP"
    # Another request's reference is refused, at registration too.
    assert client.post(url, register_post(our_reference="IN-OTHER")).status_code == 400
    new = client.post(
        reverse("case_register", args=["incoming"]), register_post(our_reference="IN-OTHER")
    )
    assert new.status_code == 400


def test_a_search_takes_count_and_page_from_one_pass(
    client: Client, personas: Personas, make_case: MakeCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rogatory.cases import queries

    monkeypatch.setattr(queries.CappedPaginator, "cap", 4)
    for number in range(7):
        make_case(our_reference=f"IN-ONE-{number}", subject=f"Ivanov file{number}x")
    make_case(our_reference="IN-OTHER", subject="Petrov")
    logged_in(client, personas.officer)
    # More matches than the cap: "more than", newest first, the other request left out.
    body = _list(client, q="ivanov")
    assert "More than" in body and "IN-OTHER" not in body
    assert body.index("IN-ONE-6") < body.index("IN-ONE-5")
    few = _list(client, q="ivanov file3x")
    assert "1 request" in few and "IN-ONE-3" in few and "IN-ONE-2" not in few
    # Past the last page: the last page, as for the other lists.
    assert "IN-ONE-6" in _list(client, q="ivanov", page="99")
