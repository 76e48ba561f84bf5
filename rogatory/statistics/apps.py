from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    """Statistics of an authority's requests for any period, with their counting rules
    (decision 0038)."""

    name = "rogatory.statistics"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from rogatory.cases.synthetic import EXTENSIONS

        from .synthetic import SummaryOfGenerated

        # The monthly summary of what the benchmark generator writes (decision 0046).
        if SummaryOfGenerated not in EXTENSIONS:
            EXTENSIONS.append(SummaryOfGenerated)
