"""The weekly tracker's tables' rows written by hand: the same HTML as django-tables2's loop writes
(``templates/includes/table.html``; ``tests/tracker/test_weekly_speed.py`` compares them), in a few steps a cell
instead of django-tables2's dozens (issue 17, item 5).

``placements.table_rows`` already writes a table's rows without the template's loop, but through
django-tables2's own steps for each cell (the accessor read anew, the choices looked up on the model, the render
method's arguments worked out, the link reversed). At a region's size those were most of the tracker's first
view after a change: its five tables' 400 rows took about 125 ms of CPU. Here each column of the weekly
tracker's tables says how its cell is read from a row (``Cell``), using the table's own ``render_FOO`` and
columns' ``render`` where it has them, and its cells are written as django-tables2 writes them: the column's
default where the value read is empty (and no link then), else the rendered value escaped as ``{{ cell }}``
escapes it, in a link where the column has one. A table with a column shown that has no ``Cell`` here (or
attributes worked out a cell at a time) is written by ``placements.table_rows`` as before.
"""

from __future__ import annotations

from collections.abc import Callable
import html
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from placements.table_rows import DirectRows

#: The date columns' format (``placements.tables.DateColumn``).
DATE_FORMAT = "j M Y"
#: A key no row has, reversed once to give an address's pattern (``Addresses``).
_KEY = 987654321


@dataclass(frozen=True)
class Cell:
    """How a column's cell is read from a row: ``value`` (what the column's accessor gives: empty, the cell shows
    the column's default), ``written`` (the cell's HTML from the row and that value; plain text is escaped by
    ``text``) and ``link`` (the address the cell links to, from the row), or none."""

    value: Callable[[Any], Any]
    written: Callable[[Any, Any], str]
    link: Callable[[Any], str] | None = None


def text(value) -> str:
    """A value as ``{{ cell }}`` writes it: localised (numbers, as this app shows them, have no separators), then
    escaped as ``conditional_escape`` escapes it (Django's ``escape`` is ``html.escape``; called directly, without
    the wrapper that lets it take lazy text, for the page's 4,000 cells)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(value if isinstance(value, str) else str(value))


class Dates:
    """``DateColumn``'s text for a date, each date formatted once a table."""

    def __init__(self):
        self.known: dict[date, str] = {}

    def __call__(self, day: date) -> str:
        written = self.known.get(day)
        if written is None:
            written = self.known[day] = conditional_escape(date_format(day, DATE_FORMAT))
        return written


class Addresses:
    """A view's address for a key, as ``reverse`` gives it (a pattern with one whole-number key), reversed once a
    table rather than once a row."""

    def __init__(self, view: str):
        self.before, self.after = reverse(view, args=[_KEY]).split(str(_KEY))

    def __call__(self, key: int) -> str:
        return f"{self.before}{int(key)}{self.after}"


def _td_opening(bound_column) -> str | None:
    """The cell's opening tag, as the template writes it; None where its attributes are worked out a cell at a
    time (django-tables2 then writes it)."""
    attrs = {**bound_column._table.attrs, **bound_column.column.attrs}
    if any(callable(value) for value in attrs.get("td", attrs.get("cell", {})).values()):
        return None
    td_class = bound_column.attrs["td"].get("class")
    return f'<td class="govuk-table__cell{" " + td_class if td_class else ""}">'


def written_rows(table, cells: dict[str, Cell]) -> str | None:
    """The ``<tr>`` rows of the table's current page, or None if a column shown has no ``Cell`` here."""
    plans = []
    for bound_column in table.columns:
        cell = cells.get(bound_column.name)
        opening = _td_opening(bound_column)
        if cell is None or opening is None:
            return None
        empty = bound_column.column.empty_values
        plans.append((opening, cell, empty, text(bound_column.default)))
    out = []
    for row in table.paginated_rows:
        record = row.record
        written = []
        for opening, cell, empty, default in plans:
            value = cell.value(record)
            if value in empty:
                written.append(f"{opening}{default}</td>")
                continue
            content = cell.written(record, value)
            if cell.link is not None:
                content = f'<a href="{html.escape(cell.link(record))}">{content}</a>'
            written.append(f"{opening}{content}</td>")
        out.append('<tr class="govuk-table__row">\n' + "\n".join(written) + "\n</tr>")
    if not out:
        return None  # the empty text's row, as placements.table_rows writes it
    return mark_safe("\n".join(out))  # noqa: S308 - every value escaped as {{ cell }} escapes it


class WrittenRows(DirectRows):
    """A table mixin: its rows written by ``written_rows`` from the table's ``cells()``."""

    def cells(self) -> dict[str, Cell]:
        return {}

    def rendered_rows(self) -> str:
        written = written_rows(self, self.cells())
        return super().rendered_rows() if written is None else written


def attribute(path: str) -> Callable[[Any], Any]:
    """A value read as django-tables2's accessor reads ``a__b``: None where a step is missing."""
    steps = path.split("__")

    def read(record):
        for step in steps:
            if record is None:
                return None
            record = getattr(record, step, None)
        return record

    return read


def shown(record, value) -> str:
    return text(value)


def choice_label(model, field: str) -> Callable[[Any], Any]:
    """A model field's value as ``get_FOO_display`` gives it (its choice's label, else the value), which
    django-tables2 shows for a field with choices."""
    labels = {key: str(label) for key, label in model._meta.get_field(field).flatchoices}

    def read(record):
        value = getattr(record, field)
        return labels.get(value, value)

    return read
