"""The dashboard's figure functions on small explicit worlds, and the page."""

from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from placements.choices import CommissioningRoute, PlacementCategory
from panel.models import ConsolidationMeeting
from placements.cost_avoidance import cost_avoidance_record
from placements.demo import demo_authority_build
from placements.models import AuthoritySettings
from tests.factories import make_child, make_cost_line, make_placement, make_provider
from tracker import charts, dashboard, frames, selectors
from tracker.models import Budget

pytestmark = pytest.mark.django_db


def test_the_rate_per_10000_uses_the_population_setting(settings):
    settings.PLACEMENTS = {**settings.PLACEMENTS, "CHILD_POPULATION": 1000}
    for i in range(3):
        make_placement(make_child(case_ref=f"R{i}"), None, start=date(2024, 1, 1))
    months = dashboard.demand_by_month(frames.month_ends(date(2024, 1, 1), date(2024, 2, 29)))
    assert months["looked_after"].tolist() == [3, 3]
    assert months["rate_per_10000"].tolist() == [30.0, 30.0]
    assert months["starts"].tolist() == [3, 0]


def test_an_administrators_population_replaces_the_environments_and_the_chart_says_which(settings):
    settings.PLACEMENTS = {**settings.PLACEMENTS, "CHILD_POPULATION": 1000}
    AuthoritySettings(child_population=4000, panel_cost_threshold=Decimal("9000")).save()
    make_placement(make_child(case_ref="R1"), None, start=date(2024, 1, 1))
    months = dashboard.demand_by_month([date(2024, 1, 31)])
    assert months["rate_per_10000"].tolist() == [2.5]
    chart = charts.demand_chart(months)
    assert "a population of 4,000 children aged 0 to 17" in chart.summary
    assert "Authority settings" in chart.summary


def test_with_no_cost_lines_the_fostering_comparison_is_not_made_up():
    make_placement(make_child(case_ref="F1"), make_provider(), category=PlacementCategory.FOSTERING_IFA,
                   start=date(2024, 1, 1))
    make_placement(make_child(case_ref="F2"), None, category=PlacementCategory.FOSTERING_INTERNAL,
                   start=date(2024, 1, 1))
    gap = dashboard.fostering_cost_gap(date(2024, 1, 31))
    assert gap == {"internal_weekly": None, "external_weekly": None, "annual_gap": None}
    summary = charts.ownership_chart(dashboard.ownership_by_month([date(2024, 1, 31)]), gap).summary
    assert "£0" not in summary
    assert "cannot be compared yet: it needs cost lines" in summary


def test_the_fostering_comparison_averages_the_placements_paid_for_that_day():
    on = date(2024, 1, 31)
    for number, (category, amount) in enumerate([(PlacementCategory.FOSTERING_IFA, "1000.00"),
                                                 (PlacementCategory.FOSTERING_IFA, "0.00"),  # nothing paid: left out
                                                 (PlacementCategory.FOSTERING_INTERNAL, "400.00"),
                                                 (PlacementCategory.FOSTERING_INTERNAL, "600.00"),
                                                 (PlacementCategory.RESIDENTIAL, "5000.00")]):
        placement = make_placement(make_child(case_ref=f"G{number}"), None, category=category, start=date(2024, 1, 1))
        make_cost_line(placement, amount, date(2024, 1, 1))
    ended = make_placement(make_child(case_ref="GONE"), None, category=PlacementCategory.FOSTERING_IFA,
                           start=date(2024, 1, 1), end=on)  # left that day: not counted
    make_cost_line(ended, "9000.00", date(2024, 1, 1))
    assert dashboard.fostering_cost_gap(on) == {
        "internal_weekly": Decimal("500.00"), "external_weekly": Decimal("1000.00"), "annual_gap": Decimal("26000.00")}


def test_the_framework_share_counts_external_placements_only():
    for i, route in enumerate(["framework", "framework", "spot", "spot", "spot"]):
        provider = make_provider(name=f"Home {i}", urn=f"H{i}")
        p = make_placement(make_child(case_ref=f"E{i}"), provider, route=route, start=date(2024, 1, 1))
        make_cost_line(p, "5000" if route == "framework" else "6000", p.start)
    internal = make_provider(name="Our home", urn="OWN", ownership="internal")
    make_placement(make_child(case_ref="I"), internal, route=CommissioningRoute.INTERNAL, start=date(2024, 1, 1))
    table = dashboard.fees_and_framework_share(date(2024, 2, 1), [PlacementCategory.RESIDENTIAL])
    row = table.iloc[0]
    assert (row["external_placements"], row["on_framework"], row["framework_share"]) == (5, 2, 40.0)
    assert (row["framework_fee"], row["spot_fee"]) == (5000.0, 6000.0)


class TestForecast:
    ON = date(2024, 10, 1)

    @pytest.fixture
    def world(self):
        home = make_provider()
        long_stay = make_placement(make_child(case_ref="LONG"), home, start=date(2024, 1, 1))
        make_cost_line(long_stay, "700", long_stay.start)
        ending = make_placement(make_child(case_ref="ENDING"), home, start=date(2024, 1, 1),
                                planned_end=date(2024, 11, 1))
        make_cost_line(ending, "70", ending.start)
        new = make_placement(make_child(case_ref="NEW"), home, start=date(2024, 9, 1))
        make_cost_line(new, "7000", new.start)
        Budget.objects.create(financial_year=2024, category=PlacementCategory.RESIDENTIAL, amount=Decimal("500000"))

    def rows(self):
        fy_start = date(2024, 4, 1)
        reach = fy_start - timedelta(weeks=13)
        return dashboard.forecast(self.ON, frames.cost_line_frame(reach, self.ON))

    def test_the_three_parts_are_known_by_hand(self, world):
        residential, total = self.rows()
        # Spent 1 April to 1 October (184 days): 700/7 and 70/7 a day, and 7,000/7 from 1 September (31 days).
        assert residential.spent == pytest.approx(184 * 100 + 184 * 10 + 31 * 1000)
        # Committed 2 October to 31 March (181 days), but the ending placement only to 31 October (30 days).
        assert residential.committed == pytest.approx(181 * 100 + 30 * 10 + 181 * 1000)
        # One net start in 12 weeks at 7,000 a week: 1/84 a day, each costing 1,000 a day to 31 March.
        assert residential.new_demand == pytest.approx(1 / 84 * 1000 * 181 * 182 / 2)
        assert total.forecast == pytest.approx(residential.forecast)

    def test_the_variance_against_the_budget(self, world):
        residential, _ = self.rows()
        # The three parts by hand (above), against the budget of 500,000.
        forecast = (184 * 100 + 184 * 10 + 31 * 1000) + (181 * 100 + 30 * 10 + 181 * 1000) + 1 / 84 * 1000 * 181 * 182 / 2
        assert residential.forecast == pytest.approx(forecast)
        assert residential.variance == pytest.approx(forecast - 500000)  # 446,723 forecast: 53,277 under budget
        assert residential.variance < 0
        assert residential.overspend_percent == -10.7


class TestStability:
    ON = date(2024, 3, 31)

    def measures(self):
        return [(m.numerator, m.denominator) for m in dashboard.stability(self.ON)]

    def chain(self, case_ref, starts, born=date(2010, 1, 1), code="U4"):
        """Placements one after another, the last open."""
        child = make_child(case_ref=case_ref, date_of_birth=born)
        for index, start in enumerate(starts):
            end = starts[index + 1] if index + 1 < len(starts) else None
            make_placement(child, None, start=start, end=end, reason_ended="moved" if end else "",
                           place_code=code, category=PlacementCategory.FOSTERING_INTERNAL)
        return child

    def test_exactly_3_placements_in_the_year_count_and_2_do_not(self):
        self.chain("THREE", [date(2023, 4, 1), date(2023, 8, 1), date(2024, 1, 1)])
        self.chain("TWO", [date(2023, 4, 1), date(2024, 1, 1)])
        assert self.measures()[0] == (1, 2)

    def test_a_placement_counts_in_the_year_if_it_covers_its_first_day(self):
        # The year is 1 April 2023 to 31 March 2024. A child who left on 1 April was last there on 31 March.
        self.chain("LEFT-31-MARCH", [date(2022, 1, 1), date(2023, 4, 1), date(2024, 1, 1)])
        assert self.measures()[0] == (0, 1)
        self.chain("THERE-1-APRIL", [date(2022, 1, 1), date(2023, 4, 2), date(2024, 1, 1)])
        assert self.measures()[0] == (1, 2)
        # The day before, the first child's first placement was still in the year: both counted.
        assert dashboard.stability(date(2024, 3, 30))[0].numerator == 2

    def test_looked_after_exactly_2_years_counts_for_the_second_measure(self):
        self.chain("TWO-YEARS", [date(2022, 3, 31), date(2023, 1, 1), date(2023, 6, 1)])
        self.chain("A-DAY-SHORT", [date(2022, 4, 1), date(2023, 1, 1), date(2023, 6, 1)])
        assert self.measures()[1] == (1, 1)
        assert dashboard.stability(date(2024, 4, 1))[1].denominator == 2  # a day later, both

    def test_under_16_two_and_a_half_years_in_care_and_2_years_in_the_same_placement(self):
        self.chain("SETTLED", [date(2021, 9, 30), date(2022, 3, 31)])
        self.chain("MOVED", [date(2021, 9, 30), date(2022, 4, 1)])
        self.chain("TOO-OLD", [date(2021, 1, 1)], born=date(2008, 3, 31))  # 16 on the day
        assert self.measures()[2] == (1, 2)
        # The day before, the young person was still under 16 (and settled) and the first child a day short.
        third = dashboard.stability(date(2024, 3, 30))[2]
        assert (third.numerator, third.denominator) == (1, 3)

    def test_temporary_placements_are_not_counted_as_placements(self):
        child = self.chain("TEMP", [date(2023, 4, 1), date(2023, 8, 1)])
        make_placement(child, None, start=date(2022, 1, 1), end=date(2022, 2, 1), reason_ended="moved",
                       place_code="T1")
        assert self.measures()[0] == (0, 1)

    def test_two_moves_in_twelve_months(self):
        mover = self.chain("MOVER", [date(2023, 1, 1), date(2023, 6, 1), date(2024, 2, 1)])
        once = self.chain("ONCE", [date(2023, 1, 1), date(2023, 6, 1)])
        before = self.chain("BEFORE", [date(2022, 1, 1), date(2023, 3, 31)])  # moved the day before the window
        moves = selectors.moves_by_child(date(2023, 4, 1), self.ON)
        assert moves == {mover.pk: 2, once.pk: 1}
        assert before.pk not in moves
        assert selectors.moves_by_child(date(2023, 4, 1), self.ON, at_least=2) == {mover.pk: 2}


# The dashboard's starts, ceases and moves against the weekly tracker's, and both against an independent
# recount of a third party's returns: tests/tracker/test_true_figures.py.


def test_weekly_spend_agrees_with_the_weekly_tracker():
    demo_authority_build(children=60, today=date(2026, 11, 26), seed=5)
    sunday = date(2026, 11, 22)
    lines = frames.cost_line_frame(sunday - timedelta(days=6), sunday)
    trend = dashboard.weekly_spend(lines, sunday - timedelta(days=6), sunday)
    assert trend["spend"].tolist() == [pytest.approx(float(selectors.week_figures(sunday).weekly_spend), abs=0.01)]


def test_the_dashboard_page_draws_every_chart_and_keeps_its_queries_fixed(client, director):
    client.force_login(director)
    for i in range(3):
        p = make_placement(make_child(case_ref=f"S{i}"), make_provider(name=f"S{i}", urn=f"S{i}"),
                           start=date(2024, 1, 1))
        make_cost_line(p, "5000", p.start)
    today = timezone.localdate()
    cost_avoidance_record(child=p.child, source="panel", date_agreed=today - timedelta(days=70),
                          effective_from=today - timedelta(days=70), recorded_by=director, one_off=Decimal("900"))
    ConsolidationMeeting.objects.create(child=p.child, placement=p, date=today - timedelta(days=70),
                                        outcome="maintained", outcome_date=today - timedelta(days=40))
    with CaptureQueriesContext(connection) as small:
        response = client.get(reverse("tracker_dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-figure="') == 12
    assert page.count('<script id="') == 12 and "plotly.min" in page
    for i in range(30):
        p = make_placement(make_child(case_ref=f"B{i}"), make_provider(name=f"B{i}", urn=f"B{i}"),
                           start=date(2024, 1, 1), end=date(2024, 6, 1), reason_ended="moved")
        make_cost_line(p, "5000", p.start)
    with CaptureQueriesContext(connection) as big:
        client.get(reverse("tracker_dashboard"))
    assert len(big) == len(small)


def test_a_bad_range_is_a_clear_error(client, director):
    client.force_login(director)
    response = client.get(reverse("tracker_dashboard"), {"start": "2024-05", "end": "2024-01"})
    assert "The &#x27;to&#x27; month must be the same as or after the &#x27;from&#x27; month." in response.content.decode()


def test_every_charts_numbers_download_as_csv(client, director):
    client.force_login(director)
    response = client.get(reverse("tracker_dashboard"), {"_export": "csv", "table": "fees"})
    assert response.content.decode("utf-8-sig").splitlines()[0].startswith("Category,Framework fee")


def test_a_regions_thousands_of_unsettled_children_list_the_most_moved_first(client, director, monkeypatch):
    """The early-warning list shows the children with the most moves, and says how many there are."""
    monkeypatch.setattr(dashboard, "UNSETTLED_SHOWN", 2)
    home = make_provider(name="Oak House", urn="SC1")
    for number, moves in enumerate([2, 3, 2], start=1):
        child = make_child(case_ref=f"U{number:03d}", family_name=f"Moved{number}")
        starts = [date(2024, 1, 1)] + [date(2024, 2 + 2 * move, 1) for move in range(moves)]
        for start, end in zip(starts, starts[1:] + [None]):
            make_placement(child, home, category="residential", start=start, end=end)
    client.force_login(director)
    page = client.get(reverse("tracker_dashboard") + "?start=2024-01&end=2024-11").content.decode()
    assert "The 2 with the most moves of 3 children." in page
    assert "(U002): 3 moves" in page  # the most moves first
    assert page.count(" moves</li>") == 2
    assert "(U001): 2 moves" in page and "(U003)" not in page  # of those with as many, as children are listed


def test_a_date_pandas_cannot_hold_is_left_empty_not_a_failure():
    days = frames._dates(pd.Series([date(201, 5, 1), date(2024, 1, 1), None, date(9999, 12, 31)]))
    assert days.isna().tolist() == [True, False, True, True]
    assert days.iloc[1] == pd.Timestamp("2024-01-01")


def test_charts_without_cost_lines_say_what_would_fill_them_rather_than_show_pounds_nothing():
    fees = pd.DataFrame([{"category": "Residential", "framework_fee": None, "spot_fee": 6000.0, "external_placements": 2,
                          "on_framework": 0, "framework_share": 0.0},
                         {"category": "Supported accommodation", "framework_fee": None, "spot_fee": None,
                          "external_placements": 0, "on_framework": 0, "framework_share": float("nan")}])
    assert charts.fees_chart(fees).summary == (
        "No comparison for residential, supported accommodation: it needs core cost lines in force on external "
        "placements both on a framework and spot.")
    assert "nan" not in charts.framework_share_chart(fees).summary
    spend = pd.DataFrame([{"week_ending": date(2024, 1, 7), "spend": 0.0}, {"week_ending": date(2024, 1, 14), "spend": 0.0}])
    assert charts.spend_trend_chart(spend).summary.startswith("No spend recorded in this period")
    nothing = [dashboard.ForecastRow("All placements", 0.0, 0.0, 0.0, None)]
    assert "£0" not in charts.forecast_chart(nothing).summary
