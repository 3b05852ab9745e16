"""The figures are true on a third party's returns: the weekly tracker, the placement mix and the
internal/external split on five years of Data to Insight's synthetic SSDA903 sample, against
``tests.ssda903_recount``, a plain day-by-day recount from the CSV files that shares no code with the app.
"""

import csv
from collections import Counter
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from panel.selectors import agenda_candidates
from placements.choices import PlacementCategory
from placements.imports import SourceFile
from placements.imports.ssda903 import ssda903_apply, ssda903_plan
from placements.models import Child
from tests import ssda903_recount as recount
from tracker import dashboard, frames
from tracker.rules import CEASE, MOVE, START
from tracker.selectors import (care_events_between, moves_by_child, open_placements, residential_placements,
                               week_figures)

pytestmark = pytest.mark.django_db

RETURNS = Path(__file__).parent.parent / "data" / "ssda903" / "demand-model-v1"
FIRST_SUNDAY = date(2017, 4, 2)
LAST_SUNDAY = date(2022, 3, 27)


@pytest.fixture(scope="module")
def children():
    return recount.read_children(RETURNS)


@pytest.fixture
def imported():
    """The five years imported in turn, as an analyst loads them."""
    for year in sorted(p for p in RETURNS.iterdir() if p.is_dir()):
        files = [SourceFile(f"{year.name}/{path.name}", path.read_bytes()) for path in sorted(year.glob("*.csv"))]
        result = ssda903_apply(ssda903_plan(files, today=date(2026, 12, 1)))
        assert result.applied, result.errors


def sundays(every: int = 1):
    day = FIRST_SUNDAY
    while day <= LAST_SUNDAY:
        yield day
        day += timedelta(days=7 * every)


def test_every_week_of_five_years_counts_as_the_return_does(imported, children):
    """Looked after, starts, ceases and moves, each of the 261 weeks, as the recount gives them."""
    wrong = []
    for sunday in sundays():
        expected = recount.week(children, sunday)
        figures = week_figures(sunday)
        got = (figures.looked_after, figures.starts, figures.ceases, figures.moves)
        want = (expected.looked_after, expected.starts, expected.ceases, expected.moves)
        if got != want:
            wrong.append((sunday, want, got))
    assert wrong == []


def test_the_placement_mix_and_the_internal_external_split_count_each_child_once(imported, children):
    """On five days across the years: children by category and by internal/external/neither, as the recount."""
    for on in [date(2017, 4, 30), date(2018, 3, 31), date(2019, 9, 30), date(2021, 3, 31), date(2022, 3, 27)]:
        mix = dashboard.mix_by_month([on]).iloc[0]
        want_mix = recount.mix(children, on)
        assert set(want_mix) <= set(PlacementCategory.values)
        assert {c: int(mix[PlacementCategory(c).label]) for c in PlacementCategory.values} == {
            c: want_mix.get(c, 0) for c in PlacementCategory.values}, on
        split = dashboard.ownership_by_month([on]).iloc[0]
        want = recount.ownership(children, on)
        assert (int(split["internal"]), int(split["external"]), int(split["neither"])) == (
            want["internal"], want["external"], want["neither"]), on

    sunday = date(2018, 9, 30)  # the weekly tracker's table: one row per child, internal/external from PR codes
    rows = list(open_placements(sunday))
    assert len(rows) == len({row.child_id for row in rows}) == recount.week(children, sunday).looked_after
    assert {row.internal_or_external for row in rows} == {"internal", "external", None}


# --- One definition, the same numbers everywhere -----------------------------------------------

YEAR_FIRST, YEAR_LAST = date(2018, 4, 2), date(2019, 3, 31)  # 52 whole weeks, Monday to Sunday


def test_the_trackers_dashboard_and_commands_agree_over_a_year_of_weeks(imported, children):
    """The weekly tracker's figures, its table and its command, the residential tracker and the dashboard's
    mix give the same children each Sunday of 2018/19; the year's starts, ceases and moves are the sum of
    the weeks'; and both match the independent recount."""
    weekly_totals = Counter()
    sunday = YEAR_FIRST + timedelta(days=6)
    while sunday <= YEAR_LAST:
        figures = week_figures(sunday)
        weekly_totals.update(starts=figures.starts, ceases=figures.ceases, moves=figures.moves)
        mix = dashboard.mix_by_month([sunday]).iloc[0]
        residential = residential_placements(sunday).count()
        assert (figures.looked_after, open_placements(sunday).count(), residential) == (
            recount.week(children, sunday).looked_after,
            sum(int(mix[PlacementCategory(c).label]) for c in PlacementCategory.values),
            int(mix[PlacementCategory.RESIDENTIAL.label])), sunday
        if sunday.month in (6, 12) and sunday.day <= 7:  # the command, twice in the year
            out = StringIO()
            call_command("weekly_tracker", "--week-ending", sunday.isoformat(), "--format", "csv", stdout=out)
            table = list(csv.DictReader(StringIO(out.getvalue())))
            assert len(table) == figures.looked_after  # one row per child
            assert {row["Internal or external"] for row in table} == {"Internal", "External", "Neither"}
        sunday += timedelta(days=7)

    year = Counter(event.kind for event in care_events_between(YEAR_FIRST, YEAR_LAST))
    assert dict(weekly_totals) == {"starts": year[START], "ceases": year[CEASE], "moves": year[MOVE]}
    assert sum(moves_by_child(YEAR_FIRST, YEAR_LAST).values()) == year[MOVE]
    recounted = Counter()
    sunday = YEAR_FIRST + timedelta(days=6)
    while sunday <= YEAR_LAST:
        week = recount.week(children, sunday)
        recounted.update(starts=week.starts, ceases=week.ceases, moves=week.moves)
        sunday += timedelta(days=7)
    assert dict(weekly_totals) == dict(recounted)


def test_the_dashboards_monthly_starts_and_ceases_are_the_weekly_trackers(imported):
    months = frames.month_ends(date(2018, 4, 1), YEAR_LAST)
    demand = dashboard.demand_by_month(months)
    for month_end, starts, ceases in zip(demand["month"], demand["starts"], demand["ceases"]):
        events = Counter(e.kind for e in care_events_between(month_end.replace(day=1), month_end))
        assert (int(starts), int(ceases)) == (events[START], events[CEASE]), month_end


def test_the_dashboards_kept_figures_are_the_frames_on_the_sample(imported):
    """Stability, moves, fees, new demand and the monthly charts kept as daily figures, against the same worked out
    from every segment (``tests/tracker/frame_oracle.py``), on the third party's five years."""
    from tests.tracker.test_dashboard_measures import compare_months, compare_on

    for on in [date(2018, 3, 31), date(2019, 9, 30), date(2020, 2, 29), date(2022, 3, 27)]:
        compare_on(on)
    compare_months(date(2017, 4, 1), date(2022, 2, 28))


def test_the_panel_brings_every_external_child_turning_18_within_six_months(imported, children):
    """Rule P NEAR_18 on 31 March 2019, against the recount: PLACE_PROVIDER PR4/PR5 is external."""
    on = date(2019, 3, 31)
    six_months = date(2019, 9, 30)
    expected = set()
    for ref, child in children.items():
        placement = child.placement_on(on)
        if placement and placement.ownership == "external":
            eighteenth = child.born.replace(year=child.born.year + 18) if (child.born.month, child.born.day) != (2, 29) \
                else date(child.born.year + 18, 3, 1)
            if on < eighteenth <= six_months:
                expected.add(ref)
    assert expected, "the sample has such children"
    candidates = agenda_candidates(on)
    refs = dict(Child.objects.values_list("pk", "case_ref"))
    near_18 = {refs[c.child_id] for c in candidates if "NEAR_18" in c.codes}
    assert near_18 == expected
    looked_after = {p.child.case_ref for p in open_placements(on)}
    assert {refs[c.child_id] for c in candidates} <= looked_after


def test_the_data_quality_page_reconciles_each_return_and_lists_children_missing_from_the_next(imported, children,
                                                                                              admin_client):
    from placements.imports.reconciliation import open_and_missing_from_next_return, reconciliation

    rows = {row.return_year: row for row in reconciliation()}
    assert sorted(rows) == [2017, 2018, 2019, 2020, 2021]
    for year, row in rows.items():
        day = date(year + 1, 3, 31)
        assert row.by_app == sum(1 for child in children.values() if child.placement_on(day))
        assert row.by_app - row.by_return == len(row.kept_open) + len(row.only_later) - len(row.not_counted)
    # The recount keeps an episode open when no later return has it: those children, by return year.
    missing = {(e.child.case_ref, e.return_year) for e in open_and_missing_from_next_return()}
    assert missing and all(year < 2021 for _ref, year in missing)
    page = admin_client.get(reverse("data_quality")).content.decode()
    assert "Open at the end of a return, not in the next return" in page
    assert "Each return&#x27;s 31 March count beside this app&#x27;s" in page or "Each return's 31 March" in page
    overlaps = page.split("Placements another placement of the same child begins inside</a>: ")[1].split("</li>")[0]
    assert " placements of " in overlaps and "children" in overlaps
