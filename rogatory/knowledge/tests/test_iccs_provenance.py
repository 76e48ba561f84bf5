"""Who coded a provision in ICCS, how, and who verified it (decision 0034): the CSV columns,
row-numbered refusals, the edit form that keeps them, and a verification stored even though
the act's text is unchanged."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.knowledge.importing import import_path
from rogatory.knowledge.models import IccsMethod, KnowledgeDocument, Provision
from rogatory.knowledge.provisions_csv import CsvError, read_provisions
from rogatory.knowledge.tests.test_legal import login, provision_rows

pytestmark = pytest.mark.django_db

HEADER = "state,language,act_title,number,iccs,iccs_method,iccs_coded_by,iccs_verified_by,"
HEADER += "iccs_verified_on\n"
GOOD = "FR,fr,Code pénal,Article 324-1,07041,manual,Coder A,Reviewer B,2026-12-01\n"
UNVERIFIED = "FR,fr,Code pénal,Article 324-1,07041,correspondence_table,Coder A,,\n"
BAD = (
    "KE,en,Bad Act,Section 1,07041,guessed,,,\n"
    "KE,en,Bad Act,Section 2,07041,manual,Coder A,coder a,\n"
    "KE,en,Bad Act,Section 3,07041,manual,Coder A,,2026-12-01\n"
    "KE,en,Bad Act,Section 4,07041,manual,Coder A,Reviewer B,01/12/2026\n"
)


@pytest.fixture(autouse=True)
def _index_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


def test_columns_are_read_and_bad_rows_named() -> None:
    good, bad = read_provisions((HEADER + GOOD + BAD).encode())
    assert good.act is not None
    provision = good.act.provisions[0]
    assert (provision.iccs_method, provision.iccs_coded_by) == ("manual", "Coder A")
    assert provision.iccs_verified_by == "Reviewer B"
    assert provision.iccs_verified_on == datetime.date(2026, 12, 1)
    assert bad.act is None
    assert bad.errors == [
        "row 3: iccs_method: 'guessed' is not one of manual, correspondence_table, suggested.",
        "row 4: iccs_verified_by: The verifier must be a second person, not the coder.",
        "row 5: iccs_verified_by: Say who verified the coding on that date.",
        "row 6: iccs_verified_on: '01/12/2026' is not YYYY-MM-DD.",
    ]


def test_a_later_verification_is_stored_though_the_text_is_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "provisions.csv"
    path.write_text(HEADER + UNVERIFIED, encoding="utf-8")
    import_path(path)
    provision = Provision.objects.get()
    assert provision.iccs_method == IccsMethod.CORRESPONDENCE_TABLE
    assert not provision.iccs_verified
    path.write_text(HEADER + GOOD, encoding="utf-8")
    import_path(path)
    provision.refresh_from_db()
    assert provision.iccs_verified and provision.iccs_verified_by == "Reviewer B"
    assert provision.iccs_method == IccsMethod.MANUAL


def test_the_edit_form_keeps_and_checks_the_provenance(
    client: Client, personas: Personas, tmp_path: Path
) -> None:
    path = tmp_path / "provisions.csv"
    path.write_text(HEADER + GOOD, encoding="utf-8")
    import_path(path)
    document = KnowledgeDocument.objects.get()
    login(client, personas.site_admin)
    edit = reverse("knowledge_act_edit", args=[document.public_id])
    page = client.get(edit).content.decode()
    assert 'value="Reviewer B"' in page and 'value="2026-12-01"' in page
    form = {"state": "FR", "language": "fr", "title": "Code pénal"}
    row = {
        "number": "Article 324-1",
        "iccs": "07041",
        "iccs_method": "manual",
        "iccs_coded_by": "Coder A",
        "iccs_verified_by": "Coder A",
    }
    response = client.post(edit, form | provision_rows(row))
    assert response.status_code == 200
    assert "The verifier must be a second person, not the coder." in response.content.decode()
    row |= {"iccs_verified_by": "Reviewer C", "iccs_verified_on": "2026-12-05"}
    response = client.post(edit, form | provision_rows(row))
    assert response.status_code == 302
    provision = Provision.objects.get()
    assert provision.iccs_verified_by == "Reviewer C"
    assert provision.iccs_verified_on == datetime.date(2026, 12, 5)
    shown = client.get(reverse("knowledge_document", args=[document.public_id]))
    assert "ICCS coding verified by Reviewer C on 2026-12-05" in shown.content.decode()


def test_every_message_about_a_file_of_provisions_is_translated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each problem a CSV of provisions can have is worded through gettext (a marker stands
    in for the translation here), row by row and for the file as a whole."""
    from rogatory.knowledge import provisions_csv

    monkeypatch.setattr(provisions_csv, "_", lambda message: f"«{message}»")
    bad_rows = (
        "state,language,act_title,number,act_date,iccs_method,iccs_coded_by,iccs_verified_by,"
        "iccs_verified_on,penalty_kind\n"
        "FRA,english,Act,,2026-13-01,guessed,A,a,01/12/2026,flogging\n"
        "FRA,english,Act,,,,,,2026-12-01,\n"
    )
    [act] = read_provisions(bad_rows.encode())
    assert act.label.startswith("«") and len(act.errors) >= 9
    for error in act.errors:
        assert error.startswith("«row "), error
        problem = error.split(": ", 1)[1]
        assert "«" in problem, error
    for data in (b"\xff", b"state,language\n", b"state,language,act_title,number,x\n"):
        with pytest.raises(CsvError) as refused:
            read_provisions(data)
        assert str(refused.value).startswith("«"), refused.value
