"""The residential tracker's and the unregulated report's lists at scale: the same children as the one
definition of looked after, counted once and kept with the figures, and up to date after a change."""

import re
from datetime import date

import pytest
from django.urls import reverse

from placements import selectors as placement_selectors
from placements.choices import PlacementCategory
from tests.factories import make_child, make_cost_line, make_placement, make_provider
from tracker import selectors

pytestmark = pytest.mark.django_db

DAY = date(2024, 3, 10)


def residential_around_the_18th_birthday():
    """Children in residential who turn 18 the day before, on and the day after ``DAY``."""
    home = make_provider()
    for case_ref, born in (("BEFORE", date(2006, 3, 9)), ("ON", date(2006, 3, 10)), ("AFTER", date(2006, 3, 11)),
                           ("YOUNG", date(2015, 1, 1))):
        placement = make_placement(make_child(case_ref=case_ref, date_of_birth=born), home, start=date(2023, 1, 1))
        make_cost_line(placement, "5000", placement.start)


def test_the_residential_list_is_the_looked_after_children_in_residential_at_the_18th_birthday():
    residential_around_the_18th_birthday()
    listed = [p.child.case_ref for p in selectors.residential_placements(DAY)]
    looked_after = placement_selectors.looked_after_placements(DAY).filter(category=PlacementCategory.RESIDENTIAL)
    assert listed == ["AFTER", "YOUNG"]  # oldest first; 18 on the day is a care leaver
    assert set(listed) == {p.child.case_ref for p in looked_after.select_related("child")}
    costs = selectors.residential_costs(DAY)
    assert (costs.placements, costs.with_cost, costs.total_weekly) == (2, 2, 10000)


def test_the_residential_page_shows_as_many_children_as_its_costs_count_and_sees_a_new_one(client, director):
    residential_around_the_18th_birthday()
    client.force_login(director)
    page = client.get(reverse("tracker_residential"), {"month": "2024-02"})
    assert page.context["children"] == page.context["tracker"].costs.placements == 4  # all under 18 on 29 February
    make_placement(make_child(case_ref="NEW", date_of_birth=date(2012, 1, 1)), make_provider(name="Elm", urn="E1"),
                   start=date(2024, 2, 1))
    again = client.get(reverse("tracker_residential"), {"month": "2024-02"})
    assert again.context["children"] == again.context["tracker"].costs.placements == 5
    assert "NEW" in again.content.decode()


def unregulated(case_ref, born):
    lodgings = make_provider(name=f"Lodgings for {case_ref}", urn=None, regulated=False)
    return make_placement(make_child(case_ref=case_ref, date_of_birth=born), lodgings,
                          category=PlacementCategory.UNREGULATED, start=date(2024, 1, 1))


def test_the_unregulated_page_lists_the_placements_it_counted_and_sees_a_new_one(client, director):
    unregulated("OLDER", date(2007, 1, 1))
    unregulated("YOUNGER", date(2009, 1, 1))
    make_placement(make_child(case_ref="HOME"), make_provider(), start=date(2024, 1, 1))  # regulated residential
    client.force_login(director)
    page = client.get(reverse("tracker_unregulated"), {"week_ending": "2024-03-10"})
    assert listed(page) == ["OLDER", "YOUNGER"]
    assert page.context["total"] == 2 and "2 in all" in page.content.decode()
    unregulated("LATEST", date(2010, 1, 1))
    again = client.get(reverse("tracker_unregulated"), {"week_ending": "2024-03-10"})
    assert listed(again) == ["OLDER", "YOUNGER", "LATEST"]
    assert again.context["total"] == 3 and "3 in all" in again.content.decode()


def listed(page) -> list[str]:
    """The case references of the children a page's tables list, in the order shown (each links to the child)."""
    return re.findall(r'<a href="/children/\d+/">([^<]+)</a>', page.content.decode())


def test_the_unregulated_keys_are_the_looked_after_placements_the_report_lists():
    unregulated("IN", date(2009, 1, 1))
    left = unregulated("LEFT", date(2009, 1, 1))
    left.end = date(2024, 3, 1)
    left.save()
    adult = unregulated("ADULT", date(2006, 3, 10))  # 18 on the day
    keys = selectors.unregulated_keys(DAY)
    assert keys == [p.pk for p in selectors.unregulated_placements(DAY)]
    assert left.pk not in keys and adult.pk not in keys and len(keys) == 1


def test_the_residential_and_unregulated_pages_read_a_few_statements_and_viewed_again_fewer(
        client, director, django_assert_max_num_queries):
    """Whatever the number of children: the figures and a page of rows, then, viewed again, the page as written."""
    residential_around_the_18th_birthday()
    for index in range(30):
        born = date(2008 + index % 8, 1 + index % 12, 1)
        make_placement(make_child(case_ref=f"R{index}", date_of_birth=born), make_provider(name=f"Home {index}",
                       urn=f"SCR{index}"), start=date(2023, 6, 1))
        unregulated(f"U{index}", born)
    client.force_login(director)
    for url, query in ((reverse("tracker_residential"), {"month": "2024-02"}),
                       (reverse("tracker_unregulated"), {"week_ending": "2024-03-10"})):
        with django_assert_max_num_queries(24):
            first = client.get(url, query)
        # The session and its save, the user and their permissions and groups, the data version, the coverage.
        with django_assert_max_num_queries(10) as again_queries:
            again = client.get(url, query)
        assert not [query for query in again_queries.captured_queries if "placements_placement" in query["sql"]]
        assert without_tokens(again.content.decode()) == without_tokens(first.content.decode())
        assert len(listed(first)) in (34, 30)


def without_tokens(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
