"""The weekly unregulated report and its two watched groups (paper 002, paragraph 83)."""

from datetime import date

import pytest
from django.urls import reverse

from placements.choices import PlacementCategory
from tests.factories import make_child, make_placement, make_provider
from tracker import selectors

pytestmark = pytest.mark.django_db

SUNDAY = date(2024, 3, 10)


def unregulated(child, **kwargs):
    lodgings = make_provider(name=f"Lodgings for {child.case_ref}", urn=None, regulated=False)
    return make_placement(child, lodgings, category=PlacementCategory.UNREGULATED, start=date(2024, 1, 1), **kwargs)


def flags():
    return {p.child.case_ref: selectors.unregulated_flag(p, SUNDAY) for p in selectors.unregulated_placements(SUNDAY)}


def test_a_child_who_turns_16_on_the_sunday_is_no_longer_under_16():
    unregulated(make_child(case_ref="A", date_of_birth=date(2008, 3, 10)))
    unregulated(make_child(case_ref="B", date_of_birth=date(2008, 3, 11)))
    assert flags() == {"A": "", "B": selectors.UNDER_16}


def test_a_16_year_old_with_a_dol_order_in_force_on_the_sunday_is_flagged():
    child = make_child(case_ref="C", date_of_birth=date(2007, 6, 1))
    child.dol_orders.create(start=date(2024, 1, 1), end=SUNDAY)
    ended = make_child(case_ref="D", date_of_birth=date(2007, 6, 1))
    ended.dol_orders.create(start=date(2024, 1, 1), end=date(2024, 3, 9))
    unregulated(child)
    unregulated(ended)
    assert flags() == {"C": selectors.DOL_16_17, "D": ""}


def test_a_provider_recorded_as_not_regulated_counts_whatever_the_category():
    child = make_child(case_ref="E", date_of_birth=date(2007, 6, 1))
    make_placement(child, make_provider(urn=None, regulated=False), category=PlacementCategory.SUPPORTED_ACCOMMODATION,
                   start=date(2024, 1, 1))
    make_placement(make_child(case_ref="F"), make_provider(name="Regulated", urn="X1"),
                   category=PlacementCategory.SUPPORTED_ACCOMMODATION, start=date(2024, 1, 1))
    assert set(flags()) == {"E"}


def test_the_page_counts_each_group(client, director):
    unregulated(make_child(case_ref="YOUNG", date_of_birth=date(2009, 1, 1)))
    client.force_login(director)
    response = client.get(reverse("tracker_unregulated"), {"week_ending": "2024-03-10"})
    assert response.context["under_16"] == 1 and response.context["dol_16_17"] == 0
    assert "YOUNG" in response.content.decode()


def test_the_counts_agree_with_each_childs_flag_at_the_birthdays_and_dol_ends():
    """The page counts the groups in SQL (unregulated_counts) and flags each row in Python
    (unregulated_flag): one definition, checked on the days it turns."""
    unregulated(make_child(case_ref="A", date_of_birth=date(2008, 3, 10)))  # 16 on the Sunday
    unregulated(make_child(case_ref="B", date_of_birth=date(2008, 3, 11)))  # 16 the day after
    with_dol = make_child(case_ref="C", date_of_birth=date(2007, 6, 1))
    with_dol.dol_orders.create(start=date(2024, 1, 1), end=SUNDAY)
    ended = make_child(case_ref="D", date_of_birth=date(2007, 6, 1))
    ended.dol_orders.create(start=date(2024, 1, 1), end=date(2024, 3, 9))
    unregulated(with_dol)
    unregulated(ended)
    counts = selectors.unregulated_counts(SUNDAY)
    flagged = list(flags().values())
    assert counts.total == len(flagged) == 4
    assert counts.under_16 == flagged.count(selectors.UNDER_16) == 1
    assert counts.dol_16_17 == flagged.count(selectors.DOL_16_17) == 1
