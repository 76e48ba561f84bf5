"""An offence's maximum penalty in the writer: the checklist's rules, the document, the form and
the rendered request (decision 0028)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.cases.actions import do_add_offence, do_register_case
from rogatory.cases.choices import Direction
from rogatory.cases.models import Case
from rogatory.drafting.actions import do_import_request_document
from rogatory.drafting.completeness import ProfileContext, check_document
from rogatory.drafting.document import (
    DocumentError,
    build_document,
    load_document,
    validate_document,
)
from rogatory.drafting.render import render_docx
from rogatory.drafting.render.outline import Builder
from rogatory.lib.penalties import PenaltyRefused

from .samples import DEMANDING_PROFILE, complete_document
from .test_render import docx_text

UNTOC = {"instrument": "untoc", "title": "UNTOC", "article": "art. 18", "note": "", "as_of": None}


def penalty(maximum: int, unit: str = "years") -> dict[str, Any]:
    return {"kind": "deprivation_of_liberty", "maximum": maximum, "unit": unit}


def document_with(max_penalty: Any, **changes: Any) -> dict[str, Any]:
    document = complete_document() | changes
    document["offences"][0]["max_penalty"] = max_penalty
    return document


def fired(document: dict[str, Any], profile: ProfileContext | None = None) -> dict[str, str]:
    return {f.rule_id: f.field for f in check_document(document, profile or ProfileContext())}


# -- rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("max_penalty", "warned"),
    [
        (penalty(3), True),
        (penalty(47, "months"), True),
        (penalty(1460, "days"), True),
        (penalty(4), False),  # "at least four years" (art. 2(b)): four years is serious
        (penalty(48, "months"), False),
        (penalty(1461, "days"), False),
        ({"kind": "life_imprisonment"}, False),
        ({"kind": "death"}, False),
        ({"kind": "fine", "amount": "1000", "currency": "EUR"}, True),
        ({"kind": "other", "note": "disqualification"}, False),  # cannot be told
        (None, False),  # unknown: the hint asks for it instead
    ],
)
def test_untoc_warns_when_the_known_penalty_is_below_serious_crime(
    max_penalty: Any, warned: bool
) -> None:
    found = fired(document_with(max_penalty, legal_basis=UNTOC))
    assert ("penalty.untoc_serious_crime" in found) is warned
    if warned:
        assert found["penalty.untoc_serious_crime"] == "offences/0/max_penalty"


def test_the_serious_crime_warning_is_for_untoc_only() -> None:
    assert "penalty.untoc_serious_crime" not in fired(document_with(penalty(2)))  # UNCAC


def test_extradition_warns_below_one_year() -> None:
    assert "penalty.extradition_minimum" in fired(
        document_with(penalty(11, "months"), kind="extradition")
    )
    assert "penalty.extradition_minimum" not in fired(document_with(penalty(1), kind="extradition"))
    assert "penalty.extradition_minimum" not in fired(document_with(penalty(11, "months")))


def test_a_missing_penalty_is_asked_for_where_it_decides_something() -> None:
    assert "penalty.missing" not in fired(document_with(None))  # UNCAC, no dual criminality
    assert "penalty.missing" in fired(document_with(None), DEMANDING_PROFILE)
    assert "penalty.missing" in fired(document_with(None, legal_basis=UNTOC))
    assert "penalty.missing" in fired(document_with(None, kind="extradition"))
    assert "penalty.missing" not in fired(document_with(penalty(5), legal_basis=UNTOC))


def test_the_warning_names_the_offence_in_six_languages() -> None:
    finding = next(
        f
        for f in check_document(document_with(penalty(2), legal_basis=UNTOC))
        if f.rule_id == "penalty.untoc_serious_crime"
    )
    assert finding.severity == "warning" and "2(b)" in finding.source
    assert "offence 1" in finding.message("en")
    assert "罪行 1" in finding.message("zh")


# -- the document ---------------------------------------------------------------------------


def test_documents_without_a_penalty_still_validate() -> None:
    document = complete_document()
    del document["offences"][0]["max_penalty"]
    assert validate_document(document) == []
    assert load_document(document)["offences"][0]["max_penalty"] is None


def test_a_penalty_the_schema_allows_but_the_rules_refuse_is_named() -> None:
    document = document_with({"kind": "deprivation_of_liberty", "maximum": 5})
    problems = validate_document(document)
    assert problems and problems[0].startswith("offences/0/max_penalty/maximum: ")
    with pytest.raises(DocumentError):
        load_document(document)
    assert validate_document(document_with({"kind": "prison"}))  # the schema's own check


@pytest.mark.django_db
def test_the_penalty_goes_from_the_offence_to_the_document_and_back(personas: Personas) -> None:
    case = do_register_case(
        personas.authority_a,
        direction=Direction.OUTGOING,
        fields={"kind": "mla", "requested_state_id": "KE", "subject": "Draft"},
        acting_user=personas.officer,
    )
    do_add_offence(
        case, national_name="Blanchiment", max_penalty=penalty(5), acting_user=personas.officer
    )
    with pytest.raises(PenaltyRefused):
        do_add_offence(
            case, national_name="X", max_penalty={"kind": "other"}, acting_user=personas.officer
        )
    built = build_document(case, language="en")
    assert built["offences"][0]["max_penalty"]["maximum"] == 5
    imported = do_import_request_document(
        personas.authority_a, json.loads(json.dumps(built)), acting_user=personas.officer
    )
    assert imported.offences.get().max_penalty == built["offences"][0]["max_penalty"]


# -- the writer's offence step ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_offence_step_records_the_penalty_and_refuses_a_term_without_unit(
    client: Client, personas: Personas
) -> None:
    case = do_register_case(
        personas.authority_a,
        direction=Direction.OUTGOING,
        fields={"kind": "mla", "requested_state_id": "KE", "subject": "Draft"},
        acting_user=personas.officer,
    )
    client.force_login(personas.officer)
    url = reverse("drafting_step", args=[case.public_id, "offences"])
    page = client.get(url).content.decode()
    assert 'name="penalty_kind"' in page and 'name="penalty_unit"' in page
    bad = client.post(
        url,
        {
            "national_name": "Blanchiment",
            "penalty_kind": "deprivation_of_liberty",
            "penalty_maximum": "5",
            "go": "add",
        },
    )
    assert bad.status_code == 400 and not case.offences.exists()
    assert "Give the maximum term and its unit" in bad.content.decode()
    good = client.post(
        url,
        {
            "national_name": "Blanchiment",
            "penalty_kind": "deprivation_of_liberty",
            "penalty_maximum": "5",
            "penalty_unit": "years",
            "penalty_amount": "375000",
            "penalty_currency": "eur",
            "go": "add",
        },
    )
    assert good.status_code == 302
    stored = Case.objects.get(pk=case.pk).offences.get().max_penalty
    assert stored is not None
    assert stored["maximum"] == 5 and stored["currency"] == "EUR" and stored["amount"] == "375000"
    listed = client.get(url).content.decode()
    assert "up to 5 years&#x27; imprisonment and a fine of up to €375,000.00" in listed
    # No penalty at all is fine: it is optional.
    client.post(url, {"national_name": "Corruption", "go": "add"})
    assert case.offences.filter(national_name="Corruption", max_penalty__isnull=True).exists()


# -- the rendered request -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "maximum", "expected"),
    [
        ("en", 1, "up to 1 year's imprisonment"),
        ("ru", 1, "лишение свободы на срок до 1 года"),
        ("ru", 3, "лишение свободы на срок до 3 лет"),
        ("ru", 5, "лишение свободы на срок до 5 лет"),
        ("ru", 21, "лишение свободы на срок до 21 года"),
        ("ar", 5, "السجن مدة أقصاها 5 سنوات"),
        ("ar", 11, "السجن مدة أقصاها 11 سنة"),
        ("fr", 1, "emprisonnement de 1 an au plus"),
        ("es", 2, "prisión de hasta 2 años"),
        ("zh", 10, "最高可处10年监禁"),
    ],
)
def test_the_request_states_the_penalty_with_the_plural_of_its_language(
    language: str, maximum: int, expected: str
) -> None:
    assert Builder({"language": language}).penalty(penalty(maximum)) == expected


def test_the_offences_table_gets_its_penalty_column_only_when_one_is_given() -> None:
    document = complete_document() | {"language": "en"}
    text = docx_text(render_docx(document))
    assert "Maximum penalty" in text and "up to 10 years' imprisonment (or a fine, or both)" in text
    document["offences"][0]["max_penalty"] = None
    assert "Maximum penalty" not in docx_text(render_docx(document))


def test_the_checklists_thresholds_are_those_of_the_dual_criminality_data() -> None:
    """The writer's checklist and the dual-criminality answer read one threshold per basis:
    the rule files' months must be the treaty data's (decisions 0028, 0034), so that a change
    in one cannot leave the other saying something else."""
    from rogatory.drafting.completeness import rules as checklist_rules
    from rogatory.treaties.dual import rules as dual_rules

    months = {rule.id: rule.penalty_below for rule in checklist_rules() if rule.penalty_below}
    untoc = dual_rules().threshold("untoc", "mla")
    extradition = dual_rules().threshold(None, "extradition")
    assert untoc is not None and extradition is not None
    assert months["penalty.untoc_serious_crime"] == untoc.months == 48
    assert months["penalty.extradition_minimum"] == extradition.months == 12
