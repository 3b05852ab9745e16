"""Data as at (SPEC section 3): figures default to the last day the imported returns cover, and say so."""

from datetime import date

import pytest
from django.urls import reverse

from placements.coverage import DataCoverage
from tests.placements.test_import_ssda903 import episode, episodes, header, run


def test_with_no_returns_the_data_is_as_at_today():
    coverage = DataCoverage(today=date(2026, 12, 1))
    assert (coverage.as_at, coverage.is_behind, coverage.returns_label) == (date(2026, 12, 1), False, "")
    assert coverage.last_complete_week_ending() == date(2026, 11, 29)


def test_returns_that_end_before_today_set_the_day_and_the_last_whole_week():
    coverage = DataCoverage(today=date(2026, 12, 1), return_years=(2017, 2018, 2019, 2020, 2021))
    assert (coverage.returns_end, coverage.as_at, coverage.is_behind) == (date(2022, 3, 31), date(2022, 3, 31), True)
    assert coverage.returns_label == "2017/18 to 2021/22"
    assert coverage.last_complete_week_ending() == date(2022, 3, 27)  # 31 March 2022 was a Thursday


def test_a_return_ending_on_a_sunday_makes_that_sunday_the_last_whole_week():
    coverage = DataCoverage(today=date(2026, 12, 1), return_years=(2019,))  # 31 March 2020, a Tuesday
    assert coverage.last_complete_week_ending() == date(2020, 3, 29)
    assert DataCoverage(today=date(2026, 12, 1), return_years=(2024,)).last_complete_week_ending() == date(2025, 3, 30)
    assert DataCoverage(today=date(2026, 12, 1), return_years=(2014,)).last_complete_week_ending() == date(2015, 3, 29)


def test_a_gap_in_the_returns_is_said_and_a_current_return_leaves_the_day_at_today():
    assert DataCoverage(today=date(2026, 12, 1), return_years=(2017, 2019)).returns_label == "2017/18, 2019/20"
    current = DataCoverage(today=date(2026, 12, 1), return_years=(2026,))
    assert (current.as_at, current.is_behind, current.returns_label) == (date(2026, 12, 1), False, "2026/27")


@pytest.mark.django_db
@pytest.mark.parametrize("url_name, shows", [
    ("tracker_weekly", "week ending 27 March 2022"),
    ("tracker_unregulated", "week ending 27 March 2022"),
    ("tracker_residential", "March 2022"),
    ("tracker_dashboard", "Data as at 31 March 2022"),
    ("home", "Children's placements on 31 March 2022"),
])
def test_every_page_of_figures_defaults_to_the_end_of_the_returns_and_says_so(admin_client, url_name, shows):
    run(header("C1,1,15/06/2010,WBRI,,,"), episodes(episode(decom="01/06/2021", place="U4", provider="PR1")))
    page = admin_client.get(reverse(url_name)).content.decode()
    assert "Data as at 31 March 2022" in page
    assert "2021/22" in page
    assert shows in page


@pytest.mark.django_db
def test_the_home_page_of_an_authority_without_returns_is_today(admin_client):
    page = admin_client.get(reverse("home")).content.decode()
    assert "from the records kept in this app" in page
    assert "Children's placements today" in page


@pytest.mark.django_db
def test_without_cost_lines_the_pages_say_why_spend_is_nothing(admin_client):
    run(header("C1,1,15/06/2010,WBRI,,,"), episodes(episode(decom="01/06/2021", place="U4", provider="PR1")))
    for name in ("tracker_weekly", "home"):
        assert "No cost lines are recorded yet" in admin_client.get(reverse(name)).content.decode()
