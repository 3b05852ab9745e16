"""Who is looked after, and in which placement: ``placements.care`` on small hand-made records.

The pure rule first (no database), then the cases of real returns through the SSDA903 import: a change of
legal status into and out of a short break inside one placement, PLACE_PROVIDER with no provider record,
overlapping records, a child missing from the next return, and a first return that begins mid-placement.
"""

from datetime import date

import pytest

from placements.care.segments import PlacementFacts, Segment, StatusPeriod, care_segments, records_begin
from placements.choices import CameFrom
from placements.models import CareSegment, Child, Placement
from tests.placements.test_import_ssda903 import episode, episodes, header, run
from tracker import rules as tracker_rules
from tracker.selectors import care_events_between, new_residential, open_placements, week_figures

BORN = date(2010, 6, 15)


def facts(pk, start, end=None, status="C2"):
    return PlacementFacts(pk, start, end, status)


# --- The rule itself ---------------------------------------------------------------------


def test_a_placement_is_one_segment_until_the_18th_birthday():
    assert care_segments(date_of_birth=BORN, placements=[facts(1, date(2024, 1, 1))]) == [
        Segment(1, date(2024, 1, 1), date(2028, 6, 15), "C2")]


def test_a_change_into_a_short_break_inside_a_placement_stops_the_looked_after_days_and_out_of_one_starts_them():
    periods = [StatusPeriod(date(2024, 1, 1), date(2024, 3, 1), "C2"), StatusPeriod(date(2024, 3, 1), date(2024, 5, 1), "V3"),
               StatusPeriod(date(2024, 5, 1), None, "V2")]
    assert care_segments(date_of_birth=BORN, placements=[facts(1, date(2024, 1, 1), status="C2")],
                         legal_status_periods=periods) == [
        Segment(1, date(2024, 1, 1), date(2024, 3, 1), "C2"),
        Segment(1, date(2024, 5, 1), date(2028, 6, 15), "V2"),
    ]


def test_overlapping_records_give_the_later_start_and_never_two_segments_on_a_day():
    segments = care_segments(date_of_birth=BORN, placements=[facts(1, date(2024, 1, 1), date(2024, 6, 1)),
                                                             facts(2, date(2024, 3, 1), date(2024, 4, 1))])
    assert segments == [Segment(1, date(2024, 1, 1), date(2024, 3, 1), "C2"), Segment(2, date(2024, 3, 1), date(2024, 4, 1), "C2"),
                        Segment(1, date(2024, 4, 1), date(2024, 6, 1), "C2")]


def test_two_placements_starting_the_same_day_go_to_the_later_record():
    segments = care_segments(date_of_birth=BORN, placements=[facts(7, date(2024, 1, 1)), facts(3, date(2024, 1, 1))])
    assert [s.placement_id for s in segments] == [7]


def test_the_records_begin_on_the_first_episode_only_when_it_is_not_a_start():
    assert records_begin([(date(2020, 5, 1), "P"), (date(2020, 1, 1), "L")]) == date(2020, 1, 1)
    assert records_begin([(date(2020, 1, 1), "S")]) is None
    assert records_begin([]) is None
    segments = care_segments(date_of_birth=BORN, placements=[facts(1, date(2020, 1, 1))], records_began=date(2020, 1, 1))
    assert segments[0].before_records


def test_rule_t_counts_no_start_on_the_first_day_of_the_records_and_a_move_only_between_placements():
    segments = [Segment(1, date(2024, 1, 1), date(2024, 1, 3), "C2", before_records=True),
                Segment(1, date(2024, 1, 3), date(2024, 1, 5), "C1"),  # legal status only: not a move
                Segment(2, date(2024, 1, 5), date(2024, 1, 6), "C1"),  # a move
                Segment(3, date(2024, 1, 6), date(2024, 1, 7), "C1")]  # into a temporary placement: not a move
    events = tracker_rules.care_events(9, segments, {3}, date(2024, 1, 1), date(2024, 1, 31))
    assert [(e.kind, e.day, e.placement_id, e.previous_placement_id) for e in events] == [
        ("move", date(2024, 1, 5), 2, 1), ("cease", date(2024, 1, 7), 3, None)]


# --- Real returns, through the import ------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_an_l_episode_into_a_short_break_and_out_of_it_inside_one_placement_is_counted_by_the_day():
    run(header("C1,1,15/06/2010,WBRI,,,"),
        episodes(episode(decom="01/01/2021", rne="S", ls="C2", place="U5", provider="PR4", dec="01/03/2021"),
                 episode(decom="01/03/2021", rne="L", ls="V4", place="U5", provider="PR4", dec="01/05/2021"),
                 episode(decom="01/05/2021", rne="L", ls="C2", place="U5", provider="PR4")))
    assert Placement.objects.count() == 1
    assert week_figures(date(2021, 2, 28)).looked_after == 1
    assert week_figures(date(2021, 3, 7)).looked_after == 0
    assert week_figures(date(2021, 3, 7)).ceases == 1  # the short break began on Monday 1 March
    week = week_figures(date(2021, 5, 2))  # Saturday 1 May, out of the short break: looked after again
    assert (week.looked_after, week.starts, week.moves) == (1, 1, 0)
    assert [(e.kind, e.day) for e in care_events_between(date(2021, 4, 26), date(2021, 5, 2))] == [
        ("start", date(2021, 5, 1))]


@pytestmark_db
def test_pr4_with_no_urn_is_external_and_pr1_internal_and_pr0_neither():
    run(header("C1,1,15/06/2010,WBRI,,,", "C2,1,15/06/2010,WBRI,,,", "C3,1,15/06/2010,WBRI,,,"),
        episodes(episode(child="C1", place="K2", provider="PR4"), episode(child="C2", place="U4", provider="PR1"),
                 episode(child="C3", place="P1", provider="PR0")))
    by_child = {p.child.case_ref: p.internal_or_external for p in open_placements(date(2024, 1, 7))}
    assert by_child == {"C1": "external", "C2": "internal", "C3": None}


@pytestmark_db
def test_overlapping_records_count_the_child_once_in_the_placement_that_started_last():
    run(header("C1,1,15/06/2010,WBRI,,,"),
        episodes(episode(decom="01/01/2021", place="K2", provider="PR4", dec="01/06/2021", rec="E11"),
                 episode(decom="01/03/2021", rne="P", place="U4", provider="PR1")))
    rows = list(open_placements(date(2021, 3, 7)))
    assert [(r.child.case_ref, r.category) for r in rows] == [("C1", "fostering_internal")]
    assert week_figures(date(2021, 3, 7)).looked_after == 1
    assert week_figures(date(2021, 3, 7)).moves == 1


@pytestmark_db
def test_a_child_open_at_the_end_of_a_return_and_missing_from_the_next_stays_looked_after_as_last_known():
    run(header("C1,1,15/06/2010,WBRI,,,"), episodes(episode(decom="01/01/2021", place="U4", provider="PR1")))
    run(header("C2,1,15/06/2010,WBRI,,,"), episodes(episode(child="C2", decom="01/06/2021", place="U4", provider="PR1",
                                                            dec="01/07/2021", rec="E11")))
    assert week_figures(date(2022, 3, 27)).looked_after == 1  # C1, as last known: no leaving date is guessed


@pytestmark_db
def test_a_first_return_beginning_mid_placement_is_no_start_no_new_placement_and_not_from_home():
    run(header("C1,1,15/06/2008,WBRI,,,", "C2,1,15/06/2008,WBRI,,,"),
        episodes(episode(child="C1", decom="01/04/2021", rne="L", ls="C2", place="K2", provider="PR4"),
                 episode(child="C2", decom="02/04/2021", rne="P", ls="C2", place="K2", provider="PR4")))
    c1 = Placement.objects.get(child__case_ref="C1")
    c2 = Placement.objects.get(child__case_ref="C2")
    assert (c1.began_before_records, c1.came_from) == (True, CameFrom.NOT_KNOWN)
    assert (c2.began_before_records, c2.came_from) == (False, CameFrom.NOT_KNOWN)
    week = week_figures(date(2021, 4, 4))
    assert (week.looked_after, week.starts, week.moves) == (2, 0, 0)
    [april] = new_residential([("April 2021", date(2021, 4, 1), date(2021, 4, 30))])
    assert april.total == 1  # C2's placement is new; C1's was running before the records began
    assert CareSegment.objects.filter(before_records=True).count() == 2


@pytestmark_db
def test_a_new_child_in_the_records_who_started_then_is_a_start():
    run(header("C1,1,15/06/2008,WBRI,,,"), episodes(episode(child="C1", decom="01/04/2021", rne="S", place="K2",
                                                            provider="PR4")))
    assert week_figures(date(2021, 4, 4)).starts == 1
    assert Child.objects.get().care_segments.get().before_records is False
