"""One validator per kind of input: text, dates, and values bound for a model's columns.

Forms, the JSON API and the importers all check what they are given here, so a value refused
in one path is refused in every other, with the same message (decision 0021):

* **Text** may hold any character a person can type, tab and line breaks included, but no
  other C0 control character (NUL first: PostgreSQL refuses it with a server error), no DEL
  and no lone surrogate (it cannot be encoded to UTF-8). DOCX and PDF renderers and XML
  refuse the same characters, so they would otherwise break a request much later.
* **Dates** lie between ``DATE_MIN`` and ``DATE_MAX``: every date of a case (received,
  deadlines, births…) is in that range; ``9999-12-31`` once overflowed the working-days
  arithmetic. Checks across fields (acknowledged before received…) are the case's own.
* **Values for a model** (``model_value_problems``): every text within its column's
  ``max_length`` and clean, every date in range — what SQLite would otherwise store past the
  column length and PostgreSQL refuse with a server error.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

__all__ = [
    "DATE_MAX",
    "DATE_MIN",
    "FORBIDDEN_CHARACTERS",
    "InputRefused",
    "PlausibleDateField",
    "bounded_formfield",
    "date_problem",
    "model_value_problems",
    "text_problem",
    "validate_date",
    "validate_text",
]

# C0 controls except tab, line feed and carriage return; DEL; lone UTF-16 surrogates.
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

# The oldest date of a person's birth or a treaty we record, and a horizon no deadline or
# expiry reasonably passes; both far inside what every backend and date arithmetic handle.
DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2099, 12, 31)


class InputRefused(ValueError):
    """A value refused by one of these validators; ``message`` says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def text_problem(value: str) -> str | None:
    """Why ``value`` is not acceptable text (a translated sentence), or None."""
    found = FORBIDDEN_CHARACTERS.search(value)
    if found is None:
        return None
    return _(
        "The text contains a control character (U+%(code)04X) that is not allowed; "
        "remove it and try again."
    ) % {"code": ord(found.group())}


def date_problem(day: datetime.date) -> str | None:
    """Why ``day`` is not a plausible date (a translated sentence), or None."""
    if DATE_MIN <= day <= DATE_MAX:
        return None
    return _("Give a date between %(earliest)s and %(latest)s.") % {
        "earliest": DATE_MIN.isoformat(),
        "latest": DATE_MAX.isoformat(),
    }


def validate_text(value: object) -> None:
    """Django validator: refuse control characters (see ``text_problem``)."""
    if isinstance(value, str) and (problem := text_problem(value)):
        raise ValidationError(problem, code="control_character")


def validate_date(value: object) -> None:
    """Django validator: refuse dates outside ``DATE_MIN``..``DATE_MAX``."""
    if isinstance(value, datetime.date) and (problem := date_problem(value)):
        raise ValidationError(problem, code="implausible_date")


class PlausibleDateField(forms.DateField):
    """A form's date field bounded to ``DATE_MIN``..``DATE_MAX``."""

    default_validators = [validate_date]
    default_error_messages = {"invalid": gettext_lazy("Enter a valid date (YYYY-MM-DD).")}


def bounded_formfield(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """``formfield_callback`` of a ModelForm: its date fields bounded like every other."""
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        kwargs.setdefault("form_class", PlausibleDateField)
    formfield: forms.Field | None = field.formfield(**kwargs)
    if isinstance(formfield, forms.CharField):
        formfield.validators.append(validate_text)
    return formfield


def model_value_problems(
    model: type[models.Model], values: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """``(name, message)`` for each value that its column of ``model`` would not hold.

    Text is checked against the column's ``max_length`` and ``text_problem``, dates against
    ``date_problem``; names that are not concrete fields of the model (``nationality_id``, a
    foreign key given as an object…) are left to their own checks.
    """
    problems: list[tuple[str, str]] = []
    for name, value in values.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(value, str):
            if problem := text_problem(value):
                problems.append((name, problem))
                continue
            limit = getattr(field, "max_length", None)
            if isinstance(field, models.CharField) and limit and len(value) > limit:
                problems.append(
                    (
                        name,
                        _("At most %(limit)d characters (it has %(length)d).")
                        % {"limit": limit, "length": len(value)},
                    )
                )
        elif (
            isinstance(value, datetime.date)
            and not isinstance(value, datetime.datetime)
            and (problem := date_problem(value))
        ):
            problems.append((name, problem))
    return problems
