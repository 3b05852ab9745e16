"""The forecast page's Plotly figures, in the dashboard's style (``tracker.charts``): a title, axis titles,
a one-line summary and the same numbers in a table beneath; a scenario's chart says it is a scenario."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from placements.exports import NamedTable
from tracker.forecast import exports
from tracker.forecast.model import INTERVAL

PALETTE = ["#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#28a197", "#f499be", "#505a5f", "#b58840"]
INTERVAL_LABEL = f"{INTERVAL[0]}th to {INTERVAL[1]}th percentile"


@dataclass
class ForecastChart:
    id: str
    title: str
    summary: str
    figure: dict | None
    table: NamedTable
    more_tables: tuple[NamedTable, ...] = ()

    @property
    def data_id(self) -> str:
        return f"{self.id}-data"


def _layout(title: str, x_title: str, y_title: str, **extra) -> dict:
    return dict(
        title=dict(text=title), xaxis=dict(title=dict(text=x_title)), yaxis=dict(title=dict(text=y_title)),
        font=dict(family="arial, sans-serif", size=14), colorway=PALETTE, margin=dict(l=70, r=20, t=60, b=60),
        legend=dict(orientation="h", y=-0.2), hovermode="x unified", **extra,
    )


def _figure(fig: go.Figure) -> dict:
    return json.loads(fig.to_json())


def _rgba(colour: str, alpha: float) -> str:
    return f"rgba({int(colour[1:3], 16)}, {int(colour[3:5], 16)}, {int(colour[5:7], 16)}, {alpha})"


def _titled(report, title: str) -> str:
    name = getattr(report, "scenario_name", "")
    return f"Scenario “{name}”: {title[0].lower()}{title[1:]}" if name else title


def children_chart(report) -> ForecastChart:
    """History and forecast by category, each forecast line with its interval as a shaded band."""
    title = _titled(report, "Children looked after by category: history and forecast")
    projection = report.projection
    fig = go.Figure()
    for index, category in enumerate(report.categories):
        colour = PALETTE[index % len(PALETTE)]
        name = exports.label(category)
        months = list(projection.month_ends)
        fig.add_scatter(x=months + months[::-1],
                        y=list(projection.upper[category]) + list(projection.lower[category])[::-1],
                        fill="toself", fillcolor=_rgba(colour, 0.15), line=dict(width=0), hoverinfo="skip",
                        name=f"{name}: {INTERVAL_LABEL}", legendgroup=category, showlegend=False)
        fig.add_scatter(x=list(report.history.index), y=report.history[category], mode="lines", name=f"{name} (history)",
                        line=dict(color=colour), legendgroup=category)
        fig.add_scatter(x=[report.origin, *months], y=[report.history[category].iloc[-1], *projection.expected[category]],
                        mode="lines", name=f"{name} (forecast)", line=dict(color=colour, dash="dash"),
                        legendgroup=category, showlegend=False)
    fig.update_layout(**_layout(title, "Month ending", "Children looked after at the month's end"))
    total_now = int(report.history.iloc[-1].sum())
    last = projection.month_ends[-1]
    expected, lower, upper = (projection.expected.iloc[-1].sum(), projection.total_lower[-1],
                              projection.total_upper[-1])
    summary = (f"{total_now:,} children looked after at {report.origin:%-d %B %Y}; forecast {expected:,.0f} at "
               f"{last:%-d %B %Y}, {lower:,.0f} to {upper:,.0f} ({INTERVAL_LABEL}; each category's interval "
               f"shaded). Rates from {report.reference[0]:%B %Y} to {report.reference[1]:%B %Y}.")
    if not report.settings.is_baseline:
        summary = "A scenario, not the baseline: " + "; ".join(report.settings.describe()) + ". " + summary
    return ForecastChart("children", title, summary, _figure(fig), exports.yearly_table(report),
                         (exports.monthly_table(report),))


def cost_chart(report) -> ForecastChart:
    """Cost a month (with its interval) against the budget a month in each financial year."""
    title = _titled(report, "Cost a month against budget")
    monthly = report.costs.groupby("month")[["cost", "cost_lower", "cost_upper"]].sum()
    months = list(monthly.index)
    fig = go.Figure()
    fig.add_scatter(x=months + months[::-1], y=list(monthly["cost_upper"]) + list(monthly["cost_lower"])[::-1],
                    fill="toself", fillcolor=_rgba(PALETTE[0], 0.15), line=dict(width=0), hoverinfo="skip",
                    name=f"Cost: {INTERVAL_LABEL}")
    fig.add_scatter(x=months, y=monthly["cost"], mode="lines+markers", name="Forecast cost in the month")
    budgets = report.gaps.set_index("financial_year")["budget"]
    budget_line = [budgets.get(_fy_label(month)) for month in months]
    budget_line = [value * month.day / (366 if _leap_year(month) else 365) if value is not None and value == value
                   else None for value, month in zip(budget_line, months)]
    if any(value is not None for value in budget_line):
        fig.add_scatter(x=months, y=budget_line, mode="lines", name="Budget for the month (the year's, by days)",
                        line=dict(color="#0b0c0c", dash="dot"))
    fig.update_layout(**_layout(title, "Month ending", "£ in the month"))
    parts = []
    for row in report.gaps.to_dict("records"):
        if row["gap"] is None or row["gap"] != row["gap"]:
            parts.append(f"{row['financial_year']}: forecast £{row['forecast']:,.0f}, no budget held")
        else:
            parts.append(f"{row['financial_year']}: forecast £{row['forecast']:,.0f} against £{row['budget']:,.0f}, "
                         f"{'over' if row['gap'] > 0 else 'under'} by £{abs(row['gap']):,.0f}")
    uncosted = [exports.label(c) for c in report.categories if c not in report.weekly]
    summary = "; ".join(parts) + "."
    if not report.weekly:
        summary = (f"No cost: no cost line was in force on {report.origin:%-d %B %Y}, so no month can be costed "
                   "(import the costs file, or add them on each placement). The children are forecast above.")
    elif uncosted:
        summary += (f" Not costed (no cost line in force on {report.origin:%-d %B %Y}): {', '.join(uncosted)}.")
    return ForecastChart("cost", title, summary, _figure(fig), exports.gaps_table(report),
                         (exports.weekly_cost_table(report),))


def _fy_label(month) -> str:
    from placements import rules

    return rules.financial_year_label(rules.financial_year_start(month).year)


def _leap_year(month) -> bool:
    from placements import rules

    start = rules.financial_year_start(month)
    return (pd.Timestamp(start.year + 1, 3, 31) - pd.Timestamp(start.year, 4, 1)).days == 365


def sufficiency_chart(report) -> ForecastChart:
    """Demand in a year's time against the places held, and the spot placements needed."""
    title = _titled(report, "Sufficiency: demand against the places held")
    frame = report.sufficiency
    fig = go.Figure()
    if frame.empty:
        return ForecastChart("sufficiency", title, "No demand forecast.", None, exports.sufficiency_table(report))
    first = frame.loc[frame["month"] == frame["month"].min()]
    fig.add_bar(x=first["category"], y=first["expected"], name="Expected children",
                error_y=dict(type="data", symmetric=False, array=(first["upper"] - first["expected"]).tolist(),
                             arrayminus=[0] * len(first)))
    fig.add_bar(x=first["category"], y=first["in_house_places"], name="In-house places")
    fig.add_bar(x=first["category"], y=first["framework_places"], name="Framework places")
    fig.add_bar(x=first["category"], y=first["spot_needed"], name="Spot placements needed")
    month = first["month"].iloc[0]
    fig.update_layout(**_layout(f"{title}, {month:%B %Y}", "Placement category", "Children or places"),
                      barmode="group")
    spot = frame.groupby("month")["spot_needed"].sum()
    summary = "Spot placements needed beyond the places held: " + "; ".join(
        f"{value:,} at {month:%B %Y}" for month, value in spot.items()) + "."
    if not (frame["in_house_places"].any() or frame["framework_places"].any()):
        summary += (" No places are recorded as held, so all demand counts as spot: record the in-house and "
                    "framework places under Capacity.")
    return ForecastChart("sufficiency", title, summary, _figure(fig), exports.sufficiency_table(report))


def backtest_chart(report) -> ForecastChart:
    title = "Backtest: how far the model missed a year ago, by category"
    frame = pd.DataFrame([{"category": exports.label(r.category), "error": r.mean_abs_pct_error}
                          for r in report.backtest])
    fig = go.Figure()
    if not frame.empty:
        fig.add_bar(x=frame["category"], y=frame["error"], name="Mean absolute error (%)",
                    text=frame["error"].round(1), textposition="outside")
    fig.update_layout(**_layout(title, "Placement category", "Mean absolute error (%)"), showlegend=False)
    months = 12
    parts = [f"{exports.label(r.category).lower()} {r.mean_abs_pct_error:.0f}%" for r in report.backtest
             if r.mean_abs_pct_error is not None]
    summary = (f"The model fitted on the history to {months} months before {report.origin:%-d %B %Y} and its "
               f"forecast for those {months} months set against the children there were: mean absolute error "
               + "; ".join(parts) + ". The same model, fitted now, makes the forecast above.")
    return ForecastChart("backtest", title, summary, _figure(fig), exports.backtest_table(report))


def report_charts(report) -> list[ForecastChart]:
    return [children_chart(report), backtest_chart(report), cost_chart(report), sufficiency_chart(report)]


def comparison_chart(baseline, scenario, name: str) -> ForecastChart:
    """All children, the baseline and the scenario, each with its interval."""
    title = f"Scenario “{name}” beside the baseline: children looked after"
    fig = go.Figure()
    for index, (label, report) in enumerate((("Baseline", baseline), (f"Scenario “{name}”", scenario))):
        colour = PALETTE[index]
        months = list(report.projection.month_ends)
        totals = report.projection.expected.sum(axis=1)
        fig.add_scatter(x=months + months[::-1],
                        y=list(report.projection.total_upper) + list(report.projection.total_lower)[::-1],
                        fill="toself", fillcolor=_rgba(colour, 0.15), line=dict(width=0), hoverinfo="skip",
                        name=f"{label}: {INTERVAL_LABEL}")
        fig.add_scatter(x=months, y=totals, mode="lines", name=label, line=dict(color=colour))
    fig.update_layout(**_layout(title, "Month ending", "Children looked after at the month's end"))
    comparison = exports.comparison_frame(baseline, scenario)
    by_year = comparison.groupby("financial_year")[["children_change", "cost_change"]].sum() \
        if not comparison.empty else pd.DataFrame()
    summary = (f"A scenario, not the baseline: {'; '.join(scenario.settings.describe())}. " + "; ".join(
        f"{year}: {row.children_change:+,.1f} children at the year's end, £{row.cost_change:+,.0f} in the year"
        for year, row in by_year.iterrows()) + ".")
    return ForecastChart("comparison", title, summary, _figure(fig), exports.comparison_table(baseline, scenario))
