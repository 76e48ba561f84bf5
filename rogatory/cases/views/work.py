"""Working on a case: moving it along its lifecycle and changing what it is made of.

Every view here takes a POST from a form on the case page. On success it redirects back to the
page; on a problem it shows the page again with the user's form and its errors (status 400, or
409 when the lifecycle refuses the move), so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import (
    get_case_for_writing,
    get_follow_up_for_user,
    get_measure_for_user,
    get_person_for_user,
)
from ..actions import (
    do_add_measure,
    do_add_offence,
    do_add_person,
    do_answer_follow_up,
    do_assign_officer,
    do_change_measure_status,
    do_link_cases,
    do_log_follow_up,
    do_remove_offence,
    do_remove_person,
    do_set_measure_deadline,
    do_transition,
)
from ..forms import (
    AnswerForm,
    AssignForm,
    FollowUpForm,
    LinkForm,
    MeasureForm,
    MeasureStatusForm,
    OffenceForm,
    PersonForm,
    TransitionForm,
)
from ..lifecycle import TransitionRefused
from ..models import Case, Measure
from .cases import render_detail
from .common import acting_user


def _refused(request: HttpRequest, case: Case, key: str, form: Any, message: str) -> HttpResponse:
    return render_detail(request, case, True, status=409, bound={key: form}, problem=message)


def _invalid(request: HttpRequest, case: Case, key: str, form: Any) -> HttpResponse:
    return render_detail(request, case, True, status=400, bound={key: form})


def _kept_as_closed(request: HttpRequest, case: Case) -> HttpResponse | None:
    """A closed request keeps what it held when it was closed: removals are refused."""
    if not case.is_final:
        return None
    messages.error(request, _("This request is closed: nothing can be removed from it."))
    return redirect(case)


def _done(request: HttpRequest, case: Case, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(case)


def _case_form_view(
    request: HttpRequest,
    public_id: str,
    key: str,
    form_class: type[Any],
    apply: Callable[[Case, dict[str, Any]], str],
    **form_kwargs: Any,
) -> HttpResponse:
    """Validate ``form_class`` for a case the user may change, then ``apply`` it."""
    user = acting_user(request)
    case = get_case_for_writing(user, public_id)
    kwargs = {k: (v(case) if callable(v) else v) for k, v in form_kwargs.items()}
    form = form_class(request.POST, **kwargs)
    if not form.is_valid():
        return _invalid(request, case, key, form)
    try:
        message = apply(case, form.cleaned_data)
    except TransitionRefused as refused:
        return _refused(request, case, key, form, refused.message)
    except ValueError as error:
        return _refused(request, case, key, form, str(error))
    return _done(request, case, message)


@login_required
@require_POST
def case_transition(request: HttpRequest, public_id: str) -> HttpResponse:
    user = acting_user(request)

    def apply(case: Case, data: dict[str, Any]) -> str:
        do_transition(
            case,
            data["action"],
            acting_user=user,
            reason=data["reason"],
            ground=data["ground"],
            on=data["on"],
        )
        return _("The request is now “%(status)s”.") % {"status": case.get_status_display()}

    return _case_form_view(request, public_id, "transition_form", TransitionForm, apply)


@login_required
@require_POST
def case_assign(request: HttpRequest, public_id: str) -> HttpResponse:
    user = acting_user(request)

    def apply(case: Case, data: dict[str, Any]) -> str:
        do_assign_officer(case, data["officer"], acting_user=user)
        return _("Responsible officer saved.")

    return _case_form_view(
        request,
        public_id,
        "assign_form",
        AssignForm,
        apply,
        authority=lambda case: case.authority,
    )


@login_required
@require_POST
def offence_add(request: HttpRequest, public_id: str) -> HttpResponse:
    user = acting_user(request)

    def apply(case: Case, data: dict[str, Any]) -> str:
        do_add_offence(case, acting_user=user, **data)
        return _("Offence added.")

    return _case_form_view(request, public_id, "offence_form", OffenceForm, apply)


@login_required
@require_POST
def offence_remove(request: HttpRequest, public_id: str, offence_id: int) -> HttpResponse:
    user = acting_user(request)
    case = get_case_for_writing(user, public_id)
    if refused := _kept_as_closed(request, case):
        return refused
    offence = case.offences.filter(pk=offence_id).first()
    if offence is not None:
        do_remove_offence(offence, acting_user=user)
    return _done(request, case, _("Offence removed."))


@login_required
@require_POST
def person_add(request: HttpRequest, public_id: str) -> HttpResponse:
    user = acting_user(request)

    def apply(case: Case, data: dict[str, Any]) -> str:
        do_add_person(case, data, acting_user=user)
        return _("Person added.")

    return _case_form_view(request, public_id, "person_form", PersonForm, apply)


@login_required
@require_POST
def person_remove(request: HttpRequest, public_id: str, person_id: str) -> HttpResponse:
    user = acting_user(request)
    person, _can_write = get_person_for_user(user, public_id, person_id)
    case = get_case_for_writing(user, public_id)
    if refused := _kept_as_closed(request, case):
        return refused
    do_remove_person(person, acting_user=user)
    return _done(request, case, _("Person removed."))


@login_required
@require_POST
def measure_add(request: HttpRequest, public_id: str) -> HttpResponse:
    user = acting_user(request)

    def apply(case: Case, data: dict[str, Any]) -> str:
        do_add_measure(case, acting_user=user, **data)
        return _("Measure added.")

    return _case_form_view(request, public_id, "measure_form", MeasureForm, apply)


def _measure_for_writing(request: HttpRequest, public_id: str, measure_id: str) -> Measure:
    user = acting_user(request)
    case = get_case_for_writing(user, public_id)
    measure, _can_write = get_measure_for_user(user, public_id, measure_id)
    measure.case = case
    return measure


@login_required
@require_POST
def measure_status(request: HttpRequest, public_id: str, measure_id: str) -> HttpResponse:
    user = acting_user(request)
    measure = _measure_for_writing(request, public_id, measure_id)
    case = measure.case
    form = MeasureStatusForm(request.POST)
    bound = {"measure_status_form": form, "measure_in_form": measure.pk}
    if not form.is_valid():
        return render_detail(request, case, True, status=400, bound=bound)
    data = form.cleaned_data
    try:
        do_change_measure_status(
            measure,
            data["status"],
            acting_user=user,
            reason=data["reason"],
            ground=data["ground"],
            on=data["on"],
        )
    except TransitionRefused as refused:
        return render_detail(request, case, True, status=409, bound=bound, problem=refused.message)
    return _done(
        request,
        case,
        _("“%(measure)s” is now “%(status)s”.")
        % {"measure": measure.get_kind_display(), "status": measure.get_status_display()},
    )


@login_required
@require_POST
def measure_deadline(request: HttpRequest, public_id: str, measure_id: str) -> HttpResponse:
    user = acting_user(request)
    measure = _measure_for_writing(request, public_id, measure_id)
    form = MeasureForm(
        {"kind": measure.kind, "deadline": request.POST.get("deadline", "")},
    )
    if not form.is_valid():
        return render_detail(request, measure.case, True, status=400, bound={"measure_form": form})
    do_set_measure_deadline(measure, form.cleaned_data["deadline"], acting_user=user)
    return _done(request, measure.case, _("Deadline saved."))


@login_required
@require_POST
def case_link(request: HttpRequest, public_id: str) -> HttpResponse:
    user = acting_user(request)

    def apply(case: Case, data: dict[str, Any]) -> str:
        target = Case.objects.for_user(user).filter(our_reference=data["reference"].strip()).first()
        if target is None:
            raise ValueError(
                _("No request of your authority has the reference “%(reference)s”.")
                % {"reference": data["reference"]}
            )
        if target.pk == case.pk:
            raise ValueError(_("A request cannot be related to itself."))
        do_link_cases(case, target, data["kind"], acting_user=user)
        return _("Related request recorded.")

    return _case_form_view(request, public_id, "link_form", LinkForm, apply)


@login_required
@require_POST
def follow_up_add(request: HttpRequest, public_id: str) -> HttpResponse:
    user = acting_user(request)

    def apply(case: Case, data: dict[str, Any]) -> str:
        do_log_follow_up(case, acting_user=user, **data)
        return _("Status request recorded.")

    return _case_form_view(request, public_id, "follow_up_form", FollowUpForm, apply)


@login_required
@require_POST
def follow_up_answer(request: HttpRequest, public_id: str, follow_up_id: str) -> HttpResponse:
    user = acting_user(request)
    case = get_case_for_writing(user, public_id)
    follow_up, _can_write = get_follow_up_for_user(user, public_id, follow_up_id)
    form = AnswerForm(request.POST)
    bound = {"answer_form": form, "follow_up_in_form": follow_up.pk}
    if not form.is_valid():
        return render_detail(request, case, True, status=400, bound=bound)
    try:
        do_answer_follow_up(follow_up, acting_user=user, **form.cleaned_data)
    except TransitionRefused as refused:
        return render_detail(request, case, True, status=409, bound=bound, problem=refused.message)
    return _done(request, case, _("Answer recorded."))


urlpatterns = [
    path("cases/<uuid:public_id>/transition/", case_transition, name="case_transition"),
    path("cases/<uuid:public_id>/assign/", case_assign, name="case_assign"),
    path("cases/<uuid:public_id>/offences/", offence_add, name="case_offence_add"),
    path(
        "cases/<uuid:public_id>/offences/<int:offence_id>/remove/",
        offence_remove,
        name="case_offence_remove",
    ),
    path("cases/<uuid:public_id>/persons/", person_add, name="case_person_add"),
    path(
        "cases/<uuid:public_id>/persons/<uuid:person_id>/remove/",
        person_remove,
        name="case_person_remove",
    ),
    path("cases/<uuid:public_id>/measures/", measure_add, name="case_measure_add"),
    path(
        "cases/<uuid:public_id>/measures/<uuid:measure_id>/status/",
        measure_status,
        name="case_measure_status",
    ),
    path(
        "cases/<uuid:public_id>/measures/<uuid:measure_id>/deadline/",
        measure_deadline,
        name="case_measure_deadline",
    ),
    path("cases/<uuid:public_id>/links/", case_link, name="case_link"),
    path("cases/<uuid:public_id>/follow-ups/", follow_up_add, name="case_follow_up_add"),
    path(
        "cases/<uuid:public_id>/follow-ups/<uuid:follow_up_id>/answer/",
        follow_up_answer,
        name="case_follow_up_answer",
    ),
]
