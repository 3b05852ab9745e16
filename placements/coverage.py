"""What the data covers: the day the figures are as at, and the SSDA903 returns held (SPEC section 3,
"Data as at").

An authority that imports its SSDA903 returns has figures only up to the last day those returns cover
(31 March after the latest collection year); after that day its records simply stop, and "today" would
read as everyone leaving care. Figures therefore default to that day when it is before today, and every
page of figures says which day and which returns. An authority that keeps its records in the app (no
returns imported) is as at today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from placements import freshness, rules


@dataclass(frozen=True)
class DataCoverage:
    today: date
    #: Collection years of the returns held: 2017 for 2017/18.
    return_years: tuple[int, ...] = ()
    #: The first day of the records (the earliest DECOM), and how many children were already in care then.
    records_begin: date | None = None
    already_in_care: int = 0
    #: Whether any cost line is recorded: without them spend and "in paid placements" count nothing.
    costs_recorded: bool = True

    @property
    def returns_end(self) -> date | None:
        """The last day any imported return covers: 31 March after the latest collection year."""
        return date(max(self.return_years) + 1, 3, 31) if self.return_years else None

    @property
    def as_at(self) -> date:
        """The day figures default to: the returns' last day when that is before today, else today."""
        end = self.returns_end
        return end if end is not None and end < self.today else self.today

    @property
    def is_behind(self) -> bool:
        return self.as_at < self.today

    @property
    def returns_label(self) -> str:
        """'2017/18 to 2021/22', '2021/22', or '' with no returns; a gap is said ('2017/18, 2019/20')."""
        years = sorted(self.return_years)
        if not years:
            return ""
        if years == list(range(years[0], years[-1] + 1)):
            first, last = rules.financial_year_label(years[0]), rules.financial_year_label(years[-1])
            return first if first == last else f"{first} to {last}"
        return ", ".join(rules.financial_year_label(year) for year in years)

    def last_complete_week_ending(self) -> date:
        """The Sunday of the last whole week the data covers (the as-at day itself is complete)."""
        return rules.last_complete_week_ending(self.as_at + timedelta(days=1) if self.is_behind else self.today)

    def last_complete_month(self) -> tuple[int, int]:
        """(year, month) of the last whole month the data covers: the month before today's, or, when the data
        is behind, the as-at day's month if that day is its last (31 March), else the month before."""
        after = self.as_at + timedelta(days=1) if self.is_behind else self.today
        end = date(after.year, after.month, 1) - timedelta(days=1)
        return end.year, end.month


def _returns_held() -> dict:
    from django.db.models import Min

    from placements.models import CareSegment, CostLine, Episode

    costs_recorded = CostLine.objects.exists()
    years = tuple(sorted(Episode.objects.order_by().values_list("return_year", flat=True).distinct()))
    if not years:
        return {"return_years": (), "costs_recorded": costs_recorded}
    return {
        "return_years": years,
        "records_begin": Episode.objects.aggregate(first=Min("decom"))["first"],
        "already_in_care": CareSegment.objects.filter(before_records=True).count(),
        "costs_recorded": costs_recorded,
    }


def data_coverage(today: date) -> DataCoverage:
    """What the data covers on ``today``: three small queries, kept until the data changes."""
    return DataCoverage(today=today, **freshness.remembered("returns held", _returns_held))
