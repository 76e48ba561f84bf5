"""The guided request writer: an outgoing draft written step by step.

Each step is a plain form (no script needed) that saves through the case actions when the user
goes on or back, so a draft can be left at any step and resumed at any other. Every page lists
the steps with what the checklist still finds in each, and the current step's findings above
its form. Invalid input shows the form again with its errors (status 400) and saves nothing.
The last step is the writer page, which shows the whole checklist and finalises.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from rogatory.accounts.models import User
from rogatory.cases.access import get_case_for_writing, get_measure_for_user, get_person_for_user
from rogatory.cases.actions import (
    do_add_measure,
    do_add_offence,
    do_add_person,
    do_register_case,
    do_remove_measure,
    do_remove_offence,
    do_remove_person,
    do_update_case,
)
from rogatory.cases.choices import Direction, MeasureType, Status
from rogatory.cases.forms import (
    DATE_WIDGET,
    TEXTAREA,
    MeasureForm,
    PersonForm,
    clean_reference,
)
from rogatory.cases.lifecycle import TransitionRefused
from rogatory.cases.models import Case
from rogatory.directory.models import CompetentAuthority
from rogatory.knowledge.models import DocumentKind as KnowledgeKind
from rogatory.knowledge.models import Provision
from rogatory.lib.validators import bounded_formfield
from rogatory.reference.choices import CooperationKind
from rogatory.reference.models import State
from rogatory.treaties.finder import Answer, Verdict, find_legal_bases
from rogatory.treaties.models import CooperationArticle, Instrument

from .actions import (
    MAX_IMPORT_BYTES,
    UN_LANGUAGES,
    accepted_languages,
    checked_options,
    do_import_request_document,
    do_save_draft,
    read_request_document,
)
from .document import DocumentError
from .forms import OffenceWithPenaltyForm
from .guidance import describe_fields, for_step
from .requirements import measure_requirements


@dataclass(frozen=True)
class Step:
    slug: str
    label: Any  # a lazy translation


STEPS = (
    Step("start", gettext_lazy("Kind and requested state")),
    Step("legal-basis", gettext_lazy("Legal basis")),
    Step("authority", gettext_lazy("Requested authority")),
    Step("case", gettext_lazy("The case")),
    Step("facts", gettext_lazy("Facts")),
    Step("offences", gettext_lazy("Offences")),
    Step("persons", gettext_lazy("Persons")),
    Step("measures", gettext_lazy("Measures sought")),
    Step("procedure", gettext_lazy("Purpose and procedure")),
    Step("check", gettext_lazy("Check and finalise")),
)
SLUGS = [step.slug for step in STEPS]

# The step where each part of the request document is written, by the checklist's field
# pointer (exact, then its first segment); anything else is for the writer page.
POINTER_STEPS = {
    "requested/authority": "authority",
    "requesting/conducting_authority": "case",
    "requesting/authority": "case",
}
HEAD_STEPS = {
    "kind": "start",
    "legal_basis": "legal-basis",
    "subject": "case",
    "reference": "case",
    "summary_of_facts": "facts",
    "offences": "offences",
    "persons": "persons",
    "measures": "measures",
    "purpose": "procedure",
    "procedure": "procedure",
    "urgency": "procedure",
    "confidentiality": "procedure",
    "deadline": "procedure",
}


def step_of(field: str) -> str:
    """The step where the part of the request at ``field`` (e.g. ``persons/0/location``) is
    written."""
    pointer = field or ""
    if pointer in POINTER_STEPS:
        return POINTER_STEPS[pointer]
    return HEAD_STEPS.get(pointer.split("/")[0], "check")


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _ui_language() -> str:
    code = (get_language() or "en").split("-")[0]
    return code if code in UN_LANGUAGES else "en"


def _step_url(case: Case, slug: str) -> str:
    if slug == "check":
        return reverse("drafting_writer", args=[case.public_id])
    return reverse("drafting_step", args=[case.public_id, slug])


# --- Forms -------------------------------------------------------------------------------


class StartForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of cooperation"), choices=CooperationKind)
    requested_state: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=State.objects.none(), label=gettext_lazy("Requested state")
    )

    def __init__(self, *args: Any, own_state_id: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        states = State.objects.exclude(pk=own_state_id).order_by("name")
        cast(forms.ModelChoiceField, self.fields["requested_state"]).queryset = states


OTHER = "other"


class LegalBasisForm(forms.Form):
    basis = forms.ChoiceField(
        label=gettext_lazy("Legal basis"), required=False, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=gettext_lazy("Other basis or note (reciprocity, domestic law)"),
        required=False,
        max_length=300,
    )

    def __init__(self, *args: Any, options: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = {option["value"]: option for option in options}
        choices = [(value, option["label"]) for value, option in self.options.items()]
        self.fields["basis"].choices = [*choices, (OTHER, _("Other basis"))]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("basis") == OTHER and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say which other basis the request relies on."))
        return cleaned


class AuthorityForm(forms.Form):
    authority: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=CompetentAuthority.objects.none(),
        label=gettext_lazy("Competent authority of the requested state"),
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
    )
    name = forms.CharField(
        label=gettext_lazy("Other authority (not in the directory)"),
        required=False,
        max_length=300,
    )

    def __init__(self, *args: Any, queryset: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["authority"])
        field.queryset = queryset
        field.label_from_instance = _authority_label  # type: ignore[assignment]


def _authority_label(authority: CompetentAuthority) -> str:
    if authority.is_central:
        return _("%(name)s (central authority)") % {"name": authority.name}
    return authority.name


class CaseStepForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["subject", "our_reference", "their_reference", "conducting_authority"]
        formfield_callback = bounded_formfield

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].required = False

    def clean_our_reference(self) -> str:
        return clean_reference(self.cleaned_data.get("our_reference", ""), self.instance)


class FactsForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["summary_of_facts"]
        formfield_callback = bounded_formfield
        widgets = {"summary_of_facts": forms.Textarea(attrs={"rows": 12})}


class ProcedureForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["purpose", "procedure", "confidentiality", "urgency", "requested_deadline"]
        formfield_callback = bounded_formfield
        widgets = {"purpose": TEXTAREA, "procedure": TEXTAREA, "requested_deadline": DATE_WIDGET}

    def clean_requested_deadline(self) -> datetime.date | None:
        deadline: datetime.date | None = self.cleaned_data.get("requested_deadline")
        unchanged = deadline == self.instance.requested_deadline
        if deadline and not unchanged and deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline asked cannot be in the past."))
        return deadline


# --- The pages ---------------------------------------------------------------------------


def _findings(case: Case) -> list[dict[str, Any]]:
    from .completeness import check_case

    accepted = accepted_languages(case)
    ui = _ui_language()
    return [
        {
            "severity": f.severity,
            "message": f.message(ui),
            "field": f.field,
            "step": step_of(f.field),
        }
        for f in check_case(
            case,
            accepted[0] if accepted else "en",
            **checked_options(case, default_written_in=ui),
        )
    ]


def _context(case: Case | None, current: str, **extra: Any) -> dict[str, Any]:
    findings = _findings(case) if case is not None else []
    form = extra.get("form")
    if isinstance(form, forms.BaseForm):
        describe_fields(form, current)
    steps = []
    for number, step in enumerate(STEPS, start=1):
        mine = [f for f in findings if f["step"] == step.slug]
        steps.append(
            {
                "number": number,
                "slug": step.slug,
                "label": step.label,
                "url": _step_url(case, step.slug) if case is not None else "",
                "current": step.slug == current,
                "errors": sum(1 for f in mine if f["severity"] == "error"),
                "warnings": sum(1 for f in mine if f["severity"] != "error"),
            }
        )
    index = SLUGS.index(current)
    return {
        "case": case,
        "steps": steps,
        "step": steps[index],
        "findings": [f for f in findings if f["step"] == current],
        "is_first": index == 0,
        "guide": for_step(current, _ui_language()),
    } | extra


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, f"drafting/steps/{template}", context, status=status)


def _move(request: HttpRequest, case: Case, current: str) -> HttpResponse:
    """After saving: to the next step, the previous one ("Back"), or the same one."""
    go = request.POST.get("go", "next")
    index = SLUGS.index(current)
    if go == "back":
        index = max(index - 1, 0)
    elif go == "next":
        index = min(index + 1, len(SLUGS) - 1)
    return redirect(_step_url(case, SLUGS[index]))


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Step 1 for a new draft: the kind of cooperation and the requested state."""
    user = _user(request)
    if user.authority is None or not user.can_write_cases:
        raise PermissionDenied("Only officers draft requests.")
    form = StartForm(request.POST or None, own_state_id=user.authority.state_id)
    if request.method == "POST" and form.is_valid():
        case = do_register_case(
            user.authority,
            direction=Direction.OUTGOING,
            fields={
                "kind": form.cleaned_data["kind"],
                "requested_state": form.cleaned_data["requested_state"],
            },
            acting_user=user,
        )
        # The drafter writes in the language of the interface unless the settings say otherwise.
        do_save_draft(case, {"written_in": _ui_language()}, acting_user=user)
        messages.success(
            request, _("Draft %(reference)s started.") % {"reference": case.our_reference}
        )
        return redirect(_step_url(case, "legal-basis"))
    return _page(
        request,
        "start.html",
        _context(None, "start", form=form),
        status=400 if form.is_bound else 200,
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Request document (JSON)"),
        help_text=gettext_lazy(
            "A request exported by a Rogatory writer (the JSON beside the DOCX and PDF)."
        ),
    )


@login_required
def import_request(request: HttpRequest) -> HttpResponse:
    """A new draft from a request document (JSON): nothing is created when it has problems."""
    user = _user(request)
    if user.authority is None or not user.can_write_cases:
        raise PermissionDenied("Only officers draft requests.")
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_IMPORT_BYTES:
                raise DocumentError(
                    [
                        _("The file is larger than %(size)d MB.")
                        % {"size": MAX_IMPORT_BYTES // 2**20}
                    ]
                )
            data = read_request_document(upload.read(MAX_IMPORT_BYTES + 1))
            case = do_import_request_document(
                user.authority, data, acting_user=user, source_name=upload.name or ""
            )
        except DocumentError as exc:
            problems = exc.problems
        else:
            messages.success(
                request, _("Draft %(reference)s imported.") % {"reference": case.our_reference}
            )
            return redirect(_step_url(case, "check"))
    context = {
        "heading": _("Import a request document"),
        "back_url": reverse("drafting_start"),
        "back_label": _("Write a request"),
        "form": form,
        "problems": problems,
        "multipart": True,
        "submit_label": _("Import"),
    }
    return render(request, "web/form_page.html", context, status=400 if problems else 200)


def _draft(request: HttpRequest, public_id: str) -> tuple[User, Case]:
    user = _user(request)
    case = get_case_for_writing(user, public_id)
    if case.direction != Direction.OUTGOING:
        raise Http404("The writer is for outgoing requests.")
    return user, case


@login_required
def step(request: HttpRequest, public_id: str, step: str) -> HttpResponse:
    user, case = _draft(request, public_id)
    if step not in SLUGS:
        raise Http404("No such step.")
    if case.status != Status.DRAFT:
        messages.info(request, _("This request is no longer a draft: it cannot be changed here."))
        return redirect(case)
    if step == "check":
        return redirect("drafting_writer", public_id=case.public_id)
    return STEP_VIEWS[step](request, user, case)


def _simple_step(
    request: HttpRequest,
    case: Case,
    slug: str,
    form: forms.BaseForm,
    save: Callable[[dict[str, Any]], None],
    template: str = "form.html",
    **extra: Any,
) -> HttpResponse:
    if request.method == "POST":
        if form.is_valid():
            save(form.cleaned_data)
            return _move(request, case, slug)
        return _page(request, template, _context(case, slug, form=form, **extra), status=400)
    return _page(request, template, _context(case, slug, form=form, **extra))


def _copy(case: Case) -> Case:
    """A copy for a model form to validate into (the action compares with the original)."""
    return Case.objects.get(pk=case.pk)


def start_step(request: HttpRequest, user: User, case: Case) -> HttpResponse:
    form = StartForm(
        request.POST or None,
        own_state_id=case.authority.state_id,
        initial={"kind": case.kind, "requested_state": case.requested_state_id},
    )

    def save(data: dict[str, Any]) -> None:
        changes: dict[str, Any] = {"kind": data["kind"], "requested_state": data["requested_state"]}
        chosen = case.requested_authority
        if chosen is not None and chosen.profile.state_id != data["requested_state"].pk:
            changes |= {"requested_authority": None, "requested_authority_name": ""}
        do_update_case(case, changes, acting_user=user)

    return _simple_step(request, case, "start", form, save, template="start.html")


def _basis_options(case: Case, answer: Answer) -> list[dict[str, Any]]:
    """One choice per article of each basis that may apply, and the draft's own if another."""
    options: list[dict[str, Any]] = []
    for basis in answer.applicable:
        articles: list[CooperationArticle | None] = [*basis.articles] or [None]
        for article in articles:
            number = article.article if article is not None else ""
            options.append(
                {
                    "value": f"{basis.instrument.pk}:{number}",
                    "label": basis.instrument.short_title,
                    "instrument": basis.instrument,
                    "article": f"art. {number}" if number else "",
                    "via_parent": bool(article and article.via_parent),
                    "basis": basis,
                }
            )
    current = _current_basis(case)
    if case.legal_basis is not None and current not in {o["value"] for o in options}:
        options.append(
            {
                "value": current,
                "label": case.legal_basis.short_title,
                "instrument": case.legal_basis,
                "article": case.legal_basis_article,
                "via_parent": False,
                "basis": None,
            }
        )
    return options


def _current_basis(case: Case) -> str:
    if case.legal_basis_id is None:
        return OTHER if case.legal_basis_note else ""
    number = case.legal_basis_article.removeprefix("art.").strip()
    return f"{case.legal_basis_id}:{number}"


def legal_basis_step(request: HttpRequest, user: User, case: Case) -> HttpResponse:
    answer = find_legal_bases(
        case.requesting_state, case.requested_state, case.kind, on=timezone.localdate()
    )
    options = _basis_options(case, answer)
    form = LegalBasisForm(
        request.POST or None,
        options=options,
        initial={"basis": _current_basis(case), "note": case.legal_basis_note},
    )

    def save(data: dict[str, Any]) -> None:
        chosen = form.options.get(data["basis"])
        changes: dict[str, Any] = {"legal_basis_note": data["note"].strip()}
        if chosen is None:
            changes |= {"legal_basis": None, "legal_basis_article": "", "legal_basis_as_of": None}
        else:
            instrument: Instrument = chosen["instrument"]
            changes |= {
                "legal_basis": instrument,
                "legal_basis_article": chosen["article"],
                "legal_basis_as_of": answer.as_of
                if chosen["basis"] is not None
                else case.legal_basis_as_of,
            }
        do_update_case(case, changes, acting_user=user)

    return _simple_step(
        request,
        case,
        "legal-basis",
        form,
        save,
        template="legal_basis.html",
        answer=answer,
        options=options,
        selected=form["basis"].value() or "",
        not_applicable=answer.not_applicable,
        verdicts=Verdict,
    )


def authority_step(request: HttpRequest, user: User, case: Case) -> HttpResponse:
    queryset = (
        CompetentAuthority.objects.competent_for(case.kind)
        .filter(profile__state=case.requested_state_id)
        .order_by("-is_central", "name")
    )
    chosen = case.requested_authority
    form = AuthorityForm(
        request.POST or None,
        queryset=queryset,
        initial={
            "authority": chosen.pk if chosen else None,
            "name": "" if chosen else case.requested_authority_name,
        },
    )

    def save(data: dict[str, Any]) -> None:
        authority: CompetentAuthority | None = data["authority"]
        name = authority.name if authority is not None else data["name"].strip()
        do_update_case(
            case,
            {"requested_authority": authority, "requested_authority_name": name},
            acting_user=user,
        )

    return _simple_step(
        request,
        case,
        "authority",
        form,
        save,
        template="authority.html",
        in_directory=queryset.exists(),
    )


def _model_step(
    request: HttpRequest, user: User, case: Case, slug: str, form_class: type[forms.ModelForm]
) -> HttpResponse:
    form = form_class(request.POST or None, instance=_copy(case))

    def save(data: dict[str, Any]) -> None:
        do_update_case(case, data, acting_user=user)

    return _simple_step(request, case, slug, form, save)


def case_step(request: HttpRequest, user: User, case: Case) -> HttpResponse:
    return _model_step(request, user, case, "case", CaseStepForm)


def facts_step(request: HttpRequest, user: User, case: Case) -> HttpResponse:
    return _model_step(request, user, case, "facts", FactsForm)


def procedure_step(request: HttpRequest, user: User, case: Case) -> HttpResponse:
    return _model_step(request, user, case, "procedure", ProcedureForm)


# Steps that list parts of the request with a form to add one: the form class, the fields
# whose input means the user is adding something, and the action.
@dataclass(frozen=True)
class ItemStep:
    form_class: type[forms.Form]
    typed: tuple[str, ...]
    add: Callable[[Case, dict[str, Any], User], object]
    items: Callable[[Case], Any]
    added: Any
    removed: Any


def _add_offence(case: Case, data: dict[str, Any], user: User) -> object:
    return do_add_offence(case, acting_user=user, **data)


def _add_person(case: Case, data: dict[str, Any], user: User) -> object:
    return do_add_person(case, data, acting_user=user)


def _add_measure(case: Case, data: dict[str, Any], user: User) -> object:
    return do_add_measure(case, acting_user=user, **data)


ITEM_STEPS = {
    "offences": ItemStep(
        OffenceWithPenaltyForm,
        ("national_name", "national_provision", "iccs", "penalty_kind", "penalty_maximum"),
        _add_offence,
        lambda case: case.offences.select_related("iccs").order_by("pk"),
        gettext_lazy("Offence added."),
        gettext_lazy("Offence removed."),
    ),
    "persons": ItemStep(
        PersonForm,
        (
            "name",
            "other_names",
            "date_of_birth",
            "place_of_birth",
            "nationality",
            "identity_document",
            "location",
        ),
        _add_person,
        lambda case: case.persons.select_related("nationality").order_by("pk"),
        gettext_lazy("Person added."),
        gettext_lazy("Person removed."),
    ),
    "measures": ItemStep(
        MeasureForm,
        ("description", "deadline"),
        _add_measure,
        lambda case: case.measures.order_by("pk"),
        gettext_lazy("Measure added."),
        gettext_lazy("Measure removed."),
    ),
}


def _remove(request: HttpRequest, user: User, case: Case, slug: str) -> None:
    value = request.POST.get("remove", "")
    if slug == "offences":
        offence = case.offences.filter(pk=int(value)).first() if value.isdigit() else None
        if offence is None:
            raise Http404("No such offence.")
        do_remove_offence(offence, acting_user=user)
    elif slug == "persons":
        person, _can_write = get_person_for_user(user, case.public_id, value)
        do_remove_person(person, acting_user=user)
    elif slug == "measures":
        measure, _can_write = get_measure_for_user(user, case.public_id, value)
        do_remove_measure(measure, acting_user=user)
    else:
        raise Http404("This part cannot be removed here.")


def knowledge_provisions(state_id: str | None, limit: int = 500) -> list[Provision]:
    """Provisions of the state's legislation in the knowledge base, offered when an offence
    is written (its national provision; the ICCS code it is tagged with)."""
    if not state_id:
        return []
    found = Provision.objects.filter(
        document__state_id=state_id, document__kind=KnowledgeKind.LEGISLATION
    ).select_related("document")
    return list(found.order_by("document__title", "position")[:limit])


def _measure_panels(request: HttpRequest, case: Case, form: forms.BaseForm) -> dict[str, Any]:
    """The requested state's requirements for each measure listed and for the one being
    chosen; the kind select asks for the latter again (htmx) when the choice changes."""
    kind = str(request.POST.get("kind", "")) if request.method == "POST" else ""
    if kind not in MeasureType.values:
        kind = str(MeasureType.choices[0][0])
    form.fields["kind"].widget.attrs.update(
        {
            "hx-get": reverse("drafting_measure_requirements", args=[case.public_id]),
            "hx-trigger": "change",
            "hx-target": "#measure-requirements",
            "aria-controls": "measure-requirements",
        }
    )
    return {
        "chosen_requirements": measure_requirements(case, kind),
        "listed_requirements": [
            (measure, measure_requirements(case, measure.kind))
            for measure in case.measures.order_by("pk")
        ],
    }


def item_step(request: HttpRequest, user: User, case: Case, slug: str) -> HttpResponse:
    spec = ITEM_STEPS[slug]
    form = spec.form_class(request.POST or None)
    extra: dict[str, Any] = {}
    if slug == "offences":
        provisions = knowledge_provisions(case.requesting_state_id)
        if provisions:
            form.fields["national_provision"].widget.attrs["list"] = "knowledge-provisions"
            extra["provisions"] = provisions
    if slug == "measures":
        extra |= _measure_panels(request, case, form)
    problem = ""
    if request.method == "POST":
        if "remove" in request.POST:
            _remove(request, user, case, slug)
            messages.success(request, str(spec.removed))
            return redirect(_step_url(case, slug))
        go = request.POST.get("go", "next")
        typed = any(str(request.POST.get(name, "")).strip() for name in spec.typed)
        if go != "add" and not typed:
            return _move(request, case, slug)
        if form.is_valid():
            try:
                spec.add(case, form.cleaned_data, user)
            except TransitionRefused as refused:
                problem = refused.message
            else:
                messages.success(request, str(spec.added))
                return _move(request, case, slug)
        status = 409 if problem else 400
        context = _context(case, slug, form=form, items=spec.items(case), problem=problem, **extra)
        return _page(request, f"{slug}.html", context, status=status)
    context = _context(case, slug, form=form, items=spec.items(case), **extra)
    return _page(request, f"{slug}.html", context)


def _item_view(slug: str) -> Callable[[HttpRequest, User, Case], HttpResponse]:
    def view(request: HttpRequest, user: User, case: Case) -> HttpResponse:
        return item_step(request, user, case, slug)

    return view


STEP_VIEWS: dict[str, Callable[[HttpRequest, User, Case], HttpResponse]] = {
    "start": start_step,
    "legal-basis": legal_basis_step,
    "authority": authority_step,
    "case": case_step,
    "facts": facts_step,
    "procedure": procedure_step,
    **{slug: _item_view(slug) for slug in ITEM_STEPS},
}


urlpatterns = [
    path("writer/new/", start, name="drafting_start"),
    path("writer/import/", import_request, name="drafting_import"),
    path("cases/<uuid:public_id>/writer/steps/<slug:step>/", step, name="drafting_step"),
]
