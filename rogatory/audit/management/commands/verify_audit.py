"""Check that the audit trail has not been altered, deleted, reordered or truncated."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext, ngettext

from rogatory.audit.accesslog import verify_access_log
from rogatory.audit.checkpoint import CheckpointError, check_against, parse
from rogatory.audit.verify import BATCH_SIZE, verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain, then each kept checkpoint given with --checkpoint, "
        "then the access log. Exits non-zero and names the first problem; otherwise prints the "
        "last hash."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Entries read per query (default {BATCH_SIZE}).",
        )
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="FILE",
            help="A checkpoint kept off the machine (manage.py audit_checkpoint); repeatable. "
            "Finds newest entries removed with the chain head set back, and a re-hashed trail.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError(gettext("The batch size must be at least 1."))
        checkpoints = []
        for name in options["checkpoint"]:
            try:
                text = Path(name).read_text(encoding="utf-8", errors="replace")
                checkpoints.append(parse(text))
            except OSError as exc:
                raise CommandError(
                    gettext("Cannot read the checkpoint %(file)s: %(error)s")
                    % {"file": name, "error": exc.strerror}
                ) from None
            except CheckpointError as exc:
                raise CommandError(f"{name}: {exc}") from None
        result = verify_chain(batch_size=options["batch_size"])
        problem = result.problem
        for checkpoint in checkpoints:
            if problem is not None:
                break
            problem = check_against(checkpoint)
        if problem is not None:
            raise CommandError(
                gettext("Audit trail broken at entry #%(sequence)s (%(kind)s): %(message)s")
                % {
                    "sequence": problem.sequence,
                    "kind": problem.kind.label,
                    "message": problem.message,
                }
            )
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "Audit trail intact: %(count)s entry, last hash %(hash)s",
                    "Audit trail intact: %(count)s entries, last hash %(hash)s",
                    result.entries,
                )
                % {"count": result.entries, "hash": result.last_hash}
            )
        )
        for checkpoint in checkpoints:
            self.stdout.write(
                gettext(
                    "Checkpoint of %(time)s holds: entry #%(sequence)s still has its hash "
                    "(signing key %(fingerprint)s)."
                )
                % {
                    "time": checkpoint.time.isoformat(),
                    "sequence": checkpoint.sequence,
                    "fingerprint": checkpoint.fingerprint,
                }
            )
        access = verify_access_log()
        if access.problem is not None:
            raise CommandError(
                gettext("Access log broken: %(message)s") % {"message": access.problem}
            )
        self.stdout.write(
            self.style.SUCCESS(
                gettext("Access log intact: %(count)s entries, %(sealed)s of them sealed.")
                % {"count": access.entries, "sealed": access.sealed}
            )
        )
