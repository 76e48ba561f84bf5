"""Legislation carries its provisions' maximum penalties (decision 0028): the CSV columns,
row-numbered refusals, the provision page in the reader's language, the demo's stated ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from conftest import Personas
from rogatory.knowledge.importing import import_path
from rogatory.knowledge.models import KnowledgeDocument, Provision
from rogatory.knowledge.provisions_csv import read_provisions

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "demo" / "knowledge" / "provisions.csv"
HEADER = (
    "state,language,act_title,act_date,number,text,iccs,"
    "penalty_kind,penalty_max,penalty_unit,penalty_amount,penalty_currency,penalty_from\n"
)
CSV = HEADER + (
    "FR,fr,Code pénal,1992-07-22,Article 324-1,Le blanchiment…,07041,"
    "deprivation_of_liberty,5,years,375000,EUR,1996-05-14\n"
    "FR,fr,Code pénal,1992-07-22,Article 433-1,Corruption active,070311,,,,,,\n"
    "KE,en,Bad Act,,Section 1,Text,07041,deprivation_of_liberty,5,,,,\n"
    "KE,en,Bad Act,,Section 2,Text,07041,fine,,,10,,\n"
)


@pytest.fixture(autouse=True)
def _index_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


def test_penalty_columns_are_read_and_bad_rows_named() -> None:
    good, bad = read_provisions(CSV.encode())
    assert good.act is not None
    first, second = good.act.provisions
    assert first.penalty == {
        "kind": "deprivation_of_liberty",
        "maximum": 5,
        "unit": "years",
        "amount": "375000",
        "currency": "EUR",
        "note": "",
        "in_force_from": "1996-05-14",
        "in_force_until": None,
    }
    assert second.penalty is None
    assert bad.act is None
    assert bad.errors[0].startswith("row 4: penalty: Give the maximum term and its unit")
    assert bad.errors[1].startswith("row 5: penalty: Give the fine's currency")


def test_imported_penalty_is_stored_and_shown_in_the_readers_language(
    tmp_path: Path, client: Client
) -> None:
    path = tmp_path / "provisions.csv"
    path.write_text(CSV, encoding="utf-8")
    report = import_path(path)
    assert len(report.created) == 1 and len(report.skipped) == 1  # the good act is kept
    provision = Provision.objects.get(number="Article 324-1")
    assert provision.penalty is not None and provision.penalty["maximum"] == 5
    document = KnowledgeDocument.objects.get(state="FR")
    url = reverse("knowledge_document", args=[document.public_id])
    page = client.get(url).content.decode()
    assert "Maximum penalty: up to 5 years&#x27; imprisonment and a fine of up to €375,000.00" in (
        page
    )
    assert "in force from 1996-05-14" in page
    with translation.override("fr"):
        french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert "375\u202f000,00\xa0€" in french.content.decode()


def test_the_edit_form_keeps_a_provisions_penalty(tmp_path: Path, personas: Personas) -> None:
    from rogatory.knowledge.forms import act_initial

    path = tmp_path / "provisions.csv"
    path.write_text(CSV, encoding="utf-8")
    import_path(path)
    _initial, provisions = act_initial(KnowledgeDocument.objects.get(state="FR"))
    assert provisions[0]["penalty_kind"] == "deprivation_of_liberty"
    assert provisions[0]["penalty_max"] == "5" and provisions[0]["penalty_from"] == "1996-05-14"


def test_demo_penalties_are_only_those_the_texts_state() -> None:
    acts = read_provisions(DEMO.read_bytes())
    assert all(not act.errors for act in acts)
    stated = {
        p.number: p.penalty["maximum"]
        for act in acts
        if act.act
        for p in act.act.provisions
        if p.penalty
    }
    assert stated == {"Article 324-1": 5, "Artículo 301": 6, "第一百九十一条": 10}
