"""Rule T (SPEC section 3): starts, ceases and moves in a week, and the residential age bands.

Plain functions on plain values; ``tracker.selectors`` feeds them from the database.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from placements.care.segments import PlacementFacts, Segment, care_segments, segment_on

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


def segments_of(date_of_birth: date, placements: Iterable[PlacementSpan]) -> list[Segment]:
    """The child's looked-after segments from placements alone (no legal-status periods): for callers and
    tests that hold only placements. The database keeps the full ones in ``CareSegment``."""
    facts = [PlacementFacts(p.pk, p.start, p.end, p.legal_status) for p in placements]
    return care_segments(date_of_birth=date_of_birth, placements=facts)


def placement_on(date_of_birth: date, placements: Iterable[PlacementSpan], on: date) -> PlacementSpan | None:
    """The placement that makes the child looked after on ``on``, or None if they are not looked after.

    Where records overlap, the one that started last wins (the child's latest move).
    """
    placements = list(placements)
    segment = segment_on(segments_of(date_of_birth, placements), on)
    return next(p for p in placements if p.pk == segment.placement_id) if segment else None


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
            elif before.placement_id != segment.placement_id and not (
                segment.placement_id in temporary or before.placement_id in temporary
            ):
                events.append(Event(MOVE, segment.start, child_id, segment.placement_id, before.placement_id))
        if segment.end is not None and first <= segment.end <= last and segment.end not in starting:
            events.append(Event(CEASE, segment.end, child_id, segment.placement_id))
    return sorted(events, key=lambda e: (e.day, e.kind)) if len(events) > 1 else events


def week_events(child_id: int, date_of_birth: date, placements: list[PlacementSpan], week_ending: date) -> list[Event]:
    """Rule T for one child and one week, from their placements (``care_events``)."""
    temporary = {p.pk for p in placements if p.is_temporary}
    return care_events(child_id, segments_of(date_of_birth, placements), temporary,
                       week_ending - timedelta(days=6), week_ending)


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
