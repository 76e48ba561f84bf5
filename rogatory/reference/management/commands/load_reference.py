from typing import Any

from django.core.management.base import BaseCommand

from rogatory.reference.loaders import load_reference_data
from rogatory.treaties.loaders import load_treaty_data


class Command(BaseCommand):
    help = (
        "Load states, regions, languages, currencies and ICCS from reference/data/, and the UN "
        "instruments with their parties and declarations from treaties/data/."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for report in [*load_reference_data(), *load_treaty_data()]:
            self.stdout.write(str(report))
