"""Parse UN documents given as plain text (PDF extractions) into a `UnDocument`.

One entry point, `parse(text, language=None)`. The text is read as a list of *pieces* (its
non-empty lines): page furniture (URLs, running headers, page numbers, job numbers, barcodes,
footnote rules) is dropped, footnotes are lifted out of the flow, and the remaining pieces are
assembled into paragraphs: a resolution's header, preamble, numbered operative paragraphs and
annexes, or a report's cover, front matter, chapters and sections (headings with their rank),
numbered paragraphs and sub-items, and the draft resolutions and decisions it carries, each a
`Part` of its own (decision 0039). Footnotes are re-attached to the
paragraph whose text carries their marker, and citations (resolutions, decisions, document
symbols, United Nations Treaty Series references, dates) are extracted with their spans.

The leading action verbs of operative paragraphs are data: untext_verbs.toml.
"""

from __future__ import annotations

import datetime
import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Literal

LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")
VERBS_FILE = Path(__file__).with_name("untext_verbs.toml")

CitationKind = Literal["resolution", "decision", "document_symbol", "treaty", "date"]
ParagraphKind = Literal["paragraph", "heading"]
DocumentKind = Literal["resolution", "report", "treaty"]
PartKind = Literal["resolution", "decision", "declaration"]


# --------------------------------------------------------------------------------------------
# The structure


@dataclass(frozen=True)
class Citation:
    kind: CitationKind
    text: str  # as in the source
    target: str  # normalised: "A/RES/76/181", "74/550 B", "A/CONF.234/16", "UNTS 2225/39574", ISO
    start: int  # span in the text of the paragraph (or footnote) that holds it
    end: int


@dataclass(frozen=True)
class Footnote:
    marker: str  # "¹", "12", "*"
    text: str
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class Paragraph:
    text: str
    number: str | None = None
    verb: str | None = None
    kind: ParagraphKind = "paragraph"
    footnotes: tuple[Footnote, ...] = ()
    citations: tuple[Citation, ...] = ()
    # A heading's rank in a report (decision 0039): 1 a chapter ("I.", "Chapter I", "第一章",
    # "الفصل الأول"), 2 a section ("A.", "ألف-"), 3 any other heading; 0 for a paragraph.
    level: int = 0


@dataclass(frozen=True)
class Part:
    """A draft resolution or decision, or a resolution adopted by the body, printed in a
    report ("Draft resolution I", "决议草案一", "329 (XXX) …"): a document part of its own,
    whose operative paragraphs are numbered from 1 and carry their verbs."""

    kind: PartKind
    heading: str  # "Draft resolution I", "مشروع القرار الأول", "329 (XXX)", a declaration's title
    title: str | None
    number: str | None = None  # "329 (XXX)" when adopted and numbered
    draft: bool = True
    front: tuple[Paragraph, ...] = ()  # the opening: "The Economic and Social Council,"
    preamble: tuple[Paragraph, ...] = ()
    operative: tuple[Paragraph, ...] = ()
    closing: tuple[str, ...] = ()  # "7th plenary meeting", "28 June 2018"
    after: int = 0  # how many of the report's paragraphs (``operative``) come before it

    def paragraphs(self) -> Iterable[Paragraph]:
        yield from self.front
        yield from self.preamble
        yield from self.operative


@dataclass(frozen=True)
class Section:
    """A chapter, section or lower heading of a report, with the paragraphs under it (down to
    the next heading of the same or a higher rank; lower headings are sections within)."""

    level: int
    heading: Paragraph
    paragraphs: tuple[Paragraph, ...]
    sections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class Annex:
    heading: str  # "附件", "Annex I"
    title: str | None
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class UnDocument:
    kind: DocumentKind
    language: str
    symbol: str | None
    number: str | None  # "76/187", "2021/20"; None for a report
    body: str | None  # "General Assembly", "Economic and Social Council", …
    date: datetime.date | None
    title: str | None
    session: str | None = None  # as printed: "第七十六届会议", "Seventy-sixth session"
    agenda_item: str | None = None  # "108", "19(c)"
    agenda_title: str | None = None
    adoption: str | None = None  # "[根据第三委员会的报告(A/76/463, 第 26 段)通过]"
    header: tuple[str, ...] = ()  # the header lines as printed, above the title or report body
    front: tuple[Paragraph, ...] = ()  # lines between the title and the preamble, report summary
    preamble: tuple[Paragraph, ...] = ()
    operative: tuple[Paragraph, ...] = ()  # numbered paragraphs (a report's numbered paragraphs)
    annexes: tuple[Annex, ...] = ()
    closing: tuple[str, ...] = ()  # "2021年12月16日", "第53次全体会议"
    unattached_footnotes: tuple[Footnote, ...] = ()
    # Draft resolutions and decisions printed in a report, each a part of its own (their
    # paragraphs are not in ``operative``); ``Part.after`` places each in reading order.
    parts: tuple[Part, ...] = ()
    # Paragraph numbers not printed as text but drawn as pictures (PICTURED_NUMBER): so many
    # paragraphs were numbered in sequence, 1 to this (the quality report says so).
    numbers_inferred: int = 0

    def paragraphs(self) -> Iterable[Paragraph]:
        """Every paragraph, in reading order (embedded parts' and annexes' included)."""
        yield from self.front
        yield from self.preamble
        done = 0
        for part in self.parts:
            yield from self.operative[done : part.after]
            done = max(done, part.after)
            yield from part.paragraphs()
        yield from self.operative[done:]
        for annex in self.annexes:
            yield from annex.paragraphs

    def sections(self) -> tuple[Section, ...]:
        """The report's outline: its chapters, sections within them and lower headings, each
        with the paragraphs under it. Paragraphs before the first heading are not in it."""
        return _outline(list(self.operative), 1)

    def footnotes(self) -> list[Footnote]:
        attached = [note for paragraph in self.paragraphs() for note in paragraph.footnotes]
        return attached + list(self.unattached_footnotes)

    def citations(self) -> list[Citation]:
        """The references to other documents, in reading order, each target once per
        paragraph or footnote: a date is not one, and a repeat is not another (the
        paragraphs keep both, for the Akoma Ntoso markup)."""
        blocks = [p.citations for p in self.paragraphs()]
        blocks += [note.citations for note in self.footnotes()]
        listed: list[Citation] = []
        for block in blocks:
            seen: set[tuple[str, str]] = set()
            for citation in block:
                if citation.kind != "date" and (citation.kind, citation.target) not in seen:
                    seen.add((citation.kind, citation.target))
                    listed.append(citation)
        return listed


# --------------------------------------------------------------------------------------------
# Reference data (patterns and vocabularies; verbs live in untext_verbs.toml)


@dataclass(frozen=True)
class Organ:
    name: str
    # The symbol series its resolutions are numbered in: "A", "E", "S" for the principal
    # organs, "E/CN.15", "CAC/COSP", … for the subsidiary bodies with their own numbering
    # (decision 0035); None for a body we cannot tell ("the Commission", "a conference").
    prefix: str | None
    keywords: tuple[str, ...]  # regular expressions, matched as written
    principal: bool = False  # General Assembly, ECOSOC, Security Council

    @property
    def pattern(self) -> re.Pattern[str]:
        return _organ_pattern(self.keywords)


@cache
def _organ_pattern(keywords: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{k})" for k in sorted(keywords, key=len, reverse=True)))


ORGANS = (
    Organ(
        "Economic and Social Council",
        "E",
        (
            "经济及社会理事会",
            "Economic and Social Council",
            "Conseil économique et social",
            "Consejo Económico y Social",
            "Экономический и Социальный Совет",
            "Экономического и Социального Совета",
            "المجلس الاقتصادي والاجتماعي",
        ),
        principal=True,
    ),
    Organ(
        "Security Council",
        "S",
        (
            "安全理事会",
            "安理会",
            "Security Council",
            "Conseil de sécurité",
            "Consejo de Seguridad",
            "Совет Безопасности",
            "Совета Безопасности",
            "مجلس الأمن",
        ),
        principal=True,
    ),
    Organ(
        "General Assembly",
        "A",
        (
            "大会",
            "General Assembly",
            "Assemblée générale",
            "Asamblea General",
            "Генеральная Ассамблея",
            "Генеральной Ассамблеи",
            "Генеральной Ассамблеей",
            "الجمعية العامة",
            # Named again in the sentence: "adopted by the Assembly in its resolution 60/288".
            r"\bAssembly\b",
            r"\bAssemblée\b",
            r"\bAsamblea\b",
            r"Ассамбле\w*",
        ),
        principal=True,
    ),
    Organ(
        "Commission on Crime Prevention and Criminal Justice",
        "E/CN.15",
        (
            "预防犯罪和刑事司法委员会",
            "Commission on Crime Prevention and Criminal Justice",
            "Commission pour la prévention du crime et la justice pénale",
            "Comisión de Prevención del Delito y Justicia Penal",
            r"Комисси\w* по предупреждению преступности и уголовному правосудию",
            "لجنة منع الجريمة والعدالة الجنائية",
        ),
    ),
    Organ(
        "Commission on Narcotic Drugs",
        "E/CN.7",
        (
            "麻醉药品委员会",
            "Commission on Narcotic Drugs",
            "Commission des stupéfiants",
            "Comisión de Estupefacientes",
            r"Комисси\w* по наркотическим средствам",
            "لجنة المخدرات",
        ),
    ),
    Organ(
        "Conference of the Parties to the United Nations Convention against Transnational "
        "Organized Crime",
        "CTOC/COP",
        (
            r"打击跨国有组织犯罪公约》?(?:第[一二三四五六七八九十]+[次届])?缔约方(?:会议|大会)",
            r"Conference of the Parties to the United Nations Convention against\s+"
            r"Transnational\s+Organized\s+Crime",
            r"Conférence des Parties à la Convention des Nations Unies contre la\s+"
            r"criminalité\s+transnationale\s+organisée",
            r"Conferencia de las Partes en la Convención de las Naciones Unidas contra la\s+"
            r"Delincuencia\s+Organizada\s+Transnacional",
            r"Конференци\w* участников Конвенции Организации Объединенных Наций против\s+"
            r"транснациональной\s+организованной\s+преступности",
            r"مؤتمر الأطراف في اتفاقية الأمم المتحدة لمكافحة الجريمة المنظمة\s+عبر\s+الوطنية",
        ),
    ),
    Organ(
        "Conference of the States Parties to the United Nations Convention against Corruption",
        "CAC/COSP",
        (
            r"反腐败公约》?(?:第[一二三四五六七八九十]+[次届])?缔约国(?:会议|大会)",
            r"Conference of the States Parties to the United Nations Convention\s+against\s+"
            r"Corruption",
            r"Conférence des États parties à la Convention des Nations Unies\s+contre\s+la\s+"
            r"corruption",
            r"Conferencia de los Estados Partes en la Convención de las Naciones Unidas\s+"
            r"contra\s+la\s+Corrupción",
            r"Конференци\w* государств-участников Конвенции Организации Объединенных Наций\s+"
            r"против\s+коррупции",
            r"مؤتمر الدول الأطراف في اتفاقية الأمم المتحدة\s+لمكافحة\s+الفساد",
        ),
    ),
    Organ(
        "Human Rights Council",
        "A/HRC",
        (
            "人权理事会",
            "Human Rights Council",
            "Conseil des droits de l[’']homme",
            "Consejo de Derechos Humanos",
            r"Совет\w* по правам человека",
            "مجلس حقوق الإنسان",
        ),
    ),
    Organ(
        "other",
        None,
        (
            "委员会",
            "缔约国会议",
            "缔约方会议",
            "缔约方大会",
            "预防犯罪和刑事司法大会",  # the Crime Congress, not the General Assembly
            "Commission",
            "Conference of the",
            "Conférence des",
            "Conferencia de",
            "Комисси",
            "Конференци",
            "اللجنة",
            "مؤتمر",
        ),
    ),
)
GENERAL_ASSEMBLY = next(o for o in ORGANS if o.prefix == "A")
# A possessive that sends "resolution 8/1" back to the body named before the comma ("the
# Conference …, in its resolution 8/1"). Not Chinese 其: there it is nearly always the
# author ("并回顾其第 73/222 号决议"), and a body acting names itself in the clause.
POSSESSIVE = re.compile(
    r"\b(?:its|sa|son|ses|su|sus|сво\w*)\b|في قرار(?:ه|ها)|بموجب قرار(?:ه|ها)", re.IGNORECASE
)

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("January", "janvier", "enero", "января", "كانون الثاني/يناير", "يناير"),
            ("February", "février", "febrero", "февраля", "شباط/فبراير", "فبراير"),
            ("March", "mars", "marzo", "марта", "آذار/مارس", "مارس"),
            ("April", "avril", "abril", "апреля", "نيسان/أبريل", "أبريل"),
            ("May", "mai", "mayo", "мая", "أيار/مايو", "مايو"),
            ("June", "juin", "junio", "июня", "حزيران/يونيه", "حزيران/يونيو", "يونيه", "يونيو"),
            ("July", "juillet", "julio", "июля", "تموز/يوليه", "تموز/يوليو", "يوليه", "يوليو"),
            ("August", "août", "agosto", "августа", "آب/أغسطس", "أغسطس"),
            ("September", "septembre", "septiembre", "сентября", "أيلول/سبتمبر", "سبتمبر"),
            ("October", "octobre", "octubre", "октября", "تشرين الأول/أكتوبر", "أكتوبر"),
            ("November", "novembre", "noviembre", "ноября", "تشرين الثاني/نوفمبر", "نوفمبر"),
            ("December", "décembre", "diciembre", "декабря", "كانون الأول/ديسمبر", "ديسمبر"),
        ),
        start=1,
    )
    for name in names
}

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
# Where the layout saw a paragraph number drawn as a picture (U+FFFC OBJECT REPLACEMENT
# CHARACTER, "an object here", at the start of the paragraph): not text that can be read, but
# a number's place. UN reports number their paragraphs consecutively through the report, so
# such paragraphs are numbered 1, 2, 3 … in reading order (decision 0032, "later").
PICTURED_NUMBER = "\ufffc"
# Arabic vowel marks and the tatweel, left out when Arabic words are compared.
ARABIC_MARKS = frozenset("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670\u0640")
# A table's row is one logical line, its cells in reading order joined by this (layout.py;
# decision 0032, "Corpus and Arabic order"): never joined to a paragraph, never cut into
# several, never a heading of a resolution printed in a report.
TABLE_CELL = " | "
PICTURED_NUMBER_LINE = re.compile(f"^(\\s*){PICTURED_NUMBER}\\s*(?=\\S)")
SUPERSCRIPT_VALUE = {char: str(digit) for digit, char in enumerate(SUPERSCRIPTS)}

_MONTH_ALTERNATION = "|".join(re.escape(m) for m in sorted(MONTHS, key=len, reverse=True))
DATE_PATTERNS = (
    # 2021 年 12 月 16 日
    re.compile(r"(?<!\d)(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
    # 16 December 2021, 1er janvier 2021, 16 de diciembre de 2021, 16 декабря 2021 года
    re.compile(
        rf"(?<!\d)(?P<d>\d{{1,2}})(?:er|º)?\s+(?:de\s+)?(?P<month>{_MONTH_ALTERNATION})"
        rf"\s+(?:de\s+)?(?P<y>\d{{4}})(?!\d)",
        re.IGNORECASE,
    ),
    # December 16, 2021
    re.compile(
        rf"(?P<month>{_MONTH_ALTERNATION})\s+(?P<d>\d{{1,2}}),\s+(?P<y>\d{{4}})", re.IGNORECASE
    ),
)

# A UN document symbol: a series prefix then at least two segments (A/76/463, A/CONF.234/16,
# E/CN.15/2024/12, CTOC/COP/2020/10, S/RES/2396(2017), A/76/L.12/Add.1).
_SEGMENT = (
    r"(?:Part\s[A-Z](?![A-Za-z])|[A-Z][A-Za-z]*(?:\.\d+)?"
    # a budget section or part: A/81/6 (Sect. 16)
    r"|\d+(?:\.\d+)?[A-Z]?(?:\s?\(\d{4}\))?(?:\s?\((?:Sect|Part|Chap)\.?\s?\d+\))?|S-\d+)"
)
# A wrapped line may leave a space after a slash ("A/76/ 122", "CTOC/COP/ 2020/10").
SYMBOL = re.compile(rf"(?<![A-Za-z0-9/.])[A-Z]{{1,6}}(?:/ ?{_SEGMENT}){{2,}}(?![A-Za-z0-9/])")
STANDALONE_SYMBOL = re.compile(rf"^\s*\*?(?P<symbol>{SYMBOL.pattern})\*?\s*$")

# A resolution or decision number: 76/181, 57/270 B, 2017/19, S-32/1.
NUMBER = r"(?:S-\d{1,2}/\d{1,3}|\d{1,4}/ ?\d{1,4}(?:\s?[A-Z](?![A-Za-z]))?)"
NUMBER_RE = re.compile(rf"(?<![A-Za-z0-9/.\-]){NUMBER}(?![A-Za-z0-9/])")
# Older forms: 155 C (VII), 415 (V); Security Council: 1373 (2001).
LEGACY_NUMBER_RE = re.compile(
    r"(?<![A-Za-z0-9/])(?P<n>\d{1,4})\s*(?:(?P<letter>[A-Z])\s*)?\((?P<tail>[IVXL]+|\d{4})\)"
)
ZH_NUMBER_CHAIN = re.compile(rf"(?:\s*(?:[、和及]|以及|,|，)\s*(?:第\s*)?{NUMBER})*\s*号")
ZH_KIND_AFTER = re.compile(r"号\s*(决议|决定)")
CLAUSE_END = re.compile(r"[。；;]")
KEYWORDS_BEFORE = re.compile(
    r"(?P<dec>decisions?|décisions?|decisi[oó]n(?:es)?|решени\w*|مقرر\w*)"
    r"|(?P<res>resolutions?|résolutions?|resoluci[oó]n(?:es)?|резолюци\w*|قرار\w*)",
    re.IGNORECASE,
)
# "of the United Nations" after a body's name ("قرارات الجمعية العامة للأمم المتحدة 67/19").
UNITED_NATIONS = re.compile(
    r"(?:of the\s+)?United Nations|(?:de l[’']Organisation\s+)?des Nations Unies|"
    r"de las Naciones Unidas|Организации Объединенных Наций|لل?أمم المتحدة",
    re.IGNORECASE,
)
ZH_TREATY = re.compile(
    r"第\s*(?P<vols>\d+(?:\s*(?:[、,，]|和|及)\s*\d+)*)\s*卷\s*[，,]\s*第\s*(?P<no>\d+)\s*号"
)
TREATY = re.compile(
    r"(?:vols?\.|том(?:а|ов)?|المجلد(?:ات)?)\s*(?P<vols>\d+(?:\s*(?:,|and|et|y|и|و)\s*\d+)*)"
    r"\s*[,،]\s*(?:No\.|no|nº|n°|núm\.|№|الرقم)\s*(?P<no>\d+)",
    re.IGNORECASE,
)

FURNITURE = (
    re.compile(r"^\s*(?:https?://|www\.)\S+\s*$"),  # hyperlink targets of the PDF
    re.compile(r"^\s*_{5,}\s*$"),  # the footnote rule
    re.compile(r"^\s*\d{1,4}\s*/\s*\d{1,4}\s*$"),  # page x/y
    re.compile(r"^\s*GE\.\d{2}-\d{4,6}.*$"),  # Geneva job numbers
    re.compile(r"^\s*\d{2}-\d{5}\s*(?:\([A-Z]\))?(?:\s+\d{6})*\s*$"),  # job number, barcode text
    re.compile(r"^\s*\*\d{7}\*\s*$"),  # barcode
    re.compile(r"^\s*(?:Distr\.:.*|Original:.*|分发：.*|原件：.*|Please recycle.*|♲.*)$"),
)
FOOTNOTE_RULE = re.compile(r"^\s*_{5,}\s*$")
URL_LINE = FURNITURE[0]
SUPERSCRIPT_NOTE = re.compile(rf"^\s*(?P<marker>[{SUPERSCRIPTS}]+)\s*(?P<text>.*\S)\s*$")
PLAIN_NOTE = re.compile(r"^\s*(?P<marker>\d{1,3}|\*)\s+(?P<text>\S.*?)\s*$")
ASTERISK_NOTE = re.compile(r"^\s*(?P<marker>\*{1,3})\s+(?P<text>\S.*?)\s*$")

MARKDOWN_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\s]*\)")
# Bold as the extraction marks it: "**text**" around something that is not a space.
BOLD = re.compile(r"\*\*(?=\S)((?:(?!\*\*).){1,400}?)(?<=\S)\*\*")
TITLE_LINE = re.compile(rf"^\s*(?P<number>{NUMBER})\.\s*(?P<title>\S.*?)\s*$")
PARAGRAPH_NUMBER = re.compile(r"^\s*(?P<n>\d{1,3})\s*(?:\.|\s-|-(?=\s))\s*(?=\S)")
# A budget section's paragraph numbers carry the section's: "16.1", "16.2" (reports only).
DOTTED_NUMBER = re.compile(r"^\s*(?P<prefix>\d{1,3})\.(?P<n>\d{1,3})\s+(?=\S)")
# A sub-item of a report's paragraph: "(a)", "(ii)", "（一）", Arabic "(أ)" (or mirrored ")أ(").
SUB_ITEM = re.compile(
    r"^\s*(?:[(（](?P<n>[a-z]{1,2}|[ivxl]{1,5}|[一二三四五六七八九十]{1,3}|[\u0621-\u064a]{1,2})[)）]"
    r"|\)(?P<m>[a-z]{1,2}|[ivxl]{1,5}|[\u0621-\u064a]{1,2})\()\s*(?=\S)"
)
# An Arabic paragraph number printed "1-" and extracted in visual order ("-1 نحن").
ARABIC_NUMBER_REVERSED = re.compile(r"^(\s*)-(\d{1,3})\s+(?=[\u0600-\u06ff])")
# Arabic section letters ("ألف-", "باء-") are enumerators as "A." is (decision 0039).
HEADING_ENUMERATOR = re.compile(
    r"^\s*(?:(?:[一二三四五六七八九十]+|[A-Z]|[IVXL]+)\s*[.、]"
    r"|(?:ألف|باء|جيم|دال|هاء|واو|زاي|حاء|طاء|ياء)\s*[-–])\s*\S"
)
SESSION_LINE = re.compile(
    r"^\s*(?:第.+届(?:特别)?会议|\d{4}\s*年(?:.*)?届会|.+\bsession|.+\bsesión|.+\bсессия|الدورة.+)\s*$",
    re.IGNORECASE,
)
AGENDA_LINE = re.compile(
    r"^\s*(?:议程项目\s*(?P<zh>\S+)|Agenda items?\s+(?P<en>\S+)|"
    r"(?:Points?|Temas?|Пункты?)\s+(?P<item>\S+)\s+"
    r"(?:de l['’]ordre du jour|del programa|повестки дня)|"
    r"البند\s+(?P<ar>\S+)\s+من جدول الأعمال)\s*$",
    re.IGNORECASE,
)
ADOPTION_LINE = re.compile(r"^\s*\[.*\]\s*$")
ANNEX_LINE = re.compile(
    r"^\s*(?:附件[一二三四五六七八九十]*|Annex(?:e)?(?:\s+[IVXL]+)?|Anexo(?:\s+[IVXL]+)?|"
    r"Приложение(?:\s+[IVXL]+)?|المرفق(?:\s+\S+)?)\s*$",
    re.IGNORECASE,
)
MEETING_LINE = re.compile(
    r"^\s*(?:第\s*\d+\s*次全体会议|\d+(?:st|nd|rd|th)\s+plenary meeting|"
    r"\d+e\s+séance plénière|\d+[ªa]\s+sesión plenaria|\d+-[ея]\s+пленарное заседание|"
    r"الجلسة العامة\s+\d+)\s*$",
    re.IGNORECASE,
)
REPORT_LINE = re.compile(
    r"^\s*(?:秘书长的报告|Report of the Secretary-General|Rapport du Secrétaire général|"
    r"Informe del Secretario General|Доклад Генерального секретаря|تقرير الأمين العام)\s*$",
    re.IGNORECASE,
)
OPENING = re.compile(
    r"^\s*(?:大会|经济及社会理事会|安全理事会|(?:The\s+)?General Assembly|"
    r"(?:The\s+)?Economic and Social Council|(?:The\s+)?Security Council|"
    r"L[’']Assemblée générale|Le Conseil économique et social|La Asamblea General|"
    r"El Consejo Económico y Social|Генеральная Ассамблея|Экономический и Социальный Совет|"
    r"(?:ف?إن\s+)?الجمعية العامة|(?:ف?إن\s+)?المجلس الاقتصادي والاجتماعي)\s*[，,،]?\s*$",
    re.IGNORECASE,
)
# A paragraph is complete when it ends with one of these (footnote markers may follow).
TERMINAL = "。；;.!?！？:：，,،؛"


# --------------------------------------------------------------------------------------------
# Entry point


def clean_text(text: str) -> str:
    """The text without extraction markup and page furniture, line by line, nothing else
    lost: what search indexes and quotes (the stored text stays as published)."""
    lines = (_clean_markup(line.replace(PICTURED_NUMBER, "")) for line in text.splitlines())
    return "\n".join(line for line in lines if line.strip() and not _is_furniture(line))


def parse(text: str, *, language: str | None = None) -> UnDocument:
    """Parse the plain text of a UN resolution or report."""
    lang = language or detect_language(text)
    lines, inferred = _pictured_numbers([_clean_markup(line) for line in text.splitlines()])
    symbols = _standalone_symbols(lines)
    lines, notes = _lift_footnotes(lines)
    running = _running_symbols(lines, symbols)
    pieces = [line.strip() for line in lines if line.strip() and not _is_furniture(line, running)]
    if lang == "ar":
        pieces = [ARABIC_NUMBER_REVERSED.sub(r"\1\2- ", piece) for piece in pieces]
    pieces, closing = _split_closing(pieces)
    title_at = _find_title(pieces)
    proclamation = _parse_proclamation(pieces, lang) if title_at is None else None
    if title_at is None and proclamation is None:
        title_at = _unnumbered_title(pieces, lang)
    if proclamation is not None:
        document = proclamation
    elif title_at is None:
        document = _parse_report(pieces, lang)
    else:
        document = _parse_resolution(pieces, title_at, lang)
    symbol = _cover_symbol(lines) or _most_common(symbols)
    symbol = symbol or _symbol_from_number(document.number, document.body)
    body = document.body or _organ_for_symbol(symbol)
    # A resolution closes with the meeting and the day it was adopted: that is its date (the
    # cover's date is the day it was distributed, often weeks later).
    adopted = next((d for line in closing for _s, _e, d in _find_dates(line)), None)
    date = datetime.date.fromisoformat(adopted) if adopted else document.date
    document = replace(
        document,
        symbol=symbol,
        body=body,
        closing=tuple(closing),
        date=date,
        numbers_inferred=inferred,
    )
    organ = organ_of_symbol(symbol)
    if organ is None or organ.principal:
        return _attach_footnotes(document, notes, lang)
    # A subsidiary body's document: its unqualified resolutions are the body's own.
    return _attach_footnotes(_recite(document, lang, organ), notes, lang, organ)


def _pictured_numbers(lines: list[str]) -> tuple[list[str], int]:
    """The lines with each paragraph number drawn as a picture (PICTURED_NUMBER at a line's
    start) written as the next number of its sequence ("1.", "2." …), and how many there
    were; any other such character (an object within a line) is dropped. A resolution or
    draft printed in a report numbers its paragraphs from 1, from its heading to its closing
    (meeting and date); the report's own numbering runs on around it."""
    if not any(PICTURED_NUMBER in line for line in lines):
        return lines, 0
    count = outer = inner = 0
    in_part = False
    numbered = []
    for line in lines:
        stripped = line.strip()
        pictured = bool(PICTURED_NUMBER_LINE.match(line))
        if DRAFT_HEADING.match(stripped) or (EMBEDDED_TITLE.match(stripped) and not pictured):
            in_part, inner = True, 0
        elif PART_END.match(stripped):
            in_part = False
        if pictured:
            count += 1
            if in_part:
                inner += 1
            else:
                outer += 1
            place = inner if in_part else outer
            line = PICTURED_NUMBER_LINE.sub(rf"\g<1>{place}. ", line, count=1)
        numbered.append(line.replace(PICTURED_NUMBER, ""))
    return numbered, count


def _recite(document: UnDocument, lang: str, organ: Organ) -> UnDocument:
    """The document with its paragraphs' citations found again as ``organ``'s document."""

    def again(group: Sequence[Paragraph]) -> tuple[Paragraph, ...]:
        return tuple(replace(p, citations=find_citations(p.text, lang, organ=organ)) for p in group)

    return replace(
        document,
        front=again(document.front),
        preamble=again(document.preamble),
        operative=again(document.operative),
        annexes=tuple(replace(a, paragraphs=again(a.paragraphs)) for a in document.annexes),
        parts=tuple(
            replace(
                p, front=again(p.front), preamble=again(p.preamble), operative=again(p.operative)
            )
            for p in document.parts
        ),
    )


def detect_language(text: str) -> str:
    """Guess the UN language of a text from its script (and, for Latin script, stop words)."""
    counts: Counter[str] = Counter()
    for char in text:
        if "\u4e00" <= char <= "\u9fff":
            counts["zh"] += 1
        elif "\u0600" <= char <= "\u06ff":
            counts["ar"] += 1
        elif "\u0400" <= char <= "\u04ff":
            counts["ru"] += 1
        elif char.isalpha() and char.isascii():
            counts["latin"] += 1
    script = counts.most_common(1)[0][0] if counts else "latin"
    return _latin_language(text) if script == "latin" else script


def _latin_language(text: str) -> str:
    words = Counter(re.findall(r"[a-zà-ÿ']+", text.lower()))
    scores = {
        "en": sum(words[w] for w in ("the", "of", "and", "to", "its")),
        "fr": sum(words[w] for w in ("les", "des", "et", "du", "aux", "le", "ses", "une")),
        "es": sum(words[w] for w in ("los", "las", "del", "y", "el", "sus", "que", "por")),
    }
    return max(scores, key=lambda lang: scores[lang])


# --------------------------------------------------------------------------------------------
# Lines: markup, furniture, footnotes


def _clean_markup(line: str) -> str:
    """Drop Markdown left by the extraction: **bold** and [text](#) links. Only paired bold
    marks around text go: a lone "**" is a footnote marker ("the report**", "** A/81/50.")."""
    return BOLD.sub(r"\1", MARKDOWN_LINK.sub(r"\1", line)).rstrip()


def _is_furniture(line: str, running: frozenset[str] | None = None) -> bool:
    """Page furniture. A symbol alone on its line is furniture when it is the running header
    or printed on the cover (``running``: decision 0039); elsewhere (an annex's list of
    documents, a table row) it is text. Without ``running``, every lone symbol is dropped."""
    if any(pattern.match(line) for pattern in FURNITURE):
        return True
    symbol = STANDALONE_SYMBOL.match(line)
    if symbol is None:
        return False
    return running is None or _symbol_form(symbol["symbol"]) in running


def _cover_symbol(lines: Sequence[str]) -> str | None:
    """The first symbol printed alone on the cover (its first 10 non-empty lines): a cover
    printing two symbols puts the document's own first (E/2018/41 above E/ESCWA/30/18/Report,
    decision 0035), though the running headers repeat the second more often."""
    cover = [line for line in lines if line.strip()][:10]
    return next(iter(_standalone_symbols(cover)), None)


def _running_symbols(lines: Sequence[str], symbols: Sequence[str]) -> frozenset[str]:
    """The symbols alone on a line that are page furniture: those printed on the cover (the
    first 10 non-empty lines), the document's own and those repeated (running headers)."""
    cover = [line for line in lines if line.strip()][:10]
    counts = Counter(symbols)
    found = {s for s, n in counts.items() if n > 1 or s == _most_common(symbols)}
    for line in cover:
        match = STANDALONE_SYMBOL.match(line)
        if match:
            found.add(_symbol_form(match["symbol"]))
    return frozenset(found)


def _standalone_symbols(lines: Sequence[str]) -> list[str]:
    """Document symbols printed alone on a line: the symbol line or the running header."""
    found = (STANDALONE_SYMBOL.match(line) for line in lines)
    return [_symbol_form(match["symbol"]) for match in found if match]


# Public for works.cover_symbols (the symbols on a cover are found the same way).
standalone_symbols = _standalone_symbols


def _symbol_form(symbol: str) -> str:
    """A symbol as the UN writes it: no spaces, except in a budget section's "(Sect. 16)" and
    "Part A" (A/81/6 (Sect. 16)/Part A)."""
    compact = re.sub(r"\s+", "", symbol)
    compact = re.sub(r"\((Sect|Part|Chap)\.?(\d+)\)", r" (\1. \2)", compact)
    return re.sub(r"/Part([A-Z])$", r"/Part \1", compact)


def _lift_footnotes(lines: Sequence[str]) -> tuple[list[str], list[Footnote]]:
    """Take footnotes out of the flow: superscript-numbered lines anywhere, and the plain
    numbered notes below a footnote rule ("_____") up to the next page's text."""
    kept: list[str] = []
    notes: list[Footnote] = []
    below_rule = False
    for line in lines:
        if FOOTNOTE_RULE.match(line):
            below_rule = True
            continue
        if not line.strip():
            kept.append(line)
            continue
        if below_rule and URL_LINE.match(line):
            below_rule = False  # the page's links follow its notes: the note area is over
            kept.append(line)
            continue
        superscript = SUPERSCRIPT_NOTE.match(line)
        if superscript:
            notes.append(Footnote(superscript["marker"], superscript["text"]))
            continue
        if below_rule or ASTERISK_NOTE.match(line):
            note = PLAIN_NOTE.match(line) or ASTERISK_NOTE.match(line)
            if note and _is_next_note(notes, note["marker"]):
                notes.append(Footnote(note["marker"], note["text"]))
                continue
            if below_rule and notes and not notes[-1].text.rstrip().endswith(("。", ".")):
                notes[-1] = replace(notes[-1], text=_join(notes[-1].text, line.strip()))
                continue
            below_rule = False
        kept.append(line)
    return kept, notes


def _is_next_note(notes: Sequence[Footnote], marker: str) -> bool:
    if marker.startswith("*"):
        return True
    numbers = [int(n.marker) for n in notes if n.marker.isdigit()]
    return int(marker) == (numbers[-1] + 1 if numbers else 1)


def _split_closing(pieces: list[str]) -> tuple[list[str], list[str]]:
    """The date and meeting lines that close a resolution ("2021年12月16日", "第53次全体会议")."""
    end = len(pieces)
    while end > 0 and (MEETING_LINE.match(pieces[end - 1]) or _is_date_only(pieces[end - 1])):
        end -= 1
    return pieces[:end], pieces[end:]


def _is_date_only(piece: str) -> bool:
    return any(p.fullmatch(piece.strip()) for p in DATE_PATTERNS)


# --------------------------------------------------------------------------------------------
# Resolutions


def _find_title(pieces: Sequence[str]) -> int | None:
    for index, piece in enumerate(pieces[:40]):
        if TITLE_LINE.match(piece) and not PARAGRAPH_NUMBER.match(piece):
            return index
    return None


# How near the top an opening ("Генеральная Ассамблея,") makes a text without a numbered title
# line a resolution (a report's cover is longer; its embedded drafts come later).
OPENING_WITHIN = 6


def _unnumbered_title(pieces: Sequence[str], lang: str) -> int | None:
    """The title line of a resolution whose number the text lost (an OCR'd page: "2751
    (ХХУЮ. Прием Бутана …"): the line above an opening within the first lines, when a
    paragraph after it opens with an operative verb; else None."""
    opening = next(
        (
            i
            for i, p in enumerate(pieces[:OPENING_WITHIN])
            # "The General Assembly," as it opens a text: with its comma, not a cover's
            # "ECONOMIC AND SOCIAL COUNCIL".
            if OPENING.match(p) and p.rstrip()[-1:] in ",，،"
        ),
        None,
    )
    if not opening:
        return None
    if not any(leading_verb(p, lang) for p in pieces[opening + 1 : opening + 40]):
        return None
    # The title may wrap: it starts at the line carrying what is left of the number.
    return next((i for i in range(opening - 1, 0, -1) if pieces[i][:1].isdigit()), opening - 1)


def _parse_resolution(pieces: list[str], title_at: int, lang: str) -> UnDocument:
    header = _parse_header(pieces[:title_at])
    title_match = TITLE_LINE.match(pieces[title_at])
    title_end = title_at + 1
    if title_match is None:  # an unnumbered title runs to the opening
        title_end = next(
            (i for i in range(title_at + 1, len(pieces)) if OPENING.match(pieces[i])), title_end
        )
    rest = pieces[title_end:]
    annex_at = next((i for i, p in enumerate(rest) if ANNEX_LINE.match(p)), len(rest))
    main, annex_pieces = rest[:annex_at], rest[annex_at:]
    opening_at = _last_opening(main)
    front = [_paragraph(_Draft([piece]), lang) for piece in main[: opening_at + 1]]
    paragraphs = _assemble(main[opening_at + 1 :], lang, numbered=True)
    first_numbered = next((i for i, p in enumerate(paragraphs) if p.number), len(paragraphs))
    operative = tuple(_with_verb(p, lang) for p in paragraphs[first_numbered:])
    return UnDocument(
        kind="resolution",
        language=lang,
        symbol=None,
        number=re.sub(r"\s+", " ", title_match["number"]) if title_match else None,
        title=title_match["title"] if title_match else _join_all(pieces[title_at:title_end]),
        front=tuple(front),
        preamble=tuple(paragraphs[:first_numbered]),
        operative=operative,
        annexes=tuple(_parse_annexes(annex_pieces, lang)),
        header=tuple(pieces[:title_end]),
        session=header.session,
        agenda_item=header.agenda_item,
        agenda_title=header.agenda_title,
        adoption=header.adoption,
        date=header.date,
        body=header.body,
    )


@dataclass
class _Header:
    session: str | None = None
    agenda_item: str | None = None
    agenda_title: str | None = None
    adoption: str | None = None
    date: datetime.date | None = None
    body: str | None = None


def _parse_header(pieces: Sequence[str]) -> _Header:
    """Session, agenda item and title, the adoption line (date and body) of a resolution."""
    header = _Header()
    agenda_title: list[str] = []
    for piece in pieces:
        agenda = AGENDA_LINE.match(piece)
        if header.session is None and SESSION_LINE.match(piece):
            header.session = piece
        elif agenda:
            header.agenda_item = next(g for g in agenda.groups() if g)
        elif ADOPTION_LINE.match(piece):
            header.adoption = piece
        elif (dates := list(_find_dates(piece))) and (
            header.date is None or (header.body is None and _organ_in(piece))
        ):
            # The adoption line ("adopted by the General Assembly on …") wins over a bare
            # distribution date printed above it.
            header.date = datetime.date.fromisoformat(dates[0][2])
            header.body = _organ_in(piece)
        elif header.agenda_item is not None and header.date is None:
            agenda_title.append(piece)
    header.agenda_title = _join_all(agenda_title) or None
    return header


def _last_opening(pieces: Sequence[str]) -> int:
    """Index of the last "大会，" / "The General Assembly," line before the first numbered
    paragraph (an ECOSOC text recommending a draft to the Assembly has two), or -1."""
    last = -1
    for index, piece in enumerate(pieces):
        if PARAGRAPH_NUMBER.match(piece):
            break
        if OPENING.match(piece):
            last = index
    return last


# A proclamation without a printed resolution number (the Universal Declaration as the UN
# publishes it in plain text, A/RES/217 (III) A): recitals opening on "Whereas" in every
# language, the enacting words, one operative paragraph ("Proclaims this Declaration …"), then
# the numbered articles of the text proclaimed.
RECITAL = re.compile(
    r"^\s*(?:Whereas|Considérant|Considerando|Принимая во внимание|و?لم\u0651?ا\s+كان|鉴于)",
    re.IGNORECASE,
)
ENACTING = re.compile(
    r"^\s*(?:Now,?\s+therefore|Por (?:lo )?tanto|En conséquence|Ahora,? por tanto)\s*,?\s*$",
    re.IGNORECASE,
)
# The Chinese text runs the enacting words, the organ and the verb together on one line:
# "因此现在,大会,发布这一世界人权宣言".
ZH_ENACTING = re.compile(r"^\s*(?:因此现在\s*[,，]\s*)?大会\s*[,，]\s*")
ARTICLE_HEADING = re.compile(
    r"^\s*(?:Article|Artículo|Статья|المادة)\s+[\w\u0600-\u06ff]{1,12}\s*$"
    r"|^\s*第[一二三四五六七八九十百零〇\d]+条\s*$",
    re.IGNORECASE,
)


def _parse_proclamation(pieces: list[str], lang: str) -> UnDocument | None:
    """A resolution printed without its number: front lines, "Whereas …" recitals, the
    enacting words and organ, the operative paragraph, and the articles it proclaims (a part
    of kind "declaration"); None when the text is not shaped so."""
    start = next((i for i, p in enumerate(pieces[:15]) if RECITAL.match(p)), None)
    if start is None:
        return None
    end = start
    while end < len(pieces) and RECITAL.match(pieces[end]):
        end += 1
    if end - start < 2:
        return None
    articles_at = next(
        (i for i in range(end, len(pieces)) if ARTICLE_HEADING.match(pieces[i])), len(pieces)
    )
    enacting = pieces[end:articles_at]
    lead = 0
    while lead < len(enacting) and (
        ENACTING.match(enacting[lead]) or OPENING.match(enacting[lead])
    ):
        lead += 1
    if lead == len(enacting):
        return None
    first = enacting[lead]
    if lang == "zh" and lead == 0:
        first = ZH_ENACTING.sub("", first)
    verb = leading_verb(first, lang)
    if verb is None:
        return None
    text = _join_all(enacting)
    operative = Paragraph(text=text, verb=verb, citations=find_citations(text, lang))
    articles: list[Paragraph] = []
    for piece in pieces[articles_at:]:
        if ARTICLE_HEADING.match(piece):
            articles.append(Paragraph(text=piece, kind="heading", level=3))
        else:
            articles.append(_paragraph(_Draft([piece]), lang))
    front = [_paragraph(_Draft([piece]), lang) for piece in pieces[:start]]
    title = pieces[0] if start > 0 else None
    parts: tuple[Part, ...] = ()
    if articles:
        parts = (
            Part(
                kind="declaration",
                heading=title or "",
                title=None,
                draft=False,
                operative=tuple(articles),
                after=1,
            ),
        )
    return UnDocument(
        kind="resolution",
        language=lang,
        symbol=None,
        number=None,
        body=None,
        date=None,
        # The first line names the text proclaimed (the part's heading); the resolution's own
        # symbol and title are not printed, so the importer asks the person for them.
        title=None,
        header=tuple(pieces[:1]),
        front=tuple(front[1:]),
        preamble=tuple(_paragraph(_Draft([p]), lang) for p in pieces[start:end]),
        operative=(operative,),
        parts=parts,
    )


def _parse_annexes(pieces: Sequence[str], lang: str) -> list[Annex]:
    annexes: list[Annex] = []
    starts = [i for i, piece in enumerate(pieces) if ANNEX_LINE.match(piece)]
    for start, end in zip(starts, [*starts[1:], len(pieces)], strict=False):
        body = list(pieces[start + 1 : end])
        title = body.pop(0) if body else None
        paragraphs = _assemble(body, lang, numbered=True, headings=True)
        annexes.append(Annex(heading=pieces[start], title=title, paragraphs=tuple(paragraphs)))
    return annexes


# --------------------------------------------------------------------------------------------
# Reports


def _parse_report(pieces: list[str], lang: str) -> UnDocument:
    """A report: its cover (symbol lines aside: session, agenda item, distribution date,
    title), its front matter (summary, contents), then its body of chapters, sections and
    numbered paragraphs, with the draft resolutions and decisions it carries lifted out as
    parts of their own (decision 0039)."""
    body_at = _report_body_start(pieces)
    cover = _report_cover(pieces, body_at)
    rest = pieces[body_at:]
    annex_at = next((i for i, p in enumerate(rest) if ANNEX_LINE.match(p)), len(rest))
    body_pieces, raw_parts = _split_parts(rest[:annex_at], lang)
    front = _assemble(pieces[cover.end : body_at], lang, numbered=False)
    drafts = _assemble(body_pieces, lang, numbered=True, headings=True, wrapped=True)
    body: list[Paragraph] = []
    parts: list[Part] = []
    for paragraph in drafts:
        marker = PART_SENTINEL.fullmatch(paragraph.text)
        if marker:
            parts.append(replace(raw_parts[int(marker[1])], after=len(body)))
        elif paragraph.kind == "heading":
            body.append(replace(paragraph, level=_heading_level(paragraph.text)))
        else:
            body.append(paragraph)
    return UnDocument(
        kind="report",
        language=lang,
        symbol=None,
        number=None,
        body=None,
        date=cover.date,
        title=cover.title,
        session=cover.session,
        agenda_item=cover.agenda_item,
        agenda_title=cover.agenda_title,
        header=tuple(pieces[: cover.end]),
        front=tuple(front),
        operative=tuple(body),
        annexes=tuple(_parse_annexes(rest[annex_at:], lang)),
        parts=tuple(parts),
    )


# The report's cover: lines that say where the document comes from, not what it is called.
COVER_LINE = re.compile(
    r"^\s*(?:United Nations|UNITED NATIONS|Nations Unies|NATIONS UNIES|Naciones Unidas|"
    r"Организация Объединенных Наций|الأمم المتحدة|联合国|Distr\..*|Distr|LIMITED|GENERAL|"
    r"RESTRICTED|Limited|General|Restricted|ENGLISH|FRENCH|SPANISH|RUSSIAN|ARABIC|CHINESE|"
    r"ORIGINAL\b.*|Original\b.*|[AES]|ECONOMIC AND SOCIAL|COUNCIL|Council|"
    r"(?:The\s+)?(?:General Assembly|Security Council|Economic and Social Council)|"
    r"Assemblée générale|Conseil de sécurité|Conseil économique et social|Asamblea General|"
    r"Consejo de Seguridad|Consejo Económico y Social|Генеральная Ассамблея|Совет Безопасности|"
    r"Экономический и Социальный Совет|الجمعية العامة|مجلس الأمن|المجلس الاقتصادي والاجتماعي|"
    r"大会|安全理事会|经济及社会理事会)\s*$"
)
# An agenda line on a cover: "Agenda item 108", "Items 138 and 139 of the preliminary list",
# "Item 3 of the provisional agenda", "Point 3 de l'ordre du jour provisoire", "临时议程项目 3".
COVER_AGENDA = re.compile(
    r"^\s*(?:(?:Agenda items?|Items?|Points?|Temas?|Пункты?|البندان|البنود|البند)\s+"
    r"(?P<item>[\w.]{1,12}(?:\s?\(\w{1,4}\))?"
    r"(?:(?:\s*,\s*|\s+(?:and|et|y|и|و)\s+)[\w.]{1,12}(?:\s?\(\w{1,4}\))?){0,10})\s*"
    r"(?:(?:of the|de l['’]|de la|del|de los|из)?\s*[\w'’ ]{0,40}|من جدول الأعمال.*)|"
    r"(?:临时议程|议程|暂定项目清单)项目\s*(?P<zh>\S+))\s*\**\s*$",
    re.IGNORECASE,
)
COVER_SESSION = re.compile(
    r"^\s*(?:\S+\s+){0,3}(?:session|sesión|сессия)\b.{0,60}$|^\s*(?:La\s+)?\S+\s+session\b",
    re.IGNORECASE,
)
# Where the cover ends: the summary, the contents, a note.
COVER_END = re.compile(
    r"^\s*(?:Summary|Résumé|Resumen|Резюме|موجز|摘要|Contents|CONTENTS|Table des matières|"
    r"TABLE DES MATIÈRES|Índice|ÍNDICE|Содержание|المحتويات|目录|NOTE|Note)\s*$"
)
REPORT_TITLE = re.compile(r"^\s*(?:report|rapport|informe|доклад|تقرير)\b|报告", re.IGNORECASE)


@dataclass
class _Cover:
    end: int = 0  # where the front matter starts
    title: str | None = None
    session: str | None = None
    agenda_item: str | None = None
    agenda_title: str | None = None
    date: datetime.date | None = None


def _report_cover(pieces: Sequence[str], body_at: int) -> _Cover:
    """Session, agenda item, distribution date and title from a report's cover."""
    report_at = next((i for i, p in enumerate(pieces[:20]) if REPORT_LINE.match(p)), None)
    limit = min(body_at, 30)
    stop = next((i for i in range(limit) if COVER_END.match(pieces[i])), limit)
    if report_at is not None:
        stop = min(stop, report_at)
    cover = _Cover(end=report_at + 1 if report_at is not None else 0)
    agenda_at: int | None = None
    kept: list[int] = []  # lines that may be the agenda's title or the document's
    for index in range(stop):
        piece = pieces[index]
        agenda = COVER_AGENDA.match(piece) or AGENDA_LINE.match(piece)
        session = SESSION_LINE.match(piece) or COVER_SESSION.match(piece)
        if cover.session is None and session and not REPORT_TITLE.search(piece):
            cover.session = piece
        elif agenda and agenda_at is None:
            agenda_at = index
            cover.agenda_item = next((g for g in agenda.groups() if g), None)
        elif _is_date_only(piece):
            if cover.date is None:
                cover.date = datetime.date.fromisoformat(next(iter(_find_dates(piece)))[2])
        elif not COVER_LINE.match(piece):
            kept.append(index)
    if report_at is not None:
        # The title is printed just above "Report of the Secretary-General"; the agenda's
        # title above it (or, where the extraction begins there, its first line).
        title: list[int] = []
        for index in reversed(kept):
            if title and index != title[0] - 1:
                break
            title.insert(0, index)
        between = [i for i in kept if agenda_at is not None and agenda_at < i < title[0]]
        if between:
            cover.agenda_title = _join_all(pieces[i] for i in between)
        elif agenda_at is None and len(title) >= 2 and title[0] == 0:
            cover.agenda_title = pieces[title.pop(0)]
        cover.title = _join_all(pieces[i] for i in title) or None
        return cover
    after = [i for i in kept if agenda_at is not None and i > agenda_at]
    if after:
        # One line of agenda title per item ("Items 138 and 139": two), then the title.
        items = max(1, len(re.findall(r"\d+", cover.agenda_item or "")))
        own = after[items:] or after[-1:]
        cover.agenda_title = _join_all(pieces[i] for i in after[:items]) or None
        cover.title = _join_all(pieces[i] for i in own) or None
    else:
        # "Report of the thirtieth session" under the body's name (on up to three lines);
        # Arabic may stretch its letters with tatweel ("تقريـر").
        named = next(
            (i for i in kept if REPORT_TITLE.search(pieces[i].replace("\u0640", ""))), None
        )
        if named is not None:
            lines = [named]
            while lines[0] - 1 in kept and len(lines) < 4:
                lines.insert(0, lines[0] - 1)
            cover.title = _join_all(pieces[i] for i in lines)
    cover.end = stop if (cover.title or cover.session or cover.agenda_item) else 0
    return cover


def _report_body_start(pieces: Sequence[str]) -> int:
    """Where a report's body begins: at its paragraph 1, and the headings just above it
    ("I. Introduction", "INTRODUCTION"); a contents line ("Introduction ..... 1-2") is not
    one. Without a paragraph 1, at the first enumerated heading, as before."""
    first = next(
        (
            i
            for i, piece in enumerate(pieces)
            if (number := DOTTED_NUMBER.match(piece) or PARAGRAPH_NUMBER.match(piece))
            and number["n"] == "1"
            and not CONTENTS_LINE.search(piece)
        ),
        None,
    )
    if first is None:
        return next((i for i, p in enumerate(pieces) if _starts_report_body(p)), len(pieces))
    start = first
    while (
        start > 0
        and first - start < 3
        and _looks_like_heading(pieces[start - 1])
        and (
            _heading_level(pieces[start - 1]) < 3
            or INTRODUCTION.match(pieces[start - 1])
            # a chapter's title under its bare label: "第一章" / "需要…的事项"
            or (start > 1 and BARE_CHAPTER.match(pieces[start - 2]))
        )
        and not CONTENTS_LINE.search(pieces[start - 1])
        and not COVER_END.match(pieces[start - 1])
        and not _is_bare_number(pieces[start - 1])
    ):
        start -= 1
    return start


INTRODUCTION = re.compile(
    r"^\s*(?:Introduction|INTRODUCTION|Introducción|INTRODUCCIÓN|Введение|ВВЕДЕНИЕ|مقدمة|"
    r"导言|引言)\s*$"
)


def _starts_report_body(piece: str) -> bool:
    number = PARAGRAPH_NUMBER.match(piece)
    return bool(HEADING_ENUMERATOR.match(piece) or (number and number["n"] == "1"))


# --------------------------------------------------------------------------------------------
# Report structure: heading ranks, parts embedded in a report

CHAPTER_HEADING = re.compile(
    r"^\s*(?:[IVXL]+\s*[.\-–]\s*\S|(?:Chapter|CHAPTER|Chapitre|CHAPITRE|Capítulo|CAPÍTULO|Глава|"
    r"ГЛАВА)\s+[IVXL\d]+\b|第[一二三四五六七八九十百]+章|[一二三四五六七八九十]+\s*[.、]\s*\S|"
    r"الفصل\s+\S+)"
)
BARE_CHAPTER = re.compile(
    r"^\s*(?:(?:Chapter|CHAPTER|Chapitre|CHAPITRE|Capítulo|CAPÍTULO|Глава|ГЛАВА)\s+[IVXL\d]+|"
    r"第[一二三四五六七八九十百]+章|الفصل\s+\S+)\s*$"
)
SECTION_HEADING = re.compile(
    r"^\s*(?:[A-Z]\s*[.\-–]\s*\S|[（(][一二三四五六七八九十]+[）)]|"
    r"(?:ألف|باء|جيم|دال|هاء|واو|زاي|حاء|طاء|ياء)\s*[-–.]\s*\S)"
)
# Contents: a line with leader dots, or ending in paragraph and page numbers.
CONTENTS_LINE = re.compile(r"(?:\.\s?){5,}|…{3,}|\s\d{1,3}[-–]\d{1,3}\s+\d{1,3}\s*$")
BARE_NUMBER = re.compile(r"^\s*[-–—]?\s*(?:\d{1,4}|[ivxlIVXL]{1,6})\s*[-–—]?\s*$")
# A name and a country or role in brackets: a list of speakers or officers, not a heading.
NAME_IN_BRACKETS = re.compile(r"^[^()（）]{1,60}[(（][^()（）]{2,60}[)）]$")
# The heading of an embedded draft: "Draft resolution I", "Projet de décision II",
# "Proyecto de resolución", "Проект резолюции I", "مشروع القرار الأول", "决议草案一".
DRAFT_HEADING = re.compile(
    r"^\s*(?P<head>(?:Draft\s+(?P<en>resolution|decision)|Projet\s+de\s+(?P<fr>résolution|décision)"
    r"|Proyecto\s+de\s+(?P<es>resolución|decisión)|Проект\s+(?P<ru>резолюции|решения)"
    r"|مشروع\s+(?P<ar>القرار|المقرر|قرار|مقرر))(?:\s+(?:[IVXL]+|\d+|[A-Z]|[\u0600-\u06ff]+))?"
    r"|(?P<zh>决议|决定)草案[一二三四五六七八九十]*)"
    r"(?:\s*[:.\-–]\s*(?P<title>\S.*))?$",
    re.IGNORECASE,
)
# A resolution adopted by the body and printed in its report: "329 (XXX) Title",
# "2024/1. Title", Arabic with mirrored brackets "329 )د30-( …".
EMBEDDED_TITLE = re.compile(
    r"^\s*(?P<number>\d{1,4}\s*[()]\s*[\w\-]{1,8}\s*[()]|\d{1,4}/\d{1,4}(?:\s?[A-Z])?)"
    r"\.?\s+(?P<title>\S.*)$"
)
# The line that opens a resolution's text: "The Economic and Social Council,",
# "La Commission économique et sociale pour l'Asie occidentale,", "经济及社会理事会，".
BODY_WORDS = re.compile(
    r"Assembly|Council|Commission|Conference|Committee|Assemblée|Conseil|Conférence|Comité|"
    r"Asamblea|Consejo|Comisión|Conferencia|Comité|Ассамбле|Совет|Комисси|Конференци|Комитет|"
    r"الجمعية|المجلس|اللجنة|مؤتمر|大会|理事会|委员会|会议"
)
PART_SENTINEL = re.compile("\x00part (\\d+)")
# The opening of a declaration in the first person: "We, the Heads of State …",
# "Nous, …", "Nosotros, …", "Мы, …", "نحن، …", "我们，…".
DECLARATION_OPENING = re.compile(
    r"^\s*(?:\d{1,3}\s*[.\-]\s*)?(?:We|Nous|Nosotros|Мы|نحن|我们)\s*[,，،]"
)
PART_END = re.compile(
    r"^\s*(?:\d+(?:st|nd|rd|th)\s+(?:plenary\s+)?meeting\b.*|\d*e?\s*séance plénière.*|"
    r"\d+[ªa]\s+sesión plenaria.*|\d+-[ея]\s+пленарное заседание.*|"
    r"الجلسة العامة.*|第\s*\d+\s*次全体会议.*)$",
    re.IGNORECASE,
)


def _heading_level(text: str) -> int:
    if CHAPTER_HEADING.match(text):
        return 1
    if SECTION_HEADING.match(text):
        return 2
    return 3


def _is_opening(piece: str) -> bool:
    stripped = piece.strip()
    if TABLE_CELL in stripped:
        return False
    if OPENING.match(stripped):
        return True
    limit = 40 if any(_is_cjk(char) for char in stripped) else 160
    return (
        len(stripped) <= limit
        and stripped.endswith((",", "，", "،"))
        and bool(BODY_WORDS.search(stripped))
        and not PARAGRAPH_NUMBER.match(stripped)
    )


def _part_start(pieces: Sequence[str], index: int) -> tuple[str, str, str | None] | None:
    """(kind, heading, number) when a draft or adopted resolution begins at ``index``; a
    table's row ("58/7 | Strengthening cooperation …", a list of resolutions) never does."""
    piece = pieces[index]
    if TABLE_CELL in piece:
        return None
    draft = DRAFT_HEADING.match(piece)
    if draft:
        words = "".join(draft[k] or "" for k in ("en", "fr", "es", "ru", "ar", "zh")).casefold()
        decision = any(w in words for w in ("decision", "décision", "decisión", "решени", "مقرر"))
        kind = "decision" if decision or words == "决定" else "resolution"
        return (kind, draft["head"], None)
    embedded = EMBEDDED_TITLE.match(piece)
    if embedded and any(_is_opening(p) for p in pieces[index + 1 : index + 3]):
        number = re.sub(r"\s+", " ", embedded["number"])
        return ("resolution", number, number)
    # A declaration: its title (and subtitle), then "We, the representatives …".
    if (
        not _enumerated(piece)
        and _looks_like_heading(piece)
        and (index == 0 or not _looks_like_heading(pieces[index - 1]))
        and any(DECLARATION_OPENING.match(p) for p in pieces[index + 1 : index + 3])
    ):
        return ("declaration", piece, None)
    return None


def _split_parts(pieces: Sequence[str], lang: str) -> tuple[list[str], list[Part]]:
    """Lift the draft resolutions and decisions (and the body's own resolutions) out of a
    report's body: each becomes a Part, and a sentinel piece marks its place. A part runs
    to its closing meeting and date lines, the next part, the next chapter or section
    heading, or the report's next paragraph number."""
    kept: list[str] = []
    parts: list[Part] = []
    expected = 1  # the report's next paragraph number
    index = 0
    while index < len(pieces):
        start = _part_start(pieces, index)
        if start is None:
            number = PARAGRAPH_NUMBER.match(pieces[index])
            if number and int(number["n"]) == expected:
                expected += 1
            kept.append(pieces[index])
            index += 1
            continue
        end = index + 1
        own = 1  # the part's own next paragraph number
        while end < len(pieces):
            piece = pieces[end]
            number = PARAGRAPH_NUMBER.match(piece)
            if number and int(number["n"]) == own:
                own += 1
            elif number and int(number["n"]) == expected and own > 1:
                break
            if PART_END.match(piece) or _part_start(pieces, end) is not None:
                break
            if (
                end > index + 2
                and not number
                and _heading_level(piece) < 3
                and _looks_like_heading(piece)
            ):
                break
            end += 1
        closing: list[str] = []
        while end < len(pieces) and (PART_END.match(pieces[end]) or _is_date_only(pieces[end])):
            closing.append(pieces[end])
            end += 1
        kept.append(f"\x00part {len(parts)}")
        parts.append(_parse_part(start, pieces[index : end - len(closing)], closing, lang))
        index = end
    return kept, parts


def _parse_part(
    start: tuple[str, str, str | None], pieces: Sequence[str], closing: list[str], lang: str
) -> Part:
    kind, heading, number = start
    draft = DRAFT_HEADING.match(pieces[0])
    title_lines: list[str] = []
    if draft and draft["title"]:
        title_lines.append(draft["title"])
    elif not draft:
        embedded = EMBEDDED_TITLE.match(pieces[0])
        title_lines.append(embedded["title"] if embedded else pieces[0])
    rest = list(pieces[1:])
    opening_at = next((i for i, p in enumerate(rest[:4]) if _is_opening(p)), None)
    if kind == "declaration":
        # Its subtitle joins the title; the "We, …" paragraph opens it.
        opening_at = next(i for i, p in enumerate(rest[:3]) if DECLARATION_OPENING.match(p))
        title_lines.extend(rest[:opening_at])
        rest = rest[opening_at:]
        opening_at = None
    if opening_at is None:
        # No "The Council," line: the title is the first line, if it is one.
        if draft and not title_lines and rest and _looks_like_heading(rest[0]):
            title_lines.append(rest.pop(0))
        front: list[Paragraph] = []
    else:
        if draft:
            title_lines.extend(rest[:opening_at])
        front = [_paragraph(_Draft([rest[opening_at]]), lang)]
        rest = rest[opening_at + 1 :]
    paragraphs = _assemble(rest, lang, numbered=True, headings=kind == "declaration", items=True)
    first = next((i for i, p in enumerate(paragraphs) if p.number), None)
    if kind == "declaration" and first is None:
        # A declaration's paragraphs are its body ("We recall …", "We will …").
        first = 0
        operative = [
            replace(p, verb=leading_verb(p.text, lang)) if p.kind == "paragraph" else p
            for p in paragraphs
        ]
    elif first is None:
        # Numbers lost (or never printed): the operative part begins at the first paragraph
        # that opens with an operative verb.
        first = next(
            (i for i, p in enumerate(paragraphs) if leading_verb(p.text, lang)), len(paragraphs)
        )
        operative = [replace(p, verb=leading_verb(p.text, lang)) for p in paragraphs[first:]]
    else:
        operative = [_with_verb(p, lang) for p in paragraphs[first:]]
    return Part(
        kind="decision"
        if kind == "decision"
        else "declaration"
        if kind == "declaration"
        else "resolution",
        heading=heading,
        title=_join_all(title_lines) or None,
        number=number,
        draft=draft is not None,
        front=tuple(front),
        preamble=tuple(paragraphs[:first]),
        operative=tuple(operative),
        closing=tuple(closing),
    )


def _outline(paragraphs: Sequence[Paragraph], floor: int) -> tuple[Section, ...]:
    sections: list[Section] = []
    index = next((i for i, p in enumerate(paragraphs) if p.kind == "heading"), len(paragraphs))
    while index < len(paragraphs):
        heading = paragraphs[index]
        level = max(heading.level or 3, floor)
        end = next(
            (
                j
                for j in range(index + 1, len(paragraphs))
                if paragraphs[j].kind == "heading" and max(paragraphs[j].level or 3, floor) <= level
            ),
            len(paragraphs),
        )
        inner = paragraphs[index + 1 : end]
        sub_at = next((i for i, p in enumerate(inner) if p.kind == "heading"), len(inner))
        sections.append(
            Section(
                level=level,
                heading=heading,
                paragraphs=tuple(inner[:sub_at]),
                sections=_outline(inner[sub_at:], level + 1),
            )
        )
        index = end
    return tuple(sections)


# --------------------------------------------------------------------------------------------
# Paragraph assembly


@dataclass
class _Draft:
    pieces: list[str] = field(default_factory=list)
    number: str | None = None
    kind: ParagraphKind = "paragraph"

    @property
    def text(self) -> str:
        return _join_all(self.pieces)


def _assemble(
    pieces: Sequence[str],
    lang: str,
    *,
    numbered: bool,
    headings: bool = False,
    wrapped: bool = False,
    items: bool = False,
) -> list[Paragraph]:
    """Join pieces into paragraphs. A piece opens a paragraph when it carries the next
    paragraph number; it continues the previous one when that one is unfinished (a page break
    or a hard line wrap, or a Chinese line wrapped after a full line: ``_wraps_on``); otherwise
    it is a heading (short, unpunctuated; not a page number, a list item or a table cell) or,
    in a resolution, a new unnumbered paragraph, and in a hard-wrapped report the continuation
    of the last numbered paragraph. In a report (``wrapped``) a sub-item ("(a)") is a
    paragraph of its own numbered "(a)", and budget sections' "16.1" numbers count; in an
    embedded part (``items``) a sub-item stays in its numbered paragraph."""
    drafts: list[_Draft] = []
    expected = 1
    for at, piece in enumerate(pieces):
        number = (DOTTED_NUMBER.match(piece) if wrapped else None) or (
            PARAGRAPH_NUMBER.match(piece) if numbered else None
        )
        previous = drafts[-1] if drafts else None
        following = pieces[at + 1] if at + 1 < len(pieces) else None
        if PART_SENTINEL.fullmatch(piece):
            drafts.append(_Draft([piece], kind="heading"))  # a part's place (reports)
        elif number and int(number["n"]) == expected:
            label = (
                f"{number['prefix']}.{number['n']}" if "prefix" in number.re.groupindex else None
            )
            text, own = piece[number.end() :], label or number["n"]
            if wrapped and label is None:
                # Two list items the layout ran into one line ("10. Proposal … at ESCWA.
                # 11. Activities …"): the next number after a full stop opens its own.
                while split := _inline_next_number(text, expected + 1):
                    drafts.append(_Draft([text[: split.start()]], number=own))
                    text, own = text[split.end() :], split["n"]
                    expected += 1
            drafts.append(_Draft([text], number=own))
            expected += 1
        elif headings and _is_bare_number(piece):
            continue  # a page number left in the text is never a heading, nor text
        elif (
            previous
            and previous.kind == "paragraph"
            and (not _ends_complete(previous.pieces) or _wraps_on(previous.pieces, piece))
        ):
            previous.pieces.append(piece)
        elif headings and _looks_like_heading(
            piece, previous.pieces[-1] if previous else None, following
        ):
            drafts.append(_Draft([piece], kind="heading"))
        elif items and previous and previous.number and SUB_ITEM.match(piece):
            previous.pieces.append(piece)  # a part's sub-item stays in its paragraph
        elif wrapped and (item := SUB_ITEM.match(piece)):
            # A report paragraph's sub-item: a paragraph of its own, numbered "(a)".
            label = f"({item['n'] or item['m']})"
            drafts.append(_Draft([piece[item.end() :]], number=label))
        elif wrapped and previous and previous.number is not None:
            previous.pieces.append(piece)
        else:
            drafts.append(_Draft([piece]))
    if headings:
        drafts = _tidy_headings(drafts)
    return [_paragraph(draft, lang) for draft in drafts]


INLINE_NUMBER = re.compile(r"(?<=[.;])\s+(?P<n>\d{1,3})\.\s+(?=[A-Z])")


def _inline_next_number(text: str, wanted: int) -> re.Match[str] | None:
    """Where ``wanted`` ("11. ") opens a new sentence inside ``text``, if it does."""
    return next((m for m in INLINE_NUMBER.finditer(text) if int(m["n"]) == wanted), None)


def _tidy_headings(drafts: list[_Draft]) -> list[_Draft]:
    """A capitalised heading's wrapped lines join it ("B. LINKS BETWEEN …" / "AND
    SUSTAINABLE DEVELOPMENT"); three or more unnumbered headings in a row are a list or a
    table's cells (participants, officers, speakers), not headings (decision 0039)."""
    joined: list[_Draft] = []
    for draft in drafts:
        last = joined[-1] if joined else None
        if (
            last is not None
            and last.kind == draft.kind == "heading"
            and _is_capitals(last.text)
            and _is_capitals(draft.text)
            and not _enumerated(draft.text)
            and not PART_SENTINEL.fullmatch(draft.text)
            and not PART_SENTINEL.fullmatch(last.text)
        ):
            last.pieces.extend(draft.pieces)
        else:
            joined.append(draft)
    run: list[_Draft] = []
    for draft in [*joined, _Draft()]:
        plain = draft.kind == "heading" and not _enumerated(draft.text)
        if plain and not PART_SENTINEL.fullmatch(draft.text):
            run.append(draft)
            continue
        if len(run) >= 3:
            for item in run:
                item.kind = "paragraph"
        run = []
    return joined


def _enumerated(text: str) -> bool:
    return bool(
        HEADING_ENUMERATOR.match(text)
        or CHAPTER_HEADING.match(text)
        or PARAGRAPH_NUMBER.match(text)
    )


def _is_capitals(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return bool(letters) and all(char.isupper() for char in letters)


def _paragraph(draft: _Draft, lang: str) -> Paragraph:
    text = draft.text
    return Paragraph(
        text=text, number=draft.number, kind=draft.kind, citations=find_citations(text, lang)
    )


def _looks_like_heading(
    piece: str, previous: str | None = None, following: str | None = None
) -> bool:
    """A heading: an enumerated title ("I. Introduction", "A. …", "1. 处理…" not ending a
    sentence) or a short line without punctuation. Never a page number, a contents line, a
    line in brackets ("(Agenda item 5)"), a name with its country (lists of speakers and
    officers), nor an item of a list its previous line announces ("…:") when the line after
    it is another such item (decision 0039)."""
    stripped = piece.strip()
    if (
        not stripped
        or _is_bare_number(stripped)
        or CONTENTS_LINE.search(stripped)
        or (stripped.startswith(("(", "（")) and stripped.endswith((")", "）")))
        or (stripped.startswith(")") and stripped.endswith("("))  # mirrored in Arabic PDFs
    ):
        return False
    cjk = any(_is_cjk(char) for char in stripped)
    limit = 40 if cjk else 100
    if _is_date_only(stripped) or PART_END.match(stripped) or MEETING_LINE.match(stripped):
        return False  # a closing: "7th plenary meeting", "28 June 2018"
    if HEADING_ENUMERATOR.match(piece) or CHAPTER_HEADING.match(piece):
        # Not a sentence: "M. Khaled Mahdi, Secrétaire général …, a souligné …."
        return len(stripped) <= 200 and not stripped.endswith((".", ";", "。", "；"))
    if PARAGRAPH_NUMBER.match(piece):
        # An out-of-sequence number: a numbered sub-heading, unless it reads as a sentence
        # or a list item ("1. Opening of the session.", an agenda).
        return len(stripped) <= limit and not stripped.endswith(tuple(".;。；:：,，"))
    if (
        previous is not None
        and previous.rstrip().endswith((":", "："))
        and following is not None
        and _is_short_line(following)
    ):
        return False
    if NAME_IN_BRACKETS.match(stripped):
        return False
    balanced = all(stripped.count(a) == stripped.count(b) for a, b in ("《》", "()", "（）", "“”"))
    return len(stripped) <= limit and balanced and not re.search(r"[，,；;。、：:—.]", stripped)


def _is_short_line(piece: str) -> bool:
    """A short line without sentence punctuation (an item of a list, a table cell)."""
    stripped = piece.strip()
    limit = 40 if any(_is_cjk(char) for char in stripped) else 100
    return (
        0 < len(stripped) <= limit
        and not HEADING_ENUMERATOR.match(stripped)
        and not re.search(r"[，,；;。、：:]", stripped)
    )


def _is_bare_number(piece: str) -> bool:
    return bool(BARE_NUMBER.match(piece))


# Chinese UN PDFs wrap lines at 36 to 38 characters: a line that long ending in "，" or "。"
# may be followed by the rest of its paragraph (decision 0039).
ZH_WRAP_WIDTH = 34


def _wraps_on(pieces: Sequence[str], piece: str) -> bool:
    """Whether ``piece`` continues a Chinese paragraph whose last line was full: a short line
    without punctuation after a full line ending in "，" or "。" is its wrapped end, not a
    heading."""
    last = pieces[-1].rstrip() if pieces else ""
    stripped = piece.strip()
    if not last.endswith(("，", "。")) or not stripped or not _is_cjk(stripped[0]):
        return False
    width = sum(1 for char in last if _is_cjk(char))
    return (
        width >= ZH_WRAP_WIDTH
        and len(stripped) <= 40
        and not HEADING_ENUMERATOR.match(stripped)
        and not CHAPTER_HEADING.match(stripped)
        and not re.search(r"[，,；;。、：:—.]", stripped)
    )


# Footnote markers and closing quotes that may follow a sentence's last mark (and digits).
_MARKER_CHARS = frozenset(f'{SUPERSCRIPTS}*”"’)）')


def _ends_complete(pieces: Sequence[str]) -> bool:
    """Whether the joined pieces end a sentence, once footnote markers are stripped.

    Reads from the end only: joining never changes the characters themselves, so the last
    one that is neither space nor marker decides. (Joining all pieces and stripping with a
    regular expression at every line made a long paragraph quadratic, a 400 KB text minutes
    of CPU: security probe of 2026-12-06, decision 0022.)
    """
    for piece in reversed(pieces):
        for char in reversed(piece):
            if not (char.isspace() or char.isdecimal() or char in _MARKER_CHARS):
                return char in TERMINAL
    return False


def _join(left: str, right: str) -> str:
    """Join two wrapped pieces: no space between CJK characters, one space otherwise."""
    left, right = left.rstrip(), right.lstrip()
    if not left or not right:
        return left + right
    if _is_cjk(left[-1]) and _is_cjk(right[0]):
        return left + right
    return f"{left} {right}"


def _join_all(pieces: Iterable[str]) -> str:
    """Join pieces as ``_join`` does two, in linear time (no ever-growing string)."""
    parts: list[str] = []
    for piece in pieces:
        while parts and not parts[-1].rstrip():
            parts.pop()
        if parts:
            parts[-1] = parts[-1].rstrip()
        right = piece.lstrip()
        if not parts or not right or (_is_cjk(parts[-1][-1]) and _is_cjk(right[0])):
            parts.append(right)
        else:
            parts.extend((" ", right))
    return re.sub(r"[ \t\u00a0\u3000]+", " ", "".join(parts)).strip()


def _is_cjk(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F") and char not in SUPERSCRIPTS


# --------------------------------------------------------------------------------------------
# Verbs


@cache
def verb_table(lang: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(adverbs, verbs) for a language from untext_verbs.toml, longest first."""
    with VERBS_FILE.open("rb") as handle:
        data = tomllib.load(handle).get(lang, {})
    verbs = [*data.get("verbs", []), *data.get("first_person", [])]
    return _longest_first(data.get("adverbs", [])), _longest_first(verbs)


@cache
def future_auxiliaries(lang: str) -> tuple[str, ...]:
    """The words of a first-person commitment ("We will …", "We shall …") in ``lang``, from
    untext_verbs.toml (``future``)."""
    with VERBS_FILE.open("rb") as handle:
        data = tomllib.load(handle).get(lang, {})
    return _longest_first(data.get("future", []))


# First-person plural pronouns that may open a declaration's paragraph (Chinese and Arabic
# verbs carry the person; "我们" is written too).
PRONOUNS: dict[str, tuple[str, ...]] = {
    "en": ("we",),
    "fr": ("nous",),
    "es": ("nosotros",),
    "ru": ("мы",),
    "ar": ("نحن",),
    "zh": ("我们",),
}


def _longest_first(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=len, reverse=True))


def leading_verb(text: str, lang: str) -> str | None:
    """The action verb opening an operative paragraph, as printed ("又请", "Also requests")."""
    adverbs, verbs = verb_table(lang)
    folded = text.lstrip().casefold()
    pronoun = next(
        (p for p in PRONOUNS.get(lang, ()) if re.match(rf"{re.escape(p)}\s+\w", folded)), None
    )
    if pronoun is not None:
        # A declaration's "We recall …", "Nous réaffirmons …": the verb after the pronoun; a
        # commitment "We will seek …" is the auxiliary and the verb it carries, whatever it is.
        skip = len(text.lstrip()) - len(text.lstrip()[len(pronoun) :].lstrip())
        after = text.lstrip()[skip:]
        for auxiliary in future_auxiliaries(lang):
            promise = re.match(rf"{re.escape(auxiliary)}\s+\w+", after, re.IGNORECASE)
            if promise:
                return text.lstrip()[: skip + promise.end()]
        verb = leading_verb(after, lang)
        return text.lstrip()[: skip + len(verb)] if verb else None
    # Arabic verbs are matched without their vowel marks ("تحذّر" is "تحذر" with a shadda):
    # the positions map the matched length back to the text as printed.
    printed = text.lstrip()
    positions = list(range(len(printed) + 1))
    if lang == "ar":
        positions = [i for i, char in enumerate(printed) if char not in ARABIC_MARKS]
        positions.append(len(printed))
        folded = "".join(printed[i] for i in positions[:-1]).casefold()
    for adverb in ("", *adverbs):
        if not folded.startswith(adverb.casefold()):
            continue
        rest = folded[len(adverb) :]
        gap = len(rest) - len(rest.lstrip())
        if adverb and lang != "zh" and lang != "ar" and gap == 0:
            continue
        rest = rest.lstrip()
        for verb in verbs:
            if rest.startswith(verb.casefold()) and _ends_word(rest, len(verb), lang):
                length = len(adverb) + gap + len(verb)
                return printed[: positions[length]].rstrip()
    return None


def _ends_word(text: str, at: int, lang: str) -> bool:
    return lang == "zh" or at >= len(text) or not text[at].isalpha()


def _with_verb(paragraph: Paragraph, lang: str) -> Paragraph:
    if paragraph.number is None:
        return paragraph
    return replace(paragraph, verb=leading_verb(paragraph.text, lang))


# --------------------------------------------------------------------------------------------
# Citations


def find_citations(text: str, lang: str, *, organ: Organ | None = None) -> tuple[Citation, ...]:
    """Every citation in a paragraph or footnote text, ordered by position (each occurrence:
    the Akoma Ntoso export marks each up; ``UnDocument.citations`` lists a target once).

    ``organ`` is the body whose document this is (the General Assembly when not given): a
    resolution number whose context names no body is that body's ("Recalling its
    resolution 73/222", "resolution 8/1" in a report of the Conference of the States
    Parties). Dates are found too (the Akoma Ntoso export marks them up) but are not
    citations of another document: ``UnDocument.citations`` leaves them out."""
    symbols = list(_symbol_citations(text))
    taken = [(c.start, c.end) for c in symbols]
    found = [
        *symbols,
        *_number_citations(text, lang, taken, organ),
        *_treaty_citations(text),
        *(Citation("date", t, iso, s, e) for s, e, iso, t in _date_spans(text)),
    ]
    return tuple(sorted(found, key=lambda c: (c.start, c.end, c.target)))


def _symbol_citations(text: str) -> Iterable[Citation]:
    for match in SYMBOL.finditer(text):
        symbol = _symbol_form(match[0])
        kind: CitationKind = "resolution" if "/RES/" in symbol else "document_symbol"
        if "/DEC/" in symbol:
            kind = "decision"
        yield Citation(kind, match[0], symbol, match.start(), match.end())


def _number_citations(
    text: str, lang: str, taken: list[tuple[int, int]], organ: Organ | None = None
) -> Iterable[Citation]:
    candidates = [*NUMBER_RE.finditer(text), *LEGACY_NUMBER_RE.finditer(text)]
    previous: tuple[int, CitationKind] | None = None  # the last number cited: end, kind
    for match in sorted(candidates, key=lambda m: m.start()):
        if any(start < match.end() and match.start() < end for start, end in taken):
            continue
        kind = _zh_number_kind(text, match) if lang == "zh" else _number_kind(text, match)
        if kind is None and previous is not None and lang != "zh":
            # A long list ("resolutions 2453 A (XXIII) of 20 December 1968, 37/90 of …, …
            # and 72/79 of …") runs past the window: a number linked to the last one cited
            # by dates and "and" alone is of its kind.
            kind = _listed_after(text[previous[0] : match.start()], previous[1])
        if kind is None:
            continue
        previous = (match.end(), kind)
        taken.append((match.start(), match.end()))
        number = _normalise_number(match)
        target = _number_target(text, match, number, kind, organ)
        yield Citation(kind, match[0], target, match.start(), match.end())


def _zh_number_kind(text: str, match: re.Match[str]) -> CitationKind | None:
    """第 69/193 和 69/196 号决议: a number is a citation when a chain of numbers ends in 号;
    the first 号决议 / 号决定 that follows in the clause tells which."""
    chain = ZH_NUMBER_CHAIN.match(text, match.end())
    if chain is None:
        return None
    if match.re is LEGACY_NUMBER_RE and not re.search(r"第\s*$", text[: match.start()]):
        return None
    clause_end = CLAUSE_END.search(text, match.end())
    stop = clause_end.start() if clause_end else len(text)
    kind = ZH_KIND_AFTER.search(text, chain.end() - 1, stop)
    return "decision" if kind and kind[1] == "决定" else "resolution"


def _number_kind(text: str, match: re.Match[str]) -> CitationKind | None:
    """Other languages: the nearest "resolution(s)" / "decision(s)" before the number, within
    the run of numbers, dates and connecting words that follows it."""
    window = text[max(0, match.start() - 120) : match.start()]
    keywords = list(KEYWORDS_BEFORE.finditer(window))
    if not keywords:
        return None
    last = keywords[-1]
    between = window[last.end() :]
    # The body named after the word ("قرار الجمعية العامة 70/1", "résolution de l'Assemblée
    # générale 70/1", "резолюция Генеральной Ассамблеи 70/1") belongs to the citation.
    for organ in ORGANS:
        between = organ.pattern.sub(" ", between)
    between = UNITED_NATIONS.sub(" ", between)
    if CLAUSE_END.search(between) or re.search(r"[^\W\d_]{4,}", _strip_links(between)):
        return None
    return "decision" if last["dec"] else "resolution"


def _listed_after(between: str, kind: CitationKind) -> CitationKind | None:
    if CLAUSE_END.search(between) or re.search(r"[^\W\d_]{4,}", _strip_links(between)):
        return None
    return kind


def _strip_links(between: str) -> str:
    """Remove what may sit between "resolutions" and a later number in a list: other numbers
    (older forms "2453 A (XXIII)" too), dates, "of", "and", "du", "de", "y", "и", "و"."""
    return re.sub(
        rf"{LEGACY_NUMBER_RE.pattern}|{NUMBER}|\d+|{_MONTH_ALTERNATION}|"
        r"\b(?:of|and|du|des|de|et|y|del|от|и|في|و|the)\b",
        " ",
        between,
        flags=re.IGNORECASE,
    )


def _normalise_number(match: re.Match[str]) -> str:
    if match.re is LEGACY_NUMBER_RE:
        letter = f" {match['letter']}" if match["letter"] else ""
        return f"{match['n']}{letter} ({match['tail']})"
    return re.sub(r"\s+", " ", match[0]).replace("/ ", "/")


def _number_target(
    text: str, match: re.Match[str], number: str, kind: CitationKind, organ: Organ | None
) -> str:
    """The target of a resolution or decision number, by the body that adopted it (decision
    0035): A/RES/76/181 (General Assembly), E/RES/2017/19 (ECOSOC), S/RES/1373 (2001)
    (Security Council), E/CN.15/RES/26/3 (the Crime Commission), CAC/COSP/RES/8/1 (the
    Conference of the States Parties to UNCAC), CTOC/COP/RES/10/1, A/HRC/RES/25/2; decisions
    likewise with /DEC/, the principal organs' decisions by their bare number ("74/550 B").
    A body that cannot be told ("the Commission") leaves the bare number."""
    if match.re is LEGACY_NUMBER_RE and match["tail"].isdigit():
        return f"S/RES/{number}" if kind == "resolution" else number
    body = _organ_before(text, match.start(), organ)
    if re.match(r"\d{4}/", number) and (body is None or body.principal):
        return f"E/RES/{number}" if kind == "resolution" else number
    body = body or organ or GENERAL_ASSEMBLY
    if body.prefix is None:
        return number
    if kind == "decision":
        return number if body.principal else f"{body.prefix}/DEC/{number}"
    return f"{body.prefix}/RES/{number}"


_CLAUSE_MARKS = "，,。；;"
_SENTENCE_END = re.compile(r"[。；;]|\.\s")


def _organ_before(text: str, position: int, default: Organ | None = None) -> Organ | None:
    """The body a resolution number at ``position`` belongs to: the one named nearest before
    it within its clause; else, when the clause refers back with a possessive ("…, in its
    resolution 8/1"), the one named before in the sentence; else None (the document's own
    body). A body named only vaguely ("the Commission") is the document's own when that is a
    subsidiary body, else unknown (Organ "other")."""
    start = max(0, position - 400)
    clause_at = max(text.rfind(d, start, position) for d in _CLAUSE_MARKS)
    clause_start = max(start, clause_at + 1)
    named = _nearest_organ(text[clause_start:position])
    if named is None and clause_at >= start:
        clause = text[clause_start:position]
        ends = list(_SENTENCE_END.finditer(text, start, clause_at))
        sentence = text[ends[-1].end() if ends else start : clause_at]
        if POSSESSIVE.search(clause) and not NUMBER_RE.search(sentence[-60:]):
            named = _nearest_organ(sentence)
    if named is not None and named.prefix is None and default is not None:
        return named if default.principal else default
    return named


def _nearest_organ(window: str) -> Organ | None:
    best: tuple[int, int, Organ] | None = None
    for organ in ORGANS:
        for found in organ.pattern.finditer(window):
            if window[: found.start()].endswith(("该", "this ")):  # "that Commission"
                continue
            key = (found.end(), found.end() - found.start(), organ)
            if best is None or key[:2] > best[:2]:
                best = key
    return best[2] if best else None


def organ_of_symbol(symbol: str | None) -> Organ | None:
    """The body whose series a document symbol belongs to ("CAC/COSP/2019/17": the
    Conference of the States Parties to UNCAC; "A/76/122": the General Assembly)."""
    if not symbol:
        return None
    for organ in ORGANS:
        if organ.prefix and not organ.principal and symbol.startswith(f"{organ.prefix}/"):
            return organ
    prefix = symbol.split("/", 1)[0]
    return next((o for o in ORGANS if o.principal and o.prefix == prefix), None)


def _organ_in(text: str) -> str | None:
    for organ in ORGANS:
        if organ.principal and organ.pattern.search(text):
            return organ.name
    return None


def _organ_for_symbol(symbol: str | None) -> str | None:
    if not symbol:
        return None
    organ = organ_of_symbol(symbol)
    return organ.name if organ and organ.principal else None


def _symbol_from_number(number: str | None, body: str | None) -> str | None:
    if number is None:
        return None
    organ = next((o for o in ORGANS if o.name == body and o.principal), None)
    if organ is None:
        return None
    return f"{organ.prefix}/RES/{number.replace(' ', '')}"


def _treaty_citations(text: str) -> Iterable[Citation]:
    """第 2225、2237 卷，第 39574 号 / Treaty Series, vol. 2225, No. 39574: one per volume."""
    for pattern in (ZH_TREATY, TREATY):
        for match in pattern.finditer(text):
            for volume in re.findall(r"\d+", match["vols"]):
                target = f"UNTS {volume}/{match['no']}"
                yield Citation("treaty", match[0], target, match.start(), match.end())


def _find_dates(text: str) -> Iterable[tuple[int, int, str]]:
    for start, end, iso, _ in _date_spans(text):
        yield start, end, iso


def _date_spans(text: str) -> Iterable[tuple[int, int, str, str]]:
    spans: list[tuple[int, int, str, str]] = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            iso = _iso_date(match)
            if iso and not any(s < match.end() and match.start() < e for s, e, _, _ in spans):
                spans.append((match.start(), match.end(), iso, match[0]))
    return sorted(spans)


def _iso_date(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    month = int(groups["m"]) if groups.get("m") else _month_number(groups["month"])
    try:
        return datetime.date(int(groups["y"]), month, int(groups["d"])).isoformat()
    except ValueError:
        return None


def _month_number(name: str) -> int:
    folded = {key.casefold(): value for key, value in MONTHS.items()}
    return folded[name.casefold()]


# --------------------------------------------------------------------------------------------
# Footnotes back to their paragraphs


def _attach_footnotes(
    document: UnDocument, notes: Sequence[Footnote], lang: str, organ: Organ | None = None
) -> UnDocument:
    """Give each footnote (with its citations) to the first paragraph, from the one that took
    the previous note on, whose text carries its marker and holds no note of that marker yet
    (notes numbered anew in each text of a report: resolution 332's "¹" is not the "¹" of
    resolution 331's last paragraph)."""
    notes = [replace(n, citations=find_citations(n.text, lang, organ=organ)) for n in notes]
    paragraphs = list(document.paragraphs())
    attached: dict[int, list[Footnote]] = {}
    unattached: list[Footnote] = []
    cursor = 0
    for note in notes:
        at = _paragraph_citing(paragraphs, note.marker, cursor, attached)
        if at is None:
            unattached.append(note)
            continue
        attached.setdefault(at, []).append(note)
        cursor = at
    _attach_repeats(paragraphs, attached)
    ids = {id(p): i for i, p in enumerate(paragraphs)}

    def give(group: Sequence[Paragraph]) -> tuple[Paragraph, ...]:
        return tuple(replace(p, footnotes=tuple(attached.get(ids[id(p)], ()))) for p in group)

    return replace(
        document,
        front=give(document.front),
        preamble=give(document.preamble),
        operative=give(document.operative),
        annexes=tuple(replace(a, paragraphs=give(a.paragraphs)) for a in document.annexes),
        parts=tuple(
            replace(p, front=give(p.front), preamble=give(p.preamble), operative=give(p.operative))
            for p in document.parts
        ),
        unattached_footnotes=tuple(unattached),
    )


def _attach_repeats(paragraphs: Sequence[Paragraph], attached: dict[int, list[Footnote]]) -> None:
    """A raised mark printed again ("… for 2014,¹" and "1. Takes note … Agency;¹", one note
    "¹ See A/70/219.") gives its note to the later paragraphs too, up to the paragraph of the
    next note with that mark (notes numbered anew in each text). Plain digits and asterisks
    are not repeated: in a paragraph's text they may be anything."""
    firsts = sorted(
        ((at, note) for at, notes in attached.items() for note in notes), key=lambda t: t[0]
    )
    for n, (at, note) in enumerate(firsts):
        if note.marker[0] not in SUPERSCRIPTS:
            continue
        end = next((b for b, other in firsts[n + 1 :] if other.marker == note.marker), None)
        pattern = _marker_pattern(note.marker)
        for index in range(at + 1, len(paragraphs) if end is None else end):
            if pattern.search(paragraphs[index].text):
                attached.setdefault(index, []).append(note)


def _paragraph_citing(
    paragraphs: Sequence[Paragraph],
    marker: str,
    start: int,
    attached: dict[int, list[Footnote]],
) -> int | None:
    """The first paragraph from ``start`` citing ``marker`` that holds no such note yet. A
    raised mark's search stops at a paragraph printing a higher mark of the same sequence
    (a "⁵" before any "⁴"): the mark was lost, and the note is left unattached rather than
    given to another text's "⁴" with every later note after it."""
    pattern = _marker_pattern(marker)
    wanted = _raised_value(marker) or 0
    for index in range(start, len(paragraphs)):
        text = paragraphs[index].text
        if pattern.search(text):
            if all(note.marker != marker for note in attached.get(index, ())):
                return index
            continue
        if wanted > 1 and any(
            (_raised_value(mark) or 0) > wanted for mark in RAISED_MARK.findall(text)
        ):
            return None
    return None


RAISED_MARK = re.compile(f"[{SUPERSCRIPTS}]+")


def _raised_value(marker: str) -> int | None:
    """A raised mark's number ("¹²" → 12); None for any other marker."""
    if not marker or marker.strip(SUPERSCRIPTS):
        return None
    return int("".join(SUPERSCRIPT_VALUE[char] for char in marker))


@cache
def _marker_pattern(marker: str) -> re.Pattern[str]:
    if marker[0] in SUPERSCRIPTS:
        return re.compile(rf"(?<![{SUPERSCRIPTS}]){re.escape(marker)}(?![{SUPERSCRIPTS}])")
    if marker.startswith("*"):
        return re.compile(rf"(?<=\S){re.escape(marker)}(?!\*)")
    # A plain number set after the words it annotates: "政策文件。1", "the report;1 ".
    return re.compile(rf"(?<=[^\s\d/\-]){marker}(?=\s|$)")


def _most_common(values: Sequence[str]) -> str | None:
    return Counter(values).most_common(1)[0][0] if values else None
