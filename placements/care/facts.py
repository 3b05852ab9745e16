"""What a care segment carries of the placement it is in and of its child, so that a reader of the day's
segments needs no join to a region's placements, children and providers (issue 17 item 4: the panel's
candidates are one indexed read of ``CareSegment``).

The facts, each by its one definition: the placement's start, category, ownership (``rules.placement_ownership``;
"" when neither internal nor external), whether it is unregulated provision (``rules.is_unregulated``), whether
the type wanted was not available in the market, its provider, its SSDA903 place code; the child's date of birth;
and rule T's events (``placements.care.events``): whether the segment begins with a start or a move and whether
the day after it is a cease, so that a week's events, or a child's moves in a year, are an indexed read of the
segments beginning or ending then.

They are kept as the segments are (``placements.care.store``): a child's segments are written again whenever
their child or placements are saved, and when a provider's ownership or regulation changes (its children's).
``manage.py rebuild_care_segments --check`` compares them with the rest of each segment. The migrations that
added them (0024, 0026) fill them in a few statements of their own; a test compares those with a rebuild.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from placements import rules
from placements.care import events
from placements.care.segments import Segment

#: The columns carried, in the order ``of_placements`` gives their values (after the child's date of birth).
PLACEMENT_FIELDS = ("placement_start", "placement_category", "placement_ownership", "placement_unregulated",
                    "placement_desired_not_met_market", "placement_provider_id", "placement_place_code")
#: Rule T's events on a segment's first day (a start or a move) and the day after its last (a cease).
EVENT_FIELDS = ("begins_with_start", "begins_with_move", "ends_with_cease")
#: Every column carried, in the order ``rows_with_facts`` adds them to a segment's own.
FIELDS = ("child_date_of_birth", *PLACEMENT_FIELDS, *EVENT_FIELDS)

_READ = ("pk", "start", "category", "provider__ownership", "place_provider", "provider__regulated",
         "desired_not_met_market", "provider_id", "place_code")


def carried(start: date, category: str, provider_ownership: str | None, place_provider: str,
            provider_regulated: bool | None, desired_not_met_market: bool, provider_id: int | None,
            place_code: str) -> tuple:
    """A placement's facts as the segment carries them (``PLACEMENT_FIELDS``' order)."""
    return (start, category or "", rules.placement_ownership(provider_ownership, place_provider or "") or "",
            rules.is_unregulated(category, provider_regulated), bool(desired_not_met_market), provider_id,
            place_code or "")


def rows_with_facts(rows: list[tuple], births: dict[int, date], carried_facts: dict[int, tuple]) -> list[tuple]:
    """Segment rows (child, placement, start, end, legal status, before records) with their facts added
    (``FIELDS``' order). Rule T's events are worked out from each child's segments among ``rows`` (all of them)
    by ``events.care_events``, the one definition."""
    by_child: dict[int, list[tuple]] = {}
    for row in rows:
        by_child.setdefault(row[0], []).append(row)
    flags: dict[tuple[int, date], list[bool]] = {}  # (child, segment's start): start, move, cease
    for child_id, theirs in by_child.items():
        segments = [Segment(row[1], row[2], row[3], row[4], row[5]) for row in theirs]
        temporary = {row[1] for row in theirs if events.is_temporary(carried_facts[row[1]][-1])}
        ending = {segment.end: segment.start for segment in segments if segment.end is not None}
        for event in events.care_events(child_id, segments, temporary, date.min, date.max):
            if event.kind == events.CEASE:
                flags.setdefault((child_id, ending[event.day]), [False, False, False])[2] = True
            else:
                flags.setdefault((child_id, event.day), [False, False, False])[event.kind == events.MOVE] = True
    none = (False, False, False)
    return [(*row, births[row[0]], *carried_facts[row[1]], *flags.get((row[0], row[2]), none)) for row in rows]


def of_placements(Placement, *, child_ids: Iterable[int] | None = None,
                  placement_ids: Iterable[int] | None = None) -> dict[int, tuple]:
    """The carried facts of these children's placements (or of these placements), by placement: one query.
    ``Placement`` is the model (a migration's, when a migration calls this)."""
    found = Placement.objects.all()
    if child_ids is not None:
        found = found.filter(child_id__in=list(child_ids))
    if placement_ids is not None:
        found = found.filter(pk__in=list(placement_ids))
    return {pk: carried(*values) for pk, *values in found.order_by().values_list(*_READ)}


def carries_facts(CareSegment) -> bool:
    """False in a migration that runs before the segments carried all of today's facts (the migration that adds
    one fills it)."""
    names = {field.attname for field in CareSegment._meta.get_fields() if hasattr(field, "attname")}
    return all(name in names for name in FIELDS)
