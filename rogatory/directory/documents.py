"""The country profile as one JSON document: export, validation, import, CSV and diff.

The document (schema ``schemas/country-profile-1.schema.json``) is the unit of exchange
between states and the unit of versioning: each ``ProfileVersion`` stores one.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from rogatory.reference.loaders import LANGUAGE_FIELDS
from rogatory.reference.models import Language
from rogatory.treaties.models import Instrument

from .models import AcceptedLanguage, CompetentAuthority, CountryProfile, MeasureRequirement

SCHEMA_ID = "rogatory.country-profile/1"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "country-profile-1.schema.json"
# Django language code -> modeltranslation field suffix, for authority names.
NAME_FIELDS = {"ar": "ar", "zh-hans": "zh_hans", "en": "en", "fr": "fr", "ru": "ru", "es": "es"}
assert set(NAME_FIELDS.values()) == set(LANGUAGE_FIELDS.values())

AUTHORITY_TEXT = (
    "address",
    "email",
    "phone",
    "website",
    "office_hours",
    "urgent_contact",
    "notes",
    "source",
)
MEASURE_TEXT = (
    "legal_framework",
    "executing_authority",
    "execution_time",
    "dual_criminality",
    "forms",
    "undertakings",
    "special_requirements",
    "source",
)


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text("utf-8"))
    return loaded


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


# --- Export ---------------------------------------------------------------------------------
def export_profile(profile: CountryProfile) -> dict[str, Any]:
    """The profile as a document; an unsaved profile gives an empty one."""
    document: dict[str, Any] = {
        "schema": SCHEMA_ID,
        "state": profile.state_id,
        "version": profile.version,
        "summary": profile.summary,
        "urgent_procedure": profile.urgent_procedure,
        "source": profile.source,
        "last_verified_on": _iso(profile.last_verified_on),
        "languages": [],
        "authorities": [],
        "measures": [],
    }
    if not profile.exists:
        return document
    document["languages"] = [
        {
            "instrument": lang.instrument.code if lang.instrument else None,
            "language": lang.language_id,
        }
        for lang in profile.languages.select_related("instrument").order_by(
            "instrument__code", "language_id"
        )
    ]
    authorities = profile.authorities.prefetch_related("designated_under").order_by("slug")
    for authority in authorities:
        entry: dict[str, Any] = {"slug": authority.slug, "names": {}}
        for lang, suffix in NAME_FIELDS.items():
            name = getattr(authority, f"name_{suffix}") or ""
            if name:
                entry["names"][lang] = name
        entry["is_central"] = authority.is_central
        entry["kinds"] = list(authority.kinds)
        entry["designated_under"] = sorted(i.code for i in authority.designated_under.all())
        entry["channels"] = list(authority.channels)
        entry |= {name: getattr(authority, name) for name in AUTHORITY_TEXT}
        entry["last_verified_on"] = _iso(authority.last_verified_on)
        document["authorities"].append(entry)
    for measure in profile.measures.select_related("receiving_authority").order_by("measure"):
        item: dict[str, Any] = {
            "measure": measure.measure,
            "possible": measure.possible,
            "receiving_authority": measure.receiving_authority.slug
            if measure.receiving_authority
            else None,
            "languages": list(measure.languages),
            "certified_translation": measure.certified_translation,
            "legalisation": measure.legalisation,
        }
        item |= {name: getattr(measure, name) for name in MEASURE_TEXT}
        item["last_verified_on"] = _iso(measure.last_verified_on)
        document["measures"].append(item)
    return document


# --- Validation -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """One thing wrong with an imported document, and where."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


def _path(parts: Any) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def validate_document(document: Any, state_id: str) -> list[Problem]:
    """Every problem with ``document`` as an import for ``state_id``; empty when it is valid."""
    validator = jsonschema.Draft202012Validator(schema())
    problems = [
        Problem(_path(error.absolute_path), error.message)
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    ]
    if problems or not isinstance(document, dict):
        return problems
    if document["state"] != state_id:
        problems.append(
            Problem(
                "state",
                _("This profile is for %(found)s, not %(expected)s.")
                % {"found": document["state"], "expected": state_id},
            )
        )
    instruments = set(Instrument.objects.values_list("code", flat=True))
    languages = set(Language.objects.values_list("code", flat=True))
    problems += _date_problems("last_verified_on", document.get("last_verified_on"))
    for i, entry in enumerate(document["languages"]):
        if entry.get("instrument") and entry["instrument"] not in instruments:
            problems.append(Problem(f"languages[{i}].instrument", _unknown_instrument(entry)))
        if entry["language"] not in languages:
            problems.append(Problem(f"languages[{i}].language", _unknown_language(entry)))
    slugs: set[str] = set()
    for i, entry in enumerate(document["authorities"]):
        where = f"authorities[{i}]"
        if entry["slug"] in slugs:
            problems.append(Problem(f"{where}.slug", _("This identifier is used twice.")))
        slugs.add(entry["slug"])
        for code in entry.get("designated_under", []):
            if code not in instruments:
                problems.append(
                    Problem(f"{where}.designated_under", _unknown_instrument({"instrument": code}))
                )
        problems += _value_problems(where, entry)
    seen_measures: set[str] = set()
    for i, entry in enumerate(document["measures"]):
        where = f"measures[{i}]"
        if entry["measure"] in seen_measures:
            problems.append(Problem(f"{where}.measure", _("This measure is described twice.")))
        seen_measures.add(entry["measure"])
        slug = entry.get("receiving_authority")
        if slug and slug not in slugs:
            problems.append(
                Problem(
                    f"{where}.receiving_authority",
                    _("No authority with the identifier %(slug)s in this profile.")
                    % {"slug": slug},
                )
            )
        for code in entry.get("languages", []):
            if code not in languages:
                problems.append(
                    Problem(f"{where}.languages", _unknown_language({"language": code}))
                )
        problems += _date_problems(f"{where}.last_verified_on", entry.get("last_verified_on"))
    return problems


def _unknown_instrument(entry: dict[str, Any]) -> str:
    return _("Unknown instrument: %(code)s.") % {"code": entry["instrument"]}


def _unknown_language(entry: dict[str, Any]) -> str:
    return _("Unknown language code: %(code)s.") % {"code": entry["language"]}


def _date_problems(where: str, value: str | None) -> list[Problem]:
    if not value:
        return []
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return [Problem(where, _("Not a valid date: %(value)s.") % {"value": value})]
    return []


def _value_problems(where: str, entry: dict[str, Any]) -> list[Problem]:
    problems = _date_problems(f"{where}.last_verified_on", entry.get("last_verified_on"))
    checks = (("email", EmailValidator()), ("website", URLValidator()))
    for name, validator in checks:
        if entry.get(name):
            try:
                validator(entry[name])
            except ValidationError:
                problems.append(
                    Problem(
                        f"{where}.{name}",
                        _("Not a valid value: %(value)s.") % {"value": entry[name]},
                    )
                )
    return problems


# --- Import ---------------------------------------------------------------------------------
def _date_or_none(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def apply_document(profile: CountryProfile, document: dict[str, Any]) -> None:
    """Replace the profile's content with a validated ``document``."""
    profile.summary = document.get("summary", "")
    profile.urgent_procedure = document.get("urgent_procedure", "")
    profile.source = document.get("source", "")
    profile.last_verified_on = _date_or_none(document.get("last_verified_on"))
    profile.save()
    instruments = {i.code: i for i in Instrument.objects.all()}
    profile.languages.all().delete()
    AcceptedLanguage.objects.bulk_create(
        AcceptedLanguage(
            profile=profile,
            instrument=instruments[entry["instrument"]] if entry.get("instrument") else None,
            language_id=entry["language"],
        )
        for entry in document["languages"]
    )
    profile.measures.all().delete()
    profile.authorities.all().delete()
    by_slug = {}
    for entry in document["authorities"]:
        authority = CompetentAuthority(profile=profile, slug=entry["slug"])
        names = entry["names"]
        for lang, suffix in NAME_FIELDS.items():
            setattr(authority, f"name_{suffix}", names.get(lang, ""))
        authority.name = names.get("en") or next(iter(names.values()))
        authority.is_central = entry.get("is_central", False)
        authority.kinds = entry.get("kinds", [])
        authority.channels = entry.get("channels", [])
        for name in AUTHORITY_TEXT:
            setattr(authority, name, entry.get(name, ""))
        authority.last_verified_on = _date_or_none(entry.get("last_verified_on"))
        authority.save()
        authority.designated_under.set(
            [instruments[code] for code in entry.get("designated_under", [])]
        )
        by_slug[authority.slug] = authority
    for entry in document["measures"]:
        measure = MeasureRequirement(
            profile=profile,
            measure=entry["measure"],
            possible=entry.get("possible"),
            receiving_authority=by_slug.get(entry.get("receiving_authority") or ""),
            languages=entry.get("languages", []),
            certified_translation=entry.get("certified_translation", False),
            legalisation=entry.get("legalisation", False),
            last_verified_on=_date_or_none(entry.get("last_verified_on")),
        )
        for name in MEASURE_TEXT:
            setattr(measure, name, entry.get(name, ""))
        measure.save()


# --- CSV ------------------------------------------------------------------------------------
AUTHORITY_COLUMNS = (
    "slug",
    *(f"name_{lang}" for lang in NAME_FIELDS),
    "is_central",
    "kinds",
    "designated_under",
    "channels",
    *AUTHORITY_TEXT,
    "last_verified_on",
)
MEASURE_COLUMNS = (
    "measure",
    "possible",
    "receiving_authority",
    "languages",
    "certified_translation",
    "legalisation",
    *MEASURE_TEXT,
    "last_verified_on",
)
CSV_PARTS = {"authorities": AUTHORITY_COLUMNS, "measures": MEASURE_COLUMNS}
LIST_COLUMNS = {"kinds", "designated_under", "channels", "languages"}
BOOL_COLUMNS = {"is_central", "certified_translation", "legalisation"}


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return " ".join(value)
    return "" if value is None else str(value)


def export_csv(document: dict[str, Any], part: str) -> str:
    """One part of the document (``authorities`` or ``measures``) as CSV, one row per item."""
    columns = CSV_PARTS[part]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for item in document[part]:
        flat = dict(item)
        if part == "authorities":
            flat |= {f"name_{lang}": name for lang, name in item["names"].items()}
        writer.writerow([_cell(flat.get(column)) for column in columns])
    return out.getvalue()


class CsvRefused(Exception):
    """The CSV file cannot be read as a profile part at all."""


def _parse_cell(column: str, value: str) -> Any:
    value = value.strip()
    if column in LIST_COLUMNS:
        return value.split()
    if column in BOOL_COLUMNS:
        return value.lower() in {"yes", "true", "1"}
    if column == "possible":
        return {"yes": True, "true": True, "no": False, "false": False}.get(value.lower())
    if column in {"last_verified_on", "receiving_authority"}:
        return value or None
    return value


def document_from_csv(text: str, current: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Replace one part of ``current`` with the CSV's rows; return the document and the part.

    Problems found later in ``authorities[i]`` or ``measures[i]`` concern CSV row i + 2 (the
    header is row 1): see ``csv_row_problems``.
    """
    reader = csv.DictReader(io.StringIO(text))
    header = tuple(reader.fieldnames or ())
    part = next((name for name, columns in CSV_PARTS.items() if set(header) == set(columns)), None)
    if part is None:
        raise CsvRefused(
            _("The header row must hold exactly the columns of an exported file: %(columns)s.")
            % {"columns": ", ".join(AUTHORITY_COLUMNS)}
            + " "
            + _("or: %(columns)s.") % {"columns": ", ".join(MEASURE_COLUMNS)}
        )
    items = []
    for row in reader:
        if None in row:  # more cells than columns
            raise CsvRefused(
                _("Row %(row)s has more cells than the header.") % {"row": reader.line_num}
            )
        parsed = {column: _parse_cell(column, row[column] or "") for column in header}
        if part == "authorities":
            names = {lang: parsed.pop(f"name_{lang}") for lang in NAME_FIELDS}
            parsed["names"] = {lang: name for lang, name in names.items() if name}
        items.append(parsed)
    return {**current, part: items}, part


def csv_row_problems(problems: list[Problem], part: str) -> list[Problem]:
    """Re-address problems in ``part[i]`` as "row i + 2" with the column name."""
    readdressed = []
    for problem in problems:
        if problem.where.startswith(f"{part}["):
            index, _sep, rest = problem.where[len(part) + 1 :].partition("]")
            column = rest.lstrip(".").split(".")[0].split("[")[0]
            where = _("row %(row)s") % {"row": int(index) + 2}
            if column:
                where += f", {column}"
            readdressed.append(Problem(where, problem.message))
        else:
            readdressed.append(problem)
    return readdressed


# --- Diff -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    path: str
    before: Any
    after: Any


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat |= _flatten(item, f"{prefix}.{key}" if prefix else key)
        return flat
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        flat = {}
        for item in value:
            label = item.get("slug") or item.get("measure") or item.get("language") or "?"
            if "instrument" in item and "language" in item:
                label = f"{item.get('instrument') or '*'}:{item['language']}"
            flat |= _flatten(item, f"{prefix}[{label}]")
        return flat
    return {prefix: value}


def diff_documents(before: dict[str, Any] | None, after: dict[str, Any]) -> list[Change]:
    """Field-by-field changes from ``before`` to ``after`` (items matched by identifier)."""
    old = _flatten({k: v for k, v in (before or {}).items() if k != "version"})
    new = _flatten({k: v for k, v in after.items() if k != "version"})
    return [
        Change(path, old.get(path), new.get(path))
        for path in sorted(old.keys() | new.keys())
        if old.get(path) != new.get(path)
    ]
