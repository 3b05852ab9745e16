"""The SQL side of the rules agrees with the plain functions, on the database, at the boundaries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from placements import rules, selectors
from placements.choices import LegalStatus, Ownership, PlacementCategory
from placements.models import CostLine, Placement
from tests.factories import make_child, make_cost_line, make_inspection, make_placement, make_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved_child():
    """A child in residential from 1 Jan 2024 who moved to fostering on Monday 4 March 2024."""
    child = make_child()
    home = make_provider()
    agency = make_provider(name="Willowbrook Fostering", urn="SC200002")
    old = make_placement(child, home, start=date(2024, 1, 1), end=date(2024, 3, 4), reason_ended="moved")
    new = make_placement(child, agency, category=PlacementCategory.FOSTERING_IFA, start=date(2024, 3, 4))
    make_cost_line(old, "5000.00", date(2024, 1, 1), date(2024, 3, 3))
    make_cost_line(old, "2500.00", date(2024, 1, 1), date(2024, 1, 28), kind="additional", description="2:1 staffing")
    make_cost_line(new, "900.00", date(2024, 3, 4))
    return child, old, new


@pytest.mark.parametrize("day", [date(2023, 12, 31), date(2024, 1, 1), date(2024, 3, 3), date(2024, 3, 4), date(2025, 1, 1)])
def test_the_covering_query_agrees_with_the_covers_rule(moved_child, day):
    in_sql = set(Placement.objects.filter(selectors.covering(day)).values_list("pk", flat=True))
    in_python = {p.pk for p in Placement.objects.all() if rules.covers(p.start, p.end, day)}
    assert in_sql == in_python


@pytest.mark.parametrize("day", [date(2024, 1, 1), date(2024, 1, 28), date(2024, 1, 29), date(2024, 3, 3), date(2024, 3, 4)])
def test_the_in_force_query_agrees_with_the_in_force_rule(moved_child, day):
    in_sql = set(CostLine.objects.filter(selectors.in_force(day)).values_list("pk", flat=True))
    in_python = {c.pk for c in CostLine.objects.all() if rules.cost_line_in_force(c.date_from, c.date_to, day)}
    assert in_sql == in_python


@pytest.mark.parametrize("day", [date(2023, 12, 31), date(2024, 1, 1), date(2024, 1, 28), date(2024, 1, 29),
                                 date(2024, 3, 3), date(2024, 3, 4), date(2025, 1, 1)])
def test_the_weekly_costs_read_at_once_are_the_correlated_sums_to_the_penny(moved_child, day):
    """``weekly_pence_on`` (the panel's candidates) against ``weekly_cost_subquery``, the same money (two places),
    on the days lines begin and end; a placement with no line in force is left out (a cost of 0.00)."""
    _child, old, _new = moved_child
    make_cost_line(old, "0.01", date(2024, 1, 1), date(2024, 3, 3), kind="additional", description="a penny")
    make_cost_line(old, "1234.56", date(2024, 1, 29), date(2024, 1, 29), kind="additional", description="one day")
    by_subquery = dict(Placement.objects.annotate(cost=selectors.weekly_cost_subquery(day)).values_list("pk", "cost"))
    read = selectors.weekly_pence_on(day)
    assert {pk: rules.money_of_pence(read.get(pk, 0)) for pk in by_subquery} == by_subquery
    assert {pk: str(rules.money_of_pence(read.get(pk, 0))) for pk in by_subquery} == {
        pk: f"{cost:.2f}" for pk, cost in by_subquery.items()}
    assert all(by_subquery[pk] > 0 for pk in read)


def test_on_moving_day_the_child_is_counted_once_in_the_new_placement(moved_child):
    figures = selectors.day_counts(date(2024, 3, 4))
    assert figures.looked_after == 1
    assert figures.in_paid_placements == 1
    assert figures.weekly_cost == Decimal("900.00")
    assert figures.residential == 0


def test_the_day_before_the_move_the_child_is_in_residential_at_the_old_cost(moved_child):
    figures = selectors.day_counts(date(2024, 3, 3))
    assert figures.weekly_cost == Decimal("5000.00")
    assert figures.residential == 1
    assert figures.residential_share == Decimal(100)


def test_a_2_to_1_add_on_counts_until_its_last_day(moved_child):
    assert selectors.day_counts(date(2024, 1, 28)).weekly_cost == Decimal("7500.00")
    assert selectors.day_counts(date(2024, 1, 29)).weekly_cost == Decimal("5000.00")


def test_the_spend_query_sums_each_day_at_a_seventh_of_the_weekly_cost(moved_child):
    # 1-28 Jan: 7,500/7 a day; 29 Jan - 3 Mar: 5,000/7; 4-10 Mar: 900/7.
    expected = (Decimal(7500) * 28 + Decimal(5000) * 35 + Decimal(900) * 7) / 7
    assert selectors.spend_between(date(2024, 1, 1), date(2024, 3, 10)) == expected


def test_short_breaks_are_left_out_of_the_headline_figures():
    child = make_child(legal_status=LegalStatus.V3)
    placement = make_placement(child, make_provider(ownership=Ownership.INTERNAL), legal_status=LegalStatus.V3)
    make_cost_line(placement, "300.00", placement.start)
    figures = selectors.day_counts(date(2024, 2, 1))
    assert figures.looked_after == 0
    assert figures.residential_share is None
    assert figures.weekly_cost == Decimal("300.00")  # not looked after, but still paid for


def test_placed_with_parents_counts_as_looked_after_but_not_as_paid():
    make_placement(make_child(), None, category=PlacementCategory.PLACED_WITH_PARENTS, start=date(2024, 1, 1))
    figures = selectors.day_counts(date(2024, 2, 1))
    assert (figures.looked_after, figures.in_paid_placements) == (1, 0)


def test_the_costs_over_time_list_each_change(moved_child):
    _, old, new = moved_child
    old = Placement.objects.prefetch_related("cost_lines").get(pk=old.pk)
    assert selectors.weekly_cost_history(old, date(2025, 1, 1)) == [
        (date(2024, 1, 1), Decimal("7500.00")),
        (date(2024, 1, 29), Decimal("5000.00")),
    ]


def test_the_child_list_shows_the_current_placement_category(moved_child):
    child, _, _ = moved_child
    rows = selectors.child_list(date(2024, 3, 4)).get(pk=child.pk)
    assert rows.current_category == PlacementCategory.FOSTERING_IFA
    assert selectors.child_list(date(2023, 1, 1)).get(pk=child.pk).current_category is None


def test_a_providers_rating_is_its_latest_inspection_on_or_before_the_day():
    provider = make_provider()
    make_inspection(provider, inspection_date=date(2023, 7, 3), overall="inadequate")
    make_inspection(provider, inspection_date=date(2024, 1, 10), overall="good")
    rating = lambda day: selectors.provider_list(day).get(pk=provider.pk).latest_rating  # noqa: E731
    assert rating(date(2023, 7, 2)) is None
    assert rating(date(2023, 7, 3)) == "inadequate"
    assert rating(date(2024, 1, 9)) == "inadequate"
    assert rating(date(2024, 1, 10)) == "good"
    assert rating(date(2024, 1, 10) + timedelta(days=1)) == "good"


@pytest.mark.parametrize("born, counted", [(date(2006, 3, 4), False), (date(2006, 3, 5), True),
                                           (date(2006, 2, 28), False)])
def test_the_looked_after_query_leaves_out_young_people_from_their_18th_birthday(born, counted):
    make_placement(make_child(date_of_birth=born), None, start=date(2020, 1, 1))
    assert selectors.day_counts(date(2024, 3, 4)).looked_after == int(counted)


def test_a_leap_day_child_is_counted_on_28_february_and_not_on_1_march():
    make_placement(make_child(date_of_birth=date(2008, 2, 29)), None, start=date(2020, 1, 1))
    assert selectors.day_counts(date(2026, 2, 28)).looked_after == 1
    assert selectors.day_counts(date(2026, 3, 1)).looked_after == 0
