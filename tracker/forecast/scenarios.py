"""What a scenario changes, as plain values (issue 18, item 4). A saved ``tracker.models.Scenario`` keeps
these settings as JSON; the baseline is the empty settings.

- entries: the children coming into care a month multiplied by a factor, then a number added (spread
  over age bands and categories as the entries are now);
- step-down: a share a year of the children in residential care at or over an age moved to fostering
  (as a monthly chance, on the residential states whose age band holds that age or older);
- in-house foster carers added: places that take fostering demand from independent agencies in house,
  recruited evenly over the first year;
- fee uplift: per cent a year by category, from each 1 April (``tracker.forecast.costs``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from placements.choices import PlacementCategory
from tracker.forecast.history import AGE_BANDS, N_STATES, band_of_state, category_index, category_of_state
from tracker.forecast.model import Rates

STEP_DOWN_TARGETS = (PlacementCategory.FOSTERING_INTERNAL, PlacementCategory.FOSTERING_IFA)
#: Months over which added in-house carers are recruited (evenly).
RECRUITMENT_MONTHS = 12


@dataclass(frozen=True)
class ScenarioSettings:
    entry_multiplier: float = 1.0
    entries_added: float = 0.0  # children a month
    step_down_share: float = 0.0  # per cent a year of the residential children at or over the age
    step_down_age: int = 12
    step_down_to: str = PlacementCategory.FOSTERING_INTERNAL
    in_house_carers_added: int = 0  # places (children)
    uplifts: tuple[tuple[str, float], ...] = field(default_factory=tuple)  # (category, per cent a year)

    @classmethod
    def from_json(cls, data: dict | None) -> ScenarioSettings:
        data = dict(data or {})
        uplifts = tuple(sorted((str(k), float(v)) for k, v in (data.pop("uplifts", None) or {}).items()))
        known = {name: data[name] for name in ("entry_multiplier", "entries_added", "step_down_share",
                                               "step_down_age", "step_down_to", "in_house_carers_added")
                 if name in data and data[name] is not None}
        return replace(cls(), uplifts=uplifts, **known)

    def to_json(self) -> dict:
        return {"entry_multiplier": self.entry_multiplier, "entries_added": self.entries_added,
                "step_down_share": self.step_down_share, "step_down_age": self.step_down_age,
                "step_down_to": str(self.step_down_to), "in_house_carers_added": self.in_house_carers_added,
                "uplifts": dict(self.uplifts)}

    @property
    def is_baseline(self) -> bool:
        return self == ScenarioSettings()

    def uplift(self, category: str) -> float:
        return dict(self.uplifts).get(category, 0.0)

    def describe(self) -> list[str]:
        """What the scenario changes, in words (for the page and the comparison)."""
        said = []
        if self.entry_multiplier != 1.0 or self.entries_added:
            said.append(f"Entries into care × {self.entry_multiplier:g}"
                        + (f", {self.entries_added:+g} a month" if self.entries_added else ""))
        if self.step_down_share:
            said.append(f"{self.step_down_share:g}% a year of children in residential care aged {self.step_down_age} "
                        f"or over step down to {PlacementCategory(self.step_down_to).label.lower()}")
        if self.in_house_carers_added:
            said.append(f"{self.in_house_carers_added} in-house fostering places added over "
                        f"{RECRUITMENT_MONTHS} months")
        for category, percent in self.uplifts:
            if percent:
                said.append(f"{PlacementCategory(category).label} fees {percent:+g}% a year")
        return said or ["No change: the baseline"]

    # --- What it does to the model -------------------------------------------------------

    def adjust_rates(self, rates: Rates) -> Rates:
        """The rates with the entries and the step-down changed."""
        entries = rates.entries * self.entry_multiplier
        if self.entries_added and rates.entries.sum() > 0:
            entries = entries + self.entries_added * rates.entries / rates.entries.sum()
        moves = rates.moves
        if self.step_down_share:
            moves = step_down(moves, share=self.step_down_share, age=self.step_down_age, to=self.step_down_to)
        return Rates(np.clip(entries, 0, None), rates.exits, moves, rates.ageing)

    def shift_in_house(self, expected: np.ndarray) -> np.ndarray:
        """Months × categories with the added in-house places taking agency fostering demand."""
        if not self.in_house_carers_added:
            return expected
        months = expected.shape[0]
        places = self.in_house_carers_added * np.minimum(np.arange(1, months + 1) / RECRUITMENT_MONTHS, 1.0)
        agency, in_house = (category_index(PlacementCategory.FOSTERING_IFA),
                            category_index(PlacementCategory.FOSTERING_INTERNAL))
        moved = np.minimum(places, expected[:, agency])
        shifted = np.array(expected, dtype=float, copy=True)
        shifted[:, agency] -= moved
        shifted[:, in_house] += moved
        return shifted


def monthly_chance(share_a_year: float) -> float:
    """The chance a month that makes ``share_a_year`` per cent over twelve months."""
    return 1 - (1 - min(max(share_a_year, 0.0), 100.0) / 100) ** (1 / 12)


def step_down(moves: np.ndarray, *, share: float, age: int, to: str) -> np.ndarray:
    """Category moves with a further monthly chance, for residential children in the age bands holding
    ``age`` or older, of moving to ``to`` instead of staying in residential care."""
    chance = monthly_chance(share)
    states = np.arange(N_STATES)
    residential = category_index(PlacementCategory.RESIDENTIAL)
    eligible_bands = [band for band, (_, _, end) in enumerate(AGE_BANDS) if end > age]
    rows = states[(category_of_state(states) == residential) & np.isin(band_of_state(states), eligible_bands)]
    changed = np.array(moves, dtype=float, copy=True)
    moving = changed[rows, residential] * chance
    changed[rows, residential] -= moving
    changed[rows, category_index(to)] += moving
    return changed
