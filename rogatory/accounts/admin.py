from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from .actions import do_revoke_token
from .models import ApiToken, Authority, User


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "state", "kind", "is_active", "mfa_required"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "state__name"]
    prepopulated_fields = {"code": ["name"]}
    autocomplete_fields = ["state"]
    # The second-factor rule is set by the authority's administrators (audited action).
    readonly_fields = ["mfa_required"]

    def get_readonly_fields(self, request: HttpRequest, obj: Authority | None = None) -> list[str]:
        # The code is the authority's public identity in URLs and exchanged documents.
        return [*self.readonly_fields, "code"] if obj is not None else list(self.readonly_fields)

    def get_prepopulated_fields(
        self, request: HttpRequest, obj: Authority | None = None
    ) -> dict[str, Any]:
        return {} if obj is not None else dict(self.prepopulated_fields)


@admin.register(User)
class RogatoryUserAdmin(UserAdmin):
    """Users are shown, never changed, here: authority, role, e-mail, password, second factor
    and the active flag go through the audited actions of the members pages (decision 0018).
    A site administrator who could edit them here could move himself into any authority."""

    list_display = ["username", "first_name", "last_name", "authority", "role", "is_active"]
    list_filter = ["role", "authority", "is_active"]
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        (_("Authority and role"), {"fields": ("authority", "role")}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def user_change_password(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        raise PermissionDenied


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Site administrators see tokens (never their secrets) and can revoke a leaked one."""

    list_display = ("prefix", "name", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("prefix", "name", "user__username")
    readonly_fields = (
        "public_id",
        "user",
        "name",
        "prefix",
        "key_hash",
        "created_at",
        "last_used_at",
        "expires_on",
        "scopes",
        "revoked_at",
        "revoked_reason",
    )
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are made by their user, who alone sees the secret

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        assert isinstance(request.user, User)
        for token in queryset:
            do_revoke_token(token, acting_user=request.user)


# Second-factor devices are not edited in the Django admin: deleting one there would be an
# unaudited reset, and their keys are secrets. Resets go through the members pages.
for _model in (TOTPDevice, StaticDevice, WebAuthnCredential):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
