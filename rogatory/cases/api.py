"""``/api/v1/cases``: requests for cooperation as JSON, for a member's own authority.

Every call carries a personal API token (``Authorization: Bearer rgt_…``, made on the
"API tokens" page). The token acts as its user: it sees the user's authority's requests
only, and a read-only role (supervisor) cannot write. Another authority's request answers
404, like an absent one. Writes go through the same actions as the web pages, so they leave
the same history and audit entries.

Errors are JSON: ``{"detail": "…"}``, or for invalid input django-ninja's list of
``{"loc": [...], "msg": "…", "type": "…"}`` naming the faulty field.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import uuid
from typing import Annotated, Any, Literal

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import AuthorizationError, HttpError, ValidationError
from ninja.responses import Status as Reply
from pydantic import AfterValidator, Field, StringConstraints

from rogatory.accounts.models import Authority, Role, User
from rogatory.accounts.tokens import TokenAuth
from rogatory.audit.accesslog import log_access
from rogatory.audit.security import client_ip
from rogatory.lib.validators import date_problem
from rogatory.reference.models import IccsCategory, State

from .access import get_case_for_user
from .actions import do_register_case, do_transition
from .choices import (
    Channel,
    Confidentiality,
    CooperationKind,
    Direction,
    DocumentKind,
    EventKind,
    MeasureStatus,
    MeasureType,
    PersonRole,
    RefusalGround,
    Status,
    Urgency,
)
from .lifecycle import BY_NAME, TransitionRefused, available_transitions
from .models import Case
from .queries import CaseFilters, list_queryset
from .validation import CaseContent, ContentRefused, clean_case_content

EVENTS_SHOWN = 50

# A token with the scope cases:read (GET) or cases:write (the rest); see accounts/tokens.py.
router = Router(tags=["cases"], auth=TokenAuth("cases"))


def _user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    assert isinstance(user, User)
    return user


def _writer(request: HttpRequest) -> User:
    user = _user(request)
    if not user.can_write_cases:
        raise AuthorizationError(message=_("Your role can read requests but not change them."))
    return user


def _error(loc: list[str | int], message: str) -> dict[str, Any]:
    """One error in django-ninja's own format, so clients read every error the same way."""
    return {"loc": loc, "msg": message, "type": "value_error"}


# --- Output -------------------------------------------------------------------------------


class Message(Schema):
    detail: str


class CaseOut(Schema):
    id: uuid.UUID = Field(description="The request's identifier in URLs and the API")
    url: str
    our_reference: str
    their_reference: str
    direction: Direction
    kind: CooperationKind
    status: Status
    subject: str
    requesting_state: str = Field(description="ISO 3166-1 alpha-2 code")
    requested_state: str = Field(description="ISO 3166-1 alpha-2 code")
    counterpart_state: str = Field(description="The other state (ISO 3166-1 alpha-2)")
    officer: str | None = Field(description="Username of the responsible officer")
    urgency: Urgency
    confidentiality: Confidentiality
    channel: Channel
    received_on: datetime.date | None
    sent_on: datetime.date | None
    deadline: datetime.date | None
    overdue: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime


class CasePage(Schema):
    items: list[CaseOut]
    next: str | None = Field(
        description="Pass as ``cursor`` to get the next page; null on the last page"
    )


class OffenceOut(Schema):
    national_name: str
    national_provision: str
    iccs: str | None
    iccs_title: str | None


class PersonOut(Schema):
    id: uuid.UUID
    role: PersonRole
    is_legal_person: bool
    name: str
    other_names: str
    date_of_birth: datetime.date | None
    place_of_birth: str
    nationality: str | None
    identity_document: str
    location: str


class MeasureOut(Schema):
    id: uuid.UUID
    kind: MeasureType
    article: str
    description: str
    details: dict[str, Any]
    status: MeasureStatus
    deadline: datetime.date | None
    executed_on: datetime.date | None
    refusal_ground: RefusalGround | Literal[""]
    status_reason: str


class EventOut(Schema):
    at: datetime.datetime
    kind: EventKind
    actor: str
    from_status: Status | Literal[""]
    to_status: Status | Literal[""]
    refusal_ground: RefusalGround | Literal[""]
    reason: str
    details: dict[str, Any]


class VersionOut(Schema):
    number: int
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime.datetime
    uploaded_by: str


# Not "DocumentOut": OpenAPI names schemas globally, and the knowledge API has that one.
class CaseDocumentOut(Schema):
    id: uuid.UUID
    title: str
    kind: DocumentKind
    created_at: datetime.datetime
    versions: list[VersionOut] = Field(description="Newest first; files are not in the API")


class CaseDetailOut(CaseOut):
    summary_of_facts: str
    purpose: str
    procedure: str
    requesting_authority_name: str
    requested_authority_name: str
    conducting_authority: str
    executing_authority: str
    legal_basis: str | None = Field(description="Code of the treaty relied on")
    legal_basis_article: str
    legal_basis_note: str
    drafted_on: datetime.date | None
    acknowledged_on: datetime.date | None
    executed_on: datetime.date | None
    closed_on: datetime.date | None
    requested_deadline: datetime.date | None
    refusal_ground: RefusalGround | Literal[""]
    actions: list[str] = Field(
        description="Transitions that leave from the current status (their conditions are "
        "checked when taken)"
    )
    offences: list[OffenceOut]
    persons: list[PersonOut]
    measures: list[MeasureOut]
    events: list[EventOut] = Field(description=f"The last {EVENTS_SHOWN} events, newest first")
    documents: list[CaseDocumentOut]


def _case_fields(request: HttpRequest, case: Case, today: datetime.date) -> dict[str, Any]:
    return {
        "id": case.public_id,
        "url": request.build_absolute_uri(reverse("api:case_detail", args=[case.public_id])),
        "our_reference": case.our_reference,
        "their_reference": case.their_reference,
        "direction": case.direction,
        "kind": case.kind,
        "status": case.status,
        "subject": case.subject,
        "requesting_state": case.requesting_state_id,
        "requested_state": case.requested_state_id,
        "counterpart_state": case.counterpart_state_id,
        "officer": case.officer.username if case.officer else None,
        "urgency": case.urgency,
        "confidentiality": case.confidentiality,
        "channel": case.channel,
        "received_on": case.received_on,
        "sent_on": case.sent_on,
        "deadline": case.deadline,
        "overdue": case.is_overdue(today),
        "created_at": case.created_at,
        "updated_at": case.updated_at,
    }


def _ground(value: str) -> RefusalGround | Literal[""]:
    return RefusalGround(value) if value else ""


def _status(value: str) -> Status | Literal[""]:
    return Status(value) if value else ""


def _detail(request: HttpRequest, case: Case) -> CaseDetailOut:
    today = timezone.localdate()
    offences = [
        OffenceOut(
            national_name=o.national_name,
            national_provision=o.national_provision,
            iccs=o.iccs_id,
            iccs_title=o.iccs.title if o.iccs else None,
        )
        for o in case.offences.select_related("iccs")
    ]
    persons = [
        PersonOut(
            id=p.public_id,
            role=PersonRole(p.role),
            is_legal_person=p.is_legal_person,
            name=p.name,
            other_names=p.other_names,
            date_of_birth=p.date_of_birth,
            place_of_birth=p.place_of_birth,
            nationality=p.nationality_id,
            identity_document=p.identity_document,
            location=p.location,
        )
        for p in case.persons.all()
    ]
    measures = [
        MeasureOut(
            id=m.public_id,
            kind=MeasureType(m.kind),
            article=m.article,
            description=m.description,
            details=m.details,
            status=MeasureStatus(m.status),
            deadline=m.deadline,
            executed_on=m.executed_on,
            refusal_ground=_ground(m.refusal_ground),
            status_reason=m.status_reason,
        )
        for m in case.measures.all()
    ]
    events = [
        EventOut(
            at=e.at,
            kind=EventKind(e.kind),
            actor=e.actor_name,
            from_status=_status(e.from_status),
            to_status=_status(e.to_status),
            refusal_ground=_ground(e.refusal_ground),
            reason=e.reason,
            details=e.details,
        )
        for e in case.events.all()[:EVENTS_SHOWN]
    ]
    documents = [
        CaseDocumentOut(
            id=d.public_id,
            title=d.title,
            kind=DocumentKind(d.kind),
            created_at=d.created_at,
            versions=[
                VersionOut(
                    number=v.number,
                    original_name=v.original_name,
                    content_type=v.content_type,
                    size=v.size,
                    sha256=v.sha256,
                    uploaded_at=v.uploaded_at,
                    uploaded_by=v.uploaded_by_name,
                )
                for v in sorted(d.versions.all(), key=lambda v: -v.number)
            ],
        )
        for d in case.documents.prefetch_related("versions")
    ]
    return CaseDetailOut(
        **_case_fields(request, case, today),
        summary_of_facts=case.summary_of_facts,
        purpose=case.purpose,
        procedure=case.procedure,
        requesting_authority_name=case.requesting_authority_name,
        requested_authority_name=case.requested_authority_name,
        conducting_authority=case.conducting_authority,
        executing_authority=case.executing_authority,
        legal_basis=case.legal_basis.code if case.legal_basis else None,
        legal_basis_article=case.legal_basis_article,
        legal_basis_note=case.legal_basis_note,
        drafted_on=case.drafted_on,
        acknowledged_on=case.acknowledged_on,
        executed_on=case.executed_on,
        closed_on=case.closed_on,
        requested_deadline=case.requested_deadline,
        refusal_ground=_ground(case.refusal_ground),
        actions=[t.name for t in available_transitions(case)],
        offences=offences,
        persons=persons,
        measures=measures,
        events=events,
        documents=documents,
    )


# --- List ---------------------------------------------------------------------------------


class CaseQuery(Schema):
    direction: Direction | None = None
    kind: CooperationKind | None = None
    status: Status | Literal["open"] | None = Field(
        None, description="A status, or “open” for every request still being worked on"
    )
    state: str | None = Field(None, description="The other state (ISO 3166-1 alpha-2)")
    iccs: str | None = Field(
        None, description="An ICCS section or code: matches it and every code under it"
    )
    officer: str | None = Field(
        None, description="Username of the responsible officer, or “none” for unassigned"
    )
    overdue: bool = Field(False, description="Only open requests past their deadline")
    q: str | None = Field(
        None, max_length=200, description="Words found in references, names, offences, facts"
    )
    cursor: str | None = Field(None, description="The ``next`` value of the previous page")
    page_size: int = Field(25, ge=1, le=100)


def _encode_cursor(case: Case) -> str:
    return base64.urlsafe_b64encode(case.public_id.bytes).decode().rstrip("=")


def _decode_cursor(cursor: str, authority_id: int) -> tuple[datetime.datetime, int]:
    """The sort key (created_at, id) after which the next page starts."""
    try:
        public_id = uuid.UUID(bytes=base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        found = (
            Case.objects.filter(authority_id=authority_id, public_id=public_id)
            .values_list("created_at", "id")
            .first()
        )
    except (ValueError, binascii.Error):
        found = None
    if found is None:
        raise ValidationError([_error(["query", "cursor"], _("This cursor is not valid."))])
    return found


@router.get(
    "/cases",
    response={200: CasePage, 401: Message},
    url_name="case_list",
    summary="List requests",
)
def case_list(request: HttpRequest, query: Query[CaseQuery]) -> CasePage:
    """Your authority's requests, newest first, a page at a time.

    Follow ``next`` until it is null: pages are cut by position (a keyset), so requests
    registered meanwhile neither shift nor repeat the pages still to come.
    """
    user = _user(request)
    assert user.authority_id is not None
    errors = []
    state = (query.state or "").strip().upper()
    if state and not State.objects.filter(iso2=state).exists():
        errors.append(
            _error(["query", "state"], _("Unknown state code: %(code)s") % {"code": state})
        )
    iccs = (query.iccs or "").strip()
    if iccs and not IccsCategory.objects.filter(code=iccs).exists():
        errors.append(_error(["query", "iccs"], _("Unknown ICCS code: %(code)s") % {"code": iccs}))
    if errors:
        raise ValidationError(errors)
    filters = CaseFilters(
        direction=query.direction or "",
        kind=query.kind or "",
        status=query.status or "",
        state=state,
        iccs=iccs,
        officer=(query.officer or "").strip(),
        overdue=query.overdue,
        q=(query.q or "").strip(),
    )
    today = timezone.localdate()
    cases = filters.apply(list_queryset(Case.objects.for_user(user)), today=today)
    if query.cursor:
        created_at, pk = _decode_cursor(query.cursor, user.authority_id)
        cases = cases.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk))
    page = list(cases.order_by("-created_at", "-id")[: query.page_size + 1])
    more = len(page) > query.page_size
    page = page[: query.page_size]
    return CasePage(
        items=[CaseOut(**_case_fields(request, c, today)) for c in page],
        next=_encode_cursor(page[-1]) if more else None,
    )


@router.get(
    "/cases/{public_id}",
    response={200: CaseDetailOut, 401: Message, 404: Message},
    url_name="case_detail",
    summary="Get a request",
)
def case_detail(request: HttpRequest, public_id: uuid.UUID) -> CaseDetailOut:
    """A request with its offences, persons, measures sought, last events and documents."""
    user = _user(request)
    case, _can_write = get_case_for_user(user, public_id)
    if case.confidentiality == Confidentiality.STRICT:
        # Like the case page: a strictly confidential request read is in the access log.
        log_access(
            "case.viewed",
            acting_user=user,
            authority_id=case.authority_id,
            object_type="case",
            object_ref=str(case.public_id),
            details={"reference": case.our_reference, "ip": client_ip(request), "via": "api"},
        )
    return _detail(request, case)


# --- Register -----------------------------------------------------------------------------


def _text(max_length: int, min_length: int = 0) -> Any:
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


# Stripped strings no longer than their column, so PostgreSQL never refuses a value.
Required = Annotated[str, _text(300, min_length=1)]
Text40 = Annotated[str, _text(40)]
Text60 = Annotated[str, _text(60)]
Text100 = Annotated[str, _text(100)]
Text200 = Annotated[str, _text(200)]
Text300 = Annotated[str, _text(300)]
Text400 = Annotated[str, _text(400)]
Iso2 = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, max_length=2)]


def _plausible(day: datetime.date) -> datetime.date:
    if problem := date_problem(day):
        raise ValueError(problem)
    return day


# A date in the range every date of a case keeps to (lib.validators.DATE_MIN..DATE_MAX).
Day = Annotated[datetime.date, AfterValidator(_plausible)]


class OffenceIn(Schema):
    national_name: Required = Field(description="The offence as national law names it")
    national_provision: Text200 = ""
    iccs: str | None = Field(None, description="ICCS code of the conduct")


class PersonIn(Schema):
    role: PersonRole
    is_legal_person: bool = False
    name: Required
    other_names: Text300 = ""
    date_of_birth: Day | None = None
    place_of_birth: Text200 = ""
    nationality: Iso2 | None = None
    identity_document: Text200 = ""
    location: Text400 = ""


class MeasureIn(Schema):
    kind: MeasureType
    description: str = ""
    deadline: Day | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class CaseIn(Schema):
    direction: Direction
    kind: CooperationKind
    subject: Required = Field(description="Subject matter of the investigation (art. 18(15)(b))")
    our_reference: Text60 = Field("", description="Left empty, a number is given")
    their_reference: Text100 = ""
    summary_of_facts: str = ""
    purpose: str = ""
    procedure: str = ""
    requesting_state: Iso2 | None = Field(
        None, description="Required for an incoming request; yours by default for an outgoing one"
    )
    requested_state: Iso2 | None = Field(
        None, description="Required for an outgoing request; yours by default for an incoming one"
    )
    requesting_authority_name: Text300 = ""
    requested_authority_name: Text300 = ""
    conducting_authority: Text300 = ""
    executing_authority: Text300 = ""
    officer: str | None = Field(
        None, description="Username of the responsible officer; you by default"
    )
    urgency: Urgency = Urgency.NORMAL
    confidentiality: Confidentiality = Confidentiality.STANDARD
    channel: Channel = Channel.CENTRAL_AUTHORITIES
    legal_basis: str | None = Field(None, description="Code of the treaty relied on")
    legal_basis_article: Text40 = ""
    legal_basis_note: Text300 = ""
    drafted_on: Day | None = None
    received_on: Day | None = None
    requested_deadline: Day | None = None
    deadline: Day | None = None
    offences: list[OffenceIn] = Field(default_factory=list)
    persons: list[PersonIn] = Field(default_factory=list)
    measures: list[MeasureIn] = Field(default_factory=list)


def _registration(authority: Authority, data: CaseIn) -> dict[str, Any]:
    """The keyword arguments of do_register_case, or a ValidationError naming each problem.

    What the API alone decides (which state is ours, the officer, a unique reference) is
    checked here; the content itself by ``clean_case_content``, as for an imported request.
    """
    errors: list[dict[str, Any]] = []
    body: list[str | int] = ["body", "payload"]
    requesting, requested = data.requesting_state or None, data.requested_state or None
    if data.direction == Direction.INCOMING:
        requested = requested or authority.state_id
        if not requesting:
            errors.append(
                _error([*body, "requesting_state"], _("Give the state that makes the request."))
            )
    else:
        requesting = requesting or authority.state_id
        if not requested:
            errors.append(
                _error([*body, "requested_state"], _("Give the state the request is sent to."))
            )
    if requesting and requesting == requested:
        errors.append(_error([*body, "requested_state"], _("The two states must be different.")))
    if (
        data.our_reference
        and Case.objects.filter(authority=authority, our_reference=data.our_reference).exists()
    ):
        errors.append(
            _error([*body, "our_reference"], _("Another request already has this reference."))
        )
    officer = None
    if data.officer:
        officer = User.objects.filter(
            authority=authority,
            username=data.officer[:150],
            is_active=True,
            role__in=[Role.OFFICER, Role.AUTHORITY_ADMIN],
        ).first()
        if officer is None:
            errors.append(
                _error([*body, "officer"], _("No officer of your authority has this username."))
            )
    fields: dict[str, Any] = {
        name: getattr(data, name)
        for name in (
            "kind",
            "subject",
            "our_reference",
            "their_reference",
            "summary_of_facts",
            "purpose",
            "procedure",
            "requesting_authority_name",
            "requested_authority_name",
            "conducting_authority",
            "executing_authority",
            "urgency",
            "confidentiality",
            "channel",
            "legal_basis",
            "legal_basis_article",
            "legal_basis_note",
            "drafted_on",
            "received_on",
            "requested_deadline",
            "deadline",
        )
    }
    fields |= {"requesting_state_id": requesting, "requested_state_id": requested}
    content = CaseContent(
        fields=fields,
        offences=[
            {
                "national_name": o.national_name,
                "national_provision": o.national_provision,
                "iccs_id": o.iccs,
            }
            for o in data.offences
        ],
        persons=[
            p.model_dump(exclude={"nationality"}) | {"nationality_id": p.nationality}
            for p in data.persons
        ],
        measures=[m.model_dump() for m in data.measures],
    )
    try:
        content = clean_case_content(content)
    except ContentRefused as refused:
        errors += [_error([*body, *problem.path], problem.message) for problem in refused.problems]
    if errors:
        order = list(CaseIn.model_fields)  # errors in the order of the fields
        errors.sort(key=lambda e: order.index(e["loc"][2]) if e["loc"][2] in order else 99)
        raise ValidationError(errors)
    if officer is not None:
        content.fields["officer"] = officer
    return {
        "direction": data.direction,
        "fields": content.fields,
        "offences": content.offences,
        "persons": content.persons,
        "measures": content.measures,
    }


@router.post(
    "/cases",
    response={201: CaseDetailOut, 401: Message, 403: Message},
    url_name="case_create",
    summary="Register a request",
)
def case_create(request: HttpRequest, payload: CaseIn) -> Reply[CaseDetailOut]:
    """Register an incoming request (status *received*) or start an outgoing one (*draft*)."""
    user = _writer(request)
    assert user.authority is not None
    arguments = _registration(user.authority, payload)
    try:
        case = do_register_case(user.authority, acting_user=user, **arguments)
    except ValueError as exc:
        raise ValidationError([_error(["body", "payload"], str(exc))]) from None
    case, _can_write = get_case_for_user(user, case.public_id)
    return Reply(201, _detail(request, case))


# --- Transitions --------------------------------------------------------------------------

Action = Literal[
    "send",
    "acknowledge",
    "record_acknowledgement",
    "review",
    "request_info",
    "info_provided",
    "execute_start",
    "resume",
    "consult",
    "postpone",
    "record_postponement",
    "execute_partially",
    "execute",
    "refuse",
    "record_refusal",
    "withdraw",
    "close",
]
assert set(Action.__args__) == set(BY_NAME)  # type: ignore[attr-defined]


class TransitionIn(Schema):
    action: Action = Field(description="The move to make; see ``actions`` of the request")
    reason: str = Field("", description="Required by refusals, postponements, withdrawals…")
    ground: RefusalGround | None = Field(None, description="Ground for refusal, when refusing")
    on: Day | None = Field(None, description="The day it happened; default today")


@router.post(
    "/cases/{public_id}/transitions",
    response={200: CaseDetailOut, 401: Message, 403: Message, 404: Message, 409: Message},
    url_name="case_transition",
    summary="Move a request along its lifecycle",
)
def case_transition(
    request: HttpRequest, public_id: uuid.UUID, payload: TransitionIn
) -> CaseDetailOut:
    """Take one of the request's ``actions``; 409 with the reason when it is not allowed now."""
    user = _user(request)
    case, can_write = get_case_for_user(user, public_id)
    if not can_write:
        raise AuthorizationError(message=_("Your role can read requests but not change them."))
    try:
        do_transition(
            case,
            payload.action,
            acting_user=user,
            reason=payload.reason,
            ground=payload.ground or "",
            on=payload.on,
        )
    except TransitionRefused as exc:
        raise HttpError(409, exc.message) from None
    case, _can_write = get_case_for_user(user, public_id)
    return _detail(request, case)
