"""The demand and cost dashboard's figures: one function per figure, each returning a DataFrame.

SPEC sections 3 (C2, C4, D) and 4; paper 002 paragraphs 5-23, 36-44, 64-68, 84; paper 003
(internal vs external). Aggregation is in SQL where a figure is one number per group, and in
pandas over one query's rows where it is a time series.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from django.db.models import Avg, Count, DateField, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest, Least, TruncMonth
from django.urls import reverse

from placements import rules
from placements import selectors as placement_selectors
from placements.care import daily
from placements.choices import CommissioningRoute, CostAvoidanceSource, CostKind, Ownership, PlacementCategory
from placements.models import AuthoritySettings, CostAvoidance, CostLine
from tracker import frames
from tracker.models import Budget
from tracker.rules import TEMPORARY_PLACE_CODES

FEE_CATEGORIES = [PlacementCategory.RESIDENTIAL, PlacementCategory.FOSTERING_IFA,
                  PlacementCategory.SUPPORTED_ACCOMMODATION]


def category_label(value: str) -> str:
    try:
        return PlacementCategory(value).label
    except ValueError:
        return value


# --- Demand ------------------------------------------------------------------------------


def _month_end_masks(frame: pd.DataFrame, months: list[date]):
    """For each month's end, the rows that make their child looked after that day (``looked_after_mask``),
    on plain arrays: a region's 300,000 rows, three dozen months. One row per child looked after."""
    start = frame["start"].to_numpy(dtype="datetime64[ns]")
    until = frame["looked_after_until"].to_numpy(dtype="datetime64[ns]")
    for month_end in months:
        day = np.datetime64(month_end, "ns")
        yield month_end, (start <= day) & (until > day)


def demand_by_month(frame: pd.DataFrame, months: list[date], spells: pd.DataFrame | None = None) -> pd.DataFrame:
    """Looked after at each month's end, starts and ceases in the month, and the rate per 10,000 (rule D).
    ``spells``: ``frames.care_periods(frame)`` if the caller has it already."""
    spells = frames.care_periods(frame) if spells is None else spells
    population = AuthoritySettings.current().child_population
    children = frame["child_id"].to_numpy()
    # A spell already running when the records began did not start then (placements.care).
    spell_starts = np.sort(spells.loc[~spells["before_records"].astype(bool), "start"].to_numpy(dtype="datetime64[ns]"))
    spell_ends = np.sort(spells["end"].to_numpy(dtype="datetime64[ns]"))
    rows = []
    for month_end, mask in _month_end_masks(frame, months):
        first, last = np.datetime64(date(month_end.year, month_end.month, 1), "ns"), np.datetime64(month_end, "ns")
        looked_after = len(pd.unique(children[mask]))
        rows.append({
            "month": month_end, "looked_after": looked_after,
            "starts": _between(spell_starts, first, last), "ceases": _between(spell_ends, first, last),
            "rate_per_10000": round(looked_after / population * 10_000, 1) if population else None,
            "population": population,
        })
    return pd.DataFrame(rows, columns=["month", "looked_after", "starts", "ceases", "rate_per_10000", "population"])


def _between(ordered: np.ndarray, first: np.datetime64, last: np.datetime64) -> int:
    """How many of the sorted days fall from ``first`` to ``last``, both included."""
    return int(np.searchsorted(ordered, last, side="right") - np.searchsorted(ordered, first, side="left"))


def mix_by_month(frame: pd.DataFrame, months: list[date]) -> pd.DataFrame:
    """Children by the category of the placement they are in at each month's end (one each), and the
    residential share of them."""
    codes = {category: index for index, category in enumerate(PlacementCategory.values)}
    category_codes = frame["category"].map(codes).fillna(len(codes)).to_numpy(dtype=int)
    rows = []
    for month_end, mask in _month_end_masks(frame, months):
        counts = np.bincount(category_codes[mask], minlength=len(codes) + 1)
        total = int(mask.sum())
        row = {"month": month_end, **{category_label(c): int(counts[codes[c]]) for c in PlacementCategory.values}}
        residential = counts[codes[PlacementCategory.RESIDENTIAL]]
        row["residential_share"] = round(residential / total * 100, 1) if total else None
        rows.append(row)
    return pd.DataFrame(rows)


def ownership_by_month(frame: pd.DataFrame, months: list[date]) -> pd.DataFrame:
    """Children in internal and external placements at each month's end: the provider's ownership, else the
    SSDA903 PLACE_PROVIDER (``rules.placement_ownership``); the rest (parents, other councils) in neither."""
    internal = (frame["ownership"] == Ownership.INTERNAL).to_numpy(dtype=bool)
    external = (frame["ownership"] == Ownership.EXTERNAL).to_numpy(dtype=bool)
    rows = []
    for month_end, mask in _month_end_masks(frame, months):
        rows.append({"month": month_end, "internal": int((internal & mask).sum()),
                     "external": int((external & mask).sum()), "neither": int((mask & ~internal & ~external).sum())})
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


def fees_and_framework_share(on: date, categories: list[str] | None = None) -> pd.DataFrame:
    """The paper's table (paragraph 67): average weekly core fee on framework and spot by category, and the
    share of external placements that are on a framework (paragraphs 64-66). Two queries."""
    categories = categories or FEE_CATEGORIES
    # Grouped by ownership and the external groups kept, rather than filtered on ownership in SQL: PostgreSQL
    # cannot estimate a filter on the ownership CASE, guesses a few hundred rows, and then tests every
    # placement of the category ever made against the day's segments (seconds at a region's size).
    open_now = placement_selectors.looked_after_placements(on).filter(category__in=categories)
    counts = {
        row["category"]: row
        for row in open_now.annotate(ownership=placement_selectors.placement_ownership()).order_by()
        .values("category", "ownership").annotate(
            placements=Count("pk"), framework=Count("pk", filter=Q(route=CommissioningRoute.FRAMEWORK)))
        if row["ownership"] == Ownership.EXTERNAL
    }
    fees = (
        CostLine.objects.filter(placement_selectors.in_force(on), kind=CostKind.CORE,
                                placement_id__in=placement_selectors.looked_after_placement_keys(on),
                                placement__category__in=categories)
        .annotate(ownership=placement_selectors.placement_ownership("placement__")).order_by()
        .values_list("placement__category", "placement__route", "ownership").annotate(average=Avg("weekly_amount"))
    )
    average = {(category, route): value for category, route, ownership, value in fees
               if ownership == Ownership.EXTERNAL}
    rows = []
    for category in categories:
        count = counts.get(category, {"placements": 0, "framework": 0})
        share = rules.share(count["framework"], count["placements"])
        rows.append({
            "category": category_label(category),
            "framework_fee": _round(average.get((category, CommissioningRoute.FRAMEWORK))),
            "spot_fee": _round(average.get((category, CommissioningRoute.SPOT))),
            "external_placements": count["placements"],
            "on_framework": count["framework"],
            "framework_share": round(float(share), 1) if share is not None else None,
        })
    return pd.DataFrame(rows)


def _round(value) -> float | None:
    return round(float(value), 2) if value is not None else None


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


def _counted(frame: pd.DataFrame) -> pd.DataFrame:
    """Looked-after days that count towards placement numbers: not in temporary placements (T0-T4)."""
    return frame.loc[~frame["place_code"].isin(list(TEMPORARY_PLACE_CODES))
                     & (frame["start"] < frame["looked_after_until"])]


def placements_in_window(frame: pd.DataFrame, first_day: date, last_day: date) -> pd.Series:
    """Per child, the placements they were looked after in on at least one day from ``first_day`` to ``last_day``."""
    counted = _counted(frame)
    overlapping = (counted["start"] <= pd.Timestamp(last_day)) & (counted["looked_after_until"] > pd.Timestamp(first_day))
    # Each (child, placement) once, then counted by child: a tenth of groupby's nunique at a region's size.
    return counted.loc[overlapping, ["child_id", "pk"]].drop_duplicates()["child_id"].value_counts(sort=False)


@dataclass
class StabilityMeasure:
    label: str
    numerator: int
    denominator: int
    children: list[int] = field(default_factory=list)

    @property
    def percent(self) -> float | None:
        return round(self.numerator / self.denominator * 100, 1) if self.denominator else None


def stability(frame: pd.DataFrame, on: date, spells: pd.DataFrame | None = None) -> list[StabilityMeasure]:
    """DfE's three placement stability measures as at ``on`` (the frame must reach 30 months back).
    ``spells``: ``frames.care_periods(frame)`` if the caller has it already.

    Whole columns at once: a region has 100,000 children looked after on the day."""
    looked_after = frame.loc[frames.looked_after_mask(frame, on)]
    children_now = pd.Index(looked_after["child_id"].unique())
    spells = frames.care_periods(frame) if spells is None else spells
    current_spell_start = spells.loc[(spells["start"] <= pd.Timestamp(on)) & (spells["end"] > pd.Timestamp(on))] \
        .groupby("child_id")["start"].min()
    # Each child looked after now: when their current spell in care began (NaT if none covers the day).
    spell_start_now = current_spell_start.reindex(children_now)

    year_ago = rules.add_months(on, -12)
    in_year = placements_in_window(frame, year_ago + timedelta(days=1), on).reindex(children_now, fill_value=0)
    three_in_year = sorted(children_now[in_year.to_numpy() >= 3].tolist())

    two_years_ago = rules.add_months(on, -24)
    long_term = children_now[(spell_start_now <= pd.Timestamp(two_years_ago)).to_numpy()]
    in_two_years = placements_in_window(frame, two_years_ago + timedelta(days=1), on).reindex(long_term, fill_value=0)
    three_in_two_years = sorted(long_term[in_two_years.to_numpy() >= 3].tolist())

    thirty_months_ago = pd.Timestamp(rules.add_months(on, -30))
    under_16_cutoff = rules.born_on_or_before_to_be(16, on)
    # The row covering the day, by child (one each: ``placements.care``; were there two, the later start).
    current = looked_after.sort_values("start").drop_duplicates("child_id", keep="last").set_index("child_id")
    under_16 = (current["date_of_birth"] > under_16_cutoff).to_numpy(dtype=bool)
    long_in_care = (current_spell_start.reindex(current.index) <= thirty_months_ago).to_numpy()
    under_16_long = current.loc[under_16 & long_in_care]
    same_placement = sorted(under_16_long.index[under_16_long["placement_start"] <= pd.Timestamp(two_years_ago)].tolist())
    return [
        StabilityMeasure("Looked after with 3 or more placements in the last 12 months",
                         len(three_in_year), len(children_now), three_in_year),
        StabilityMeasure("Looked after 2 years or more, with 3 or more placements in those 2 years",
                         len(three_in_two_years), len(long_term), three_in_two_years),
        StabilityMeasure("Under 16, looked after 2½ years or more, in the same placement for 2 years or more",
                         len(same_placement), len(under_16_long), same_placement),
    ]


def moves_in_window(frame: pd.DataFrame, first_day: date, last_day: date) -> pd.Series:
    """Moves per child in the window: rule T's moves (``tracker.rules.care_events``, as the weekly tracker counts
    them) on whole columns at once. A move is a segment beginning in the window on the day the child's
    previous segment ended, in another placement, neither of them temporary (T0-T4); segments of a child never
    overlap, so at most one segment ends on any day. Children with none are left out."""
    start = frame["start"]
    beginning = frame.loc[start.between(pd.Timestamp(first_day), pd.Timestamp(last_day)), ["child_id", "pk", "start"]]
    ended = frame.loc[frame["end"] != frames.FAR_FUTURE, ["child_id", "pk", "end"]]
    pairs = beginning.merge(ended, left_on=["child_id", "start"], right_on=["child_id", "end"],
                            suffixes=("", "_before"))
    temporary = frame.loc[frame["place_code"].isin(list(TEMPORARY_PLACE_CODES)), "pk"].unique()
    moved = pairs.loc[(pairs["pk"] != pairs["pk_before"]) & ~pairs["pk"].isin(temporary)
                      & ~pairs["pk_before"].isin(temporary)]
    counts = moved.groupby("child_id").size()
    return pd.Series({int(child): int(count) for child, count in counts.items()}, dtype="int64")


# --- Budget and forecast (rule C4) ---------------------------------------------------------


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


def forecast(on: date, lines: pd.DataFrame, frame: pd.DataFrame) -> list[ForecastRow]:
    """Rule C4 for the financial year holding ``on``, by category, with a total row last.

    - spent: rule C2 from 1 April to ``on``;
    - committed: each placement open on ``on`` at its weekly cost that day, from the next day to the
      earlier of its planned end and 31 March;
    - new demand: average weekly net starts in the category over the last 12 weeks (placements starting
      in it minus placements ending in it) times the average weekly cost of a placement of that category
      started in those weeks, for new placements arriving evenly from tomorrow to 31 March.

    ``lines`` and ``frame`` must cover the financial year and the 12 weeks before ``on``.
    """
    fy_start, fy_end = rules.financial_year(on)
    spent = frames.spend_by_period(lines, [(fy_start, on)], by="category")
    spent_by = dict(zip(spent.get("category", []), spent.get("spend", [])))

    # Committed: each line in force on the day, for the days from tomorrow to the earlier of 31 March and
    # the day before its placement's planned end; summed by category in SQL.
    last = Least(Coalesce(placement_selectors.DayBefore(F("placement__planned_end")), Value(fy_end, DateField())),
                 Value(fy_end, DateField()))
    days = Greatest(placement_selectors.DayDifference(last, Value(on, DateField())), Value(0))
    committed = (
        CostLine.objects.filter(placement_selectors.in_force(on),
                                placement_id__in=placement_selectors.looked_after_placement_keys(on))
        .order_by().values_list("placement__category")
        .annotate(total=Sum(F("weekly_amount") * days, output_field=DecimalField(max_digits=20, decimal_places=2)))
    )
    committed_by = {category: float(total.quantize(rules.PENNY)) / 7 for category, total in committed}

    twelve_weeks_ago = pd.Timestamp(on - timedelta(weeks=12))
    # Each placement's looked-after days, from its segments: first day and the day after the last.
    by_placement = frame.groupby("pk").agg(category=("category", "first"), start=("start", "min"),
                                           placement_start=("placement_start", "first"),
                                           looked_after_until=("looked_after_until", "max")).reset_index()
    started = by_placement.loc[(by_placement["start"] > twelve_weeks_ago) & (by_placement["start"] <= pd.Timestamp(on))
                               & (by_placement["start"] == by_placement["placement_start"])]
    ended = by_placement.loc[(by_placement["looked_after_until"] > twelve_weeks_ago)
                             & (by_placement["looked_after_until"] <= pd.Timestamp(on))]
    new_cost = _average_new_weekly_cost(dict(zip(started["pk"].tolist(), zip(
        started["category"].tolist(), [day.date() for day in started["placement_start"]]))))
    remaining = (fy_end - on).days
    demand_by: dict[str, float] = {}
    for category in PlacementCategory.values:
        weekly_net = ((started["category"] == category).sum() - (ended["category"] == category).sum()) / 12
        per_day = weekly_net / 7
        # Arrivals on days 1..R each cost until 31 March: sum of (R - t + 1) days = R(R+1)/2 placement-days.
        demand_by[category] = float(per_day * new_cost.get(category, 0.0) / 7 * remaining * (remaining + 1) / 2)

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


def _average_new_weekly_cost(placements: dict[int, tuple[str, date]]) -> dict[str, float]:
    """Average weekly cost (C1 on its first day) of the given placements (key: category and start, as the
    frame has them), by category. One query, of the cost lines alone (joining the placements again took a
    region's dashboard 0.7 s)."""
    lines = CostLine.objects.filter(placement_id__in=list(placements)).values_list(
        "placement_id", "weekly_amount", "date_from", "date_to")
    first_day_cost: dict[int, tuple[str, float]] = {}
    for pk, amount, date_from, date_to in lines:
        category, start = placements[pk]
        if rules.cost_line_in_force(date_from, date_to, start):
            previous = first_day_cost.get(pk, (category, 0.0))[1]
            first_day_cost[pk] = (category, previous + float(amount))
    totals: dict[str, list[float]] = {}
    for category, cost in first_day_cost.values():
        totals.setdefault(category, []).append(cost)
    return {category: sum(costs) / len(costs) for category, costs in totals.items()}


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
    totals = (entries.annotate(month=TruncMonth("date_agreed")).order_by().values_list("month", "source")
              .annotate(total=Sum("amount")))
    table = {month_end: {label: 0.0 for _, label in CostAvoidanceSource.choices} for month_end in months}
    labels = dict(CostAvoidanceSource.choices)
    for month, source, total in totals:
        month_end = _month_end_of(month, months)
        if month_end is not None and total is not None:
            table[month_end][labels.get(source, source)] += float(Decimal(total).quantize(rules.PENNY))
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
    placements ``tracker.selectors.new_placements`` counts (as the residential tracker does), counted in
    SQL by month and team, one query. The teams with the most new placements in the period each have a
    column (most first), the rest one column together; ``total`` is every team's."""
    from tracker import selectors

    if not months:
        return pd.DataFrame(columns=["month", "total"])
    first, last = _month_range(months)
    placements = selectors.new_placements(first, last)
    if category:
        placements = placements.filter(category=category)
    counts = (placements.annotate(month=TruncMonth("start")).order_by().values_list("month", "child__team")
              .annotate(placements=Count("pk")))
    by_team: dict[str, dict[date, int]] = {}
    for month, team, number in counts:
        month_end = _month_end_of(month, months)
        if month_end is None:
            continue
        team = (team or "").strip() or NO_TEAM
        by_team.setdefault(team, {}).setdefault(month_end, 0)
        by_team[team][month_end] += number
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
    unsettled: list[Unsettled]  # most moves first


def dashboard_figures(first: date, last: date, category: str = "") -> DashboardFigures:
    """Every chart, the stability measures and the children with 2 or more moves, as at ``last``."""
    from placements.models import Child
    from tracker import charts, selectors

    on = last
    fy_start, _ = rules.financial_year(on)
    reach_back = min(first, rules.add_months(on, -31), fy_start - timedelta(weeks=13))
    frame = frames.placement_frame(reach_back, last, category)
    everyone = frames.placement_frame(reach_back, last) if category else frame
    lines = frames.cost_line_frame(reach_back, last, category)
    # Monthly charts show whole months: a month with one day in it is left out (frames.whole_month_ends).
    months, partial = frames.whole_month_ends(first, last)

    fee_categories = [category] if category in FEE_CATEGORIES else FEE_CATEGORIES
    fees = fees_and_framework_share(on, fee_categories)
    years = financial_years(first, last)
    new_residential = selectors.new_residential(
        [(rules.financial_year_label(start.year), start, end) for start, end in years])
    forecast_rows = forecast(on, lines, frame)
    if category:
        label = category_label(category)
        forecast_rows = [row for row in forecast_rows if row.category == label] or forecast_rows[-1:]

    spells = frames.care_periods(frame)
    everyone_spells = frames.care_periods(everyone) if category else spells
    chart_list = [
        charts.demand_chart(demand_by_month(frame, months, spells), partial),
        charts.mix_chart(mix_by_month(frame, months), partial),
        charts.ownership_chart(ownership_by_month(frame, months), fostering_cost_gap(on), partial),
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
    measures = stability(everyone, on, everyone_spells)
    year_ago = rules.add_months(on, -12)
    moves = moves_in_window(everyone, year_ago + timedelta(days=1), on)
    unsettled_ids = [child_id for child_id, count in moves.items() if count >= 2]
    rows = Child.objects.filter(pk__in=unsettled_ids).values_list("pk", "given_name", "family_name", "case_ref")
    # Most moves first, then as children are listed (family name, given name, case reference).
    unsettled = [Unsettled(pk, Child.name_of(given, family, case_ref), case_ref, int(moves[pk]))
                 for pk, given, family, case_ref in sorted(rows, key=lambda row: (-moves[row[0]], *row[2:0:-1], row[3]))]
    return DashboardFigures(charts=chart_list, measures=measures, unsettled=unsettled)
