"""Rule T (SPEC section 3): starts, ceases and moves in a week, and the residential age bands.

Plain functions on plain values; ``tracker.selectors`` feeds them from the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from placements import rules

#: SSDA903 temporary placements (T0-T4): moving into one, or back from one, is not a move.
TEMPORARY_PLACE_CODES = frozenset({"T0", "T1", "T2", "T3", "T4"})

START, CEASE, MOVE = "start", "cease", "move"


@dataclass(frozen=True)
class PlacementSpan:
    """What rule T needs to know of one placement."""

    pk: int
    start: date
    end: date | None
    legal_status: str
    place_code: str = ""

    @property
    def is_temporary(self) -> bool:
        return self.place_code in TEMPORARY_PLACE_CODES


@dataclass(frozen=True)
class Event:
    kind: str  # start, cease or move
    day: date
    child_id: int
    placement_id: int  # the placement the child is in that day (start, move) or left (cease)
    previous_placement_id: int | None = None  # for a move: the placement left


def last_complete_week_ending(today: date) -> date:
    """The Sunday that ended the last whole week before ``today``."""
    return today - timedelta(days=today.weekday() + 1)


def week_days(week_ending: date) -> list[date]:
    """Monday to Sunday of the week ending on ``week_ending`` (a Sunday)."""
    return [week_ending - timedelta(days=offset) for offset in range(6, -1, -1)]


def placement_on(date_of_birth: date, placements: Iterable[PlacementSpan], on: date) -> PlacementSpan | None:
    """The placement that makes the child looked after on ``on``, or None if they are not looked after.

    Where records overlap, the one that started last wins (the child's latest move).
    """
    covering = [p for p in placements if rules.is_looked_after(date_of_birth, [p], on)]
    return max(covering, key=lambda p: (p.start, p.pk)) if covering else None


def week_events(child_id: int, date_of_birth: date, placements: list[PlacementSpan], week_ending: date) -> list[Event]:
    """Rule T for one child and one week.

    - start: looked after on d and not on d-1;
    - cease: looked after on d-1 and not on d;
    - move: looked after on d-1 and on d in different placements, unless the new placement
      is temporary (T0-T4) or the child is coming back from one.
    """
    events = []
    before = placement_on(date_of_birth, placements, week_ending - timedelta(days=7))
    for day in week_days(week_ending):
        now = placement_on(date_of_birth, placements, day)
        if now and not before:
            events.append(Event(START, day, child_id, now.pk))
        elif before and not now:
            events.append(Event(CEASE, day, child_id, before.pk))
        elif now and before and now.pk != before.pk and not (now.is_temporary or before.is_temporary):
            events.append(Event(MOVE, day, child_id, now.pk, before.pk))
        before = now
    return events


RESIDENTIAL_AGE_BANDS = ("10 and under", "11-13", "14-15", "16+")


def residential_age_band(age: int) -> str:
    """The age bands the paper uses for new residential placements (paragraphs 40, 42, 44)."""
    if age <= 10:
        return RESIDENTIAL_AGE_BANDS[0]
    if age <= 13:
        return RESIDENTIAL_AGE_BANDS[1]
    if age <= 15:
        return RESIDENTIAL_AGE_BANDS[2]
    return RESIDENTIAL_AGE_BANDS[3]
