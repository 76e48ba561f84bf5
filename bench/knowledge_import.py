"""Knowledge base: importing UN documents as published (PDF, DOCX), file by file.

For each file: its pages, the CPU seconds of PDFium's own text extraction of every page (the
raw engine, ``get_text_range``), of our layout reading (``layout.read_pdf``/``read_docx``), of
parsing (``untext.parse``), and of the whole import into a throw-away SQLite database with the
search index brought in step (``do_import_published`` then ``drain_outbox``); the layout's
cost as a ratio of the raw engine's. Target (issue 17): a 60-page report imported, parsed and
indexed in <= 30 s on one core.

Plain-text files (.txt) go through the text import (no layout, no PDFium); the symbol and
title a person would give them are taken from the corpus's expected.toml where it names the
file. The last line sums the whole corpus.

Usage: .venv/bin/python bench/knowledge_import.py [PATH ...]   (files or folders; default: the
test corpus in rogatory/knowledge/tests/corpus). Record results in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT = ROOT / "rogatory" / "knowledge" / "tests" / "corpus"


SUFFIXES = (".pdf", ".docx", ".txt")


def files(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
        elif path.suffix.lower() in SUFFIXES:
            yield path


def given_metadata() -> dict[str, dict[str, str]]:
    """What a person importing gives for the corpus's files that carry no symbol (by name)."""
    expected = DEFAULT / "expected.toml"
    if not expected.exists():
        return {}
    entries = tomllib.loads(expected.read_text())["document"]
    return {entry["file"]: entry["metadata"] for entry in entries if "metadata" in entry}


def cpu(func: Callable[[], Any]) -> tuple[float, Any]:
    start = time.process_time()
    result = func()
    return time.process_time() - start, result


def raw_pdfium(data: bytes) -> int:
    """Every page's text through PDFium alone: the floor our layout reading builds on."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    total = 0
    try:
        for number in range(len(document)):
            page = document[number]
            textpage = page.get_textpage()
            total += len(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        document.close()
    return total


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT])
    args = parser.parse_args(argv)

    workdir = tempfile.mkdtemp(prefix="rogatory-bench-import-")
    os.environ.setdefault("DATA_DIR", workdir)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rogatory.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from rogatory.knowledge.actions import (
        ImportMetadata,
        KnowledgeImportError,
        do_import_published,
        do_import_text,
    )
    from rogatory.knowledge.indexing import drain_outbox
    from rogatory.knowledge.layout import NotReadable, read_docx, read_pdf
    from rogatory.knowledge.untext import parse

    call_command("migrate", verbosity=0)
    metadata = given_metadata()
    print("| file | pages | raw PDFium s | layout s | layout / raw | parse s | import + index s |")
    print("|---|---|---|---|---|---|---|")
    totals = [0, 0.0, 0.0, 0.0, 0.0]
    for path in files(args.paths):
        data = path.read_bytes()
        suffix = path.suffix.lower()
        given = metadata.get(path.name)
        meta = ImportMetadata.checked(**given) if given else None
        if suffix == ".txt":
            text = data.decode("utf-8")
            parsed = cpu(
                lambda t=text, m=meta: parse(t, language=(m.language or None) if m else None)
            )[0]

            def whole_text(t: str = text, name: str = path.name, m: Any = meta) -> None:
                with contextlib.suppress(KnowledgeImportError):
                    do_import_text(t, source_name=name, metadata=m)
                drain_outbox()

            total = cpu(whole_text)[0]
            totals[3:] = [totals[3] + parsed, totals[4] + total]
            print(f"| {path.name} | text | – | – | – | {parsed:.2f} | {total:.2f} |")
            continue
        is_pdf = suffix == ".pdf"
        raw = cpu(lambda d=data: raw_pdfium(d))[0] if is_pdf else None
        try:
            seconds, laid = cpu(lambda d=data, pdf=is_pdf: read_pdf(d) if pdf else read_docx(d))
        except NotReadable as refused:
            shown = f"{raw:.2f}" if raw is not None else "–"
            print(f"| {path.name} | – | {shown} | refused: {refused} | | | |")
            continue
        parsed = cpu(lambda text=laid.text: parse(text))[0]

        def whole(d: bytes = data, name: str = path.name, m: Any = meta) -> None:
            with contextlib.suppress(KnowledgeImportError):
                do_import_published(d, source_name=name, metadata=m)
            drain_outbox()

        total = cpu(whole)[0]
        ratio = f"{seconds / raw:.1f}×" if raw else "–"
        raw_text = f"{raw:.2f}" if raw is not None else "–"
        pages = laid.pages or "–"
        totals = [
            totals[0] + laid.pages,
            totals[1] + (raw or 0.0),
            totals[2] + seconds,
            totals[3] + parsed,
            totals[4] + total,
        ]
        print(
            f"| {path.name} | {pages} | {raw_text} | {seconds:.2f} | {ratio} | {parsed:.2f} "
            f"| {total:.2f} |"
        )
    pages_total, raw_total, layout_total, parse_total, import_total = totals
    print(
        f"| **all** | {pages_total} | {raw_total:.2f} | {layout_total:.2f} | "
        f"{layout_total / raw_total if raw_total else 0:.1f}× | {parse_total:.2f} "
        f"| {import_total:.2f} |"
    )


if __name__ == "__main__":
    main()
