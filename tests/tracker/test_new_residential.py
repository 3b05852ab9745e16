"""New residential placements counted from the care segments that begin them (issue 17): the same placements as
``tracker.selectors.new_placements``, the ages of rule A1 worked out by the database, the periods' edges."""

from datetime import date, timedelta

import pytest
from django.db.models import DateField, Value

from placements import rules as placement_rules
from placements.choices import CameFrom, LegalStatus, PlacementCategory
from placements.demo import demo_authority_build
from tests.factories import make_child, make_placement, make_provider
from tracker import rules, selectors

pytestmark = pytest.mark.django_db

YEAR = [("2023/24", date(2023, 4, 1), date(2024, 3, 31))]


def days(first: date, last: date):
    while first <= last:
        yield first
        first += timedelta(days=1)


def test_the_databases_completed_years_are_rule_a1_around_every_kind_of_birthday():
    from placements.models import Child

    make_child()
    births = [date(2012, 2, 29), date(2012, 2, 28), date(2012, 3, 1), date(2011, 12, 31), date(2011, 1, 1),
              date(2010, 6, 15)]
    ons = [*days(date(2023, 2, 26), date(2023, 3, 2)), *days(date(2024, 2, 26), date(2024, 3, 2)),
           *days(date(2024, 6, 14), date(2024, 6, 16)), *days(date(2024, 12, 30), date(2025, 1, 2))]
    wrong = []
    for born in births:
        for on in ons:
            age = Child.objects.annotate(age=selectors.CompletedYears(Value(on, DateField()), Value(born, DateField()))
                                         ).values_list("age", flat=True).first()
            if age != placement_rules.age_on(born, on):
                wrong.append((born, on, age, placement_rules.age_on(born, on)))
    assert wrong == []


def placed(case_ref: str, born: date, start: date, **overrides):
    home = make_provider(name=f"Home {case_ref}", urn=f"SC{case_ref}")
    return make_placement(make_child(case_ref=case_ref, date_of_birth=born), home, start=start, **overrides)


def test_a_placement_starting_on_1_april_is_the_new_years_and_on_31_march_the_old_ones():
    placed("MARCH", date(2012, 1, 1), date(2024, 3, 31))
    placed("APRIL", date(2012, 1, 1), date(2024, 4, 1))
    placed("FIRST", date(2012, 1, 1), date(2023, 4, 1))
    old, new, april = selectors.new_residential([*YEAR, ("2024/25", date(2024, 4, 1), date(2025, 3, 31)),
                                                 ("April 2024", date(2024, 4, 1), date(2024, 4, 30))])
    assert (old.total, new.total, april.total) == (2, 1, 1)


def test_a_child_starting_on_a_birthday_that_crosses_a_band_is_in_the_older_band():
    start = date(2023, 9, 1)
    placed("ELEVEN", date(2012, 9, 1), start)  # 11 that day
    placed("TEN", date(2012, 9, 2), start)  # 11 the day after
    placed("FOURTEEN", date(2009, 9, 1), start)
    placed("THIRTEEN", date(2009, 9, 2), start)
    placed("SIXTEEN", date(2007, 9, 1), start)
    placed("FIFTEEN", date(2007, 9, 2), start)
    [year] = selectors.new_residential(YEAR)
    assert year.by_band == {"10 and under": 1, "11-13": 2, "14-15": 2, "16+": 1}


def test_only_the_placements_new_placements_counts_and_only_residential():
    counted = placed("NEW", date(2010, 1, 1), date(2023, 6, 1), came_from=CameFrom.FOSTERING)
    placed("RUNNING", date(2010, 1, 1), date(2023, 6, 1), began_before_records=True)
    placed("ADULT", date(2005, 6, 1), date(2023, 6, 1))  # 18 on the day: a care leaver, not looked after
    placed("BREAK", date(2010, 1, 1), date(2023, 6, 1), legal_status=LegalStatus.V3)
    placed("FOSTER", date(2010, 1, 1), date(2023, 6, 1), category=PlacementCategory.FOSTERING_INTERNAL)
    [year] = selectors.new_residential(YEAR)
    residential = selectors.new_placements(*YEAR[0][1:]).filter(category=PlacementCategory.RESIDENTIAL)
    assert list(residential) == [counted]
    assert (year.total, year.by_origin["Fostering"], year.by_band["11-13"]) == (1, 1, 1)


def recount(periods) -> list[selectors.NewResidential]:
    """The counts as they were made before: each of ``new_placements``, its child's age by rule A1, in Python."""
    results = [selectors.NewResidential(label, start, end) for label, start, end in periods]
    rows = (selectors.new_placements(min(p[1] for p in periods), max(p[2] for p in periods))
            .filter(category=PlacementCategory.RESIDENTIAL).values_list("start", "child__date_of_birth", "came_from"))
    for start, born, came_from in rows:
        for result in results:
            if result.start <= start <= result.end:
                result.total += 1
                result.by_band[rules.residential_age_band(placement_rules.age_on(born, start))] += 1
                result.by_origin[selectors.ORIGIN_GROUPS.get(came_from, "Other")] += 1
    return results


@pytest.mark.parametrize("month", [(2026, 10), (2026, 4), (2025, 3)])
def test_the_counts_are_a_plain_recount_of_new_placements_on_the_demo_authority(month, django_assert_max_num_queries):
    demo_authority_build(children=150, today=date(2026, 11, 26), seed=11)
    periods = [(p.label, p.start, p.end) for p in selectors.residential_tracker(*month, date(2026, 11, 26)).periods]
    with django_assert_max_num_queries(3):  # the count, and on PostgreSQL the planner's settings set and reset
        counted = selectors.new_residential(periods)
    expected = recount(periods)
    assert counted == expected
    assert sum(period.total for period in expected) > 0, "the demo authority should have new residential placements"


def test_the_planners_settings_are_as_they_were_after_counting_even_after_an_error():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the planner's settings are PostgreSQL's")

    def settings():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_nestloop'), current_setting('enable_sort')")
            return cursor.fetchone()

    before = settings()
    selectors.new_residential(YEAR)
    assert settings() == before
    with pytest.raises(ZeroDivisionError), selectors.hashed():
        assert settings() == ("off", "off")
        raise ZeroDivisionError
    assert settings() == before
