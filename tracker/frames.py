"""Placements and cost lines as pandas DataFrames: one query each, then vectorised arithmetic.

The dashboard's time series come from these frames. The arithmetic is the same rules as
``placements.rules`` (covers, looked after, C2 spend), written for whole columns at once;
tests check both give the same figures.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from django.db.models import Q

from placements import rules
from placements.choices import SHORT_BREAK_LEGAL_STATUSES
from placements.models import CostLine, Placement

FAR_FUTURE = pd.Timestamp("2262-01-01")  # the latest day pandas can hold: an open end
PLACEMENT_COLUMNS = ["pk", "child_id", "date_of_birth", "start", "end", "legal_status", "category", "ownership",
                     "route", "place_code", "came_from", "planned_end"]


def _dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series).astype("datetime64[ns]")


def placement_frame(period_start: date, period_end: date, category: str = "") -> pd.DataFrame:
    """Placements overlapping the period (inclusive), with each child's 18th birthday and the day
    their looked-after time in that placement ends (the placement's end, the 18th birthday, or never)."""
    query = Placement.objects.filter(start__lte=period_end).filter(Q(end__isnull=True) | Q(end__gt=period_start))
    if category:
        query = query.filter(category=category)
    rows = query.values_list("pk", "child_id", "child__date_of_birth", "start", "end", "legal_status", "category",
                             "provider__ownership", "route", "place_code", "came_from", "planned_end")
    frame = pd.DataFrame.from_records(list(rows), columns=PLACEMENT_COLUMNS)
    if frame.empty:
        frame = pd.DataFrame({column: pd.Series(dtype="object") for column in PLACEMENT_COLUMNS})
    frame["start"] = _dates(frame["start"])
    frame["end"] = _dates(frame["end"]).fillna(FAR_FUTURE)
    births = frame["date_of_birth"].map(rules.eighteenth_birthday, na_action="ignore")
    frame["eighteen"] = _dates(births)
    frame["looked_after_until"] = frame[["end", "eighteen"]].min(axis=1)
    frame["counts"] = ~frame["legal_status"].isin(list(SHORT_BREAK_LEGAL_STATUSES))
    return frame


def looked_after_mask(frame: pd.DataFrame, on: date) -> pd.Series:
    """Rows that make their child looked after on ``on`` (rules.is_looked_after, column-wise)."""
    day = pd.Timestamp(on)
    return frame["counts"] & (frame["start"] <= day) & (frame["looked_after_until"] > day)


def care_periods(frame: pd.DataFrame) -> pd.DataFrame:
    """Each child's continuous spells of being looked after: [start, end) with no day between."""
    spells = frame.loc[frame["counts"] & (frame["start"] < frame["looked_after_until"]),
                       ["child_id", "start", "looked_after_until"]].sort_values(["child_id", "start"])
    if spells.empty:
        return pd.DataFrame({"child_id": [], "start": pd.Series(dtype="datetime64[ns]"),
                             "end": pd.Series(dtype="datetime64[ns]")})
    running_end = spells.groupby("child_id")["looked_after_until"].cummax()
    previous_end = running_end.groupby(spells["child_id"]).shift()
    new_spell = previous_end.isna() | (spells["start"] > previous_end)
    spells = spells.assign(spell=new_spell.cumsum())
    merged = spells.groupby("spell").agg(child_id=("child_id", "first"), start=("start", "min"),
                                         end=("looked_after_until", "max"))
    return merged.reset_index(drop=True)


def cost_line_frame(period_start: date, period_end: date, category: str = "") -> pd.DataFrame:
    """Cost lines in force at some point in the period, with their placement's dates and category."""
    query = (CostLine.objects.filter(date_from__lte=period_end)
             .filter(Q(date_to__isnull=True) | Q(date_to__gte=period_start))
             .filter(placement__start__lte=period_end)
             .filter(Q(placement__end__isnull=True) | Q(placement__end__gt=period_start)))
    if category:
        query = query.filter(placement__category=category)
    columns = ["weekly_amount", "date_from", "date_to", "placement_start", "placement_end", "category", "kind"]
    rows = query.values_list("weekly_amount", "date_from", "date_to", "placement__start", "placement__end",
                             "placement__category", "kind")
    frame = pd.DataFrame.from_records(list(rows), columns=columns)
    frame["weekly_amount"] = frame["weekly_amount"].astype(float) if not frame.empty else pd.Series(dtype=float)
    # The last day each line is paid: its 'to', and never on or after the day the child left.
    first = pd.concat([_dates(frame["date_from"]), _dates(frame["placement_start"])], axis=1).max(axis=1)
    last_paid = _dates(frame["date_to"]).fillna(FAR_FUTURE)
    left = _dates(frame["placement_end"]).fillna(FAR_FUTURE + pd.Timedelta(days=1)) - pd.Timedelta(days=1)
    frame["first_day"] = first
    frame["last_day"] = pd.concat([last_paid, left], axis=1).min(axis=1)
    return frame


def spend_by_period(lines: pd.DataFrame, periods: list[tuple[date, date]], by: str | None = None) -> pd.DataFrame:
    """Rule C2 for each (start, end) period, inclusive: days in force x weekly / 7, optionally by a column.

    Lines x periods as one numpy array, in chunks so a region's million lines stay within memory.
    """
    columns = ["start", "end", *([by] if by else []), "spend"]
    if not periods:
        return pd.DataFrame(columns=columns)
    starts = np.array([np.datetime64(start, "D") for start, _ in periods])
    ends = np.array([np.datetime64(end, "D") for _, end in periods])
    first = lines["first_day"].to_numpy(dtype="datetime64[D]")
    last = lines["last_day"].to_numpy(dtype="datetime64[D]")
    amount = lines["weekly_amount"].to_numpy(dtype=float)
    codes, groups = pd.factorize(lines[by]) if by else (np.zeros(len(lines), dtype=int), [None])
    totals = np.zeros((max(len(groups), 1), len(periods)))
    for chunk in range(0, len(lines), 20_000):
        rows = slice(chunk, chunk + 20_000)
        low = np.maximum(first[rows, None], starts[None, :])
        high = np.minimum(last[rows, None], ends[None, :])
        days = np.clip((high - low).astype(int) + 1, 0, None)
        np.add.at(totals, codes[rows], days * amount[rows, None] / 7)
    records = []
    for group_index, group in enumerate(groups):
        for period_index, (period_start, period_end) in enumerate(periods):
            record = {"start": period_start, "end": period_end, "spend": float(totals[group_index, period_index])}
            if by:
                record[by] = group
            records.append(record)
    return pd.DataFrame(records, columns=columns)


def month_ends(first: date, last: date) -> list[date]:
    """The last day of each month from ``first``'s month to ``last``'s (the last one no later than ``last``)."""
    days = []
    month = date(first.year, first.month, 1)
    while month <= last:
        end = rules.add_months(month, 1) - timedelta(days=1)
        days.append(min(end, last))
        month = rules.add_months(month, 1)
    return days


def weekly_periods(first: date, last: date) -> list[tuple[date, date]]:
    """Monday-to-Sunday weeks whose Sunday falls between ``first`` and ``last``."""
    sunday = rules.week_ending(first)
    periods = []
    while sunday <= last:
        periods.append((sunday - timedelta(days=6), sunday))
        sunday += timedelta(days=7)
    return periods

