from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .actions import do_revoke_token
from .models import ApiToken, Authority, User


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "state", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "state__name"]
    prepopulated_fields = {"code": ["name"]}
    autocomplete_fields = ["state"]


@admin.register(User)
class RogatoryUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "authority", "role", "is_active"]
    list_filter = ["role", "authority", "is_active"]
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        (_("Authority and role"), {"fields": ("authority", "role")}),
    )


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
        "revoked_at",
    )
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are made by their user, who alone sees the secret

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        assert isinstance(request.user, User)
        for token in queryset:
            do_revoke_token(token, acting_user=request.user)
