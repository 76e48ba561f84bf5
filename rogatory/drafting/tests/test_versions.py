"""Finalising, approving and sending a drafted request, through the actions and the pages."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import docx
import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from conftest import Personas
from rogatory.audit.models import AuditEntry
from rogatory.cases.actions import do_add_person, do_register_case, do_transition
from rogatory.cases.choices import Direction, MeasureType, PersonRole, Status
from rogatory.cases.lifecycle import TransitionRefused
from rogatory.cases.models import Case
from rogatory.drafting.actions import DraftNotReady, do_approve, do_finalise, do_send
from rogatory.drafting.models import RequestVersion
from rogatory.reference.models import State

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def a_draft(personas: Personas, **fields: object) -> Case:
    """An outgoing MLA draft to Kenya for bank records, every part of art. 18(15) given."""
    values: dict[str, object] = {
        "kind": "mla",
        "requested_state_id": "KE",
        "subject": "Laundering of the proceeds of bribery",
        "summary_of_facts": "Bribes paid in Paris were moved to an account in Nairobi.",
        "purpose": "To trace the funds and prove their origin at trial.",
        "procedure": "Certified copies, with a certificate of authenticity.",
        "conducting_authority": "Juge d'instruction, tribunal judiciaire de Paris",
        "requested_authority_name": "Office of the Director of Public Prosecutions",
        "legal_basis_note": "UNCAC art. 46",
        "requested_deadline": datetime.date(2027, 3, 1),
    } | fields
    case = do_register_case(
        personas.authority_a,
        direction=Direction.OUTGOING,
        fields=values,
        acting_user=personas.officer,
        offences=[{"national_name": "Blanchiment", "national_provision": "Code pénal, art. 324-1"}],
        measures=[
            {
                "kind": MeasureType.BANK_RECORDS,
                "description": "Statements and opening documents",
                "details": {
                    "institution": "Harambee Bank",
                    "account": "KE00 1234 5678",
                    "holder": "Tana Holdings Ltd",
                    "period_from": "2022-01-01",
                    "period_to": "2024-12-31",
                },
            }
        ],
    )
    do_add_person(
        case,
        {
            "role": PersonRole.ASSET_HOLDER,
            "name": "Tana Holdings Ltd",
            "is_legal_person": True,
            "nationality": State.objects.get(pk="KE"),
            "location": "Nairobi",
        },
        acting_user=personas.officer,
    )
    return case


def blocking(case: Case, language: str = "en") -> list[str]:
    from rogatory.drafting.completeness import check_case

    return [f.rule for f in check_case(case, language) if f.severity == "error"]


def test_an_incomplete_draft_cannot_be_finalised(personas: Personas) -> None:
    case = a_draft(personas, summary_of_facts="", purpose="")
    assert blocking(case)
    with pytest.raises(DraftNotReady) as refused:
        do_finalise(case, language="en", acting_user=personas.officer)
    assert refused.value.findings
    assert not RequestVersion.objects.exists()


def test_finalise_approve_send(personas: Personas) -> None:
    case = a_draft(personas)
    assert blocking(case) == []
    version = do_finalise(case, language="fr", acting_user=personas.officer)
    assert version.number == 1 and version.status == RequestVersion.Status.FINALISED
    assert version.document["language"] == "fr"
    # Sending is refused until a supervisor approves.
    with pytest.raises(TransitionRefused, match="approve"):
        do_transition(case, "send", acting_user=personas.officer)
    with pytest.raises(PermissionError):
        do_approve(version, acting_user=personas.officer)
    # A second finalisation supersedes the first.
    second = do_finalise(case, language="fr", acting_user=personas.officer)
    version.refresh_from_db()
    assert version.status == RequestVersion.Status.SUPERSEDED
    with pytest.raises(DraftNotReady):
        do_approve(version, acting_user=personas.supervisor)
    approved = do_approve(second, acting_user=personas.supervisor)
    assert approved.approved_by_name == personas.supervisor.get_username()
    sent = do_send(approved, acting_user=personas.officer)
    case.refresh_from_db()
    assert case.status == Status.SENT and case.sent_on is not None
    assert sent.status == RequestVersion.Status.SENT
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"request.finalised", "request.approved", "request.sent"} <= actions


def test_the_pages(client: Client, personas: Personas) -> None:
    case = a_draft(personas)
    client.force_login(personas.officer)
    page = client.get(reverse("drafting_writer", args=[case.public_id]))
    assert page.status_code == 200
    assert b'data-testid="finalise"' in page.content
    response = client.post(reverse("drafting_finalise", args=[case.public_id]), {"language": "fr"})
    assert response.status_code == 302
    version = RequestVersion.objects.get()
    for fmt in ("docx", "pdf", "json"):
        download = client.get(reverse("drafting_download", args=[case.public_id, 1, fmt]))
        assert download.status_code == 200, fmt
    body = b"".join(
        client.get(reverse("drafting_download", args=[case.public_id, 1, "docx"])).streaming_content
    )
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(body)).paragraphs)
    assert "Bribes paid in Paris" in text
    pdf = b"".join(
        client.get(reverse("drafting_download", args=[case.public_id, 1, "pdf"])).streaming_content
    )
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 1
    # The officer may not approve; the supervisor may, but not finalise.
    assert client.post(reverse("drafting_approve", args=[case.public_id, 1])).status_code == 403
    client.force_login(personas.supervisor)
    assert client.post(reverse("drafting_finalise", args=[case.public_id])).status_code == 403
    assert client.post(reverse("drafting_approve", args=[case.public_id, 1])).status_code == 302
    version.refresh_from_db()
    assert version.status == RequestVersion.Status.APPROVED
    client.force_login(personas.officer)
    assert client.post(reverse("drafting_send", args=[case.public_id, 1])).status_code == 302
    case.refresh_from_db()
    assert case.status == Status.SENT
    # Another authority sees nothing of it.
    client.force_login(personas.outsider)
    assert client.get(reverse("drafting_writer", args=[case.public_id])).status_code == 404
    assert (
        client.get(reverse("drafting_download", args=[case.public_id, 1, "pdf"])).status_code == 404
    )


def test_finalising_an_incomplete_draft_through_the_page(
    client: Client, personas: Personas
) -> None:
    case = a_draft(personas, purpose="")
    client.force_login(personas.officer)
    response = client.post(reverse("drafting_finalise", args=[case.public_id]), {"language": "en"})
    assert response.status_code == 409
    assert not RequestVersion.objects.exists()


def test_measure_details_form(client: Client, personas: Personas) -> None:
    case = a_draft(personas)
    measure = case.measures.get()
    client.force_login(personas.officer)
    url = reverse("drafting_measure_details", args=[case.public_id, measure.public_id])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "institution": "Equity Bank",
            "account": "KE99",
            "holder": "Someone",
            "period_from": "2023-01-01",
            "period_to": "2023-12-31",
        },
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.details["institution"] == "Equity Bank"
    assert measure.details["period_to"] == "2023-12-31"
    client.force_login(personas.supervisor)
    assert client.post(url, {"institution": "x"}).status_code == 403


def test_written_in_a_language_the_state_does_not_accept(
    client: Client, personas: Personas
) -> None:
    from rogatory.directory.models import AcceptedLanguage, CountryProfile

    CountryProfile.objects.get_or_create(state_id="KE")
    AcceptedLanguage.objects.create(profile_id="KE", language_id="fr")
    case = a_draft(personas)
    assert blocking(case, "fr") == []
    client.force_login(personas.officer)
    settings_url = reverse("drafting_settings", args=[case.public_id])
    data = {"written_in": "en", "signatory_name": "Claire Duval", "signatory_title": "Magistrate"}
    assert client.post(settings_url, data).status_code == 302
    page = client.get(reverse("drafting_writer", args=[case.public_id]), {"language": "fr"})
    assert b'data-rule="profile.translation_needed"' in page.content
    response = client.post(reverse("drafting_finalise", args=[case.public_id]), {"language": "fr"})
    assert response.status_code == 409
    # Written in French after all: the request can be finalised, signed as saved.
    assert client.post(settings_url, data | {"written_in": "fr"}).status_code == 302
    assert (
        client.post(
            reverse("drafting_finalise", args=[case.public_id]), {"language": "fr"}
        ).status_code
        == 302
    )
    version = RequestVersion.objects.get()
    assert version.document["signatory"]["name"] == "Claire Duval"
    assert AuditEntry.objects.filter(action="request.draft_settings").exists()
    client.force_login(personas.supervisor)
    assert client.post(settings_url, data).status_code == 403


def test_the_json_document_round_trips_to_the_same_docx(personas: Personas) -> None:
    import json

    from rogatory.drafting.document import build_document, load_document
    from rogatory.drafting.render import render_docx

    document = build_document(a_draft(personas), language="fr")
    imported = load_document(json.loads(json.dumps(document, ensure_ascii=False)))
    assert imported == document
    assert render_docx(imported) == render_docx(document)


def test_measure_details_return_to_the_guided_step(client: Client, personas: Personas) -> None:
    case = a_draft(personas)
    measure = case.measures.get()
    client.force_login(personas.officer)
    step = reverse("drafting_step", args=[case.public_id, "measures"])
    url = reverse("drafting_measure_details", args=[case.public_id, measure.public_id])
    response = client.post(f"{url}?next={step}", {"institution": "Equity Bank", "account": "1"})
    assert response.status_code == 302 and response["Location"] == step
    # Elsewhere than this site: back to the case page instead.
    response = client.post(f"{url}?next=https://evil.example/", {"institution": "X"})
    assert response["Location"].startswith(case.get_absolute_url())


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    header = "\n".join(p.text for p in document.sections[0].header.paragraphs)
    return header + "\n" + "\n".join(p.text for p in document.paragraphs)


def _stored(version: RequestVersion, fmt: str) -> bytes:
    from django.conf import settings

    return (Path(settings.MEDIA_ROOT) / getattr(version, f"{fmt}_path")).read_bytes()


def test_draft_files_are_marked_and_approval_renders_the_final_ones(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    """Before approval every page says DRAFT; approving renders the same document again with
    the approval line, those files replace the draft ones, and the document's checksum stays."""
    case = a_draft(personas)
    version = do_finalise(case, language="en", acting_user=personas.officer)
    draft_pdf, draft_docx = _stored(version, "pdf"), _stored(version, "docx")
    draft_paths = [version.pdf_path, version.docx_path]
    reader = PdfReader(io.BytesIO(draft_pdf))
    assert all("DRAFT" in page.extract_text() for page in reader.pages)
    assert "DRAFT – not approved" in _docx_text(draft_docx)
    assert "Approved for transmission" not in _pdf_text(draft_pdf)

    with django_capture_on_commit_callbacks(execute=True):
        approved = do_approve(version, acting_user=personas.supervisor, comment="Good to go.")
    final_pdf, final_docx = _stored(approved, "pdf"), _stored(approved, "docx")
    assert "DRAFT" not in _pdf_text(final_pdf) and "DRAFT" not in _docx_text(final_docx)
    name = personas.supervisor.get_full_name()
    assert f"Approved for transmission by {name}" in _pdf_text(final_pdf).replace("\n", " ")
    assert f"Approved for transmission by {name}" in _docx_text(final_docx)
    assert approved.document_sha256 == version.document_sha256
    assert approved.pdf_sha256 != version.pdf_sha256 and approved.approval_comment == "Good to go."
    from django.conf import settings

    assert not any((Path(settings.MEDIA_ROOT) / path).exists() for path in draft_paths)
    entry = AuditEntry.objects.filter(action="request.approved").get()
    assert entry.details["pdf_sha256"] == approved.pdf_sha256
    assert entry.details["comment"] == "Good to go."


def test_return_with_remarks_reopens_the_draft(client: Client, personas: Personas) -> None:
    """A supervisor returns a version with remarks: the writer shows them, the history has
    every step, the returned version can no longer be approved, the next one can."""
    case = a_draft(personas)
    client.force_login(personas.officer)
    client.post(reverse("drafting_finalise", args=[case.public_id]), {"language": "en"})
    # The officer can neither return nor approve.
    url = reverse("drafting_return", args=[case.public_id, 1])
    assert client.post(url, {"remarks": "x"}).status_code == 403
    client.force_login(personas.supervisor)
    # Remarks are required.
    client.post(url, {"remarks": "  "})
    assert RequestVersion.objects.get().status == RequestVersion.Status.FINALISED
    client.post(url, {"remarks": "Name the bank's branch in the measure."})
    version = RequestVersion.objects.get()
    assert version.status == RequestVersion.Status.RETURNED
    assert version.returned_by_name == personas.supervisor.get_username()
    with pytest.raises(DraftNotReady):
        do_approve(version, acting_user=personas.supervisor)

    client.force_login(personas.officer)
    page = client.get(reverse("drafting_writer", args=[case.public_id])).content.decode()
    assert 'data-testid="returned-remarks"' in page
    assert "Name the bank&#x27;s branch in the measure." in page
    client.post(reverse("drafting_finalise", args=[case.public_id]), {"language": "en"})
    page = client.get(reverse("drafting_writer", args=[case.public_id])).content.decode()
    assert 'data-testid="returned-remarks"' not in page
    client.force_login(personas.supervisor)
    approve = reverse("drafting_approve", args=[case.public_id, 2])
    assert client.post(approve, {"comment": "Thanks."}).status_code == 302
    client.force_login(personas.officer)
    client.post(reverse("drafting_send", args=[case.public_id, 2]))
    second = RequestVersion.objects.get(number=2)
    assert second.status == RequestVersion.Status.SENT
    assert second.sent_by_name == personas.officer.get_username()
    page = client.get(reverse("drafting_writer", args=[case.public_id])).content.decode()
    assert f"by {personas.officer.get_username()}" in page

    history = client.get(case.get_absolute_url()).content.decode()
    for line in (
        "version 1 finalised (en)",
        "version 1 returned to its drafter",
        "version 2 approved",
        "version 2 recorded as sent",
    ):
        assert line in history, line
    assert "Name the bank&#x27;s branch" in history and "Thanks." in history


def test_a_supervisor_does_not_approve_his_own_draft(personas: Personas) -> None:
    """Four eyes: the one who finalised a version cannot approve it, even as a supervisor."""
    from conftest import make_user
    from rogatory.accounts.models import Role

    case = a_draft(personas)
    other = make_user("other_supervisor", Role.SUPERVISOR, personas.authority_a)
    version = do_finalise(case, language="en", acting_user=personas.supervisor)
    with pytest.raises(DraftNotReady, match="another supervisor"):
        do_approve(version, acting_user=personas.supervisor)
    assert do_approve(version, acting_user=other).status == RequestVersion.Status.APPROVED


def test_rendering_a_pdf_does_not_flood_the_log(personas: Personas) -> None:
    """fontTools' subsetting chatter stays below the server's log level."""
    import logging
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    assert not logging.getLogger("fontTools.subset").isEnabledFor(logging.INFO)


def test_the_requesting_authority_is_named_in_the_requests_language(personas: Personas) -> None:
    """The name copied from the directory in the drafter's language is replaced by the
    directory's name in the language of the request; a name typed by hand stays."""
    from rogatory.directory.models import CompetentAuthority, CountryProfile
    from rogatory.drafting.document import build_document

    profile, _created = CountryProfile.objects.get_or_create(state_id="FR")
    CompetentAuthority.objects.create(
        profile=profile,
        slug="bepi",
        name_en="Ministry of Justice — International Criminal Assistance Office",
        name_fr="Ministère de la Justice — Bureau de l'entraide pénale internationale",
        platform_authority=personas.authority_a,
    )
    french = "Ministère de la Justice — Bureau de l'entraide pénale internationale"
    case = a_draft(personas, requesting_authority_name=french)
    english = build_document(case, language="en")["requesting"]["authority"]
    assert english == "Ministry of Justice — International Criminal Assistance Office"
    assert build_document(case, language="fr")["requesting"]["authority"] == french
    case.requesting_authority_name = "Parquet national financier"
    assert build_document(case, language="en")["requesting"]["authority"] == (
        "Parquet national financier"
    )


def test_each_approval_step_tells_the_people_who_act_next(
    client: Client, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    """Finalised: the authority's supervisors get an e-mail with a link to the writer;
    returned or approved: the drafter does, with the remarks or the comment."""
    from django.core import mail

    case = a_draft(personas)
    client.force_login(personas.officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("drafting_finalise", args=[case.public_id]), {"language": "en"})
    (sent,) = mail.outbox
    assert sent.to == [personas.supervisor.email]
    assert "awaits your approval" in sent.subject and case.our_reference in sent.body
    assert f"/cases/{case.public_id}/writer/" in sent.body and "http" in sent.body

    client.force_login(personas.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("drafting_return", args=[case.public_id, 1]), {"remarks": "Add the branch."}
        )
    assert mail.outbox[-1].to == [personas.officer.email]
    assert "returned with remarks" in mail.outbox[-1].subject
    assert "Add the branch." in mail.outbox[-1].body

    client.force_login(personas.officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("drafting_finalise", args=[case.public_id]), {"language": "en"})
    client.force_login(personas.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("drafting_approve", args=[case.public_id, 2]), {"comment": "Go."})
    assert mail.outbox[-1].to == [personas.officer.email]
    assert "was approved" in mail.outbox[-1].subject and "Go." in mail.outbox[-1].body
    assert len(mail.outbox) == 4
