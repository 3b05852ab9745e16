"""The cost avoidance log: recording (amount by rule C3, never typed) and the financial-year totals.

Every source writes through ``cost_avoidance_record``: search negotiation, the placements forum,
the panel and consolidation meetings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet, Sum

from placements import rules
from placements.choices import CostAvoidanceSource
from placements.models import Child, CostAvoidance, Placement


def placement_on(child: Child, day: date) -> Placement | None:
    """The placement a saving from ``day`` is about: the child's latest placement begun by then and not ended."""
    return child.placements.filter(start__lte=day).exclude(end__lte=day).order_by("-start").first()


def weekly_cost_before(child: Child, day: date) -> Decimal | None:
    """What the child's cost lines charge a week on ``day`` (rule C1): the default 'weekly cost before' of a saving
    (issue 16, item 5). None when the child is in no placement that day."""
    placement = placement_on(child, day)
    return placement.weekly_cost_on(day) if placement is not None else None


def cost_avoidance_record(
    *,
    child: Child,
    source: str,
    date_agreed: date,
    effective_from: date,
    recorded_by,
    placement: Placement | None = None,
    weekly_before: Decimal | None = None,
    weekly_after: Decimal | None = None,
    one_off: Decimal | None = None,
    note: str = "",
    search=None,
    before_reason: str = "",
) -> CostAvoidance:
    """Record avoidance of weekly cost (before and after) or a one-off amount; refuse anything else.

    With a placement, the weekly cost before is checked against what the placement's cost lines charge on
    the day the saving starts (rule C1): when it is that figure the saving replaces those lines, and each
    day avoids what they would have charged (rule C3, a line ending within the horizon saves nothing after
    its end); any other figure needs ``before_reason`` (an offer before negotiation, a quote)."""
    weekly = weekly_before is not None or weekly_after is not None
    if weekly == (one_off is not None):
        raise ValidationError("Give either the weekly cost before and after, or a one-off amount.")
    if weekly and (weekly_before is None or weekly_after is None):
        raise ValidationError("Give both the weekly cost before and after.")
    if weekly and weekly_after > weekly_before:
        raise ValidationError("The weekly cost after must not be above the weekly cost before.")
    if placement is not None and placement.child_id != child.pk:
        raise ValidationError("The placement must be the child's own.")
    replaced = None
    if weekly and placement is not None:
        lines = list(placement.cost_lines.all())
        charged = rules.weekly_cost_on(placement, lines, effective_from)
        if Decimal(weekly_before) == charged:
            replaced = lines
        elif not before_reason.strip():
            raise ValidationError(
                f"The weekly cost before is £{Decimal(weekly_before):,.2f}, but the child's cost lines charge "
                f"£{charged:,.2f} a week on {effective_from:%-d %B %Y}: use that figure, or say why the cost before "
                "is different.")
    entry = cost_avoidance_build(
        child=child, placement=placement, search=search, source=source, date_agreed=date_agreed,
        effective_from=effective_from, weekly_before=weekly_before, weekly_after=weekly_after, one_off=one_off,
        recorded_by=recorded_by, note=note, before_reason=before_reason.strip(), replaced_lines=replaced,
    )
    entry.full_clean()
    entry.save()
    return entry


def cost_avoidance_build(*, child: Child, placement: Placement | None, effective_from: date,
                         replaced_lines: list | None = None, **fields) -> CostAvoidance:
    """An unsaved entry with its horizon end and amount by rule C3 (the demo bulk-creates these).
    ``replaced_lines``: the child's cost lines the saving replaces, when it does."""
    planned_end = placement.planned_end if placement else None
    horizon_end = rules.cost_avoidance_horizon_end(effective_from=effective_from, date_of_birth=child.date_of_birth,
                                                   planned_end=planned_end)
    if replaced_lines is not None and fields.get("one_off") is None:
        amount = rules.cost_avoidance_over_lines(lines=replaced_lines, effective_from=effective_from,
                                                 horizon_end=horizon_end, weekly_after=fields["weekly_after"])
    else:
        amount = rules.cost_avoidance_amount(
            effective_from=effective_from, date_of_birth=child.date_of_birth, weekly_before=fields.get("weekly_before"),
            weekly_after=fields.get("weekly_after"), planned_end=planned_end, one_off=fields.get("one_off"),
        )
    return CostAvoidance(child=child, placement=placement, effective_from=effective_from, horizon_end=horizon_end,
                         amount=rules.money_round(amount), replaces_lines=replaced_lines is not None, **fields)


@dataclass(frozen=True)
class SourceTotal:
    source: str
    label: str
    amount: Decimal
    placements: int

    def __str__(self) -> str:
        """The paper's form: 'Panel: £489,817.55 (32 placements)'."""
        plural = "placement" if self.placements == 1 else "placements"
        return f"{self.label}: £{self.amount:,.2f} ({self.placements} {plural})"


def cost_avoidance_totals(entries: QuerySet[CostAvoidance]) -> tuple[list[SourceTotal], Decimal]:
    """Totals by source (one query) and the grand total; every source is listed, even at £0."""
    sums = {row["source"]: row for row in entries.order_by().values("source").annotate(
        total=Sum("amount"), placements=Count("pk"))}
    totals = [
        SourceTotal(source, label, sums.get(source, {}).get("total") or Decimal("0.00"),
                    sums.get(source, {}).get("placements", 0))
        for source, label in CostAvoidanceSource.choices
    ]
    return totals, sum((t.amount for t in totals), Decimal("0.00"))


def cost_avoidance_in_year(start_year: int) -> QuerySet[CostAvoidance]:
    return CostAvoidance.objects.filter(date_agreed__range=(date(start_year, 4, 1), date(start_year + 1, 3, 31)))
