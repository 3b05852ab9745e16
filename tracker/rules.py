"""Rule T (SPEC section 3) for a week, from a child's placements, and the residential age bands. Rule T itself is
``placements.care.events`` (its names are here too, for the tracker's callers).

Plain functions on plain values; ``tracker.selectors`` feeds them from the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from placements.care.events import CEASE, MOVE, START, TEMPORARY_PLACE_CODES, Event, care_events, is_temporary  # noqa: F401 (rule T, here too)
from placements.care.segments import PlacementFacts, Segment, care_segments, segment_on


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
        return is_temporary(self.place_code)


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
