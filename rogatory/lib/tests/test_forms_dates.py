"""Every date a form takes is bounded by the one date validator (decision 0021)."""

from __future__ import annotations

import importlib
import pkgutil

from django import forms

import rogatory
from rogatory.lib.validators import PlausibleDateField

# Forms whose dates are not casework: bounded by their own rule, or only searched by.
EXEMPT = {
    "rogatory.accounts.token_views.TokenForm.expires_on",  # at most API_TOKEN_MAX_DAYS ahead
    "rogatory.auditreview.forms.ReviewFilterForm.date_from",  # a search filter, never stored
    "rogatory.auditreview.forms.ReviewFilterForm.date_to",
}


def _form_modules() -> None:
    """Import every module that may define a form (forms, views, wizard steps)."""
    for module in pkgutil.walk_packages(rogatory.__path__, "rogatory."):
        last = module.name.rsplit(".", 1)[-1]
        if ".tests" in module.name or ".migrations" in module.name:
            continue
        if (
            last in ("forms", "views", "wizard")
            or last.endswith("_views")
            or ".views." in (module.name + ".")
        ):
            importlib.import_module(module.name)


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_date_field_of_every_form_is_plausible() -> None:
    _form_modules()
    unbounded = []
    checked = 0
    for form in _subclasses(forms.BaseForm):
        if not form.__module__.startswith("rogatory."):
            continue
        for name, field in getattr(form, "base_fields", {}).items():
            if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
                where = f"{form.__module__}.{form.__qualname__}.{name}"
                checked += 1
                if not isinstance(field, PlausibleDateField) and where not in EXEMPT:
                    unbounded.append(where)
    assert checked > 10
    assert unbounded == []
