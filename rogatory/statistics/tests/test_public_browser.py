"""The public statistics page in Chromium: a supervisor publishes, a stranger reads, in Arabic."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from conftest import PASSWORD, Personas, log_in, shot
from rogatory.cases.choices import Direction
from rogatory.cases.models import Case
from rogatory.cases.tests.conftest import MakeCase
from rogatory.reference.loaders import load_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_publishes_and_anyone_reads(
    live_server: Any, page: Any, browser: Any, personas: Personas, make_case: MakeCase
) -> None:
    from playwright.sync_api import expect

    load_reference_data()
    for _ in range(4):
        make_case(Direction.INCOMING)
    make_case(Direction.OUTGOING, kind="extradition")
    day = timezone.localdate() - datetime.timedelta(days=20)
    Case.objects.update(received_on=day, sent_on=day)

    log_in(page, live_server.url, personas.supervisor.username, PASSWORD)
    page.goto(live_server.url + "/statistics/publication/")
    form = page.get_by_test_id("public-statistics-form")
    form.locator('input[value="kinds"]').check()
    form.locator('input[value="sdmx"]').check()
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("public-statistics-link")).to_be_visible()
    shot(page, "public-statistics-01-settings")

    stranger = browser.new_context()
    public = stranger.new_page()
    public.goto(live_server.url + "/statistics/public/aa-central/")
    kinds = public.get_by_test_id("public-table-kinds")
    # Small counts withheld, and the cells beside them that the totals would give back.
    expect(kinds.locator("tbody")).to_contain_text("x")
    expect(public.get_by_test_id("public-statistics-suppression")).to_contain_text("from 1 to 2")
    expect(kinds.locator(".counting-rule")).to_contain_text("Unit: the request.")
    expect(public.get_by_test_id("public-statistics-sdmx")).to_be_visible()
    shot(public, "public-statistics-02-en")
    public.click('.language-switcher button[value="ar"]')
    expect(public.locator("html")).to_have_attribute("dir", "rtl")
    withheld = public.get_by_test_id("public-table-kinds").locator('tbody span[dir="ltr"]')
    expect(withheld.first).to_have_text("x")
    shot(public, "public-statistics-03-ar")
    stranger.close()
