"""Pages of asset recovery: the case panel, an asset and its steps, the authority's assets
with totals and rates, and the informal enquiries (CARIN/ARIN)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rogatory.accounts.models import Authority, User
from rogatory.cases.access import get_case_for_writing
from rogatory.cases.actions import settings_for
from rogatory.cases.models import Case
from rogatory.lib.businessdays import add_business_days
from rogatory.reference.models import Currency, State

from .access import (
    authority_member,
    get_asset_for_user,
    get_asset_for_writing,
    get_enquiry_for_user,
)
from .actions import (
    ASSET_FIELDS,
    STATE_LISTS,
    do_add_asset,
    do_add_rate,
    do_answer_enquiry,
    do_log_enquiry,
    do_take_step,
    do_update_asset,
)
from .choices import SECURED_STAGES, ConfiscationType, ReturnCategory, Stage
from .forms import AnswerForm, AssetForm, EnquiryForm, RateForm, StepForm
from .lifecycle import STEP_BY_NAME, StepRefused, available_steps, check_step, field_label
from .models import Asset, ExchangeRate, InformalEnquiry
from .money import by_currency, convert, latest_rates


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def warn_until(authority: Authority, today: datetime.date) -> datetime.date:
    """The last expiry day that gets a warning: the authority's ``remind_before`` working
    days ahead, as for the reminders."""
    case_settings = settings_for(authority)
    return add_business_days(today, case_settings.remind_before, case_settings.work_calendar())


def _expiry(asset: Asset, today: datetime.date, until: datetime.date) -> str:
    """ "lapsed", "soon" or "" for the asset's order in force."""
    if asset.stage not in SECURED_STAGES or asset.order_expires_on is None:
        return ""
    if asset.order_expires_on < today:
        return "lapsed"
    return "soon" if asset.order_expires_on <= until else ""


def case_panel(request: HttpRequest, case: Case, can_write: bool) -> SafeString:
    """The "Assets" panel of the case page (added through cases.views.common.DETAIL_PANELS)."""
    assets = list(case.assets.select_related("location_state"))
    today = timezone.localdate()
    until = warn_until(case.authority, today)
    for asset in assets:
        asset.case = case  # for its link, without a query per asset
        asset.expiry = _expiry(asset, today, until)  # type: ignore[attr-defined]
    context = {
        "case": case,
        "assets": assets,
        "can_write": can_write,
        "enquiries": case.informal_enquiries.count(),
    }
    return SafeString(render_to_string("assets/_case_panel.html", context, request))


@login_required
def asset_add(request: HttpRequest, public_id: str) -> HttpResponse:
    case = get_case_for_writing(_user(request), public_id)
    form = AssetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            asset = do_add_asset(case, fields=form.cleaned_data, acting_user=_user(request))
        except StepRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The asset was recorded as identified."))
            return redirect(asset.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "assets/asset_form.html", {"case": case, "form": form}, status=status)


@login_required
def asset_edit(request: HttpRequest, public_id: str, asset_id: str) -> HttpResponse:
    """Correct or complete an asset's facts (its Asset Recovery Watch fields included)."""
    user = _user(request)
    asset = get_asset_for_writing(user, public_id, asset_id)
    initial = {name: getattr(asset, name) for name in ASSET_FIELDS if name not in STATE_LISTS}
    initial |= {name: list(getattr(asset, name).all()) for name in STATE_LISTS}
    form = AssetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            do_update_asset(asset, fields=form.cleaned_data, acting_user=user)
        except StepRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The asset was updated."))
            return redirect(asset.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    context = {"case": asset.case, "asset": asset, "form": form}
    return render(request, "assets/asset_form.html", context, status=status)


def _display(name: str, value: Any, states: dict[str, State]) -> str:
    """A step's detail as people read it: labels for codes, names for states."""
    labels: dict[str, Any] = {
        "confiscation_type": dict(ConfiscationType.choices),
        "return_category": dict(ReturnCategory.choices),
    }
    if name in labels:
        return str(labels[name].get(value, value))
    if name == "counterpart_state":
        state = states.get(value)
        return state.name if state else str(value)
    return str(value)


def _detail(
    request: HttpRequest,
    asset: Asset,
    can_write: bool,
    *,
    bound: StepForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    forms = []
    if can_write:
        for step in available_steps(asset.stage):
            if bound is not None and bound.step.name == step.name:
                forms.append(bound)
            else:
                forms.append(StepForm(step, initial={"on": today}))
    events = list(asset.events.all())
    # The states the steps name, in one query whatever the number of steps.
    named = {str(e.details.get("counterpart_state")) for e in events if e.details}
    states = State.objects.in_bulk([code for code in named if code != "None"])
    for event in events:
        event.label = STEP_BY_NAME[event.step].label  # type: ignore[attr-defined]
        event.fields = [  # type: ignore[attr-defined]
            (field_label(name), _display(name, value, states))
            for name, value in (event.details or {}).items()
        ]
    context = {
        "asset": asset,
        "case": asset.case,
        "can_write": can_write,
        "events": events,
        "step_forms": forms,
        "open_step": bound.step.name if bound is not None else "",
        "problem": problem,
        "expiry": _expiry(asset, today, warn_until(asset.case.authority, today)),
    }
    return render(request, "assets/asset_detail.html", context, status=status)


@login_required
def asset_detail(request: HttpRequest, public_id: str, asset_id: str) -> HttpResponse:
    asset, can_write = get_asset_for_user(_user(request), public_id, asset_id)
    return _detail(request, asset, can_write)


@login_required
@require_POST
def asset_step(request: HttpRequest, public_id: str, asset_id: str) -> HttpResponse:
    user = _user(request)
    asset = get_asset_for_writing(user, public_id, asset_id)
    step = STEP_BY_NAME.get(request.POST.get("step", ""))
    if step is None:
        return _detail(request, asset, True, problem=_("There is no such step."), status=400)
    if not step.applies_to(asset.stage):
        # A stale page or a forged form: say why, without showing the form as if it could go.
        try:
            check_step(asset.stage, step.name, {})
        except StepRefused as refused:
            return _detail(request, asset, True, problem=refused.message, status=400)
    form = StepForm(step, request.POST)
    if not form.is_valid():
        return _detail(request, asset, True, bound=form, status=400)
    try:
        do_take_step(
            asset,
            step.name,
            on=form.cleaned_data["on"],
            data=form.step_data(),
            note=form.cleaned_data.get("note", ""),
            acting_user=user,
        )
    except StepRefused as refused:
        asset.refresh_from_db()
        return _detail(request, asset, True, bound=form, problem=refused.message, status=400)
    asset.refresh_from_db()
    messages.success(
        request, _("The asset is now “%(stage)s”.") % {"stage": asset.get_stage_display()}
    )
    return redirect(asset.get_absolute_url())


def _totals(user: User, target: str) -> dict[str, Any]:
    """Per stage, the value of the authority's assets per currency, and converted."""
    assert user.authority_id is not None
    rows = (
        Asset.objects.for_user(user)
        .filter(value__isnull=False)
        .values_list("stage", "currency_id", "value")
    )
    per_stage: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    for stage, currency, value in rows:
        if currency and value is not None:
            per_stage[stage].append((currency, value))
    rates = latest_rates(user.authority_id, target) if target else {}
    totals = []
    for stage in Stage:
        if stage in per_stage:
            sums = by_currency(per_stage[stage])
            totals.append(
                {
                    "stage": stage.label,
                    "sums": sums,
                    "converted": convert(sums, target, rates) if target else None,
                }
            )
    return {"totals": totals, "rates_used": rates}


@login_required
def asset_list(request: HttpRequest) -> HttpResponse:
    """The authority's assets, orders about to lapse first, with totals per stage."""
    user = _user(request)
    authority_member(user)
    assert user.authority is not None
    today = timezone.localdate()
    until = warn_until(user.authority, today)
    assets = list(
        Asset.objects.for_user(user)
        .select_related("case", "location_state", "currency")
        .order_by("case__our_reference", "created_at")
    )
    for asset in assets:
        asset.expiry = _expiry(asset, today, until)  # type: ignore[attr-defined]
    expiring = [a for a in assets if a.expiry]  # type: ignore[attr-defined]
    target = request.GET.get("in", "")
    if target and not Currency.objects.filter(pk=target).exists():
        target = ""
    context = {
        "assets": assets,
        "expiring": expiring,
        "target": target,
        "currencies": sorted({a.currency_id for a in assets if a.currency_id}),
        "rates": ExchangeRate.objects.for_user(user)[:50],
        "rate_form": RateForm(initial={"on": today}),
        "can_write": user.can_write_cases,
        **_totals(user, target),
    }
    return render(request, "assets/asset_list.html", context)


@login_required
@require_POST
def asset_rate_add(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    authority_member(user, writing=True)
    assert user.authority is not None
    form = RateForm(request.POST)
    if form.is_valid():
        do_add_rate(user.authority, acting_user=user, **form.cleaned_data)
        messages.success(request, _("The rate was recorded."))
        return redirect("asset_list")
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect("asset_list")


def _enquiries_page(
    request: HttpRequest, form: EnquiryForm | None = None, status: int = 200
) -> HttpResponse:
    user = _user(request)
    enquiries = list(
        InformalEnquiry.objects.for_user(user).select_related("case", "counterpart_state")[:200]
    )
    if user.can_write_cases:
        for enquiry in enquiries:
            if enquiry.answered_on is None:
                # A form per enquiry, its ids its own (several on the page).
                enquiry.answer_form = AnswerForm(  # type: ignore[attr-defined]
                    auto_id=f"answer-{enquiry.public_id}-%s",
                    initial={"answered_on": timezone.localdate()},
                )
    context = {
        "enquiries": enquiries,
        "form": form or EnquiryForm(initial={"sent_on": timezone.localdate()}),
        "can_write": user.can_write_cases,
    }
    return render(request, "assets/enquiries.html", context, status=status)


@login_required
def enquiry_list(request: HttpRequest) -> HttpResponse:
    """Informal enquiries through CARIN and the ARINs, apart from the formal requests."""
    user = _user(request)
    authority_member(user, writing=request.method == "POST")
    if request.method != "POST":
        return _enquiries_page(request)
    assert user.authority is not None
    form = EnquiryForm(request.POST)
    if not form.is_valid():
        return _enquiries_page(request, form, status=400)
    data = dict(form.cleaned_data)
    reference = data.pop("case_reference").strip()
    case = None
    if reference:
        case = Case.objects.for_user(user).filter(our_reference=reference).first()
        if case is None:
            form.add_error("case_reference", _("None of your requests has this reference."))
            return _enquiries_page(request, form, status=400)
    do_log_enquiry(user.authority, fields=data, case=case, acting_user=user)
    messages.success(request, _("The enquiry was logged."))
    return redirect("enquiry_list")


@login_required
@require_POST
def enquiry_answer(request: HttpRequest, enquiry_id: str) -> HttpResponse:
    user = _user(request)
    enquiry, can_write = get_enquiry_for_user(user, enquiry_id)
    if not can_write:
        raise PermissionDenied("Read-only role.")
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            do_answer_enquiry(enquiry, acting_user=user, **form.cleaned_data)
        except StepRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("The answer was recorded."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("enquiry_list")


urlpatterns = [
    path("assets/", asset_list, name="asset_list"),
    path("assets/rates/", asset_rate_add, name="asset_rate_add"),
    path("assets/enquiries/", enquiry_list, name="enquiry_list"),
    path("assets/enquiries/<uuid:enquiry_id>/answer/", enquiry_answer, name="enquiry_answer"),
    path("cases/<uuid:public_id>/assets/new/", asset_add, name="asset_add"),
    path("cases/<uuid:public_id>/assets/<uuid:asset_id>/", asset_detail, name="asset_detail"),
    path("cases/<uuid:public_id>/assets/<uuid:asset_id>/step/", asset_step, name="asset_step"),
    path("cases/<uuid:public_id>/assets/<uuid:asset_id>/edit/", asset_edit, name="asset_edit"),
]
