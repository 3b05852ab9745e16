"""What the dashboard counts of one child, as the days those counts change: rule T's starts, ceases and moves;
entries into and departures from a placement category; new placements and their first day's cost; placements
whose looked-after days end; DfE's three placement stability measures; placements on a framework and their core
fees. ``placements.care.daily`` keeps them with the rest of the child's daily figures, so that the dashboard
reads a few thousand summed rows instead of every child's segments (issue 17).

Two kinds of measure, both kept as changes by day (a day's figure is the sum of every change up to it):

- **levels** (looked after and in a stability measure's numerator on the day, placements on a framework, the
  core fee lines in force): +1 the first day it holds, -1 the day it stops;
- **events** (starts, ceases, moves, entries, departures, new and ended placements): +1 on the day, never taken
  away, so the events from one day to another are the difference of the two days' sums.

Every change is made on a placement of the child (the dimensions of ``daily``: its category and ownership).
A level holds only on days the child is looked after, so it is cut at the child's segments and each piece made
on the segment's placement.

Each definition is the one the rest of the app uses: rule T from ``placements.care.events``; a new placement as
``tracker.selectors.new_placements`` (the child looked after in it on its first day, not one already running
when the records began); looked after from the segments. The stability measures are DfE's, as the dashboard
has always shown them (tests compare the sums with a plain count child by child):

1. looked after on the day, with 3 or more placements in the 12 months to it;
2. looked after for 2 years or more (the spell in care covering the day began 24 months or more before), with 3
   or more placements in those 2 years;
3. under 16, looked after for 2½ years or more, and in the same placement for 2 years or more.

"Placements" there are those the child was looked after in on at least one day of the window, temporary ones
(T0-T4) left out.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from placements import rules
from placements.care.events import CEASE, MOVE, START, care_events, is_temporary
from placements.care.segments import Segment

ONE_DAY = timedelta(days=1)

#: Every measure this module makes, in the order ``daily.MEASURES`` keeps them (after its own four).
LEVELS = ("three_in_year", "long_term", "three_in_two_years", "under_16_long", "same_placement",
          "framework", "core_framework_lines", "core_framework_pence", "core_spot_lines", "core_spot_pence",
          "committed_weekly", "committed_until")
EVENTS = ("starts", "ceases", "moves", "entered", "left", "new_placements", "new_costed", "new_first_cost",
          "placements_ended")
NAMES = (*EVENTS, *LEVELS)

_RULE_T = {START: "starts", CEASE: "ceases", MOVE: "moves"}


@dataclass(frozen=True)
class SegmentRow:
    """A care segment as the measures need it: days [start, end) looked after in ``placement``."""

    placement: int
    start: date
    end: date | None
    before_records: bool = False


Change = tuple[date, int, str, int]  # day, placement, measure, amount


def changes(date_of_birth: date | None, segments: Sequence[SegmentRow], placements: dict) -> Iterator[Change]:
    """The child's changes in every measure of ``NAMES``. ``placements``: every placement of the child by key,
    each with ``start``, ``category``, ``place_code``, ``route``, ``began_before_records`` and ``lines`` (each
    with ``pence``, ``core``, ``date_from``, ``date_to``), as ``daily.PlacementCosts`` holds them."""
    segments = sorted(segments, key=lambda s: s.start)
    if not segments:
        return
    yield from _rule_t(segments, placements)
    yield from _categories(segments, placements)
    yield from _placements(segments, placements)
    yield from _stability(date_of_birth, segments, placements)
    yield from _framework_and_fees(segments, placements)
    yield from _committed(segments, placements)


def _rule_t(segments: Sequence[SegmentRow], placements: dict) -> Iterator[Change]:
    temporary = {pk for pk, placement in placements.items() if is_temporary(placement.place_code)}
    as_segments = [Segment(s.placement, s.start, s.end, "", s.before_records) for s in segments]
    for event in care_events(0, as_segments, temporary, date.min, date.max):
        yield event.day, event.placement_id, _RULE_T[event.kind], 1


def _categories(segments: Sequence[SegmentRow], placements: dict) -> Iterator[Change]:
    """Entered: the first day of a run of days looked after in placements of one category (not the day the
    records begin); left: the day after its last. The dashboard's starts and ceases when a category is chosen."""
    by_end = {s.end: s for s in segments if s.end is not None}
    by_start = {s.start: s for s in segments}
    for segment in segments:
        category = placements[segment.placement].category
        before = by_end.get(segment.start)
        if not segment.before_records and not (before and placements[before.placement].category == category):
            yield segment.start, segment.placement, "entered", 1
        after = by_start.get(segment.end) if segment.end is not None else None
        if segment.end is not None and not (after and placements[after.placement].category == category):
            yield segment.end, segment.placement, "left", 1


def _placements(segments: Sequence[SegmentRow], placements: dict) -> Iterator[Change]:
    """New placements (the child looked after in it on its first day, not running when the records began), with
    whether a cost line was in force that day and what they cost a week then (rule C1); and the day after each
    placement's last looked-after day."""
    first_days = {s.start for s in segments}
    last_end: dict[int, date | None] = {}
    for segment in segments:
        if segment.placement in last_end and last_end[segment.placement] is None:
            continue
        known = last_end.get(segment.placement, date.min)
        last_end[segment.placement] = None if segment.end is None else max(known, segment.end)
    for pk, end in last_end.items():
        placement = placements[pk]
        if placement.start in first_days and not placement.began_before_records and any(
                s.placement == pk and s.start == placement.start for s in segments):
            yield placement.start, pk, "new_placements", 1
            in_force = [line for line in placement.lines if line.in_force(placement.start)]
            if in_force:
                yield placement.start, pk, "new_costed", 1
                yield placement.start, pk, "new_first_cost", sum(line.pence for line in in_force)
        if end is not None:
            yield end, pk, "placements_ended", 1


# --- Stability --------------------------------------------------------------------------------------------

Interval = tuple[date, date | None]  # [from, to): no 'to' is open


def first_day(holds: Callable[[date], bool], near: date) -> date:
    """The first day on which ``holds`` (false, then true for good) is true, looked for from ``near``."""
    day = near - timedelta(days=4)
    while holds(day):
        day -= timedelta(days=4)
    while not holds(day):
        day += ONE_DAY
    return day


@functools.lru_cache(maxsize=65_536)
def months_on(day: date, months: int) -> date:
    """The first day whose date ``months`` calendar months earlier (``rules.add_months``) is ``day`` or later.

    ``day`` moved on by the months, unless the move was cut short at a month's end (31 January and a month: 28
    February, whose month earlier is 28 January): then the days after it, up to three. No earlier day will do:
    the day before maps to a day before ``day``."""
    found = rules.add_months(day, months)
    while rules.add_months(found, -months) < day:
        found += ONE_DAY
    return found


def _spells(segments: Sequence[SegmentRow]) -> list[Interval]:
    """Runs of days looked after with none missing (segments in order)."""
    spells: list[list] = []
    for segment in segments:
        if spells and spells[-1][1] == segment.start:
            spells[-1][1] = segment.end
        else:
            spells.append([segment.start, segment.end])
    return [(start, end) for start, end in spells]


def _union(intervals: list[Interval]) -> list[Interval]:
    merged: list[list] = []
    for start, end in sorted(intervals, key=lambda i: i[0]):
        if merged and (merged[-1][1] is None or start <= merged[-1][1]):
            if merged[-1][1] is not None and (end is None or end > merged[-1][1]):
                merged[-1][1] = end
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    pieces = []
    for a_start, a_end in a:
        for b_start, b_end in b:
            start = max(a_start, b_start)
            ends = [end for end in (a_end, b_end) if end is not None]
            end = min(ends) if ends else None
            if end is None or start < end:
                pieces.append((start, end))
    return pieces


def _counted(segments: Sequence[SegmentRow], placements: dict) -> list[SegmentRow]:
    """The segments in the placements the stability measures count (temporary ones left out), or none when they
    are in fewer than 3 placements (no window can hold 3)."""
    counted = [s for s in segments if not is_temporary(placements[s.placement].place_code)]
    return counted if len({s.placement for s in counted}) >= 3 else []


def _three_or_more(counted: Sequence[SegmentRow], months: int) -> list[Interval]:
    """The days d on which the child was looked after in 3 or more placements (temporary ones left out: the
    segments ``_counted`` gives) on at least one day from ``months`` calendar months before d (not that day
    itself) to d."""
    if not counted:
        return []
    by_placement: dict[int, list[Interval]] = defaultdict(list)
    for segment in counted:
        # A segment is in the window of day d from its first day until d's window begins after its last day.
        until = months_on(segment.end - ONE_DAY, months) if segment.end is not None else None
        by_placement[segment.placement].append((segment.start, until))
    steps: dict[date, int] = defaultdict(int)
    for intervals in by_placement.values():
        for start, end in _union(intervals):
            steps[start] += 1
            if end is not None:
                steps[end] -= 1
    result: list[Interval] = []
    count, began = 0, None
    for day in sorted(steps):
        count += steps[day]
        if count >= 3 and began is None:
            began = day
        elif count < 3 and began is not None:
            result.append((began, day))
            began = None
    if began is not None:
        result.append((began, None))
    return result


def _stability(date_of_birth: date | None, segments: Sequence[SegmentRow], placements: dict) -> Iterator[Change]:
    # Most children hold none of the measures on any day: each is left as soon as it cannot hold.
    counted = _counted(segments, placements)
    in_year = _three_or_more(counted, 12)
    if in_year:
        yield from _levels("three_in_year", in_year, segments)
    spells = _spells(segments)
    long_term = []
    for start, end in spells:
        from_day = months_on(start, 24)
        if end is None or from_day < end:
            long_term.append((from_day, end))
    if long_term:
        yield from _levels("long_term", long_term, segments)
        in_two_years = _three_or_more(counted, 24)
        if in_two_years:
            yield from _levels("three_in_two_years", _intersect(in_two_years, long_term), segments)
    if date_of_birth is None:
        return
    sixteen = None
    for spell_start, spell_end in spells:
        long_in_care = months_on(spell_start, 30)
        if spell_end is not None and spell_end <= long_in_care:
            continue  # never 2½ years in care in this spell
        if sixteen is None:
            sixteen = first_day(lambda d: date_of_birth <= rules.born_on_or_before_to_be(16, d),
                                rules.birthday_in_year(date_of_birth, date_of_birth.year + 16))
        if sixteen <= long_in_care:
            continue  # 16 before 2½ years in care
        for segment in segments:
            if segment.start < spell_start or (spell_end is not None and segment.start >= spell_end):
                continue
            start = max(segment.start, long_in_care)
            end = min(sixteen, segment.end) if segment.end is not None else sixteen
            if start >= end:
                continue
            yield start, segment.placement, "under_16_long", 1
            yield end, segment.placement, "under_16_long", -1
            start = max(start, months_on(placements[segment.placement].start, 24))
            if start < end:
                yield start, segment.placement, "same_placement", 1
                yield end, segment.placement, "same_placement", -1


def _levels(measure: str, intervals: list[Interval], segments: Sequence[SegmentRow]) -> Iterator[Change]:
    """+1 and -1 for the days of ``intervals``, cut at the segments (each piece on its segment's placement)."""
    for segment in segments:
        for start, end in _intersect(intervals, [(segment.start, segment.end)]):
            yield start, segment.placement, measure, 1
            if end is not None:
                yield end, segment.placement, measure, -1


# --- Framework and fees ---------------------------------------------------------------------------------

_ROUTES = {"framework": ("core_framework_lines", "core_framework_pence"),
           "spot": ("core_spot_lines", "core_spot_pence")}


def _framework_and_fees(segments: Sequence[SegmentRow], placements: dict) -> Iterator[Change]:
    """Looked after in a placement on a framework; and the core fee lines in force on the days looked after in a
    framework or spot placement, counted and summed (the dashboard's average fee is their quotient)."""
    for segment in segments:
        placement = placements[segment.placement]
        if placement.route == "framework":
            yield from _levels("framework", [(segment.start, segment.end)], [segment])
        if placement.route not in _ROUTES:
            continue
        lines_measure, pence_measure = _ROUTES[placement.route]
        for line in placement.lines:
            if not line.core:
                continue
            line_days = [(line.date_from, line.date_to + ONE_DAY if line.date_to is not None else None)]
            for start, end in _intersect(line_days, [(segment.start, segment.end)]):
                yield start, segment.placement, lines_measure, 1
                yield start, segment.placement, pence_measure, line.pence
                if end is not None:
                    yield end, segment.placement, lines_measure, -1
                    yield end, segment.placement, pence_measure, -line.pence


# --- Committed spend (rule C4) ---------------------------------------------------------------------------


def _committed(segments: Sequence[SegmentRow], placements: dict) -> Iterator[Change]:
    """Rule C4's committed spend on day d: each cost line in force on d of the placement the child is looked after
    in, from the next day to the earlier of the day before the placement's planned end and 31 March, that is
    amount x (K - d) days with K = min(planned end - 1, 31 March of d's financial year), when d < K. Kept as two
    levels, the lines' weekly amounts (``committed_weekly``) and their amounts times K as a day's ordinal
    (``committed_until``), so that the spend committed on d is (committed_until - d x committed_weekly) / 7. Within
    a financial year K is fixed, so each line's days are cut at the years' ends."""
    for segment in segments:
        placement = placements[segment.placement]
        planned_last = placement.planned_end - ONE_DAY if placement.planned_end is not None else None
        for line in placement.lines:
            line_days = [(line.date_from, line.date_to + ONE_DAY if line.date_to is not None else None)]
            for start, end in _intersect(line_days, [(segment.start, segment.end)]):
                year_start = rules.financial_year_start(start)
                horizon = end or (planned_last + ONE_DAY if planned_last is not None else date(2100, 4, 1))
                while year_start < horizon:
                    year_end = date(year_start.year + 1, 3, 31)
                    until = min(planned_last, year_end) if planned_last is not None else year_end
                    first = max(start, year_start)
                    stop = min(day for day in (end, year_end + ONE_DAY, until) if day is not None)
                    if first < stop:
                        yield first, segment.placement, "committed_weekly", line.pence
                        yield stop, segment.placement, "committed_weekly", -line.pence
                        yield first, segment.placement, "committed_until", line.pence * until.toordinal()
                        yield stop, segment.placement, "committed_until", -line.pence * until.toordinal()
                    if planned_last is not None and planned_last < year_end:
                        break  # nothing is committed after the planned end
                    year_start = date(year_start.year + 1, 4, 1)
