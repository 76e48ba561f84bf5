"""Assets of a request and what happened to them; informal enquiries; exchange rates.

The tenant is the case's authority (decision 0004): an asset is seen by whoever sees its
case (``Case.objects.for_user``). Amounts are ``Decimal`` with an ISO 4217 currency; they are
never added across currencies except with a rate the authority entered (``ExchangeRate``).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rogatory.accounts.models import Authority, User
from rogatory.cases.models import Case

from .choices import AssetKind, Network, Stage, UncacOffence

# Room for the largest confiscations and for four decimals (ISO 4217 minor units go up to 4).
AMOUNT_DIGITS = 22
AMOUNT_PLACES = 4


class AssetQuerySet(models.QuerySet["Asset"]):
    def for_user(self, user: User) -> AssetQuerySet:
        """Assets of the cases ``user`` may see (strictly confidential ones included)."""
        return self.filter(case__in=Case.objects.for_user(user))

    def for_authority(self, authority: Authority) -> AssetQuerySet:
        """All the assets of ``authority`` (for figures it reports as a whole)."""
        return self.filter(authority=authority)


class Asset(models.Model):
    """A thing of value linked to a request, followed from identification to return."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assets")
    # Copied from the case: the tenant, for lists and figures without a join.
    authority = models.ForeignKey(
        "accounts.Authority", on_delete=models.CASCADE, related_name="assets"
    )
    kind = models.CharField(_("kind of asset"), max_length=20, choices=AssetKind.choices)
    description = models.TextField(_("description"))
    location_state = models.ForeignKey(
        "reference.State",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("where the asset is"),
    )
    holder = models.CharField(_("holder"), max_length=300, blank=True)
    value = models.DecimalField(
        _("estimated value"),
        null=True,
        blank=True,
        max_digits=AMOUNT_DIGITS,
        decimal_places=AMOUNT_PLACES,
    )
    currency = models.ForeignKey(
        "reference.Currency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("currency"),
    )
    valued_on = models.DateField(_("valuation date"), null=True, blank=True)
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.IDENTIFIED
    )
    # Asset Recovery Watch (StAR): the states the proceeds passed through, the states of those
    # who paid the bribes, and the UNCAC offences (codes of choices.UncacOffence).
    transit_states = models.ManyToManyField(
        "reference.State",
        blank=True,
        related_name="assets_in_transit+",
        verbose_name=_("transit states"),
    )
    bribe_payer_states = models.ManyToManyField(
        "reference.State",
        blank=True,
        related_name="assets_of_bribe_payers+",
        verbose_name=_("states of the bribe payers"),
    )
    uncac_offences = models.JSONField(_("UNCAC offences"), default=list, blank=True)
    # The expiry of the freezing or seizure order in force, kept while the asset is frozen or
    # seized so that the reminders and the lists find orders about to lapse with one query.
    order_expires_on = models.DateField(_("order expires on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssetQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        indexes = [
            models.Index(fields=["authority", "stage"], name="asset_authority_stage"),
            models.Index(fields=["order_expires_on"], name="asset_order_expiry"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(currency__isnull=False),
                name="asset_value_has_currency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("asset_detail", args=[self.case.public_id, self.public_id])

    def uncac_offence_labels(self) -> list[str]:
        """The UNCAC offences as people read them, in the order of the convention."""
        chosen = set(self.uncac_offences or [])
        return [str(label) for value, label in UncacOffence.choices if value in chosen]


class AssetEvent(models.Model):
    """One step of an asset's recovery, with what the step needs (order, amounts, agreement)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("step"), max_length=20)
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    # The day the step happened (the order's date, the day of return), not the day recorded.
    on = models.DateField(_("date"))
    # The step's main amount: value frozen or seized, confiscated, sale proceeds, costs of
    # management, amount shared or returned (see lifecycle.STEPS for which).
    amount = models.DecimalField(
        _("amount"), null=True, blank=True, max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES
    )
    currency = models.ForeignKey(
        "reference.Currency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # UNCAC art. 57(4): reasonable expenses deducted before return, in the same currency.
    expenses_deducted = models.DecimalField(
        _("reasonable expenses deducted"),
        null=True,
        blank=True,
        max_digits=AMOUNT_DIGITS,
        decimal_places=AMOUNT_PLACES,
    )
    expires_on = models.DateField(_("order expires on"), null=True, blank=True)
    # The other fields of the step (order reference, authority, type of confiscation,
    # manager, category of return, agreement, end use), as entered.
    details = models.JSONField(default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("recorded at"))
    # Copied so the record outlives the account.
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_name = models.CharField(_("who"), max_length=150, blank=True)

    class Meta:
        ordering = ["on", "at", "id"]
        verbose_name = _("asset event")
        verbose_name_plural = _("asset events")
        indexes = [models.Index(fields=["step", "on"], name="asset_event_step_on")]

    def __str__(self) -> str:
        return f"{self.on} {self.step} {self.to_stage}"


class InformalEnquiryQuerySet(models.QuerySet["InformalEnquiry"]):
    def for_user(self, user: User) -> InformalEnquiryQuerySet:
        """The user's authority's enquiries: those of no case, and those of cases he sees."""
        if not user.is_authenticated or user.authority_id is None:
            return self.none()
        return self.filter(authority_id=user.authority_id).filter(
            Q(case__isnull=True) | Q(case__in=Case.objects.for_user(user))
        )

    def for_authority(self, authority: Authority) -> InformalEnquiryQuerySet:
        return self.filter(authority=authority)


class InformalEnquiry(models.Model):
    """A question put through CARIN or an ARIN contact point, outside any formal request.

    Informal cooperation often comes before (and decides whether to make) a formal request
    for mutual legal assistance; it is logged here, apart from the requests.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(
        "accounts.Authority", on_delete=models.CASCADE, related_name="informal_enquiries"
    )
    case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="informal_enquiries",
        verbose_name=_("request"),
    )
    network = models.CharField(_("network"), max_length=20, choices=Network.choices)
    counterpart_state = models.ForeignKey(
        "reference.State",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("counterpart state"),
    )
    sent_on = models.DateField(_("sent on"))
    subject = models.TextField(_("subject"))
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    recorded_by_name = models.CharField(max_length=150, blank=True)

    objects = InformalEnquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = _("informal enquiry")
        verbose_name_plural = _("informal enquiries")

    def __str__(self) -> str:
        return f"{self.sent_on} {self.network} {self.counterpart_state_id}"


class ExchangeRateQuerySet(models.QuerySet["ExchangeRate"]):
    def for_user(self, user: User) -> ExchangeRateQuerySet:
        if not user.is_authenticated or user.authority_id is None:
            return self.none()
        return self.filter(authority_id=user.authority_id)


class ExchangeRate(models.Model):
    """A rate an authority entered, with its date and source: 1 ``from`` = ``rate`` ``to``."""

    authority = models.ForeignKey(
        "accounts.Authority", on_delete=models.CASCADE, related_name="exchange_rates"
    )
    from_currency = models.ForeignKey(
        "reference.Currency", on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_currency = models.ForeignKey(
        "reference.Currency", on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    rate = models.DecimalField(_("rate"), max_digits=24, decimal_places=10)
    on = models.DateField(_("rate date"))
    source = models.CharField(_("source"), max_length=300)
    recorded_by_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ExchangeRateQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchange_rate_positive"),
            models.CheckConstraint(
                condition=~Q(from_currency=models.F("to_currency")),
                name="exchange_rate_two_currencies",
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.from_currency_id} = {self.rate} {self.to_currency_id} ({self.on})"
