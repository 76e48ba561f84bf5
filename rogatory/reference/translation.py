"""Fields with one column per UN language (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Currency, IccsCategory, IccsFootnote, Language, Region, State


@register(Region)
class RegionTranslation(TranslationOptions):
    fields = ("name",)


@register(State)
class StateTranslation(TranslationOptions):
    fields = ("name", "formal_name")


@register(Language)
class LanguageTranslation(TranslationOptions):
    fields = ("name",)


@register(Currency)
class CurrencyTranslation(TranslationOptions):
    fields = ("name",)


@register(IccsCategory)
class IccsCategoryTranslation(TranslationOptions):
    fields = ("title", "description", "inclusions", "exclusions")


@register(IccsFootnote)
class IccsFootnoteTranslation(TranslationOptions):
    fields = ("text",)
