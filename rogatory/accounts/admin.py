from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Authority, User


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
