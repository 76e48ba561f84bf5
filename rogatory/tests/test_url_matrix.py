"""Every URL pattern, for every role: the status code each one must get.

A new URL pattern without a row here fails ``test_every_url_pattern_is_in_the_matrix``: add
its expectations when you add the view (house style, after Read the Docs' test_privacy_urls).
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conftest import Personas
from rogatory.assets.actions import do_add_asset
from rogatory.assets.models import Asset
from rogatory.cases.actions import (
    do_add_document,
    do_add_holiday,
    do_log_follow_up,
    do_register_case,
)
from rogatory.cases.choices import Direction, FollowUpDirection, MeasureType, PersonRole
from rogatory.cases.models import Case, CaseExport, UploadSession
from rogatory.demo.loaders import PROFILES_DIR
from rogatory.directory.actions import import_profile
from rogatory.directory.models import CountryProfile
from rogatory.exchange import transport
from rogatory.exchange.models import Conversation, Message, Partner
from rogatory.exchange.node import do_init_node, is_configured
from rogatory.exchange.outbound import queue
from rogatory.knowledge.actions import do_import_text, do_save_act, do_save_judgment
from rogatory.knowledge.legal import Judgment, LegalAct, Provision
from rogatory.knowledge.models import KnowledgeDocument
from rogatory.reference.models import State
from rogatory.statistics.actions import do_give_hub_consent, do_set_public_statistics
from rogatory.statistics.models import HubConsent, ReportRun, ReportSnapshot
from rogatory.treaties.models import ArticleText
from rogatory.treaties.texts import load_article_texts

ROLES = (
    "anonymous",
    "officer",
    "supervisor",
    "authority_admin",
    "outsider",
    "outsider_admin",
    "site_admin",
)
# Namespaces that are not ours to enumerate; their entry points are in the matrix.
FOREIGN_NAMESPACES = {"admin"}

Kwargs = Callable[[Personas], dict[str, Any]]


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def logged_in(status: int) -> dict[str, int]:
    return {"anonymous": 302} | dict.fromkeys(ROLES[1:], status)


def authority_a(members: int, outsiders: int = 404, **overrides: int) -> dict[str, int]:
    """Authority A's members get ``members``, B's get 404, anonymous is sent to log in."""
    matrix = logged_in(members) | {"outsider": outsiders, "outsider_admin": outsiders}
    return matrix | overrides


def no_kwargs(personas: Personas) -> dict[str, Any]:
    return {}


def profile_editors(status: int = 200) -> dict[str, int]:
    """Administrators of a French authority (A is French) and site administrators edit FR."""
    return logged_in(403) | {"authority_admin": status, "site_admin": status}


def french_profile(personas: Personas, **extra: Any) -> dict[str, Any]:
    """Give France a profile (one version, authority "bepi") and return URL kwargs for it."""
    if not CountryProfile.objects.filter(pk="FR").exists():
        document = json.loads((PROFILES_DIR / "FR.json").read_text("utf-8"))
        import_profile(
            CountryProfile(state_id="FR"), document, acting_user=personas.site_admin, reason="t"
        )
    return {"iso2": "FR", **extra}


def a_case(personas: Personas, **extra: Any) -> dict[str, Any]:
    """An incoming request of authority A with a measure, a person, a status request and a
    document (created once per test); URL kwargs for it, plus ``extra`` parts named by key."""
    case = Case.objects.filter(our_reference="MATRIX-1").first()
    if case is None:
        case = do_register_case(
            personas.authority_a,
            direction=Direction.INCOMING,
            fields={
                "our_reference": "MATRIX-1",
                "kind": "mla",
                "subject": "Matrix",
                "requesting_state_id": "KE",
            },
            acting_user=personas.officer,
            measures=[{"kind": MeasureType.BANK_RECORDS}],
            persons=[{"role": PersonRole.WITNESS, "name": "A. Witness"}],
        )
        do_log_follow_up(
            case,
            direction=FollowUpDirection.FROM_COUNTERPART,
            asked_on=datetime.date(2026, 11, 2),
            question="Any news?",
            acting_user=personas.officer,
        )
        do_add_document(
            case,
            title="Letter",
            kind="request",
            upload=io.BytesIO(b"Letter of request\n"),
            original_name="letter.txt",
            acting_user=personas.officer,
        )
    kwargs: dict[str, Any] = {"public_id": case.public_id}
    parts = {
        "measure_id": lambda: case.measures.get().public_id,
        "person_id": lambda: case.persons.get().public_id,
        "follow_up_id": lambda: case.follow_ups.get().public_id,
        "document_id": lambda: case.documents.get().public_id,
        "offence_id": lambda: 1,
    }
    for key, value in extra.items():
        kwargs[key] = parts[key]() if value is None else value
    return kwargs


def a_publishing(personas: Personas) -> dict[str, Any]:
    """Authority A publishes its kinds of request and its SDMX data set from today."""
    do_set_public_statistics(
        personas.authority_a,
        tables=["kinds", "sdmx"],
        published_from=timezone.localdate(),
        acting_user=personas.supervisor,
    )
    return {"code": personas.authority_a.code}


def a_hub_member(personas: Personas) -> dict[str, Any]:
    """Authority A takes part in the hub's statistics (decision 0044); B does not."""
    if not HubConsent.objects.in_force().filter(authority=personas.authority_a).exists():
        do_give_hub_consent(acting_user=personas.authority_admin)
    return {}


def an_asset(personas: Personas) -> dict[str, Any]:
    """URL kwargs for an asset of authority A's request (asset recovery, decision 0037)."""
    kwargs = a_case(personas)
    asset = Asset.objects.filter(case__public_id=kwargs["public_id"]).first()
    if asset is None:
        asset = do_add_asset(
            Case.objects.get(public_id=kwargs["public_id"]),
            fields={
                "kind": "cash",
                "description": "Matrix",
                "location_state": State.objects.get(pk="FR"),
            },
            acting_user=personas.officer,
        )
    return kwargs | {"asset_id": asset.public_id}


def an_upload(personas: Personas) -> dict[str, Any]:
    """URL kwargs for a resumable upload the officer opened on authority A's request."""
    kwargs = a_case(personas)
    upload = UploadSession.objects.create(
        case=Case.objects.get(public_id=kwargs["public_id"]),
        uploaded_by=personas.officer,
        original_name="export.csv",
        size=100,
        title="Bank export",
        kind="evidence",
    )
    return kwargs | {"upload_id": upload.public_id}


def an_export(personas: Personas) -> dict[str, Any]:
    """URL kwargs for a large export the officer asked for, written and ready."""
    job = CaseExport.objects.filter(requested_by=personas.officer).first()
    if job is None:
        job = CaseExport.objects.create(
            authority=personas.authority_a,
            requested_by=personas.officer,
            format="csv",
            day=datetime.date(2026, 12, 6),
            status=CaseExport.Status.DONE,
            total_rows=1,
            rows_written=1,
        )
        job.file_path().parent.mkdir(parents=True, exist_ok=True)
        job.file_path().write_text("Our reference\r\n")
    return {"public_id": job.public_id}


def a_report(personas: Personas, sent: bool = False) -> dict[str, Any]:
    """URL kwargs for a statistics report of authority A, written (and, if ``sent``, kept as
    sent), with its files."""
    run = ReportRun.objects.filter(authority=personas.authority_a).first()
    if run is None:
        day = datetime.date(2025, 1, 1)
        run = ReportRun.objects.create(
            authority=personas.authority_a,
            requested_by=personas.supervisor,
            layout="annual",
            start=day,
            end=day,
            as_of=day,
            language="en",
            suppression_threshold=3,
            status=ReportRun.Status.DONE,
            progress=100,
            document={"sections": []},
            files={"pdf": "report.pdf"},
        )
        run.folder().mkdir(parents=True, exist_ok=True)
        (run.folder() / "report.pdf").write_bytes(b"%PDF-1.4")
        snapshot = ReportSnapshot.objects.create(
            authority=personas.authority_a,
            layout_id="annual",
            layout_source="",
            layout={},
            start=day,
            end=day,
            as_of=day,
            language="en",
            suppression_threshold=3,
            document={"sections": []},
            files={"pdf": {"name": "report.pdf", "sha256": "", "size": 8}},
            sent_on=day,
            marked_by=personas.supervisor,
        )
        snapshot.folder().mkdir(parents=True, exist_ok=True)
        (snapshot.folder() / "report.pdf").write_bytes(b"%PDF-1.4")
    if sent:
        return {"public_id": ReportSnapshot.objects.get(authority=personas.authority_a).public_id}
    return {"public_id": run.public_id}


def a_draft(personas: Personas, **extra: Any) -> dict[str, Any]:
    """An outgoing draft of authority A with one measure (created once per test)."""
    case = Case.objects.filter(our_reference="MATRIX-OUT").first()
    if case is None:
        case = do_register_case(
            personas.authority_a,
            direction=Direction.OUTGOING,
            fields={
                "our_reference": "MATRIX-OUT",
                "kind": "mla",
                "subject": "Matrix draft",
                "requested_state_id": "KE",
            },
            acting_user=personas.officer,
            measures=[{"kind": MeasureType.BANK_RECORDS}],
        )
    kwargs: dict[str, Any] = {"public_id": case.public_id}
    if "measure_id" in extra:
        kwargs["measure_id"] = case.measures.get().public_id
    if "number" in extra:
        kwargs |= {"number": extra["number"], "fmt": "pdf"}
    return kwargs


def a_knowledge_document(personas: Personas) -> dict[str, Any]:
    """A seed UN document in the knowledge base (imported once per test)."""
    document = KnowledgeDocument.objects.filter(symbol="A/76/122").first()
    if document is None:
        seed = Path(__file__).resolve().parents[1] / "knowledge/tests/seeds"
        text = (seed / "003_6bdc7af176e43de5.txt").read_text(encoding="utf-8")
        document, _created = do_import_text(text, source_name="A-76-122.txt")
    return {"public_id": document.public_id}


def an_act(personas: Personas) -> dict[str, Any]:
    act = LegalAct(
        state="FR",
        language="fr",
        title="Code pénal",
        provisions=[Provision(eid="art_324_1", number="Article 324-1", text="Le blanchiment…")],
    )
    document, _created = do_save_act(act, source_name="matrix")
    return {"public_id": document.public_id}


def a_judgment(personas: Personas) -> dict[str, Any]:
    judgment = Judgment(state="FR", language="fr", court="Cour de cassation", title="Arrêt")
    document, _created = do_save_judgment(judgment, source_name="matrix")
    return {"public_id": document.public_id}


def site_admins() -> dict[str, int]:
    return logged_in(403) | {"site_admin": 200}


def a_holiday(personas: Personas) -> dict[str, Any]:
    holiday = do_add_holiday(
        personas.authority_a,
        datetime.date(2026, 12, 25),
        "Noël",
        acting_user=personas.authority_admin,
    )
    return {"holiday_id": holiday.pk}


@pytest.fixture(autouse=True)
def _exchange_kek(settings: Any) -> None:
    """The exchange node's private keys are wrapped by a throw-away key-encryption key (no KEK
    file is written)."""
    settings.EXCHANGE_KEK = [Fernet.generate_key().decode()]


def an_article_text(personas: Personas) -> dict[str, Any]:
    """The shipped article texts (loaded once per test); URL kwargs for UNTOC art. 18."""
    if not ArticleText.objects.exists():
        load_article_texts()
    return {"code": "untoc", "article": "18"}


def a_node(personas: Personas) -> dict[str, Any]:
    """This installation as the exchange node "hub-node" (initialised once per test)."""
    if not is_configured():
        do_init_node("hub-node", "http://127.0.0.1:9/exchange/v1")
    return {}


def an_exchange_message(personas: Personas, **extra: Any) -> dict[str, Any]:
    """A status request of authority A to B through this node, delivered (once per test); URL
    kwargs for A's sent message."""
    a_node(personas)
    message = Message.objects.filter(direction=Message.Direction.OUTBOUND).first()
    if message is None:
        conversation = Conversation.objects.create(
            conversation_id="6f1c2d3e-0000-4000-8000-000000000001",
            authority=personas.authority_a,
            partner=Partner.objects.get(node_id="hub-node"),
            partner_party=personas.authority_b.code,
            role=Conversation.Role.REQUESTER,
        )
        message = queue(
            conversation, "status_request", {"note": "Matrix"}, acting_user=personas.officer
        )
        transport.run_once()
    return {"public_id": message.public_id, **extra}


def a_part(personas: Personas, **extra: Any) -> dict[str, Any]:
    """Endpoint kwargs for a part of a message nobody sent."""
    a_node(personas)
    return {"from_node": "hub-node", "message_id": NO_SUCH_ID, "part_id": "doc1", **extra}


# Authority A's requests: its members read them, supervisors may not write, other
# authorities and site administrators (who run the installation, not casework) get 404.
CASE_READERS = authority_a(200, site_admin=404)
CASE_WRITERS = authority_a(200, supervisor=403, site_admin=404)
# Pages about one's own authority's casework: members of any authority, not site admins.
OWN_CASEWORK = logged_in(200) | {"site_admin": 403}
POST_ONLY = logged_in(405)
NO_SUCH_ID = "00000000-0000-0000-0000-000000000000"
WEBAUTHN_CALL = everyone(405) | {"anonymous": 403}

MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "home": (no_kwargs, everyone(200)),
    "healthz": (no_kwargs, everyone(200)),
    "inbox_count": (no_kwargs, everyone(200)),
    "set_language": (no_kwargs, everyone(302)),  # GET only redirects; switching is a POST
    "login": (no_kwargs, everyone(200)),
    "logout": (no_kwargs, everyone(405)),  # POST only
    "password_change": (no_kwargs, logged_in(200)),
    "password_change_done": (no_kwargs, logged_in(200)),
    "password_reset": (no_kwargs, everyone(200)),
    "password_reset_done": (no_kwargs, everyone(200)),
    "password_reset_confirm": (
        lambda p: {"uidb64": "MQ", "token": "bad-token"},
        everyone(200),  # the "link no longer valid" page
    ),
    "password_reset_complete": (no_kwargs, everyone(200)),
    "authority_list": (no_kwargs, logged_in(200)),
    # The audit review: administrators (each of his own authority's entries), 404 for others.
    "audit_review": (
        no_kwargs,
        logged_in(404) | {"authority_admin": 200, "outsider_admin": 200, "site_admin": 200},
    ),
    "access_review": (
        no_kwargs,
        logged_in(404) | {"authority_admin": 200, "outsider_admin": 200, "site_admin": 200},
    ),
    "authority_detail": (lambda p: {"code": p.authority_a.code}, authority_a(200)),
    "member_create": (
        lambda p: {"code": p.authority_a.code},
        authority_a(403, authority_admin=200, site_admin=200),
    ),
    "member_detail": (
        lambda p: {"code": p.authority_a.code, "public_id": p.officer.public_id},
        authority_a(200),
    ),
    "iccs_index": (no_kwargs, everyone(200)),
    "iccs_category": (lambda p: {"code": "0101"}, everyone(200)),
    "iccs_children": (lambda p: {"code": "01"}, everyone(200)),
    "directory_index": (no_kwargs, everyone(200)),
    "profile_detail": (lambda p: french_profile(p), everyone(200)),
    "profile_edit": (lambda p: french_profile(p), profile_editors()),
    "authority_create": (lambda p: french_profile(p), profile_editors()),
    "authority_edit": (lambda p: french_profile(p, slug="bepi"), profile_editors()),
    "authority_delete": (lambda p: french_profile(p, slug="bepi"), logged_in(405)),  # POST
    "measure_edit": (lambda p: french_profile(p, measure="bank_records"), profile_editors()),
    "profile_history": (lambda p: french_profile(p), logged_in(200)),
    "profile_version": (lambda p: french_profile(p, number=1), logged_in(200)),
    "profile_export_json": (lambda p: french_profile(p), logged_in(200)),
    "profile_export_csv": (lambda p: french_profile(p, part="measures"), logged_in(200)),
    "profile_import": (lambda p: french_profile(p), profile_editors()),
    "treaty_list": (no_kwargs, everyone(200)),
    "treaty_detail": (lambda p: {"code": "untoc"}, everyone(200)),
    # The text of an article (public); adding or replacing one: site administrators only.
    "treaty_article": (an_article_text, everyone(200)),
    "treaty_article_text_edit": (an_article_text, logged_in(403) | {"site_admin": 200}),
    # Administrators add treaties their own state is party to; site administrators any.
    "treaty_create": (no_kwargs, profile_editors() | {"outsider_admin": 200}),
    # Importing an updated UN status list: site administrators only.
    "treaty_import": (no_kwargs, logged_in(403) | {"site_admin": 200}),
    "treaty_import_detail": (lambda p: {"pk": 999999}, logged_in(403) | {"site_admin": 404}),
    "legal_basis": (no_kwargs, everyone(200)),
    "api:api-root": (no_kwargs, everyone(404)),
    "api:openapi-json": (no_kwargs, everyone(200)),
    "api:openapi-view": (no_kwargs, everyone(200)),
    "api:legal_basis": (no_kwargs, everyone(422)),  # the required parameters are missing
    "api:treaty_article_text": (an_article_text, everyone(200)),
    "api:instrument_participation": (lambda p: {"code": "untoc"}, everyone(200)),
    "api:dual_criminality": (no_kwargs, everyone(422)),  # requesting and requested missing
    "admin:index": (no_kwargs, logged_in(302) | {"site_admin": 200}),
    "case_list": (no_kwargs, logged_in(200)),
    "case_export": (lambda p: {"fmt": "csv"}, OWN_CASEWORK),
    # A large export is its requester's alone (what it holds depends on who asked).
    "case_export_status": (an_export, logged_in(404) | {"officer": 200}),
    "case_export_download": (an_export, logged_in(404) | {"officer": 200}),
    "case_register": (
        lambda p: {"direction": "incoming"},
        OWN_CASEWORK | {"supervisor": 403},
    ),
    "case_detail": (a_case, CASE_READERS),
    "case_edit": (a_case, CASE_WRITERS),
    # Asset recovery (decision 0037): assets follow their request's access.
    "asset_list": (no_kwargs, OWN_CASEWORK),
    "asset_rate_add": (no_kwargs, POST_ONLY),
    "enquiry_list": (no_kwargs, OWN_CASEWORK),
    "enquiry_answer": (lambda p: {"enquiry_id": NO_SUCH_ID}, POST_ONLY),
    "asset_add": (a_case, CASE_WRITERS),
    "asset_detail": (an_asset, CASE_READERS),
    "asset_step": (an_asset, POST_ONLY),
    "asset_edit": (an_asset, CASE_WRITERS),
    "case_transition": (a_case, POST_ONLY),
    "case_assign": (a_case, POST_ONLY),
    "case_offence_add": (a_case, POST_ONLY),
    "case_offence_remove": (lambda p: a_case(p, offence_id=None), POST_ONLY),
    "case_person_add": (a_case, POST_ONLY),
    "case_person_remove": (lambda p: a_case(p, person_id=None), POST_ONLY),
    "case_measure_add": (a_case, POST_ONLY),
    "case_measure_status": (lambda p: a_case(p, measure_id=None), POST_ONLY),
    "case_measure_deadline": (lambda p: a_case(p, measure_id=None), POST_ONLY),
    "case_link": (a_case, POST_ONLY),
    "case_follow_up_add": (a_case, POST_ONLY),
    "case_follow_up_answer": (lambda p: a_case(p, follow_up_id=None), POST_ONLY),
    "case_document_add": (a_case, POST_ONLY),
    "case_document_version_add": (lambda p: a_case(p, document_id=None), POST_ONLY),
    "case_document_download": (lambda p: a_case(p, document_id=None, number=1), CASE_READERS),
    "case_upload_start": (a_case, POST_ONLY),
    "case_upload": (an_upload, CASE_READERS),  # GET: status; PUT (a chunk) is the uploader's
    "case_upload_complete": (an_upload, POST_ONLY),
    "case_overdue": (no_kwargs, logged_in(200)),
    "case_settings": (no_kwargs, OWN_CASEWORK),
    "case_holiday_add": (no_kwargs, POST_ONLY),
    "case_holiday_remove": (a_holiday, POST_ONLY),
    "case_dashboard": (no_kwargs, logged_in(200)),
    "case_reminders": (no_kwargs, logged_in(200)),
    # Statistics: every member of an authority reads its own; no authority, nothing (0038).
    "statistics": (no_kwargs, logged_in(200) | {"site_admin": 403}),
    "statistics_csv": (no_kwargs, logged_in(200) | {"site_admin": 403}),
    "statistics_xlsx": (no_kwargs, logged_in(200) | {"site_admin": 403}),
    # SDMX and the public statistics page (decision 0042): the structure is published, the
    # public page open to anyone once A chooses; supervisors and administrators choose.
    "statistics_sdmx_structure": (no_kwargs, everyone(200)),
    "statistics_sdmx_csv": (no_kwargs, logged_in(200) | {"site_admin": 403}),
    "public_statistics_settings": (
        no_kwargs,
        logged_in(403) | {"supervisor": 200, "authority_admin": 200, "outsider_admin": 200},
    ),
    "public_statistics": (a_publishing, everyone(200)),
    "public_statistics_csv": (a_publishing, everyone(200)),
    "public_statistics_sdmx": (a_publishing, everyone(200)),
    # Reports (decision 0041): members of the authority read them; "mark as sent" is a POST.
    "reports": (no_kwargs, logged_in(200) | {"site_admin": 403}),
    "report_run": (a_report, authority_a(200, site_admin=403)),
    "report_run_file": (
        lambda p: a_report(p) | {"kind": "pdf"},
        authority_a(200, site_admin=403),
    ),
    "report_mark_sent": (a_report, POST_ONLY),
    "report_snapshot": (lambda p: a_report(p, sent=True), authority_a(200, site_admin=403)),
    "report_snapshot_file": (
        lambda p: a_report(p, sent=True) | {"kind": "pdf"},
        authority_a(200, site_admin=403),
    ),
    "statistics_hub": (no_kwargs, logged_in(200) | {"site_admin": 403}),
    "statistics_hub_consent": (no_kwargs, POST_ONLY),
    # The hub's downloads: members of authorities taking part (A here) only.
    "statistics_hub_csv": (a_hub_member, authority_a(200, 403, site_admin=403)),
    "statistics_hub_xlsx": (a_hub_member, authority_a(200, 403, site_admin=403)),
    # Reassigning an absent officer's requests: the supervisors' page (decision 0026).
    "case_reassign": (no_kwargs, logged_in(403) | {"supervisor": 200}),
    "case_reminders_read_all": (no_kwargs, POST_ONLY),
    "case_reminder_read": (lambda p: {"reminder_id": 1}, POST_ONLY),
    # One's own account security (decision 0018). The second-factor step sends back whoever
    # has nothing to verify (test sessions are verified).
    "account_security": (no_kwargs, logged_in(200)),
    "account_notifications": (no_kwargs, logged_in(200)),
    "mfa_verify": (no_kwargs, logged_in(302)),
    "mfa_enrol": (no_kwargs, logged_in(200)),
    "mfa_totp_setup": (no_kwargs, logged_in(200)),
    "mfa_recovery_codes": (no_kwargs, logged_in(302)),  # shows new codes once, else back
    "mfa_webauthn_done": (no_kwargs, logged_in(302)),
    "mfa_device_remove": (no_kwargs, POST_ONLY),
    "session_list": (no_kwargs, logged_in(200)),
    "email_change": (no_kwargs, logged_in(200)),
    "email_change_confirm": (lambda p: {"token": "not-a-token"}, logged_in(400)),
    "authority_mfa": (lambda p: {"code": p.authority_a.code}, POST_ONLY),
    "member_reset_mfa": (
        lambda p: {"code": p.authority_a.code, "public_id": p.officer.public_id},
        POST_ONLY,
    ),
    "member_send_password_reset": (
        lambda p: {"code": p.authority_a.code, "public_id": p.officer.public_id},
        POST_ONLY,
    ),
    # django-otp-webauthn's ceremonies are JSON POSTs of a signed-in user (no passwordless
    # sign-in: 403 without a session); its script catalogue is public.
    "otp_webauthn:credential-registration-begin": (no_kwargs, WEBAUTHN_CALL),
    "otp_webauthn:credential-registration-complete": (no_kwargs, WEBAUTHN_CALL),
    "otp_webauthn:credential-authentication-begin": (no_kwargs, WEBAUTHN_CALL),
    "otp_webauthn:credential-authentication-complete": (no_kwargs, WEBAUTHN_CALL),
    "otp_webauthn:js-i18n-catalog": (no_kwargs, everyone(200)),
    "token_list": (no_kwargs, OWN_CASEWORK),
    "token_create": (no_kwargs, OWN_CASEWORK),
    "token_revoke": (lambda p: {"public_id": NO_SUCH_ID}, POST_ONLY),
    "member_unlock": (
        lambda p: {"code": p.authority_a.code, "public_id": p.officer.public_id},
        POST_ONLY,
    ),
    # The cases API takes tokens only, never the session: 401 for everyone here (its own
    # tests cover tokens of each role).
    "api:case_list": (no_kwargs, everyone(401)),
    "api:case_create": (no_kwargs, everyone(401)),  # same URL as api:case_list
    "api:case_detail": (lambda p: {"public_id": NO_SUCH_ID}, everyone(401)),
    "api:case_transition": (lambda p: {"public_id": NO_SUCH_ID}, everyone(405)),  # POST
    "drafting_writer": (a_draft, CASE_READERS),
    "drafting_measure_details": (lambda p: a_draft(p, measure_id=None), CASE_WRITERS),
    "drafting_finalise": (a_draft, POST_ONLY),
    "drafting_settings": (a_draft, POST_ONLY),
    "drafting_approve": (lambda p: a_draft(p) | {"number": 1}, POST_ONLY),
    "drafting_return": (lambda p: a_draft(p) | {"number": 1}, POST_ONLY),
    "drafting_send": (lambda p: a_draft(p) | {"number": 1}, POST_ONLY),
    # No version finalised yet: 404 for everyone (downloads are tested in drafting's tests).
    "drafting_download": (lambda p: a_draft(p, number=1), logged_in(404)),
    "drafting_start": (no_kwargs, OWN_CASEWORK | {"supervisor": 403}),
    "drafting_import": (no_kwargs, OWN_CASEWORK | {"supervisor": 403}),
    "drafting_step": (lambda p: a_draft(p) | {"step": "facts"}, CASE_WRITERS),
    # Delegations of approval: supervisors only (decision 0026).
    "drafting_delegations": (no_kwargs, logged_in(403) | {"supervisor": 200}),
    "drafting_delegation_revoke": (lambda p: {"delegation_id": NO_SUCH_ID}, POST_ONLY),
    # Previewing and the requirements panel are reading: any reader of the case.
    "drafting_preview": (a_draft, CASE_READERS),
    "drafting_measure_requirements": (a_draft, CASE_READERS),
    # No version finalised yet: 404 (the print view is tested in drafting's test_preview).
    "drafting_print": (lambda p: a_draft(p) | {"number": 1}, logged_in(404)),
    "knowledge_search": (no_kwargs, everyone(200)),
    "knowledge_document": (a_knowledge_document, everyone(200)),
    "knowledge_cited_by": (a_knowledge_document, everyone(200)),
    "knowledge_document_akn": (a_knowledge_document, everyone(200)),
    "knowledge_import": (no_kwargs, site_admins()),
    "knowledge_doubtful": (no_kwargs, site_admins()),
    "knowledge_act_create": (no_kwargs, site_admins()),
    "knowledge_act_edit": (an_act, site_admins()),
    "knowledge_judgment_create": (no_kwargs, site_admins()),
    "knowledge_judgment_edit": (a_judgment, site_admins()),
    "knowledge_un_correct": (a_knowledge_document, site_admins()),
    "knowledge_document_delete": (an_act, POST_ONLY),
    "api:knowledge_search": (no_kwargs, everyone(200)),  # no query: no results
    "api:knowledge_document": (a_knowledge_document, everyone(200)),
    "api:knowledge_cited_by": (a_knowledge_document, everyone(200)),
    # The exchange endpoint is for other nodes (no session): POST only, JSON answers, and a
    # part nobody announced is 404 for everyone.
    "exchange_endpoint_messages": (a_node, everyone(405)),
    "exchange_endpoint_batch": (a_node, everyone(405)),
    "exchange_endpoint_part_status": (a_part, everyone(404)),
    "exchange_endpoint_part": (lambda p: a_part(p, index=0), everyone(404)),
    "exchange_endpoint_evidences": (a_node, everyone(405)),
    "exchange_descriptor": (a_node, everyone(200)),  # public keys only
    # Each authority's own mailbox; a site administrator has none.
    "exchange_inbox": (a_node, logged_in(200) | {"site_admin": 404}),
    "exchange_import": (no_kwargs, POST_ONLY),
    "exchange_message": (an_exchange_message, CASE_READERS),
    "exchange_message_register": (an_exchange_message, POST_ONLY),
    "exchange_message_file_held": (an_exchange_message, POST_ONLY),
    "exchange_message_bundle": (an_exchange_message, CASE_READERS),
    "exchange_message_export": (an_exchange_message, CASE_WRITERS),
    "exchange_partners": (a_node, site_admins()),
    "exchange_partner_import": (no_kwargs, POST_ONLY),
    "exchange_partner_pin": (lambda p: {"node_id": "hub-node"}, POST_ONLY),
    "exchange_partner_revoke": (lambda p: {"node_id": "hub-node"}, POST_ONLY),
    "exchange_case_send_request": (a_draft, POST_ONLY),
    "exchange_case_send": (a_draft, POST_ONLY),
}


def url_names(patterns: list[Any] | None = None, namespace: str = "") -> Iterator[str]:
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            if inner in FOREIGN_NAMESPACES:
                continue
            prefix = f"{namespace}{inner}:" if inner else namespace
            yield from url_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern):
            if pattern.name is None:
                raise AssertionError(f"URL pattern {pattern.pattern} has no name")
            yield namespace + pattern.name


def test_every_url_pattern_is_in_the_matrix() -> None:
    names = set(url_names())
    missing = names - MATRIX.keys()
    assert not missing, f"add these URL names to MATRIX: {sorted(missing)}"
    stale = MATRIX.keys() - names - {f"{ns}:index" for ns in FOREIGN_NAMESPACES}
    assert not stale, f"MATRIX names URLs that no longer exist: {sorted(stale)}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_url_matrix(client: Client, personas: Personas, role: str) -> None:
    if role != "anonymous":
        client.force_login(getattr(personas, role))
    failures = []
    for name, (kwargs, expected) in MATRIX.items():
        url = reverse(name, kwargs=kwargs(personas))
        status = client.get(url).status_code
        if status != expected[role]:
            failures.append(f"{name} {url}: got {status}, expected {expected[role]}")
    assert not failures, f"as {role}:\n" + "\n".join(failures)
