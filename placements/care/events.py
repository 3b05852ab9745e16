"""Rule T (SPEC section 3): a child's starts, ceases and moves, from their care segments. The one definition:
the daily figures count them (``placements.care.child_measures``: the weekly tracker's and the dashboard's
figures), the segments carry whether each begins or ends with one (``facts``) and the weekly tracker's lists
(``tracker.selectors.event_segments``), the panel and the dashboard read that.

Plain functions on plain values.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from placements.care.segments import Segment

#: SSDA903 temporary placements (T0-T4): moving into one, or back from one, is not a move.
TEMPORARY_PLACE_CODES = frozenset({"T0", "T1", "T2", "T3", "T4"})

START, CEASE, MOVE = "start", "cease", "move"


def is_temporary(place_code: str | None) -> bool:
    return (place_code or "") in TEMPORARY_PLACE_CODES


@dataclass(frozen=True)
class Event:
    kind: str  # start, cease or move
    day: date
    child_id: int
    placement_id: int  # the placement the child is in that day (start, move) or left (cease)
    previous_placement_id: int | None = None  # for a move: the placement left


def is_move(before_placement: int, before_temporary: bool, placement: int, temporary: bool) -> bool:
    """Looked after the day before in another placement: a move, unless the new placement is temporary (T0-T4)
    or the child is coming back from one."""
    return before_placement != placement and not (temporary or before_temporary)


def care_events(child_id: int, segments: list[Segment], temporary: Collection[int], first: date, last: date) -> list[Event]:
    """Rule T for one child over the days ``first`` to ``last`` (inclusive), from their segments.

    - start: looked after on d and not on d-1 (unless d is the day the records begin, for a child
      already in care then: the records do not show the day they came into care);
    - cease: looked after on d-1 and not on d;
    - move: looked after on d-1 and on d in different placements, unless the new placement is
      temporary (T0-T4) or the child is coming back from one. ``temporary`` holds the ids of
      temporary placements.

    Segments of a child never overlap and are cut only where something changes, so every event
    falls on a segment's first day or on the day after its last.
    """
    by_end = {s.end: s for s in segments if s.end is not None}
    starting = {s.start for s in segments}
    events = []
    for segment in segments:
        if first <= segment.start <= last:
            before = by_end.get(segment.start)
            if before is None:
                if not segment.before_records:
                    events.append(Event(START, segment.start, child_id, segment.placement_id))
            elif is_move(before.placement_id, before.placement_id in temporary,
                         segment.placement_id, segment.placement_id in temporary):
                events.append(Event(MOVE, segment.start, child_id, segment.placement_id, before.placement_id))
        if segment.end is not None and first <= segment.end <= last and segment.end not in starting:
            events.append(Event(CEASE, segment.end, child_id, segment.placement_id))
    return sorted(events, key=lambda e: (e.day, e.kind)) if len(events) > 1 else events
