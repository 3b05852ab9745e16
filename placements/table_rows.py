"""A django-tables2 table's body rows written directly, the same HTML as ``templates/includes/table.html``'s
loop writes them (issue 17, item 5).

The loop is slow for a region's pages: for every cell the template engine resolves ``column.attrs.td.class``
(django-tables2 rebuilds a column's attributes each time), ``{{ cell }}`` and the loop's variables, and a
``TemplateColumn`` (``DateColumn`` is one) compiles its template again. The weekly tracker's 3,700 cells took
most of its time viewed again. Here the classes of a column's cells are worked out once a column (unless an
attribute is computed per cell), each cell's value is what django-tables2 gives ``{{ cell }}``
(``BoundRow``'s own accessor, default and ``get_FOO_display`` logic, the column's or the table's
``render_FOO``, the link) with a ``TemplateColumn``'s template compiled once, and it is written as
``{{ cell }}`` writes it (escaped, localised). The page's template uses ``table.rendered_rows`` where a table
has it (``DirectRows``) and falls back to its loop otherwise.
"""

from __future__ import annotations

from functools import lru_cache

import django_tables2.utils as tables_utils
from django.db import models
from django.template import Context, Template
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django_tables2.columns import ManyToManyColumn, TemplateColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.utils import call_with_appropriate


@lru_cache(maxsize=256)
def _compiled(template_code: str) -> Template:
    return Template(template_code)


def _template_render(column: TemplateColumn):
    """``TemplateColumn.render`` with its template compiled once (only for an inline template rendered outside
    ``{% render_table %}``, as ``includes/table.html`` renders; anything else renders as django-tables2 does)."""
    template = _compiled(column.template_code)

    def render(record, table, value, bound_column, **kwargs):
        context = column.get_context_data(record=record, table=table, value=value, bound_column=bound_column,
                                          **kwargs)
        context["request"] = getattr(table, "request", None)
        return template.render(Context(context))

    return render


def _computed_per_cell(bound_column) -> bool:
    attrs = {**bound_column._table.attrs, **bound_column.column.attrs}
    td = attrs.get("td", attrs.get("cell", {}))
    return any(callable(value) for value in td.values())


def _td_opening(td_class) -> str:
    return f'<td class="govuk-table__cell{" " + td_class if td_class else ""}">'


def _fast_cell(bound_column, render):
    """For a record that is not a model instance (django-tables2 looks for ``get_FOO_display`` only on models),
    the cell as ``BoundRow.get_cell`` gives it, with fewer steps: the value read once, and a render method that
    takes only the value called with it. None where the column needs django-tables2's own way."""
    column = bound_column.column
    if isinstance(column, (BaseLinkColumn, ManyToManyColumn)):
        return None
    accessor, empty_values, default, link = bound_column.accessor, column.empty_values, bound_column.default, \
        bound_column.link
    names, catch_all = tables_utils.signature(render)
    value_only = tuple(names) == ("value",) and catch_all is None

    def cell(row):
        record = row.record
        try:
            value = accessor.resolve(record)
        except Exception:
            value = None
        if value in empty_values:
            return default
        if value_only and not link:
            return render(value)
        kwargs = row._optional_cell_arguments(bound_column, value)
        content = render(value) if value_only else call_with_appropriate(render, kwargs)
        return link(content, **kwargs) if link else content

    return cell


def rendered_rows(table) -> str:
    """The ``<tr>`` rows of the table's current page (or of all its rows, unpaginated), or its empty text's row."""
    columns = list(table.columns)
    context = Context(autoescape=True)
    plans = []
    for bound_column in columns:
        render = bound_column.render
        column = bound_column.column
        if (isinstance(column, TemplateColumn) and column.template_code and render == column.render
                and not hasattr(table, "context")):
            render = _template_render(column)
        per_cell = _computed_per_cell(bound_column)
        opening = None if per_cell else _td_opening(bound_column.attrs["td"].get("class"))
        plans.append((bound_column, render, opening, _fast_cell(bound_column, render)))

    out = []
    for row in table.paginated_rows:
        cells = []
        is_model = isinstance(row.record, models.Model)
        for bound_column, render, opening, fast in plans:
            if fast is not None and not is_model:
                cell = fast(row)
            else:

                def call_render(bound_column, value=None, row=row, render=render):
                    kwargs = row._optional_cell_arguments(bound_column, value)
                    content = call_with_appropriate(render, kwargs)
                    return bound_column.link(content, **kwargs) if bound_column.link else content

                cell = row._get_and_render_with(bound_column, render_func=call_render,
                                                default=bound_column.default)
            if opening is None:  # attributes computed from the cell, as BoundRow.items() lets them be
                bound_column.current_value, bound_column.current_record = cell, row.record
                td_opening = _td_opening(bound_column.attrs["td"].get("class"))
            else:
                td_opening = opening
            cells.append(f"{td_opening}{render_value_in_context(cell, context)}</td>")
        out.append('<tr class="govuk-table__row">\n' + "\n".join(cells) + "\n</tr>")
    if not out:
        empty = conditional_escape(table.empty_text or "Nothing to show.")
        out.append(f'<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="{len(columns)}">'
                   f"{empty}</td></tr>")
    return mark_safe("\n".join(out))  # noqa: S308 - every cell escaped as {{ cell }} escapes it


class DirectRows:
    """A table mixin: ``includes/table.html`` writes its body with ``rendered_rows`` instead of its loop."""

    def rendered_rows(self) -> str:
        return rendered_rows(self)
