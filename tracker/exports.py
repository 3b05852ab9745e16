"""The trackers' tables, as the pages and the command-line twins both build them."""

from __future__ import annotations

from placements.exports import NamedTable
from tracker import selectors
from tracker.rules import CEASE, MOVE, RESIDENTIAL_AGE_BANDS, START
from tracker.tables import (
    EventTable,
    MoveTable,
    ResidentialTable,
    TeamTable,
    UnregulatedTable,
    WeeklyPlacementTable,
    breakdown_table,
)


def weekly_tables(tracker: selectors.WeeklyTracker, placements=None) -> list[NamedTable]:
    """Every table of the weekly placement tracker; ``placements`` lets the page pass a filtered list."""
    on = tracker.week_ending
    if placements is None:
        placements = selectors.open_placements(on)
    return [
        NamedTable("placements", "Open placements", WeeklyPlacementTable(placements, on=on)),
        NamedTable("starts", "Starts", EventTable(tracker.rows[START])),
        NamedTable("ceases", "Ceases", EventTable(tracker.rows[CEASE])),
        NamedTable("moves", "Moves", MoveTable(tracker.rows[MOVE])),
        NamedTable("teams", "By originating team", TeamTable(tracker.teams)),
    ]


def unregulated_tables(on) -> list[NamedTable]:
    return [NamedTable("unregulated", "Children in unregulated provision",
                       UnregulatedTable(selectors.unregulated_placements(on), on=on))]


def residential_tables(tracker: selectors.ResidentialTracker) -> list[NamedTable]:
    periods = tracker.periods
    return [
        NamedTable("residential", "Children in residential care",
                   ResidentialTable(tracker.placements, on=tracker.as_at)),
        NamedTable("age-bands", "New residential placements by age",
                   breakdown_table(periods, list(RESIDENTIAL_AGE_BANDS), "by_band", "Age at the start")),
        NamedTable("origins", "New residential placements by where the child came from",
                   breakdown_table(periods, selectors.ORIGIN_ORDER, "by_origin", "Came from")),
    ]
