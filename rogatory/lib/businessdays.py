"""Count working days the way authorities count time limits.

A :class:`WorkCalendar` names the weekend days (they differ by country: Saturday–Sunday in
most of Europe, Friday–Saturday in many Arab states) and the public holidays. Counting starts
on the day after the starting date, as time limits do: a request received on Monday with a
limit of one working day is due on Tuesday.

Large counts are computed with whole weeks first and then corrected for the holidays in the
range (found by bisection in a sorted list), so a deadline of 600 working days costs no more
than one of 6. Pure Python, no Django.
"""

from __future__ import annotations

import datetime
import functools
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "DEFAULT_WEEKEND",
    "WorkCalendar",
    "add_business_days",
    "add_calendar_days",
    "business_days_between",
    "next_business_day",
]

ONE_DAY = datetime.timedelta(days=1)
# Saturday and Sunday; Monday is 0, as in datetime.date.weekday().
DEFAULT_WEEKEND: frozenset[int] = frozenset({5, 6})


@dataclass(frozen=True)
class WorkCalendar:
    """Weekend days (Monday 0 … Sunday 6) and public holidays of one authority."""

    weekend: frozenset[int] = DEFAULT_WEEKEND
    holidays: frozenset[datetime.date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        # Accept any iterable (a list from a JSONField, a set) and store frozensets, so the
        # calendar stays hashable and immutable whatever the caller passed.
        weekend = frozenset(self.weekend)
        for day in weekend:
            if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
                raise ValueError(f"weekend days are numbers from 0 (Monday) to 6, not {day!r}")
        object.__setattr__(self, "weekend", weekend)
        object.__setattr__(self, "holidays", frozenset(_as_dates(self.holidays)))
        # A seven-day weekend is representable (a half-configured authority); the functions
        # that need a working day raise ValueError for it instead.

    @property
    def workdays_per_week(self) -> int:
        """Return how many days of every week are not weekend days."""
        return 7 - len(self.weekend)

    def is_business_day(self, day: datetime.date) -> bool:
        """Return whether ``day`` is neither a weekend day nor a public holiday."""
        return day.weekday() not in self.weekend and _as_date(day) not in self.holidays

    @functools.cached_property
    def _working_holidays(self) -> tuple[datetime.date, ...]:
        """Holidays that fall on working weekdays, sorted: only these change a count."""
        # cached_property writes to the instance __dict__, which a frozen dataclass allows;
        # the calendar is built once per request and reused for many cases.
        return tuple(sorted(d for d in self.holidays if d.weekday() not in self.weekend))

    def _check_usable(self) -> None:
        if self.workdays_per_week == 0:
            raise ValueError("a calendar whose weekend is all seven days has no working days")


def _as_date(day: datetime.date) -> datetime.date:
    # datetime is a subclass of date but neither equal to nor hashed like its date.
    return day.date() if isinstance(day, datetime.datetime) else day


def _as_dates(days: Iterable[datetime.date]) -> Iterable[datetime.date]:
    return (_as_date(day) for day in days)


def _calendar(calendar: WorkCalendar | None) -> WorkCalendar:
    calendar = calendar if calendar is not None else WorkCalendar()
    calendar._check_usable()
    return calendar


def _shift_weekdays(start: datetime.date, days: int, weekend: frozenset[int]) -> datetime.date:
    """Move ``days`` non-weekend days from ``start`` (not counted), ignoring holidays."""
    if days == 0:
        return start
    per_week = 7 - len(weekend)
    step = 1 if days > 0 else -1
    remaining = abs(days)
    # Any seven consecutive days hold exactly ``per_week`` working weekdays, so whole weeks
    # can be skipped; at least one working day is left for the walk, which then ends on one.
    weeks = (remaining - 1) // per_week
    day = start + datetime.timedelta(weeks=weeks * step)
    remaining -= weeks * per_week
    while remaining:
        day += ONE_DAY * step
        if day.weekday() not in weekend:
            remaining -= 1
    return day


def _count_weekdays(start: datetime.date, end: datetime.date, weekend: frozenset[int]) -> int:
    """Count non-weekend days in (start, end], ignoring holidays; ``end`` >= ``start``."""
    weeks, rest = divmod((end - start).days, 7)
    count = weeks * (7 - len(weekend))
    day = start + datetime.timedelta(weeks=weeks)
    for _ in range(rest):
        day += ONE_DAY
        if day.weekday() not in weekend:
            count += 1
    return count


def add_business_days(
    start: datetime.date, days: int, calendar: WorkCalendar | None = None
) -> datetime.date:
    """Return the date ``days`` working days after ``start`` (before it if negative).

    ``start`` itself is not counted, whether or not it is a working day: one working day after
    a Saturday is the Monday. ``days=0`` returns ``start`` unchanged.
    """
    if days == 0:
        return start
    calendar = _calendar(calendar)
    start = _as_date(start)
    holidays = calendar._working_holidays
    end = _shift_weekdays(start, days, calendar.weekend)
    if days > 0:
        # Each holiday in the range just covered costs one more working day; the extra days
        # may cover further holidays, so repeat until a stretch holds none.
        low = start
        while missed := bisect_right(holidays, end) - bisect_right(holidays, low):
            low, end = end, _shift_weekdays(end, missed, calendar.weekend)
    else:
        high = start
        while missed := bisect_left(holidays, high) - bisect_left(holidays, end):
            high, end = end, _shift_weekdays(end, -missed, calendar.weekend)
    return end


def business_days_between(
    start: datetime.date, end: datetime.date, calendar: WorkCalendar | None = None
) -> int:
    """Count working days after ``start`` up to and including ``end``.

    Negative when ``end`` is before ``start``: minus the working days from ``end`` (included)
    up to ``start`` (excluded). So ``add_business_days(start, business_days_between(start,
    end))`` is ``end`` whenever ``end`` is a working day, in both directions.
    """
    calendar = _calendar(calendar)
    start, end = _as_date(start), _as_date(end)
    holidays = calendar._working_holidays
    if end >= start:
        count = _count_weekdays(start, end, calendar.weekend)
        return count - (bisect_right(holidays, end) - bisect_right(holidays, start))
    # [end, start) is (end - 1 day, start - 1 day].
    low, high = end - ONE_DAY, start - ONE_DAY
    count = _count_weekdays(low, high, calendar.weekend)
    return -(count - (bisect_right(holidays, high) - bisect_right(holidays, low)))


def next_business_day(day: datetime.date, calendar: WorkCalendar | None = None) -> datetime.date:
    """Return ``day`` if it is a working day, otherwise the first working day after it."""
    calendar = _calendar(calendar)
    day = _as_date(day)
    if calendar.is_business_day(day):
        return day
    return add_business_days(day, 1, calendar)


def add_calendar_days(
    start: datetime.date, days: int, calendar: WorkCalendar | None = None
) -> datetime.date:
    """Return ``start`` plus ``days`` calendar days, moved on to the next working day.

    Time limits counted in calendar days (e.g. "within 30 days") that end on a weekend day or
    a holiday usually expire on the next working day. The roll is forward for negative
    ``days`` too, so the result is never a non-working day.
    """
    return next_business_day(_as_date(start) + datetime.timedelta(days=days), calendar)
