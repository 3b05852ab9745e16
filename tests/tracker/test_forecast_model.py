"""The projection, its interval, the backtest and the scenarios, on hand-made histories (no database)."""

from datetime import date

import numpy as np
import pytest

from placements import rules
from placements.choices import PlacementCategory
from tracker.forecast import costs
from tracker.forecast.backtest import backtest, mean_abs_pct_error
from tracker.forecast.history import N_STATES, OUT, History, category_index, state_of
from tracker.forecast.model import Rates, fit_rates, history_is_enough, project, projection, transition_matrix
from tracker.forecast.scenarios import ScenarioSettings, monthly_chance

FOSTERING = category_index(PlacementCategory.FOSTERING_INTERNAL)
AGENCY = category_index(PlacementCategory.FOSTERING_IFA)
RESIDENTIAL = category_index(PlacementCategory.RESIDENTIAL)
OLDEST = 4  # 16 and over: no ageing out of the band


def month_ends(count: int, first: date = date(2022, 1, 31)) -> tuple[date, ...]:
    ends, day = [], first
    for _ in range(count):
        ends.append(day)
        day = rules.add_months(day.replace(day=1), 2).replace(day=1)
        day = date.fromordinal(day.toordinal() - 1)
    return tuple(ends)


def steady_history(months: int = 30, stock: int = 100, turnover: int = 2, state: int = state_of(OLDEST, FOSTERING)):
    """``stock`` children in one state every month end: each month ``turnover`` leave and as many come in."""
    rows = []
    for child in range(stock):  # the children there at the start; the first `turnover` a month leave in turn
        leaves = child // turnover + 1
        rows.append([state if month < leaves else OUT for month in range(months)])
    for month in range(1, months):  # newcomers replace them and stay
        for _ in range(turnover):
            rows.append([OUT if m < month else state for m in range(months)])
    return History(month_ends(months), np.array(rows, dtype=np.int64))


def test_the_steady_history_is_steady():
    stock = steady_history().stock
    assert (stock[:, state_of(OLDEST, FOSTERING)] == 100).all()


def test_a_steady_state_stays_steady():
    history = steady_history()
    result = projection(history, months=36, reference_months=24, runs=50)
    fostering = result.expected[PlacementCategory.FOSTERING_INTERNAL]
    assert fostering.to_numpy() == pytest.approx(100, abs=1e-6)
    assert (result.lower[PlacementCategory.FOSTERING_INTERNAL] <= 100).all()
    assert (result.upper[PlacementCategory.FOSTERING_INTERNAL] >= 100).all()
    assert result.expected.drop(columns=PlacementCategory.FOSTERING_INTERNAL).to_numpy().sum() == 0


def test_the_interval_widens_with_the_horizon_and_holds_the_expected_line():
    result = projection(steady_history(), months=24, reference_months=24, runs=100)
    category = PlacementCategory.FOSTERING_INTERNAL
    width = (result.upper[category] - result.lower[category]).to_numpy()
    assert width[-1] > width[0]
    assert ((result.lower <= result.expected) & (result.expected <= result.upper)).all().all()


def test_each_transition_matrix_row_sums_to_one():
    matrix = transition_matrix(fit_rates(steady_history().flows))
    assert matrix.shape == (N_STATES, N_STATES + 1)
    assert np.allclose(matrix.sum(axis=1), 1)


def test_projection_by_hand_one_month():
    rates = Rates(entries=np.zeros(N_STATES), exits=np.full(N_STATES, 0.1), moves=np.zeros((N_STATES, 9)),
                  ageing=np.zeros(N_STATES))
    rates.moves[:, FOSTERING] = 1.0
    stock = np.zeros(N_STATES)
    stock[state_of(OLDEST, FOSTERING)] = 50
    # A tenth leave each month: 45, then 40.5.
    assert project(stock, rates, 2)[:, state_of(OLDEST, FOSTERING)].tolist() == pytest.approx([45, 40.5])


def residential_history(months: int = 30, children: int = 60) -> History:
    """Children aged 14 (10 to 15) in residential care who stay all through."""
    state = state_of(3, RESIDENTIAL)
    return History(month_ends(months), np.full((children, months), state, dtype=np.int64))


def test_a_step_down_scenario_moves_children_from_residential_to_fostering():
    history = residential_history()
    baseline = projection(history, months=12, reference_months=24, runs=20)
    settings = ScenarioSettings(step_down_share=50, step_down_age=12)
    scenario = projection(history, months=12, reference_months=24, runs=20, adjust=settings.adjust_rates)
    residential, fostering = PlacementCategory.RESIDENTIAL, PlacementCategory.FOSTERING_INTERNAL
    assert baseline.expected[residential].iloc[-1] == pytest.approx(60)
    # Half a year's step-down: after twelve months half of them are in fostering; no child is lost.
    assert scenario.expected[residential].iloc[-1] == pytest.approx(30, rel=0.05)
    assert scenario.expected[fostering].iloc[-1] == pytest.approx(30, rel=0.05)
    assert scenario.expected.iloc[-1].sum() == pytest.approx(60)


def test_a_step_down_from_an_age_leaves_younger_bands_alone():
    history = residential_history()  # aged 10 to 15
    settings = ScenarioSettings(step_down_share=50, step_down_age=16)
    scenario = projection(history, months=12, reference_months=24, runs=5, adjust=settings.adjust_rates)
    assert scenario.expected[PlacementCategory.RESIDENTIAL].iloc[-1] == pytest.approx(60)


def test_entries_multiplied_and_added_change_the_children_coming_in():
    rates = fit_rates(steady_history().flows)
    changed = ScenarioSettings(entry_multiplier=1.5, entries_added=1).adjust_rates(rates)
    assert changed.entries.sum() == pytest.approx(rates.entries.sum() * 1.5 + 1)  # 2 × 1.5 + 1 = 4 a month
    assert rates.entries.sum() == pytest.approx(2)


def test_in_house_places_added_take_agency_fostering_over_the_first_year():
    expected = np.zeros((13, 9))
    expected[:, AGENCY] = 10
    shifted = ScenarioSettings(in_house_carers_added=12).shift_in_house(expected)
    assert shifted[0, FOSTERING] == pytest.approx(1)  # one a month recruited
    assert shifted[5, AGENCY] == pytest.approx(4)
    assert shifted[12, AGENCY] == 0  # never below none
    assert shifted.sum() == pytest.approx(expected.sum())


def test_a_share_a_year_becomes_the_monthly_chance_that_makes_it():
    chance = monthly_chance(19)
    assert 1 - (1 - chance) ** 12 == pytest.approx(0.19)
    assert monthly_chance(0) == 0


def test_settings_survive_being_saved_as_json():
    settings = ScenarioSettings(entry_multiplier=1.2, step_down_share=20, step_down_age=14,
                                uplifts=(("residential", 5.0),))
    assert ScenarioSettings.from_json(settings.to_json()) == settings
    assert ScenarioSettings.from_json({}).is_baseline


def test_the_mean_absolute_percentage_error_by_hand():
    assert mean_abs_pct_error([110, 90], [100, 100]) == pytest.approx(10)
    assert mean_abs_pct_error([5, 1], [0, 2]) == pytest.approx(50)  # the month with none left out
    assert mean_abs_pct_error([1], [0]) is None


def test_the_backtest_of_a_steady_history_misses_by_nothing():
    rows = backtest(steady_history(), reference_months=24, runs=20)
    assert [row.category for row in rows] == [PlacementCategory.FOSTERING_INTERNAL]
    assert rows[0].mean_abs_pct_error == pytest.approx(0, abs=1e-6)
    assert rows[0].within_interval == 100


def test_a_history_shorter_than_two_years_gives_no_forecast_and_says_why():
    enough, reason = history_is_enough(steady_history(months=24))  # 23 months of flows
    assert not enough
    assert "covers 23 months" in reason and "needs 24" in reason
    assert history_is_enough(steady_history(months=25)) == (True, "")
    assert not history_is_enough(None)[0]


def test_fees_rise_by_the_uplift_each_first_of_april():
    origin = date(2026, 11, 30)
    assert costs.uplift_factor(date(2027, 3, 31), origin, 5) == 1
    assert costs.uplift_factor(date(2027, 4, 30), origin, 5) == pytest.approx(1.05)
    assert costs.uplift_factor(date(2028, 4, 30), origin, 5) == pytest.approx(1.1025)


def test_all_childrens_interval_comes_from_the_runs_not_the_sum_of_the_categories():
    fostered, residential = steady_history(), steady_history(state=state_of(OLDEST, RESIDENTIAL))
    both = History(fostered.month_ends, np.vstack([fostered.states, residential.states]))
    result = projection(both, months=24, reference_months=24, runs=100)
    total = result.expected.sum(axis=1).to_numpy()
    assert (result.total_lower <= total).all() and (total <= result.total_upper).all()
    summed_width = (result.upper - result.lower).sum(axis=1).to_numpy()
    assert ((result.total_upper - result.total_lower) < summed_width)[-1]
