"""Who decides on a finalised version: its addressee, or a supervisor he delegated to.

Decision 0026. When finalising, the drafter submits the version to one supervisor of the
authority (or to any). An addressed version is approved or returned by its addressee, or by a
supervisor holding a delegation from the addressee that covers today; an unaddressed one by any
supervisor of the authority; never by its drafter (four eyes, decision 0025). Delegation chains
are not followed: A -> B and B -> C does not let C decide on what was submitted to A.

``do_delegate_approval`` and ``do_revoke_delegation`` are the actions (audited like the others
of the request writer); the rest are the rules the actions, the inbox and the case list share.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rogatory.accounts.models import Role, User
from rogatory.audit.actions import record

from .models import ApprovalDelegation, RequestVersion

if TYPE_CHECKING:
    from rogatory.cases.models.case import CaseQuerySet

# Longest delegation: a year, both days included (a longer absence is a change of role).
MAX_DAYS = 366


class DelegationRefused(Exception):
    """A delegation, or its revocation, refused; ``message`` says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def supervisors_of(authority_id: int) -> QuerySet[User]:
    """The authority's active supervisors, by name."""
    return User.objects.filter(
        authority_id=authority_id, role=Role.SUPERVISOR, is_active=True
    ).order_by("last_name", "first_name", "username")


def display_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def _decides_directly(addressee: User | None, authority_id: int) -> bool:
    """True when the version is open to any supervisor: unaddressed, or its addressee is no
    longer an active supervisor of the authority (else it would wait for nobody)."""
    return (
        addressee is None
        or not addressee.is_active
        or addressee.role != Role.SUPERVISOR
        or addressee.authority_id != authority_id
    )


@dataclass(frozen=True)
class Decider:
    """Whether a user may approve or return a version, and on whose behalf."""

    allowed: bool
    on_behalf_of: User | None = None


def decider(version: RequestVersion, user: User, day: datetime.date | None = None) -> Decider:
    """May ``user`` decide on ``version`` on ``day`` (today): the rules of decision 0026."""
    authority_id = version.case.authority_id
    if (
        user.role != Role.SUPERVISOR
        or user.authority_id != authority_id
        or not user.is_active
        or version.finalised_by_id == user.pk
    ):
        return Decider(False)
    addressee = version.addressed_to
    if _decides_directly(addressee, authority_id) or addressee == user:
        return Decider(True)
    day = day or timezone.localdate()
    delegated = (
        ApprovalDelegation.objects.in_force(day)
        .filter(authority_id=authority_id, delegator=addressee, delegate=user)
        .exists()
    )
    return Decider(True, addressee) if delegated else Decider(False)


def delegators_for(user: User, day: datetime.date) -> QuerySet[ApprovalDelegation]:
    """The delegations to ``user`` in force on ``day``, within his authority."""
    if user.authority_id is None:
        return ApprovalDelegation.objects.none()
    return ApprovalDelegation.objects.in_force(day).filter(
        authority_id=user.authority_id, delegate=user
    )


def awaiting_decision_by(user: User, day: datetime.date | None = None) -> QuerySet[RequestVersion]:
    """The finalised versions ``user`` (a supervisor) may approve or return on ``day``."""
    if user.role != Role.SUPERVISOR or user.authority_id is None:
        return RequestVersion.objects.none()
    day = day or timezone.localdate()
    # As _decides_directly: unaddressed, or addressed to someone no longer a supervisor here.
    open_to_any = Q(addressed_to__isnull=True) | ~Q(
        addressed_to__in=supervisors_of(user.authority_id).values("pk")
    )
    return (
        RequestVersion.objects.filter(
            case__authority_id=user.authority_id, status=RequestVersion.Status.FINALISED
        )
        .exclude(finalised_by_id=user.pk)
        .filter(
            open_to_any
            | Q(addressed_to=user)
            | Q(addressed_to__in=delegators_for(user, day).values("delegator"))
        )
    )


def awaiting_approval_filter(cases: CaseQuerySet, user: User) -> CaseQuerySet:
    """The case list's ``?awaiting=approval`` for a supervisor: the drafts with a version he may
    decide on today (registered as the cases app's hook, so the lower app imports nothing)."""
    if user.role != Role.SUPERVISOR:
        return cases
    return cases.filter(Exists(awaiting_decision_by(user).filter(case=OuterRef("pk"))))


def default_addressee(case_id: int, drafter: User) -> User | None:
    """Whom a new version is submitted to unless the drafter chooses: the supervisor who
    approved the case's previous version, if still an active supervisor other than the drafter."""
    previous = (
        RequestVersion.objects.filter(case_id=case_id, approved_by_id__isnull=False)
        .order_by("-number")
        .values_list("approved_by_id", flat=True)
        .first()
    )
    if previous is None or previous == drafter.pk or drafter.authority_id is None:
        return None
    return supervisors_of(drafter.authority_id).filter(pk=previous).first()


def to_notify_on_finalise(addressee: User | None, authority_id: int, drafter: User) -> list[User]:
    """Who hears that a version awaits approval: the addressee and his delegates in force
    today, or every supervisor when the version is open to any."""
    if _decides_directly(addressee, authority_id):
        people = supervisors_of(authority_id).exclude(pk=drafter.pk)
        return list(people)
    assert addressee is not None
    delegates = ApprovalDelegation.objects.in_force(timezone.localdate()).filter(
        authority_id=authority_id, delegator=addressee
    )
    people = supervisors_of(authority_id).filter(
        Q(pk=addressee.pk) | Q(pk__in=delegates.values("delegate"))
    )
    return list(people.exclude(pk=drafter.pk))


def _audit(delegation: ApprovalDelegation, verb: str, acting_user: User, **details: object) -> None:
    record(
        f"approval.{verb}",
        acting_user=acting_user,
        authority_id=delegation.authority_id,
        object_type="approval_delegation",
        object_ref=str(delegation.public_id),
        details={
            "delegator": delegation.delegator.get_username(),
            "delegate": delegation.delegate.get_username(),
            "starts_on": delegation.starts_on.isoformat(),
            "ends_on": delegation.ends_on.isoformat(),
            **details,
        },
    )


@transaction.atomic
def do_delegate_approval(
    delegate: User,
    *,
    starts_on: datetime.date,
    ends_on: datetime.date,
    reason: str = "",
    acting_user: User,
) -> ApprovalDelegation:
    """``acting_user``, a supervisor, lets ``delegate`` decide for him from ``starts_on`` to
    ``ends_on`` (both included); ``DelegationRefused`` says why not."""
    if acting_user.role != Role.SUPERVISOR or acting_user.authority_id is None:
        raise PermissionError("Only a supervisor delegates approval.")
    if (
        delegate.pk == acting_user.pk
        or delegate.role != Role.SUPERVISOR
        or delegate.authority_id != acting_user.authority_id
        or not delegate.is_active
    ):
        raise DelegationRefused(
            _("Approval is delegated to another active supervisor of your authority.")
        )
    today = timezone.localdate()
    if starts_on < today:
        raise DelegationRefused(_("A delegation cannot start in the past."))
    if ends_on < starts_on:
        raise DelegationRefused(_("A delegation ends on or after the day it starts."))
    if (ends_on - starts_on).days + 1 > MAX_DAYS:
        raise DelegationRefused(_("A delegation lasts at most %(days)s days.") % {"days": MAX_DAYS})
    # One delegator's delegations are decided one at a time, so two overlapping ones made at
    # the same moment cannot both pass the check below.
    User.objects.select_for_update().filter(pk=acting_user.pk).first()
    overlapping = (
        ApprovalDelegation.objects.filter(delegator=acting_user, revoked_at__isnull=True)
        .filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
        .select_related("delegate")
        .first()
    )
    if overlapping is not None:
        raise DelegationRefused(
            _(
                "You already delegated approval to %(name)s from %(start)s to %(end)s: "
                "revoke that delegation first, or choose days outside it."
            )
            % {
                "name": display_name(overlapping.delegate),
                "start": overlapping.starts_on.isoformat(),
                "end": overlapping.ends_on.isoformat(),
            }
        )
    delegation = ApprovalDelegation.objects.create(
        authority_id=acting_user.authority_id,
        delegator=acting_user,
        delegate=delegate,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.strip(),
        created_by=acting_user,
    )
    _audit(delegation, "delegated", acting_user, reason=delegation.reason)
    return delegation


@transaction.atomic
def do_revoke_delegation(delegation: ApprovalDelegation, *, acting_user: User) -> None:
    """End a delegation now: its delegator withdraws it, or its delegate declines it."""
    locked = ApprovalDelegation.objects.select_for_update().get(pk=delegation.pk)
    if acting_user.pk not in (locked.delegator_id, locked.delegate_id):
        raise DelegationRefused(
            _("Only the supervisor who delegated, or his delegate, revokes a delegation.")
        )
    if locked.revoked_at is not None:
        raise DelegationRefused(_("This delegation was already revoked."))
    locked.revoked_at = timezone.now()
    locked.revoked_by = acting_user
    locked.save(update_fields=["revoked_at", "revoked_by"])
    _audit(locked, "delegation_revoked", acting_user)
