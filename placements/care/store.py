"""Keep ``CareSegment`` in step with the records it is derived from.

A child's segments depend on their date of birth, placements, legal-status periods and SSDA903
episodes (the records' beginning). Any save or delete of one of those rebuilds that child's segments
at once, in the same transaction (signals connected in ``PlacementsConfig.ready``). Writers that
bypass signals (bulk inserts in imports and the demo) run inside ``care_segments_deferred()``, which
gathers the children touched and rebuilds them once at the end, or call ``care_segments_rebuild``
themselves; for children they have just created, whose every record they hold, ``care_segments_write``
writes the segments from those values without reading them back. ``manage.py rebuild_care_segments`` rebuilds everything; a test compares the maintained
table with a rebuild from scratch after random writes.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext

from django.db import transaction

from placements import bulk_insert
from placements.care import daily, facts
from placements.care.segments import PlacementFacts, StatusPeriod, care_segments, records_begin

BATCH = 2000

_pending = threading.local()


def _deferred_ids() -> set[int] | None:
    return getattr(_pending, "child_ids", None)


def care_segments_rebuild(child_ids: Iterable[int] | None = None, *, apps=None, tidy: bool = False) -> int:
    """Rebuild the segments of these children (every child when None), and their daily figures
    (``placements.care.daily``); returns how many segments now exist for them. Reads and writes in batches of
    children, so a region's rebuild holds little in memory. A child id that no longer exists loses its
    segments and figures. ``apps`` is a migration's model registry, when a migration calls this. After a large
    write (more than a batch of children), and with ``tidy`` whatever the number (a bulk writer's segments
    written before), the daily figures are compacted and the segments' statistics taken again."""
    if apps is None:
        from django.apps import apps
    models = {name: apps.get_model("placements", name)
              for name in ("CareSegment", "Child", "Placement", "LegalStatusPeriod", "Episode")}
    daily_kept = _has_daily_figures(apps)
    Child = models["Child"]
    if child_ids is None:
        ids = list(Child.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(set(child_ids))
    written = 0
    with transaction.atomic():
        for index in range(0, len(ids), BATCH):
            written += _rebuild_batch(ids[index:index + BATCH], **models)
            if daily_kept and child_ids is not None:
                daily.refresh(ids[index:index + BATCH], apps=apps)
        if daily_kept and child_ids is None:
            daily.rebuild_all(apps=apps)
        elif daily_kept and (len(ids) > BATCH or tidy):
            daily.compact(apps=apps)
        if len(ids) > BATCH or tidy:
            _analyse(CareSegment=models["CareSegment"])
    return written


def _analyse(*, CareSegment) -> None:
    """After a large write, PostgreSQL's statistics of the segments (ANALYZE counts the writing transaction's own
    rows): a planner that still believes the table small may join a region's segments by nested loops."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'ANALYZE "{CareSegment._meta.db_table}"')


def _has_daily_figures(apps) -> bool:
    """False in a migration that runs before the daily figures hold every measure counted today."""
    return daily.counted_here(apps)


def _rebuild_batch(ids: list[int], *, CareSegment, Child, Placement, LegalStatusPeriod, Episode) -> int:
    births = dict(Child.objects.filter(pk__in=ids).values_list("pk", "date_of_birth"))
    placements: dict[int, list[PlacementFacts]] = defaultdict(list)
    for pk, child_id, start, end, legal_status in Placement.objects.filter(child_id__in=ids).values_list(
            "pk", "child_id", "start", "end", "legal_status"):
        placements[child_id].append(PlacementFacts(pk, start, end, legal_status))
    periods: dict[int, list[StatusPeriod]] = defaultdict(list)
    for child_id, start, end, legal_status in LegalStatusPeriod.objects.filter(child_id__in=ids).values_list(
            "child_id", "start", "end", "legal_status"):
        periods[child_id].append(StatusPeriod(start, end, legal_status))
    episodes: dict[int, list] = defaultdict(list)
    for child_id, decom, rne in Episode.objects.filter(child_id__in=ids).values_list("child_id", "decom", "rne"):
        episodes[child_id].append((decom, rne))
    rows = []
    for child_id, born in births.items():
        for segment in care_segments(date_of_birth=born, placements=placements[child_id],
                                     legal_status_periods=periods[child_id],
                                     records_began=records_begin(episodes[child_id])):
            rows.append((child_id, segment.placement_id, segment.start, segment.end, segment.legal_status,
                         segment.before_records))
    CareSegment.objects.filter(child_id__in=ids).delete()
    _insert(CareSegment, rows, births, Placement, child_ids=ids)
    return len(rows)


COLUMNS = ["child", "placement", "start", "end", "legal_status", "before_records"]


def _insert(CareSegment, rows: list[tuple], births: dict, Placement, *, using: str | None = None,
            carried: dict[int, tuple] | None = None, **which) -> None:
    """Plain rows in one statement (placements.bulk_insert): a segment is derived, nothing needs its instance.
    With what each segment carries of its child and placement (``placements.care.facts``: ``carried`` when the
    writer has it, else read; ``which`` says whose placements to read), once the model has those columns."""
    columns = COLUMNS
    if rows and facts.carries_facts(CareSegment):
        carried = carried if carried is not None else facts.of_placements(Placement, **which)
        rows = facts.rows_with_facts(rows, births, carried)
        columns = [*COLUMNS, *facts.FIELDS]
    bulk_insert.insert_values(CareSegment, columns, rows, using=using or CareSegment.objects.db)


def care_segments_write(children: Iterable[tuple[int, object, list[PlacementFacts], list[StatusPeriod], list]],
                        *, rows: list[tuple] | None = None, carried: dict[int, tuple] | None = None,
                        costs: dict[int, tuple[str, dict[int, daily.PlacementCosts]]] | None = None,
                        counted: Callable[[], tuple] | None = None, using: str | None = None) -> int:
    """Write the segments of children whose every record is given here and who have no segments yet: children
    a bulk writer has just created (an import's new children), as (child, date of birth, placements,
    legal-status periods, episodes' (DECOM, RNE)). The same segments a rebuild gives, without reading back
    what was just written. Returns how many were written.

    ``rows``: their segments as ``segment_rows`` gives them, when the writer has worked them out already (an
    import works them out once, for this and for ``new_children_counted``). What each segment carries of its
    placement (``placements.care.facts``) is ``carried`` when the writer gives
    it (``facts.carried`` of each placement, by key), else read back. Their daily figures are counted too: from
    ``costs`` when the writer gives it (each child's team and what the figures need of each placement of theirs,
    ``daily.count_new``), else read back (``daily.refresh``); or from ``counted``, a function that returns what
    ``new_children_counted`` gives for the same children (worked out in a process of its own meanwhile)."""
    from placements.models import CareSegment, Placement

    children = list(children)
    rows = segment_rows(children) if rows is None else rows
    births = {child[0]: child[1] for child in children}
    if carried is not None:
        _insert(CareSegment, rows, births, Placement, using=using, carried=carried)
    else:
        for batch in _whole_children(rows):  # the carried facts read a batch of placements at a time
            _insert(CareSegment, batch, births, Placement, using=using, placement_ids={row[1] for row in batch})
    ids = sorted({child[0] for child in children})
    deferred = _deferred_ids() is not None
    # A large write's daily figures are compacted after it: its new children's changes are summed then, not
    # appended first (daily.held_for_compaction; inside a deferred block, the block holds them).
    with daily.held_for_compaction(using=using) if not deferred and len(ids) > BATCH else nullcontext():
        if counted is not None:  # worked out aside (new_children_counted)
            daily.count_new((), using=using, counted=counted())
        elif costs is not None:  # (worked out before any statement: see daily.count_new)
            daily.count_new(_counted_from(ids, births, rows, costs), using=using)
        else:
            for index in range(0, len(ids), BATCH):
                daily.refresh(ids[index:index + BATCH])
        if deferred:  # once, at the end of the deferred block, after its rebuild
            _pending.tidy = _pending.tidy or len(ids) > BATCH or len(rows) > BATCH
        elif len(ids) > BATCH:
            daily.compact()
    if not deferred and len(rows) > BATCH:
        _analyse(CareSegment=CareSegment)
    return len(rows)


def segment_rows(children: list[tuple]) -> list[tuple]:
    """The segments of children whose every record is given (``care_segments_write``), as rows of ``COLUMNS``, a
    child's together and in the order given."""
    rows = []
    for child_id, born, placements, periods, episodes in children:
        for segment in care_segments(date_of_birth=born, placements=placements, legal_status_periods=periods,
                                     records_began=records_begin(episodes)):
            rows.append((child_id, segment.placement_id, segment.start, segment.end, segment.legal_status,
                         segment.before_records))
    return rows


def _counted_from(ids: list[int], births: dict, rows: list[tuple], costs: dict) -> list[tuple]:
    """What ``daily.count_new`` takes of each child, from their segments' rows and ``costs``."""
    segments: dict[int, list] = defaultdict(list)
    for child_id, placement_id, start, end, _legal_status, before_records in rows:
        segments[child_id].append((placement_id, start, end, before_records))
    return [(child_id, costs[child_id][0], births[child_id], segments[child_id], costs[child_id][1])
            for child_id in ids]


def new_children_counted(children: list[tuple], costs: dict[int, tuple[str, dict[int, daily.PlacementCosts]]],
                         rows: list[tuple] | None = None) -> tuple:
    """The daily figures ``care_segments_write`` counts for these children (the same arguments, ``rows`` their
    segments when worked out already), worked out without a statement or a write: plain Python that a process
    of its own can do while the writer writes (``placements.care.aside``); hand its result to
    ``care_segments_write`` as ``counted``."""
    children = list(children)
    births = {child[0]: child[1] for child in children}
    ids = sorted(births)
    return daily.counted_new(_counted_from(ids, births, segment_rows(children) if rows is None else rows, costs))


def _whole_children(rows: list[tuple]) -> Iterator[list[tuple]]:
    """Rows (a child's together, as written) in batches of about ``BATCH``, no child's cut between two: whether a
    segment begins with a move depends on the child's segment before it."""
    batch: list[tuple] = []
    for row in rows:
        if len(batch) >= BATCH and row[0] != batch[-1][0]:
            yield batch
            batch = []
        batch.append(row)
    if batch:
        yield batch


@contextmanager
def care_segments_deferred() -> Iterator[set[int]]:
    """Gather the children whose records change inside the block and rebuild them once at its end.

    Yields the set, so a bulk writer adds the children it touched without signals. Nested blocks share
    the outermost one's set."""
    outer = _deferred_ids()
    if outer is not None:
        yield outer
        return
    _pending.child_ids = touched = set()
    _pending.tidy = False
    # New children's daily figures counted inside the block (care_segments_write) are summed by the compaction
    # at its end, when there is one, rather than appended first.
    with daily.held_for_compaction():
        try:
            yield touched
        finally:
            _pending.child_ids = None
        tidy, _pending.tidy = _pending.tidy, False
        if touched or tidy:
            care_segments_rebuild(touched, tidy=tidy)


def child_changed(child_id: int) -> None:
    """A child's records changed: rebuild now, or at the end of the deferred block around this write."""
    children_changed([child_id])


def children_changed(child_ids: Iterable[int]) -> None:
    """These children's records changed: rebuild them now (together), or at the end of the deferred block."""
    deferred = _deferred_ids()
    if deferred is not None:
        deferred.update(child_ids)
    else:
        care_segments_rebuild(child_ids)


def children_of_placements(placement_ids: Iterable[int]) -> set[int]:
    """The children of these placements (for writers that bypass signals)."""
    from placements.models import Placement

    ids = sorted(set(placement_ids))
    children: set[int] = set()
    for index in range(0, len(ids), 900):
        children.update(Placement.objects.filter(pk__in=ids[index:index + 900]).values_list("child_id", flat=True))
    return children


def children_placed_with(provider_ids: Iterable[int]) -> set[int]:
    """The children ever placed with these providers (for writers that bypass signals)."""
    from placements.models import Placement

    ids = sorted(set(provider_ids))
    children: set[int] = set()
    for index in range(0, len(ids), 900):
        children.update(Placement.objects.filter(provider_id__in=ids[index:index + 900])
                        .values_list("child_id", flat=True).distinct())
    return children


def _being_deleted() -> set[int]:
    if not hasattr(_pending, "deleting"):
        _pending.deleting = set()
    return _pending.deleting


def _on_record_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # loaddata: the fixture's own segments, or a rebuild afterwards
        return
    child_changed(instance.pk if sender.__name__ == "Child" else instance.child_id)


def _on_record_deleted(sender, instance, **kwargs) -> None:
    if instance.child_id not in _being_deleted():  # a child's own deletion takes its segments with it
        child_changed(instance.child_id)


def _on_child_deleting(sender, instance, **kwargs) -> None:
    _being_deleted().add(instance.pk)


def _on_child_deleted(sender, instance, **kwargs) -> None:
    _being_deleted().discard(instance.pk)
    child_changed(instance.pk)  # takes their daily figures away


def _on_cost_line_saved(sender, instance, raw=False, **kwargs) -> None:
    """A cost line changes the daily figures of its placement's child."""
    if not raw:
        children_changed(children_of_placements([instance.placement_id]))


def _on_cost_line_deleted(sender, instance, origin=None, **kwargs) -> None:
    """A cost line deleted on its own (or with others of its kind) changes its placement's child's figures; one
    deleted with its placement or child is left to their own deletion, which rebuilds the child."""
    from django.db.models import QuerySet

    if isinstance(origin, sender) or (isinstance(origin, QuerySet) and origin.model is sender):
        children_changed(children_of_placements([instance.placement_id]))


def _on_provider_saving(sender, instance, raw=False, **kwargs) -> None:
    """Note the ownership and regulation a provider had, so saving it counts children again only when they
    change."""
    if not raw and instance.pk is not None:
        instance._carried_before = (sender.objects.filter(pk=instance.pk).values_list("ownership", "regulated")
                                    .first())


def _on_provider_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    """A provider's ownership decides its placements' (internal or external), and its regulation whether they
    are unregulated provision (both carried by the segments, ``placements.care.facts``): when either changes,
    their children's segments and figures are written again."""
    now = (instance.ownership, instance.regulated)
    if raw or created or getattr(instance, "_carried_before", now) == now:
        return

    children_changed(children_placed_with([instance.pk]))


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

    from placements.models import Child, CostLine, Episode, LegalStatusPeriod, Placement, Provider

    for model in (Child, Placement, LegalStatusPeriod, Episode):
        post_save.connect(_on_record_saved, sender=model, dispatch_uid=f"care_segments_saved_{model.__name__}")
        if model is not Child:
            post_delete.connect(_on_record_deleted, sender=model, dispatch_uid=f"care_segments_deleted_{model.__name__}")
    pre_delete.connect(_on_child_deleting, sender=Child, dispatch_uid="care_segments_child_deleting")
    post_delete.connect(_on_child_deleted, sender=Child, dispatch_uid="care_segments_child_deleted")
    post_save.connect(_on_cost_line_saved, sender=CostLine, dispatch_uid="daily_figures_cost_line_saved")
    post_delete.connect(_on_cost_line_deleted, sender=CostLine, dispatch_uid="daily_figures_cost_line_deleted")
    pre_save.connect(_on_provider_saving, sender=Provider, dispatch_uid="daily_figures_provider_saving")
    post_save.connect(_on_provider_saved, sender=Provider, dispatch_uid="daily_figures_provider_saved")
