"""The Director's approval to place (issue 16, item 2; paper 002, paragraph 29).

``approval_case`` gathers what a senior manager approves: the child, the placement asked for and the
offer chosen, its weekly and annual cost against what the child's cost lines charge today, framework or
spot, the provider's Ofsted rating, the panel rules the placement would meet (``panel.rules.panel_reasons``,
the panel's own rules, run on the offer as if it started today) and the offers turned down, each with why.

``search_approve`` and ``search_refuse`` are the two decisions. Both are the senior manager's own
(``placements.access.can_approve_placements``); a refusal needs a reason and sends the search back to
negotiation, and both are written to the chronology. Each is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction

from placements import rules, searches
from placements.access import can_approve_placements, user_groups_label
from placements.choices import ChronologyKind, OfferStatus, SearchStatus as S
from placements.models import (
    AuthoritySettings,
    DeprivationOfLiberty,
    Offer,
    OfstedInspection,
    PlacementSearch,
)
from placements.register import ratings
from placements.selectors import care_segments_on, current_memberships, dol_in_force

WEEKS_A_YEAR = 52


@dataclass(frozen=True)
class TurnedDown:
    offer: Offer
    why: str


@dataclass
class ApprovalCase:
    """What the Director sees before approving: every figure read from the records, none typed."""

    search: PlacementSearch
    on: date
    age: int
    offer: Offer | None
    weekly_at_start: Decimal  # core price agreed plus every extra kept, as the cost lines will charge at the start
    weekly_ongoing: Decimal  # after the time-limited extras end
    current_weekly: Decimal | None  # what the child's cost lines charge today; None: in no placement today
    current_placement: object | None
    frameworks: list[str] = field(default_factory=list)  # frameworks the provider is on today
    rating: OfstedInspection | None = None
    panel_reasons: list = field(default_factory=list)  # panel.rules.Reason
    turned_down: list[TurnedDown] = field(default_factory=list)

    @property
    def annual(self) -> Decimal:
        """A year of the ongoing weekly cost, with the time-limited extras for the weeks they run."""
        if self.offer is None:
            return Decimal(0)
        time_limited = sum((e.weekly_amount * min(e.weeks, WEEKS_A_YEAR) for e in self.offer.extras.all()
                            if e.agreed and e.weeks), Decimal(0))
        return self.weekly_ongoing * WEEKS_A_YEAR + time_limited

    @property
    def current_annual(self) -> Decimal | None:
        return None if self.current_weekly is None else self.current_weekly * WEEKS_A_YEAR

    @property
    def weekly_change(self) -> Decimal | None:
        """The ongoing weekly cost less what the child costs today (positive: the move costs more)."""
        return None if self.current_weekly is None else self.weekly_ongoing - self.current_weekly

    @property
    def framework_mismatch(self) -> bool:
        """Offered as framework by a provider on no framework today."""
        return self.offer is not None and self.offer.route == "framework" and not self.frameworks


def _turned_down(search: PlacementSearch, chosen: Offer | None) -> list[TurnedDown]:
    """Every offer not taken, with why: the provider withdrew (and what it said), or the social worker chose
    another."""
    withdrawals = {}
    for entry in search.chronology.all():
        if entry.provider_id and "withdrew its offer" in entry.text:
            withdrawals[entry.provider_id] = entry.text
    rows = []
    for offer in search.offers.all():
        if offer.status == OfferStatus.DECLINED_BY_PROVIDER:
            rows.append(TurnedDown(offer, withdrawals.get(offer.provider_id, "The provider withdrew its offer.")))
        elif offer.status == OfferStatus.REJECTED:
            why = "Not chosen by the social work team"
            if chosen is not None:
                why += f": {chosen.provider.name} was chosen"
                difference = offer.weekly_offered - chosen.weekly_offered
                if difference:
                    why += (f", whose offer was £{abs(difference):,.2f} a week "
                            f"{'less' if difference > 0 else 'more'}")
            rows.append(TurnedDown(offer, why + "."))
    return rows


def approval_case(search: PlacementSearch, on: date) -> ApprovalCase:
    """The approval page's facts for a search (loaded with ``selectors.search_detail``), judged on ``on``."""
    from panel import rules as panel_rules  # the panel's rules, not a copy of them

    child = search.child
    offers = list(search.offers.all())
    chosen = next((o for o in offers if o.status == OfferStatus.CHOSEN), None)
    segment = (care_segments_on(on).filter(child=child).select_related("placement")
               .prefetch_related("placement__cost_lines").first())
    current = segment.placement if segment else None
    case = ApprovalCase(
        search=search, on=on, age=child.age_on(on), offer=chosen, weekly_at_start=Decimal(0),
        weekly_ongoing=Decimal(0), current_weekly=current.weekly_cost_on(on) if current else None,
        current_placement=current, turned_down=_turned_down(search, chosen))
    if chosen is None:
        return case
    extras = [e for e in chosen.extras.all() if e.agreed]
    case.weekly_at_start = chosen.weekly_price + sum((e.weekly_amount for e in extras), Decimal(0))
    case.weekly_ongoing = chosen.weekly_price + sum((e.weekly_amount for e in extras if not e.weeks), Decimal(0))
    provider = chosen.provider
    case.frameworks = [m.framework.name for m in current_memberships(on).filter(provider=provider)]
    inspections = ratings.inspections_of(provider, on)
    case.rating = inspections[0] if inspections else None

    authority = AuthoritySettings.current()
    area = authority.authority_area.strip() if authority.panel_rule_out_of_area else ""
    dol = DeprivationOfLiberty.objects.filter(dol_in_force(on), child=child).order_by("start").first()
    facts = panel_rules.PlacementFacts(
        date_of_birth=child.date_of_birth,
        category=search.category_requested,
        placement_start=on,
        external=provider.is_external,
        unregulated=rules.is_unregulated(search.category_requested, provider.regulated),
        weekly_cost=case.weekly_at_start,
        inspections=tuple((i.inspection_date, i.overall) for i in inspections),
        dol_since=dol.start if dol else None,
        additional_lines=tuple((e.description, e.weekly_amount) for e in extras),
        reviewed_before=True,  # a new placement: "review due" is not a reason to bring it to panel
        provider_area=(provider.local_authority or "") if area else None,
        authority_area=area,
    )
    case.panel_reasons = [r for r in panel_rules.panel_reasons(facts, on, authority.panel_cost_threshold)
                          if r.is_priority]
    return case


def _check_approver(search: PlacementSearch, user, expected_version: int) -> PlacementSearch:
    search = PlacementSearch.objects.select_for_update().get(pk=search.pk)
    if search.version != expected_version:
        raise searches.SearchChanged()
    if not can_approve_placements(user):
        raise searches.SearchError("Only a senior manager can approve a placement or refuse it (the senior "
                                   "manager role itself: an administrator is not one by default).")
    if search.status != S.AWAITING_APPROVAL:
        raise searches.SearchError("This search is not awaiting approval.")
    return search


@transaction.atomic
def search_approve(*, search: PlacementSearch, user, expected_version: int, note: str = "") -> PlacementSearch:
    """The Director approves the placement: the search moves to 'approved to place'."""
    _check_approver(search, user, expected_version)
    return searches.search_move(search=search, to_status=S.APPROVED, user=user, expected_version=expected_version,
                                note=note)


@transaction.atomic
def search_refuse(*, search: PlacementSearch, user, expected_version: int, reason: str) -> PlacementSearch:
    """The Director refuses, with a reason: the search goes back to negotiation, and the chronology says why."""
    search = _check_approver(search, user, expected_version)
    if not reason.strip():
        raise searches.SearchError("Enter the reason for refusing.")
    searches._save_version(search, expected_version, status=S.NEGOTIATING)
    searches._log(search, user, ChronologyKind.APPROVAL,
                  f"Refused by {user.get_full_name() or user.get_username()} ({user_groups_label(user)}) and sent "
                  f"back to negotiation: {reason.strip()}")
    return search
