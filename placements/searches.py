"""Placement searches, from the Placement Request Form to the move (SPEC section 2; paper 002, paragraph 29).

``TRANSITIONS`` is the status path; every change goes through a function here, which refuses an
illegal step with a clear message, refuses a stale change (another officer changed the search
since this one opened it: ``version``), and writes the chronology. Each is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit import bulk as audited
from placements import rules
from placements.access import can_approve_placements, user_groups_label
from placements.choices import (
    ChronologyKind,
    CommissioningRoute,
    CostAvoidanceSource,
    CostKind,
    OfferStatus,
    ReasonEnded,
    SearchStatus as S,
)
from placements.cost_avoidance import cost_avoidance_record
from placements.models import (
    ChronologyEntry,
    CostLine,
    Offer,
    OfferExtra,
    Placement,
    PlacementSearch,
    Provider,
)
from placements.selectors import care_segments_on, covering, current_memberships

CLOSED = {S.PLACED, S.WITHDRAWN, S.NO_PLACEMENT_FOUND}

#: The status path. Withdrawn and no placement found are open to every open step (added below).
TRANSITIONS: dict[str, set[str]] = {
    S.RECEIVED: {S.PERMISSION_CONFIRMED},
    S.PERMISSION_CONFIRMED: {S.QUALITY_ASSURED},
    S.QUALITY_ASSURED: {S.INTERNAL_SEARCH},
    S.INTERNAL_SEARCH: {S.EXTERNAL_SEARCH, S.OFFERS_SHARED},  # in-house offer: share it
    S.EXTERNAL_SEARCH: {S.DIRECT_APPROACH, S.OFFERS_SHARED},  # framework first, then spot
    S.DIRECT_APPROACH: {S.OFFERS_SHARED},
    S.OFFERS_SHARED: {S.OPTION_CHOSEN, S.EXTERNAL_SEARCH, S.DIRECT_APPROACH},  # none suitable: search on
    S.OPTION_CHOSEN: {S.NEGOTIATING},
    S.NEGOTIATING: {S.PRE_PLACEMENT_CHECKS},
    S.PRE_PLACEMENT_CHECKS: {S.AWAITING_APPROVAL},
    S.AWAITING_APPROVAL: {S.APPROVED, S.NEGOTIATING},  # the Director may send it back
    S.APPROVED: {S.PLACED},
}
for _status in list(TRANSITIONS):
    TRANSITIONS[_status] |= {S.WITHDRAWN, S.NO_PLACEMENT_FOUND}

#: Steps taken by their own action rather than a plain move, because they need more than a note.
BY_ACTION = {S.OPTION_CHOSEN: "choose an offer", S.PLACED: "place the child"}
APPROVE_PERMISSION = "placements.approve_search"
CHANGE_PERMISSION = "placements.change_placementsearch"
#: What a Director does at 'awaiting approval': approve, or send back to negotiate.
APPROVAL_MOVES = {S.APPROVED, S.NEGOTIATING}


class SearchError(Exception):
    """A step the search cannot take, in words for the officer."""


class SearchChanged(SearchError):
    """Someone else changed the search since this page was opened."""

    def __init__(self):
        super().__init__("Someone else changed this search since you opened it. Your entry is still on the "
                         "page: check the latest chronology below, then submit again.")


def allowed_moves(search: PlacementSearch, user) -> list[str]:
    """The steps this user may take next from the search's status (plain moves only)."""
    moves = [s for s in TRANSITIONS.get(search.status, set()) if s not in BY_ACTION]
    if not can_approve_placements(user):
        moves = [s for s in moves if s != S.APPROVED]
    if not user.has_perm(CHANGE_PERMISSION):
        moves = [s for s in moves if search.status == S.AWAITING_APPROVAL and s in APPROVAL_MOVES]
    order = list(S.values)
    return sorted(moves, key=order.index)


def _label(status: str) -> str:
    return S(status).label.lower()


def _save_version(search: PlacementSearch, expected_version: int, **fields) -> None:
    """Write the fields only if nobody else has changed the search since ``expected_version``."""
    updated = audited.update(PlacementSearch.objects.filter(pk=search.pk, version=expected_version),
                             version=F("version") + 1, **fields)
    if not updated:
        raise SearchChanged()
    for name, value in fields.items():
        setattr(search, name, value)
    search.version = expected_version + 1


def _log(search: PlacementSearch, user, kind: str, text: str, provider: Provider | None = None) -> ChronologyEntry:
    return ChronologyEntry.objects.create(search=search, user=user, kind=kind, text=text, provider=provider)


@transaction.atomic
def search_create(*, child, user, **fields) -> PlacementSearch:
    """Record a Placement Request Form; it starts at 'PRF received'."""
    search = PlacementSearch(child=child, officer=fields.pop("officer", None) or user, **fields)
    search.full_clean()
    search.save()
    _log(search, user, ChronologyKind.STATUS_CHANGE,
         f"PRF received on {search.received:%-d %B %Y}: {search.get_category_requested_display().lower()} wanted.")
    return search


@transaction.atomic
def search_create_for_new_child(*, child, user, **fields) -> PlacementSearch:
    """A PRF for a child not yet recorded: the child (unsaved, checked as the child form checks) and the search,
    both or neither."""
    child.full_clean()
    child.save()
    return search_create(child=child, user=user, **fields)


@transaction.atomic
def search_move(*, search: PlacementSearch, to_status: str, user, expected_version: int, note: str = "",
                permission_confirmed_by: str = "") -> PlacementSearch:
    """Move the search one step along the path, with a note for the chronology."""
    search = PlacementSearch.objects.select_for_update().get(pk=search.pk)
    if search.version != expected_version:
        raise SearchChanged()
    if to_status not in TRANSITIONS.get(search.status, set()):
        raise SearchError(f"A search cannot go from '{_label(search.status)}' to '{_label(to_status)}'.")
    if to_status in BY_ACTION:
        raise SearchError(f"To move to '{_label(to_status)}', {BY_ACTION[to_status]} below.")
    if to_status == S.APPROVED and not can_approve_placements(user):
        raise SearchError("Only a senior manager can give Director approval to place (the senior manager role "
                          "itself: an administrator is not one by default).")
    if not user.has_perm(CHANGE_PERMISSION) and not (search.status == S.AWAITING_APPROVAL and to_status in APPROVAL_MOVES):
        raise SearchError("You can approve a search or send it back; the placements team takes the other steps.")
    fields: dict = {"status": to_status}
    if to_status == S.PERMISSION_CONFIRMED:
        if not permission_confirmed_by.strip():
            raise SearchError("Say who confirmed permission to search.")
        fields.update(permission_confirmed_by=permission_confirmed_by.strip(),
                      permission_confirmed_on=timezone.localdate())
    if to_status == S.OFFERS_SHARED and not search.offers.exclude(status=OfferStatus.DECLINED_BY_PROVIDER).exists():
        raise SearchError("Record at least one offer before sharing offers with the social worker.")
    if to_status == S.PRE_PLACEMENT_CHECKS:
        chosen = search.offers.filter(status=OfferStatus.CHOSEN).first()
        if chosen is None or chosen.weekly_agreed is None:
            raise SearchError("Record the price agreed with the chosen provider before the pre-placement checks.")
    if to_status in (S.WITHDRAWN, S.NO_PLACEMENT_FOUND):
        if not note.strip():
            raise SearchError("Say why the search is closing.")
        fields["closed_on"] = timezone.localdate()
    _save_version(search, expected_version, **fields)
    kind = ChronologyKind.APPROVAL if to_status == S.APPROVED else ChronologyKind.STATUS_CHANGE
    text = f"Moved to '{S(to_status).label}'"
    if to_status == S.APPROVED:
        text = f"Approved to place by {user.get_full_name() or user.get_username()} ({user_groups_label(user)})"
    if to_status == S.PERMISSION_CONFIRMED:
        text += f" (confirmed by {search.permission_confirmed_by})"
    _log(search, user, kind, f"{text}. {note.strip()}".strip())
    return search


def search_note(*, search: PlacementSearch, user, kind: str, text: str, provider: Provider | None = None
                ) -> ChronologyEntry:
    """A contact or note in the chronology (append-only, so no version check is needed)."""
    if kind not in (ChronologyKind.PROVIDER_CONTACT, ChronologyKind.SOCIAL_WORKER_CONTACT, ChronologyKind.NOTE):
        raise SearchError("Choose a contact with a provider, with the social worker, or a note.")
    if not text.strip():
        raise SearchError("Write what happened.")
    return _log(search, user, kind, text.strip(), provider)


def on_framework(provider: Provider, on: date) -> bool:
    """Framework first (issue 16, item 4): a provider is offered as framework only while on a framework."""
    return current_memberships(on).filter(provider=provider).exists()


def came_from_default(child, on: date) -> str:
    """Where the child comes from when placed on ``on``: the type of the placement they are in that day."""
    current = care_segments_on(on).filter(child=child).values_list("placement__category", flat=True).first()
    return rules.came_from_for(current)


@dataclass
class ExtraInput:
    description: str
    weekly_amount: Decimal
    weeks: int | None = None


OFFER_STEPS = {S.INTERNAL_SEARCH, S.EXTERNAL_SEARCH, S.DIRECT_APPROACH, S.OFFERS_SHARED}


@transaction.atomic
def offer_add(*, search: PlacementSearch, user, provider: Provider, route: str, weekly_offered: Decimal,
              extras: list[ExtraInput]) -> Offer:
    search = PlacementSearch.objects.select_for_update().get(pk=search.pk)
    if search.status not in OFFER_STEPS:
        raise SearchError("Offers are recorded during the internal, external or direct search.")
    if route == CommissioningRoute.FRAMEWORK and not on_framework(provider, timezone.localdate()):
        raise SearchError(f"{provider.name} is on no framework today: record the offer as spot.")
    offer = Offer(search=search, provider=provider, route=route, weekly_offered=weekly_offered)
    offer.full_clean()
    offer.save()
    for extra in extras:
        item = OfferExtra(offer=offer, description=extra.description, weekly_amount=extra.weekly_amount,
                          weeks=extra.weeks)
        item.full_clean()
        item.save()
    extras_text = "; ".join(f"{e.description} £{e.weekly_amount:,.2f} a week"
                            + (f" for {e.weeks} weeks" if e.weeks else "") for e in extras)
    _log(search, user, ChronologyKind.PROVIDER_CONTACT,
         f"Offer from {provider.name} ({offer.get_route_display().lower()}): £{weekly_offered:,.2f} a week"
         + (f", plus {extras_text}" if extras else "") + ".", provider)
    return offer


@transaction.atomic
def offer_decline(*, offer: Offer, user, note: str) -> None:
    if offer.status != OfferStatus.OFFERED:
        raise SearchError("Only an open offer can be withdrawn.")
    offer.status = OfferStatus.DECLINED_BY_PROVIDER
    offer.save(update_fields=["status"])
    _log(offer.search, user, ChronologyKind.PROVIDER_CONTACT,
         f"{offer.provider.name} withdrew its offer. {note.strip()}".strip(), offer.provider)


@transaction.atomic
def offer_choose(*, offer: Offer, user, expected_version: int, note: str = "") -> None:
    """The social work team chose this option: the others are not chosen."""
    search = PlacementSearch.objects.select_for_update().get(pk=offer.search_id)
    if search.status != S.OFFERS_SHARED:
        raise SearchError("Share the offers with the social worker before an option is chosen.")
    if offer.status != OfferStatus.OFFERED:
        raise SearchError("This offer is no longer open.")
    _save_version(search, expected_version, status=S.OPTION_CHOSEN)
    audited.update(search.offers.filter(status=OfferStatus.OFFERED).exclude(pk=offer.pk), status=OfferStatus.REJECTED)
    offer.status = OfferStatus.CHOSEN
    offer.save(update_fields=["status"])
    _log(search, user, ChronologyKind.STATUS_CHANGE,
         f"Option chosen: {offer.provider.name} at £{offer.weekly_offered:,.2f} a week. {note.strip()}".strip(),
         offer.provider)


@transaction.atomic
def offer_negotiate(*, offer: Offer, user, expected_version: int, weekly_agreed: Decimal, note: str,
                    kept_extra_ids: set[int]) -> Offer:
    """Record the price agreed, and which extras stay (e.g. 2:1 for the first month challenged and dropped)."""
    search = PlacementSearch.objects.select_for_update().get(pk=offer.search_id)
    if offer.status != OfferStatus.CHOSEN or search.status not in (S.OPTION_CHOSEN, S.NEGOTIATING):
        raise SearchError("Negotiate with the chosen provider once an option has been chosen.")
    offer.weekly_agreed = weekly_agreed
    offer.negotiation_note = note.strip()
    offer.full_clean()
    offer.save(update_fields=["weekly_agreed", "negotiation_note"])
    for extra in offer.extras.all():
        extra.agreed = extra.pk in kept_extra_ids
        extra.save(update_fields=["agreed"])
    _save_version(search, expected_version, status=S.NEGOTIATING)
    dropped = [e.description for e in offer.extras.all() if not e.agreed]
    _log(search, user, ChronologyKind.PROVIDER_CONTACT,
         f"Negotiated with {offer.provider.name}: £{weekly_agreed:,.2f} a week agreed against "
         f"£{offer.weekly_offered:,.2f} offered" + (f"; dropped: {', '.join(dropped)}" if dropped else "")
         + (f". {note.strip()}" if note.strip() else "."), offer.provider)
    return offer


@transaction.atomic
def search_place(*, search: PlacementSearch, user, expected_version: int, start: date, category: str,
                 desired_not_met_market: bool | None, came_from: str, planned_end: date | None = None) -> Placement:
    """Create the placement and its cost lines from the approved offer, end the child's current placement
    on the same day (a move), and record the negotiation's cost avoidance (rule C3). All or nothing."""
    search = PlacementSearch.objects.select_for_update().select_related("child").get(pk=search.pk)
    if search.version != expected_version:
        raise SearchChanged()
    if search.status != S.APPROVED:
        raise SearchError("A child can be placed once the Director has approved the placement.")
    offer = search.offers.filter(status=OfferStatus.CHOSEN).select_related("provider").first()
    if offer is None:
        raise SearchError("There is no chosen offer to place with.")
    if start < search.received:
        raise SearchError(f"The placement cannot start before the PRF was received on {search.received:%-d %B %Y}.")
    if category != search.category_requested and desired_not_met_market is None:
        raise SearchError("The placement type differs from the one wanted: say whether market availability "
                          "was the reason.")
    child = search.child
    if Placement.objects.filter(child=child, start__gte=start).exists():
        raise SearchError("The child already has a placement starting on or after this date.")
    for current in Placement.objects.filter(child=child).filter(covering(start)):
        if current.cost_lines.filter(date_from__gte=start).exists():
            raise SearchError("The child's current placement has cost lines from this date on: end them first.")
        current.end, current.reason_ended = start, ReasonEnded.MOVED
        current.save(update_fields=["end", "reason_ended"])
        audited.update(CostLine.objects.filter(placement=current).filter(date_to__isnull=True),
                       date_to=start - timedelta(days=1))
        audited.update(CostLine.objects.filter(placement=current, date_to__gte=start), date_to=start - timedelta(days=1))
    placement = Placement(
        child=child, provider=offer.provider, category=category, legal_status=child.legal_status, start=start,
        came_from=came_from, route=offer.route, planned_end=planned_end,
        desired_category=search.category_requested if category != search.category_requested else "",
        desired_not_met_market=bool(desired_not_met_market) and category != search.category_requested,
    )
    placement.full_clean()
    placement.save()
    lines = [CostLine(placement=placement, kind=CostKind.CORE, description="Core weekly fee",
                      weekly_amount=offer.weekly_price, date_from=start)]
    for extra in offer.extras.filter(agreed=True):
        until = start + timedelta(weeks=extra.weeks, days=-1) if extra.weeks else None
        lines.append(CostLine(placement=placement, kind=CostKind.ADDITIONAL, description=extra.description,
                              weekly_amount=extra.weekly_amount, date_from=start, date_to=until))
    for line in lines:
        line.full_clean()
    audited.bulk_create(CostLine, lines)
    _record_negotiation(search, offer, placement, user, start)
    _save_version(search, expected_version, status=S.PLACED, outcome_placement=placement,
                  closed_on=timezone.localdate())
    _log(search, user, ChronologyKind.STATUS_CHANGE,
         f"Placed with {offer.provider.name} from {start:%-d %B %Y} at £{offer.weekly_price:,.2f} a week.",
         offer.provider)
    return placement


def _record_negotiation(search: PlacementSearch, offer: Offer, placement: Placement, user, start: date) -> None:
    """Rule C3 for what negotiation took off: the weekly price and ongoing extras dropped, and a one-off
    for each time-limited extra dropped (e.g. 2:1 for the first four weeks)."""
    extras = list(offer.extras.all())
    ongoing_before = sum((e.weekly_amount for e in extras if not e.weeks), Decimal(0))
    ongoing_after = sum((e.weekly_amount for e in extras if not e.weeks and e.agreed), Decimal(0))
    before = offer.weekly_offered + ongoing_before
    after = offer.weekly_price + ongoing_after
    if after < before:
        cost_avoidance_record(child=search.child, placement=placement, search=search,
                              source=CostAvoidanceSource.SEARCH_NEGOTIATION, date_agreed=timezone.localdate(),
                              effective_from=start, weekly_before=before, weekly_after=after, recorded_by=user,
                              note=f"Negotiated with {offer.provider.name}",
                              before_reason=f"{offer.provider.name}'s offer before negotiation")
    for extra in extras:
        if extra.weeks and not extra.agreed:
            cost_avoidance_record(child=search.child, placement=placement, search=search,
                                  source=CostAvoidanceSource.SEARCH_NEGOTIATION, date_agreed=timezone.localdate(),
                                  effective_from=start, one_off=extra.weekly_amount * extra.weeks, recorded_by=user,
                                  note=f"Dropped: {extra.description} for {extra.weeks} weeks")


def days_open(search: PlacementSearch, today: date) -> int:
    return ((search.closed_on or today) - search.received).days

