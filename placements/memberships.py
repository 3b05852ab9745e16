"""Framework memberships (issue 19, item 3): when a provider is a member of a framework, and what a membership's
days may be.

A membership runs from its "member from" day to its "member to" day, both included; no "member to" day means
still a member. A provider's memberships of one framework never overlap (a provider is on a framework once on
any day); a later membership after a gap is a new row. The days are record dates: within
``placements.plausible``'s bounds.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from placements.plausible import problem_with_date


def clashing_membership(provider, framework, start: date, end: date | None, *, exclude_pk=None):
    """Another membership of ``provider`` on ``framework`` with a day in common with ``start``-``end`` (inclusive;
    ``end`` None: open), the earliest; None if there is none."""
    from placements.models import FrameworkMembership

    others = FrameworkMembership.objects.filter(provider=provider, framework=framework)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    others = others.filter(Q(end__isnull=True) | Q(end__gte=start))
    if end is not None:
        others = others.filter(start__lte=end)
    return others.order_by("start").first()


def membership_problems(provider, framework, start: date | None, end: date | None, *, exclude_pk=None,
                        today: date | None = None) -> dict[str, str]:
    """What is wrong with these days for a membership, by field ("start", "end"); empty when nothing is."""
    problems: dict[str, str] = {}
    for name, value in (("start", start), ("end", end)):
        problem = problem_with_date(value, today=today) if value else None
        if problem:
            problems[name] = f"The day it {'joined' if name == 'start' else 'left'} {problem}."
    if problems or start is None:
        return problems
    if end is not None and end < start:
        problems["end"] = "The day it left must be on or after the day it joined."
        return problems
    if provider is not None and framework is not None:
        clash = clashing_membership(provider, framework, start, end, exclude_pk=exclude_pk)
        if clash is not None:
            until = f"to {clash.end:%d/%m/%Y}" if clash.end else "with no end"
            problems["start"] = (f"{provider} is already a member of {framework.name} from {clash.start:%d/%m/%Y} "
                                 f"{until}: memberships of one framework cannot overlap. Change that membership "
                                 "instead, or choose days outside it.")
    return problems
