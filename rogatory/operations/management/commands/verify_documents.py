"""manage.py verify_documents: every stored file against its recorded SHA-256."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from rogatory.operations.documents import verify_documents


class Command(BaseCommand):
    help = (
        "Hash every stored file (case documents, rendered requests, received exchange files) "
        "and compare with the checksum in the database; exit non-zero on any difference."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_documents()
        for problem in result.problems:
            self.stderr.write(problem)
        if not result.ok:
            raise CommandError(
                _("%(bad)s of %(count)s stored files fail their check.")
                % {"bad": result.problem_count, "count": result.checked}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("%(count)s stored files match their checksums.") % {"count": result.checked}
            )
        )
