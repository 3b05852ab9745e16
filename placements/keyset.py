"""Pages of a long list in an order an index serves, found by their first row's key instead of by counting
rows from the start (issue 17, item 3).

The weekly tracker lists a region's 100,000 open placements by name, a page of 100. Asked for page 500 with
``OFFSET 49900`` PostgreSQL joins and sorts all of them, and works out each one's weekly cost, every time
(2.1 s); page 1 already walks the children's name index (``child_name_idx``) and stops after 100 rows.
``KeysetPaginator`` serves every page the way page 1 is served: it starts the walk at the key (name, then
the placement's id, so that two children of the same name keep one order) of the page's first row. The first
row of every page is found once, by one narrow query numbering the rows in that order, and remembered under
the data's version (``placements.freshness.remembered``); the first few pages, where the walk from the start
is short, are read by offset in the same order without it. A list in any other order is paged as before.
The pages hold the same rows in the same order as the offsets gave.

The key's fields must never be NULL (a NULL compares neither before nor after a key).
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.functional import cached_property

from placements import freshness


class CountedPaginator(Paginator):
    """A paginator told how many rows there are (a count remembered under the data's versions), so a page
    of a region's 100,000 open placements does not count them all again; without one it counts as usual."""

    def __init__(self, object_list, per_page, known_count: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.known_count = known_count

    @cached_property
    def count(self) -> int:
        return super().count if self.known_count is None else self.known_count


def _page_starts(sql: str, params: tuple, per_page: int) -> tuple[int, list[tuple]]:
    """(the number of rows, the key of each page's first row) of a query numbering its rows (``_row``)."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM ({sql}) numbered WHERE (numbered."_row" - 1) %% {int(per_page)} = 0 '
                       'OR numbered."_row" = numbered."_rows" ORDER BY numbered."_row"', params)
        rows = cursor.fetchall()
    if not rows:
        return 0, []
    total = rows[-1][-1]
    return total, [tuple(row[:-2]) for row in rows if (row[-2] - 1) % per_page == 0]


def page_starts(queryset: QuerySet, key: tuple[str, ...], per_page: int,
                descending: bool = False) -> tuple[int, list[tuple]]:
    """The number of rows of ``queryset`` and the key of the first row of each page of ``per_page`` rows in
    ``key`` order, remembered until the data they were read from changes."""
    order = [F(field).desc() if descending else F(field).asc() for field in key]
    numbered = (queryset.order_by()
                .annotate(_row=Window(RowNumber(), order_by=order), _rows=Window(Count("pk")))
                .values_list(*key, "_row", "_rows"))
    sql, params = numbered.query.sql_with_params()
    return freshness.remembered("page starts", _page_starts, sql, tuple(params), per_page)


def from_key(key: tuple[str, ...], start: tuple, descending: bool = False) -> Q:
    """The rows at or after ``start`` in ``key`` order. The first field's bound is stated on its own too, so that
    an index on the key's leading fields is walked from there."""
    after, at = ("lt", "lte") if descending else ("gt", "gte")
    alternatives = []
    for index, field in enumerate(key):
        equal = {f: v for f, v in zip(key[:index], start[:index])}
        last = index == len(key) - 1
        alternatives.append(Q(**equal, **{f"{field}__{at if last else after}": start[index]}))
    return Q(**{f"{key[0]}__{at}": start[0]}) & reduce(or_, alternatives)


class KeysetPaginator(CountedPaginator):
    """Pages of a queryset ordered by ``key`` (ascending or descending, or by its leading fields: the rest
    then breaks ties) found from each page's first key, after the first ``walked_pages`` (read by offset in the
    key's order); a queryset in any other order is paged by offset. The count is the known one, else counted.

    ``object_list`` may be a queryset or django-tables2's rows of one (``BoundRows``)."""

    #: The first pages are read by walking the index from the list's start, past the rows of the pages before
    #: (``OFFSET``, in the key's order): while the walk is short that is cheaper than numbering every row once
    #: (at 100,000 rows the numbering took 0.7 to 1 s, a walk to page 5 about 0.1 s).
    WALKED_PAGES = 10

    def __init__(self, object_list, per_page, known_count: int | None = None, key: tuple[str, ...] = (),
                 walked_pages: int | None = None, **kwargs):
        super().__init__(object_list, per_page, known_count=known_count, **kwargs)
        self.key = tuple(key)
        self.walked_pages = self.WALKED_PAGES if walked_pages is None else walked_pages

    def _queryset(self) -> QuerySet | None:
        data = self.object_list
        for _ in range(2):  # BoundRows -> TableQuerysetData -> QuerySet
            if isinstance(data, QuerySet):
                return data
            data = getattr(data, "data", None)
        return data if isinstance(data, QuerySet) else None

    @cached_property
    def direction(self) -> str | None:
        """"asc" or "desc" when the rows are in the key's order (or its leading fields'), else None."""
        queryset = self._queryset()
        if not self.key or queryset is None or not queryset.query.order_by:
            return None
        order = tuple(queryset.query.order_by)
        if not all(isinstance(part, str) for part in order) or len(order) > len(self.key):
            return None
        if order == self.key[:len(order)]:
            return "asc"
        if order == tuple(f"-{field}" for field in self.key[:len(order)]):
            return "desc"
        return None

    @cached_property
    def starts(self) -> tuple[int, list[tuple]]:
        return page_starts(self._queryset(), self.key, self.per_page, descending=self.direction == "desc")

    def page(self, number):
        if self.direction is None:
            return super().page(number)
        number = self.validate_number(number)
        descending = self.direction == "desc"
        queryset = self._queryset().order_by(*(f"-{field}" if descending else field for field in self.key))
        bottom = 0
        if self.walked_pages < number:
            starts = self.starts[1]
            if number > len(starts):  # cannot be (the count and the starts are of one version): by offset
                return super().page(number)
            queryset = queryset.filter(from_key(self.key, starts[number - 1], descending))
        else:
            bottom = (number - 1) * self.per_page
        rows = queryset[bottom:bottom + self.per_page]
        if not isinstance(self.object_list, QuerySet):  # django-tables2's rows of the page, as its slicing makes
            from django_tables2.rows import BoundRows

            rows = BoundRows(data=rows, table=self.object_list.table, pinned_data=self.object_list.pinned_data)
        return self._get_page(rows, number, self)

