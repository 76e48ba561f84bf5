"""Reassigning an absent officer's requests to another officer (decision 0026).

A supervisor moves all the open requests of one officer, or those he selects, to another active
officer of the authority. Each case's history records the change of responsible officer as old
-> new, one audit entry records the whole move, and the new officer is told as he chose
(``cases_reassigned``, heard by the notifications app: one e-mail for the whole move). Closed
requests stay with the officer who handled them. Access to strictly confidential requests
follows the responsible officer (``Case.objects.for_user``): the new officer gains it with the
case, the former one loses it, as with any assignment.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils.translation import gettext as _

from rogatory.accounts.models import Role, User
from rogatory.audit.actions import record

from .actions import _check_officer, _event
from .choices import FINAL_STATUSES, EventKind
from .models import Case
from .models.case import CaseQuerySet

# Sent once per reassignment, with officer=, cases=, by= and site_url=.
cases_reassigned = Signal()

# Roles that may be responsible for a request (as ``actions._check_officer``).
RESPONSIBLE_ROLES = (Role.OFFICER, Role.AUTHORITY_ADMIN)


class ReassignRefused(Exception):
    """A reassignment refused; ``message`` says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def officers_of(authority_id: int, *, active_only: bool) -> QuerySet[User]:
    people = User.objects.filter(authority_id=authority_id, role__in=RESPONSIBLE_ROLES)
    if active_only:
        people = people.filter(is_active=True)
    return people.order_by("last_name", "first_name", "username")


def open_cases_of(officer: User) -> CaseQuerySet:
    """The officer's requests not yet finished — drafts included, unlike ``.open()``, since an
    absent drafter's drafts need another hand too —, oldest deadline first."""
    assert officer.authority_id is not None
    return (
        Case.objects.filter(authority_id=officer.authority_id, officer=officer)
        .exclude(status__in=FINAL_STATUSES)
        .order_by("deadline", "our_reference")
    )


@transaction.atomic
def do_reassign_cases(
    from_officer: User,
    to_officer: User,
    *,
    cases: Iterable[str] | None = None,
    acting_user: User,
    site_url: str = "",
) -> list[Case]:
    """Move ``from_officer``'s open requests (all, or those whose public ids are in ``cases``)
    to ``to_officer``; return the cases moved."""
    if acting_user.role != Role.SUPERVISOR or acting_user.authority_id is None:
        raise PermissionError("Only a supervisor reassigns requests.")
    authority_id = acting_user.authority_id
    if from_officer.authority_id != authority_id or from_officer.role not in RESPONSIBLE_ROLES:
        raise ReassignRefused(_("Choose an officer of your authority to move requests from."))
    if to_officer.pk == from_officer.pk:
        raise ReassignRefused(_("Choose another officer to move the requests to."))
    if not to_officer.is_active:
        raise ReassignRefused(_("The requests can only go to an active officer."))
    try:
        _check_officer(to_officer, authority_id)
    except ValueError:
        raise ReassignRefused(
            _("Choose an officer of your authority to move the requests to.")
        ) from None
    movable = open_cases_of(from_officer).select_for_update()
    if cases is not None:
        wanted = {str(pid) for pid in cases}
        moving = [case for case in movable if str(case.public_id) in wanted]
        if len(moving) != len(wanted):
            raise ReassignRefused(
                _(
                    "Some of the selected requests are no longer open "
                    "or no longer assigned to %(name)s."
                )
                % {"name": from_officer.get_full_name() or from_officer.get_username()}
            )
    else:
        moving = list(movable)
    if not moving:
        raise ReassignRefused(_("There is no open request to move."))
    old, new = from_officer.get_username(), to_officer.get_username()
    for case in moving:
        case.officer = to_officer
        case.save(update_fields=["officer", "updated_at"])
        _event(
            case,
            EventKind.ASSIGNED,
            acting_user,
            details={"fields": ["officer"], "changes": {"officer": [old, new]}, "reassigned": True},
        )
    record(
        "case.reassigned",
        acting_user=acting_user,
        authority_id=authority_id,
        object_type="user",
        object_ref=old,
        details={
            "from": old,
            "to": new,
            "cases": [case.our_reference for case in moving],
            "all": cases is None,
        },
    )
    # The notifications app tells the new officer as he chose (one e-mail for the whole move,
    # his digest, or the inbox only): it sits above cases and listens (decision 0027).
    cases_reassigned.send(
        sender=Case, officer=to_officer, cases=moving, by=acting_user, site_url=site_url
    )
    return moving
