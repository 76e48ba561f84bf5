"""Each language's own order: pinyin for Chinese, the alphabets for Arabic and Russian."""

from __future__ import annotations

from django.utils import translation

from rogatory.lib.collation import collated, sort_key


def test_chinese_sorts_by_pinyin() -> None:
    # a-fu-han, de-guo, fa-guo, mei-guo, zhong-guo (code points would put 中 before 德).
    names = ["中国", "法国", "美国", "阿富汗", "德国"]
    assert collated(names, str, "zh-hans") == ["阿富汗", "德国", "法国", "美国", "中国"]
    assert sorted(names) != ["阿富汗", "德国", "法国", "美国", "中国"]


def test_russian_puts_yo_with_ye() -> None:
    names = ["Эстония", "Ёлка", "Египет", "Жамайка"]
    assert collated(names, str, "ru") == ["Египет", "Ёлка", "Жамайка", "Эстония"]
    assert sorted(names)[0] == "Ёлка"  # code points put Ё (U+0401) before every letter


def test_arabic_alif_forms_come_first() -> None:
    names = ["فرنسا", "إيطاليا", "ألمانيا", "الأردن"]
    ordered = collated(names, str, "ar")
    assert ordered[-1] == "فرنسا"
    assert ordered.index("ألمانيا") < ordered.index("إيطاليا")


def test_the_active_language_by_default() -> None:
    with translation.override("fr"):
        key = sort_key()
        assert sorted(["Égypte", "Espagne", "Estonie", "Zambie"], key=key) == [
            "Égypte",
            "Espagne",
            "Estonie",
            "Zambie",
        ]
