"""Reconciling the SSDA903 returns with each other (SPEC section 3, "Data as at"; issue 13, item 7).

Several years' returns are loaded in turn and the later return wins for the same CHILD and DECOM, so
what the app counts on 31 March is not always what that year's return alone says: a child whose episode
was open at a year end and is missing from the next return is kept open as last known (no leaving date
is guessed), and a child whose episode began before 31 March may appear only in the next return. This
module keeps, for each return imported, the children that return alone has looked after at its
31 March, and compares them with the app's count, child by child.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet

from placements import rules
from placements.choices import SHORT_BREAK_LEGAL_STATUSES


def year_end(return_year: int) -> date:
    """The last day a return covers: 31 March after its collection year (2017/18 ends 31 March 2018)."""
    return date(return_year + 1, 3, 31)


def looked_after_at_year_end(rows: Iterable, date_of_birth: Callable[[str], date]) -> dict[int, set[str]]:
    """For each return year among ``rows`` (episode rows with child, decom, dec, legal_status, return_year),
    the children that return alone has looked after on its 31 March: an episode covering the day, not a
    short break, the child under 18."""
    children: dict[int, set[str]] = {}
    for row in rows:
        day = year_end(row.return_year)
        children.setdefault(row.return_year, set())
        if (rules.covers(row.decom, row.dec, day) and row.legal_status not in SHORT_BREAK_LEGAL_STATUSES
                and rules.age_on(date_of_birth(row.child), day) < 18):
            children[row.return_year].add(row.child)
    return children


@dataclass
class ReturnReconciliation:
    return_year: int
    day: date
    by_return: int
    by_app: int
    kept_open: list[str] = field(default_factory=list)  # counted by the app from an earlier return's open episode
    only_later: list[str] = field(default_factory=list)  # counted by the app from a later return's episode
    not_counted: list[str] = field(default_factory=list)  # in the return's count, not the app's (a later return changed it)

    @property
    def label(self) -> str:
        return rules.financial_year_label(self.return_year)

    @property
    def difference(self) -> int:
        return self.by_app - self.by_return


def reconciliation() -> list[ReturnReconciliation]:
    """Each return imported: its 31 March count alone beside the app's, and the children that differ."""
    from placements.models import CareSegment, Episode, ReturnYear
    from placements.selectors import covering

    results = []
    for held in ReturnYear.objects.order_by("return_year"):
        day = year_end(held.return_year)
        by_return = set(held.year_end_children)
        app = dict(CareSegment.objects.filter(covering(day)).values_list("child__case_ref", "child_id"))
        # The return that gave the episode each child counted by the app is in on the day.
        source = dict(Episode.objects.filter(covering_episode(day), child_id__in=app.values())
                      .order_by("child_id", "decom").values_list("child__case_ref", "return_year"))
        extra = sorted(set(app) - by_return)
        results.append(ReturnReconciliation(
            return_year=held.return_year, day=day, by_return=len(by_return), by_app=len(app),
            kept_open=[ref for ref in extra if source.get(ref, held.return_year) < held.return_year],
            only_later=[ref for ref in extra if source.get(ref, held.return_year) >= held.return_year],
            not_counted=sorted(by_return - set(app)),
        ))
    return results


def covering_episode(day: date):
    from django.db.models import Q

    return Q(decom__lte=day) & (Q(dec__isnull=True) | Q(dec__gt=day))


def open_and_missing_from_next_return() -> QuerySet:
    """Episodes still open that the next return held does not have: each child is kept looked after as
    last known, and listed for a person to check ("open at the end of 2017/18, not in the 2018/19 return")."""
    from placements.models import Episode, ReturnYear

    held = set(ReturnYear.objects.values_list("return_year", flat=True)) | set(
        Episode.objects.order_by().values_list("return_year", flat=True).distinct())
    followed = [year for year in held if year + 1 in held]
    return (Episode.objects.filter(dec__isnull=True, return_year__in=followed).select_related("child", "placement")
            .order_by("return_year", "child__case_ref"))
