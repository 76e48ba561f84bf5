"""axe-core on the main pages, in English and Arabic: no "serious" or "critical" violation.

axe-core is the copy bundled in the pinned ``axe-playwright-python`` package (nothing is
downloaded at test time). Each page's violations, whatever their impact, are written to
test-artifacts/axe-report.json so that the minor and moderate ones can be read and fixed too.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest

from conftest import ARTIFACTS, log_in, log_out, shot, switch_language
from rogatory.accounts.models import Authority, User
from rogatory.cases.models import Case
from rogatory.demo.loaders import load_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The impacts that fail the test; "minor" and "moderate" are reported only.
BLOCKING = {"serious", "critical"}
LANGUAGES = ("en", "ar")


def _finalised_request() -> Case:
    """An outgoing request of the demo's French authority, finalised and awaiting approval."""
    from types import SimpleNamespace
    from typing import cast

    from conftest import Personas
    from rogatory.drafting.actions import do_finalise
    from rogatory.drafting.tests.test_versions import a_draft

    officer = User.objects.get(username="claire.officer")
    people = SimpleNamespace(authority_a=Authority.objects.get(code="fr-bepi"), officer=officer)
    case = a_draft(cast(Personas, people))
    do_finalise(case, language="en", acting_user=officer)
    return case


class Audit:
    """Runs axe on each page visited and keeps what it finds."""

    def __init__(self, page: Any, base: str) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.page = page
        self.base = base
        self.report: list[dict[str, Any]] = []
        self.engine = ""

    def check(self, language: str, role: str, name: str, path: str, status: int = 200) -> None:
        response = self.page.goto(self.base + path)
        # The page itself, not a redirect to the login page or an error page in its place.
        assert response is not None and response.status == status, (path, response)
        assert self.page.url == self.base + path, (path, self.page.url)
        self.scan(language, role, name)

    def scan(self, language: str, role: str, name: str) -> None:
        """Run axe on the page as it stands (after a click, a failed submission)."""
        path = self.page.url.removeprefix(self.base)
        assert self.page.locator("html").get_attribute("lang") == language, path
        # Only WCAG 2.x A/AA rules and axe's best practices: what a public body must meet.
        results = self.axe.run(
            self.page,
            options={
                "resultTypes": ["violations"],
                "runOnly": {
                    "type": "tag",
                    "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
                },
            },
        )
        violations = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [
                    {"target": n["target"], "html": n["html"][:200], "summary": n["failureSummary"]}
                    for n in v["nodes"][:5]
                ],
                "count": len(v["nodes"]),
            }
            for v in results.response["violations"]
        ]
        self.engine = results.response.get("testEngine", {}).get("version", "")
        self.report.append(
            {
                "language": language,
                "role": role,
                "page": name,
                "path": path,
                "violations": violations,
            }
        )
        if any(v["impact"] in BLOCKING for v in violations):
            shot(self.page, f"axe-{language}-{role}-{name}")

    def blocking(self) -> list[str]:
        return [
            f"{entry['language']} {entry['role']} {entry['page']}: {v['id']} ({v['impact']}) "
            f"{v['count']}× e.g. {v['nodes'][0]['target']} {v['nodes'][0]['html'][:120]}"
            for entry in self.report
            for v in entry["violations"]
            if v["impact"] in BLOCKING
        ]

    def save(self) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        impacts: dict[str, int] = {}
        for entry in self.report:
            for violation in entry["violations"]:
                impacts[violation["impact"]] = impacts.get(violation["impact"], 0) + 1
        summary = {
            "axe_core": self.engine,
            "pages_checked": len(self.report),
            "violations_by_impact": impacts,
            "pages": self.report,
        }
        (ARTIFACTS / "axe-report.json").write_text(
            json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8"
        )


def test_axe_finds_what_it_is_there_to_find(page: Any) -> None:
    """The bundled engine runs and reports a missing alternative text and a nameless button
    as critical: the check below can fail."""
    from axe_playwright_python.sync_playwright import Axe

    page.set_content(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main>'
        '<img src="data:,"><button type="button"></button></main></body></html>'
    )
    found = {v["id"]: v["impact"] for v in Axe().run(page).response["violations"]}
    assert found.get("image-alt") == "critical", found
    assert found.get("button-name") == "critical", found


def test_main_pages_have_no_serious_accessibility_violation(live_server: Any, page: Any) -> None:
    load_demo_data()
    case = Case.objects.filter(authority__code="fr-bepi").order_by("pk").first()
    assert case is not None
    draft = _finalised_request()
    base = live_server.url
    audit = Audit(page, base)
    public = {
        "home": "/",
        "login": "/accounts/login/",
        "iccs": "/iccs/",
        "knowledge": "/knowledge/?q=bank",
        "directory": "/directory/",
        "directory-entry": "/directory/KE/",
        "finder": "/legal-basis/",
        "finder-result": "/legal-basis/?requesting=FR&requested=KE&kind=mla",
    }
    officer = {
        "inbox": "/",
        "case-list": "/cases/",
        "case": f"/cases/{case.public_id}/",
        "register": "/cases/new/incoming/",
        "writer": f"/cases/{draft.public_id}/writer/",
        "writer-step": f"/cases/{draft.public_id}/writer/steps/persons/",
        "reminders": "/cases/reminders/",
        "dashboard": "/cases/dashboard/",
        "security": "/accounts/security/",
    }
    supervisor = {
        "inbox": "/",
        "to-approve": "/cases/?awaiting=approval",
        "approval": f"/cases/{draft.public_id}/writer/",
    }
    try:
        for language in LANGUAGES:
            switch_language(page, base, language)
            for name, path in public.items():
                audit.check(language, "public", name, path)
            log_in(page, base, "claire.officer")
            for name, path in officer.items():
                audit.check(language, "officer", name, path)
            # The error page too: a reader who followed a dead link must find the way back.
            audit.check(language, "officer", "not-found", f"/cases/{uuid.UUID(int=0)}/", 404)
            # A form sent with its errors: the banner and each field's message.
            page.goto(base + "/cases/new/incoming/")
            page.locator("[data-testid=case-form]").evaluate("form => form.noValidate = true")
            page.get_by_test_id("case-save").click()
            page.get_by_test_id("form-problems").wait_for()
            audit.scan(language, "officer", "register-errors")
            # A phone: the menu folded behind its button, then opened.
            page.set_viewport_size({"width": 390, "height": 900})
            page.goto(base + "/")
            page.get_by_test_id("menu-toggle").click()
            audit.scan(language, "officer", "phone-menu")
            page.set_viewport_size({"width": 1280, "height": 720})
            log_out(page)
            log_in(page, base, "marc.supervisor")
            for name, path in supervisor.items():
                audit.check(language, "supervisor", name, path)
            log_out(page)
    finally:
        audit.save()
    assert audit.report, "no page was checked"
    problems = audit.blocking()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_skip_link_shows_on_focus_inside_the_screen(
    live_server: Any, page: Any, language: str
) -> None:
    """The first Tab shows "Skip to content" on the screen (its start side in Arabic), and it
    leads to the content; hidden, it takes no room."""
    from playwright.sync_api import expect

    base = live_server.url
    switch_language(page, base, language)
    page.set_viewport_size({"width": 390, "height": 800})
    skip = page.locator(".skip-link")
    assert not skip.is_visible() or (skip.bounding_box() or {"width": 0})["width"] <= 1
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = skip.bounding_box()
    assert box is not None and box["width"] > 20, box
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    if language == "ar":
        assert box["x"] + box["width"] > 195, box  # on the right, where Arabic starts
    shot(page, f"skip-link-{language}")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
