"""The lifecycle of a request as an explicit state machine, kept as data.

Each ``Transition`` names the statuses it leaves from, the status it leads to, the directions
it applies to, what the user must give (a reason, a refusal ground) and a guard on the case's
content. ``available_transitions`` tells the case page which buttons to show;
``check_transition`` tells an action whether a move is allowed and, if not, why — in a sentence
a central-authority officer understands.

Two rules of the Conventions are built in: before refusing or postponing an incoming request
the requested state consults (UNTOC art. 18(26)), so ``refuse`` and ``postpone`` leave only
from *consultation* for incoming requests; and a refusal always states its reason (18(23)).
For outgoing requests we record what the other state did, consulted or not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .choices import OPEN_MEASURE_STATUSES, Direction, MeasureStatus, RefusalGround, Status

if TYPE_CHECKING:
    from rogatory.accounts.models import User

    from .models import Case

Guard = Callable[["Case"], str | None]
BOTH = frozenset({Direction.INCOMING, Direction.OUTGOING})
INCOMING = frozenset({Direction.INCOMING})
OUTGOING = frozenset({Direction.OUTGOING})


@dataclass(frozen=True)
class Transition:
    name: str
    label: str | Promise
    sources: frozenset[Status]
    target: Status
    directions: frozenset[str] = BOTH
    needs_reason: bool = False
    needs_ground: bool = False
    guard: Guard | None = None
    # The date field of the case that this move sets, if any.
    date_field: str = ""

    def applies_to(self, case: Case) -> bool:
        return case.status in self.sources and case.direction in self.directions


class TransitionRefused(Exception):
    """A move the lifecycle does not allow; ``message`` says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _measure_statuses(case: Case) -> list[str]:
    return [m.status for m in case.measures.all()]


def _has_measures(case: Case) -> str | None:
    if not _measure_statuses(case):
        return gettext("Add at least one measure sought first.")
    return None


# Further checks before an outgoing request is sent, added by other apps (the request writer
# adds "approved by a supervisor"); each returns a message when the case may not be sent.
SEND_CHECKS: list[Guard] = []

# Called inside the transaction of every move, after it is recorded: another app (the secure
# exchange) tells the other state. Each hook takes (case, transition name, reason, ground,
# acting user).
AfterTransition = Callable[["Case", str, str, str, "User | None"], None]
AFTER_TRANSITION: list[AfterTransition] = []


def _ready_to_send(case: Case) -> str | None:
    for check in SEND_CHECKS:
        problem = check(case)
        if problem:
            return problem
    missing = []
    if not case.subject:
        missing.append(gettext("the subject matter"))
    if not case.summary_of_facts:
        missing.append(gettext("the summary of the facts"))
    if not case.purpose:
        missing.append(gettext("the purpose of the request"))
    if missing:
        return gettext("Before sending, give %(fields)s.") % {"fields": ", ".join(missing)}
    return _has_measures(case)


def _some_executed(case: Case) -> str | None:
    statuses = _measure_statuses(case)
    done = {MeasureStatus.EXECUTED, MeasureStatus.PARTIALLY_EXECUTED}
    if not any(s in done for s in statuses):
        return gettext("Mark at least one measure as executed or partially executed first.")
    return None


def _all_settled(case: Case) -> str | None:
    statuses = _measure_statuses(case)
    if not statuses:
        return gettext("Add at least one measure sought first.")
    still_open = sum(1 for s in statuses if s in OPEN_MEASURE_STATUSES)
    if still_open:
        return gettext(
            "%(count)d measure(s) are still open: execute, refuse or withdraw them first."
        ) % {"count": still_open}
    if MeasureStatus.EXECUTED not in statuses:
        return gettext("No measure was executed: record the refusal or withdrawal instead.")
    return None


ACTIVE = frozenset(
    {
        Status.SENT,
        Status.RECEIVED,
        Status.ACKNOWLEDGED,
        Status.UNDER_REVIEW,
        Status.INFO_REQUESTED,
        Status.INFO_PROVIDED,
        Status.IN_EXECUTION,
        Status.POSTPONED,
        Status.CONSULTATION,
        Status.PARTIALLY_EXECUTED,
    }
)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "send",
        _("Mark as sent"),
        frozenset({Status.DRAFT}),
        Status.SENT,
        OUTGOING,
        guard=_ready_to_send,
        date_field="sent_on",
    ),
    Transition(
        "acknowledge",
        _("Acknowledge receipt"),
        frozenset({Status.RECEIVED}),
        Status.ACKNOWLEDGED,
        INCOMING,
        date_field="acknowledged_on",
    ),
    Transition(
        "record_acknowledgement",
        _("Record their acknowledgement"),
        frozenset({Status.SENT}),
        Status.ACKNOWLEDGED,
        OUTGOING,
        date_field="acknowledged_on",
    ),
    Transition(
        "review",
        _("Start review"),
        frozenset({Status.ACKNOWLEDGED, Status.INFO_PROVIDED}),
        Status.UNDER_REVIEW,
    ),
    Transition(
        "request_info",
        _("Request additional information"),
        frozenset({Status.UNDER_REVIEW, Status.IN_EXECUTION, Status.CONSULTATION}),
        Status.INFO_REQUESTED,
        needs_reason=True,
    ),
    Transition(
        "info_provided",
        _("Additional information received"),
        frozenset({Status.INFO_REQUESTED}),
        Status.INFO_PROVIDED,
    ),
    Transition(
        "execute_start",
        _("Start execution"),
        frozenset({Status.UNDER_REVIEW, Status.INFO_PROVIDED, Status.CONSULTATION}),
        Status.IN_EXECUTION,
        guard=_has_measures,
    ),
    Transition(
        "resume",
        _("Resume execution"),
        frozenset({Status.POSTPONED, Status.PARTIALLY_EXECUTED}),
        Status.IN_EXECUTION,
    ),
    Transition(
        "consult",
        _("Open consultation (art. 18(26))"),
        frozenset({Status.UNDER_REVIEW, Status.INFO_PROVIDED, Status.IN_EXECUTION}),
        Status.CONSULTATION,
        needs_reason=True,
    ),
    Transition(
        "postpone",
        _("Postpone execution (art. 18(25))"),
        frozenset({Status.CONSULTATION}),
        Status.POSTPONED,
        INCOMING,
        needs_reason=True,
    ),
    Transition(
        "record_postponement",
        _("Record postponement by the requested state"),
        frozenset(
            {Status.ACKNOWLEDGED, Status.UNDER_REVIEW, Status.IN_EXECUTION, Status.CONSULTATION}
        ),
        Status.POSTPONED,
        OUTGOING,
        needs_reason=True,
    ),
    Transition(
        "execute_partially",
        _("Record partial execution"),
        frozenset({Status.IN_EXECUTION}),
        Status.PARTIALLY_EXECUTED,
        guard=_some_executed,
    ),
    Transition(
        "execute",
        _("Record execution"),
        frozenset({Status.IN_EXECUTION, Status.PARTIALLY_EXECUTED}),
        Status.EXECUTED,
        guard=_all_settled,
        date_field="executed_on",
    ),
    Transition(
        "refuse",
        _("Refuse (after consultation)"),
        frozenset({Status.CONSULTATION}),
        Status.REFUSED,
        INCOMING,
        needs_reason=True,
        needs_ground=True,
    ),
    Transition(
        "record_refusal",
        _("Record refusal by the requested state"),
        ACTIVE - {Status.PARTIALLY_EXECUTED},
        Status.REFUSED,
        OUTGOING,
        needs_reason=True,
        needs_ground=True,
    ),
    Transition(
        "withdraw",
        _("Withdraw"),
        ACTIVE | {Status.DRAFT},
        Status.WITHDRAWN,
        needs_reason=True,
    ),
    Transition(
        "close",
        _("Close the file"),
        frozenset({Status.EXECUTED, Status.PARTIALLY_EXECUTED, Status.REFUSED, Status.WITHDRAWN}),
        Status.CLOSED,
        date_field="closed_on",
    ),
)
BY_NAME = {t.name: t for t in TRANSITIONS}
# The status a new request starts in.
INITIAL_STATUS: dict[str, Status] = {
    Direction.INCOMING: Status.RECEIVED,
    Direction.OUTGOING: Status.DRAFT,
}


def available_transitions(case: Case) -> list[Transition]:
    """Moves that leave from the case's status in its direction (guards not yet checked)."""
    return [t for t in TRANSITIONS if t.applies_to(case)]


def check_transition(case: Case, name: str, *, reason: str = "", ground: str = "") -> Transition:
    """Return the transition ``name`` if ``case`` may take it now; raise TransitionRefused."""
    transition = BY_NAME.get(name)
    if transition is None:
        raise TransitionRefused(gettext("Unknown action “%(name)s”.") % {"name": name})
    if case.direction not in transition.directions:
        raise TransitionRefused(
            gettext("“%(action)s” does not apply to an %(direction)s request.")
            % {"action": transition.label, "direction": case.get_direction_display().lower()}
        )
    if case.status not in transition.sources:
        if (
            transition.name in {"refuse", "postpone"}
            and case.status in ACTIVE
            and case.direction == Direction.INCOMING
        ):
            raise TransitionRefused(
                gettext(
                    "Consult the requesting state before refusing or postponing "
                    "(art. 18(26)): open a consultation first."
                )
            )
        raise TransitionRefused(
            gettext("A request that is “%(status)s” cannot move to “%(target)s”.")
            % {"status": case.get_status_display(), "target": transition.target.label}
        )
    if transition.needs_ground and ground not in RefusalGround.values:
        raise TransitionRefused(gettext("Choose the ground for refusal."))
    if transition.needs_reason and not reason.strip():
        raise TransitionRefused(gettext("State the reason: it is kept with the request."))
    if transition.guard is not None:
        problem = transition.guard(case)
        if problem:
            raise TransitionRefused(problem)
    return transition


# Moves of a single measure sought: from its status to the statuses it may take next.
MEASURE_MOVES: dict[str, frozenset[str]] = {
    MeasureStatus.REQUESTED: frozenset(
        {
            MeasureStatus.IN_EXECUTION,
            MeasureStatus.POSTPONED,
            MeasureStatus.REFUSED,
            MeasureStatus.WITHDRAWN,
        }
    ),
    MeasureStatus.IN_EXECUTION: frozenset(
        {
            MeasureStatus.EXECUTED,
            MeasureStatus.PARTIALLY_EXECUTED,
            MeasureStatus.POSTPONED,
            MeasureStatus.REFUSED,
            MeasureStatus.WITHDRAWN,
        }
    ),
    MeasureStatus.POSTPONED: frozenset(
        {MeasureStatus.IN_EXECUTION, MeasureStatus.REFUSED, MeasureStatus.WITHDRAWN}
    ),
    MeasureStatus.PARTIALLY_EXECUTED: frozenset(
        {MeasureStatus.IN_EXECUTION, MeasureStatus.EXECUTED, MeasureStatus.WITHDRAWN}
    ),
    MeasureStatus.EXECUTED: frozenset(),
    MeasureStatus.REFUSED: frozenset(),
    MeasureStatus.WITHDRAWN: frozenset(),
}
# Measure statuses that need a stated reason.
MEASURE_NEEDS_REASON = frozenset(
    {MeasureStatus.POSTPONED, MeasureStatus.REFUSED, MeasureStatus.WITHDRAWN}
)


def check_measure_move(current: str, target: str, *, reason: str = "", ground: str = "") -> None:
    """Raise TransitionRefused unless a measure may go from ``current`` to ``target``."""
    if target not in MEASURE_MOVES.get(current, frozenset()):
        raise TransitionRefused(
            gettext("A measure that is “%(status)s” cannot become “%(target)s”.")
            % {"status": MeasureStatus(current).label, "target": MeasureStatus(target).label}
        )
    if target == MeasureStatus.REFUSED and ground not in RefusalGround.values:
        raise TransitionRefused(gettext("Choose the ground for refusal."))
    if target in MEASURE_NEEDS_REASON and not reason.strip():
        raise TransitionRefused(gettext("State the reason: it is kept with the request."))
