"""The demo authority's panels: a year of fortnightly panels with decisions and actions, the next
ones planned, and three years of consolidation meetings maintaining about 68% of placements (paragraph 84).

A demo of more than 700 looked-after children (a region) reviews proportionally more children at each
panel, as a region's several panels would, so the agendas keep the shape they have for one county.

Called by ``manage.py load_demo`` through the ``PLACEMENTS_DEMO_BUILDERS`` setting, after the
children and placements exist. Generated: nothing here is about a real child.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from decimal import Decimal

from django.contrib.auth.models import User
from django.db.models import Q

from panel import last_reviews, selectors
from panel.choices import ConsolidationOutcome, Decision, MeetingStatus
from panel.models import ConsolidationMeeting, PanelAction, PanelMeeting, PanelReview
from panel.services import chairs
from placements import rules
from placements.choices import SHORT_BREAK_LEGAL_STATUSES, CostAvoidanceSource, RecordSource
from placements.cost_avoidance import cost_avoidance_build
from placements.models import Child, CostAvoidance, Placement

ITEMS_PER_PANEL = 45  # for a county of 700 looked after; a region's demo scales them
PRIORITY_CAP = 25
MEMBERS = [
    "Virtual School Head", "Practice Manager, Independent Review Service", "Care Leavers Senior Manager",
    "All Age Disability Senior Manager", "Commissioning Hub Manager",
]
DECISIONS = {Decision.CONTINUE: 58, Decision.REDUCE_PACKAGE: 10, Decision.STEP_DOWN_PLAN: 12,
             Decision.MOVE_PLACEMENT: 8, Decision.END_PLACEMENT: 4, Decision.DEFERRED: 8}
SUMMARIES = {
    Decision.CONTINUE: "Placement meeting the child's needs; continue and review.",
    Decision.REDUCE_PACKAGE: "Progress noted; ask the provider to reduce the additional staffing.",
    Decision.STEP_DOWN_PLAN: "Plan a step down to a family setting over the coming months.",
    Decision.MOVE_PLACEMENT: "Needs not met; search for an alternative placement.",
    Decision.END_PLACEMENT: "Plan for the placement to end with the young person's transition.",
    Decision.DEFERRED: "Social worker unable to attend; deferred to the next panel.",
}
ACTIONS = [
    "Social worker to update the care plan", "Commissioning to negotiate the weekly fee",
    "IRO to review the placement plan", "Virtual School to confirm the education offer",
    "Social worker to arrange a consolidation meeting",
]


def demo_remove() -> None:
    """Remove the demo's panel records: those of demo children, and the demo's meetings."""
    with last_reviews.deferred():  # the children's last reviews kept again once, not once a review
        PanelReview.objects.filter(Q(child__source=RecordSource.DEMO) | Q(meeting__source=RecordSource.DEMO)).delete()
    ConsolidationMeeting.objects.filter(child__source=RecordSource.DEMO).delete()
    PanelMeeting.objects.filter(source=RecordSource.DEMO).delete()


def demo_build(*, today: date, seed: int) -> None:
    rng = random.Random(seed + 1)
    names = chairs()
    first = today - timedelta(days=364)
    first += timedelta(days=(3 - first.weekday()) % 7)  # Thursdays
    meetings = []
    day, turn = first, 0
    while day <= today + timedelta(weeks=12):  # the next six fortnightly panels are planned
        meetings.append(PanelMeeting(date=day, chair=names[turn % len(names)], source=RecordSource.DEMO))
        day += timedelta(days=14)
        turn += 1
    for meeting in meetings:
        if meeting.date < today:
            meeting.status = MeetingStatus.HELD
            meeting.members_present = "\n".join(rng.sample(MEMBERS, k=rng.randint(3, len(MEMBERS))))
    PanelMeeting.objects.bulk_create(meetings)

    demo_children = set(Child.objects.filter(source=RecordSource.DEMO).values_list("pk", flat=True))
    looked_after = (Placement.objects.filter(child__source=RecordSource.DEMO, end__isnull=True)
                    .exclude(legal_status__in=SHORT_BREAK_LEGAL_STATUSES).count())
    scale = max(1.0, looked_after / 700)
    for meeting in meetings:
        if meeting.date >= today:
            break
        _hold(meeting, rng, today, demo_children, scale)
    _consolidation(rng, today)


def _hold(meeting: PanelMeeting, rng: random.Random, today: date, demo_children: set[int],
          scale: float = 1.0) -> None:
    """Choose the panel's items as a chair would (priority first, then reviews due), and minute them.

    Only demo children: the demo never writes about anyone else."""
    candidates = [c for c in selectors.agenda_candidates(meeting.date) if c.child_id in demo_children]
    items, priority_cap = round(ITEMS_PER_PANEL * scale), round(PRIORITY_CAP * scale)
    priority = [c for c in candidates if c.is_priority][:priority_cap]
    due = [c for c in candidates if not c.is_priority][: items - len(priority)]
    chosen = priority + due
    children = {p.child_id: p.child for p in Placement.objects.filter(
        pk__in=[c.placement_id for c in chosen]).select_related("child")}
    reviews = []
    for position, candidate in enumerate(chosen, start=1):
        child = children[candidate.child_id]
        decision = rng.choices(list(DECISIONS), weights=list(DECISIONS.values()))[0]
        months = 3 if candidate.is_priority else 6
        reviews.append(PanelReview(
            meeting=meeting, child=child, placement_id=candidate.placement_id, reasons=candidate.codes,
            reason_texts=[r.text for r in candidate.reasons], weekly_cost=candidate.weekly_cost, position=position,
            social_worker=child.social_worker, team_manager=child.team_manager, iro=child.iro,
            decision=decision, summary=SUMMARIES[decision],
            next_review_date=rules.add_months(meeting.date, 1 if decision == Decision.DEFERRED else months),
        ))
    PanelReview.objects.bulk_create(reviews)
    last_reviews.keep(review.child_id for review in reviews)  # bulk_create sends no signal
    _panel_savings(meeting, reviews, rng)
    actions = []
    for review in reviews:
        if rng.random() < 0.4:
            due_day = meeting.date + timedelta(weeks=rng.randint(2, 8))
            done = due_day < today and rng.random() < 0.8
            actions.append(PanelAction(review=review, description=rng.choice(ACTIONS),
                                       owner=review.social_worker or "Social worker", due=due_day,
                                       done_on=due_day - timedelta(days=rng.randint(0, 10)) if done else None))
    PanelAction.objects.bulk_create(actions)


def _panel_savings(meeting: PanelMeeting, reviews: list[PanelReview], rng: random.Random) -> None:
    """A package reduced at panel avoids cost (paragraphs 76-78): through the one cost avoidance log."""
    chair = User.objects.filter(username="chair").first()
    if chair is None:
        return
    saved = []
    placements = Placement.objects.in_bulk([review.placement_id for review in reviews])
    for review in reviews:
        if review.decision not in (Decision.REDUCE_PACKAGE, Decision.STEP_DOWN_PLAN) or review.weekly_cost <= 1000:
            continue
        if rng.random() < 0.5:
            continue
        cut = min(review.weekly_cost - 500, Decimal(str(round(rng.uniform(150, 450), 2))))
        entry = cost_avoidance_build(
            child=review.child, placement=placements[review.placement_id],
            source=CostAvoidanceSource.PANEL, date_agreed=meeting.date,
            effective_from=meeting.date + timedelta(days=7), weekly_before=review.weekly_cost,
            weekly_after=review.weekly_cost - cut, recorded_by=chair,
            note=f"Agreed at the panel of {meeting.date:%-d %B %Y}")
        if entry.amount > 0:
            review.cost_avoidance = entry
            saved.append(review)
    CostAvoidance.objects.bulk_create([review.cost_avoidance for review in saved])
    for review in saved:
        review.cost_avoidance_id = review.cost_avoidance.pk
    PanelReview.objects.bulk_update(saved, ["cost_avoidance"], batch_size=1000)


def _consolidation(rng: random.Random, today: date) -> None:
    """Meetings to hold placements together; about 68% hold for twelve weeks (paragraph 84)."""
    start = date(rules.financial_year_start(today).year - 2, 4, 1)
    demo = Placement.objects.filter(child__source=RecordSource.DEMO, start__lt=today - timedelta(weeks=4))
    broke = list(demo.filter(end__gte=start, reason_ended__in=["breakdown", "moved"]).order_by("pk")
                 .values_list("pk", "child_id", "start", "end"))
    held = list(demo.filter(Q(end__isnull=True) | Q(end__gte=start)).exclude(reason_ended__in=["breakdown", "moved"])
                .order_by("pk").values_list("pk", "child_id", "start", "end"))
    per_year = max(1, round(len(held) / 700 * 110))
    years = (today - start).days / 365.25
    total = round(per_year * years)
    meetings = []
    ended_count = round(total * 0.32)
    for pk, child_id, begun, ended in rng.sample(broke, min(ended_count, len(broke))):
        day = max(begun + timedelta(days=1), ended - timedelta(days=rng.randint(10, 70)), start)
        if day >= ended:
            continue
        meetings.append(ConsolidationMeeting(placement_id=pk, child_id=child_id, date=day,
                                             outcome=ConsolidationOutcome.ENDED, outcome_date=ended,
                                             note="Carers struggling with behaviour; support plan agreed."))
    wanted = total - len(meetings)
    rng.shuffle(held)
    for pk, child_id, begun, ended in held:
        if wanted <= 0:
            break
        latest = ended - timedelta(weeks=12) if ended else today - timedelta(days=1)
        earliest = max(begun + timedelta(days=1), start)
        if latest <= earliest:
            continue
        wanted -= 1
        day = earliest + timedelta(days=rng.randint(0, (latest - earliest).days))
        known = day + timedelta(weeks=12)
        outcome = ConsolidationOutcome.MAINTAINED if known < today else ""
        meetings.append(ConsolidationMeeting(placement_id=pk, child_id=child_id, date=day, outcome=outcome,
                                             outcome_date=known if outcome else None,
                                             note="Extra support agreed with the carers and school."))
    ConsolidationMeeting.objects.bulk_create(meetings)
