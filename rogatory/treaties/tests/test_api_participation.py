"""Participation as data through the API: every shipped row, and dates checked by hand."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from rogatory.reference.loaders import read_csv
from rogatory.treaties.loaders import DATA_DIR

pytestmark = pytest.mark.django_db

SHIPPED = list(read_csv(DATA_DIR / "participation.csv"))
CODES = sorted({row["instrument"] for row in SHIPPED})


def _participation(client: Client, code: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/treaties/{code}/participation")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("code", CODES)
def test_every_shipped_row_is_reproduced(client: Client, code: str) -> None:
    body = _participation(client, code)
    served = {p["state"]: p for p in body["participations"]}
    rows = [row for row in SHIPPED if row["instrument"] == code]
    assert len(served) == len(rows)
    for row in rows:
        p = served[row["state"]]
        assert p["kind"] == row["action"]
        assert p["signed_on"] == (row["signed_on"] or None)
        assert p["consent_on"] == (row["deposited_on"] or None)
        assert p["in_force_on"] == (row["in_force_on"] or None)
        assert p["in_force_basis"] == row["in_force_basis"]
        assert p["source"] == row["source"]
        assert p["source_ref"] == row["source_ref"]
        assert p["as_of"] == row["as_of"]
        assert p["verified"] is (row["verified"] == "yes")
    assert body["list_complete_as_of"] in {"2014-01-27", "2014-07-10"}


# Held out: typed here by hand, not read from the shipped files.
# (instrument, state, kind, consent date, entry into force, source)
HELD_OUT = [
    # UNTC participant tables (S1: zmjones/untreaties@003ce1309cc2, treaties/*.csv, 2014)
    ("untoc-som", "DM", "accession", "2013-05-17", "2013-06-16", "S1 18-12-b"),
    ("untoc-fire", "BS", "ratification", "2008-09-26", "2008-10-26", "S1 18-12-c"),
    ("untoc-fire", "CL", "accession", "2010-06-17", "2010-07-17", "S1 18-12-c"),
    ("untoc-tip", "PL", "ratification", "2003-09-26", "2003-12-25", "S1 18-12-a"),
    ("untoc-som", "NI", "accession", "2006-02-15", "2006-03-17", "S1 18-12-b"),
    ("untoc", "AG", "ratification", "2002-07-24", "2003-09-29", "S1 18-12"),
    ("untoc-som", "ME", "succession", "2006-10-23", None, "S1 18-12-b"),
    ("drugs-1988", "NE", "accession", "1992-11-10", "1993-02-08", "S1 6-19"),
    ("uncac", "MV", "accession", "2007-03-22", "2007-04-21", "S1 18-14"),
    ("untoc-tip", "MY", "accession", "2009-02-26", "2009-03-28", "S1 18-12-a"),
    ("uncac", "IQ", "accession", "2008-03-17", "2008-04-16", "S1 18-14"),
    # UNTC UNCAC status page as at 2024-04-20 (S4); entry into force from the Dutch
    # Verdragenbank (S5), not derived
    ("uncac", "AF", "ratification", "2008-08-25", "2008-09-24", "S4 + S5"),
    ("uncac", "AL", "ratification", "2006-05-25", "2006-06-24", "S4 + S5"),
    ("uncac", "AO", "ratification", "2006-08-29", "2006-09-28", "S4 + S5"),
    ("uncac", "AG", "accession", "2006-06-21", "2006-07-21", "S4 + S5"),
    # UN Statement ST/LEG/SER.A/856 (June 2018), with its printed date of effect (S2)
    ("uncac", "TD", "accession", "2018-06-26", "2018-07-26", "S2"),
]


@pytest.mark.parametrize("code", sorted({row[0] for row in HELD_OUT}))
def test_held_out_ratification_dates(client: Client, code: str) -> None:
    served = {p["state"]: p for p in _participation(client, code)["participations"]}
    for _code, state, kind, consent, in_force, source in (r for r in HELD_OUT if r[0] == code):
        p = served[state]
        assert (p["kind"], p["consent_on"], p["in_force_on"]) == (kind, consent, in_force), (
            state,
            source,
        )


def test_the_finder_returns_participation_as_data(client: Client) -> None:
    response = client.get(
        "/api/v1/legal-basis",
        {"requesting": "IN", "requested": "LV", "kind": "extradition", "date": "2020-01-01"},
    )
    assert response.status_code == 200
    bases = {b["instrument"]["code"]: b for b in response.json()["bases"]}
    untoc = bases["untoc"]
    assert untoc["list_complete_as_of"] == "2014-01-27"
    latvia = untoc["participation_requested"]
    assert latvia["state"] == "LV" and latvia["source"] == "S1" and latvia["verified"] is True
    assert datetime.date.fromisoformat(latvia["in_force_on"]) <= datetime.date(2020, 1, 1)
    # Latvia's 16(5) declaration, verbatim, with its source.
    [declaration] = [
        d for d in untoc["declarations_requested"] if d["kind"] == "extradition_basis_yes"
    ]
    assert declaration["source"] == "S1-D"
    assert "takes the Convention as the legal basis" in declaration["text"]
    assert any(
        r["check"] == "met" and "Latvia declared (art. 16(5))" in r["text"]
        for r in untoc["reasons"]
    )
    assert [n["article"] for n in untoc["notes"]] == ["16(5)"]


def test_unknown_treaty_is_a_404(client: Client) -> None:
    assert client.get("/api/v1/treaties/nope/participation").status_code == 404
