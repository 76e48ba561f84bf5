"""The public ICCS browser: tree, search in six languages, category pages."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from rogatory.reference.models import IccsCategory

pytestmark = pytest.mark.django_db


def get(client: Client, url: str, language: str = "en", **extra: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(url, **extra)  # type: ignore[arg-type]
    assert response.status_code == 200
    return response.content.decode()


def test_the_tree_shows_the_eleven_sections(client: Client) -> None:
    html = get(client, reverse("iccs_index"))
    for category in IccsCategory.objects.filter(level=1):
        assert category.title_en in html
    assert 'hx-get="/iccs/01/children/"' in html


def test_children_come_as_an_htmx_fragment(client: Client) -> None:
    html = get(client, reverse("iccs_children", args=["01"]), HTTP_HX_REQUEST="true")
    assert "<html" not in html
    assert "Intentional homicide" in html and "0101" in html


def test_search_by_code_prefix(client: Client) -> None:
    html = get(
        client,
        reverse("iccs_index") + "?q=0201",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="iccs-results",
    )
    codes = re.findall(r'<span class="code">(\d+)</span>', html)
    assert codes[0] == "0201" and "02011" in codes
    assert all(code.startswith("0201") for code in codes)


def test_search_by_english_and_spanish_words(client: Client) -> None:
    assert "Money laundering" in get(client, reverse("iccs_index") + "?q=money+laundering")
    html = get(client, reverse("iccs_index") + "?q=homicidio", language="es")
    assert "Homicidio intencional" in html


@pytest.mark.parametrize(
    ("language", "field"),
    [("ar", "title_ar"), ("zh-hans", "title_zh_hans"), ("fr", "title_fr"), ("ru", "title_ru")],
)
def test_search_in_the_unofficial_languages(client: Client, language: str, field: str) -> None:
    title = getattr(IccsCategory.objects.get(code="0101"), field)
    # Chinese has no spaces: two characters of the title must be enough to find it.
    query = title[:2] if language == "zh-hans" else title.split()[0]
    html = get(client, reverse("iccs_index") + f"?q={query}", language=language)
    assert title in html
    assert "unofficial translation" not in html  # the badge is translated too


def test_search_ignores_accents_and_arabic_diacritics(client: Client) -> None:
    fr_title = IccsCategory.objects.get(code="0101").title_fr
    assert fr_title in get(client, reverse("iccs_index") + "?q=HOMICIDE", language="fr")
    ar_title = IccsCategory.objects.get(code="0101").title_ar
    voweled = "".join(ch + "\u064e" for ch in ar_title.split()[0])  # add a fatha to each letter
    assert ar_title in get(client, reverse("iccs_index") + f"?q={voweled}", language="ar")


def test_search_results_come_as_a_fragment_for_htmx(client: Client) -> None:
    html = get(
        client,
        reverse("iccs_index") + "?q=fraud",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="iccs-results",
    )
    assert "<html" not in html and "Fraud" in html


def test_a_search_that_finds_nothing_says_so(client: Client) -> None:
    html = get(client, reverse("iccs_index") + "?q=zzzyyyxxx")
    assert "Nothing matches" in html


def test_category_page_links_the_codes_it_cites(client: Client) -> None:
    html = get(client, reverse("iccs_category", args=["0101"]))
    assert '<a href="/iccs/0102/">0102</a>' in html
    assert "Murder is unlawful death" in html  # footnote 36
    assert "unofficial translation" not in html


def test_unofficial_titles_are_marked_as_such(client: Client) -> None:
    html = get(client, reverse("iccs_category", args=["0101"]), language="fr")
    category = IccsCategory.objects.get(code="0101")
    assert category.title_fr in html
    assert "badge unofficial" in html
    assert 'lang="en" dir="ltr"' in html  # the official English text, marked as English
    html_es = get(client, reverse("iccs_category", args=["0101"]), language="es")
    assert "badge unofficial" not in html_es and "Homicidio intencional" in html_es


def test_unknown_codes_are_404(client: Client) -> None:
    assert client.get(reverse("iccs_category", args=["9999"])).status_code == 404
    assert client.get(reverse("iccs_children", args=["9999"])).status_code == 404


def test_the_tree_page_costs_a_fixed_number_of_queries(
    client: Client, django_assert_max_num_queries: object
) -> None:
    with django_assert_max_num_queries(3):  # type: ignore[operator]
        client.get(reverse("iccs_index"))


def test_the_category_page_costs_a_fixed_number_of_queries(
    client: Client, django_assert_max_num_queries: object
) -> None:
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        client.get(reverse("iccs_category", args=["0101"]))
