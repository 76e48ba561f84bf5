"""``GET /api/v1/legal-basis``: the finder's answer as JSON (public, like the finder page)."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError, ValidationError
from pydantic import Field

from rogatory.cases.choices import MeasureType
from rogatory.reference.choices import CooperationKind
from rogatory.reference.models import IccsCategory, State

from .dual import DualData, Match, assess
from .finder import Basis, find_legal_bases
from .models import ArticleText, CooperationArticle, Declaration, Instrument, Participation
from .texts import ARTICLE_NUMBER, TEXT_LANGUAGES, article_url

router = Router(tags=["legal basis"])

Kind = Literal[
    "mla", "extradition", "transfer_sentenced", "asset_recovery", "transfer_proceedings", "other"
]
assert set(Kind.__args__) == set(CooperationKind.values)  # type: ignore[attr-defined]


class LegalBasisQuery(Schema):
    requesting: str = Field(description="ISO 3166-1 alpha-2 code of the requesting state")
    requested: str = Field(description="ISO 3166-1 alpha-2 code of the requested state")
    kind: Kind = Field(description="Kind of cooperation")
    iccs: str | None = Field(None, description="ICCS code of the offence, any level")
    date: datetime.date | None = Field(None, description="Date of the request; default today")


class InstrumentOut(Schema):
    code: str
    kind: str
    title: str
    short_title: str
    url: str


class ArticleOut(Schema):
    article: str
    via_parent: bool
    text_url: str | None = Field(
        None, description="The article's text (the Convention's, for via_parent); decision 0031"
    )


class ReasonOut(Schema):
    check: Literal["met", "not_met", "to_confirm", "not_recorded"]
    text: str


class NoteOut(Schema):
    article: str
    text: str


class ParticipationOut(Schema):
    """One state's participation in one instrument, as recorded (never inferred)."""

    state: str
    instrument: str
    kind: str = Field(
        description="ratification, accession, acceptance, approval, succession, "
        "formal_confirmation or signature (signature only)"
    )
    signed_on: datetime.date | None
    consent_on: datetime.date | None = Field(description="Date of the consent to be bound")
    in_force_on: datetime.date | None = Field(
        description="Date the instrument binds the state; null when not derived (succession)"
    )
    in_force_basis: str = Field(description="derived (treaty rule), official, not_derived")
    source: str = Field(description="Source id, see treaties/data/untc/SOURCES.md")
    source_ref: str
    source_url: str
    as_of: datetime.date | None
    verified: bool


class DeclarationOut(Schema):
    state: str
    kind: str
    article: str
    languages: list[str]
    text: str
    source: str
    source_ref: str
    as_of: datetime.date | None
    verified: bool


class BasisOut(Schema):
    instrument: InstrumentOut
    verdict: Literal["applies", "conditional", "not_recorded", "does_not_apply"]
    articles: list[ArticleOut]
    reasons: list[ReasonOut]
    notes: list[NoteOut] = Field(description="Scope notes for this kind of cooperation")
    as_of: datetime.date | None = Field(description="Date of the participation list relied on")
    list_complete_as_of: datetime.date | None = Field(
        description="Date of the depositary's complete list of participants"
    )
    participation_requesting: ParticipationOut | None
    participation_requested: ParticipationOut | None
    declarations_requesting: list[DeclarationOut]
    declarations_requested: list[DeclarationOut]
    verified: bool = Field(description="False when a party row was not verified at its source")


class LegalBasisOut(Schema):
    requesting: str
    requested: str
    kind: str
    iccs: str | None
    date: datetime.date
    as_of: datetime.date | None = Field(description="Date of the treaty data relied on")
    has_basis: bool
    bases: list[BasisOut]
    remaining_routes: list[str]


def _declaration(d: Declaration) -> DeclarationOut:
    return DeclarationOut(
        state=d.state_id,
        kind=d.kind,
        article=d.article,
        languages=d.languages,
        text=d.text,
        source=d.source,
        source_ref=d.source_ref,
        as_of=d.as_of,
        verified=d.verified,
    )


def _article(
    request: HttpRequest, instrument: Instrument, article: CooperationArticle
) -> ArticleOut:
    url = article_url(instrument, article.article, via_parent=article.via_parent)
    return ArticleOut(
        article=article.article,
        via_parent=article.via_parent,
        text_url=request.build_absolute_uri(url) if url else None,
    )


def participation_out(p: Participation, code: str) -> ParticipationOut:
    return ParticipationOut(
        state=p.state_id,
        instrument=code,
        kind=p.action,
        signed_on=p.signed_on,
        consent_on=p.deposited_on,
        in_force_on=p.in_force_on,
        in_force_basis=p.in_force_basis,
        source=p.source,
        source_ref=p.source_ref,
        source_url=p.source_url,
        as_of=p.as_of,
        verified=p.verified,
    )


def _basis(request: HttpRequest, basis: Basis) -> BasisOut:
    instrument = basis.instrument
    return BasisOut(
        instrument=InstrumentOut(
            code=instrument.code,
            kind=instrument.kind,
            title=instrument.title,
            short_title=instrument.short_title,
            url=request.build_absolute_uri(instrument.get_absolute_url()),
        ),
        verdict=basis.verdict.value,
        articles=[_article(request, instrument, a) for a in basis.articles],
        reasons=[ReasonOut(check=r.check.value, text=r.text) for r in basis.reasons],
        notes=[NoteOut(article=n.article, text=n.text()) for n in basis.notes],
        as_of=basis.as_of,
        list_complete_as_of=instrument.list_complete_as_of,
        participation_requesting=_maybe(basis.participation_requesting, instrument.code),
        participation_requested=_maybe(basis.participation_requested, instrument.code),
        declarations_requesting=[_declaration(d) for d in basis.declarations_requesting],
        declarations_requested=[_declaration(d) for d in basis.declarations_requested],
        verified=basis.verified,
    )


def _maybe(p: Participation | None, code: str) -> ParticipationOut | None:
    return participation_out(p, code) if p is not None else None


def _invalid(field: str, message: str) -> ValidationError:
    """A 422 in django-ninja's own format, so clients read every error the same way."""
    return ValidationError([{"loc": ["query", field], "msg": message, "type": "value_error"}])


def _state(code: str, field: str) -> State:
    try:
        return State.objects.get(iso2=code.upper())
    except State.DoesNotExist:
        raise _invalid(field, _("Unknown state code: %(code)s") % {"code": code}) from None


@router.get("/legal-basis", response=LegalBasisOut, summary="Find the legal bases for a request")
def legal_basis(request: HttpRequest, query: Query[LegalBasisQuery]) -> LegalBasisOut:
    """Every treaty that binds both states for this kind of cooperation on the date, and why.

    Texts (reasons, titles) are in the language of the ``Accept-Language`` header.
    """
    requesting = _state(query.requesting, "requesting")
    requested = _state(query.requested, "requested")
    iccs = None
    if query.iccs:
        iccs = IccsCategory.objects.filter(code=query.iccs).first()
        if iccs is None:
            raise _invalid("iccs", _("Unknown ICCS code: %(code)s") % {"code": query.iccs})
    on = query.date or timezone.localdate()
    answer = find_legal_bases(requesting, requested, query.kind, on=on, iccs=iccs)
    return LegalBasisOut(
        requesting=requesting.iso2,
        requested=requested.iso2,
        kind=query.kind,
        iccs=iccs.code if iccs else None,
        date=on,
        as_of=answer.as_of,
        has_basis=answer.has_basis,
        bases=[_basis(request, b) for b in answer.bases],
        remaining_routes=answer.remaining_routes(),
    )


# --- The text of the articles (issue 16, item 3; decision 0031) -------------------------------

TextLanguage = Literal["ar", "zh", "en", "fr", "ru", "es"]
assert set(TextLanguage.__args__) == set(TEXT_LANGUAGES)  # type: ignore[attr-defined]


class ArticleTextQuery(Schema):
    lang: TextLanguage = Field("en", description="UN language of the text wanted")


class ParagraphOut(Schema):
    anchor: str = Field(description='"para-9" for a paragraph published as "9."; else ""')
    text: str


class ArticleTextOut(Schema):
    instrument: str
    article: str
    language: str = Field(description="The language asked for")
    available: bool = Field(description="False: no text of the article in that language here")
    languages: list[str] = Field(description="Languages in which the text is available here")
    heading: str | None
    text: str | None = Field(description="One paragraph per line, numbered as published")
    paragraphs: list[ParagraphOut]
    source: str | None = Field(description="Who published the text; every text has one")
    source_url: str | None
    note: str | None = Field(description="A defect of the source that the text keeps")
    origin: str | None = Field(description='"shipped" or "added" (by an administrator)')
    url: str = Field(description="The article's page")


@router.get(
    "/treaties/{code}/articles/{article}",
    response=ArticleTextOut,
    url_name="treaty_article_text",
    summary="The text of a treaty article in one language, with its source",
)
def treaty_article_text(
    request: HttpRequest, code: str, article: str, query: Query[ArticleTextQuery]
) -> ArticleTextOut:
    """The text of ``article`` of the instrument ``code`` in ``lang``, as its named source
    publishes it. Where there is no text in that language, ``available`` is false, ``text``
    null, and ``languages`` lists the languages there are: Rogatory never translates a treaty.
    404 for an unknown instrument or an article without any text."""
    instrument = Instrument.objects.filter(code=code).first()
    texts = (
        list(ArticleText.objects.filter(instrument=instrument, article=article))
        if instrument is not None and ARTICLE_NUMBER.match(article)
        else []
    )
    if instrument is None or not texts:
        raise HttpError(404, _("No text of this article is recorded."))
    by_language = {t.language: t for t in texts}
    text = by_language.get(query.lang)
    return ArticleTextOut(
        instrument=instrument.code,
        article=article,
        language=query.lang,
        available=text is not None,
        languages=[language for language in TEXT_LANGUAGES if language in by_language],
        heading=text.heading if text else None,
        text=text.text if text else None,
        paragraphs=[ParagraphOut(anchor=a, text=p) for a, p in text.paragraphs] if text else [],
        source=text.source if text else None,
        source_url=(text.source_url or None) if text else None,
        note=(text.note or None) if text else None,
        origin=text.origin if text else None,
        url=request.build_absolute_uri(
            reverse("treaty_article", args=[instrument.code, article]) + f"?lang={query.lang}"
        ),
    )


class InstrumentParticipationOut(Schema):
    code: str
    list_complete_as_of: datetime.date | None = Field(
        description="Up to this date a State missing from the list was not a party; after "
        "it, a missing State is not recorded (check the depositary)"
    )
    participations: list[ParticipationOut]


@router.get(
    "/treaties/{code}/participation",
    response=InstrumentParticipationOut,
    summary="Every state's recorded participation in one instrument",
)
def instrument_participation(request: HttpRequest, code: str) -> InstrumentParticipationOut:
    """Signatures and consents to be bound as recorded, with source and as-of date."""
    instrument = Instrument.objects.filter(code=code).first()
    if instrument is None:
        raise HttpError(404, _("Unknown treaty: %(code)s") % {"code": code})
    rows = instrument.participations.order_by("state_id")
    return InstrumentParticipationOut(
        code=instrument.code,
        list_complete_as_of=instrument.list_complete_as_of,
        participations=[participation_out(p, instrument.code) for p in rows],
    )


# --- Conduct-based dual criminality (issue 16, item 4; decision 0034) ------------------------


class DualCriminalityQuery(Schema):
    requesting: str = Field(description="ISO 3166-1 alpha-2 code of the requesting state")
    requested: str = Field(description="ISO 3166-1 alpha-2 code of the requested state")
    basis: str = Field("", description='Instrument code (e.g. "uncac"), or empty / "none"')
    kind: Kind = Field("mla", description="Kind of cooperation")
    iccs: str = Field("", description="ICCS code(s) of the conduct, separated by commas")
    measure: str = Field("", description="Measure kind(s) sought, separated by commas")
    date: datetime.date | None = Field(None, description="Date of the conduct; default today")


class DualProvisionOut(Schema):
    state: str
    act: str
    act_number: str
    number: str
    heading: str
    url: str = Field(description="The provision in the knowledge base")
    source_url: str
    conduct_code: str
    matched_code: str
    level: Literal["exact", "broader", "narrower"]
    in_force: bool
    penalty: dict | None = Field(description="lib.penalties dict (decision 0028)")
    penalty_text: str | None
    threshold_met: bool | None
    coding_method: str
    coded_by: str
    verified_by: str
    verified_on: datetime.date | None


class DualThresholdOut(Schema):
    months: int | None
    article: str
    source: str
    source_url: str
    common: bool = Field(description="A common treaty threshold, not the instrument's rule")


class DualNoteOut(Schema):
    id: str
    text: str


class DualCriminalityOut(Schema):
    requesting: str
    requested: str
    basis: str | None
    kind: str
    iccs: list[str]
    measures: list[str]
    date: datetime.date
    outcome: Literal["covered", "likely", "not_shown", "not_required"]
    label: str
    summary: str
    disclaimer: str
    threshold: DualThresholdOut | None
    reasons: list[DualNoteOut]
    questions: list[DualNoteOut]
    requested_provisions: list[DualProvisionOut]
    requesting_provisions: list[DualProvisionOut]


def _dual_provision(request: HttpRequest, m: Match) -> DualProvisionOut:
    p = m.provision
    url = reverse("knowledge_document", args=[p.document]) + f"#{p.eid}"
    return DualProvisionOut(
        state=p.state,
        act=p.act_title,
        act_number=p.act_number,
        number=p.number,
        heading=p.heading,
        url=request.build_absolute_uri(url),
        source_url=p.source_url,
        conduct_code=m.code,
        matched_code=m.matched,
        level=m.level,  # type: ignore[arg-type]
        in_force=m.in_force,
        penalty=p.penalty.to_dict() if p.penalty else None,
        penalty_text=p.penalty.describe() if p.penalty else None,
        threshold_met=m.threshold_met,
        coding_method=p.method,
        coded_by=p.coded_by,
        verified_by=p.verified_by,
        verified_on=p.verified_on,
    )


def _split(value: str) -> list[str]:
    return [part for part in value.replace(";", ",").replace(" ", ",").split(",") if part]


@router.get(
    "/dual-criminality",
    response=DualCriminalityOut,
    summary="Is the conduct criminalised in the requested state? (an indication)",
)
def dual_criminality(
    request: HttpRequest, query: Query[DualCriminalityQuery]
) -> DualCriminalityOut:
    """Compares the conduct, coded in ICCS, with the legislation recorded for the requested
    state (and the requesting state, side by side). Covered, likely, not shown (no provision
    recorded — not "not criminal") or not required, with reasons and the questions a lawyer
    must still answer. An indication, never a legal determination."""
    for name in ("requesting", "requested", "basis", "iccs", "measure"):
        value = getattr(query, name)
        if len(value) > 500:
            raise _invalid(name, _("Not a valid value."))
    requesting = _state(query.requesting, "requesting")
    requested = _state(query.requested, "requested")
    basis = query.basis.strip().lower()
    if basis in ("", "none"):
        basis_code = None
    elif Instrument.objects.filter(code=basis).exists():
        basis_code = basis
    else:
        raise _invalid("basis", _("Unknown treaty: %(code)s") % {"code": query.basis})
    codes = _split(query.iccs)
    if len(codes) > 20:
        raise _invalid("iccs", _("At most 20 ICCS codes."))
    known = set(IccsCategory.objects.filter(code__in=codes).values_list("code", flat=True))
    for code in codes:
        if code not in known:
            raise _invalid("iccs", _("Unknown ICCS code: %(code)s") % {"code": code})
    measures = _split(query.measure)
    for measure in measures:
        if measure not in MeasureType.values:
            raise _invalid("measure", _("Unknown measure: %(code)s") % {"code": measure})
    on = query.date or timezone.localdate()
    # Profiles' per-measure requirements are for logged-in users, as in the directory.
    data = DualData.load(
        [requesting.iso2, requested.iso2], with_profiles=request.user.is_authenticated
    )
    answer = assess(
        requesting.iso2,
        requested.iso2,
        on=on,
        basis=basis_code,
        kind=query.kind,
        iccs=codes,
        measures=measures[:30],
        data=data,
    )
    threshold = answer.threshold
    return DualCriminalityOut(
        requesting=requesting.iso2,
        requested=requested.iso2,
        basis=basis_code,
        kind=query.kind,
        iccs=list(answer.iccs),
        measures=list(answer.measures),
        date=on,
        outcome=answer.outcome.value,
        label=answer.label,
        summary=answer.summary(requested.name),
        disclaimer=answer.disclaimer,
        threshold=DualThresholdOut(
            months=threshold.months,
            article=threshold.article,
            source=threshold.source,
            source_url=threshold.source_url,
            common=threshold.common,
        )
        if threshold
        else None,
        reasons=[DualNoteOut(id=n.id, text=n.text) for n in answer.reasons],
        questions=[DualNoteOut(id=n.id, text=n.text) for n in answer.questions],
        requested_provisions=[_dual_provision(request, m) for m in answer.requested_matches],
        requesting_provisions=[_dual_provision(request, m) for m in answer.requesting_matches],
    )
