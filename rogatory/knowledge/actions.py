"""Writes to the knowledge base: atomic, audited, each with its search-outbox row.

``do_import_text`` (UN plain text) and ``do_import_akn`` (Akoma Ntoso XML) store a document,
its citations and the links between documents, in both directions, with its quality report
(``quality.assess``). Importing the same document again changes nothing; a UN document of a
work and language already stored, with another content, replaces that version (decision
0040), and ``do_correct_un_document`` stores a site administrator's correction. After the
commit the outbox is drained into the search index (``transaction.on_commit``), so an import
is searchable within seconds; if that fails, the next drain heals it.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from rogatory.audit.actions import record

from .akn import AknError, from_akn, to_akn, work_iri
from .akn_legal import act_to_akn, akn_document_type, from_legal_akn, judgment_to_akn
from .layout import NotReadable, read_docx, read_pdf
from .legal import Judgment, LegalAct, act_work_iri, judgment_work_iri
from .models import (
    Citation,
    DocumentKind,
    KnowledgeDocument,
    Provision,
    SearchOutbox,
    symbol_key,
)
from .quality import assess
from .untext import LANGUAGES as UN_LANGUAGES
from .untext import Footnote, Paragraph, UnDocument, find_citations, organ_of_symbol, parse
from .works import assign_work, cover_symbols, documents_for_keys, keys_of

if TYPE_CHECKING:
    from rogatory.accounts.models import User
    from rogatory.reference.models import State
    from rogatory.treaties.models import Instrument

logger = logging.getLogger(__name__)

# Citation kinds that can point at a document in the base (dates cannot).
LINKABLE = ("resolution", "decision", "document_symbol", "treaty")
# Files that carry the layout: richer sources of a document than its plain text.
RICHER = (".pdf", ".docx")


class KnowledgeImportError(ValueError):
    """The input is not a document we can import; the message says why."""


@dataclass(frozen=True)
class ImportMetadata:
    """What the person importing says of a file that does not say it itself (a plain-text
    Universal Declaration carries no symbol): given values win over the parsed ones."""

    symbol: str = ""
    title: str = ""
    date: datetime.date | None = None
    language: str = ""  # one of the six UN languages; "" to detect it from the text

    def __bool__(self) -> bool:
        return bool(self.symbol or self.title or self.date or self.language)

    @classmethod
    def checked(
        cls, *, symbol: str = "", title: str = "", date: str = "", language: str = ""
    ) -> ImportMetadata:
        """The metadata from what a person typed (the import page, a manifest row), checked
        the same way for both; raises KnowledgeImportError saying what is wrong."""
        from rogatory.lib.validators import date_problem, text_problem

        symbol, title, date, language = (v.strip() for v in (symbol, title, date, language))
        if len(symbol) > 100 or "\n" in symbol:
            raise KnowledgeImportError(_("A symbol has at most 100 characters on one line."))
        for value in (symbol, title):
            if problem := text_problem(value):
                raise KnowledgeImportError(problem)
        if language and language not in UN_LANGUAGES:
            raise KnowledgeImportError(
                _("Unknown language '%(language)s': one of %(languages)s expected.")
                % {"language": language, "languages": ", ".join(UN_LANGUAGES)}
            )
        day = None
        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError:
                raise KnowledgeImportError(
                    _("'%(date)s' is not a date (YYYY-MM-DD).") % {"date": date}
                ) from None
            if problem := date_problem(day):
                raise KnowledgeImportError(problem)
        return cls(symbol=symbol, title=title[:1000], date=day, language=language)

    @staticmethod
    def checked_line(value: str, *, limit: int) -> str:
        """One line of a document's cover as a person typed it (the correction page), its
        spaces folded; raises KnowledgeImportError for a control character or a line longer
        than ``limit`` characters."""
        from rogatory.lib.validators import text_problem

        if problem := text_problem(value):
            raise KnowledgeImportError(problem)
        line = _fold_spaces(value)
        if len(line) > limit:
            raise KnowledgeImportError(
                _("A line of the cover has at most %(limit)d characters.") % {"limit": limit}
            )
        return line

    @classmethod
    def checked_lines(cls, value: str, *, limit: int, lines: int) -> tuple[str, ...]:
        """Lines of a document's cover, one per line of ``value`` (blank lines dropped), each
        checked as ``checked_line``; at most ``lines`` of them."""
        checked = [cls.checked_line(line, limit=limit) for line in value.splitlines()]
        kept = tuple(line for line in checked if line)
        if len(kept) > lines:
            raise KnowledgeImportError(
                _("At most %(lines)d lines are kept here.") % {"lines": lines}
            )
        return kept

    def apply(self, parsed: UnDocument) -> UnDocument:
        return replace(
            parsed,
            symbol=self.symbol.strip() or parsed.symbol,
            title=self.title.strip() or parsed.title,
            date=self.date or parsed.date,
        )


# Han characters, kana and full-width forms: a line break between two of them is no space.
_CJK = re.compile(r"[\u3000-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _fold_spaces(value: str) -> str:
    """``value`` on one line, its runs of spaces and line breaks as one space (none between
    two Chinese characters: a wrapped Chinese line is joined as it was written)."""
    line = ""
    for piece in value.split():
        cjk = bool(line) and bool(_CJK.match(line[-1])) and bool(_CJK.match(piece[0]))
        line = f"{line}{piece}" if cjk or not line else f"{line} {piece}"
    return line


_deferred = threading.local()


@contextmanager
def defer_indexing() -> Iterator[None]:
    """Leave the outbox rows for the caller to drain (bulk imports drain once at the end)."""
    before = getattr(_deferred, "active", False)
    _deferred.active = True
    try:
        yield
    finally:
        _deferred.active = before


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def plain_text(doc: UnDocument) -> str:
    """The document's text in reading order, footnotes included (for AKN imports)."""
    lines: list[str] = list(doc.header)
    for value in (doc.symbol, doc.session, doc.agenda_title, doc.title, doc.adoption):
        if value:
            lines.append(value)
    for paragraph in (*doc.front, *doc.preamble, *doc.operative):
        lines.append(f"{paragraph.number} {paragraph.text}" if paragraph.number else paragraph.text)
    for part in doc.parts:  # draft resolutions embedded in a report (decision 0039)
        lines.extend(value for value in (part.heading, part.title) if value)
        for paragraph in part.paragraphs():
            lines.append(
                f"{paragraph.number} {paragraph.text}" if paragraph.number else paragraph.text
            )
        lines.extend(part.closing)
    for annex in doc.annexes:
        lines.extend(part for part in (annex.heading, annex.title) if part)
        for paragraph in annex.paragraphs:
            lines.append(
                f"{paragraph.number} {paragraph.text}" if paragraph.number else paragraph.text
            )
    lines.extend(doc.closing)
    lines.extend(f"{note.marker} {note.text}" for note in doc.footnotes())
    return "\n".join(lines)


def do_import_text(
    text: str,
    *,
    source_name: str,
    acting_user: User | None = None,
    source_sha256: str | None = None,
    metadata: ImportMetadata | None = None,
) -> tuple[KnowledgeDocument, bool]:
    """Import a UN document given as plain text. Returns (document, created).

    ``source_sha256`` is the hash of the file the text came from (by default of the text), by
    which a bulk import recognises files it has already imported. ``metadata``: the symbol,
    title, date and language the person importing gives (they win over the parsed ones).
    """
    if not text.strip():
        raise KnowledgeImportError("The text is empty.")
    meta = metadata or ImportMetadata()
    try:
        parsed = meta.apply(parse(text, language=meta.language or None))
    except ValueError as exc:
        raise KnowledgeImportError(f"Cannot read this text as a UN document: {exc}") from None
    if not parsed.symbol and not parsed.title:
        raise KnowledgeImportError(
            _(
                "No document symbol or title found in %(name)s. Give them with the file: the "
                "fields of the import page, or a manifest.csv beside the files."
            )
            % {"name": source_name}
        )
    return _store(
        parsed,
        body_text=text,
        source_sha256=source_sha256 or sha256(text.encode()),
        source_name=source_name,
        acting_user=acting_user,
        also_symbols=cover_symbols(text),
    )


def do_import_published(
    data: bytes,
    *,
    source_name: str,
    acting_user: User | None = None,
    metadata: ImportMetadata | None = None,
) -> tuple[KnowledgeDocument, bool]:
    """Import a UN document as the UN publishes it, a PDF or a Word file (by its name's
    suffix): its layout read into logical lines (``layout``), then parsed as text. The
    stored text is that laid-out text; the file's hash recognises it when imported again."""
    try:
        laid = read_docx(data) if source_name.lower().endswith(".docx") else read_pdf(data)
    except NotReadable as refused:
        raise KnowledgeImportError(str(refused)) from None
    return do_import_text(
        laid.text,
        source_name=source_name,
        acting_user=acting_user,
        source_sha256=sha256(data),
        metadata=metadata,
    )


def do_import_akn(
    data: bytes, *, source_name: str, acting_user: User | None = None
) -> tuple[KnowledgeDocument, bool | None]:
    """Import a document given as Akoma Ntoso XML: a UN document (<doc>, <statement>), an act
    (<act>) or a judgment (<judgment>), as our export writes them. created is None when an
    act or judgment was already stored unchanged."""
    try:
        if akn_document_type(data) in ("act", "judgment"):
            legal = from_legal_akn(data)
            digest = sha256(data)
            if isinstance(legal, LegalAct):
                return do_save_act(
                    legal, source_name=source_name, acting_user=acting_user, source_sha256=digest
                )
            return do_save_judgment(
                legal, source_name=source_name, acting_user=acting_user, source_sha256=digest
            )
        parsed = from_akn(data)
    except AknError as exc:
        raise KnowledgeImportError(str(exc)) from None
    return _store(
        parsed,
        body_text=plain_text(parsed),
        source_sha256=sha256(data),
        source_name=source_name,
        acting_user=acting_user,
    )


@transaction.atomic
def _store(
    parsed: UnDocument,
    *,
    body_text: str,
    source_sha256: str,
    source_name: str,
    acting_user: User | None,
    also_symbols: list[str] | None = None,
) -> tuple[KnowledgeDocument, bool]:
    """Store a parsed UN document. Its identity is its work and language (decision 0040):
    a version of the same work in the same language is replaced, whichever of the work's
    symbols the new file gives, its citations written afresh."""
    try:
        akn = to_akn(parsed)
    except AknError as exc:
        raise KnowledgeImportError(str(exc)) from None
    content = sha256(akn)
    symbol = (parsed.symbol or "").strip()
    language = parsed.language
    same = KnowledgeDocument.objects.filter(
        symbol=symbol, language=language, content_sha256=content
    ).first()
    if same is not None:
        return same, False
    also = [s for s in also_symbols or () if s != symbol]
    document = KnowledgeDocument(kind=DocumentKind.UN_DOCUMENT, symbol=symbol, language=language)
    assign_work(document, also)
    existing = _stored_version(document.work, symbol, language) if symbol else None
    if existing is not None and existing.content_sha256 == content:
        return existing, False
    quality = assess(parsed, also_symbols=also, body_text=body_text)
    if existing is not None:
        quality["doubts"] += _replacement_doubts(existing, source_name)
        # One version per work and language: the version this one replaces, said (decision
        # 0040, "Later"): a PDF and a Word file of one document are the same version.
        quality["replaced"] = {
            "source": existing.source_name,
            "imported": existing.updated_at.date().isoformat() if existing.updated_at else "",
        }
        document = existing
    document.symbol = symbol
    document.language = language
    document.title = parsed.title or ""
    document.date = parsed.date
    document.body_text = body_text
    document.akn = akn.decode()
    document.work_iri = work_iri(parsed)
    document.content_sha256 = content
    document.source_sha256 = source_sha256
    previous_source = document.source_name
    document.source_name = source_name[:300]
    document.quality = quality
    assign_work(document, also)
    document.save()
    created = existing is None
    citations, resolved = _write_citations(document, parsed)
    _written(
        "knowledge.imported",
        document,
        acting_user,
        {
            "symbol": symbol,
            "language": language,
            "source": source_name[:300],
            "sha256": content,
            "replaced": not created,
            "replaced_source": "" if created else previous_source,
            "citations": citations,
            "links": resolved,
            "work": document.work,
            "doubts": [d["code"] for d in quality["doubts"]],
        },
    )
    return document, created


def _stored_version(work: str, symbol: str, language: str) -> KnowledgeDocument | None:
    """The stored UN document of this work (or, stored before works, this symbol) in this
    language, locked."""
    return (
        KnowledgeDocument.objects.select_for_update()
        .filter(kind=DocumentKind.UN_DOCUMENT, language=language)
        .filter(Q(work=work) | Q(symbol=symbol))
        .order_by(Case(When(work=work, then=Value(0)), default=Value(1)), "pk")
        .first()
    )


def _replacement_doubts(existing: KnowledgeDocument, source_name: str) -> list[dict[str, Any]]:
    """What a re-import must tell of the version it replaces: an administrator's
    corrections (not applied again: the new file may have mended what they mended, and a
    structure cannot be carried onto another parse with certainty), a richer source."""
    doubts: list[dict[str, Any]] = []
    if existing.corrections:
        last = existing.corrections[-1]
        doubts.append(
            {
                "code": "corrections_replaced",
                "count": len(existing.corrections),
                "date": str(last.get("at", ""))[:10] if isinstance(last, dict) else "",
            }
        )
    if source_name.lower().endswith(".txt") and existing.source_name.lower().endswith(RICHER):
        doubts.append({"code": "poorer_source", "previous": existing.source_name})
    return doubts


def _write_citations(document: KnowledgeDocument, parsed: UnDocument) -> tuple[int, int]:
    """Replace the document's citations by the parsed ones and link them (both ways)."""
    document.citations.all().delete()
    citations = [
        Citation(
            source=document,
            position=n,
            kind=cit.kind,
            text=cit.text,
            target=cit.target[:200],
            target_key=symbol_key(cit.target)[:200],
        )
        for n, cit in enumerate(parsed.citations())
    ]
    Citation.objects.bulk_create(citations)
    return len(citations), _resolve(document)


@transaction.atomic
def do_correct_un_document(
    document: KnowledgeDocument,
    corrected: UnDocument,
    *,
    also_symbols: Sequence[str] = (),
    acting_user: User,
) -> list[str]:
    """Store a site administrator's correction of an imported UN document (decision 0040):
    its metadata and structure as ``corrected``; the Akoma Ntoso regenerated from it, the
    citations found again in the paragraphs' text and linked, the quality report computed
    again, the search index told (outbox), the correction kept as data and audited.

    Returns the names of what changed ([] when nothing did: nothing is written). Raises
    KnowledgeImportError when the correction gives another stored version's identity."""
    current = KnowledgeDocument.objects.select_for_update().get(pk=document.pk)
    if current.kind != DocumentKind.UN_DOCUMENT:
        raise KnowledgeImportError(_("Only imported UN documents are corrected here."))
    try:
        before = from_akn(current.akn.encode())
    except AknError:
        before = None
    organ = organ_of_symbol(corrected.symbol)
    recited = None if organ is None or organ.principal else organ
    lang = corrected.language

    def noted(note: Footnote) -> Footnote:
        return replace(note, citations=find_citations(note.text, lang, organ=recited))

    def again(group: Sequence[Paragraph]) -> tuple[Paragraph, ...]:
        return tuple(
            replace(
                p,
                citations=find_citations(p.text, lang, organ=recited),
                footnotes=tuple(noted(n) for n in p.footnotes),
            )
            for p in group
        )

    corrected = replace(
        corrected,
        body=corrected.body or _organ_name(organ),
        front=again(corrected.front),
        preamble=again(corrected.preamble),
        operative=again(corrected.operative),
        annexes=tuple(replace(a, paragraphs=again(a.paragraphs)) for a in corrected.annexes),
        parts=tuple(
            replace(
                p,
                front=again(p.front),
                preamble=again(p.preamble),
                operative=again(p.operative),
            )
            for p in corrected.parts
        ),
        unattached_footnotes=tuple(noted(n) for n in corrected.unattached_footnotes),
    )
    symbol = (corrected.symbol or "").strip()
    also = [s for s in dict.fromkeys(also_symbols) if s and s != symbol]
    changed = _changed_fields(current, before, corrected, also)
    if not changed:
        return []
    try:
        akn = to_akn(corrected)
    except AknError as exc:
        raise KnowledgeImportError(str(exc)) from None
    current.symbol = symbol
    current.language = corrected.language
    current.title = corrected.title or ""
    current.date = corrected.date
    current.akn = akn.decode()
    current.content_sha256 = sha256(akn)
    current.work_iri = work_iri(corrected)
    current.work = ""
    assign_work(current, also)
    clash = (
        KnowledgeDocument.objects.filter(
            Q(work=current.work) | Q(symbol=symbol, content_sha256=current.content_sha256),
            kind=DocumentKind.UN_DOCUMENT,
            language=current.language,
        )
        .exclude(pk=current.pk)
        .first()
    )
    if symbol and clash is not None:
        raise KnowledgeImportError(
            _("Another stored document is already this work in this language: %(symbol)s.")
            % {"symbol": clash.symbol or clash.title[:80]}
        )
    quality = assess(corrected, also_symbols=also, body_text=current.body_text)
    quality["corrected"] = True
    if (current.quality or {}).get("replaced"):  # what the import replaced stays said
        quality["replaced"] = current.quality["replaced"]
    current.quality = quality
    entry = {
        "at": timezone.now().isoformat(timespec="seconds"),
        "by": acting_user.get_username(),
        "changed": changed,
    }
    current.corrections = [*(current.corrections or []), entry]
    current.save()
    citations, links = _write_citations(current, corrected)
    _written(
        "knowledge.corrected",
        current,
        acting_user,
        {
            "symbol": symbol,
            "language": current.language,
            "changed": changed,
            "sha256": current.content_sha256,
            "citations": citations,
            "links": links,
            "work": current.work,
        },
    )
    document.refresh_from_db()
    return changed


# What of a UN document's cover a correction may change besides its metadata.
COVER_FIELDS = (
    "number",
    "body",
    "session",
    "agenda_item",
    "agenda_title",
    "adoption",
    "header",
    "closing",
)


def _organ_name(organ: Any) -> str | None:
    return getattr(organ, "name", None) if organ is not None else None


def _changed_fields(
    current: KnowledgeDocument,
    before: UnDocument | None,
    corrected: UnDocument,
    also: Sequence[str],
) -> list[str]:
    """The names of what a correction changes: metadata fields, and "structure"."""
    changed = [
        name
        for name, old, new in (
            ("symbol", current.symbol, (corrected.symbol or "").strip()),
            ("also_symbols", list(current.also_symbols or []), list(also)),
            ("title", current.title, corrected.title or ""),
            ("date", current.date, corrected.date),
            ("language", current.language, corrected.language),
            ("kind", before.kind if before else None, corrected.kind),
            *(
                (name, getattr(before, name, None), getattr(corrected, name))
                for name in COVER_FIELDS
            ),
        )
        if old != new
    ]
    if before is None or _structure(before) != _structure(corrected):
        changed.append("structure")
    return changed


def _structure(doc: UnDocument) -> tuple[Any, ...]:
    """What of a document's structure a correction may change (citations follow the text)."""

    def shape(group: Sequence[Paragraph]) -> tuple[Any, ...]:
        return tuple(
            (p.number, p.verb, p.kind, p.text, tuple(n.marker for n in p.footnotes)) for p in group
        )

    return (
        shape(doc.front),
        shape(doc.preamble),
        shape(doc.operative),
        tuple((a.heading, a.title, shape(a.paragraphs)) for a in doc.annexes),
        tuple(
            (p.heading, p.title, p.number, p.after, *map(shape, (p.front, p.preamble, p.operative)))
            for p in doc.parts
        ),
        tuple(n.marker for n in doc.unattached_footnotes),
        tuple(n.text for n in doc.footnotes()),
    )


def _written(
    action: str, document: KnowledgeDocument, acting_user: User | None, details: dict
) -> None:
    """What every write ends with: the outbox row, the audit entry, the drain after commit."""
    SearchOutbox.objects.create(document_id=document.pk, op=SearchOutbox.Op.UPSERT)
    record(
        action,
        acting_user=acting_user,
        authority_id=None,
        object_type="knowledge_document",
        object_ref=str(document.public_id),
        details=details,
    )
    if not getattr(_deferred, "active", False):
        transaction.on_commit(drain_after_commit)


def _resolve(document: KnowledgeDocument) -> int:
    """Link citations to works in the base, both ways (decision 0035): a citation names a
    work by one of its symbols and links to its version in the citing document's language,
    else to another version. Returns the number of links written."""
    outgoing = Citation.objects.filter(source=document, kind__in=LINKABLE)
    keys = set(outgoing.values_list("target_key", flat=True))
    candidates = list(
        documents_for_keys(keys)
        .exclude(work=document.work)
        .order_by("language", "pk")
        .only("pk", "work", "symbol", "also_symbols", "language")
    )
    links = 0
    for key in keys:
        named = [d for d in candidates if key in keys_of(d)]
        if not named:
            continue
        chosen = next((d for d in named if d.language == document.language), named[0])
        links += outgoing.filter(target_key=key).update(resolved_id=chosen.pk)
    incoming = Citation.objects.filter(kind__in=LINKABLE, target_key__in=keys_of(document)).exclude(
        source__work=document.work
    )
    # The version in the citing document's language wins over another language's.
    links += (
        incoming.filter(source__language=document.language)
        .exclude(resolved=document)
        .update(resolved_id=document.pk)
    )
    links += incoming.filter(resolved__isnull=True).update(resolved_id=document.pk)
    return links


def drain_after_commit() -> None:
    """Drain the outbox into the index; on failure log it (the rows stay for the next drain)."""
    from .indexing import drain_outbox

    try:
        drain_outbox()
    except Exception:  # the outbox keeps the rows: the next drain heals the index
        logger.exception("Search index not updated; the next drain will retry")


# Legislation and case law --------------------------------------------------------------------


def _known_tags(iccs: Iterable[str], implements: Iterable[str]) -> None:
    """Refuse ICCS codes and convention articles that the reference data does not know."""
    from rogatory.reference.models import IccsCategory
    from rogatory.treaties.models import Instrument

    codes = set(iccs)
    known_codes = IccsCategory.objects.filter(code__in=codes).values_list("code", flat=True)
    unknown = codes - set(known_codes)
    if unknown:
        raise KnowledgeImportError(
            _("Unknown ICCS codes: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
        )
    refs = set(implements)
    bad = sorted(ref for ref in refs if not re.fullmatch(r"[a-z0-9-]+:[0-9A-Za-z().]+", ref))
    if bad:
        raise KnowledgeImportError(
            _("Convention articles must read instrument:article (e.g. untoc:6): %(refs)s.")
            % {"refs": ", ".join(bad)}
        )
    instruments = {ref.split(":")[0] for ref in refs}
    known = set(Instrument.objects.filter(code__in=instruments).values_list("code", flat=True))
    if instruments - known:
        raise KnowledgeImportError(
            _("Unknown instruments: %(codes)s.") % {"codes": ", ".join(sorted(instruments - known))}
        )


def _state(code: str) -> State:
    from rogatory.reference.models import State

    state = State.objects.filter(iso2=code.upper()).first()
    if state is None:
        raise KnowledgeImportError(
            _("Unknown state code '%(code)s' (ISO 3166-1 alpha-2 expected).") % {"code": code}
        )
    return state


def act_text(act: LegalAct) -> str:
    """The act's text below its title, in reading order: what search indexes and quotes."""
    lines = [act.number] if act.number else []  # the index adds the title above
    for provision in act.provisions:
        lines.append(" ".join(part for part in (provision.number, provision.heading) if part))
        lines.extend(line for line in provision.text.splitlines() if line.strip())
    return "\n".join(lines)


def judgment_text(judgment: Judgment) -> str:
    parts = (  # the index adds the case number (the symbol) and the title above
        judgment.court,
        judgment.parties,
        judgment.summary,
        judgment.facts,
        judgment.decision,
    )
    return "\n".join(part for part in parts if part)


def _unique(values: Iterable[str]) -> list[str]:
    return sorted({value for value in values if value})


def do_save_act(
    act: LegalAct,
    *,
    source_name: str,
    acting_user: User | None = None,
    source_sha256: str = "",
    document: KnowledgeDocument | None = None,
) -> tuple[KnowledgeDocument, bool | None]:
    """Store a legislative act and its provisions. Returns (document, created); created is
    None when the same act was already stored unchanged. An act is identified by its work IRI
    and language: saving it again with other content replaces it. ``document``: the stored
    document being edited (its identity may change with the edit)."""
    iccs = _unique(c for p in act.provisions for c in p.iccs)
    implements = _unique(r for p in act.provisions for r in p.implements)

    def fill(document: KnowledgeDocument) -> None:
        document.number = act.number
        document.body_text = act_text(act)
        document.iccs_codes, document.implements = iccs, implements

    def after(document: KnowledgeDocument) -> dict[str, Any]:
        document.provisions.all().delete()
        Provision.objects.bulk_create(
            Provision(
                document=document,
                position=n,
                eid=p.eid,
                number=p.number,
                heading=p.heading,
                text=p.text,
                iccs_codes=list(p.iccs),
                implements=list(p.implements),
                penalty=p.penalty,
                **_provenance(p),
            )
            for n, p in enumerate(act.provisions)
        )
        return {"provisions": len(act.provisions)}

    with transaction.atomic():
        saved, created = _save_legal(
            act,
            DocumentKind.LEGISLATION,
            act_work_iri(act),
            act_to_akn,
            fill,
            after,
            tags=(iccs, implements),
            action="knowledge.act_saved",
            source=(source_name, source_sha256),
            acting_user=acting_user,
            document=document,
        )
        if created is None and _update_unwritten(saved, act, acting_user):
            created = False  # replaced: its penalties or coding provenance changed
    return saved, created


_UNWRITTEN = ("penalty", "iccs_method", "iccs_coded_by", "iccs_verified_by", "iccs_verified_on")


def _provenance(p: Any) -> dict[str, Any]:
    """The ICCS provenance fields of a legal.Provision (decision 0034)."""
    return {
        "iccs_method": p.iccs_method,
        "iccs_coded_by": p.iccs_coded_by[:200],
        "iccs_verified_by": p.iccs_verified_by[:200],
        "iccs_verified_on": p.iccs_verified_on,
    }


def _update_unwritten(document: KnowledgeDocument, act: LegalAct, acting_user: User | None) -> bool:
    """Penalties and coding provenance are not in the Akoma Ntoso, so an act whose XML is
    unchanged may still bring new ones (a second person verifying the codes): store those."""
    given = {p.eid: {"penalty": p.penalty} | _provenance(p) for p in act.provisions}
    changed = []
    for provision in document.provisions.select_for_update():
        values = given.get(provision.eid)
        if values is None or all(getattr(provision, k) == values[k] for k in _UNWRITTEN):
            continue
        for key in _UNWRITTEN:
            setattr(provision, key, values[key])
        changed.append(provision)
    if changed:
        Provision.objects.bulk_update(changed, list(_UNWRITTEN))
        _written(
            "knowledge.act_saved",
            document,
            acting_user,
            {"work": document.work_iri, "provisions_updated": [p.eid for p in changed]},
        )
    return bool(changed)


def do_save_judgment(
    judgment: Judgment,
    *,
    source_name: str,
    acting_user: User | None = None,
    source_sha256: str = "",
    document: KnowledgeDocument | None = None,
) -> tuple[KnowledgeDocument, bool | None]:
    """Store a court decision (same identity and return rules as ``do_save_act``)."""

    def fill(document: KnowledgeDocument) -> None:
        document.number = judgment.case_number
        document.symbol = judgment.case_number[:100]
        document.court = judgment.court
        document.parties = judgment.parties
        document.summary = judgment.summary
        document.facts = judgment.facts
        document.decision = judgment.decision
        document.tags = _unique(judgment.tags)
        document.iccs_codes = _unique(judgment.iccs)
        document.implements = _unique(judgment.implements)
        document.body_text = judgment_text(judgment)

    return _save_legal(
        judgment,
        DocumentKind.CASE_LAW,
        judgment_work_iri(judgment),
        judgment_to_akn,
        fill,
        lambda document: {},
        tags=(judgment.iccs, judgment.implements),
        action="knowledge.judgment_saved",
        source=(source_name, source_sha256),
        acting_user=acting_user,
        document=document,
    )


def _save_legal(
    legal: Any,
    kind: str,
    work: str,
    to_xml: Callable[..., bytes],
    fill: Callable[[KnowledgeDocument], None],
    after: Callable[[KnowledgeDocument], dict[str, Any]],
    *,
    tags: tuple[Iterable[str], Iterable[str]],
    action: str,
    source: tuple[str, str],
    acting_user: User | None,
    document: KnowledgeDocument | None,
) -> tuple[KnowledgeDocument, bool | None]:
    """What saving an act and a judgment share: tags checked against reference data (once),
    the AKN, identity, the common fields, the outbox row and the audit entry."""
    _known_tags(*tags)
    try:
        akn = to_xml(legal, generated=legal.date)
    except AknError as exc:
        raise KnowledgeImportError(str(exc)) from None
    source_name, source_sha256 = source
    with transaction.atomic():
        document, created = _legal_document(kind, work, legal.language, akn, document)
        if created is None:
            return document, None
        document.state = _state(legal.state)
        document.title = legal.title
        document.date = legal.date
        document.source_url = legal.source_url
        fill(document)
        _set_source(document, akn, source_name, source_sha256)
        assign_work(document)
        document.save()
        details = {
            "work": document.work_iri,
            "language": legal.language,
            "source": source_name[:300],
            "sha256": document.content_sha256,
            "replaced": not created,
        }
        _written(action, document, acting_user, details | after(document))
    return document, created


def _legal_document(
    kind: str, work: str, language: str, akn: bytes, current: KnowledgeDocument | None
) -> tuple[KnowledgeDocument, bool | None]:
    """The document to write (locked): ``current`` when editing one, else the stored one with
    this work IRI and language, else a new one; created is None when its content is already
    ``akn``."""
    same_identity = KnowledgeDocument.objects.select_for_update().filter(
        work_iri=work, language=language
    )
    if current is not None:
        if same_identity.exclude(pk=current.pk).exists():
            raise KnowledgeImportError(
                _("Another document already has this identity (%(work)s, %(language)s).")
                % {"work": work, "language": language}
            )
        existing: KnowledgeDocument | None = KnowledgeDocument.objects.select_for_update().get(
            pk=current.pk
        )
    else:
        existing = same_identity.first()
    if existing is None:
        return KnowledgeDocument(kind=kind, work_iri=work, language=language), True
    if existing.kind != kind:
        raise KnowledgeImportError(
            _("%(work)s is already stored as another kind of document.") % {"work": work}
        )
    if existing.content_sha256 == sha256(akn):
        return existing, None
    existing.work_iri, existing.language = work, language
    return existing, False


def _set_source(document: KnowledgeDocument, akn: bytes, name: str, digest: str) -> None:
    document.akn = akn.decode()
    document.content_sha256 = sha256(akn)
    document.source_name = name[:300]
    document.source_sha256 = digest or document.content_sha256


@transaction.atomic
def do_delete_document(document: KnowledgeDocument, *, acting_user: User) -> None:
    """Delete a document (its provisions and citations with it); citing documents keep their
    citations, unlinked. The index entry goes with the outbox row."""
    ref, pk = str(document.public_id), document.pk
    details = {"kind": document.kind, "title": document.title[:200], "work": document.work_iri}
    document.delete()
    SearchOutbox.objects.create(document_id=pk, op=SearchOutbox.Op.DELETE)
    record(
        "knowledge.deleted",
        acting_user=acting_user,
        authority_id=None,
        object_type="knowledge_document",
        object_ref=ref,
        details=details,
    )
    if not getattr(_deferred, "active", False):
        transaction.on_commit(drain_after_commit)


# Treaties ------------------------------------------------------------------------------------


def treaty_text(instrument: Instrument, language: str) -> UnDocument:
    """The treaty record of the directory as a document in one UN language."""
    from django.utils import formats, translation

    from rogatory.reference.loaders import LANGUAGE_FIELDS

    suffix = LANGUAGE_FIELDS[language]
    title = getattr(instrument, f"title_{suffix}") or instrument.title
    scope = getattr(instrument, f"scope_{suffix}") or ""
    lines: list[str] = []
    with translation.override("zh-hans" if language == "zh" else language):
        if instrument.adopted_on:
            lines.append(
                _("Adopted on %(date)s.")
                % {"date": formats.date_format(instrument.adopted_on, "DATE_FORMAT")}
            )
        if instrument.in_force_on:
            lines.append(
                _("Entered into force on %(date)s.")
                % {"date": formats.date_format(instrument.in_force_on, "DATE_FORMAT")}
            )
        if instrument.depositary:
            lines.append(_("Depositary: %(name)s.") % {"name": instrument.depositary})
        if instrument.unts:
            volume, _sep, number = instrument.unts.partition("/")
            lines.append(
                _("United Nations, Treaty Series, vol. %(volume)s, No. %(number)s.")
                % {"volume": volume, "number": number}
            )
        if scope:
            lines.append(scope)
        for article in instrument.articles.all():
            lines.append(
                _("%(kind)s: article %(article)s.")
                % {"kind": article.get_kind_display(), "article": article.article}
            )
    return UnDocument(
        kind="treaty",
        language=language,
        symbol=f"UNTS {instrument.unts}" if instrument.unts else None,
        number=None,
        body=None,
        date=instrument.adopted_on,
        title=title,
        front=tuple(Paragraph(text=line) for line in lines),
    )


def do_sync_treaty_documents(
    instruments: Iterable[Instrument] | None = None, *, acting_user: User | None = None
) -> int:
    """Present each treaty record of the directory as a knowledge-base document in the six UN
    languages (unchanged records change nothing). Returns the number of documents written."""
    from rogatory.treaties.models import Instrument

    chosen = (
        instruments
        if instruments is not None
        else Instrument.objects.prefetch_related("articles")  # read six times each
    )
    written = 0
    for instrument in chosen:
        for language in UN_LANGUAGES:
            written += _sync_treaty(instrument, language, acting_user)
    return written


@transaction.atomic
def _sync_treaty(instrument: Instrument, language: str, acting_user: User | None) -> int:
    parsed = treaty_text(instrument, language)
    akn = to_akn(parsed)
    existing = (
        KnowledgeDocument.objects.select_for_update()
        .filter(instrument=instrument, language=language)
        .first()
    )
    if existing is not None and existing.content_sha256 == sha256(akn):
        return 0
    document = existing or KnowledgeDocument(
        kind=DocumentKind.TREATY, instrument=instrument, language=language
    )
    document.symbol = parsed.symbol or ""
    document.title = parsed.title or ""
    document.date = parsed.date
    # The text below the title (the index puts the symbol and title above it).
    document.body_text = "\n".join(paragraph.text for paragraph in parsed.front)
    document.work_iri = work_iri(parsed)
    document.source_url = instrument.source_url
    document.implements = []
    _set_source(document, akn, f"treaty record {instrument.code}", "")
    assign_work(document)
    document.save()
    links = _resolve(document)
    _written(
        "knowledge.treaty_synced",
        document,
        acting_user,
        {"instrument": instrument.code, "language": language, "links": links},
    )
    return 1
