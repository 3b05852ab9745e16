"""An independent recount of looked-after figures from SSDA903 CSV files, for checking the app.

Written from SPEC sections 3 and 5 alone, with the ``csv`` module and a day-by-day loop: it imports
nothing from the app, so a mistake in the app's definitions cannot hide here too. Slow and plain on
purpose.

- Returns are read in year order; for the same CHILD and DECOM the later return's row wins, and the
  later header's date of birth wins. An episode open at the end of the data stays open.
- A placement is an episode with RNE other than L, with the RNE L episodes that follow it with no gap.
- A child is looked after on d when under 18 (a 29 February birthday on 1 March) and a placement covers
  d (DECOM <= d < DEC) and the legal status of the latest-starting episode covering d is not V3/V4.
  The placement the child is in is the covering placement that started last.
- Rule T: start = looked after on d, not d-1, unless d is the first day of the records of a child whose
  first episode's RNE is not S; cease = looked after on d-1 and not d; move = looked after both days in
  different placements, neither of them temporary (PLACE T0-T4).
"""

from __future__ import annotations

import calendar
import csv
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

SHORT_BREAKS = {"V3", "V4"}
TEMPORARY = {"T0", "T1", "T2", "T3", "T4"}

# SPEC section 5, PLACE to category.
CATEGORY = {
    **{code: "fostering_kinship" for code in ("U1", "U2", "U3")},
    **{code: "fostering" for code in ("U4", "U5", "U6")},  # in-house with PR1, else agency: below
    "K2": "residential", "R1": "residential", "K1": "secure", "K3": "supported_accommodation",
    **{code: "unregulated" for code in ("H5", "P2", "Z1", "Z11", "Z12", "Z13", "Z14")},
    "P1": "placed_with_parents",
    **{code: "other" for code in ("A3", "A4", "A5", "A6", "P3", "R2", "R3", "R5", "S1")},
}
# SPEC section 5: PR1 internal, PR4/PR5 external.
OWNERSHIP = {"PR1": "internal", "PR4": "external", "PR5": "external"}


def _day(text: str) -> date | None:
    text = text.strip()
    return datetime.strptime(text, "%d/%m/%Y").date() if text else None


@dataclass
class Episode:
    decom: date
    dec: date | None
    rne: str
    ls: str
    place: str
    provider: str

    def covers(self, d: date) -> bool:
        return self.decom <= d and (self.dec is None or d < self.dec)


@dataclass
class Run:
    """A placement: its episodes in order."""

    episodes: list[Episode] = field(default_factory=list)

    @property
    def start(self) -> date:
        return self.episodes[0].decom

    def covers(self, d: date) -> bool:
        return any(e.covers(d) for e in self.episodes)

    @property
    def category(self) -> str:
        first = self.episodes[0]
        category = CATEGORY.get(first.place, "temporary" if first.place in TEMPORARY else "unknown")
        if category == "fostering":
            return "fostering_internal" if first.provider == "PR1" else "fostering_ifa"
        return category

    @property
    def ownership(self) -> str:
        return OWNERSHIP.get(self.episodes[0].provider, "neither")


@dataclass
class Child:
    ref: str
    born: date
    episodes: list[Episode]
    runs: list[Run]

    def age(self, d: date) -> int:
        born = self.born
        if born.month == 2 and born.day == 29 and not calendar.isleap(d.year):
            birthday = date(d.year, 3, 1)
        else:
            birthday = born.replace(year=d.year)
        return d.year - born.year - (1 if d < birthday else 0)

    def placement_on(self, d: date) -> Run | None:
        """The placement that makes the child looked after on d, or None."""
        if self.age(d) >= 18:
            return None
        covering_episodes = [e for e in self.episodes if e.covers(d)]
        if not covering_episodes:
            return None
        status = max(covering_episodes, key=lambda e: e.decom).ls
        if status in SHORT_BREAKS:
            return None
        return max((r for r in self.runs if r.covers(d)), key=lambda r: r.start)

    @property
    def records_begin(self) -> date | None:
        first = self.episodes[0]
        return first.decom if first.rne != "S" else None


def read_children(folder: Path) -> dict[str, Child]:
    episodes: dict[tuple[str, date], Episode] = {}
    born: dict[str, date] = {}
    for year in sorted(p for p in folder.iterdir() if p.is_dir()):
        with open(year / "header.csv", newline="") as handle:
            for row in csv.DictReader(handle):
                born[row["CHILD"].strip()] = _day(row["DOB"])
        with open(year / "episodes.csv", newline="") as handle:
            for row in csv.DictReader(handle):
                decom = _day(row["DECOM"])
                episodes[(row["CHILD"].strip(), decom)] = Episode(
                    decom, _day(row["DEC"]), row["RNE"].strip(), row["LS"].strip(), row["PLACE"].strip(),
                    row["PLACE_PROVIDER"].strip())
    by_child: dict[str, list[Episode]] = {}
    for (ref, _decom), episode in episodes.items():
        by_child.setdefault(ref, []).append(episode)
    children = {}
    for ref, mine in by_child.items():
        mine.sort(key=lambda e: e.decom)
        runs: list[Run] = []
        for episode in mine:
            if runs and episode.rne == "L" and runs[-1].episodes[-1].dec == episode.decom:
                runs[-1].episodes.append(episode)
            else:
                runs.append(Run([episode]))
        children[ref] = Child(ref, born[ref], mine, runs)
    return children


@dataclass
class Week:
    looked_after: int
    starts: int
    ceases: int
    moves: int


def week(children: dict[str, Child], sunday: date) -> Week:
    looked_after = starts = ceases = moves = 0
    for child in children.values():
        if child.placement_on(sunday):
            looked_after += 1
        for offset in range(6, -1, -1):
            d = sunday - timedelta(days=offset)
            before, now = child.placement_on(d - timedelta(days=1)), child.placement_on(d)
            if now and not before and d != child.records_begin:
                starts += 1
            elif before and not now:
                ceases += 1
            elif now and before and now is not before and not (
                    now.episodes[0].place in TEMPORARY or before.episodes[0].place in TEMPORARY):
                moves += 1
    return Week(looked_after, starts, ceases, moves)


def mix(children: dict[str, Child], d: date) -> dict[str, int]:
    counts: dict[str, int] = {}
    for child in children.values():
        placement = child.placement_on(d)
        if placement:
            counts[placement.category] = counts.get(placement.category, 0) + 1
    return counts


def ownership(children: dict[str, Child], d: date) -> dict[str, int]:
    counts = {"internal": 0, "external": 0, "neither": 0}
    for child in children.values():
        placement = child.placement_on(d)
        if placement:
            counts[placement.ownership] += 1
    return counts
