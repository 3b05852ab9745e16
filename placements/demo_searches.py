"""The demo authority's searches and cost avoidance (paper 002, paragraphs 29 and 76).

- every external placement that began in the last year came through a search: PRF, two or three
  offers (framework first), one chosen and negotiated down, Director approval, placed;
- open searches at every step of the path, for children in care today;
- a year of placements forum cost avoidance close to the paper's (£391,335.86 from 70 placements
  by September), and the same for the year before.

Generated and deterministic; only demo children. Called by load_demo (PLACEMENTS_DEMO_MODULES).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from placements import rules
from placements.choices import (
    ChronologyKind,
    CommissioningRoute,
    CostAvoidanceSource,
    OfferStatus,
    Ownership,
    PlacementCategory,
    RecordSource,
    SearchStatus as S,
    Urgency,
)
from placements.models import (
    ChronologyEntry,
    CostAvoidance,
    Offer,
    OfferExtra,
    Placement,
    PlacementSearch,
    Provider,
)
from placements.cost_avoidance import cost_avoidance_build
from placements.searches import CLOSED

DEMO = RecordSource.DEMO
#: Open searches are spread over the steps in this order, so even a small demo has a search awaiting the
#: Director's approval (the Director's home page and approval page show it).
OPEN_STEPS = [S.AWAITING_APPROVAL, S.RECEIVED, S.OFFERS_SHARED] + [
    s for s in S.values if s not in CLOSED and s not in (S.AWAITING_APPROVAL, S.RECEIVED, S.OFFERS_SHARED)]
#: Days from the PRF by step, roughly how long a search takes to get there.
DAYS_IN = {S.RECEIVED: 1, S.PERMISSION_CONFIRMED: 2, S.QUALITY_ASSURED: 3, S.INTERNAL_SEARCH: 5,
           S.EXTERNAL_SEARCH: 9, S.DIRECT_APPROACH: 14, S.OFFERS_SHARED: 16, S.OPTION_CHOSEN: 18,
           S.NEGOTIATING: 20, S.PRE_PLACEMENT_CHECKS: 23, S.AWAITING_APPROVAL: 25, S.APPROVED: 27}
FORUM_PER_700_A_YEAR = 160


def demo_remove() -> None:
    CostAvoidance.objects.filter(child__source=DEMO).delete()
    ChronologyEntry.objects.filter(search__child__source=DEMO).delete()  # bulk delete: the rows' own delete() refuses
    PlacementSearch.objects.filter(child__source=DEMO).delete()


def demo_build(*, today: date, seed: int) -> None:
    rng = random.Random(seed + 2)
    officers = list(User.objects.filter(username__in=["officer", "manager"]).order_by("username"))
    director = User.objects.filter(username="director").first()
    if not officers or director is None:
        return
    providers = _providers_by_category()
    demo_placements = Placement.objects.filter(child__source=DEMO).select_related("child", "provider")
    scale = demo_placements.filter(end__isnull=True).count() / 700 or 1
    placed = list(demo_placements.filter(start__gt=today - timedelta(days=365), start__lte=today,
                                         provider__ownership=Ownership.EXTERNAL).order_by("pk"))
    _placed_searches(rng, placed, providers, officers, director, today)
    current = list(demo_placements.filter(end__isnull=True, start__lt=today - timedelta(days=60)).order_by("pk"))
    _open_searches(rng, current, providers, officers, today, round(40 * scale))
    _forum_avoidance(rng, current, officers, today, scale)


def _providers_by_category() -> dict[str, list[Provider]]:
    kinds = {
        PlacementCategory.RESIDENTIAL: "childrens_home", PlacementCategory.FOSTERING_IFA: "fostering_agency",
        PlacementCategory.SUPPORTED_ACCOMMODATION: "supported_accommodation",
    }
    return {category: list(Provider.objects.filter(source=DEMO, ownership=Ownership.EXTERNAL, provision=kind)
                           .prefetch_related("memberships").order_by("pk"))
            for category, kind in kinds.items()}


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _placed_searches(rng, placements, providers, officers, director, today) -> None:
    searches, offers, chronology, avoidance = [], [], [], []
    for placement in placements:
        officer = rng.choice(officers)
        received = placement.start - timedelta(days=rng.randint(4, 45))
        search = PlacementSearch(
            child=placement.child, category_requested=placement.desired_category or placement.category,
            received=received, urgency=rng.choice(list(Urgency.values)), officer=officer, status=S.PLACED,
            permission_confirmed_by="Group Manager, Children in Care", permission_confirmed_on=received,
            risk_to_child=rng.choice(["none", "low", "high"]), risk_to_others=rng.choice(["none", "low", "high"]),
            outcome_placement=placement, closed_on=placement.start,
        )
        searches.append((search, placement, officer))
    PlacementSearch.objects.bulk_create([s for s, _, _ in searches])
    prefetched = {p.pk: p for p in Placement.objects.filter(pk__in=[p.pk for p in placements])
                  .prefetch_related("cost_lines")}
    positions = {(category, provider.pk): index for category, pool in providers.items()
                 for index, provider in enumerate(pool)}
    for search, placement, officer in searches:
        agreed = prefetched[placement.pk].weekly_cost_on(placement.start) or Decimal("500.00")
        negotiated = rng.random() < 0.45
        offered = (agreed * Decimal(str(1 + (rng.uniform(0.01, 0.05) if negotiated else 0)))).quantize(rules.PENNY)
        chosen = Offer(search=search, provider=placement.provider, route=placement.route, weekly_offered=offered,
                       weekly_agreed=agreed, status=OfferStatus.CHOSEN, offered_on=search.received + timedelta(days=8))
        offers.append(chosen)
        pool = providers.get(placement.category, [])
        position = positions.get((placement.category, placement.provider_id))
        others = pool if position is None else pool[:position] + pool[position + 1:]  # a region has 10,000 homes
        for other in rng.sample(others, min(len(others), rng.randint(0, 2))):
            route = CommissioningRoute.FRAMEWORK if other.memberships.all() else CommissioningRoute.SPOT
            offers.append(Offer(search=search, provider=other, route=route, status=OfferStatus.REJECTED,
                                weekly_offered=(offered * Decimal(str(rng.uniform(0.95, 1.25)))).quantize(rules.PENNY),
                                offered_on=search.received + timedelta(days=rng.randint(5, 12))))
        steps = [(search.received, S.RECEIVED, "PRF received."), (search.received, S.PERMISSION_CONFIRMED,
                 "Permission to search confirmed."), (search.received + timedelta(days=1), S.INTERNAL_SEARCH,
                 "Sent to in-house fostering, residential and supported living: no offer."),
                 (search.received + timedelta(days=3), S.EXTERNAL_SEARCH, "Sent to framework providers on the portal."),
                 (search.received + timedelta(days=9), S.OFFERS_SHARED, "Offers shared with the social worker."),
                 (placement.start - timedelta(days=3), S.AWAITING_APPROVAL, "Sent to the Director for approval."),
                 (placement.start - timedelta(days=2), S.APPROVED, "Approved to place."),
                 (placement.start, S.PLACED, f"Placed with {placement.provider.name}.")]
        for index, (day, status, text) in enumerate(steps):
            user = director if status == S.APPROVED else officer
            kind = ChronologyKind.APPROVAL if status == S.APPROVED else ChronologyKind.STATUS_CHANGE
            chronology.append(ChronologyEntry(search=search, at=_at(min(day, today), 9 + index), user=user, kind=kind,
                                              text=f"Moved to '{S(status).label}'. {text}"))
        if offered > agreed:
            entry = cost_avoidance_build(
                child=placement.child, placement=placement, search=search,
                source=CostAvoidanceSource.SEARCH_NEGOTIATION, date_agreed=min(placement.start, today),
                weekly_before=offered, weekly_after=agreed, effective_from=placement.start, recorded_by=officer,
                note=f"Negotiated with {placement.provider.name}")
            if entry.amount > 0:
                avoidance.append(entry)
    Offer.objects.bulk_create(offers)
    ChronologyEntry.objects.bulk_create(chronology)
    CostAvoidance.objects.bulk_create(avoidance)


def _open_searches(rng, current, providers, officers, today, count) -> None:
    """Open searches at every step, for children in care who need a new placement.

    Built in memory and written with one bulk insert per table, in the order they were drawn."""
    chosen_children = rng.sample(current, min(count, len(current)))
    order = list(S.values)
    searches: list[PlacementSearch] = []
    chronology: list[tuple[PlacementSearch, ChronologyEntry]] = []
    offers: list[tuple[PlacementSearch, Offer]] = []
    extras: list[tuple[Offer, OfferExtra]] = []
    for index, placement in enumerate(chosen_children):
        status = OPEN_STEPS[index % len(OPEN_STEPS)]
        received = today - timedelta(days=DAYS_IN[status] + rng.randint(0, 10))
        category = rng.choice([PlacementCategory.RESIDENTIAL, PlacementCategory.FOSTERING_IFA,
                               PlacementCategory.SUPPORTED_ACCOMMODATION])
        if category == PlacementCategory.SUPPORTED_ACCOMMODATION and placement.child.age_on(today) < 16:
            category = PlacementCategory.FOSTERING_IFA
        officer = rng.choice(officers)
        reached = order.index(status)
        search = PlacementSearch(
            child=placement.child, category_requested=category, received=received, officer=officer, status=status,
            urgency=rng.choice(list(Urgency.values)), risk_to_child=rng.choice(["none", "low", "high"]),
            risk_to_others=rng.choice(["none", "low", "high"]), staffing_ratio=rng.choice(["", "", "1:1", "2:1"]),
            permission_confirmed_by="Group Manager, Children in Care" if reached >= 1 else "",
            permission_confirmed_on=received if reached >= 1 else None,
            needs="Needs a stable home near school; history of placement breakdown.",
        )
        searches.append(search)
        chronology.append((search, ChronologyEntry(at=_at(received, 9), user=officer,
                                                   kind=ChronologyKind.STATUS_CHANGE, text="PRF received.")))
        for step in order[1:reached + 1]:
            chronology.append((search, ChronologyEntry(
                at=_at(min(today, received + timedelta(days=DAYS_IN[step])), 10), user=officer,
                kind=ChronologyKind.STATUS_CHANGE, text=f"Moved to '{S(step).label}'.")))
        if reached >= order.index(S.EXTERNAL_SEARCH):
            pool = providers.get(category, [])
            search_offers, search_extras = [], []
            for position, provider in enumerate(rng.sample(pool, min(len(pool), rng.randint(2, 3)))):
                route = CommissioningRoute.FRAMEWORK if provider.memberships.all() else CommissioningRoute.SPOT
                base = {PlacementCategory.RESIDENTIAL: 5800, PlacementCategory.FOSTERING_IFA: 950,
                        PlacementCategory.SUPPORTED_ACCOMMODATION: 1000}[category]
                offer = Offer(provider=provider, route=route, offered_on=received + timedelta(days=6),
                              weekly_offered=Decimal(str(round(base * rng.uniform(0.9, 1.2), 2))))
                search_offers.append(offer)
                offers.append((search, offer))
                if category == PlacementCategory.RESIDENTIAL and position == 0:
                    extra = OfferExtra(description="2:1 staffing for the first month",
                                       weekly_amount=Decimal("2800.00"), weeks=4)
                    search_extras.append((offer, extra))
                    extras.append((offer, extra))
            if reached >= order.index(S.OPTION_CHOSEN) and search_offers:
                first, *others = search_offers
                for other in others:
                    other.status = OfferStatus.REJECTED
                first.status = OfferStatus.CHOSEN
                if reached >= order.index(S.NEGOTIATING):
                    first.weekly_agreed = (first.weekly_offered * Decimal("0.95")).quantize(rules.PENNY)
                    for offer, extra in search_extras:
                        if offer is first:
                            extra.agreed = False
    PlacementSearch.objects.bulk_create(searches, batch_size=2000)
    for search, entry in chronology:
        entry.search = search
    ChronologyEntry.objects.bulk_create([entry for _, entry in chronology], batch_size=5000)
    for search, offer in offers:
        offer.search = search
    Offer.objects.bulk_create([offer for _, offer in offers], batch_size=5000)
    for offer, extra in extras:
        extra.offer = offer
    OfferExtra.objects.bulk_create([extra for _, extra in extras], batch_size=5000)


def _forum_avoidance(rng, current, officers, today, scale) -> None:
    """Placements forum savings over this financial year and the last (paragraph 76's first line)."""
    fy_start = rules.financial_year_start(today)
    external = [p for p in current if p.provider and p.provider.ownership == Ownership.EXTERNAL]
    entries = []
    for year_start in (date(fy_start.year - 1, 4, 1), fy_start):
        year_end = min(date(year_start.year + 1, 3, 31), today)
        days = (year_end - year_start).days
        count = round(FORUM_PER_700_A_YEAR * scale * days / 365)
        for placement in rng.sample(external, min(count, len(external))):
            agreed = year_start + timedelta(days=rng.randint(0, days))
            before = Decimal(str(round(rng.uniform(900, 6500), 2)))
            after = (before - Decimal(str(round(rng.uniform(50, 190), 2)))).quantize(rules.PENNY)
            entry = cost_avoidance_build(
                child=placement.child, placement=placement, source=CostAvoidanceSource.PLACEMENTS_FORUM,
                date_agreed=agreed, weekly_before=before, weekly_after=after, effective_from=agreed,
                recorded_by=rng.choice(officers), note="Placements forum: fee reviewed with the provider")
            if entry.amount > 0:
                entries.append(entry)
    CostAvoidance.objects.bulk_create(entries)
