"""Reassigning an absent officer's requests (decision 0026): action and page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import Personas, make_user
from rogatory.accounts.models import Role, User
from rogatory.audit.models import AuditEntry
from rogatory.cases.actions import do_transition
from rogatory.cases.choices import Confidentiality, Direction, EventKind, Status
from rogatory.cases.models import Case
from rogatory.cases.reassign import ReassignRefused, do_reassign_cases
from rogatory.cases.tests.conftest import MakeCase

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(personas: Personas) -> User:
    """Another officer of authority A, who takes over."""
    return make_user("colleague_a", Role.OFFICER, personas.authority_a)


def test_all_open_requests_move_and_closed_ones_stay(
    personas: Personas,
    colleague: User,
    make_case: MakeCase,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Open requests and drafts move; a withdrawn one stays; each moved case's history says
    old -> new; one audit entry; the new officer gets one e-mail listing them."""
    incoming = make_case(subject="Incoming bank records")
    draft = make_case(Direction.OUTGOING, subject="Outgoing draft")
    done = make_case(subject="Finished one")
    do_transition(done, "withdraw", acting_user=personas.officer, reason="No longer needed")
    others = make_case(subject="Not his", officer=personas.authority_admin)
    with django_capture_on_commit_callbacks(execute=True):
        moved = do_reassign_cases(
            personas.officer,
            colleague,
            acting_user=personas.supervisor,
            site_url="https://r.example",
        )
    assert {c.pk for c in moved} == {incoming.pk, draft.pk}
    assert Case.objects.get(pk=done.pk).officer == personas.officer
    assert Case.objects.get(pk=others.pk).officer == personas.authority_admin
    assert Case.objects.get(pk=draft.pk).status == Status.DRAFT
    for case in (incoming, draft):
        case.refresh_from_db()
        assert case.officer == colleague
        event = case.events.filter(kind=EventKind.ASSIGNED).get()
        assert event.actor_name == "supervisor_a"
        assert event.describe() == "Responsible officer: “officer_a” → “colleague_a”"
    entry = AuditEntry.objects.get(action="case.reassigned")
    assert entry.details["from"] == "officer_a" and entry.details["to"] == "colleague_a"
    assert sorted(entry.details["cases"]) == sorted([incoming.our_reference, draft.our_reference])
    (sent,) = mail.outbox
    assert sent.to == [colleague.email] and "2 requests were assigned to you" in sent.subject
    assert incoming.our_reference in sent.body and "Incoming bank records" in sent.body
    assert f"https://r.example/cases/{draft.public_id}/" in sent.body


def test_only_the_selected_requests_move(
    personas: Personas, colleague: User, make_case: MakeCase
) -> None:
    keep, move = make_case(subject="Keep"), make_case(subject="Move")
    moved = do_reassign_cases(
        personas.officer,
        colleague,
        cases=[str(move.public_id)],
        acting_user=personas.supervisor,
    )
    assert [c.pk for c in moved] == [move.pk]
    keep.refresh_from_db()
    assert keep.officer == personas.officer


def test_refusals(personas: Personas, colleague: User, make_case: MakeCase) -> None:
    """Supervisors only; officers of the authority only; an active one to receive; a request
    of another officer or another authority cannot be slipped in."""
    mine = make_case()
    foreign = make_case(authority=personas.authority_b)
    with pytest.raises(PermissionError):
        do_reassign_cases(personas.officer, colleague, acting_user=personas.officer)
    with pytest.raises(ReassignRefused):
        do_reassign_cases(personas.outsider, colleague, acting_user=personas.supervisor)
    with pytest.raises(ReassignRefused):
        do_reassign_cases(personas.officer, personas.outsider, acting_user=personas.supervisor)
    with pytest.raises(ReassignRefused):
        do_reassign_cases(personas.officer, personas.supervisor, acting_user=personas.supervisor)
    with pytest.raises(ReassignRefused, match="another officer"):
        do_reassign_cases(personas.officer, personas.officer, acting_user=personas.supervisor)
    with pytest.raises(ReassignRefused, match="no longer open"):
        do_reassign_cases(
            personas.officer,
            colleague,
            cases=[str(mine.public_id), str(foreign.public_id)],
            acting_user=personas.supervisor,
        )
    colleague.is_active = False
    colleague.save()
    with pytest.raises(ReassignRefused, match="active officer"):
        do_reassign_cases(personas.officer, colleague, acting_user=personas.supervisor)
    mine.refresh_from_db()
    assert mine.officer == personas.officer
    assert not AuditEntry.objects.filter(action="case.reassigned").exists()


def test_a_strictly_confidential_request_follows_its_officer(
    personas: Personas,
    colleague: User,
    make_case: MakeCase,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Access follows the responsible officer: the new one gains it, the former loses it; the
    e-mail names the request by its reference only."""
    secret = make_case(subject="Covert matter", confidentiality=Confidentiality.STRICT)
    assert not Case.objects.for_user(colleague).filter(pk=secret.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        do_reassign_cases(personas.officer, colleague, acting_user=personas.supervisor)
    assert Case.objects.for_user(colleague).filter(pk=secret.pk).exists()
    assert not Case.objects.for_user(personas.officer).filter(pk=secret.pk).exists()
    (sent,) = mail.outbox
    assert secret.our_reference in sent.body and "Covert matter" not in sent.body


def test_the_page(client: Client, personas: Personas, colleague: User, make_case: MakeCase) -> None:
    """Supervisors choose the officer, see his open requests, move the ticked ones; officers
    get 403; a request nobody ticked or a wrong name is a clear 400, never a 500."""
    url = reverse("case_reassign")
    keep, move = make_case(subject="Keep this one"), make_case(subject="Move this one")
    client.force_login(personas.officer)
    assert client.get(url).status_code == 403
    client.force_login(personas.supervisor)
    assert client.get(url).status_code == 200
    page = client.get(url, {"from_officer": "officer_a"}).content.decode()
    assert "Keep this one" in page and "Move this one" in page
    nothing = client.post(
        url, {"from_officer": "officer_a", "to_officer": "colleague_a", "scope": "selected"}
    )
    assert nothing.status_code == 400 and "Tick the requests to move." in nothing.content.decode()
    unknown = client.post(
        url, {"from_officer": "officer_a", "to_officer": "officer_b", "scope": "all"}
    )
    assert unknown.status_code == 400
    done = client.post(
        url,
        {
            "from_officer": "officer_a",
            "to_officer": "colleague_a",
            "scope": "selected",
            "cases": [str(move.public_id)],
        },
    )
    assert done.status_code == 302
    move.refresh_from_db()
    keep.refresh_from_db()
    assert move.officer == colleague and keep.officer == personas.officer
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(personas.supervisor)
    assert (
        csrf.post(
            url, {"from_officer": "officer_a", "to_officer": "colleague_a", "scope": "all"}
        ).status_code
        == 403
    )
    keep.refresh_from_db()
    assert keep.officer == personas.officer


def test_a_reassignment_follows_the_new_officers_choice(
    personas: Personas,
    colleague: User,
    make_case: MakeCase,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """An officer who takes assignments in his digest gets no e-mail: one digest line per
    request moved to him, and never one e-mail per request (decision 0027)."""
    from rogatory.notifications.models import (
        Delivery,
        Event,
        NotificationPreference,
        PendingNotification,
    )

    NotificationPreference.objects.create(
        user=colleague, event=Event.ASSIGNED, delivery=Delivery.DIGEST
    )
    first, second = make_case(subject="One"), make_case(subject="Two")
    with django_capture_on_commit_callbacks(execute=True):
        do_reassign_cases(personas.officer, colleague, acting_user=personas.supervisor)
    assert mail.outbox == []
    queued = PendingNotification.objects.filter(user=colleague, event=Event.ASSIGNED)
    assert sorted(queued.values_list("case_id", flat=True)) == sorted([first.pk, second.pk])
