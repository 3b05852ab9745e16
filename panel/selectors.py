"""Reads for the panel: the agenda's candidates, the pack, actions due and consolidation figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import DateField, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThanOrEqual

from placements import rules as placement_rules
from placements import selectors as placement_selectors
from placements.choices import CostKind, OfstedRating, Ownership, PlacementCategory
from placements.models import AuthoritySettings, CostLine, DeprivationOfLiberty, OfstedInspection, Provider
from placements.register import ratings
from panel import rules
from panel.choices import ConsolidationOutcome, MeetingStatus
from panel.models import ConsolidationMeeting, PanelAction, PanelMeeting, PanelReview


def cost_threshold() -> Decimal:
    return AuthoritySettings.current().panel_cost_threshold


def _minuted_before(meeting_date: date):
    return PanelReview.objects.filter(child=OuterRef("child_id"), meeting__date__lt=meeting_date).exclude(decision="")


def next_review_or_never(on: date) -> Subquery:
    """The next review date the child's last minuted review before ``on`` set, in one correlated
    subquery: ``FAR_FUTURE`` when that review set none, NULL when the child was never reviewed.

    It stands for both of rules P's "next review" and "reviewed before": as two subqueries, PostgreSQL
    answered the second by hashing every minuted review, once in the condition and again in the columns.
    """
    last_review = _minuted_before(on).order_by("-meeting__date", "-pk")
    next_date = Coalesce("next_review_date", Value(placement_selectors.FAR_FUTURE, DateField()))
    return Subquery(last_review.values(next_date=next_date)[:1], output_field=DateField())


def could_come_to_panel(on: date, threshold: Decimal, *, movers: frozenset[int] = frozenset(),
                        outside_area: str = "") -> Q:
    """In SQL, a condition every placement that meets a rule P on ``on`` meets (and a few that do not):
    the rules (``panel.rules.panel_reasons``) still decide, on far fewer rows than every open placement.

    Needs the annotations ``weekly_cost`` (``placement_selectors.weekly_cost_subquery``), ``ownership``
    (``placement_selectors.placement_ownership``) and ``next_review`` (``next_review_or_never``).
    """
    external = Q(ownership=Ownership.EXTERNAL)  # the annotation selectors.placement_ownership
    unregulated = Q(category=PlacementCategory.UNREGULATED) | Q(provider__regulated=False)
    residential = Q(category=PlacementCategory.RESIDENTIAL)
    margin = timedelta(days=2)  # either side of a birthday: the rules decide the day itself
    aged_12_or_under = Q(child__date_of_birth__gt=placement_rules.born_on_or_before_to_be(13, on) - margin)
    turns_18_within_6_months = Q(
        child__date_of_birth__gt=placement_rules.born_on_or_before_to_be(18, on) - margin,
        child__date_of_birth__lte=placement_rules.born_on_or_before_to_be(18, placement_rules.add_months(on, 6)) + margin,
    )
    inadequate_since_start = Exists(ratings.rated_by(on, "provider__urn").filter(
        overall=OfstedRating.INADEQUATE, inspection_date__gt=OuterRef("start")))
    additional = Exists(CostLine.objects.filter(placement=OuterRef("pk"), kind=CostKind.ADDITIONAL)
                        .filter(placement_selectors.in_force(on)))
    # Never reviewed (NULL, read as the earliest day) or due by ``on``: one test, so PostgreSQL runs the
    # review subquery once a row, not once for "never" and again for "due".
    review_due = Q(LessThanOrEqual(Coalesce("next_review", Value(date.min, DateField())), on))
    # Cheapest tests first: PostgreSQL evaluates an OR from the left and stops at the first true.
    condition = (
        Q(desired_not_met_market=True)
        | unregulated
        | (residential & (aged_12_or_under | inadequate_since_start))
        | (external & (turns_18_within_6_months | review_due | Q(weekly_cost__gt=threshold)))
        | additional
    )
    # The rules an authority may turn on (off by default): children with two or more moves, and out of area.
    if movers:
        condition |= Q(child_id__in=movers)
    if outside_area:
        condition |= (Q(provider__isnull=False) & ~Q(provider__local_authority="")
                      & ~Q(provider__local_authority__iexact=outside_area))
    return condition


def agenda_candidates(meeting_date: date) -> list[rules.AgendaCandidate]:
    """Every child the rules bring to the panel on ``meeting_date``, in agenda order.

    Four queries whatever the data: the placements that could meet a rule (``could_come_to_panel``), as
    plain values with who attends for the child, then the DoL orders, Ofsted inspections and additional
    cost lines the rules read, each only where a rule can use it. The rules run on plain values, so a
    region's placements cost no model objects.
    """
    on = meeting_date
    authority = AuthoritySettings.current()
    threshold = authority.panel_cost_threshold
    # The rules an authority may turn on: moves by rule T (one query over the year's changes), and the area.
    moves: dict[int, int] = {}
    if authority.panel_rule_two_moves:
        from tracker.rules import MOVE
        from tracker.selectors import care_events_between

        for event in care_events_between(placement_rules.add_months(on, -12) + timedelta(days=1), on):
            if event.kind == MOVE:
                moves[event.child_id] = moves.get(event.child_id, 0) + 1
    area = authority.authority_area.strip() if authority.panel_rule_out_of_area else ""
    rows = (
        placement_selectors.looked_after_placements(on)
        .annotate(weekly_cost=placement_selectors.weekly_cost_subquery(on), next_review=next_review_or_never(on),
                  ownership=placement_selectors.placement_ownership())
        .filter(could_come_to_panel(on, threshold, outside_area=area,
                                    movers=frozenset(child for child, count in moves.items() if count >= 2)))
        .order_by()
        .values_list("pk", "child_id", "child__date_of_birth", "category", "start", "provider_id",
                     "ownership", "provider__regulated", "weekly_cost", "desired_category",
                     "desired_not_met_market", "next_review", "child__social_worker", "child__team_manager",
                     "child__iro", "provider__local_authority")
    )
    # What the rules read besides the placement, each only where it can matter: a DoL order for
    # unregulated provision, the inspections of providers rated inadequate on the day (the only residential
    # rule that reads them needs the latest rating inadequate), additional cost lines in force.
    dol_since: dict[int, date] = {}
    for child_id, start in (DeprivationOfLiberty.objects.filter(placement_selectors.dol_in_force(on))
                            .order_by("start").values_list("child_id", "start")):
        dol_since.setdefault(child_id, start)
    ever_inadequate = OfstedInspection.objects.filter(overall=OfstedRating.INADEQUATE, inspection_date__lte=on)
    inadequate_now = (Provider.objects.filter(urn__in=ever_inadequate.values("entry_id"))
                      .alias(rating=placement_selectors.latest_rating_subquery(on))
                      .filter(rating=OfstedRating.INADEQUATE))
    inspections = ratings.histories(inadequate_now, on)
    additional: dict[int, list[tuple[str, Decimal]]] = {}
    for placement_id, description, amount in (
            CostLine.objects.filter(placement_selectors.in_force(on), kind=CostKind.ADDITIONAL)
            .filter(placement_selectors.covering(on, "placement__")).order_by("pk")
            .values_list("placement_id", "description", "weekly_amount")):
        additional.setdefault(placement_id, []).append((description, amount))

    candidates = []
    never = placement_selectors.FAR_FUTURE
    for (pk, child_id, born, category, start, provider_id, ownership, regulated, weekly_cost, desired_category,
         desired_not_met_market, next_review, social_worker, team_manager, iro, provider_area) in rows:
        facts = rules.PlacementFacts(
            date_of_birth=born,
            category=category,
            placement_start=start,
            external=ownership == Ownership.EXTERNAL,
            unregulated=placement_rules.is_unregulated(category, regulated),
            weekly_cost=weekly_cost,
            desired_category=desired_category,
            desired_not_met_market=desired_not_met_market,
            inspections=tuple(inspections.get(provider_id, ())),
            dol_since=dol_since.get(child_id),
            additional_lines=tuple(additional.get(pk, ())),
            next_review=None if next_review == never else next_review,
            reviewed_before=next_review is not None,
            moves_last_12_months=moves.get(child_id, 0) if authority.panel_rule_two_moves else None,
            provider_area=(provider_area or "") if area else None,
            authority_area=area,
        )
        reasons = rules.panel_reasons(facts, on, threshold)
        if reasons:
            candidates.append((rules.AgendaCandidate(
                placement_id=pk, child_id=child_id, weekly_cost=weekly_cost, reasons=reasons,
                attendees={"social_worker": social_worker, "team_manager": team_manager, "iro": iro}), provider_id))
    return sorted(_as_the_panel_left_them(candidates, on))


def _as_the_panel_left_them(candidates: list[tuple[rules.AgendaCandidate, int | None]], on: date
                            ) -> list[rules.AgendaCandidate]:
    """The panel's own review dates hold (SPEC rules P; issue 15): a child the panel has reviewed comes back when
    the next review it set falls due, or earlier only with a change it has not seen (the reason says which); a
    child never reviewed comes at once. Two queries: the last minuted review of each candidate, and the
    inspections of their providers."""
    children = [candidate.child_id for candidate, _provider in candidates]
    last: dict[int, PanelReview] = {}
    for review in (PanelReview.objects.filter(child_id__in=children, meeting__date__lt=on).exclude(decision="")
                   .select_related("meeting", "placement").order_by("child_id", "-meeting__date", "-pk")
                   .only("child_id", "meeting__date", "next_review_date", "reasons", "weekly_cost", "placement_id",
                         "placement__provider_id")):
        last.setdefault(review.child_id, review)
    providers = {provider for _candidate, provider in candidates if provider}
    providers |= {review.placement.provider_id for review in last.values() if review.placement_id}
    inspections = ratings.histories(providers, on)

    def rating(provider_id, day):
        found = rules.rating_on(tuple(inspections.get(provider_id, ())), day) if provider_id else None
        return found[1] if found else None

    kept = []
    for candidate, provider_id in candidates:
        review = last.get(candidate.child_id)
        if review is None:
            kept.append(candidate)  # never reviewed: a new case (or, with no priority rule, a review due)
            continue
        if review.next_review_date is not None and review.next_review_date <= on:
            candidate.group, candidate.due = rules.DUE, review.next_review_date
            candidate.__post_init__()
            kept.append(candidate)
            continue
        seen = rules.LastReview(
            meeting_date=review.meeting.date, next_review=review.next_review_date, codes=frozenset(review.reasons),
            weekly_cost=review.weekly_cost, placement_id=review.placement_id,
            rating=rating(review.placement.provider_id if review.placement_id else None, review.meeting.date))
        changes = rules.changes_since(seen, codes=candidate.codes, weekly_cost=candidate.weekly_cost,
                                      placement_id=candidate.placement_id, rating=rating(provider_id, on))
        if changes:
            candidate.reasons = [*changes, *candidate.reasons]
            candidate.group = rules.CHANGED
            candidate.__post_init__()
            kept.append(candidate)
    return kept


def agenda_items(meeting: PanelMeeting) -> QuerySet[PanelReview]:
    """A meeting's agenda items, with what the page and the pack show."""
    open_actions = PanelAction.objects.filter(done_on__isnull=True)
    return (
        meeting.reviews.filter(removed=False, carried=False)
        .select_related("child", "placement__provider")
        .prefetch_related(Prefetch("actions", queryset=open_actions.order_by("due"), to_attr="open_actions"))
        .order_by("position", "pk")
    )


@dataclass
class PackItem:
    review: PanelReview
    rating: OfstedInspection | None
    cost_lines: list[CostLine]
    previous: PanelReview | None
    open_actions: list[PanelAction]


def agenda_pack(meeting: PanelMeeting) -> list[PackItem]:
    """Everything the panel reads for each child, in a fixed number of queries."""
    items = list(agenda_items(meeting))
    placements = [item.placement for item in items if item.placement]
    lines = CostLine.objects.filter(placement__in=placements).filter(placement_selectors.in_force(meeting.date))
    lines_by_placement: dict[int, list[CostLine]] = {}
    for line in lines.order_by("kind", "pk"):
        lines_by_placement.setdefault(line.placement_id, []).append(line)
    provider_ids = {p.provider_id for p in placements if p.provider_id}
    latest = ratings.latest_by_provider(provider_ids, meeting.date)
    child_ids = [item.child_id for item in items]
    previous: dict[int, PanelReview] = {}
    earlier = (
        PanelReview.objects.filter(child_id__in=child_ids, meeting__date__lt=meeting.date)
        .exclude(decision="").select_related("meeting").order_by("meeting__date", "pk")
    )
    for review in earlier:
        previous[review.child_id] = review
    actions: dict[int, list[PanelAction]] = {}
    for action in PanelAction.objects.filter(review__child_id__in=child_ids, done_on__isnull=True,
                                             review__meeting__date__lt=meeting.date).select_related("review"):
        actions.setdefault(action.review.child_id, []).append(action)
    return [
        PackItem(
            review=item,
            rating=latest.get(item.placement.provider_id) if item.placement and item.placement.provider_id else None,
            cost_lines=lines_by_placement.get(item.placement_id, []),
            previous=previous.get(item.child_id),
            open_actions=actions.get(item.child_id, []),
        )
        for item in items
    ]


def actions_open() -> QuerySet[PanelAction]:
    return (
        PanelAction.objects.filter(done_on__isnull=True)
        .select_related("review__child", "review__meeting")
        .order_by("due", "pk")
    )


def child_panel_history(child_id: int) -> QuerySet[PanelReview]:
    return (
        PanelReview.objects.filter(child_id=child_id, removed=False, carried=False)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .select_related("meeting")
        .prefetch_related("actions")
        .order_by("-meeting__date")
    )


@dataclass
class ConsolidationFigure:
    label: str
    start: date
    end: date
    maintained: int = 0
    ended: int = 0
    pending: int = 0

    @property
    def decided(self) -> int:
        return self.maintained + self.ended

    @property
    def share_text(self) -> str:
        """'68% (78 of 115 known outcomes)': the share rests only on the outcomes known."""
        share = placement_rules.share(self.maintained, self.decided)
        return f"{share:.0f}% ({self.maintained} of {self.decided} known outcome{'s' if self.decided != 1 else ''})"

    def summary(self) -> str:
        """In the paper's words: 'Year 2022/23: 68% (78 children) maintained their placements'."""
        waiting = f"; {self.pending} outcome{'s' if self.pending != 1 else ''} not known yet" if self.pending else ""
        if not self.decided:
            return f"{self.label}: no outcomes recorded yet{waiting}"
        share = placement_rules.share(self.maintained, self.decided)
        return f"{self.label}: {share:.0f}% ({self.maintained} children) maintained their placements{waiting}"


def consolidation_figures(today: date, years: int = 3) -> list[ConsolidationFigure]:
    """Each quarter of this financial year, then this and earlier financial years, by meeting date."""
    fy_start, _ = placement_rules.financial_year(today)
    periods = []
    for quarter in range(4):
        start = placement_rules.add_months(fy_start, 3 * quarter)
        if start > today:
            break
        end = placement_rules.add_months(fy_start, 3 * quarter + 3) - timedelta(days=1)
        periods.append(ConsolidationFigure(f"Quarter {quarter + 1} {placement_rules.financial_year_label(fy_start.year)}",
                                           start, end))
    for back in range(0, years):
        year = fy_start.year - back
        periods.append(ConsolidationFigure(f"Year {placement_rules.financial_year_label(year)}",
                                           date(year, 4, 1), date(year + 1, 3, 31)))
    return _count_outcomes(periods, ConsolidationMeeting.objects.all())


def _count_outcomes(periods: list[ConsolidationFigure], meetings: QuerySet[ConsolidationMeeting]
                    ) -> list[ConsolidationFigure]:
    """Each meeting's outcome counted in the periods holding its date: one query."""
    if not periods:
        return periods
    earliest = min(period.start for period in periods)
    latest = max(period.end for period in periods)
    rows = meetings.filter(date__range=(earliest, latest)).values_list("date", "outcome")
    for when, outcome in rows:
        for period in periods:
            if period.start <= when <= period.end:
                if outcome == ConsolidationOutcome.MAINTAINED:
                    period.maintained += 1
                elif outcome == ConsolidationOutcome.ENDED:
                    period.ended += 1
                else:
                    period.pending += 1
    return periods


def consolidation_by_quarter(first: date, last: date, category: str = "") -> list[ConsolidationFigure]:
    """Meetings held in each financial quarter from ``first``'s quarter to ``last``'s (the last to ``last``),
    by outcome, as the team reports them quarterly (paper 002, paragraph 84). With a category, the meetings
    on a placement of that category. One query."""
    fy_start = placement_rules.financial_year_start(first)
    quarter = ((first.year - fy_start.year) * 12 + first.month - fy_start.month) // 3
    start = placement_rules.add_months(fy_start, 3 * quarter)
    periods = []
    while start <= last:
        year_start = placement_rules.financial_year_start(start)
        number = ((start.year - year_start.year) * 12 + start.month - year_start.month) // 3 + 1
        end = min(placement_rules.add_months(start, 3) - timedelta(days=1), last)
        periods.append(ConsolidationFigure(
            f"Quarter {number} {placement_rules.financial_year_label(year_start.year)}", start, end))
        start = placement_rules.add_months(start, 3)
    meetings = ConsolidationMeeting.objects.all()
    if category:
        meetings = meetings.filter(placement__category=category)
    return _count_outcomes(periods, meetings)


def consolidation_list() -> QuerySet[ConsolidationMeeting]:
    return ConsolidationMeeting.objects.select_related("child", "placement__provider").order_by("-date", "pk")


def upcoming_and_recent_meetings(today: date) -> tuple[QuerySet[PanelMeeting], QuerySet[PanelMeeting]]:
    base = PanelMeeting.objects.exclude(status=MeetingStatus.CANCELLED)
    return (base.filter(date__gte=today).order_by("date"), base.filter(date__lt=today).order_by("-date"))

