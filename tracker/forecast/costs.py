"""The forecast costed and set against the budgets and the places held (issue 18, items 5 and 6).

- Each category's average weekly cost is the cost lines in force on the as-at day (rule C1) over the
  placements looked after in it with a cost, as the dashboard's fee figures read them; the table beside
  it splits it by internal/external and framework/spot.
- A forecast month's cost is its expected children × that weekly cost × its days / 7, raised by the
  scenario's uplift for each 1 April since the as-at day; the interval is costed the same way.
- The gap to budget is the forecast (the current year: spent so far, rule C2, plus the forecast months)
  less the budgets held in ``tracker.models.Budget``, for the current and the next two financial years.
- Sufficiency: demand against the places held (``tracker.models.PlacementCapacity``); what is left over
  has to be bought spot.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
from django.db.models import Count, Sum

from placements import rules
from placements import selectors as placement_selectors
from placements.choices import PlacementCategory
from tracker.forecast.history import CATEGORIES
from tracker.forecast.model import Projection
from tracker.forecast.scenarios import ScenarioSettings


def weekly_cost_breakdown(on: date) -> pd.DataFrame:
    """Placements looked after on ``on`` with a cost, and their average weekly cost, by category,
    ownership and route (framework or spot). One query."""
    rows = (
        placement_selectors.looked_after_placements(on)
        .alias(in_force=placement_selectors.lines_in_force(on))
        .annotate(ownership=placement_selectors.placement_ownership())
        .filter(in_force__weekly_amount__gt=0)
        .order_by().values_list("category", "ownership", "route")
        .annotate(placements=Count("pk", distinct=True), total=Sum("in_force__weekly_amount"))
    )
    frame = pd.DataFrame([(category, ownership or "", route or "", placements, float(Decimal(total or 0)))
                          for category, ownership, route, placements, total in rows],
                         columns=["category", "ownership", "route", "placements", "total"])
    frame["average"] = (frame["total"] / frame["placements"]).round(2)
    return frame


def average_weekly_costs(breakdown: pd.DataFrame) -> dict[str, float]:
    """Each category's average weekly cost, from ``weekly_cost_breakdown`` (a category with no costed
    placement has none)."""
    grouped = breakdown.groupby("category")[["placements", "total"]].sum()
    return {category: float(row["total"] / row["placements"]) for category, row in grouped.iterrows()
            if row["placements"]}


def uplift_factor(month_end: date, origin: date, percent: float) -> float:
    """Prices raised ``percent`` each 1 April after ``origin`` up to the month."""
    aprils = rules.financial_year_start(month_end).year - rules.financial_year_start(origin).year
    return (1 + percent / 100) ** max(aprils, 0)


def monthly_costs(projection: Projection, weekly: dict[str, float], settings: ScenarioSettings,
                  origin: date) -> pd.DataFrame:
    """One row per forecast month and category: expected, lower, upper children and their cost (£)."""
    rows = projection.rows()
    factors = {(month, category): uplift_factor(month, origin, settings.uplift(category))
               for month in projection.month_ends for category in CATEGORIES}
    per_child = [weekly.get(category, 0.0) * month.day / 7 * factors[(month, category)]
                 for month, category in zip(rows["month"], rows["category"])]
    rows["cost"] = rows["expected"] * per_child
    rows["cost_lower"] = rows["lower"] * per_child
    rows["cost_upper"] = rows["upper"] * per_child
    rows["costed"] = [category in weekly for category in rows["category"]]
    return rows


def spent_so_far(origin: date) -> dict[str, float]:
    """Rule C2 by category from the financial year's 1 April to ``origin``."""
    from tracker import frames

    start = rules.financial_year_start(origin)
    spend = frames.spend_by_period(frames.cost_line_frame(start, origin), [(start, origin)], by="category")
    return {category: float(value) for category, value in zip(spend.get("category", []), spend.get("spend", []))}


def budget_gaps(costs: pd.DataFrame, origin: date, spent: dict[str, float]) -> pd.DataFrame:
    """For the financial year holding ``origin`` and the next two: the forecast cost (the current year's
    spend so far included), the budget held and the gap (forecast less budget; None without a budget)."""
    from tracker.models import Budget

    # The year of the first forecast month: the origin's own, unless the origin is its 31 March.
    first_year = rules.financial_year_start(origin + timedelta(days=1)).year
    if first_year != rules.financial_year_start(origin).year:
        spent = {}
    years = [first_year, first_year + 1, first_year + 2]
    budgets = pd.DataFrame(list(Budget.objects.filter(financial_year__in=years)
                                .values_list("financial_year", "amount")), columns=["year", "amount"])
    months = pd.to_datetime(costs["month"])
    fy = months.dt.year.where(months.dt.month >= 4, months.dt.year - 1)
    rows = []
    for year in years:
        in_year = costs.loc[fy == year]
        forecast = float(in_year["cost"].sum()) + (sum(spent.values()) if year == first_year else 0.0)
        lower = float(in_year["cost_lower"].sum()) + (sum(spent.values()) if year == first_year else 0.0)
        upper = float(in_year["cost_upper"].sum()) + (sum(spent.values()) if year == first_year else 0.0)
        held = budgets.loc[budgets["year"] == year, "amount"]
        budget = float(sum(Decimal(value) for value in held)) if len(held) else None
        before = (origin.month - 4) % 12 + 1 if year == first_year and spent else 0  # months spent so far
        whole = in_year["month"].nunique() + before == 12
        rows.append({"financial_year": rules.financial_year_label(year), "forecast": round(forecast),
                     "lower": round(lower), "upper": round(upper),
                     "budget": round(budget) if budget is not None else None,
                     "gap": round(forecast - budget) if budget is not None else None, "whole_year": bool(whole)})
    return pd.DataFrame(rows)


#: The categories a sufficiency strategy plans places for: in-house fostering (beyond its places, children go
#: to agencies) and the kinds of placement bought from providers. Kinship, parents and other are not bought.
SUFFICIENCY_CATEGORIES = (PlacementCategory.FOSTERING_INTERNAL, PlacementCategory.FOSTERING_IFA,
                          PlacementCategory.RESIDENTIAL, PlacementCategory.SECURE,
                          PlacementCategory.SUPPORTED_ACCOMMODATION, PlacementCategory.UNREGULATED)


def sufficiency(projection: Projection, capacity: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """For each of ``SUFFICIENCY_CATEGORIES`` with children or places, at the end of each forecast year
    (months 12, 24, 36):
    expected and upper demand, in-house places and framework places held, and the placements that will
    have to be bought spot (demand beyond the places, at the expected and at the upper figure)."""
    rows = []
    marks = [index for index in (11, 23, 35) if index < len(projection.month_ends)]
    for index in marks:
        month = projection.month_ends[index]
        for category in SUFFICIENCY_CATEGORIES:
            expected = float(projection.expected[category].iloc[index])
            upper = float(projection.upper[category].iloc[index])
            in_house, framework = capacity.get(category, (0, 0))
            if not (round(expected) or in_house or framework):
                continue
            held = in_house + framework
            rows.append({"month": month, "category": PlacementCategory(category).label,
                         "expected": round(expected), "upper": round(upper), "in_house_places": in_house,
                         "framework_places": framework, "spot_needed": max(round(expected) - held, 0),
                         "spot_needed_upper": max(round(upper) - held, 0)})
    return pd.DataFrame(rows, columns=["month", "category", "expected", "upper", "in_house_places",
                                       "framework_places", "spot_needed", "spot_needed_upper"])


def capacity_held() -> dict[str, tuple[int, int]]:
    """The places the authority holds, by category: (in-house places, framework places)."""
    from tracker.models import PlacementCapacity

    return {category: (in_house, framework) for category, in_house, framework in
            PlacementCapacity.objects.values_list("category", "in_house_places", "framework_places")}


def in_year_budget_forecast(as_at: date):
    """This financial year's budget forecast as the dashboard and the home page report it (rule C4:
    ``tracker.dashboard.forecast``), its total row: the one in-year figure to set against the budget. The
    forecast page shows it beside its own costing, which projects children month by month from the demand
    model and so differs from it. None when nothing is spent, committed or budgeted."""
    from placements.freshness import remembered
    from placements.worklists import budget_forecast

    rows = remembered("home_budget_forecast", budget_forecast, as_at)
    total = rows[-1] if rows else None
    return total if total is not None and (total.forecast or total.budget) else None
