"""The statistics page in Chromium: a preset chosen, the tables and their rules, in Arabic too."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from conftest import PASSWORD, Personas, shot
from rogatory.cases.choices import Direction, Status
from rogatory.cases.models import Case
from rogatory.cases.tests.conftest import MakeCase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_reads_the_statistics_of_this_year(
    live_server: Any, page: Any, personas: Personas, make_case: MakeCase
) -> None:
    from playwright.sync_api import expect

    today = timezone.localdate()
    start = datetime.date(today.year, 1, 1)
    received = make_case(Direction.INCOMING)
    Case.objects.filter(pk=received.pk).update(
        received_on=start, executed_on=today, status=Status.EXECUTED
    )
    Case.objects.filter(pk=make_case(Direction.OUTGOING).pk).update(
        sent_on=start, status=Status.SENT
    )
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", personas.officer.username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.goto(live_server.url + "/cases/")
    page.get_by_test_id("statistics-link").click()
    page.select_option("#id_preset", "this_year")
    page.get_by_test_id("statistics-period").locator("button[type=submit]").click()
    kinds = page.get_by_test_id("table-kinds")
    expect(kinds.locator("tfoot")).to_contain_text("2")
    expect(kinds.locator(".counting-rule")).to_contain_text("Unit: the request.")
    expect(page.get_by_test_id("table-durations")).to_contain_text("receipt to execution")
    shot(page, "statistics-this-year")
