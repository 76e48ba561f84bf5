"""Language codes are shown as names, in the reader's language."""

from __future__ import annotations

from django.utils import translation

from rogatory.reference.templatetags.languages import language_name


def test_codes_become_names_in_the_readers_language() -> None:
    with translation.override("en"):
        assert language_name("fr") == "French"
        assert language_name("zh") == "Simplified Chinese"
    with translation.override("fr"):
        assert language_name("en") == "Anglais"
    with translation.override("ar"):
        assert language_name("ru") != "ru"
    assert language_name("xx") == "xx"


def test_lists_are_joined_as_each_language_joins_them() -> None:
    from rogatory.reference.templatetags.languages import listing

    with translation.override("zh-hans"):
        assert listing(["英文", "法文"]) == "英文、法文"
    with translation.override("ar"):
        assert listing(["أ", "ب"]) == "أ، ب"
    with translation.override("fr"):
        assert listing(["anglais", "français"]) == "anglais, français"
