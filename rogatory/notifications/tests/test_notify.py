"""How a person hears of an event: at once, in the digest or not by e-mail, in their language."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from conftest import Personas
from rogatory.cases.actions import do_assign_officer
from rogatory.cases.models import Case
from rogatory.drafting.actions import do_return
from rogatory.drafting.models import RequestVersion
from rogatory.notifications.actions import do_set_notification_preferences
from rogatory.notifications.models import (
    DEFAULTS,
    Delivery,
    Event,
    NotificationPreference,
    PendingNotification,
)
from rogatory.notifications.notify import preferences_for

pytestmark = pytest.mark.django_db


def a_finalised_version(case: Case, drafter_id: int) -> RequestVersion:
    """A version awaiting approval, as do_finalise leaves it (without rendering files)."""
    return RequestVersion.objects.create(
        case=case,
        number=1,
        language="en",
        document={},
        document_sha256="0" * 64,
        docx_path="none.docx",
        docx_sha256="0" * 64,
        pdf_path="none.pdf",
        pdf_sha256="0" * 64,
        finalised_by_id=drafter_id,
    )


def test_defaults_approval_at_once_reminders_in_the_digest(personas: Personas) -> None:
    """Without a choice: approval and assignment at once, reminders once a day."""
    chosen = preferences_for(personas.officer)
    assert chosen == DEFAULTS
    assert chosen[Event.APPROVAL_REQUESTED] == Delivery.AT_ONCE
    assert chosen[Event.RETURNED] == Delivery.AT_ONCE
    assert chosen[Event.OVERDUE] == Delivery.DIGEST
    assert chosen[Event.DUE_SOON] == Delivery.DIGEST
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize(
    ("delivery", "mails", "queued"),
    [(Delivery.AT_ONCE, 1, 0), (Delivery.DIGEST, 0, 1), (Delivery.NONE, 0, 0)],
)
def test_returned_with_remarks_as_the_drafter_chose(
    personas: Personas,
    make_case: Any,
    django_capture_on_commit_callbacks: Any,
    delivery: str,
    mails: int,
    queued: int,
) -> None:
    """The drafter of a returned version gets an e-mail, a digest entry or neither."""
    do_set_notification_preferences(
        language="", deliveries={Event.RETURNED: delivery}, acting_user=personas.officer
    )
    case = make_case("outgoing")
    version = a_finalised_version(case, personas.officer.pk)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        do_return(version, acting_user=personas.supervisor, remarks="Add the branch.")
    assert len(mail.outbox) == mails
    pending = PendingNotification.objects.filter(user=personas.officer, event=Event.RETURNED)
    assert pending.count() == queued
    if mails:
        assert mail.outbox[0].to == [personas.officer.email]
        assert "Add the branch." in mail.outbox[0].body
        assert f"/cases/{case.public_id}/writer/" in mail.outbox[0].body


def test_no_mail_when_the_step_is_rolled_back(
    personas: Personas,
    make_case: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A mail never announces a step that was rolled back."""
    from django.db import transaction

    case = make_case("outgoing")
    version = a_finalised_version(case, personas.officer.pk)
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        do_return(version, acting_user=personas.supervisor, remarks="Add the branch.")
        raise RuntimeError
    assert not mail.outbox


def test_the_e_mail_is_in_the_reader_s_language(
    personas: Personas,
    make_case: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A drafter who chose French reads the subject and body in French, whatever the site's."""
    do_set_notification_preferences(language="fr", deliveries={}, acting_user=personas.officer)
    case = make_case("outgoing")
    version = a_finalised_version(case, personas.officer.pk)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        do_return(version, acting_user=personas.supervisor, remarks="Ajouter la succursale.")
    (sent,) = mail.outbox
    assert "La version 1 de votre demande" in sent.subject
    assert "Demande" in sent.body and "returned" not in sent.subject


def test_assignment_tells_the_new_officer_not_the_one_who_took_it(
    personas: Personas,
    make_case: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Assigned by someone else: the officer is told at once; taking a request oneself: not."""
    from conftest import make_user
    from rogatory.accounts.models import Role

    other = make_user("other_officer", Role.OFFICER, personas.authority_a)
    case = make_case(officer=personas.officer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        do_assign_officer(case, other, acting_user=personas.authority_admin)
    (sent,) = mail.outbox
    assert sent.to == [other.email] and case.our_reference in sent.subject
    assert f"/cases/{case.public_id}/" in sent.body
    with django_capture_on_commit_callbacks(execute=True):
        do_assign_officer(case, personas.officer, acting_user=personas.officer)
    assert len(mail.outbox) == 1


def test_a_message_from_the_other_state_goes_to_the_officer_s_digest(
    personas: Personas, make_case: Any
) -> None:
    """A message filed on a request through the exchange (a history line written by no one)
    is kept for its officer's digest by default; an outbound one is not."""
    from django.utils import timezone

    from rogatory.cases.choices import EventKind
    from rogatory.cases.models import CaseEvent

    case = make_case(officer=personas.officer)
    for direction in ("inbound", "outbound"):
        CaseEvent.objects.create(
            case=case,
            at=timezone.now(),
            kind=EventKind.EXCHANGE,
            actor_name="system",
            details={"action": "execution_result", "direction": direction},
        )
    (pending,) = PendingNotification.objects.all()
    assert (pending.user, pending.event, pending.case) == (
        personas.officer,
        Event.EXCHANGE_RECEIVED,
        case,
    )


def test_a_strictly_confidential_request_is_named_by_its_reference_only(
    personas: Personas,
    make_case: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """An e-mail leaves the platform: for a strictly confidential request it gives the
    reference, never the subject (as the reassignment notice does)."""
    from conftest import make_user
    from rogatory.accounts.models import Role

    other = make_user("other_officer", Role.OFFICER, personas.authority_a)
    case = make_case(officer=personas.officer, confidentiality="strict", subject="Minister X")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        do_assign_officer(case, other, acting_user=personas.authority_admin)
    (sent,) = mail.outbox
    assert case.our_reference in sent.body and "Minister X" not in f"{sent.body} {sent.subject}"


def test_a_failing_mail_server_does_not_undo_the_step(
    personas: Personas,
    make_case: Any,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The e-mail goes after the commit; when the mail server fails, the step stays done and
    the error does not reach the caller (whose clean-up would remove kept files)."""
    from conftest import make_user
    from rogatory.accounts.models import Role
    from rogatory.notifications import notify

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(notify, "send_mail", broken)
    other = make_user("other_officer", Role.OFFICER, personas.authority_a)
    case = make_case(officer=personas.officer)
    with django_capture_on_commit_callbacks(execute=True):
        do_assign_officer(case, other, acting_user=personas.authority_admin)
    case.refresh_from_db()
    assert case.officer == other
