from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rogatory.accounts.models import User
from rogatory.demo.loaders import DEMO_PASSWORD, SITE_ADMIN, demo_totp_key, load_demo_data


class Command(BaseCommand):
    help = "Create demonstration authorities and users (idempotent). Needs reference data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--authority",
            action="append",
            metavar="CODE",
            help="create only this demo authority (repeatable), e.g. for one node of the "
            "two-node exchange demo",
        )
        parser.add_argument("--no-cases", action="store_true", help="leave out the casework")
        parser.add_argument(
            "--no-knowledge", action="store_true", help="leave out the knowledge-base samples"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            logins = load_demo_data(
                with_cases=not options["no_cases"],
                with_knowledge=not options["no_knowledge"],
                only=options["authority"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, authority in logins:
            self.stdout.write(f"  {username:<20} {role:<26} {authority}")
        # The site administrator's second factor: this key in an authenticator app (or
        # `oathtool --totp -b KEY`) gives the 6-digit code asked after the password.
        operator = User.objects.get(username=SITE_ADMIN[0])
        self.stdout.write(
            f"  {SITE_ADMIN[0]} also needs a code from an authenticator app set up with the "
            f"key {demo_totp_key(operator)} (or: oathtool --totp -b KEY)"
        )
