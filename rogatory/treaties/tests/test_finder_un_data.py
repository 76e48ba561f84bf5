"""The finder on the shipped UN data: counts only what both states are recorded as bound by,
and applies the scope rules of each kind of cooperation."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from rogatory.reference.models import State
from rogatory.treaties.finder import Answer, Basis, Check, TreatyData, Verdict, find_legal_bases

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 1)
ALL = {"untoc", "untoc-tip", "untoc-som", "untoc-fire", "uncac", "drugs-1988"}


def pair(a: str, b: str) -> tuple[State, State]:
    return State.objects.get(iso2=a), State.objects.get(iso2=b)


def texts(basis: Basis) -> list[str]:
    return [r.text for r in basis.reasons]


def by_code(answer: Answer) -> dict[str, Basis]:
    return {b.instrument.code: b for b in answer.bases}


def test_antarctica_to_kenya_counts_no_basis(client: Client) -> None:
    aq, ke = pair("AQ", "KE")
    answer = find_legal_bases(aq, ke, "mla", on=TODAY)
    assert not answer.has_basis
    assert {b.instrument.code for b in answer.not_recorded} == ALL
    html = client.get(
        reverse("legal_basis"),
        {"requesting": "AQ", "requested": "KE", "kind": "mla", "on": "2026-11-01"},
    ).content.decode()
    assert "bases may apply" not in html and "basis may apply" not in html
    assert 'data-testid="not-recorded"' in html
    assert "Not recorded — check the depositary: Antarctica is not in the UN list" in html
    assert "complete list as of 27 January 2014" in html


def test_kenya_to_somalia_depends_on_the_date() -> None:
    ke, so = pair("KE", "SO")
    today = find_legal_bases(ke, so, "mla", on=TODAY)
    assert not today.has_basis
    assert {b.instrument.code for b in today.not_recorded} == ALL
    # Before the date of the UN list, Somalia's absence from a complete list is a "no".
    then = find_legal_bases(ke, so, "mla", on=datetime.date(2010, 1, 1))
    assert not then.has_basis and not then.not_recorded
    assert (
        "Somalia was not a party to UNCAC on that date, per the UN list as of 10 July 2014."
        in texts(by_code(then)["uncac"])
    )


def test_two_parties_have_bases_with_the_as_of_date() -> None:
    fr, ke = pair("FR", "KE")
    answer = find_legal_bases(fr, ke, "mla", on=TODAY)
    assert {b.instrument.code for b in answer.applicable} == ALL - {"untoc-fire"}
    # France joined the Firearms Protocol after the UN list of 2014: not recorded here.
    assert [b.instrument.code for b in answer.not_recorded] == ["untoc-fire"]
    assert answer.as_of == datetime.date(2014, 1, 27)


def test_territory_is_a_question_of_territorial_application() -> None:
    fr, hk = pair("FR", "HK")
    basis = by_code(find_legal_bases(fr, hk, "mla", on=TODAY))["uncac"]
    assert basis.verdict == Verdict.NOT_RECORDED
    assert any(t.startswith("Not recorded — check territorial application") for t in texts(basis))


def test_succession_binds_from_the_notification_at_least() -> None:
    fr, me = pair("FR", "ME")
    basis = by_code(find_legal_bases(fr, me, "mla", on=TODAY))["untoc"]
    assert basis.verdict == Verdict.CONDITIONAL
    assert any("party by succession" in t for t in texts(basis))
    before = by_code(find_legal_bases(fr, me, "mla", on=datetime.date(2006, 7, 1)))["untoc"]
    assert any(
        r.check == Check.TO_CONFIRM and "date of State succession" in r.text for r in before.reasons
    )


def test_transfer_of_sentenced_persons_is_not_based_on_untoc_17_or_uncac_45() -> None:
    fr, ke = pair("FR", "KE")
    answer = find_legal_bases(fr, ke, "transfer_sentenced", on=TODAY)
    bases = by_code(answer)
    for code, article in (("untoc", "17"), ("uncac", "45"), ("untoc-tip", "17")):
        basis = bases[code]
        assert basis.verdict == Verdict.DOES_NOT_APPLY
        assert (
            f"Art. {article} only invites States Parties to consider agreements on the "
            "transfer of sentenced persons; it is not itself a legal basis for a transfer."
        ) in texts(basis)
    assert not answer.has_basis
    every_text = " ".join(t for b in answer.bases for t in texts(b) + [n.text() for n in b.notes])
    assert "46(9)(b)" not in every_text  # the MLA note only for MLA
    assert "reasonable grounds to suspect" not in every_text


def test_transfer_of_proceedings_is_not_based_on_21_47_or_8() -> None:
    fr, ke = pair("FR", "KE")
    bases = by_code(find_legal_bases(fr, ke, "transfer_proceedings", on=TODAY))
    for code, article in (("untoc", "21"), ("uncac", "47"), ("drugs-1988", "8")):
        assert bases[code].verdict == Verdict.DOES_NOT_APPLY
        assert any(t.startswith(f"Art. {article} only asks") for t in texts(bases[code]))


def test_confiscation_and_return_articles_and_notes() -> None:
    fr, ke = pair("FR", "KE")
    bases = by_code(find_legal_bases(fr, ke, "asset_recovery", on=TODAY))
    uncac = bases["uncac"]
    assert [a.article for a in uncac.articles] == ["54", "55", "56", "57"]
    assert [n.article for n in uncac.notes] == ["54–57"]
    assert [a.article for a in bases["untoc"].articles] == ["13", "14"]
    assert uncac.verdict == Verdict.CONDITIONAL


def test_extradition_notes_and_declarations() -> None:
    fr, sv = pair("FR", "SV")
    answer = find_legal_bases(fr, sv, "extradition", on=TODAY)
    bases = by_code(answer)
    # El Salvador declared under 44(6) that UNCAC is not its legal basis for extradition.
    assert bases["uncac"].verdict == Verdict.DOES_NOT_APPLY
    notes = [n.text() for b in answer.bases for n in b.notes]
    assert any("16(5)" in n for n in notes)
    assert not any("reasonable grounds to suspect" in n for n in notes)
    assert not any("46(9)(b)" in n for n in notes)
    mla = find_legal_bases(fr, sv, "mla", on=TODAY)
    mla_notes = [n.text() for b in mla.bases for n in b.notes]
    assert any("46(9)(b)" in n for n in mla_notes)
    assert any("reasonable grounds to suspect" in n for n in mla_notes)


def test_one_read_answers_every_pair() -> None:
    states = list(State.objects.filter(iso2__in=["FR", "KE", "SO", "IN", "HK"]))
    data = TreatyData.load("mla")
    with_data = {
        (a.pk, b.pk): find_legal_bases(a, b, "mla", on=TODAY, data=data).has_basis
        for a in states
        for b in states
        if a != b
    }
    alone = {
        (a.pk, b.pk): find_legal_bases(a, b, "mla", on=TODAY).has_basis
        for a in states
        for b in states
        if a != b
    }
    assert with_data == alone
    assert with_data[("FR", "KE")] and not with_data[("KE", "SO")]


def test_treaty_page_shows_the_list_date_sources_and_the_european_union(client: Client) -> None:
    html = client.get(reverse("treaty_detail", args=["uncac"])).content.decode()
    text = " ".join(html.split())
    assert "Complete list as of 10 July 2014 (United Nations Treaty Collection)" in text
    assert 'data-testid="organizations"' in html and "European Union" in html
    assert "Not derived (from the date of State succession)" in text  # Montenegro
    assert "S4+S5" in html  # Barbados, ratified in 2023
