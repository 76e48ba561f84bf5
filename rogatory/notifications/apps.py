from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "rogatory.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from rogatory.cases.models import CaseEvent
        from rogatory.cases.reassign import cases_reassigned as reassigned

        from .receivers import case_event_written, cases_reassigned

        # The case history is where every assignment and every message received through the
        # exchange is written, whichever path wrote it (decision 0027).
        post_save.connect(case_event_written, sender=CaseEvent, dispatch_uid="notifications")
        reassigned.connect(cases_reassigned, dispatch_uid="notifications-reassigned")
