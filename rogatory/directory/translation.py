"""Fields with one column per UN language (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import CompetentAuthority


@register(CompetentAuthority)
class CompetentAuthorityTranslation(TranslationOptions):
    fields = ("name",)
