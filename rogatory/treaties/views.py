from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rogatory.accounts.access import is_site_admin, require_site_admin, states_administered_by
from rogatory.accounts.models import User
from rogatory.directory.models import AcceptedLanguage, CompetentAuthority, CountryProfile
from rogatory.reference.models import Language

from .actions import (
    StatusListChanged,
    do_apply_status_list,
    do_create_treaty,
    do_preview_status_list,
    do_save_article_text,
)
from .dual import finder_dual_answers
from .finder import find_legal_bases
from .forms import ArticleTextForm, FinderForm, StatusListForm, TreatyForm
from .imports import read_status_list
from .loaders import organization_rows
from .models import ArticleText, Declaration, Instrument, Participation, StatusListImport
from .texts import ARTICLE_NUMBER, RIGHT_TO_LEFT, TEXT_LANGUAGES


def _date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


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
            "can_import": is_site_admin(request.user),
        },
    )


def treaty_detail(request: HttpRequest, code: str) -> HttpResponse:
    instrument: Instrument = get_object_or_404(
        Instrument.objects.select_related("parent").prefetch_related("articles"), code=code
    )
    participations = instrument.participations.select_related("state").order_by("state__name")
    declarations = (
        instrument.declarations.exclude(kind=Declaration.Kind.FULL_TEXT)
        .select_related("state")
        .order_by("state__name", "kind")
    )
    return render(
        request,
        "treaties/treaty_detail.html",
        {
            "instrument": instrument,
            "participations": participations,
            "declarations": declarations,
            "unverified": sum(1 for p in participations if not p.verified),
            "knowledge": instrument.knowledge_document(get_language()),
            "organizations": [
                {
                    "name": row["state_name_untc"],
                    "action": Participation.Action(row["action"]).label,
                    "deposited_on": _date(row["deposited_on"]),
                    "in_force_on": _date(row["in_force_on"]),
                    "source": row["source"],
                    "as_of": _date(row["as_of"]),
                }
                for row in organization_rows(instrument.code)
            ],
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
        if data["iccs"] is not None:
            context["dual_answers"] = finder_dual_answers(
                answer,
                data.get("measure") or "",
                with_profiles=request.user.is_authenticated,
            )
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


# --- The text of the articles (issue 16, item 3; decision 0031) -------------------------------


def _article_or_404(code: str, article: str) -> tuple[Instrument, list[ArticleText], list[str]]:
    """The instrument, its texts of ``article`` and the kinds of cooperation the article
    governs; 404 unless the article has a text or is one of the instrument's cooperation
    articles (an administrator may then add its text)."""
    if not ARTICLE_NUMBER.match(article):
        raise Http404
    instrument: Instrument = get_object_or_404(Instrument, code=code)
    texts = list(instrument.article_texts.filter(article=article))
    kinds = [
        a.get_kind_display() for a in instrument.articles.filter(article=article, via_parent=False)
    ]
    if not texts and not kinds:
        raise Http404
    return instrument, texts, kinds


def treaty_article(request: HttpRequest, code: str, article: str) -> HttpResponse:
    """One article's text in the reader's language (or ``?lang=``), with its source; where we
    have no text in that language, say so and offer the languages we have."""
    instrument, texts, kinds = _article_or_404(code, article)
    wanted = request.GET.get("lang", "")
    language = wanted if wanted in TEXT_LANGUAGES else (get_language() or "en").split("-")[0]
    by_language = {t.language: t for t in texts}
    text = by_language.get(language)
    numbers = list(
        instrument.article_texts.order_by("position", "article")
        .values_list("article", flat=True)
        .distinct()
    )
    place = numbers.index(article) if article in numbers else None
    return render(
        request,
        "treaties/article.html",
        {
            "instrument": instrument,
            "article": article,
            "kinds": kinds,
            "language": language,
            "text": text,
            "text_dir": "rtl" if language in RIGHT_TO_LEFT else "ltr",
            "available": [code for code in TEXT_LANGUAGES if code in by_language],
            "can_edit": is_site_admin(request.user),
            "previous": numbers[place - 1] if place else None,
            "next": numbers[place + 1] if place is not None and place + 1 < len(numbers) else None,
            "query": f"?lang={language}" if wanted in TEXT_LANGUAGES else "",
        },
    )


# The panel on a state's directory entry ------------------------------------------------------


def directory_panel(request: HttpRequest, state: str) -> SafeString:
    """On a state's directory entry: its declarations under the UN instruments, each with its
    source; where a declaration names languages other than the profile's, both are shown."""
    declarations = list(
        Declaration.objects.filter(state_id=state)
        .select_related("instrument")
        .order_by("instrument__code", "kind", "article")
    )
    if not declarations:
        return SafeString("")
    accepted: dict[int | None, set[str]] = {}
    for row in AcceptedLanguage.objects.filter(profile__state_id=state).select_related("language"):
        accepted.setdefault(row.instrument_id, set()).add(row.language_id)
    names = {
        language.code: language.name
        for language in Language.objects.filter(
            code__in={code for d in declarations for code in d.languages}
            | {code for codes in accepted.values() for code in codes}
        )
    }
    items: list[dict[str, Any]] = []
    for declaration in declarations:
        profile_languages: set[str] | None = None
        if declaration.kind == Declaration.Kind.LANGUAGES and accepted:
            profile_languages = accepted.get(declaration.instrument_id, accepted.get(None))
        declared = set(declaration.languages)
        items.append(
            {
                "declaration": declaration,
                "declared_languages": [names.get(c, c) for c in sorted(declared)],
                "profile_languages": [names.get(c, c) for c in sorted(profile_languages or [])],
                "differs": profile_languages is not None and profile_languages != declared,
            }
        )
    return SafeString(
        render_to_string(
            "treaties/_directory_declarations.html",
            {
                "key": [i for i in items if i["declaration"].kind != Declaration.Kind.FULL_TEXT],
                "full": [i for i in items if i["declaration"].kind == Declaration.Kind.FULL_TEXT],
            },
            request,
        )
    )


# Importing an updated status list -----------------------------------------------------------


@login_required
def treaty_import(request: HttpRequest) -> HttpResponse:
    """Upload an updated status list; a clean one is compared before anything changes."""
    user = require_site_admin(request.user)
    form = StatusListForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            problems = [_("The file is not UTF-8 text.")]
        else:
            rows, problems = read_status_list(text)
            if not problems:
                compared = do_preview_status_list(
                    rows,
                    file_name=upload.name or "",
                    reason=form.cleaned_data["reason"],
                    acting_user=user,
                )
                return redirect(compared)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "treaties/status_import.html",
        {
            "form": form,
            "problems": problems,
            "imports": StatusListImport.objects.all()[:50],
        },
        status=status,
    )


@login_required
def treaty_article_text_edit(request: HttpRequest, code: str, article: str) -> HttpResponse:
    """Site administrators add or replace the text of an article in one language."""
    user = require_site_admin(request.user)
    instrument, texts, _kinds = _article_or_404(code, article)
    wanted = request.GET.get("lang", "")
    current = next((t for t in texts if t.language == wanted), None)
    initial: dict[str, object] = {"language": wanted} if wanted in TEXT_LANGUAGES else {}
    if current is not None:
        initial |= {
            "heading": current.heading,
            "text": current.text,
            "source": current.source,
            "source_url": current.source_url,
            "note": current.note,
        }
    form = ArticleTextForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = do_save_article_text(instrument, article, form.cleaned_data, acting_user=user)
        messages.success(request, _("The text of the article was saved."))
        return redirect(saved.get_absolute_url())
    back = reverse("treaty_article", args=[instrument.code, article])
    context = {
        "heading": _("%(treaty)s, article %(article)s: add or replace a text")
        % {"treaty": instrument.short_title, "article": article},
        "intro": _(
            "Copy the text as a source publishes it (the UN, a depositary, an official "
            "gazette) and name that source. A text saved here replaces the one shown in that "
            "language and is kept when the shipped texts are reloaded."
        ),
        "back_url": back,
        "back_label": _("The article"),
        "form": form,
    }
    return render(request, "web/form_page.html", context)


@login_required
def treaty_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What an uploaded list changes (added, changed, removed rows), and applying it."""
    user = require_site_admin(request.user)
    upload = get_object_or_404(StatusListImport, pk=pk)
    if request.method == "POST":
        try:
            do_apply_status_list(upload, acting_user=user)
        except StatusListChanged:
            messages.error(
                request,
                _(
                    "The recorded participation changed since this comparison, or the list "
                    "was already applied: upload the list again to compare it anew."
                ),
            )
        else:
            messages.success(request, _("The status list was applied."))
        return redirect(upload)
    return render(request, "treaties/status_import_detail.html", {"upload": upload})
