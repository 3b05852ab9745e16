"""Rule "looked after" (SPEC section 3), for one child, as segments of days.

A child is looked after on day d when a placement covers d, the legal status in force on d is not a
short break (V3/V4) and they are under 18. Legal status is the episode's, not the placement's: an
SSDA903 episode with RNE L changes it inside one placement (``LegalStatusPeriod``). Where records
overlap, the placement that started last (then the later record) is the one the child is in.

A segment is a run of days [start, end) in which all of that stays the same: the child is looked
after, in one placement, with one legal status. Segments of one child never overlap, so a count of
segments covering a day is a count of children.

**Records begin**: a child whose first SSDA903 episode has RNE other than S was in care before the
records begin; the segment that begins that day is marked ``before_records`` and is not a start
(rule T). Where that first episode's RNE is L, its placement began before the records too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from placements import rules
from placements.choices import RNE_STARTED


@dataclass(frozen=True)
class PlacementFacts:
    """What the segments need of one placement."""

    pk: int
    start: date
    end: date | None
    legal_status: str  # the status when it began: used only when no legal-status period covers a day


@dataclass(frozen=True)
class StatusPeriod:
    start: date
    end: date | None
    legal_status: str


@dataclass(frozen=True)
class Segment:
    """Days [start, end) when the child is looked after in ``placement_id``. ``end`` is always a day: every
    segment ends by the 18th birthday at the latest (``CareSegment.end`` may be empty only for data written
    by hand)."""

    placement_id: int
    start: date
    end: date | None
    legal_status: str
    before_records: bool = False

    def covers(self, on: date) -> bool:
        return rules.covers(self.start, self.end, on)


def records_begin(episodes: Iterable[tuple[date, str]]) -> date | None:
    """The first day of the records for a child who was in care before them: the first episode's DECOM
    when its RNE is not S (started to be looked after); None when the records see the child arrive."""
    ordered = sorted(episodes)
    if not ordered:
        return None
    decom, rne = ordered[0]
    return decom if rne != RNE_STARTED else None


def placement_in(placements: Iterable[PlacementFacts], on: date) -> PlacementFacts | None:
    """The placement the child is in on ``on``: of those covering it, the one that started last."""
    covering = [p for p in placements if rules.covers(p.start, p.end, on)]
    return max(covering, key=lambda p: (p.start, p.pk)) if covering else None


def legal_status_on(periods: Iterable[StatusPeriod], placement: PlacementFacts, on: date) -> str:
    """The legal status in force on ``on``: the latest period covering it, else the placement's own."""
    covering = [p for p in periods if rules.covers(p.start, p.end, on)]
    if covering:
        return max(covering, key=lambda p: p.start).legal_status
    return placement.legal_status


def care_segments(
    *,
    date_of_birth: date,
    placements: Sequence[PlacementFacts],
    legal_status_periods: Sequence[StatusPeriod] = (),
    records_began: date | None = None,
) -> list[Segment]:
    """The days the child is looked after, as non-overlapping segments in date order.

    Everything that can change whether or where the child is looked after happens on a day some
    placement or legal-status period starts or ends, or on the 18th birthday: between two such days
    nothing changes, so each gap between them is judged once, on its first day.
    """
    eighteen = rules.eighteenth_birthday(date_of_birth)
    days = {eighteen}
    for item in (*placements, *legal_status_periods):
        days.add(item.start)
        if item.end is not None:
            days.add(item.end)
    ordered = sorted(days)
    segments: list[Segment] = []
    for index, day in enumerate(ordered):
        if day >= eighteen:
            break  # from the 18th birthday a young person is a care leaver
        placement = placement_in(placements, day)
        if placement is None:
            continue
        status = legal_status_on(legal_status_periods, placement, day)
        if not rules.counts_as_looked_after(status):
            continue
        until = ordered[index + 1]  # there is always a next day: the 18th birthday, after this one
        last = segments[-1] if segments else None
        if last and last.end == day and (last.placement_id, last.legal_status) == (placement.pk, status):
            segments[-1] = Segment(last.placement_id, last.start, until, status, last.before_records)
        else:
            segments.append(Segment(placement.pk, day, until, status, before_records=day == records_began))
    return segments


def segment_on(segments: Iterable[Segment], on: date) -> Segment | None:
    """The segment covering ``on`` (segments of one child never overlap)."""
    return next((s for s in segments if s.covers(on)), None)
