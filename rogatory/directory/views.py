from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rogatory.accounts.models import User
from rogatory.lib import safejson
from rogatory.lib.collation import collated
from rogatory.lib.downloads import attachment
from rogatory.lib.validators import InputRefused
from rogatory.reference.choices import CooperationKind
from rogatory.reference.models import Language, State
from rogatory.treaties.models import Instrument

from .access import can_edit_profile, get_profile, get_profile_for_edit
from .actions import change_profile, import_profile
from .documents import (
    CSV_PARTS,
    CsvRefused,
    csv_row_problems,
    diff_documents,
    document_from_csv,
    export_csv,
    export_profile,
    validate_document,
)
from .forms import AuthorityForm, ImportForm, MeasureForm, ProfileForm
from .models import (
    AcceptedLanguage,
    CompetentAuthority,
    CompetentAuthorityQuerySet,
    CountryProfile,
    MeasureKind,
    MeasureRequirement,
)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _saved(request: HttpRequest, version: Any) -> None:
    if version is None:
        messages.info(request, _("Nothing was changed."))
    else:
        messages.success(request, _("Saved as version %(number)s.") % {"number": version.number})


def _form_page(
    request: HttpRequest,
    profile: CountryProfile,
    form: Any,
    heading: str,
    *,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    context = {
        "heading": heading,
        "back_url": profile.get_absolute_url(),
        "back_label": profile.state.name,
        "form": form,
        **extra,
    }
    return render(request, "web/form_page.html", context, status=status)


def directory_index(request: HttpRequest) -> HttpResponse:
    """Search the directory by state, kind of cooperation, language, instrument or name."""
    params = request.GET
    authorities: CompetentAuthorityQuerySet = CompetentAuthority.objects.select_related(
        "profile__state"
    ).prefetch_related(
        "designated_under",
        Prefetch(
            "profile__languages",
            queryset=AcceptedLanguage.objects.select_related("language", "instrument"),
        ),
    )
    state = params.get("state", "").upper()
    if state:
        authorities = authorities.filter(profile__state_id=state)
    kind = params.get("kind", "")
    if kind in CooperationKind:
        authorities = authorities.competent_for(kind)
    language = params.get("language", "")
    if language:
        authorities = authorities.filter(profile__languages__language_id=language)
    instrument = params.get("instrument", "")
    if instrument:
        authorities = authorities.filter(designated_under__code=instrument)
    query = params.get("q", "").strip()
    if query:
        name_match = Q()
        for field in ("name_ar", "name_zh_hans", "name_en", "name_fr", "name_ru", "name_es"):
            name_match |= Q(**{f"{field}__icontains": query})
        authorities = authorities.filter(name_match)
    authorities = authorities.distinct().order_by("profile__state_id", "-is_central", "slug")
    page = Paginator(authorities, 25).get_page(params.get("page"))
    profiled = CountryProfile.objects.values_list("state_id", flat=True)
    context = {
        "page": page,
        "filters": {
            "state": state,
            "kind": kind,
            "language": language,
            "instrument": instrument,
            "q": query,
        },
        "filtered": any((state, kind, language, instrument, query)),
        "states": collated(State.objects.filter(iso2__in=profiled), lambda s: s.name),
        "kinds": CooperationKind.choices,
        "languages": Language.objects.filter(
            code__in=AcceptedLanguage.objects.values("language_id")
        ).order_by("name"),
        "instruments": Instrument.objects.filter(designated_authorities__isnull=False).distinct(),
    }
    return render(request, "directory/index.html", context)


# Panels other apps add to a state's entry (the secure exchange shows the nodes through which
# the state's authorities are reached): each takes (request, state code), returns HTML.
PROFILE_PANELS: list[Callable[[HttpRequest, str], str]] = []


def profile_detail(request: HttpRequest, iso2: str) -> HttpResponse:
    """A state's entry: contact essentials for everyone, the full profile when logged in."""
    profile = get_profile(iso2)
    user = request.user
    full = user.is_authenticated
    context: dict[str, Any] = {
        "profile": profile,
        "state": profile.state,
        "full": full,
        "can_edit": isinstance(user, User) and can_edit_profile(user, profile.state_id),
        "authorities": [],
        "languages": [],
        "measures": [],
        "missing_measures": [],
    }
    if profile.exists:
        context["authorities"] = profile.authorities.prefetch_related("designated_under")
        context["languages"] = profile.languages.select_related("language", "instrument")
        if full:
            measures = list(profile.measures.select_related("receiving_authority"))
            described = {m.measure for m in measures}
            context["measures"] = measures
            context["missing_measures"] = [
                (value, label) for value, label in MeasureKind.choices if value not in described
            ]
    elif full:
        context["missing_measures"] = MeasureKind.choices
    context["extra_panels"] = (
        [panel(request, profile.state_id) for panel in PROFILE_PANELS] if full else []
    )
    return render(request, "directory/profile_detail.html", context)


@login_required
def profile_edit(request: HttpRequest, iso2: str) -> HttpResponse:
    user = _user(request)
    profile = get_profile_for_edit(user, iso2)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        version = change_profile(
            profile, acting_user=user, reason=form.cleaned_data["reason"], change=form.apply
        )
        _saved(request, version)
        return redirect("profile_detail", iso2=profile.state_id)
    return _form_page(request, profile, form, _("General information and languages"))


@login_required
def authority_edit(request: HttpRequest, iso2: str, slug: str | None = None) -> HttpResponse:
    user = _user(request)
    profile = get_profile_for_edit(user, iso2)
    authority = None
    if slug is not None:
        authority = get_object_or_404(CompetentAuthority, profile_id=profile.state_id, slug=slug)
    form = AuthorityForm(request.POST or None, instance=authority, profile=profile)
    if request.method == "POST" and form.is_valid():
        version = change_profile(
            profile, acting_user=user, reason=form.cleaned_data["reason"], change=form.apply
        )
        _saved(request, version)
        return redirect("profile_detail", iso2=profile.state_id)
    heading = _("Edit %(name)s") % {"name": authority} if authority else _("Add an authority")
    return _form_page(request, profile, form, heading)


@login_required
@require_POST
def authority_delete(request: HttpRequest, iso2: str, slug: str) -> HttpResponse:
    user = _user(request)
    profile = get_profile_for_edit(user, iso2)
    authority = get_object_or_404(CompetentAuthority, profile_id=profile.state_id, slug=slug)
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, _("Give a reason for removing the authority."))
    else:
        version = change_profile(
            profile, acting_user=user, reason=reason, change=lambda p: authority.delete()
        )
        _saved(request, version)
    return redirect("profile_detail", iso2=profile.state_id)


@login_required
def measure_edit(request: HttpRequest, iso2: str, measure: str) -> HttpResponse:
    user = _user(request)
    profile = get_profile_for_edit(user, iso2)
    if measure not in MeasureKind:
        raise Http404("No such measure.")
    instance = None
    if profile.exists:
        instance = MeasureRequirement.objects.filter(profile=profile, measure=measure).first()
    form = MeasureForm(request.POST or None, instance=instance, profile=profile)
    if request.method == "POST" and form.is_valid():
        version = change_profile(
            profile,
            acting_user=user,
            reason=form.cleaned_data["reason"],
            change=lambda p: form.apply(p, measure),
        )
        _saved(request, version)
        return redirect("profile_detail", iso2=profile.state_id)
    return _form_page(request, profile, form, str(MeasureKind(measure).label))


@login_required
def profile_history(request: HttpRequest, iso2: str) -> HttpResponse:
    profile = get_profile(iso2)
    versions = (
        profile.versions.only("number", "created_at", "actor_name", "reason")
        if profile.exists
        else []
    )
    return render(
        request, "directory/profile_history.html", {"profile": profile, "versions": versions}
    )


@login_required
def profile_version(request: HttpRequest, iso2: str, number: int) -> HttpResponse:
    """One version, with what it changed compared with the version before it."""
    profile = get_profile(iso2)
    if not profile.exists:
        raise Http404("No such version.")
    version = get_object_or_404(profile.versions, number=number)
    previous = profile.versions.filter(number__lt=number).order_by("-number").first()
    changes = diff_documents(previous.document if previous else None, version.document)
    return render(
        request,
        "directory/profile_version.html",
        {"profile": profile, "version": version, "previous": previous, "changes": changes},
    )


@login_required
def profile_export(request: HttpRequest, iso2: str, part: str = "") -> HttpResponse:
    profile = get_profile(iso2)
    document = export_profile(profile)
    if not part:
        response: HttpResponse = JsonResponse(
            document, json_dumps_params={"ensure_ascii": False, "indent": 2}
        )
        filename = f"profile-{profile.state_id}.json"
    else:
        if part not in CSV_PARTS:
            raise Http404("No such part.")
        response = HttpResponse(export_csv(document, part), content_type="text/csv; charset=utf-8")
        filename = f"profile-{profile.state_id}-{part}.csv"
    return attachment(response, filename)


@login_required
def profile_import(request: HttpRequest, iso2: str) -> HttpResponse:
    """Replace the profile (JSON) or one part of it (CSV); a bad file changes nothing."""
    user = _user(request)
    profile = get_profile_for_edit(user, iso2)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            problems = [_("The file is not UTF-8 text.")]
        else:
            problems, document = _read_import(text, upload.name, profile)
            if not problems:
                version = import_profile(
                    profile, document, acting_user=user, reason=form.cleaned_data["reason"]
                )
                _saved(request, version)
                return redirect("profile_detail", iso2=profile.state_id)
    # Reaching here after a POST means the file or the form was refused.
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request,
        profile,
        form,
        _("Import a profile"),
        status=status,
        problems=problems,
        multipart=True,
        submit_label=_("Import"),
        intro=_(
            "A JSON file replaces the whole profile; a CSV file replaces its authorities or its "
            "measures. The file is checked first: if anything is wrong, nothing is changed."
        ),
    )


def _read_import(text: str, name: str, profile: CountryProfile) -> tuple[list[Any], Any]:
    if name.lower().endswith(".csv"):
        try:
            document, part = document_from_csv(text, export_profile(profile))
        except (CsvRefused, ValueError) as error:
            return [str(error)], None
        return csv_row_problems(validate_document(document, profile.state_id), part), document
    try:
        document = safejson.loads(text, max_bytes=ImportForm.MAX_BYTES)
    except InputRefused as refused:
        return [refused.message], None
    return validate_document(document, profile.state_id), document
