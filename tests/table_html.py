"""django-tables2's own way of writing a table's rows (the loop of ``templates/includes/table.html``), for tests
that compare the rows the app writes directly (``placements.table_rows``, ``tracker.charts.FrameTable``) with it."""

import re

from django.template import Context, Template

SLOW_ROWS = Template(
    '{% for row in table.paginated_rows %}<tr class="govuk-table__row">{% for column, cell in row.items %}'
    '<td class="govuk-table__cell{% if column.attrs.td.class %} {{ column.attrs.td.class }}{% endif %}">{{ cell }}'
    '</td>{% endfor %}</tr>{% empty %}<tr class="govuk-table__row"><td class="govuk-table__cell" '
    'colspan="{{ table.columns|length }}">{{ table.empty_text|default:"Nothing to show." }}</td></tr>{% endfor %}')


def as_django_tables2_writes_them(table) -> str:
    return SLOW_ROWS.render(Context({"table": table}))


def squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()
