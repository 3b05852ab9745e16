"""Plotly figures for the dashboard, each with a title, axis titles, a one-line summary and its numbers
as a table (people who cannot see the chart get the same facts, as 18F's tock does).

A figure function takes the DataFrame a ``tracker.dashboard`` function made and returns a ``Chart``;
the page passes ``Chart.figure`` through ``json_script`` and static/js/charts.js draws it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import django_tables2 as tables
import pandas as pd
import plotly.graph_objects as go

from placements.exports import NamedTable

NUMERIC = {"th": {"class": "govuk-table__header--numeric"}, "td": {"class": "govuk-table__cell--numeric"}}
PALETTE = ["#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#28a197", "#f499be", "#505a5f", "#b58840"]


@dataclass
class Chart:
    id: str
    title: str
    summary: str
    figure: dict | None  # None: nothing to draw (the summary says why)
    table: NamedTable

    @property
    def data_id(self) -> str:
        return f"{self.id}-data"


class FrameTable(tables.Table):
    class Meta:
        orderable = False
        empty_text = "No data for this period."


def frame_table(name: str, caption: str, frame: pd.DataFrame, headings: dict[str, str]) -> NamedTable:
    """A DataFrame as a django-tables2 table (and so as CSV and Excel), columns named in words."""
    columns = []
    for column in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        columns.append((str(column), tables.Column(headings.get(column, str(column)),
                                                   attrs=NUMERIC if numeric else {}, default="")))
    rows = [{str(k): _cell(v) for k, v in row.items()} for row in frame.to_dict("records")]
    return NamedTable(name, caption, FrameTable(rows, extra_columns=columns))


def _cell(value):
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _layout(title: str, x_title: str, y_title: str, **extra) -> dict:
    return dict(
        title=dict(text=title), xaxis=dict(title=dict(text=x_title)), yaxis=dict(title=dict(text=y_title)),
        font=dict(family="arial, sans-serif", size=14), colorway=PALETTE, margin=dict(l=70, r=20, t=60, b=60),
        legend=dict(orientation="h", y=-0.2), hovermode="x unified", **extra,
    )


def _figure(fig: go.Figure) -> dict:
    return json.loads(fig.to_json())


def demand_chart(frame: pd.DataFrame) -> Chart:
    title = "Children looked after, starts and ceases by month"
    if frame.empty:
        return Chart("demand", title, "No months in this period.", None, frame_table("demand", title, frame, {}))
    fig = go.Figure()
    fig.add_bar(x=frame["month"], y=frame["starts"], name="Starts in the month")
    fig.add_bar(x=frame["month"], y=frame["ceases"], name="Ceases in the month")
    fig.add_scatter(x=frame["month"], y=frame["looked_after"], name="Looked after at the month's end", yaxis="y2",
                    mode="lines+markers")
    fig.update_layout(**_layout(title, "Month", "Starts and ceases"), barmode="group",
                      yaxis2=dict(title=dict(text="Looked after"), overlaying="y", side="right", rangemode="tozero"))
    first, last = frame.iloc[0], frame.iloc[-1]
    summary = (f"{last['looked_after']:,} children looked after at {last['month']:%-d %B %Y} "
               f"({last['rate_per_10000']} per 10,000 children), against {first['looked_after']:,} at "
               f"{first['month']:%-d %B %Y}; {int(frame['starts'].sum()):,} starts and "
               f"{int(frame['ceases'].sum()):,} ceases in the period. Rates per 10,000 use a population of "
               f"{int(last['population']):,} children aged 0 to 17, which an administrator sets in Administration, "
               "Authority settings.")
    frame = frame.drop(columns=["population"])
    headings = {"month": "Month ending", "looked_after": "Looked after", "starts": "Starts", "ceases": "Ceases",
                "rate_per_10000": "Per 10,000 children"}
    return Chart("demand", title, summary, _figure(fig), frame_table("demand", title, frame, headings))


def mix_chart(frame: pd.DataFrame) -> Chart:
    title = "Placements by category, and the residential share"
    if frame.empty:
        return Chart("mix", title, "No months in this period.", None, frame_table("mix", title, frame, {}))
    categories = [c for c in frame.columns if c not in ("month", "residential_share") and frame[c].sum() > 0]
    fig = go.Figure()
    for category in categories:
        fig.add_bar(x=frame["month"], y=frame[category], name=category)
    fig.add_scatter(x=frame["month"], y=frame["residential_share"], name="Residential share (%)", yaxis="y2",
                    mode="lines+markers", line=dict(color="#0b0c0c"))
    fig.update_layout(**_layout(title, "Month", "Placements at the month's end"), barmode="stack",
                      yaxis2=dict(title=dict(text="Residential share (%)"), overlaying="y", side="right",
                                  rangemode="tozero"))
    first, last = frame.iloc[0], frame.iloc[-1]
    summary = (f"Residential was {last['residential_share']}% of placements at {last['month']:%-d %B %Y}, "
               f"against {first['residential_share']}% at {first['month']:%-d %B %Y}.")
    headings = {"month": "Month ending", "residential_share": "Residential share (%)"}
    return Chart("mix", title, summary, _figure(fig),
                 frame_table("mix", title, frame[["month", *categories, "residential_share"]], headings))


def ownership_chart(frame: pd.DataFrame, gap: dict) -> Chart:
    title = "Internal and external placements"
    if frame.empty:
        return Chart("ownership", title, "No months in this period.", None, frame_table("ownership", title, frame, {}))
    fig = go.Figure()
    fig.add_scatter(x=frame["month"], y=frame["internal"], name="Internal (the council's own)", mode="lines+markers")
    fig.add_scatter(x=frame["month"], y=frame["external"], name="External (independent)", mode="lines+markers")
    fig.update_layout(**_layout(title, "Month", "Placements at the month's end"))
    last = frame.iloc[-1]
    summary = (f"At {last['month']:%-d %B %Y}: {last['internal']:,} children in internal and {last['external']:,} in "
               f"external placements; {last['neither']:,} in neither (with parents, another council or other public "
               "provision).")
    if gap["annual_gap"] is not None:
        summary += (f" An independent fostering agency costs £{gap['external_weekly']:,.0f} a week on average against "
                    f"£{gap['internal_weekly']:,.0f} in-house: £{gap['annual_gap']:,.0f} a child a year more.")
    else:
        summary += (" The weekly cost of in-house and agency fostering cannot be compared yet: it needs cost lines on "
                    "both kinds of fostering placement in force on the last day (import them with the costs file, or "
                    "add them on each placement).")
    headings = {"month": "Month ending", "internal": "Internal", "external": "External",
                "neither": "Neither (parents, another council, other public)"}
    return Chart("ownership", title, summary, _figure(fig), frame_table("ownership", title, frame, headings))


def _known(value) -> bool:
    """A figure that exists: not None and not NaN (a share of no placements, an average of no fees)."""
    return value is not None and value == value


def fees_chart(frame: pd.DataFrame) -> Chart:
    title = "Average weekly fee, framework and spot, by category"
    fig = go.Figure()
    fig.add_bar(x=frame["category"], y=frame["framework_fee"], name="Framework")
    fig.add_bar(x=frame["category"], y=frame["spot_fee"], name="Spot")
    fig.update_layout(**_layout(title, "Placement category", "Average weekly core fee (£)"), barmode="group")
    # Only figures that exist: a category with no framework or no spot fee is said, never shown as £0.
    parts, missing = [], []
    for row in frame.to_dict("records"):
        if _known(row["framework_fee"]) and _known(row["spot_fee"]):
            cheaper = "less" if row["framework_fee"] < row["spot_fee"] else "more"
            parts.append(f"{row['category'].lower()} £{row['framework_fee']:,.0f} on a framework against "
                         f"£{row['spot_fee']:,.0f} spot (framework {cheaper})")
        else:
            missing.append(row["category"].lower())
    summary = "Average weekly core fee: " + "; ".join(parts) + "." if parts else ""
    if missing:
        summary += (f" No comparison for {', '.join(missing)}: it needs core cost lines in force on external "
                    "placements both on a framework and spot.")
    summary = summary.strip()
    headings = {"category": "Category", "framework_fee": "Framework fee (£)", "spot_fee": "Spot fee (£)",
                "external_placements": "External placements", "on_framework": "On a framework",
                "framework_share": "On a framework (%)"}
    return Chart("fees", title, summary, _figure(fig), frame_table("fees", title, frame, headings))


def framework_share_chart(frame: pd.DataFrame) -> Chart:
    title = "Share of external placements on a framework, by category"
    fig = go.Figure()
    fig.add_bar(x=frame["category"], y=frame["framework_share"], name="On a framework (%)",
                text=frame["framework_share"], textposition="outside")
    fig.update_layout(**_layout(title, "Placement category", "External placements on a framework (%)"),
                      yaxis_range=[0, 100], showlegend=False)
    parts = [f"{row['category'].lower()} {row['framework_share']}% ({row['on_framework']} of "
             f"{row['external_placements']})" for row in frame.to_dict("records") if _known(row["framework_share"])]
    summary = "On a framework: " + "; ".join(parts) + "." if parts else "No external placements."
    table = frame[["category", "external_placements", "on_framework", "framework_share"]]
    headings = {"category": "Category", "external_placements": "External placements", "on_framework": "On a framework",
                "framework_share": "On a framework (%)"}
    return Chart("framework-share", title, summary, _figure(fig), frame_table("framework-share", title, table, headings))


def spend_trend_chart(frame: pd.DataFrame) -> Chart:
    title = "Weekly spend"
    if frame.empty:
        return Chart("weekly-spend", title, "No whole weeks in this period.", None,
                     frame_table("weekly-spend", title, frame, {}))
    fig = go.Figure()
    fig.add_scatter(x=frame["week_ending"], y=frame["spend"], name="Spend in the week", mode="lines")
    fig.update_layout(**_layout(title, "Week ending", "Spend in the week (£)"), showlegend=False)
    first, last = frame.iloc[0], frame.iloc[-1]
    if not frame["spend"].any():
        summary = ("No spend recorded in this period: weekly spend comes from the placements' cost lines (import them "
                   "with the costs file, or add them on each placement).")
    else:
        summary = (f"£{last['spend']:,.0f} spent in the week ending {last['week_ending']:%-d %B %Y}, against "
                   f"£{first['spend']:,.0f} in the week ending {first['week_ending']:%-d %B %Y}.")
    headings = {"week_ending": "Week ending", "spend": "Spend (£)"}
    return Chart("weekly-spend", title, summary, _figure(fig), frame_table("weekly-spend", title, frame, headings))


def spend_by_category_chart(frame: pd.DataFrame) -> Chart:
    title = "Spend by category and financial year"
    if frame.empty or len(frame.columns) < 2:
        return Chart("spend-by-category", title, "No spend in this period.", None,
                     frame_table("spend-by-category", title, frame, {}))
    categories = [c for c in frame.columns if c != "financial_year"]
    fig = go.Figure()
    for category in categories:
        fig.add_bar(x=frame["financial_year"], y=frame[category], name=category)
    fig.update_layout(**_layout(title, "Financial year", "Spend (£)"), barmode="stack")
    totals = frame[categories].sum(axis=1)
    summary = "; ".join(f"{year}: £{total:,.0f}" for year, total in zip(frame["financial_year"], totals))
    summary = f"Spend by financial year (the latest to date): {summary}."
    return Chart("spend-by-category", title, summary, _figure(fig),
                 frame_table("spend-by-category", title, frame, {"financial_year": "Financial year"}))


def new_residential_chart(periods) -> Chart:
    title = "New residential placements by age at the start, per financial year"
    frame = pd.DataFrame([{"period": p.label, **p.by_band, "total": p.total, "from_home": p.by_origin["Home"]}
                          for p in periods])
    fig = go.Figure()
    for band in [c for c in frame.columns if c not in ("period", "total", "from_home")]:
        fig.add_bar(x=frame["period"], y=frame[band], name=band)
    fig.update_layout(**_layout(title, "Financial year", "New residential placements"), barmode="stack")
    summary = "; ".join(p.summary() for p in periods) + "."
    headings = {"period": "Financial year", "total": "All new residential placements", "from_home": "Came from home"}
    return Chart("new-residential", title, summary, _figure(fig), frame_table("new-residential", title, frame, headings))


def forecast_chart(rows) -> Chart:
    title = "Full-year forecast against budget"
    frame = pd.DataFrame([{
        "category": r.category, "spent": round(r.spent, 2), "committed": round(r.committed, 2),
        "new_demand": round(r.new_demand, 2), "forecast": round(r.forecast, 2),
        "budget": round(r.budget, 2) if r.budget is not None else None,
        "variance": round(r.variance, 2) if r.variance is not None else None, "overspend": r.overspend_percent,
    } for r in rows])
    parts = frame[frame["category"] != "All placements"]
    fig = go.Figure()
    fig.add_bar(x=parts["category"], y=parts["spent"], name="Spent so far")
    fig.add_bar(x=parts["category"], y=parts["committed"], name="Committed to 31 March")
    fig.add_bar(x=parts["category"], y=parts["new_demand"], name="Allowance for new demand")
    fig.add_scatter(x=parts["category"], y=parts["budget"], name="Budget", mode="markers",
                    marker=dict(symbol="line-ew-open", size=40, line=dict(width=4, color="#0b0c0c")))
    fig.update_layout(**_layout(title, "Placement category", "£ in the financial year"), barmode="stack")
    total = rows[-1]
    if not (total.spent or total.committed or total.new_demand):
        summary = ("No forecast: nothing has been spent or committed this year, as no cost lines are in force "
                   "(import them with the costs file, or add them on each placement)")
        if total.budget is not None:
            summary += f"; the budget is £{total.budget:,.0f}."
        else:
            summary += "."
        return Chart("forecast", title, summary, _figure(fig), frame_table("forecast", title, frame, FORECAST_HEADINGS))
    summary = f"Forecast £{total.forecast:,.0f} for the year (spent £{total.spent:,.0f}, committed " \
              f"£{total.committed:,.0f}, new demand £{total.new_demand:,.0f})"
    if total.budget is not None:
        summary += (f" against a budget of £{total.budget:,.0f}: "
                    f"{'over' if total.variance > 0 else 'under'} by £{abs(total.variance):,.0f}"
                    f"{f' ({total.overspend_percent}%)' if total.overspend_percent is not None else ''}.")
    else:
        summary += "; no budget has been entered for this year."
    return Chart("forecast", title, summary, _figure(fig), frame_table("forecast", title, frame, FORECAST_HEADINGS))


FORECAST_HEADINGS = {"category": "Category", "spent": "Spent so far (£)", "committed": "Committed to 31 March (£)",
                     "new_demand": "Allowance for new demand (£)", "forecast": "Forecast (£)", "budget": "Budget (£)",
                     "variance": "Variance (£)", "overspend": "Overspend (%)"}
