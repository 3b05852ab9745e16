"""The faster ways the figures pages compute and render (issue 17) give what the slow ways gave."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd
import pytest

from placements.demo import demo_authority_build
from tests.table_html import as_django_tables2_writes_them, squeezed

from placements.care.segments import Segment
from placements.care import facts
from tracker import charts, dashboard, frames
from tracker.rules import MOVE, care_events


def random_children(seed: int, children: int = 300) -> tuple[pd.DataFrame, dict[int, list[Segment]], set[int]]:
    """Children with runs of segments: back to back (a move, or a legal status changing in one placement), with
    gaps (a cease then a start), some temporary placements, some still open."""
    chance = random.Random(seed)
    rows, by_child, temporary = [], {}, set()
    placement_id = 0
    for child_id in range(1, children + 1):
        day = date(2022, 1, 1) + timedelta(days=chance.randrange(400))
        segments = []
        placement_id += 1
        for _ in range(chance.randrange(1, 7)):
            length = chance.randrange(1, 120)
            end = day + timedelta(days=length)
            what = chance.random()
            if what < 0.5:
                placement_id += 1  # a new placement
            if chance.random() < 0.15:
                temporary.add(placement_id)
            segments.append(Segment(placement_id, day, end, chance.choice(["C2", "J1"]), chance.random() < 0.05))
            day = end if what < 0.8 else end + timedelta(days=chance.randrange(1, 30))
        if chance.random() < 0.3:
            last = segments[-1]
            segments[-1] = Segment(last.placement_id, last.start, None, last.legal_status, last.before_records)
        by_child[child_id] = segments
        for segment in segments:
            rows.append({"pk": segment.placement_id, "child_id": child_id, "start": pd.Timestamp(segment.start),
                         "end": pd.Timestamp(segment.end) if segment.end else frames.FAR_FUTURE,
                         "legal_status": segment.legal_status, "before_records": segment.before_records,
                         "place_code": "T1" if segment.placement_id in temporary else "U1"})
    return pd.DataFrame(rows), by_child, temporary


def facts_of(by_child: dict[int, list[Segment]], temporary: set[int]) -> tuple[list[tuple], dict[int, tuple]]:
    """The random children's segments as rows, and what each placement carries (its place code last)."""
    rows = [(child_id, s.placement_id, s.start, s.end, s.legal_status, s.before_records)
            for child_id, segments in by_child.items() for s in segments]
    carried = {row[1]: ("T1" if row[1] in temporary else "U1",) for row in rows}
    return rows, carried


def test_the_events_the_segments_carry_are_rule_t_child_by_child():
    """Rule T's starts, moves and ceases as each segment carries them (read by the weekly tracker, the panel and the
    dashboard), against ``care_events`` over a year, child by child."""
    from collections import Counter

    from placements.care.events import CEASE, START

    for seed in range(5):
        _frame, by_child, temporary = random_children(seed)
        rows, carried = facts_of(by_child, temporary)
        marked = facts.rows_with_facts(rows, dict.fromkeys(by_child, date(2010, 1, 1)), carried)
        first, last = date(2022, 6, 1), date(2023, 5, 31)
        expected = Counter()
        for child_id, segments in by_child.items():
            for event in care_events(child_id, segments, temporary, first, last):
                expected[(event.kind, child_id, event.day)] += 1
        got = Counter()
        for child_id, _placement, start, end, *_rest, begins_with_start, begins_with_move, ends_with_cease in marked:
            if first <= start <= last and (begins_with_start or begins_with_move):
                got[(START if begins_with_start else MOVE, child_id, start)] += 1
            if ends_with_cease and end is not None and first <= end <= last:
                got[(CEASE, child_id, end)] += 1
        assert {kind for kind, _child, _day in expected} == {START, MOVE, CEASE}, "the random children should move"
        assert got == expected


# --- The numbers tables written directly (item 5) --------------------------------------------------------




def test_a_chart_table_is_written_as_django_tables2_writes_it():
    frame = pd.DataFrame({
        "month": [date(2024, 1, 31), date(2024, 2, 29), None],
        "looked_after": [1200, 0, 7],
        "rate": [61.5, None, 0.25],
        "spend": [1234.5, None, 0.0],
        "label": ["<b>Fish & chips</b>", "", None],
        "flag": [True, False, True],
    })
    table = charts.frame_table("test", "Test", frame, {"month": "Month"}, money={"spend"}).table
    html = table.rendered_rows()
    assert "&lt;b&gt;Fish &amp; chips&lt;/b&gt;" in html  # escaped, as {{ cell }} escapes
    assert squeezed(html) == squeezed(as_django_tables2_writes_them(table))
    empty = charts.frame_table("empty", "Empty", frame.iloc[0:0], {}).table
    assert squeezed(empty.rendered_rows()) == squeezed(as_django_tables2_writes_them(empty))
    assert "No data for this period." in empty.rendered_rows()


@pytest.mark.django_db
def test_every_dashboard_table_is_written_as_django_tables2_writes_it():
    demo_authority_build(children=40, today=date(2026, 11, 26), seed=3)
    figures = dashboard.dashboard_figures(date(2023, 12, 1), date(2026, 11, 26))
    for chart in figures.charts:
        table = chart.table.table
        assert squeezed(table.rendered_rows()) == squeezed(as_django_tables2_writes_them(table)), chart.id


def test_hidden_columns_are_left_out_as_django_tables2_leaves_them():
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"], "c": [0.5, 1.5]})
    table = charts.frame_table("test", "Test", frame, {}).table
    table.columns.hide("b")
    html = table.rendered_rows()
    assert ">x<" not in html
    assert squeezed(html) == squeezed(as_django_tables2_writes_them(table))


@pytest.mark.django_db
def test_the_dashboard_page_shows_each_table_once(admin_client):
    demo_authority_build(children=20, today=date(2026, 11, 26), seed=4)
    response = admin_client.get("/tracker/dashboard/")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('<tbody class="govuk-table__body">') == page.count("</tbody>")
    assert "Nothing to show." not in page


def care_periods_by_groupby(frame: pd.DataFrame) -> pd.DataFrame:
    """Each child's spells in care as pandas' groupby gives them (issue 17 before the daily figures), to compare."""
    spells = frame.loc[frame["start"] < frame["looked_after_until"],
                       ["child_id", "start", "looked_after_until", "before_records"]].sort_values(["child_id", "start"])
    running_end = spells.groupby("child_id")["looked_after_until"].cummax()
    previous_end = running_end.groupby(spells["child_id"]).shift()
    spells = spells.assign(spell=(previous_end.isna() | (spells["start"] > previous_end)).cumsum())
    merged = spells.groupby("spell").agg(child_id=("child_id", "first"), start=("start", "min"),
                                         end=("looked_after_until", "max"), before_records=("before_records", "first"))
    return merged.reset_index(drop=True)


def test_the_daily_figures_starts_and_ceases_are_the_spells_beginnings_and_ends():
    """Rule T's starts and ceases as the daily figures count them (``child_measures``), child by child, against
    each child's spells (a start is a spell's first day unless the records begin then; a cease the day after its
    last)."""
    from types import SimpleNamespace

    from placements.care import child_measures

    for seed in range(3):
        frame, by_child, temporary = random_children(seed)
        frame["looked_after_until"] = frame["end"]
        spells = care_periods_by_groupby(frame)
        for child_id, segments in by_child.items():
            placements = {s.placement_id: SimpleNamespace(
                start=s.start, category="residential", place_code="T1" if s.placement_id in temporary else "U1",
                route="", began_before_records=False, lines=(), planned_end=None) for s in segments}
            rows = [child_measures.SegmentRow(s.placement_id, s.start, s.end, s.before_records) for s in segments]
            changes = list(child_measures.changes(None, rows, placements))
            theirs = spells.loc[spells["child_id"] == child_id]
            assert sorted(day for day, _p, measure, _n in changes if measure == "starts") == sorted(
                day.date() for day in theirs.loc[~theirs["before_records"], "start"])
            assert sorted(day for day, _p, measure, _n in changes if measure == "ceases") == sorted(
                day.date() for day in theirs["end"] if day != frames.FAR_FUTURE)


# --- The weekly tracker's open placements: counted once with the week's figures (item 3) ----------------


@pytest.mark.django_db
def test_the_open_placements_count_is_the_weeks_and_a_filter_counts_its_own(client, director):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.tracker.test_weekly import build_children

    client.force_login(director)
    build_children(5, "K")  # teams 0, 1, 2, 0, 1
    week = {"week_ending": "2024-03-10"}
    client.get("/tracker/weekly/", week)  # the week's figures computed and remembered
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/tracker/weekly/", week).content.decode()
    assert "5 in all" in page
    # None counted again (on PostgreSQL the figures' versions are read with a count of the change rows: not this).
    assert not [q for q in queries.captured_queries
                if "COUNT(" in q["sql"].upper() and "placements_datachange" not in q["sql"]]
    assert "2 in all" in client.get("/tracker/weekly/", {**week, "team": "Team 1"}).content.decode()
    # A filter that is not valid is left out, the valid ones still narrow the list: counted, not the week's.
    assert "2 in all" in client.get("/tracker/weekly/", {**week, "team": "Team 0", "category": "bogus"}).content.decode()
