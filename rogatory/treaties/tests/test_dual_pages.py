"""The dual-criminality panel where cases are worked on (decision 0034): the writer's offence
step (outgoing: the requested state's legislation), an incoming case's page (ours), and the
demo data, which shows every outcome."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.cases.actions import do_register_case
from rogatory.cases.choices import Direction, MeasureType
from rogatory.knowledge.importing import import_path
from rogatory.treaties.dual import DualData, Outcome, assess

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "demo" / "knowledge"
DAY = datetime.date(2026, 11, 1)


@pytest.fixture
def demo_laws(settings: Any, tmp_path: Path) -> DualData:
    settings.DATA_DIR = tmp_path
    report = import_path(DEMO)
    assert not report.skipped, report.skipped
    return DualData.load()


def _case(personas: Personas, direction: str, **fields: Any) -> Any:
    other = {"requesting_state_id": "KE"} if direction == Direction.INCOMING else {}
    if direction == Direction.OUTGOING:
        other = {"requested_state_id": "KE"}
    return do_register_case(
        personas.authority_a,
        direction=direction,
        fields={"kind": "mla", "subject": "Laundering"} | other | fields,
        acting_user=personas.officer,
        offences=[{"national_name": "Blanchiment", "iccs_id": "07041"}],
        measures=[{"kind": MeasureType.BANK_RECORDS, "description": ""}],
    )


def test_the_writers_offence_step_shows_the_requested_states_legislation(
    client: Client, personas: Personas, demo_laws: DualData
) -> None:
    case = _case(personas, Direction.OUTGOING)
    client.force_login(personas.officer)
    page = client.get(reverse("drafting_step", args=[case.public_id, "offences"]))
    text = page.content.decode()
    assert 'data-testid="dual-panel"' in text
    # Kenya's demonstration entry is coded at the parent category 0704.
    assert 'data-outcome="likely"' in text
    assert "Proceeds of Crime and Anti-Money Laundering Act (demonstration entry)" in text
    assert "Code pénal, Article 324-1" in text  # France's own, side by side


def test_an_incoming_case_shows_our_own_legislation(
    client: Client, personas: Personas, demo_laws: DualData
) -> None:
    case = _case(personas, Direction.INCOMING)
    client.force_login(personas.officer)
    text = client.get(case.get_absolute_url()).content.decode()
    assert 'data-testid="dual-panel"' in text
    assert 'data-outcome="covered"' in text  # Code pénal 324-1, verified, five years
    outgoing = _case(personas, Direction.OUTGOING)
    assert (
        'data-testid="dual-panel"' not in client.get(outgoing.get_absolute_url()).content.decode()
    )


def test_the_demo_shows_every_outcome(demo_laws: DualData) -> None:
    def outcome(requested: str, **options: Any) -> Outcome:
        values: dict[str, Any] = {"basis": "untoc", "kind": "mla", "iccs": ["07041"]} | options
        return assess("KE", requested, on=DAY, data=demo_laws, **values).outcome

    assert outcome("FR") == Outcome.COVERED
    assert outcome("ES") == Outcome.LIKELY  # coded by hand, not verified
    assert outcome("CN") == Outcome.LIKELY  # only suggested
    assert outcome("GB", basis=None, kind="extradition") == Outcome.LIKELY  # penalty unknown
    assert (
        assess(
            "FR", "KE", on=DAY, basis="uncac", kind="mla", iccs=["07041"], data=demo_laws
        ).outcome
        == Outcome.LIKELY
    )  # parent level (demonstration entry)
    assert outcome("MA") == Outcome.NOT_SHOWN
    assert outcome("MA", basis="uncac", measures=["service_of_documents"]) == (Outcome.NOT_REQUIRED)
