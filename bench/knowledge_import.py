"""Knowledge base: importing UN documents as published (PDF, DOCX), file by file.

For each file: its pages, the CPU seconds of PDFium's own text extraction of every page (the
raw engine, ``get_text_range``), of our layout reading (``layout.read_pdf``/``read_docx``), of
parsing (``untext.parse``), and of the whole import into a throw-away SQLite database with the
search index brought in step (``do_import_published`` then ``drain_outbox``); the layout's
cost as a ratio of the raw engine's. Target (issue 17): a 60-page report imported, parsed and
indexed in <= 30 s on one core.

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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT = ROOT / "rogatory" / "knowledge" / "tests" / "corpus"


def files(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() in (".pdf", ".docx"))
        elif path.suffix.lower() in (".pdf", ".docx"):
            yield path


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

    from rogatory.knowledge.actions import KnowledgeImportError, do_import_published
    from rogatory.knowledge.indexing import drain_outbox
    from rogatory.knowledge.layout import NotReadable, read_docx, read_pdf
    from rogatory.knowledge.untext import parse

    call_command("migrate", verbosity=0)
    print("| file | pages | raw PDFium s | layout s | layout / raw | parse s | import + index s |")
    print("|---|---|---|---|---|---|---|")
    for path in files(args.paths):
        data = path.read_bytes()
        is_pdf = path.suffix.lower() == ".pdf"
        raw = cpu(lambda d=data: raw_pdfium(d))[0] if is_pdf else None
        try:
            seconds, laid = cpu(lambda d=data, pdf=is_pdf: read_pdf(d) if pdf else read_docx(d))
        except NotReadable as refused:
            shown = f"{raw:.2f}" if raw is not None else "–"
            print(f"| {path.name} | – | {shown} | refused: {refused} | | | |")
            continue
        parsed = cpu(lambda text=laid.text: parse(text))[0]

        def whole(d: bytes = data, name: str = path.name) -> None:
            with contextlib.suppress(KnowledgeImportError):
                do_import_published(d, source_name=name)
            drain_outbox()

        total = cpu(whole)[0]
        ratio = f"{seconds / raw:.1f}×" if raw else "–"
        raw_text = f"{raw:.2f}" if raw is not None else "–"
        pages = laid.pages or "–"
        print(
            f"| {path.name} | {pages} | {raw_text} | {seconds:.2f} | {ratio} | {parsed:.2f} "
            f"| {total:.2f} |"
        )


if __name__ == "__main__":
    main()
