"""Fixtures for case tests: a factory that registers requests through the real actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conftest import Personas
from rogatory.accounts.models import Authority, User
from rogatory.cases.actions import do_register_case
from rogatory.cases.choices import Direction, MeasureType
from rogatory.cases.models import Case

MakeCase = Callable[..., Case]


@pytest.fixture
def make_case(personas: Personas) -> MakeCase:
    """Register a request of authority A (France) by its officer; keywords override fields.

    Incoming requests come from Kenya by default, outgoing ones go to Kenya. ``measures`` is a
    list of measure kinds (default: one bank-records measure).
    """

    def make(
        direction: str = Direction.INCOMING,
        *,
        authority: Authority | None = None,
        acting_user: User | None = None,
        measures: list[str] | None = None,
        **fields: Any,
    ) -> Case:
        authority = authority or personas.authority_a
        other = "KE" if authority.state_id != "KE" else "FR"
        defaults: dict[str, Any] = {
            "kind": "mla",
            "subject": "Laundering of the proceeds of a bribery scheme",
            "summary_of_facts": "Payments were routed through shell companies.",
            "purpose": "To trace the funds and identify the beneficial owners.",
        }
        if direction == Direction.INCOMING:
            defaults["requesting_state_id"] = other
            defaults["requesting_authority_name"] = "Office of the Director of Public Prosecutions"
        else:
            defaults["requested_state_id"] = other
        defaults |= fields
        kinds = [MeasureType.BANK_RECORDS] if measures is None else measures
        return do_register_case(
            authority,
            direction=direction,
            fields=defaults,
            acting_user=acting_user
            or (personas.officer if authority == personas.authority_a else personas.outsider),
            measures=[{"kind": k, "description": ""} for k in kinds],
        )

    return make
