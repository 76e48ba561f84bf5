from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import REMINDER_EVENTS, Delivery, Event


class NotificationPreferencesForm(forms.Form):
    """The language of one's e-mails and, per event, how one hears of it."""

    language = forms.ChoiceField(
        label=_("Language of your e-mails"),
        required=False,
        help_text=_("Also the language of the pages when you sign in."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["language"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("The site's language")), *settings.LANGUAGES]
        for event in Event:
            self.fields[event.value] = forms.ChoiceField(
                label=event.label, choices=Delivery.choices
            )

    def events(self) -> list[forms.BoundField]:
        return [self[e] for e in Event.values if e not in REMINDER_EVENTS]

    def reminders(self) -> list[forms.BoundField]:
        return [self[e] for e in Event.values if e in REMINDER_EVENTS]

    def deliveries(self) -> dict[str, str]:
        return {event: self.cleaned_data[event] for event in Event.values}
