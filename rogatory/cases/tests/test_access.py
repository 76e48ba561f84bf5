"""Who sees which request: each authority its own, strict confidentiality to named officers.

Absent and not-yours both answer Http404 (nothing tells an outsider that a request exists);
a supervisor reads but may not write (PermissionDenied).
"""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from conftest import Personas, make_user
from rogatory.accounts.models import Role, User
from rogatory.cases.access import (
    get_case_for_user,
    get_case_for_writing,
    get_document_for_user,
    get_document_version_for_user,
    get_follow_up_for_user,
    get_measure_for_user,
    get_person_for_user,
)
from rogatory.cases.actions import do_add_person, do_log_follow_up
from rogatory.cases.choices import (
    Confidentiality,
    Direction,
    DocumentKind,
    FollowUpDirection,
    PersonRole,
)
from rogatory.cases.models import Case, Document, DocumentVersion
from rogatory.cases.tests.conftest import MakeCase

pytestmark = pytest.mark.django_db

MALFORMED = ["not-a-uuid", "", None, 42, "123e4567-e89b-12d3-a456-42661417400", "../../etc"]


def visible(user: User | AnonymousUser) -> set[str]:
    return set(Case.objects.for_user(user).values_list("our_reference", flat=True))  # type: ignore[arg-type]


@pytest.fixture
def cases(make_case: MakeCase, personas: Personas) -> dict[str, Case]:
    """Two requests of A (one strictly confidential, handled by the officer) and one of B."""
    return {
        "a": make_case(Direction.INCOMING, our_reference="A-1"),
        "a_confidential": make_case(
            Direction.OUTGOING, our_reference="A-2", confidentiality=Confidentiality.CONFIDENTIAL
        ),
        "a_strict": make_case(
            Direction.INCOMING, our_reference="A-3", confidentiality=Confidentiality.STRICT
        ),
        "b": make_case(Direction.INCOMING, our_reference="B-1", authority=personas.authority_b),
    }


def test_each_authority_sees_only_its_own_requests(
    cases: dict[str, Case], personas: Personas
) -> None:
    assert visible(personas.officer) == {"A-1", "A-2", "A-3"}
    assert visible(personas.supervisor) == {"A-1", "A-2", "A-3"}
    assert visible(personas.outsider) == {"B-1"}
    assert visible(personas.outsider_admin) == {"B-1"}


def test_a_site_administrator_an_anonymous_or_inactive_user_sees_nothing(
    cases: dict[str, Case], personas: Personas
) -> None:
    assert visible(personas.site_admin) == set()
    assert visible(AnonymousUser()) == set()
    personas.officer.is_active = False
    assert visible(personas.officer) == set()


def test_a_strictly_confidential_request_is_seen_by_its_officer_and_the_supervisors(
    cases: dict[str, Case], personas: Personas
) -> None:
    colleague = make_user("colleague_a", Role.OFFICER, personas.authority_a)
    strict = cases["a_strict"]
    assert strict.officer == personas.officer
    assert visible(personas.officer) >= {"A-3"}
    assert visible(personas.supervisor) >= {"A-3"}
    # Another officer and the authority's administrator see the other requests, not this one.
    assert visible(colleague) == {"A-1", "A-2"}
    assert visible(personas.authority_admin) == {"A-1", "A-2"}
    with pytest.raises(Http404):
        get_case_for_user(colleague, strict.public_id)
    # Once the administrator is made responsible, they see it and the former officer does not.
    Case.objects.filter(pk=strict.pk).update(officer=personas.authority_admin)
    assert "A-3" in visible(personas.authority_admin)
    assert "A-3" not in visible(personas.officer)


def test_an_officer_reads_and_writes_a_request_of_the_authority(
    cases: dict[str, Case], personas: Personas
) -> None:
    case = cases["a"]
    found, can_write = get_case_for_user(personas.officer, case.public_id)
    assert found == case and can_write is True
    # The id is accepted as a string too, as it comes from a URL.
    assert get_case_for_writing(personas.authority_admin, str(case.public_id)) == case


def test_a_supervisor_reads_but_may_not_write(cases: dict[str, Case], personas: Personas) -> None:
    case = cases["a_strict"]
    found, can_write = get_case_for_user(personas.supervisor, case.public_id)
    assert found == case and can_write is False
    with pytest.raises(PermissionDenied):
        get_case_for_writing(personas.supervisor, case.public_id)


@pytest.mark.parametrize("who", ["outsider", "outsider_admin", "site_admin"])
def test_a_request_of_another_authority_is_not_found(
    who: str, cases: dict[str, Case], personas: Personas
) -> None:
    user = getattr(personas, who)
    for case in (cases["a"], cases["a_strict"]):
        with pytest.raises(Http404):
            get_case_for_user(user, case.public_id)
        # Not found, rather than forbidden: nothing tells them the request exists.
        with pytest.raises(Http404):
            get_case_for_writing(user, case.public_id)


@pytest.mark.parametrize(
    "public_id", [*MALFORMED, uuid.UUID("0b7d5c1e-2f4a-4c8e-9d3b-6a1f0e2d4c5b")], ids=repr
)
def test_a_malformed_or_unknown_id_is_not_found(
    public_id: object, cases: dict[str, Case], personas: Personas
) -> None:
    with pytest.raises(Http404):
        get_case_for_user(personas.officer, public_id)


def test_parts_of_a_request_are_reached_only_through_it(
    make_case: MakeCase, cases: dict[str, Case], personas: Personas
) -> None:
    officer = personas.officer
    case, other = cases["a"], cases["a_confidential"]
    measure = case.measures.get()
    person = do_add_person(case, {"role": PersonRole.WITNESS, "name": "W"}, acting_user=officer)
    follow_up = do_log_follow_up(
        case,
        direction=FollowUpDirection.FROM_COUNTERPART,
        asked_on=datetime.date(2025, 5, 2),
        question="News?",
        acting_user=officer,
    )
    document = Document.objects.create(case=case, title="Letter", kind=DocumentKind.REQUEST)
    DocumentVersion.objects.create(
        document=document,
        number=1,
        file_path="cases/x/0001",
        original_name="letter.pdf",
        content_type="application/pdf",
        size=3,
        sha256="0" * 64,
    )
    getters = [
        (get_measure_for_user, measure.public_id),
        (get_person_for_user, person.public_id),
        (get_follow_up_for_user, follow_up.public_id),
        (get_document_for_user, document.public_id),
    ]
    for getter, part_id in getters:
        found, can_write = getter(officer, case.public_id, part_id)
        assert found.public_id == part_id and can_write is True
        assert getter(personas.supervisor, case.public_id, part_id)[1] is False
        # Through another request of the same authority, a malformed id, or by an outsider.
        for user, case_id, some_id in (
            (officer, other.public_id, part_id),
            (officer, case.public_id, "nope"),
            (officer, case.public_id, uuid.uuid4()),
            (personas.outsider, case.public_id, part_id),
            (personas.site_admin, case.public_id, part_id),
        ):
            with pytest.raises(Http404):
                getter(user, case_id, some_id)

    version = get_document_version_for_user(officer, case.public_id, document.public_id, 1)
    assert version.original_name == "letter.pdf"
    assert version.document.case == case
    for user, number in ((officer, 2), (personas.outsider, 1)):
        with pytest.raises(Http404):
            get_document_version_for_user(user, case.public_id, document.public_id, number)


def test_strict_confidentiality_extends_to_the_parts_of_the_request(
    cases: dict[str, Case], personas: Personas
) -> None:
    colleague = make_user("colleague_a", Role.OFFICER, personas.authority_a)
    strict = cases["a_strict"]
    measure = strict.measures.get()
    with pytest.raises(Http404):
        get_measure_for_user(colleague, strict.public_id, measure.public_id)
    found, _can_write = get_measure_for_user(personas.officer, strict.public_id, measure.public_id)
    assert found == measure
