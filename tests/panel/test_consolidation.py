"""Consolidation meetings' shares by period (paper 002, paragraph 84): outcomes counted in the period of
the meeting, boundaries included, and outcomes not known yet said rather than counted."""

from datetime import date

import pytest

from panel.models import ConsolidationMeeting
from panel.selectors import consolidation_figures
from tests.factories import make_child, make_placement

pytestmark = pytest.mark.django_db


def meeting(number, day, outcome=""):
    child = make_child(case_ref=f"CM{number}")
    placement = make_placement(child, None, start=date(2022, 1, 1))
    ConsolidationMeeting.objects.create(child=child, placement=placement, date=day, outcome=outcome,
                                        outcome_date=day if outcome else None)


def test_shares_count_the_meetings_of_each_period_including_its_first_and_last_day():
    meeting(1, date(2024, 4, 1), "maintained")  # the first day of 2024/25 and of its first quarter
    meeting(2, date(2024, 6, 30), "maintained")  # the last day of quarter 1
    meeting(3, date(2024, 7, 1), "ended")  # quarter 2
    meeting(4, date(2024, 8, 1))  # no outcome yet
    meeting(5, date(2024, 3, 31), "ended")  # the last day of 2023/24
    figures = {figure.label: figure for figure in consolidation_figures(date(2024, 9, 15))}
    assert list(figures) == ["Quarter 1 2024/25", "Quarter 2 2024/25", "Year 2024/25", "Year 2023/24", "Year 2022/23"]
    assert (figures["Quarter 1 2024/25"].maintained, figures["Quarter 1 2024/25"].ended) == (2, 0)
    assert figures["Quarter 2 2024/25"].summary() == "Quarter 2 2024/25: 0% (0 children) maintained their placements; " \
                                                     "1 outcome not known yet"
    assert figures["Year 2024/25"].summary() == "Year 2024/25: 67% (2 children) maintained their placements; " \
                                                "1 outcome not known yet"
    assert figures["Year 2023/24"].summary() == "Year 2023/24: 0% (0 children) maintained their placements"
    assert figures["Year 2022/23"].summary() == "Year 2022/23: no outcomes recorded yet"


def test_the_page_shows_maintained_ended_and_unknown_and_the_share_of_the_known_only(client, chair):
    meeting(1, date(2024, 4, 1), "maintained")
    meeting(2, date(2024, 4, 2), "ended")
    for number in range(3, 8):
        meeting(number, date(2024, 4, 3))  # five outcomes not known yet
    client.force_login(chair)
    from django.urls import reverse

    page = client.get(reverse("panel_consolidation")).content.decode()
    assert "Not yet known" in page and "50% (1 of 2 known outcomes)" in page
