from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    """Statistics of an authority's requests for any period, with their counting rules
    (decision 0038)."""

    name = "rogatory.statistics"
    verbose_name = _("Statistics")
