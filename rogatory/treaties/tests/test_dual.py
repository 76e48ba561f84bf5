"""Conduct-based dual criminality (decision 0034): every outcome, the thresholds per basis,
the date in force, the API (200, 422, never 500) and the finder page."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.directory.models import CountryProfile, MeasureRequirement
from rogatory.knowledge.importing import import_path
from rogatory.treaties.dual import DualData, Outcome, assess, rules

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 1)
HEADER = (
    "state,language,act_title,act_date,number,text,iccs,penalty_kind,penalty_max,penalty_unit,"
    "penalty_from,iccs_method,iccs_coded_by,iccs_verified_by,iccs_verified_on\n"
)
ROWS = (
    # France: laundering (verified, 5 years from 1996), bribery (verified, 10 years), fraud
    # (verified, 3 years: below UNTOC's four).
    "FR,fr,Code pénal,1992-07-22,Article 324-1,Blanchiment,07041,"
    "deprivation_of_liberty,5,years,1996-05-14,manual,Coder A,Reviewer B,2026-12-01\n"
    "FR,fr,Code pénal,1992-07-22,Article 433-1,Corruption active,070311,"
    "deprivation_of_liberty,10,years,,manual,Coder A,Reviewer B,2026-12-01\n"
    "FR,fr,Code pénal,1992-07-22,Article 313-1,Escroquerie,07011,"
    "deprivation_of_liberty,3,years,,manual,Coder A,Reviewer B,\n"
    # Spain: coded by hand, not verified. China: only suggested.
    "ES,es,Código Penal,1995-11-23,Artículo 301,Blanqueo,07041,"
    "deprivation_of_liberty,6,years,,manual,Coder A,,\n"
    "CN,zh,刑法,1979-07-06,第一百九十一条,洗钱罪,07041,"
    "deprivation_of_liberty,10,years,,suggested,,,\n"
    # United Kingdom: verified, penalty not recorded.
    "GB,en,Proceeds of Crime Act 2002,2002-07-24,Section 327,Concealing,07041,"
    ",,,,manual,Coder A,Reviewer B,2026-12-01\n"
    # Colombia: verified, but coded at the parent category only.
    "CO,es,Código Penal,2000-07-24,Artículo 323,Lavado de activos,0704,"
    "deprivation_of_liberty,22,years,,manual,Coder A,Reviewer B,2026-12-01\n"
)


@pytest.fixture
def laws(settings: Any, tmp_path: Path) -> DualData:
    settings.DATA_DIR = tmp_path
    path = tmp_path / "provisions.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    report = import_path(path)
    assert not report.skipped, report.skipped
    return DualData.load()


def _ask(data: DualData, requested: str, iccs: list[str], **options: Any) -> Any:
    values: dict[str, Any] = {"on": DAY, "basis": "untoc", "kind": "mla"} | options
    return assess("KE", requested, iccs=iccs, data=data, **values)


def _ids(answer: Any) -> list[str]:
    return [note.id for note in answer.reasons]


def test_covered_verified_exact_in_force_above_threshold(laws: DualData) -> None:
    answer = _ask(laws, "FR", ["070311"])
    assert answer.outcome == Outcome.COVERED
    assert [m.provision.number for m in answer.requested_matches] == ["Article 433-1"]
    assert answer.requested_matches[0].threshold_met is True
    assert "Article 433-1 carries ICCS 070311 itself" in answer.reasons[0].text


def test_likely_at_a_parent_level(laws: DualData) -> None:
    answer = _ask(laws, "CO", ["07041"])
    assert answer.outcome == Outcome.LIKELY
    assert "broader" in _ids(answer)
    assert answer.requested_matches[0].matched == "0704"
    # A whole section (level 1) is too broad to count as a match.
    assert _ask(laws, "FR", ["07"]).outcome == Outcome.NOT_SHOWN


def test_likely_when_the_coding_is_unverified_or_only_suggested(laws: DualData) -> None:
    spain = _ask(laws, "ES", ["07041"])
    assert spain.outcome == Outcome.LIKELY and "unverified" in _ids(spain)
    china = _ask(laws, "CN", ["07041"])
    assert china.outcome == Outcome.LIKELY and "suggested" in _ids(china)


def test_likely_when_the_penalty_is_unknown_and_the_basis_has_a_threshold(
    laws: DualData,
) -> None:
    # Laundering is covered by UNTOC whatever the penalty (art. 6); fraud is not.
    answer = _ask(laws, "GB", ["07041"], basis=None, kind="extradition")
    assert answer.outcome == Outcome.LIKELY
    assert "penalty_unknown" in _ids(answer)
    assert "common_threshold" in _ids(answer)
    # UNCAC sets no threshold: the unknown penalty decides nothing.
    assert _ask(laws, "GB", ["07041"], basis="uncac").outcome == Outcome.COVERED


def test_likely_when_several_provisions_only_together_cover_the_conduct(
    laws: DualData,
) -> None:
    answer = _ask(laws, "FR", ["07041", "070311"])
    assert answer.outcome == Outcome.LIKELY
    assert "several_provisions" in _ids(answer)


def test_below_threshold_unless_the_convention_covers_the_offence(laws: DualData) -> None:
    fraud = _ask(laws, "FR", ["07011"])
    assert fraud.outcome == Outcome.LIKELY and "below_threshold" in _ids(fraud)
    assert (
        "The maximum penalty of Code pénal, Article 313-1 (up to 3 years' imprisonment) does "
        "not reach what UNTOC requires: at least 4 years' deprivation of liberty "
        "(UNTOC art. 2(b), 3(1))."
    ) in [n.text for n in fraud.reasons]
    # Laundering is an offence of UNTOC art. 6: covered whatever its (here unknown) penalty.
    laundering = _ask(laws, "GB", ["07041"])
    assert laundering.outcome == Outcome.COVERED and "whatever_penalty" in _ids(laundering)
    # The same fraud under UNCAC (no threshold) is covered.
    assert _ask(laws, "FR", ["07011"], basis="uncac").outcome == Outcome.COVERED


def test_not_shown_is_an_absence_of_data(laws: DualData) -> None:
    answer = _ask(laws, "MA", ["07041"])
    assert answer.outcome == Outcome.NOT_SHOWN
    assert _ids(answer) == ["no_provision"]
    assert "not a finding that the conduct is not criminal" in answer.summary("Morocco")
    assert "no_conduct" in _ids(_ask(laws, "FR", []))


def test_not_required_for_non_coercive_measures_under_uncac(laws: DualData) -> None:
    answer = _ask(laws, "MA", ["07041"], basis="uncac", measures=["service_of_documents"])
    assert answer.outcome == Outcome.NOT_REQUIRED
    assert _ids(answer) == ["uncac_46_9_b"]
    # Not under UNTOC (art. 18(9) leaves it to the requested state), nor for a coercive measure.
    untoc = _ask(laws, "MA", ["07041"], measures=["service_of_documents"])
    assert untoc.outcome == Outcome.NOT_SHOWN
    mixed = ["service_of_documents", "search_and_seizure"]
    assert _ask(laws, "MA", ["07041"], basis="uncac", measures=mixed).outcome == (Outcome.NOT_SHOWN)


def test_not_required_by_the_requested_states_profile(laws: DualData) -> None:
    profile = CountryProfile.objects.get_or_create(state_id="MA")[0]
    MeasureRequirement.objects.filter(profile=profile).delete()
    MeasureRequirement.objects.create(
        profile=profile, measure="witness_testimony", dual_criminality="not_required"
    )
    MeasureRequirement.objects.create(
        profile=profile, measure="bank_records", dual_criminality="in_abstracto"
    )
    data = DualData.load()
    answer = _ask(data, "MA", ["07041"], measures=["taking_evidence"])
    assert answer.outcome == Outcome.NOT_REQUIRED
    assert _ids(answer)[0] == "profile_not_required"
    assert "Morocco" in answer.reasons[0].text
    assert _ask(data, "MA", ["07041"], measures=["bank_records"]).outcome == Outcome.NOT_SHOWN


def test_the_public_is_not_told_what_profiles_say_per_measure(
    client: Client, personas: Personas
) -> None:
    """The directory shows a profile's per-measure requirements to logged-in users only: the
    public API answer does not rest on them; a logged-in user's does."""
    profile = CountryProfile.objects.get_or_create(state_id="MA")[0]
    MeasureRequirement.objects.filter(profile=profile).delete()
    MeasureRequirement.objects.create(
        profile=profile, measure="witness_testimony", dual_criminality="not_required"
    )
    query = {
        "requesting": "FR",
        "requested": "MA",
        "basis": "",
        "kind": "mla",
        "iccs": "07041",
        "measure": "taking_evidence",
        "date": "2026-11-01",
    }
    assert client.get(URL, query).json()["outcome"] == "not_shown"
    assert not DualData.load(["MA"], with_profiles=False).profiles
    client.force_login(personas.officer)
    assert client.get(URL, query).json()["outcome"] == "not_required"


def test_thresholds_per_basis() -> None:
    table = rules()

    def months(basis: str | None, kind: str) -> int | None:
        row = table.threshold(basis, kind)
        return row.months if row else None

    assert months("untoc", "mla") == 48 and months("untoc", "extradition") == 48
    assert months("uncac", "mla") is None and months("uncac", "extradition") is None
    assert months("drugs-1988", "mla") is None
    assert months("untoc-tip", "mla") is None  # Protocol offences: art. 1(3)
    assert months(None, "mla") is None
    common = table.threshold(None, "extradition")
    assert common is not None and common.months == 12 and common.common
    assert "Model Treaty" in common.source
    # A treaty not described here falls back to the common threshold of its kind.
    assert months("fr-ke-bilateral", "extradition") == 12
    # Every measure kind of the request writer is classified, with a source.
    from rogatory.cases.choices import MeasureType

    assert set(table.measures) == set(MeasureType.values)
    assert all(rule.source for rule in table.measures.values())


def test_the_date_in_force_counts(laws: DualData) -> None:
    before = _ask(laws, "FR", ["07041"], on=datetime.date(1995, 1, 1))
    assert before.outcome == Outcome.NOT_SHOWN
    assert "not_in_force" in _ids(before)
    assert _ask(laws, "FR", ["07041"], on=datetime.date(1997, 1, 1)).outcome == Outcome.COVERED
    # Before the act itself.
    assert _ask(laws, "GB", ["07041"], basis="uncac", on=datetime.date(2001, 1, 1)).outcome == (
        Outcome.NOT_SHOWN
    )


def test_both_states_side_by_side_and_the_questions(laws: DualData) -> None:
    answer = assess(
        "FR", "ES", on=DAY, basis="uncac", kind="extradition", iccs=["07041"], data=laws
    )
    assert [m.provision.state for m in answer.requesting_matches] == ["FR"]
    assert [m.provision.state for m in answer.requested_matches] == ["ES"]
    assert [q.id for q in answer.questions] == [
        "elements",
        "extraterritorial",
        "law_version",
        "fiscal",
        "political",
    ]
    assert "not a legal determination" in answer.disclaimer


URL = "/api/v1/dual-criminality"


def test_api_answer(client: Client, laws: DualData) -> None:
    response = client.get(
        URL,
        {
            "requesting": "ke",
            "requested": "FR",
            "basis": "untoc",
            "kind": "mla",
            "iccs": "07041",
            "measure": "bank_records",
            "date": "2026-11-01",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["outcome"] == "covered" and body["label"] == "Covered"
    assert body["threshold"]["months"] == 48
    provision = body["requested_provisions"][0]
    assert provision["number"] == "Article 324-1"
    assert provision["penalty"]["maximum"] == 5
    assert provision["penalty_text"].startswith("up to 5 years")
    assert provision["verified_by"] == "Reviewer B"
    assert provision["url"].startswith("http://testserver/knowledge/")
    assert {q["id"] for q in body["questions"]} >= {"elements", "fiscal"}
    none = client.get(URL, {"requesting": "KE", "requested": "MA", "basis": "none"})
    assert none.status_code == 200 and none.json()["outcome"] == "not_shown"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "requesting"),
        ({"requesting": "KE", "requested": "XX"}, "requested"),
        ({"requesting": "KE", "requested": "FR", "iccs": "99999"}, "iccs"),
        ({"requesting": "KE", "requested": "FR", "iccs": "0704'; --"}, "iccs"),
        ({"requesting": "KE", "requested": "FR", "measure": "torture"}, "measure"),
        ({"requesting": "KE", "requested": "FR", "basis": "nato"}, "basis"),
        ({"requesting": "KE", "requested": "FR", "kind": "war"}, "kind"),
        ({"requesting": "KE", "requested": "FR", "date": "2026-13-45"}, "date"),
        ({"requesting": "KE", "requested": "FR", "iccs": ",".join(["07041"] * 21)}, "iccs"),
        ({"requesting": "KE", "requested": "FR", "measure": "x" * 501}, "measure"),
    ],
)
def test_api_refuses_bad_input_with_422(client: Client, params: dict, field: str) -> None:
    response = client.get(URL, params)
    assert response.status_code == 422, response.content
    assert field in str(response.json())


def test_api_never_answers_a_server_error_to_control_characters(client: Client) -> None:
    response = client.get(URL, {"requesting": "KE", "requested": "FR", "basis": "un\x00toc"})
    assert response.status_code == 400  # refused before the view, like every request


def test_the_finder_page_shows_the_panel(client: Client, laws: DualData) -> None:
    response = client.get(
        reverse("legal_basis"),
        {
            "requesting": "KE",
            "requested": "FR",
            "kind": "mla",
            "iccs": "07041",
            "measure": "service_of_documents",
            "on": "2026-11-01",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="dual-panel"' in page
    assert "Dual criminality, judged on the conduct" in page
    assert "Article 324-1" in page
    assert "not a legal determination" in page
    # Without an ICCS code, no panel.
    plain = client.get(
        reverse("legal_basis"), {"requesting": "KE", "requested": "FR", "kind": "mla"}
    )
    assert 'data-testid="dual-panel"' not in plain.content.decode()
