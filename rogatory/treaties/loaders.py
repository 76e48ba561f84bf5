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

from .models import CooperationArticle, Declaration, Instrument, Participation, StatusListImport

DATA_DIR = Path(__file__).resolve().parent / "data"

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


def instrument_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    as_of = _date(data["as_of"])
    rows = []
    for item in data["instruments"]:
        row: dict[str, Any] = {name: item.get(name, "") for name in INSTRUMENT_TEXT}
        row |= {
            "code": item["code"],
            "as_of": as_of,
            "list_complete_as_of": _date(item.get("list_complete_as_of")),
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
            instrument_rows(data),
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
    # An applied status list (imported by an administrator) is newer than the shipped file:
    # its instruments keep the imported rows.
    imported = {
        code
        for codes_applied in StatusListImport.objects.filter(
            status=StatusListImport.Status.APPLIED
        ).values_list("instruments", flat=True)
        for code in codes_applied
    }
    shipped = [code for code in codes if code not in imported]
    reports.append(
        sync(
            Participation,
            participation_rows(
                instruments, [r for r in participation if r["instrument"] in shipped]
            ),
            key=("instrument_id", "state_id"),
            scope=Participation.objects.filter(instrument__code__in=shipped),
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
    """The rows of ``participation.csv`` (built by ``scripts/build_treaty_data.py``); the
    entry into force is the file's own, which the build derives by the instrument's rule or
    takes from the depositary (``in_force_basis``)."""
    return [
        {
            "instrument_id": instruments[row["instrument"]].pk,
            "state_id": row["state"].strip(),
            "state_name_in_source": row["state_name_untc"],
            "signed_on": _date(row["signed_on"]),
            "action": row["action"].strip(),
            "deposited_on": _date(row["deposited_on"]),
            "in_force_on": _date(row["in_force_on"]),
            "in_force_basis": row["in_force_basis"],
            "source": row["source"],
            "source_ref": row["source_ref"],
            "source_url": row["source_url"],
            "as_of": _date(row["as_of"]),
            "verified": _yes(row["verified"]),
            "note": row["note"],
        }
        for row in participation
    ]


def declaration_rows(instruments: dict[str, Instrument]) -> list[dict[str, Any]]:
    return [
        {
            "instrument_id": instruments[row["instrument"]].pk,
            "state_id": row["state"].strip(),
            "kind": row["kind"].strip(),
            "article": row["article"].strip(),
            "languages": row["languages"].split(),
            "text": row["text"],
            "source": row["source"],
            "source_ref": row["source_ref"],
            "source_url": row["source_url"],
            "as_of": _date(row["as_of"]),
            "verified": _yes(row["verified"]),
            "note": row["note"],
        }
        for row in read_csv(DATA_DIR / "declarations.csv")
    ]


def organization_rows(code: str) -> list[dict[str, str]]:
    """Parties that are not States (the European Union) to one instrument, as shipped."""
    return [r for r in read_csv(DATA_DIR / "organizations.csv") if r["instrument"] == code]
