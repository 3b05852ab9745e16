"""The monthly residential tracker: children in residential, and new placements by age band and origin."""

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from placements.choices import CameFrom, LegalStatus
from tests.factories import make_child, make_cost_line, make_placement, make_provider
from tracker import selectors

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 26)


def test_a_29_february_birthday_crosses_the_age_band_on_1_march():
    home = make_provider()
    before = make_child(case_ref="BEFORE", date_of_birth=date(2012, 2, 29))
    after = make_child(case_ref="AFTER", date_of_birth=date(2012, 2, 29))
    make_placement(before, home, start=date(2023, 2, 28))  # age 10
    make_placement(after, home, start=date(2023, 3, 1))  # age 11 (no 29 February in 2023)
    periods = selectors.new_residential([("2022/23", date(2022, 4, 1), date(2023, 3, 31))])
    assert periods[0].by_band == {"10 and under": 1, "11-13": 1, "14-15": 0, "16+": 0}


def test_new_placements_are_counted_in_the_papers_words():
    home = make_provider()
    for i, came_from in enumerate([CameFrom.HOME, CameFrom.HOME, CameFrom.SECURE, CameFrom.FOSTERING]):
        make_placement(make_child(case_ref=f"N{i}", date_of_birth=date(2009, 1, 1)), home,
                       start=date(2022, 6, 1), came_from=came_from)
    short_break = make_child(case_ref="V", legal_status=LegalStatus.V3)
    make_placement(short_break, home, start=date(2022, 6, 1), legal_status=LegalStatus.V3)
    period = selectors.new_residential([("2022/23", date(2022, 4, 1), date(2023, 3, 31))])[0]
    assert period.summary() == "2022/23: 4 placed; 50% (2) came from home"
    assert period.by_origin["Residential (including secure)"] == 1
    assert period.from_care == 2


def test_the_tracker_lists_children_in_residential_with_their_additional_lines():
    home = make_provider()
    child = make_child(case_ref="R1", date_of_birth=date(2012, 5, 1))
    placement = make_placement(child, home, start=date(2026, 9, 1), came_from=CameFrom.FOSTERING)
    make_cost_line(placement, "6000", placement.start)
    make_cost_line(placement, "2500", placement.start, date(2026, 10, 31), kind="additional", description="2:1 staffing")
    make_cost_line(placement, "400", placement.start, kind="additional", description="Therapy")
    tracker = selectors.residential_tracker(2026, 10, TODAY)
    row = tracker.placements.get()
    assert tracker.as_at == date(2026, 10, 31)
    assert row.weekly_cost == 8900
    assert [line.description for line in row.additional_lines] == ["2:1 staffing", "Therapy"]
    november = selectors.residential_tracker(2026, 11, TODAY)
    assert november.as_at == TODAY
    assert [line.description for line in november.placements.get().additional_lines] == ["Therapy"]


def test_the_periods_are_the_month_the_year_to_date_and_three_earlier_years():
    tracker = selectors.residential_tracker(2024, 3, TODAY)
    assert [p.label for p in tracker.periods] == ["March 2024", "2023/24 to 31 March", "2022/23", "2021/22", "2020/21"]


def test_the_page_and_the_command_agree(client, director):
    make_placement(make_child(case_ref="R2", date_of_birth=date(2010, 1, 1)), make_provider(),
                   start=date(2024, 3, 5), came_from=CameFrom.HOME)
    client.force_login(director)
    page = client.get(reverse("tracker_residential"), {"month": "2024-03"})
    out = io.StringIO()
    call_command("residential_tracker", "--month", "2024-03", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["children_in_residential"] == page.context["children"] == 1
    assert data["new_residential_placements"][0]["summary"] == page.context["tracker"].periods[0].summary()
    assert "March 2024: 1 placed; 100% (1) came from home" in page.content.decode()


@pytest.mark.parametrize("bad", ["2024-13", "March", "24-03", "2024/03"])
def test_a_bad_month_is_a_clear_error_with_exit_code_2(bad):
    with pytest.raises(CommandError) as error:
        call_command("residential_tracker", "--month", bad)
    assert error.value.returncode == 2
    assert "YYYY-MM" in str(error.value)


def test_a_bad_month_on_the_page_shows_an_error(client, director):
    client.force_login(director)
    response = client.get(reverse("tracker_residential"), {"month": "2024-13"})
    assert response.status_code == 200
    assert "Enter a month as YYYY-MM" in response.content.decode()
