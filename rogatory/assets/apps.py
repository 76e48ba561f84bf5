from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    name = "rogatory.assets"
    verbose_name = _("Asset recovery")

    def ready(self) -> None:
        from rogatory.cases.reminders import REMINDER_AUTHORITIES, REMINDER_SOURCES
        from rogatory.cases.synthetic import EXTENSIONS
        from rogatory.cases.views.common import DETAIL_PANELS

        from .reminders import authorities_with_orders, orders_about_to_lapse
        from .synthetic import AssetRows
        from .views import case_panel

        if case_panel not in DETAIL_PANELS:
            DETAIL_PANELS.append(case_panel)
        if orders_about_to_lapse not in REMINDER_SOURCES:
            REMINDER_SOURCES.append(orders_about_to_lapse)
        if authorities_with_orders not in REMINDER_AUTHORITIES:
            REMINDER_AUTHORITIES.append(authorities_with_orders)
        # Assets for the benchmark generator (manage.py generate_cases).
        if AssetRows not in EXTENSIONS:
            EXTENSIONS.append(AssetRows)
