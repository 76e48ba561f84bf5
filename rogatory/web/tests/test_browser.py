"""End to end in Debian's Chromium, driven by Playwright: log in, go Arabic, browse ICCS.

Screenshots land in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from conftest import log_in, shot
from rogatory.demo.loaders import load_demo_data
from rogatory.reference.models import IccsCategory
from rogatory.treaties.models import Instrument, Participation

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_officer_logs_in_switches_to_arabic_and_browses_iccs(live_server: object, page) -> None:
    from playwright.sync_api import expect

    load_demo_data(with_cases=False)
    base = live_server.url
    log_in(page, base)
    expect(page.get_by_test_id("current-user")).to_contain_text("Claire Duval")
    shot(page, "01-home-officer-en")

    # The whole page loaded (its stylesheet too) before its layout is measured.
    with page.expect_navigation():
        page.click('.language-switcher button[value="ar"]')
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    # Mirrored layout: the brand sits at the right edge, the account block at the left.
    brand = page.locator(".brand").bounding_box()
    account = page.locator(".account").bounding_box()
    assert brand["x"] > account["x"]
    shot(page, "02-home-officer-ar")

    page.goto(base + "/iccs/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    section = IccsCategory.objects.get(code="02")
    tree = page.get_by_test_id("iccs-tree")
    expect(tree).to_contain_text(section.title_ar)
    # Expand section 02 through htmx; its level-2 children appear without a page load.
    tree.locator("li.level-1").nth(1).locator("button.expand").click()
    child = IccsCategory.objects.get(code="0201")
    expect(tree).to_contain_text(child.title_ar)
    shot(page, "03-iccs-tree-ar")

    # Search as you type, in Arabic.
    word = IccsCategory.objects.get(code="0101").title_ar.split()[0]
    page.fill("#iccs-q", word)
    results = page.get_by_test_id("iccs-results")
    expect(results).to_contain_text("0101")
    expect(page).to_have_url(re.compile(r"[?&]q="))  # in the address bar, so it can be shared
    shot(page, "04-iccs-search-ar")

    results.locator("a", has_text="0101").first.click()
    expect(page.locator("h1")).to_contain_text("0101")
    expect(page.locator(".badge.unofficial").first).to_be_visible()
    shot(page, "05-iccs-category-ar")


def test_the_public_browses_iccs_in_chinese_without_logging_in(live_server: object, page) -> None:
    from playwright.sync_api import expect

    page.goto(live_server.url + "/iccs/")
    # The page loaded with its scripts: search as you type needs htmx.
    with page.expect_navigation():
        page.click('.language-switcher button[value="zh-hans"]')
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    title = IccsCategory.objects.get(code="0101").title_zh_hans
    page.fill("#iccs-q", title[:2])
    expect(page.get_by_test_id("iccs-results")).to_contain_text(title)
    page.fill("#iccs-q", "0703")
    expect(page.get_by_test_id("iccs-results")).to_contain_text("07031")
    shot(page, "06-iccs-search-zh")


def test_officer_finds_kenyas_mla_authority_and_the_legal_basis(live_server: object, page) -> None:
    """Directory → Kenya's authority for MLA, its languages and channels → the finder, in
    English and then in French."""
    from playwright.sync_api import expect

    load_demo_data(with_cases=False)
    # Our own party rows, so the answer does not depend on the compiled data file.
    uncac = Instrument.objects.get(code="uncac")
    for state in ("FR", "KE"):
        Participation.objects.update_or_create(
            instrument=uncac,
            state_id=state,
            defaults={
                "action": "ratification",
                "deposited_on": datetime.date(2007, 1, 1),
                "in_force_on": datetime.date(2007, 1, 31),
                "verified": True,
            },
        )
    base = live_server.url
    log_in(page, base)

    page.click("nav.main-nav >> text=Directory")
    page.get_by_test_id("filter-state").select_option("KE")
    page.get_by_test_id("filter-kind").select_option("mla")
    page.click("form.filters button[type=submit]")
    expect(page).to_have_url(re.compile(r"[?&]state=KE&kind=mla"))
    results = page.get_by_test_id("directory-results")
    expect(results).to_contain_text("Office of the Director of Public Prosecutions")
    expect(results).not_to_contain_text("Assets Recovery Agency")  # not competent for MLA
    expect(results).to_contain_text("English")
    expect(results).to_contain_text("INTERPOL")
    shot(page, "10-directory-kenya-mla-en")

    results.locator("a", has_text="Office of the Director").click()
    authority = page.get_by_test_id("authority-central-authority")
    expect(authority).to_be_visible()
    expect(page.get_by_test_id("languages")).to_contain_text("English")
    expect(authority.get_by_test_id("channels")).to_contain_text(
        "Directly between central authorities"
    )
    expect(authority.get_by_test_id("urgent-contact")).to_be_visible()
    shot(page, "11-profile-kenya-en")

    page.click("nav.main-nav >> text=Legal basis")
    page.select_option("#id_requesting", "FR")
    page.select_option("#id_requested", "KE")
    page.select_option("#id_kind", "mla")
    page.fill("#id_iccs", "07031")
    page.click("[data-testid=finder-form] button[type=submit]")
    answer = page.get_by_test_id("answer")
    expect(answer.get_by_test_id("basis-uncac")).to_have_attribute("data-verdict", "applies")
    expect(answer.get_by_test_id("basis-uncac")).to_contain_text("Kenya is a party")
    expect(answer.get_by_test_id("as-of")).to_contain_text("Treaty data as of")
    expect(answer).to_contain_text("Reciprocity")
    shot(page, "12-finder-fr-ke-en")

    page.click('.language-switcher button[value="fr"]')
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    answer = page.get_by_test_id("answer")
    expect(answer.get_by_test_id("basis-uncac")).to_contain_text("S’applique")
    expect(answer.get_by_test_id("basis-uncac")).to_contain_text("Kenya est partie")
    expect(answer.get_by_test_id("as-of")).to_contain_text("Données conventionnelles au")
    expect(answer).to_contain_text("Réciprocité")
    shot(page, "13-finder-fr-ke-fr")


def _a_pdf(path: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def test_officer_registers_and_works_an_incoming_mla_request(
    live_server: object, page, tmp_path: Path, settings: object
) -> None:
    """Register an incoming MLA request, add measures, review, execute one measure, record
    partial execution, attach a PDF, then find the request on the dashboard."""
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = str(tmp_path / "media")
    load_demo_data(with_cases=False)
    base = live_server.url
    log_in(page, base)

    page.get_by_test_id("nav-cases").click()
    page.get_by_test_id("register-incoming").click()
    page.select_option("#id_counterpart", "SN")
    page.select_option("#id_kind", "mla")
    page.fill("#id_their_reference", "PR/DAK/2026/4471")
    page.fill("#id_subject", "Détournement de deniers publics — société Téranga Négoce")
    page.fill(
        "#id_summary_of_facts", "Des fonds publics ont transité par des comptes ouverts à Paris."
    )
    page.fill("#id_purpose", "Obtenir les relevés bancaires et entendre un témoin.")
    page.fill("#id_received_on", datetime.date.today().isoformat())
    page.get_by_test_id("case-save").click()
    expect(page.get_by_test_id("case-status")).to_have_text("Received")
    shot(page, "20-case-registered")

    for kind in ("bank_records", "taking_evidence"):
        page.get_by_test_id("add-measure").click()
        page.select_option("#measure-kind", kind)
        # The second time, the message of the first is still on the page until the answer.
        with page.expect_navigation():
            page.get_by_test_id("measure-add-save").click()
        expect(page.locator(".messages")).to_contain_text("Measure added.")
    for action, status in (
        ("acknowledge", "Acknowledged"),
        ("review", "Under review"),
        ("execute_start", "In execution"),
    ):
        page.get_by_test_id(f"transition-{action}").click()
        page.get_by_test_id(f"confirm-{action}").click()
        expect(page.get_by_test_id("case-status")).to_have_text(status)

    bank_row = page.get_by_test_id("measures").locator("tr", has_text="Bank and financial records")
    for status, label in (("in_execution", "In execution"), ("executed", "Executed")):
        bank_row.get_by_test_id("measure-change").click()
        bank_row.get_by_test_id("measure-new-status").select_option(status)
        bank_row.get_by_test_id("measure-save").click()
        # The next change opens the form of the page this one leads to, not of this page.
        expect(bank_row.get_by_test_id("measure-status")).to_have_text(label)

    # Full execution is not offered while the witness has not been heard: the page says why.
    expect(page.get_by_test_id("transition-execute")).to_have_count(0)
    expect(page.get_by_test_id("blocked-execute")).to_be_visible()
    page.get_by_test_id("transition-execute_partially").click()
    page.get_by_test_id("confirm-execute_partially").click()
    expect(page.get_by_test_id("case-status")).to_have_text("Partially executed")

    page.get_by_test_id("attach-document").click()
    page.fill("#document-title", "Relevés bancaires transmis")
    page.select_option("#document-kind", "evidence")
    page.set_input_files("#document-file", str(_a_pdf(tmp_path / "releves.pdf")))
    page.get_by_test_id("document-save").click()
    expect(page.get_by_test_id("documents")).to_contain_text("releves.pdf")
    expect(page.get_by_test_id("history")).to_contain_text("Partially executed")
    shot(page, "21-case-partially-executed")

    page.goto(base + "/cases/dashboard/")
    expect(page.locator("main")).to_contain_text("Senegal")
    shot(page, "22-case-dashboard")


def test_officer_drafts_a_bank_records_request_for_a_french_speaking_state(
    live_server: object, page, tmp_path: Path, settings: object
) -> None:
    """The writer blocks finalising until the facts and the purpose are given, then gives the
    request in French as DOCX and PDF."""
    from playwright.sync_api import expect

    from rogatory.directory.models import AcceptedLanguage

    settings.MEDIA_ROOT = str(tmp_path / "media")
    load_demo_data(with_cases=False)
    # Kenya's demo profile, made to accept French only for this test.
    AcceptedLanguage.objects.filter(profile_id="KE").delete()
    AcceptedLanguage.objects.create(profile_id="KE", language_id="fr")
    base = live_server.url
    log_in(page, base)

    page.get_by_test_id("nav-cases").click()
    page.click("text=Start an outgoing request")
    page.select_option("#id_counterpart", "KE")
    page.select_option("#id_kind", "mla")
    page.fill("#id_subject", "Blanchiment du produit de la corruption — société Tana Holdings")
    page.fill("#id_conducting_authority", "Juge d'instruction, tribunal judiciaire de Paris")
    page.fill("#id_requested_authority_name", "Office of the Director of Public Prosecutions")
    page.get_by_test_id("case-save").click()
    expect(page.get_by_test_id("case-status")).to_have_text("Draft")

    page.get_by_test_id("add-measure").click()
    page.select_option("#measure-kind", "bank_records")
    page.fill("#measure-description", "Relevés et documents d'ouverture du compte")
    page.get_by_test_id("measure-add-save").click()
    page.get_by_test_id("measure-details").click()
    page.fill("#id_institution", "Harambee Bank")
    page.fill("#id_account", "KE00 1234 5678")
    page.fill("#id_holder", "Tana Holdings Ltd")
    page.fill("#id_period_from", "2022-01-01")
    page.fill("#id_period_to", "2024-12-31")
    page.click("form.stacked button[type=submit]")

    page.get_by_test_id("open-writer").click()
    expect(page.get_by_test_id("writer-language")).to_have_value("fr")
    checklist = page.get_by_test_id("checklist")
    expect(checklist.locator('[data-rule="untoc.facts"]')).to_be_visible()
    expect(checklist.locator('[data-rule="untoc.purpose"]')).to_be_visible()
    # Kenya (here) accepts French only and the settings were never saved: the request is
    # taken as written in the interface's language, English, and a translation is asked for.
    expect(checklist.locator('[data-rule="profile.translation_needed"]')).to_be_visible()
    expect(page.get_by_test_id("finalise")).to_be_disabled()
    shot(page, "30-writer-blocked")

    page.goto(page.url.replace("/writer/", "/edit/"))
    page.fill(
        "#id_summary_of_facts",
        "Des pots-de-vin versés à Paris ont été virés sur un compte à Nairobi.",
    )
    page.fill(
        "#id_purpose",
        "Retracer les fonds et en établir l'origine devant la juridiction de jugement.",
    )
    page.get_by_test_id("case-save").click()
    page.get_by_test_id("open-writer").click()
    # The facts are in French: say so in the writer's settings.
    page.get_by_test_id("draft-settings").click()
    page.select_option("#id_written_in", "fr")
    page.get_by_test_id("draft-settings-save").click()
    expect(page.get_by_test_id("checklist").locator('[data-severity="error"]')).to_have_count(0)
    page.get_by_test_id("finalise").click()
    expect(page.get_by_test_id("version-status")).to_have_text("Awaiting approval")
    shot(page, "31-writer-finalised")

    for fmt, magic in (("docx", b"PK"), ("pdf", b"%PDF")):
        with page.expect_download() as download_info:
            page.get_by_test_id(f"download-{fmt}").first.click()
        download = download_info.value
        assert download.suggested_filename.endswith(f"-fr.{fmt}")
        assert Path(download.path()).read_bytes().startswith(magic)


def test_the_public_searches_the_knowledge_base_in_chinese_and_arabic(
    live_server: object, page, settings, tmp_path: Path
) -> None:
    """Search in Chinese, open a result, follow a citation; search in Arabic, right to left."""
    from playwright.sync_api import expect

    from rogatory.knowledge.actions import do_import_text, do_sync_treaty_documents

    settings.DATA_DIR = tmp_path  # the live server's index too
    seeds = Path(__file__).resolve().parents[2] / "knowledge" / "tests" / "seeds"
    for seed in sorted(seeds.glob("*.txt")):  # each commit drains into the index
        do_import_text(seed.read_text(encoding="utf-8"), source_name=seed.name)
    do_sync_treaty_documents()

    page.goto(live_server.url + "/knowledge/")
    page.get_by_test_id("knowledge-q").fill("京都宣言")
    page.get_by_test_id("knowledge-q").press("Enter")
    results = page.get_by_test_id("knowledge-results")
    expect(results.locator("li")).to_have_count(3)
    expect(results.locator("mark").first).to_have_text("京都宣言")
    shot(page, "20-knowledge-search-zh")
    results.get_by_role("link", name="A/RES/76/187", exact=False).click()
    expect(page.get_by_test_id("document-symbol")).to_have_text("A/RES/76/187")
    # A citation to a document in the base is a link: the report, then the treaty.
    page.get_by_test_id("cites").get_by_role("link", name="A/76/122").first.click()
    expect(page.get_by_test_id("document-symbol")).to_have_text("A/76/122")
    expect(page.get_by_test_id("cited-by")).to_contain_text("A/RES/76/187")
    page.go_back()
    page.get_by_test_id("cites").locator("a", has_text="2225").first.click()
    expect(page.get_by_test_id("document-symbol")).to_have_text("UNTS 2225/39574")
    expect(page.locator("h1")).to_have_text("联合国打击跨国有组织犯罪公约")
    shot(page, "21-knowledge-treaty-zh")

    page.goto(live_server.url + "/knowledge/")
    page.click('.language-switcher button[value="ar"]')
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.get_by_test_id("knowledge-q").fill("الجريمة المنظمة")
    page.get_by_test_id("knowledge-q").press("Enter")
    facets = page.get_by_test_id("knowledge-facets")
    facets.locator('[data-facet="lang"] a', has_text="العربية").click()
    # The unfiltered results have the word too: wait for the filtered page.
    expect(page).to_have_url(re.compile(r"[?&]lang=ar\b"))
    results = page.get_by_test_id("knowledge-results")
    expect(results.locator("mark").first).to_contain_text("الجريمة")
    shot(page, "22-knowledge-search-ar")
    results.locator("a", has_text="UNTS 2225/39574").click()
    expect(page.locator("h1")).to_have_text(
        "اتفاقية الأمم المتحدة لمكافحة الجريمة المنظمة عبر الوطنية"
    )
