"""manage.py import_knowledge PATH: import UN documents from a folder or an archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rogatory.knowledge.importing import SourceError, import_path


class Command(BaseCommand):
    help = (
        "Import into the knowledge base from a folder, a .zip or a .tar.gz archive: UN "
        "documents as .pdf, .docx or .txt plain text, Akoma Ntoso .xml (UN documents, acts, "
        "judgments), provisions as .csv; a manifest.csv beside the files gives what they lack "
        "(file, symbol, title, date, language). Idempotent and resumable: what is already "
        "imported is skipped; a document of a work and language already stored is replaced. "
        "Ends with each UN document's quality report: one line per file, then its doubts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        try:
            report = import_path(path, progress=self.stdout.write)
        except SourceError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Done: {len(report.created)} imported, {len(report.replaced)} replaced, "
            f"{len(report.unchanged)} unchanged, {len(report.skipped)} skipped; "
            f"{report.indexed} index updates."
        )
        for name, reason in report.skipped:
            self.stdout.write(f"  skipped {name}: {reason}")
        for name, richer in report.superseded:
            self.stdout.write(f"  left out {name}: {richer} imported instead")
        views = report.quality_views()
        if views:
            doubtful = sum(1 for v in views if v.doubtful)
            self.stdout.write(f"Quality: {doubtful} of {len(views)} documents look doubtful.")
        for quality in views:
            mark = "?" if quality.doubtful else "ok"
            self.stdout.write(f"  {mark} {quality.name}: {quality.line}")
            for doubt in quality.doubts:
                self.stdout.write(self.style.WARNING(f"      ! {doubt}"))
