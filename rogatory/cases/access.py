"""Access helpers: the only way views reach cases and what hangs off them.

"Absent" and "not yours" both raise Http404; ``can_write`` is False for supervisors (they read,
report and approve) and the view answers 403 when they try to write.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404

from rogatory.accounts.models import User

from .models import Case, Document, DocumentVersion, FollowUp, Measure, Person, UploadSession


def _uuid(value: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404("No such request.") from None


def get_case_for_user(user: User, public_id: object) -> tuple[Case, bool]:
    """Return the case and whether ``user`` may change it."""
    try:
        case = (
            Case.objects.for_user(user)
            .select_related(
                "authority",
                "requesting_state",
                "requested_state",
                "officer",
                "legal_basis",
                "requesting_authority",
                "requested_authority",
            )
            .get(public_id=_uuid(public_id))
        )
    except Case.DoesNotExist:
        raise Http404("No such request.") from None
    return case, user.can_write_cases


def get_case_for_writing(user: User, public_id: object) -> Case:
    """Return the case if ``user`` may change it: 404 when not theirs, 403 when read-only."""
    case, can_write = get_case_for_user(user, public_id)
    if not can_write:
        raise PermissionDenied("Read-only role.")
    return case


def get_measure_for_user(user: User, case_id: object, measure_id: object) -> tuple[Measure, bool]:
    case, can_write = get_case_for_user(user, case_id)
    try:
        return case.measures.get(public_id=_uuid(measure_id)), can_write
    except Measure.DoesNotExist:
        raise Http404("No such measure.") from None


def get_person_for_user(user: User, case_id: object, person_id: object) -> tuple[Person, bool]:
    case, can_write = get_case_for_user(user, case_id)
    try:
        return case.persons.get(public_id=_uuid(person_id)), can_write
    except Person.DoesNotExist:
        raise Http404("No such person.") from None


def get_follow_up_for_user(
    user: User, case_id: object, follow_up_id: object
) -> tuple[FollowUp, bool]:
    case, can_write = get_case_for_user(user, case_id)
    try:
        return case.follow_ups.get(public_id=_uuid(follow_up_id)), can_write
    except FollowUp.DoesNotExist:
        raise Http404("No such status request.") from None


def get_document_for_user(
    user: User, case_id: object, document_id: object
) -> tuple[Document, bool]:
    case, can_write = get_case_for_user(user, case_id)
    try:
        document = case.documents.get(public_id=_uuid(document_id))
    except Document.DoesNotExist:
        raise Http404("No such document.") from None
    document.case = case
    return document, can_write


def get_document_version_for_user(
    user: User, case_id: object, document_id: object, number: int
) -> DocumentVersion:
    document, _can_write = get_document_for_user(user, case_id, document_id)
    try:
        version = document.versions.get(number=number)
    except DocumentVersion.DoesNotExist:
        raise Http404("No such version.") from None
    version.document = document
    return version


def get_upload_for_user(
    user: User, case_id: object, upload_id: object
) -> tuple[UploadSession, bool]:
    """Return an upload of the case and whether ``user`` may send its chunks (its uploader)."""
    case, can_write = get_case_for_user(user, case_id)
    try:
        upload = case.upload_sessions.select_related("document_version__document").get(
            public_id=_uuid(upload_id)
        )
    except UploadSession.DoesNotExist:
        raise Http404("No such upload.") from None
    upload.case = case
    # The file becomes a document in the uploader's name: only they may add to it.
    return upload, can_write and upload.uploaded_by_id == user.pk


def get_upload_for_writing(user: User, case_id: object, upload_id: object) -> UploadSession:
    upload, can_write = get_upload_for_user(user, case_id, upload_id)
    if not can_write:
        raise PermissionDenied("Read-only role, or another person's upload.")
    return upload
