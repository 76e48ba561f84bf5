"""Deadlines: what is overdue or falls due soon, and the authority's working calendar."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rogatory.accounts.models import Role, User
from rogatory.lib.businessdays import add_business_days

from ..actions import do_add_holiday, do_remove_holiday, do_update_case_settings, settings_for
from ..choices import OPEN_MEASURE_STATUSES
from ..forms import CaseSettingsForm, HolidayForm
from ..models import Case, Holiday, Measure
from .common import acting_user, today

# Rows shown per table on the overdue page; the case list (?overdue=1) has them all.
SHOWN = 200


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    """Requests and measures past their deadline, and those falling due soon."""
    user = acting_user(request)
    day = today()
    visible = Case.objects.for_user(user)
    soon_until = day
    if user.authority is not None:
        case_settings = settings_for(user.authority)
        soon_until = add_business_days(
            day, case_settings.remind_before, case_settings.work_calendar()
        )
    open_cases = visible.open().select_related("counterpart_state", "officer")
    measures = Measure.objects.filter(
        case__in=visible.open(), status__in=OPEN_MEASURE_STATUSES
    ).select_related("case", "case__officer")
    context = {
        "today": day,
        "soon_until": soon_until,
        "overdue_cases": list(open_cases.filter(deadline__lt=day).order_by("deadline")[:SHOWN]),
        "overdue_count": open_cases.filter(deadline__lt=day).count(),
        "overdue_measures": list(measures.filter(deadline__lt=day).order_by("deadline")[:SHOWN]),
        "due_cases": list(
            open_cases.filter(deadline__gte=day, deadline__lte=soon_until).order_by("deadline")[
                :SHOWN
            ]
        ),
        "due_measures": list(
            measures.filter(deadline__gte=day, deadline__lte=soon_until).order_by("deadline")[
                :SHOWN
            ]
        ),
        "has_authority": user.authority_id is not None,
    }
    return render(request, "cases/overdue.html", context)


def _may_configure(user: User) -> bool:
    return user.authority_id is not None and user.role == Role.AUTHORITY_ADMIN


@login_required
def case_settings(request: HttpRequest) -> HttpResponse:
    """Working days, holidays and default time limits; authority administrators change them."""
    user = acting_user(request)
    if user.authority is None:
        raise PermissionDenied("Casework belongs to authorities.")
    current = settings_for(user.authority)
    can_change = _may_configure(user)
    if request.method == "POST" and not can_change:
        raise PermissionDenied("Only the authority's administrators change the calendar.")
    form = CaseSettingsForm(
        request.POST or None,
        instance=type(current).objects.get(pk=current.pk),
        initial={"weekend": current.weekend},
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
        do_update_case_settings(user.authority, changes, acting_user=user)
        messages.success(request, _("Settings saved."))
        return redirect("case_settings")
    context = {
        "form": form,
        "holiday_form": HolidayForm(),
        "holidays": Holiday.objects.filter(authority=user.authority),
        "can_change": can_change,
        "settings": current,
    }
    return render(request, "cases/settings.html", context, status=400 if form.is_bound else 200)


@login_required
@require_POST
def holiday_add(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not _may_configure(user):
        raise PermissionDenied("Only the authority's administrators change the calendar.")
    assert user.authority is not None
    form = HolidayForm(request.POST)
    if form.is_valid():
        do_add_holiday(
            user.authority, form.cleaned_data["day"], form.cleaned_data["name"], acting_user=user
        )
        messages.success(request, _("Holiday added."))
        return redirect("case_settings")
    current = settings_for(user.authority)
    context = {
        "form": CaseSettingsForm(instance=current, initial={"weekend": current.weekend}),
        "holiday_form": form,
        "holidays": Holiday.objects.filter(authority=user.authority),
        "can_change": True,
        "settings": current,
    }
    return render(request, "cases/settings.html", context, status=400)


@login_required
@require_POST
def holiday_remove(request: HttpRequest, holiday_id: int) -> HttpResponse:
    user = acting_user(request)
    holiday = get_object_or_404(Holiday, pk=holiday_id, authority_id=user.authority_id or -1)
    if not _may_configure(user):
        raise PermissionDenied("Only the authority's administrators change the calendar.")
    do_remove_holiday(holiday, acting_user=user)
    messages.success(request, _("Holiday removed."))
    return redirect("case_settings")


urlpatterns = [
    path("cases/overdue/", overdue, name="case_overdue"),
    path("cases/settings/", case_settings, name="case_settings"),
    path("cases/settings/holidays/", holiday_add, name="case_holiday_add"),
    path(
        "cases/settings/holidays/<int:holiday_id>/remove/",
        holiday_remove,
        name="case_holiday_remove",
    ),
]
