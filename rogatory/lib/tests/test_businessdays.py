import datetime
import random

import pytest

from rogatory.lib.businessdays import (
    WorkCalendar,
    add_business_days,
    add_calendar_days,
    business_days_between,
    next_business_day,
)

D = datetime.date
SAT_SUN = WorkCalendar()
FRI_SAT = WorkCalendar(weekend=frozenset({4, 5}))


# A naive reference: walk one day at a time.
def naive_add(start: datetime.date, days: int, calendar: WorkCalendar) -> datetime.date:
    step = 1 if days > 0 else -1
    day, remaining = start, abs(days)
    while remaining:
        day += datetime.timedelta(days=step)
        if calendar.is_business_day(day):
            remaining -= 1
    return day


def naive_between(start: datetime.date, end: datetime.date, calendar: WorkCalendar) -> int:
    if end >= start:
        span = [start + datetime.timedelta(days=i) for i in range(1, (end - start).days + 1)]
        return sum(calendar.is_business_day(d) for d in span)
    span = [end + datetime.timedelta(days=i) for i in range((start - end).days)]
    return -sum(calendar.is_business_day(d) for d in span)


def test_default_calendar_has_a_saturday_sunday_weekend() -> None:
    """A calendar without arguments rests on Saturday and Sunday and has no holidays."""
    assert SAT_SUN.weekend == frozenset({5, 6})
    assert SAT_SUN.holidays == frozenset()
    assert SAT_SUN.is_business_day(D(2025, 1, 10))  # Friday
    assert not SAT_SUN.is_business_day(D(2025, 1, 11))  # Saturday


def test_calendar_accepts_lists_and_stays_hashable() -> None:
    """Weekend lists from a JSONField become frozensets; calendars compare by value."""
    calendar = WorkCalendar(weekend=[4, 5], holidays={D(2025, 1, 1)})  # type: ignore[arg-type]
    assert calendar.weekend == frozenset({4, 5})
    assert calendar == WorkCalendar(frozenset({4, 5}), frozenset({D(2025, 1, 1)}))
    assert hash(calendar) == hash(WorkCalendar(frozenset({4, 5}), frozenset({D(2025, 1, 1)})))


def test_datetime_holidays_are_treated_as_dates() -> None:
    """A holiday given as a datetime blocks its date."""
    calendar = WorkCalendar(holidays=frozenset({datetime.datetime(2025, 1, 6, 0, 0)}))
    assert not calendar.is_business_day(D(2025, 1, 6))
    assert add_business_days(D(2025, 1, 3), 1, calendar) == D(2025, 1, 7)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2025, 1, 6), 1, D(2025, 1, 7)),  # Monday + 1 = Tuesday
        (D(2025, 1, 10), 1, D(2025, 1, 13)),  # Friday + 1 = Monday
        (D(2025, 1, 11), 1, D(2025, 1, 13)),  # Saturday + 1 = Monday: start not counted
        (D(2025, 1, 12), 5, D(2025, 1, 17)),  # Sunday + 5 = Friday
        (D(2025, 1, 6), 5, D(2025, 1, 13)),  # a full week
        (D(2025, 1, 6), 10, D(2025, 1, 20)),
        (D(2025, 1, 13), -1, D(2025, 1, 10)),  # Monday - 1 = Friday
        (D(2025, 1, 12), -1, D(2025, 1, 10)),  # Sunday - 1 = Friday
        (D(2025, 1, 17), -5, D(2025, 1, 10)),
    ],
)
def test_add_business_days_saturday_sunday(
    start: datetime.date, days: int, expected: datetime.date
) -> None:
    assert add_business_days(start, days, SAT_SUN) == expected


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2025, 1, 8), 1, D(2025, 1, 9)),  # Wednesday + 1 = Thursday
        (D(2025, 1, 9), 1, D(2025, 1, 12)),  # Thursday + 1 = Sunday (Fri, Sat off)
        (D(2025, 1, 10), 1, D(2025, 1, 12)),  # Friday + 1 = Sunday
        (D(2025, 1, 11), 1, D(2025, 1, 12)),  # Saturday + 1 = Sunday
        (D(2025, 1, 12), -1, D(2025, 1, 9)),  # Sunday - 1 = Thursday
        (D(2025, 1, 9), 5, D(2025, 1, 16)),  # a full week
    ],
)
def test_add_business_days_friday_saturday(
    start: datetime.date, days: int, expected: datetime.date
) -> None:
    assert add_business_days(start, days, FRI_SAT) == expected


def test_zero_days_returns_start_even_on_a_weekend() -> None:
    """Adding no working days leaves the date alone, working day or not."""
    assert add_business_days(D(2025, 1, 11), 0, SAT_SUN) == D(2025, 1, 11)
    assert add_business_days(D(2025, 1, 8), 0) == D(2025, 1, 8)


def test_calendar_defaults_to_saturday_sunday() -> None:
    assert add_business_days(D(2025, 1, 10), 1) == D(2025, 1, 13)
    assert business_days_between(D(2025, 1, 10), D(2025, 1, 13)) == 1


def test_holiday_on_a_weekday_is_skipped() -> None:
    """A holiday on a working weekday pushes the count one day further."""
    calendar = WorkCalendar(holidays=frozenset({D(2025, 1, 7)}))  # Tuesday
    assert add_business_days(D(2025, 1, 6), 1, calendar) == D(2025, 1, 8)
    assert add_business_days(D(2025, 1, 6), 5, calendar) == D(2025, 1, 14)
    assert add_business_days(D(2025, 1, 8), -1, calendar) == D(2025, 1, 6)


def test_holiday_on_a_weekend_changes_nothing() -> None:
    """A holiday falling on a weekend day costs no working day."""
    calendar = WorkCalendar(holidays=frozenset({D(2025, 1, 11)}))  # Saturday
    assert add_business_days(D(2025, 1, 6), 5, calendar) == D(2025, 1, 13)
    assert business_days_between(D(2025, 1, 6), D(2025, 1, 13), calendar) == 5
    # A Sunday holiday is free under a Saturday–Sunday weekend but costs a day where the
    # weekend is Friday–Saturday and Sunday is a working day.
    sunday = frozenset({D(2025, 1, 12)})
    assert add_business_days(D(2025, 1, 10), 1, WorkCalendar(holidays=sunday)) == D(2025, 1, 13)
    fri_sat = WorkCalendar(weekend=frozenset({4, 5}), holidays=sunday)
    assert add_business_days(D(2025, 1, 9), 1, fri_sat) == D(2025, 1, 13)


def test_consecutive_holidays_found_by_the_extra_days() -> None:
    """Holidays reached only while making up for earlier holidays are skipped as well."""
    # Monday 6 to Friday 10 and Monday 13 are all holidays.
    days = {D(2025, 1, 6) + datetime.timedelta(days=i) for i in (0, 1, 2, 3, 4, 7)}
    calendar = WorkCalendar(holidays=frozenset(days))
    assert add_business_days(D(2025, 1, 3), 1, calendar) == D(2025, 1, 14)
    assert add_business_days(D(2025, 1, 14), -1, calendar) == D(2025, 1, 3)
    assert business_days_between(D(2025, 1, 3), D(2025, 1, 14), calendar) == 1
    assert business_days_between(D(2025, 1, 14), D(2025, 1, 3), calendar) == -1


def test_crossing_the_year_end() -> None:
    """New Year's Day and Christmas count as holidays across the turn of the year."""
    calendar = WorkCalendar(holidays=frozenset({D(2024, 12, 25), D(2024, 12, 26), D(2025, 1, 1)}))
    # Mon 23 Dec 2024 + 5: Tue 24, (25, 26 off) Fri 27, Mon 30, Tue 31, (1 Jan off) Thu 2.
    assert add_business_days(D(2024, 12, 23), 5, calendar) == D(2025, 1, 2)
    assert add_business_days(D(2025, 1, 2), -5, calendar) == D(2024, 12, 23)
    assert business_days_between(D(2024, 12, 23), D(2025, 1, 2), calendar) == 5
    # Leap year: 29 February 2024 is a Thursday.
    assert add_business_days(D(2024, 2, 28), 1, SAT_SUN) == D(2024, 2, 29)


def test_business_days_between_signs() -> None:
    assert business_days_between(D(2025, 1, 6), D(2025, 1, 6), SAT_SUN) == 0
    assert business_days_between(D(2025, 1, 6), D(2025, 1, 13), SAT_SUN) == 5
    assert business_days_between(D(2025, 1, 13), D(2025, 1, 6), SAT_SUN) == -5
    # Saturday to Sunday holds no working day either way.
    assert business_days_between(D(2025, 1, 11), D(2025, 1, 12), SAT_SUN) == 0
    assert business_days_between(D(2025, 1, 12), D(2025, 1, 11), SAT_SUN) == 0


def test_next_business_day() -> None:
    holiday = WorkCalendar(holidays=frozenset({D(2025, 1, 13)}))
    assert next_business_day(D(2025, 1, 10), holiday) == D(2025, 1, 10)  # already one
    assert next_business_day(D(2025, 1, 11), holiday) == D(2025, 1, 14)  # past Monday holiday
    assert next_business_day(D(2025, 1, 10), FRI_SAT) == D(2025, 1, 12)


def test_add_calendar_days_rolls_forward() -> None:
    """Calendar-day limits ending on a rest day expire on the next working day."""
    assert add_calendar_days(D(2025, 1, 6), 3, SAT_SUN) == D(2025, 1, 9)  # Thursday stays
    assert add_calendar_days(D(2025, 1, 6), 5, SAT_SUN) == D(2025, 1, 13)  # Saturday → Monday
    assert add_calendar_days(D(2025, 1, 6), 4, FRI_SAT) == D(2025, 1, 12)  # Friday → Sunday
    assert add_calendar_days(D(2025, 1, 13), -2, SAT_SUN) == D(2025, 1, 13)  # Sat → Monday
    year_end = WorkCalendar(holidays=frozenset({D(2025, 1, 1)}))
    assert add_calendar_days(D(2024, 12, 2), 30, year_end) == D(2025, 1, 2)
    assert add_calendar_days(D(2025, 1, 6), 0, SAT_SUN) == D(2025, 1, 6)


@pytest.mark.parametrize("weekend", [[7], [-1], ["5"], [True]])
def test_invalid_weekday_numbers_are_rejected(weekend: list[object]) -> None:
    with pytest.raises(ValueError, match="weekend"):
        WorkCalendar(weekend=frozenset(weekend))  # type: ignore[arg-type]


def test_seven_day_weekend_is_refused_when_counting() -> None:
    """A calendar without working days raises instead of looping for ever."""
    never = WorkCalendar(weekend=frozenset(range(7)))
    assert not never.is_business_day(D(2025, 1, 6))
    with pytest.raises(ValueError, match="no working days"):
        add_business_days(D(2025, 1, 6), 1, never)
    with pytest.raises(ValueError, match="no working days"):
        add_business_days(D(2025, 1, 6), -3, never)
    with pytest.raises(ValueError, match="no working days"):
        business_days_between(D(2025, 1, 6), D(2025, 2, 6), never)
    with pytest.raises(ValueError, match="no working days"):
        next_business_day(D(2025, 1, 6), never)
    with pytest.raises(ValueError, match="no working days"):
        add_calendar_days(D(2025, 1, 6), 3, never)


def test_six_day_weekend_still_counts() -> None:
    """One working day a week (Wednesday) is enough."""
    wednesdays = WorkCalendar(weekend=frozenset({0, 1, 3, 4, 5, 6}))
    assert add_business_days(D(2025, 1, 6), 1, wednesdays) == D(2025, 1, 8)
    assert add_business_days(D(2025, 1, 6), 52, wednesdays) == D(2025, 12, 31)
    assert add_business_days(D(2025, 1, 8), -1, wednesdays) == D(2025, 1, 1)


def test_no_weekend_at_all() -> None:
    every_day = WorkCalendar(weekend=frozenset())
    assert add_business_days(D(2025, 1, 1), 365, every_day) == D(2026, 1, 1)
    assert business_days_between(D(2025, 1, 1), D(2026, 1, 1), every_day) == 365


def _random_calendar(rng: random.Random) -> WorkCalendar:
    weekend = frozenset(rng.sample(range(7), rng.choice([0, 1, 2, 2, 2, 3, 6])))
    first = D(2023, 1, 1)
    # Dense holidays (up to a third of the days) so that runs of holidays occur.
    holidays = frozenset(
        first + datetime.timedelta(days=rng.randrange(5 * 366))
        for _ in range(rng.choice([0, 10, 100, 600]))
    )
    return WorkCalendar(weekend=weekend, holidays=holidays)


def test_fast_counts_match_a_day_by_day_walk() -> None:
    """Whole-week arithmetic with holiday corrections agrees with the naive walk."""
    rng = random.Random(20250101)
    for _ in range(400):
        calendar = _random_calendar(rng)
        start = D(2023, 1, 1) + datetime.timedelta(days=rng.randrange(5 * 366))
        days = rng.choice([rng.randint(-15, 15), rng.randint(-800, 800)])
        expected = naive_add(start, days, calendar)
        assert add_business_days(start, days, calendar) == expected, (calendar, start, days)
        if days:
            assert calendar.is_business_day(expected)
        assert business_days_between(start, expected, calendar) == days
        end = start + datetime.timedelta(days=rng.randint(-1000, 1000))
        assert business_days_between(start, end, calendar) == naive_between(start, end, calendar)
        assert next_business_day(end, calendar) == (
            end if calendar.is_business_day(end) else naive_add(end, 1, calendar)
        )


def test_add_then_count_back_is_identity_for_working_days() -> None:
    rng = random.Random(7)
    calendar = WorkCalendar(
        weekend=frozenset({4, 5}),
        holidays=frozenset(D(2024, 1, 1) + datetime.timedelta(days=7 * i + 2) for i in range(60)),
    )
    for _ in range(200):
        start = D(2024, 1, 1) + datetime.timedelta(days=rng.randrange(400))
        end = next_business_day(start + datetime.timedelta(days=rng.randint(-300, 300)), calendar)
        count = business_days_between(start, end, calendar)
        assert add_business_days(start, count, calendar) == end


def test_very_large_counts_are_fast() -> None:
    """A count of a hundred thousand working days walks at most a week."""
    holidays = frozenset(D(2025, 1, 1) + datetime.timedelta(days=i) for i in range(0, 3000, 3))
    calendar = WorkCalendar(holidays=holidays)
    end = add_business_days(D(2025, 1, 1), 100_000, calendar)
    assert business_days_between(D(2025, 1, 1), end, calendar) == 100_000
    # 1 January 2025 is itself a holiday here, so counting back lands on the day before.
    assert add_business_days(end, -100_000, calendar) == D(2024, 12, 31)
