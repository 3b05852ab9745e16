"""Figures by day, kept as the data changes: on any day, how many children are looked after, how many of them
are in paid placements, what their placements cost a week (rule C1), and what every placement covering the
day costs a week (C1 for all placements, the daily rate of C2 spend), by originating team, placement category
and ownership. A page reads a few thousand summed rows, whatever the size of the authority.

**How.** Each child's figures are a step function of the day, so they are stored as the days they change
(``changes_of``): looked after +1 on the first day of a care segment and -1 the day it ends; paid and the
cost of the looked-after placement where a cost line begins or ends inside a segment; the cost of every
placement covering the day (looked after or not: short breaks and over-18s staying put are paid for too)
from each line's first to last day charged (rule C2). A day's figures are the sum of every change up to it.

- ``ChildDayChanges`` holds each child's changes as they were last counted (one row a child).
- ``DayChange`` holds the changes of all children summed, **appended, never updated**: when a child's
  records change, ``refresh`` (called by ``placements.care.store`` in the same transaction as the segments'
  rebuild) works out their changes again and appends the difference from what was counted. No row is shared
  by two writers, so a long import does not hold up an officer's save and two saves cannot deadlock.
- ``compact`` replaces the rows with their sums by day, team, category and ownership, taking only rows no
  other transaction holds (PostgreSQL's ``SKIP LOCKED``); readers call it when many rows were appended.

``rebuild_all`` works everything out from scratch; a test compares it with the maintained rows after a random
sequence of writes. ``placements.selectors.day_counts`` and ``spend_between`` and the weekly tracker read
these figures.
"""

from __future__ import annotations

import bisect
import json
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from placements import bulk_insert, planner, rules
from placements.choices import CostKind
from placements.care import child_measures
from placements.care.models import APPENDED, CHANGES, OPENING

#: Appended rows a reader lets pass before it compacts.
COMPACT_AT = 50_000
#: The summed columns, in the order ``changes_of`` gives them: the four here, then the dashboard's
#: (``placements.care.child_measures``).
MEASURES = ("looked_after", "paid", "cost", "charged", *child_measures.NAMES)
_INDEX = {name: index for index, name in enumerate(MEASURES)}
#: The measures ``figures_on`` reads (``DayFigures``); ``series`` reads any.
FIGURES = MEASURES[:4]
DIMENSIONS = ("team", "category", "ownership")

Key = tuple[date, str, str, str]  # day, team, category, ownership
Changes = dict[int, int]  # a key's changes: position in MEASURES -> amount, the measures that change only


@dataclass(frozen=True)
class Line:
    """A cost line, as the figures need it: weekly amount in pence, both dates inclusive (no 'to': open), and
    whether it is the core fee."""

    pence: int
    date_from: date
    date_to: date | None
    core: bool = False

    def in_force(self, on: date) -> bool:
        return self.date_from <= on and (self.date_to is None or on <= self.date_to)


@dataclass(frozen=True)
class PlacementCosts:
    start: date
    end: date | None
    category: str
    ownership: str  # "" when neither internal nor external
    lines: tuple[Line, ...]
    place_code: str = ""
    route: str = ""
    began_before_records: bool = False
    planned_end: date | None = None


def pence(amount) -> int:
    return int((Decimal(amount) * 100).to_integral_value())


def changes_of(team: str, segments: Iterable[tuple[int, date, date | None, bool]],
               placements: dict[int, PlacementCosts], date_of_birth: date | None = None) -> dict[Key, Changes]:
    """One child's changes: for each (day, team, category, ownership) the change that day in looked after, paid,
    cost of the looked-after placement (pence a week), cost of every placement covering the day (pence a
    week), and the dashboard's measures (``child_measures``), each as {position in ``MEASURES``: amount}, the
    measures that do not change that day left out (most of them: a sparse row). ``segments`` are the child's
    care segments as (placement, start, end, before_records); ``placements`` every placement of the child."""
    segments = list(segments)
    changes: dict[Key, Changes] = {}

    def add(day: date | None, placement: PlacementCosts, measure: int, amount: int) -> None:
        if day is not None and amount:
            key = (day, team, placement.category, placement.ownership)
            values = changes.get(key)
            if values is None:
                changes[key] = {measure: amount}
            else:
                values[measure] = values.get(measure, 0) + amount

    for placement_id, start, end, _before_records in segments:
        placement = placements[placement_id]
        add(start, placement, 0, 1)
        add(end, placement, 0, -1)
        if not placement.lines:  # no cost: nothing paid (an import's new placements)
            continue
        # Inside the segment the weekly cost changes only where a line begins or ends: judge each piece once.
        days = {start}
        for line in placement.lines:
            for day in (line.date_from, line.date_to + timedelta(days=1) if line.date_to else None):
                if day is not None and start < day and (end is None or day < end):
                    days.add(day)
        ordered = sorted(days)
        for index, piece_start in enumerate(ordered):
            piece_end = ordered[index + 1] if index + 1 < len(ordered) else end
            weekly = sum(line.pence for line in placement.lines if line.in_force(piece_start))
            if weekly:
                add(piece_start, placement, 1, 1)
                add(piece_end, placement, 1, -1)
                add(piece_start, placement, 2, weekly)
                add(piece_end, placement, 2, -weekly)
    for placement in placements.values():
        for line in placement.lines:  # rule C2's days charged: in force, and the placement covers the day
            first, last = rules.charged_from_to(placement_start=placement.start, placement_end=placement.end,
                                                date_from=line.date_from, date_to=line.date_to)
            if last is not None and first > last:
                continue
            add(first, placement, 3, line.pence)
            add(last + timedelta(days=1) if last is not None else None, placement, 3, -line.pence)
    rows = [child_measures.SegmentRow(*segment) for segment in segments]
    # The dashboard's measures, most of a child's changes: ``add`` written out, each placement's key once.
    groups = {pk: (team, placement.category, placement.ownership) for pk, placement in placements.items()}
    index_of = _INDEX
    for day, placement_id, measure, amount in child_measures.changes(date_of_birth, rows, placements):
        if day is not None and amount:
            key = (day, *groups[placement_id])
            values = changes.get(key)
            measure = index_of[measure]
            if values is None:
                changes[key] = {measure: amount}
            else:
                values[measure] = values.get(measure, 0) + amount
    return _without_nothing(changes)


def _without_nothing(changes: dict[Key, Changes]) -> dict[Key, Changes]:
    """The changes with the measures that came to nothing left out, and the keys with nothing left."""
    kept = {}
    for key, values in changes.items():
        if 0 in values.values():
            values = {index: value for index, value in values.items() if value}
        if values:
            kept[key] = values
    return kept


# --- Keeping them -------------------------------------------------------------------------------


def _models(apps=None):
    if apps is None:
        from django.apps import apps
    return {name: apps.get_model("placements", name)
            for name in ("Child", "Placement", "CostLine", "CareSegment", "DayChange", "ChildDayChanges")}


def counted_here(apps=None) -> bool:
    """Whether the figures are kept in this state of the models: false in a migration that runs before their
    tables hold every measure counted today (the migration that adds a measure counts everyone again)."""
    if apps is None:
        from django.apps import apps
    try:
        DayChange = apps.get_model("placements", "DayChange")
    except LookupError:
        return False
    names = {field.attname for field in DayChange._meta.get_fields() if hasattr(field, "attname")}
    return all(name in names for name in MEASURES)


def refresh(child_ids: Sequence[int], *, apps=None) -> None:
    """Count these children's figures again (their segments already rebuilt) and append the difference from
    what was counted before. A child who no longer exists takes their changes away."""
    if not child_ids or not counted_here(apps):
        return
    m = _models(apps)
    with transaction.atomic(using=m["DayChange"].objects.db):
        _refresh(list(child_ids), m)


def _refresh(ids: list[int], m: dict) -> None:
    children = {pk: (team, born) for pk, team, born in
                m["Child"].objects.filter(pk__in=ids).values_list("pk", "team", "date_of_birth")}
    placements: dict[int, dict[int, PlacementCosts]] = defaultdict(dict)
    lines: dict[int, list[Line]] = defaultdict(list)
    for placement_id, amount, date_from, date_to, kind in m["CostLine"].objects.filter(
            placement__child_id__in=ids).values_list("placement_id", "weekly_amount", "date_from", "date_to", "kind"):
        lines[placement_id].append(Line(pence(amount), date_from, date_to, kind == CostKind.CORE))
    for (pk, child_id, start, end, category, provider_ownership, place_provider, place_code, route,
         began_before_records, planned_end) in m["Placement"].objects.filter(child_id__in=ids).values_list(
            "pk", "child_id", "start", "end", "category", "provider__ownership", "place_provider", "place_code",
            "route", "began_before_records", "planned_end"):
        ownership = rules.placement_ownership(provider_ownership, place_provider) or ""
        placements[child_id][pk] = PlacementCosts(start, end, category or "", ownership, tuple(lines[pk]),
                                                  place_code or "", route or "", bool(began_before_records),
                                                  planned_end)
    segments: dict[int, list] = defaultdict(list)
    for child_id, placement_id, start, end, before_records in m["CareSegment"].objects.filter(
            child_id__in=ids).values_list("child_id", "placement_id", "start", "end", "before_records"):
        segments[child_id].append((placement_id, start, end, before_records))
    new = {child_id: changes_of(team or "", segments[child_id], placements[child_id], born)
           for child_id, (team, born) in children.items()}
    # Locked as read: a second writer refreshing the same child waits here, then reads what the first counted.
    Kept = m["ChildDayChanges"]
    old = {child_id: _decode(text) for child_id, text in
           Kept.objects.select_for_update().filter(child_id__in=ids).values_list("child_id", "changes")}
    _keep(m, new, old)


def count_new(children: Iterable[tuple[int, str, date, list[tuple[int, date, date | None, bool]],
                                        dict[int, PlacementCosts]]],
              *, using: str | None = None, counted: tuple | None = None) -> None:
    """Count the figures of children a bulk writer has just created and whose every record it holds (an import's
    new children), as (child, team, date of birth, care segments as (placement, start, end, before_records),
    every placement of theirs): what
    ``refresh`` would read back, without reading back what was just written. Nothing was counted for them
    before (a child's key is never used again); were it, the writing of their counts would fail, not add.
    ``counted``: what ``counted_new`` gave for them, when worked out already (``placements.care.aside``).
    Inside ``held_for_compaction`` their summed changes are not appended but summed by the block's compaction."""
    if counted is None:
        # Worked out before the first statement: inside an import's ``bulk_insert.writing_behind`` a statement
        # waits for the rows written before it, and the work is done meanwhile.
        counted = counted_new(children)
    appended, gone, changed, added = counted
    if not (appended or added):
        return
    m = _models()
    held = getattr(_held, "rows", None)
    if held is not None:
        held += appended
        appended = []
    with transaction.atomic(using=using or m["DayChange"].objects.db, savepoint=False):
        _write_kept(m, (appended, gone, changed, added))


def counted_new(children: Iterable[tuple[int, str, date, list[tuple[int, date, date | None, bool]],
                                          dict[int, PlacementCosts]]]) -> tuple:
    """What ``count_new`` writes for these children, worked out: plain Python on the values given, nothing read
    (a process of its own may do it: ``placements.care.aside``)."""
    new = {child_id: changes_of(team or "", segments, placements, born)
           for child_id, team, born, segments, placements in children}
    return _kept(new, {})


_held = threading.local()


@contextmanager
def held_for_compaction(*, using: str | None = None) -> Iterator[None]:
    """Inside the block, the rows ``count_new`` would append are held, and the block's ``compact`` sums them with
    the rows it takes: a large import's new children are written once, summed, not appended and then deleted
    and written again. Rows no compaction took (none ran, or another was running) are appended at the end."""
    if getattr(_held, "rows", None) is not None:  # nested: the outer block holds them
        yield
        return
    _held.rows = held = []
    try:
        yield
    finally:
        _held.rows = None
    if held:
        DayChange = _models()["DayChange"]
        bulk_insert.insert_values(DayChange, ["day", *DIMENSIONS, *MEASURES, "kind"], held,
                                  using=using or DayChange.objects.db)


def _keep(m: dict, new: dict[int, dict[Key, Changes]], old: dict[int, dict[Key, Changes]]) -> None:
    """Append the difference between the children's changes counted now (``new``) and before (``old``), and
    keep the new ones as theirs."""
    _write_kept(m, _kept(new, old))


def _kept(new: dict[int, dict[Key, Changes]], old: dict[int, dict[Key, Changes]]) -> tuple:
    """What ``_keep`` writes, worked out: the rows appended, the children whose kept changes go, change or are
    new (their JSON)."""
    difference: dict[Key, Changes] = {}
    for changes, sign in ((new, 1), (old, -1)):
        for per_child in changes.values():
            for key, values in per_child.items():
                total = difference.get(key)
                if total is None:
                    difference[key] = dict(values) if sign == 1 else {index: -value for index, value in values.items()}
                elif sign == 1:
                    for index, value in values.items():
                        total[index] = total.get(index, 0) + value
                else:
                    for index, value in values.items():
                        total[index] = total.get(index, 0) - value
    width = len(MEASURES)
    appended = []
    for key in sorted(difference):
        totals = difference[key]
        if any(totals.values()):
            row = [0] * width
            for index, value in totals.items():
                row[index] = value
            appended.append((*key, *row, APPENDED))
    gone = [child_id for child_id in old if not new.get(child_id)]
    changed = [(child_id, _encode(changes)) for child_id, changes in new.items()
               if changes and child_id in old and changes != old[child_id]]
    added = [(child_id, _encode(changes)) for child_id, changes in new.items() if changes and child_id not in old]
    return appended, gone, changed, added


def _write_kept(m: dict, kept: tuple) -> None:
    appended, gone, changed, added = kept
    Kept, DayChange = m["ChildDayChanges"], m["DayChange"]
    bulk_insert.insert_values(DayChange, ["day", *DIMENSIONS, *MEASURES, "kind"], appended,
                              using=DayChange.objects.db)
    # Changed in place (not deleted and inserted), so a writer waiting on the lock above reads the new row.
    if gone:
        Kept.objects.filter(child_id__in=gone).delete()
    bulk_insert.update_values(Kept, ["child_id", "changes"], changed, using=Kept.objects.db)
    bulk_insert.insert_values(Kept, ["child_id", "changes"], added, using=Kept.objects.db)


def _encode(changes: dict[Key, Changes]) -> str:
    """Each change as the day's ordinal, team, category, ownership, then the measures that change as pairs of
    (position in ``MEASURES``, amount): most of a row's measures do not change on its day."""
    return _JSON.encode([[day.toordinal(), team, category, ownership,
                          *(chain.from_iterable(sorted(values.items())) if len(values) > 1 else next(iter(values.items())))]
                         for (day, team, category, ownership), values in sorted(changes.items())])


_JSON = json.JSONEncoder(separators=(",", ":"))  # as json.dumps with these separators, without a new encoder each time


def _decode(text: str) -> dict[Key, Changes]:
    decoded = {}
    for row in json.loads(text):
        values = {row[position]: row[position + 1] for position in range(4, len(row), 2) if row[position + 1]}
        if values:
            decoded[(date.fromordinal(row[0]), row[1], row[2], row[3])] = values
    return decoded


def rebuild_all(*, apps=None) -> None:
    """Forget every count and work every child's figures out from their segments and records."""
    from placements.care.store import BATCH

    if not counted_here(apps):
        return
    m = _models(apps)
    with transaction.atomic():
        m["DayChange"].objects.all().delete()
        m["ChildDayChanges"].objects.all().delete()
        ids = list(m["Child"].objects.order_by("pk").values_list("pk", flat=True))
        for index in range(0, len(ids), BATCH):
            refresh(ids[index:index + BATCH], apps=apps)
        compact(apps=apps)


def compact(*, apps=None) -> None:
    """Replace the rows with the day's changes by team, category and ownership, and the opening figures of each
    month (the sum of every change before its first day). The sums are of exactly the rows taken: on PostgreSQL
    those no other transaction holds (``SKIP LOCKED``), so compaction never waits on a writer and a writer never
    waits on it (writers only append); one compaction at a time (an advisory lock; a second one skips). Rows
    ``count_new`` held for it (``held_for_compaction``) are summed with them."""
    DayChange = _models(apps)["DayChange"]
    table = DayChange._meta.db_table
    names = ["day", *DIMENSIONS, *MEASURES, "kind"]
    columns = ", ".join(f'"{name}"' for name in names)
    keys = ", ".join(f'"{name}"' for name in ("day", *DIMENSIONS))
    # Opening figures are sums of the changes taken with them: only the changes are summed again.
    sums = (f"SELECT {keys}, " + ", ".join(f'SUM("{name}")' for name in MEASURES) + f" FROM {{rows}} "
            f"WHERE kind <> {OPENING} GROUP BY {keys} ORDER BY {keys}")
    with transaction.atomic(using=DayChange.objects.db), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_COMPACTING])
            if not cursor.fetchone()[0]:
                return
            cursor.execute(f'WITH gone AS (DELETE FROM "{table}" WHERE id IN (SELECT id FROM "{table}" '
                           f"FOR UPDATE SKIP LOCKED) RETURNING {columns}) " + sums.format(rows="gone"))
            summed = cursor.fetchall()
        else:  # SQLite: one writer at a time, so nothing else can append meanwhile
            cursor.execute(sums.format(rows=f'"{table}"'))
            summed = cursor.fetchall()
            cursor.execute(f'DELETE FROM "{table}"')
        totals: dict[Key, list[int]] = {}
        for day, team, category, ownership, *values in summed:
            totals[(_as_date(day), team, category, ownership)] = [int(value) for value in values]
        held = getattr(_held, "rows", None)
        if held:  # count_new's rows, held for this compaction (held_for_compaction)
            for day, team, category, ownership, *values, _kind in held:
                total = totals.get((day, team, category, ownership))
                if total is None:
                    totals[(day, team, category, ownership)] = values
                else:
                    for position, value in enumerate(values):
                        total[position] += value
            held.clear()
        rows = [(*key, *values, CHANGES) for key, values in sorted(totals.items()) if any(values)]
        rows += [(month, *group, *values, OPENING) for month, group, values in _openings(rows)]
        bulk_insert.insert_values(DayChange, names, rows, using=DayChange.objects.db)


#: The advisory lock compaction takes on PostgreSQL (any number no other lock of the app uses).
_COMPACTING = 903_17


def _openings(changes: list[tuple]) -> Iterable[tuple[date, tuple, list[int]]]:
    """For the first of each month from the first change's month to the last one's: each group's sum of every
    change before that day (groups whose sum is nothing left out). ``changes`` in day order."""
    if not changes:
        return
    month = _month_of(changes[0][0])
    last_month = _month_of(changes[-1][0])
    yield month, ("", "", ""), [0] * len(MEASURES)  # the first month with opening figures (nothing before it)
    running: dict[tuple, list[int]] = {}
    index = 0
    while month <= last_month:
        while index < len(changes) and changes[index][0] < month:
            day, team, category, ownership, *values, _ = changes[index]
            total = running.setdefault((team, category, ownership), [0] * len(MEASURES))
            for position, value in enumerate(values):
                total[position] += value
            index += 1
        for group, values in running.items():
            if any(values):
                yield month, group, list(values)
        month = rules.add_months(month, 1)


def _month_of(day: date) -> date:
    return date(day.year, day.month, 1)


def summed() -> dict[Key, tuple[int, ...]]:
    """Every (day, team, category, ownership) with its summed changes, left out where they sum to nothing: what
    the table says, whatever its rows (for checks: the maintained rows against a rebuild from scratch)."""
    from placements.models import DayChange

    rows = (DayChange.objects.exclude(kind=OPENING).order_by().values_list("day", *DIMENSIONS)
            .annotate(**{f"total_{name}": Sum(name) for name in MEASURES}))
    return {(_as_date(day), team, category, ownership): tuple(int(value) for value in values)
            for day, team, category, ownership, *values in rows if any(values)}


# --- Reading them -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayFigures:
    looked_after: int = 0
    paid: int = 0
    cost: Decimal = Decimal("0.00")  # the looked-after children's placements, a week (rule C1)
    charged: Decimal = Decimal("0.00")  # every placement covering the day, a week (rule C1)


def _rows_up_to(day: date, since: date | None = None) -> Q:
    """The rows whose sum is the figures on ``day``: the opening figures of its month (or of the last month that
    has them), the compacted changes from then to the day, and every change appended, up to the day. With
    ``since``, the opening figures of ``since``'s month instead: every row then falls on or before ``since`` or
    is a change between it and ``day``. Compaction writes opening figures from the month of the first change
    (a row of nothing marks it), so a month before it has none and no changes before it."""
    from django.db.models import DateField, Subquery, Value
    from django.db.models.functions import Least

    from placements.models import DayChange

    last_opening = Subquery(DayChange.objects.filter(kind=OPENING).order_by("-day").values("day")[:1],
                            output_field=DateField())
    month = Least(Value(_month_of(since or day), DateField()), last_opening)
    return (Q(kind=APPENDED, day__lte=day) | Q(kind=OPENING, day=month)
            | (Q(kind=CHANGES, day__lte=day) & Q(day__gte=month)))


def figures_on(days: Sequence[date], by: Sequence[str] = ()) -> dict[date, dict[tuple, DayFigures]]:
    """Each day's figures, by the dimensions named in ``by`` (team, category, ownership; none: the totals,
    under the key ``()``), as ``DayFigures``: ``levels`` of the four, money in pounds. One query whatever the
    days; groups with nothing that day are left out."""
    return {day: {group: DayFigures(values.get("looked_after", 0), values.get("paid", 0),
                                    rules.money_of_pence(values.get("cost")), rules.money_of_pence(values.get("charged")))
                  for group, values in groups.items()}
            for day, groups in levels(days, FIGURES, by).items()}


def totals_on(on: date, by: Sequence[str] = ()) -> dict[tuple, DayFigures]:
    return figures_on([on], by)[on]


def charged_pence_days(first: date, last: date) -> int:
    """Sum over the days ``first`` to ``last`` (inclusive) of the weekly cost of every placement covering each,
    in pence: rule C2's spend over the period is this / 7 / 100. One query, a row a day."""
    from django.db.models import DateField, Value
    from django.db.models.functions import Greatest

    from placements.models import DayChange

    if last < first:
        return 0
    rows = (DayChange.objects.filter(_rows_up_to(last, since=first) & ~Q(charged=0)).order_by()
            .annotate(from_day=Greatest("day", Value(first, DateField())))
            .values("from_day").annotate(total=Sum("charged")))
    by_day = {_as_date(row["from_day"]): int(row["total"] or 0) for row in rows}
    rate = total = 0
    day = first
    while day <= last:
        rate += by_day.get(day, 0)
        total += rate
        day += timedelta(days=1)
    return total


def charged_changes(first: date, last: date, category: str = "") -> list[tuple[date, str, int]]:
    """The weekly cost of every placement covering a day, as the days it changes by category, in pence: each
    (day, category, change) up to ``last``, those before ``first`` summed on one day no later than it. Running
    sums of the changes give each day's weekly cost from ``first`` on (rule C2's daily rate). One query."""
    from placements.models import DayChange

    rows = DayChange.objects.filter(_rows_up_to(last, since=first) & ~Q(charged=0))
    if category:
        rows = rows.filter(category=category)
    rows = rows.order_by().values_list("day", "category").annotate(total=Sum("charged")).order_by("day", "category")
    with planner.hashed():  # about 16,000 rows at 100,000 looked after
        return [(_as_date(day), group, int(total)) for day, group, total in planner.plain_rows(rows) if total]


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def spend(first: date, last: date) -> Decimal:
    """Rule C2 over the inclusive period for every placement, exact: pence-days / 7."""
    return (Decimal(charged_pence_days(first, last)) / 100).quantize(rules.PENNY) / 7


def levels(days: Sequence[date], measures: Sequence[str], by: Sequence[str] = ()) -> dict[date, dict[tuple, dict]]:
    """Each day's sums of ``measures`` (any of ``MEASURES``) by the dimensions named in ``by`` (none: the totals,
    under the key ``()``): a level's figure on the day, an event's count up to and including it (the events
    between two days are the difference). One query whatever the days: the changes from the opening figures of
    the first day's month to the last day, summed in SQL into the first asked-for day on or after each (a few rows
    a day asked for, not one a day of the period), then added up in order. Groups with nothing on a day are left
    out of it; amounts are as kept (pence for money)."""
    from django.db.models import Case, DateField, Value, When

    from placements.models import DayChange

    days = sorted(set(days))
    if not days:
        return {}
    if all((day + timedelta(days=1)).day == 1 for day in days):
        at_month_ends = _levels_at_month_ends(days, measures, by)
        if at_month_ends is not None:
            return at_month_ends
    first, last = days[0], days[-1]
    bucket = Case(*[When(day__lte=day, then=Value(day)) for day in days], output_field=DateField())
    rows = (DayChange.objects.filter(_rows_up_to(last, since=first)).exclude(**{name: 0 for name in measures})
            .order_by().annotate(bucket=bucket).values_list("bucket", *by)
            .annotate(appended=Count("pk", filter=Q(kind=APPENDED)),
                      **{f"total_{name}": Sum(name) for name in measures}))
    changes: dict[tuple, dict[date, list[int]]] = defaultdict(dict)
    appended = 0
    width = len(by)
    for row in planner.plain_rows(rows):
        appended += row[width + 1]
        changes[tuple(row[1:width + 1])][_as_date(row[0])] = [int(value or 0) for value in row[width + 2:]]
    result: dict[date, dict[tuple, dict]] = {day: {} for day in days}
    for group, by_day in changes.items():
        running = [0] * len(measures)
        for day in days:
            for index, value in enumerate(by_day.get(day, ())):
                running[index] += value
            if any(running):
                result[day][group] = dict(zip(measures, running))
    if appended > COMPACT_AT:
        compact()
    return result


def _levels_at_month_ends(days: list[date], measures: Sequence[str], by: Sequence[str]) -> dict | None:
    """``levels`` when every day is a month's last: the opening figures of the month after each day (the sum of
    every compacted change up to it) and the changes appended since compaction, none of the compacted changes
    (a region's dashboard asks for 72 month ends: a few thousand rows instead of every day's changes of three
    years). None when a day's next month has no opening figures yet (compaction writes them up to the month of
    the last change it summed), or compaction ran between the two statements: ``levels`` then reads the changes.
    The opening figures and the appended changes are read in one statement, so from one compaction's rows."""
    from django.db.models import DateField, Subquery

    from placements.models import DayChange

    def last_opening() -> Subquery:
        return Subquery(DayChange.objects.filter(kind=OPENING).order_by("-day").values("day")[:1],
                        output_field=DateField())

    latest = DayChange.objects.filter(kind=OPENING).order_by("-day").values_list("day", flat=True).first()
    latest = _as_date(latest) if latest else None
    mornings = [day + timedelta(days=1) for day in days]
    if latest is not None and mornings[-1] > latest:
        return None
    # Grouped by the row's own day and put in its asked-for day here: a CASE of 144 branches costs more to
    # build through the ORM than the statement takes to run.
    rows = (DayChange.objects.filter(Q(kind=OPENING, day__in=mornings) | Q(kind=APPENDED, day__lte=days[-1]))
            .exclude(**{name: 0 for name in measures})
            .order_by().annotate(latest=last_opening()).values_list("day", "latest", "kind", *by)
            .annotate(appended=Count("pk", filter=Q(kind=APPENDED)),
                      **{f"total_{name}": Sum(name) for name in measures}))
    opening: dict[tuple, dict[date, list[int]]] = defaultdict(dict)
    changes: dict[tuple, dict[date, list[int]]] = defaultdict(dict)
    appended = 0
    width = len(by)
    read_latests = set()
    for row_day, read_latest, kind, *row in planner.plain_rows(rows):  # about 20,000 rows at 100,000 looked after
        if read_latest not in read_latests:
            if (_as_date(read_latest) if read_latest else None) != latest:
                return None  # compacted meanwhile: the opening figures read are not the ones planned on
            read_latests.add(read_latest)
        values = [int(value or 0) for value in row[width + 1:]]
        if kind == OPENING:
            opening[tuple(row[:width])][_as_date(row_day) - timedelta(days=1)] = values
            continue
        appended += row[width]
        day = days[bisect.bisect_left(days, _as_date(row_day))]  # the first asked-for day on or after it
        into = changes[tuple(row[:width])].setdefault(day, [0] * len(measures))
        for index, value in enumerate(values):
            into[index] += value
    result: dict[date, dict[tuple, dict]] = {day: {} for day in days}
    for group in opening.keys() | changes.keys():
        opened, appended_by_day = opening.get(group, {}), changes.get(group)
        if not appended_by_day:  # as usual: nothing appended since compaction
            for day, values in opened.items():
                if any(values):
                    result[day][group] = dict(zip(measures, values))
            continue
        running = [0] * len(measures)
        for day in days:
            for index, value in enumerate(appended_by_day.get(day, ())):
                running[index] += value
            totals = [*map(int.__add__, running, opened.get(day, [0] * len(measures)))]
            if any(totals):
                result[day][group] = dict(zip(measures, totals))
    if appended > COMPACT_AT:
        compact()
    return result
