"""Finalise, approve and send a drafted request. Each action is audited like casework.

* ``do_finalise`` checks the draft against the completeness rules (an error blocks), builds the
  request document in the chosen language, renders DOCX and PDF, and keeps all three as a new
  ``RequestVersion``; earlier versions not yet approved are superseded.
* ``do_approve`` is a supervisor's: the latest finalised version becomes the approved one,
  with an optional comment. A version submitted to one supervisor is decided by him or by a
  supervisor he delegated approval to (``delegations.py``, decision 0026). Approval binds
  the request document (its JSON and checksum): the files of a finalised version are marked
  as a draft on every page; approving renders the
  final files again from the same JSON with the approval line (who, when), and those are the
  files that are downloaded and sent (decision 0017, "what approval binds").
* ``do_return`` is the supervisor's other answer: the version goes back to its drafter with
  remarks, and the draft is open again.
* ``do_send`` records the approved version as sent, by whom, and moves the case to *sent*.

Each step is a line in the case's history (``EventKind.APPROVAL``) and an audit entry.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rogatory.accounts.models import Authority, Role, User
from rogatory.audit.actions import record
from rogatory.cases.actions import PERSON_FIELDS, do_register_case, do_transition
from rogatory.cases.actions import _event as case_event
from rogatory.cases.choices import Direction, EventKind, Status
from rogatory.cases.lifecycle import TransitionRefused
from rogatory.cases.models import Case
from rogatory.cases.validation import CaseContent, ContentRefused, Problem, clean_case_content
from rogatory.lib import safejson, uploads
from rogatory.lib.validators import InputRefused, model_value_problems

from .delegations import decider, to_notify_on_finalise
from .document import UN_LANGUAGES, DocumentError, load_document
from .models import Draft, RequestVersion

# Largest rendered file kept (a request with long annex lists stays far below).
MAX_RENDERED_SIZE = 20 * 1024 * 1024


class DraftNotReady(Exception):
    """Finalising refused: ``findings`` are the completeness errors, ``message`` says why."""

    def __init__(self, message: str, findings: list[Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.findings = findings or []


def accepted_languages(case: Case) -> list[str]:
    """UN languages the requested state accepts for this request (may be empty): the languages
    its profile accepts for every request and for the chosen legal basis."""
    from .completeness import profile_context

    accepted = profile_context(case).accepted_languages or ()
    return [code for code in UN_LANGUAGES if code in accepted]


def draft_options(case: Case) -> dict[str, Any]:
    """What the writer's own settings add to the document (written-in language, formalities,
    signatory); nothing when they were never saved."""
    draft = Draft.objects.filter(case=case).first()
    return draft.build_options() if draft is not None else {}


def checked_options(case: Case, *, default_written_in: str) -> dict[str, Any]:
    """The writer's settings as the checklist uses them.

    A draft whose settings were never saved is taken as written in ``default_written_in`` (the
    user's language, which the settings panel shows): without it the document said "written in"
    the request's own language, so the translation check stayed silent until the collapsed
    settings panel was opened and saved.
    """
    options = draft_options(case)
    options.setdefault("written_in", default_written_in)
    return options


DRAFT_FIELDS = (
    "written_in",
    "translation_certified",
    "legalised",
    "undertakings",
    "signatory_name",
    "signatory_title",
    "contact_name",
    "contact_phone",
    "contact_email",
)


@transaction.atomic
def do_save_draft(case: Case, fields: dict[str, Any], *, acting_user: User) -> Draft:
    """Save the writer's settings of a draft; audited with what changed."""
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise ValueError(f"not draft fields: {sorted(unknown)}")
    draft, _created = Draft.objects.get_or_create(case=case, defaults={"written_in": "en"})
    changed = {
        name: [getattr(draft, name), value]
        for name, value in fields.items()
        if getattr(draft, name) != value
    }
    for name, value in fields.items():
        setattr(draft, name, value)
    draft.save()
    if changed:
        _audit(case, "draft_settings", acting_user, changes=changed)
    return draft


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _store(case: Case, data: bytes, name: str) -> uploads.StoredFile:
    return uploads.store_upload(
        io.BytesIO(data),
        directory=f"{settings.MEDIA_ROOT}/requests/{case.authority_id}",
        original_name=name,
        max_size=MAX_RENDERED_SIZE,
    )


def _audit(case: Case, verb: str, acting_user: User, **details: Any) -> None:
    record(
        f"request.{verb}",
        acting_user=acting_user,
        authority_id=case.authority_id,
        object_type="case",
        object_ref=str(case.public_id),
        details=details,
    )


def do_finalise(
    case: Case,
    *,
    language: str,
    acting_user: User,
    addressed_to: User | None = None,
    site_url: str = "",
) -> RequestVersion:
    """Make a new finalised version of a draft, submitted for approval to ``addressed_to`` (a
    supervisor of the authority other than the drafter) or to any supervisor; or raise
    DraftNotReady saying why not."""
    from .completeness import can_finalise, check_case
    from .document import build_document
    from .render.docx import render_docx
    from .render.pdf import render_pdf

    if case.direction != Direction.OUTGOING or case.status != Status.DRAFT:
        raise DraftNotReady(_("Only a draft outgoing request can be finalised."))
    if language not in UN_LANGUAGES:
        raise DraftNotReady(_("Choose one of the six UN languages for the request."))
    if addressed_to is not None and (
        addressed_to.pk == acting_user.pk
        or addressed_to.role != Role.SUPERVISOR
        or addressed_to.authority_id != case.authority_id
        or not addressed_to.is_active
    ):
        raise DraftNotReady(
            _("Submit the request to an active supervisor of your authority other than you.")
        )
    options = draft_options(case)
    findings = check_case(case, language, **options)
    if not can_finalise(findings):
        raise DraftNotReady(
            _("The request cannot be finalised while the checklist shows errors."), findings
        )
    options.setdefault(
        "signatory",
        {"name": acting_user.get_full_name() or acting_user.get_username(), "title": ""},
    )
    document = build_document(case, language=language, **options)
    docx_bytes = render_docx(document)
    pdf_bytes = render_pdf(document)
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False).encode()
    stored: list[str] = []
    try:
        with transaction.atomic():
            Case.objects.select_for_update().filter(pk=case.pk).first()
            last = case.request_versions.order_by("-number").values_list("number", flat=True)
            number = (last.first() or 0) + 1
            base = f"{case.our_reference}-v{number}-{language}"
            docx_file = _store(case, docx_bytes, f"{base}.docx")
            stored.append(docx_file.relative_path)
            pdf_file = _store(case, pdf_bytes, f"{base}.pdf")
            stored.append(pdf_file.relative_path)
            case.request_versions.filter(status=RequestVersion.Status.FINALISED).update(
                status=RequestVersion.Status.SUPERSEDED
            )
            version = RequestVersion.objects.create(
                case=case,
                number=number,
                language=language,
                document=document,
                document_sha256=_sha256(canonical),
                docx_path=docx_file.relative_path,
                docx_sha256=docx_file.sha256,
                pdf_path=pdf_file.relative_path,
                pdf_sha256=pdf_file.sha256,
                finalised_by_id=acting_user.pk,
                finalised_by_name=acting_user.get_username(),
                addressed_to=addressed_to,
            )
            _history(case, version, "finalised", acting_user)
            recipients = to_notify_on_finalise(addressed_to, case.authority_id, acting_user)
            _notify(case, version, "finalised", recipients, site_url=site_url)
            _audit(
                case,
                "finalised",
                acting_user,
                version=number,
                language=language,
                sha256=version.document_sha256,
                addressed_to=addressed_to.get_username() if addressed_to else "",
            )
    except BaseException:
        for path in stored:
            uploads.delete_stored(path)
        raise
    return version


def _history(
    case: Case,
    version: RequestVersion,
    step: str,
    acting_user: User,
    text: str = "",
    on_behalf_of: str = "",
) -> None:
    """The line of the case's history for one step of a version's approval (``on_behalf_of``:
    the supervisor a delegate decided for)."""
    details = {"version": version.number, "step": step, "language": version.language}
    if on_behalf_of:
        details |= {"by": acting_user.get_username(), "on_behalf_of": on_behalf_of}
    case_event(case, EventKind.APPROVAL, acting_user, reason=text, details=details)


def _notify(
    case: Case,
    version: RequestVersion,
    step: str,
    people: Any,
    *,
    text: str = "",
    site_url: str = "",
) -> None:
    """Tell ``people`` of a step of the approval as each chose (rogatory.notifications): an
    e-mail in their language after the transaction commits, their digest, or the inbox only."""
    from django.urls import reverse

    from rogatory.notifications.models import Event
    from rogatory.notifications.notify import notify

    event = {
        "finalised": Event.APPROVAL_REQUESTED,
        "returned": Event.RETURNED,
        "approved": Event.APPROVED,
    }[step]
    link = reverse("drafting_writer", args=[case.public_id])
    for person in people:
        notify(
            person,
            event,
            case=case,
            params={"number": version.number},
            text=text,
            link=link,
            site_url=site_url,
        )


def _supervisor_check(
    version: RequestVersion, acting_user: User
) -> tuple[RequestVersion, User | None]:
    """The version locked, and the supervisor ``acting_user`` decides for (his delegator, or
    None), when he may decide on it now; refused otherwise."""
    case = version.case
    if acting_user.role != Role.SUPERVISOR or acting_user.authority_id != case.authority_id:
        raise PermissionError("Only a supervisor of the authority approves a request.")
    locked = (
        RequestVersion.objects.select_for_update(of=("self",))
        .select_related("addressed_to")
        .get(pk=version.pk)
    )
    locked.case = case
    if locked.status != RequestVersion.Status.FINALISED:
        raise DraftNotReady(_("Only a version awaiting approval can be approved or returned."))
    if locked.finalised_by_id == acting_user.pk:
        raise DraftNotReady(_("A request is approved by another supervisor than its drafter."))
    decided = decider(locked, acting_user)
    if not decided.allowed:
        raise DraftNotReady(
            _(
                "This version was submitted to %(name)s: only he or she, or a supervisor "
                "holding his or her delegation for today, approves or returns it."
            )
            % {"name": _name(locked.addressed_to)}
        )
    return locked, decided.on_behalf_of


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def approval_of(version: RequestVersion) -> Any:
    """The approval line of an approved (or sent) version as its final files print it — who,
    on whose behalf when a delegate approved, and when —, or None for a version not approved:
    what the print view shows must be what the DOCX and PDF say."""
    from .render.outline import Approval

    if version.approved_at is None:
        return None
    people = {
        u.pk: u
        for u in User.objects.filter(
            Q(pk=version.approved_by_id)
            | Q(username=version.approved_for_name, authority_id=version.case.authority_id)
        )
    }
    approver = people.get(version.approved_by_id)
    principal = next(
        (u for u in people.values() if u.get_username() == version.approved_for_name), None
    )
    return Approval(
        name=_name(approver) or version.approved_by_name,
        day=timezone.localdate(version.approved_at),
        on_behalf_of=_name(principal) or version.approved_for_name,
    )


def do_approve(
    version: RequestVersion, *, acting_user: User, comment: str = "", site_url: str = ""
) -> RequestVersion:
    """A supervisor of the authority approves the latest finalised version: its final files
    are rendered from the same request document with the approval line, and replace the
    draft-marked ones."""
    from .render.docx import render_docx
    from .render.outline import Approval
    from .render.pdf import render_pdf

    case = version.case
    now = timezone.now()
    # Who the line names is decided before rendering, and checked again under the lock.
    on_behalf_of = decider(version, acting_user).on_behalf_of
    approval = Approval(
        name=_name(acting_user), day=timezone.localdate(now), on_behalf_of=_name(on_behalf_of)
    )
    # Rendered before the transaction (a second or two of CPU), checked inside it.
    docx_bytes = render_docx(version.document, approval)
    pdf_bytes = render_pdf(version.document, approval)
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked, principal = _supervisor_check(version, acting_user)
            if principal != on_behalf_of:
                raise DraftNotReady(_("The delegation changed meanwhile: approve again."))
            base = f"{case.our_reference}-v{locked.number}-{locked.language}-approved"
            docx_file = _store(case, docx_bytes, f"{base}.docx")
            stored.append(docx_file.relative_path)
            pdf_file = _store(case, pdf_bytes, f"{base}.pdf")
            stored.append(pdf_file.relative_path)
            drafts = [locked.docx_path, locked.pdf_path]
            locked.status = RequestVersion.Status.APPROVED
            locked.approved_at = now
            locked.approved_by_id = acting_user.pk
            locked.approved_by_name = acting_user.get_username()
            locked.approved_for_name = principal.get_username() if principal else ""
            locked.approval_comment = comment.strip()
            locked.docx_path, locked.docx_sha256 = docx_file.relative_path, docx_file.sha256
            locked.pdf_path, locked.pdf_sha256 = pdf_file.relative_path, pdf_file.sha256
            locked.save(
                update_fields=[
                    "status",
                    "approved_at",
                    "approved_by_id",
                    "approved_by_name",
                    "approved_for_name",
                    "approval_comment",
                    "docx_path",
                    "docx_sha256",
                    "pdf_path",
                    "pdf_sha256",
                ]
            )
            _history(
                case,
                locked,
                "approved",
                acting_user,
                locked.approval_comment,
                on_behalf_of=locked.approved_for_name,
            )
            _notify(
                case,
                locked,
                "approved",
                list(User.objects.filter(pk=locked.finalised_by_id)),
                text=locked.approval_comment,
                site_url=site_url,
            )
            _audit(
                case,
                "approved",
                acting_user,
                version=locked.number,
                sha256=locked.document_sha256,
                docx_sha256=locked.docx_sha256,
                pdf_sha256=locked.pdf_sha256,
                comment=locked.approval_comment,
                on_behalf_of=locked.approved_for_name,
            )

            # The draft-marked files are of no further use once the final ones are kept.
            def forget_drafts() -> None:
                for path in drafts:
                    uploads.delete_stored(path)

            transaction.on_commit(forget_drafts)
    except BaseException:
        for path in stored:
            uploads.delete_stored(path)
        raise
    return locked


@transaction.atomic
def do_return(
    version: RequestVersion, *, acting_user: User, remarks: str, site_url: str = ""
) -> RequestVersion:
    """A supervisor sends the version back to its drafter with remarks; the draft is open
    again and the writer shows the remarks until the next version is finalised."""
    remarks = remarks.strip()
    if not remarks:
        raise DraftNotReady(_("Say what must change before the request can be approved."))
    locked, principal = _supervisor_check(version, acting_user)
    on_behalf_of = principal.get_username() if principal else ""
    locked.status = RequestVersion.Status.RETURNED
    locked.returned_at = timezone.now()
    locked.returned_by_id = acting_user.pk
    locked.returned_by_name = acting_user.get_username()
    locked.remarks = remarks
    locked.save(
        update_fields=["status", "returned_at", "returned_by_id", "returned_by_name", "remarks"]
    )
    _history(version.case, locked, "returned", acting_user, remarks, on_behalf_of=on_behalf_of)
    _notify(
        version.case,
        locked,
        "returned",
        list(User.objects.filter(pk=locked.finalised_by_id)),
        text=remarks,
        site_url=site_url,
    )
    _audit(
        version.case,
        "returned",
        acting_user,
        version=locked.number,
        remarks=remarks,
        on_behalf_of=on_behalf_of,
    )
    return locked


@transaction.atomic
def do_send(version: RequestVersion, *, acting_user: User) -> RequestVersion:
    """Record the approved version as the one sent, by whom, and the case as sent."""
    locked = RequestVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != RequestVersion.Status.APPROVED:
        raise TransitionRefused(_("Only the approved version can be sent."))
    do_transition(locked.case, "send", acting_user=acting_user)
    locked.status = RequestVersion.Status.SENT
    locked.sent_at = timezone.now()
    locked.sent_by_id = acting_user.pk
    locked.sent_by_name = acting_user.get_username()
    locked.save(update_fields=["status", "sent_at", "sent_by_id", "sent_by_name"])
    _history(locked.case, locked, "sent", acting_user)
    _audit(locked.case, "sent", acting_user, version=locked.number)
    return locked


def approved_version_guard(case: Case) -> str | None:
    """Once the writer was used for a draft, only its approved version may be sent."""
    versions = RequestVersion.objects.filter(case=case)
    if versions.exists() and not versions.filter(status=RequestVersion.Status.APPROVED).exists():
        return _("A supervisor must approve the finalised request before it is sent.")
    return None


# Importing a request document --------------------------------------------------------------

MAX_IMPORT_BYTES = 2 * 1024 * 1024

# Where each field of a case comes from in a request document (the others have the same name).
DOCUMENT_PATHS = {
    "our_reference": "reference/ours",
    "their_reference": "reference/theirs",
    "requesting_state": "requesting/state",
    "requested_state": "requested/state",
    "requested_authority_name": "requested/authority",
    "requesting_authority_name": "requesting/authority",
    "conducting_authority": "requesting/conducting_authority",
    "legal_basis": "legal_basis/instrument",
    "legal_basis_article": "legal_basis/article",
    "legal_basis_note": "legal_basis/note",
    "legal_basis_as_of": "legal_basis/as_of",
    "requested_deadline": "deadline",
    "written_in": "written_in",
    "undertakings": "formalities/undertakings",
    "signatory_name": "signatory/name",
    "signatory_title": "signatory/title",
    "contact_name": "contact/name",
    "contact_phone": "contact/phone",
    "contact_email": "contact/email",
}


def read_request_document(raw: bytes) -> Any:
    """The JSON of an uploaded request document, read within size and depth limits
    (``lib.safejson``); ``DocumentError`` says what is wrong before anything is parsed."""
    try:
        return safejson.loads(raw, max_bytes=MAX_IMPORT_BYTES)
    except InputRefused as refused:
        raise DocumentError([refused.message]) from None


def _document_path(problem: Problem) -> str:
    first, *rest = problem.path
    where = "/".join([DOCUMENT_PATHS.get(str(first), str(first)), *map(str, rest)])
    return f"{where}: {problem.message}"


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _import_problems(authority: Authority, document: dict[str, Any]) -> list[str]:
    """What in a valid document cannot become a draft of ``authority``, each with its path."""
    problems = []
    requesting = document["requesting"]["state"]
    if requesting and requesting != authority.state_id:
        problems.append(
            _("requesting/state: the request is made by %(state)s, not by your state.")
            % {"state": requesting}
        )
    requested = document["requested"]["state"]
    if requested == authority.state_id:
        problems.append(_("requested/state: a request goes to another state."))
    return problems


def _content(document: dict[str, Any]) -> CaseContent:
    """The parts of a (schema-valid) request document that are the same whichever side
    registers it, with codes as codes (not yet checked)."""
    basis = document["legal_basis"] or {}
    fields: dict[str, Any] = {
        "kind": document["kind"],
        "subject": document["subject"],
        "summary_of_facts": document["summary_of_facts"],
        "purpose": document["purpose"],
        "procedure": document["procedure"],
        "conducting_authority": document["requesting"]["conducting_authority"],
        "urgency": document["urgency"],
        "confidentiality": document["confidentiality"],
        "legal_basis": basis.get("instrument") or None,
        "legal_basis_article": basis.get("article", ""),
        "legal_basis_note": basis.get("note", ""),
        "legal_basis_as_of": _day(basis.get("as_of")),
        "requested_deadline": _day(document["deadline"]),
    }
    return CaseContent(
        fields=fields,
        offences=[
            {
                "national_name": o["national_name"],
                "national_provision": o["national_provision"],
                "iccs_id": o["iccs"] or None,
                "max_penalty": o.get("max_penalty") or None,
            }
            for o in document["offences"]
        ],
        persons=[
            {name: p[name] for name in PERSON_FIELDS if name not in ("nationality",)}
            | {
                "nationality_id": p["nationality"] or None,
                "date_of_birth": _day(p["date_of_birth"]),
            }
            for p in document["persons"]
        ],
        measures=[
            {"kind": m["kind"], "description": m["description"], "details": m["details"]}
            for m in document["measures"]
        ],
    )


def _checked(content: CaseContent) -> CaseContent:
    """``clean_case_content`` (the check the API makes too), its problems as document paths."""
    try:
        return clean_case_content(content)
    except ContentRefused as refused:
        raise DocumentError([_document_path(p) for p in refused.problems]) from None


def reference_problems(document: dict[str, Any]) -> list[str]:
    """What in a (schema-valid) request document cannot go into a case — states, treaty or
    ICCS codes our reference data does not know, text too long for its column or with control
    characters, implausible dates —, each with its path: checked before a document becomes a
    case, whether imported here or received from another state."""
    content = _content(document)
    content.fields |= {
        "requesting_state_id": document["requesting"]["state"] or None,
        "requested_state_id": document["requested"]["state"] or None,
        # What the requested side registers as the requesting authority (exchange filing).
        "requesting_authority_name": document["requesting"]["authority"],
    }
    try:
        _checked(content)
    except DocumentError as refused:
        return refused.problems
    return []


def case_content(document: dict[str, Any]) -> CaseContent:
    """The parts of a (validated) request document that are the same whichever side registers
    it: an imported draft here, or the incoming request at the requested state; checked by
    ``clean_case_content`` (``DocumentError`` otherwise), the treaty as an ``Instrument``."""
    return _checked(_content(document))


def _draft_settings(document: dict[str, Any]) -> dict[str, Any]:
    formalities, signatory = document["formalities"], document["signatory"]
    return {
        "written_in": document["written_in"],
        "translation_certified": formalities["translation_certified"],
        "legalised": formalities["legalised"],
        "undertakings": formalities["undertakings"],
        "signatory_name": signatory["name"],
        "signatory_title": signatory["title"],
        "contact_name": document["contact"]["name"],
        "contact_phone": document["contact"]["phone"],
        "contact_email": document["contact"]["email"],
    }


def do_import_request_document(
    authority: Authority, data: Any, *, acting_user: User, source_name: str = ""
) -> Case:
    """A new outgoing draft of ``authority`` from a request document (our JSON format, as the
    writer exports it): case fields, offences, persons, measures with their details and the
    writer's settings. Annexes are listed in the document but their files are not in it: they
    are attached to the draft separately. Raises ``DocumentError`` with every problem, and then
    creates nothing."""
    document = load_document(data)
    content = _content(document)
    content.fields |= {
        "our_reference": document["reference"]["ours"],
        "their_reference": document["reference"]["theirs"],
        "requested_state_id": document["requested"]["state"],
        "requested_authority_name": document["requested"]["authority"],
    }
    draft_settings = _draft_settings(document)
    problems = _import_problems(authority, document)
    try:
        content = _checked(content)
    except DocumentError as refused:
        problems += refused.problems
    problems += [
        f"{DOCUMENT_PATHS.get(name, name)}: {message}"
        for name, message in model_value_problems(Draft, draft_settings)
    ]
    if problems:
        raise DocumentError(problems)
    ours = content.fields["our_reference"]
    if ours and Case.objects.filter(authority=authority, our_reference=ours).exists():
        content.fields["our_reference"] = ""  # taken by another of ours: a new reference
    with transaction.atomic():
        case = do_register_case(
            authority,
            direction=Direction.OUTGOING,
            fields=content.fields,
            acting_user=acting_user,
            offences=content.offences,
            persons=content.persons,
            measures=content.measures,
        )
        do_save_draft(case, draft_settings, acting_user=acting_user)
        _audit(
            case,
            "request_imported",
            acting_user,
            source=source_name[:200],
            annexes=len(document["annexes"]),
        )
    return case
