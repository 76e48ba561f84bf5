"""The dual-criminality panel in the request writer, in Chromium (decision 0034): France asks
Kenya for bank records in a laundering case; the offence step shows Kenya's recorded provision
(a labelled demonstration entry, coded at a parent ICCS level) beside France's own."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from conftest import Personas, log_in, shot
from rogatory.accounts.models import Authority, User
from rogatory.cases.actions import do_add_offence
from rogatory.demo.loaders import load_demo_data
from rogatory.drafting.tests.test_versions import a_draft
from rogatory.reference.models import IccsCategory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_writer_shows_the_dual_criminality_panel(live_server: Any, page: Any) -> None:
    from playwright.sync_api import expect

    load_demo_data(with_cases=False)
    officer = User.objects.get(username="claire.officer")
    people = SimpleNamespace(authority_a=Authority.objects.get(code="fr-bepi"), officer=officer)
    case = a_draft(cast(Personas, people))
    do_add_offence(
        case,
        national_name="Blanchiment aggravé",
        national_provision="Code pénal, art. 324-2",
        iccs=IccsCategory.objects.get(code="07041"),
        acting_user=officer,
    )
    base = live_server.url
    log_in(page, base, "claire.officer")
    page.goto(f"{base}/cases/{case.public_id}/writer/steps/offences/")
    panel = page.get_by_test_id("dual-panel")
    expect(panel).to_be_visible()
    answer = panel.get_by_test_id("dual-answer")
    expect(answer).to_have_attribute("data-outcome", "likely")
    expect(answer.get_by_test_id("dual-outcome")).to_have_text("Likely covered")
    expect(answer).to_contain_text("broader category than the conduct's 07041")
    expect(answer).to_contain_text("demonstration entry")
    expect(answer).to_contain_text("Code pénal, Article 324-1")
    expect(panel).to_contain_text("not a legal determination")
    shot(page, "60-writer-dual-criminality")
