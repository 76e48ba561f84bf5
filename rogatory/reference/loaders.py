"""Load reference data from the versioned files in ``reference/data/`` into the database.

Loading is idempotent: rows are compared with what is stored and only differences are
written, so a second run reports every row as unchanged.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction

from rogatory.lib.textfold import fold

from .models import (
    Currency,
    IccsCategory,
    IccsFootnote,
    Language,
    Region,
    State,
    StateLanguage,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
# Column suffix in our data files -> field suffix that modeltranslation generates.
LANGUAGE_FIELDS = {"ar": "ar", "zh": "zh_hans", "en": "en", "fr": "fr", "ru": "ru", "es": "es"}
UNOFFICIAL_ICCS_LANGUAGES = ("ar", "zh", "fr", "ru")


@dataclass
class SyncReport:
    """What a load did to one model."""

    model: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.model}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.deleted} deleted"
        )


def read_csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:  # the UNSD files carry a BOM
        yield from csv.DictReader(handle)


def sync(
    model: type[models.Model],
    rows: Iterable[dict[str, Any]],
    *,
    key: tuple[str, ...] | None = None,
    scope: models.QuerySet[Any] | None = None,
) -> SyncReport:
    """Make the table of ``model`` (or the part of it in ``scope``) hold exactly ``rows``.

    Rows are matched on the primary key, or on the ``key`` fields when the primary key is a
    serial number.
    """
    report = SyncReport(model.__name__)
    fields = key or (model._meta.pk.attname,)
    queryset = scope if scope is not None else model._default_manager.all()
    existing = {tuple(getattr(obj, name) for name in fields): obj for obj in queryset}
    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    changed_fields: set[str] = set()
    seen: set[Any] = set()
    for row in rows:
        pk = tuple(row[name] for name in fields)
        seen.add(pk)
        obj = existing.get(pk)
        if obj is None:
            to_create.append(model(**row))
            continue
        diff = [name for name, value in row.items() if getattr(obj, name) != value]
        if diff:
            for name in diff:
                setattr(obj, name, row[name])
            changed_fields.update(diff)
            to_update.append(obj)
        else:
            report.unchanged += 1
    stale = [obj.pk for found, obj in existing.items() if found not in seen]
    if stale:
        model._default_manager.filter(pk__in=stale).delete()
    model._default_manager.bulk_create(to_create, batch_size=500)
    if to_update:
        model._default_manager.bulk_update(to_update, sorted(changed_fields), batch_size=500)
    report.created, report.updated, report.deleted = len(to_create), len(to_update), len(stale)
    return report


def translated(prefix: str, row: dict[str, str], column: str = "{prefix}_{lang}") -> dict[str, str]:
    """Map the six language columns of a data row to modeltranslation fields."""
    return {
        f"{prefix}_{suffix}": row.get(column.format(prefix=prefix, lang=lang), "").strip()
        for lang, suffix in LANGUAGE_FIELDS.items()
    }


# --- Regions and states -------------------------------------------------------------------

_M49_LEVELS = (
    ("Global Code", "Global Name", Region.Level.GLOBAL),
    ("Region Code", "Region Name", Region.Level.REGION),
    ("Sub-region Code", "Sub-region Name", Region.Level.SUBREGION),
    ("Intermediate Region Code", "Intermediate Region Name", Region.Level.INTERMEDIATE),
)


def _strip_unterm(name: str) -> str:
    # UNTERM marks non-member observer states with " *".
    return name.removesuffix("*").strip()


def region_rows() -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Return M49 region rows and, per ISO alpha-2 code, the most specific region."""
    regions: dict[str, dict[str, Any]] = {}
    state_region: dict[str, str] = {}
    for lang, suffix in LANGUAGE_FIELDS.items():
        for row in read_csv(DATA_DIR / "countries" / f"unsd_m49_{lang}.csv"):
            parent = None
            for code_col, name_col, level in _M49_LEVELS:
                code = row[code_col].strip()
                if not code:
                    continue
                entry = regions.setdefault(
                    code, {"code": code, "level": level, "parent_id": parent}
                )
                entry[f"name_{suffix}"] = row[name_col].strip()
                parent = code
            if parent and row["ISO-alpha2 Code"]:
                state_region[row["ISO-alpha2 Code"]] = parent
    return sorted(regions.values(), key=lambda r: (r["level"], r["code"])), state_region


def state_rows(state_region: dict[str, str]) -> list[dict[str, Any]]:
    fixes: dict[tuple[str, str], dict[str, str]] = {}
    for fix in read_csv(DATA_DIR / "countries" / "state_name_fixes.csv"):
        fixes.setdefault((fix["iso2"], fix["field"]), {})[fix["language"]] = fix["value"]
    code_for_unterm = {"ar": "Arabic", "zh": "Chinese", "en": "English", "fr": "French"}
    code_for_unterm |= {"ru": "Russian", "es": "Spanish"}
    rows = []
    for row in read_csv(DATA_DIR / "countries" / "country-codes.csv"):
        iso2 = row["ISO3166-1-Alpha-2"].strip()
        if not iso2:
            continue
        state: dict[str, Any] = {
            "iso2": iso2,
            "iso3": row["ISO3166-1-Alpha-3"].strip(),
            "numeric": row["ISO3166-1-numeric"].strip().zfill(3),
            "region_id": state_region.get(iso2),
            "is_independent": row["is_independent"].strip() == "Yes",
        }
        for lang, suffix in LANGUAGE_FIELDS.items():
            source_lang = "cn" if lang == "zh" else lang
            state[f"name_{suffix}"] = row[f"official_name_{source_lang}"].strip()
            formal = row[f"UNTERM {code_for_unterm[lang]} Formal"]
            state[f"formal_name_{suffix}"] = _strip_unterm(formal)
        for (fix_iso2, fix_field), values in fixes.items():
            if fix_iso2 == iso2:
                for lang, value in values.items():
                    state[f"{fix_field}_{LANGUAGE_FIELDS[lang]}"] = value
        rows.append(state)
    return rows


# --- Languages and currencies -------------------------------------------------------------


def language_rows() -> list[dict[str, Any]]:
    return [
        {
            "code": row["code"],
            "iso639_1": row["iso639_1"],
            "iso639_2t": row["iso639_2t"],
            "iso639_3": row["iso639_3"],
            "is_un_official": row["is_un_official"] == "1",
            **translated("name", row),
        }
        for row in read_csv(DATA_DIR / "languages.csv")
    ]


def iso_minor_units() -> dict[str, int]:
    """ISO 4217 minor units as country-codes.csv records them, per currency code."""
    units: dict[str, int] = {}
    for row in read_csv(DATA_DIR / "countries" / "country-codes.csv"):
        codes = row["ISO4217-currency_alphabetic_code"].split(",")
        digits = row["ISO4217-currency_minor_unit"].split(",")
        for code, unit in zip(codes, digits, strict=False):
            if code.strip() and unit.strip().isdigit():
                units[code.strip()] = int(unit)
    return units


def currency_rows() -> list[dict[str, Any]]:
    # CLDR's precision is for display; ISO 4217's minor unit wins where we have it.
    iso_units = iso_minor_units()
    return [
        {
            "code": row["code"],
            "numeric": row["numeric"],
            "minor_unit": iso_units.get(
                row["code"], int(row["minor_unit"]) if row["minor_unit"] else None
            ),
            **translated("name", row),
        }
        for row in read_csv(DATA_DIR / "currencies.csv")
    ]


def sync_state_links() -> list[SyncReport]:
    """Link states to their official languages (CLDR) and currencies (ISO 4217)."""
    wanted = {
        (row["iso2"], row["language"]): row["status"]
        for row in read_csv(DATA_DIR / "state_languages.csv")
    }
    states = set(State.objects.values_list("iso2", flat=True))
    wanted = {key: status for key, status in wanted.items() if key[0] in states}
    report = SyncReport("StateLanguage")
    existing = {(sl.state_id, sl.language_id): sl for sl in StateLanguage.objects.all()}
    stale = [sl.pk for key, sl in existing.items() if key not in wanted]
    StateLanguage.objects.filter(pk__in=stale).delete()
    report.deleted = len(stale)
    to_create = []
    for (iso2, language), status in wanted.items():
        current = existing.get((iso2, language))
        if current is None:
            to_create.append(StateLanguage(state_id=iso2, language_id=language, status=status))
        elif current.status != status:
            current.status = status
            current.save(update_fields=["status"])
            report.updated += 1
        else:
            report.unchanged += 1
    StateLanguage.objects.bulk_create(to_create)
    report.created = len(to_create)

    currency_report = SyncReport("State.currencies")
    known = set(Currency.objects.values_list("code", flat=True))
    through: Any = State.currencies.through
    wanted_currencies = set()
    for row in read_csv(DATA_DIR / "countries" / "country-codes.csv"):
        iso2 = row["ISO3166-1-Alpha-2"].strip()
        for code in row["ISO4217-currency_alphabetic_code"].split(","):
            if iso2 in states and code.strip() in known:
                wanted_currencies.add((iso2, code.strip()))
    have = set(through.objects.values_list("state_id", "currency_id"))
    gone = have - wanted_currencies
    for iso2, code in gone:
        through.objects.filter(state_id=iso2, currency_id=code).delete()
    new = wanted_currencies - have
    through.objects.bulk_create([through(state_id=s, currency_id=c) for s, c in sorted(new)])
    currency_report.created, currency_report.deleted = len(new), len(gone)
    currency_report.unchanged = len(have & wanted_currencies)
    return [report, currency_report]


# --- ICCS ---------------------------------------------------------------------------------


def iccs_rows() -> list[dict[str, Any]]:
    unofficial: dict[str, dict[str, str]] = {}
    for lang in UNOFFICIAL_ICCS_LANGUAGES:
        for row in read_csv(DATA_DIR / "iccs" / f"titles_{lang}.csv"):
            unofficial.setdefault(row["code"], {})[lang] = row["title"].strip()
    rows = []
    for row in read_csv(DATA_DIR / "iccs" / "iccs_v1_0.csv"):
        code = row["code"]
        titles = unofficial.get(code, {})
        entry: dict[str, Any] = {
            "code": code,
            "level": int(row["level"]),
            "parent_id": row["parent_code"] or None,
            "footnote_refs": [int(n) for n in row["footnote_refs"].split(";") if n],
            "page_en": row["page_en"],
            "page_es": row["page_es"],
            "notes": row["notes"],
        }
        for lang, suffix in LANGUAGE_FIELDS.items():
            entry[f"title_{suffix}"] = row.get(f"title_{lang}") or titles.get(lang, "")
            for name in ("description", "inclusions", "exclusions"):
                entry[f"{name}_{suffix}"] = row.get(f"{name}_{lang}", "")
        searchable = [code] + [
            entry[f"{name}_{suffix}"]
            for name in ("title", "description", "inclusions")
            for suffix in LANGUAGE_FIELDS.values()
        ]
        entry["search_text"] = fold(" ".join(searchable))
        rows.append(entry)
    # Parents first, so foreign keys resolve on databases that check them immediately.
    return sorted(rows, key=lambda r: (r["level"], r["code"]))


def iccs_footnote_rows() -> list[dict[str, Any]]:
    rows = []
    for row in read_csv(DATA_DIR / "iccs" / "iccs_v1_0_footnotes.csv"):
        entry: dict[str, Any] = {"number": int(row["footnote_no"])}
        for lang, suffix in LANGUAGE_FIELDS.items():
            entry[f"text_{suffix}"] = row.get(f"text_{lang}", "")
        rows.append(entry)
    return rows


@transaction.atomic
def load_reference_data() -> list[SyncReport]:
    """Load every reference table; return what changed."""
    regions, state_region = region_rows()
    reports = [
        sync(Region, regions),
        sync(Language, language_rows()),
        sync(Currency, currency_rows()),
        sync(State, state_rows(state_region)),
    ]
    reports += sync_state_links()
    reports.append(sync(IccsCategory, iccs_rows()))
    reports.append(sync(IccsFootnote, iccs_footnote_rows()))
    return reports
