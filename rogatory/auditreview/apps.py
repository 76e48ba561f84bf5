from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditReviewConfig(AppConfig):
    """The review of the audit trail and the access log by administrators (decision 0020)."""

    name = "rogatory.auditreview"
    verbose_name = _("Audit review")
