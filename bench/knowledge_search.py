"""Benchmark of the knowledge-base search (issue 6, decision 0015). Prints Markdown tables.

Usage: .venv/bin/python bench/knowledge_search.py [--size 200000 | --sizes 200000,2000000]
       [--repeat 3] [--check] [--skip-like] [--only-grouping] [--workdir DIR]

1. Generates a multilingual corpus (deterministic, seeded): Chinese documents recombined from
   the clauses of the seed UN documents (rogatory/knowledge/tests/seeds/*.txt, or --seeds
   DIR), Arabic (a third of them vocalised), English, French, Russian and Spanish documents
   from the legal word lists below, every document with its own symbol and citing others.
   Every document also gets facet values from a second seeded generator (so the texts are
   those of the 2026-11-23 run): a kind (UN documents, legislation, case law, treaties), a
   state for legislation, case law and some UN documents and treaties (60 ISO codes, skewed,
   mostly states of the document's language), a year (1990-2026, more recent ones more
   often; a date in it, for browsing newest first), ICCS sections and the instruments
   (treaty codes) they relate to.
   The corpus is streamed: generated while it is indexed, and generated again for the LIKE
   table, never held in memory (2,000,000 documents are 3.6 GB of text).
2. Builds the tantivy index through ``TantivyBackend.rebuild`` and a SQLite table for the
   ``LIKE '%...%'`` baseline. Free disk space is checked first: the LIKE table is skipped
   (with a message) when there is not room for both; --skip-like skips it anyway.
3. Runs the fixed query set (Chinese 1-6 character terms and 8-14 character phrases, Arabic with
   and without diacritics, English, French, Russian, Spanish, document symbols):
   * "interface": ``TantivyBackend.search(q)``, what the application calls: query analysis,
     search, count, stored text and highlighted snippets of the top 10;
   * "interface + facets": the same with ``facets=True`` (value counts of the six facets,
     tantivy terms aggregations), what the search page asks for;
   * "interface, filtered": FILTERED, queries with one or two facet filters
     (e.g. kind=legislation and state=CN) and three empty boxes with filters (browsing), also
     with facets (one more aggregation per active filter);
   * "raw engine": the same tantivy queries (with their filters) built beforehand,
     ``searcher.search`` (top 10 and count; newest first when browsing) and the stored
     document of each hit, with no Python analysis, snippets or facets; "raw + facets" adds
     one ``searcher.aggregate`` of the six facets and, like the interface, takes the total from
     it rather than counting in the ranking pass;
   * "LIKE scan": SQLite ``WHERE folded LIKE '%chunk%' AND … LIMIT 10`` (one pass).
   Latency per query is the median of --repeat warm passes; the table gives p50/p95 over the
   queries. --check also compares, for Chinese queries, tantivy's count with a LIKE count, and
   checks that the kind and language facet counts add up to the total.

Two million documents: ``--sizes 2000000 --skip-like --repeat 1`` (about 4.5 GB of index,
twice that free while segments merge; the process peaked at 0.9 GB resident on 2026-12-02).
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rogatory.knowledge.search import IndexDoc, TantivyBackend, parse_query, prefold  # noqa: E402
from rogatory.knowledge.search.engine import FACETS  # noqa: E402

SEEDS = ROOT / "rogatory" / "knowledge" / "tests" / "seeds"

WORDS = {
    "en": (
        "mutual legal assistance extradition request requested requesting state party parties "
        "offence offences conviction convictions convicted sentence sentences court courts "
        "judgment judgments prosecution prosecutor evidence witness witnesses confiscation "
        "proceeds crime crimes corruption bribery laundering money trafficking persons smuggling "
        "migrants firearms organized criminal group convention article paragraph provision "
        "provisions law laws legislation authority authorities central competent cooperation "
        "international national domestic measures investigation investigations seizure freezing "
        "asset assets recovery transfer sentenced jurisdiction treaty treaties protocol "
        "implementation review mechanism secretariat report resolution resolutions decision "
        "member states general assembly economic social council commission prevention justice "
        "the of and to in for on with by that shall may as a an be is are this such"
    ),
    "fr": (
        "entraide judiciaire extradition demande requérant requis état partie infraction "
        "infractions condamnation condamnations peine tribunal jugement poursuites procureur "
        "preuve témoin témoins confiscation produit crime criminalité corruption blanchiment "
        "argent traite personnes trafic illicite migrants armes organisée groupe convention "
        "article paragraphe disposition législation autorité centrale compétente coopération "
        "internationale nationale mesures enquête saisie gel avoirs recouvrement transfèrement "
        "compétence traité protocole mise œuvre examen mécanisme secrétariat rapport résolution "
        "décision états membres assemblée générale conseil économique social commission "
        "prévention pénale le la les de des du et à en pour sur avec par que qui est sont une un"
    ),
    "es": (
        "asistencia judicial recíproca extradición solicitud requirente requerido estado parte "
        "delito delitos condena condenas pena tribunal sentencia enjuiciamiento fiscal prueba "
        "testigo testigos decomiso producto corrupción soborno blanqueo dinero trata personas "
        "tráfico ilícito migrantes armas fuego delincuencia organizada grupo convención artículo "
        "párrafo disposición legislación autoridad central competente cooperación internacional "
        "nacional medidas investigación incautación embargo preventivo activos recuperación "
        "traslado jurisdicción tratado protocolo aplicación examen mecanismo secretaría informe "
        "resolución decisión estados miembros asamblea general consejo económico social comisión "
        "prevención justicia penal el la los las de del y a en para con por que es son un una"
    ),
    "ru": (
        "взаимная правовая помощь выдача просьба запрашивающее запрашиваемое государство "
        "участник преступление преступления осуждение приговор наказание суд решение уголовное "
        "преследование прокурор доказательства свидетель свидетели конфискация доходы "
        "коррупция подкуп отмывание денег торговля людьми незаконный ввоз мигрантов оружие "
        "организованная преступная группа конвенция статья пункт положение законодательство "
        "центральный компетентный орган сотрудничество международное национальное меры "
        "расследование арест замораживание активов возвращение передача юрисдикция договор "
        "протокол осуществление обзор механизм секретариат доклад резолюция государства члены "
        "генеральная ассамблея экономический социальный совет комиссия предупреждение "
        "правосудие её ещё и в на с по для что это как из от к о"
    ),
    "ar": (
        "المساعدة القانونية المتبادلة تسليم المجرمين طلب الدولة الطالبة متلقية الطرف جريمة "
        "الجرائم إدانة الإدانات حكم عقوبة المحكمة الملاحقة القضائية النيابة العامة الأدلة "
        "الشهود مصادرة عائدات الفساد الرشوة غسل الأموال الاتجار بالأشخاص تهريب المهاجرين "
        "الأسلحة النارية الجماعة الإجرامية المنظمة الاتفاقية المادة الفقرة الحكم التشريع "
        "السلطة المركزية المختصة التعاون الدولي الوطني التدابير التحقيق الحجز التجميد "
        "الموجودات الاسترداد نقل الولاية القضائية المعاهدة البروتوكول التنفيذ الاستعراض الآلية "
        "الأمانة تقرير القرار الدول الأعضاء الجمعية العامة المجلس الاقتصادي والاجتماعي اللجنة "
        "منع العدالة الجنائية في من على إلى عن مع أن التي الذي هذه"
    ),
}
# Vocalised spellings, used in a third of the Arabic documents and in some queries.
VOCALISED = {
    "المساعدة": "المُسَاعَدَة",
    "القانونية": "القَانُونِيَّة",
    "المتبادلة": "المُتَبَادَلَة",
    "تسليم": "تَسْلِيم",
    "المجرمين": "المُجْرِمِين",
    "الفساد": "الفَسَاد",
    "غسل": "غَسْل",
    "الأموال": "الأَمْوَال",
    "جريمة": "جَرِيمَة",
    "التعاون": "التَّعَاوُن",
    "الدولي": "الدَّوْلِيّ",
    "مصادرة": "مُصَادَرَة",
}
SYMBOL_PATTERNS = (
    "A/{s}/{n}",
    "A/RES/{s}/{n}",
    "E/CN.15/{y}/{n}",
    "CTOC/COP/{y}/{n}",
    "A/CONF.234/{n}",
    "E/RES/{y}/{n}",
)
LANG_MIX = (("zh", 40), ("en", 15), ("fr", 10), ("es", 10), ("ru", 10), ("ar", 15))

# Facet values. Kinds in the proportions of a knowledge base fed mostly by UN documents and
# national legislation; the share of documents tied to one state, by kind.
KIND_MIX = (("un_document", 40), ("legislation", 32), ("case_law", 22), ("treaty", 6))
STATE_SHARE = {"un_document": 0.25, "legislation": 1.0, "case_law": 1.0, "treaty": 0.4}
# 60 states, roughly by how much material a knowledge base would hold on them (Zipf weights).
_STATE_CODES = (
    "CN US FR GB RU DE ES IT MX BR CO AR IN EG MA NG KE ZA CA AU JP KR ID PH TH VN MY SG PK "
    "SA AE QA JO LB DZ TN IQ TR IR KZ UZ BY UA AM AZ KG CL PE VE EC UY BE CH NL SE PL SN CI CM GH"
)
STATES = _STATE_CODES.split()
STATE_WEIGHTS = [1 / (rank + 1) ** 0.8 for rank in range(len(STATES))]
# The states whose legislation and case law are written in each language.
LANG_STATES = {
    "zh": ("CN",),
    "en": ("US", "GB", "IN", "NG", "KE", "ZA", "CA", "AU", "PK", "PH", "SG", "MY"),
    "fr": ("FR", "BE", "CH", "SN", "CI", "CM", "MA", "DZ", "TN", "CA"),
    "es": ("ES", "MX", "CO", "AR", "CL", "PE", "VE", "EC", "UY"),
    "ru": ("RU", "KZ", "BY", "UZ", "KG", "AM", "AZ", "UA"),
    "ar": ("EG", "MA", "SA", "AE", "QA", "JO", "LB", "DZ", "TN", "IQ"),
}
YEARS = [str(year) for year in range(1990, 2027)]
YEAR_WEIGHTS = [1 + (year - 1990) / 4 for year in range(1990, 2027)]
ICCS_SECTIONS = [f"{n:02d}" for n in range(1, 12)]
ICCS_WEIGHTS = [4, 6, 5, 3, 6, 12, 22, 8, 14, 3, 4]  # drugs (06), corruption (07), 09 lead
# The instruments an ICCS section most often brings in (codes of treaties.Instrument).
ICCS_INSTRUMENTS = {
    "02": ("untoc-tip",),
    "03": ("untoc-tip",),
    "06": ("drugs-1988", "untoc"),
    "07": ("uncac", "untoc"),
    "08": ("untoc-som", "untoc"),
    "09": ("untoc-fire", "untoc"),
}
INSTRUMENTS = ("untoc", "untoc-tip", "untoc-som", "untoc-fire", "uncac", "drugs-1988")

QUERIES: list[tuple[str, str]] = [
    # Chinese, 1 character
    *[("zh-1", q) for q in ("法", "罪", "腐", "援", "毒", "引")],
    # Chinese, 2 characters
    *[
        ("zh-2", q)
        for q in ("司法", "引渡", "腐败", "洗钱", "刑事", "合作", "京都", "会员", "毒品")
    ],
    # Chinese, 3-4 characters
    *[("zh-3-4", q) for q in ("联合国", "京都宣言", "司法协助", "预防犯罪", "秘书长", "恐怖主义")],
    # Chinese, 5-6 characters
    *[
        ("zh-5-6", q)
        for q in ("刑事司法大会", "预防犯罪和刑", "有组织犯罪", "经济及社会", "会员国政府")
    ],
    # Arabic
    *[
        ("ar", q)
        for q in (
            "المساعدة",
            "المُسَاعَدَة",
            "غسل الأموال",
            "غَسْل الأَمْوَال",
            '"المساعدة القانونية المتبادلة"',
            "الفساد",
        )
    ],
    # English (stemmed), French, Spanish (accents folded), Russian
    *[
        ("en", q)
        for q in ("extradition", "convictions", '"mutual legal assistance"', "laundering", "court")
    ],
    *[("fr", q) for q in ("coopération", "cooperation", '"entraide judiciaire"', "blanchiment")],
    *[("es", q) for q in ("extradición", "extradicion", '"asistencia judicial"', "decomiso")],
    *[("ru", q) for q in ("выдача", "коррупция", '"правовая помощь"', "её")],
    # Document symbols
    *[("symbol", q) for q in ("A/76/122", "E/CN.15/2024/12", "CTOC/COP/2020/10", "A/CONF.234/16")],
]


# Queries with facet filters, as a user narrowing a search would send them; an empty box
# with filters browses the documents the filters select.
FILTERED: list[tuple[str, str, dict[str, str]]] = [
    ("zh", "司法协助", {"kind": "legislation", "state": "CN"}),
    ("zh", "洗钱", {"kind": "legislation", "state": "CN"}),
    ("zh", "法", {"kind": "case_law"}),
    ("zh", "腐败", {"iccs": "07"}),
    ("zh", "刑事司法大会", {"year": "2021"}),
    ("ar", "غسل الأموال", {"kind": "legislation", "state": "EG"}),
    ("ar", "الفساد", {"instrument": "uncac"}),
    ("en", "extradition", {"kind": "case_law", "state": "GB"}),
    ("en", "laundering", {"instrument": "untoc"}),
    ("fr", "blanchiment", {"kind": "legislation", "state": "FR"}),
    ("es", "decomiso", {"language": "es", "iccs": "06"}),
    ("ru", "коррупция", {"kind": "legislation", "state": "RU"}),
    ("symbol", "A/76/122", {"kind": "un_document"}),
    ("browse", "", {"kind": "legislation", "state": "CN"}),
    ("browse", "", {"instrument": "drugs-1988", "year": "2021"}),
    ("browse", "", {"kind": "treaty"}),
]


def seed_clauses(seeds: Path) -> list[str]:
    clauses: list[str] = []
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for clause in re.split(r"[，。；：\n]+", text):
            clause = clause.strip()
            if len(clause) >= 4 and not clause.startswith("http"):
                clauses.append(clause)
    return clauses


def symbol(rng: random.Random) -> str:
    pattern = rng.choice(SYMBOL_PATTERNS)
    return pattern.format(s=rng.randint(60, 79), y=rng.randint(2010, 2025), n=rng.randint(1, 400))


def facet_values(rng: random.Random, lang: str) -> dict[str, object]:
    kind = rng.choices([k for k, _ in KIND_MIX], weights=[w for _, w in KIND_MIX])[0]
    state = ""
    if rng.random() < STATE_SHARE[kind]:
        # Legislation and case law are mostly in the language of their state.
        if kind in ("legislation", "case_law") and rng.random() < 0.85:
            state = rng.choice(LANG_STATES[lang])
        else:
            state = rng.choices(STATES, weights=STATE_WEIGHTS)[0]
    iccs: set[str] = set()
    for _ in range(rng.choices((0, 1, 2, 3), weights=(15, 50, 25, 10))[0]):
        iccs.add(rng.choices(ICCS_SECTIONS, weights=ICCS_WEIGHTS)[0])
    instruments: set[str] = set()
    for section in sorted(iccs):  # not set order: it changes with PYTHONHASHSEED
        if section in ICCS_INSTRUMENTS and rng.random() < 0.6:
            instruments.add(rng.choice(ICCS_INSTRUMENTS[section]))
    if kind == "treaty" and not instruments:
        instruments.add(rng.choice(INSTRUMENTS))
    elif rng.random() < 0.15:
        instruments.add("untoc")
    year = rng.choices(YEARS, weights=YEAR_WEIGHTS)[0]
    return {
        "kind": kind,
        "state": state,
        "year": year,
        "day": int(year) * 10_000 + rng.randint(1, 12) * 100 + rng.randint(1, 28),
        "iccs": tuple(sorted(iccs)),
        "instruments": tuple(sorted(instruments)),
    }


def corpus(size: int, seeds: Path) -> Iterator[IndexDoc]:
    """The documents one by one (a generator: nothing is kept)."""
    rng = random.Random(20261123)  # noqa: S311 (a reproducible corpus, not a secret)
    # Facets from their own generator: the texts stay those of the 2026-11-23 run.
    facet_rng = random.Random(20261202)  # noqa: S311
    clauses = seed_clauses(seeds)
    vocab = {lang: words.split() for lang, words in WORDS.items()}
    # Zipf-like weights: frequent words first in the list are not favoured on purpose;
    # the function words at the end of each list are. Cumulated once (same draws as weights=).
    cum_weights = {
        lang: list(itertools.accumulate(1 + (i / len(words)) ** 4 * 30 for i in range(len(words))))
        for lang, words in vocab.items()
    }
    langs = [lang for lang, weight in LANG_MIX for _ in range(weight)]
    for doc_id in range(1, size + 1):
        lang = rng.choice(langs)
        cited = [symbol(rng) for _ in range(rng.randint(0, 3))]
        if lang == "zh":
            parts = rng.choices(clauses, k=rng.randint(6, 40))
            for cite in cited:
                parts.insert(rng.randrange(len(parts) + 1), f"见 {cite}")
            text = "，".join(parts) + "。"
        else:
            words = vocab[lang]
            chosen = rng.choices(words, cum_weights=cum_weights[lang], k=rng.randint(60, 450))
            if lang == "ar" and doc_id % 3 == 0:
                chosen = [VOCALISED.get(word, word) for word in chosen]
            for cite in cited:
                chosen.insert(rng.randrange(len(chosen) + 1), cite)
            sentences = [
                " ".join(chosen[i : i + 14]).capitalize() for i in range(0, len(chosen), 14)
            ]
            text = ". ".join(sentences) + "."
        yield IndexDoc(
            id=doc_id,
            text=text,
            symbol=symbol(rng),
            language=lang,
            # Three consecutive documents are language versions of one work (search by work).
            work=f"W{(doc_id + 2) // GROUP}",
            **facet_values(facet_rng, lang),  # type: ignore[arg-type]
        )


class Stream:
    """Wraps the corpus generator: counts the text and the time spent generating it."""

    def __init__(self, docs: Iterable[IndexDoc]) -> None:
        self._docs = iter(docs)
        self.generate_s = 0.0
        self.text_bytes = 0
        self.count = 0

    def __iter__(self) -> Iterator[IndexDoc]:
        while True:
            start = time.perf_counter()
            doc = next(self._docs, None)
            self.generate_s += time.perf_counter() - start
            if doc is None:
                return
            self.text_bytes += len(doc.text.encode())
            self.count += 1
            if self.count % 200_000 == 0:
                print(f"  {self.count:,} documents", file=sys.stderr)
            yield doc


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def timed(func: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def like_clauses(query: str) -> list[str]:
    parts = [quoted or word for quoted, word in re.findall(r'"([^"]*)"|(\S+)', query)]
    return [prefold(part).lower() for part in parts if part.strip()]


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def machine() -> str:
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in subprocess.run(
                ["lscpu"],  # noqa: S607 (lscpu from PATH, as a person would run it)
                capture_output=True,
                text=True,
                check=False,
            ).stdout.splitlines()
            if line.startswith("Model name")
        )
    except StopIteration:
        model = platform.processor() or "unknown CPU"
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores, {model}, {mem_gb:.0f} GB RAM, Python {platform.python_version()}"
    )


# Disk needed per document, measured at 200,000 (2026-11-23): tantivy 2.2 KB, LIKE table 2.4 KB.
# Merging segments needs up to twice the index for a while.
INDEX_BYTES_PER_DOC = 2_300
LIKE_BYTES_PER_DOC = 2_500
DISK_MARGIN = 2 * 2**30


def check_disk(size: int, workdir: Path, like: bool) -> bool:
    """Stop when the index cannot fit; return whether the LIKE table fits too."""
    free = shutil.disk_usage(workdir).free
    index_need = 2 * size * INDEX_BYTES_PER_DOC + DISK_MARGIN
    like_need = size * LIKE_BYTES_PER_DOC
    print(
        f"disk: {free / 2**30:.0f} GiB free at {workdir}; index needs about "
        f"{index_need / 2**30:.1f} GiB, LIKE table {like_need / 2**30:.1f} GiB",
        file=sys.stderr,
    )
    if free < index_need:
        sys.exit(f"not enough disk for a {size:,}-document index at {workdir}")
    if like and free < index_need + like_need:
        print("not enough disk for the LIKE table as well: skipped", file=sys.stderr)
        return False
    return like


GROUP = 3  # documents per work in the generated corpus
GROUPED_PAGES = (1, 10)


def grouping(backend: TantivyBackend, repeat: int) -> None:
    """Search by work (decision 0035, "Later"), as the search page asks for page 1 and 10:
    "before" is the version search that views.search_documents ran until 2026-12-07 (the
    first page × 60 hits, at most 600, with facets: snippets of every hit, grouped in
    Python); "after" is ``search_works`` (a page of works, exact total, facets in works)."""
    cases = [(q, {}) for _, q in QUERIES] + [(q, f) for _, q, f in FILTERED]
    for q, f in cases:  # warm up
        backend.search_works(q, filters=f, facets=True)
    print(
        f"\nSearch by work ({GROUP} versions per work; {len(cases)} queries, "
        f"median of {repeat} warm passes)\n"
    )
    print("| Page | before p50 ms | before p95 ms | after p50 ms | after p95 ms |")
    print("|---|---|---|---|---|")
    for page in GROUPED_PAGES:
        before = [
            timed(
                lambda q=q, f=f, page=page: backend.search(
                    q, filters=f, limit=min(page * 60, 600), facets=True
                ),
                repeat,
            )
            for q, f in cases
        ]
        after = [
            timed(
                lambda q=q, f=f, page=page: backend.search_works(
                    q, filters=f, limit=10, offset=(page - 1) * 10, facets=True, language="en"
                ),
                repeat,
            )
            for q, f in cases
        ]
        print(
            f"| {page} | {percentile(before, 50):.2f} | {percentile(before, 95):.2f} | "
            f"{percentile(after, 50):.2f} | {percentile(after, 95):.2f} |"
        )
    sys.stdout.flush()


def run(size: int, args: argparse.Namespace, workdir: Path) -> None:
    print(f"corpus: {size:,} documents; work directory {workdir}", file=sys.stderr)
    workdir.mkdir(parents=True, exist_ok=True)
    with_like = check_disk(size, workdir, not args.skip_like)

    # The corpus is generated while tantivy indexes it: the generation time is measured
    # apart (Stream) and taken off the build time.
    stream = Stream(corpus(size, args.seeds))
    backend = TantivyBackend(workdir / "tantivy")
    start = time.perf_counter()
    backend.rebuild(stream)
    build_s = time.perf_counter() - start - stream.generate_s
    generate_s = stream.generate_s
    text_mb = stream.text_bytes / 2**20
    index_mb = du(workdir / "tantivy") / 2**20
    print(
        f"tantivy built in {build_s:.1f} s (+ {generate_s:.1f} s generating), {index_mb:.0f} MB",
        file=sys.stderr,
    )

    if args.only_grouping:
        grouping(backend, args.repeat)
        return
    searcher = backend.index.searcher()
    prebuilt = [backend.build_query(parse_query(q)) for _, q in QUERIES]
    prebuilt_filtered = [backend.build_query(parse_query(q), f) for _, q, f in FILTERED]

    def raw(query: object, browse: bool = False, count: bool = True) -> None:
        # As the interface: browsing by filters (an empty box) lists the newest first.
        order = {"order_by_field": "day"} if browse else {}
        result = searcher.search(query, limit=10, count=count, **order)
        for _score, address in result.hits:
            searcher.doc(address)

    facet_spec = {name: {"terms": {"field": name, "size": 200}} for name in FACETS}

    def raw_facets(query: object) -> None:
        # As the interface with facets: the total comes from the aggregation, not a count.
        raw(query, count=False)
        searcher.aggregate(query, facet_spec)

    def key(q: str, filters: Mapping[str, str]) -> str:
        return q + " | " + ", ".join(f"{n}={v}" for n, v in filters.items())

    for (_, q), query in zip(QUERIES, prebuilt, strict=True):  # warm up
        backend.search(q, facets=True)
        raw(query)
    for (_, q, f), query in zip(FILTERED, prebuilt_filtered, strict=True):
        backend.search(q, filters=f, facets=True)
        raw(query, browse=not q)
    ours: dict[str, float] = {}
    with_facets: dict[str, float] = {}
    engine: dict[str, float] = {}
    engine_facets: dict[str, float] = {}
    totals: dict[str, int] = {}
    facet_errors: list[str] = []
    print("timing the queries", file=sys.stderr)
    for (_, q), query in zip(QUERIES, prebuilt, strict=True):
        ours[q] = timed(lambda q=q: backend.search(q), args.repeat)
        with_facets[q] = timed(lambda q=q: backend.search(q, facets=True), args.repeat)
        engine[q] = timed(lambda query=query: raw(query), args.repeat)
        engine_facets[q] = timed(lambda query=query: raw_facets(query), args.repeat)
        page = backend.search(q, facets=True)
        totals[q] = page.total
        for name in ("kind", "language"):  # one value per document: the counts add up
            counted = sum(n for _, n in page.facets.get(name, []))
            if counted != page.total:
                facet_errors.append(f"{q}: {name} counts {counted}, total {page.total}")
    f_ours: dict[str, float] = {}
    f_facets: dict[str, float] = {}
    f_engine: dict[str, float] = {}
    f_totals: dict[str, int] = {}
    for (_, q, f), query in zip(FILTERED, prebuilt_filtered, strict=True):
        k = key(q, f)
        f_ours[k] = timed(lambda q=q, f=f: backend.search(q, filters=f), args.repeat)
        f_facets[k] = timed(lambda q=q, f=f: backend.search(q, filters=f, facets=True), args.repeat)
        f_engine[k] = timed(lambda query=query, q=q: raw(query, browse=not q), args.repeat)
        f_totals[k] = backend.search(q, filters=f).total

    like: dict[str, float] = {}
    like_build_s = like_mb = 0.0
    mismatches: list[str] = []
    if with_like:
        print("building the LIKE table", file=sys.stderr)
        db_path = workdir / "like.sqlite3"
        db = sqlite3.connect(db_path)
        db.execute("CREATE TABLE docs (id INTEGER PRIMARY KEY, folded TEXT)")
        like_stream = Stream(corpus(size, args.seeds))
        start = time.perf_counter()
        db.executemany(
            "INSERT INTO docs VALUES (?, ?)",
            ((doc.id, prefold(f"{doc.symbol}\n{doc.text}").lower()) for doc in like_stream),
        )
        db.commit()
        like_build_s = time.perf_counter() - start - like_stream.generate_s
        like_mb = db_path.stat().st_size / 2**20
        for _, q in QUERIES:
            chunks = like_clauses(q)
            where = " AND ".join("folded LIKE ?" for _ in chunks)  # placeholders only
            sql = f"SELECT id FROM docs WHERE {where}"  # noqa: S608
            params = [f"%{chunk}%" for chunk in chunks]
            like[q] = timed(
                lambda sql=sql, params=params: db.execute(sql + " LIMIT 10", params).fetchall(), 1
            )
            if args.check and q and "\u4e00" <= q[0] <= "\u9fff":
                count = db.execute(sql.replace("SELECT id", "SELECT count(*)"), params).fetchone()[
                    0
                ]
                if count != totals[q]:
                    mismatches.append(f"{q}: tantivy {totals[q]}, LIKE {count}")
        db.close()

    groups = sorted({group for group, _ in QUERIES}, key=[g for g, _ in QUERIES].index)
    print(
        f"\n{size:,} documents ({text_mb:.0f} MB of text, generated in {generate_s:.0f} s while "
        f"indexed, not counted in the build), {len(QUERIES)} queries + {len(FILTERED)} filtered, "
        f"median of {args.repeat} warm passes; {time.strftime('%Y-%m-%d %H:%M')}, "
        f"{machine()}\n"
    )
    print("| Engine | Build s | Index MB | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|---|")

    def line(name: str, values: dict[str, float], build: str = "–", size: str = "–") -> None:
        vals = list(values.values())
        print(
            f"| {name} | {build} | {size} | {percentile(vals, 50):.2f} | "
            f"{percentile(vals, 95):.2f} | {max(vals):.2f} |"
        )

    line(
        "tantivy via `TantivyBackend.search` (analysis + top 10 + count + snippets)",
        ours,
        f"{build_s:.1f}",
        f"{index_mb:.0f}",
    )
    line("interface + facets (the same + counts of the six facets)", with_facets)
    line(f"interface, filtered ({len(FILTERED)} queries with 1–2 filters)", f_ours)
    line("interface, filtered + facets", f_facets)
    line("tantivy raw (prebuilt query, top 10 + count + stored doc)", engine)
    line("tantivy raw + facets (the same + one aggregation of the six facets)", engine_facets)
    line("tantivy raw, filtered (prebuilt, the filtered queries)", f_engine)
    if like:
        line(
            "SQLite `LIKE '%…%'` scan, LIMIT 10, unranked (1 pass)",
            like,
            f"{like_build_s:.1f}",
            f"{like_mb:.0f}",
        )

    def overhead(mine: dict[str, float], theirs: dict[str, float]) -> str:
        ratio = [mine[q] / theirs[q] for q in mine if theirs[q] > 0]
        p95 = percentile(list(mine.values()), 95) / percentile(list(theirs.values()), 95)
        return f"p95 ratio {p95:.2f}×, median per-query ratio {statistics.median(ratio):.2f}×"

    print(
        f"\nOverhead of our interface: {overhead(ours, engine)}; "
        f"with facets, over raw + facets: {overhead(with_facets, engine_facets)}; "
        f"filtered: {overhead(f_ours, f_engine)}\n"
    )
    print(
        "| Query group | n | median hits | interface p50 | interface p95 | + facets p95 "
        "| raw p95 | raw + facets p95 | LIKE p95 |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for group in groups:
        qs = [q for g, q in QUERIES if g == group]
        like_p95 = f"{percentile([like[q] for q in qs], 95):.1f}" if like else "–"
        print(
            f"| {group} | {len(qs)} | {statistics.median(totals[q] for q in qs):.0f} | "
            f"{percentile([ours[q] for q in qs], 50):.2f} | "
            f"{percentile([ours[q] for q in qs], 95):.2f} | "
            f"{percentile([with_facets[q] for q in qs], 95):.2f} | "
            f"{percentile([engine[q] for q in qs], 95):.2f} | "
            f"{percentile([engine_facets[q] for q in qs], 95):.2f} | {like_p95} |"
        )
    print("\n| Filtered query | hits | interface ms | + facets ms | raw ms |")
    print("|---|---|---|---|---|")
    for _, q, f in FILTERED:
        k = key(q, f)
        shown = (q or "(empty box)").replace("|", "\\|")
        filters = ", ".join(f"{n}={v}" for n, v in f.items())
        print(
            f"| {shown} — {filters} | {f_totals[k]:,} | {f_ours[k]:.2f} | {f_facets[k]:.2f} | "
            f"{f_engine[k]:.2f} |"
        )
    if args.check:
        if with_like:
            print(f"\nChinese counts tantivy vs LIKE: {len(mismatches)} mismatches")
            for mismatch in mismatches:
                print(f"* {mismatch}")
        print(f"\nFacet counts (kind, language) adding up to the total: {len(facet_errors)} errors")
        for error in facet_errors:
            print(f"* {error}")
    grouping(backend, args.repeat)
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(part) for part in text.replace("_", "").split(",")],
        default=None,
        help="comma-separated corpus sizes, run one after the other (e.g. 200000,2000000)",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--workdir", type=Path, default=None, help="kept after the run")
    parser.add_argument("--check", action="store_true", help="compare Chinese counts with LIKE")
    parser.add_argument("--skip-like", action="store_true")
    parser.add_argument(
        "--only-grouping", action="store_true", help="time only the search by work (page 1, 10)"
    )
    args = parser.parse_args()

    base = args.workdir or Path(tempfile.mkdtemp(prefix="knowledge-bench-"))
    sizes = args.sizes or [args.size]
    for size in sizes:
        workdir = base / f"size-{size}" if len(sizes) > 1 else base
        try:
            run(size, args, workdir)
        finally:
            if args.workdir is None:
                TantivyBackend.destroy(workdir)
    if args.workdir is None:
        TantivyBackend.destroy(base)


if __name__ == "__main__":
    main()
