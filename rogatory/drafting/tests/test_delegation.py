"""Submitting a version to one supervisor, delegations of approval, and what they let a
supervisor decide (decision 0026)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import Personas, make_user
from rogatory.accounts.models import Role, User
from rogatory.audit.models import AuditEntry
from rogatory.cases.choices import EventKind
from rogatory.drafting.actions import DraftNotReady, do_approve, do_finalise, do_return
from rogatory.drafting.delegations import (
    MAX_DAYS,
    DelegationRefused,
    awaiting_decision_by,
    decider,
    default_addressee,
    do_delegate_approval,
    do_revoke_delegation,
)
from rogatory.drafting.models import ApprovalDelegation, RequestVersion
from rogatory.drafting.tests.test_versions import _docx_text, _pdf_text, _stored, a_draft
from rogatory.web.inbox import trays

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(datetime.datetime(2026, 12, 7, 10, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def second(personas: Personas) -> User:
    """Another supervisor of authority A (the delegate, usually)."""
    return make_user("second_supervisor", Role.SUPERVISOR, personas.authority_a)


@pytest.fixture
def third(personas: Personas) -> User:
    """A third supervisor of authority A, who holds no delegation."""
    return make_user("third_supervisor", Role.SUPERVISOR, personas.authority_a)


def delegate(
    delegator: User, to: User, start: int = 0, days: int = 5, **kwargs: Any
) -> ApprovalDelegation:
    starts_on = TODAY + datetime.timedelta(days=start)
    return do_delegate_approval(
        to,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=days - 1),
        acting_user=delegator,
        **kwargs,
    )


# The delegation itself ----------------------------------------------------------------------


def test_a_delegation_goes_to_another_active_supervisor_of_the_authority(
    personas: Personas, second: User
) -> None:
    """Never to oneself, an officer, another authority's supervisor or an inactive one."""
    foreign = make_user("supervisor_b", Role.SUPERVISOR, personas.authority_b)
    gone = make_user("gone_supervisor", Role.SUPERVISOR, personas.authority_a)
    gone.is_active = False
    gone.save()
    for refused in (personas.supervisor, personas.officer, foreign, gone):
        with pytest.raises(DelegationRefused, match="another active supervisor"):
            delegate(personas.supervisor, refused)
    with pytest.raises(PermissionError):
        delegate(personas.officer, second)
    made = delegate(personas.supervisor, second, reason="Annual leave")
    assert made.authority == personas.authority_a and made.created_by == personas.supervisor
    entry = AuditEntry.objects.get(action="approval.delegated")
    assert entry.details["delegate"] == "second_supervisor" and entry.details["reason"] == (
        "Annual leave"
    )


def test_the_period_is_checked(personas: Personas, second: User) -> None:
    """Not in the past, ends on or after it starts, at most a year."""
    with pytest.raises(DelegationRefused, match="past"):
        delegate(personas.supervisor, second, start=-1)
    with pytest.raises(DelegationRefused, match="ends on or after"):
        do_delegate_approval(
            second,
            starts_on=TODAY,
            ends_on=TODAY - datetime.timedelta(days=1),
            acting_user=personas.supervisor,
        )
    with pytest.raises(DelegationRefused, match="at most"):
        delegate(personas.supervisor, second, days=MAX_DAYS + 1)
    assert delegate(personas.supervisor, second, days=MAX_DAYS).ends_on == TODAY.replace(year=2027)


def test_overlapping_delegations_of_one_supervisor_are_refused(
    personas: Personas, second: User, third: User
) -> None:
    """A second delegation over the same days is refused, saying which one is in the way;
    revoking it frees the days; another supervisor's delegations do not count."""
    first = delegate(personas.supervisor, second, start=2, days=5)  # 9..13 December
    with pytest.raises(DelegationRefused, match="Second Tester from 2026-12-09 to 2026-12-13"):
        delegate(personas.supervisor, third, start=6, days=3)
    assert delegate(personas.supervisor, third, start=7, days=3)  # from the 14th
    assert delegate(second, third, start=2, days=5)  # B's own delegation may overlap A's
    do_revoke_delegation(first, acting_user=personas.supervisor)
    assert delegate(personas.supervisor, third, start=0, days=7)
    assert AuditEntry.objects.filter(action="approval.delegation_revoked").count() == 1


def test_only_the_delegator_or_the_delegate_revokes(
    personas: Personas, second: User, third: User
) -> None:
    made = delegate(personas.supervisor, second)
    with pytest.raises(DelegationRefused, match="Only the supervisor who delegated"):
        do_revoke_delegation(made, acting_user=third)
    do_revoke_delegation(made, acting_user=second)
    made.refresh_from_db()
    assert made.revoked_at is not None and made.revoked_by == second
    with pytest.raises(DelegationRefused, match="already revoked"):
        do_revoke_delegation(made, acting_user=personas.supervisor)


# Who decides on an addressed version --------------------------------------------------------


def test_finalising_refuses_an_addressee_who_cannot_approve(
    personas: Personas, second: User
) -> None:
    """The addressee is an active supervisor of the authority other than the drafter."""
    case = a_draft(personas)
    foreign = make_user("supervisor_b", Role.SUPERVISOR, personas.authority_b)
    for wrong in (personas.officer, foreign):
        with pytest.raises(DraftNotReady, match="active supervisor of your authority"):
            do_finalise(case, language="en", acting_user=personas.officer, addressed_to=wrong)
    with pytest.raises(DraftNotReady, match="other than you"):
        do_finalise(case, language="en", acting_user=second, addressed_to=second)
    assert not RequestVersion.objects.exists()


def test_an_addressed_version_is_refused_to_a_third_supervisor(
    personas: Personas, second: User, third: User, django_capture_on_commit_callbacks: Any
) -> None:
    """Submitted to the supervisor: a third supervisor can neither approve nor return it;
    the addressee can; the finalise e-mail went to the addressee alone."""
    case = a_draft(personas)
    with django_capture_on_commit_callbacks(execute=True):
        version = do_finalise(
            case, language="en", acting_user=personas.officer, addressed_to=personas.supervisor
        )
    assert [m.to for m in mail.outbox] == [[personas.supervisor.email]]
    assert AuditEntry.objects.get(action="request.finalised").details["addressed_to"] == (
        "supervisor_a"
    )
    with pytest.raises(DraftNotReady, match="submitted to Supervisor Tester"):
        do_approve(version, acting_user=third)
    with pytest.raises(DraftNotReady, match="submitted to Supervisor Tester"):
        do_return(version, acting_user=third, remarks="No.")
    assert not decider(version, second).allowed
    assert do_approve(version, acting_user=personas.supervisor).approved_for_name == ""


def test_a_delegate_approves_on_behalf_of_the_addressee(
    personas: Personas, second: User, third: User, django_capture_on_commit_callbacks: Any
) -> None:
    """With a delegation in force today the delegate approves; the final DOCX and PDF, the
    audit entry and the case history name both; the finalise e-mail reached the delegate too."""
    delegate(personas.supervisor, second)
    case = a_draft(personas)
    with django_capture_on_commit_callbacks(execute=True):
        version = do_finalise(
            case, language="en", acting_user=personas.officer, addressed_to=personas.supervisor
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([personas.supervisor.email, second.email])
    with pytest.raises(DraftNotReady):
        do_approve(version, acting_user=third)
    approved = do_approve(version, acting_user=second, comment="On leave cover.")
    line = "Approved for transmission by Second Tester on behalf of Supervisor Tester on"
    assert line in _docx_text(_stored(approved, "docx"))
    assert line in " ".join(_pdf_text(_stored(approved, "pdf")).split())
    assert approved.approved_by_name == "second_supervisor"
    assert approved.approved_for_name == "supervisor_a"
    entry = AuditEntry.objects.get(action="request.approved")
    assert entry.details["on_behalf_of"] == "supervisor_a"
    assert entry.actor_name == "second_supervisor"
    event = case.events.filter(kind=EventKind.APPROVAL).first()
    assert event is not None
    assert event.describe() == ("version 1 approved by second_supervisor on behalf of supervisor_a")


def test_the_print_view_names_the_delegate_and_the_supervisor_as_the_files_do(
    personas: Personas, second: User
) -> None:
    """The print view of a version a delegate approved prints the same approval line as its
    DOCX and PDF: both people, by their full names."""
    from django.test import Client
    from django.urls import reverse

    delegate(personas.supervisor, second)
    case = a_draft(personas)
    version = do_finalise(
        case, language="en", acting_user=personas.officer, addressed_to=personas.supervisor
    )
    do_approve(version, acting_user=second)
    client = Client()
    client.force_login(personas.officer)
    page = client.get(reverse("drafting_print", args=[case.public_id, version.number]))
    text = " ".join(page.content.decode().split())
    assert "Second Tester" in text and "on behalf of Supervisor Tester" in text


def test_the_approval_line_of_a_delegate_in_french_and_arabic(
    personas: Personas, second: User
) -> None:
    """The line is in the request's language (here French in the PDF, Arabic in the DOCX)."""
    from rogatory.drafting.render.docx import render_docx
    from rogatory.drafting.render.outline import Approval
    from rogatory.drafting.render.pdf import render_pdf

    delegate(personas.supervisor, second)
    case = a_draft(personas)
    version = do_finalise(
        case, language="fr", acting_user=personas.officer, addressed_to=personas.supervisor
    )
    approved = do_approve(version, acting_user=second)
    text = " ".join(_pdf_text(_stored(approved, "pdf")).split())
    assert "Transmission approuvée par Second Tester, au nom de Supervisor Tester, le" in text
    arabic = dict(version.document, language="ar")
    approval = Approval(name="سالم", day=TODAY, on_behalf_of="ليلى")
    assert "اعتمد الإرسالَ سالم نيابةً عن ليلى في" in _docx_text(render_docx(arabic, approval))
    assert render_pdf(arabic, approval)[:4] == b"%PDF"


def test_revoked_expired_and_future_delegations_do_not_count(
    personas: Personas, second: User
) -> None:
    case = a_draft(personas)
    version = do_finalise(
        case, language="en", acting_user=personas.officer, addressed_to=personas.supervisor
    )
    future = delegate(personas.supervisor, second, start=1, days=3)
    assert not decider(version, second).allowed
    assert decider(version, second, day=TODAY + datetime.timedelta(days=1)).allowed
    do_revoke_delegation(future, acting_user=personas.supervisor)
    assert not decider(version, second, day=TODAY + datetime.timedelta(days=1)).allowed
    # Made last week for three days: expired today.
    with time_machine.travel(datetime.datetime(2026, 11, 30, 10, tzinfo=datetime.UTC)):
        delegate(personas.supervisor, second, start=-7, days=3)
    assert not decider(version, second).allowed
    with pytest.raises(DraftNotReady):
        do_approve(version, acting_user=second)


def test_delegation_chains_are_not_followed(personas: Personas, second: User, third: User) -> None:
    """A -> B and B -> C: C does not decide on what was submitted to A."""
    delegate(personas.supervisor, second)
    delegate(second, third)
    case = a_draft(personas)
    version = do_finalise(
        case, language="en", acting_user=personas.officer, addressed_to=personas.supervisor
    )
    assert decider(version, second).on_behalf_of == personas.supervisor
    assert not decider(version, third).allowed
    with pytest.raises(DraftNotReady):
        do_return(version, acting_user=third, remarks="Chain")


def test_the_drafter_never_approves_even_with_a_delegation(
    personas: Personas, second: User
) -> None:
    """A supervisor who drafted the version holds his addressee's delegation: still refused."""
    delegate(personas.supervisor, second)
    case = a_draft(personas)
    version = do_finalise(case, language="en", acting_user=second, addressed_to=personas.supervisor)
    with pytest.raises(DraftNotReady, match="another supervisor than its drafter"):
        do_approve(version, acting_user=second)


def test_a_version_submitted_to_a_supervisor_who_left_is_open_to_any(
    personas: Personas, second: User
) -> None:
    """Deactivating the addressee does not leave his versions waiting for nobody."""
    case = a_draft(personas)
    version = do_finalise(
        case, language="en", acting_user=personas.officer, addressed_to=personas.supervisor
    )
    personas.supervisor.is_active = False
    personas.supervisor.save()
    version.addressed_to = User.objects.get(pk=personas.supervisor.pk)
    assert decider(version, second).allowed
    assert list(awaiting_decision_by(second)) == [version]


def test_the_default_addressee_is_the_previous_approver(personas: Personas, second: User) -> None:
    case = a_draft(personas)
    assert default_addressee(case.pk, personas.officer) is None
    first = do_finalise(case, language="en", acting_user=personas.officer)
    do_approve(first, acting_user=second)
    assert default_addressee(case.pk, personas.officer) == second
    assert default_addressee(case.pk, second) is None  # never the drafter himself
    second.is_active = False
    second.save()
    assert default_addressee(case.pk, personas.officer) is None


# The inbox and the case list ----------------------------------------------------------------


def test_the_to_approve_tray_and_the_list_follow_addressee_and_delegations(
    client: Client, personas: Personas, second: User, third: User
) -> None:
    """The tray and ?awaiting=approval of a supervisor: versions submitted to him, to any, or to
    a supervisor who delegated to him today; not those submitted to another."""
    to_first = a_draft(personas, subject="For the first")
    to_any = a_draft(personas, subject="For anyone")
    do_finalise(
        to_first, language="en", acting_user=personas.officer, addressed_to=personas.supervisor
    )
    do_finalise(to_any, language="en", acting_user=personas.officer)

    def tray(user: User) -> set[str]:
        (found,) = [t for t in trays(user) if t.key == "approve"]
        return {subject for _url, _ref, subject in found.items}

    def listed(user: User) -> set[str]:
        client.force_login(user)
        page = client.get(reverse("case_list"), {"awaiting": "approval"})
        assert page.status_code == 200
        return {s for s in ("For the first", "For anyone") if s in page.content.decode()}

    assert (
        tray(personas.supervisor) == listed(personas.supervisor) == {"For the first", "For anyone"}
    )
    assert tray(second) == listed(second) == {"For anyone"}
    delegate(personas.supervisor, second)
    assert tray(second) == listed(second) == {"For the first", "For anyone"}
    assert tray(third) == listed(third) == {"For anyone"}
    # Officers' list filter is unchanged: every draft awaiting approval.
    assert listed(personas.officer) == {"For the first", "For anyone"}


# The pages ----------------------------------------------------------------------------------


def test_the_writer_submits_to_the_chosen_supervisor(
    client: Client, personas: Personas, second: User, third: User
) -> None:
    """The finalise form lists the supervisors; the choice is kept; a third supervisor sees no
    approve button; an unknown name is refused without a version."""
    case = a_draft(personas)
    client.force_login(personas.officer)
    page = client.get(reverse("drafting_writer", args=[case.public_id])).content.decode()
    assert 'name="addressed_to"' in page and "any supervisor" in page
    assert 'value="second_supervisor"' in page and 'value="officer_a"' not in page
    refused = client.post(
        reverse("drafting_finalise", args=[case.public_id]),
        {"language": "en", "addressed_to": "officer_b"},
    )
    assert refused.status_code == 409 and not RequestVersion.objects.exists()
    done = client.post(
        reverse("drafting_finalise", args=[case.public_id]),
        {"language": "en", "addressed_to": "second_supervisor"},
    )
    assert done.status_code == 302
    assert RequestVersion.objects.get().addressed_to == second
    client.force_login(third)
    page = client.get(reverse("drafting_writer", args=[case.public_id])).content.decode()
    assert "Submitted to Second Tester" in page and 'data-testid="approve"' not in page
    client.force_login(second)
    page = client.get(reverse("drafting_writer", args=[case.public_id])).content.decode()
    assert 'data-testid="approve"' in page


def test_the_delegations_page(client: Client, personas: Personas, second: User) -> None:
    """Supervisors list, create and revoke; an overlap is refused with its reason; officers get
    403; another authority's supervisor gets 404 for A's delegation."""
    url = reverse("drafting_delegations")
    client.force_login(personas.officer)
    assert client.get(url).status_code == 403
    client.force_login(personas.supervisor)
    assert client.get(url).status_code == 200
    form = {
        "delegate": "second_supervisor",
        "starts_on": "2026-12-08",
        "ends_on": "2026-12-20",
        "reason": "Mission to Nairobi",
    }
    assert client.post(url, form).status_code == 302
    page = client.get(url).content.decode()
    assert "Mission to Nairobi" in page and "Second Tester" in page
    overlap = client.post(url, form | {"starts_on": "2026-12-19", "ends_on": "2026-12-22"})
    assert overlap.status_code == 400
    assert "You already delegated approval to Second Tester" in overlap.content.decode()
    for bad in (
        {"ends_on": "2026-12-01"},
        {"starts_on": "2026-12-01", "ends_on": "2026-12-02"},
        {"delegate": "officer_a"},
        {"starts_on": "not a date"},
    ):
        assert client.post(url, form | bad).status_code == 400
    made = ApprovalDelegation.objects.get()
    foreign = make_user("supervisor_b", Role.SUPERVISOR, personas.authority_b)
    client.force_login(foreign)
    revoke = reverse("drafting_delegation_revoke", args=[made.public_id])
    assert client.post(revoke).status_code == 404
    client.force_login(personas.supervisor)
    assert client.post(revoke).status_code == 302
    made.refresh_from_db()
    assert made.revoked_at is not None
    assert "Mission to Nairobi" not in client.get(url).content.decode()


def test_the_delegations_page_enforces_csrf(personas: Personas, second: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.supervisor)
    answer = client.post(
        reverse("drafting_delegations"),
        {"delegate": "second_supervisor", "starts_on": "2026-12-08", "ends_on": "2026-12-09"},
    )
    assert answer.status_code == 403 and not ApprovalDelegation.objects.exists()
