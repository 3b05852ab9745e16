"""Charts that can be read (issue 16 item 8, issue 19 item 7): money written one way, sentences whose
direction comes from the figures, whole months only, and the dashboard's three added charts."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest

from panel.models import ConsolidationMeeting
from placements import exports
from placements.cost_avoidance import cost_avoidance_record
from tests.factories import make_child, make_cost_line, make_placement, make_provider
from tracker import charts, dashboard, formatting, frames

pytestmark = pytest.mark.django_db


# --- Writing figures ----------------------------------------------------------------------------


@pytest.mark.parametrize("value, text", [
    (-278550, "-£278,550"), (3593215.3, "£3,593,215"), (Decimal("0.5"), "£1"), (Decimal("-0.5"), "-£1"),
    (999.49, "£999"), (0, "£0"), (None, ""), (float("nan"), ""), (Decimal("1234.5"), "£1,235"),
])
def test_money_is_written_to_the_pound_with_the_sign_before_the_pound(value, text):
    assert formatting.pounds(value) == text


def test_money_with_pence_and_a_figure_that_does_not_exist():
    assert formatting.pounds(-1234.565, pence=True) == "-£1,234.57"
    assert formatting.pounds(None, missing="Not known") == "Not known"
    assert formatting.number(1234567) == "1,234,567"
    assert formatting.percent(11.04, 1) == "11.0%"


def test_a_comparison_says_the_direction_the_figures_show():
    more = formatting.cost_comparison("Residential", "framework", 5939, "spot", 5760)
    assert more == "Residential: framework £5,939 a week against £5,760 spot; framework costs £179 a week more."
    less = formatting.cost_comparison("Residential", "framework", 5760.4, "spot", 5939)
    assert less.endswith("framework costs £179 a week less.")
    same = formatting.cost_comparison("Residential", "framework", 5000.2, "spot", 4999.9)
    assert same.endswith("framework and spot cost the same.")


@pytest.mark.parametrize("framework, spot, framework_count, spot_count", [
    (None, 5800, 1, 1), (float("nan"), 5800, 1, 1), (0, 5800, 0, 3), (5800, 0.0, 2, 0),
])
def test_no_comparison_with_a_figure_that_does_not_exist_or_a_side_with_no_placements(framework, spot,
                                                                                       framework_count, spot_count):
    assert formatting.cost_comparison("Residential", "framework", framework, "spot", spot,
                                      first_count=framework_count, second_count=spot_count) is None


def test_a_share_of_nothing_is_no_sentence_not_nan():
    assert formatting.share_of(0, 0) is None
    assert formatting.share_of(6, 55) == "11% (6 of 55)"


def fees(*rows):
    return pd.DataFrame([dict(zip(["category", "framework_fee", "spot_fee", "external_placements", "on_framework",
                                   "framework_share"], row)) for row in rows])


def test_the_fees_sentence_follows_its_figures_and_never_says_nan():
    frame = fees(("Residential", 5939.0, 5760.0, 10, 6, 60.0),
                 ("Fostering (independent agency)", 900.0, 1000.0, 4, 2, 50.0),
                 ("Supported accommodation", 0.0, float("nan"), 3, 3, 100.0))
    summary = charts.fees_chart(frame).summary
    assert "Residential: framework £5,939 a week against £5,760 spot; framework costs £179 a week more." in summary
    assert "framework costs £100 a week less." in summary
    assert "nan" not in summary.lower()
    # Supported accommodation: every placement is on a framework, so there is no spot side to compare with.
    assert "No comparison for supported accommodation" in summary and "£0 framework" not in summary
    share = charts.framework_share_chart(frame)
    assert "residential 60% (6 of 10)" in share.summary and "nan" not in share.summary.lower()


def test_the_fostering_comparison_says_which_side_costs_more():
    frame = pd.DataFrame([{"month": date(2024, 1, 31), "internal": 5, "external": 3, "neither": 1}])
    gap = {"internal_weekly": Decimal("450"), "external_weekly": Decimal("900"), "annual_gap": Decimal("23400")}
    summary = charts.ownership_chart(frame, gap).summary
    assert "an independent agency costs £450 a week more." in summary
    assert "£23,400 a child more with an agency" in summary


# --- Tables under the charts --------------------------------------------------------------------


def test_tables_under_charts_show_pounds_and_download_numbers_and_dates():
    frame = pd.DataFrame([{"month": date(2024, 1, 31), "spend": 3593215.3, "variance": -278550.0, "children": 1234}])
    named = charts.frame_table("spend", "Spend", frame, {"month": "Month ending"}, money={"spend", "variance"})
    html = named.table.as_html(None)
    assert "£3,593,215" in html and "-£278,550" in html and "1,234" in html and "£-" not in html
    assert "31 Jan 2024" in html
    sheet = openpyxl.load_workbook(io.BytesIO(exports.as_xlsx(named))).active
    month, spend, variance, children = (cell.value for cell in sheet[2])
    assert month.date() == date(2024, 1, 31)  # an Excel date
    assert spend == pytest.approx(3593215.3) and variance == -278550 and children == 1234


def test_every_charts_figure_is_valid_plotly_and_carries_no_title_under_the_toolbar(django_user_model):
    """The figures are built as plain data (fast); Plotly's own schema checks each of them here."""
    user = django_user_model.objects.create_user("officer")
    child = make_child(team="North")
    placement = make_placement(child, make_provider(), start=date(2024, 2, 1))
    make_cost_line(placement, "4000", placement.start)
    cost_avoidance_record(child=child, source="panel", date_agreed=date(2024, 3, 1), effective_from=date(2024, 3, 1),
                          recorded_by=user, one_off=Decimal("100"))
    ConsolidationMeeting.objects.create(child=child, placement=placement, date=date(2024, 3, 2))
    figures = dashboard.dashboard_figures(date(2024, 1, 1), date(2024, 6, 30))
    drawn = [chart for chart in figures.charts if chart.figure is not None]
    assert len(drawn) == len(figures.charts) == 12
    for chart in drawn:
        go.Figure(chart.figure)  # raises on a property Plotly does not know
        assert not chart.figure["layout"].get("title")
        assert chart.figure["layout"]["legend"]["y"] > 1  # above the plot, clear of the axis labels
        assert chart.figure["layout"]["xaxis"]["title"]["text"] and chart.figure["layout"]["yaxis"]["title"]["text"]


# --- Whole months ------------------------------------------------------------------------------


def test_a_month_with_one_day_in_it_is_left_out_of_the_monthly_charts():
    months, partial = frames.whole_month_ends(date(2026, 9, 1), date(2026, 12, 1))
    assert months == [date(2026, 9, 30), date(2026, 10, 31), date(2026, 11, 30)] and partial == date(2026, 12, 1)


def test_a_period_ending_on_a_months_last_day_has_no_partial_month():
    assert frames.whole_month_ends(date(2026, 9, 1), date(2026, 11, 30)) == (
        [date(2026, 9, 30), date(2026, 10, 31), date(2026, 11, 30)], None)


def test_a_single_partial_month_is_shown_and_said_to_be_part_of_a_month():
    months, partial = frames.whole_month_ends(date(2026, 12, 1), date(2026, 12, 1))
    assert months == [date(2026, 12, 1)] and partial == date(2026, 12, 1)
    frame = pd.DataFrame([{"month": date(2026, 12, 1), "looked_after": 10, "starts": 2, "ceases": 1,
                           "rate_per_10000": 1.0, "population": 100000}])
    assert "only part of a month, to 1 December 2026" in charts.demand_chart(frame, partial).summary


def test_the_dashboard_charts_whole_months_and_says_which_month_is_left_out():
    figures = dashboard.dashboard_figures(date(2026, 9, 1), date(2026, 12, 1))
    demand = next(chart for chart in figures.charts if chart.id == "demand")
    assert [trace["x"][-1] for trace in demand.figure["data"]] == ["2026-11-01"] * 3
    assert demand.figure["data"][0]["xperiod"] == "M1"  # each bar a month wide
    assert "December 2026 (to 1 December) is left out until the month ends" in demand.summary
    assert demand.table.table.rows[-1].get_cell_value("month") == date(2026, 11, 30)


# --- The added charts ----------------------------------------------------------------------------


def test_cost_avoidance_by_source_and_month(django_user_model):
    user = django_user_model.objects.create_user("officer")
    child = make_child()
    home = make_placement(child, make_provider(), category="residential", start=date(2024, 1, 1))
    for source, day, amount in [("panel", date(2024, 2, 3), "1000"), ("panel", date(2024, 2, 28), "500.50"),
                                ("placements_forum", date(2024, 3, 31), "250"), ("panel", date(2024, 4, 1), "9")]:
        cost_avoidance_record(child=child, placement=home, source=source, date_agreed=day, effective_from=day,
                              recorded_by=user, one_off=Decimal(amount))
    months = [date(2024, 2, 29), date(2024, 3, 31)]
    frame = dashboard.cost_avoidance_by_month(months)
    assert frame["Panel"].tolist() == [1500.5, 0.0]
    assert frame["Placements forum"].tolist() == [0.0, 250.0]
    chart = charts.cost_avoidance_chart(frame)
    assert chart.summary.startswith("£1,751 of cost avoidance agreed in the period (panel £1,501; placements forum £250)")
    assert dashboard.cost_avoidance_by_month(months, "fostering_ifa")[["Panel"]].sum().sum() == 0


def test_consolidation_outcomes_by_financial_quarter():
    child = make_child()
    placement = make_placement(child, make_provider(), category="residential", start=date(2024, 1, 1))
    for day, outcome in [(date(2024, 4, 1), "maintained"), (date(2024, 6, 30), "ended"), (date(2024, 7, 1), ""),
                         (date(2024, 3, 31), "maintained")]:
        ConsolidationMeeting.objects.create(child=child, placement=placement, date=day, outcome=outcome,
                                            outcome_date=day if outcome else None)
    quarters = dashboard.consolidation_by_quarter(date(2024, 2, 1), date(2024, 8, 15))
    assert [(q.label, q.maintained, q.ended, q.pending) for q in quarters] == [
        ("Quarter 4 2023/24", 1, 0, 0), ("Quarter 1 2024/25", 1, 1, 0), ("Quarter 2 2024/25", 0, 0, 1)]
    assert quarters[-1].end == date(2024, 8, 15)
    chart = charts.consolidation_chart(quarters)
    assert chart.summary == ("Quarter 1 2024/25, the latest quarter with outcomes known: 50% (1 of 2 known outcomes) "
                             "were placements maintained. Over the period: 67% (2 of 3) known outcomes were placements "
                             "maintained; 1 outcome not known yet.")
    assert chart.figure["data"][0]["x"] == ["Q4 2023/24", "Q1 2024/25", "Q2 2024/25"]
    assert sum(q.maintained for q in dashboard.consolidation_by_quarter(date(2024, 2, 1), date(2024, 8, 15),
                                                                         "fostering_ifa")) == 0


def test_new_placements_by_originating_team(monkeypatch):
    monkeypatch.setattr(dashboard, "TEAMS_DRAWN", 2)
    provider = make_provider()
    for number, (team, start) in enumerate([("North", date(2024, 1, 5)), ("North", date(2024, 2, 5)),
                                            ("South", date(2024, 2, 9)), ("East", date(2024, 2, 10)),
                                            ("", date(2024, 1, 20))]):
        make_placement(make_child(case_ref=f"T{number}", team=team), provider, start=start)
    frame = dashboard.new_placements_by_team([date(2024, 1, 31), date(2024, 2, 29)])
    assert list(frame.columns) == ["month", "North", "Other teams", "total"]
    assert frame["North"].tolist() == [1, 1] and frame["Other teams"].tolist() == [1, 2]
    assert frame["total"].tolist() == [2, 3]
    chart = charts.team_trend_chart(frame)
    assert chart.summary.startswith("5 new placements in the period; the teams with the most: Other teams 3; North 2.")
