"""A site administrator's correction of an imported UN document's structure (decision 0040).

The correction page lists the document's paragraphs in reading order, each with its part
(front matter, preamble, operative, an annex), number, verb, kind and text, and the marks of
the footnotes attached to it. ``restructure`` turns the edited rows back into an
``UnDocument``: a row marked "join" is joined to the paragraph above; a blank line in a text
splits it into paragraphs; an emptied text drops the paragraph; footnotes go where their marks
are listed, and those listed nowhere are attached to no paragraph. The action
(``actions.do_correct_un_document``) stores the result.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _

from .untext import Footnote, Paragraph, ParagraphKind, UnDocument

FRONT, PREAMBLE, OPERATIVE = "front", "preamble", "operative"
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_CJK = re.compile(r"[\u3000-\u9fff\uf900-\ufaff\uff00-\uffef]")


class CorrectionError(ValueError):
    """The corrected structure cannot be built; the message says why."""


@dataclass(frozen=True)
class ParagraphEdit:
    """One row of the correction page."""

    part: str  # FRONT, PREAMBLE, OPERATIVE or "annex:<n>"
    text: str
    number: str = ""
    verb: str = ""
    kind: ParagraphKind = "paragraph"
    footnotes: tuple[str, ...] = ()  # the marks of the footnotes attached to it
    join: bool = False  # joined to the paragraph above


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
    return [FRONT, PREAMBLE, OPERATIVE, *(f"annex:{n}" for n in range(len(doc.annexes)))]


def edits_of(doc: UnDocument) -> list[ParagraphEdit]:
    """The document's paragraphs as rows of the correction page, in reading order."""
    groups: list[tuple[str, Sequence[Paragraph]]] = [
        (FRONT, doc.front),
        (PREAMBLE, doc.preamble),
        (OPERATIVE, doc.operative),
        *((f"annex:{n}", annex.paragraphs) for n, annex in enumerate(doc.annexes)),
    ]
    return [
        ParagraphEdit(
            part=part,
            text=p.text,
            number=p.number or "",
            verb=p.verb or "",
            kind=p.kind,
            footnotes=tuple(note.marker for note in p.footnotes),
        )
        for part, paragraphs in groups
        for p in paragraphs
    ]


def restructure(doc: UnDocument, metadata: Metadata, edits: Sequence[ParagraphEdit]) -> UnDocument:
    """``doc`` with the corrected metadata and paragraphs (citations are found again by the
    action). Raises CorrectionError for a part the document does not have, a footnote mark
    it does not have, or a mark listed more often than the document has such notes."""
    parts = parts_of(doc)
    pool: dict[str, list[Footnote]] = {}
    for note in doc.footnotes():
        pool.setdefault(note.marker, []).append(note)
    placed: list[tuple[str, Paragraph]] = []
    for row, edit in enumerate(edits, start=1):
        if edit.part not in parts:
            raise CorrectionError(_("Row %(row)d: unknown part.") % {"row": row})
        notes = tuple(_take(pool, marker, row) for marker in edit.footnotes)
        pieces = [_one_line(piece) for piece in _BLANK_LINE.split(edit.text.strip())]
        pieces = [piece for piece in pieces if piece]
        if not pieces:
            for note in notes:  # a dropped paragraph's notes are attached to none
                pool.setdefault(note.marker, []).insert(0, note)
            continue
        shares = _distribute(notes, pieces)
        if edit.join and placed:
            part, above = placed[-1]
            text = _join(above.text, pieces[0])
            placed[-1] = (part, replace(above, text=text, footnotes=above.footnotes + shares[0]))
        else:
            first = Paragraph(
                text=pieces[0],
                number=edit.number.strip() or None,
                verb=edit.verb.strip() or None,
                kind=edit.kind,
                footnotes=shares[0],
            )
            placed.append((edit.part, first))
        for piece, mine in zip(pieces[1:], shares[1:], strict=True):
            placed.append((placed[-1][0], Paragraph(text=piece, footnotes=mine)))

    def group(part: str) -> tuple[Paragraph, ...]:
        return tuple(p for where, p in placed if where == part)

    unattached = tuple(note for notes in pool.values() for note in notes)
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
            replace(annex, paragraphs=group(f"annex:{n}")) for n, annex in enumerate(doc.annexes)
        ),
        unattached_footnotes=unattached,
    )


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
