"""The stock-and-flow projection: children by age band and category, a month at a time.

Each month every child in a state stays, moves category, moves up an age band or leaves care with the
chances ``rates`` estimated, and the month's entrants come in (a Markov chain on month ends, as Social
Finance's regional model runs one on days). The expected numbers are the chain's mean; the interval comes
from simulating it, each run with rates re-estimated on the reference months drawn again with
replacement (a bootstrap), so it holds both the chance in who moves and the doubt in the rates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from tracker.forecast import rates as estimates
from tracker.forecast.history import (CATEGORIES, N_BANDS, N_CATEGORIES, N_STATES, OUT, History, band_of_state,
                                      month_ends_between)

#: The interval drawn around every line: the 5th to the 95th percentile of the simulated runs.
INTERVAL = (5, 95)
RUNS = 200
#: Months of flows the rates need at least, and the months the backtest forecasts.
MIN_REFERENCE_MONTHS = 12
BACKTEST_MONTHS = 12


@dataclass(frozen=True)
class Rates:
    entries: np.ndarray  # children a month into each state
    exits: np.ndarray  # chance a month of leaving care, by state
    moves: np.ndarray  # states × categories: the category next month of a child who stays
    ageing: np.ndarray  # chance a month of moving up an age band, by state


def fit_rates(flows: np.ndarray) -> Rates:
    """Every rate from the reference months' flows (``tracker.forecast.rates``)."""
    return Rates(estimates.entry_rates(flows), estimates.exit_rates(flows), estimates.category_move_rates(flows),
                 estimates.ageing_rates(flows))


def transition_matrix(rates: Rates) -> np.ndarray:
    """The chance a month of going from each state to each state or out (states × (states + 1); rows sum
    to 1): leave with the exit rate; else take the next category and, independently, the next age band."""
    states = np.arange(N_STATES)
    bands = band_of_state(states)
    stay = 1 - rates.exits
    matrix = np.zeros((N_STATES, N_STATES + 1))
    for category in range(N_CATEGORIES):
        moved = stay * rates.moves[:, category]
        matrix[states, bands * N_CATEGORIES + category] += moved * (1 - rates.ageing)
        older = bands < N_BANDS - 1
        matrix[states[older], (bands[older] + 1) * N_CATEGORIES + category] += (moved * rates.ageing)[older]
    matrix[:, OUT] = rates.exits
    matrix = np.clip(matrix, 0, None)
    return matrix / matrix.sum(axis=1, keepdims=True)


def project(stock: np.ndarray, rates: Rates, months: int) -> np.ndarray:
    """The expected children in each state at each of the next ``months`` month ends (months × states)."""
    matrix = transition_matrix(rates)[:, :N_STATES]
    current = np.asarray(stock, dtype=float)
    path = []
    for _ in range(months):
        current = current @ matrix + rates.entries
        path.append(current)
    return np.array(path).reshape(months, N_STATES)


def simulate(stock: np.ndarray, flows: np.ndarray, months: int, *, runs: int = RUNS, seed: int = 18,
             adjust=None) -> np.ndarray:
    """``runs`` simulated paths (runs × months × states): each run re-estimates the rates on the reference
    months drawn with replacement, then draws who moves (multinomial) and who comes in (Poisson). The runs
    move together, a month at a time."""
    rng = np.random.default_rng(seed)
    matrices = np.zeros((runs, N_STATES, N_STATES + 1))
    entries = np.zeros((runs, N_STATES))
    for run in range(runs):
        drawn = flows[rng.integers(0, len(flows), len(flows))] if len(flows) else flows
        rates = fit_rates(drawn)
        if adjust is not None:
            rates = adjust(rates)
        matrices[run], entries[run] = transition_matrix(rates), rates.entries
    paths = np.zeros((runs, months, N_STATES))
    current = np.broadcast_to(np.asarray(stock, dtype=np.int64), (runs, N_STATES))
    for month in range(months):
        moved = rng.multinomial(current, matrices)
        current = moved[:, :, :N_STATES].sum(axis=1) + rng.poisson(entries)
        paths[:, month] = current
    return paths


def by_category(states: np.ndarray) -> np.ndarray:
    """Sum the age bands: (..., states) → (..., categories)."""
    return states.reshape(*states.shape[:-1], N_BANDS, N_CATEGORIES).sum(axis=-2)


@dataclass
class Projection:
    """A forecast by category: expected, lower and upper (months × categories), by age band expected."""

    month_ends: list[date]
    expected: pd.DataFrame
    lower: pd.DataFrame
    upper: pd.DataFrame
    expected_by_state: np.ndarray = field(repr=False)
    #: The interval of all children together, from the same runs (months): not the sum of the categories'.
    total_lower: np.ndarray = field(default=None, repr=False)
    total_upper: np.ndarray = field(default=None, repr=False)

    def rows(self) -> pd.DataFrame:
        """One row per month and category with children in it (expected, lower, upper)."""
        frame = pd.DataFrame({
            "month": np.repeat(self.month_ends, len(CATEGORIES)),
            "category": list(CATEGORIES) * len(self.month_ends),
            "expected": self.expected.to_numpy().ravel(), "lower": self.lower.to_numpy().ravel(),
            "upper": self.upper.to_numpy().ravel(),
        })
        return frame


def forecast_months(origin: date, months: int) -> list[date]:
    """The ``months`` month ends after ``origin`` (itself a month end)."""
    from placements import rules

    last = rules.add_months(origin, months + 1)
    return month_ends_between(date.fromordinal(origin.toordinal() + 1), last)[:months]


def projection(history: History, *, months: int, reference_months: int, adjust=None, shift=None,
               runs: int = RUNS, seed: int = 18) -> Projection:
    """Fit on the last ``reference_months`` months of ``history`` and project ``months`` from its last month
    end. ``adjust`` changes the rates (a scenario), ``shift`` the categories' numbers afterwards (in-house
    carers added: months × categories → months × categories)."""
    flows = history.flows[-reference_months:]
    stock = history.stock[-1]
    rates = fit_rates(flows)
    if adjust is not None:
        rates = adjust(rates)
    expected_states = project(stock, rates, months)
    expected = by_category(expected_states)
    runs_by_category = by_category(simulate(stock, flows, months, runs=runs, seed=seed, adjust=adjust))
    if shift is not None:
        expected = shift(expected)
        runs_by_category = np.stack([shift(run) for run in runs_by_category])
    lower, upper = np.percentile(runs_by_category, INTERVAL, axis=0)
    total_lower, total_upper = np.percentile(runs_by_category.sum(axis=2), INTERVAL, axis=0)
    # The interval always holds the expected line (a skewed small count can leave it just outside).
    lower, upper = np.minimum(lower, expected), np.maximum(upper, expected)
    month_ends = forecast_months(history.month_ends[-1], months)
    columns = list(CATEGORIES)
    return Projection(month_ends, pd.DataFrame(expected, index=month_ends, columns=columns),
                      pd.DataFrame(lower, index=month_ends, columns=columns),
                      pd.DataFrame(upper, index=month_ends, columns=columns), expected_states,
                      np.minimum(total_lower, expected.sum(axis=1)), np.maximum(total_upper, expected.sum(axis=1)))


def history_is_enough(history: History | None) -> tuple[bool, str]:
    """Whether the history can carry a forecast: ``MIN_REFERENCE_MONTHS`` of flows to fit and
    ``BACKTEST_MONTHS`` more to test the fit on. The reason when it cannot."""
    needed = MIN_REFERENCE_MONTHS + BACKTEST_MONTHS
    if history is None or not history.month_ends:
        return False, (f"No history to forecast from: the forecast needs {needed} months of records of children "
                       "looked after (import the SSDA903 returns, or record the placements).")
    held = len(history.month_ends) - 1
    if held < needed:
        return False, (f"The history covers {held} months (month ends from {history.month_ends[0]:%-d %B %Y} to "
                       f"{history.month_ends[-1]:%-d %B %Y}); the forecast needs {needed}: "
                       f"{MIN_REFERENCE_MONTHS} to estimate the rates and {BACKTEST_MONTHS} more to test them on.")
    return True, ""
