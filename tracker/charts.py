"""Plotly figures for the dashboard, each with a title, axis titles, a one-line summary and its numbers
as a table (people who cannot see the chart get the same facts, as 18F's tock does).

A figure function takes the DataFrame a ``tracker.dashboard`` function made and returns a ``Chart``;
the page passes ``Chart.figure`` through ``json_script`` and static/js/charts.js draws it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import django_tables2 as tables
import pandas as pd
import plotly.io as pio
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from placements.exports import NamedTable
from tracker import formatting

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

    def rendered_rows(self) -> str:
        """The body's rows as ``includes/table.html`` writes them, a dozen times faster (issue 17, item 5): the
        dashboard's tables hold thousands of cells, and django-tables2 works out each cell's attributes and
        inspects its render method's signature once per cell. Here the classes are worked out once a column
        (a chart's columns have fixed attributes) and each cell is ``FrameColumn.render`` of its value (or
        the column's default for an empty one), written as ``{{ cell }}`` writes it."""
        columns = list(self.columns)
        if not columns:
            return ""
        context = Context(autoescape=True)
        plan = []
        for column in columns:
            td_class = column.attrs["td"].get("class")
            plan.append((column.accessor, column.column.empty_values, column.default, column.render,
                         f'<td class="govuk-table__cell{" " + td_class if td_class else ""}">'))
        out = []
        page = getattr(self, "page", None)
        for record in (row.record for row in page.object_list) if page else self.data:
            cells = []
            for accessor, empty_values, default, render, opening in plan:
                try:
                    value = accessor.resolve(record)
                except Exception:
                    value = None
                cell = default if value in empty_values else render(value)
                cells.append(f"{opening}{render_value_in_context(cell, context)}</td>")
            out.append(f'<tr class="govuk-table__row">{"".join(cells)}</tr>')
        if not out:
            empty = conditional_escape(self.empty_text or "Nothing to show.")
            out.append(f'<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="{len(columns)}">'
                       f"{empty}</td></tr>")
        return mark_safe("\n".join(out))  # noqa: S308 - every cell escaped above


class FrameColumn(tables.Column):
    """A column of a chart's numbers: written for people on the page (``tracker.formatting``: money to the
    pound, thousands separated, dates in words) and kept as numbers and dates in the downloads."""

    def __init__(self, *args, kind: str = "text", **kwargs):
        self.kind = kind
        super().__init__(*args, **kwargs)

    def render(self, value):
        if self.kind == "money":
            return formatting.pounds(value)
        if self.kind == "count":
            return formatting.number(value)
        if self.kind == "decimal":
            return f"{value:,}"
        if self.kind == "date":
            return f"{value:%-d %b %Y}"
        return value

    def value(self, value):
        if self.kind == "money" and formatting.known(value):
            return round(float(value), 2)
        return value


def _kind(frame: pd.DataFrame, column, money: set) -> str:
    if column in money:
        return "money"
    series = frame[column]
    if pd.api.types.is_bool_dtype(series):
        return "text"
    if pd.api.types.is_integer_dtype(series):
        return "count"
    if pd.api.types.is_numeric_dtype(series):
        return "decimal"
    if pd.api.types.is_datetime64_any_dtype(series) or any(isinstance(v, date) for v in series.dropna().head(1)):
        return "date"
    return "text"


def frame_table(name: str, caption: str, frame: pd.DataFrame, headings: dict[str, str],
                money: tuple | set = ()) -> NamedTable:
    """A DataFrame as a django-tables2 table (and so as CSV and Excel), columns named in words; the
    ``money`` columns shown as pounds."""
    money = set(money)
    columns = []
    for column in frame.columns:
        kind = _kind(frame, column, money)
        columns.append((str(column), FrameColumn(headings.get(column, str(column)), kind=kind,
                                                 attrs=NUMERIC if kind in ("money", "count", "decimal") else {},
                                                 default="")))
    rows = [{str(k): _cell(v) for k, v in row.items()} for row in frame.to_dict("records")]
    return NamedTable(name, caption, FrameTable(rows, extra_columns=columns), sheet=SHEETS.get(name, ""))


#: Each chart's sheet in the dashboard's workbook: Excel allows 31 characters, and a title cut there
#: ("Children looked after, starts a") reads as a mistake.
SHEETS = {
    "demand": "Looked after, starts, ceases", "mix": "Placements by category", "ownership": "Internal and external",
    "fees": "Weekly fee, framework and spot", "framework-share": "Share on a framework",
    "weekly-spend": "Weekly spend", "spend-by-category": "Spend by category and year",
    "new-residential": "New residential by age", "forecast": "Forecast against budget",
    "cost-avoidance": "Cost avoidance", "consolidation": "Consolidation outcomes",
    "new-by-team": "New placements by team",
}


def _cell(value):
    """A cell as it goes into the table: None for a figure that does not exist, dates as dates."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()  # numpy numbers as Python numbers
    return value


def wrap_label(text: str, width: int = 14) -> str:
    """A category name broken over lines for an axis (Plotly does not wrap): readable at phone width."""
    lines, line = [], ""
    for word in str(text).split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(lines)


def _layout(title: str, x_title: str, y_title: str, **extra) -> dict:
    """The house layout. The title is the page's heading above the figure (it wraps at any width; a title
    inside the figure is clipped under Plotly's toolbar), so the figure carries none; the legend sits above
    the plot, clear of the axis labels below it."""
    return dict(
        xaxis=dict(title=dict(text=x_title), automargin=True), yaxis=dict(title=dict(text=y_title), automargin=True),
        font=dict(family="arial, sans-serif", size=14), colorway=PALETTE, margin=dict(l=70, r=20, t=40, b=60),
        legend=dict(orientation="h", x=0, xanchor="left", y=1.02, yanchor="bottom"), hovermode="x unified",
        meta=dict(title=title), **extra,
    )


class Figure:
    """A Plotly figure as plain data: traces and a layout in Plotly's schema, the few calls the charts use.

    Plotly's ``graph_objects`` check every property on every call, about 15 ms of a chart's build, and the
    dashboard draws a dozen on its first view after each change; the tests check each chart's figure
    against Plotly's schema once instead (``go.Figure(chart.figure)``)."""

    def __init__(self):
        self.data: list[dict] = []
        self.layout: dict = {}

    def add_bar(self, **trace) -> None:
        self.data.append({"type": "bar", **trace})

    def add_scatter(self, **trace) -> None:
        self.data.append({"type": "scatter", **trace})

    def update_layout(self, **layout) -> None:
        for key, value in layout.items():
            if isinstance(value, dict) and isinstance(self.layout.get(key), dict):
                self.layout[key] = {**self.layout[key], **value}
            else:
                self.layout[key] = value

    def update_xaxes(self, **axis) -> None:
        self.update_layout(xaxis=axis)

    def to_plotly_json(self) -> dict:
        return {"data": self.data, "layout": self.layout}


def _figure(fig: Figure) -> dict:
    # Plotly's encoder writes Series, numpy numbers, dates and NaN (as null) as plotly.js reads them.
    return json.loads(pio.json.to_json_plotly(fig.to_plotly_json()))


def _month_note(partial: date | None, shown: bool) -> str:
    """What a monthly chart says of a month that is not whole (``frames.whole_month_ends``)."""
    if partial is None:
        return ""
    if shown:
        return f" The month shown is only part of a month, to {partial:%-d %B %Y}."
    return (f" Whole months only: {partial:%B %Y} (to {partial:%-d %B}) is left out until the month ends, so its "
            "bar is not compared with whole months.")


def _months(frame: pd.DataFrame) -> pd.Series:
    """The month axis: each month's first day with ``xperiod`` one month, so every bar is a month wide."""
    return frame["month"].map(lambda day: date(day.year, day.month, 1))


MONTHLY_AXIS = dict(xperiod="M1", xperiodalignment="middle")


def _monthly(fig: Figure) -> None:
    """A month axis reads as months, on the ticks and in the hover."""
    fig.update_xaxes(tickformat="%b %Y", hoverformat="%B %Y")


def demand_chart(frame: pd.DataFrame, partial: date | None = None) -> Chart:
    title = "Children looked after, starts and ceases by month"
    if frame.empty:
        return Chart("demand", title, "No months in this period.", None, frame_table("demand", title, frame, {}))
    fig = Figure()
    months = _months(frame)
    fig.add_bar(x=months, y=frame["starts"], name="Starts in the month", **MONTHLY_AXIS)
    fig.add_bar(x=months, y=frame["ceases"], name="Ceases in the month", **MONTHLY_AXIS)
    fig.add_scatter(x=months, y=frame["looked_after"], name="Looked after at the month's end", yaxis="y2",
                    mode="lines+markers", **MONTHLY_AXIS)
    fig.update_layout(**_layout(title, "Month", "Starts and ceases"), barmode="group",
                      yaxis2=dict(title=dict(text="Looked after"), overlaying="y", side="right", automargin=True, rangemode="tozero"))
    _monthly(fig)
    first, last = frame.iloc[0], frame.iloc[-1]
    rate = (f" ({formatting.number(last['rate_per_10000'], 1)} per 10,000 children)"
            if formatting.known(last["rate_per_10000"]) else "")
    children = "child" if last["looked_after"] == 1 else "children"
    summary = (f"{formatting.number(last['looked_after'])} {children} looked after at {last['month']:%-d %B %Y}{rate}, "
               f"against {formatting.number(first['looked_after'])} at {first['month']:%-d %B %Y}; "
               f"{formatting.number(frame['starts'].sum())} starts and {formatting.number(frame['ceases'].sum())} "
               "ceases in the period.")
    if formatting.known(last["population"]):
        summary += (f" Rates per 10,000 use a population of {formatting.number(last['population'])} children aged 0 "
                    "to 17, which an administrator sets in Administration, Authority settings.")
    summary += _month_note(partial, partial is not None and last["month"] == partial)
    frame = frame.drop(columns=["population"])
    headings = {"month": "Month ending", "looked_after": "Looked after", "starts": "Starts", "ceases": "Ceases",
                "rate_per_10000": "Per 10,000 children"}
    return Chart("demand", title, summary, _figure(fig), frame_table("demand", title, frame, headings))


def mix_chart(frame: pd.DataFrame, partial: date | None = None) -> Chart:
    title = "Placements by category, and the residential share"
    if frame.empty:
        return Chart("mix", title, "No months in this period.", None, frame_table("mix", title, frame, {}))
    categories = [c for c in frame.columns if c not in ("month", "residential_share") and frame[c].sum() > 0]
    fig = Figure()
    months = _months(frame)
    for category in categories:
        fig.add_bar(x=months, y=frame[category], name=category, **MONTHLY_AXIS)
    fig.add_scatter(x=months, y=frame["residential_share"], name="Residential share (%)", yaxis="y2",
                    mode="lines+markers", line=dict(color="#0b0c0c"), **MONTHLY_AXIS)
    fig.update_layout(**_layout(title, "Month", "Placements at the month's end"), barmode="stack",
                      yaxis2=dict(title=dict(text="Residential share (%)"), overlaying="y", side="right", automargin=True,
                                  rangemode="tozero"))
    _monthly(fig)
    first, last = frame.iloc[0], frame.iloc[-1]
    if formatting.known(last["residential_share"]) and formatting.known(first["residential_share"]):
        summary = (f"Residential was {formatting.percent(last['residential_share'], 1)} of placements at "
                   f"{last['month']:%-d %B %Y}, against {formatting.percent(first['residential_share'], 1)} at "
                   f"{first['month']:%-d %B %Y}.")
    else:
        summary = "No residential share: no child was looked after at the start or the end of the period."
    summary += _month_note(partial, partial is not None and last["month"] == partial)
    headings = {"month": "Month ending", "residential_share": "Residential share (%)"}
    return Chart("mix", title, summary, _figure(fig),
                 frame_table("mix", title, frame[["month", *categories, "residential_share"]], headings))


def ownership_chart(frame: pd.DataFrame, gap: dict, partial: date | None = None) -> Chart:
    title = "Internal and external placements"
    if frame.empty:
        return Chart("ownership", title, "No months in this period.", None, frame_table("ownership", title, frame, {}))
    fig = Figure()
    months = _months(frame)
    fig.add_scatter(x=months, y=frame["internal"], name="Internal (the council's own)", mode="lines+markers",
                    **MONTHLY_AXIS)
    fig.add_scatter(x=months, y=frame["external"], name="External (independent)", mode="lines+markers",
                    **MONTHLY_AXIS)
    fig.update_layout(**_layout(title, "Month", "Placements at the month's end"))
    _monthly(fig)
    last = frame.iloc[-1]
    summary = (f"At {last['month']:%-d %B %Y}: {formatting.number(last['internal'])} children in internal and "
               f"{formatting.number(last['external'])} in external placements; {formatting.number(last['neither'])} "
               "in neither (with parents, another council or other public provision).")
    comparison = formatting.cost_comparison("Fostering", "an independent agency", gap["external_weekly"],
                                            "in-house", gap["internal_weekly"])
    if comparison is not None and gap["annual_gap"] is not None:
        summary += (f" {comparison} Over a year that is {formatting.pounds(abs(gap['annual_gap']))} a child "
                    f"{'more' if gap['annual_gap'] > 0 else 'less'} with an agency.")
    else:
        summary += (" The weekly cost of in-house and agency fostering cannot be compared yet: it needs cost lines on "
                    "both kinds of fostering placement in force on the last day (import them with the costs file, or "
                    "add them on each placement).")
    summary += _month_note(partial, partial is not None and last["month"] == partial)
    headings = {"month": "Month ending", "internal": "Internal", "external": "External",
                "neither": "Neither (parents, another council, other public)"}
    return Chart("ownership", title, summary, _figure(fig), frame_table("ownership", title, frame, headings))


def _known(value) -> bool:
    """A figure that exists: not None and not NaN (a share of no placements, an average of no fees)."""
    return formatting.known(value)


def _categories(frame: pd.DataFrame) -> list[str]:
    """Category names broken over lines for a category axis (``wrap_label``)."""
    return [wrap_label(category) for category in frame["category"]]


#: A category axis of a few categories: the wrapped names level, not turned on their side.
LEVEL_LABELS = dict(tickangle=0)


def fees_chart(frame: pd.DataFrame) -> Chart:
    title = "Average weekly fee, framework and spot, by category"
    fig = Figure()
    fig.add_bar(x=_categories(frame), y=frame["framework_fee"], name="Framework")
    fig.add_bar(x=_categories(frame), y=frame["spot_fee"], name="Spot")
    fig.update_layout(**_layout(title, "Placement category", "Average weekly core fee (£)"), barmode="group")
    fig.update_xaxes(**LEVEL_LABELS)
    # Only figures that exist, on sides that have placements: otherwise the sentence says so, never £0 or £nan.
    sentences, missing = [], []
    for row in frame.to_dict("records"):
        spot_placements = row["external_placements"] - row["on_framework"]
        sentence = formatting.cost_comparison(row["category"], "framework", row["framework_fee"], "spot",
                                              row["spot_fee"], first_count=row["on_framework"],
                                              second_count=spot_placements)
        if sentence is None:
            missing.append(row["category"].lower())
        else:
            sentences.append(sentence)
    summary = "Average weekly core fee. " + " ".join(sentences) if sentences else ""
    if missing:
        summary += (f" No comparison for {', '.join(missing)}: it needs core cost lines in force on external "
                    "placements both on a framework and spot.")
    summary = summary.strip()
    headings = {"category": "Category", "framework_fee": "Framework fee (£)", "spot_fee": "Spot fee (£)",
                "external_placements": "External placements", "on_framework": "On a framework",
                "framework_share": "On a framework (%)"}
    return Chart("fees", title, summary, _figure(fig),
                 frame_table("fees", title, frame, headings, money={"framework_fee", "spot_fee"}))


def framework_share_chart(frame: pd.DataFrame) -> Chart:
    title = "Share of external placements on a framework, by category"
    fig = Figure()
    fig.add_bar(x=_categories(frame), y=frame["framework_share"], name="On a framework (%)",
                text=[formatting.percent(share, 1) for share in frame["framework_share"]], textposition="outside")
    fig.update_layout(**_layout(title, "Placement category", "External placements on a framework (%)"),
                      showlegend=False)
    fig.update_layout(yaxis=dict(range=[0, 100]))
    fig.update_xaxes(**LEVEL_LABELS)
    parts = [f"{row['category'].lower()} {formatting.share_of(row['on_framework'], row['external_placements'])}"
             for row in frame.to_dict("records") if row["external_placements"]]
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
    fig = Figure()
    fig.add_scatter(x=frame["week_ending"], y=frame["spend"], name="Spend in the week", mode="lines")
    fig.update_layout(**_layout(title, "Week ending", "Spend in the week (£)"), showlegend=False)
    first, last = frame.iloc[0], frame.iloc[-1]
    if not frame["spend"].any():
        summary = ("No spend recorded in this period: weekly spend comes from the placements' cost lines (import them "
                   "with the costs file, or add them on each placement).")
    else:
        summary = (f"{formatting.pounds(last['spend'])} spent in the week ending {last['week_ending']:%-d %B %Y}, "
                   f"against {formatting.pounds(first['spend'])} in the week ending {first['week_ending']:%-d %B %Y}.")
    headings = {"week_ending": "Week ending", "spend": "Spend (£)"}
    return Chart("weekly-spend", title, summary, _figure(fig),
                 frame_table("weekly-spend", title, frame, headings, money={"spend"}))


def spend_by_category_chart(frame: pd.DataFrame) -> Chart:
    title = "Spend by category and financial year"
    if frame.empty or len(frame.columns) < 2:
        return Chart("spend-by-category", title, "No spend in this period.", None,
                     frame_table("spend-by-category", title, frame, {}))
    categories = [c for c in frame.columns if c != "financial_year"]
    fig = Figure()
    for category in categories:
        fig.add_bar(x=frame["financial_year"], y=frame[category], name=category)
    fig.update_layout(**_layout(title, "Financial year", "Spend (£)"), barmode="stack")
    totals = frame[categories].sum(axis=1)
    summary = "; ".join(f"{year}: {formatting.pounds(total)}" for year, total in zip(frame["financial_year"], totals))
    summary = f"Spend by financial year (the latest to date): {summary}."
    headings = {"financial_year": "Financial year", **{category: f"{category} (£)" for category in categories}}
    return Chart("spend-by-category", title, summary, _figure(fig),
                 frame_table("spend-by-category", title, frame, headings, money=set(categories)))


def new_residential_chart(periods) -> Chart:
    title = "New residential placements by age at the start, per financial year"
    frame = pd.DataFrame([{"period": p.label, **p.by_band, "total": p.total, "from_home": p.by_origin["Home"]}
                          for p in periods])
    fig = Figure()
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
    # Bars across, one category a row: eight category names under the bars run into each other at phone width.
    labels = [wrap_label(category, 20) for category in parts["category"]]
    fig = Figure()
    fig.add_bar(y=labels, x=parts["spent"], name="Spent so far", orientation="h")
    fig.add_bar(y=labels, x=parts["committed"], name="Committed to 31 March", orientation="h")
    fig.add_bar(y=labels, x=parts["new_demand"], name="Allowance for new demand", orientation="h")
    fig.add_scatter(y=labels, x=parts["budget"], name="Budget", mode="markers",
                    marker=dict(symbol="line-ns-open", size=24, color="#0b0c0c", line=dict(width=4, color="#0b0c0c")))
    fig.update_layout(**_layout(title, "£ in the financial year", "Placement category"), barmode="stack")
    fig.update_layout(yaxis=dict(autorange="reversed"), hovermode="y unified",
                      height=max(420, 160 + 56 * len(parts)))
    table = frame_table("forecast", title, frame, FORECAST_HEADINGS, money=FORECAST_MONEY)
    total = rows[-1]
    if not (total.spent or total.committed or total.new_demand):
        summary = ("No forecast: nothing has been spent or committed this year, as no cost lines are in force "
                   "(import them with the costs file, or add them on each placement)")
        if total.budget is not None:
            summary += f"; the budget is {formatting.pounds(total.budget)}."
        else:
            summary += "."
        return Chart("forecast", title, summary, _figure(fig), table)
    summary = (f"Forecast {formatting.pounds(total.forecast)} for the year (spent {formatting.pounds(total.spent)}, "
               f"committed {formatting.pounds(total.committed)}, new demand {formatting.pounds(total.new_demand)})")
    if total.budget is not None:
        summary += (f" against a budget of {formatting.pounds(total.budget)}: "
                    f"{'over' if total.variance > 0 else 'under'} by {formatting.pounds(abs(total.variance))}"
                    f"{f' ({total.overspend_percent}%)' if total.overspend_percent is not None else ''}.")
    else:
        summary += "; no budget has been entered for this year."
    return Chart("forecast", title, summary, _figure(fig), table)


FORECAST_HEADINGS = {"category": "Category", "spent": "Spent so far (£)", "committed": "Committed to 31 March (£)",
                     "new_demand": "Allowance for new demand (£)", "forecast": "Forecast (£)", "budget": "Budget (£)",
                     "variance": "Variance (£)", "overspend": "Overspend (%)"}
FORECAST_MONEY = {"spent", "committed", "new_demand", "forecast", "budget", "variance"}


def cost_avoidance_chart(frame: pd.DataFrame, partial: date | None = None, category: str = "") -> Chart:
    title = "Cost avoidance by source and month"
    sources = [c for c in frame.columns if c != "month"]
    if frame.empty or not frame[sources].to_numpy().any():
        summary = ("No cost avoidance recorded in this period: the team records it on the cost avoidance page "
                   "(Placements, Cost avoidance) when a negotiation, the forum, the panel or a consolidation "
                   "meeting saves money.")
        return Chart("cost-avoidance", title, summary, None,
                     frame_table("cost-avoidance", title, frame, {"month": "Month"}, money=set(sources)))
    shown = [source for source in sources if frame[source].any()]
    months = _months(frame)
    fig = Figure()
    for source in shown:
        fig.add_bar(x=months, y=frame[source], name=source, **MONTHLY_AXIS)
    fig.update_layout(**_layout(title, "Month agreed", "Cost avoidance (£)"), barmode="stack")
    _monthly(fig)
    totals = {source: frame[source].sum() for source in shown}
    parts = "; ".join(f"{source.lower()} {formatting.pounds(total)}"
                      for source, total in sorted(totals.items(), key=lambda pair: -pair[1]))
    summary = (f"{formatting.pounds(sum(totals.values()))} of cost avoidance agreed in the period "
               f"({parts}), counted in the month it was agreed (rule C3).")
    if category:
        summary += " Only entries on a placement of this category."
    summary += _month_note(partial, partial is not None and frame.iloc[-1]["month"] == partial)
    return Chart("cost-avoidance", title, summary, _figure(fig),
                 frame_table("cost-avoidance", title, frame, {"month": "Month ending",
                                                              **{s: f"{s} (£)" for s in sources}},
                             money=set(sources)))


def consolidation_chart(periods) -> Chart:
    title = "Consolidation meetings and their outcomes, by quarter"
    frame = pd.DataFrame([{"quarter": p.label, "maintained": p.maintained, "ended": p.ended, "pending": p.pending,
                           "maintained_share": (round(p.maintained / p.decided * 100, 1) if p.decided else None)}
                          for p in periods], columns=["quarter", "maintained", "ended", "pending", "maintained_share"])
    headings = {"quarter": "Quarter (meeting held)", "maintained": "Placement maintained", "ended": "Placement ended",
                "pending": "Outcome not known yet", "maintained_share": "Maintained, of known outcomes (%)"}
    table = frame_table("consolidation", title, frame, headings)
    if frame.empty or not frame[["maintained", "ended", "pending"]].to_numpy().any():
        return Chart("consolidation", title, "No consolidation meetings in this period.", None, table)
    fig = Figure()
    # "Q1 2024/25" on one line: Plotly turns crowded labels on their side, where a broken one runs into the next.
    labels = [f"Q{label.split()[1]} {label.split()[2]}" for label in frame["quarter"]]
    fig.add_bar(x=labels, y=frame["maintained"], name="Placement maintained", marker=dict(color="#00703c"))
    fig.add_bar(x=labels, y=frame["ended"], name="Placement ended", marker=dict(color="#d4351c"))
    fig.add_bar(x=labels, y=frame["pending"], name="Outcome not known yet", marker=dict(color="#b1b4b6"))
    fig.update_layout(**_layout(title, "Financial quarter the meeting was held in", "Consolidation meetings"),
                      barmode="stack")
    decided = [p for p in periods if p.decided]
    pending = sum(p.pending for p in periods)
    waiting = f"; {formatting.number(pending)} outcome{'s' if pending != 1 else ''} not known yet" if pending else ""
    if decided:
        latest = decided[-1]
        maintained, known = sum(p.maintained for p in decided), sum(p.decided for p in decided)
        summary = (f"{latest.label}, the latest quarter with outcomes known: {latest.share_text} were placements "
                   f"maintained. Over the period: {formatting.share_of(maintained, known)} known outcomes were "
                   f"placements maintained{waiting}.")
    else:
        summary = f"No outcomes recorded yet{waiting}."
    return Chart("consolidation", title, summary, _figure(fig), table)


def team_trend_chart(frame: pd.DataFrame, partial: date | None = None) -> Chart:
    title = "New placements by originating team, by month"
    teams = [c for c in frame.columns if c not in ("month", "total")]
    headings = {"month": "Month ending", "total": "All teams"}
    table = frame_table("new-by-team", title, frame, headings)
    if frame.empty or not frame["total"].any():
        return Chart("new-by-team", title, "No new placements in this period.", None, table)
    months = _months(frame)
    fig = Figure()
    for team in teams:  # stacked: the month's height is every team's new placements, each team its part
        fig.add_bar(x=months, y=frame[team], name=team, **MONTHLY_AXIS)
    fig.update_layout(**_layout(title, "Month", "New placements begun in the month"), barmode="stack")
    _monthly(fig)
    totals = sorted(((team, int(frame[team].sum())) for team in teams), key=lambda pair: -pair[1])
    whole = int(frame["total"].sum())
    parts = "; ".join(f"{team} {formatting.number(count)}" for team, count in totals[:3] if count)
    half = len(frame) // 2
    summary = f"{formatting.number(whole)} new placements in the period; the teams with the most: {parts}."
    if half:
        earlier, later = int(frame["total"].iloc[:half].sum()), int(frame["total"].iloc[-half:].sum())
        direction = "more" if later > earlier else "fewer" if later < earlier else "as many"
        summary += (f" {formatting.number(later)} in the last {half} months against {formatting.number(earlier)} in "
                    f"the first {half}: {direction}{' than before' if direction != 'as many' else ' as before'}.")
    summary += _month_note(partial, partial is not None and frame.iloc[-1]["month"] == partial)
    return Chart("new-by-team", title, summary, _figure(fig), table)
