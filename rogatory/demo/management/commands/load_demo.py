from typing import Any

from django.core.management.base import BaseCommand

from rogatory.demo.loaders import DEMO_PASSWORD, load_demo_data


class Command(BaseCommand):
    help = "Create demonstration authorities and users (idempotent). Needs reference data."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = load_demo_data()
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, authority in logins:
            self.stdout.write(f"  {username:<20} {role:<26} {authority}")
