"""The shipped treaty data: loads, is consistent, says where it comes from."""

from __future__ import annotations

import datetime

import pytest

from rogatory.reference.loaders import read_csv
from rogatory.treaties.loaders import DATA_DIR, load_treaty_data, read_instruments
from rogatory.treaties.models import Declaration, Instrument, Participation

pytestmark = pytest.mark.django_db


def test_five_un_instruments_and_the_protocols() -> None:
    codes = set(Instrument.objects.values_list("code", flat=True))
    assert {"untoc", "untoc-tip", "untoc-som", "untoc-fire", "uncac", "drugs-1988"} <= codes
    assert Instrument.objects.get(code="untoc-tip").parent == Instrument.objects.get(code="untoc")
    untoc = Instrument.objects.get(code="untoc")
    assert untoc.title_zh_hans == "联合国打击跨国有组织犯罪公约"
    assert untoc.in_force_on == datetime.date(2003, 9, 29)
    kinds = {(a.instrument.code, a.kind): a.article for a in untoc.articles.all()} | {
        (a.instrument.code, a.kind): a.article
        for a in Instrument.objects.get(code="uncac").articles.all()
    }
    assert kinds[("untoc", "mla")] == "18"
    assert kinds[("untoc", "extradition")] == "16"
    assert kinds[("uncac", "mla")] == "46"
    assert kinds[("uncac", "transfer_sentenced")] == "45"
    for instrument in Instrument.objects.filter(code__in=read_codes()):
        for field in ("title", "short_title", "scope"):
            for suffix in ("ar", "zh_hans", "en", "fr", "ru", "es"):
                assert getattr(instrument, f"{field}_{suffix}"), (instrument.code, field, suffix)


def read_codes() -> list[str]:
    return [item["code"] for item in read_instruments()["instruments"]]


def test_every_row_has_a_source_a_date_and_a_verification_flag() -> None:
    rows = list(read_csv(DATA_DIR / "participation.csv"))
    assert rows
    for row in rows:
        assert row["source_url"].startswith("https://treaties.un.org/"), row
        assert row["as_of"], row
        assert row["verified"] in {"yes", "no"}, row
        assert row["source"] and row["source_ref"], row
        if row["action"] != "signature":
            assert row["deposited_on"], row
    keys = [(r["instrument"], r["state"]) for r in rows]
    assert len(keys) == len(set(keys)), "one row per instrument and state"
    declarations = list(read_csv(DATA_DIR / "declarations.csv"))
    declaration_keys = [
        (r["instrument"], r["state"], r["kind"], r["article"]) for r in declarations
    ]
    assert len(declaration_keys) == len(set(declaration_keys)), (
        "the loader matches declarations on these four fields"
    )
    for row in declarations:
        assert row["kind"] in Declaration.Kind.values, row


def test_protocol_parties_are_parties_to_the_convention() -> None:
    untoc = {p.state_id: p for p in Participation.objects.filter(instrument__code="untoc")}
    for p in Participation.objects.filter(instrument__parent__code="untoc").exclude(
        action="signature"
    ):
        assert p.state_id in untoc and untoc[p.state_id].is_party, p


def test_entry_into_force_follows_the_instruments_rule() -> None:
    for p in Participation.objects.exclude(action="signature").select_related("instrument"):
        instrument = p.instrument
        assert instrument.days_to_entry_into_force and instrument.in_force_on
        if p.action == "succession":
            # Effective from the date of State succession, which the UN list does not give.
            assert p.in_force_on is None and p.in_force_basis == "not_derived", p
            continue
        assert p.deposited_on is not None and p.in_force_on is not None
        expected = p.deposited_on + datetime.timedelta(days=instrument.days_to_entry_into_force)
        assert p.in_force_on == max(expected, instrument.in_force_on), p
        assert p.in_force_basis in {"derived", "official"}, p
    # 1988 Convention: 90 days after deposit (art. 29(2)); an early party waits for the
    # Convention's own entry into force.
    china = Participation.objects.get(instrument__code="drugs-1988", state="CN")
    assert china.in_force_on == datetime.date(1990, 11, 11)


def test_every_state_in_the_un_lists_with_the_lists_date() -> None:
    counts = {
        code: Participation.objects.filter(instrument__code=code).count()
        for code in ("untoc", "untoc-tip", "untoc-som", "untoc-fire", "uncac", "drugs-1988")
    }
    # S1 (without the European Union) plus the later actions that add a participant:
    # Sudan (Smuggling, Firearms), Samoa, Equatorial Guinea, Chad, Belize (UNCAC).
    assert counts == {
        "untoc": 184,
        "untoc-tip": 166,
        "untoc-som": 152,
        "untoc-fire": 123,
        "uncac": 181,
        "drugs-1988": 188,
    }
    listed = dict(Instrument.objects.values_list("code", "list_complete_as_of"))
    assert listed["untoc"] == listed["untoc-tip"] == datetime.date(2014, 1, 27)
    assert listed["uncac"] == listed["drugs-1988"] == datetime.date(2014, 7, 10)
    # The European Union is a party but not a State: never a participation row.
    assert not Participation.objects.filter(state="EU").exists()


def test_loading_twice_changes_nothing_and_keeps_added_treaties() -> None:
    Instrument.objects.create(code="fr-ma-mla", kind="bilateral", title="x", short_title="x")
    reports = load_treaty_data()
    assert all(r.created == r.updated == r.deleted == 0 for r in reports), reports
    assert Instrument.objects.filter(code="fr-ma-mla").exists()
