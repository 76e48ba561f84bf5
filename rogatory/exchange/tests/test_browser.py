"""The secure exchange in Debian's Chromium, driven by Playwright: France sends an approved
request to Kenya on one hub, Kenya registers and acknowledges it, France sees every evidence
and downloads a bundle that verifies; the inbox right to left in Arabic.

Screenshots land in test-artifacts/exchange-*.png for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from cryptography.fernet import Fernet

from conftest import Personas, log_in, log_out, quiet, shot
from rogatory.accounts.models import Authority, User
from rogatory.cases.choices import Direction, Status
from rogatory.cases.models import Case
from rogatory.demo.loaders import load_demo_data
from rogatory.drafting.actions import do_approve, do_finalise
from rogatory.drafting.tests.test_versions import a_draft
from rogatory.exchange import transport
from rogatory.exchange.bundle import verify_bundle
from rogatory.exchange.models import Evidence, Message
from rogatory.exchange.node import do_init_node

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _exchange_settings(settings: Any, tmp_path: Path) -> None:
    # The live server runs in this process, so it sees these settings too.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.DATA_DIR = tmp_path
    settings.EXCHANGE_KEK = [Fernet.generate_key().decode()]


def an_approved_request_of_france() -> Case:
    """fr-bepi's outgoing draft to Kenya, finalised by Claire and approved by Marc."""
    france = Authority.objects.get(code="fr-bepi")
    claire = User.objects.get(username="claire.officer")
    # a_draft reads only the authority and the officer of the personas.
    case = a_draft(cast(Personas, SimpleNamespace(authority_a=france, officer=claire)))
    version = do_finalise(case, language="en", acting_user=claire)
    do_approve(version, acting_user=User.objects.get(username="marc.supervisor"))
    return case


def test_france_sends_a_request_to_kenya_through_the_exchange_of_one_hub(
    live_server: Any, page: Any, tmp_path: Path
) -> None:
    """Send from the case's panel, register and acknowledge at Kenya, see the evidences at
    France, and download a bundle that verifies offline; the inbox works in Arabic."""
    from playwright.sync_api import expect

    load_demo_data(with_cases=False, with_knowledge=False)
    base = live_server.url
    do_init_node("demo-node", base + "/exchange/v1")
    case_fr = an_approved_request_of_france()

    # France: the panel offers the approved version to Kenya's authority on this node.
    log_in(page, base, "claire.officer")
    page.goto(base + case_fr.get_absolute_url())
    panel = page.get_by_test_id("exchange-panel")
    expect(panel).to_contain_text("Secure exchange")
    expect(panel).to_contain_text("Version 1 is approved")
    kenya = panel.locator("#id_destination option", has_text="ke-odpp@demo-node")
    panel.locator("#id_destination").select_option(kenya.get_attribute("value"))
    shot(page, "exchange-01-panel-send-request-en")
    panel.get_by_test_id("exchange-send-request").click()
    expect(page.locator(".messages")).to_contain_text("queued for the other authority")
    expect(page.get_by_test_id("case-status")).to_have_text("Sent")

    quiet(page)
    transport.run_once()
    page.reload()
    # One item per message; each holds its own list of evidence badges.
    thread = page.get_by_test_id("exchange-thread").locator(":scope > li")
    expect(thread).to_have_count(1)
    expect(thread).to_contain_text("request", ignore_case=True)
    for evidence in ("SUBMISSION_ACCEPTANCE", "RELAY_REMMD_ACCEPTANCE", "DELIVERY"):
        expect(thread.locator(f'[data-evidence="{evidence}"]')).to_have_count(1)
    shot(page, "exchange-02-panel-delivered-en")

    # Kenya: the inbox has one request to register; opening it is the retrieval.
    log_out(page)
    log_in(page, base, "wanjiru.officer")
    page.get_by_test_id("nav-exchange").click()
    to_register = page.get_by_test_id("to-register")
    expect(to_register.locator("li")).to_have_count(1)
    expect(to_register).to_contain_text("Laundering of the proceeds of bribery")
    expect(to_register).to_contain_text("fr-bepi@demo-node")
    shot(page, "exchange-03-inbox-kenya-en")
    to_register.locator("a").click()
    timeline = page.get_by_test_id("evidence-timeline")
    expect(timeline.locator('[data-evidence="RETRIEVAL"]')).to_have_count(1)
    shot(page, "exchange-04-message-received-en")
    page.get_by_test_id("register-request").click()
    expect(page.locator(".messages")).to_contain_text("registered as an incoming request")
    expect(page.get_by_test_id("case-status")).to_have_text("Received")
    quiet(page)
    case_ke = Case.objects.get(authority__code="ke-odpp")
    assert case_ke.direction == Direction.INCOMING
    assert case_ke.their_reference == case_fr.our_reference
    expect(page).to_have_url(base + case_ke.get_absolute_url())

    panel = page.get_by_test_id("exchange-panel")
    expect(panel).to_contain_text("fr-bepi")
    expect(panel.get_by_test_id("exchange-thread").locator(":scope > li")).to_have_count(1)
    panel.locator("summary", has_text="Send to the other authority").click()
    panel.locator("#id_action").select_option("acknowledgement")
    shot(page, "exchange-05-panel-kenya-acknowledge-en")
    panel.get_by_test_id("exchange-send").click()
    expect(page.locator(".messages")).to_contain_text("Sealed and queued")
    expect(page.get_by_test_id("case-status")).to_have_text("Acknowledged")
    quiet(page)
    transport.run_once()

    # France: the case followed Kenya's acknowledgement; the request's evidences are all in.
    log_out(page)
    log_in(page, base, "claire.officer")
    page.goto(base + case_fr.get_absolute_url())
    expect(page.get_by_test_id("case-status")).to_have_text("Acknowledged")
    thread = page.get_by_test_id("exchange-thread").locator(":scope > li")
    expect(thread).to_have_count(2)
    expect(thread.nth(1)).to_contain_text("acknowledgement", ignore_case=True)
    expect(thread.first.locator('[data-evidence="RETRIEVAL"]')).to_have_count(1)
    shot(page, "exchange-06-panel-acknowledged-en")

    quiet(page)
    sent = Message.objects.get(direction=Message.Direction.OUTBOUND, action="request")
    thread.first.locator(f'a[href="{sent.get_absolute_url()}"]').click()
    timeline = page.get_by_test_id("evidence-timeline")
    expect(timeline.locator("li")).to_have_count(sent.evidences.count())
    for kind in (Evidence.Type.DELIVERY, Evidence.Type.RETRIEVAL):
        expect(timeline.locator(f'[data-evidence="{kind}"]')).to_have_count(1)
    shot(page, "exchange-07-message-timeline-en")
    with page.expect_download() as download_info:
        page.get_by_test_id("bundle").click()
    download = download_info.value
    assert download.suggested_filename == f"evidence-{sent.message_id}.zip"
    bundle = tmp_path / download.suggested_filename
    download.save_as(bundle)
    result = verify_bundle(bundle)
    assert result.ok, result.lines

    # Arabic: France's inbox (Kenya's acknowledgement) and outbox, then the message page.
    page.get_by_test_id("nav-exchange").click()
    received = page.get_by_test_id("messages").locator("tbody tr")
    expect(received).to_have_count(1)
    expect(received).to_contain_text("acknowledgement", ignore_case=True)
    expect(received).to_contain_text(case_fr.our_reference)
    shot(page, "exchange-08-inbox-en")
    page.click('.language-switcher button[value="ar"]')
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.get_by_test_id("messages").locator("tbody tr")).to_have_count(1)
    shot(page, "exchange-09-inbox-ar")
    page.get_by_test_id("tab-outbox").click()
    # The inbox has one row too: wait for the outbox.
    expect(page).to_have_url(re.compile(r"[?&]box=outbox"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_test_id("messages").locator("tbody tr")).to_have_count(1)
    shot(page, "exchange-10-outbox-ar")
    page.goto(base + sent.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_test_id("evidence-timeline").locator("li")).to_have_count(
        sent.evidences.count()
    )
    expect(page.get_by_test_id("message-state")).not_to_be_empty()
    shot(page, "exchange-11-message-timeline-ar")
    quiet(page)
    assert Case.objects.get(pk=case_fr.pk).status == Status.ACKNOWLEDGED
