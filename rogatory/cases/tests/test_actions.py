"""The case actions: registration, changes, parts of a request, links and status requests.

Every action writes a line of the case's history and an audit entry; a refused action writes
neither and leaves the case as it was.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from conftest import Personas, make_user
from rogatory.accounts.models import Authority, Role, User
from rogatory.audit.models import AuditEntry
from rogatory.cases.actions import (
    do_add_measure,
    do_add_offence,
    do_add_person,
    do_answer_follow_up,
    do_assign_officer,
    do_change_measure_status,
    do_link_cases,
    do_log_follow_up,
    do_register_case,
    do_remove_offence,
    do_remove_person,
    do_set_measure_deadline,
    do_transition,
    do_update_case,
    search_text_for,
)
from rogatory.cases.choices import (
    Direction,
    EventKind,
    FollowUpDirection,
    LinkKind,
    MeasureStatus,
    MeasureType,
    PersonRole,
    RefusalGround,
    Status,
)
from rogatory.cases.lifecycle import TransitionRefused
from rogatory.cases.models import Case, CaseEvent, CaseLink, FollowUp, Measure
from rogatory.cases.tests.conftest import MakeCase
from rogatory.lib.textfold import fold
from rogatory.reference.models import IccsCategory

pytestmark = pytest.mark.django_db

NOON = datetime.time(12, 0, tzinfo=datetime.UTC)


def at(year: int, month: int, day: int) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date(year, month, day), NOON)


def register(
    authority: Authority,
    direction: str = Direction.INCOMING,
    *,
    acting_user: User | None,
    when: datetime.datetime | None = None,
    **fields: Any,
) -> Case:
    other = "KE" if authority.state_id != "KE" else "FR"
    state_field = "requesting_state_id" if direction == Direction.INCOMING else "requested_state_id"
    return do_register_case(
        authority,
        direction=direction,
        fields={"kind": "mla", "subject": "Fraud", state_field: other} | fields,
        acting_user=acting_user,
        at=when or at(2025, 3, 3),
    )


def last_event(case: Case) -> CaseEvent:
    return CaseEvent.objects.filter(case=case).latest("id")


def last_entry() -> AuditEntry:
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert entry is not None
    return entry


# --- Registration --------------------------------------------------------------------------


def test_an_incoming_request_is_registered_as_received(personas: Personas) -> None:
    case = register(personas.authority_a, acting_user=personas.officer, when=at(2025, 3, 3))
    assert case.status == Status.RECEIVED and case.direction == Direction.INCOMING
    assert case.received_on == datetime.date(2025, 3, 3)
    # The requested state is the authority's own; the counterpart is the requesting state.
    assert case.requested_state_id == "FR" and case.requesting_state_id == "KE"
    assert case.counterpart_state_id == "KE"
    assert case.our_reference == "IN-2025-00001"
    assert case.officer == personas.officer
    assert Case.objects.filter(pk=case.pk).values_list("created_at", flat=True).get() == at(
        2025, 3, 3
    )
    event = last_event(case)
    assert event.kind == EventKind.REGISTERED and event.to_status == Status.RECEIVED
    assert event.at == at(2025, 3, 3) and event.actor_name == "officer_a"
    entry = last_entry()
    assert entry.action == "case.registered"
    assert entry.authority_id == personas.authority_a.pk
    assert entry.object_ref == str(case.public_id)
    assert entry.details == {"direction": "incoming", "kind": "mla", "reference": "IN-2025-00001"}


def test_an_outgoing_request_starts_as_a_draft(personas: Personas) -> None:
    case = register(
        personas.authority_a, Direction.OUTGOING, acting_user=personas.officer, when=at(2025, 5, 9)
    )
    assert case.status == Status.DRAFT and case.drafted_on == datetime.date(2025, 5, 9)
    assert case.requesting_state_id == "FR" and case.requested_state_id == "KE"
    assert case.counterpart_state_id == "KE"
    assert case.our_reference == "OUT-2025-00001"
    assert case.received_on is None and case.deadline is None


def test_references_are_numbered_per_authority_direction_and_year(personas: Personas) -> None:
    a, b = personas.authority_a, personas.authority_b
    officer, outsider = personas.officer, personas.outsider
    refs = [
        register(a, acting_user=officer, when=at(2024, 12, 31)).our_reference,
        register(a, acting_user=officer, when=at(2025, 1, 2)).our_reference,
        register(a, acting_user=officer, when=at(2025, 1, 3)).our_reference,
        register(a, Direction.OUTGOING, acting_user=officer, when=at(2025, 1, 3)).our_reference,
        register(b, acting_user=outsider, when=at(2025, 1, 3)).our_reference,
    ]
    assert refs == [
        "IN-2024-00001",
        "IN-2025-00001",
        "IN-2025-00002",
        "OUT-2025-00001",
        "IN-2025-00001",
    ]


def test_a_given_reference_is_kept_and_never_reissued(personas: Personas) -> None:
    a, officer = personas.authority_a, personas.officer
    kept = register(a, acting_user=officer, our_reference="IN-2025-00002")
    assert kept.our_reference == "IN-2025-00002"
    refs = [register(a, acting_user=officer).our_reference for _ in range(3)]
    # Numbering goes on after the references already taken (a gap is fine, a repeat is not).
    assert refs == ["IN-2025-00003", "IN-2025-00004", "IN-2025-00005"]
    assert Case.objects.filter(authority=a).values("our_reference").distinct().count() == 4


@pytest.mark.parametrize(
    ("acting", "expected"),
    [("officer", "officer"), ("authority_admin", "authority_admin"), ("supervisor", None)],
)
def test_the_registering_officer_becomes_responsible(
    acting: str, expected: str | None, personas: Personas
) -> None:
    case = register(personas.authority_a, acting_user=getattr(personas, acting))
    assert case.officer == (getattr(personas, expected) if expected else None)


def test_a_system_registration_has_no_officer(personas: Personas) -> None:
    case = register(personas.authority_a, acting_user=None)
    assert case.officer is None
    assert last_event(case).actor_name == "system" and last_entry().actor_name == "system"


def test_a_named_officer_is_kept(personas: Personas) -> None:
    colleague = make_user("colleague_a", Role.OFFICER, personas.authority_a)
    case = register(personas.authority_a, acting_user=personas.officer, officer=colleague)
    assert case.officer == colleague


@pytest.mark.parametrize("field", ["officer", "officer_id"])
def test_an_officer_of_another_authority_is_refused_and_nothing_is_written(
    field: str, personas: Personas
) -> None:
    officer: dict[str, Any] = {
        field: personas.outsider if field == "officer" else personas.outsider.pk
    }
    entries = AuditEntry.objects.count()
    with pytest.raises(ValueError, match="must be an officer or administrator of the authority"):
        register(personas.authority_a, acting_user=personas.officer, **officer)
    assert not Case.objects.exists() and not CaseEvent.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_registration_refuses_fields_that_are_not_case_fields(personas: Personas) -> None:
    with pytest.raises(ValueError, match="status"):
        register(personas.authority_a, acting_user=personas.officer, status=Status.EXECUTED)
    assert not Case.objects.exists()


def test_registration_creates_the_parts_of_the_request(personas: Personas) -> None:
    case = do_register_case(
        personas.authority_a,
        direction=Direction.INCOMING,
        fields={"kind": "mla", "subject": "Fraud", "requesting_state_id": "KE"},
        acting_user=personas.officer,
        offences=[{"national_name": "Money laundering", "iccs_id": "07041"}],
        persons=[{"role": PersonRole.SUSPECT, "name": "Amina Odhiambo"}],
        measures=[{"kind": MeasureType.BANK_RECORDS}, {"kind": MeasureType.FREEZING}],
    )
    assert case.offences.get().iccs_id == "07041"
    assert case.persons.get().name == "Amina Odhiambo"
    assert [m.kind for m in case.measures.all()] == ["bank_records", "freezing"]
    assert all(m.status == MeasureStatus.REQUESTED for m in case.measures.all())
    assert "amina odhiambo" in case.search_text and "07041" in case.search_text


# --- Changes -------------------------------------------------------------------------------


def test_an_update_returns_and_audits_only_what_changed(
    make_case: MakeCase, personas: Personas
) -> None:
    case = make_case(Direction.INCOMING, their_reference="ODPP/1/2025")
    events, entries = CaseEvent.objects.count(), AuditEntry.objects.count()
    changed = do_update_case(
        case,
        {
            "their_reference": "ODPP/1/2025",  # unchanged
            "subject": "Bribery of a foreign official",
            "requested_deadline": datetime.date(2025, 9, 30),
            "requesting_state_id": "KE",  # unchanged
        },
        acting_user=personas.officer,
    )
    assert changed == ["requested_deadline", "subject"]
    case.refresh_from_db()
    assert case.subject == "Bribery of a foreign official"
    event = last_event(case)
    assert event.kind == EventKind.UPDATED
    assert event.details == {
        "fields": ["requested_deadline", "subject"],
        "changes": {
            "requested_deadline": [None, "2025-09-30"],
            "subject": [
                "Laundering of the proceeds of a bribery scheme",
                "Bribery of a foreign official",
            ],
        },
    }
    entry = last_entry()
    assert entry.action == "case.updated" and entry.authority_id == personas.authority_a.pk
    assert entry.details == {
        "changes": {
            "requested_deadline": [None, "2025-09-30"],
            "subject": [
                "Laundering of the proceeds of a bribery scheme",
                "Bribery of a foreign official",
            ],
        }
    }
    assert (CaseEvent.objects.count(), AuditEntry.objects.count()) == (events + 1, entries + 1)


def test_an_update_that_changes_nothing_writes_nothing(
    make_case: MakeCase, personas: Personas
) -> None:
    case = make_case(Direction.INCOMING)
    events, entries = CaseEvent.objects.count(), AuditEntry.objects.count()
    assert do_update_case(case, {"subject": case.subject}, acting_user=personas.officer) == []
    assert (CaseEvent.objects.count(), AuditEntry.objects.count()) == (events, entries)


def test_an_update_refuses_the_status_and_unknown_fields(
    make_case: MakeCase, personas: Personas
) -> None:
    case = make_case(Direction.INCOMING)
    for changes in ({"status": Status.EXECUTED}, {"authority": personas.authority_b}):
        with pytest.raises(ValueError, match="not case fields"):
            do_update_case(case, changes, acting_user=personas.officer)
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and case.authority == personas.authority_a


def test_changing_the_requesting_state_moves_the_counterpart(
    make_case: MakeCase, personas: Personas
) -> None:
    case = make_case(Direction.INCOMING)
    do_update_case(case, {"requesting_state_id": "BR"}, acting_user=personas.officer)
    case.refresh_from_db()
    assert case.counterpart_state_id == "BR"


@pytest.mark.parametrize("field", ["officer", "officer_id"])
def test_an_update_refuses_an_officer_of_another_authority(
    field: str, make_case: MakeCase, personas: Personas
) -> None:
    case = make_case(Direction.INCOMING)
    value = personas.outsider if field == "officer" else personas.outsider.pk
    entries = AuditEntry.objects.count()
    with pytest.raises(ValueError, match="must be an officer or administrator of the authority"):
        do_update_case(case, {field: value}, acting_user=personas.officer)
    assert Case.objects.get(pk=case.pk).officer == personas.officer
    assert AuditEntry.objects.count() == entries


def test_an_officer_is_assigned_with_a_trace(make_case: MakeCase, personas: Personas) -> None:
    case = make_case(Direction.INCOMING)
    do_assign_officer(case, personas.authority_admin, acting_user=personas.authority_admin)
    assert Case.objects.get(pk=case.pk).officer == personas.authority_admin
    assert last_event(case).kind == EventKind.ASSIGNED
    assert last_event(case).details == {"officer": "admin_a"}
    entry = last_entry()
    assert entry.action == "case.assigned"
    assert entry.details == {
        "officer": [str(personas.officer.pk), str(personas.authority_admin.pk)]
    }
    # The same officer again changes nothing; nobody may be responsible for a while.
    entries = AuditEntry.objects.count()
    do_assign_officer(case, personas.authority_admin, acting_user=personas.authority_admin)
    assert AuditEntry.objects.count() == entries
    do_assign_officer(case, None, acting_user=personas.authority_admin)
    assert Case.objects.get(pk=case.pk).officer is None


@pytest.mark.parametrize("who", ["outsider", "supervisor", "site_admin"])
def test_only_an_officer_of_the_authority_is_made_responsible(
    who: str, make_case: MakeCase, personas: Personas
) -> None:
    case = make_case(Direction.INCOMING)
    entries = AuditEntry.objects.count()
    with pytest.raises(ValueError, match="must be an officer or administrator of the authority"):
        do_assign_officer(case, getattr(personas, who), acting_user=personas.authority_admin)
    assert Case.objects.get(pk=case.pk).officer == personas.officer
    assert AuditEntry.objects.count() == entries


# --- Search text ---------------------------------------------------------------------------


def test_the_search_text_folds_references_names_offences_and_facts(
    make_case: MakeCase, personas: Personas
) -> None:
    case = make_case(
        Direction.INCOMING,
        their_reference="PARQUET/Réf-2025/17",
        subject="Détournement de fonds publics",
        summary_of_facts="Virements vers la Société Générale de Banques au Sénégal.",
        executing_authority="Juge d'instruction de Créteil",
    )
    officer = personas.officer
    do_add_person(
        case,
        {"role": PersonRole.SUSPECT, "name": "José Müller-Çelik", "other_names": "ZOË Ångström"},
        acting_user=officer,
    )
    do_add_offence(
        case,
        national_name="Blanchiment aggravé",
        national_provision="Code pénal, art. 324-2",
        iccs=IccsCategory.objects.get(code="07041"),
        acting_user=officer,
    )
    case.refresh_from_db()
    text = case.search_text
    assert text == search_text_for(case)
    assert text == fold(text)  # already folded: lower case, no accents
    for query in (
        case.our_reference,
        "parquet/ref-2025/17",
        "DETOURNEMENT",
        "societe generale",
        "senegal",
        "creteil",
        "Jose Muller-Celik",
        "zoe angstrom",
        "BLANCHIMENT AGGRAVE",
        "code penal, art. 324-2",
        "07041",
    ):
        assert fold(query) in text, query
    assert Case.objects.filter(search_text__contains=fold("MÜLLER")).get() == case


def test_the_search_text_follows_changes_and_removals(
    make_case: MakeCase, personas: Personas
) -> None:
    officer = personas.officer
    case = make_case(Direction.INCOMING)
    person = do_add_person(
        case, {"role": PersonRole.WITNESS, "name": "Wanjiru"}, acting_user=officer
    )
    offence = do_add_offence(case, national_name="Corruption passive", acting_user=officer)
    do_update_case(case, {"subject": "Évasion"}, acting_user=officer)
    case.refresh_from_db()
    for term in ("wanjiru", "corruption passive", "evasion"):
        assert term in case.search_text
    assert "laundering" not in case.search_text
    do_remove_person(person, acting_user=officer)
    do_remove_offence(offence, acting_user=officer)
    case.refresh_from_db()
    assert "wanjiru" not in case.search_text and "corruption" not in case.search_text
    kinds = list(CaseEvent.objects.filter(case=case).order_by("id").values_list("kind", "details"))[
        -2:
    ]
    assert kinds == [
        (EventKind.PERSON, {"removed": "Wanjiru"}),
        (EventKind.OFFENCE, {"removed": "Corruption passive"}),
    ]
    actions = [e.action for e in AuditEntry.objects.order_by("-sequence")[:2]]
    assert actions == ["case.offence_removed", "case.person_removed"]


def test_a_person_takes_only_person_fields(make_case: MakeCase, personas: Personas) -> None:
    case = make_case(Direction.INCOMING)
    with pytest.raises(ValueError, match="case"):
        do_add_person(
            case, {"name": "X", "role": "suspect", "case": case}, acting_user=personas.officer
        )
    assert not case.persons.exists()


# --- Measures ------------------------------------------------------------------------------


def test_a_measure_is_added_with_a_trace(make_case: MakeCase, personas: Personas) -> None:
    case = make_case(Direction.OUTGOING, measures=[])
    measure = do_add_measure(
        case,
        kind=MeasureType.SEARCH_AND_SEIZURE,
        description="Premises at 4 rue de la Paix",
        deadline=datetime.date(2025, 7, 1),
        details={"premises": "4 rue de la Paix"},
        acting_user=personas.officer,
    )
    assert measure.status == MeasureStatus.REQUESTED and measure.case == case
    assert measure.article == "UNTOC 18(3)(c)"
    assert last_event(case).details == {"added": "search_and_seizure"}
    assert last_entry().action == "case.measure_added"
    # A draft with a measure can now be sent.
    do_transition(case, "send", acting_user=personas.officer)
    assert case.status == Status.SENT


@pytest.mark.parametrize(
    "status", [Status.EXECUTED, Status.REFUSED, Status.WITHDRAWN, Status.CLOSED]
)
def test_a_settled_request_takes_no_new_measure(
    status: str, make_case: MakeCase, personas: Personas
) -> None:
    case = make_case(Direction.INCOMING)
    Case.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    with pytest.raises(TransitionRefused, match="takes no new measures"):
        do_add_measure(case, kind=MeasureType.FREEZING, acting_user=personas.officer)
    assert case.measures.count() == 1


def test_a_measure_is_executed_with_its_date(make_case: MakeCase, personas: Personas) -> None:
    case = make_case(Direction.INCOMING)
    measure = case.measures.get()
    do_change_measure_status(measure, MeasureStatus.IN_EXECUTION, acting_user=personas.officer)
    do_change_measure_status(
        measure,
        MeasureStatus.EXECUTED,
        acting_user=personas.officer,
        on=datetime.date(2025, 4, 1),
        at=at(2025, 4, 2),
    )
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.EXECUTED
    assert measure.executed_on == datetime.date(2025, 4, 1)
    event = last_event(case)
    assert event.kind == EventKind.MEASURE and event.at == at(2025, 4, 2)
    assert event.details == {"measure": "bank_records", "status": ["in_execution", "executed"]}
    entry = last_entry()
    assert entry.action == "case.measure_status"
    assert entry.details["status"] == ["in_execution", "executed"]
    assert entry.details["measure"] == str(measure.public_id)


def test_a_measure_is_refused_with_its_ground_and_reason(
    make_case: MakeCase, personas: Personas
) -> None:
    case = make_case(Direction.INCOMING)
    measure = case.measures.get()
    do_change_measure_status(
        measure,
        MeasureStatus.REFUSED,
        acting_user=personas.officer,
        reason="  The account holder is not concerned.  ",
        ground=RefusalGround.ESSENTIAL_INTERESTS,
    )
    measure.refresh_from_db()
    assert measure.refusal_ground == RefusalGround.ESSENTIAL_INTERESTS
    assert measure.status_reason == "The account holder is not concerned."
    event = last_event(case)
    assert event.refusal_ground == "essential_interests"
    assert event.reason == "The account holder is not concerned."


@pytest.mark.parametrize(
    ("current", "target", "kwargs", "message"),
    [
        (MeasureStatus.EXECUTED, MeasureStatus.IN_EXECUTION, {}, "cannot become"),
        (MeasureStatus.REQUESTED, MeasureStatus.EXECUTED, {}, "cannot become"),
        (MeasureStatus.REQUESTED, MeasureStatus.REFUSED, {"reason": "No."}, "ground"),
        (MeasureStatus.IN_EXECUTION, MeasureStatus.WITHDRAWN, {}, "State the reason"),
    ],
)
def test_a_refused_measure_move_changes_nothing(
    current: str,
    target: str,
    kwargs: dict[str, str],
    message: str,
    make_case: MakeCase,
    personas: Personas,
) -> None:
    case = make_case(Direction.INCOMING)
    Measure.objects.filter(case=case).update(status=current)
    measure = case.measures.get()
    events, entries = CaseEvent.objects.count(), AuditEntry.objects.count()
    with pytest.raises(TransitionRefused, match=message):
        do_change_measure_status(
            measure,
            target,
            acting_user=personas.officer,
            reason=kwargs.get("reason", ""),
            ground=kwargs.get("ground", ""),
        )
    assert Measure.objects.get(pk=measure.pk).status == current
    assert (CaseEvent.objects.count(), AuditEntry.objects.count()) == (events, entries)


def test_a_measure_deadline_is_set_with_a_trace(make_case: MakeCase, personas: Personas) -> None:
    case = make_case(Direction.INCOMING)
    measure = case.measures.get()
    do_set_measure_deadline(measure, datetime.date(2025, 6, 30), acting_user=personas.officer)
    assert Measure.objects.get(pk=measure.pk).deadline == datetime.date(2025, 6, 30)
    assert last_entry().details["deadline"] == [None, "2025-06-30"]
    entries = AuditEntry.objects.count()
    do_set_measure_deadline(measure, datetime.date(2025, 6, 30), acting_user=personas.officer)
    assert AuditEntry.objects.count() == entries


# --- Links ---------------------------------------------------------------------------------


def test_requests_of_the_same_authority_are_linked(make_case: MakeCase, personas: Personas) -> None:
    first = make_case(Direction.INCOMING)
    supplement = make_case(Direction.INCOMING)
    link = do_link_cases(supplement, first, LinkKind.SUPPLEMENTS, acting_user=personas.officer)
    assert (link.source, link.target, link.kind) == (supplement, first, "supplements")
    assert last_event(supplement).details == {"kind": "supplements", "to": first.our_reference}
    entry = last_entry()
    assert entry.action == "case.linked" and entry.object_ref == str(supplement.public_id)
    assert entry.details == {"kind": "supplements", "target": str(first.public_id)}
    # Linking again changes the relation, not the number of links.
    do_link_cases(supplement, first, LinkKind.RELATED, acting_user=personas.officer)
    assert CaseLink.objects.get().kind == LinkKind.RELATED


def test_a_request_of_another_authority_is_not_linked(
    make_case: MakeCase, personas: Personas
) -> None:
    ours = make_case(Direction.INCOMING)
    theirs = make_case(Direction.OUTGOING, authority=personas.authority_b)
    entries = AuditEntry.objects.count()
    for source, target in ((ours, theirs), (theirs, ours)):
        with pytest.raises(ValueError, match="different authorities"):
            do_link_cases(source, target, LinkKind.RELATED, acting_user=personas.officer)
    assert not CaseLink.objects.exists() and AuditEntry.objects.count() == entries


def test_a_request_is_not_linked_to_itself_nor_by_an_unknown_relation(
    make_case: MakeCase, personas: Personas
) -> None:
    case, other = make_case(Direction.INCOMING), make_case(Direction.INCOMING)
    with pytest.raises(ValueError, match="itself"):
        do_link_cases(case, case, LinkKind.RELATED, acting_user=personas.officer)
    with pytest.raises(ValueError):
        do_link_cases(case, other, "contradicts", acting_user=personas.officer)
    assert not CaseLink.objects.exists()


# --- Status requests (art. 18(24)) ---------------------------------------------------------


def test_a_status_request_is_logged_and_answered(make_case: MakeCase, personas: Personas) -> None:
    case = make_case(Direction.INCOMING)
    follow_up = do_log_follow_up(
        case,
        direction=FollowUpDirection.FROM_COUNTERPART,
        asked_on=datetime.date(2025, 5, 2),
        question="Where does the execution stand?",
        acting_user=personas.officer,
    )
    assert follow_up.recorded_by_name == "officer_a" and follow_up.answered_on is None
    assert last_event(case).kind == EventKind.FOLLOW_UP
    entry = last_entry()
    assert entry.action == "case.follow_up"
    assert entry.details == {"direction": "from_counterpart", "asked_on": "2025-05-02"}

    do_answer_follow_up(
        follow_up,
        answered_on=datetime.date(2025, 5, 6),
        answer="The bank records were requested on 28 April.",
        acting_user=personas.officer,
    )
    follow_up.refresh_from_db()
    assert follow_up.answered_on == datetime.date(2025, 5, 6)
    assert last_event(case).details == {"answered": "2025-05-06"}
    assert last_entry().action == "case.follow_up_answered"

    entries = AuditEntry.objects.count()
    with pytest.raises(TransitionRefused, match="already answered"):
        do_answer_follow_up(
            follow_up,
            answered_on=datetime.date(2025, 5, 7),
            answer="Again",
            acting_user=personas.officer,
        )
    follow_up.refresh_from_db()
    assert follow_up.answered_on == datetime.date(2025, 5, 6)
    assert AuditEntry.objects.count() == entries


def test_a_status_request_needs_a_known_direction(make_case: MakeCase, personas: Personas) -> None:
    case = make_case(Direction.OUTGOING)
    with pytest.raises(ValueError):
        do_log_follow_up(
            case,
            direction="sideways",
            asked_on=datetime.date(2025, 5, 2),
            question="?",
            acting_user=personas.officer,
        )
    assert not FollowUp.objects.exists()


def test_measures_of_a_final_request_no_longer_change(
    personas: Personas, make_case: MakeCase
) -> None:
    case = make_case()
    measure = case.measures.get()
    Case.objects.filter(pk=case.pk).update(status=Status.WITHDRAWN)
    measure.refresh_from_db()
    with pytest.raises(TransitionRefused, match="can no longer change"):
        do_change_measure_status(measure, MeasureStatus.IN_EXECUTION, acting_user=personas.officer)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.REQUESTED


def test_a_supervisor_cannot_be_the_responsible_officer(
    personas: Personas, make_case: MakeCase
) -> None:
    case = make_case()
    with pytest.raises(ValueError, match="officer or administrator"):
        do_update_case(case, {"officer": personas.supervisor}, acting_user=personas.officer)
