"""Access helpers: the only way views reach assets and informal enquiries (decision 0004).

An asset is reached through its case (``get_case_for_user``): whoever may not see the case
gets 404 for its assets too; supervisors read (``can_write`` False, 403 on writes).
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404

from rogatory.accounts.models import User
from rogatory.cases.access import get_case_for_user

from .models import Asset, InformalEnquiry


def _uuid(value: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404("No such asset.") from None


def get_asset_for_user(user: User, case_id: object, asset_id: object) -> tuple[Asset, bool]:
    """Return the asset of the case and whether ``user`` may change it."""
    case, can_write = get_case_for_user(user, case_id)
    try:
        asset = case.assets.select_related("location_state", "currency").get(
            public_id=_uuid(asset_id)
        )
    except Asset.DoesNotExist:
        raise Http404("No such asset.") from None
    asset.case = case
    return asset, can_write


def get_asset_for_writing(user: User, case_id: object, asset_id: object) -> Asset:
    asset, can_write = get_asset_for_user(user, case_id, asset_id)
    if not can_write:
        raise PermissionDenied("Read-only role.")
    return asset


def get_enquiry_for_user(user: User, enquiry_id: object) -> tuple[InformalEnquiry, bool]:
    try:
        enquiry = InformalEnquiry.objects.for_user(user).get(public_id=_uuid(enquiry_id))
    except InformalEnquiry.DoesNotExist:
        raise Http404("No such enquiry.") from None
    return enquiry, user.can_write_cases


def authority_member(user: User, *, writing: bool = False) -> None:
    """403 for people of no authority (site administrators run the installation, they read
    no casework) and, when ``writing``, for read-only roles."""
    if user.authority_id is None:
        raise PermissionDenied("No authority.")
    if writing and not user.can_write_cases:
        raise PermissionDenied("Read-only role.")
