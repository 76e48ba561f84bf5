"""The quality report of an imported UN document (decision 0040).

``assess`` reads a parsed ``UnDocument`` and says what was recognised (kind, symbols, language,
date, title, counts of paragraphs, annexes, footnotes, citations by kind, verbs) and what looks
doubtful (no date, no title, operative paragraphs without a verb, numbering gaps and repeats,
footnotes attached to no paragraph, very long headings, much of the text outside the
structure). The report is plain JSON, stored with the document (``KnowledgeDocument.quality``):
doubts are codes with their values, put into words in the reader's language when shown
(``doubt_message``), so a report stored in one language reads in all six.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .untext import Paragraph, Part, UnDocument

VERSION = 1
# A heading longer than this is more likely a paragraph cut from its text (CJK: characters).
LONG_HEADING = 160
LONG_HEADING_CJK = 60
# Below this share of the text found in the structure, much of it is page furniture or lost.
MIN_TEXT_SHARE = 0.6
# Shown on a page: at most so many paragraph numbers in one doubt.
LISTED = 12

_CJK = re.compile(r"[\u3000-\u9fff\uf900-\ufaff]")
_NUMBER = re.compile(r"^\s*(\d{1,4})\s*\.?\s*$")


def assess(
    doc: UnDocument,
    *,
    also_symbols: Sequence[str] = (),
    body_text: str = "",
) -> dict[str, Any]:
    """The quality report of a parsed document: {"version", "recognised", "doubts"}.

    ``also_symbols``: the other symbols its cover prints; ``body_text``: the text it was parsed
    from, by which the share of text outside the structure is measured (none when empty)."""
    paragraphs = list(doc.paragraphs())
    numbered = [p for p in paragraphs if p.number]
    resolution = doc.kind == "resolution"
    without_verb = _without_verb(doc.operative) if resolution else []
    # Notes, not attachments: a mark printed twice gives one note to two paragraphs.
    attached = len({id(n) for p in paragraphs for n in p.footnotes})
    citations = Counter(c.kind for c in doc.citations())
    recognised: dict[str, Any] = {
        "kind": doc.kind,
        "symbol": doc.symbol or "",
        "also_symbols": [s for s in also_symbols if s != doc.symbol],
        "language": doc.language,
        "number": doc.number or "",
        "body": doc.body or "",
        "date": doc.date.isoformat() if doc.date else "",
        "title": (doc.title or "")[:300],
        "front": len(doc.front),
        "preamble": len(doc.preamble),
        "operative": len(doc.operative),
        "numbered": len(numbered),
        "headings": sum(1 for p in paragraphs if p.kind == "heading"),
        "annexes": len(doc.annexes),
        "footnotes_attached": attached,
        "footnotes_unattached": len(doc.unattached_footnotes),
        "citations": dict(sorted(citations.items())),
        "verbs": sum(1 for p in doc.operative if p.verb),
        "operative_without_verb": len(without_verb),
    }
    if doc.numbers_inferred:  # drawn as pictures, numbered in sequence (decision 0032)
        recognised["numbers_inferred"] = doc.numbers_inferred
    if doc.parts:
        recognised["parts"] = [_part_counts(part) for part in doc.parts]
    doubts: list[dict[str, Any]] = []

    def doubt(code: str, **values: Any) -> None:
        doubts.append({"code": code, **values})

    if not doc.symbol:
        doubt("no_symbol")
    if not doc.title:
        doubt("no_title")
    if doc.date is None:
        doubt("no_date")
    if resolution and not doc.operative:
        doubt("no_operative")
    _operative_doubts(doc.operative, without_verb, doubt)
    if doc.unattached_footnotes:
        markers = [note.marker for note in doc.unattached_footnotes]
        doubt("unattached_footnotes", count=len(markers), markers=markers[:LISTED])
    long = [_excerpt(p.text) for p in paragraphs if p.kind == "heading" and _too_long(p.text)]
    if long:
        doubt("long_headings", count=len(long), examples=long[:3])
    share = text_share(doc, body_text)
    if share is not None:
        recognised["text_share"] = share
        if share < MIN_TEXT_SHARE:
            doubt("low_text_share", percent=round(100 * share))
    for at, part in enumerate(doc.parts):
        doubts += _part_doubts(part, at)
    return {"version": VERSION, "recognised": recognised, "doubts": doubts}


def _without_verb(operative: Sequence[Paragraph]) -> list[str]:
    """The operative paragraphs (not headings) without a verb, each by its number, or by its
    place among them ("#3") where none is printed."""
    paragraphs = [p for p in operative if p.kind == "paragraph"]
    return [p.number or f"#{n}" for n, p in enumerate(paragraphs, start=1) if not p.verb]


def _part_counts(part: Part) -> dict[str, Any]:
    """What was recognised of a draft resolution or decision printed in a report."""
    return {
        "heading": part.heading[:200],
        "title": (part.title or "")[:300] if part.title != part.heading else "",
        "kind": part.kind,
        "number": part.number or "",
        "draft": part.draft,
        "front": len(part.front),
        "preamble": len(part.preamble),
        "operative": len(part.operative),
        "verbs": sum(1 for p in part.operative if p.verb),
        "operative_without_verb": len(_without_verb(part.operative)),
    }


def _part_doubts(part: Part, at: int) -> list[dict[str, Any]]:
    """The doubts of the document part ``at`` (its place among the parts), each naming it
    ("part": its heading): no operative paragraphs, operative paragraphs without a verb,
    numbering gaps and repeats."""
    doubts: list[dict[str, Any]] = []

    def doubt(code: str, **values: Any) -> None:
        doubts.append({"code": code, "part": part.heading[:200], "at": at, **values})

    if not part.operative:
        doubt("no_operative")
    _operative_doubts(part.operative, _without_verb(part.operative), doubt)
    return doubts


def _operative_doubts(
    operative: Sequence[Paragraph], without_verb: list[str], doubt: Callable[..., None]
) -> None:
    """What looks doubtful in numbered operative paragraphs (a document's or a part's):
    paragraphs without a verb, gaps and repeats in the numbering."""
    if without_verb:
        doubt("no_verb", count=len(without_verb), numbers=without_verb[:LISTED])
    gaps, repeats = numbering_problems(p.number for p in operative)
    if gaps:
        doubt("numbering_gap", count=len(gaps), numbers=gaps[:LISTED])
    if repeats:
        doubt("numbering_repeat", count=len(repeats), numbers=repeats[:LISTED])


def numbering_problems(numbers: Iterable[str | None]) -> tuple[list[str], list[str]]:
    """(missing numbers, repeated numbers) of a run of plain paragraph numbers ("1", "2." …);
    numbers of other forms ("16.1", "(a)") are not counted."""
    values = [int(m[1]) for n in numbers if n and (m := _NUMBER.match(n))]
    if not values:
        return [], []
    seen: set[int] = set()
    repeats: list[str] = []
    for value in values:
        if value in seen and str(value) not in repeats:
            repeats.append(str(value))
        seen.add(value)
    gaps = [str(n) for n in range(min(min(values), 1), max(values) + 1) if n not in seen]
    return gaps, repeats


def text_share(doc: UnDocument, body_text: str) -> float | None:
    """The share of the source text's letters and digits found in the structure (title,
    paragraphs, footnotes, cover lines): the rest is page furniture or text the parser lost."""
    total = _weight(body_text)
    if not total:
        return None
    parts: list[str] = [*doc.header, *doc.closing]
    parts += [v for v in (doc.symbol, doc.session, doc.agenda_title, doc.title, doc.adoption) if v]
    parts += [f"{p.number or ''} {p.text}" for p in doc.paragraphs()]
    parts += [f"{a.heading} {a.title or ''}" for a in doc.annexes]
    for part in doc.parts:  # a draft resolution's heading and title, its meeting and date
        parts += [
            part.heading,
            *([part.title] if part.title and part.title != part.heading else []),
            *part.closing,
        ]
    parts += [f"{n.marker} {n.text}" for n in doc.footnotes()]
    return round(min(1.0, sum(_weight(part) for part in parts) / total), 3)


def _weight(text: str) -> int:
    return sum(1 for char in text if char.isalnum())


def _too_long(text: str) -> bool:
    limit = LONG_HEADING_CJK if _CJK.search(text) else LONG_HEADING
    return len(text) > limit


def _excerpt(text: str) -> str:
    return text if len(text) <= 80 else text[:79] + "…"


# Putting a report into words --------------------------------------------------------------


@dataclass(frozen=True)
class PartView:
    """A draft resolution or decision printed in a report: its counts and its doubts."""

    name: str
    line: str  # what was recognised, on one line
    doubts: list[str]


@dataclass(frozen=True)
class QualityView:
    """A stored report as a page or the command shows it."""

    name: str
    facts: list[tuple[str, str]]
    doubts: list[str]  # every doubt, a part's named in it (the command, the counts)
    line: str = ""  # what was recognised, on one line
    own_doubts: list[str] = field(default_factory=list)  # the document's, not its parts'
    parts: list[PartView] = field(default_factory=list)
    replaced: str = ""  # the version this import replaced, in words

    @property
    def doubtful(self) -> bool:
        return bool(self.doubts)


def view(name: str, report: dict[str, Any] | None) -> QualityView:
    """A stored report, in the active language."""
    report = report or {}
    found = report.get("recognised") or {}
    doubts = [d for d in report.get("doubts") or () if isinstance(d, dict)]
    parts = [p for p in found.get("parts") or () if isinstance(p, dict)]
    return QualityView(
        name=name,
        facts=facts(found),
        line=summary(found),
        doubts=[doubt_message(d, named=True) for d in doubts],
        own_doubts=[doubt_message(d) for d in doubts if "at" not in d],
        replaced=replaced_message(report),
        parts=[
            PartView(
                name=_part_name(p),
                line=part_summary(p),
                doubts=[doubt_message(d) for d in doubts if d.get("at") == at],
            )
            for at, p in enumerate(parts)
        ],
    )


def _part_name(found: dict[str, Any]) -> str:
    heading, title = str(found.get("heading") or ""), str(found.get("title") or "")
    return title if title.startswith(heading) else f"{heading} {title}".strip()


def part_summary(found: dict[str, Any]) -> str:
    """What was recognised of a document part, on one line."""
    return _(
        "%(front)d opening, %(preamble)d preamble, %(operative)d operative, %(verbs)d verbs"
    ) % {
        "front": found.get("front", 0),
        "preamble": found.get("preamble", 0),
        "operative": found.get("operative", 0),
        "verbs": found.get("verbs", 0),
    }


def summary(found: dict[str, Any]) -> str:
    """What was recognised, on one line (the command's output)."""
    return _(
        "%(kind)s %(symbol)s [%(language)s] %(date)s: %(front)d front, %(preamble)d preamble, "
        "%(operative)d "
        "operative, %(numbered)d numbered, %(annexes)d annexes, footnotes %(attached)d "
        "attached / %(unattached)d not, %(citations)d citations, %(verbs)d verbs"
    ) % {
        "kind": found.get("kind", ""),
        "symbol": found.get("symbol") or "—",
        "language": found.get("language", ""),
        "date": found.get("date") or "—",
        "front": found.get("front", 0),
        "preamble": found.get("preamble", 0),
        "operative": found.get("operative", 0),
        "numbered": found.get("numbered", 0),
        "annexes": found.get("annexes", 0),
        "attached": found.get("footnotes_attached", 0),
        "unattached": found.get("footnotes_unattached", 0),
        "citations": sum((found.get("citations") or {}).values()),
        "verbs": found.get("verbs", 0),
    }


def ordered(views: Iterable[QualityView]) -> list[QualityView]:
    """Doubtful documents first (the most doubts first), then by name."""
    return sorted(views, key=lambda v: (-len(v.doubts), v.name))


def facts(found: dict[str, Any]) -> list[tuple[str, str]]:
    """What was recognised, as (label, value) rows."""
    rows: list[tuple[str, str]] = []

    def row(label: str, value: Any) -> None:
        rows.append((label, str(value)))

    kinds = {"resolution": _("resolution"), "report": _("report"), "treaty": _("treaty")}
    row(_("Kind"), kinds.get(found.get("kind", ""), found.get("kind", "")))
    row(_("Symbol"), found.get("symbol") or "—")
    if found.get("also_symbols"):
        row(_("Other symbols"), ", ".join(found["also_symbols"]))
    row(_("Language"), found.get("language", ""))
    row(_("Date"), found.get("date") or "—")
    row(_("Title"), found.get("title") or "—")
    row(
        _("Paragraphs"),
        _("%(preamble)d preamble, %(operative)d operative, %(numbered)d numbered")
        % {
            "preamble": found.get("preamble", 0),
            "operative": found.get("operative", 0),
            "numbered": found.get("numbered", 0),
        },
    )
    if found.get("numbers_inferred"):
        row(
            _("Paragraph numbers"),
            ngettext(
                "inferred from %(count)d image (numbered in sequence)",
                "inferred from %(count)d images (numbered in sequence)",
                found["numbers_inferred"],
            )
            % {"count": found["numbers_inferred"]},
        )
    row(_("Annexes"), found.get("annexes", 0))
    if found.get("parts"):
        # Translators: draft resolutions and decisions printed in a report.
        row(_("Document parts"), len(found["parts"]))
    row(
        _("Footnotes"),
        _("%(attached)d attached, %(unattached)d not attached")
        % {
            "attached": found.get("footnotes_attached", 0),
            "unattached": found.get("footnotes_unattached", 0),
        },
    )
    cited = found.get("citations") or {}
    row(
        _("Citations"),
        ", ".join(f"{kind}: {count}" for kind, count in cited.items()) or "0",
    )
    row(
        _("Verbs"),
        _("%(verbs)d found, %(missing)d operative paragraphs without one")
        % {"verbs": found.get("verbs", 0), "missing": found.get("operative_without_verb", 0)},
    )
    if "text_share" in found:
        row(_("Text in the structure"), f"{round(100 * float(found['text_share']))} %")
    return rows


def replaced_message(report: dict[str, Any]) -> str:
    """What an import replaced (one version per work and language), in words; "" if none."""
    replaced = report.get("replaced")
    if not isinstance(replaced, dict):
        return ""
    return _(
        "This import replaced the version imported from %(source)s on %(date)s: one version "
        "is kept per document and language."
    ) % {"source": replaced.get("source") or "—", "date": replaced.get("imported") or "—"}


def doubt_message(doubt: dict[str, Any], *, named: bool = False) -> str:
    """One doubt in words (an unknown code is shown as it is stored); ``named``: a document
    part's doubt begins with the part's heading."""
    message = _doubt_words(doubt)
    if named and doubt.get("part"):
        # Translators: a doubt about a draft resolution printed in a report, e.g. "Draft
        # resolution I: 2 operative paragraphs without a verb: 3, 7."
        return _("%(part)s: %(doubt)s") % {"part": doubt["part"], "doubt": message}
    return message


def _doubt_words(doubt: dict[str, Any]) -> str:
    code = doubt.get("code", "")
    count = int(doubt.get("count") or 0)
    listed = ", ".join(str(n) for n in doubt.get("numbers") or doubt.get("markers") or ())
    if code == "no_symbol":
        return _("No document symbol found.")
    if code == "no_title":
        return _("No title found.")
    if code == "no_date":
        return _("No date found (for a resolution: the date of adoption).")
    if code == "no_operative":
        return _("A resolution without operative paragraphs.")
    if code == "no_verb":
        return ngettext(
            "%(count)d operative paragraph without a verb: %(numbers)s.",
            "%(count)d operative paragraphs without a verb: %(numbers)s.",
            count,
        ) % {"count": count, "numbers": listed}
    if code == "numbering_gap":
        return ngettext(
            "Paragraph number missing: %(numbers)s.",
            "%(count)d paragraph numbers missing: %(numbers)s.",
            count,
        ) % {"count": count, "numbers": listed}
    if code == "numbering_repeat":
        return ngettext(
            "Paragraph number repeated: %(numbers)s.",
            "%(count)d paragraph numbers repeated: %(numbers)s.",
            count,
        ) % {"count": count, "numbers": listed}
    if code == "unattached_footnotes":
        return ngettext(
            "%(count)d footnote attached to no paragraph: %(markers)s.",
            "%(count)d footnotes attached to no paragraph: %(markers)s.",
            count,
        ) % {"count": count, "markers": listed}
    if code == "long_headings":
        return ngettext(
            "%(count)d very long heading (a paragraph cut from its text?): %(examples)s",
            "%(count)d very long headings (paragraphs cut from their text?): %(examples)s",
            count,
        ) % {"count": count, "examples": " | ".join(doubt.get("examples") or ())}
    if code == "low_text_share":
        return _(
            "Only %(percent)d %% of the text is in the structure: the rest is page furniture "
            "or text the parser lost."
        ) % {"percent": int(doubt.get("percent") or 0)}
    if code == "corrections_replaced":
        return ngettext(
            "An administrator had corrected the version this import replaced (%(count)d "
            "correction, last on %(date)s); the corrections were not applied again: check "
            "the new version.",
            "An administrator had corrected the version this import replaced (%(count)d "
            "corrections, last on %(date)s); the corrections were not applied again: check "
            "the new version.",
            count,
        ) % {"count": count, "date": doubt.get("date", "")}
    if code == "poorer_source":
        return _(
            "This plain text replaced a version imported from %(previous)s, which carried "
            "the layout."
        ) % {"previous": doubt.get("previous", "")}
    return str(code)
