"""New passwords: leaked and guessable ones are refused with a clear message, offline."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, Personas
from rogatory.accounts.models import User
from rogatory.accounts.passwords import GuessablePasswordValidator


def codes(password: str, user: User | None = None) -> set[str]:
    try:
        GuessablePasswordValidator().validate(password, user)
    except ValidationError as exc:
        return {error.code or "" for error in exc.error_list}
    return set()


@pytest.mark.parametrize(
    "password",
    ["password1234", "qwertyuiop123", "iloveyou2024", "letmein12345", "Password123!"],
)
def test_leaked_passwords_are_refused_as_leaked(password: str) -> None:
    assert codes(password) == {"password_breached"}


@pytest.mark.parametrize(
    "password", ["aaaaaaaaaaaa", "abcdefghijklmnop", "1987-12-06", "qazwsxedcrfvtgb"]
)
def test_guessable_passwords_are_refused(password: str) -> None:
    """The probe's ``aaaaaaaaaaaa`` passed Django's own checks; repeats, sequences, dates and
    keyboard walks do not pass this one."""
    assert codes(password) in ({"password_guessable"}, {"password_breached"})


def test_the_users_own_names_do_not_make_a_password() -> None:
    user = User(username="claire.dupont", first_name="Claire", last_name="Dupont")
    assert codes("claire.dupont.1987", user)
    assert not codes("claire.dupont.1987") or codes("claire.dupont.1987", user)


@pytest.mark.parametrize(
    "password",
    [PASSWORD, "ribbon-lantern-quarry-seventy", "Mein Hund frisst gern Papier im Mai"],
)
def test_strong_passwords_pass(password: str) -> None:
    assert codes(password) == set()


def test_very_long_passwords_are_judged_by_their_start() -> None:
    # zxcvbn itself refuses more than 72 characters; a long passphrase is still checked.
    assert codes("x" * 500) == {"password_guessable"}
    assert codes("ribbon-lantern-quarry-seventy " * 10) == set()


def test_the_validator_is_installed_with_a_help_text() -> None:
    with pytest.raises(ValidationError) as raised:
        validate_password("aaaaaaaaaaaa")
    assert "too easy to guess" in " ".join(raised.value.messages)
    assert any("leaked" in text for text in password_validators_help_texts())


@pytest.mark.django_db
def test_the_password_change_page_refuses_a_leaked_password(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.officer)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Password123!",
            "new_password2": "Password123!",
        },
    )
    assert response.status_code == 200
    assert "leaked from other sites" in response.content.decode()
    personas.officer.refresh_from_db()
    assert personas.officer.check_password(PASSWORD)
