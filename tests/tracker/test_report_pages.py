"""The residential tracker's and the unregulated report's tables written directly (``placements.table_rows``) give
the HTML django-tables2's loop gave, on the demo authority's children, hidden columns and empty tables included."""

from datetime import date

import pytest
from django.test import RequestFactory

from placements.demo import demo_authority_build
from tests.table_html import as_django_tables2_writes_them, squeezed
from tracker import report_pages, selectors

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 26)


@pytest.fixture
def demo():
    demo_authority_build(children=80, today=TODAY, seed=5)


def residential(query: str, month=(2026, 10)):
    request = RequestFactory().get(f"/tracker/residential/?{query}")
    return report_pages.residential_tables(request, selectors.residential_tracker(*month, TODAY))


def unregulated(query: str, sunday=date(2026, 11, 22)):
    return report_pages.unregulated_tables(RequestFactory().get(f"/tracker/unregulated/?{query}"), sunday)


@pytest.mark.parametrize("hidden", [(), ("provider", "weekly_cost")])
def test_the_residential_list_is_written_as_django_tables2_writes_it(demo, hidden):
    table = residential("")[0].table
    for name in hidden:
        table.columns.hide(name)
    assert table.page.object_list, "the demo month should have children in residential"
    assert squeezed(table.rendered_rows()) == squeezed(as_django_tables2_writes_them(table))
    assert 'href="/children/' in table.rendered_rows()
    first_row = table.rendered_rows().split("</tr>")[0]
    assert first_row.count("<td") == 10 - len(hidden)


def test_each_address_has_its_own_page_of_columns(client, director, demo):
    client.force_login(director)
    whole = client.get("/tracker/residential/", {"month": "2026-10"}).content.decode()
    chosen = client.get("/tracker/residential/", {"month": "2026-10", "cols": ["case_ref", "age"]}).content.decode()
    assert ">Legal status<" in whole and ">Legal status<" not in chosen.split("<tbody")[0].split("Choose columns")[0]
    assert chosen.count('<th scope="col"') < whole.count('<th scope="col"')
    assert client.get("/tracker/residential/", {"month": "2026-10"}).content.decode().count('<th scope="col"') == \
        whole.count('<th scope="col"')


def test_the_unregulated_list_is_written_as_django_tables2_writes_it(demo):
    from placements.choices import PlacementCategory
    from tests.factories import make_child, make_placement, make_provider

    young = make_child(case_ref="YOUNG", date_of_birth=date(2012, 1, 1))
    older = make_child(case_ref="OLDER", date_of_birth=date(2009, 1, 1))
    older.dol_orders.create(start=date(2026, 1, 1))
    for child in (young, older):
        make_placement(child, make_provider(name=f"Lodgings {child.case_ref}", urn=None, regulated=False),
                       category=PlacementCategory.UNREGULATED, start=date(2026, 6, 1))
    table = unregulated("")[0].table
    html = table.rendered_rows()
    assert "YOUNG" in html and selectors.UNDER_16 in html and selectors.DOL_16_17 in html
    assert squeezed(html) == squeezed(as_django_tables2_writes_them(table))


def test_empty_lists_are_written_as_django_tables2_writes_them(demo):
    for table in (residential("", month=(2040, 1))[0].table, unregulated("", sunday=date(2040, 1, 1))[0].table):
        assert squeezed(table.rendered_rows()) == squeezed(as_django_tables2_writes_them(table))
        assert "No child was" in table.rendered_rows()


def test_the_new_residential_tables_are_written_as_django_tables2_writes_them(demo):
    for named in residential("")[1:]:
        table = named.table
        assert "All new residential placements" in table.rendered_rows()
        assert squeezed(table.rendered_rows()) == squeezed(as_django_tables2_writes_them(table)), named.name
