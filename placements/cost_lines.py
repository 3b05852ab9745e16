"""Changing what a placement costs (SPEC section 2): a line is never overwritten; the lines in force end on
the day before the change and a new line starts on the day. Used when the panel agrees a reduced package,
so the trackers show the saving the cost avoidance log claims."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from placements.choices import CostKind
from placements.models import CostLine, Placement
from placements.selectors import in_force


@transaction.atomic
def cost_lines_replace(*, placement: Placement, from_day: date, weekly_amount: Decimal, description: str) -> CostLine:
    """End every line of ``placement`` in force on ``from_day`` on the day before, and start one core line of
    ``weekly_amount`` a week from ``from_day``. Refused (nothing written) when a line starts after ``from_day``
    (it would need ending before it begins: a person decides) or the placement has ended by then."""
    if placement.end is not None and placement.end <= from_day:
        raise ValidationError(f"The placement ended on {placement.end:%-d %B %Y}, before the new cost would start.")
    later = placement.cost_lines.filter(date_from__gt=from_day)
    if later.exists():
        first = later.order_by("date_from").first()
        raise ValidationError(f"A cost line starts after {from_day:%-d %B %Y} ({first.description}, from "
                              f"{first.date_from:%-d %B %Y}): end or correct it first.")
    day_before = from_day - timedelta(days=1)
    for line in placement.cost_lines.filter(in_force(from_day)):
        if line.date_from == from_day:
            raise ValidationError(f"{line.description} starts on {from_day:%-d %B %Y} itself: correct it first.")
        line.date_to = day_before
        line.full_clean()
        line.save(update_fields=["date_to"])  # a save, not an update(): the audit trail sees it
    new = CostLine(placement=placement, kind=CostKind.CORE, description=description, weekly_amount=weekly_amount,
                   date_from=from_day)
    new.full_clean()
    new.save()
    return new
