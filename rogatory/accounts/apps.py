from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "rogatory.accounts"
    verbose_name = _("Authorities and users")

    def ready(self) -> None:
        from . import security, tokens

        tokens.connect()
        security.connect()
