"""Reads for the trackers: each figure in a fixed number of queries, whatever the rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (Case, Count, DateField, Exists, F, Func, IntegerField, OuterRef, Prefetch, Q, QuerySet,
                              Subquery, Value, When)
from django.db.models.functions import Cast

from placements import freshness, selectors
from placements.among import Among
from placements.planner import hashed
from placements import rules as placement_rules
from placements.care import daily
from placements.choices import CameFrom, CostKind, PlacementCategory
from placements.models import CareSegment, Child, CostLine, DeprivationOfLiberty, Placement
from tracker import rules
from tracker.rules import CEASE, MOVE, START, Event


@dataclass(frozen=True)
class WeekFigures:
    """The weekly tracker's headline figures (rule T)."""

    week_ending: date
    looked_after: int
    in_paid_placements: int
    starts: int
    ceases: int
    moves: int
    weekly_spend: Decimal  # rule C2 over Monday to Sunday, exact
    #: The placements the children looked after on the Sunday are in (``open_placements(week_ending)``'s
    #: count); None in figures remembered before it was kept.
    placements: int | None = None

    def as_json(self) -> dict:
        return {
            "week_ending": self.week_ending.isoformat(),
            "looked_after": self.looked_after,
            "in_paid_placements": self.in_paid_placements,
            "starts": self.starts,
            "ceases": self.ceases,
            "moves": self.moves,
            "weekly_spend": f"{placement_rules.money_round(self.weekly_spend):.2f}",
        }


def care_events_between(first: date, last: date) -> list[Event]:
    """Every start, cease and move from ``first`` to ``last`` (inclusive), rule T as the segments carry it
    (``placements.care.facts``, by ``placements.care.events``' definition): the segments beginning in the period
    with a start or a move and those ending in it with a cease, an indexed read of each, and for the moves the
    segments they came from. In (day, kind) order for each child, as ``events.care_events`` gives them."""
    rows = (CareSegment.objects.filter((Q(start__range=(first, last)) & (Q(begins_with_start=True)
                                                                         | Q(begins_with_move=True)))
                                       | (Q(end__range=(first, last)) & Q(ends_with_cease=True)))
            .order_by().values_list("child_id", "placement_id", "start", "end", "begins_with_start",
                                    "begins_with_move", "ends_with_cease"))
    events = []
    moves = []
    for child_id, placement_id, start, end, begins_with_start, begins_with_move, ends_with_cease in rows:
        if first <= start <= last:
            if begins_with_start:
                events.append(Event(START, start, child_id, placement_id))
            elif begins_with_move:
                moves.append((child_id, start, placement_id))
        if ends_with_cease and end is not None and first <= end <= last:
            events.append(Event(CEASE, end, child_id, placement_id))
    if moves:  # the placement each move left: the child's segment ending that day
        left = dict(((child_id, end), placement_id) for child_id, end, placement_id in CareSegment.objects.filter(
            Among("child_id", {child_id for child_id, _day, _placement in moves}),
            end__range=(first, last)).order_by().values_list("child_id", "end", "placement_id"))
        events.extend(Event(MOVE, day, child_id, placement_id, left[(child_id, day)])
                      for child_id, day, placement_id in moves)
    return sorted(events, key=lambda event: (event.child_id, event.day, event.kind))


#: What the weekly tracker reads of the daily figures (``placements.care.daily``) on each Sunday, by team: the
#: looked-after children, those in paid placements and their weekly cost (rule C1), and rule T's events, counted
#: up to the day (a week's are the Sunday's count less the Sunday before's).
WEEK_MEASURES = ("looked_after", "paid", "cost", "starts", "ceases", "moves")
_EVENT_MEASURES = {START: "starts", CEASE: "ceases", MOVE: "moves"}


def week_levels(week_endings: Sequence[date]) -> dict[date, dict[tuple, dict]]:
    """The daily figures of ``WEEK_MEASURES`` by team on each Sunday and the Sunday before it: one query."""
    days = {day for sunday in week_endings for day in (sunday - timedelta(days=7), sunday)}
    return daily.levels(sorted(days), WEEK_MEASURES, by=("team",))


def _week_totals(week_ending: date, levels: dict[date, dict[tuple, dict]]) -> dict[str, int]:
    """The week's figures summed over the teams: the Sunday's levels, and the week's events."""
    now, before = levels[week_ending], levels[week_ending - timedelta(days=7)]
    totals = {name: sum(values.get(name, 0) for values in now.values()) for name in WEEK_MEASURES}
    for name in _EVENT_MEASURES.values():
        totals[name] -= sum(values.get(name, 0) for values in before.values())
    return totals


def week_figures(week_ending: date, levels: dict[date, dict[tuple, dict]] | None = None) -> WeekFigures:
    """The weekly tracker's headline figures: looked after and in paid placements on the Sunday and the week's
    starts, ceases and moves from the daily figures (rule T as the segments carry it, counted child by child
    as they change: ``placements.care.child_measures``), the spend over the week's seven days (rule C2)."""
    if levels is None:
        levels = week_levels([week_ending])
    totals = _week_totals(week_ending, levels)
    return WeekFigures(
        week_ending=week_ending,
        looked_after=totals["looked_after"],
        in_paid_placements=totals["paid"],
        starts=totals["starts"],
        ceases=totals["ceases"],
        moves=totals["moves"],
        weekly_spend=selectors.spend_between(week_ending - timedelta(days=6), week_ending),
        placements=totals["looked_after"],  # each child looked after is in one placement (placements.care)
    )


#: The open placements' order: by name (``child_name_idx``), the placement's id breaking ties. Their pages in
#: this order are found by key (``placements.keyset``).
OPEN_PLACEMENTS_KEY = ("child__family_name", "child__given_name", "pk")


def open_placements(on: date) -> QuerySet[Placement]:
    """Every placement that makes a child looked after on ``on``, with what the tracker shows."""
    return (
        selectors.looked_after_placements(on)
        .select_related("child", "provider")
        .annotate(weekly_cost=selectors.weekly_cost_subquery(on), ownership=selectors.placement_ownership())
        .order_by(*OPEN_PLACEMENTS_KEY)
    )


@dataclass(frozen=True)
class EventPlacement:
    """What an event's table shows of a placement and its child: plain values, so a week's 2,000 events of a
    region are kept in the cache and read back quickly (model instances took seconds to pickle)."""

    pk: int
    child_id: int
    case_ref: str
    full_name: str
    team: str
    category: str
    provider_name: str | None
    start: date
    end: date | None
    reason_ended: str  # the label, or "" when not recorded
    came_from: str  # the label, or ""

    @property
    def child_url(self) -> str:
        from django.urls import reverse

        return reverse("child_detail", args=[self.child_id])


@dataclass
class EventRow:
    """A start, cease or move with the records a table shows: the weekly cost (rule C1) on the day the child
    began in the placement, or for a cease on their last day in it, and the reason (where a child came from
    for a start, why the placement left ended for a move, why the placement ended for a cease)."""

    event: Event
    placement: EventPlacement
    previous: EventPlacement | None = None
    weekly_cost: Decimal = Decimal("0")

    @property
    def reason(self) -> str:
        if self.event.kind == CEASE:
            if self.placement.end != self.event.day:  # care ended (a birthday, a legal status) but not the placement
                return "Left care; the placement continues"
            return self.placement.reason_ended or "Not recorded"
        if self.event.kind == MOVE:
            left = self.previous
            if left is not None and left.reason_ended:
                return f"Previous placement: {left.reason_ended.lower()}"
            return "Not recorded"
        return f"Came from: {self.placement.came_from}" if self.placement.came_from else "Not recorded"


#: What an event's table shows of its placement and child (``EventPlacement``), as read with the placement.
_PLACEMENT_VALUES = ("child__case_ref", "child__given_name", "child__family_name", "child__team", "category",
                     "provider__name", "start", "end", "reason_ended", "came_from")


def _event_placement(pk: int, child_id: int, case_ref: str, given_name: str, family_name: str, team: str,
                     category: str, provider_name: str | None, start: date, end: date | None, reason_ended: str,
                     came_from: str) -> EventPlacement:
    from placements.choices import ReasonEnded

    return EventPlacement(pk, child_id, case_ref, Child.name_of(given_name, family_name, case_ref), team, category,
                          provider_name, start, end, ReasonEnded(reason_ended).label if reason_ended else "",
                          CameFrom(came_from).label if came_from else "")


def event_placements(ids) -> dict[int, EventPlacement]:
    """The placements of events, as plain values (one query for up to 900)."""
    placements = {}
    ids = sorted(set(ids))
    for index in range(0, len(ids), 900):
        for pk, child_id, *values in Placement.objects.filter(pk__in=ids[index:index + 900]).values_list(
                "pk", "child_id", *_PLACEMENT_VALUES):
            placements[pk] = _event_placement(pk, child_id, *values)
    return placements


def event_segments(kind: str, first: date, last: date) -> QuerySet:
    """The ``kind`` events from ``first`` to ``last`` (inclusive), from the segments that carry them, as
    ``care_events_between`` reads them, in the tables' order (the day, then the child: a child has one event of
    a kind a day): a slice of them is a page of the table. Each as plain values read with the segment: the
    child, the day, the placement and what the tables show of it (``_PLACEMENT_VALUES``), its weekly cost on
    the day the child began in it, or for a cease on their last day in it (rule C1, as
    ``placements.selectors.weekly_cost_subquery`` sums it in the database; nothing where the placement does not
    cover the day), and for a move the placement left (the child's segment ending the day the next begins)."""
    if kind == CEASE:
        segments = CareSegment.objects.filter(end__range=(first, last), ends_with_cease=True).annotate(
            day=F("end"), cost_day=Cast(F("end") - timedelta(days=1), DateField()))
    else:
        segments = CareSegment.objects.filter(start__range=(first, last)).annotate(day=F("start"), cost_day=F("start"))
        if kind == START:
            segments = segments.filter(begins_with_start=True)
        else:
            segments = segments.filter(begins_with_move=True, begins_with_start=False)
    left = (CareSegment.objects.filter(child_id=OuterRef("child_id"), end=OuterRef("start")).order_by()
            .values("placement_id")[:1])
    covered = Q(placement__start__lte=F("cost_day")) & (Q(placement__end__isnull=True)
                                                         | Q(placement__end__gt=F("cost_day")))
    return segments.annotate(
        weekly_cost=Case(When(covered, then=selectors.weekly_cost_subquery(OuterRef("cost_day"), "placement_id")),
                         default=selectors.ZERO_MONEY),
        left=Subquery(left, output_field=IntegerField()) if kind == MOVE else Value(None, IntegerField()),
    ).order_by("day", "child_id").values_list(
        "day", "left", "weekly_cost", "placement_id", "child_id", *(f"placement__{name}" for name in _PLACEMENT_VALUES))


def week_event_rows(kind: str, week_ending: date, offset: int = 0, limit: int | None = None) -> list[EventRow]:
    """The week's ``kind`` events as rows, from the ``offset``-th (in the tables' order), ``limit`` of them (None:
    to the end): a page of a table reads its own rows, whatever the week holds, in one query (and the
    placements the moves left, in one more)."""
    segments = event_segments(kind, week_ending - timedelta(days=6), week_ending)
    segments = list(segments[offset:] if limit is None else segments[offset:offset + limit])
    left = event_placements(row[1] for row in segments if row[1]) if kind == MOVE else {}
    return [EventRow(Event(kind, day, placement[1], placement[0], previous), _event_placement(*placement),
                     left.get(previous) if previous else None, weekly_cost)
            for day, previous, weekly_cost, *placement in segments]


class WeekEvents(Sequence):
    """A week's starts, ceases or moves as ``EventRow``s, read from the database a slice at a time: a page of
    100 reads its 100 (with their placements and cost lines), not the week's thousands; ``count``, how many
    there are, is the week's figure. Iterated, every row (a download)."""

    def __init__(self, kind: str, week_ending: date, count: int):
        self.kind, self.week_ending, self.count = kind, week_ending, count

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, step = key.indices(self.count)
            if step != 1:
                return list(self)[key]
            return week_event_rows(self.kind, self.week_ending, start, stop - start) if stop > start else []
        index = key + self.count if key < 0 else key
        if not 0 <= index < self.count:
            raise IndexError(key)
        return self[index:index + 1][0]

    def __iter__(self):
        return iter(week_event_rows(self.kind, self.week_ending))


@dataclass
class TeamRow:
    team: str
    looked_after: int = 0
    starts: int = 0
    ceases: int = 0
    moves: int = 0
    weekly_cost: Decimal = Decimal("0")


def team_breakdown(week_ending: date, levels: dict[date, dict[tuple, dict]] | None = None) -> list[TeamRow]:
    """Looked after and their weekly cost (rule C1) on the Sunday, and the week's starts, ceases and moves, by
    originating social work team: the daily figures by team (``week_levels``, one query)."""
    if levels is None:
        levels = week_levels([week_ending])
    teams: dict[str, TeamRow] = {}

    def team_row(name: str) -> TeamRow:
        name = name or "Not recorded"
        return teams.setdefault(name, TeamRow(team=name))

    before = levels[week_ending - timedelta(days=7)]
    for (team,), figures in levels[week_ending].items():
        counted = {attribute: figures.get(attribute, 0) - before.get((team,), {}).get(attribute, 0)
                   for attribute in _EVENT_MEASURES.values()}
        looked_after = figures.get("looked_after", 0)
        if not looked_after and not any(counted.values()):
            continue
        row = team_row(team)
        if looked_after:
            row.looked_after += looked_after
            row.weekly_cost += placement_rules.money_of_pence(figures.get("cost"))
        for attribute, number in counted.items():
            setattr(row, attribute, getattr(row, attribute) + number)
    return sorted(teams.values(), key=lambda row: row.team)


@dataclass
class WeeklyTracker:
    week_ending: date
    figures: WeekFigures
    previous: WeekFigures
    rows: dict[str, Sequence[EventRow]]  # ``WeekEvents``: read a slice (a page) at a time
    teams: list[TeamRow]

    def changes(self) -> list[tuple[str, object, object, object]]:
        """(label, this week, last week, change) for each headline figure."""
        labels = [
            ("Looked after", "looked_after"),
            ("In paid placements", "in_paid_placements"),
            ("Starts", "starts"),
            ("Ceases", "ceases"),
            ("Moves", "moves"),
            ("Weekly spend", "weekly_spend"),
        ]
        return [
            (label, getattr(self.figures, name), getattr(self.previous, name),
             getattr(self.figures, name) - getattr(self.previous, name))
            for label, name in labels
        ]


def weekly_tracker(week_ending: date) -> WeeklyTracker:
    """The week's figures, last week's and the teams' from the daily figures (one query for the three Sundays,
    and the two weeks' spend); the events' rows read as a table asks for them (``WeekEvents``)."""
    previous_week = week_ending - timedelta(days=7)
    levels = week_levels([week_ending, previous_week])
    figures = week_figures(week_ending, levels)
    return WeeklyTracker(
        week_ending=week_ending,
        figures=figures,
        previous=week_figures(previous_week, levels),
        rows={kind: WeekEvents(kind, week_ending, getattr(figures, attribute))
              for kind, attribute in _EVENT_MEASURES.items()},
        teams=team_breakdown(week_ending, levels),
    )


# --- Weekly unregulated report ------------------------------------------------------


UNDER_16 = "Under 16"
DOL_16_17 = "16 or 17 and subject to a DoL order"


def unregulated_keys(on: date) -> list[int]:
    """The keys of the looked-after children's placements in unregulated provision on ``on``: one query.

    A few hundred of a region's 100,000 looked after: the segments covering the day of placements in
    unregulated provision (what they carry: category ``unregulated`` or a provider recorded as not regulated,
    ``placements.rules.is_unregulated``), read from their own small index (``segment_unregulated_idx``), so that
    the report's table sorts those few instead of walking every child by date of birth until it has a page."""
    return list(selectors.care_segments_on(on).filter(placement_unregulated=True)
                .order_by("placement_id").values_list("placement_id", flat=True))


def unregulated_placements(on: date, keys: Sequence[int] | None = None) -> QuerySet[Placement]:
    """Looked-after children in unregulated provision on ``on``, with their DoL status that day.

    ``keys``: ``unregulated_keys(on)`` if already known (remembered with the report's counts)."""
    dol = DeprivationOfLiberty.objects.filter(child=OuterRef("child_id")).filter(selectors.dol_in_force(on))
    return (
        Placement.objects.filter(pk__in=unregulated_keys(on) if keys is None else list(keys))
        .select_related("child", "provider")
        .annotate(weekly_cost=selectors.weekly_cost_subquery(on), subject_to_dol=Exists(dol))
        .order_by("child__date_of_birth", "pk")
    )


@dataclass(frozen=True)
class UnregulatedCounts:
    total: int
    under_16: int
    dol_16_17: int
    keys: tuple[int, ...] | None = None  # the placements counted (``unregulated_keys``), for the report's table


def unregulated_counts(on: date) -> UnregulatedCounts:
    """How many are in unregulated provision on ``on``, and in each watched group (``unregulated_flag``),
    counted in one query rather than row by row."""
    under_16 = Q(child__date_of_birth__gt=placement_rules.born_on_or_before_to_be(16, on))
    # Looked after means under 18, so 16 or over is 16 or 17.
    keys = unregulated_keys(on)
    counts = unregulated_placements(on, keys).order_by().aggregate(
        total=Count("pk"),
        under_16=Count("pk", filter=under_16),
        dol_16_17=Count("pk", filter=~under_16 & Q(subject_to_dol=True)),
    )
    return UnregulatedCounts(**counts, keys=tuple(keys))


def unregulated_changes(week_ending: date) -> list[tuple[str, int, int, int]]:
    """(label, this week, last week, change) for the unregulated report's three counts, week on week."""
    now = freshness.remembered("unregulated counts", unregulated_counts, week_ending)
    before = freshness.remembered("unregulated counts", unregulated_counts, week_ending - timedelta(days=7))
    return [(label, getattr(now, name), getattr(before, name), getattr(now, name) - getattr(before, name))
            for label, name in (("In unregulated provision", "total"), (UNDER_16, "under_16"),
                                ("16 or 17 with a DoL order", "dol_16_17"))]


def unregulated_flag(placement: Placement, on: date) -> str:
    """The group the paper watches (paragraph 83), or '' for a child in neither."""
    age = placement.child.age_on(on)
    if age < 16:
        return UNDER_16
    if age in (16, 17) and placement.subject_to_dol:
        return DOL_16_17
    return ""


# --- Monthly residential tracker -----------------------------------------------------


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    return first, placement_rules.add_months(first, 1) - timedelta(days=1)


def residential_placements(on: date) -> QuerySet[Placement]:
    """Every looked-after child in residential on ``on``, with the additional cost lines in force, oldest first.

    Found and ordered by the care segment covering the day (one a placement: a child's segments never overlap)
    and what it carries (the placement's category, the child's date of birth): a page of them is a walk of
    ``segment_residential_born_idx`` from the 17-year-olds, stopping at the page, with no join to a region's
    children. Under 18 is true of every looked-after child already (a care segment ends by the 18th birthday),
    so it changes no list; stated, it is where the walk begins (without it, at the oldest child ever recorded)."""
    additional = CostLine.objects.filter(selectors.in_force(on), kind=CostKind.ADDITIONAL).order_by("pk")
    return (
        Placement.objects.filter(
            selectors.covering(on, "care_segments__"), care_segments__placement_category=PlacementCategory.RESIDENTIAL,
            care_segments__child_date_of_birth__gt=placement_rules.born_on_or_before_to_be(18, on))
        .select_related("child", "provider")
        .annotate(weekly_cost=selectors.weekly_cost_subquery(on))
        .prefetch_related(Prefetch("cost_lines", queryset=additional, to_attr="additional_lines"))
        .order_by("care_segments__child_date_of_birth", "pk")
    )


#: The paper's groups for where a child came from (paragraphs 39-44): secure counts with residential.
ORIGIN_GROUPS = {
    CameFrom.HOME: "Home",
    CameFrom.FOSTERING: "Fostering",
    CameFrom.RESIDENTIAL: "Residential (including secure)",
    CameFrom.SECURE: "Residential (including secure)",
    CameFrom.HOSPITAL: "Hospital",
    CameFrom.CRISIS: "Crisis",
    CameFrom.SUPPORTED_BOARD_AND_LODGINGS: "Supported board and lodgings",
    CameFrom.SUPPORTED_ACCOMMODATION: "Other",
    CameFrom.OTHER: "Other",
    CameFrom.NOT_KNOWN: "Not known (before the records)",
}
ORIGIN_ORDER = list(dict.fromkeys(ORIGIN_GROUPS.values()))


@dataclass
class NewResidential:
    """New residential placements in a period, by age band at the start and by origin."""

    label: str
    start: date
    end: date
    total: int = 0
    by_band: dict[str, int] = field(default_factory=lambda: {band: 0 for band in rules.RESIDENTIAL_AGE_BANDS})
    by_origin: dict[str, int] = field(default_factory=lambda: {origin: 0 for origin in ORIGIN_ORDER})

    def share(self, count: int) -> Decimal | None:
        return placement_rules.share(count, self.total)

    @property
    def from_care(self) -> int:
        return self.total - self.by_origin["Home"]

    def summary(self) -> str:
        """In the paper's words: '2022/23: 82 placed; 30% (25) came from home'."""
        if not self.total:
            return f"{self.label}: none placed"
        home = self.by_origin["Home"]
        return f"{self.label}: {self.total} placed; {self.share(home):.0f}% ({home}) came from home"


def moves_by_child(first: date, last: date, at_least: int = 1) -> dict[int, int]:
    """Rule T's moves from ``first`` to ``last`` (inclusive) by child, of the children with ``at_least`` of them:
    the segments beginning in the period with a move (``placements.care.facts`` carries it, by
    ``placements.care.events``' definition). One grouped read of the period's segments."""
    return dict(_moves(first, last, at_least))


def movers(first: date, last: date, at_least: int = 1, most: int | None = None
           ) -> tuple[int, list[tuple[int, str, str, str, int]]]:
    """``moves_by_child``'s children: how many there are, and the ``most`` with the most moves (all, without it)
    with their names: (pk, given name, family name, case reference, moves), most moves first, then as children
    are listed (family name, given name, case reference). Counted in one statement; only the children who can
    be among those shown (as many moves as the last one shown, or more) are named, in one more: a region has
    about 5,000 children with 2 or more moves in a year, and the dashboard shows 100."""
    from placements.among import Among
    from placements.models import Child

    moves = dict(_moves(first, last, at_least))
    named = moves
    if most is not None and len(moves) > most:
        fewest_shown = sorted(moves.values(), reverse=True)[most - 1]
        named = {pk: number for pk, number in moves.items() if number >= fewest_shown}
    names = Child.objects.filter(Among("pk", named)).values_list("pk", "given_name", "family_name", "case_ref")
    rows = sorted(((pk, given, family, case_ref, moves[pk]) for pk, given, family, case_ref in names),
                  key=lambda row: (-row[4], row[2], row[1], row[3]))
    return len(moves), rows[:most] if most is not None else rows


def _moves(first: date, last: date, at_least: int):
    from django.db.models import Count

    # COUNT(*), not of the key: the partial index of moves (start, child) answers it alone.
    rows = (CareSegment.objects.filter(begins_with_move=True, start__range=(first, last)).order_by()
            .values_list("child_id").annotate(moves=Count("*")))
    return rows.filter(moves__gte=at_least) if at_least > 1 else rows


def new_placements(first: date, last: date) -> QuerySet[Placement]:
    """Placements that began from ``first`` to ``last`` (inclusive) with the child looked after in them that day:
    short breaks, over-18s and records overlapped by a later start left out (``placements.care``), and so are
    placements already running when the records begin. The placements of ``beginning_segments``."""
    # The segment's start in the period as well (true of any that begins with the placement): PostgreSQL then
    # hashes only the period's segments, not every segment ever (at 100,000, 450 ms to 290 ms for 3.7 years).
    in_care_that_day = CareSegment.objects.filter(placement=OuterRef("pk"), start=OuterRef("start"),
                                                  start__range=(first, last))
    return Placement.objects.filter(start__range=(first, last), began_before_records=False).filter(
        Exists(in_care_that_day))


def beginning_segments(first: date, last: date) -> QuerySet[CareSegment]:
    """The care segment each of ``new_placements(first, last)`` begins with, one a placement: a segment that
    begins on its placement's first day (what it carries, ``placements.care.facts``), of a placement not
    already running when the records begin. A child's segments never share a first day, so a placement has
    at most one. The segments carry the child's date of birth and the placement's category, so a count by age
    and category needs no join to children (the residential ones: ``segment_begins_residential_idx``)."""
    return CareSegment.objects.filter(start__range=(first, last), start=F("placement_start"),
                                      placement__began_before_records=False)


class CompletedYears(Func):
    """Rule A1 in SQL: completed years on ``on`` of someone born on ``born`` (``placement_rules.age_on``): the
    years between them, less one until the month and day of birth come round. A birthday on 29 February comes
    round on 1 March of a common year, as the rule has it (no date of that year falls between the two).
    PostgreSQL's ``age`` counts years so (and is the quickest: 18 ms over 38,000 segments, against 64 to 84 ms
    for the same by ``date_part`` or ``to_char``); SQLite's dates are text, read as the number YYYYMMDD."""

    arity = 2
    output_field = IntegerField()
    # Timestamps without a time zone: with one, a day's length would follow the session's clock changes.
    template = "CAST(date_part('year', age(CAST(%(expressions)s AS timestamp))) AS integer)"
    arg_joiner = " AS timestamp), CAST("

    def __init__(self, on, born, **extra):
        super().__init__(on, born, **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="((CAST(replace(%(expressions)s, '-', '') AS integer)) "
                              "/ 10000)", arg_joiner=", '-', '') AS integer) - CAST(replace(", **extra_context)



def new_residential(periods: list[tuple[str, date, date]]) -> list[NewResidential]:
    """Count new residential placements (short breaks left out) in each period, in one query.

    Counted by the database in the pieces the periods' first and last days cut the days into (a piece lies
    wholly inside or outside each period), by the child's age on the first day and where they came from: a
    few hundred counts rather than a region's 38,000 placements of four years."""
    results = [NewResidential(label, start, end) for label, start, end in periods]
    earliest = min(start for _, start, _ in periods)
    latest = max(end for _, _, end in periods)
    cuts = sorted({start for _, start, _ in periods} | {end + timedelta(days=1) for _, _, end in periods})
    pieces = list(zip(cuts, cuts[1:]))  # [from, to): every day from earliest to latest is in one
    piece = Case(*[When(start__lt=upto, then=Value(index)) for index, (_, upto) in enumerate(pieces)],
                 default=Value(len(pieces) - 1), output_field=IntegerField())
    counts = (
        beginning_segments(earliest, latest).filter(placement_category=PlacementCategory.RESIDENTIAL)
        # What the segment carries, said of the placement as well: the database then reads the placements from
        # their index of new residential placements by start (placement_new_residential_idx), not one by one.
        .filter(placement__category=PlacementCategory.RESIDENTIAL, placement__start__range=(earliest, latest))
        .annotate(piece=piece, age=CompletedYears("start", "child_date_of_birth"), origin=F("placement__came_from"))
        .order_by().values_list("piece", "age", "origin").annotate(placements=Count("*"))
    )
    with hashed():
        counts = list(counts)
    for index, age, came_from, number in counts:
        band = rules.residential_age_band(age)
        origin = ORIGIN_GROUPS.get(came_from, "Other")
        first, upto = pieces[index]
        for result in results:
            if result.start <= first and upto <= result.end + timedelta(days=1):
                result.total += number
                result.by_band[band] += number
                result.by_origin[origin] += number
    return results


@dataclass(frozen=True)
class ResidentialCosts:
    """The weekly cost (rule C1) of every child in residential on a day: in total, and on average over the
    placements with a cost recorded (a placement with no cost line is not averaged in as £0)."""

    placements: int
    with_cost: int
    total_weekly: Decimal

    @property
    def average_weekly(self) -> Decimal | None:
        return self.total_weekly / self.with_cost if self.with_cost else None

    @property
    def without_cost(self) -> int:
        return self.placements - self.with_cost


def residential_costs(on: date) -> ResidentialCosts:
    """``ResidentialCosts`` on ``on``: the children looked after in residential, those in paid placements and
    their placements' weekly cost (rule C1), from the daily figures (``placements.care.daily``), one query."""
    figures = daily.totals_on(on, by=("category",)).get((PlacementCategory.RESIDENTIAL,), daily.DayFigures())
    return ResidentialCosts(figures.looked_after, figures.paid, figures.cost)


@dataclass
class ResidentialTracker:
    month_start: date
    month_end: date
    as_at: date
    placements: QuerySet[Placement]
    periods: list[NewResidential]  # the month, this year to date, then earlier financial years
    costs: ResidentialCosts | None = None


def residential_tracker(year: int, month: int, today: date, previous_years: int = 3) -> ResidentialTracker:
    month_start, month_end = month_bounds(year, month)
    as_at = min(month_end, today) if month_start <= today else month_end
    fy_start, _ = placement_rules.financial_year(month_start)
    periods = [
        (f"{month_start:%B %Y}", month_start, as_at),
        (f"{placement_rules.financial_year_label(fy_start.year)} to {as_at:%-d %B}", fy_start, as_at),
    ]
    for back in range(1, previous_years + 1):
        start_year = fy_start.year - back
        periods.append((placement_rules.financial_year_label(start_year), date(start_year, 4, 1),
                        date(start_year + 1, 3, 31)))
    return ResidentialTracker(
        month_start=month_start, month_end=month_end, as_at=as_at,
        placements=residential_placements(as_at),
        # Counted over years of placements: kept until the data changes. The placements stay a query,
        # read a page at a time by the table.
        periods=freshness.remembered("new residential", new_residential, periods),
        costs=freshness.remembered("residential costs", residential_costs, as_at),
    )
