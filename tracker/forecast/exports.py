"""The forecast's numbers as django-tables2 tables (``placements.exports.NamedTable``): shown under each
chart on the page, and downloaded as CSV or Excel through ``placements.exports`` like every other file."""

from __future__ import annotations

import django_tables2 as tables
import pandas as pd

from placements.choices import PlacementCategory
from placements.exports import NamedTable

NUMERIC = {"th": {"class": "govuk-table__header--numeric"}, "td": {"class": "govuk-table__cell--numeric"}}


class ForecastTable(tables.Table):
    class Meta:
        orderable = False
        empty_text = "No figures."


def label(category: str) -> str:
    try:
        return PlacementCategory(category).label
    except ValueError:
        return category


def _cell(value):
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def table(name: str, caption: str, frame: pd.DataFrame, headings: dict[str, str]) -> NamedTable:
    """A DataFrame as a table, only the columns named in ``headings`` and in their order."""
    columns = []
    for column, heading in headings.items():
        numeric = column in frame and pd.api.types.is_numeric_dtype(frame[column])
        columns.append((column, tables.Column(heading, attrs=NUMERIC if numeric else {}, default="")))
    rows = [{column: _cell(row.get(column)) for column in headings} for row in frame.to_dict("records")]
    return NamedTable(name, caption, ForecastTable(rows, extra_columns=columns))


ROW_HEADINGS = {"month": "Month ending", "category": "Category", "expected": "Expected children",
                "lower": "Lower (5th percentile)", "upper": "Upper (95th percentile)", "cost": "Cost (£)",
                "cost_lower": "Cost, lower (£)", "cost_upper": "Cost, upper (£)"}


def monthly_table(report, name: str = "monthly", caption: str = "Forecast by month and category") -> NamedTable:
    if report.costs.empty:
        return table(name, caption, pd.DataFrame(), ROW_HEADINGS)
    frame = report.costs.loc[report.costs["category"].isin(report.categories)].copy()
    frame["category"] = frame["category"].map(label)
    for column in ("expected", "lower", "upper"):
        frame[column] = frame[column].round(1)
    for column in ("cost", "cost_lower", "cost_upper"):
        frame[column] = [round(value) if costed else None for value, costed in zip(frame[column], frame["costed"])]
    return table(name, caption, frame, ROW_HEADINGS)


def command_rows_table(report) -> NamedTable:
    """The command's CSV: exactly the JSON's rows (month, category, expected, lower, upper, cost)."""
    frame = pd.DataFrame(report.rows(), columns=["month", "category", "expected", "lower", "upper", "cost"])
    return table("forecast", "Forecast", frame, {c: c for c in frame.columns})


YEARLY_HEADINGS = {"financial_year": "Financial year", "category": "Category", "month": "Children at",
                   "expected": "Expected children", "lower": "Lower", "upper": "Upper",
                   "cost": "Cost of the forecast months in the year (£)",
                   "cost_lower": "Cost, lower (£)", "cost_upper": "Cost, upper (£)"}


def yearly_table(report, name: str = "yearly", caption: str = "Forecast by financial year") -> NamedTable:
    frame = report.yearly()
    if not frame.empty:
        frame = frame.round({"expected": 1, "lower": 1, "upper": 1})
    return table(name, caption, frame, YEARLY_HEADINGS)


def backtest_table(report) -> NamedTable:
    frame = pd.DataFrame([{
        "category": label(row.category),
        "mape": round(row.mean_abs_pct_error, 1) if row.mean_abs_pct_error is not None else None,
        "mae": round(row.mean_abs_error, 1), "within": round(row.within_interval, 0),
        "actual_last": row.actual_last, "expected_last": round(row.expected_last, 1)} for row in report.backtest])
    return table("backtest", "Backtest: the model fitted a year ago against what happened", frame, {
        "category": "Category", "mape": "Mean absolute error (%)", "mae": "Mean absolute error (children)",
        "within": "Months inside the interval (%)", "actual_last": "Children at the last month",
        "expected_last": "Forecast for it a year before"})


def gaps_table(report) -> NamedTable:
    frame = report.gaps.copy()
    if not frame.empty:
        frame["whole_year"] = frame["whole_year"].map({True: "Yes", False: "No: part of the year"})
    return table("budget-gap", "Cost against budget by financial year", frame, {
        "financial_year": "Financial year", "forecast": "Forecast cost (£)", "lower": "Lower (£)",
        "upper": "Upper (£)", "budget": "Budget (£)", "gap": "Gap: forecast less budget (£)",
        "whole_year": "Whole year forecast"})


def sufficiency_table(report) -> NamedTable:
    return table("sufficiency", "Sufficiency by month", report.sufficiency, {
        "month": "Month ending", "category": "Category", "expected": "Expected children",
        "upper": "Upper (95th percentile)", "in_house_places": "In-house places", "framework_places": "Framework places",
        "spot_needed": "Spot placements needed", "spot_needed_upper": "Spot needed at the upper figure"})


def weekly_cost_table(report) -> NamedTable:
    frame = report.weekly_breakdown.copy()
    if not frame.empty:
        frame["category"] = frame["category"].map(label)
        frame["ownership"] = frame["ownership"].map(lambda v: v.capitalize() if v else "Not known")
        frame["route"] = frame["route"].map(lambda v: v.capitalize() if v else "Not known")
    return table("weekly-costs", "Average weekly cost in force by category, ownership and route", frame, {
        "category": "Category", "ownership": "Internal or external", "route": "Route", "placements": "Placements costed",
        "average": "Average weekly cost (£)"})


def report_tables(report) -> list[NamedTable]:
    return [yearly_table(report), monthly_table(report), backtest_table(report), gaps_table(report),
            sufficiency_table(report), weekly_cost_table(report)]


def comparison_frame(baseline, scenario) -> pd.DataFrame:
    """By financial year and category: the baseline and the scenario side by side, and the difference."""
    base, other = baseline.yearly(), scenario.yearly()
    if base.empty or other.empty:
        return pd.DataFrame()
    keys = ["financial_year", "category"]
    merged = base[keys + ["expected", "cost"]].merge(other[keys + ["expected", "lower", "upper", "cost"]], on=keys,
                                                       how="outer", suffixes=("_baseline", "_scenario")).fillna(0)
    merged["children_change"] = merged["expected_scenario"] - merged["expected_baseline"]
    merged["cost_change"] = merged["cost_scenario"] - merged["cost_baseline"]
    return merged.round({"expected_baseline": 1, "expected_scenario": 1, "lower": 1, "upper": 1,
                         "children_change": 1, "cost_baseline": 0, "cost_scenario": 0, "cost_change": 0})


def comparison_table(baseline, scenario) -> NamedTable:
    return table("comparison", "The scenario beside the baseline, by financial year", comparison_frame(baseline, scenario), {
        "financial_year": "Financial year", "category": "Category", "expected_baseline": "Baseline children",
        "expected_scenario": "Scenario children", "lower": "Scenario lower", "upper": "Scenario upper",
        "children_change": "Change in children", "cost_baseline": "Baseline cost (£)",
        "cost_scenario": "Scenario cost (£)", "cost_change": "Change in cost (£)"})
