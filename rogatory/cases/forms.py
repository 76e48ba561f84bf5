"""Forms of the case pages. They validate input; the actions in actions.py make the changes."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from rogatory.accounts.models import Authority, User
from rogatory.directory.models import CompetentAuthority
from rogatory.lib.validators import PlausibleDateField, bounded_formfield, validate_text
from rogatory.reference.fields import StateChoiceField
from rogatory.reference.models import IccsCategory, State
from rogatory.reference.options import CachedSelect
from rogatory.treaties.models import Instrument

from .actions import CASE_FIELDS
from .choices import (
    Channel,
    Direction,
    DocumentKind,
    FollowUpDirection,
    LinkKind,
    MeasureStatus,
    MeasureType,
    PersonRole,
    RefusalGround,
)
from .models import Case, CaseSettings
from .reassign import officers_of
from .validation import CASE_DATES, date_order_problems

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTAREA = forms.Textarea(attrs={"rows": 4})

# Case fields on the registration and edit form, in the order shown; the two states come from
# the "other state" field and the authority's own state.
CASE_FORM_FIELDS = [
    name for name in CASE_FIELDS if name not in ("requesting_state", "requested_state")
]


def clean_reference(value: str, case: Case) -> str:
    """Our reference as typed, unless another request of the authority has it.

    Left blank, a new request gets the registry's next number and an existing one keeps its own.
    """
    reference = value.strip()
    if not reference:
        return case.our_reference if case.pk else ""
    taken = Case.objects.filter(authority_id=case.authority_id, our_reference=reference)
    if taken.exclude(pk=case.pk).exists():
        raise forms.ValidationError(_("Another request already has this reference."))
    return reference


def _short_title(instrument: Instrument) -> str:
    return instrument.short_title


def _state_and_name(authority: CompetentAuthority) -> str:
    return f"{authority.profile.state.name} — {authority.name}"


class CaseForm(forms.ModelForm):
    """Register a request or change its details. The other state decides who requests whom."""

    counterpart: forms.ModelChoiceField = StateChoiceField(
        widget=CachedSelect("case.counterpart"),
        label=_("Other state"),
        help_text=_("The requesting state of an incoming request, the requested state otherwise."),
    )

    class Meta:
        model = Case
        fields = CASE_FORM_FIELDS
        formfield_callback = bounded_formfield
        widgets = {
            "summary_of_facts": TEXTAREA,
            "purpose": TEXTAREA,
            "procedure": TEXTAREA,
            **{
                name: DATE_WIDGET
                for name in CASE_FORM_FIELDS
                if name.endswith("_on") or name.endswith("deadline")
            },
        }
        help_texts = {
            "our_reference": _("Left blank, the next number of the registry is given."),
            "deadline": _(
                "Left blank for an incoming request, it is computed from the deadline asked "
                "or from the authority's working days."
            ),
            "legal_basis_article": _("e.g. art. 18 or art. 46"),
        }

    def __init__(self, *args: Any, authority: Authority, direction: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.authority = authority
        self.direction = direction
        if self.instance.pk is None:
            self.instance.authority = authority  # for the reference check
        self.fields["our_reference"].required = False
        # The channel defaults as the model says (central authorities) when a form leaves it
        # out (a client posting only what it knows); an unknown value is still refused.
        self.fields["channel"].required = False
        choices = cast(dict[str, forms.ModelChoiceField], self.fields)
        choices["officer"].queryset = officers_of(authority.pk, active_only=True)
        choices["legal_basis"].queryset = Instrument.objects.order_by("kind", "short_title")
        choices["legal_basis"].label_from_instance = _short_title  # type: ignore[assignment]
        directory = CompetentAuthority.objects.select_related("profile__state").order_by(
            "profile__state__name", "-is_central", "name"
        )
        # Our side lists our own state's authorities; the other side the other state's once it
        # is known (editing), every state's otherwise.
        ours, theirs = (
            ("requested_authority", "requesting_authority")
            if direction == Direction.INCOMING
            else ("requesting_authority", "requested_authority")
        )
        choices[ours].queryset = directory.filter(profile__state_id=authority.state_id)
        # The state as posted, when the form is bound: choosing another state and one of its
        # authorities is one save (clean() checks that they agree), not two.
        other_state = self.instance.counterpart_state_id if self.instance.pk else None
        if self.is_bound:
            posted = self.data.get(self.add_prefix("counterpart"))
            other_state = posted if isinstance(posted, str) and posted else None
        choices[theirs].queryset = (
            directory.filter(profile__state_id=other_state) if other_state else directory
        )
        for name in ("requesting_authority", "requested_authority"):
            choices[name].label_from_instance = _state_and_name  # type: ignore[assignment]
        # Each authority is asked once from the directory, once as written (when it is not
        # in the directory, or under another name).
        self.fields["requesting_authority"].label = _("Requesting authority (directory)")
        self.fields["requested_authority"].label = _("Requested authority (directory)")
        self.fields["requesting_authority_name"].label = _("Requesting authority (as written)")
        self.fields["requested_authority_name"].label = _("Requested authority (as written)")
        for name in ("requesting_authority_name", "requested_authority_name"):
            self.fields[name].help_text = _(
                "Left blank, the name of the authority chosen from the directory is used."
            )
        if self.instance.pk:
            self.fields["counterpart"].initial = self.instance.counterpart_state_id
        self.order_fields(["counterpart", *CASE_FORM_FIELDS])

    def clean_our_reference(self) -> str:
        return clean_reference(self.cleaned_data.get("our_reference", ""), self.instance)

    def clean_channel(self) -> str:
        value: str = self.cleaned_data.get("channel") or ""
        return value or (self.instance.channel if self.instance.pk else Channel.CENTRAL_AUTHORITIES)

    def clean_counterpart(self) -> State:
        state: State = self.cleaned_data["counterpart"]
        if state.pk == self.authority.state_id:
            raise forms.ValidationError(_("The other state cannot be your own state."))
        return state

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The dates the form holds, over the ones the lifecycle set (acknowledged on, …).
        dates = {name: getattr(self.instance, name, None) for name in CASE_DATES}
        dates |= {name: cleaned[name] for name in CASE_DATES if name in cleaned}
        other = cleaned.get("counterpart")
        theirs = (
            "requesting_authority"
            if self.direction == Direction.INCOMING
            else ("requested_authority")
        )
        chosen = cleaned.get(theirs)
        if other is not None and chosen is not None and chosen.profile.state_id != other.pk:
            self.add_error(
                theirs, _("This authority is not one of %(state)s.") % {"state": other.name}
            )
        for name, message in date_order_problems(dates):
            if name in self.fields:
                self.add_error(name, message)
            else:
                self.add_error(None, message)
        return cleaned

    def case_fields(self) -> dict[str, Any]:
        """The cleaned data as the fields the actions take, states included."""
        fields = {name: self.cleaned_data[name] for name in CASE_FORM_FIELDS}
        own = self.authority.state
        other = self.cleaned_data["counterpart"]
        if self.direction == Direction.INCOMING:
            fields |= {"requesting_state": other, "requested_state": own}
        else:
            fields |= {"requesting_state": own, "requested_state": other}
        for name in ("requesting_authority", "requested_authority"):
            chosen = fields[name]
            if chosen is not None and not fields[f"{name}_name"]:
                fields[f"{name}_name"] = chosen.name
        return fields


class PageForm(forms.Form):
    """A form among several on the case page: its field ids start with ``id_prefix``."""

    id_prefix = "case"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class TransitionForm(PageForm):
    id_prefix = "transition"

    action = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, widget=TEXTAREA, max_length=4000)
    ground = forms.ChoiceField(
        label=_("Ground for refusal"),
        required=False,
        choices=[("", "—"), *RefusalGround.choices],
    )
    on = PlausibleDateField(label=_("Date"), required=False, widget=DATE_WIDGET)


class AssignForm(PageForm):
    id_prefix = "assign"

    officer = forms.ModelChoiceField(
        queryset=User.objects.none(), label=_("Responsible officer"), required=False
    )

    def __init__(self, *args: Any, authority: Authority, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers_of(authority.pk, active_only=True)  # type: ignore[attr-defined]


class OffenceForm(PageForm):
    id_prefix = "offence"

    national_name = forms.CharField(label=_("Offence under national law"), max_length=300)
    national_provision = forms.CharField(label=_("Provision"), max_length=200, required=False)
    iccs: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=IccsCategory.objects.order_by("code"),
        widget=CachedSelect("offence.iccs"),
        label=_("ICCS category"),
        required=False,
        to_field_name="code",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["iccs"].label_from_instance = lambda c: f"{c.code} {c.title}"  # type: ignore[attr-defined]


class PersonForm(PageForm):
    id_prefix = "person"

    role = forms.ChoiceField(label=_("Role"), choices=PersonRole.choices)
    is_legal_person = forms.BooleanField(label=_("Legal person"), required=False)
    name = forms.CharField(label=_("Name"), max_length=300)
    other_names = forms.CharField(
        label=_("Other names and aliases"), max_length=300, required=False
    )
    date_of_birth = PlausibleDateField(label=_("Date of birth"), required=False, widget=DATE_WIDGET)
    place_of_birth = forms.CharField(label=_("Place of birth"), max_length=200, required=False)
    nationality: forms.ModelChoiceField = StateChoiceField(
        widget=CachedSelect("person.nationality"),
        label=_("Nationality"),
        required=False,
    )
    identity_document = forms.CharField(
        label=_("Identity document"), max_length=200, required=False
    )
    location = forms.CharField(
        label=_("Known address or whereabouts"), max_length=400, required=False
    )

    def clean_date_of_birth(self) -> datetime.date | None:
        born: datetime.date | None = self.cleaned_data.get("date_of_birth")
        if born and born > datetime.date.today():
            raise forms.ValidationError(_("The date of birth is in the future."))
        return born


class MeasureForm(PageForm):
    id_prefix = "measure"

    kind = forms.ChoiceField(label=_("Measure"), choices=MeasureType.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=TEXTAREA, max_length=4000
    )
    deadline = PlausibleDateField(label=_("Deadline"), required=False, widget=DATE_WIDGET)


class MeasureStatusForm(PageForm):
    id_prefix = "measure-status"

    status = forms.ChoiceField(label=_("New status"), choices=MeasureStatus.choices)
    reason = forms.CharField(label=_("Reason"), required=False, widget=TEXTAREA, max_length=4000)
    ground = forms.ChoiceField(
        label=_("Ground for refusal"), required=False, choices=[("", "—"), *RefusalGround.choices]
    )
    on = PlausibleDateField(label=_("Date"), required=False, widget=DATE_WIDGET)


class LinkForm(PageForm):
    id_prefix = "link"

    reference = forms.CharField(
        label=_("Reference of the related request"),
        max_length=60,
        help_text=_("Our reference of the other request, e.g. OUT-2026-00012."),
    )
    kind = forms.ChoiceField(label=_("Relation"), choices=LinkKind.choices)


class FollowUpForm(PageForm):
    id_prefix = "follow-up"

    direction = forms.ChoiceField(label=_("Direction"), choices=FollowUpDirection.choices)
    asked_on = PlausibleDateField(label=_("Asked on"), widget=DATE_WIDGET)
    question = forms.CharField(label=_("What was asked"), widget=TEXTAREA, max_length=4000)


class AnswerForm(PageForm):
    id_prefix = "answer"

    answered_on = PlausibleDateField(label=_("Answered on"), widget=DATE_WIDGET)
    answer = forms.CharField(label=_("Answer"), widget=TEXTAREA, max_length=4000)


class DocumentForm(PageForm):
    id_prefix = "document"

    title = forms.CharField(label=_("Title"), max_length=300, validators=[validate_text])
    kind = forms.ChoiceField(label=_("Kind of document"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File"))
    sha256 = forms.RegexField(
        label=_("SHA-256 checksum (optional)"),
        regex=r"^[0-9a-fA-F]{64}$",
        required=False,
        error_messages={
            "invalid": _(
                "A SHA-256 checksum has 64 characters, each 0-9 or a-f; this one does not."
            )
        },
        help_text=_("Given, the upload is refused unless the file matches it."),
    )


class UploadStartForm(forms.Form):
    """A resumable upload announced by the browser (JSON): the file's name and size, and the
    document's fields as in DocumentForm."""

    name = forms.CharField(label=_("File"), max_length=255, validators=[validate_text])
    size = forms.IntegerField(label=_("size"))
    title = DocumentForm.base_fields["title"]
    kind = DocumentForm.base_fields["kind"]
    sha256 = DocumentForm.base_fields["sha256"]


class VersionForm(PageForm):
    id_prefix = "version"

    file = forms.FileField(label=_("File"))
    sha256 = DocumentForm.base_fields["sha256"]


class CaseSettingsForm(forms.ModelForm):
    weekend = forms.MultipleChoiceField(
        label=_("Weekly days off"),
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = CaseSettings
        formfield_callback = bounded_formfield
        fields = [
            "weekend",
            "acknowledge_within",
            "execute_within",
            "answer_follow_up_within",
            "remind_before",
        ]

    def clean_weekend(self) -> list[int]:
        days = sorted({int(d) for d in self.cleaned_data.get("weekend", [])})
        if len(days) >= 7:
            raise forms.ValidationError(_("At least one day of the week must be a working day."))
        return days


class HolidayForm(forms.Form):
    day = PlausibleDateField(label=_("Date"), widget=DATE_WIDGET)
    name = forms.CharField(label=_("Name"), max_length=200)
