"""Rule C3 (SPEC section 3; paper 002, paragraphs 76-78), at its boundaries."""

from datetime import date, timedelta
from decimal import Decimal

from placements import rules

FROM = date(2023, 9, 14)
YOUNG = date(2015, 1, 1)  # 18 long after any horizon


def amount(**kwargs):
    fields = dict(effective_from=FROM, date_of_birth=YOUNG, weekly_before=Decimal("1000"),
                  weekly_after=Decimal("300"))
    fields.update(kwargs)
    return rules.cost_avoidance_amount(**fields)


def test_the_papers_example_18800_to_2000_a_week_335_days_before_18_is_804000():
    birthday_18 = FROM + timedelta(days=335)
    born = date(birthday_18.year - 18, birthday_18.month, birthday_18.day)
    result = rules.cost_avoidance_amount(effective_from=FROM, date_of_birth=born, weekly_before=Decimal("18800"),
                                         weekly_after=Decimal("2000"))
    assert rules.money_round(result) == Decimal("804000.00")


def test_the_horizon_is_capped_at_52_weeks():
    assert amount() == Decimal(700) * 52


def test_a_planned_end_before_52_weeks_shortens_the_horizon():
    assert amount(planned_end=FROM + timedelta(days=70)) == Decimal(700) * 10


def test_a_planned_end_after_52_weeks_does_not_lengthen_it():
    assert amount(planned_end=FROM + timedelta(days=400)) == Decimal(700) * 52


def test_an_18th_birthday_on_the_day_after_gives_one_day():
    born = FROM + timedelta(days=1)
    born = date(born.year - 18, born.month, born.day)
    assert amount(date_of_birth=born) == Decimal(700) / 7


def test_an_18th_birthday_already_passed_avoids_nothing():
    assert amount(date_of_birth=date(2000, 1, 1)) == 0


def test_a_leap_day_birthday_ends_the_horizon_on_1_march():
    # Born 29 Feb 2008: 18 on 1 Mar 2026. From 1 Feb 2026 that is 28 days.
    assert amount(effective_from=date(2026, 2, 1), date_of_birth=date(2008, 2, 29)) == Decimal(700) * 4


def test_a_one_off_amount_is_taken_as_it_is():
    assert amount(one_off=Decimal("12345.67")) == Decimal("12345.67")


def test_exact_until_shown():
    value = amount(planned_end=FROM + timedelta(days=1), weekly_before=Decimal("100"), weekly_after=Decimal("0"))
    assert value != Decimal("14.29") and rules.money_round(value) == Decimal("14.29")


class Line:
    def __init__(self, amount, date_from, date_to=None):
        self.weekly_amount, self.date_from, self.date_to = Decimal(amount), date_from, date_to


def test_a_saving_over_the_childs_own_lines_stops_where_a_line_ends():
    """Issue 15's case: £9,398.06 to £5,707.14 a week from 10 December, where the 2:1 line (£3,690.92) already
    ends on 19 December: ten days of 2:1 saved, not 52 weeks of it."""
    lines = [Line("5707.14", date(2026, 1, 1)), Line("3690.92", date(2026, 11, 1), date(2026, 12, 19))]
    amount = rules.cost_avoidance_over_lines(lines=lines, effective_from=date(2026, 12, 10),
                                             horizon_end=date(2027, 12, 9), weekly_after=Decimal("5707.14"))
    assert rules.money_round(amount) == Decimal("5272.74")  # 3,690.92 x 10 / 7
    simple = rules.cost_avoidance_amount(effective_from=date(2026, 12, 10), date_of_birth=date(2012, 1, 1),
                                         weekly_before=Decimal("9398.06"), weekly_after=Decimal("5707.14"))
    assert rules.money_round(simple) == Decimal("191927.84")  # what was logged before


def test_a_day_whose_lines_cost_less_than_the_new_package_saves_nothing_not_a_negative():
    lines = [Line("1000", date(2026, 1, 1), date(2026, 12, 31)), Line("400", date(2027, 1, 1))]
    amount = rules.cost_avoidance_over_lines(lines=lines, effective_from=date(2026, 12, 25),
                                             horizon_end=date(2027, 1, 8), weekly_after=Decimal("500"))
    assert amount == Decimal(500) * 7 / 7  # 7 days of 500 saved, then 7 days of nothing (400 < 500)
