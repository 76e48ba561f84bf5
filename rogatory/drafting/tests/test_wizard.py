"""The guided writer: an outgoing draft written step by step, saved at each step."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.cases.actions import do_register_case
from rogatory.cases.choices import Direction, Status
from rogatory.cases.models import Case
from rogatory.demo.loaders import PROFILES_DIR
from rogatory.directory.actions import import_profile
from rogatory.directory.models import CompetentAuthority, CountryProfile
from rogatory.drafting.completeness import check_case
from rogatory.drafting.wizard import SLUGS, step_of
from rogatory.reference.models import State
from rogatory.treaties.finder import find_legal_bases
from rogatory.treaties.models import Instrument, Participation

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 10, 15)


@pytest.fixture
def kenya(personas: Personas) -> None:
    """Kenya's demonstration profile (its authorities and languages) and UNCAC parties."""
    document = json.loads((PROFILES_DIR / "KE.json").read_text("utf-8"))
    import_profile(
        CountryProfile(state_id="KE"), document, acting_user=personas.site_admin, reason="test"
    )
    uncac = Instrument.objects.get(code="uncac")
    for state in ("FR", "KE"):
        Participation.objects.update_or_create(
            instrument=uncac,
            state_id=state,
            defaults={
                "action": "ratification",
                "deposited_on": datetime.date(2007, 1, 1),
                "in_force_on": datetime.date(2007, 1, 31),
                "verified": True,
                "as_of": AS_OF,
            },
        )


def url(case: Case, step: str) -> str:
    return reverse("drafting_step", args=[case.public_id, step])


def a_draft(personas: Personas, **fields: Any) -> Case:
    return do_register_case(
        personas.authority_a,
        direction=Direction.OUTGOING,
        fields={"kind": "mla", "requested_state_id": "KE", "subject": "Draft"} | fields,
        acting_user=personas.officer,
    )


def test_walk_every_step_to_a_complete_draft(
    client: Client, personas: Personas, kenya: None
) -> None:
    client.force_login(personas.officer)
    # 1. Kind and requested state.
    page = client.get(reverse("drafting_start"))
    assert page.status_code == 200
    assert b'aria-current="step"' in page.content
    response = client.post(reverse("drafting_start"), {"kind": "mla", "requested_state": "KE"})
    case = Case.objects.get(direction=Direction.OUTGOING)
    assert case.status == Status.DRAFT and case.requested_state_id == "KE"
    assert response.status_code == 302 and response["Location"] == url(case, "legal-basis")

    # 2. Legal basis: the finder's bases, with their reasons; the choice keeps its "as of".
    page = client.get(url(case, "legal-basis"))
    assert page.status_code == 200
    assert b'data-testid="basis-uncac"' in page.content
    options = {o["instrument"].code: o for o in page.context["options"]}
    assert "uncac" in options
    expected_as_of = find_legal_bases(
        State.objects.get(pk="FR"), State.objects.get(pk="KE"), "mla", on=datetime.date.today()
    ).as_of
    assert expected_as_of is not None
    response = client.post(
        url(case, "legal-basis"), {"basis": options["uncac"]["value"], "note": "", "go": "next"}
    )
    assert response.status_code == 302 and response["Location"] == url(case, "authority")
    case.refresh_from_db()
    assert case.legal_basis is not None and case.legal_basis.code == "uncac"
    assert case.legal_basis_article == options["uncac"]["article"] != ""
    assert case.legal_basis_as_of == expected_as_of

    # 3. Requested authority: Kenya's central authority, from the directory.
    page = client.get(url(case, "authority"))
    assert "Office of the Director of Public Prosecutions" in page.content.decode()
    central = CompetentAuthority.objects.get(profile__state="KE", is_central=True)
    response = client.post(url(case, "authority"), {"authority": central.pk, "go": "next"})
    assert response["Location"] == url(case, "case")
    case.refresh_from_db()
    assert case.requested_authority == central and case.requested_authority_name == central.name

    # 4. The case.
    response = client.post(
        url(case, "case"),
        {
            "subject": "Laundering of the proceeds of bribery",
            "our_reference": case.our_reference,
            "their_reference": "",
            "conducting_authority": "Juge d'instruction, tribunal judiciaire de Paris",
            "go": "next",
        },
    )
    assert response["Location"] == url(case, "facts")

    # 5. Facts; "Back" saves too.
    response = client.post(
        url(case, "facts"),
        {"summary_of_facts": "Bribes paid in Paris were moved to Nairobi.", "go": "back"},
    )
    assert response["Location"] == url(case, "case")
    case.refresh_from_db()
    assert case.summary_of_facts == "Bribes paid in Paris were moved to Nairobi."

    # 6. Offences: add, remove, add again and go on.
    offences = url(case, "offences")
    response = client.post(offences, {"national_name": "Corruption", "go": "add"})
    assert response["Location"] == offences
    offence = case.offences.get()
    client.post(offences, {"remove": offence.pk})
    assert not case.offences.exists()
    response = client.post(
        offences,
        {
            "national_name": "Blanchiment",
            "national_provision": "Code pénal, art. 324-1",
            "iccs": "",
            "go": "next",
        },
    )
    assert response["Location"] == url(case, "persons")
    assert case.offences.get().national_name == "Blanchiment"
    # Going on with nothing typed adds nothing.
    client.post(offences, {"national_name": "", "go": "next"})
    assert case.offences.count() == 1

    # 7. Persons.
    response = client.post(
        url(case, "persons"),
        {
            "role": "asset_holder",
            "is_legal_person": "on",
            "name": "Tana Holdings Ltd",
            "nationality": "KE",
            "location": "Nairobi",
            "go": "next",
        },
    )
    assert response["Location"] == url(case, "measures")
    assert case.persons.get().name == "Tana Holdings Ltd"

    # 8. Measures, and the measure's own details on the existing page.
    response = client.post(
        url(case, "measures"),
        {"kind": "bank_records", "description": "Statements and opening documents", "go": "add"},
    )
    assert response["Location"] == url(case, "measures")
    measure = case.measures.get()
    page = client.get(url(case, "measures"))
    details = reverse("drafting_measure_details", args=[case.public_id, measure.public_id])
    assert details.encode() in page.content
    client.post(
        details,
        {
            "institution": "Harambee Bank",
            "account": "KE00 1234 5678",
            "holder": "Tana Holdings Ltd",
            "period_from": "2022-01-01",
            "period_to": "2024-12-31",
        },
    )
    measure.refresh_from_db()
    assert measure.details["institution"] == "Harambee Bank"

    # 9. Purpose and procedure.
    deadline = datetime.date.today() + datetime.timedelta(days=90)
    response = client.post(
        url(case, "procedure"),
        {
            "purpose": "To trace the funds and prove their origin at trial.",
            "procedure": "Certified copies, with a certificate of authenticity.",
            "confidentiality": "standard",
            "urgency": "normal",
            "requested_deadline": deadline.isoformat(),
            "go": "next",
        },
    )
    writer = reverse("drafting_writer", args=[case.public_id])
    assert response["Location"] == writer

    # 10. Check: the writer page, with the whole checklist.
    assert client.get(url(case, "check"))["Location"] == writer
    case.refresh_from_db()
    assert case.requested_deadline == deadline
    errors = [(f.rule, f.field) for f in check_case(case, "en") if f.severity == "error"]
    assert errors == []
    page = client.get(url(case, "facts"))
    assert b'data-testid="step-errors"' not in page.content


def test_steps_show_the_checklist(client: Client, personas: Personas) -> None:
    case = a_draft(personas)
    client.force_login(personas.officer)
    page = client.get(url(case, "facts"))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'aria-current="step"' in content
    assert 'data-testid="step-errors"' in content  # facts, offences… are missing
    assert 'data-testid="step-findings"' in content  # this step's own finding
    steps = {s["slug"]: s for s in page.context["steps"]}
    assert steps["facts"]["errors"] and steps["facts"]["current"]
    assert steps["measures"]["errors"]
    assert steps["offences"]["errors"] + steps["offences"]["warnings"]


def test_pointers_map_to_steps() -> None:
    assert step_of("persons/0/location") == "persons"
    assert step_of("measures/1/details/institution") == "measures"
    assert step_of("requested/authority") == "authority"
    assert step_of("requesting/conducting_authority") == "case"
    assert step_of("legal_basis/instrument") == "legal-basis"
    assert step_of("deadline") == "procedure"
    assert step_of("formalities/legalised") == "check"
    assert step_of("") == "check"
    assert {step_of(f) for f in ("subject", "summary_of_facts", "purpose")} <= set(SLUGS)


def test_invalid_input_saves_nothing(client: Client, personas: Personas) -> None:
    case = a_draft(personas, purpose="Before")
    client.force_login(personas.officer)
    response = client.post(
        url(case, "procedure"),
        {
            "purpose": "After",
            "confidentiality": "standard",
            "urgency": "normal",
            "requested_deadline": "not a date",
            "go": "next",
        },
    )
    assert response.status_code == 400
    assert b'data-testid="problems"' in response.content
    assert b"After" in response.content  # what was typed is kept
    case.refresh_from_db()
    assert case.purpose == "Before"
    # A provision without the offence's name.
    response = client.post(
        url(case, "offences"), {"national_name": "", "national_provision": "art. 1", "go": "next"}
    )
    assert response.status_code == 400
    assert not case.offences.exists()
    # "Other basis" without saying which.
    response = client.post(url(case, "legal-basis"), {"basis": "other", "note": "", "go": "next"})
    assert response.status_code == 400
    response = client.post(reverse("drafting_start"), {"kind": "mla", "requested_state": "FR"})
    assert response.status_code == 400  # one's own state
    assert Case.objects.count() == 1


def test_other_basis_and_free_authority(client: Client, personas: Personas) -> None:
    case = a_draft(personas)
    client.force_login(personas.officer)
    client.post(url(case, "legal-basis"), {"basis": "other", "note": "Reciprocity", "go": "next"})
    client.post(url(case, "authority"), {"name": "Attorney General", "go": "next"})
    case.refresh_from_db()
    assert case.legal_basis is None and case.legal_basis_note == "Reciprocity"
    assert case.requested_authority is None
    assert case.requested_authority_name == "Attorney General"
    page = client.get(url(case, "legal-basis"))
    assert page.context["selected"] == "other"


def test_changing_the_requested_state_drops_its_authority(
    client: Client, personas: Personas, kenya: None
) -> None:
    central = CompetentAuthority.objects.get(profile__state="KE", is_central=True)
    case = a_draft(personas, requested_authority=central, requested_authority_name=central.name)
    client.force_login(personas.officer)
    page = client.get(url(case, "start"))
    assert page.status_code == 200 and b'data-testid="back"' not in page.content
    response = client.post(url(case, "start"), {"kind": "mla", "requested_state": "MA"})
    assert response["Location"] == url(case, "legal-basis")
    case.refresh_from_db()
    assert case.requested_state_id == "MA"
    assert case.requested_authority is None and case.requested_authority_name == ""


def test_access(client: Client, personas: Personas) -> None:
    case = a_draft(personas)
    client.force_login(personas.supervisor)
    assert client.get(url(case, "facts")).status_code == 403
    assert client.get(reverse("drafting_start")).status_code == 403
    client.force_login(personas.outsider)
    assert client.get(url(case, "facts")).status_code == 404
    assert client.post(url(case, "facts"), {"summary_of_facts": "x"}).status_code == 404
    client.force_login(personas.officer)
    assert client.get(url(case, "no-such-step")).status_code == 404
    incoming = do_register_case(
        personas.authority_a,
        direction=Direction.INCOMING,
        fields={"kind": "mla", "requesting_state_id": "KE", "subject": "In"},
        acting_user=personas.officer,
    )
    assert client.get(url(incoming, "facts")).status_code == 404


def test_a_request_no_longer_draft_goes_to_its_page(client: Client, personas: Personas) -> None:
    case = a_draft(personas)
    Case.objects.filter(pk=case.pk).update(status=Status.SENT)
    client.force_login(personas.officer)
    response = client.post(url(case, "facts"), {"summary_of_facts": "Changed"})
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    case.refresh_from_db()
    assert case.summary_of_facts == ""


def test_a_measure_is_removed_from_a_draft_and_only_from_a_draft(
    client: Client, personas: Personas
) -> None:
    from rogatory.audit.models import AuditEntry
    from rogatory.cases.actions import do_add_measure, do_remove_measure
    from rogatory.cases.lifecycle import TransitionRefused

    case = a_draft(personas)
    keep = do_add_measure(case, kind="bank_records", acting_user=personas.officer)
    drop = do_add_measure(case, kind="taking_evidence", acting_user=personas.officer)
    client.force_login(personas.officer)
    measures = url(case, "measures")
    assert b'data-testid="measure-remove"' in client.get(measures).content
    response = client.post(measures, {"remove": str(drop.public_id)})
    assert response["Location"] == measures
    assert list(case.measures.all()) == [keep]
    assert AuditEntry.objects.filter(action="case.measure_removed").count() == 1
    # Another case's measure, or none: not found, nothing removed.
    other = do_add_measure(
        a_draft(personas), kind="search_and_seizure", acting_user=personas.officer
    )
    assert client.post(measures, {"remove": str(other.public_id)}).status_code == 404
    assert client.post(measures, {"remove": "not-an-id"}).status_code == 404
    assert case.measures.count() == 1 and other.case.measures.count() == 1
    # Once sent, measures change status; they are not deleted.
    Case.objects.filter(pk=case.pk).update(status=Status.SENT)
    keep.refresh_from_db()
    with pytest.raises(TransitionRefused):
        do_remove_measure(keep, acting_user=personas.officer)
    assert case.measures.count() == 1


def test_the_offence_step_suggests_provisions_of_our_legislation(
    client: Client, personas: Personas
) -> None:
    from rogatory.knowledge.actions import do_save_act
    from rogatory.knowledge.legal import LegalAct, Provision

    case = a_draft(personas)  # authority A is French
    client.force_login(personas.officer)
    offences = url(case, "offences")
    assert b"knowledge-provisions" not in client.get(offences).content
    for state, title in (("FR", "Code pénal"), ("KE", "Penal Code")):
        do_save_act(
            LegalAct(
                state=state,
                language="fr" if state == "FR" else "en",
                title=title,
                provisions=[
                    Provision(
                        eid="art_324_1",
                        number="Article 324-1",
                        heading="Du blanchiment",
                        iccs=("07041",),
                    )
                ],
            ),
            source_name="test",
        )
    page = client.get(offences).content.decode()
    assert 'list="knowledge-provisions"' in page
    assert '<option value="Code pénal, Article 324-1">Du blanchiment · ICCS 07041</option>' in page
    assert "Penal Code" not in page  # the requested state's law is not ours
