"""A controlled world of treaty participation for the finder's tests."""

from __future__ import annotations

import datetime

import pytest

from rogatory.treaties.models import Declaration, Instrument, Participation, entry_into_force_for

TODAY = datetime.date(2026, 11, 1)
LISTED = datetime.date(2014, 7, 10)
ALL = ("untoc", "untoc-tip", "untoc-som", "untoc-fire", "uncac", "drugs-1988")


def party(code: str, state: str, deposited: str, action: str = "ratification") -> Participation:
    instrument = Instrument.objects.get(code=code)
    day = datetime.date.fromisoformat(deposited)
    return Participation.objects.create(
        instrument=instrument,
        state_id=state,
        action=action,
        deposited_on=day,
        in_force_on=entry_into_force_for(instrument, day),
        verified=True,
        as_of=datetime.date(2026, 11, 1),
    )


@pytest.fixture
def world(db: None) -> None:
    """FR and KE: parties to everything. SY: UNTOC only, UNCAC signed. JP: UNTOC in 2017.

    The lists are complete as of LISTED (2014-07-10)."""
    Participation.objects.all().delete()
    # The world's "UN list" is complete as of LISTED: later, a missing state is not recorded.
    Instrument.objects.filter(code__in=ALL).update(list_complete_as_of=LISTED)
    Declaration.objects.all().delete()
    for code in ALL:
        party(code, "FR", "2005-01-10")
        party(code, "KE", "2005-01-10", "accession")
    party("untoc", "SY", "2009-08-19")
    Participation.objects.create(
        instrument=Instrument.objects.get(code="uncac"),
        state_id="SY",
        action="signature",
        signed_on=datetime.date(2003, 12, 9),
        verified=True,
    )
    party("untoc", "JP", "2017-07-11", "acceptance")
