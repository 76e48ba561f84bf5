"""The work inbox on the home page and the menu's count, computed live from the records."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas, make_user
from rogatory.accounts.models import Role
from rogatory.cases.actions import do_register_case
from rogatory.cases.choices import Direction
from rogatory.drafting.actions import do_finalise, do_return
from rogatory.drafting.tests.test_versions import a_draft
from rogatory.web import inbox

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def counts(user: object) -> dict[str, int]:
    return {tray.key: tray.count for tray in inbox.trays(user)}  # type: ignore[arg-type]


def test_supervisors_see_what_to_approve_and_drafters_what_came_back(personas: Personas) -> None:
    """A finalised version is in its authority's supervisors' 'to approve' tray (not in the
    drafter's, even a supervisor's); returned, it is in its drafter's 'returned' tray."""
    case = a_draft(personas)
    version = do_finalise(case, language="en", acting_user=personas.officer)
    assert counts(personas.supervisor)["approve"] == 1
    assert "approve" not in counts(personas.officer)
    drafter = make_user("drafting_supervisor", Role.SUPERVISOR, personas.authority_a)
    own = a_draft(personas, subject="Another")
    do_finalise(own, language="en", acting_user=drafter)
    assert counts(drafter)["approve"] == 1  # the officer's, not his own
    assert counts(personas.supervisor)["approve"] == 2

    do_return(version, acting_user=personas.supervisor, remarks="Add the branch.")
    assert counts(personas.officer)["returned"] == 1
    assert counts(personas.supervisor)["approve"] == 1
    # Finalised again: no longer returned, awaiting approval again.
    do_finalise(case, language="en", acting_user=personas.officer)
    assert counts(personas.officer)["returned"] == 0
    assert counts(personas.supervisor)["approve"] == 2
    # Nothing of it reaches another authority.
    assert counts(personas.outsider) == {k: 0 for k in counts(personas.outsider)}


def test_assigned_new_and_overdue(personas: Personas) -> None:
    today = datetime.date(2026, 12, 6)
    do_register_case(
        personas.authority_a,
        direction=Direction.INCOMING,
        fields={
            "kind": "mla",
            "requesting_state_id": "KE",
            "subject": "Phone records",
            "received_on": datetime.date(2026, 10, 1),
            "officer": personas.officer,
        },
        acting_user=personas.officer,
    )
    found = {t.key: t for t in inbox.trays(personas.officer, today=today)}
    assert found["mine"].count == 1 and found["new"].count == 1
    assert found["mine"].items[0][2] == "Phone records"
    assert found["overdue"].count == 0


def test_the_home_page_and_the_menu_count(client: Client, personas: Personas) -> None:
    case = a_draft(personas)
    do_finalise(case, language="en", acting_user=personas.officer)
    client.force_login(personas.supervisor)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="work-inbox"' in page and 'data-testid="tray-approve"' in page
    assert case.our_reference in page
    assert 'hx-get="/inbox/count"' in page
    badge = client.get(reverse("inbox_count"))
    assert badge["Cache-Control"].startswith("max-age=0") or "no-store" in badge["Cache-Control"]
    assert 'data-testid="inbox-count"' in badge.content.decode()
    assert ">1<" in badge.content.decode()
    # The tray's link lists exactly those drafts.
    listed = client.get(reverse("case_list") + "?awaiting=approval").content.decode()
    assert case.our_reference in listed
    other = a_draft(personas, subject="Not finalised")
    listed = client.get(reverse("case_list") + "?awaiting=approval").content.decode()
    assert other.our_reference not in listed
    # Nobody logged in: no inbox, an empty badge.
    client.logout()
    assert 'data-testid="work-inbox"' not in client.get(reverse("home")).content.decode()
    assert "inbox-count" not in client.get(reverse("inbox_count")).content.decode()


def test_the_menu_count_reads_counts_only(personas: Personas) -> None:
    """The badge's trays carry the same counts and no items (nothing read to preview)."""
    case = a_draft(personas)
    do_finalise(case, language="en", acting_user=personas.officer)
    full = {t.key: t for t in inbox.trays(personas.supervisor)}
    bare = {t.key: t for t in inbox.trays(personas.supervisor, preview=0)}
    assert {k: t.count for k, t in bare.items()} == {k: t.count for k, t in full.items()}
    assert full["approve"].items and not any(t.items for t in bare.values())
    assert inbox.waiting_count(personas.supervisor) >= 1
