"""Security events in the hash chain: logins, failed logins, logouts, Django-admin changes
(decision 0020).

Everything here works from what Django's signals and the admin hand over (the request, the
user, the object), so the audit app stays below the apps whose users and objects it records.
Password, MFA and e-mail changes are recorded by the accounts actions that make them, with
action names of the same "security." family. A write made with an API token names the token
in its own entry (``details["via"]``: the token check marks the user, ``record()`` copies it).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.http import HttpRequest
from django.utils.module_loading import import_string

from .actions import record

LOGIN = "security.login"
LOGIN_FAILED = "security.login_failed"
LOGOUT = "security.logout"
ADMIN_ADDED = "security.admin_added"
ADMIN_CHANGED = "security.admin_changed"
ADMIN_DELETED = "security.admin_deleted"

# Values never copied into the trail, only the fact that they changed.
SECRET_FIELDS = ("password", "secret", "key", "token", "hash", "code")
# Longest text copied from the request (an attempted user name, a changed value).
MAX_TEXT = 200


def clean_text(value: object, limit: int = MAX_TEXT) -> str:
    """``value`` as a short string without control characters (PostgreSQL refuses NUL)."""
    text = "".join(ch for ch in str(value) if unicodedata.category(ch) not in ("Cc", "Cs"))
    return text[:limit]


def client_ip(request: HttpRequest | None) -> str:
    """The client's address as the lock-out sees it (AXES_CLIENT_IP_CALLABLE), else REMOTE_ADDR."""
    if request is None:
        return ""
    dotted = getattr(settings, "AXES_CLIENT_IP_CALLABLE", "")
    if dotted:
        return clean_text(import_string(dotted)(request), 64)
    return clean_text(request.META.get("REMOTE_ADDR", ""), 64)


def _authority_of(obj: Any) -> int | None:
    """The authority an object belongs to, as far as can be told from its attributes."""
    if obj is None:
        return None
    authority_model = get_user_model()._meta.get_field("authority").related_model
    if isinstance(obj, authority_model):
        return int(obj.pk)
    for holder in (obj, getattr(obj, "user", None)):
        authority_id = getattr(holder, "authority_id", None)
        if authority_id is not None:
            return int(authority_id)
    return None


# Logins and logouts --------------------------------------------------------------------------


def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(
        LOGIN,
        acting_user=user,
        authority_id=_authority_of(user),
        object_type="user",
        object_ref=str(user.pk),
        details={"ip": client_ip(request)},
    )


def on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:  # logging out without being logged in
        return
    record(
        LOGOUT,
        acting_user=user,
        authority_id=_authority_of(user),
        object_type="user",
        object_ref=str(user.pk),
        details={"ip": client_ip(request)},
    )


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Record the attempted user name and the client, never the password."""
    User = get_user_model()
    username = clean_text(credentials.get(User.USERNAME_FIELD, credentials.get("username", "")))
    # The authority of the account tried, if it exists, so its administrators see the attempt.
    target = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
    record(
        LOGIN_FAILED,
        acting_user=None,
        authority_id=_authority_of(target),
        object_type="user",
        object_ref=str(target.pk) if target else "",
        details={"username": username, "ip": client_ip(request), "known_user": bool(target)},
    )


def connect_signals() -> None:
    user_logged_in.connect(on_login, dispatch_uid="rogatory.audit.login")
    user_logged_out.connect(on_logout, dispatch_uid="rogatory.audit.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="rogatory.audit.login_failed")


# The Django admin ----------------------------------------------------------------------------


def _is_secret(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in SECRET_FIELDS)


def _plain(value: Any) -> Any:
    """A changed value as plain, short JSON: model instances by pk, the rest as text."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, models.Model):
        return value.pk if isinstance(value.pk, int) else clean_text(value.pk)
    if isinstance(value, models.QuerySet | list | tuple | set):
        return [_plain(item) for item in list(value)[:50]]
    return clean_text(value)


def form_changes(form: Any) -> dict[str, Any]:
    """{field: [old, new]} for each changed field of an admin form; secrets without values."""
    changes: dict[str, Any] = {}
    for name in getattr(form, "changed_data", []):
        if _is_secret(name):
            changes[name] = "changed"
            continue
        old = form.initial.get(name)
        new = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        changes[name] = [_plain(old), _plain(new)]
    return changes


class AuditedAdminMixin:
    """Write every add, change and delete made through a ModelAdmin into the hash chain.

    Applied to every registered ModelAdmin by ``audit_every_admin`` (AuditConfig.ready), so a
    new admin page needs nothing to be audited; Django's own LogEntry rows stay as they are,
    but they can be edited and are not evidence.
    """

    def construct_change_message(
        self, request: HttpRequest, form: Any, formsets: Any, add: bool = False
    ) -> Any:
        # Called just before log_addition/log_change, with the form that made the change.
        request._audit_changes = form_changes(form)  # type: ignore[attr-defined]
        return super().construct_change_message(  # type: ignore[misc]
            request, form, formsets, add
        )

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        logged = super().log_addition(request, obj, message)  # type: ignore[misc]
        _record_admin(ADMIN_ADDED, request, obj, message)
        return logged

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        logged = super().log_change(request, obj, message)  # type: ignore[misc]
        _record_admin(ADMIN_CHANGED, request, obj, message)
        return logged

    def log_deletions(self, request: HttpRequest, queryset: Iterable[Any]) -> Any:
        # Called before the objects are deleted, once for a page or a bulk action.
        objects = list(queryset)
        for obj in objects:
            _record_admin(ADMIN_DELETED, request, obj, "")
        return super().log_deletions(request, objects)  # type: ignore[misc]


def _record_admin(action: str, request: HttpRequest, obj: Any, message: Any) -> None:
    changes = getattr(request, "_audit_changes", None) or {}
    request._audit_changes = None  # type: ignore[attr-defined]
    if not changes and message:
        # A change without a form we saw (e.g. a custom view): keep Django's description.
        text = json.dumps(message) if isinstance(message, list) else str(message)
        changes = {"message": clean_text(text, 1000)}
    record(
        action,
        acting_user=request.user if request.user.is_authenticated else None,
        authority_id=_authority_of(obj),
        object_type=obj._meta.label_lower,
        object_ref=clean_text(obj.pk, 100),
        details={"object": clean_text(obj), "changes": changes, "ip": client_ip(request)},
    )


def audit_every_admin(site: admin.AdminSite | None = None) -> None:
    """Give every ModelAdmin registered on ``site`` the AuditedAdminMixin (idempotent).

    Runs in AuditConfig.ready(), after the admin's autodiscover has imported every admin.py:
    each registered admin becomes an instance of a subclass of its own class with the mixin
    first, so its overrides still apply.
    """
    site = site or admin.site
    for model_admin in site._registry.values():
        cls = type(model_admin)
        if not issubclass(cls, AuditedAdminMixin):
            model_admin.__class__ = type(f"Audited{cls.__name__}", (AuditedAdminMixin, cls), {})
