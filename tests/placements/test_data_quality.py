"""The data quality page: after an import, what needs a person (issue 7, part 6)."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from placements import access
from placements.choices import CommissioningRoute, PlacementCategory
from placements.imports import quality
from placements.models import Episode
from tests.factories import make_child, make_cost_line, make_inspection, make_placement, make_provider

pytestmark = pytest.mark.django_db

def today():
    """Read when a test runs, not when the module is imported (a run that crosses midnight stays right)."""
    return timezone.localdate()


def days_ago(days: int) -> date:
    return today() - timedelta(days=days)


def refs(placements) -> list[str]:
    return [p.child.case_ref for p in placements]


def episode_for(placement, place_provider: str, urn: str = "") -> None:
    Episode.objects.create(child=placement.child, placement=placement, decom=placement.start, dec=placement.end,
                           rne="S", legal_status="C2", place=placement.place_code or "U4",
                           place_provider=place_provider, urn=urn, return_year=2024)


def test_open_placements_with_no_cost_line_are_listed_but_not_placed_with_parents():
    make_placement(make_child(case_ref="NO-COST"), None, category=PlacementCategory.FOSTERING_INTERNAL,
                   start=days_ago(30))
    costed = make_placement(make_child(case_ref="COSTED"), None, start=days_ago(30))
    make_cost_line(costed, "500", costed.start)
    make_placement(make_child(case_ref="PARENTS"), None, category=PlacementCategory.PLACED_WITH_PARENTS,
                   start=days_ago(30))
    make_placement(make_child(case_ref="ENDED"), None, start=days_ago(90), end=days_ago(60), reason_ended="moved")
    assert refs(quality.placements_without_cost_lines(today())) == ["NO-COST"]


def test_external_placements_with_no_provider_are_listed_with_the_urn_from_the_return():
    imported = make_placement(make_child(case_ref="PR4-UNKNOWN-URN"), None, start=days_ago(10), place_code="K2")
    episode_for(imported, "PR4", urn="SC999999")
    own = make_placement(make_child(case_ref="PR1-OWN"), None, start=days_ago(10), route=CommissioningRoute.INTERNAL)
    episode_for(own, "PR1")
    make_placement(make_child(case_ref="BY-HAND-SPOT"), None, start=days_ago(10), route=CommissioningRoute.SPOT)
    make_placement(make_child(case_ref="BY-HAND-OWN"), None, start=days_ago(10), route=CommissioningRoute.INTERNAL)
    with_provider = make_placement(make_child(case_ref="HAS-PROVIDER"), make_provider(), start=days_ago(10))
    episode_for(with_provider, "PR4", urn="SC100001")
    listed = list(quality.external_placements_without_provider(today()))
    assert sorted(refs(listed)) == ["BY-HAND-SPOT", "PR4-UNKNOWN-URN"]
    assert {p.child.case_ref: p.urn for p in listed}["PR4-UNKNOWN-URN"] == "SC999999"


def test_residential_placements_whose_provider_has_no_rating_yet_are_listed():
    unrated = make_provider(name="Unrated", urn="SC1")
    rated_later = make_provider(name="Rated after today", urn="SC2")
    make_inspection(rated_later, inspection_date=today() + timedelta(days=1), overall="good")
    rated = make_provider(name="Rated", urn="SC3")
    make_inspection(rated, inspection_date=days_ago(400), overall="inadequate")
    make_placement(make_child(case_ref="UNRATED"), unrated, start=days_ago(5))
    make_placement(make_child(case_ref="RATED-LATER"), rated_later, start=days_ago(5))
    make_placement(make_child(case_ref="RATED"), rated, start=days_ago(5))
    make_placement(make_child(case_ref="NO-PROVIDER"), None, start=days_ago(5))
    make_placement(make_child(case_ref="FOSTERING"), unrated, category=PlacementCategory.FOSTERING_IFA,
                   start=days_ago(5))
    assert sorted(refs(quality.residential_without_rating(today()))) == ["NO-PROVIDER", "RATED-LATER", "UNRATED"]


def test_children_whose_placements_overlap_are_listed_once_with_where_the_overlap_begins():
    child = make_child(case_ref="OVERLAP")
    first = make_placement(child, None, start=date(2022, 1, 1), end=date(2022, 6, 1), reason_ended="moved")
    make_placement(child, None, start=date(2022, 5, 1), end=date(2022, 9, 1), reason_ended="moved")
    still_open = make_child(case_ref="OPEN-OVERLAP")
    make_placement(still_open, None, start=date(2021, 1, 1))
    make_placement(still_open, None, start=date(2023, 1, 1))
    moved = make_child(case_ref="MOVED-SAME-DAY")
    make_placement(moved, None, start=date(2022, 1, 1), end=date(2022, 6, 1), reason_ended="moved")
    make_placement(moved, None, start=date(2022, 6, 1))  # a move on day d: not an overlap
    listed = list(quality.overlapping_placements())
    assert refs(listed) == ["OPEN-OVERLAP", "OVERLAP"]
    assert listed[1] == first and listed[1].overlap_start == date(2022, 5, 1)
    assert listed[0].overlap_start == date(2023, 1, 1)


def test_temporary_placements_longer_than_the_903_rules_allow_are_listed():
    def temporary(ref, code, start, end=None):
        make_placement(make_child(case_ref=ref), None, category=PlacementCategory.OTHER, place_code=code,
                       start=start, end=end, reason_ended="moved" if end else "")

    temporary("T4-8-DAYS", "T4", date(2024, 1, 1), date(2024, 1, 9))
    temporary("T4-7-DAYS", "T4", date(2024, 1, 1), date(2024, 1, 8))
    temporary("T3-22-DAYS", "T3", date(2024, 1, 1), date(2024, 1, 23))
    temporary("T1-OPEN-43-DAYS", "T1", days_ago(43))
    temporary("T1-OPEN-42-DAYS", "T1", days_ago(42))
    temporary("T2-LONG-HOLIDAY", "T2", date(2024, 1, 1), date(2024, 3, 1))  # no limit for T2
    assert sorted(refs(quality.temporary_placements_too_long(today()))) == ["T1-OPEN-43-DAYS", "T3-22-DAYS", "T4-8-DAYS"]


def build_world(n: int, prefix: str) -> None:
    """``n`` children with something in every section."""
    for i in range(n):
        provider = make_provider(name=f"{prefix} Home {i}", urn=f"{prefix}{i:05d}")
        child = make_child(case_ref=f"{prefix}{i:05d}")
        make_placement(child, provider, start=days_ago(100), end=days_ago(20), reason_ended="moved")
        make_placement(child, None, start=days_ago(30), route=CommissioningRoute.SPOT)
        make_placement(make_child(case_ref=f"{prefix}T{i:04d}", given_name="", family_name=""), None,
                       category=PlacementCategory.OTHER,
                       place_code="T4", start=days_ago(20))


def test_the_page_shows_every_section_and_links_each_row(client, officer):
    build_world(2, "Q")
    client.force_login(officer)
    page = client.get(reverse("data_quality")).content.decode()
    for title in ("Open placements with no cost line", "External placements with no provider",
                  "Residential placements with no Ofsted rating",
                  "Placements another placement of the same child begins inside",
                  "Open at the end of a return, not in the next return", "31 March count beside this app",
                  "Temporary placements longer than the SSDA903 rules allow"):
        assert title in page
    assert 'scope="col"' in page and "Q00000" in page and "/placements/" in page


@pytest.mark.parametrize("group, status", [(access.PLACEMENTS_OFFICER, 200), (access.COMMISSIONING_MANAGER, 200),
                                           (access.SENIOR_MANAGER, 200), (access.PANEL_CHAIR, 200),
                                           (access.PANEL_MEMBER, 403)])
def test_officers_managers_and_senior_managers_see_the_page(client, django_user_model, group, status):
    user = django_user_model.objects.create_user(username=f"u-{group}")
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    assert client.get(reverse("data_quality")).status_code == status


def test_a_section_downloads_as_csv_with_every_row(client, director):
    build_world(30, "E")
    client.force_login(director)
    export = client.get(reverse("data_quality"), {"section": "temporary", "_export": "csv"})
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0][:2] == ["Child", "Name"] and len(rows) == 31
    assert rows[1][1] == rows[1][0]  # an unnamed child is shown by case reference


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_page_makes_the_same_number_of_queries_for_3_or_30_children(client, director,
                                                                        django_assert_max_num_queries):
    from django.core.cache import cache

    client.force_login(director)
    build_world(3, "S")
    cache.clear()  # both measured from cold: on PostgreSQL a figure whose tables did not change stays remembered
    small = queries_for(client, reverse("data_quality"))
    build_world(27, "B")
    cache.clear()
    assert queries_for(client, reverse("data_quality")) == small
    # Seven tables (a count, a page of rows and the children they are about), the returns held, the session.
    with django_assert_max_num_queries(30):
        client.get(reverse("data_quality"))
