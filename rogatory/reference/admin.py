"""Reference data is loaded from files; the admin shows it read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from modeltranslation.admin import TranslationAdmin

from .models import Currency, IccsCategory, Language, Region, State


class ReadOnlyAdmin(TranslationAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(State)
class StateAdmin(ReadOnlyAdmin):
    list_display = ["iso2", "iso3", "numeric", "name", "region", "is_independent"]
    list_filter = ["is_independent"]
    search_fields = ["iso2", "iso3", "name"]


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "parent"]


@admin.register(Language)
class LanguageAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "iso639_1", "iso639_3", "is_un_official"]
    search_fields = ["code", "name"]


@admin.register(Currency)
class CurrencyAdmin(ReadOnlyAdmin):
    list_display = ["code", "numeric", "name", "minor_unit"]
    search_fields = ["code", "name"]


@admin.register(IccsCategory)
class IccsCategoryAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "level"]
    search_fields = ["code", "search_text"]
