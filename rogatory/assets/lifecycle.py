"""The recovery of an asset as a state machine kept as data (like cases/lifecycle.py, 0011).

Each ``Step`` names the stages it leaves from, the stage it leads to, the fields it needs and
which of them are required. ``available_steps`` tells the asset page which forms to show;
``check_step`` tells the action whether a step is allowed and, if not, why, in a sentence.

The stages follow UNCAC chapter V and the CARIN cycle: identify and trace (art. 52), secure by
freezing or seizure (art. 54(2), 31), confiscate (art. 54(1), criminal, non-conviction-based
or civil), manage (Dir. (EU) 2024/1260 arts. 20-22), dispose of, then share or return
(art. 57: category 57(3)(a)-(c), reasonable expenses deducted under 57(4), agreements under
57(5)). Orders securing an asset may be extended, or lifted or lapse (the asset is released).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .choices import Stage

S = Stage


@dataclass(frozen=True)
class Step:
    name: str
    label: str | Promise
    sources: frozenset[Stage]
    # None: the asset stays where it is (an order extended).
    target: Stage | None
    # Fields of the step form, in order; ``required`` of them must be given.
    fields: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    # What the step's amount means, for the form and the page.
    amount_label: str | Promise = ""

    def applies_to(self, stage: str) -> bool:
        return stage in self.sources


ORDER = ("order_reference", "ordering_authority")
SECURE = (*ORDER, "expires_on", "amount", "currency")

STEPS: tuple[Step, ...] = (
    Step("trace", _("Record as traced"), frozenset({S.IDENTIFIED}), S.TRACED),
    Step(
        "freeze",
        _("Record a freezing order"),
        frozenset({S.IDENTIFIED, S.TRACED}),
        S.FROZEN,
        fields=SECURE,
        required=("ordering_authority",),
        amount_label=_("Amount frozen"),
    ),
    Step(
        "seize",
        _("Record a seizure"),
        frozenset({S.IDENTIFIED, S.TRACED}),
        S.SEIZED,
        fields=SECURE,
        required=("ordering_authority",),
        amount_label=_("Value seized"),
    ),
    Step(
        "extend",
        _("Record an extension of the order"),
        frozenset({S.FROZEN, S.SEIZED}),
        None,
        fields=(*ORDER, "expires_on"),
        required=("expires_on",),
    ),
    Step(
        "release",
        _("Record the order as lifted or lapsed"),
        frozenset({S.FROZEN, S.SEIZED}),
        S.RELEASED,
        required=("note",),
    ),
    Step(
        "confiscate",
        _("Record a confiscation"),
        frozenset({S.FROZEN, S.SEIZED}),
        S.CONFISCATED,
        fields=("confiscation_type", *ORDER, "amount", "currency"),
        required=("confiscation_type", "ordering_authority", "amount", "currency"),
        amount_label=_("Amount confiscated"),
    ),
    Step(
        "manage",
        _("Record management"),
        frozenset({S.CONFISCATED}),
        S.MANAGED,
        fields=("manager", "amount", "currency"),
        required=("manager",),
        amount_label=_("Costs of management"),
    ),
    Step(
        "dispose",
        _("Record the disposal"),
        frozenset({S.CONFISCATED, S.MANAGED}),
        S.DISPOSED,
        fields=("amount", "currency"),
        required=("amount", "currency"),
        amount_label=_("Sale proceeds"),
    ),
    Step(
        "share",
        _("Record sharing with another state"),
        frozenset({S.CONFISCATED, S.MANAGED, S.DISPOSED}),
        S.SHARED,
        fields=("counterpart_state", "agreement", "amount", "currency"),
        required=("counterpart_state", "agreement", "amount", "currency"),
        amount_label=_("Amount shared"),
    ),
    Step(
        "return",
        _("Record the return (UNCAC art. 57)"),
        frozenset({S.CONFISCATED, S.MANAGED, S.DISPOSED}),
        S.RETURNED,
        fields=(
            "return_category",
            "counterpart_state",
            "agreement",
            "amount",
            "currency",
            "expenses_deducted",
            "end_use",
        ),
        required=("return_category", "counterpart_state", "amount", "currency"),
        amount_label=_("Amount returned"),
    ),
)
STEP_BY_NAME = {step.name: step for step in STEPS}

# Steps whose amount counts as frozen or seized, confiscated, returned (the figures).
SECURING_STEPS = ("freeze", "seize")


class StepRefused(Exception):
    """A step the lifecycle does not allow; ``message`` says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def available_steps(stage: str) -> list[Step]:
    return [step for step in STEPS if step.applies_to(stage)]


def _stage_names(stages: frozenset[Stage]) -> str:
    return ", ".join(str(s.label) for s in Stage if s in stages)


def check_step(
    stage: str,
    step_name: str,
    data: dict[str, Any],
    *,
    previous_amount: tuple[Decimal, str] | None = None,
) -> Step:
    """Return the step if it may be taken from ``stage`` with ``data``; raise StepRefused.

    ``previous_amount`` is the amount confiscated (or the sale proceeds) with its currency:
    what is shared or returned, with the expenses deducted, may not exceed it.
    """
    step = STEP_BY_NAME.get(step_name)
    if step is None:
        raise StepRefused(gettext("There is no such step."))
    if not step.applies_to(stage):
        raise StepRefused(
            gettext(
                "“%(step)s” is not possible for an asset that is %(stage)s: "
                "it is possible only when the asset is %(sources)s."
            )
            % {
                "step": step.label,
                "stage": str(Stage(stage).label).lower(),
                "sources": _stage_names(step.sources).lower(),
            }
        )
    missing = [name for name in step.required if data.get(name) in (None, "")]
    if missing:
        raise StepRefused(
            gettext("Give %(fields)s.") % {"fields": ", ".join(field_label(n) for n in missing)}
        )
    amount = data.get("amount")
    if amount is not None and not data.get("currency"):
        raise StepRefused(gettext("Give the currency of the amount."))
    if amount is not None and amount < 0:
        raise StepRefused(gettext("An amount may not be negative."))
    expenses = data.get("expenses_deducted")
    if expenses is not None:
        if expenses < 0:
            raise StepRefused(gettext("An amount may not be negative."))
        if amount is None:
            raise StepRefused(gettext("Give the amount returned with the expenses deducted."))
    on: datetime.date | None = data.get("on")
    expires_on: datetime.date | None = data.get("expires_on")
    if on and expires_on and expires_on <= on:
        raise StepRefused(gettext("The order must expire after the day it was made."))
    if previous_amount and amount is not None and step.name in ("share", "return"):
        ceiling, currency = previous_amount
        if data.get("currency") == currency and amount + (expenses or 0) > ceiling:
            raise StepRefused(
                gettext(
                    "%(amount)s %(currency)s with the expenses deducted is more than the "
                    "%(ceiling)s %(currency)s confiscated or realised."
                )
                % {"amount": amount + (expenses or 0), "currency": currency, "ceiling": ceiling}
            )
    return step


FIELD_LABELS: dict[str, str | Promise] = {
    "order_reference": _("order reference"),
    "ordering_authority": _("authority that made the order"),
    "expires_on": _("expiry of the order"),
    "amount": _("amount"),
    "currency": _("currency"),
    "confiscation_type": _("type of confiscation"),
    "manager": _("manager of the asset"),
    "counterpart_state": _("state that receives it"),
    "agreement": _("agreement or arrangement"),
    "return_category": _("category of return (UNCAC art. 57(3))"),
    "expenses_deducted": _("reasonable expenses deducted (UNCAC art. 57(4))"),
    "end_use": _("end use agreed"),
    "note": _("note"),
}


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))
