"""Tables that show the money (issue 16, item 7): the person chooses the columns; data pages use the full width;
each tracker's summaries come before its long table. (The 1280px check is in tests/browser/test_journeys.py.)"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_child, make_cost_line, make_placement, make_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def placement():
    placement = make_placement(make_child(case_ref="WT1"), make_provider(), start=timezone.localdate() - timedelta(days=9))
    make_cost_line(placement, "1234", placement.start)
    return placement


def headers(text: str) -> list[str]:
    import re

    head = text[text.index("<thead"):text.index("</thead>")]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]


def test_the_person_chooses_the_columns_and_the_filters_are_kept(officer_client, placement):
    url = reverse("provider_list")
    everything = officer_client.get(url).content.decode()
    assert "Choose columns" in everything and "Framework" in headers(everything)
    chosen = officer_client.get(url, {"ownership": "external", "cols": ["name", "frameworks"]}).content.decode()
    assert headers(chosen) == ["Name", "Framework"]
    assert '<input type="hidden" name="ownership" value="external">' in chosen  # the filter survives a new choice
    assert 'value="urn">' in chosen and 'value="name" checked>' in chosen


def test_downloads_keep_every_column(officer_client, placement):
    response = officer_client.get(reverse("placement_list"), {"cols": ["child"], "_export": "csv"})
    first_line = b"".join(response.streaming_content if response.streaming else [response.content]).decode()
    assert "Weekly cost today" in first_line.splitlines()[0]


def test_a_small_table_offers_no_chooser(officer_client, placement):
    page = officer_client.get(placement.get_absolute_url()).content.decode()
    assert "Choose columns" not in page


@pytest.mark.parametrize("name", ["placement_list", "tracker_weekly", "tracker_residential", "search_list"])
def test_data_pages_use_the_full_width(officer_client, placement, name):
    assert 'class="govuk-template__body app-wide"' in officer_client.get(reverse(name)).content.decode()


def test_the_forms_keep_the_reading_width(officer_client):
    assert 'class="govuk-template__body"' in officer_client.get(reverse("child_create")).content.decode()


def test_the_weekly_trackers_summaries_come_before_its_long_table(officer_client, placement):
    text = officer_client.get(reverse("tracker_weekly")).content.decode()
    assert text.index(">Moves<") < text.index("Open placements on Sunday")
    assert text.index("By originating team") < text.index("Open placements on Sunday")


def test_the_residential_trackers_summary_comes_before_its_long_table(officer_client, placement):
    text = officer_client.get(reverse("tracker_residential")).content.decode()
    assert text.index("New residential placements") < text.index(">Children in residential care<")
