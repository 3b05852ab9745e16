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
from placements.care import daily
from placements.models import CareSegment

FAR_FUTURE = pd.Timestamp("2262-01-01")  # the latest day pandas can hold: an open end
#: What the dashboard's measures and the forecast's history read (each column read back costs a region 0.1 s).
PLACEMENT_COLUMNS = ["pk", "child_id", "date_of_birth", "start", "end", "before_records", "category", "ownership",
                     "place_code", "placement_start"]


def _dates(series: pd.Series) -> pd.Series:
    """Dates as pandas timestamps; one pandas cannot hold (before 1677 or after 2262) becomes empty rather
    than failing the page (the database keeps dates within 1990-2099: ``placements.plausible``)."""
    values = pd.to_datetime(series, errors="coerce")
    holdable = (values >= pd.Timestamp.min) & (values <= pd.Timestamp.max)
    return values.where(holdable).astype("datetime64[ns]")


def placement_frame(period_start: date, period_end: date, category: str = "") -> pd.DataFrame:
    """The looked-after segments (``placements.care``) overlapping the period (inclusive), one row each, with
    their placement's facts: ``pk`` is the placement, ``start``/``end`` the segment's days [start, end),
    ``placement_start`` the placement's own start. A child has at most one row covering any day, so counting
    rows on a day counts children. Rows are in (child key, start) order, put in order here: the segments' own
    order (by the child's name) made PostgreSQL sort a region's 300,000 rows on disk, over half the read.

    The child's birth date and the placement's start, category, ownership and place code are what the segment
    carries (``placements.care.facts``): no join."""
    query = CareSegment.objects.filter(start__lte=period_end).filter(Q(end__isnull=True) | Q(end__gt=period_start))
    if category:
        query = query.filter(placement_category=category)
    rows = query.order_by().values_list("placement_id", "child_id", "child_date_of_birth", "start", "end",
                                        "before_records", "placement_category", "placement_ownership",
                                        "placement_place_code", "placement_start")
    frame = pd.DataFrame.from_records(list(rows), columns=PLACEMENT_COLUMNS)
    if frame.empty:
        frame = pd.DataFrame({column: pd.Series(dtype="object") for column in PLACEMENT_COLUMNS})
    frame["start"] = _dates(frame["start"])
    frame["end"] = _dates(frame["end"]).fillna(FAR_FUTURE)
    frame["placement_start"] = _dates(frame["placement_start"])
    frame["before_records"] = frame["before_records"].astype(bool)
    frame["looked_after_until"] = frame["end"]
    frame["counts"] = True  # every segment is a day looked after
    return frame.sort_values(["child_id", "start"], kind="stable", ignore_index=True)


LINE_COLUMNS = ["day", "category", "change"]


def cost_line_frame(period_start: date, period_end: date, category: str = "") -> pd.DataFrame:
    """What the cost lines charged cost a week, as the days that changes up to the period's end: one row per
    day and placement category, with the change in the weekly total in pence (changes before the period summed
    on one day no later than its start).

    Each line is charged (rule C2) from the later of its 'from' and its placement's start to the earlier of
    its 'to' and the day before the child left; it adds its weekly amount on its first day and takes it
    away the day after its last. Kept as the data changes (``placements.care.daily``), so a region's two
    million lines are never read: a few thousand rows come back, whatever the number of lines.
    """
    rows = daily.charged_changes(period_start, period_end, category)
    frame = pd.DataFrame.from_records(rows, columns=LINE_COLUMNS)
    frame["day"] = pd.to_datetime(frame["day"]).to_numpy(dtype="datetime64[D]") if rows else \
        np.array([], dtype="datetime64[D]")
    frame["change"] = frame["change"].astype("int64")
    return frame


def spend_by_period(lines: pd.DataFrame, periods: list[tuple[date, date]], by: str | None = None) -> pd.DataFrame:
    """Rule C2 for each (start, end) period, inclusive, optionally by a column of ``cost_line_frame``.

    The weekly total charged on each day is the running sum of the changes up to it; a period's spend is
    the sum of its days' totals / 7. In whole pence until that last division, whatever the number of lines.
    """
    columns = ["start", "end", *([by] if by else []), "spend"]
    if not periods:
        return pd.DataFrame(columns=columns)
    first = min(start for start, _ in periods)
    days = np.arange(np.datetime64(first, "D"), np.datetime64(max(end for _, end in periods), "D") + 1)
    starts = np.array([(np.datetime64(start, "D") - days[0]).astype(int) for start, _ in periods])
    ends = np.array([(np.datetime64(end, "D") - days[0]).astype(int) + 1 for _, end in periods])
    codes, groups = pd.factorize(lines[by]) if by else (np.zeros(len(lines), dtype=int), [None])
    line_days = lines["day"].to_numpy(dtype="datetime64[D]")
    changes = lines["change"].to_numpy(dtype="int64")
    records = []
    for group_index, group in enumerate(groups):
        mine = codes == group_index
        order = np.argsort(line_days[mine], kind="stable")
        group_days, running = line_days[mine][order], np.cumsum(changes[mine][order])
        latest = np.searchsorted(group_days, days, side="right") - 1  # the last change on or before each day
        weekly = np.where(latest >= 0, running[np.maximum(latest, 0)], 0) if len(running) else np.zeros(len(days))
        so_far = np.concatenate([[0], np.cumsum(weekly)])  # pence-days charged before each day
        for period_index, (period_start, period_end) in enumerate(periods):
            pence_days = so_far[ends[period_index]] - so_far[starts[period_index]]
            record = {"start": period_start, "end": period_end, "spend": float(pence_days) / 700}
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


def whole_month_ends(first: date, last: date) -> tuple[list[date], date | None]:
    """The month ends a monthly chart shows, and the partial month's last day (None if every month is whole).

    Only whole months are shown, so a month with one day in it (data as at 1 December) is not drawn as a
    sliver beside the full ones: the partial last month is left out, unless it is the only month, when it
    is shown (``partial in days``) and the chart says it is part of a month."""
    days = month_ends(first, last)
    if not days or rules.add_months(date(last.year, last.month, 1), 1) - timedelta(days=1) == last:
        return days, None
    return (days[:-1] if len(days) > 1 else days), last


def weekly_periods(first: date, last: date) -> list[tuple[date, date]]:
    """Monday-to-Sunday weeks whose Sunday falls between ``first`` and ``last``."""
    sunday = rules.week_ending(first)
    periods = []
    while sunday <= last:
        periods.append((sunday - timedelta(days=6), sunday))
        sunday += timedelta(days=7)
    return periods

