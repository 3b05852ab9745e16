"""The weekly placement tracker page: its tables built and paged, and, for the page itself, written once and
remembered as HTML until the data they show changes (issue 17, item 5).

Viewed again, the tracker's figures come back from the cache, but writing its tables (four tables of the week's
events of up to 100 rows each, the teams, and a page of open placements) was most of the page's time at a
region's size. Each table's part of the page (its download links, its table with caption, headings, rows and
page links) is the same for everyone asking for the same address (week, page, order, filter, columns chosen)
until the data changes, so it is kept with ``placements.freshness.remembered`` under the address and the
versions of the tables the figures and the rows were read from (``tracker.page_parts``).

After a change (the first view), the figures are the daily figures' (``selectors.weekly_tracker``: one query for
the three Sundays, and the two weeks' spend), each event table reads only the page it shows
(``selectors.WeekEvents``: a statement a table, the rows with their placements and first day's cost), and the
rows are written by hand (``tracker.written_rows``): at 100,000 looked after, 19 statements and about 200 ms
instead of 28 statements and 700 to 900 ms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from placements import freshness
from tracker import exports, page_parts, selectors
from tracker.page_parts import TablePart
from tracker.filtersets import WeeklyPlacementFilter


def weekly_tables(request, week_ending: date, tracker: selectors.WeeklyTracker | None = None):
    """(the page's tables, paged as the address asks, and the open placements' filter). Unfiltered, the open
    placements are the ones the week's figures counted on the Sunday: their number is not counted again, and
    their pages in name order are found by key (``placements.keyset``)."""
    from tracker.views import paginate

    if tracker is None:
        tracker = freshness.remembered("weekly tracker", selectors.weekly_tracker, week_ending)
    placement_filter = WeeklyPlacementFilter(request.GET, queryset=selectors.open_placements(week_ending))
    named_tables = exports.weekly_tables(tracker, placement_filter.qs)
    unfiltered = placement_filter.form.is_valid() and not exports.active_filters(placement_filter)
    paginate(request, named_tables[:4], counts={"placements": tracker.figures.placements if unfiltered else None},
             keys={"placements": selectors.OPEN_PLACEMENTS_KEY})
    return named_tables, placement_filter


@dataclass(frozen=True)
class WeeklyPage:
    """What the page shows of the tracker: the headline figures and each table's part, written."""

    week_ending: date
    figures: selectors.WeekFigures
    previous: selectors.WeekFigures
    changes: list[tuple[str, object, object, object]]
    tables: list[TablePart]


def weekly_page(request, week_ending: date) -> WeeklyPage:
    """The page's figures and written tables for this address, remembered until the data they show changes."""

    def write(week_ending: date, address: tuple) -> WeeklyPage:
        tracker = freshness.remembered("weekly tracker", selectors.weekly_tracker, week_ending)
        named_tables, _ = weekly_tables(request, week_ending, tracker)
        return WeeklyPage(week_ending=week_ending, figures=tracker.figures, previous=tracker.previous,
                          changes=tracker.changes(), tables=page_parts.parts(named_tables, request))

    return freshness.remembered("weekly tracker page", write, week_ending, page_parts.address(request))
