"""Every change to a case goes through one of these actions.

Each runs in one transaction, writes a line of the case's history (``CaseEvent``) and a
hash-chained audit entry, and copies the actor's id and name so both outlive the account.
Views, the API, commands and the demo loader call these; nobody ``save()``s a case elsewhere.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from rogatory.accounts.models import Authority, Role, User
from rogatory.audit.actions import record
from rogatory.lib import uploads
from rogatory.lib.businessdays import add_business_days
from rogatory.lib.penalties import Penalty
from rogatory.lib.textfold import fold

from .choices import (
    FINAL_STATUSES,
    Direction,
    DocumentKind,
    EventKind,
    FollowUpDirection,
    LinkKind,
    MeasureStatus,
    Status,
)
from .lifecycle import (
    AFTER_TRANSITION,
    INITIAL_STATUS,
    TransitionRefused,
    check_measure_move,
    check_transition,
)
from .models import (
    Case,
    CaseEvent,
    CaseLink,
    CaseSettings,
    Document,
    DocumentVersion,
    FollowUp,
    Holiday,
    Measure,
    Offence,
    Person,
)
from .stats import disposition_day
from .validation import CASE_DATES, date_order_problems

# Fields of a case an officer may set at registration or change later.
CASE_FIELDS = (
    "kind",
    "our_reference",
    "their_reference",
    "subject",
    "summary_of_facts",
    "purpose",
    "procedure",
    "requesting_state",
    "requested_state",
    "requesting_authority",
    "requesting_authority_name",
    "requested_authority",
    "requested_authority_name",
    "conducting_authority",
    "executing_authority",
    "officer",
    "urgency",
    "confidentiality",
    "channel",
    "legal_basis",
    "legal_basis_article",
    "legal_basis_as_of",
    "legal_basis_note",
    "drafted_on",
    "sent_on",
    "received_on",
    "acknowledged_on",
    "requested_deadline",
    "deadline",
)
PERSON_FIELDS = (
    "role",
    "is_legal_person",
    "name",
    "other_names",
    "date_of_birth",
    "place_of_birth",
    "nationality",
    "identity_document",
    "location",
)
# Largest accepted attachment; a scanned court file can be large, a video is not an annex.
MAX_DOCUMENT_SIZE = 50 * 1024 * 1024


def _check_fields(fields: Mapping[str, Any]) -> None:
    """Refuse anything but the editable case fields (a foreign key may be given by its id)."""
    unknown = {name.removesuffix("_id") for name in fields} - set(CASE_FIELDS)
    if unknown:
        raise ValueError(f"not case fields: {sorted(unknown)}")


def _check_officer(officer: User | None, authority_id: int) -> None:
    """Only an officer (or administrator) of the authority can be responsible for a request."""
    if officer is not None and (
        officer.authority_id != authority_id
        or officer.role not in (Role.OFFICER, Role.AUTHORITY_ADMIN)
    ):
        raise ValueError(
            "The responsible officer must be an officer or administrator of the authority."
        )


def settings_for(authority: Authority) -> CaseSettings:
    """The authority's case settings, created with defaults the first time."""
    found, _created = CaseSettings.objects.get_or_create(authority=authority)
    return found


def _plain(value: object) -> object:
    """A value as it goes into the audit trail: JSON-safe, readable."""
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _event(
    case: Case,
    kind: EventKind,
    acting_user: User | None,
    *,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    ground: str = "",
    details: Mapping[str, Any] | None = None,
    at: datetime.datetime | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        at=at or timezone.now(),
        kind=kind,
        actor_id=acting_user.pk if acting_user else None,
        actor_name=acting_user.get_username() if acting_user else "system",
        from_status=from_status,
        to_status=to_status,
        refusal_ground=ground,
        reason=reason,
        details=dict(details or {}),
    )


# The one way to write a line of a request's history, for the apps above cases too (asset
# recovery writes its steps with it).
add_history_event = _event


def _audit(case: Case, verb: str, acting_user: User | None, **details: Any) -> None:
    record(
        f"case.{verb}",
        acting_user=acting_user,
        authority_id=case.authority_id,
        object_type="case",
        object_ref=str(case.public_id),
        details={k: _plain(v) for k, v in details.items()},
    )


def search_text_for(case: Case) -> str:
    """The folded text a case is found by: references, names, offences and facts."""
    parts = [
        case.our_reference,
        case.their_reference,
        case.subject,
        case.summary_of_facts,
        case.requesting_authority_name,
        case.requested_authority_name,
        case.conducting_authority,
        case.executing_authority,
    ]
    if case.pk:
        for name, other in case.persons.values_list("name", "other_names"):
            parts += [name, other]
        for name, provision, iccs in case.offences.values_list(
            "national_name", "national_provision", "iccs_id"
        ):
            parts += [name, provision, iccs or ""]
    return fold(" ".join(p for p in parts if p))


def _touch(case: Case) -> None:
    """Refresh what derives from the case's parts (search text, last change)."""
    case.search_text = search_text_for(case)
    case.save(update_fields=["search_text", "updated_at"])


def _next_reference(authority: Authority, direction: str, year: int) -> str:
    # Lock the authority row so two registrations in the same instant get different numbers.
    Authority.objects.select_for_update().filter(pk=authority.pk).first()
    prefix = f"{'IN' if direction == Direction.INCOMING else 'OUT'}-{year}-"
    taken = Case.objects.filter(authority=authority, our_reference__startswith=prefix).count()
    number = taken + 1
    while Case.objects.filter(authority=authority, our_reference=f"{prefix}{number:05d}").exists():
        number += 1
    return f"{prefix}{number:05d}"


def default_deadline(authority: Authority, received_on: datetime.date) -> datetime.date:
    """Working deadline of an incoming request for which the requesting side named none."""
    case_settings = settings_for(authority)
    return add_business_days(
        received_on, case_settings.execute_within, case_settings.work_calendar()
    )


@transaction.atomic
def do_register_case(
    authority: Authority,
    *,
    direction: str,
    fields: Mapping[str, Any],
    acting_user: User | None,
    offences: Iterable[Mapping[str, Any]] = (),
    persons: Iterable[Mapping[str, Any]] = (),
    measures: Iterable[Mapping[str, Any]] = (),
    at: datetime.datetime | None = None,
) -> Case:
    """Register an incoming request (status *received*) or start an outgoing one (*draft*)."""
    _check_fields(fields)
    now = at or timezone.now()
    today = timezone.localdate(now)
    case = Case(authority=authority, direction=direction, status=INITIAL_STATUS[direction])
    for name, value in fields.items():
        setattr(case, name, value)
    if direction == Direction.INCOMING:
        case.received_on = case.received_on or today
        if case.requested_state_id is None:
            case.requested_state_id = authority.state_id
    else:
        case.drafted_on = case.drafted_on or today
        if case.requesting_state_id is None:
            case.requesting_state_id = authority.state_id
    if case.officer_id is None and acting_user is not None and acting_user.can_write_cases:
        case.officer = acting_user
    _check_officer(case.officer, authority.pk)
    if not case.our_reference:
        case.our_reference = _next_reference(authority, direction, today.year)
    if case.deadline is None:
        if case.requested_deadline is not None:
            case.deadline = case.requested_deadline
        elif direction == Direction.INCOMING and case.received_on is not None:
            case.deadline = default_deadline(authority, case.received_on)
    case.save()
    if at is not None:  # demo data and imports register requests in the past
        Case.objects.filter(pk=case.pk).update(created_at=now, updated_at=now)
    for offence in offences:
        Offence.objects.create(case=case, **offence)
    for person in persons:
        Person.objects.create(case=case, **person)
    for measure in measures:
        Measure.objects.create(case=case, **measure)
    case.search_text = search_text_for(case)
    case.save(update_fields=["search_text"])
    _event(case, EventKind.REGISTERED, acting_user, to_status=case.status, at=now)
    _audit(
        case,
        "registered",
        acting_user,
        direction=direction,
        kind=case.kind,
        reference=case.our_reference,
    )
    return case


@transaction.atomic
def _short(value: object, limit: int = 80) -> object:
    if isinstance(value, str) and len(value) > limit:
        return value[: limit - 1] + "…"
    return value


def do_update_case(
    case: Case, changes: Mapping[str, Any], *, acting_user: User | None
) -> list[str]:
    """Change a case's details; return the names of the fields that really changed."""
    _check_fields(changes)
    diff: dict[str, list[object]] = {}
    for name, value in changes.items():
        old = getattr(case, name)
        if old != value:
            diff[name] = [_plain(old), _plain(value)]
            setattr(case, name, value)
    if not diff:
        return []
    # The officer may be given as a user ("officer") or by id ("officer_id").
    if diff.keys() & {"officer", "officer_id"}:
        _check_officer(case.officer, case.authority_id)
    case.search_text = search_text_for(case)
    case.save()
    # The history shows each change as old -> new; long texts are cut (the audit keeps all).
    shown = {name: [_short(old), _short(new)] for name, (old, new) in diff.items()}
    _event(case, EventKind.UPDATED, acting_user, details={"fields": sorted(diff), "changes": shown})
    _audit(case, "updated", acting_user, changes=diff)
    return sorted(diff)


@transaction.atomic
def do_assign_officer(case: Case, officer: User | None, *, acting_user: User) -> None:
    """Make ``officer`` responsible for the case (or nobody)."""
    _check_officer(officer, case.authority_id)
    previous = case.officer
    if previous == officer:
        return
    case.officer = officer
    case.save(update_fields=["officer", "updated_at"])
    _event(
        case,
        EventKind.ASSIGNED,
        acting_user,
        details={"officer": officer.get_username() if officer else ""},
    )
    _audit(case, "assigned", acting_user, officer=[_plain(previous), _plain(officer)])


@transaction.atomic
def do_transition(
    case: Case,
    name: str,
    *,
    acting_user: User | None,
    reason: str = "",
    ground: str = "",
    on: datetime.date | None = None,
    at: datetime.datetime | None = None,
) -> Case:
    """Move the case along its lifecycle, or raise TransitionRefused saying why not."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    transition = check_transition(locked, name, reason=reason, ground=ground)
    now = at or timezone.now()
    day = on or timezone.localdate(now)
    previous = locked.status
    locked.status = transition.target
    changed = ["status", "updated_at"]
    if transition.date_field:
        dates = {field: getattr(locked, field) for field in CASE_DATES}
        dates[transition.date_field] = day
        for field, message in date_order_problems(dates, today=max(day, timezone.localdate())):
            if field == transition.date_field:
                raise TransitionRefused(message)
        setattr(locked, transition.date_field, day)
        changed.append(transition.date_field)
    if transition.needs_ground:
        locked.refusal_ground = ground
        changed.append("refusal_ground")
    locked.save(update_fields=changed)
    _event(
        locked,
        EventKind.TRANSITION,
        acting_user,
        from_status=previous,
        to_status=locked.status,
        reason=reason.strip(),
        ground=ground if transition.needs_ground else "",
        details={"action": name, "on": day.isoformat()},
        at=now,
    )
    if previous in FINAL_STATUSES or locked.status in FINAL_STATUSES:
        _write_disposed_on(locked)
    _audit(
        locked,
        "transition",
        acting_user,
        action=name,
        status=[previous, locked.status],
        reason=reason.strip(),
        ground=ground,
    )
    for hook in AFTER_TRANSITION:
        hook(locked, name, reason.strip(), ground, acting_user)
    case.refresh_from_db()
    return case


def _write_disposed_on(case: Case) -> None:
    """Set the case's disposition day by its rule (``stats.disposition_day``), from the status
    and history just written: set when the request reaches a final status, cleared when it
    leaves one. The same expression as the backfill, so stored and computed days agree."""
    day = Case.objects.filter(pk=case.pk).values_list(disposition_day(), flat=True).get()
    if day != case.disposed_on:
        case.disposed_on = day
        case.save(update_fields=["disposed_on"])


@transaction.atomic
def do_add_offence(
    case: Case,
    *,
    national_name: str,
    national_provision: str = "",
    iccs: Any = None,
    max_penalty: Mapping[str, Any] | None = None,
    acting_user: User,
) -> Offence:
    """Add an offence; ``max_penalty`` is read by ``lib.penalties`` (``PenaltyRefused``)."""
    penalty = Penalty.from_dict(max_penalty).to_dict() if max_penalty else None
    offence = Offence.objects.create(
        case=case,
        national_name=national_name,
        national_provision=national_provision,
        iccs=iccs,
        max_penalty=penalty,
    )
    _touch(case)
    _event(case, EventKind.OFFENCE, acting_user, details={"added": str(offence)})
    _audit(case, "offence_added", acting_user, offence=str(offence), iccs=offence.iccs_id or "")
    return offence


@transaction.atomic
def do_remove_offence(offence: Offence, *, acting_user: User) -> None:
    case = offence.case
    label = str(offence)
    offence.delete()
    _touch(case)
    _event(case, EventKind.OFFENCE, acting_user, details={"removed": label})
    _audit(case, "offence_removed", acting_user, offence=label)


@transaction.atomic
def do_add_person(case: Case, fields: Mapping[str, Any], *, acting_user: User) -> Person:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"not person fields: {sorted(unknown)}")
    person = Person.objects.create(case=case, **fields)
    _touch(case)
    _event(case, EventKind.PERSON, acting_user, details={"added": person.name, "role": person.role})
    _audit(case, "person_added", acting_user, person=str(person.public_id), role=person.role)
    return person


@transaction.atomic
def do_remove_person(person: Person, *, acting_user: User) -> None:
    case = person.case
    name, public_id = person.name, str(person.public_id)
    person.delete()
    _touch(case)
    _event(case, EventKind.PERSON, acting_user, details={"removed": name})
    _audit(case, "person_removed", acting_user, person=public_id)


@transaction.atomic
def do_add_measure(
    case: Case,
    *,
    kind: str,
    description: str = "",
    deadline: datetime.date | None = None,
    details: Mapping[str, Any] | None = None,
    acting_user: User,
    at: datetime.datetime | None = None,
) -> Measure:
    # A draft is "final" for deadlines (none runs) but is where an outgoing request's
    # measures are written.
    if case.is_final and case.status != Status.DRAFT:
        raise TransitionRefused(
            _("A request that is executed, refused, withdrawn or closed takes no new measures.")
        )
    measure = Measure.objects.create(
        case=case,
        kind=kind,
        description=description,
        deadline=deadline,
        details=dict(details or {}),
    )
    _touch(case)
    _event(case, EventKind.MEASURE, acting_user, details={"added": measure.kind}, at=at)
    _audit(case, "measure_added", acting_user, measure=str(measure.public_id), kind=kind)
    return measure


@transaction.atomic
def do_remove_measure(measure: Measure, *, acting_user: User) -> None:
    """Take a measure out of a request still being drafted. Once a request exists for the
    other side (received, sent), its measures change status instead: they are not deleted."""
    case = measure.case
    if case.status != Status.DRAFT:
        raise TransitionRefused(
            _("Only a draft's measures can be removed; change the measure's status instead.")
        )
    kind, public_id = measure.kind, str(measure.public_id)
    measure.delete()
    _touch(case)
    _event(case, EventKind.MEASURE, acting_user, details={"removed": kind})
    _audit(case, "measure_removed", acting_user, measure=public_id, kind=kind)


@transaction.atomic
def do_change_measure_status(
    measure: Measure,
    status: str,
    *,
    acting_user: User | None,
    reason: str = "",
    ground: str = "",
    on: datetime.date | None = None,
    at: datetime.datetime | None = None,
) -> Measure:
    """Move one measure sought to ``status``, or raise TransitionRefused saying why not."""
    if measure.case.is_final:
        raise TransitionRefused(
            _("The request is “%(status)s”: its measures can no longer change.")
            % {"status": measure.case.get_status_display()}
        )
    check_measure_move(measure.status, status, reason=reason, ground=ground)
    previous = measure.status
    measure.status = status
    measure.status_reason = reason.strip()
    measure.refusal_ground = ground if status == MeasureStatus.REFUSED else ""
    if status == MeasureStatus.EXECUTED:
        measure.executed_on = on or timezone.localdate(at)
    measure.save()
    case = measure.case
    case.save(update_fields=["updated_at"])
    _event(
        case,
        EventKind.MEASURE,
        acting_user,
        reason=reason.strip(),
        ground=measure.refusal_ground,
        details={"measure": measure.kind, "status": [previous, status]},
        at=at,
    )
    _audit(
        case,
        "measure_status",
        acting_user,
        measure=str(measure.public_id),
        status=[previous, status],
        reason=reason.strip(),
        ground=measure.refusal_ground,
    )
    return measure


@transaction.atomic
def do_set_measure_details(
    measure: Measure, details: Mapping[str, Any], *, acting_user: User
) -> list[str]:
    """Replace a measure's specific fields (bank, account, witness, premises…); return the
    names of those that changed."""
    previous = dict(measure.details or {})
    new = {name: _plain(value) for name, value in details.items()}
    changed = sorted(k for k in set(previous) | set(new) if previous.get(k) != new.get(k))
    if not changed:
        return []
    measure.details = new
    measure.save(update_fields=["details"])
    case = measure.case
    _touch(case)
    _event(case, EventKind.MEASURE, acting_user, details={"fields": changed})
    _audit(case, "measure_details", acting_user, measure=str(measure.public_id), fields=changed)
    return changed


@transaction.atomic
def do_set_measure_deadline(
    measure: Measure, deadline: datetime.date | None, *, acting_user: User
) -> None:
    previous = measure.deadline
    if previous == deadline:
        return
    measure.deadline = deadline
    measure.save(update_fields=["deadline"])
    _event(measure.case, EventKind.MEASURE, acting_user, details={"deadline": _plain(deadline)})
    _audit(
        measure.case,
        "measure_deadline",
        acting_user,
        measure=str(measure.public_id),
        deadline=[_plain(previous), _plain(deadline)],
    )


@transaction.atomic
def do_link_cases(
    source: Case,
    target: Case,
    kind: str,
    *,
    acting_user: User,
    at: datetime.datetime | None = None,
) -> CaseLink:
    """Relate two requests of the same authority (e.g. a supplementary request)."""
    if source.authority_id != target.authority_id:
        raise ValueError("Requests of different authorities cannot be linked.")
    if source.pk == target.pk:
        raise ValueError("A request cannot be linked to itself.")
    link, _created = CaseLink.objects.update_or_create(
        source=source, target=target, defaults={"kind": LinkKind(kind)}
    )
    _event(
        source,
        EventKind.LINK,
        acting_user,
        details={"kind": kind, "to": target.our_reference},
        at=at,
    )
    _audit(source, "linked", acting_user, kind=kind, target=str(target.public_id))
    return link


@transaction.atomic
def do_log_follow_up(
    case: Case,
    *,
    direction: str,
    asked_on: datetime.date,
    question: str,
    acting_user: User,
    at: datetime.datetime | None = None,
) -> FollowUp:
    """Log a status request (art. 18(24)) received from, or sent to, the other state."""
    follow_up = FollowUp.objects.create(
        case=case,
        direction=FollowUpDirection(direction),
        asked_on=asked_on,
        question=question,
        recorded_by_name=acting_user.get_username(),
    )
    _event(case, EventKind.FOLLOW_UP, acting_user, details={"direction": direction}, at=at)
    _audit(case, "follow_up", acting_user, direction=direction, asked_on=asked_on)
    return follow_up


@transaction.atomic
def do_answer_follow_up(
    follow_up: FollowUp,
    *,
    answered_on: datetime.date,
    answer: str,
    acting_user: User,
    at: datetime.datetime | None = None,
) -> FollowUp:
    if follow_up.answered_on is not None:
        raise TransitionRefused(_("This status request was already answered."))
    follow_up.answered_on = answered_on
    follow_up.answer = answer
    follow_up.save(update_fields=["answered_on", "answer"])
    case = follow_up.case
    _event(
        case,
        EventKind.FOLLOW_UP,
        acting_user,
        details={"answered": answered_on.isoformat()},
        at=at,
    )
    _audit(case, "follow_up_answered", acting_user, follow_up=str(follow_up.public_id))
    return follow_up


def _document_directory(case: Case) -> Path:
    directory = Path(settings.MEDIA_ROOT) / "cases" / str(case.authority_id)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _version_row(
    document: Document, stored: uploads.StoredFile, acting_user: User | None
) -> DocumentVersion:
    last = document.versions.order_by("-number").values_list("number", flat=True).first()
    return DocumentVersion.objects.create(
        document=document,
        number=(last or 0) + 1,
        file_path=stored.relative_path,
        original_name=stored.original_name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by_id=acting_user.pk if acting_user else None,
        uploaded_by_name=acting_user.get_username() if acting_user else "system",
    )


def do_add_document(
    case: Case,
    *,
    title: str,
    kind: str,
    upload: Any,
    original_name: str,
    acting_user: User | None,
    declared_type: str | None = None,
    expected_sha256: str | None = None,
    expected_size: int | None = None,
    at: datetime.datetime | None = None,
    max_size: int = MAX_DOCUMENT_SIZE,
) -> DocumentVersion:
    """Attach a new document (its version 1); raises uploads.UploadRejected for a bad file.

    ``max_size`` is larger for evidence received through the secure exchange, which has no
    web request's limits."""
    return _attach(
        case,
        None,
        title=title,
        kind=kind,
        upload=upload,
        original_name=original_name,
        acting_user=acting_user,
        declared_type=declared_type,
        expected_sha256=expected_sha256,
        expected_size=expected_size,
        at=at,
        max_size=max_size,
    )


def do_add_document_version(
    document: Document,
    *,
    upload: Any,
    original_name: str,
    acting_user: User,
    declared_type: str | None = None,
    expected_sha256: str | None = None,
    expected_size: int | None = None,
    at: datetime.datetime | None = None,
) -> DocumentVersion:
    """Upload a new version of a document; the earlier versions are kept."""
    return _attach(
        document.case,
        document,
        title=document.title,
        kind=document.kind,
        upload=upload,
        original_name=original_name,
        acting_user=acting_user,
        declared_type=declared_type,
        expected_sha256=expected_sha256,
        expected_size=expected_size,
        at=at,
    )


def _attach(
    case: Case,
    document: Document | None,
    *,
    title: str,
    kind: str,
    upload: Any,
    original_name: str,
    acting_user: User | None,
    declared_type: str | None,
    expected_sha256: str | None,
    expected_size: int | None,
    at: datetime.datetime | None,
    max_size: int = MAX_DOCUMENT_SIZE,
) -> DocumentVersion:
    """Store the file, then write the rows, history and audit entry in one transaction.

    The file is checked and stored first, outside the transaction: checking and copying a file
    of several GB must not hold the database's write lock (on SQLite every other writer would
    wait for it). If anything after fails, the commit included, the stored file is removed, so
    nothing half-written remains on either side.
    """
    stored = uploads.store_upload(
        upload,
        directory=_document_directory(case),
        original_name=original_name,
        declared_type=declared_type,
        expected_sha256=expected_sha256,
        expected_size=expected_size,
        max_size=max_size,
    )
    try:
        with transaction.atomic():
            if document is None:
                document = Document.objects.create(case=case, title=title, kind=DocumentKind(kind))
            else:
                Document.objects.select_for_update().filter(pk=document.pk).first()
            version = _version_row(document, stored, acting_user)
            _touch(case)
            _event(
                case,
                EventKind.DOCUMENT,
                acting_user,
                details={"added": title, "version": version.number},
                at=at,
            )
            _audit(
                case,
                "document_added" if version.number == 1 else "document_version",
                acting_user,
                document=str(document.public_id),
                version=version.number,
                sha256=version.sha256,
                size=version.size,
            )
    except BaseException:
        uploads.delete_stored(stored.relative_path)
        raise
    return version


@transaction.atomic
def do_update_case_settings(
    authority: Authority, changes: Mapping[str, Any], *, acting_user: User
) -> CaseSettings:
    case_settings = settings_for(authority)
    diff = {}
    for name, value in changes.items():
        if getattr(case_settings, name) != value:
            diff[name] = [_plain(getattr(case_settings, name)), _plain(value)]
            setattr(case_settings, name, value)
    if diff:
        case_settings.save()
        record(
            "case_settings.updated",
            acting_user=acting_user,
            authority_id=authority.pk,
            object_type="authority",
            object_ref=authority.code,
            details={"changes": diff},
        )
    return case_settings


@transaction.atomic
def do_add_holiday(
    authority: Authority, day: datetime.date, name: str, *, acting_user: User
) -> Holiday:
    holiday, _created = Holiday.objects.update_or_create(
        authority=authority, day=day, defaults={"name": name}
    )
    record(
        "holiday.added",
        acting_user=acting_user,
        authority_id=authority.pk,
        object_type="authority",
        object_ref=authority.code,
        details={"day": day.isoformat(), "name": name},
    )
    return holiday


@transaction.atomic
def do_remove_holiday(holiday: Holiday, *, acting_user: User) -> None:
    authority = holiday.authority
    day = holiday.day
    holiday.delete()
    record(
        "holiday.removed",
        acting_user=acting_user,
        authority_id=authority.pk,
        object_type="authority",
        object_ref=authority.code,
        details={"day": day.isoformat()},
    )


__all__ = [
    "CASE_FIELDS",
    "MAX_DOCUMENT_SIZE",
    "PERSON_FIELDS",
    "Status",
    "TransitionRefused",
    "default_deadline",
    "do_add_document",
    "do_add_document_version",
    "do_add_holiday",
    "do_add_measure",
    "do_add_offence",
    "do_add_person",
    "do_answer_follow_up",
    "do_assign_officer",
    "do_change_measure_status",
    "do_link_cases",
    "do_log_follow_up",
    "do_register_case",
    "do_remove_holiday",
    "do_remove_offence",
    "do_remove_person",
    "do_set_measure_deadline",
    "do_set_measure_details",
    "do_transition",
    "do_update_case",
    "do_update_case_settings",
    "settings_for",
]
