"""The date and money rules against plainly written independent calculations, over every day of several
years (29, 30 and 31 of each month and leap years included), and the SQL twins of the rules against the
Python rules on generated worlds (hypothesis)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from placements import rules, selectors
from placements.choices import CostKind
from placements.models import CostLine
from tests.factories import make_child, make_placement

FIRST, LAST = date(2019, 1, 1), date(2025, 12, 31)
EVERY_DAY = [FIRST + timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
#: Birthdays that trip up date arithmetic: the 28th to the 31st of every month, in leap and common years.
AWKWARD_BIRTHDAYS = [date(year, month, day) for year in (2004, 2007, 2008) for month in range(1, 13)
                     for day in (28, 29, 30, 31) if day <= calendar.monthrange(year, month)[1]]


def independent_age(born: date, on: date) -> int:
    """Completed years by dateutil, then A1's leap-day rule: a 29 February birthday counts on 1 March in
    a common year (dateutil counts it on 28 February)."""
    years = relativedelta(on, born).years
    if (born.month, born.day) == (2, 29) and (on.month, on.day) == (2, 28) and not calendar.isleap(on.year):
        years -= 1
    return years


def test_age_on_every_day_of_seven_years_for_every_awkward_birthday():
    wrong = [(born, on) for born in AWKWARD_BIRTHDAYS for on in EVERY_DAY
             if on >= born and rules.age_on(born, on) != independent_age(born, on)]
    assert wrong == []


def test_the_29th_of_another_month_is_not_a_leap_day_birthday():
    assert rules.age_on(date(2010, 4, 29), date(2023, 3, 2)) == 12
    assert rules.birthday_in_year(date(2010, 4, 29), 2023) == date(2023, 4, 29)
    assert rules.birthday_in_year(date(2008, 2, 29), 2023) == date(2023, 3, 1)
    assert rules.birthday_in_year(date(2008, 2, 29), 2024) == date(2024, 2, 29)


@given(born=st.dates(date(1995, 1, 1), date(2025, 12, 31)), year=st.integers(1996, 2045))
def test_a_birthday_falls_on_its_own_day_or_on_1_march_for_a_leap_day(born, year):
    day = rules.birthday_in_year(born, year)
    if (born.month, born.day) == (2, 29):
        assert day == (date(year, 2, 29) if calendar.isleap(year) else date(year, 3, 1))
    else:
        assert (day.year, day.month, day.day) == (year, born.month, born.day)


@pytest.mark.parametrize("age", [13, 16, 18])
def test_born_on_or_before_to_be_splits_the_ages_exactly_on_every_day(age):
    """For every day of seven years and every awkward birthday: the age is reached iff born on or before the day."""
    wrong = []
    for on in EVERY_DAY:
        latest = rules.born_on_or_before_to_be(age, on)
        for born in (latest, latest + timedelta(days=1), latest - timedelta(days=1)):
            if (independent_age(born, on) >= age) != (born <= latest):
                wrong.append((on, born))
    for born in AWKWARD_BIRTHDAYS:
        on = born.replace(year=born.year + age) if (born.month, born.day) != (2, 29) else date(born.year + age, 2, 28)
        for day in (on - timedelta(days=1), on, on + timedelta(days=1)):
            if (independent_age(born, day) >= age) != (born <= rules.born_on_or_before_to_be(age, day)):
                wrong.append((day, born))
    assert wrong == []


def test_financial_years_and_weeks_on_every_day():
    for on in EVERY_DAY:
        start, end = rules.financial_year(on)
        april = date(on.year, 4, 1)
        assert start == (april if on >= april else date(on.year - 1, 4, 1))
        assert end == date(start.year + 1, 3, 31) and start <= on <= end
        sunday = rules.week_ending(on)
        assert sunday.isoweekday() == 7 and 0 <= (sunday - on).days <= 6


@given(day=st.dates(date(2000, 1, 1), date(2040, 12, 31)), months=st.integers(-36, 36))
def test_calendar_months_later_clamp_to_the_months_last_day(day, months):
    assert rules.add_months(day, months) == day + relativedelta(months=months)


def test_six_months_after_31_august_is_the_end_of_february():
    assert rules.add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)
    assert rules.add_months(date(2022, 8, 31), 6) == date(2023, 2, 28)


# --- Money: rule C2 in Python and in SQL ------------------------------------------------------------


def independent_spend(lines, first: date, last: date) -> Decimal:
    """Day by day: each day a line is in force and its placement covers the day costs weekly / 7."""
    total = Decimal(0)
    day = first
    while day <= last:
        for weekly, line_from, line_to, start, end in lines:
            if line_from <= day and (line_to is None or day <= line_to) and start <= day and (end is None or day < end):
                total += weekly
        day += timedelta(days=1)
    return total / 7


BASE = date(2024, 1, 1)
offsets = st.integers(0, 120)


@st.composite
def worlds(draw):
    """Placements with cost lines: lines ending on the placement's end day, open lines on ended placements,
    lines long before the period, lines starting before the placement."""
    placements = []
    for _ in range(draw(st.integers(1, 4))):
        start = BASE + timedelta(days=draw(offsets))
        end = draw(st.none() | st.integers(1, 90).map(lambda n, s=start: s + timedelta(days=n)))
        lines = []
        for _ in range(draw(st.integers(0, 3))):
            line_from = start + timedelta(days=draw(st.integers(-30, 60)))
            line_to = draw(st.none() | st.sampled_from(["end", "before"]) | st.integers(0, 90))
            if line_to == "end":
                line_to = end or line_from + timedelta(days=10)
            elif line_to == "before":
                line_to = line_from - timedelta(days=1) + timedelta(days=draw(st.integers(1, 5)))
            elif line_to is not None:
                line_to = line_from + timedelta(days=line_to)
            weekly = Decimal(draw(st.integers(0, 2_000_000))) / 100
            lines.append((weekly, line_from, line_to))
        placements.append((start, end, lines))
    period_start = BASE + timedelta(days=draw(st.integers(0, 150)))
    return placements, period_start, period_start + timedelta(days=draw(st.integers(0, 60)))


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds())
def test_spend_in_sql_is_the_python_rule_and_the_day_by_day_sum(world):
    placements, first, last = world
    with transaction.atomic():
        plain = []
        for number, (start, end, lines) in enumerate(placements):
            placement = make_placement(make_child(case_ref=f"S{number}"), None, start=start, end=end,
                                       reason_ended="other" if end else "")
            for weekly, line_from, line_to in lines:
                if line_to is not None and line_to < line_from:
                    continue
                CostLine.objects.create(placement=placement, kind=CostKind.CORE, description="Fee",
                                        weekly_amount=weekly, date_from=line_from, date_to=line_to)
                plain.append((weekly, line_from, line_to, start, end))
        expected = independent_spend(plain, first, last)
        assert rules.money_round(rules.spend(plain, first, last)) == rules.money_round(expected)
        assert rules.money_round(selectors.spend_between(first, last)) == rules.money_round(expected)
        transaction.set_rollback(True)


def test_the_day_a_child_leaves_is_not_charged_and_a_line_ending_before_its_placement_charges_nothing():
    assert rules.days_charged(placement_start=date(2024, 1, 1), placement_end=date(2024, 1, 8), date_from=date(2024, 1, 1),
                              date_to=None, period_start=date(2024, 1, 1), period_end=date(2024, 1, 31)) == 7
    assert rules.days_charged(placement_start=date(2024, 2, 1), placement_end=None, date_from=date(2024, 1, 1),
                              date_to=date(2024, 1, 10), period_start=date(2024, 1, 1), period_end=date(2024, 3, 31)) == 0


@pytest.mark.django_db
def test_the_sql_spend_does_not_charge_the_day_the_child_left():
    placement = make_placement(make_child(), None, start=date(2024, 1, 1), end=date(2024, 1, 8), reason_ended="other")
    CostLine.objects.create(placement=placement, kind=CostKind.CORE, description="Fee", weekly_amount=Decimal("700"),
                            date_from=date(2024, 1, 1))
    assert selectors.spend_between(date(2024, 1, 1), date(2024, 1, 31)) == Decimal("700.00")
    assert selectors.spend_between(date(2024, 1, 8), date(2024, 1, 8)) == Decimal("0")
