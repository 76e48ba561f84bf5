"""A site administrator's correction of an imported UN document's structure (decision 0040).

The correction page lists the document's paragraphs in reading order, each with its part
(front matter, preamble, operative, an annex), number, verb, kind and text, and the marks of
the footnotes attached to it. ``restructure`` turns the edited rows back into an
``UnDocument``: a row marked "join" is joined to the paragraph above; a blank line in a text
splits it into paragraphs; an emptied text drops the paragraph; footnotes go where their marks
are listed, and those listed nowhere are attached to no paragraph. The action
(``actions.do_correct_un_document``) stores the result.

A report's parts (draft resolutions and decisions printed in it, decision 0039) are corrected
on the same page: their rows are listed in reading order among the report's, in the part
"part:<n>:front", "part:<n>:preamble" or "part:<n>:operative", under the same rules; each
part's heading, title and number are corrected apart (``PartEdit``), and a part that is not
one is removed: its heading, title, closing lines and rows become paragraphs of the report
where it stood. Footnote texts (``NoteEdit``, keyed by mark and order) and annex headings
(``AnnexEdit``) are corrected too (decision 0040, "Later").
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _

from .untext import Footnote, Paragraph, ParagraphKind, Part, UnDocument

FRONT, PREAMBLE, OPERATIVE = "front", "preamble", "operative"
PART_GROUPS = (FRONT, PREAMBLE, OPERATIVE)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_CJK = re.compile(r"[\u3000-\u9fff\uf900-\ufaff\uff00-\uffef]")


class CorrectionError(ValueError):
    """The corrected structure cannot be built; the message says why."""


@dataclass(frozen=True)
class ParagraphEdit:
    """One row of the correction page."""

    part: str  # FRONT, PREAMBLE, OPERATIVE, "part:<n>:<group>" or "annex:<n>"
    text: str
    number: str = ""
    verb: str = ""
    kind: ParagraphKind = "paragraph"
    footnotes: tuple[str, ...] = ()  # the marks of the footnotes attached to it
    join: bool = False  # joined to the paragraph above
    level: int = 0  # a heading's rank in a report, as parsed (not shown: kept for headings)


@dataclass(frozen=True)
class Cover:
    """What a UN document's cover (and a resolution's closing) says besides its symbol,
    title and date, as the Akoma Ntoso export carries it in the preface and conclusions.
    A resolution's distribution date is printed among its header lines (its ``date`` is the
    day it was adopted); a report's ``date`` is its distribution date."""

    number: str = ""  # "76/187", "2021/20", "329 (XXX)"
    body: str = ""  # the issuing organ: "General Assembly"
    session: str = ""  # as printed: "Seventy-sixth session"
    agenda_item: str = ""  # "108", "19(c)"
    agenda_title: str = ""
    adoption: str = ""  # "[on the report of the Third Committee (A/76/463, para. 26)]"
    header: tuple[str, ...] = ()  # the cover's lines as printed
    closing: tuple[str, ...] = ()  # "56th plenary meeting", "17 November 2015"


@dataclass(frozen=True)
class Metadata:
    symbol: str
    title: str
    date: datetime.date | None
    language: str
    kind: str  # "resolution" or "report"
    cover: Cover | None = None  # None: the cover as parsed


@dataclass(frozen=True)
class PartEdit:
    """A document part's heading, title and number as corrected; ``remove``: it is not a
    part (a table row taken for a draft resolution)."""

    heading: str
    title: str = ""
    number: str = ""
    remove: bool = False


@dataclass(frozen=True)
class NoteEdit:
    """A footnote's text as corrected; the n-th note of the document (``doc.footnotes()``
    order) whose mark is ``marker``."""

    index: int
    marker: str
    text: str


@dataclass(frozen=True)
class AnnexEdit:
    heading: str
    title: str = ""


def part_key(n: int, group: str) -> str:
    return f"part:{n}:{group}"


def part_edits_of(doc: UnDocument) -> list[PartEdit]:
    return [
        PartEdit(heading=p.heading, title=p.title or "", number=p.number or "") for p in doc.parts
    ]


def note_edits_of(doc: UnDocument) -> list[NoteEdit]:
    return [
        NoteEdit(index=n, marker=note.marker, text=note.text)
        for n, note in enumerate(doc.footnotes())
    ]


def annex_edits_of(doc: UnDocument) -> list[AnnexEdit]:
    return [AnnexEdit(heading=a.heading, title=a.title or "") for a in doc.annexes]


def cover_of(doc: UnDocument) -> Cover:
    """The document's cover as the correction page shows it."""
    return Cover(
        number=doc.number or "",
        body=doc.body or "",
        session=doc.session or "",
        agenda_item=doc.agenda_item or "",
        agenda_title=doc.agenda_title or "",
        adoption=doc.adoption or "",
        header=tuple(doc.header),
        closing=tuple(doc.closing),
    )


def parts_of(doc: UnDocument) -> list[str]:
    """The parts a paragraph of this document may be in."""
    return [
        FRONT,
        PREAMBLE,
        OPERATIVE,
        *(part_key(n, group) for n in range(len(doc.parts)) for group in PART_GROUPS),
        *(f"annex:{n}" for n in range(len(doc.annexes))),
    ]


def edits_of(doc: UnDocument) -> list[ParagraphEdit]:
    """The document's paragraphs as rows of the correction page, in reading order (a part's
    rows where the part stands among the report's paragraphs)."""
    groups: list[tuple[str, Sequence[Paragraph]]] = [(FRONT, doc.front), (PREAMBLE, doc.preamble)]
    done = 0
    for n, part in enumerate(doc.parts):
        groups.append((OPERATIVE, doc.operative[done : part.after]))
        done = max(done, part.after)
        groups += [
            (part_key(n, FRONT), part.front),
            (part_key(n, PREAMBLE), part.preamble),
            (part_key(n, OPERATIVE), part.operative),
        ]
    groups.append((OPERATIVE, doc.operative[done:]))
    groups += [(f"annex:{n}", annex.paragraphs) for n, annex in enumerate(doc.annexes)]
    return [
        ParagraphEdit(
            part=part,
            text=p.text,
            number=p.number or "",
            verb=p.verb or "",
            kind=p.kind,
            footnotes=tuple(note.marker for note in p.footnotes),
            level=p.level,
        )
        for part, paragraphs in groups
        for p in paragraphs
    ]


def restructure(
    doc: UnDocument,
    metadata: Metadata,
    edits: Sequence[ParagraphEdit],
    *,
    parts: Sequence[PartEdit] | None = None,
    notes: Sequence[NoteEdit] | None = None,
    annexes: Sequence[AnnexEdit] | None = None,
) -> UnDocument:
    """``doc`` with the corrected metadata, paragraphs, parts, footnote texts and annex
    headings (None: as they are; citations are found again by the action). Raises
    CorrectionError for a part the document does not have, a footnote mark it does not have,
    a mark listed more often than the document has such notes, a part left without a heading
    or without paragraphs, a footnote left without text or an annex without a heading."""
    keys = parts_of(doc)
    part_edits = list(parts) if parts is not None else part_edits_of(doc)
    if len(part_edits) != len(doc.parts):
        raise CorrectionError(_("The document's parts changed: open the page again."))
    removed = {n for n, edit in enumerate(part_edits) if edit.remove}
    pool: dict[str, list[Footnote]] = {}
    for note in _noted(doc, notes):
        pool.setdefault(note.marker, []).append(note)
    placed: list[tuple[str, Paragraph]] = []
    starts: dict[int, int] = {}  # a part's place: how many report paragraphs precede it
    ends: dict[int, int] = {}  # a removed part's end in ``placed``: its closing lines go there

    def reach(n: int) -> None:  # a part's first row: its place, or its text if removed
        if n in starts:
            return
        starts[n] = sum(1 for where, _p in placed if where == OPERATIVE)
        if n in removed:
            placed.extend((OPERATIVE, p) for p in _lines([_heading_line(part_edits[n])]))
            ends[n] = len(placed)

    for row, edit in enumerate(edits, start=1):
        if edit.part not in keys:
            raise CorrectionError(_("Row %(row)d: unknown part.") % {"row": row})
        where = edit.part
        if where.startswith("part:"):
            n = int(where.split(":")[1])
            reach(n)
            if n in removed:
                where = OPERATIVE
        notes_here = tuple(_take(pool, marker, row) for marker in edit.footnotes)
        pieces = [_one_line(piece) for piece in _BLANK_LINE.split(edit.text.strip())]
        pieces = [piece for piece in pieces if piece]
        if not pieces:
            for note in notes_here:  # a dropped paragraph's notes are attached to none
                pool.setdefault(note.marker, []).insert(0, note)
            continue
        shares = _distribute(notes_here, pieces)
        if edit.join and placed:
            where, above = placed[-1]
            text = _join(above.text, pieces[0])
            placed[-1] = (where, replace(above, text=text, footnotes=above.footnotes + shares[0]))
        else:
            first = Paragraph(
                text=pieces[0],
                number=edit.number.strip() or None,
                verb=edit.verb.strip() or None,
                kind=edit.kind,
                footnotes=shares[0],
                level=edit.level if edit.kind == "heading" else 0,
            )
            placed.append((where, first))
        for piece, mine in zip(pieces[1:], shares[1:], strict=True):
            placed.append((placed[-1][0], Paragraph(text=piece, footnotes=mine)))
        if edit.part.startswith("part:") and int(edit.part.split(":")[1]) in removed:
            ends[int(edit.part.split(":")[1])] = len(placed)
    for n, end in sorted(ends.items(), key=lambda item: -item[1]):
        placed[end:end] = [(OPERATIVE, p) for p in _lines(doc.parts[n].closing)]

    # A part none of whose rows was listed keeps its place as far as the report still reaches.
    operative = [p for where, p in placed if where == OPERATIVE]
    for n, part in enumerate(doc.parts):
        if n not in starts:
            starts[n] = min(part.after, len(operative))
            if n in removed:
                at = _nth_operative(placed, starts[n])
                lines = [_heading_line(part_edits[n]), *part.closing]
                placed[at:at] = [(OPERATIVE, p) for p in _lines(lines)]

    def group(key: str) -> tuple[Paragraph, ...]:
        return tuple(p for where, p in placed if where == key)

    kept_parts: list[Part] = []
    for n, (part, head) in enumerate(zip(doc.parts, part_edits, strict=True)):
        if n in removed:
            continue
        heading = head.heading.strip()
        if not heading:
            raise CorrectionError(_("Part %(n)d: a part needs a heading.") % {"n": n + 1})
        corrected = replace(
            part,
            heading=heading,
            title=head.title.strip() or None,
            number=head.number.strip() or None,
            front=group(part_key(n, FRONT)),
            preamble=group(part_key(n, PREAMBLE)),
            operative=group(part_key(n, OPERATIVE)),
            after=starts[n],
        )
        if not any(corrected.paragraphs()) and any(part.paragraphs()):
            raise CorrectionError(
                _("Part %(n)d (%(heading)s) has no paragraph left: keep one, or remove the part.")
                % {"n": n + 1, "heading": heading}
            )
        kept_parts.append(corrected)
    annex_edits = list(annexes) if annexes is not None else annex_edits_of(doc)
    if len(annex_edits) != len(doc.annexes):
        raise CorrectionError(_("The document's annexes changed: open the page again."))
    for n, annex_edit in enumerate(annex_edits):
        if not annex_edit.heading.strip():
            raise CorrectionError(_("Annex %(n)d: an annex needs a heading.") % {"n": n + 1})

    unattached = tuple(note for notes_left in pool.values() for note in notes_left)
    cover = metadata.cover or cover_of(doc)
    return replace(
        doc,
        number=cover.number.strip() or None,
        body=cover.body.strip() or None,
        session=cover.session.strip() or None,
        agenda_item=cover.agenda_item.strip() or None,
        agenda_title=cover.agenda_title.strip() or None,
        adoption=cover.adoption.strip() or None,
        header=tuple(line for line in cover.header if line.strip()),
        closing=tuple(line for line in cover.closing if line.strip()),
        symbol=metadata.symbol.strip() or None,
        title=metadata.title.strip() or None,
        date=metadata.date,
        language=metadata.language,
        kind="resolution" if metadata.kind == "resolution" else "report",
        front=group(FRONT),
        preamble=group(PREAMBLE),
        operative=group(OPERATIVE),
        annexes=tuple(
            replace(
                annex,
                heading=annexed.heading.strip(),
                title=annexed.title.strip() or None,
                paragraphs=group(f"annex:{n}"),
            )
            for n, (annex, annexed) in enumerate(zip(doc.annexes, annex_edits, strict=True))
        ),
        parts=tuple(kept_parts),
        unattached_footnotes=unattached,
    )


def _noted(doc: UnDocument, notes: Sequence[NoteEdit] | None) -> list[Footnote]:
    """The document's footnotes (reading order) with their corrected texts."""
    footnotes = doc.footnotes()
    for edit in notes or ():
        if not 0 <= edit.index < len(footnotes) or footnotes[edit.index].marker != edit.marker:
            raise CorrectionError(_("The document's footnotes changed: open the page again."))
        text = _one_line(edit.text)
        if not text:
            raise CorrectionError(
                _("Footnote %(marker)s: a footnote needs a text.") % {"marker": edit.marker}
            )
        if text != footnotes[edit.index].text:
            footnotes[edit.index] = replace(footnotes[edit.index], text=text, citations=())
    return footnotes


def _heading_line(edit: PartEdit) -> str:
    """A removed part's heading and title, as a line of the report (nothing of the text it
    printed is lost; an emptied row drops it in a later correction)."""
    return " ".join(x for x in (edit.heading.strip(), edit.title.strip()) if x)


def _lines(lines: Sequence[str]) -> list[Paragraph]:
    return [Paragraph(text=_one_line(line)) for line in lines if _one_line(line)]


def _nth_operative(placed: Sequence[tuple[str, Paragraph]], count: int) -> int:
    """The index in ``placed`` after the ``count``-th report paragraph."""
    if count == 0:
        return next((i for i, (where, _p) in enumerate(placed) if where == OPERATIVE), len(placed))
    seen = 0
    for i, (where, _p) in enumerate(placed):
        if where == OPERATIVE:
            seen += 1
            if seen == count:
                return i + 1
    return len(placed)


def _take(pool: dict[str, list[Footnote]], marker: str, row: int) -> Footnote:
    notes = pool.get(marker)
    if not notes:
        raise CorrectionError(
            _("Row %(row)d: no footnote marked %(marker)s is left to attach.")
            % {"row": row, "marker": marker}
        )
    return notes.pop(0)


def _distribute(notes: tuple[Footnote, ...], pieces: Sequence[str]) -> list[tuple[Footnote, ...]]:
    """The notes of a split paragraph, each to the first piece carrying its mark (else the
    first piece)."""
    shares: list[list[Footnote]] = [[] for _piece in pieces]
    for note in notes:
        at = next((i for i, piece in enumerate(pieces) if note.marker in piece), 0)
        shares[at].append(note)
    return [tuple(share) for share in shares]


def _one_line(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def _join(left: str, right: str) -> str:
    if left and right and _CJK.match(left[-1]) and _CJK.match(right[0]):
        return left + right
    return f"{left} {right}".strip()
