"""Every write of asset recovery goes through one of these actions.

Each runs in one transaction, writes an audit entry (``asset.*``) and, for what concerns a
request, a line of its history (``EventKind.ASSET``). Views and the demo loader call these.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rogatory.accounts.models import Authority, User
from rogatory.audit.actions import record
from rogatory.cases.actions import add_history_event
from rogatory.cases.choices import EventKind
from rogatory.cases.models import Case
from rogatory.reference.models import Currency, State

from .choices import SECURED_STAGES, Stage, UncacOffence
from .lifecycle import StepRefused, check_step
from .models import Asset, AssetEvent, ExchangeRate, InformalEnquiry

ASSET_FIELDS = (
    "kind",
    "description",
    "location_state",
    "holder",
    "value",
    "currency",
    "valued_on",
    "uncac_offences",
    "transit_states",
    "bribe_payer_states",
)
# Several states each (Asset Recovery Watch), set once the asset exists.
STATE_LISTS = ("transit_states", "bribe_payer_states")


def _plain(value: Any) -> Any:
    """A value as it goes into JSON: dates and amounts as text, rows by key."""
    if isinstance(value, (datetime.date, Decimal)):
        return str(value)
    if isinstance(value, (State, Currency)):
        return value.pk
    if isinstance(value, (list, tuple, QuerySet)):
        return [_plain(item) for item in value]
    return value


def _history(case: Case, acting_user: User | None, details: dict[str, Any], note: str = "") -> None:
    add_history_event(case, EventKind.ASSET, acting_user, reason=note, details=details)


def _audit(
    verb: str, acting_user: User | None, authority_id: int, ref: str, **details: Any
) -> None:
    record(
        f"asset.{verb}",
        acting_user=acting_user,
        authority_id=authority_id,
        object_type="asset",
        object_ref=ref,
        details={k: _plain(v) for k, v in details.items()},
    )


@transaction.atomic
def do_add_asset(case: Case, *, fields: dict[str, Any], acting_user: User) -> Asset:
    """Record an asset of ``case``, identified."""
    columns = {k: v for k, v in fields.items() if k not in STATE_LISTS}
    columns["uncac_offences"] = _check_facts(fields)
    asset = Asset.objects.create(case=case, authority_id=case.authority_id, **columns)
    for name in STATE_LISTS:
        if fields.get(name):
            getattr(asset, name).set(fields[name])
    _history(
        case,
        acting_user,
        {"added": f"{asset.get_kind_display()}: {asset.description[:80]}"},
    )
    _audit(
        "added",
        acting_user,
        case.authority_id,
        str(asset.public_id),
        case=str(case.public_id),
        **{name: fields.get(name) for name in ASSET_FIELDS if fields.get(name) not in (None, "")},
    )
    return asset


def _check_facts(fields: dict[str, Any]) -> list[str]:
    """Refuse what no form lets through; return the UNCAC offences in the convention's order."""
    unknown = set(fields) - set(ASSET_FIELDS)
    if unknown:
        raise ValueError(f"not asset fields: {sorted(unknown)}")
    if fields.get("value") is not None and not fields.get("currency"):
        raise StepRefused(_("Give the currency of the value."))
    if fields.get("value") is not None and fields["value"] < 0:
        raise StepRefused(_("An amount may not be negative."))
    offences = list(fields.get("uncac_offences") or [])
    if set(offences) - set(UncacOffence.values):
        raise StepRefused(_("Choose the UNCAC offences from the list."))
    return [o for o in UncacOffence.values if o in offences]


def _field_name(name: str) -> str:
    return str(getattr(Asset._meta.get_field(name), "verbose_name", name))


def _state_codes(states: Any) -> list[str]:
    return sorted(s.pk if isinstance(s, State) else str(s) for s in states or [])


@transaction.atomic
def do_update_asset(asset: Asset, *, fields: dict[str, Any], acting_user: User) -> Asset:
    """Correct or complete the facts of ``asset`` (not its stage: that is the steps')."""
    asset = Asset.objects.select_for_update(of=("self",)).select_related("case").get(pk=asset.pk)
    offences = _check_facts(fields)
    changes: dict[str, Any] = {}
    for name, value in fields.items():
        if name in STATE_LISTS:
            before = _state_codes(getattr(asset, name).all())
            after = _state_codes(value)
            if before != after:
                getattr(asset, name).set(value or [])
                changes[name] = [before, after]
            continue
        if name == "uncac_offences":
            value = offences
        current = getattr(asset, name)
        # Compared as values (1.00 and 1.0000 are the same amount), recorded as text.
        if current != value and not (current in (None, "") and value in (None, "")):
            changes[name] = [_plain(current), _plain(value)]
            setattr(asset, name, value)
    if not changes:
        return asset
    asset.save()
    _history(
        asset.case,
        acting_user,
        {
            "to": _("%(asset)s: %(fields)s corrected")
            % {
                "asset": asset.description[:60],
                "fields": ", ".join(_field_name(n) for n in changes),
            },
            "asset": str(asset.public_id),
        },
    )
    _audit("updated", acting_user, asset.authority_id, str(asset.public_id), changes=changes)
    return asset


def _realised(asset: Asset) -> tuple[Decimal, str] | None:
    """The latest amount confiscated or realised by sale, with its currency."""
    event = (
        asset.events.filter(step__in=("confiscate", "dispose"), amount__isnull=False)
        .order_by("-on", "-at", "-id")
        .first()
    )
    if event is None or event.amount is None or event.currency_id is None:
        return None
    return event.amount, event.currency_id


@transaction.atomic
def do_take_step(
    asset: Asset,
    step_name: str,
    *,
    on: datetime.date,
    data: dict[str, Any],
    note: str = "",
    acting_user: User,
) -> AssetEvent:
    """Move ``asset`` one step along its recovery, or raise StepRefused with the reason."""
    asset = Asset.objects.select_for_update(of=("self",)).select_related("case").get(pk=asset.pk)
    values = {k: v for k, v in data.items() if v not in (None, "")}
    note = note or str(values.get("note", ""))
    if note:
        values["note"] = note
    currency = values.get("currency")
    currency_code = currency.pk if isinstance(currency, Currency) else currency
    step = check_step(
        asset.stage,
        step_name,
        {**values, "on": on, "currency": currency_code},
        previous_amount=_realised(asset),
    )
    from_stage = asset.stage
    target = step.target or Stage(asset.stage)
    typed = {"amount", "currency", "expenses_deducted", "expires_on", "note"}
    event = AssetEvent.objects.create(
        asset=asset,
        step=step.name,
        from_stage=from_stage,
        to_stage=target,
        on=on,
        amount=values.get("amount"),
        currency_id=currency_code,
        expenses_deducted=values.get("expenses_deducted"),
        expires_on=values.get("expires_on"),
        details={k: _plain(v) for k, v in values.items() if k not in typed},
        note=note,
        at=timezone.now(),
        actor_id=acting_user.pk,
        actor_name=acting_user.get_username(),
    )
    asset.stage = target
    if target in SECURED_STAGES:
        if "expires_on" in values:
            asset.order_expires_on = values["expires_on"]
    else:
        asset.order_expires_on = None
    asset.save(update_fields=["stage", "order_expires_on", "updated_at"])
    _history(
        asset.case,
        acting_user,
        {
            "to": _("%(asset)s: %(step)s (%(from)s → %(to)s)")
            % {
                "asset": asset.description[:60],
                "step": step.label,
                "from": Stage(from_stage).label,
                "to": Stage(target).label,
            },
            "asset": str(asset.public_id),
            "step": step.name,
        },
        note,
    )
    _audit(
        f"step.{step.name}",
        acting_user,
        asset.authority_id,
        str(asset.public_id),
        on=on,
        from_stage=from_stage,
        to_stage=target,
        **{k: v for k, v in values.items()},
    )
    return event


@transaction.atomic
def do_log_enquiry(
    authority: Authority,
    *,
    fields: dict[str, Any],
    case: Case | None = None,
    acting_user: User,
) -> InformalEnquiry:
    """Log an informal enquiry through CARIN or an ARIN (of a request, or of none)."""
    if case is not None and case.authority_id != authority.pk:
        raise ValueError("the case is another authority's")
    enquiry = InformalEnquiry.objects.create(
        authority=authority,
        case=case,
        recorded_by_name=acting_user.get_username(),
        **fields,
    )
    if case is not None:
        _history(
            case,
            acting_user,
            {
                "added": _("informal enquiry through %(network)s")
                % {"network": enquiry.get_network_display()}
            },
        )
    _audit(
        "enquiry.logged",
        acting_user,
        authority.pk,
        str(enquiry.public_id),
        case=str(case.public_id) if case else "",
        **fields,
    )
    return enquiry


@transaction.atomic
def do_answer_enquiry(
    enquiry: InformalEnquiry, *, answered_on: datetime.date, answer: str, acting_user: User
) -> InformalEnquiry:
    # Locked and checked: a second submission (a stale page, a double click) never replaces
    # an answer already recorded.
    enquiry = InformalEnquiry.objects.select_for_update(of=("self",)).get(pk=enquiry.pk)
    if enquiry.answered_on is not None:
        raise StepRefused(_("This enquiry already has its answer."))
    if answered_on < enquiry.sent_on:
        raise StepRefused(_("The answer cannot come before the enquiry was sent."))
    enquiry.answered_on = answered_on
    enquiry.answer = answer
    enquiry.save(update_fields=["answered_on", "answer"])
    _audit(
        "enquiry.answered",
        acting_user,
        enquiry.authority_id,
        str(enquiry.public_id),
        answered_on=answered_on,
    )
    return enquiry


@transaction.atomic
def do_add_rate(
    authority: Authority,
    *,
    from_currency: Currency,
    to_currency: Currency,
    rate: Decimal,
    on: datetime.date,
    source: str,
    acting_user: User,
) -> ExchangeRate:
    """Record an exchange rate the authority will convert totals with."""
    if from_currency.pk == to_currency.pk:
        raise StepRefused(_("A rate converts one currency into another: choose two."))
    if rate <= 0:
        raise StepRefused(_("A rate must be more than zero."))
    if not source.strip():
        raise StepRefused(_("Say where the rate comes from."))
    rate_row = ExchangeRate.objects.create(
        authority=authority,
        from_currency=from_currency,
        to_currency=to_currency,
        rate=rate,
        on=on,
        source=source.strip(),
        recorded_by_name=acting_user.get_username(),
    )
    _audit(
        "rate.added",
        acting_user,
        authority.pk,
        str(rate_row.pk),
        from_currency=from_currency.pk,
        to_currency=to_currency.pk,
        rate=rate,
        on=on,
        source=source,
    )
    return rate_row
