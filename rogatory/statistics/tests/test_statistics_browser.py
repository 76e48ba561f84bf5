"""The statistics page in Chromium: a preset chosen, the tables and their rules, in Arabic too."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone

from conftest import PASSWORD, Personas, log_in, shot
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
    log_in(page, live_server.url, personas.officer.username, PASSWORD)
    page.goto(live_server.url + "/cases/")
    page.get_by_test_id("statistics-link").click()
    page.select_option("#id_preset", "this_year")
    page.get_by_test_id("statistics-period").locator("button[type=submit]").click()
    # The page before the choice has these tables too (another period): wait for the new one.
    expect(page).to_have_url(re.compile(r"[?&]preset=this_year"))
    kinds = page.get_by_test_id("table-kinds")
    expect(kinds.locator("tfoot")).to_contain_text("2")
    expect(kinds.locator(".counting-rule")).to_contain_text("Unit: the request.")
    expect(page.get_by_test_id("table-durations")).to_contain_text("receipt to execution")
    shot(page, "statistics-this-year")


# A4 at 96 pixels to the inch, less 1.5 cm margins on each side: 21 cm - 3 cm = 18 cm.
A4_CONTENT_WIDTH = round(18 / 2.54 * 96)


def test_the_charts_pass_axe_in_english_and_arabic_mirrored_and_fit_a4(
    live_server: Any, page: Any
) -> None:
    """The demo's year of statistics: charts named, described and without a serious axe
    violation in both languages; in Arabic the months run from right to left; printed, each
    chart and table fits the width of an A4 page."""
    from conftest import log_out, switch_language
    from rogatory.demo.loaders import load_demo_data
    from rogatory.web.tests.test_accessibility_browser import Audit

    load_demo_data()
    base = live_server.url
    audit = Audit(page, base)
    path = "/statistics/?preset=last_12_months"
    try:
        for language in ("en", "ar"):
            switch_language(page, base, language)
            log_in(page, base, "claire.officer")
            page.set_viewport_size({"width": 1280, "height": 900})
            audit.check(language, "officer", "statistics", path)
            months = page.get_by_test_id("chart-months").locator("svg")
            assert months.get_attribute("role") == "img"
            assert months.locator("desc").count() == 1
            bars = months.locator("rect.chart-bar")
            assert bars.count() >= 2
            first = bars.first.bounding_box()
            last = bars.last.bounding_box()
            assert first is not None and last is not None
            # The first month stands at the start of the reading direction.
            if language == "ar":
                assert first["x"] > last["x"], (first, last)
            else:
                assert first["x"] < last["x"], (first, last)
            shot(page, f"statistics-charts-{language}")
            page.emulate_media(media="print")
            page.set_viewport_size({"width": A4_CONTENT_WIDTH, "height": 1100})
            overflowing = page.evaluate(
                """width => [...document.querySelectorAll(
                    '.statistics-chart svg, .statistics-table table')]
                  .filter(e => e.getBoundingClientRect().right > width + 1
                            || e.getBoundingClientRect().left < -1)
                  .map(e => e.closest('section').id)""",
                A4_CONTENT_WIDTH,
            )
            assert overflowing == [], overflowing
            shot(page, f"statistics-print-{language}")
            page.emulate_media(media="screen")
            page.set_viewport_size({"width": 1280, "height": 900})
            log_out(page)
    finally:
        audit.save()
    problems = audit.blocking()
    assert not problems, "\n".join(problems)
