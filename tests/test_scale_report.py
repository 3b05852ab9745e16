"""bench/scale.py's report: issue 17's targets with the run it replaces beside them, and that run kept.

The people who plan the next work read bench/results.md: a target called met that is not, a "before" taken from
the wrong table, or an earlier run overwritten would mislead them. No database: the report is built from results.
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import scale  # noqa: E402

EARLIER = """# Benchmark at scale

One run on 26 November 2026.

## Pages

| looked after | page | median ms | p95 ms | queries | SQL alone ms | page ÷ SQL | after a change: median ms | queries | SQL alone ms | page ÷ SQL |
|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
| 1,000 | weekly tracker | 122 | 201 | 6 | 7 | 16.4 | 155 | 16 | 21 | 7.5 |
| 100,000 | weekly tracker | 1,085 | 1,337 | 6 | 472 | 2.3 | 2,662 | 16 | 1,602 | 1.7 |
| 100,000 | dashboard | 223 | 273 | 4 | 1 | 261.1 | 7,453 | 15 | 3,360 | 2.2 |
| 100,000 | panel agenda builder (build POST) | 3,137 | 3,907 | 16 | 1,791 | 1.8 | (a write: never remembered) | | | |

## SSDA903 import

A generated return: 20.7 s, **4,829 episodes a second** (target 5,000).

## A later section

| looked after | page | median ms | p95 ms | queries | SQL alone ms | page ÷ SQL | after a change: median ms | queries | SQL alone ms | page ÷ SQL |
|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
| 100,000 | weekly tracker | 9 | 9 | 6 | 4 | 2.3 | 9 | 16 | 9 | 1.7 |

Another import: **9,999 episodes a second**.
"""


def page(name: str, again: list[float], after_change: list[float] | None = None) -> scale.PageResult:
    result = scale.PageResult(100_000, name, "/", again, 5, 3.0)
    if after_change:
        result.cold_times_ms, result.cold_queries, result.cold_sql_ms = after_change, 9, 40.0
    return result


def test_the_figures_before_are_the_first_table_of_the_run_replaced():
    before = scale.earlier_figures(EARLIER)
    assert before[100_000, "weekly tracker"] == (1085.0, 2662.0)
    assert before[1_000, "weekly tracker"] == (122.0, 155.0)
    assert before[100_000, "panel agenda builder (build POST)"] == (3137.0, None)
    assert before["import"] == 4829.0  # the first import named, not a later section's


@pytest.mark.parametrize("after_change, verdict", [([300, 300, 301], "met"), ([301, 301, 300], "**not met**")])
def test_a_target_is_met_at_its_figure_and_not_a_millisecond_over(after_change, verdict):
    size = scale.SizeResult(100_000, "db", {}, None, [page("weekly tracker", [20, 25, 30], after_change)])
    row = next(line for line in scale.issue_17([size], None, EARLIER) if line.startswith("| weekly tracker"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[1].startswith("2,662 → **")
    assert cells[2:4] == ["300", verdict]
    assert cells[4:7] == ["1,085 → **25**", "150", "met"]


def test_the_agenda_builder_is_judged_on_every_run_and_the_import_on_its_rate():
    size = scale.SizeResult(100_000, "db", {}, None, [page("panel agenda builder (build POST)", [900, 1200, 1500])])
    lines = scale.issue_17([size], {"episodes": 100_000, "seconds": 12.5, "rate": 8000.0}, EARLIER)
    row = next(line for line in lines if line.startswith("| panel agenda builder"))
    assert "3,137 → **1,200**" in row and "**not met**" in row
    assert lines[-1] == ("SSDA903 import of 100,000 episodes: 4,829 → **8,000 episodes a second** "
                         "(target 10,000: not met).")


def test_the_earlier_runs_are_kept_below_the_new_one_a_heading_level_down():
    text = scale.with_earlier("# Benchmark at scale\n\nNew.\n", EARLIER)
    new, earlier = text.split("\n# Earlier runs\n")
    assert "New." in new and "26 November" not in new
    assert "## Benchmark at scale: the run before" in earlier
    assert "### Pages" in earlier and "### A later section" in earlier
