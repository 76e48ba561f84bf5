"""Refuse breached and guessable passwords, offline (decision 0019).

zxcvbn (the Python port of Dropbox's estimator, MIT) ships its lists inside the package: the
30,000 most frequent passwords of a 10-million-password leak corpus, English words from
Wikipedia and film subtitles, common names and surnames; it also finds keyboard patterns,
repeats, sequences, dates and l33t substitutions. Nothing is fetched at run time.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from zxcvbn import zxcvbn

# zxcvbn handles at most this many characters; a longer password is judged by its start.
CHECKED_LENGTH = 72
# zxcvbn keeps the user's own words in a module-level dictionary: one check at a time.
_lock = threading.Lock()


def _user_words(user: Any) -> list[str]:
    if user is None:
        return []
    words = [
        getattr(user, name, "") or "" for name in ("username", "first_name", "last_name", "email")
    ]
    words += str(words[3]).split("@")
    return [str(word) for word in words if word]


def estimate(password: str, user: Any = None) -> dict[str, Any]:
    """zxcvbn's verdict on ``password`` (score 0–4 and the patterns it matched)."""
    with _lock:
        result: dict[str, Any] = zxcvbn(password[:CHECKED_LENGTH], user_inputs=_user_words(user))
    return result


class GuessablePasswordValidator:
    """Refuse a password that zxcvbn scores below PASSWORD_MIN_SCORE (3 of 4 by default)."""

    def __init__(self, min_score: int | None = None) -> None:
        self.min_score = settings.PASSWORD_MIN_SCORE if min_score is None else min_score

    def validate(self, password: str, user: Any = None) -> None:
        result = estimate(password, user)
        if result["score"] >= self.min_score:
            return
        leaked = any(
            match.get("pattern") == "dictionary" and match.get("dictionary_name") == "passwords"
            for match in result.get("sequence", [])
        )
        if leaked:
            raise ValidationError(
                _(
                    "This password is in lists of passwords leaked from other sites, or close "
                    "to one of them. Choose another."
                ),
                code="password_breached",
            )
        raise ValidationError(
            _(
                "This password is too easy to guess: common words, names, dates, keyboard "
                "patterns or repeats. Use several unrelated words, or a password manager."
            ),
            code="password_guessable",
        )

    def get_help_text(self) -> str:
        return _(
            "Your password cannot be a known leaked password or easy to guess (common words, "
            "names, dates, keyboard patterns, repeats)."
        )
