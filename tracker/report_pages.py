"""The monthly residential tracker's and the weekly unregulated report's pages: their figures, and their tables
built and paged, and, for the page itself, written once and remembered as HTML until the data they show changes
(issue 17, item 5; ``tracker.page_parts``).

Viewed again, the figures came back from the cache but a page of 100 children was read and written through
django-tables2 at every view (130 to 200 ms at a region's size); now a view again is one cache read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from placements import freshness
from tracker import exports, page_parts, selectors
from tracker.page_parts import TablePart


def residential_tables(request, tracker: selectors.ResidentialTracker):
    """The residential tracker's tables, its list of children paged as the address asks: the children are the
    ones the costs counted (kept with them), so their number is not counted again."""
    from tracker.views import paginate

    named_tables = exports.residential_tables(tracker)
    paginate(request, named_tables[:1], counts={"residential": tracker.costs.placements})
    return named_tables


@dataclass(frozen=True)
class ResidentialPage:
    """What the page shows: the month, the figures, and each table's part, written."""

    month_start: date
    month_end: date
    as_at: date
    periods: list[selectors.NewResidential]
    costs: selectors.ResidentialCosts
    children: int
    tables: list[TablePart]


def residential_page(request, year: int, month: int, today: date) -> ResidentialPage:
    """The residential tracker for this address, remembered until the data it shows changes."""

    def write(year: int, month: int, today: date, address: tuple) -> ResidentialPage:
        tracker = selectors.residential_tracker(year, month, today)
        named_tables = residential_tables(request, tracker)
        return ResidentialPage(
            month_start=tracker.month_start, month_end=tracker.month_end, as_at=tracker.as_at,
            periods=tracker.periods, costs=tracker.costs, children=named_tables[0].table.paginator.count,
            tables=page_parts.parts(named_tables, request))

    return freshness.remembered("residential tracker page", write, year, month, today, page_parts.address(request))


def unregulated_tables(request, week_ending: date, counts: selectors.UnregulatedCounts | None = None):
    """The report's table, paged as the address asks: the placements the counts counted (kept with them), not
    found or counted again."""
    from tracker.views import paginate

    if counts is None:
        counts = freshness.remembered("unregulated counts", selectors.unregulated_counts, week_ending)
    named_tables = exports.unregulated_tables(week_ending, counts.keys)
    paginate(request, named_tables, counts={"unregulated": counts.total})
    return named_tables


@dataclass(frozen=True)
class UnregulatedPage:
    """What the report shows: the Sunday's three counts, each beside last week's, and the table's part, written."""

    week_ending: date
    total: int
    under_16: int
    dol_16_17: int
    changes: list[tuple[str, int, int, int]]
    tables: list[TablePart]


def unregulated_page(request, week_ending: date) -> UnregulatedPage:
    """The unregulated report for this address, remembered until the data it shows changes."""

    def write(week_ending: date, address: tuple) -> UnregulatedPage:
        counts = freshness.remembered("unregulated counts", selectors.unregulated_counts, week_ending)
        named_tables = unregulated_tables(request, week_ending, counts)
        return UnregulatedPage(
            week_ending=week_ending, total=counts.total, under_16=counts.under_16, dol_16_17=counts.dol_16_17,
            changes=selectors.unregulated_changes(week_ending),
            tables=page_parts.parts(named_tables, request, caption_hidden=False))

    return freshness.remembered("unregulated report page", write, week_ending, page_parts.address(request))
