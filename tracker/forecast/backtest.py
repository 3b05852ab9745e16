"""The backtest, always shown beside the forecast: the model fitted on the history up to a past month end
and its forecast compared with what then happened, category by category, so a manager knows how far to
trust it (issue 18, item 3)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tracker.forecast.history import CATEGORIES, History
from tracker.forecast.model import BACKTEST_MONTHS, RUNS, projection


@dataclass(frozen=True)
class BacktestRow:
    category: str
    mean_abs_pct_error: float | None  # None: no child in the category in the months tested
    mean_abs_error: float
    within_interval: float | None  # per cent of the months tested whose actual number fell in the interval
    actual_last: int
    expected_last: float


def mean_abs_pct_error(expected: np.ndarray, actual: np.ndarray) -> float | None:
    """The mean over the months with children of |expected - actual| / actual, in per cent (None when the
    category held no child in any of them)."""
    expected, actual = np.asarray(expected, dtype=float), np.asarray(actual, dtype=float)
    held = actual > 0
    if not held.any():
        return None
    return float(np.mean(np.abs(expected[held] - actual[held]) / actual[held]) * 100)


def backtest(history: History, *, reference_months: int, months: int = BACKTEST_MONTHS, runs: int = RUNS,
             ) -> list[BacktestRow]:
    """Fit on the history up to ``months`` month ends before its last, with at most ``reference_months`` of
    flows, forecast those months and compare them, category by category, with the children there were.
    Categories with no child either way are left out."""
    cutoff = len(history.month_ends) - 1 - months
    past = history.until(cutoff)
    forecast = projection(past, months=months, reference_months=min(reference_months, cutoff), runs=runs)
    actual = history.category_stock().iloc[cutoff + 1:]
    rows = []
    for category in CATEGORIES:
        expected, observed = forecast.expected[category].to_numpy(), actual[category].to_numpy()
        if not observed.any() and not expected.round().any():
            continue
        inside = (forecast.lower[category].to_numpy() <= observed) & (observed <= forecast.upper[category].to_numpy())
        rows.append(BacktestRow(
            category=category, mean_abs_pct_error=mean_abs_pct_error(expected, observed),
            mean_abs_error=float(np.mean(np.abs(expected - observed))),
            within_interval=float(inside.mean() * 100), actual_last=int(observed[-1]),
            expected_last=float(expected[-1])))
    return rows
