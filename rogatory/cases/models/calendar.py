"""Each authority's working calendar: weekend days, public holidays, default time limits."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from rogatory.lib.businessdays import WorkCalendar


def default_weekend() -> list[int]:
    return [5, 6]  # Saturday and Sunday (Monday is 0)


class CaseSettings(models.Model):
    """How an authority counts time limits; created with defaults when first needed."""

    authority = models.OneToOneField(
        "accounts.Authority", on_delete=models.CASCADE, related_name="case_settings"
    )
    # Weekday numbers (Monday 0 … Sunday 6) that are not working days, e.g. [4, 5] for a
    # Friday–Saturday weekend.
    weekend = models.JSONField(_("weekend days"), default=default_weekend)
    acknowledge_within = models.PositiveSmallIntegerField(
        _("acknowledge receipt within (working days)"), default=5
    )
    # Working deadline of an incoming request when the requesting side names none.
    execute_within = models.PositiveSmallIntegerField(
        _("execute within (working days)"), default=60
    )
    answer_follow_up_within = models.PositiveSmallIntegerField(
        _("answer status requests within (working days)"), default=10
    )
    remind_before = models.PositiveSmallIntegerField(
        _("remind this many working days before a deadline"), default=5
    )

    class Meta:
        verbose_name = _("case settings")
        verbose_name_plural = _("case settings")

    def __str__(self) -> str:
        return f"{self.authority_id}"

    def work_calendar(self) -> WorkCalendar:
        from rogatory.lib.businessdays import WorkCalendar

        holidays = frozenset(
            Holiday.objects.filter(authority_id=self.authority_id).values_list("day", flat=True)
        )
        return WorkCalendar(weekend=frozenset(self.weekend), holidays=holidays)


class Holiday(models.Model):
    """A public holiday on which the authority does not count time."""

    authority = models.ForeignKey(
        "accounts.Authority", on_delete=models.CASCADE, related_name="holidays"
    )
    day = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["day"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        constraints = [models.UniqueConstraint(fields=["authority", "day"], name="unique_holiday")]

    def __str__(self) -> str:
        return f"{self.day}: {self.name}"

    @property
    def is_past(self) -> bool:
        return self.day < datetime.date.today()
