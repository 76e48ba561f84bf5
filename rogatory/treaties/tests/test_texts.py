"""The text of the treaty articles: the loader on every shipped file, the article page in six
languages, links from the answers, administrators' texts and the API (decision 0031)."""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.audit.models import AuditEntry
from rogatory.cases.actions import do_register_case
from rogatory.cases.choices import Direction
from rogatory.treaties import texts
from rogatory.treaties.models import ArticleText, Instrument, Participation, paragraph_number
from rogatory.treaties.texts import (
    TextIndexError,
    article_url,
    cited_article,
    load_article_texts,
    read_index,
    read_sources,
    split_articles,
)

# Numbered paragraphs of the key cooperation articles in the UN text (shared SOURCES.md).
KEY_PARAGRAPHS = {
    ("untoc", "16"): 17,
    ("untoc", "18"): 30,
    ("uncac", "44"): 18,
    ("uncac", "46"): 30,
    ("drugs_1988", "6"): 12,
    ("drugs_1988", "7"): 20,
}
# Articles the issue names: each must have a text in every shipped language.
REQUIRED = {
    "untoc": ["13", "16", "17", "18", "27"],
    "uncac": ["43", "44", "45", "46", "48", "54", "55", "56", "57"],
    "drugs-1988": ["5", "6", "7"],
}


def numbered(paragraphs: tuple[str, ...] | list[str]) -> int:
    return sum(1 for p in paragraphs if paragraph_number(p))


@pytest.fixture
def loaded(db: None) -> None:
    load_article_texts()


# The loader --------------------------------------------------------------------------------


@pytest.mark.parametrize("source", read_sources(), ids=lambda s: s["file"])
def test_every_indexed_article_is_cut_from_its_file(source: dict[str, str]) -> None:
    """Each file yields exactly its indexed articles, in order, each with a title and text,
    none running into a chapter heading or the testimonium."""
    starts = read_index()[source["file"]]
    articles = split_articles(source["file"], starts)
    assert [a.article for a in articles] == [number for number, _line in starts]
    for article in articles:
        assert article.heading, article.article
        assert article.paragraphs, article.article
        for paragraph in article.paragraphs:
            assert not re.match(r"^(#|IN WITNESS|En foi de quoi|EN FE DE LO CUAL)", paragraph)


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize(("folder", "article"), list(KEY_PARAGRAPHS))
def test_key_articles_have_their_numbered_paragraphs(
    folder: str, article: str, language: str
) -> None:
    relative = f"{folder}/{language}.md"
    parsed = {a.article: a for a in split_articles(relative, read_index()[relative])}
    expected = KEY_PARAGRAPHS[(folder, article)]
    if (relative, article) == ("uncac/fr.md", "46"):
        # The source runs paragraph 9 onto paragraph 8's line; kept verbatim (notes.csv).
        assert numbered(parsed[article].paragraphs) == expected - 1
        assert any("présent article:9. a)" in p for p in parsed[article].paragraphs)
    else:
        assert numbered(parsed[article].paragraphs) == expected


def test_the_last_article_stops_before_the_testimonium() -> None:
    relative = "drugs_1988/es.md"
    last = split_articles(relative, read_index()[relative])[-1]
    assert last.article == "34"
    assert last.paragraphs == (
        "El Secretario General será el depositario de la presente Convención.",
    )


def test_a_heading_that_does_not_match_the_index_stops_the_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index one line off refuses to load rather than file text under the wrong number."""
    shutil.copytree(texts.TEXTS_DIR, tmp_path, dirs_exist_ok=True)
    monkeypatch.setattr(texts, "TEXTS_DIR", tmp_path)
    starts = [(number, line + 1) for number, line in read_index()["untoc/en.md"]]
    with pytest.raises(TextIndexError, match=r"untoc/en.md:\d+: expected the heading of article 1"):
        split_articles("untoc/en.md", starts)
    swapped = read_index()["uncac/fr.md"]
    swapped[45], swapped[46] = (swapped[46][0], swapped[45][1]), (swapped[45][0], swapped[46][1])
    with pytest.raises(TextIndexError, match="article 47"):
        split_articles("uncac/fr.md", swapped)


def test_load_is_idempotent_and_covers_the_required_articles(loaded: None) -> None:
    assert ArticleText.objects.count() == 636
    again = load_article_texts()
    assert (again.created, again.updated, again.deleted, again.unchanged) == (0, 0, 0, 636)
    for code, articles in REQUIRED.items():
        for article in articles:
            found = set(
                ArticleText.objects.filter(instrument__code=code, article=article).values_list(
                    "language", flat=True
                )
            )
            assert found == {"en", "fr", "es"}, (code, article)
    text = ArticleText.objects.get(instrument__code="untoc", article="16", language="en")
    assert text.heading == "Extradition"
    assert "statengeneraal/laws-markdown" in text.source
    assert text.source_url.startswith("https://github.com/statengeneraal/laws-markdown/blob/")
    noted = ArticleText.objects.get(instrument__code="uncac", article="46", language="fr")
    assert "paragraph 9" in noted.note


# Citations become links ---------------------------------------------------------------------


def test_citations_are_read_and_ranges_are_not() -> None:
    assert cited_article("art. 46(9)(b)") == ("46", "9")
    assert cited_article("18") == ("18", "")
    assert cited_article("Article 6") == ("6", "")
    assert cited_article("1-25") is None
    assert cited_article("—") is None
    assert cited_article("") is None


@pytest.mark.django_db
def test_a_protocol_article_applied_mutatis_mutandis_links_to_the_convention() -> None:
    protocol = Instrument.objects.select_related("parent").get(code="untoc-tip")
    assert article_url(protocol, "16", via_parent=True) == "/treaties/untoc/articles/16/"
    assert article_url(protocol, "16") == "/treaties/untoc-tip/articles/16/"
    uncac = Instrument.objects.get(code="uncac")
    assert article_url(uncac, "art. 46(9)(b)") == "/treaties/uncac/articles/46/#para-9"


# The article page ---------------------------------------------------------------------------


def page(client: Client, code: str, article: str, **params: str) -> str:
    response = client.get(reverse("treaty_article", args=[code, article]), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("language", "heading", "words"),
    [
        (
            "en",
            "Extradition",
            "This article shall apply to the offences covered by this Convention",
        ),
        ("fr", "Extradition", "Le présent article s’applique aux infractions visées"),
        ("es", "Extradición", "El presente artículo se aplicará a los delitos comprendidos"),
    ],
)
def test_the_page_shows_the_text_in_the_language_asked_with_its_source(
    client: Client, loaded: None, language: str, heading: str, words: str
) -> None:
    html = page(client, "untoc", "16", lang=language)
    assert f'lang="{language}" dir="ltr" data-testid="article-text"' in html
    assert heading in html and words in html
    assert 'id="para-17"' in html and 'id="para-18"' not in html
    assert 'data-testid="article-source"' in html
    assert "text-not-available" not in html


def test_the_page_follows_the_interface_language(client: Client, loaded: None) -> None:
    response = client.get(
        reverse("treaty_article", args=["uncac", "46"]), headers={"accept-language": "es"}
    )
    html = response.content.decode()
    assert "Asistencia judicial recíproca" in html


@pytest.mark.parametrize("language", ["ar", "zh", "ru"])
def test_languages_without_a_text_say_so_and_offer_the_others(
    client: Client, loaded: None, language: str
) -> None:
    html = page(client, "uncac", "46", lang=language)
    assert 'data-testid="text-not-available"' in html
    assert 'data-testid="article-text"' not in html
    for available in ("en", "fr", "es"):
        assert f'href="?lang={available}"' in html
    assert f'href="?lang={language}"' not in html


def test_in_arabic_the_interface_is_rtl_and_the_text_ltr(client: Client, loaded: None) -> None:
    client.cookies["django_language"] = "ar"
    html = page(client, "uncac", "46", lang="en")
    assert re.search(r'<html lang="ar" dir="rtl"', html)
    assert 'lang="en" dir="ltr" data-testid="article-text"' in html
    unavailable = page(client, "uncac", "46")
    assert 'data-testid="text-not-available"' in unavailable


def test_the_source_defect_is_noted_under_the_text(client: Client, loaded: None) -> None:
    html = page(client, "uncac", "46", lang="fr")
    assert 'data-testid="article-note"' in html and "paragraph 9" in html


@pytest.mark.parametrize(
    ("code", "article"),
    [("untoc", "99"), ("untoc", "abc"), ("no-such-treaty", "1"), ("untoc", "1x")],
)
def test_unknown_articles_are_404(client: Client, loaded: None, code: str, article: str) -> None:
    assert client.get(reverse("treaty_article", args=[code, article])).status_code == 404


def test_an_unknown_language_falls_back_to_the_interface(client: Client, loaded: None) -> None:
    html = page(client, "untoc", "18", lang="xx<script>")
    assert "Mutual legal assistance" in html and "xx<script>" not in html


@pytest.mark.django_db
def test_the_treaty_page_links_its_cooperation_articles(client: Client) -> None:
    html = client.get(reverse("treaty_detail", args=["untoc-tip"])).content.decode()
    assert 'href="/treaties/untoc/articles/18/"' in html  # the Convention's, applied to it
    assert 'href="/treaties/untoc-tip/articles/18/"' not in html
    html = client.get(reverse("treaty_detail", args=["uncac"])).content.decode()
    for article in ("44", "45", "46", "47", "54", "55", "57"):
        assert f'href="/treaties/uncac/articles/{article}/"' in html


# Links from the answers ---------------------------------------------------------------------


def test_the_finder_answer_links_every_article_it_names(client: Client, world: None) -> None:
    response = client.get(
        reverse("legal_basis"),
        {"requesting": "FR", "requested": "KE", "kind": "extradition", "on": "2026-11-01"},
    )
    html = response.content.decode()
    basis = html[html.index('data-testid="basis-untoc"') :]
    assert 'href="/treaties/untoc/articles/16/"' in basis[: basis.index("</article>")]
    for protocol in ("untoc-tip", "untoc-som", "untoc-fire"):
        card = html[html.index(f'data-testid="basis-{protocol}"') :]
        card = card[: card.index("</article>")]
        assert 'href="/treaties/untoc/articles/16/"' in card
    assert 'href="/treaties/uncac/articles/44/"' in html
    assert 'href="/treaties/drugs-1988/articles/6/"' in html


def test_the_writer_legal_basis_step_links_the_article(client: Client, personas: Personas) -> None:
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
    case = do_register_case(
        personas.authority_a,
        direction=Direction.OUTGOING,
        fields={"kind": "mla", "requested_state_id": "KE", "subject": "Draft"},
        acting_user=personas.officer,
    )
    client.force_login(personas.officer)
    response = client.get(reverse("drafting_step", args=[case.public_id, "legal-basis"]))
    html = response.content.decode()
    card = html[html.index('data-testid="basis-uncac"') :]
    assert 'href="/treaties/uncac/articles/46/"' in card[: card.index("</div>")]


# Administrators add or replace a text -------------------------------------------------------

ARABIC = {
    "language": "ar",
    "heading": "عنوان تجريبي",
    # A placeholder, not the UN text: the test only needs Arabic script in two paragraphs.
    "text": "١- نص تجريبي للاختبار.\n\n٢- نص تجريبي.",
    "source": "Test source: a UN document",
    "source_url": "https://undocs.org/ar/A/RES/58/4",
    "note": "",
}


def edit_url(code: str = "uncac", article: str = "46") -> str:
    return reverse("treaty_article_text_edit", args=[code, article])


def test_a_site_administrator_adds_a_text_kept_across_reloads(
    client: Client, personas: Personas, loaded: None
) -> None:
    client.force_login(personas.site_admin)
    assert client.get(edit_url(), {"lang": "en"}).status_code == 200
    response = client.post(edit_url(), ARABIC)
    assert response.status_code == 302
    assert response["Location"] == "/treaties/uncac/articles/46/?lang=ar"
    saved = ArticleText.objects.get(instrument__code="uncac", article="46", language="ar")
    assert saved.origin == ArticleText.Origin.ADDED and saved.added_by_name == "site_admin"
    assert saved.text.count("\n") == 1  # the blank line between the paragraphs is dropped
    entry = AuditEntry.objects.filter(action="treaties.article_text_saved").get()
    assert entry.details["language"] == "ar" and entry.details["replaced"] is None

    html = page(client, "uncac", "46", lang="ar")
    assert 'lang="ar" dir="rtl" data-testid="article-text"' in html
    assert "Test source: a UN document" in html and 'data-testid="article-added"' in html

    # Replacing a shipped text, then reloading: the administrator's text stays.
    client.post(edit_url(), ARABIC | {"language": "en", "text": "1. Replaced.", "heading": "X"})
    replaced = AuditEntry.objects.filter(action="treaties.article_text_saved").order_by("pk").last()
    assert replaced is not None and replaced.details["replaced"]["origin"] == "shipped"
    report = load_article_texts()
    assert report.deleted == 0 and report.created == 0
    kept = ArticleText.objects.get(instrument__code="uncac", article="46", language="en")
    assert kept.text == "1. Replaced." and kept.origin == ArticleText.Origin.ADDED


def test_the_form_refuses_an_empty_text_and_control_characters(
    client: Client, personas: Personas, loaded: None
) -> None:
    client.force_login(personas.site_admin)
    for bad in ({"text": "   "}, {"text": "1. a\x07b"}, {"source": ""}, {"language": "de"}):
        response = client.post(edit_url(), ARABIC | bad)
        assert response.status_code == 200, bad
        assert response.context["form"].errors
    assert not ArticleText.objects.filter(language="ar").exists()


@pytest.mark.parametrize("role", ["officer", "supervisor", "authority_admin", "outsider_admin"])
def test_others_may_not_add_a_text(
    client: Client, personas: Personas, loaded: None, role: str
) -> None:
    client.force_login(getattr(personas, role))
    assert client.get(edit_url()).status_code == 403
    assert client.post(edit_url(), ARABIC).status_code == 403
    assert not ArticleText.objects.filter(language="ar").exists()
    assert 'data-testid="edit-article-text"' not in page(client, "uncac", "46")


def test_adding_a_text_needs_the_csrf_token(personas: Personas, loaded: None) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.site_admin)
    assert client.post(edit_url(), ARABIC).status_code == 403
    assert not ArticleText.objects.filter(language="ar").exists()


def test_anonymous_visitors_are_sent_to_log_in(client: Client, loaded: None) -> None:
    response = client.post(edit_url(), ARABIC)
    assert response.status_code == 302 and "login" in response["Location"]


# The API ------------------------------------------------------------------------------------


def api_url(code: str, article: str) -> str:
    return reverse("api:treaty_article_text", args=[code, article])


def test_api_returns_the_text_with_its_source_and_languages(client: Client, loaded: None) -> None:
    body = client.get(api_url("untoc", "16"), {"lang": "fr"}).json()
    assert body["available"] is True and body["language"] == "fr"
    assert body["languages"] == ["en", "fr", "es"]
    assert body["heading"] == "Extradition"
    assert sum(1 for p in body["paragraphs"] if p["anchor"]) == 17
    assert "swiss-law" in body["source"] and body["origin"] == "shipped"
    assert body["url"].endswith("/treaties/untoc/articles/16/?lang=fr")


def test_api_says_when_a_language_is_not_available(client: Client, loaded: None) -> None:
    body = client.get(api_url("drugs-1988", "7"), {"lang": "zh"}).json()
    assert body["available"] is False and body["text"] is None and body["source"] is None
    assert body["languages"] == ["en", "fr", "es"]


def test_api_refuses_bad_input_clearly(client: Client, loaded: None) -> None:
    assert client.get(api_url("untoc", "16"), {"lang": "de"}).status_code == 422
    assert client.get(api_url("untoc", "99")).status_code == 404
    assert client.get(api_url("nothing", "1")).status_code == 404
    assert client.get(api_url("untoc", "1'--")).status_code == 404


def test_the_article_page_reads_a_fixed_number_of_queries(
    client: Client, loaded: None, django_assert_max_num_queries: Any
) -> None:
    """The instrument, its texts of the article and the article's kinds: whatever the text's
    length (30 paragraphs here), the session and messages aside."""
    with django_assert_max_num_queries(5):
        assert client.get(reverse("treaty_article", args=["uncac", "46"])).status_code == 200


def test_the_finder_api_gives_each_article_its_text_url(client: Client, world: None) -> None:
    body = client.get(
        reverse("api:legal_basis"),
        {"requesting": "FR", "requested": "KE", "kind": "mla", "date": "2026-11-01"},
    ).json()
    urls = {
        basis["instrument"]["code"]: [a["text_url"] for a in basis["articles"]]
        for basis in body["bases"]
    }
    assert urls["uncac"] == ["http://testserver/treaties/uncac/articles/46/"]
    assert urls["untoc-som"] == ["http://testserver/treaties/untoc/articles/18/"]


def test_the_page_leads_to_the_previous_and_next_articles(client: Client, loaded: None) -> None:
    html = page(client, "untoc", "18", lang="fr")
    assert 'href="/treaties/untoc/articles/17/?lang=fr" rel="prev"' in html
    assert 'href="/treaties/untoc/articles/19/?lang=fr" rel="next"' in html
    first = page(client, "untoc", "1")
    assert 'rel="prev"' not in first and 'href="/treaties/untoc/articles/2/" rel="next"' in first
    assert 'rel="next"' not in page(client, "untoc", "41")
