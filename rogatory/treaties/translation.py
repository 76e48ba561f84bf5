"""Fields with one column per UN language (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Instrument


@register(Instrument)
class InstrumentTranslation(TranslationOptions):
    fields = ("title", "short_title", "scope")
