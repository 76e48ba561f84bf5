"""The Django admin site: staff who signed in with a password *and* a second factor.

Its login page stays Django's (lock-out covers it); once the password is right, the session
waits for the second factor like any other (SecondFactorMiddleware), and the site itself lets
no unverified session in.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class RogatoryAdminSite(AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        user: Any = request.user
        return bool(super().has_permission(request) and user.is_verified())


class RogatoryAdminConfig(AdminConfig):
    """django.contrib.admin with this site as the default one (settings.INSTALLED_APPS)."""

    default_site = "rogatory.accounts.admin_site.RogatoryAdminSite"
