from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TreatiesConfig(AppConfig):
    name = "rogatory.treaties"
    verbose_name = _("Treaties")

    def ready(self) -> None:
        from rogatory.directory.views import PROFILE_PANELS

        from .views import directory_panel

        if directory_panel not in PROFILE_PANELS:
            PROFILE_PANELS.append(directory_panel)
