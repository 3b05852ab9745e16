"""Rules P (SPEC section 3; paper 002, paragraph 75): why a child comes to the Placement Panel.

``panel_reasons`` tests one child's open placement against every rule on the
meeting date and says, for each rule met, the figure behind it in plain words.
It works on plain values (``PlacementFacts``) so each rule can be checked at its
boundaries without a database; ``panel.selectors`` gathers the facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from decimal import Decimal

from placements import rules
from placements.choices import OfstedRating, PlacementCategory
from panel.choices import Rule

PRIORITY_EXCLUDES = frozenset({Rule.REVIEW_DUE})

#: The agenda's order (issue 15): new priority cases, then changes since the panel's review, then reviews due.
NEW, CHANGED, DUE = 0, 1, 2
GROUP_LABELS = {NEW: "New priority case", CHANGED: "Changed since the last review", DUE: "Review due"}
#: Ofsted's judgements from best to worst: a provider "rated lower" moved right.
RATING_RANK = {OfstedRating.OUTSTANDING: 0, OfstedRating.GOOD: 1, OfstedRating.REQUIRES_IMPROVEMENT: 2,
               OfstedRating.INADEQUATE: 3}


@dataclass(frozen=True)
class PlacementFacts:
    """What the rules need to know of a child's open placement on the meeting date."""

    date_of_birth: date
    category: str
    placement_start: date
    external: bool
    unregulated: bool
    weekly_cost: Decimal
    desired_category: str = ""
    desired_not_met_market: bool = False
    inspections: tuple[tuple[date, str], ...] = ()  # the provider's (date, overall rating)
    dol_since: date | None = None  # start of a DoL order in force on the meeting date
    additional_lines: tuple[tuple[str, Decimal], ...] = ()  # (description, weekly amount) in force
    next_review: date | None = None  # set by the last panel that reviewed the child
    reviewed_before: bool = False
    # For the rules an authority may turn on (None: the rule is off).
    moves_last_12_months: int | None = None
    provider_area: str | None = None  # the provider's local authority area, when out of area is checked
    authority_area: str = ""


@dataclass(frozen=True)
class Reason:
    code: str
    text: str

    @property
    def is_priority(self) -> bool:
        return self.code not in PRIORITY_EXCLUDES


def money(amount: Decimal) -> str:
    return f"£{rules.money_round(amount):,.2f}"


@lru_cache(maxsize=4096)  # an agenda names the same few hundred days thousands of times
def day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def rating_on(inspections: tuple[tuple[date, str], ...], on: date) -> tuple[date, str] | None:
    """A provider's rating on a day: its latest inspection on or before that day."""
    earlier = [inspection for inspection in inspections if inspection[0] <= on]
    return max(earlier) if earlier else None


@lru_cache(maxsize=64)  # the same meeting day for every child of an agenda
def _six_months_after(meeting: date) -> date:
    return rules.add_months(meeting, 6)


def panel_reasons(facts: PlacementFacts, meeting: date, threshold: Decimal) -> list[Reason]:
    """Every rule the child meets on the meeting date, with the figure behind it."""
    reasons = []
    age = rules.age_on(facts.date_of_birth, meeting)
    residential = facts.category == PlacementCategory.RESIDENTIAL

    if facts.desired_not_met_market:
        wanted = PlacementCategory(facts.desired_category).label.lower() if facts.desired_category else "another type"
        reasons.append(Reason(Rule.DESIRED_TYPE_NOT_MET, f"wanted {wanted}; not available in the market"))

    if facts.external and facts.weekly_cost > threshold:
        reasons.append(Reason(Rule.COST_OVER_THRESHOLD,
                              f"weekly cost {money(facts.weekly_cost)} is above {money(threshold)}"))

    if residential and age <= 12:
        reasons.append(Reason(Rule.UNDER_13_RESIDENTIAL, f"aged {age}, in residential care"))

    if residential:
        latest = rating_on(facts.inspections, meeting)
        inadequate_since_start = [
            when for when, rating in facts.inspections
            if rating == OfstedRating.INADEQUATE and facts.placement_start < when <= meeting
        ]
        if latest and latest[1] == OfstedRating.INADEQUATE and inadequate_since_start:
            reasons.append(Reason(
                Rule.INADEQUATE_PROVIDER,
                f"provider rated Inadequate on {day(max(inadequate_since_start))}, "
                f"after the placement began on {day(facts.placement_start)}",
            ))

    if facts.unregulated and age < 16:
        reasons.append(Reason(Rule.UNDER_16_UNREGULATED, f"aged {age}, in unregulated provision"))

    if facts.unregulated and age in (16, 17) and facts.dol_since:
        reasons.append(Reason(Rule.DOL_UNREGULATED,
                              f"aged {age}, subject to a DoL order since {day(facts.dol_since)}, "
                              f"in unregulated provision"))

    eighteen = rules.eighteenth_birthday(facts.date_of_birth)
    if facts.external and meeting < eighteen <= _six_months_after(meeting):
        reasons.append(Reason(Rule.NEAR_18, f"turns 18 on {day(eighteen)}"))

    if facts.moves_last_12_months is not None and facts.moves_last_12_months >= 2:
        reasons.append(Reason(Rule.TWO_MOVES, f"{facts.moves_last_12_months} moves in the last 12 months"))

    if (facts.provider_area is not None and facts.provider_area.strip() and facts.authority_area.strip()
            and facts.provider_area.strip().lower() != facts.authority_area.strip().lower()):
        reasons.append(Reason(Rule.OUT_OF_AREA, f"placed in {facts.provider_area.strip()}, outside "
                                                f"{facts.authority_area.strip()}"))

    if facts.additional_lines:
        total = sum((amount for _, amount in facts.additional_lines), Decimal(0))
        what = ", ".join(description for description, _ in facts.additional_lines)
        reasons.append(Reason(Rule.ADDITIONAL_COSTS, f"additional costs {money(total)} a week: {what}"))

    if facts.external:
        if not facts.reviewed_before:
            reasons.append(Reason(Rule.REVIEW_DUE, "never reviewed at panel"))
        elif facts.next_review and facts.next_review <= meeting:
            reasons.append(Reason(Rule.REVIEW_DUE, f"review due on {day(facts.next_review)}"))

    return reasons


@dataclass(frozen=True)
class LastReview:
    """What the panel saw when it last minuted a decision on the child."""

    meeting_date: date
    next_review: date | None  # None: the panel need not see the child again, unless something changes
    codes: frozenset[str]
    weekly_cost: Decimal
    placement_id: int | None
    rating: str | None  # the provider's rating on the meeting date


def changes_since(last: LastReview, *, codes: list[str], weekly_cost: Decimal, placement_id: int,
                  rating: str | None) -> list[Reason]:
    """What changed since the panel's last review that the panel has not seen (SPEC rules P: "the panel's own
    review date holds"): a rule met that was not met then, a higher weekly cost, a move, the provider rated
    lower. Each with its figure; empty when nothing changed."""
    when = day(last.meeting_date)
    changes = []
    for code in codes:
        if code not in last.codes and code not in PRIORITY_EXCLUDES:
            changes.append(Reason(Rule.CHANGED_SINCE_REVIEW, f"newly meets: {Rule(code).label.lower()} "
                                                             f"(not at the panel of {when})"))
    if placement_id != last.placement_id:
        changes.append(Reason(Rule.CHANGED_SINCE_REVIEW, f"moved to another placement since the panel of {when}"))
    elif weekly_cost > last.weekly_cost:
        changes.append(Reason(Rule.CHANGED_SINCE_REVIEW, f"weekly cost rose from {money(last.weekly_cost)} to "
                                                         f"{money(weekly_cost)} since the panel of {when}"))
    if rating and last.rating and RATING_RANK[rating] > RATING_RANK[last.rating]:
        changes.append(Reason(Rule.CHANGED_SINCE_REVIEW, f"provider now rated {OfstedRating(rating).label} "
                                                         f"(was {OfstedRating(last.rating).label} at the panel of {when})"))
    return changes


@dataclass(order=True)
class AgendaCandidate:
    """A child the rules bring to panel, in the agenda's order: new priority cases (by weekly cost, highest first),
    then changes since the panel's review (the same), then reviews due, the longest due first."""

    sort_key: tuple = field(init=False, repr=False)
    placement_id: int = field(compare=False)
    child_id: int = field(compare=False)
    weekly_cost: Decimal = field(compare=False)
    reasons: list[Reason] = field(compare=False)
    #: Who attends for the child (social worker, team manager, IRO), as the agenda item records them.
    attendees: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    #: NEW, CHANGED or DUE; by default NEW for a priority case and DUE otherwise.
    group: int | None = field(default=None, compare=False)
    #: For a review due, the day it fell due (never reviewed: the earliest day).
    due: date = field(default=date.min, compare=False)

    def __post_init__(self):
        if self.group is None:
            self.group = NEW if self.is_priority else DUE
        self.sort_key = (self.group, self.due if self.group == DUE else date.min, -self.weekly_cost, self.child_id)

    @property
    def group_label(self) -> str:
        return GROUP_LABELS[self.group]

    @property
    def is_priority(self) -> bool:
        return any(reason.code not in PRIORITY_EXCLUDES for reason in self.reasons)  # Reason.is_priority

    @property
    def codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]
