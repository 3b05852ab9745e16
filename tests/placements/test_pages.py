"""List and detail pages: what they show, their exports, and a query count that does not grow with rows."""

import csv
import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from placements.choices import PlacementCategory
from tests.factories import make_child, make_cost_line, make_inspection, make_placement, make_provider

pytestmark = pytest.mark.django_db


def build_world(n: int, prefix: str = "W"):
    """``n`` children, each with an ended and an open placement with cost lines, and a rated provider."""
    today = timezone.localdate()
    children = []
    for i in range(n):
        provider = make_provider(name=f"{prefix} Home {i}", urn=f"{prefix}{i:05d}")
        make_inspection(provider, inspection_date=today - timedelta(days=100), overall="good")
        child = make_child(case_ref=f"{prefix}{i:05d}", family_name=f"Family{i}")
        old = make_placement(child, provider, start=today - timedelta(days=400), end=today - timedelta(days=100),
                             reason_ended="moved")
        make_cost_line(old, "4000", old.start, old.end - timedelta(days=1))
        new = make_placement(child, provider, start=today - timedelta(days=100))
        make_cost_line(new, "5000", new.start)
        make_cost_line(new, "1500", new.start, kind="additional", description="Education")
        child.dol_orders.create(start=today - timedelta(days=50))
        children.append(child)
    return children


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


PAGES = [
    ("home", lambda w: reverse("home")),
    ("child_list", lambda w: reverse("child_list")),
    ("child_list export", lambda w: reverse("child_list") + "?_export=csv"),
    ("child_detail", lambda w: reverse("child_detail", args=[w[0].pk])),
    ("provider_list", lambda w: reverse("provider_list")),
    ("provider_detail", lambda w: reverse("provider_detail", args=[w[0].placements.first().provider_id])),
    ("placement_list", lambda w: reverse("placement_list")),
    ("placement_list export", lambda w: reverse("placement_list") + "?_export=xlsx"),
    ("placement_detail", lambda w: reverse("placement_detail", args=[w[0].placements.first().pk])),
]


@pytest.mark.parametrize("name, url_for", PAGES, ids=[name for name, _ in PAGES])
def test_a_page_makes_the_same_number_of_queries_for_3_or_30_children(client, admin_user, name, url_for,
                                                                      django_assert_max_num_queries):
    client.force_login(admin_user)
    small = build_world(3, "S")
    small_count = queries_for(client, url_for(small))
    big = build_world(27, "B")
    big_count = queries_for(client, url_for(small))
    assert big_count == small_count, f"{name}: {small_count} queries with 3 children, {big_count} with 30"
    # The child's page reads its looked-after day from the segments and its episodes, lists their searches and
    # cost avoidance and sums their spend (issue 16, item 6); the home page, as the administrator, holds all
    # five roles' worklists (placements.worklists; tests/placements/test_worklists.py).
    with django_assert_max_num_queries({"home": 34, "child_detail": 19}.get(name, 14)):
        client.get(url_for(big))


def test_the_home_page_shows_the_headline_figures(client, director):
    build_world(2)
    make_placement(make_child(case_ref="PWP"), None, category=PlacementCategory.PLACED_WITH_PARENTS,
                   start=date(2020, 1, 1))
    client.force_login(director)
    page = client.get(reverse("home")).content.decode()
    assert "Looked after</dt>\n    <dd class=\"app-figure__value\">3</dd>" in page
    assert "In paid placements</dt>\n    <dd class=\"app-figure__value\">2</dd>" in page
    assert "£13,000" in page  # (5,000 + 1,500) x 2
    assert "66.7%" in page  # 2 residential of 3 placements


def test_the_child_list_filters_by_name_and_exports_the_same_rows(client, officer):
    build_world(3)
    client.force_login(officer)
    page = client.get(reverse("child_list"), {"q": "Family1"}).content.decode()
    assert "W00001" in page and "W00002" not in page
    export = client.get(reverse("child_list"), {"q": "Family1", "_export": "csv"})
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0][:2] == ["Case reference", "Name"]
    assert [r[0] for r in rows[1:]] == ["W00001"]


def test_the_placement_list_exports_to_excel_with_the_weekly_cost(client, officer):
    build_world(2)
    client.force_login(officer)
    export = client.get(reverse("placement_list"), {"state": "open", "_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert "Weekly cost today" in header
    costs = [row[header.index("Weekly cost today")] for row in rows[1:]]
    assert len(costs) == 2
    assert costs == [6500, 6500]  # numbers Excel can sum, not text


def test_the_placement_list_sorts_by_weekly_cost(client, officer):
    children = build_world(2)
    extra = children[1].placements.filter(end__isnull=True).get()
    make_cost_line(extra, "100", extra.start, kind="additional", description="Transport")
    client.force_login(officer)
    page = client.get(reverse("placement_list"), {"state": "open", "sort": "-weekly_cost_today"}).content.decode()
    assert page.index("W00001") < page.index("W00000")
    assert 'aria-sort="descending"' in page


def test_the_lists_are_paginated(client, officer):
    build_world(26)  # 52 placements, 50 a page
    client.force_login(officer)
    page = client.get(reverse("placement_list")).content.decode()
    assert "page 1 of 2" in page
    assert 'rel="next"' in page


def test_a_childs_page_shows_placements_and_costs_over_time(client, officer):
    child = build_world(1)[0]
    client.force_login(officer)
    page = client.get(reverse("child_detail", args=[child.pk])).content.decode()
    assert page.count("Core weekly fee") == 2
    assert "£6,500.00" in page  # this week's cost of the open placement
    assert "£4,000.00 from" in page  # the earlier placement's cost over time
    assert "DoL" in page or "Deprivation of Liberty" in page


def test_a_bad_filter_value_shows_an_error_not_a_server_error(client, officer):
    client.force_login(officer)
    response = client.get(reverse("placement_list"), {"started_after": "not a date"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "as a real date" in text and "Enter a valid date." not in text  # the field named (issue 16)
