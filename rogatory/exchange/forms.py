"""Forms of the exchange pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rogatory.cases.choices import RefusalGround
from rogatory.cases.models import Case, DocumentVersion

from . import business
from .models import PartnerAuthority

MAX_DESCRIPTOR_BYTES = 256 * 1024


class DescriptorForm(forms.Form):
    token = forms.CharField(
        label=_("Node descriptor (paste it)"),
        required=False,
        max_length=MAX_DESCRIPTOR_BYTES,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
    )
    file = forms.FileField(label=_("or its file"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_DESCRIPTOR_BYTES:
                raise forms.ValidationError(_("This file is too large for a descriptor."))
            try:
                data["token"] = upload.read().decode("ascii")
            except UnicodeDecodeError as error:
                raise forms.ValidationError(_("This file is not a descriptor.")) from error
        if not (data.get("token") or "").strip():
            raise forms.ValidationError(_("Paste a descriptor or choose its file."))
        return data

    def descriptor(self) -> str:
        return str(self.cleaned_data["token"]).strip()


class PinForm(forms.Form):
    fingerprint = forms.CharField(
        label=_("Fingerprint read out by the partner"),
        max_length=40,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )


class FileHeldForm(forms.Form):
    reference = forms.CharField(
        label=_("Our reference of the request it belongs to"), max_length=60
    )


class EnvelopeFileForm(forms.Form):
    file = forms.FileField(label=_("Message file (.rex)"))


class _DestinationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, PartnerAuthority)
        # The address first: it is what tells two authorities of one state apart.
        return f"{obj.code}@{obj.partner.node_id} — {obj.name}"


class SendRequestForm(forms.Form):
    destination = _DestinationChoice(
        label=_("Send to"), queryset=PartnerAuthority.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, destinations: list[PartnerAuthority], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["destination"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = PartnerAuthority.objects.filter(
            pk__in=[d.pk for d in destinations]
        ).select_related("partner")


class _VersionChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, DocumentVersion)
        return f"{obj.document.title} (v{obj.number}, {obj.original_name})"


class SendActionForm(forms.Form):
    action = forms.ChoiceField(label=_("Send"))
    text = forms.CharField(
        label=_("Text (questions, answer, reasons, summary of execution…)"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    considering = forms.ChoiceField(
        label=_("Consultation before"),
        required=False,
        choices=[("refusal", _("refusal")), ("postponement", _("postponement"))],
    )
    ground = forms.ChoiceField(
        label=_("Ground for refusal"),
        required=False,
        choices=[("", "—"), *RefusalGround.choices],
    )
    amount = forms.DecimalField(
        label=_("Amount of the extraordinary costs"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )
    currency = forms.CharField(
        label=_("Currency (ISO 4217 code, e.g. EUR)"),
        required=False,
        max_length=3,
        widget=forms.TextInput(attrs={"dir": "ltr", "size": 4}),
    )
    documents = _VersionChoice(
        label=_("Documents to send with it"),
        queryset=DocumentVersion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, case: Case, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action_field = self.fields["action"]
        assert isinstance(action_field, forms.ChoiceField)
        action_field.choices = [(name, business.ACTIONS[name].label) for name in actions]
        documents = self.fields["documents"]
        assert isinstance(documents, forms.ModelMultipleChoiceField)
        documents.queryset = (
            DocumentVersion.objects.filter(document__case=case)
            .select_related("document")
            .order_by("document__title", "-number")
        )

    def clean_text(self) -> str:
        text = str(self.cleaned_data.get("text") or "")
        if "\x00" in text:
            raise forms.ValidationError(_("The text contains a character that is not allowed."))
        return text.strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        needs_text = {
            "info_request",
            "info_answer",
            "consultation",
            "postponement",
            "refusal",
            "withdrawal",
        }
        if action in needs_text and not data.get("text"):
            self.add_error("text", _("Write the text of this message."))
        if action == "refusal" and not data.get("ground"):
            self.add_error("ground", _("Choose the ground for refusal."))
        if action == "costs_notice":
            if data.get("amount") is None:
                self.add_error("amount", _("Give the amount of the costs."))
            currency = str(data.get("currency") or "").upper()
            if not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
                self.add_error("currency", _("Give the currency as its three-letter code."))
            data["currency"] = currency
        return data
