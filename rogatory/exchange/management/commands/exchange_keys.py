"""Show, rotate or revoke this node's keys (rotated keys stay valid for --overlap-days)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rogatory.exchange.errors import ExchangeError
from rogatory.exchange.models import NodeKey
from rogatory.exchange.node import do_revoke_own_key, do_rotate_keys, our_fingerprint


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rotate", action="store_true")
        parser.add_argument("--overlap-days", type=int, default=30)
        parser.add_argument("--revoke", metavar="KID")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["rotate"]:
                overlap = datetime.timedelta(days=max(0, options["overlap_days"]))
                do_rotate_keys(overlap=overlap)
            if options["revoke"]:
                do_revoke_own_key(options["revoke"])
            for key in NodeKey.objects.all():
                self.stdout.write(
                    f"{key.use} {key.kid} from {key.not_before:%Y-%m-%d %H:%M} "
                    f"until {key.not_after or '-'} revoked {key.revoked_at or '-'}"
                )
            self.stdout.write(f"fingerprint {our_fingerprint()}")
        except (ExchangeError, NodeKey.DoesNotExist) as error:
            raise CommandError(str(error)) from error
