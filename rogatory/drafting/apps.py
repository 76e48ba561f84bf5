from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DraftingConfig(AppConfig):
    name = "rogatory.drafting"
    verbose_name = _("Request writer")

    def ready(self) -> None:
        from rogatory.cases.lifecycle import SEND_CHECKS

        from .actions import approved_version_guard

        if approved_version_guard not in SEND_CHECKS:
            SEND_CHECKS.append(approved_version_guard)
