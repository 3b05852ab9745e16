"""Each child's last minuted review, kept as the reviews change (issue 17 item 4), so that building an agenda at a
region's size reads one row a child instead of an anti-join over every minuted review, and no JSON.

The definition stays ``panel.selectors.last_minuted_reviews(on)``: a review with a decision at a meeting before
``on``, with none later for the same child (a later meeting, or the same meeting and a later item). A child's kept
row (``panel.models.LastMinutedReview``) is that definition with no day: their last minuted review of all. It is
their last before ``on`` whenever no review was minuted at a meeting on or after ``on`` (``holds_on(on)``), which is
so whenever the next meeting's agenda is built (a meeting with a minuted item has been held, and a held meeting's
agenda is frozen); for an earlier day the selectors read the reviews themselves.

Kept in the same transaction as the reviews (signals connected in ``PanelConfig.ready``): a review saved or deleted,
and a meeting's date saved (it orders the meeting's reviews), write their children's rows again (``keep``). Writers
that bypass signals (the demo's ``bulk_create``) call ``keep(children)`` themselves; many deletes at once run inside
``deferred()``, which keeps the children touched once at the end. ``keep()`` writes every child's row; a test
compares the kept rows with the definition after random writes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date

from django.db import connection, transaction

from placements.among import Among

_pending = threading.local()


def codes_text(reasons) -> str:
    """A review's rule codes (its ``reasons``, a list) as the kept row holds them: separated by spaces."""
    return " ".join(str(code) for code in reasons) if isinstance(reasons, list) else ""


def holds_on(on: date) -> bool:
    """Whether every kept row is its child's last minuted review before ``on``: no review was minuted at a meeting
    on or after ``on``. One indexed query."""
    from panel.models import LastMinutedReview

    return not LastMinutedReview.objects.filter(meeting_date__gte=on).exists()


def keep(child_ids: Iterable[int] | None = None) -> None:
    """Write again the kept rows of these children (every child's when None) from their minuted reviews (the
    definition, ``selectors.last_minuted_reviews``): a child with none has no row. In batches within the
    database's limit on parameters (the children are named on both sides of the definition's anti-join)."""
    from panel import selectors
    from panel.models import LastMinutedReview

    if child_ids is None:
        batches = [None]
    else:
        ids = sorted({child_id for child_id in child_ids if child_id is not None})
        if not ids:
            return
        size = (connection.features.max_query_params or 0) // 3 or len(ids)
        batches = [ids[start:start + size] for start in range(0, len(ids), size)]
    with transaction.atomic():
        for batch in batches:
            kept = LastMinutedReview.objects.all()
            if batch is not None:
                kept = kept.filter(Among("child_id", batch))
            kept.delete()
            LastMinutedReview.objects.bulk_create([
                LastMinutedReview(child_id=child_id, review_id=pk, meeting_date=meeting_date,
                                  next_review_date=next_review_date, codes=codes_text(reasons),
                                  weekly_cost=weekly_cost, placement_id=placement_id)
                for child_id, pk, meeting_date, next_review_date, reasons, weekly_cost, placement_id in (
                    selectors.last_minuted_reviews(None, batch).order_by()
                    .values_list("child_id", "pk", "meeting__date", "next_review_date", "reasons", "weekly_cost",
                                 "placement_id"))
            ], batch_size=2000)


def _changed(child_ids: Iterable[int]) -> None:
    pending = getattr(_pending, "child_ids", None)
    if pending is not None:
        pending.update(child_ids)
    else:
        keep(child_ids)


@contextmanager
def deferred() -> Iterator[None]:
    """Within the block, the children whose reviews change are gathered and kept once at the end."""
    outer = getattr(_pending, "child_ids", None)
    if outer is not None:  # already deferred: the outer block keeps them
        yield
        return
    _pending.child_ids = set()
    try:
        yield
        gathered = _pending.child_ids
    finally:
        _pending.child_ids = None
    if gathered:
        keep(gathered)


def _on_review_saved(sender, instance, **kwargs) -> None:
    from panel.models import LastMinutedReview

    children = set(LastMinutedReview.objects.filter(review_id=instance.pk).values_list("child_id", flat=True))
    if instance.decision:
        children.add(instance.child_id)
    if children:
        _changed(children)


def _on_review_deleted(sender, instance, **kwargs) -> None:
    if instance.decision:  # only a minuted review is ever a child's kept row
        _changed([instance.child_id])


def _on_meeting_saved(sender, instance, created=False, update_fields=None, **kwargs) -> None:
    if created or (update_fields is not None and "date" not in update_fields):
        return
    children = list(instance.reviews.exclude(decision="").values_list("child_id", flat=True))
    if children:
        _changed(children)


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    from panel.models import PanelMeeting, PanelReview

    post_save.connect(_on_review_saved, sender=PanelReview, dispatch_uid="last_reviews_review_saved")
    post_delete.connect(_on_review_deleted, sender=PanelReview, dispatch_uid="last_reviews_review_deleted")
    post_save.connect(_on_meeting_saved, sender=PanelMeeting, dispatch_uid="last_reviews_meeting_saved")
