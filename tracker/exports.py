"""The trackers' tables as the team sends them: each as CSV or Excel, or all in one workbook.

Pages and the command-line twins build the same tables and come through here, so a
scheduled job and a manager's download hold the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import django_tables2 as tables
import tablib
from django_tables2.export import TableExport

from tracker import selectors
from tracker.tables import (
    EventTable,
    MoveTable,
    ResidentialTable,
    TeamTable,
    UnregulatedTable,
    WeeklyPlacementTable,
    breakdown_table,
)
from tracker.rules import CEASE, MOVE, RESIDENTIAL_AGE_BANDS, START

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class NamedTable:
    name: str  # the ?table= value and the file name
    caption: str
    table: tables.Table


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


def dataset(named: NamedTable) -> tablib.Dataset:
    data = TableExport(TableExport.CSV, named.table).dataset
    data.title = named.caption[:31]
    return data


def as_csv(named: NamedTable) -> str:
    return dataset(named).export("csv")


def as_xlsx(named: NamedTable) -> bytes:
    return dataset(named).export("xlsx")


def workbook(named_tables: list[NamedTable]) -> bytes:
    """One Excel workbook with a sheet per table, the way the team sends a tracker today."""
    return tablib.Databook([dataset(named) for named in named_tables]).export("xlsx")
