"""Form fields over reference data whose options follow the reader's language order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator

from rogatory.lib.collation import collated

from .models import State


class CollatedChoiceIterator(ModelChoiceIterator):
    """The queryset's choices sorted by their labels in the active language (ICU collation):
    Chinese by pinyin, Arabic and Russian by their alphabets, not by the English name."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in collated(self.queryset, self.field.label_from_instance):
            yield self.choice(obj)


class StateChoiceField(forms.ModelChoiceField):
    """A state, chosen from every state named as the UN names it, in the reader's order."""

    iterator = CollatedChoiceIterator

    def __init__(self, queryset: Any = None, **kwargs: Any) -> None:
        super().__init__(queryset=State.objects.all() if queryset is None else queryset, **kwargs)
