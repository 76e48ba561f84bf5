from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DraftingConfig(AppConfig):
    name = "rogatory.drafting"
    verbose_name = _("Request writer")

    def ready(self) -> None:
        from rogatory.cases.lifecycle import SEND_CHECKS
        from rogatory.cases.queries import APPROVAL_FILTERS

        from .actions import approved_version_guard
        from .delegations import awaiting_approval_filter

        if approved_version_guard not in SEND_CHECKS:
            SEND_CHECKS.append(approved_version_guard)
        if awaiting_approval_filter not in APPROVAL_FILTERS:
            APPROVAL_FILTERS.append(awaiting_approval_filter)
