"""lib.validators and lib.safejson: the one check of text, dates and JSON from outside."""

from __future__ import annotations

import datetime
import json

import pytest
from django import forms
from django.core.exceptions import ValidationError

from rogatory.cases.models import Case, Person
from rogatory.lib import safejson
from rogatory.lib.validators import (
    DATE_MAX,
    DATE_MIN,
    InputRefused,
    PlausibleDateField,
    bounded_formfield,
    date_problem,
    model_value_problems,
    text_problem,
    validate_text,
)


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\ud800"])
def test_control_characters_and_lone_surrogates_are_refused(char: str) -> None:
    problem = text_problem(f"abc{char}def")
    assert problem is not None and f"U+{ord(char):04X}" in problem
    with pytest.raises(ValidationError):
        validate_text(f"x{char}")


@pytest.mark.parametrize("text", ["", "plain", "tab\tand\nlines\r\n", "العربية 中文 ё é 🙂"])
def test_text_a_person_types_is_accepted(text: str) -> None:
    assert text_problem(text) is None
    validate_text(text)


def test_dates_are_bounded() -> None:
    assert date_problem(DATE_MIN) is None and date_problem(DATE_MAX) is None
    assert date_problem(datetime.date(9999, 12, 31)) is not None
    assert date_problem(datetime.date(1, 1, 1)) is not None
    field = PlausibleDateField()
    assert field.clean("2026-12-06") == datetime.date(2026, 12, 6)
    with pytest.raises(ValidationError):
        field.clean("9999-12-31")


def test_model_forms_get_bounded_dates_and_clean_text() -> None:
    class Form(forms.ModelForm):
        class Meta:
            model = Case
            fields = ["subject", "received_on"]
            formfield_callback = bounded_formfield

    form = Form({"subject": "A\x01B", "received_on": "9999-12-31"})
    assert not form.is_valid()
    assert set(form.errors) == {"subject", "received_on"}


def test_model_value_problems_name_each_value_a_column_would_not_hold() -> None:
    problems = dict(
        model_value_problems(
            Case,
            {
                "subject": "x" * 301,
                "their_reference": "A\x00",
                "received_on": datetime.date(9999, 12, 31),
                "summary_of_facts": "y" * 100_000,  # a text column: no limit
                "legal_basis": object(),  # a foreign key: checked elsewhere
                "not_a_field": "x" * 1000,
            },
        )
    )
    assert set(problems) == {"subject", "their_reference", "received_on"}
    assert "300" in problems["subject"]
    assert model_value_problems(Person, {"name": "x" * 300}) == []


# --- safejson --------------------------------------------------------------------------------


def test_safejson_reads_ordinary_json() -> None:
    data = {"a": [1, 2.5, "é\n", None, True], "b": {"c": "\t"}}
    raw = json.dumps(data).encode()
    assert safejson.loads(raw, max_bytes=1000) == data
    assert safejson.loads("\ufeff" + json.dumps(data), max_bytes=1000) == data
    assert safejson.loads(b"\xef\xbb\xbf[1]", max_bytes=1000) == [1]


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"[" * 5000 + b"]" * 5000, "nested"),
        (b"[" * 100_000, "nested"),
        (b'{"a": "\\ud800"}', "U+D800"),
        (b'{"a\\u0000": 1}', "U+0000"),
        (b'["\\u0000"]', "U+0000"),
        (b"[NaN]", "not a number"),
        (b"[1e5000]", "too large"),
        (b"[" + b"1" * 5000 + b"]", "Not a JSON document"),
        (b"\xff\xfe", "UTF-8"),
        (b"{", "Not a JSON document"),
        (b"x" * 101, "larger"),
    ],
)
def test_safejson_refuses_hostile_json_with_a_reason(raw: bytes, words: str) -> None:
    with pytest.raises(InputRefused) as refused:
        safejson.loads(raw, max_bytes=100 if raw == b"x" * 101 else 10**6)
    assert words in refused.value.message


def test_safejson_depth_counts_brackets_outside_strings_only() -> None:
    deep_string = json.dumps({"a": "[" * 1000})
    assert safejson.loads(deep_string, max_bytes=10**6, max_depth=2) == {"a": "[" * 1000}
    with pytest.raises(InputRefused):
        safejson.loads("[[[1]]]", max_bytes=100, max_depth=2)
