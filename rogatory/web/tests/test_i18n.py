"""Six languages from the first string: complete catalogues, RTL Arabic, localised formats."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, number_format

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
CATALOGUE_LANGUAGES = ("ar", "zh_Hans", "fr", "ru", "es")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}|%[sd]")


def catalogue(language: str) -> polib.POFile:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing"
    return polib.pofile(str(path))


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_every_string_is_translated(language: str) -> None:
    po = catalogue(language)
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"{language}: untranslated {untranslated[:10]}"
    assert not fuzzy, f"{language}: fuzzy {fuzzy[:10]}"
    assert len(po) > 100


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_translations_keep_their_placeholders(language: str) -> None:
    for entry in catalogue(language).translated_entries():
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            found = sorted(PLACEHOLDER.findall(text))
            # A plural form may drop the count (e.g. Arabic "one"), never invent a placeholder.
            assert set(found) <= set(expected) | set(PLACEHOLDER.findall(entry.msgid_plural)), (
                f"{language}: {entry.msgid!r} -> {text!r}"
            )


@pytest.mark.django_db
def test_arabic_pages_are_right_to_left(client: Client) -> None:
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    html = client.get(reverse("iccs_index")).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert '<html lang="fr" dir="ltr">' in client.get(reverse("iccs_index")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "word"),
    [
        ("ar", "تسجيل"),
        ("zh-hans", "登录"),
        ("fr", "Connexion"),
        ("ru", "Войти"),
        ("es", "Iniciar"),
    ],
)
def test_the_interface_speaks_each_language(client: Client, language: str, word: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse("login")).content.decode()
    assert f'lang="{language}"' in html
    assert word in html


def test_dates_and_numbers_follow_the_language() -> None:
    import datetime

    day = datetime.date(2026, 11, 22)
    with translation.override("fr"):
        assert date_format(day) == "22 novembre 2026"
        assert number_format(1234.5, decimal_pos=1, use_l10n=True, force_grouping=True) in {
            "1\u202f234,5",
            "1\xa0234,5",
        }
    with translation.override("ru"):
        assert "ноября" in date_format(day)
    with translation.override("zh-hans"):
        assert date_format(day) == "2026年11月22日"
    with translation.override("es"):
        assert date_format(day) == "22 de noviembre de 2026"


def test_english_dates_are_written_day_first_as_the_un_writes_them() -> None:
    import datetime

    from django.utils.formats import date_format

    day = datetime.date(2026, 12, 6)
    with translation.override("en"):
        assert date_format(day) == "6 December 2026"
        assert date_format(day, "SHORT_DATE_FORMAT") == "6 Dec 2026"
