from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "rogatory.audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from .security import audit_every_admin, connect_signals

        connect_signals()
        # After django.contrib.admin's ready() (earlier in INSTALLED_APPS), which imported
        # every admin.py: every registered ModelAdmin writes its changes into the chain.
        audit_every_admin()
