"""The preview of a request in Arabic on a phone: right to left, and no wider than the screen.

Screenshot in test-artifacts/ (preview-ar-390.png).
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import log_in, shot, switch_language
from rogatory.accounts.models import User
from rogatory.cases.actions import do_register_case
from rogatory.cases.choices import Direction, MeasureType
from rogatory.demo.loaders import load_demo_data
from rogatory.web.tests.test_layout_browser import _overflow, _widest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_arabic_preview_fits_a_phone(live_server: Any, page: Any) -> None:
    load_demo_data(with_cases=False, with_knowledge=False)  # the officer is enough
    officer = User.objects.get(username="claire.officer")
    assert officer.authority is not None
    case = do_register_case(
        officer.authority,
        direction=Direction.OUTGOING,
        fields={
            "kind": "mla",
            "requested_state_id": "MA",
            "subject": "Blanchiment du produit de la corruption (Société Atlas-Méditerranée SARL)",
            # A long unbroken account number and address, as real requests have.
            "summary_of_facts": "Virements vers le compte MA64011519000001205000534921 "
            "(https://registre.example.org/entreprises/atlas-mediterranee-sarl-000123456789).",
            "purpose": "Preuves pour le procès.",
        },
        acting_user=officer,
        measures=[{"kind": MeasureType.BANK_RECORDS, "description": "Relevés 2022–2024"}],
    )
    base = live_server.url
    log_in(page, base)
    switch_language(page, base, "ar")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{base}/cases/{case.public_id}/writer/preview/?language=ar")
    document = page.get_by_test_id("request-document")
    assert document.get_attribute("dir") == "rtl"
    assert page.get_by_test_id("draft-mark").is_visible()
    shot(page, "preview-ar-390")
    extra = _overflow(page)
    assert extra <= 0, f"{extra}px too wide ({_widest(page)})"
