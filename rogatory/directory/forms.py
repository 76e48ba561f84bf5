from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rogatory.lib.validators import bounded_formfield
from rogatory.reference.choices import CooperationKind
from rogatory.reference.models import Language
from rogatory.treaties.models import Instrument

from .documents import NAME_FIELDS
from .models import (
    AcceptedLanguage,
    Channel,
    CompetentAuthority,
    CountryProfile,
    MeasureRequirement,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReasonMixin(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=500,
        help_text=_("Kept in the profile's history with your name and the date."),
    )


def _language_codes(value: str) -> list[str]:
    codes = value.split()
    known = set(Language.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise forms.ValidationError(
            _("Unknown language codes: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    return list(dict.fromkeys(codes))


class ProfileForm(ReasonMixin, forms.ModelForm):
    """General information, with the accepted languages as BCP 47 codes per instrument."""

    class Meta:
        model = CountryProfile
        formfield_callback = bounded_formfield
        fields = ["summary", "urgent_procedure", "source", "last_verified_on"]
        widgets = {"last_verified_on": DATE_WIDGET}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instruments = list(
            Instrument.objects.filter(kind=Instrument.Kind.MULTILATERAL, parent=None)
        )
        current: dict[str | None, list[str]] = {}
        if self.instance.exists:
            for lang in self.instance.languages.select_related("instrument"):
                key = lang.instrument.code if lang.instrument else None
                current.setdefault(key, []).append(lang.language_id)
        help_text = _("Language codes separated by spaces, e.g. “fr en”.")
        self.fields["languages_all"] = forms.CharField(
            label=_("Languages accepted for every request"),
            required=False,
            initial=" ".join(current.get(None, [])),
            help_text=help_text,
        )
        for instrument in self.instruments:
            self.fields[f"languages_{instrument.code}"] = forms.CharField(
                label=_("Languages accepted under %(instrument)s")
                % {"instrument": instrument.short_title},
                required=False,
                initial=" ".join(current.get(instrument.code, [])),
                help_text=help_text,
            )
        self.order_fields([*self.Meta.fields, "languages_all"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in list(cleaned):
            if name.startswith("languages_"):
                try:
                    cleaned[name] = _language_codes(cleaned[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def apply(self, profile: CountryProfile) -> None:
        for name in self.Meta.fields:
            setattr(profile, name, self.cleaned_data[name])
        profile.save()
        profile.languages.all().delete()
        rows = [
            AcceptedLanguage(profile=profile, instrument=None, language_id=code)
            for code in self.cleaned_data["languages_all"]
        ]
        for instrument in self.instruments:
            rows += [
                AcceptedLanguage(profile=profile, instrument=instrument, language_id=code)
                for code in self.cleaned_data[f"languages_{instrument.code}"]
            ]
        AcceptedLanguage.objects.bulk_create(rows)


class AuthorityForm(ReasonMixin, forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of cooperation"),
        choices=CooperationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = CompetentAuthority
        formfield_callback = bounded_formfield
        fields = [
            "slug",
            *(f"name_{suffix}" for suffix in NAME_FIELDS.values()),
            "is_central",
            "kinds",
            "designated_under",
            "address",
            "email",
            "phone",
            "website",
            "office_hours",
            "urgent_contact",
            "channels",
            "notes",
            "source",
            "last_verified_on",
        ]
        widgets = {
            "designated_under": forms.CheckboxSelectMultiple,
            "last_verified_on": DATE_WIDGET,
            "address": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, profile: CountryProfile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.profile = profile
        self.fields["designated_under"].label = _("Designated under")
        if self.instance.pk:
            self.fields["slug"].disabled = True

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"]
        taken = CompetentAuthority.objects.filter(profile_id=self.profile.state_id, slug=slug)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another authority of this state has this identifier."))
        return slug

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(f"name_{suffix}") for suffix in NAME_FIELDS.values()):
            raise forms.ValidationError(_("Give the name in at least one language."))
        return cleaned

    def apply(self, profile: CountryProfile) -> CompetentAuthority:
        authority: CompetentAuthority = self.save(commit=False)
        authority.profile = profile
        if not authority.name:
            authority.name = next(
                self.cleaned_data[f"name_{s}"]
                for s in NAME_FIELDS.values()
                if self.cleaned_data[f"name_{s}"]
            )
        authority.save()
        self.save_m2m()
        return authority


class MeasureForm(ReasonMixin, forms.ModelForm):
    possible = forms.NullBooleanField(
        label=_("Possible"),
        widget=forms.NullBooleanSelect,
        required=False,
    )
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        help_text=_("Language codes separated by spaces; empty: as for every request."),
    )

    class Meta:
        model = MeasureRequirement
        formfield_callback = bounded_formfield
        fields = [
            "possible",
            "legal_framework",
            "receiving_authority",
            "executing_authority",
            "languages",
            "execution_time",
            "dual_criminality",
            "certified_translation",
            "legalisation",
            "forms",
            "undertakings",
            "special_requirements",
            "source",
            "last_verified_on",
        ]
        widgets = {"last_verified_on": DATE_WIDGET}

    def __init__(self, *args: Any, profile: CountryProfile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["receiving_authority"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = CompetentAuthority.objects.filter(profile_id=profile.state_id)
        if self.instance.pk:
            self.initial["languages"] = " ".join(self.instance.languages)
        for name in ("legal_framework", "forms", "undertakings", "special_requirements"):
            self.fields[name].widget.attrs["rows"] = 3

    def clean_languages(self) -> list[str]:
        return _language_codes(self.cleaned_data["languages"])

    def apply(self, profile: CountryProfile, measure: str) -> None:
        requirement: MeasureRequirement = self.save(commit=False)
        requirement.profile = profile
        requirement.measure = measure
        requirement.save()


class ImportForm(ReasonMixin):
    file = forms.FileField(
        label=_("Profile file"),
        help_text=_("A JSON profile, or a CSV file of authorities or of measures, as exported."),
    )

    MAX_BYTES = 2 * 1024 * 1024

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload
