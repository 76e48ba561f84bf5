"""Layout on a phone (390 px) and a laptop (1366 px), in English and Arabic: no page is
wider than the screen, the menu's links can be reached, user text keeps its own direction.

Screenshots land in test-artifacts/ (layout-<language>-<width>-<page>.png).
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import log_in, shot, switch_language
from rogatory.cases.models import Case
from rogatory.demo.loaders import load_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1366)


def _overflow(page: Any) -> int:
    """How many pixels the page is wider than the window (0 when it fits)."""
    return int(
        page.evaluate(
            "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
            " - window.innerWidth"
        )
    )


def _widest(page: Any) -> str:
    """The innermost elements that stick out of the window, to say what to fix."""
    return str(
        page.evaluate(
            """() => [...document.querySelectorAll('body *')]
            .filter(e => { const r = e.getBoundingClientRect();
              return r.right > window.innerWidth + 1 || r.left < -1; })
            .filter(e => ![...e.children].some(c => { const r = c.getBoundingClientRect();
              return r.right > window.innerWidth + 1 || r.left < -1; }))
            .slice(0, 3)
            .map(e => e.tagName + '.' + e.className + ' ' + e.textContent.slice(0, 30))"""
        )
    )


def _drafts() -> tuple[Case, Case]:
    """Two outgoing requests of the demo's French authority: one being written, one finalised
    (its writer shows the versions table)."""
    from types import SimpleNamespace
    from typing import cast

    from conftest import Personas
    from rogatory.accounts.models import Authority, User
    from rogatory.drafting.actions import do_finalise
    from rogatory.drafting.tests.test_versions import a_draft

    officer = User.objects.get(username="claire.officer")
    people = SimpleNamespace(authority_a=Authority.objects.get(code="fr-bepi"), officer=officer)
    draft, finalised = a_draft(cast(Personas, people)), a_draft(cast(Personas, people))
    do_finalise(finalised, language="en", acting_user=officer)
    return draft, finalised


def test_pages_fit_the_screen_in_english_and_arabic(live_server: Any, page: Any) -> None:
    load_demo_data()
    base = live_server.url
    case = Case.objects.filter(authority__code="fr-bepi").order_by("pk").first()
    assert case is not None
    draft, finalised = _drafts()
    log_in(page, base)
    pages = {
        "home": "/",
        "list": "/cases/",
        "case": f"/cases/{case.public_id}/",
        "register": "/cases/new/incoming/",
        "writer": f"/cases/{draft.public_id}/writer/",
        "writer-step": f"/cases/{draft.public_id}/writer/steps/measures/",
        "writer-finalised": f"/cases/{finalised.public_id}/writer/",
        "reminders": "/cases/reminders/",
        "dashboard": "/cases/dashboard/",
        "directory-entry": "/directory/KE/",
        "finder": "/legal-basis/?requesting=FR&requested=KE&kind=mla",
        "knowledge": "/knowledge/?q=bank",
        "security": "/accounts/security/",
    }
    problems = []
    for language in ("en", "ar"):
        switch_language(page, base, language)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for name, path in pages.items():
                response = page.goto(base + path)
                assert response is not None and response.ok, (path, response)
                shot(page, f"layout-{language}-{width}-{name}")
                extra = _overflow(page)
                if extra > 0:
                    problems.append(
                        f"{language} {width}px {name}: {extra}px too wide ({_widest(page)})"
                    )
                # Every link of the main menu can be reached: visible, or behind the menu
                # button that a narrow screen shows instead.
                toggle = page.locator("[data-testid=menu-toggle]")
                if toggle.is_visible():
                    toggle.click()
                link = page.get_by_test_id("nav-cases")
                box = link.bounding_box()
                if (
                    not link.is_visible()
                    or box is None
                    or box["x"] < 0
                    or (box["x"] + box["width"] > width)
                ):
                    problems.append(f"{language} {width}px {name}: 'Requests' out of reach")
                if width == 1366:
                    header = page.locator(".site-header").bounding_box()
                    if header is not None and header["height"] > 90:
                        problems.append(
                            f"{language} {width}px {name}: header {header['height']:.0f}px high"
                        )
    assert not problems, "\n".join(problems)


def test_user_text_keeps_its_own_direction_in_arabic(live_server: Any, page: Any) -> None:
    """Latin-script text typed into a case is isolated on an Arabic page: its punctuation
    stays where it was typed (facts, subject, names, history)."""
    load_demo_data()
    base = live_server.url
    case = Case.objects.filter(authority__code="fr-bepi").exclude(summary_of_facts="").first()
    assert case is not None
    log_in(page, base)
    switch_language(page, base, "ar")
    page.goto(base + f"/cases/{case.public_id}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    directions = page.evaluate(
        """() => ({
          facts: getComputedStyle(document.querySelector('p.prose')).direction,
          subject: getComputedStyle(document.querySelector('h1 bdi')).direction,
          history: [...document.querySelectorAll('[data-testid=history] bdi')].length,
        })"""
    )
    assert directions["facts"] == "ltr", directions
    assert directions["subject"] == "ltr", directions
    assert directions["history"] > 0, directions
    shot(page, "bidi-ar-case")


def test_printing_a_case_shows_its_content_and_its_confidentiality(
    live_server: Any, page: Any
) -> None:
    load_demo_data()
    base = live_server.url
    case = Case.objects.filter(authority__code="fr-bepi", confidentiality="confidential").first()
    assert case is not None
    log_in(page, base)
    page.goto(base + f"/cases/{case.public_id}/")
    assert not page.get_by_test_id("print-confidential").is_visible()
    assert page.locator("#next-steps").is_visible()
    page.emulate_media(media="print")
    assert page.get_by_test_id("print-confidential").is_visible()
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("main form").first.is_visible()
    assert page.locator("h1").is_visible()
    assert not page.locator(".skip-link").is_visible()
    assert not page.locator("#next-steps").is_visible()
    # On A4 paper (about 700 CSS pixels between the margins) no table hides columns behind a
    # scroll bar that paper does not have, and nothing is wider than the page.
    page.set_viewport_size({"width": 700, "height": 1000})
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('main table, main .card')]
          .filter(e => e.getClientRects().length && e.scrollWidth > e.clientWidth + 1)
          .map(e => e.tagName + '.' + e.className + ' ' + e.scrollWidth + '>' + e.clientWidth)"""
    )
    assert clipped == [], clipped
    assert _overflow(page) <= 0, _widest(page)
    shot(page, "print-case")
    page.pdf(path="test-artifacts/print-case.pdf")
