"""The weekly tracker at a region's size (issue 17, items 3 and 5): its tables written directly give the HTML
django-tables2's loop gave, its pages in name order the rows the old ordering gave."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from placements.demo import demo_authority_build
from tracker import exports, selectors
from tracker.views import paginate

pytestmark = pytest.mark.django_db

SLOW_ROWS = Template(
    '{% for row in table.paginated_rows %}<tr class="govuk-table__row">{% for column, cell in row.items %}'
    '<td class="govuk-table__cell{% if column.attrs.td.class %} {{ column.attrs.td.class }}{% endif %}">{{ cell }}'
    '</td>{% endfor %}</tr>{% empty %}<tr class="govuk-table__row"><td class="govuk-table__cell" '
    'colspan="{{ table.columns|length }}">{{ table.empty_text|default:"Nothing to show." }}</td></tr>{% endfor %}')


def as_django_tables2_writes_them(table) -> str:
    return SLOW_ROWS.render(Context({"table": table}))


def squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


SUNDAY = date(2026, 11, 22)


@pytest.fixture
def demo():
    demo_authority_build(children=60, today=date(2026, 11, 26), seed=5)


def weekly_tables_for(query: str, week_ending=SUNDAY):
    request = RequestFactory().get(f"/tracker/weekly/?{query}")
    tracker = selectors.weekly_tracker(week_ending)
    named_tables = exports.weekly_tables(tracker)
    paginate(request, named_tables[:4], counts={"placements": tracker.figures.placements})
    return named_tables


@pytest.mark.parametrize("query", ["", "sort=-age", "sort=weeks&page=1", "sort=-name", "sort=provider"])
def test_every_weekly_table_is_written_as_django_tables2_writes_it(demo, query):
    named_tables = weekly_tables_for(query)
    assert any(named.table.page.object_list for named in named_tables[1:4]), "the demo week should have events"
    for named in named_tables:
        table = named.table
        html = table.rendered_rows()
        assert squeezed(html) == squeezed(as_django_tables2_writes_them(table)), named.name
    placements = named_tables[0].table
    assert 'href="/children/' in placements.rendered_rows()  # the child's link, as the loop writes it
    assert 'class="govuk-table__cell app-nowrap"' in placements.rendered_rows()


def test_hidden_columns_and_empty_tables_are_written_as_django_tables2_writes_them(demo):
    named_tables = weekly_tables_for("", week_ending=date(2031, 1, 5))  # after the data: no events
    for named in named_tables:
        table = named.table
        assert squeezed(table.rendered_rows()) == squeezed(as_django_tables2_writes_them(table)), named.name
    assert "None this week." in named_tables[1].table.rendered_rows()
    named_tables = weekly_tables_for("")
    placements = named_tables[0].table
    placements.columns.hide("provider")
    placements.columns.hide("weekly_cost")
    html = placements.rendered_rows()
    assert "£" not in html
    assert squeezed(html) == squeezed(as_django_tables2_writes_them(placements))
