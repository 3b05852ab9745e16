"""A tracker page's tables written once and remembered as HTML until the data they show changes (issue 17,
item 5): what the weekly tracker, the residential tracker and the unregulated report keep.

A table's part of its page (its download links, its table with caption, headings, rows and page links) is the
same for everyone asking for the same address (period, page, columns chosen, filter) until the data changes, so
a page keeps its parts with ``placements.freshness.remembered`` under the address and the versions of the tables
the figures and rows were read from. The HTML is what the templates write (``includes/downloads.html``,
``includes/table.html``); downloads build the tables afresh.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template import Context
from django.template.loader import get_template

#: One table's part of the page: its download links and the table (includes/table.html).
PART_TEMPLATE = "tracker/includes/table_part.html"


@dataclass(frozen=True)
class TablePart:
    name: str
    caption: str
    html: str


def written(named, request, caption_hidden: bool = True) -> str:
    """A table's part as the page's template writes it (its caption shown only to screen readers when the page
    gives the table a heading of its own). The request is in the context as a RequestContext carries it
    (``{% querystring %}`` reads ``context.request``), without running the context processors: the part shows
    nothing of theirs (the navigation's look-up of the user's groups was a query a table)."""
    context = Context({"named": named, "request": request, "caption_hidden": caption_hidden}, autoescape=True)
    context.request = request
    return get_template(PART_TEMPLATE).template.render(context)


def parts(named_tables, request, caption_hidden: bool = True) -> list[TablePart]:
    return [TablePart(named.name, named.caption, written(named, request, caption_hidden)) for named in named_tables]


def address(request) -> tuple:
    """The page's address as the tables' parts depend on it (every parameter: the tables' links keep them)."""
    return request.path, tuple(sorted((key, tuple(request.GET.getlist(key))) for key in request.GET))
