"""Rule T on one child and one week, as plain values."""

from datetime import date

import pytest

from placements.choices import LegalStatus
from tracker import rules
from tracker.rules import CEASE, MOVE, START, PlacementSpan

SUNDAY = date(2024, 3, 10)  # the week Monday 4 to Sunday 10 March 2024
BORN = date(2010, 1, 1)


def span(pk, start, end=None, legal_status=LegalStatus.C2, place_code="U4"):
    return PlacementSpan(pk, start, end, legal_status, place_code)


def kinds(placements, born=BORN):
    return [(event.kind, event.day) for event in rules.week_events(1, born, placements, SUNDAY)]


def test_a_move_on_a_monday_is_one_move_and_no_start_or_cease():
    placements = [span(1, date(2023, 1, 1), date(2024, 3, 4)), span(2, date(2024, 3, 4))]
    assert kinds(placements) == [(MOVE, date(2024, 3, 4))]


def test_a_move_on_the_monday_after_the_week_is_not_in_the_week():
    placements = [span(1, date(2023, 1, 1), date(2024, 3, 11)), span(2, date(2024, 3, 11))]
    assert kinds(placements) == []


def test_a_cease_on_a_sunday_counts_in_that_week():
    assert kinds([span(1, date(2023, 1, 1), SUNDAY)]) == [(CEASE, SUNDAY)]


def test_a_child_who_left_on_the_monday_before_the_week_is_not_a_cease_this_week():
    assert kinds([span(1, date(2023, 1, 1), date(2024, 3, 3))]) == []


def test_a_start_on_the_first_day_of_the_week():
    assert kinds([span(1, date(2024, 3, 4))]) == [(START, date(2024, 3, 4))]


def test_going_into_and_returning_from_a_temporary_placement_is_not_a_move():
    placements = [
        span(1, date(2023, 1, 1), date(2024, 3, 5)),
        span(2, date(2024, 3, 5), date(2024, 3, 7), place_code="T1"),
        span(3, date(2024, 3, 7)),
    ]
    assert kinds(placements) == []


def test_a_short_break_is_neither_a_start_nor_looked_after():
    placements = [span(1, date(2024, 3, 5), date(2024, 3, 8), legal_status=LegalStatus.V3)]
    assert kinds(placements) == []


def test_a_child_who_leaves_and_comes_back_in_the_same_week_is_one_cease_and_one_start():
    placements = [span(1, date(2023, 1, 1), date(2024, 3, 5)), span(2, date(2024, 3, 7))]
    assert kinds(placements) == [(CEASE, date(2024, 3, 5)), (START, date(2024, 3, 7))]


def test_an_18th_birthday_in_the_week_is_a_cease_on_the_birthday():
    born = date(2006, 3, 6)
    assert kinds([span(1, date(2020, 1, 1))], born=born) == [(CEASE, date(2024, 3, 6))]


def test_a_legal_status_change_into_a_short_break_ends_being_looked_after():
    placements = [span(1, date(2023, 1, 1), date(2024, 3, 6)), span(2, date(2024, 3, 6), legal_status="V4")]
    assert kinds(placements) == [(CEASE, date(2024, 3, 6))]


@pytest.mark.parametrize("age, band", [(10, "10 and under"), (11, "11-13"), (13, "11-13"), (14, "14-15"),
                                       (15, "14-15"), (16, "16+"), (17, "16+")])
def test_residential_age_bands_are_the_papers(age, band):
    assert rules.residential_age_band(age) == band


def events(placements, born=BORN):
    """Each event with the placement the child is in (or left) and, for a move, the one they left."""
    return [(e.kind, e.day, e.placement_id, e.previous_placement_id)
            for e in rules.week_events(1, born, placements, SUNDAY)]


def test_a_move_names_the_placement_left_and_the_placement_joined():
    placements = [span(4, date(2023, 1, 1), date(2024, 3, 6)), span(9, date(2024, 3, 6))]
    assert events(placements) == [(MOVE, date(2024, 3, 6), 9, 4)]


def test_where_records_overlap_the_placement_that_started_last_is_the_one_the_child_is_in():
    """9 started last: the child moves into it, and back into 4 (still open) when it ends. The records' order
    (primary keys) decides only between placements starting the same day."""
    placements = [span(4, date(2023, 1, 1)), span(9, date(2024, 3, 5), date(2024, 3, 8)), span(2, date(2022, 1, 1))]
    assert events(placements) == [(MOVE, date(2024, 3, 5), 9, 4), (MOVE, date(2024, 3, 8), 4, 9)]
    assert rules.placement_on(BORN, placements, date(2024, 3, 6)).pk == 9
    assert rules.placement_on(BORN, placements, date(2024, 3, 9)).pk == 4
    same_day = [span(3, date(2024, 3, 5)), span(8, date(2024, 3, 5))]
    assert rules.placement_on(BORN, same_day, date(2024, 3, 6)).pk == 8


def test_a_cease_names_the_placement_left():
    assert events([span(6, date(2023, 1, 1), date(2024, 3, 7))]) == [(CEASE, date(2024, 3, 7), 6, None)]
