from typing import Any

from django.core.management.base import BaseCommand

from rogatory.knowledge.actions import do_sync_treaty_documents
from rogatory.reference.loaders import load_reference_data
from rogatory.treaties.loaders import load_treaty_data
from rogatory.treaties.texts import load_article_texts


class Command(BaseCommand):
    help = (
        "Load states, regions, languages, currencies and ICCS from reference/data/, and the UN "
        "instruments with their parties and declarations from treaties/data/; present the treaties "
        "in the knowledge base."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for report in [*load_reference_data(), *load_treaty_data()]:
            self.stdout.write(str(report))
        self.stdout.write(str(load_article_texts()))  # treaty article texts (decision 0031)
        written = do_sync_treaty_documents()
        self.stdout.write(f"knowledge base: {written} treaty documents written")
