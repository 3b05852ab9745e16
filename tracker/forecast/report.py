"""Everything the forecast page and ``manage.py forecast`` show, built once and remembered under the data
version (``placements.freshness``): the history, the projection with its interval, its cost against the
budgets, the sufficiency of the places held, and the backtest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from placements import freshness, rules
from placements.choices import PlacementCategory
from tracker.forecast import costs
from tracker.forecast.backtest import BacktestRow, backtest
from tracker.forecast.history import CATEGORIES, load_history
from tracker.forecast.model import BACKTEST_MONTHS, MIN_REFERENCE_MONTHS, RUNS, Projection, history_is_enough, projection
from tracker.forecast.scenarios import ScenarioSettings

REFERENCE_CHOICES = (12, 24, 36)
DEFAULT_REFERENCE_MONTHS = 24
DEFAULT_MONTHS = 36
HISTORY_SHOWN = 24  # months of history drawn before the forecast


@dataclass
class ForecastReport:
    as_at: date
    settings: ScenarioSettings
    enough: bool
    reason: str = ""
    origin: date | None = None
    reference: tuple[date, date] | None = None
    history: pd.DataFrame = field(default_factory=pd.DataFrame)  # month ends × categories
    projection: Projection | None = None
    costs: pd.DataFrame = field(default_factory=pd.DataFrame)
    weekly_breakdown: pd.DataFrame = field(default_factory=pd.DataFrame)
    weekly: dict = field(default_factory=dict)
    gaps: pd.DataFrame = field(default_factory=pd.DataFrame)
    sufficiency: pd.DataFrame = field(default_factory=pd.DataFrame)
    backtest: list[BacktestRow] = field(default_factory=list)
    scenario_name: str = ""  # set by the page for a saved scenario (the charts then say so)

    @property
    def categories(self) -> list[str]:
        """The categories with children in the history shown or the forecast."""
        if self.projection is None:
            return []
        return [c for c in CATEGORIES
                if self.projection.upper[c].round().any() or self.history.get(c, pd.Series(dtype=int)).any()]

    def rows(self) -> list[dict]:
        """The command's rows: month, category, expected, lower, upper, cost (issue 18, item 7); cost None
        where no placement in the category had a cost line in force on the as-at day."""
        if self.costs.empty:
            return []
        shown = self.costs.loc[self.costs["category"].isin(self.categories)]
        return [{"month": f"{row.month:%Y-%m}", "category": row.category, "expected": round(row.expected, 1),
                 "lower": round(row.lower, 1), "upper": round(row.upper, 1), "cost": round(row.cost) if row.costed else None}
                for row in shown.itertuples()]

    def yearly(self) -> pd.DataFrame:
        """By financial year and category: children at the year's last forecast month (expected, lower,
        upper) and the cost of the forecast months in the year."""
        if self.costs.empty:
            return pd.DataFrame()
        frame = self.costs.loc[self.costs["category"].isin(self.categories)].copy()
        months = pd.to_datetime(frame["month"])
        frame["financial_year"] = [rules.financial_year_label(y) for y in
                                   months.dt.year.where(months.dt.month >= 4, months.dt.year - 1)]
        last = frame.groupby("financial_year")["month"].transform("max")
        at_end = frame.loc[frame["month"] == last].set_index(["financial_year", "category"])
        cost = frame.groupby(["financial_year", "category"])[["cost", "cost_lower", "cost_upper"]].sum()
        table = at_end[["month", "expected", "lower", "upper"]].join(cost).reset_index()
        for column in ("cost", "cost_lower", "cost_upper"):  # whole pounds; none where nothing is costed
            table[column] = [round(value) if category in self.weekly else None
                             for value, category in zip(table[column], table["category"])]
        table["category"] = table["category"].map(lambda c: PlacementCategory(c).label)
        return table


def forecast_report(as_at: date, return_years: tuple[int, ...], months: int, reference_months: int,
                    settings: ScenarioSettings) -> ForecastReport:
    """The forecast as at ``as_at`` for ``months`` months, its rates fitted on the last ``reference_months``
    months of history (fewer when the history is shorter, never under ``MIN_REFERENCE_MONTHS``)."""
    # Only the month ends the fit and its backtest read: the reference period, the backtest's year, and the
    # month end both start from.
    history = load_history(as_at, return_years,
                           months=max(reference_months, MIN_REFERENCE_MONTHS) + BACKTEST_MONTHS + 1)
    enough, reason = history_is_enough(history)
    if not enough:
        return ForecastReport(as_at=as_at, settings=settings, enough=False, reason=reason)
    steps = len(history.month_ends) - 1
    reference_months = max(min(reference_months, steps), MIN_REFERENCE_MONTHS)
    result = projection(history, months=months, reference_months=reference_months, adjust=settings.adjust_rates,
                        shift=settings.shift_in_house)
    origin = history.month_ends[-1]
    breakdown = costs.weekly_cost_breakdown(origin)
    weekly = costs.average_weekly_costs(breakdown)
    monthly = costs.monthly_costs(result, weekly, settings, origin)
    return ForecastReport(
        as_at=as_at, settings=settings, enough=True, origin=origin,
        reference=(history.month_ends[-1 - reference_months], origin),
        history=history.category_stock().iloc[-HISTORY_SHOWN - 1:], projection=result, costs=monthly,
        weekly_breakdown=breakdown, weekly=weekly,
        gaps=costs.budget_gaps(monthly, origin, costs.spent_so_far(origin)),
        sufficiency=costs.sufficiency(result, costs.capacity_held()),
        # The backtest does not change with the scenario: kept once for the history and reference period.
        backtest=freshness.remembered("forecast backtest", lambda *key: backtest(
            history, reference_months=reference_months, runs=RUNS), as_at, return_years, reference_months),
    )


def forecast_report_remembered(*, as_at: date, return_years: tuple[int, ...], months: int = DEFAULT_MONTHS,
                               reference_months: int = DEFAULT_REFERENCE_MONTHS,
                               settings: ScenarioSettings | None = None) -> ForecastReport:
    return freshness.remembered("forecast", forecast_report, as_at, return_years, months, reference_months,
                                settings or ScenarioSettings())
