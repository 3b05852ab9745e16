"""Each rate of the model as one named function of the monthly flows (``history.History.flows``: months ×
(states + 1) × (states + 1), row and column ``OUT`` for out of care), over the reference months given.

As Social Finance's regional model: a transition's rate is the children who made it over the children in
the state before (here pooled over the reference months, so a month with few children weighs little),
and entries are numbers a month, not a rate (the population they come from is not in the data). Where a
state held no child in the reference months a rate falls back, as each function says.
"""

from __future__ import annotations

import numpy as np

from tracker.forecast.history import (AGE_BANDS, N_BANDS, N_CATEGORIES, N_STATES, OUT, band_of_state,
                                      category_of_state)


def _at_risk(flows: np.ndarray) -> np.ndarray:
    """Child-months in each state at the start of a month (every child goes somewhere, out included)."""
    return flows[:, :N_STATES, :].sum(axis=(0, 2)).astype(float)


def entry_rates(flows: np.ndarray) -> np.ndarray:
    """Children coming into care a month, by the state they come into (age band and category): the mean
    over the reference months."""
    if not len(flows):
        return np.zeros(N_STATES)
    return flows[:, OUT, :N_STATES].mean(axis=0).astype(float)


def exit_rates(flows: np.ndarray) -> np.ndarray:
    """The chance a month that a child in each state leaves care: exits over child-months in the state.
    A state with no child-months takes its age band's rate, else the rate of all children."""
    at_risk = _at_risk(flows)
    exits = flows[:, :N_STATES, OUT].sum(axis=0).astype(float)
    overall = exits.sum() / at_risk.sum() if at_risk.sum() else 0.0
    rates = np.full(N_STATES, overall)
    bands = band_of_state(np.arange(N_STATES))
    for band in range(N_BANDS):
        in_band = bands == band
        if at_risk[in_band].sum():
            rates[in_band] = exits[in_band].sum() / at_risk[in_band].sum()
    held = at_risk > 0
    rates[held] = exits[held] / at_risk[held]
    return rates


def _staying(flows: np.ndarray) -> np.ndarray:
    """Children in state a one month's end and in-care state b the next, summed (states × states)."""
    return flows[:, :N_STATES, :N_STATES].sum(axis=0).astype(float)


def category_move_rates(flows: np.ndarray) -> np.ndarray:
    """For a child in each state who stays in care, the chance of being in each category at the next
    month's end (states × categories; a row sums to 1). A state no child stayed in keeps its category."""
    staying = _staying(flows)
    to_category = np.zeros((N_STATES, N_CATEGORIES))
    for category in range(N_CATEGORIES):
        to_category[:, category] = staying[:, category_of_state(np.arange(N_STATES)) == category].sum(axis=1)
    totals = to_category.sum(axis=1)
    rates = np.zeros_like(to_category)
    held = totals > 0
    rates[held] = to_category[held] / totals[held, None]
    rates[np.arange(N_STATES)[~held], category_of_state(np.arange(N_STATES))[~held]] = 1.0
    return rates


def ageing_rates(flows: np.ndarray) -> np.ndarray:
    """For a child in each state who stays in care, the chance of being in the next age band at the next
    month's end. A state no child stayed in takes one over the band's length in months (everyone moves up
    evenly); the last band never ages out of itself (leaving care is an exit)."""
    staying = _staying(flows)
    bands = band_of_state(np.arange(N_STATES))
    older = bands[None, :] == bands[:, None] + 1
    stayed = staying.sum(axis=1)
    aged = (staying * older).sum(axis=1)
    fallback = np.array([1 / ((end - start) * 12) if band < N_BANDS - 1 else 0.0
                         for band, (_, start, end) in enumerate(AGE_BANDS)])[bands]
    rates = fallback.copy()
    held = stayed > 0
    rates[held] = aged[held] / stayed[held]
    rates[bands == N_BANDS - 1] = 0.0
    return rates
