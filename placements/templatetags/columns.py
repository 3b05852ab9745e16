"""Let the person choose a table's columns (issue 16, item 7): ``{% chosen_columns table %}`` hides the columns
not ticked in the page's address (``<prefix>cols``, one value a column), and ``column_choices`` lists them for
the "Choose columns" form. Only what is shown changes: downloads keep every column."""

from django import template

register = template.Library()

#: A table with more columns than this offers the chooser.
CHOOSER_FROM = 6


def _param(table) -> str:
    return f"{getattr(table, 'prefix', '') or ''}cols"


@register.simple_tag(takes_context=True)
def chosen_columns(context, table) -> str:
    request = context.get("request")
    if request is None or not hasattr(table, "columns"):
        return ""
    chosen = request.GET.getlist(_param(table))
    if chosen:
        for column in table.columns.iterall():
            if column.name not in chosen:
                table.columns.hide(column.name)
    return ""


@register.simple_tag(takes_context=True)
def column_choices(context, table) -> dict:
    """The chooser's field name, each column as (name, header, shown), and the page's other parameters."""
    request = context.get("request")
    param = _param(table)
    columns = [(c.name, str(c.header) or c.name, c.visible) for c in table.columns.iterall()]
    kept = []
    if request is not None:
        kept = [(key, value) for key in request.GET if key != param and not key.endswith("page")
                for value in request.GET.getlist(key)]
    return {"param": param, "columns": columns, "kept": kept, "offered": len(columns) > CHOOSER_FROM}
