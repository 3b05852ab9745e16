"""The agenda's candidates (``panel.selectors.agenda_candidates``: the day's care segments filtered in SQL, the
last reviews read once) are exactly a plain recomputation, child by child, on random children.

The recomputation shares only rules P themselves (``panel.rules``) with the selector: who is looked after comes
from the pure segments function on each child's placements, the placement's facts from the records one by one,
the weekly cost by adding the lines in force, the last review by sorting the child's minuted reviews. The random
children sit on the boundaries: reviews due on the meeting day or the day after, placements ending on the day or
the day after, 18th birthdays on the day, either side of it and six months on, costs at the threshold.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from panel import rules, selectors
from panel.choices import Decision
from panel.models import PanelMeeting, PanelReview
from placements import rules as placement_rules
from placements.care.segments import PlacementFacts as SegmentFacts
from placements.care.segments import care_segments, segment_on
from placements.choices import OfstedRating, PlacementCategory
from placements.models import AuthoritySettings, Child
from tests.factories import make_child, make_cost_line, make_inspection, make_placement, make_provider

pytestmark = pytest.mark.django_db

ON = date(2024, 3, 14)
EARLIER = [date(2023, 9, 7), date(2023, 12, 14), date(2024, 2, 29)]  # panels that have met


def birth_dates() -> list[date]:
    """Birthdays that put a child at every age boundary the rules test on ``ON``."""
    days = []
    for years in (12, 13, 15, 16, 17, 18):
        birthday = date(ON.year - years, ON.month, ON.day)
        days += [birthday - timedelta(days=1), birthday, birthday + timedelta(days=1)]
    six_months = placement_rules.add_months(ON, 6)
    return days + [date(six_months.year - 18, six_months.month, six_months.day) + timedelta(days=d) for d in (-1, 0, 1)]


def inspections_of(provider) -> list:
    """The provider's inspections, read plainly from Ofsted's register by its URN."""
    from placements.models import OfstedInspection

    return list(OfstedInspection.objects.filter(entry_id=provider.urn)) if provider.urn else []


def build(rng: random.Random, count: int) -> None:
    settings = AuthoritySettings.current()
    threshold = settings.panel_cost_threshold
    home = make_provider(name="Home", urn="SC1", ownership="external")
    make_inspection(home, date(2023, 1, 5), OfstedRating.GOOD)
    make_inspection(home, date(2024, 1, 10), OfstedRating.INADEQUATE)
    council = make_provider(name="Council home", urn="SC2", ownership="internal")
    lodgings = make_provider(name="Lodgings", urn=None, regulated=False, provision="other", ownership="external")
    agency = make_provider(name="Agency", urn="SC3", provision="fostering_agency", ownership="external")
    providers = [home, council, lodgings, agency, None]
    kinds = [PlacementCategory.RESIDENTIAL, PlacementCategory.UNREGULATED, PlacementCategory.FOSTERING_IFA,
             PlacementCategory.FOSTERING_INTERNAL]
    meetings = [PanelMeeting.objects.create(date=day, chair="Chair", status="held") for day in EARLIER]
    borns = birth_dates()
    for n in range(count):
        child = make_child(case_ref=f"R{n:03d}", date_of_birth=rng.choice(borns))
        start = ON - timedelta(days=rng.choice([2, 30, 200, 400]))
        end = rng.choice([None, None, ON, ON + timedelta(days=1), ON - timedelta(days=1)])
        kind = rng.choice(kinds)
        provider = rng.choice(providers)
        placement = make_placement(child, provider, category=kind, start=start, end=end,
                                   place_provider=rng.choice(["PR1", "PR4", "PR0"]) if provider is None else "",
                                   desired_not_met_market=rng.random() < 0.05,
                                   reason_ended="moved" if end else "")
        amount = rng.choice([threshold, threshold + Decimal("0.01"), Decimal("1200"), Decimal("5000")])
        make_cost_line(placement, str(amount), start, rng.choice([None, ON, ON - timedelta(days=1)]))
        if rng.random() < 0.3:
            make_cost_line(placement, "300", start, rng.choice([None, ON - timedelta(days=1)]), kind="additional",
                           description="2:1 staffing")
        if rng.random() < 0.2:
            child.dol_orders.create(start=start, end=rng.choice([None, ON, ON - timedelta(days=1)]))
        for meeting in rng.sample(meetings, rng.randrange(0, 3)):
            next_review = rng.choice([None, ON, ON + timedelta(days=1), ON - timedelta(days=1), ON + timedelta(days=90)])
            PanelReview.objects.create(meeting=meeting, child=child, placement=placement,
                                       reasons=rng.choice([["REVIEW_DUE"], ["COST_OVER_THRESHOLD"], []]),
                                       weekly_cost=rng.choice([Decimal("1200"), amount]),
                                       decision=rng.choice([Decision.CONTINUE, ""]), next_review_date=next_review)


def plain_candidates(on: date) -> list[tuple]:
    """Rules P child by child, straight from the records."""
    threshold = AuthoritySettings.current().panel_cost_threshold
    found = []
    for child in Child.objects.order_by("pk"):
        placements = list(child.placements.select_related("provider"))
        segments = care_segments(date_of_birth=child.date_of_birth,
                                 placements=[SegmentFacts(p.pk, p.start, p.end, p.legal_status) for p in placements])
        segment = segment_on(segments, on)
        if segment is None:
            continue
        placement = next(p for p in placements if p.pk == segment.placement_id)
        provider = placement.provider
        lines = [line for line in placement.cost_lines.all()
                 if line.date_from <= on and (line.date_to is None or line.date_to >= on)]
        weekly_cost = sum((line.weekly_amount for line in lines), Decimal(0))
        inspections = tuple(sorted((i.inspection_date, i.overall) for i in inspections_of(provider)
                                   if i.inspection_date <= on)) if provider else ()
        dol = sorted(o.start for o in child.dol_orders.all() if o.start <= on and (o.end is None or o.end >= on))
        minuted = sorted((r for r in child.panel_reviews.select_related("meeting", "placement")
                          if r.decision and r.meeting.date < on), key=lambda r: (r.meeting.date, r.pk))
        last = minuted[-1] if minuted else None
        facts = rules.PlacementFacts(
            date_of_birth=child.date_of_birth, category=placement.category, placement_start=placement.start,
            external=placement_rules.placement_ownership(provider.ownership if provider else None,
                                                         placement.place_provider) == "external",
            unregulated=placement_rules.is_unregulated(placement.category, provider.regulated if provider else None),
            weekly_cost=weekly_cost, desired_category=placement.desired_category,
            desired_not_met_market=placement.desired_not_met_market, inspections=inspections,
            dol_since=dol[0] if dol else None,
            additional_lines=tuple((line.description, line.weekly_amount)
                                   for line in sorted(lines, key=lambda line: line.pk) if line.kind == "additional"),
            next_review=last.next_review_date if last else None, reviewed_before=last is not None)
        reasons = rules.panel_reasons(facts, on, threshold)
        if not reasons:
            continue
        candidate = rules.AgendaCandidate(placement_id=placement.pk, child_id=child.pk, weekly_cost=weekly_cost,
                                          reasons=reasons)
        if last is not None:
            if last.next_review_date is not None and last.next_review_date <= on:
                candidate.group, candidate.due = rules.DUE, last.next_review_date
            else:
                def rating(provider, day):
                    found = rules.rating_on(tuple((i.inspection_date, i.overall) for i in inspections_of(provider)),
                                            day) if provider else None
                    return found[1] if found else None

                seen = rules.LastReview(meeting_date=last.meeting.date, next_review=last.next_review_date,
                                        codes=frozenset(last.reasons), weekly_cost=last.weekly_cost,
                                        placement_id=last.placement_id,
                                        rating=rating(last.placement.provider if last.placement else None,
                                                      last.meeting.date))
                changes = rules.changes_since(seen, codes=candidate.codes, weekly_cost=weekly_cost,
                                              placement_id=placement.pk, rating=rating(provider, on))
                if not changes:
                    continue
                candidate.reasons = [*changes, *candidate.reasons]
                candidate.group = rules.CHANGED
            candidate.__post_init__()
        found.append(candidate)
    return [summary(candidate) for candidate in sorted(found)]


def summary(candidate: rules.AgendaCandidate) -> tuple:
    return (candidate.child_id, candidate.placement_id, candidate.weekly_cost, candidate.group, candidate.due,
            tuple((reason.code, reason.text) for reason in candidate.reasons))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_candidates_are_a_plain_recount_child_by_child(seed):
    build(random.Random(seed), 40)
    expected = plain_candidates(ON)
    assert expected, "the random children include some the rules bring to panel"
    assert [summary(c) for c in selectors.agenda_candidates(ON)] == expected
    # The day after (a review due on the meeting day is then overdue; placements ending on ON have ended).
    after = ON + timedelta(days=1)
    assert [summary(c) for c in selectors.agenda_candidates(after)] == plain_candidates(after)
