from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rogatory.accounts.access import states_administered_by
from rogatory.accounts.models import User
from rogatory.directory.models import AcceptedLanguage, CompetentAuthority, CountryProfile

from .actions import do_create_treaty, do_save_article_text
from .finder import find_legal_bases
from .forms import ArticleTextForm, FinderForm, TreatyForm
from .models import ArticleText, Instrument
from .texts import ARTICLE_NUMBER, RIGHT_TO_LEFT, TEXT_LANGUAGES


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


def _is_site_admin(user: object) -> bool:
    return isinstance(user, User) and user.is_authenticated and user.is_site_admin


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
            "can_edit": _is_site_admin(request.user),
            "previous": numbers[place - 1] if place else None,
            "next": numbers[place + 1] if place is not None and place + 1 < len(numbers) else None,
            "query": f"?lang={language}" if wanted in TEXT_LANGUAGES else "",
        },
    )


@login_required
def treaty_article_text_edit(request: HttpRequest, code: str, article: str) -> HttpResponse:
    """Site administrators add or replace the text of an article in one language."""
    user = request.user
    assert isinstance(user, User)
    if not user.is_site_admin:
        raise PermissionDenied
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
