"""The children looked after at each month's end, by age band and placement category, and the flows
between one month's end and the next: the history the rates are estimated from.

Read from the one definition of looked after (``placements.care``: ``CareSegment`` rows through
``tracker.frames.placement_frame``), the category from the placement. A child's *state* at a month's end
is their age band and the category of the placement they are in that day; ``OUT`` when not looked after.
Counting on month ends misses a child who came into care and left inside one month (as an annual
return's 31 March snapshot misses them); the flows are what changed between two month ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from datetime import date

import numpy as np
import pandas as pd
from django.db.models import Min

from placements import rules
from placements.choices import PlacementCategory

#: Age bands (label, first age, first age after): Social Finance's model's brackets, the last open-ended
#: (a young person leaves care at 18; the exit rate of the band carries it).
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("Under 1", 0, 1), ("1 to 4", 1, 5), ("5 to 9", 5, 10), ("10 to 15", 10, 16), ("16 and over", 16, 200),
)
CATEGORIES: tuple[str, ...] = tuple(PlacementCategory.values)
N_BANDS, N_CATEGORIES = len(AGE_BANDS), len(CATEGORIES)
N_STATES = N_BANDS * N_CATEGORIES
#: The state of a child not looked after (and the index of "out of care" in a flow matrix).
OUT = N_STATES


def state_of(band: int, category: int) -> int:
    return band * N_CATEGORIES + category


def band_of_state(state) -> np.ndarray:
    return np.asarray(state) // N_CATEGORIES


def category_of_state(state) -> np.ndarray:
    return np.asarray(state) % N_CATEGORIES


def category_index(category: str) -> int:
    return CATEGORIES.index(category)


def age_band_index(born: np.ndarray, on: date) -> np.ndarray:
    """The age band of each date of birth (``datetime64[D]``) on ``on``: whole years, as ``rules.age``."""
    born = np.asarray(born, dtype="datetime64[D]")
    years = born.astype("datetime64[Y]").astype(int) + 1970
    months = born.astype("datetime64[M]").astype(int) % 12 + 1
    days = (born - born.astype("datetime64[M]")).astype(int) + 1
    had_birthday = (months < on.month) | ((months == on.month) & (days <= on.day))
    age = on.year - years - (~had_birthday).astype(int)
    starts = np.array([start for _, start, _ in AGE_BANDS])
    return np.clip(np.searchsorted(starts, age, side="right") - 1, 0, N_BANDS - 1)


@dataclass(frozen=True)
class History:
    """The state of every child at each month's end (children × months, ``OUT`` when not looked after)."""

    month_ends: tuple[date, ...]
    states: np.ndarray

    @cached_property
    def stock(self) -> np.ndarray:
        """Children in each state at each month's end (months × states). One count over every cell."""
        months, size = len(self.month_ends), N_STATES + 1
        if not self.states.size:
            return np.zeros((months, N_STATES), dtype=np.int64)
        cells = self.states.astype(np.int64) + np.arange(months) * size
        return np.bincount(cells.ravel(), minlength=months * size).reshape(months, size)[:, :N_STATES]

    @cached_property
    def flows(self) -> np.ndarray:
        """Children in state a at one month's end and state b at the next ((months - 1) × (states + 1) ×
        (states + 1)); row ``OUT`` holds the entries into care, column ``OUT`` the exits. One count over
        every pair of neighbouring cells."""
        size = N_STATES + 1
        steps = len(self.month_ends) - 1
        if steps < 1:
            return np.zeros((0, size, size), dtype=np.int64)
        if not self.states.size:
            return np.zeros((steps, size, size), dtype=np.int64)
        pairs = self.states[:, :-1].astype(np.int64) * size + self.states[:, 1:] + np.arange(steps) * size * size
        return np.bincount(pairs.ravel(), minlength=steps * size * size).reshape(steps, size, size)

    def category_stock(self) -> pd.DataFrame:
        """Children by category at each month's end (months × categories)."""
        by_category = self.stock.reshape(len(self.month_ends), N_BANDS, N_CATEGORIES).sum(axis=1)
        return pd.DataFrame(by_category, index=list(self.month_ends), columns=list(CATEGORIES))

    def until(self, last: int) -> History:
        """The history up to and including month index ``last`` (a backtest's past)."""
        return History(self.month_ends[:last + 1], self.states[:, :last + 1])


def states_from_frame(frame: pd.DataFrame, month_ends: list[date]) -> History:
    """Each child's state at each month's end, from ``tracker.frames.placement_frame`` rows (one row covers
    a child on any day: ``placements.care``). Whole columns at once: each segment is spread over the month
    ends it covers (a region's million segments, five years of month ends)."""
    if frame.empty or not month_ends:
        return History(tuple(month_ends), np.full((0, len(month_ends)), OUT, dtype=np.int64))
    child_index, children = pd.factorize(frame["child_id"])
    start = frame["start"].to_numpy(dtype="datetime64[D]")
    until = frame["looked_after_until"].to_numpy(dtype="datetime64[D]")
    codes = {category: index for index, category in enumerate(CATEGORIES)}
    category = frame["category"].map(codes).fillna(codes[PlacementCategory.OTHER]).to_numpy(dtype=np.int16)
    ends = np.array(month_ends, dtype="datetime64[D]")
    # The month ends each segment covers: from the first on or after its start to the last before its end.
    first = np.searchsorted(ends, start, side="left")
    covered = np.maximum(np.searchsorted(ends, until, side="left") - first, 0)
    offsets = np.arange(covered.sum()) - np.repeat(np.cumsum(covered) - covered, covered)
    columns = np.repeat(first, covered) + offsets
    # Whole years on each month end, as ``rules.age`` (the birthday counts on the day): with a day as
    # month number × 32 + day of the month, the whole months between two days are their difference // 32,
    # and the whole years that // 12, so // 384 at once.
    end_key = _month_day_key(ends)
    born_key = _month_day_key(frame["date_of_birth"].to_numpy(dtype="datetime64[D]"))
    age = (end_key[columns] - np.repeat(born_key, covered)) // 384
    states = np.full((len(children), len(month_ends)), OUT, dtype=np.int16)  # 46 states: small, for a region
    states[np.repeat(child_index, covered), columns] = \
        _BAND_OF_AGE[np.clip(age, 0, len(_BAND_OF_AGE) - 1)] * N_CATEGORIES + np.repeat(category, covered)
    return History(tuple(month_ends), states)


#: The age band of each whole age in years (the last band holds every age beyond).
_BAND_OF_AGE = np.array([next(index for index, (_, first, after) in enumerate(AGE_BANDS) if first <= age < after)
                         for age in range(120)], dtype=np.int16)


def _month_day_key(days: np.ndarray) -> np.ndarray:
    """Each day as (months since 1970) × 32 + day of the month."""
    months = days.astype("datetime64[M]")
    return months.astype(np.int64) * 32 + (days - months).astype(np.int64) + 1


def month_ends_between(first: date, last: date) -> list[date]:
    """Every month's last day from ``first``'s month to ``last`` (inclusive; ``last``'s month only if it ends
    by ``last``)."""
    ends, month = [], date(first.year, first.month, 1)
    while True:
        end = rules.add_months(month, 1).replace(day=1)
        end = date.fromordinal(end.toordinal() - 1)
        if end > last:
            return ends
        if end >= first:
            ends.append(end)
        month = rules.add_months(month, 1)


def history_begins(return_years: tuple[int, ...] = ()) -> date | None:
    """The first day the history can be trusted from. With SSDA903 returns: 1 April of the first collection
    year (a return holds only the children looked after in its year, so before it the children who had
    already left are missing). Without: the first day a recorded child left care (the end of a segment
    no other of theirs follows), for the same reason: before the records were kept the app holds only
    the children still in care later, their earlier moves included, so it would read as no one leaving.
    None with no records."""
    from django.db.models import Exists, OuterRef

    from placements.models import CareSegment

    if return_years:
        return date(min(return_years), 4, 1)
    followed = CareSegment.objects.filter(child=OuterRef("child"), start=OuterRef("end"))
    left = CareSegment.objects.filter(end__isnull=False).exclude(Exists(followed))
    return left.aggregate(first=Min("end"))["first"] or CareSegment.objects.aggregate(first=Min("start"))["first"]


def load_history(as_at: date, return_years: tuple[int, ...] = (), *, months: int | None = None) -> History | None:
    """The history from its trusted beginning to ``as_at``, at most its last ``months`` month ends: one
    query (None when nothing is recorded)."""
    from tracker import frames

    begins = history_begins(return_years)
    if begins is None:
        return None
    month_ends = month_ends_between(begins, as_at)
    if months is not None:
        month_ends = month_ends[-months:]
    if not month_ends:
        return History((), np.zeros((0, 0), dtype=np.int64))
    frame = frames.placement_frame(month_ends[0], month_ends[-1])
    return states_from_frame(frame, month_ends)
