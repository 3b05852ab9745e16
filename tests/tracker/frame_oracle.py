"""The dashboard's figures as they were worked out from the frame of care segments (``frames.placement_frame``)
until issue 17 kept them as daily figures (``placements.care.child_measures``): pandas over every segment of the
period, code that had its own tests and was checked against the third party's SSDA903 sample. Kept here, apart
from the app, as a recount to compare the daily figures with: the same numbers, worked out another way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from placements import rules
from placements.care.events import TEMPORARY_PLACE_CODES
from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth

from placements import selectors as placement_selectors
from placements.choices import CommissioningRoute, CostKind, Ownership, PlacementCategory
from placements.models import AuthoritySettings, CostLine
from tracker import frames
from tracker.dashboard import NO_TEAM, OTHER_TEAMS, TEAMS_DRAWN, _month_end_of, _month_range, category_label


def looked_after_mask(frame: pd.DataFrame, on: date) -> pd.Series:
    """Rows that make their child looked after on ``on`` (the segment covering the day)."""
    day = pd.Timestamp(on)
    return (frame["start"] <= day) & (frame["looked_after_until"] > day)


def care_periods(frame: pd.DataFrame) -> pd.DataFrame:
    """Each child's continuous spells of being looked after: [start, end) with no day between, and whether the
    spell was already running when the records began (its first day is then not a start)."""
    spells = frame.loc[frame["start"] < frame["looked_after_until"],
                       ["child_id", "start", "looked_after_until", "before_records"]].sort_values(["child_id", "start"])
    if spells.empty:
        return pd.DataFrame({"child_id": [], "start": pd.Series(dtype="datetime64[ns]"),
                             "end": pd.Series(dtype="datetime64[ns]"), "before_records": pd.Series(dtype=bool)})
    running_end = spells.groupby("child_id")["looked_after_until"].cummax()
    previous_end = running_end.groupby(spells["child_id"]).shift()
    new_spell = (previous_end.isna() | (spells["start"] > previous_end)).to_numpy()
    # Rows are in (child, start) order, so each spell is a run of rows: its first row has its child, its start
    # and whether it began before the records; its last row's running end is its end (every earlier spell of
    # the child ended before this one began). On plain arrays: a region has 300,000 rows.
    first_rows = np.flatnonzero(new_spell)
    last_rows = np.append(first_rows[1:] - 1, len(new_spell) - 1)
    return pd.DataFrame({
        "child_id": spells["child_id"].to_numpy()[first_rows],
        "start": spells["start"].to_numpy()[first_rows],
        "end": running_end.to_numpy()[last_rows],
        "before_records": spells["before_records"].to_numpy(dtype=bool)[first_rows],
    })


def _month_end_masks(frame: pd.DataFrame, months: list[date]):
    """For each month's end, the rows that make their child looked after that day (``looked_after_mask``),
    on plain arrays: a region's 300,000 rows, three dozen months. One row per child looked after."""
    start = frame["start"].to_numpy(dtype="datetime64[ns]")
    until = frame["looked_after_until"].to_numpy(dtype="datetime64[ns]")
    for month_end in months:
        day = np.datetime64(month_end, "ns")
        yield month_end, (start <= day) & (until > day)


def demand_by_month(frame: pd.DataFrame, months: list[date], spells: pd.DataFrame | None = None) -> pd.DataFrame:
    """Looked after at each month's end, starts and ceases in the month, and the rate per 10,000 (rule D).
    ``spells``: ``care_periods(frame)`` if the caller has it already."""
    spells = care_periods(frame) if spells is None else spells
    population = AuthoritySettings.current().child_population
    children = frame["child_id"].to_numpy()
    # A spell already running when the records began did not start then (placements.care).
    spell_starts = np.sort(spells.loc[~spells["before_records"].astype(bool), "start"].to_numpy(dtype="datetime64[ns]"))
    spell_ends = np.sort(spells["end"].to_numpy(dtype="datetime64[ns]"))
    rows = []
    for month_end, mask in _month_end_masks(frame, months):
        first, last = np.datetime64(date(month_end.year, month_end.month, 1), "ns"), np.datetime64(month_end, "ns")
        looked_after = len(pd.unique(children[mask]))
        rows.append({
            "month": month_end, "looked_after": looked_after,
            "starts": _between(spell_starts, first, last), "ceases": _between(spell_ends, first, last),
            "rate_per_10000": round(looked_after / population * 10_000, 1) if population else None,
            "population": population,
        })
    return pd.DataFrame(rows, columns=["month", "looked_after", "starts", "ceases", "rate_per_10000", "population"])


def _between(ordered: np.ndarray, first: np.datetime64, last: np.datetime64) -> int:
    """How many of the sorted days fall from ``first`` to ``last``, both included."""
    return int(np.searchsorted(ordered, last, side="right") - np.searchsorted(ordered, first, side="left"))


def mix_by_month(frame: pd.DataFrame, months: list[date]) -> pd.DataFrame:
    """Children by the category of the placement they are in at each month's end (one each), and the
    residential share of them."""
    codes = {category: index for index, category in enumerate(PlacementCategory.values)}
    category_codes = frame["category"].map(codes).fillna(len(codes)).to_numpy(dtype=int)
    rows = []
    for month_end, mask in _month_end_masks(frame, months):
        counts = np.bincount(category_codes[mask], minlength=len(codes) + 1)
        total = int(mask.sum())
        row = {"month": month_end, **{category_label(c): int(counts[codes[c]]) for c in PlacementCategory.values}}
        residential = counts[codes[PlacementCategory.RESIDENTIAL]]
        row["residential_share"] = round(residential / total * 100, 1) if total else None
        rows.append(row)
    return pd.DataFrame(rows)


def ownership_by_month(frame: pd.DataFrame, months: list[date]) -> pd.DataFrame:
    """Children in internal and external placements at each month's end: the provider's ownership, else the
    SSDA903 PLACE_PROVIDER (``rules.placement_ownership``); the rest (parents, other councils) in neither."""
    internal = (frame["ownership"] == Ownership.INTERNAL).to_numpy(dtype=bool)
    external = (frame["ownership"] == Ownership.EXTERNAL).to_numpy(dtype=bool)
    rows = []
    for month_end, mask in _month_end_masks(frame, months):
        rows.append({"month": month_end, "internal": int((internal & mask).sum()),
                     "external": int((external & mask).sum()), "neither": int((mask & ~internal & ~external).sum())})
    return pd.DataFrame(rows, columns=["month", "internal", "external", "neither"])


def _counted(frame: pd.DataFrame) -> pd.DataFrame:
    """Looked-after days that count towards placement numbers: not in temporary placements (T0-T4)."""
    return frame.loc[~frame["place_code"].isin(list(TEMPORARY_PLACE_CODES))
                     & (frame["start"] < frame["looked_after_until"])]


def placements_in_window(frame: pd.DataFrame, first_day: date, last_day: date) -> pd.Series:
    """Per child, the placements they were looked after in on at least one day from ``first_day`` to ``last_day``."""
    counted = _counted(frame)
    overlapping = (counted["start"] <= pd.Timestamp(last_day)) & (counted["looked_after_until"] > pd.Timestamp(first_day))
    # Each (child, placement) once, then counted by child: a tenth of groupby's nunique at a region's size.
    return counted.loc[overlapping, ["child_id", "pk"]].drop_duplicates()["child_id"].value_counts(sort=False)


@dataclass
class StabilityMeasure:
    label: str
    numerator: int
    denominator: int
    children: list[int] = field(default_factory=list)

    @property
    def percent(self) -> float | None:
        return round(self.numerator / self.denominator * 100, 1) if self.denominator else None


def stability(frame: pd.DataFrame, on: date, spells: pd.DataFrame | None = None) -> list[StabilityMeasure]:
    """DfE's three placement stability measures as at ``on`` (the frame must reach 30 months back).
    ``spells``: ``care_periods(frame)`` if the caller has it already.

    Whole columns at once: a region has 100,000 children looked after on the day."""
    looked_after = frame.loc[looked_after_mask(frame, on)]
    children_now = pd.Index(looked_after["child_id"].unique())
    spells = care_periods(frame) if spells is None else spells
    current_spell_start = spells.loc[(spells["start"] <= pd.Timestamp(on)) & (spells["end"] > pd.Timestamp(on))] \
        .groupby("child_id")["start"].min()
    # Each child looked after now: when their current spell in care began (NaT if none covers the day).
    spell_start_now = current_spell_start.reindex(children_now)

    year_ago = rules.add_months(on, -12)
    in_year = placements_in_window(frame, year_ago + timedelta(days=1), on).reindex(children_now, fill_value=0)
    three_in_year = sorted(children_now[in_year.to_numpy() >= 3].tolist())

    two_years_ago = rules.add_months(on, -24)
    long_term = children_now[(spell_start_now <= pd.Timestamp(two_years_ago)).to_numpy()]
    in_two_years = placements_in_window(frame, two_years_ago + timedelta(days=1), on).reindex(long_term, fill_value=0)
    three_in_two_years = sorted(long_term[in_two_years.to_numpy() >= 3].tolist())

    thirty_months_ago = pd.Timestamp(rules.add_months(on, -30))
    under_16_cutoff = rules.born_on_or_before_to_be(16, on)
    # The row covering the day, by child (one each: ``placements.care``; were there two, the later start).
    current = looked_after.sort_values("start").drop_duplicates("child_id", keep="last").set_index("child_id")
    under_16 = (current["date_of_birth"] > under_16_cutoff).to_numpy(dtype=bool)
    long_in_care = (current_spell_start.reindex(current.index) <= thirty_months_ago).to_numpy()
    under_16_long = current.loc[under_16 & long_in_care]
    same_placement = sorted(under_16_long.index[under_16_long["placement_start"] <= pd.Timestamp(two_years_ago)].tolist())
    return [
        StabilityMeasure("Looked after with 3 or more placements in the last 12 months",
                         len(three_in_year), len(children_now), three_in_year),
        StabilityMeasure("Looked after 2 years or more, with 3 or more placements in those 2 years",
                         len(three_in_two_years), len(long_term), three_in_two_years),
        StabilityMeasure("Under 16, looked after 2½ years or more, in the same placement for 2 years or more",
                         len(same_placement), len(under_16_long), same_placement),
    ]


def moves_in_window(frame: pd.DataFrame, first_day: date, last_day: date) -> pd.Series:
    """Moves per child in the window: rule T's moves (``tracker.rules.care_events``, as the weekly tracker counts
    them) on whole columns at once. A move is a segment beginning in the window on the day the child's
    previous segment ended, in another placement, neither of them temporary (T0-T4); segments of a child never
    overlap, so at most one segment ends on any day. Children with none are left out."""
    start = frame["start"]
    beginning = frame.loc[start.between(pd.Timestamp(first_day), pd.Timestamp(last_day)), ["child_id", "pk", "start"]]
    ended = frame.loc[frame["end"] != frames.FAR_FUTURE, ["child_id", "pk", "end"]]
    pairs = beginning.merge(ended, left_on=["child_id", "start"], right_on=["child_id", "end"],
                            suffixes=("", "_before"))
    temporary = frame.loc[frame["place_code"].isin(list(TEMPORARY_PLACE_CODES)), "pk"].unique()
    moved = pairs.loc[(pairs["pk"] != pairs["pk_before"]) & ~pairs["pk"].isin(temporary)
                      & ~pairs["pk_before"].isin(temporary)]
    counts = moved.groupby("child_id").size()
    return pd.Series({int(child): int(count) for child, count in counts.items()}, dtype="int64")


def new_demand_inputs(on: date, frame: pd.DataFrame) -> dict[str, tuple[int, int, float | None]]:
    """Rule C4's new demand as the forecast worked it out from the frame: by category, the placements started and
    ended in the 12 weeks to ``on`` and the average weekly cost (C1) of those started on their first day, of those
    with a cost line then."""
    from placements.models import CostLine

    twelve_weeks_ago = pd.Timestamp(on - timedelta(weeks=12))
    by_placement = frame.groupby("pk").agg(category=("category", "first"), start=("start", "min"),
                                           placement_start=("placement_start", "first"),
                                           looked_after_until=("looked_after_until", "max")).reset_index()
    started = by_placement.loc[(by_placement["start"] > twelve_weeks_ago) & (by_placement["start"] <= pd.Timestamp(on))
                               & (by_placement["start"] == by_placement["placement_start"])]
    # Not one running when the records began (``tracker.selectors.new_placements``; the forecast counted those
    # until issue 17 made its new placements the tracker's).
    from placements.models import Placement

    before_records = set(Placement.objects.filter(began_before_records=True).values_list("pk", flat=True))
    started = started.loc[~started["pk"].isin(before_records)]
    ended = by_placement.loc[(by_placement["looked_after_until"] > twelve_weeks_ago)
                             & (by_placement["looked_after_until"] <= pd.Timestamp(on))]
    first_day_cost: dict[int, float] = {}
    starts = dict(zip(started["pk"].tolist(), [day.date() for day in started["placement_start"]]))
    for pk, amount, date_from, date_to in CostLine.objects.filter(placement_id__in=list(starts)).values_list(
            "placement_id", "weekly_amount", "date_from", "date_to"):
        if rules.cost_line_in_force(date_from, date_to, starts[pk]):
            first_day_cost[pk] = first_day_cost.get(pk, 0.0) + float(amount)
    result = {}
    for category in PlacementCategory.values:
        pks = started.loc[started["category"] == category, "pk"].tolist()
        costs = [first_day_cost[pk] for pk in pks if pk in first_day_cost]
        result[category] = (len(pks), int((ended["category"] == category).sum()),
                            sum(costs) / len(costs) if costs else None)
    return result


def fees_and_framework_share(on: date, categories: list[str]) -> pd.DataFrame:
    """The paper's table (paragraph 67): average weekly core fee on framework and spot by category, and the
    share of external placements that are on a framework (paragraphs 64-66). Two queries."""
        # Grouped by ownership and the external groups kept, rather than filtered on ownership in SQL: PostgreSQL
    # cannot estimate a filter on the ownership CASE, guesses a few hundred rows, and then tests every
    # placement of the category ever made against the day's segments (seconds at a region's size).
    open_now = placement_selectors.looked_after_placements(on).filter(category__in=categories)
    counts = {
        row["category"]: row
        for row in open_now.annotate(ownership=placement_selectors.placement_ownership()).order_by()
        .values("category", "ownership").annotate(
            placements=Count("pk"), framework=Count("pk", filter=Q(route=CommissioningRoute.FRAMEWORK)))
        if row["ownership"] == Ownership.EXTERNAL
    }
    fees = (
        CostLine.objects.filter(placement_selectors.in_force(on), kind=CostKind.CORE,
                                placement_id__in=placement_selectors.looked_after_placement_keys(on),
                                placement__category__in=categories)
        .annotate(ownership=placement_selectors.placement_ownership("placement__")).order_by()
        .values_list("placement__category", "placement__route", "ownership").annotate(average=Avg("weekly_amount"))
    )
    average = {(category, route): value for category, route, ownership, value in fees
               if ownership == Ownership.EXTERNAL}
    rows = []
    for category in categories:
        count = counts.get(category, {"placements": 0, "framework": 0})
        share = rules.share(count["framework"], count["placements"])
        rows.append({
            "category": category_label(category),
            "framework_fee": _rounded(average.get((category, CommissioningRoute.FRAMEWORK))),
            "spot_fee": _rounded(average.get((category, CommissioningRoute.SPOT))),
            "external_placements": count["placements"],
            "on_framework": count["framework"],
            "framework_share": round(float(share), 1) if share is not None else None,
        })
    return pd.DataFrame(rows)


def _rounded(value) -> float | None:
    return round(float(value), 2) if value is not None else None


def new_placements_by_team(months: list[date], category: str = "") -> pd.DataFrame:
    """New placements begun in each month by the child's originating social work team (paragraph 81): the
    placements ``tracker.selectors.new_placements`` counts (as the residential tracker does), counted in
    SQL by month and team, one query. The teams with the most new placements in the period each have a
    column (most first), the rest one column together; ``total`` is every team's."""
    from tracker import selectors

    if not months:
        return pd.DataFrame(columns=["month", "total"])
    first, last = _month_range(months)
    placements = selectors.new_placements(first, last)
    if category:
        placements = placements.filter(category=category)
    counts = (placements.annotate(month=TruncMonth("start")).order_by().values_list("month", "child__team")
              .annotate(placements=Count("pk")))
    by_team: dict[str, dict[date, int]] = {}
    for month, team, number in counts:
        month_end = _month_end_of(month, months)
        if month_end is None:
            continue
        team = (team or "").strip() or NO_TEAM
        by_team.setdefault(team, {}).setdefault(month_end, 0)
        by_team[team][month_end] += number
    ranked = sorted(by_team, key=lambda team: (-sum(by_team[team].values()), team))
    drawn = ranked if len(ranked) <= TEAMS_DRAWN else ranked[:TEAMS_DRAWN - 1]
    rows = []
    for month_end in months:
        row = {"month": month_end}
        for team in drawn:
            row[team] = by_team[team].get(month_end, 0)
        if len(drawn) < len(ranked):
            row[OTHER_TEAMS] = sum(by_team[team].get(month_end, 0) for team in ranked[len(drawn):])
        row["total"] = sum(by_team[team].get(month_end, 0) for team in ranked)
        rows.append(row)
    return pd.DataFrame(rows)


def committed_by_category(on: date) -> dict[str, float]:
    """Rule C4's committed spend by category as the forecast summed it in SQL until issue 17: each cost line in
    force on the day of a looked-after placement, for the days from tomorrow to the earlier of 31 March and the
    day before the placement's planned end."""
    from django.db.models import DateField, DecimalField, F, Sum, Value
    from django.db.models.functions import Coalesce, Greatest, Least

    _fy_start, fy_end = rules.financial_year(on)
    last = Least(Coalesce(placement_selectors.DayBefore(F("placement__planned_end")), Value(fy_end, DateField())),
                 Value(fy_end, DateField()))
    days = Greatest(placement_selectors.DayDifference(last, Value(on, DateField())), Value(0))
    committed = (
        CostLine.objects.filter(placement_selectors.in_force(on),
                                placement_id__in=placement_selectors.looked_after_placement_keys(on))
        .order_by().values_list("placement__category")
        .annotate(total=Sum(F("weekly_amount") * days, output_field=DecimalField(max_digits=20, decimal_places=2)))
    )
    return {category: float(total.quantize(rules.PENNY)) / 7 for category, total in committed if total}
