"""State pickers follow the reader's language order, and states carry UN names (fixes file)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from rogatory.cases.forms import CaseForm
from rogatory.reference import options
from rogatory.reference.models import State

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh() -> None:
    options.forget()


def _labels(html: str) -> list[str]:
    return re.findall(r"<option value=\"[A-Z]{2}\"[^>]*>([^<]+)</option>", html)


@pytest.mark.parametrize(
    ("language", "earlier", "later"),
    [
        # 德国 (de) before 中国 (zhong): pinyin; English and code points put China first.
        ("zh-hans", "DE", "CN"),
        # Германия before Франция, ألمانيا before فرنسا; English puts France first.
        ("ru", "DE", "FR"),
        ("ar", "DE", "FR"),
    ],
)
def test_the_state_list_is_in_the_readers_order(language: str, earlier: str, later: str) -> None:
    with translation.override(language):
        labels = _labels(options.state_options())
        names = dict(State.objects.values_list("iso2", "name"))
    assert labels.index(names[earlier]) < labels.index(names[later])


def test_chinese_state_list_is_not_in_code_point_order() -> None:
    with translation.override("zh-hans"):
        labels = _labels(options.state_options())
    assert labels != sorted(labels)
    assert labels[0].startswith("阿")  # 阿富汗 / 阿尔巴尼亚…: "a" comes first in pinyin


def test_form_fields_over_states_are_collated_too() -> None:
    with translation.override("ru"):
        labels = [
            str(label) for value, label in CaseForm.base_fields["counterpart"].choices if value
        ]
        names = dict(State.objects.values_list("iso2", "name"))
    assert labels.index(names["DE"]) < labels.index(names["FR"])


def test_un_names_from_the_fixes_file() -> None:
    """Russian names in the nominative; Taiwan named as UN practice names it."""
    assert State.objects.get(pk="AQ").name_ru == "Антарктика"
    assert State.objects.get(pk="AX").name_ru == "Аландские острова"
    taiwan = State.objects.get(pk="TW")
    assert taiwan.name_en == "Taiwan Province of China"
    assert taiwan.name_zh_hans == "中国台湾省"
