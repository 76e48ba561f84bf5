"""The case history names fields as people read them and shows what changed, old -> new."""

from __future__ import annotations

import pytest

from rogatory.cases.actions import do_update_case
from rogatory.cases.choices import EventKind

pytestmark = pytest.mark.django_db


def test_a_change_reads_in_words_with_old_and_new_values(personas, make_case) -> None:
    case = make_case(subject="Fraud", summary_of_facts="")
    do_update_case(
        case,
        {"subject": "Fraud by Tana Holdings", "summary_of_facts": "x" * 200},
        acting_user=personas.officer,
    )
    line = case.events.filter(kind=EventKind.UPDATED).get().describe()
    assert "summary_of_facts" not in line
    assert "Subject matter: “Fraud” → “Fraud by Tana Holdings”" in line
    assert "Summary of the facts: — → “" in line and "…”" in line  # long text cut
