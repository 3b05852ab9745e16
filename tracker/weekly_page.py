"""The weekly placement tracker page: its tables built and paged, and, for the page itself, written once and
remembered as HTML until the data they show changes (issue 17, item 5).

Viewed again, the tracker's figures come back from the cache, but writing its tables (four tables of the week's
events of up to 100 rows each, the teams, and a page of open placements) was most of the page's time at a
region's size. Each table's part of the page (its download links, its table with caption, headings, rows and
page links) is the same for everyone asking for the same address (week, page, order, filter, columns chosen)
until the data changes, so it is kept with ``placements.freshness.remembered`` under the address and the
versions of the tables the figures and the rows were read from. The HTML is what the templates write
(``includes/downloads.html``, ``includes/table.html``); downloads build the tables afresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.template import Context
from django.template.loader import get_template

from placements import freshness
from tracker import exports, selectors
from tracker.filtersets import WeeklyPlacementFilter

#: One table's part of the page: its download links and the table (includes/table.html).
PART_TEMPLATE = "tracker/includes/weekly_table.html"


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
class TablePart:
    name: str
    caption: str
    html: str


@dataclass(frozen=True)
class WeeklyPage:
    """What the page shows of the tracker: the headline figures and each table's part, written."""

    week_ending: date
    figures: selectors.WeekFigures
    previous: selectors.WeekFigures
    changes: list[tuple[str, object, object, object]]
    tables: list[TablePart]


def _written(named, request) -> str:
    """A table's part as the page's template writes it. The request is in the context as a RequestContext
    carries it (``{% querystring %}`` reads ``context.request``), without running the context processors: the
    part shows nothing of theirs (the navigation's look-up of the user's groups was a query a table)."""
    context = Context({"named": named, "request": request}, autoescape=True)
    context.request = request
    return get_template(PART_TEMPLATE).template.render(context)


def _address(request) -> tuple:
    """The page's address as the tables' parts depend on it (every parameter: the tables' links keep them)."""
    return request.path, tuple(sorted((key, tuple(request.GET.getlist(key))) for key in request.GET))


def weekly_page(request, week_ending: date) -> WeeklyPage:
    """The page's figures and written tables for this address, remembered until the data they show changes."""

    def write(week_ending: date, address: tuple) -> WeeklyPage:
        tracker = freshness.remembered("weekly tracker", selectors.weekly_tracker, week_ending)
        named_tables, _ = weekly_tables(request, week_ending, tracker)
        parts = [TablePart(named.name, named.caption, _written(named, request)) for named in named_tables]
        return WeeklyPage(week_ending=week_ending, figures=tracker.figures, previous=tracker.previous,
                          changes=tracker.changes(), tables=parts)

    return freshness.remembered("weekly tracker page", write, week_ending, _address(request))
