"""An administrator imports an updated status list: compared first, applied, audited,
versioned; a bad list changes nothing."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.audit.models import AuditEntry
from rogatory.treaties.build import PARTICIPATION_COLUMNS, to_csv
from rogatory.treaties.imports import recorded_rows
from rogatory.treaties.loaders import load_treaty_data
from rogatory.treaties.models import Participation, StatusListImport

URL = "/treaties/status-lists/"


def updated_uncac() -> str:
    """The recorded UNCAC list with Somalia added, Germany verified and Chad removed."""
    rows = recorded_rows({"uncac"})
    rows.pop(("uncac", "TD"))
    rows[("uncac", "DE")] |= {"verified": "yes", "source": "S8", "as_of": "2026-12-01"}
    rows[("uncac", "SO")] = {
        "instrument": "uncac",
        "state": "SO",
        "state_name_untc": "Somalia",
        "signed_on": "",
        "action": "accession",
        "deposited_on": "2021-08-26",
        "in_force_on": "2021-09-25",
        "in_force_basis": "derived",
        "source": "S8",
        "source_ref": "UNTC status page (test)",
        "source_url": "https://treaties.un.org/",
        "as_of": "2026-12-01",
        "verified": "yes",
        "note": "",
    }
    return to_csv(sorted(rows.values(), key=lambda r: r["state"]), PARTICIPATION_COLUMNS)


def upload(client: Client, text: str) -> Any:
    return client.post(
        URL,
        {"file": SimpleUploadedFile("uncac.csv", text.encode()), "reason": "UNTC status, Dec 2026"},
    )


def test_compare_then_apply(client: Client, personas: Personas) -> None:
    client.force_login(personas.site_admin)
    response = upload(client, updated_uncac())
    compared = StatusListImport.objects.get()
    assert response["Location"] == compared.get_absolute_url()
    assert compared.counts() == {"added": 1, "changed": 1, "removed": 1}
    # Nothing applied yet.
    assert not Participation.objects.filter(instrument__code="uncac", state="SO").exists()
    page = client.get(compared.get_absolute_url()).content.decode()
    assert "1 added, 1 changed, 1 removed." in page
    assert 'data-testid="diff-removed"' in page and "uncac TD" in page
    client.post(compared.get_absolute_url())
    compared.refresh_from_db()
    assert (compared.status, compared.number) == ("applied", 1)
    somalia = Participation.objects.get(instrument__code="uncac", state="SO")
    assert somalia.in_force_on == datetime.date(2021, 9, 25) and somalia.source == "S8"
    assert not Participation.objects.filter(instrument__code="uncac", state="TD").exists()
    assert Participation.objects.get(instrument__code="uncac", state="DE").verified
    actions = list(
        AuditEntry.objects.filter(object_type="status_list_import").values_list("action", flat=True)
    )
    assert sorted(actions) == ["treaties.status_list_applied", "treaties.status_list_compared"]
    # Applying twice is refused; reloading the shipped files keeps the imported rows.
    client.post(compared.get_absolute_url())
    assert StatusListImport.objects.get().number == 1
    load_treaty_data()
    assert Participation.objects.filter(instrument__code="uncac", state="SO").exists()


def test_a_stale_comparison_is_not_applied(client: Client, personas: Personas) -> None:
    client.force_login(personas.site_admin)
    upload(client, updated_uncac())
    compared = StatusListImport.objects.get()
    Participation.objects.filter(instrument__code="uncac", state="FR").delete()
    client.post(compared.get_absolute_url())
    compared.refresh_from_db()
    assert compared.status == "preview"
    assert not Participation.objects.filter(instrument__code="uncac", state="SO").exists()


def test_bad_list_changes_nothing_and_names_every_problem(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.site_admin)
    text = updated_uncac().replace("uncac,SO,Somalia,,accession,2021-08-26", "uncac,ZZ,X,,won,21")
    response = upload(client, text)
    assert response.status_code == 400
    page = response.content.decode()
    assert "state: not an ISO 3166-1 alpha-2 code" in page
    assert "action: not one of" in page
    assert "deposited_on: not a date (YYYY-MM-DD)." in page
    assert not StatusListImport.objects.exists()
    wrong = upload(client, "instrument,state\nuncac,FR\n")
    assert "The columns must be those of participation.csv" in wrong.content.decode()


def test_a_file_the_csv_reader_refuses_is_a_problem_not_a_server_error(
    client: Client, personas: Personas
) -> None:
    """A field over the csv module's limit (131,072 characters) fits under the 5 MB upload
    limit: it is named as a problem, nothing is stored, never a 500."""
    client.force_login(personas.site_admin)
    header = ",".join(PARTICIPATION_COLUMNS)
    text = header + "\nuncac,FR," + "x" * 200_000 + "\n"
    response = upload(client, text)
    assert response.status_code == 400
    assert "not a readable CSV table" in response.content.decode()
    assert not StatusListImport.objects.exists()


def test_only_site_administrators(client: Client, personas: Personas) -> None:
    client.force_login(personas.authority_admin)
    assert client.get(URL).status_code == 403
    assert upload(client, updated_uncac()).status_code == 403
    client.force_login(personas.site_admin)
    assert 'data-testid="status-import"' in client.get(reverse("treaty_list")).content.decode()
