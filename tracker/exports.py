"""The trackers' tables, as the pages and the command-line twins both build them."""

from __future__ import annotations

from placements.exports import NamedTable
from tracker import selectors
from tracker.rules import CEASE, MOVE, RESIDENTIAL_AGE_BANDS, START
from tracker.tables import (
    EventTable,
    MoveTable,
    ResidentialTable,
    SlicedRows,
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
        NamedTable("starts", "Starts", EventTable(SlicedRows(tracker.rows[START]))),
        NamedTable("ceases", "Ceases", EventTable(SlicedRows(tracker.rows[CEASE]))),
        NamedTable("moves", "Moves", MoveTable(SlicedRows(tracker.rows[MOVE]))),
        NamedTable("teams", "By originating team", TeamTable(tracker.teams)),
    ]


def active_filters(filterset) -> list[tuple[str, str]]:
    """(label, value as the page shows it) of each filter in use on a django-filter filterset: what a download
    says it is filtered to."""
    if filterset is None or not filterset.is_bound or not filterset.form.is_valid():
        return []
    used = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", [], ()):
            continue
        field = filterset.form.fields[name]
        shown = dict(getattr(field, "choices", ())).get(value, value)
        used.append((str(field.label or name), str(shown)))
    return used


def filtered_slug(filters: list[tuple[str, str]]) -> str:
    """'filtered-category-residential-team-north' for a file name: says what the file is filtered to."""
    from django.utils.text import slugify

    return "filtered-" + "-".join(slugify(f"{label} {value}") for label, value in filters) if filters else ""


def workbook_about(title: str, named_tables: list[NamedTable], filters: list[tuple[str, str]],
                   filtered: set[str]) -> list[tuple[str, str]]:
    """The "About this file" sheet of a workbook downloaded with a filter on: which sheets the filter narrows
    and to what, and which hold everything, as the page shows them."""
    narrowed = [named.sheet_name for named in named_tables if named.name in filtered]
    whole = [named.sheet_name for named in named_tables if named.name not in filtered]
    about = [("File", title),
             ("Filtered to", "; ".join(f"{label}: {value}" for label, value in filters)),
             ("Sheets filtered", ", ".join(narrowed))]
    if whole:
        about.append(("Sheets not filtered", f"{', '.join(whole)}: every row, as on the page (the filter applies "
                                             "only to the sheets above)."))
    return about


def unregulated_tables(on, keys=None) -> list[NamedTable]:
    """``keys``: the placements listed, if known (``selectors.UnregulatedCounts.keys``)."""
    return [NamedTable("unregulated", "Children in unregulated provision",
                       UnregulatedTable(selectors.unregulated_placements(on, keys), on=on))]


def residential_tables(tracker: selectors.ResidentialTracker) -> list[NamedTable]:
    periods = tracker.periods
    return [
        NamedTable("residential", "Children in residential care",
                   ResidentialTable(tracker.placements, on=tracker.as_at)),
        NamedTable("age-bands", "New residential placements by age",
                   breakdown_table(periods, list(RESIDENTIAL_AGE_BANDS), "by_band", "Age at the start"),
                   sheet="New residential by age"),
        NamedTable("origins", "New residential placements by where the child came from",
                   breakdown_table(periods, selectors.ORIGIN_ORDER, "by_origin", "Came from"),
                   sheet="New residential by origin"),
    ]
