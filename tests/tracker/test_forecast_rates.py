"""Each rate of the forecast on small hand-made histories whose answers are known by hand."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from placements.choices import PlacementCategory
from tracker.forecast import rates
from tracker.forecast.history import (N_STATES, OUT, History, age_band_index, category_index, month_ends_between,
                                      state_of, states_from_frame)

FOSTERING = category_index(PlacementCategory.FOSTERING_INTERNAL)
AGENCY = category_index(PlacementCategory.FOSTERING_IFA)
RESIDENTIAL = category_index(PlacementCategory.RESIDENTIAL)
MONTHS = (date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31))


def history(*children) -> History:
    """Each child as their state at each month end (``OUT`` when not looked after)."""
    return History(MONTHS[:len(children[0])], np.array(children, dtype=np.int64))


def test_entries_are_the_mean_children_coming_into_each_state_a_month():
    fostered, residential = state_of(1, FOSTERING), state_of(2, RESIDENTIAL)
    flows = history([OUT, OUT, fostered], [OUT, fostered, fostered], [OUT, residential, residential]).flows
    entries = rates.entry_rates(flows)
    assert entries[fostered] == 1.0  # one in February, one in March
    assert entries[residential] == 0.5  # one in two months
    assert entries.sum() == 1.5


def test_the_exit_rate_is_exits_over_the_child_months_in_the_state():
    state = state_of(3, RESIDENTIAL)
    children = [[state, state, state]] * 2 + [[state, OUT, OUT], [state, state, OUT]]
    exits = rates.exit_rates(history(*children).flows)
    # 4 children in January, 3 in February: 7 child-months, 2 exits.
    assert exits[state] == pytest.approx(2 / 7)


def test_a_state_with_no_children_takes_its_age_bands_exit_rate_then_everyones():
    held, empty_same_band, empty_other_band = state_of(3, RESIDENTIAL), state_of(3, AGENCY), state_of(0, AGENCY)
    exits = rates.exit_rates(history([held, OUT, OUT], [held, held, held]).flows)
    assert exits[held] == pytest.approx(1 / 3)
    assert exits[empty_same_band] == pytest.approx(1 / 3)
    assert exits[empty_other_band] == pytest.approx(1 / 3)  # everyone's, when the band is empty too


def test_a_move_between_categories_is_counted_among_the_children_who_stayed():
    residential, agency = state_of(3, RESIDENTIAL), state_of(3, AGENCY)
    children = [[residential, agency]] + [[residential, residential]] * 3 + [[residential, OUT]]
    moves = rates.category_move_rates(history(*children).flows)
    assert moves[residential, AGENCY] == pytest.approx(0.25)  # 1 of the 4 who stayed
    assert moves[residential, RESIDENTIAL] == pytest.approx(0.75)
    assert moves[residential].sum() == pytest.approx(1.0)


def test_a_state_no_child_stayed_in_keeps_its_category():
    moves = rates.category_move_rates(history([OUT, OUT]).flows)
    assert np.allclose(moves.sum(axis=1), 1)
    assert moves[state_of(2, AGENCY), AGENCY] == 1.0


def test_ageing_is_the_share_of_the_children_who_stayed_who_moved_up_a_band():
    five_to_nine, ten_to_fifteen = state_of(2, FOSTERING), state_of(3, FOSTERING)
    children = [[five_to_nine, ten_to_fifteen]] + [[five_to_nine, five_to_nine]] * 9
    ageing = rates.ageing_rates(history(*children).flows)
    assert ageing[five_to_nine] == pytest.approx(0.1)


def test_ageing_falls_back_to_one_over_the_bands_months_and_the_last_band_never_ages():
    ageing = rates.ageing_rates(history([OUT, OUT]).flows)
    assert ageing[state_of(2, FOSTERING)] == pytest.approx(1 / 60)  # 5 to 9: five years
    assert ageing[state_of(0, FOSTERING)] == pytest.approx(1 / 12)  # under 1
    assert ageing[state_of(4, FOSTERING)] == 0.0


def test_age_bands_change_on_the_birthday():
    born = np.array(["2010-06-15", "2026-01-01", "2021-06-30"], dtype="datetime64[D]")
    assert age_band_index(born, date(2026, 6, 14)).tolist() == [3, 0, 1]  # 15, 0, 4
    assert age_band_index(born, date(2026, 6, 15)).tolist() == [4, 0, 1]  # 16 on the day
    assert age_band_index(born, date(2026, 6, 30)).tolist() == [4, 0, 2]  # 5 on the day


def test_a_childs_state_comes_from_the_segment_covering_the_month_end():
    frame = pd.DataFrame({
        "child_id": [1, 1, 2],
        "date_of_birth": pd.to_datetime(["2012-03-01", "2012-03-01", "2020-01-01"]),
        "start": pd.to_datetime(["2024-01-10", "2024-02-29", "2024-02-01"]),
        "looked_after_until": pd.to_datetime(["2024-02-29", "2024-04-01", "2024-03-31"]),
        "category": [PlacementCategory.RESIDENTIAL, PlacementCategory.FOSTERING_IFA, PlacementCategory.FOSTERING_INTERNAL],
    })
    states = states_from_frame(frame, list(MONTHS)).states
    # Child 1 moves on 29 February (the day the first segment ends, exclusive); child 2 leaves on 31 March.
    assert states[0].tolist() == [state_of(3, RESIDENTIAL), state_of(3, AGENCY), state_of(3, AGENCY)]
    assert states[1].tolist() == [OUT, state_of(1, FOSTERING), OUT]


def test_month_ends_run_from_the_first_days_month_to_the_last_whole_month():
    assert month_ends_between(date(2024, 1, 15), date(2024, 4, 29)) == [
        date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)]
    assert month_ends_between(date(2024, 1, 15), date(2024, 1, 30)) == []


def test_no_history_gives_no_flows_and_no_entries():
    empty = History((date(2024, 1, 31),), np.zeros((0, 1), dtype=np.int64))
    assert empty.flows.shape == (0, N_STATES + 1, N_STATES + 1)
    assert rates.entry_rates(empty.flows).sum() == 0
