from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rogatory.accounts.access import states_administered_by
from rogatory.accounts.models import User
from rogatory.directory.models import AcceptedLanguage, CompetentAuthority, CountryProfile

from .actions import do_create_treaty
from .finder import find_legal_bases
from .forms import FinderForm, TreatyForm
from .models import Instrument


def treaty_list(request: HttpRequest) -> HttpResponse:
    instruments = Instrument.objects.annotate(
        party_count=Count("participations", filter=~Q(participations__action="signature"))
    ).select_related("parent")
    return render(
        request,
        "treaties/treaty_list.html",
        {
            "instruments": instruments,
            "can_add": isinstance(request.user, User)
            and states_administered_by(request.user) != set(),
        },
    )


def treaty_detail(request: HttpRequest, code: str) -> HttpResponse:
    instrument: Instrument = get_object_or_404(
        Instrument.objects.select_related("parent").prefetch_related("articles"), code=code
    )
    participations = instrument.participations.select_related("state").order_by("state__name")
    declarations = instrument.declarations.select_related("state").order_by("state__name", "kind")
    return render(
        request,
        "treaties/treaty_detail.html",
        {
            "instrument": instrument,
            "participations": participations,
            "declarations": declarations,
            "unverified": sum(1 for p in participations if not p.verified),
            "knowledge": instrument.knowledge_document(get_language()),
        },
    )


@login_required
def treaty_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    allowed = states_administered_by(user)
    if allowed == set():
        raise PermissionDenied
    form = TreatyForm(request.POST or None, allowed_states=allowed)
    if request.method == "POST" and form.is_valid():
        instrument = do_create_treaty(form.cleaned_data, acting_user=user)
        messages.success(request, _("The treaty was added."))
        return redirect(instrument)
    context = {
        "heading": _("Add a bilateral or regional treaty"),
        "back_url": reverse("treaty_list"),
        "back_label": _("Treaties"),
        "form": form,
    }
    return render(request, "web/form_page.html", context)


def legal_basis(request: HttpRequest) -> HttpResponse:
    """The legal-basis finder page: the form, and the answer once the form is filled in."""
    form = FinderForm(request.GET if "requested" in request.GET else None)
    context: dict[str, object] = {"form": form}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        answer = find_legal_bases(
            data["requesting"], data["requested"], data["kind"], on=data["on"], iccs=data["iccs"]
        )
        context["answer"] = answer
        context["requested_profile"] = (
            CountryProfile.objects.filter(state=data["requested"])
            .prefetch_related(
                Prefetch(
                    "languages",
                    queryset=AcceptedLanguage.objects.select_related("language", "instrument"),
                ),
                Prefetch(
                    "authorities",
                    queryset=CompetentAuthority.objects.competent_for(data["kind"]),
                ),
            )
            .first()
        )
    return render(request, "treaties/legal_basis.html", context)
