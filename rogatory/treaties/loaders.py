"""Load the shipped treaty data (``treaties/data/``): the five UN instruments of our scope.

Idempotent like the other reference loaders. Only the shipped instruments are touched:
bilateral and regional treaties that administrators added stay as they are.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.db import transaction

from rogatory.reference.loaders import LANGUAGE_FIELDS, SyncReport, read_csv, sync

from .models import CooperationArticle, Declaration, Instrument, Participation, entry_into_force_for

DATA_DIR = Path(__file__).resolve().parent / "data"
# Action of a participation row that records a state as neither signatory nor party.
NOT_PARTY = "none"

# Text fields of instruments.json copied as they are ("" when absent).
INSTRUMENT_TEXT = (
    "kind",
    "central_authority_article",
    "language_article",
    "extradition_basis_article",
    "depositary",
    "unts",
    "source_url",
)


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _yes(value: str) -> bool:
    return value.strip().lower() in {"yes", "true", "1"}


def read_instruments() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA_DIR / "instruments.json").read_text("utf-8"))
    return data


def coverage_of(participation: list[dict[str, str]]) -> dict[str, list[str]]:
    """Per instrument, the states the participation file records, as parties or not."""
    coverage: dict[str, set[str]] = {}
    for row in participation:
        coverage.setdefault(row["instrument"], set()).add(row["state"].strip())
    return {code: sorted(states) for code, states in coverage.items()}


def instrument_rows(data: dict[str, Any], coverage: dict[str, list[str]]) -> list[dict[str, Any]]:
    as_of = _date(data["as_of"])
    rows = []
    for item in data["instruments"]:
        row: dict[str, Any] = {name: item.get(name, "") for name in INSTRUMENT_TEXT}
        row |= {
            "code": item["code"],
            "as_of": as_of,
            "coverage": coverage.get(item["code"], []),
            "days_to_entry_into_force": item.get("days_to_entry_into_force"),
            "scope_iccs": item.get("scope_iccs", []),
            "scope_is_limited": item.get("scope_is_limited", False),
            "adopted_on": _date(item.get("adopted_on")),
            "in_force_on": _date(item.get("in_force_on")),
        }
        for field in ("title", "short_title", "scope"):
            for lang, suffix in LANGUAGE_FIELDS.items():
                row[f"{field}_{suffix}"] = item[field][lang]
        row["title"] = item["title"]["en"]
        row["short_title"] = item["short_title"]["en"]
        row["scope"] = item["scope"]["en"]
        rows.append(row)
    return rows


@transaction.atomic
def load_treaty_data() -> list[SyncReport]:
    data = read_instruments()
    participation = list(read_csv(DATA_DIR / "participation.csv"))
    codes = [item["code"] for item in data["instruments"]]
    reports = [
        sync(
            Instrument,
            instrument_rows(data, coverage_of(participation)),
            key=("code",),
            scope=Instrument.objects.filter(code__in=codes),
        )
    ]
    instruments = {i.code: i for i in Instrument.objects.filter(code__in=codes)}
    parents = {item["code"]: item.get("parent") for item in data["instruments"]}
    for code, parent in parents.items():
        wanted = instruments[parent].pk if parent else None
        if instruments[code].parent_id != wanted:
            Instrument.objects.filter(pk=instruments[code].pk).update(parent_id=wanted)

    articles = [
        {
            "instrument_id": instruments[item["code"]].pk,
            "kind": article["kind"],
            "article": article["article"],
            "via_parent": article.get("via_parent", False),
        }
        for item in data["instruments"]
        for article in item["articles"]
    ]
    reports.append(
        sync(
            CooperationArticle,
            articles,
            key=("instrument_id", "kind", "article"),
            scope=CooperationArticle.objects.filter(instrument__code__in=codes),
        )
    )
    reports.append(
        sync(
            Participation,
            participation_rows(instruments, participation),
            key=("instrument_id", "state_id"),
            scope=Participation.objects.filter(instrument__code__in=codes),
        )
    )
    reports.append(
        sync(
            Declaration,
            declaration_rows(instruments),
            key=("instrument_id", "state_id", "kind", "article"),
            scope=Declaration.objects.filter(instrument__code__in=codes),
        )
    )
    return reports


def participation_rows(
    instruments: dict[str, Instrument], participation: list[dict[str, str]]
) -> list[dict[str, Any]]:
    rows = []
    for row in participation:
        instrument = instruments[row["instrument"]]
        deposited_on = _date(row["deposited_on"])
        action = row["action"].strip()
        if action == NOT_PARTY:
            continue  # recorded in the instrument's coverage: checked, neither signed nor party
        rows.append(
            {
                "instrument_id": instrument.pk,
                "state_id": row["state"].strip(),
                "signed_on": _date(row["signed_on"]),
                "action": action,
                "deposited_on": deposited_on,
                "in_force_on": None
                if action == Participation.Action.SIGNATURE
                else entry_into_force_for(instrument, deposited_on),
                "source_url": row["source_url"],
                "as_of": _date(row["as_of"]),
                "verified": _yes(row["verified"]),
                "note": row["note"],
            }
        )
    return rows


def declaration_rows(instruments: dict[str, Instrument]) -> list[dict[str, Any]]:
    rows = []
    for row in read_csv(DATA_DIR / "declarations.csv"):
        rows.append(
            {
                "instrument_id": instruments[row["instrument"]].pk,
                "state_id": row["state"].strip(),
                "kind": row["kind"].strip(),
                "article": row["article"].strip(),
                "languages": row["languages"].split(),
                "text": row["text"],
                "source_url": row["source_url"],
                "verified": _yes(row["verified"]),
                "note": row["note"],
            }
        )
    return rows
