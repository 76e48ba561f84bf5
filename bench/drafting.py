"""Request writer: time to render one request to DOCX and to PDF, in each UN language.

Prints a Markdown table: for each format and language, the mean and 95th percentile wall time
of ``render_docx`` / ``render_pdf`` over N renders of a realistic request (four measures, two
persons, an offence, an annex, a page and more of facts), the number of PDF pages and the
size of the file. Targets (issue 5): DOCX <= 0.2 s, PDF <= 1 s.

Usage: .venv/bin/python bench/drafting.py [--repeat N]
Record results, with the date and machine, in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {"DOCX": 0.2, "PDF": 1.0}


def realistic_request(language: str) -> dict[str, Any]:
    """The complete request of the render tests, with four times the facts."""
    from rogatory.drafting.tests.test_render import complete_document

    document = complete_document(language)
    facts = document["summary_of_facts"]
    document["summary_of_facts"] = "\n".join([facts] * 4)
    return document


def timings(
    render: Callable[[Mapping[str, Any]], bytes], document: dict[str, Any], repeat: int
) -> tuple[list[float], bytes]:
    result = render(document)  # warm-up: imports and HarfBuzz loading
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = render(document)
        seconds.append(time.perf_counter() - start)
    return seconds, result


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="renders per format and language")
    args = parser.parse_args(argv)

    from pypdf import PdfReader

    from rogatory.drafting.render import render_docx, render_pdf
    from rogatory.drafting.render.texts import LANGUAGES

    print(f"Rendering one request, {args.repeat} times per format and language.\n")
    print("| Format | Language | N | mean (s) | p95 (s) | pages | size (KB) | target |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    worst = {"DOCX": 0.0, "PDF": 0.0}
    for name, render in (("DOCX", render_docx), ("PDF", render_pdf)):
        for language in LANGUAGES:
            seconds, data = timings(render, realistic_request(language), args.repeat)
            pages = str(len(PdfReader(io.BytesIO(data)).pages)) if name == "PDF" else ""
            mean, high = statistics.mean(seconds), p95(seconds)
            worst[name] = max(worst[name], high)
            verdict = "ok" if high <= TARGETS[name] else "OVER"
            print(
                f"| {name} | {language} | {len(seconds)} | {mean:.3f} | {high:.3f} | {pages} "
                f"| {len(data) / 1024:.0f} | <= {TARGETS[name]} s {verdict} |"
            )
    print()
    for name, high in worst.items():
        print(f"Worst p95 {name}: {high:.3f} s (target {TARGETS[name]} s)")


if __name__ == "__main__":
    main()
