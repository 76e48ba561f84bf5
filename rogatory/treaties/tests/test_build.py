"""scripts/build_treaty_data.py: the shipped files are what the UN data gives, and every
difference with our earlier file is settled and recorded."""

from __future__ import annotations

import csv
import io

from rogatory.treaties.build import (
    DATA_DIR,
    UNTC_DIR,
    build,
    build_files,
    derived_entry_into_force,
    instrument_rules,
    read,
)


def test_shipped_files_are_the_build_output() -> None:
    for path, content in build_files().items():
        assert path.read_text("utf-8") == content, f"{path}: run scripts/build_treaty_data.py"


def test_every_un_list_row_is_shipped() -> None:
    shipped = {(r["instrument"], r["state"]): r for r in read(DATA_DIR / "participation.csv")}
    organizations = {(r["instrument"], r["state"]) for r in read(DATA_DIR / "organizations.csv")}
    later = {(r["instrument"], r["iso2"]) for r in read(UNTC_DIR / "supplementary_events.csv")}
    for row in read(UNTC_DIR / "all_instruments.csv"):
        key = (row["instrument"], row["iso2"])
        if row["iso2"] == "EU":
            assert key in organizations
            continue
        if key in later or key == ("uncac", "DE"):  # newer than the list (see resolutions)
            assert shipped[key]["signed_on"] == row["signature_date"], key
            continue
        assert shipped[key]["action"] == row["action_kind"], key
        assert shipped[key]["deposited_on"] == row["action_date"], key
        assert shipped[key]["in_force_on"] == row["eif_date"], key
        assert shipped[key]["as_of"] == row["source_as_of"], key
        assert shipped[key]["source"] == "S1" and shipped[key]["verified"] == "yes"


def test_each_disagreement_and_newer_row_is_settled() -> None:
    resolutions = {(r["instrument"], r["state"]): r for r in read(UNTC_DIR / "resolutions.csv")}
    comparison = [
        r for r in read(UNTC_DIR / "comparison_with_project.csv") if r["result"] != "agree"
    ]
    assert len(comparison) == 17 == len(resolutions)
    decisions = [r["decision"] for r in resolutions.values()]
    assert decisions.count("un_list") == 11
    assert resolutions[("untoc-som", "CO")]["decision"] == "dropped"
    assert decisions.count("kept_corroborated") == 4  # Japan, S7
    assert resolutions[("uncac", "DE")]["decision"] == "kept_unverified"
    shipped = {(r["instrument"], r["state"]): r for r in read(DATA_DIR / "participation.csv")}
    assert ("untoc-som", "CO") not in shipped
    assert shipped[("untoc", "SY")]["deposited_on"] == "2009-04-08"  # the UN list won
    assert shipped[("untoc-fire", "CH")]["action"] == "accession"
    germany = shipped[("uncac", "DE")]
    assert germany["verified"] == "no" and germany["note"].startswith(
        "unverified, not in the UN list"
    )
    japan = shipped[("uncac", "JP")]
    assert (japan["source"], japan["verified"], japan["in_force_on"]) == ("S7", "no", "2017-08-10")


def test_entry_into_force_rule_and_successions() -> None:
    rules = instrument_rules()
    assert derived_entry_into_force(rules["untoc"], "2002-08-21", "ratification") == "2003-09-29"
    assert derived_entry_into_force(rules["untoc"], "2004-06-16", "accession") == "2004-07-16"
    assert derived_entry_into_force(rules["drugs-1988"], "1992-06-12", "x") == "1992-09-10"
    assert derived_entry_into_force(rules["uncac"], "2006-10-23", "succession") == ""


def test_a_later_action_replaces_a_signature_and_keeps_its_date() -> None:
    rules = instrument_rules()
    un_list = [
        {
            "instrument": "uncac",
            "iso2": "BB",
            "state_name_untc": "Barbados",
            "signature_date": "2003-12-10",
            "action_kind": "signature",
            "action_date": "",
            "eif_date": "",
            "source_id": "S1",
            "source_ref": "s1",
            "source_as_of": "2014-07-10",
            "note": "",
        }
    ]
    later = [
        {
            "instrument": "uncac",
            "iso2": "BB",
            "state_name_source": "Barbados",
            "signature_date": "",
            "action_kind": "ratification",
            "action_date": "2023-10-10",
            "eif_date_source": "2023-11-09",
            "source_id": "S4",
            "source_ref": "s4",
            "source_as_of": "2024-04",
            "note": "",
        }
    ]
    rows, organizations, resolutions = build(un_list, later, [], [], rules)
    assert organizations == resolutions == []
    [row] = rows
    assert row["signed_on"] == "2003-12-10"
    assert (row["action"], row["in_force_on"], row["in_force_basis"]) == (
        "ratification",
        "2023-11-09",
        "official",
    )
    assert row["as_of"] == "2024-04-30"  # a month: its last day
    written = list(csv.DictReader(io.StringIO(build_files()[DATA_DIR / "participation.csv"])))
    assert any(r["state"] == "BB" and r["instrument"] == "uncac" for r in written)
