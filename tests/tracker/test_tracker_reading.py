"""Trackers and downloads that match the page (issue 16, items 9 and 10), on small hand-made worlds."""

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from placements.choices import CameFrom, PlacementCategory
from placements.coverage import DataCoverage
from tests.factories import make_child, make_cost_line, make_placement, make_provider
from tests.tracker.test_weekly import SUNDAY, week  # noqa: F401  (the weekly tracker's small world)
from tracker import selectors
from tracker.rules import CEASE, MOVE, START

pytestmark = pytest.mark.django_db


# --- The residential tracker opens on the last whole month ----------------------------------------


@pytest.mark.parametrize("today, return_years, month", [
    (date(2026, 12, 1), (), (2026, 11)),  # one day of December: November is the last whole month
    (date(2026, 11, 30), (), (2026, 10)),  # 30 November is not over yet
    (date(2026, 12, 1), (2021,), (2022, 3)),  # returns end on 31 March 2022: March is whole
])
def test_the_last_complete_month(today, return_years, month):
    assert DataCoverage(today=today, return_years=return_years).last_complete_month() == month


def test_the_residential_tracker_opens_on_the_last_whole_month(client, director, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: date(2026, 12, 1))
    client.force_login(director)
    page = client.get(reverse("tracker_residential"))
    assert page.context["tracker"].month_start == date(2026, 11, 1)
    assert page.context["tracker"].as_at == date(2026, 11, 30)
    assert client.get(reverse("tracker_residential"), {"month": "2026-12"}).context["tracker"].as_at == date(2026, 12, 1)


# --- Starts and ceases with their cost and reason -------------------------------------------------


def test_starts_ceases_and_moves_show_the_weekly_cost_and_the_reason():
    home = make_provider()
    arrival = make_placement(make_child(case_ref="IN"), home, start=date(2024, 3, 6), came_from=CameFrom.HOSPITAL)
    make_cost_line(arrival, "4200", arrival.start)
    leaver = make_child(case_ref="OUT")
    left = make_placement(leaver, home, start=date(2023, 1, 1), end=date(2024, 3, 8), reason_ended="returned_home")
    make_cost_line(left, "3000", left.start, date(2024, 3, 7))  # in force on the last day, 7 March
    make_cost_line(left, "999", date(2024, 3, 8))  # begins the day the child left: not their cost
    mover = make_child(case_ref="MOVE")
    make_placement(mover, home, start=date(2023, 1, 1), end=date(2024, 3, 5), reason_ended="breakdown")
    moved = make_placement(mover, home, start=date(2024, 3, 5), category=PlacementCategory.FOSTERING_IFA)
    make_cost_line(moved, "800", moved.start)
    rows = selectors.weekly_tracker(SUNDAY).rows
    (start,), (cease,), (move,) = rows[START], rows[CEASE], rows[MOVE]
    assert (start.weekly_cost, start.reason) == (Decimal("4200"), "Came from: Hospital")
    assert (cease.weekly_cost, cease.reason) == (Decimal("3000"), "Returned home")
    assert (move.weekly_cost, move.reason) == (Decimal("800"), "Previous placement: placement broke down")


def test_the_weekly_pages_event_tables_show_cost_and_reason(client, director, week):  # noqa: F811
    client.force_login(director)
    response = client.get(reverse("tracker_weekly"), {"week_ending": "2024-03-10", "_export": "csv", "table": "ceases"})
    header, row = response.content.decode("utf-8-sig").strip().splitlines()[:2]
    assert header == "Day,Child,Name,Placement,Provider,Weekly cost,Reason,Originating team"
    assert row.endswith(",0.00,Returned home,South")  # the leaver's cost line ended on the Wednesday


def test_a_cease_while_the_placement_goes_on_says_so():
    child = make_child(case_ref="EIGHTEEN", date_of_birth=date(2006, 3, 7))  # 18 on Thursday 7 March 2024
    make_placement(child, make_provider(), start=date(2023, 1, 1))
    (cease,) = selectors.weekly_tracker(SUNDAY).rows[CEASE]
    assert cease.event.day == date(2024, 3, 7) and cease.reason == "Left care; the placement continues"


# --- The residential tracker's total and average weekly cost --------------------------------------


def test_the_residential_tracker_totals_and_averages_the_weekly_cost(client, director):
    home = make_provider()
    for number, amount in enumerate(["6000", "4500.50", None]):
        placement = make_placement(make_child(case_ref=f"R{number}"), home, start=date(2026, 9, 1))
        if amount:
            make_cost_line(placement, amount, placement.start)
    make_placement(make_child(case_ref="F"), home, category=PlacementCategory.FOSTERING_IFA, start=date(2026, 9, 1))
    costs = selectors.residential_tracker(2026, 10, date(2026, 11, 26)).costs
    assert (costs.placements, costs.with_cost, costs.without_cost) == (3, 2, 1)
    assert costs.total_weekly == Decimal("10500.50") and costs.average_weekly == Decimal("5250.25")
    client.force_login(director)
    page = client.get(reverse("tracker_residential"), {"month": "2026-10"}).content.decode()
    assert "£10,500" in page and "£5,250" in page and "over the 2 placements with a cost recorded; 1 with none" in page


def test_no_average_without_a_cost_recorded():
    make_placement(make_child(), make_provider(), start=date(2026, 9, 1))
    costs = selectors.residential_costs(date(2026, 10, 31))
    assert costs.total_weekly == 0 and costs.average_weekly is None


# --- The unregulated report week on week -----------------------------------------------------------


def test_the_unregulated_report_shows_the_change_on_last_week(client, director):
    lodgings = make_provider(name="Lodgings", urn=None, regulated=False)
    make_placement(make_child(case_ref="OLD", date_of_birth=date(2007, 1, 1)), lodgings,
                   category=PlacementCategory.UNREGULATED, start=date(2024, 1, 1))
    make_placement(make_child(case_ref="NEW", date_of_birth=date(2010, 1, 1)), lodgings,
                   category=PlacementCategory.UNREGULATED, start=date(2024, 3, 6))
    changes = {label: (now, before, change) for label, now, before, change in selectors.unregulated_changes(SUNDAY)}
    assert changes["In unregulated provision"] == (2, 1, 1)
    assert changes[selectors.UNDER_16] == (1, 0, 1)
    assert changes["16 or 17 with a DoL order"] == (0, 0, 0)
    client.force_login(director)
    page = client.get(reverse("tracker_unregulated"), {"week_ending": "2024-03-10"}).content.decode()
    assert "up 1 on last week (1)" in page and "no change on last week (0)" in page


# --- Downloads that match the page ------------------------------------------------------------------


def book_of(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_a_filtered_workbook_says_in_its_name_and_inside_what_is_filtered(client, director, week):  # noqa: F811
    client.force_login(director)
    response = client.get(reverse("tracker_weekly"), {"week_ending": "2024-03-10", "team": "North",
                                                      "category": "fostering_ifa", "_export": "workbook"})
    assert response["Content-Disposition"] == ('attachment; filename="weekly-tracker-2024-03-10-filtered-'
                                               'placement-category-fostering-independent-agency-'
                                               'originating-team-north.xlsx"')
    book = book_of(response)
    assert book.sheetnames[0] == "About this file"
    about = {label: text for label, text in book["About this file"].iter_rows(values_only=True)}
    assert about["Filtered to"] == "Placement category: Fostering (independent agency); Originating team: North"
    assert about["Sheets filtered"] == "Open placements"
    assert about["Sheets not filtered"].startswith("Starts, Ceases, Moves, By originating team: every row")
    assert len(list(book["Open placements"].iter_rows())) == 1 + 1  # the mover's new placement only
    single = client.get(reverse("tracker_weekly"), {"week_ending": "2024-03-10", "team": "North", "_export": "csv",
                                                    "table": "placements"})
    assert "placements-filtered-originating-team-north.csv" in single["Content-Disposition"]
    unfiltered = client.get(reverse("tracker_weekly"), {"week_ending": "2024-03-10", "_export": "workbook"})
    assert "filtered" not in unfiltered["Content-Disposition"] and "About this file" not in book_of(unfiltered).sheetnames


def test_workbooks_hold_dates_as_dates_and_numbers_as_numbers(client, director, week):  # noqa: F811
    client.force_login(director)
    book = book_of(client.get(reverse("tracker_weekly"), {"week_ending": "2024-03-10", "_export": "workbook"}))
    header, *rows = book["Open placements"].iter_rows(values_only=True)
    start, cost = header.index("Start"), header.index("Weekly cost")
    assert all(isinstance(row[start], datetime) for row in rows)
    assert all(isinstance(row[cost], (int, float)) for row in rows)


def test_a_share_and_its_count_download_as_two_numbers(client, director):
    home = make_provider()
    for number, came_from in enumerate([CameFrom.HOME, CameFrom.HOME, CameFrom.FOSTERING]):
        make_placement(make_child(case_ref=f"N{number}", date_of_birth=date(2010, 1, 1)), home,
                       start=date(2024, 3, 5), came_from=came_from)
    client.force_login(director)
    page = client.get(reverse("tracker_residential"), {"month": "2024-03"})
    assert "67% (2)" in page.content.decode()  # the page keeps its compact form
    book = book_of(client.get(reverse("tracker_residential"), {"month": "2024-03", "_export": "workbook"}))
    header, *rows = book["New residential by origin"].iter_rows(values_only=True)
    assert header[:3] == ("Came from", "March 2024: placements", "March 2024: share (%)")
    home_row = next(row for row in rows if row[0] == "Home")
    assert home_row[1:3] == (2, pytest.approx(66.7))


def test_sheet_names_are_whole(client, director):
    client.force_login(director)
    residential = book_of(client.get(reverse("tracker_residential"), {"month": "2024-03", "_export": "workbook"}))
    assert residential.sheetnames == ["Children in residential care", "New residential by age",
                                      "New residential by origin"]
    dashboard = book_of(client.get(reverse("tracker_dashboard"), {"_export": "workbook"}))
    assert "Looked after, starts, ceases" in dashboard.sheetnames and len(dashboard.sheetnames) == 12
    assert all(len(name) <= 31 for name in dashboard.sheetnames)


def test_the_dashboards_workbook_for_one_category_says_so(client, director):
    client.force_login(director)
    response = client.get(reverse("tracker_dashboard"), {"category": "residential", "start": "2024-01",
                                                         "end": "2024-06", "_export": "workbook"})
    assert response["Content-Disposition"] == ('attachment; filename="dashboard-2024-01-to-2024-06-filtered-'
                                               'placement-category-residential.xlsx"')
    about = dict(book_of(response)["About this file"].iter_rows(values_only=True))
    assert about["Filtered to"] == "Placement category: Residential"
    assert about["Sheets not filtered"].startswith("New residential by age: every row")
