"""Reference option lists rendered once per language: the same options, the choice marked."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import translation

from rogatory.reference import options
from rogatory.reference.models import IccsCategory, State

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh() -> None:
    options.forget()


def test_state_options_follow_the_language_and_mark_the_choice() -> None:
    with translation.override("en"):
        english = options.state_options("FR")
    with translation.override("fr"):
        french = options.state_options()
    france = State.objects.get(iso2="FR")
    assert f'<option value="FR" selected>{france.name_en}</option>' in english
    assert f'<option value="FR">{france.name_fr}</option>' in french
    assert english.count("<option") == State.objects.count() == french.count("<option")
    assert english.count(" selected") == 1 and " selected" not in french


def test_rendered_once_and_forgotten_when_a_state_changes(
    django_assert_num_queries: object,
) -> None:
    with translation.override("en"):
        options.state_options()
        with django_assert_num_queries(0):  # type: ignore[operator]
            options.state_options("KE")
        state = State.objects.get(iso2="KE")
        state.name_en = "Kenya (renamed)"
        state.save()
        assert "Kenya (renamed)" in options.state_options()


class _Form(forms.Form):
    iccs: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=IccsCategory.objects.order_by("code"),
        to_field_name="code",
        required=False,
        widget=options.CachedSelect("test.iccs"),
    )


def test_cached_select_renders_like_a_select_with_the_bound_value() -> None:
    blank = str(_Form()["iccs"])
    bound = _Form({"iccs": "0101"})
    assert bound.is_valid()
    chosen = str(bound["iccs"])
    assert blank.startswith('<select name="iccs" id="id_iccs">')
    assert '<option value="">---------</option>' in blank
    assert blank.count("<option") == IccsCategory.objects.count() + 1
    assert '<option value="0101" selected>' in chosen and " selected" not in blank
    assert '<option value="0101" selected>' not in str(_Form({"iccs": "'><script>"})["iccs"])
