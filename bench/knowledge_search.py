"""Benchmark of the knowledge-base search (issue 6, decision 0015). Prints Markdown tables.

Usage: .venv/bin/python bench/knowledge_search.py [--size 200000 | --sizes 200000,2000000]
       [--repeat 3] [--check] [--skip-like] [--workdir DIR]

1. Generates a multilingual corpus (deterministic, seeded): Chinese documents recombined from
   the clauses of the seed UN documents (rogatory/knowledge/tests/seeds/*.txt, or --seeds
   DIR), Arabic (a third of them vocalised), English, French, Russian and Spanish documents
   from the legal word lists below, every document with its own symbol and citing others.
   Every document also gets facet values from a second seeded generator (so the texts are
   those of the 2026-11-23 run): a kind (UN documents, legislation, case law, treaties), a
   state for legislation, case law and some UN documents and treaties (60 ISO codes, skewed,
   mostly states of the document's language), a year (1990-2026, more recent ones more
   often), ICCS sections and the instruments (treaty codes) they relate to.
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
     (e.g. kind=legislation and state=CN) and two empty boxes with filters (browsing), also
     with facets (one more aggregation per active filter);
   * "raw engine": the same tantivy queries (with their filters) built beforehand,
     ``searcher.search`` (top 10 and count) and the stored document of each hit, with no
     Python analysis, snippets or facets;
   * "LIKE scan": SQLite ``WHERE folded LIKE '%chunk%' AND … LIMIT 10`` (one pass).
   Latency per query is the median of --repeat warm passes; the table gives p50/p95 over the
   queries. --check also compares, for Chinese queries, tantivy's count with a LIKE count, and
   checks that the kind and language facet counts add up to the total.

Two million documents: ``--sizes 2000000 --skip-like --repeat 1`` (about 4.5 GB of index,
twice that free while segments merge; memory stays at the writer's heap, 200 MB, plus
the page cache).
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


def corpus(size: int, seeds: Path) -> Iterator[IndexDoc]:
    rng = random.Random(20261123)  # noqa: S311 (a reproducible corpus, not a secret)
    clauses = seed_clauses(seeds)
    vocab = {lang: words.split() for lang, words in WORDS.items()}
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
            # Zipf-like weights: frequent words first in the list are not favoured on purpose;
            # the function words at the end of each list are.
            weights = [1 + (i / len(words)) ** 4 * 30 for i in range(len(words))]
            chosen = rng.choices(words, weights=weights, k=rng.randint(60, 450))
            if lang == "ar" and doc_id % 3 == 0:
                chosen = [VOCALISED.get(word, word) for word in chosen]
            for cite in cited:
                chosen.insert(rng.randrange(len(chosen) + 1), cite)
            sentences = [
                " ".join(chosen[i : i + 14]).capitalize() for i in range(0, len(chosen), 14)
            ]
            text = ". ".join(sentences) + "."
        yield IndexDoc(id=doc_id, text=text, symbol=symbol(rng), kind="un_document", language=lang)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--check", action="store_true", help="compare Chinese counts with LIKE")
    parser.add_argument("--skip-like", action="store_true")
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="knowledge-bench-"))
    print(f"corpus: {args.size} documents; work directory {workdir}", file=sys.stderr)
    start = time.perf_counter()
    docs = list(corpus(args.size, args.seeds))
    generate_s = time.perf_counter() - start
    text_mb = sum(len(doc.text.encode()) for doc in docs) / 2**20

    backend = TantivyBackend(workdir / "tantivy")
    start = time.perf_counter()
    backend.rebuild(docs)
    build_s = time.perf_counter() - start
    index_mb = du(workdir / "tantivy") / 2**20
    print(f"tantivy built in {build_s:.1f} s", file=sys.stderr)

    searcher = backend.index.searcher()
    prebuilt = [backend.build_query(parse_query(q)) for _, q in QUERIES]

    def raw(query: object) -> None:
        result = searcher.search(query, limit=10, count=True)
        for _score, address in result.hits:
            searcher.doc(address)

    for (_, q), query in zip(QUERIES, prebuilt, strict=True):  # warm up
        backend.search(q)
        raw(query)
    ours: dict[str, float] = {}
    engine: dict[str, float] = {}
    totals: dict[str, int] = {}
    for (_, q), query in zip(QUERIES, prebuilt, strict=True):
        ours[q] = timed(lambda q=q: backend.search(q), args.repeat)
        engine[q] = timed(lambda query=query: raw(query), args.repeat)
        totals[q] = backend.search(q).total

    like: dict[str, float] = {}
    like_build_s = like_mb = 0.0
    mismatches: list[str] = []
    if not args.skip_like:
        db_path = workdir / "like.sqlite3"
        db = sqlite3.connect(db_path)
        db.execute("CREATE TABLE docs (id INTEGER PRIMARY KEY, folded TEXT)")
        start = time.perf_counter()
        db.executemany(
            "INSERT INTO docs VALUES (?, ?)",
            ((doc.id, prefold(f"{doc.symbol}\n{doc.text}").lower()) for doc in docs),
        )
        db.commit()
        like_build_s = time.perf_counter() - start
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
        f"\n{args.size:,} documents ({text_mb:.0f} MB of text, generated in {generate_s:.0f} s), "
        f"{len(QUERIES)} queries, median of {args.repeat} warm passes; "
        f"{time.strftime('%Y-%m-%d')}, "
        f"{machine()}\n"
    )
    print("| Engine | Build s | Index MB | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|---|")

    def line(name: str, values: dict[str, float], build: str, size: str) -> None:
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
    line("tantivy raw (prebuilt query, top 10 + count + stored doc)", engine, "–", "–")
    if like:
        line(
            "SQLite `LIKE '%…%'` scan, LIMIT 10, unranked (1 pass)",
            like,
            f"{like_build_s:.1f}",
            f"{like_mb:.0f}",
        )
    ratio = [ours[q] / engine[q] for _, q in QUERIES if engine[q] > 0]
    p95_ratio = percentile(list(ours.values()), 95) / percentile(list(engine.values()), 95)
    print(
        f"\nOverhead of our interface: p95 ratio {p95_ratio:.2f}×, "
        f"median per-query ratio {statistics.median(ratio):.2f}×\n"
    )
    print("| Query group | n | median hits | interface p50 | interface p95 | raw p95 | LIKE p95 |")
    print("|---|---|---|---|---|---|---|")
    for group in groups:
        qs = [q for g, q in QUERIES if g == group]
        like_p95 = f"{percentile([like[q] for q in qs], 95):.1f}" if like else "–"
        print(
            f"| {group} | {len(qs)} | {statistics.median(totals[q] for q in qs):.0f} | "
            f"{percentile([ours[q] for q in qs], 50):.2f} | "
            f"{percentile([ours[q] for q in qs], 95):.2f} | "
            f"{percentile([engine[q] for q in qs], 95):.2f} | {like_p95} |"
        )
    if args.check:
        print(f"\nChinese counts tantivy vs LIKE: {len(mismatches)} mismatches")
        for mismatch in mismatches:
            print(f"* {mismatch}")
    if args.workdir is None:
        TantivyBackend.destroy(workdir)


if __name__ == "__main__":
    main()
