from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "rogatory.exchange"
    verbose_name = _("Secure exchange")

    def ready(self) -> None:
        from rogatory.cases.lifecycle import AFTER_TRANSITION
        from rogatory.cases.views.common import DETAIL_PANELS
        from rogatory.directory.views import PROFILE_PANELS

        from .outbound import notify_partner_of_transition
        from .views import case_panel, directory_panel

        if notify_partner_of_transition not in AFTER_TRANSITION:
            AFTER_TRANSITION.append(notify_partner_of_transition)
        if case_panel not in DETAIL_PANELS:
            DETAIL_PANELS.append(case_panel)
        if directory_panel not in PROFILE_PANELS:
            PROFILE_PANELS.append(directory_panel)
