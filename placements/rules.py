"""The rules of SPEC section 3, as plain functions on plain values.

Each function names the rule it implements. Views, selectors, trackers and the
panel call these; nothing else re-implements them. Money is ``Decimal`` and is
only rounded to the penny when shown (``money_round``).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from placements.choices import SHORT_BREAK_LEGAL_STATUSES, CameFrom, Ownership, PlacementCategory, ProvisionKind

PENNY = Decimal("0.01")
ZERO = Decimal("0")


# --- Dates -----------------------------------------------------------------


def birthday_in_year(date_of_birth: date, year: int) -> date:
    """The day a birthday falls in ``year``; 29 February counts on 1 March in a non-leap year (rule A1)."""
    if date_of_birth.month == 2 and date_of_birth.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return date_of_birth.replace(year=year)


def age_on(date_of_birth: date, on: date) -> int:
    """Rule A1: completed years on ``on``."""
    years = on.year - date_of_birth.year
    if on < birthday_in_year(date_of_birth, on.year):
        years -= 1
    return years


def eighteenth_birthday(date_of_birth: date) -> date:
    return birthday_in_year(date_of_birth, date_of_birth.year + 18)


def born_on_or_before_to_be(age: int, on: date) -> date:
    """The latest date of birth of a child who is ``age`` or older on ``on`` (rule A1).

    The same day ``age`` years earlier. On 29 February that is 29 February when that year is a leap year,
    else 28 February (a child born on 1 March of a common year has not had the birthday yet).
    """
    year = on.year - age
    if (on.month, on.day) == (2, 29):
        return date(year, 2, 29 if calendar.isleap(year) else 28)
    return on.replace(year=year)


def add_months(day: date, months: int) -> date:
    """Calendar months later, clamped to the month's last day (31 Aug + 6 months = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def financial_year_start(on: date) -> date:
    """Rule C2: a financial year runs 1 April to 31 March; this is the 1 April on or before ``on``."""
    return date(on.year if on.month >= 4 else on.year - 1, 4, 1)


def financial_year(on: date) -> tuple[date, date]:
    """First and last day (both inclusive) of the financial year holding ``on``."""
    start = financial_year_start(on)
    return start, date(start.year + 1, 3, 31)


def financial_year_label(start_year: int) -> str:
    """2023 -> '2023/24'."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def week_ending(on: date) -> date:
    """The Sunday that ends the Monday-to-Sunday week holding ``on`` (rule T)."""
    return on + timedelta(days=6 - on.weekday())


def last_complete_week_ending(today: date) -> date:
    """The Sunday that ended the last whole week before ``today`` (today's week is not over until it ends)."""
    return today - timedelta(days=today.weekday() + 1)


# --- Placements --------------------------------------------------------------


def covers(start: date, end: date | None, on: date) -> bool:
    """A placement covers ``on`` when start <= on and (no end, or on < end): ``end`` is the day the child left."""
    return start <= on and (end is None or on < end)


def is_external(ownership: str | None) -> bool:
    """External: the provider's ownership is external (SSDA903 PLACE_PROVIDER PR4/PR5)."""
    return ownership == Ownership.EXTERNAL


def placement_ownership(provider_ownership: str | None, place_provider: str) -> str | None:
    """Internal, external or neither (None) for a placement (SPEC section 3, "External").

    The provider record says, when there is one; else the SSDA903 PLACE_PROVIDER: PR1 internal,
    PR4/PR5 external, PR0 (parents), PR2 (another council), PR3 (other public) neither.
    ``placements.selectors.placement_ownership`` is the same rule in SQL.
    """
    if provider_ownership:
        return provider_ownership
    from placements.imports.ssda903_codes import PLACE_PROVIDER

    code = PLACE_PROVIDER.get(place_provider)
    return code.ownership if code else None


def is_unregulated(category: str, provider_regulated: bool | None) -> bool:
    """Unregulated provision: category ``unregulated``, or a provider recorded as not regulated."""
    return category == PlacementCategory.UNREGULATED or provider_regulated is False


def counts_as_looked_after(legal_status: str) -> bool:
    """Short breaks (V3/V4) are kept but left out of looked-after counts, as DfE does."""
    return legal_status not in SHORT_BREAK_LEGAL_STATUSES


class PlacementLike(Protocol):
    start: date
    end: date | None
    legal_status: str


def is_looked_after(date_of_birth: date, placements: Iterable[PlacementLike], on: date) -> bool:
    """A child is looked after on ``on`` when a placement covers it, leaving out short breaks (V3/V4).

    Only children count: from the 18th birthday a young person is a care leaver, so a
    placement that runs on (staying put) is not counted (SPEC section 3, rule T). The one definition is
    ``placements.care.segments``; this asks it, for callers that hold only placements.
    """
    from placements.care.segments import PlacementFacts, care_segments, segment_on

    facts = [PlacementFacts(getattr(p, "pk", index), p.start, p.end, p.legal_status)
             for index, p in enumerate(placements)]
    return segment_on(care_segments(date_of_birth=date_of_birth, placements=facts), on) is not None


# --- Costs -------------------------------------------------------------------


def cost_line_in_force(date_from: date, date_to: date | None, on: date) -> bool:
    """A cost line is in force on ``on`` when from <= on and (no 'to', or on <= to): both dates inclusive."""
    return date_from <= on and (date_to is None or on <= date_to)


class CostLineLike(Protocol):
    weekly_amount: Decimal
    date_from: date
    date_to: date | None


def weekly_cost_on(placement: PlacementLike, cost_lines: Iterable[CostLineLike], on: date) -> Decimal:
    """Rule C1: the sum of the placement's cost lines in force on ``on``, if the placement covers ``on``."""
    if not covers(placement.start, placement.end, on):
        return ZERO
    return sum(
        (line.weekly_amount for line in cost_lines if cost_line_in_force(line.date_from, line.date_to, on)), ZERO
    )


def days_charged(
    *,
    placement_start: date,
    placement_end: date | None,
    date_from: date,
    date_to: date | None,
    period_start: date,
    period_end: date,
) -> int:
    """Days in [period_start, period_end] (inclusive) when the line is in force and its placement covers the day."""
    first, last = charged_from_to(placement_start=placement_start, placement_end=placement_end,
                                  date_from=date_from, date_to=date_to)
    first, last = max(first, period_start), period_end if last is None else min(last, period_end)
    return max((last - first).days + 1, 0)


def charged_from_to(*, placement_start: date, placement_end: date | None, date_from: date,
                    date_to: date | None) -> tuple[date, date | None]:
    """A line's first and last day charged (rule C2): from the later of its 'from' and its placement's start to
    the earlier of its 'to' and the day before the child left (None: charged on, with no end). The first may
    fall after the last: then it is never charged."""
    ends = [day for day in (date_to, placement_end - timedelta(days=1) if placement_end else None) if day]
    return max(placement_start, date_from), (min(ends) if ends else None)


def spend(
    lines: Iterable[tuple[Decimal, date, date | None, date, date | None]], period_start: date, period_end: date
) -> Decimal:
    """Rule C2: each day a line is in force (on a day its placement covers) costs weekly/7.

    ``lines`` are tuples (weekly_amount, date_from, date_to, placement_start, placement_end);
    the period is inclusive at both ends. The result is exact (not rounded): round when shown.
    """
    weekly_days = ZERO
    for weekly_amount, date_from, date_to, placement_start, placement_end in lines:
        days = days_charged(
            placement_start=placement_start,
            placement_end=placement_end,
            date_from=date_from,
            date_to=date_to,
            period_start=period_start,
            period_end=period_end,
        )
        weekly_days += weekly_amount * days
    return weekly_days / 7


def cost_avoidance_over_lines(*, lines: Iterable[CostLineLike], effective_from: date, horizon_end: date,
                              weekly_after: Decimal) -> Decimal:
    """Rule C3 when the saving replaces the child's own cost lines: each day from ``effective_from`` to the day
    before ``horizon_end`` avoids what those lines would have charged that day less ``weekly_after`` / 7, never
    below 0. A line that ends within the horizon (a 2:1 for the first weeks) saves nothing after its end.
    Exact (not rounded)."""
    lines = list(lines)
    total = ZERO
    day = effective_from
    while day < horizon_end:
        charged = sum((line.weekly_amount for line in lines if cost_line_in_force(line.date_from, line.date_to, day)),
                      ZERO)
        total += max(charged - Decimal(weekly_after), ZERO)
        day += timedelta(days=1)
    return total / 7


def money_of_pence(pence) -> Decimal:
    """Whole pence (as the daily figures and the agenda's weekly costs keep money; None as none) in pounds and
    pence, two places, as a ``DecimalField`` gives it: 12345 is 123.45, 0 is 0.00."""
    return Decimal(int(pence or 0)).scaleb(-2)


def money_round(amount: Decimal) -> Decimal:
    """Round to the penny, halves up, for display and export."""
    return Decimal(amount).quantize(PENNY, rounding=ROUND_HALF_UP)


def share(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole``, or None when there is no whole."""
    if not whole:
        return None
    return Decimal(part) * 100 / Decimal(whole)


# --- Cost avoidance ------------------------------------------------------------------


def cost_avoidance_horizon_end(*, effective_from: date, date_of_birth: date, planned_end: date | None) -> date:
    """Rule C3: the earliest of 52 weeks (364 days) on, the placement's planned end, and the 18th birthday."""
    candidates = [effective_from + timedelta(days=364), eighteenth_birthday(date_of_birth)]
    if planned_end is not None:
        candidates.append(planned_end)
    return min(candidates)


def cost_avoidance_amount(
    *,
    effective_from: date,
    date_of_birth: date,
    weekly_before: Decimal | None = None,
    weekly_after: Decimal | None = None,
    planned_end: date | None = None,
    one_off: Decimal | None = None,
) -> Decimal:
    """Rule C3: (weekly before - weekly after) x weeks to the horizon end; a one-off amount as it is.

    Exact (not rounded): the paper's example, 18,800 cut to 2,000 a week 335 days before an 18th
    birthday, avoids 16,800 x 335 / 7 = 804,000.
    """
    if one_off is not None:
        return Decimal(one_off)
    horizon_end = cost_avoidance_horizon_end(effective_from=effective_from, date_of_birth=date_of_birth,
                                             planned_end=planned_end)
    days = max((horizon_end - effective_from).days, 0)
    return (Decimal(weekly_before) - Decimal(weekly_after)) * days / 7


#: Supported accommodation is for young people aged 16 and 17 (issue 16, item 11).
SUPPORTED_ACCOMMODATION_MIN_AGE = 16


def category_refused_for_age(category: str, date_of_birth: date, on: date) -> str:
    """Why a placement of ``category`` cannot be sought for a child born on ``date_of_birth`` on ``on``, or ''."""
    if category == PlacementCategory.SUPPORTED_ACCOMMODATION:
        age = age_on(date_of_birth, on)
        if age < SUPPORTED_ACCOMMODATION_MIN_AGE:
            return (f"Supported accommodation is for young people aged 16 and 17: this child is {age}. "
                    f"Choose another placement type.")
    return ""


#: The provision that can meet a placement type sought (the offer form's provider picker, issue 16 item 4).
PROVISION_FOR_CATEGORY = {
    PlacementCategory.RESIDENTIAL: [ProvisionKind.CHILDRENS_HOME],
    PlacementCategory.FOSTERING_IFA: [ProvisionKind.FOSTERING_AGENCY],
    PlacementCategory.FOSTERING_INTERNAL: [ProvisionKind.FOSTERING_AGENCY],
    PlacementCategory.SUPPORTED_ACCOMMODATION: [ProvisionKind.SUPPORTED_ACCOMMODATION],
    PlacementCategory.SECURE: [ProvisionKind.SECURE_HOME],
}

#: Where a child comes from, read from the placement they are in (issue 16 item 5); none: from home.
_CAME_FROM = {
    PlacementCategory.FOSTERING_INTERNAL: CameFrom.FOSTERING, PlacementCategory.FOSTERING_KINSHIP: CameFrom.FOSTERING,
    PlacementCategory.FOSTERING_IFA: CameFrom.FOSTERING, PlacementCategory.RESIDENTIAL: CameFrom.RESIDENTIAL,
    PlacementCategory.SECURE: CameFrom.SECURE, PlacementCategory.SUPPORTED_ACCOMMODATION: CameFrom.SUPPORTED_ACCOMMODATION,
    PlacementCategory.PLACED_WITH_PARENTS: CameFrom.HOME, PlacementCategory.UNREGULATED: CameFrom.OTHER,
    PlacementCategory.OTHER: CameFrom.OTHER,
}


def came_from_for(current_category: str | None) -> str:
    """'Where the child came from' for a move out of a placement of ``current_category`` (None: from home)."""
    return _CAME_FROM.get(current_category, CameFrom.OTHER) if current_category else CameFrom.HOME
