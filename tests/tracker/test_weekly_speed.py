"""The weekly tracker at a region's size (issue 17, items 3 and 5): its tables written directly give the HTML
django-tables2's loop gave, its pages in name order the rows the old ordering gave."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import RequestFactory
from django_tables2 import RequestConfig

from placements.demo import demo_authority_build
from placements.keyset import KeysetPaginator
from tests.factories import make_child, make_cost_line, make_placement, make_provider
from tracker import exports, selectors
from tracker.rules import CEASE, MOVE, START
from tracker.tables import WeeklyPlacementTable
from tracker.views import paginate
from tests.table_html import as_django_tables2_writes_them, squeezed

pytestmark = pytest.mark.django_db



SUNDAY = date(2026, 11, 22)


@pytest.fixture
def demo():
    demo_authority_build(children=60, today=date(2026, 11, 26), seed=5)


def weekly_tables_for(query: str, week_ending=SUNDAY):
    request = RequestFactory().get(f"/tracker/weekly/?{query}")
    tracker = selectors.weekly_tracker(week_ending)
    named_tables = exports.weekly_tables(tracker)
    paginate(request, named_tables[:4], counts={"placements": tracker.figures.placements})
    return named_tables


@pytest.mark.parametrize("query", ["", "sort=-age", "sort=weeks&page=1", "sort=-name", "sort=provider"])
def test_every_weekly_table_is_written_as_django_tables2_writes_it(demo, query):
    named_tables = weekly_tables_for(query)
    assert any(named.table.page.object_list for named in named_tables[1:4]), "the demo week should have events"
    for named in named_tables:
        table = named.table
        html = table.rendered_rows()
        assert squeezed(html) == squeezed(as_django_tables2_writes_them(table)), named.name
    placements = named_tables[0].table
    assert 'href="/children/' in placements.rendered_rows()  # the child's link, as the loop writes it
    assert 'class="govuk-table__cell app-nowrap"' in placements.rendered_rows()


def test_hidden_columns_and_empty_tables_are_written_as_django_tables2_writes_them(demo):
    named_tables = weekly_tables_for("", week_ending=date(2031, 1, 5))  # after the data: no events
    for named in named_tables:
        table = named.table
        assert squeezed(table.rendered_rows()) == squeezed(as_django_tables2_writes_them(table)), named.name
    assert "None this week." in named_tables[1].table.rendered_rows()
    named_tables = weekly_tables_for("")
    placements = named_tables[0].table
    placements.columns.hide("provider")
    placements.columns.hide("weekly_cost")
    html = placements.rendered_rows()
    assert "£" not in html
    assert squeezed(html) == squeezed(as_django_tables2_writes_them(placements))


def awkward_week():
    """A week whose rows hold what a hand-written cell could get wrong: markup in names, providers and teams, no
    provider, no team, no name, a start, a cease with its cost line ending the day before, a move, a cease of a
    placement that goes on (an 18th birthday), a child with no cost at all."""
    home = make_provider(name='Fern & "Co" <homes>', urn="SC9")
    start = make_child(case_ref="S<1>", given_name="Zoë", family_name="O'Brien & <b>", team="Team <A> & B")
    placement = make_placement(start, None, start=date(2026, 11, 18), came_from="hospital")
    make_cost_line(placement, "1234.56", placement.start)
    leaver = make_child(case_ref="L1", given_name="", family_name="", team="")
    left = make_placement(leaver, home, start=date(2025, 1, 1), end=date(2026, 11, 20), reason_ended="returned_home")
    make_cost_line(left, "700", left.start, date(2026, 11, 18))
    mover = make_child(case_ref="M1", team="")
    make_placement(mover, home, start=date(2025, 1, 1), end=date(2026, 11, 17), reason_ended="breakdown")
    make_placement(mover, None, category="fostering_ifa", start=date(2026, 11, 17))
    second = make_child(case_ref="M2")
    make_placement(second, home, start=date(2025, 1, 1), end=date(2026, 11, 19))  # no reason recorded
    make_placement(second, home, category="fostering_ifa", start=date(2026, 11, 19))
    make_placement(make_child(case_ref="E18", date_of_birth=date(2008, 11, 19)), home, start=date(2025, 1, 1))


def test_hand_written_rows_are_django_tables2s_for_awkward_values_and_chosen_columns(demo):
    awkward_week()
    for query in ["", "sort=-weeks", "sort=team"]:
        for named in weekly_tables_for(query):
            table = named.table
            assert squeezed(table.rendered_rows()) == squeezed(as_django_tables2_writes_them(table)), (query, named.name)
    named_tables = weekly_tables_for("")
    html = "".join(named.table.rendered_rows() for named in named_tables)
    assert "O&#x27;Brien &amp; &lt;b&gt;" in html and "Fern &amp; &quot;Co&quot; &lt;homes&gt;" in html
    assert "S&lt;1&gt;</a>" in html and "<b>" not in html
    for named in named_tables[1:4]:  # columns chosen: the hidden ones written by neither
        table = named.table
        table.columns.hide("provider")
        table.columns.hide("day")
        assert squeezed(table.rendered_rows()) == squeezed(as_django_tables2_writes_them(table)), named.name
        assert "No provider" not in table.rendered_rows()


def test_a_weeks_events_read_a_slice_at_a_time_are_the_whole_lists_rows(demo):
    """A page of an event table is a slice of the week's rows, read on its own, in the order of the whole list
    (the day, then the child); the number of rows is the week's figure."""
    awkward_week()
    tracker = selectors.weekly_tracker(SUNDAY)
    counted = {START: tracker.figures.starts, CEASE: tracker.figures.ceases, MOVE: tracker.figures.moves}
    for kind, rows in tracker.rows.items():
        whole = list(rows)
        assert len(rows) == len(whole) == counted[kind] > 1, kind
        assert [(row.event.day, row.event.child_id) for row in whole] == sorted(
            (row.event.day, row.event.child_id) for row in whole)
        for first, last in [(0, 1), (1, 3), (0, len(whole)), (len(whole) - 1, len(whole) + 5), (2, 2)]:
            assert rows[first:last] == whole[first:last], (kind, first, last)
        assert rows[-1] == whole[-1]
        with pytest.raises(IndexError):
            rows[len(whole)]


# --- Pages in name order found by key (item 3) -----------------------------------------------------------

ON = date(2024, 3, 10)


def name_world(children: int, seed: int = 7):
    """Children with few names among them (many share a family name, some a whole name), some of them placed
    twice before the day (one open placement each that day), one with no name at all."""
    import random

    chance = random.Random(seed)
    home = make_provider()
    for number in range(children):
        child = make_child(case_ref=f"N{number:03}", family_name=chance.choice(["Adams", "Brown", "Cole", "Ng", ""]),
                           given_name=chance.choice(["Ann", "Bo", "Cy"]), team=f"Team {number % 3}")
        if chance.random() < 0.3:
            make_placement(child, home, start=date(2023, 1, 1), end=date(2024, 1, 1), reason_ended="moved")
            make_placement(child, home, start=date(2024, 1, 1))
        else:
            make_placement(child, home, start=date(2023, 6, 1))


def paged(query: str, per_page: int, queryset=None, walked_pages: int = 0) -> tuple[list[list[int]], object]:
    """Every page's placements, as the tracker's table pages them by key (after the first ``walked_pages``)."""
    pages, number = [], 1
    while True:
        table = WeeklyPlacementTable(queryset if queryset is not None else selectors.open_placements(ON), on=ON)
        request = RequestFactory().get(f"/tracker/weekly/?{query}&page={number}")
        RequestConfig(request, paginate={"per_page": per_page, "paginator_class": KeysetPaginator,
                                         "key": selectors.OPEN_PLACEMENTS_KEY,
                                         "walked_pages": walked_pages}).configure(table)
        pages.append([row.record.pk for row in table.page.object_list])
        if not table.page.has_next():
            return pages, table
        number += 1


@pytest.mark.parametrize("per_page", [1, 4, 7, 100])
def test_pages_by_key_hold_the_rows_offsets_gave_in_the_same_order(per_page):
    name_world(31)
    everything = list(selectors.open_placements(ON).values_list("pk", flat=True))
    assert len(everything) == 31
    pages, table = paged("", per_page)
    assert table.paginator.direction == "asc"
    assert [pk for page in pages for pk in page] == everything
    assert pages == [everything[i:i + per_page] for i in range(0, len(everything), per_page)]
    assert table.paginator.count == 31
    # Sorted by name by the user, either way: the same rows, ties in a name broken by the placement's id.
    descending = list(selectors.open_placements(ON).order_by("-child__family_name", "-child__given_name", "-pk")
                      .values_list("pk", flat=True))
    pages, table = paged("sort=-name", per_page)
    assert table.paginator.direction == "desc"
    assert [pk for page in pages for pk in page] == descending
    pages, _ = paged("sort=name", per_page)
    assert [pk for page in pages for pk in page] == everything
    # The first pages walked from the start, the rest found by key: the same pages.
    assert paged("", per_page, walked_pages=2)[0] == paged("", per_page)[0]
    assert paged("sort=-name", per_page, walked_pages=3)[0] == paged("sort=-name", per_page)[0]


def test_a_filtered_list_is_paged_by_key_and_counted():
    name_world(31)
    filtered = selectors.open_placements(ON).filter(child__team__icontains="team 1")
    expected = list(filtered.values_list("pk", flat=True))
    pages, table = paged("", 4, queryset=filtered)
    assert [pk for page in pages for pk in page] == expected
    assert table.paginator.count == len(expected) == 10


def test_another_order_is_paged_by_offset():
    name_world(12)
    pages, table = paged("sort=-age", 5)
    assert table.paginator.direction is None
    expected = list(selectors.open_placements(ON).order_by("child__date_of_birth").values_list("pk", flat=True))
    assert sorted(pk for page in pages for pk in page) == sorted(expected)


def test_a_page_past_the_end_shows_the_last_page_as_before():
    name_world(9)
    table = WeeklyPlacementTable(selectors.open_placements(ON), on=ON)
    RequestConfig(RequestFactory().get("/?page=99"), paginate={
        "per_page": 4, "paginator_class": KeysetPaginator, "key": selectors.OPEN_PLACEMENTS_KEY}).configure(table)
    assert table.page.number == 3
    assert len(table.page.object_list) == 1


def test_pages_starts_are_remembered_until_the_data_changes(django_assert_max_num_queries):
    name_world(9)
    paged("", 4)
    with django_assert_max_num_queries(3):  # the data version, the count and the page
        table = WeeklyPlacementTable(selectors.open_placements(ON), on=ON)
        RequestConfig(RequestFactory().get("/?page=2&team=x"), paginate={
            "per_page": 4, "paginator_class": KeysetPaginator, "key": selectors.OPEN_PLACEMENTS_KEY,
            "walked_pages": 0}).configure(table)
        assert len(table.page.object_list) == 4
    child = make_child(case_ref="LATE", family_name="Aaron", given_name="Al")
    make_placement(child, make_provider(name="Other", urn="SC9"), start=date(2024, 2, 1))
    pages, _ = paged("", 4)
    assert pages[0][0] == selectors.open_placements(ON).first().pk
    assert sum(len(page) for page in pages) == 10


def test_the_weekly_pages_second_page_continues_the_name_order(client, director, django_assert_max_num_queries):
    name_world(105)
    client.force_login(director)
    everything = list(selectors.open_placements(ON).values_list("child__case_ref", flat=True))
    response = client.get("/tracker/weekly/", {"week_ending": "2024-03-10", "page": 2})
    page = response.content.decode()
    assert "page 2 of 2" in page
    shown = re.findall(r'href="/children/\d+/">(N\d+)</a>', page)
    assert shown == everything[100:]
    with django_assert_max_num_queries(25):
        client.get("/tracker/weekly/", {"week_ending": "2024-03-10", "page": 2, "sort": "-name"})


# --- The page's tables written once and remembered (item 5) ----------------------------------------------


def without_tokens(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def test_the_page_viewed_again_is_the_same_page_from_fewer_queries_and_shows_a_change(
        client, director, django_assert_max_num_queries):
    from placements.models import Child

    name_world(12)
    arrival = make_child(case_ref="ARRIVAL", family_name="Newcombe", given_name="Ida")
    make_placement(arrival, make_provider(name="Elm House", urn="SC7"), start=date(2024, 3, 6))
    client.force_login(director)
    url = "/tracker/weekly/?week_ending=2024-03-10&sort=-name"
    first = client.get(url).content.decode()
    assert first.count("Ida Newcombe") == 2  # a start this week, and open on the Sunday
    # The session and its save, the user and their permissions and groups, the data version, the coverage.
    with django_assert_max_num_queries(10) as again:
        second = client.get(url).content.decode()
    assert not [query for query in again.captured_queries if "placements_placement" in query["sql"]]
    assert without_tokens(second) == without_tokens(first)
    Child.objects.filter(pk=arrival.pk).update(family_name="Oldcastle")  # as a bulk write: no signals
    third = client.get(url).content.decode()
    assert "Ida Newcombe" not in third
    assert third.count("Ida Oldcastle") == 2


def test_each_address_has_its_own_page(client, director):
    name_world(12)
    client.force_login(director)
    url = "/tracker/weekly/?week_ending=2024-03-10"
    by_name = client.get(url).content.decode()
    by_age = client.get(url + "&sort=age").content.decode()
    assert by_name != by_age
    assert 'aria-sort="ascending"' in by_age
    assert without_tokens(client.get(url).content.decode()) == without_tokens(by_name)
