"""Partners: import a descriptor, pin it after the fingerprint check, revoke, list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rogatory.accounts.models import Role, User
from rogatory.exchange.errors import ExchangeError
from rogatory.exchange.models import Partner
from rogatory.exchange.node import do_import_descriptor, do_pin_partner, do_revoke_partner


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        imp = sub.add_parser("import", help="import a descriptor file")
        imp.add_argument("file")
        imp.add_argument(
            "--pin", metavar="FINGERPRINT", help="trust it at once: the fingerprint confirmed"
        )
        pin = sub.add_parser("pin", help="trust a partner after the fingerprint check")
        pin.add_argument("node_id")
        pin.add_argument("fingerprint")
        rev = sub.add_parser("revoke", help="stop trusting a partner")
        rev.add_argument("node_id")
        sub.add_parser("list")

    def _operator(self) -> User:
        user = User.objects.filter(role=Role.SITE_ADMIN, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError("No active site administrator to record as the one who acted.")
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        try:
            if verb == "import":
                token = Path(options["file"]).read_text(encoding="ascii")
                partner = do_import_descriptor(token, acting_user=None)
                self.stdout.write(f"{partner.node_id} {partner.status} {partner.fingerprint}")
                if options["pin"]:
                    do_pin_partner(partner, options["pin"], acting_user=self._operator())
                    self.stdout.write(f"{partner.node_id} pinned")
            elif verb == "pin":
                partner = Partner.objects.get(node_id=options["node_id"])
                do_pin_partner(partner, options["fingerprint"], acting_user=self._operator())
                self.stdout.write(f"{partner.node_id} pinned")
            elif verb == "revoke":
                partner = Partner.objects.get(node_id=options["node_id"])
                do_revoke_partner(partner, acting_user=self._operator())
                self.stdout.write(f"{partner.node_id} revoked")
            for partner in Partner.objects.all() if verb == "list" else []:
                self.stdout.write(
                    f"{partner.node_id} {partner.status} {partner.fingerprint} {partner.endpoint}"
                )
        except (ExchangeError, Partner.DoesNotExist, OSError, UnicodeDecodeError) as error:
            raise CommandError(getattr(error, "message", str(error))) from error
