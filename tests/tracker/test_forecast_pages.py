"""The forecast on the app's own data: the demo's backtest, costs and budgets, the pages and the command."""

import json
import re
from datetime import date
from io import StringIO

import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from placements.choices import PlacementCategory
from placements.demo import demo_authority_build
from tests.factories import make_child, make_cost_line, make_placement
from tracker.forecast import costs
from tracker.forecast.report import forecast_report
from tracker.forecast.scenarios import ScenarioSettings
from tracker.models import Budget, PlacementCapacity, Scenario

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 26)


@pytest.fixture
def demo():
    demo_authority_build(children=60, today=TODAY, seed=5)


def test_the_backtest_on_the_demo_runs_and_gives_an_error_for_each_category_it_holds(demo):
    report = forecast_report(TODAY, (), 36, 24, ScenarioSettings())
    assert report.enough, report.reason
    assert report.origin == date(2026, 10, 31)
    by_category = {row.category: row for row in report.backtest}
    assert PlacementCategory.RESIDENTIAL in by_category
    for row in report.backtest:
        assert row.mean_abs_pct_error is None or row.mean_abs_pct_error >= 0
        assert 0 <= row.within_interval <= 100
    assert len(report.projection.month_ends) == 36
    # Every forecast line has its interval, holding the expected numbers.
    assert ((report.projection.lower <= report.projection.expected)
            & (report.projection.expected <= report.projection.upper)).all().all()
    # Three financial years, the current one with the spend so far in it.
    assert report.gaps["financial_year"].tolist() == ["2026/27", "2027/28", "2028/29"]


def test_a_step_down_on_the_demo_moves_children_out_of_residential(demo):
    baseline = forecast_report(TODAY, (), 24, 24, ScenarioSettings())
    scenario = forecast_report(TODAY, (), 24, 24, ScenarioSettings(step_down_share=30, step_down_age=12))
    residential, fostering = PlacementCategory.RESIDENTIAL, PlacementCategory.FOSTERING_INTERNAL
    assert scenario.projection.expected[residential].iloc[-1] < baseline.projection.expected[residential].iloc[-1]
    assert scenario.projection.expected[fostering].iloc[-1] > baseline.projection.expected[fostering].iloc[-1]
    # The same children, give or take the difference in how often fostered and residential children leave care.
    assert scenario.projection.expected.iloc[-1].sum() == pytest.approx(baseline.projection.expected.iloc[-1].sum(),
                                                                        rel=0.1)


def world_of_costs():
    """Two residential placements since 2022 at £4,000 and £6,000 a week, one agency fostering at £900."""
    for i, amount in enumerate(["4000", "6000"]):
        placement = make_placement(make_child(case_ref=f"R{i}"), start=date(2022, 1, 1))
        make_cost_line(placement, amount, placement.start)
    placement = make_placement(make_child(case_ref="F0"), category=PlacementCategory.FOSTERING_IFA,
                               start=date(2022, 1, 1))
    make_cost_line(placement, "900", placement.start)
    # One who left, so the history has a beginning (the first segment that ended).
    make_placement(make_child(case_ref="L0"), start=date(2022, 1, 1), end=date(2022, 3, 1), reason_ended="left")


def test_the_weekly_cost_of_a_category_is_the_average_of_the_lines_in_force():
    world_of_costs()
    weekly = costs.average_weekly_costs(costs.weekly_cost_breakdown(date(2024, 6, 30)))
    assert weekly == {PlacementCategory.RESIDENTIAL: 5000.0, PlacementCategory.FOSTERING_IFA: 900.0}


def test_the_gap_to_budget_is_the_forecast_less_the_budget_each_year():
    world_of_costs()
    Budget.objects.create(financial_year=2025, category=PlacementCategory.RESIDENTIAL, amount=500_000)
    report = forecast_report(date(2025, 3, 31), (), 36, 24, ScenarioSettings())
    gaps = report.gaps.set_index("financial_year")
    # Nobody comes or goes: 2 residential at £5,000 and 1 agency at £900 a week, all through 2025/26.
    year = (2 * 5000 + 900) * 365 / 7
    assert gaps.loc["2025/26", "forecast"] == pytest.approx(year, abs=1)
    assert gaps.loc["2025/26", "gap"] == pytest.approx(year - 500_000, abs=1)
    assert pd.isna(gaps.loc["2026/27", "budget"]) and pd.isna(gaps.loc["2026/27", "gap"])
    assert report.rows()[0] == {"month": "2025-04", "category": "fostering_ifa", "expected": 1.0, "lower": 1.0,
                                "upper": 1.0, "cost": round(900 * 30 / 7)}


def test_a_fee_uplift_raises_the_cost_from_the_next_first_of_april():
    world_of_costs()
    settings = ScenarioSettings(uplifts=(("residential", 10.0),))
    report = forecast_report(date(2025, 2, 28), (), 3, 24, settings)
    residential = report.costs.loc[report.costs["category"] == "residential"].set_index("month")["cost"]
    assert residential[date(2025, 3, 31)] == pytest.approx(2 * 5000 * 31 / 7)
    assert residential[date(2025, 4, 30)] == pytest.approx(2 * 5000 * 30 / 7 * 1.1)


def test_sufficiency_counts_the_spot_placements_beyond_the_places_held():
    world_of_costs()
    PlacementCapacity.objects.update_or_create(category=PlacementCategory.RESIDENTIAL,
                                               defaults={"in_house_places": 1, "framework_places": 0})
    report = forecast_report(date(2025, 3, 31), (), 12, 24, ScenarioSettings())
    row = report.sufficiency.set_index("category").loc["Residential"]
    assert (row["expected"], row["in_house_places"], row["spot_needed"]) == (2, 1, 1)


def test_a_short_history_shows_no_forecast_and_the_reason(client, officer):
    make_placement(make_child(), start=timezone.localdate().replace(day=1), category=PlacementCategory.RESIDENTIAL)
    client.force_login(officer)
    response = client.get(reverse("tracker_forecast"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "No forecast" in page and "No history to forecast from" in page


def test_the_forecast_page_on_the_demo_shows_every_chart_and_the_backtest(client, officer, demo,
                                                                       django_assert_max_num_queries):
    client.force_login(officer)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("tracker_forecast"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('data-figure="') == 4
    assert "Backtest: how far the model missed a year ago" in page and "Mean absolute error (%)" in page
    assert "5th to 95th percentile" in page
    download = client.get(reverse("tracker_forecast"), {"_export": "csv", "table": "monthly"})
    assert download.content.decode("utf-8-sig").splitlines()[0].startswith("Month ending,Category,Expected children")


def test_the_dashboard_links_to_the_forecast(client, director):
    client.force_login(director)
    assert reverse("tracker_forecast") in client.get(reverse("tracker_dashboard")).content.decode()


def test_a_manager_saves_a_scenario_and_sees_it_beside_the_baseline(client, manager, demo):
    client.force_login(manager)
    response = client.post(reverse("tracker_scenario_create"), {
        "name": "Step-down at 14", "entry_multiplier": "1.10", "entries_added": "0", "step_down_share": "25",
        "step_down_age": "14", "step_down_to": PlacementCategory.FOSTERING_INTERNAL, "in_house_carers_added": "5",
        "uplift_residential": "4", "uplift_fostering": "", "uplift_supported": "", "uplift_other": ""})
    scenario = Scenario.objects.get(name="Step-down at 14")  # the demo has one of its own
    assert response.status_code == 302 and response.url == scenario.get_absolute_url()
    assert scenario.author == manager
    assert scenario.scenario_settings == ScenarioSettings(
        entry_multiplier=1.1, step_down_share=25, step_down_age=14, in_house_carers_added=5,
        uplifts=(("residential", 4.0), ("secure", 4.0)))
    page = client.get(scenario.get_absolute_url()).content.decode()
    assert "A scenario, not the baseline" in page and "Baseline children" in page
    listed = client.get(reverse("tracker_scenarios")).content.decode()
    assert "Step-down at 14" in listed and "25% a year of children in residential care aged 14" in listed
    download = client.get(scenario.get_absolute_url(), {"_export": "xlsx", "table": "comparison"})
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxmlformats")
    on_page = client.get(reverse("tracker_forecast"), {"scenario": scenario.pk}).content.decode()
    assert "Scenario “Step-down at 14”" in on_page


def test_a_bad_scenario_says_which_field_and_saves_nothing(client, manager):
    client.force_login(manager)
    response = client.post(reverse("tracker_scenario_create"), {
        "name": "", "entry_multiplier": "9", "step_down_share": "150", "step_down_to": "residential"})
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "Ensure this value is less than or equal to 5" in page
    assert not Scenario.objects.exists()


def test_an_officer_reads_scenarios_but_cannot_make_one(client, officer):
    client.force_login(officer)
    assert client.get(reverse("tracker_scenarios")).status_code == 200
    assert client.get(reverse("tracker_scenario_create")).status_code == 403


def test_the_command_writes_the_issues_json_and_the_same_rows_as_csv(demo, manager):
    out = StringIO()
    call_command("forecast", "--months", "12", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {"as_at", "rows", "backtest"}
    assert set(data["rows"][0]) == {"month", "category", "expected", "lower", "upper", "cost"}
    assert len({row["month"] for row in data["rows"]}) == 12
    assert set(data["backtest"][0]) == {"category", "mean_abs_pct_error"}
    csv = StringIO()
    call_command("forecast", "--months", "12", "--format", "csv", stdout=csv)
    lines = csv.getvalue().lstrip("\ufeff").splitlines()
    assert lines[0] == "month,category,expected,lower,upper,cost"
    assert len(lines) == len(data["rows"]) + 1
    Scenario.objects.create(name="More entries", author=manager, settings={"entry_multiplier": 2})  # beside the demo's
    more = StringIO()
    call_command("forecast", "--months", "12", "--scenario", "More entries", "--format", "json", stdout=more)
    total = sum(row["expected"] for row in json.loads(more.getvalue())["rows"] if row["month"] == data["rows"][-1]["month"])
    assert total > sum(row["expected"] for row in data["rows"] if row["month"] == data["rows"][-1]["month"])
    with pytest.raises(CommandError, match="No scenario is called"):
        call_command("forecast", "--scenario", "Nope", "--format", "json", stdout=StringIO())


def test_without_returns_the_history_begins_when_a_recorded_child_first_left_care():
    from tracker.forecast.history import history_begins

    mover = make_child(case_ref="M1")
    make_placement(mover, start=date(2015, 1, 1), end=date(2018, 5, 1), reason_ended="moved")
    make_placement(mover, start=date(2018, 5, 1), category=PlacementCategory.FOSTERING_INTERNAL)
    leaver = make_child(case_ref="L1")
    make_placement(leaver, start=date(2022, 1, 1), end=date(2023, 4, 3), reason_ended="left")
    # The move in 2018 is not a leaving: the records are whole from the first child who left.
    assert history_begins(()) == date(2023, 4, 3)
    assert history_begins((2019, 2020)) == date(2019, 4, 1)


def test_removing_the_demo_removes_the_places_it_made_up_and_keeps_the_authoritys_own(db):
    from placements import demo
    from placements.choices import PlacementCategory
    from tracker.models import PlacementCapacity

    own = PlacementCapacity.objects.create(category=PlacementCategory.RESIDENTIAL, in_house_places=7)
    demo.demo_authority_build(children=30, today=date(2026, 11, 26), seed=5)
    assert PlacementCapacity.objects.filter(note=PlacementCapacity.DEMO_NOTE).exists()
    assert PlacementCapacity.objects.get(category=PlacementCategory.RESIDENTIAL).in_house_places == 7
    demo.demo_remove()
    assert list(PlacementCapacity.objects.all()) == [own]


def test_the_forecast_page_gives_this_years_budget_forecast_as_the_dashboard_does(client, director, demo):
    """One in-year figure against the budget: the forecast page quotes the dashboard's rule C4 total, the
    same pounds as the dashboard's forecast table, beside its own month-by-month costing."""
    Budget.objects.update_or_create(financial_year=2026, category=PlacementCategory.RESIDENTIAL,
                                    defaults={"amount": 1_000_000})
    budget = sum(Budget.objects.filter(financial_year=2026).values_list("amount", flat=True))
    client.force_login(director)
    rows = client.get(reverse("tracker_dashboard"), {"_export": "csv", "table": "forecast"}).content.decode("utf-8-sig")
    total = next(line for line in rows.splitlines() if line.startswith("All placements"))
    header = rows.splitlines()[0].split(",")
    dashboard_total = float(total.split(",")[header.index("Forecast (£)")])
    page = client.get(reverse("tracker_forecast")).content.decode()
    sentence = re.search(r'<p class="govuk-body" id="cost-in-year">(.*?)</p>', page, re.S).group(1)
    assert "This financial year (2026/27)" in sentence
    assert f"<strong>£{round(dashboard_total):,}</strong>" in sentence
    assert f"against a budget of £{round(budget):,}" in sentence
