"""The article page in Debian's Chromium: an Arabic reader sees the interface right to left and
the English text left to right; Arabic, without a text, is offered the languages there are."""

from __future__ import annotations

import re
from typing import Any

import pytest

from conftest import shot
from rogatory.treaties.texts import load_article_texts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_arabic_reader_gets_rtl_interface_and_ltr_text(live_server: Any, page: Any) -> None:
    from playwright.sync_api import expect

    load_article_texts()
    base = live_server.url
    page.context.add_cookies([{"name": "django_language", "value": "ar", "url": base}])

    page.goto(f"{base}/treaties/uncac/articles/46/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.get_by_test_id("text-not-available").is_visible()
    assert page.get_by_test_id("article-text").count() == 0
    shot(page, "article-ar-not-available")

    page.locator('[data-testid="text-not-available"] a[hreflang="en"]').click()
    # A new page: wait for it (expect) rather than read the one the click leaves.
    text = page.get_by_test_id("article-text")
    expect(text).to_be_visible()
    expect(text).to_have_css("direction", "ltr")
    expect(text).to_have_attribute("lang", "en")
    expect(page.locator("#para-9")).to_have_text(re.compile(r"^9\."), use_inner_text=True)
    expect(page.get_by_test_id("article-source")).to_be_visible()
    shot(page, "article-ar-interface-en-text")
