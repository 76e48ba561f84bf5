"""The legal-basis finder on a controlled world: the shipped instruments, our own party rows.

The shipped party data is compiled and partly unverified, so these tests replace it with
rows whose facts they state themselves; ``test_data.py`` checks the shipped files.
"""

from __future__ import annotations

import datetime

from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.reference.models import IccsCategory, State
from rogatory.treaties.actions import do_create_treaty
from rogatory.treaties.finder import Check, Verdict, find_legal_bases
from rogatory.treaties.models import Declaration, Instrument, Participation

from .conftest import ALL, TODAY


def states(*codes: str) -> list[State]:
    return [State.objects.get(iso2=code) for code in codes]


def verdicts(answer: object) -> dict[str, Verdict]:
    return {b.instrument.code: b.verdict for b in answer.bases}


def reasons(answer: object, code: str) -> list[tuple[Check, str]]:
    basis = next(b for b in answer.bases if b.instrument.code == code)
    return [(r.check, r.text) for r in basis.reasons]


def test_two_parties_to_all_conventions(world: None) -> None:
    fr, ke = states("FR", "KE")
    answer = find_legal_bases(fr, ke, "mla", on=TODAY)
    found = verdicts(answer)
    # Scope is never assumed: without an offence every convention is conditional.
    assert found == dict.fromkeys(ALL, Verdict.CONDITIONAL)
    assert answer.has_basis
    assert answer.as_of == datetime.date(2026, 11, 1)
    text = [t for _c, t in reasons(answer, "untoc")]
    assert any("France is a party" in t for t in text)
    assert any("Kenya is a party (accession)" in t for t in text)
    assert (Check.TO_CONFIRM, text[-1]) in reasons(answer, "untoc")
    assert "organized criminal group" in text[-1]
    # The articles for MLA: UNTOC 18, UNCAC 46, 1988 Convention 7.
    articles = {b.instrument.code: [a.article for a in b.articles] for b in answer.bases}
    assert articles["untoc"] == ["18"]
    assert articles["uncac"] == ["46"]
    assert articles["drugs-1988"] == ["7"]


def test_offence_decides_the_scope(world: None) -> None:
    fr, ke = states("FR", "KE")
    bribery = IccsCategory.objects.get(code="07031")
    found = verdicts(find_legal_bases(fr, ke, "mla", on=TODAY, iccs=bribery))
    assert found["uncac"] == Verdict.APPLIES
    assert found["untoc"] == Verdict.APPLIES  # art. 8 corruption is a Convention offence
    assert found["drugs-1988"] == Verdict.DOES_NOT_APPLY
    assert found["untoc-tip"] == Verdict.DOES_NOT_APPLY
    homicide = IccsCategory.objects.get(code="0101")
    found = verdicts(find_legal_bases(fr, ke, "mla", on=TODAY, iccs=homicide))
    assert found["uncac"] == Verdict.DOES_NOT_APPLY
    assert found["untoc"] == Verdict.CONDITIONAL  # serious crime + OCG + transnational
    personal_use = IccsCategory.objects.get(code="06011")
    found = verdicts(find_legal_bases(fr, ke, "extradition", on=TODAY, iccs=personal_use))
    assert found["drugs-1988"] == Verdict.DOES_NOT_APPLY  # art. 3(2) is outside arts. 6 and 7


def test_party_to_untoc_but_not_to_uncac(world: None) -> None:
    fr, sy = states("FR", "SY")
    answer = find_legal_bases(fr, sy, "mla", on=TODAY, iccs=IccsCategory.objects.get(code="07031"))
    found = verdicts(answer)
    assert found["untoc"] == Verdict.APPLIES
    # Signed only in the list of 2014: after that date, a question for the depositary.
    assert found["uncac"] == Verdict.NOT_RECORDED
    assert (
        Check.NOT_RECORDED,
        "Not recorded — check the depositary: Syrian Arab Republic signed UNCAC on "
        "9 December 2003; no consent to be bound is recorded in the UN list as of "
        "10 July 2014 or later.",
    ) in reasons(answer, "uncac")
    # Bribery is outside the Protocols' scope; without an offence they are questions too.
    assert found["untoc-tip"] == Verdict.DOES_NOT_APPLY
    assert [b.instrument.code for b in answer.not_recorded] == ["uncac"]
    plain = find_legal_bases(fr, sy, "mla", on=TODAY)
    assert verdicts(plain)["untoc-tip"] == Verdict.NOT_RECORDED
    assert (
        Check.NOT_RECORDED,
        "Not recorded — check the depositary: Syrian Arab Republic is not in the UN list of "
        "Trafficking in Persons Protocol as of 10 July 2014, and no later action is recorded.",
    ) in reasons(plain, "untoc-tip")
    assert [b.instrument.code for b in answer.applicable] == ["untoc"]
    # Before the list's date, the same absence is a "no".
    before = find_legal_bases(fr, sy, "mla", on=datetime.date(2012, 1, 1))
    assert verdicts(before)["uncac"] == Verdict.DOES_NOT_APPLY
    assert (
        Check.NOT_MET,
        "Syrian Arab Republic was not a party to Trafficking in Persons Protocol on that date, "
        "per the UN list as of 10 July 2014.",
    ) in reasons(before, "untoc-tip")


def test_date_before_one_states_ratification(world: None) -> None:
    fr, jp = states("FR", "JP")
    before = find_legal_bases(fr, jp, "mla", on=datetime.date(2015, 6, 1))
    assert verdicts(before)["untoc"] == Verdict.DOES_NOT_APPLY
    assert (
        Check.NOT_MET,
        "UNTOC (Palermo Convention) binds Japan only from 10 August 2017.",
    ) in reasons(before, "untoc")
    assert not before.has_basis
    after = find_legal_bases(fr, jp, "mla", on=datetime.date(2017, 8, 10))
    assert verdicts(after)["untoc"] == Verdict.CONDITIONAL
    # 30 days after deposit (art. 38(2)); the 1988 Convention would be 90 (art. 29(2)).
    assert Participation.objects.get(instrument__code="untoc", state="JP").in_force_on == (
        datetime.date(2017, 8, 10)
    )


def test_before_the_convention_itself_entered_into_force(world: None) -> None:
    fr, ke = states("FR", "KE")
    answer = find_legal_bases(fr, ke, "mla", on=datetime.date(2003, 1, 1))
    assert (
        Check.NOT_MET,
        "UNTOC (Palermo Convention) only entered into force on 29 September 2003.",
    ) in reasons(answer, "untoc")


def test_bilateral_treaty_added_by_an_administrator(world: None, personas: Personas) -> None:
    fr, jp = states("FR", "JP")
    instrument = do_create_treaty(
        {
            "code": "fr-jp-mla",
            "kind": "bilateral",
            "title": "Agreement between France and Japan on mutual legal assistance",
            "short_title": "France–Japan MLA agreement",
            "parties": [fr, jp],
            "signed_on": datetime.date(2010, 1, 1),
            "in_force_on": datetime.date(2011, 1, 1),
            "kinds": ["mla"],
            "articles": "1-30",
            "scope": "",
        },
        acting_user=personas.authority_admin,
    )
    answer = find_legal_bases(fr, jp, "mla", on=datetime.date(2015, 6, 1))
    assert verdicts(answer)["fr-jp-mla"] == Verdict.APPLIES
    assert answer.has_basis
    assert [b.instrument for b in answer.applicable] == [instrument]
    # It provides for MLA only, and binds only France and Japan.
    assert "fr-jp-mla" not in verdicts(find_legal_bases(fr, jp, "extradition", on=TODAY))
    ke = State.objects.get(iso2="KE")
    assert "fr-jp-mla" not in verdicts(find_legal_bases(fr, ke, "mla", on=TODAY))
    before = find_legal_bases(fr, jp, "mla", on=datetime.date(2010, 6, 1))
    assert verdicts(before)["fr-jp-mla"] == Verdict.DOES_NOT_APPLY


def test_extradition_where_the_requested_state_declined_the_convention(world: None) -> None:
    fr, ke = states("FR", "KE")
    Declaration.objects.create(
        instrument=Instrument.objects.get(code="untoc"),
        state_id="KE",
        kind=Declaration.Kind.EXTRADITION_BASIS_NO,
        article="16(5)",
        text="Does not take the Convention as the legal basis for extradition.",
        verified=True,
    )
    answer = find_legal_bases(fr, ke, "extradition", on=TODAY)
    found = verdicts(answer)
    assert found["untoc"] == Verdict.DOES_NOT_APPLY
    assert any(
        check == Check.NOT_MET and "Kenya declared (art. 16(5))" in text
        for check, text in reasons(answer, "untoc")
    )
    # The Protocols run through the Convention's art. 16: the declaration follows them.
    assert found["untoc-tip"] == Verdict.DOES_NOT_APPLY
    # UNCAC is untouched by a UNTOC declaration.
    assert found["uncac"] == Verdict.CONDITIONAL
    # The other way round, the declaring state is the requesting one: only a caveat.
    reverse_answer = find_legal_bases(ke, fr, "extradition", on=TODAY)
    assert verdicts(reverse_answer)["untoc"] == Verdict.CONDITIONAL
    # And for MLA the declaration does not matter at all.
    assert verdicts(find_legal_bases(fr, ke, "mla", on=TODAY))["untoc"] == Verdict.CONDITIONAL


def test_no_basis_at_all(world: None) -> None:
    fr, jp = states("FR", "JP")
    # Japan is party to none of the instruments that provide for transfer of sentenced
    # persons except UNTOC, and on this date not even that.
    answer = find_legal_bases(fr, jp, "transfer_sentenced", on=datetime.date(2012, 1, 1))
    assert not answer.has_basis
    assert answer.bases  # every examined instrument says why not
    assert all(b.verdict == Verdict.DOES_NOT_APPLY for b in answer.bases)
    routes = answer.remaining_routes()
    assert "Reciprocity" in routes[0]
    assert "domestic law of Japan" in routes[1]


def test_finder_page_explains_the_answer(world: None, client: Client) -> None:
    url = reverse("legal_basis")
    response = client.get(
        url,
        {"requesting": "FR", "requested": "SY", "kind": "mla", "iccs": "07031", "on": "2026-11-01"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="basis-untoc" data-verdict="applies"' in html
    assert 'data-testid="basis-uncac" data-verdict="not_recorded"' in html
    assert "no consent to be bound is recorded in the UN list" in html
    assert "Treaty data as of" in html
    response = client.get(url, {"requesting": "FR", "requested": "FR", "kind": "mla"})
    assert "must differ" in response.content.decode()


def test_finder_page_in_french(world: None, client: Client) -> None:
    response = client.get(
        reverse("legal_basis"),
        {"requesting": "FR", "requested": "JP", "kind": "mla", "on": "2015-06-01"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    html = response.content.decode()
    assert "Aucun traité" in html
    assert "Réciprocité" in html
    assert "CTO (Convention de Palerme)" in html


def test_state_outside_the_compiled_data_is_a_question_not_a_no(world: None) -> None:
    fr, tv = states("FR", "TV")  # Tuvalu: not in the world's lists
    answer = find_legal_bases(fr, tv, "mla", on=TODAY)
    assert verdicts(answer)["untoc"] == Verdict.NOT_RECORDED
    assert not answer.has_basis
    assert (
        Check.NOT_RECORDED,
        "Not recorded — check the depositary: Tuvalu is not in the UN list of UNTOC (Palermo "
        "Convention) as of 10 July 2014, and no later action is recorded.",
    ) in reasons(answer, "untoc")
