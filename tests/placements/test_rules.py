"""SPEC section 3: the rules as plain functions, at every boundary."""

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from placements import rules
from placements.choices import LegalStatus, Ownership, PlacementCategory


CHILD_BORN = date(2012, 5, 5)


def placement(start, end=None, legal_status=LegalStatus.C2):
    return SimpleNamespace(start=start, end=end, legal_status=legal_status)


def line(amount, date_from, date_to=None):
    return SimpleNamespace(weekly_amount=Decimal(amount), date_from=date_from, date_to=date_to)


class TestAge:
    def test_it_counts_completed_years_the_day_before_a_birthday(self):
        assert rules.age_on(date(2010, 6, 15), date(2023, 6, 14)) == 12

    def test_it_counts_the_new_year_on_the_birthday(self):
        assert rules.age_on(date(2010, 6, 15), date(2023, 6, 15)) == 13

    def test_a_29_february_birthday_is_not_reached_on_28_february_in_a_non_leap_year(self):
        assert rules.age_on(date(2012, 2, 29), date(2025, 2, 28)) == 12

    def test_a_29_february_birthday_counts_on_1_march_in_a_non_leap_year(self):
        assert rules.age_on(date(2012, 2, 29), date(2025, 3, 1)) == 13

    def test_a_29_february_birthday_counts_on_29_february_in_a_leap_year(self):
        assert rules.age_on(date(2012, 2, 29), date(2028, 2, 29)) == 16
        assert rules.age_on(date(2012, 2, 29), date(2028, 2, 28)) == 15

    def test_the_eighteenth_birthday_of_a_leap_day_child_falls_on_1_march(self):
        assert rules.eighteenth_birthday(date(2008, 2, 29)) == date(2026, 3, 1)

    def test_the_eighteenth_birthday_of_any_other_child_is_the_same_day(self):
        assert rules.eighteenth_birthday(date(2008, 8, 31)) == date(2026, 8, 31)


class TestCalendar:
    @pytest.mark.parametrize(
        "day, months, expected",
        [
            (date(2023, 8, 31), 6, date(2024, 2, 29)),  # leap year
            (date(2022, 8, 31), 6, date(2023, 2, 28)),
            (date(2023, 1, 15), 6, date(2023, 7, 15)),
            (date(2023, 10, 31), 4, date(2024, 2, 29)),
            (date(2023, 12, 1), 1, date(2024, 1, 1)),
        ],
    )
    def test_calendar_months_clamp_to_the_end_of_a_short_month(self, day, months, expected):
        assert rules.add_months(day, months) == expected

    def test_31_march_is_the_last_day_of_a_financial_year(self):
        assert rules.financial_year(date(2024, 3, 31)) == (date(2023, 4, 1), date(2024, 3, 31))

    def test_1_april_starts_a_new_financial_year(self):
        assert rules.financial_year(date(2024, 4, 1)) == (date(2024, 4, 1), date(2025, 3, 31))

    def test_a_financial_year_is_labelled_like_2023_24(self):
        assert rules.financial_year_label(2023) == "2023/24"
        assert rules.financial_year_label(1999) == "1999/00"

    def test_a_week_ends_on_its_sunday(self):
        assert rules.week_ending(date(2024, 1, 1)) == date(2024, 1, 7)  # a Monday
        assert rules.week_ending(date(2024, 1, 7)) == date(2024, 1, 7)  # the Sunday itself


class TestCovers:
    def test_a_placement_covers_its_first_day(self):
        assert rules.covers(date(2024, 1, 10), None, date(2024, 1, 10))

    def test_a_placement_does_not_cover_the_day_before_it_starts(self):
        assert not rules.covers(date(2024, 1, 10), None, date(2024, 1, 9))

    def test_a_placement_covers_the_day_before_its_end(self):
        assert rules.covers(date(2024, 1, 10), date(2024, 2, 1), date(2024, 1, 31))

    def test_a_placement_does_not_cover_the_day_the_child_left(self):
        assert not rules.covers(date(2024, 1, 10), date(2024, 2, 1), date(2024, 2, 1))

    def test_an_open_placement_covers_every_later_day(self):
        assert rules.covers(date(2024, 1, 10), None, date(2040, 1, 1))

    def test_a_move_on_the_same_day_puts_the_child_in_the_new_placement_that_day(self):
        old = placement(date(2024, 1, 1), date(2024, 3, 4))
        new = placement(date(2024, 3, 4))
        moving_day = date(2024, 3, 4)
        assert not rules.covers(old.start, old.end, moving_day)
        assert rules.covers(new.start, new.end, moving_day)
        assert rules.is_looked_after(CHILD_BORN, [old, new], moving_day)
        assert rules.is_looked_after(CHILD_BORN, [old, new], date(2024, 3, 3))


class TestLookedAfter:
    def test_a_child_in_a_covering_placement_is_looked_after(self):
        assert rules.is_looked_after(CHILD_BORN, [placement(date(2024, 1, 1))], date(2024, 1, 1))

    def test_a_child_whose_placement_ended_is_not_looked_after_on_the_day_they_left(self):
        assert not rules.is_looked_after(CHILD_BORN, [placement(date(2024, 1, 1), date(2024, 5, 1))], date(2024, 5, 1))

    @pytest.mark.parametrize("status", [LegalStatus.V3, LegalStatus.V4])
    def test_short_breaks_are_not_counted_as_looked_after(self, status):
        assert not rules.is_looked_after(CHILD_BORN, [placement(date(2024, 1, 1), legal_status=status)], date(2024, 2, 1))

    def test_a_child_is_looked_after_the_day_before_their_18th_birthday_but_not_on_it(self):
        born = date(2006, 5, 5)
        stays_on = [placement(date(2020, 1, 1))]
        assert rules.is_looked_after(born, stays_on, date(2024, 5, 4))
        assert not rules.is_looked_after(born, stays_on, date(2024, 5, 5))

    def test_a_leap_day_child_is_looked_after_until_1_march_of_a_non_leap_year(self):
        born = date(2008, 2, 29)
        stays_on = [placement(date(2020, 1, 1))]
        assert rules.is_looked_after(born, stays_on, date(2026, 2, 28))
        assert not rules.is_looked_after(born, stays_on, date(2026, 3, 1))

    @pytest.mark.parametrize("on, latest_birth", [
        (date(2026, 3, 1), date(2008, 3, 1)),
        (date(2026, 2, 28), date(2008, 2, 28)),
        (date(2028, 2, 29), date(2010, 2, 28)),
    ])
    def test_the_latest_birth_date_of_an_18_year_old_agrees_with_age(self, on, latest_birth):
        assert rules.born_on_or_before_to_be(18, on) == latest_birth
        assert rules.age_on(latest_birth, on) == 18
        assert rules.age_on(latest_birth + timedelta(days=1), on) == 17

    def test_section_20_accommodation_is_counted(self):
        assert rules.is_looked_after(CHILD_BORN, [placement(date(2024, 1, 1), legal_status=LegalStatus.V2)], date(2024, 2, 1))


class TestExternalAndUnregulated:
    def test_external_means_the_provider_is_external(self):
        assert rules.is_external(Ownership.EXTERNAL)
        assert not rules.is_external(Ownership.INTERNAL)

    def test_the_unregulated_category_is_unregulated_provision(self):
        assert rules.is_unregulated(PlacementCategory.UNREGULATED, True)

    def test_a_provider_recorded_as_not_regulated_is_unregulated_provision(self):
        assert rules.is_unregulated(PlacementCategory.SUPPORTED_ACCOMMODATION, False)

    def test_a_regulated_provider_in_another_category_is_not(self):
        assert not rules.is_unregulated(PlacementCategory.RESIDENTIAL, True)
        assert not rules.is_unregulated(PlacementCategory.PLACED_WITH_PARENTS, None)


class TestWeeklyCost:
    """Rule C1."""

    def test_a_cost_line_is_in_force_on_its_first_and_last_day(self):
        assert rules.cost_line_in_force(date(2024, 1, 1), date(2024, 1, 31), date(2024, 1, 1))
        assert rules.cost_line_in_force(date(2024, 1, 1), date(2024, 1, 31), date(2024, 1, 31))

    def test_a_cost_line_is_not_in_force_the_day_before_or_after(self):
        assert not rules.cost_line_in_force(date(2024, 1, 1), date(2024, 1, 31), date(2023, 12, 31))
        assert not rules.cost_line_in_force(date(2024, 1, 1), date(2024, 1, 31), date(2024, 2, 1))

    def test_the_weekly_cost_is_the_sum_of_the_lines_in_force(self):
        p = placement(date(2024, 1, 1))
        lines = [line("5000.00", date(2024, 1, 1)), line("2500.00", date(2024, 1, 1), date(2024, 1, 28))]
        assert rules.weekly_cost_on(p, lines, date(2024, 1, 28)) == Decimal("7500.00")
        assert rules.weekly_cost_on(p, lines, date(2024, 1, 29)) == Decimal("5000.00")

    def test_a_placement_that_does_not_cover_the_day_costs_nothing_that_day(self):
        p = placement(date(2024, 1, 1), date(2024, 2, 1))
        lines = [line("5000.00", date(2024, 1, 1), date(2024, 2, 1))]
        assert rules.weekly_cost_on(p, lines, date(2024, 1, 31)) == Decimal("5000.00")
        assert rules.weekly_cost_on(p, lines, date(2024, 2, 1)) == Decimal("0")

    def test_no_lines_means_no_cost(self):
        assert rules.weekly_cost_on(placement(date(2024, 1, 1)), [], date(2024, 1, 5)) == 0


class TestSpend:
    """Rule C2: each day in force costs weekly/7."""

    def test_a_whole_week_costs_the_weekly_amount(self):
        lines = [(Decimal("700.00"), date(2024, 1, 1), None, date(2024, 1, 1), None)]
        assert rules.spend(lines, date(2024, 1, 1), date(2024, 1, 7)) == Decimal("700")

    def test_a_line_that_ends_mid_week_costs_only_its_days(self):
        lines = [(Decimal("700.00"), date(2024, 1, 1), date(2024, 1, 3), date(2024, 1, 1), None)]
        assert rules.spend(lines, date(2024, 1, 1), date(2024, 1, 7)) == Decimal("300")

    def test_a_line_that_starts_on_the_last_day_of_the_period_costs_one_day(self):
        lines = [(Decimal("700.00"), date(2024, 1, 7), None, date(2024, 1, 7), None)]
        assert rules.spend(lines, date(2024, 1, 1), date(2024, 1, 7)) == Decimal("100")

    def test_nothing_is_spent_after_the_child_left(self):
        # The line runs to 10 January but the child left on the 5th: 1st to 4th are paid.
        lines = [(Decimal("700.00"), date(2024, 1, 1), date(2024, 1, 10), date(2024, 1, 1), date(2024, 1, 5))]
        assert rules.spend(lines, date(2024, 1, 1), date(2024, 1, 31)) == Decimal("400")

    def test_a_financial_year_of_a_line_in_force_all_year_is_365_sevenths_of_a_week(self):
        start, end = rules.financial_year(date(2024, 6, 1))  # 2024/25 holds no 29 February
        lines = [(Decimal("7000.00"), date(2020, 1, 1), None, date(2020, 1, 1), None)]
        assert rules.spend(lines, start, end) == Decimal("365000")

    def test_the_financial_year_holding_29_february_has_366_days(self):
        start, end = rules.financial_year(date(2023, 6, 1))
        lines = [(Decimal("7000.00"), date(2020, 1, 1), None, date(2020, 1, 1), None)]
        assert rules.spend(lines, start, end) == Decimal("366000")

    def test_spend_is_exact_until_it_is_rounded_for_display(self):
        lines = [(Decimal("100.00"), date(2024, 1, 1), None, date(2024, 1, 1), None)]
        exact = rules.spend(lines, date(2024, 1, 1), date(2024, 1, 1))
        assert exact != Decimal("14.29")
        assert rules.money_round(exact) == Decimal("14.29")
        assert rules.money_round(exact * 7) == Decimal("100.00")

    def test_lines_outside_the_period_cost_nothing(self):
        lines = [(Decimal("700.00"), date(2023, 1, 1), date(2023, 12, 31), date(2023, 1, 1), None)]
        assert rules.spend(lines, date(2024, 1, 1), date(2024, 1, 7)) == 0


class TestShare:
    def test_a_share_of_nothing_is_none(self):
        assert rules.share(0, 0) is None

    def test_a_share_is_a_percentage(self):
        assert rules.share(98, 700) == Decimal(14)

    def test_a_share_keeps_its_fraction(self):
        assert rules.share(1, 3) == Decimal(100) / Decimal(3)
        assert rules.share(2, 3) > Decimal("66.6")


class TestCostAvoidanceEdges:
    def test_a_one_off_of_nothing_is_nothing_whatever_the_weekly_figures(self):
        assert rules.cost_avoidance_amount(effective_from=date(2024, 1, 1), date_of_birth=date(2010, 1, 1),
                                           weekly_before=Decimal("1000"), weekly_after=Decimal("300"),
                                           one_off=Decimal("0")) == 0

    def test_a_saving_for_a_young_person_already_18_is_nothing_not_negative(self):
        assert rules.cost_avoidance_amount(effective_from=date(2024, 6, 1), date_of_birth=date(2006, 1, 1),
                                           weekly_before=Decimal("1000"), weekly_after=Decimal("300")) == 0


@pytest.mark.parametrize("today, week_ending", [
    (date(2024, 3, 11), date(2024, 3, 10)),  # Monday: last week ended yesterday
    (date(2024, 3, 10), date(2024, 3, 3)),  # Sunday: this week is not over yet
    (date(2024, 3, 16), date(2024, 3, 10)),
])
def test_the_default_week_is_the_last_complete_one(today, week_ending):
    assert rules.last_complete_week_ending(today) == week_ending
