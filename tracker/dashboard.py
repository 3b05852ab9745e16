"""The demand and cost dashboard's figures: one function per figure, each returning a DataFrame.

SPEC sections 3 (C2, C4, D) and 4; paper 002 paragraphs 5-23, 36-44, 64-68, 84; paper 003
(internal vs external). Aggregation is in SQL where a figure is one number per group, and in
pandas over one query's rows where it is a time series.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
from django.db.models import Sum
from django.urls import reverse

from placements import rules
from placements.care import daily
from placements.choices import CostAvoidanceSource, Ownership, PlacementCategory
from placements.models import AuthoritySettings, CostAvoidance
from tracker import frames
from tracker.models import Budget

FEE_CATEGORIES = [PlacementCategory.RESIDENTIAL, PlacementCategory.FOSTERING_IFA,
                  PlacementCategory.SUPPORTED_ACCOMMODATION]


def category_label(value: str) -> str:
    try:
        return PlacementCategory(value).label
    except ValueError:
        return value


# --- Demand ------------------------------------------------------------------------------

#: What the monthly charts read of the daily figures (``placements.care.daily.levels``).
MONTHLY = ("looked_after", "starts", "ceases", "entered", "left")


def month_days(months: list[date]) -> list[date]:
    """Each month's end and the day before the month began: a level is read on the first, and an event count is
    the difference of the two."""
    return [day for month_end in months
            for day in (month_end, date(month_end.year, month_end.month, 1) - timedelta(days=1))]


def monthly_figures(months: list[date], measures=MONTHLY, by=("category", "ownership")) -> dict:
    """The daily figures the monthly charts read, on ``month_days``: one query."""
    return daily.levels(month_days(months), measures, by)


def _total(figures: dict[tuple, dict], measure: str, keep=None) -> int:
    """A measure summed over the groups ``keep`` accepts (every group when None)."""
    return sum(values.get(measure, 0) for group, values in figures.items() if keep is None or keep(group))


def _in_month(figures: dict, month_end: date, measure: str, keep=None) -> int:
    """An event's count in the month to ``month_end`` (``month_days``)."""
    before = date(month_end.year, month_end.month, 1) - timedelta(days=1)
    return _total(figures[month_end], measure, keep) - _total(figures[before], measure, keep)


def demand_by_month(months: list[date], category: str = "", figures: dict | None = None) -> pd.DataFrame:
    """Looked after at each month's end, starts and ceases in the month (rule T; with a category, runs of days
    looked after in placements of it begun and ended), and the rate per 10,000 (rule D). From the daily figures
    (``figures``: ``monthly_figures(months)`` if the caller has it already)."""
    figures = monthly_figures(months) if figures is None else figures
    population = AuthoritySettings.current().child_population
    keep = (lambda group: group[0] == category) if category else None
    began, ended = ("entered", "left") if category else ("starts", "ceases")
    rows = []
    for month_end in months:
        looked_after = _total(figures[month_end], "looked_after", keep)
        rows.append({
            "month": month_end, "looked_after": looked_after,
            "starts": _in_month(figures, month_end, began, keep), "ceases": _in_month(figures, month_end, ended, keep),
            "rate_per_10000": round(looked_after / population * 10_000, 1) if population else None,
            "population": population,
        })
    return pd.DataFrame(rows, columns=["month", "looked_after", "starts", "ceases", "rate_per_10000", "population"])


def mix_by_month(months: list[date], category: str = "", figures: dict | None = None) -> pd.DataFrame:
    """Children by the category of the placement they are in at each month's end (one each), and the
    residential share of them; with a category, only its children."""
    figures = monthly_figures(months) if figures is None else figures
    keep = (lambda group: group[0] == category) if category else None
    rows = []
    for month_end in months:
        on = figures[month_end]
        row = {"month": month_end}
        for value in PlacementCategory.values:
            counted = not category or value == category
            row[category_label(value)] = _total(on, "looked_after", lambda group: group[0] == value) if counted else 0
        total = _total(on, "looked_after", keep)
        residential = row[category_label(PlacementCategory.RESIDENTIAL)]
        row["residential_share"] = round(residential / total * 100, 1) if total else None
        rows.append(row)
    return pd.DataFrame(rows)


def ownership_by_month(months: list[date], category: str = "", figures: dict | None = None) -> pd.DataFrame:
    """Children in internal and external placements at each month's end: the provider's ownership, else the
    SSDA903 PLACE_PROVIDER (``rules.placement_ownership``); the rest (parents, other councils) in neither."""
    figures = monthly_figures(months) if figures is None else figures
    rows = []
    for month_end in months:
        on = {group: values for group, values in figures[month_end].items() if not category or group[0] == category}
        internal = _total(on, "looked_after", lambda group: group[1] == Ownership.INTERNAL)
        external = _total(on, "looked_after", lambda group: group[1] == Ownership.EXTERNAL)
        rows.append({"month": month_end, "internal": internal, "external": external,
                     "neither": _total(on, "looked_after") - internal - external})
    return pd.DataFrame(rows, columns=["month", "internal", "external", "neither"])


def fostering_cost_gap(on: date) -> dict:
    """Average weekly cost of in-house fostering and of independent agencies on a day, and the yearly gap
    (paper 003 puts it at about £24,000 a child a year): the looked-after children's placements' weekly cost
    over those in paid placements, by category, from the daily figures (``placements.care.daily``). Only
    placements with a cost above £0 that day count: with none there is no average (None), never one of £0."""
    by_category = daily.totals_on(on, by=("category",))
    averages = {category: figures.cost / figures.paid for (category,), figures in by_category.items()
                if category in (PlacementCategory.FOSTERING_INTERNAL, PlacementCategory.FOSTERING_IFA) and figures.paid}
    internal = averages.get(PlacementCategory.FOSTERING_INTERNAL)
    external = averages.get(PlacementCategory.FOSTERING_IFA)
    gap = (Decimal(external) - Decimal(internal)) * 52 if internal is not None and external is not None else None
    return {"internal_weekly": internal, "external_weekly": external, "annual_gap": gap}


FEES = ("looked_after", "framework", "core_framework_lines", "core_framework_pence", "core_spot_lines",
        "core_spot_pence")


def fees_and_framework_share(on: date, categories: list[str] | None = None) -> pd.DataFrame:
    """The paper's table (paragraph 67): average weekly core fee on framework and spot by category, and the
    share of external placements that are on a framework (paragraphs 64-66), of the placements the children
    looked after on the day are in. From the daily figures (``placements.care.child_measures``)."""
    categories = categories or FEE_CATEGORIES
    external = {group[0]: values for group, values in daily.levels([on], FEES, by=("category", "ownership"))[on].items()
                if group[1] == Ownership.EXTERNAL}
    rows = []
    for category in categories:
        figures = external.get(category, {})
        placements, framework = figures.get("looked_after", 0), figures.get("framework", 0)
        share = rules.share(framework, placements)
        rows.append({
            "category": category_label(category),
            "framework_fee": _average_fee(figures, "framework"),
            "spot_fee": _average_fee(figures, "spot"),
            "external_placements": placements,
            "on_framework": framework,
            "framework_share": round(float(share), 1) if share is not None else None,
        })
    return pd.DataFrame(rows)


def _average_fee(figures: dict, route: str) -> float | None:
    """The average weekly amount of the core fee lines in force (pounds), None with none."""
    lines = figures.get(f"core_{route}_lines", 0)
    return round(figures.get(f"core_{route}_pence", 0) / lines / 100, 2) if lines else None


# --- Spend -------------------------------------------------------------------------------


def weekly_spend(lines: pd.DataFrame, first: date, last: date) -> pd.DataFrame:
    """Rule C2 for every Monday-to-Sunday week ending between ``first`` and ``last``."""
    spend = frames.spend_by_period(lines, frames.weekly_periods(first, last))
    if spend.empty:
        return pd.DataFrame(columns=["week_ending", "spend"])
    return pd.DataFrame({"week_ending": spend["end"], "spend": spend["spend"].round(2)})


def financial_years(first: date, last: date) -> list[tuple[date, date]]:
    start = rules.financial_year_start(first)
    years = []
    while start <= last:
        years.append((start, min(date(start.year + 1, 3, 31), last)))
        start = date(start.year + 1, 4, 1)
    return years


def spend_by_category_per_year(lines: pd.DataFrame, first: date, last: date) -> pd.DataFrame:
    """Rule C2 by category for each financial year (the current one to ``last``)."""
    spend = frames.spend_by_period(lines, financial_years(first, last), by="category")
    if spend.empty:
        return pd.DataFrame(columns=["financial_year"])
    spend["financial_year"] = spend["start"].map(lambda d: rules.financial_year_label(d.year))
    spend["category"] = spend["category"].map(category_label)
    table = spend.pivot_table(index="financial_year", columns="category", values="spend", aggfunc="sum",
                              fill_value=0).round(2)
    return table.reset_index()


# --- Stability (DfE's measures) -----------------------------------------------------------

STABILITY = ("looked_after", "three_in_year", "long_term", "three_in_two_years", "under_16_long", "same_placement")


@dataclass
class StabilityMeasure:
    label: str
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        return round(self.numerator / self.denominator * 100, 1) if self.denominator else None


def stability(on: date) -> list[StabilityMeasure]:
    """DfE's three placement stability measures as at ``on``, for every child looked after that day, from the
    daily figures (``placements.care.child_measures`` defines them)."""
    figures = daily.levels([on], STABILITY)[on].get((), {})

    def count(measure: str) -> int:
        return figures.get(measure, 0)

    return [
        StabilityMeasure("Looked after with 3 or more placements in the last 12 months",
                         count("three_in_year"), count("looked_after")),
        StabilityMeasure("Looked after 2 years or more, with 3 or more placements in those 2 years",
                         count("three_in_two_years"), count("long_term")),
        StabilityMeasure("Under 16, looked after 2½ years or more, in the same placement for 2 years or more",
                         count("same_placement"), count("under_16_long")),
    ]


# --- Budget and forecast (rule C4) ---------------------------------------------------------


NEW_DEMAND = ("new_placements", "placements_ended", "new_costed", "new_first_cost")


@dataclass
class ForecastRow:
    category: str
    spent: float
    committed: float
    new_demand: float
    budget: float | None

    @property
    def forecast(self) -> float:
        return self.spent + self.committed + self.new_demand

    @property
    def variance(self) -> float | None:
        return self.forecast - self.budget if self.budget is not None else None

    @property
    def overspend_percent(self) -> float | None:
        return round(self.variance / self.budget * 100, 1) if self.budget else None


def forecast(on: date, lines: pd.DataFrame) -> list[ForecastRow]:
    """Rule C4 for the financial year holding ``on``, by category, with a total row last.

    - spent: rule C2 from 1 April to ``on``;
    - committed: each placement open on ``on`` at its weekly cost that day, from the next day to the
      earlier of its planned end and 31 March;
    - new demand: average weekly net starts in the category over the last 12 weeks (new placements in it, as
      ``tracker.selectors.new_placements`` counts them, minus placements whose looked-after days ended) times
      the average weekly cost on their first day of the placements of that category begun in those weeks (of
      those with a cost line then), for new placements arriving evenly from tomorrow to 31 March.

    ``lines`` must cover the financial year.
    """
    fy_start, fy_end = rules.financial_year(on)
    spent = frames.spend_by_period(lines, [(fy_start, on)], by="category")
    spent_by = dict(zip(spent.get("category", []), spent.get("spend", [])))

    # Committed: each line in force on the day, for the days from tomorrow to the earlier of 31 March and the day
    # before its placement's planned end, from the daily figures (``child_measures._committed``).
    committed_by = {}
    for (category,), figures in daily.levels([on], ("committed_weekly", "committed_until"), by=("category",))[on].items():
        pence_days = figures.get("committed_until", 0) - on.toordinal() * figures.get("committed_weekly", 0)
        committed_by[category] = pence_days / 100 / 7

    # New demand: placements begun and placements whose looked-after days ended in the 12 weeks, and the first
    # day's weekly cost of those begun, from the daily figures (``placements.care.child_measures``).
    twelve_weeks_ago = on - timedelta(weeks=12)
    counts = daily.levels([twelve_weeks_ago, on], NEW_DEMAND, by=("category",))
    remaining = (fy_end - on).days
    demand_by: dict[str, float] = {}
    for category in PlacementCategory.values:
        began = counts[on].get((category,), {})
        before = counts[twelve_weeks_ago].get((category,), {})
        in_weeks = {measure: began.get(measure, 0) - before.get(measure, 0) for measure in NEW_DEMAND}
        weekly_net = (in_weeks["new_placements"] - in_weeks["placements_ended"]) / 12
        costed = in_weeks["new_costed"]
        new_cost = in_weeks["new_first_cost"] / 100 / costed if costed else 0.0
        per_day = weekly_net / 7
        # Arrivals on days 1..R each cost until 31 March: sum of (R - t + 1) days = R(R+1)/2 placement-days.
        demand_by[category] = float(per_day * new_cost / 7 * remaining * (remaining + 1) / 2)

    budgets = dict(Budget.objects.filter(financial_year=fy_start.year).values_list("category", "amount"))
    rows = []
    for category in PlacementCategory.values:
        row = ForecastRow(category_label(category), float(spent_by.get(category, 0.0)), committed_by.get(category, 0.0),
                          demand_by.get(category, 0.0),
                          float(budgets[category]) if category in budgets else None)
        if row.spent or row.committed or row.new_demand or row.budget:
            rows.append(row)
    total_budget = sum(float(v) for v in budgets.values()) if budgets else None
    rows.append(ForecastRow("All placements", sum(r.spent for r in rows), sum(r.committed for r in rows),
                            sum(r.new_demand for r in rows), total_budget))
    return rows


# --- Cost avoidance, consolidation and where new placements come from (paper 002, 76-84) ----------


def _month_range(months: list[date]) -> tuple[date, date]:
    return date(months[0].year, months[0].month, 1), months[-1]


def _month_end_of(day: date, months: list[date]) -> date | None:
    """The month end in ``months`` of the month holding ``day`` (None outside them)."""
    for month_end in months:
        if (month_end.year, month_end.month) == (day.year, day.month):
            return month_end
    return None


def cost_avoidance_by_month(months: list[date], category: str = "") -> pd.DataFrame:
    """Rule C3's amounts by the month each was agreed and by source (SPEC C3; paper 002, 76-78), summed in
    SQL: one query. With a category, the entries on a placement of that category."""
    columns = ["month", *[label for _, label in CostAvoidanceSource.choices]]
    if not months:
        return pd.DataFrame(columns=columns)
    first, last = _month_range(months)
    entries = CostAvoidance.objects.filter(date_agreed__range=(first, last))
    if category:
        entries = entries.filter(placement__category=category)
    # Summed by day in SQL and by month here: truncating every entry's date to its month in SQL (a cast to a time
    # with its zone) took longer than the sums (at 100,000 looked after, 61,500 entries: 24 ms against 11).
    by_day = entries.order_by().values_list("date_agreed", "source").annotate(total=Sum("amount"))
    by_month: dict[tuple, Decimal] = defaultdict(Decimal)
    for day, source, total in by_day:
        if total is not None:
            by_month[day.year, day.month, source] += Decimal(total)
    table = {month_end: {label: 0.0 for _, label in CostAvoidanceSource.choices} for month_end in months}
    labels = dict(CostAvoidanceSource.choices)
    for (year, month, source), total in by_month.items():
        month_end = _month_end_of(date(year, month, 1), months)
        if month_end is not None:
            table[month_end][labels.get(source, source)] += float(total.quantize(rules.PENNY))
    return pd.DataFrame([{"month": month_end, **amounts} for month_end, amounts in table.items()], columns=columns)


def consolidation_by_quarter(first: date, last: date, category: str = "") -> list:
    """Consolidation meetings held in each financial quarter of the period, by outcome (paragraph 84): the
    panel's own count (``panel.selectors.consolidation_by_quarter``)."""
    from panel.selectors import consolidation_by_quarter as by_quarter

    return by_quarter(first, last, category)


#: The originating teams drawn one by one; the rest are drawn together (a region has dozens).
TEAMS_DRAWN = 8
OTHER_TEAMS = "Other teams"
NO_TEAM = "Team not recorded"


def new_placements_by_team(months: list[date], category: str = "") -> pd.DataFrame:
    """New placements begun in each month by the child's originating social work team (paragraph 81): the
    placements ``tracker.selectors.new_placements`` counts (as the residential tracker does), from the daily
    figures by team (``placements.care.child_measures``), one query. The teams with the most new placements in
    the period each have a column (most first), the rest one column together; ``total`` is every team's."""
    if not months:
        return pd.DataFrame(columns=["month", "total"])
    figures = monthly_figures(months, ("new_placements",), by=("team", "category"))
    by_team: dict[str, dict[date, int]] = {}
    for month_end in months:
        in_month: dict[str, int] = {}
        for day, sign in ((month_end, 1), (month_days([month_end])[1], -1)):
            for (team, group_category), values in figures[day].items():
                if not category or group_category == category:
                    name = (team or "").strip() or NO_TEAM
                    in_month[name] = in_month.get(name, 0) + sign * values.get("new_placements", 0)
        for name, number in in_month.items():
            if number:
                by_team.setdefault(name, {})[month_end] = number
    ranked = sorted(by_team, key=lambda team: (-sum(by_team[team].values()), team))
    drawn = ranked if len(ranked) <= TEAMS_DRAWN else ranked[:TEAMS_DRAWN - 1]
    rows = []
    for month_end in months:
        row = {"month": month_end}
        for team in drawn:
            row[team] = by_team[team].get(month_end, 0)
        if len(drawn) < len(ranked):
            row[OTHER_TEAMS] = sum(by_team[team].get(month_end, 0) for team in ranked[len(drawn):])
        row["total"] = sum(by_team[team].get(month_end, 0) for team in ranked)
        rows.append(row)
    return pd.DataFrame(rows)


# --- The page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unsettled:
    """A child with 2 or more moves in the last 12 months, as the dashboard lists them: plain values, not the
    child's record (a region has thousands, kept in the cache with the figures and read back at each view)."""

    pk: int
    name: str
    case_ref: str
    moves: int

    @property
    def url(self) -> str:
        return reverse("child_detail", args=[self.pk])


@dataclass
class DashboardFigures:
    """Everything the dashboard shows for one period and category (kept whole by placements.freshness)."""

    charts: list
    measures: list[StabilityMeasure]
    unsettled: list[Unsettled]  # the UNSETTLED_SHOWN with the most moves, most first
    unsettled_count: int  # every child with 2 or more moves


#: Children with 2 or more moves listed on the dashboard, most moves first (a region has thousands).
UNSETTLED_SHOWN = 100


def dashboard_figures(first: date, last: date, category: str = "") -> DashboardFigures:
    """Every chart, the stability measures and the children with 2 or more moves, as at ``last``. Read from the
    daily figures and a few indexed statements, not from every child's segments (issue 17)."""
    from placements.models import Child
    from tracker import charts, selectors

    on = last
    fy_start, _ = rules.financial_year(on)
    lines = frames.cost_line_frame(min(first, fy_start), last, category)
    # Monthly charts show whole months: a month with one day in it is left out (frames.whole_month_ends).
    months, partial = frames.whole_month_ends(first, last)
    monthly = monthly_figures(months)

    fee_categories = [category] if category in FEE_CATEGORIES else FEE_CATEGORIES
    fees = fees_and_framework_share(on, fee_categories)
    years = financial_years(first, last)
    new_residential = selectors.new_residential(
        [(rules.financial_year_label(start.year), start, end) for start, end in years])
    forecast_rows = forecast(on, lines)
    if category:
        label = category_label(category)
        forecast_rows = [row for row in forecast_rows if row.category == label] or forecast_rows[-1:]

    chart_list = [
        charts.demand_chart(demand_by_month(months, category, monthly), partial),
        charts.mix_chart(mix_by_month(months, category, monthly), partial),
        charts.ownership_chart(ownership_by_month(months, category, monthly), fostering_cost_gap(on), partial),
        charts.fees_chart(fees),
        charts.framework_share_chart(fees),
        charts.spend_trend_chart(weekly_spend(lines, first, last)),
        charts.spend_by_category_chart(spend_by_category_per_year(lines, first, last)),
        charts.new_residential_chart(new_residential),
        charts.forecast_chart(forecast_rows),
        charts.cost_avoidance_chart(cost_avoidance_by_month(months, category), partial, category),
        charts.consolidation_chart(consolidation_by_quarter(first, last, category)),
        charts.team_trend_chart(new_placements_by_team(months, category), partial),
    ]
    measures = stability(on)
    unsettled_count, rows = selectors.movers(rules.add_months(on, -12) + timedelta(days=1), on, at_least=2,
                                             most=UNSETTLED_SHOWN)
    unsettled = [Unsettled(pk, Child.name_of(given, family, case_ref), case_ref, moves)
                 for pk, given, family, case_ref, moves in rows]
    return DashboardFigures(charts=chart_list, measures=measures, unsettled=unsettled, unsettled_count=unsettled_count)
