"""Reads for the panel: the agenda's candidates, the pack, actions due and consolidation figures."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from operator import attrgetter

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from placements import rules as placement_rules
from placements.among import Among
from placements.imports.base import gc_paused
from placements import selectors as placement_selectors
from placements.choices import CostKind, OfstedRating, Ownership, PlacementCategory
from placements.models import AuthoritySettings, Child, CostLine, DeprivationOfLiberty, OfstedInspection, Placement
from placements.register import ratings
from panel import last_reviews, rules
from panel.choices import ConsolidationOutcome, MeetingStatus
from panel.models import ConsolidationMeeting, LastMinutedReview, PanelAction, PanelMeeting, PanelReview


def cost_threshold() -> Decimal:
    return AuthoritySettings.current().panel_cost_threshold


def _minuted(on: date | None) -> QuerySet[PanelReview]:
    """Reviews with a decision, at meetings before ``on`` (at any meeting when None)."""
    minuted = PanelReview.objects.exclude(decision="")
    return minuted if on is None else minuted.filter(meeting__date__lt=on)


def _the_latest(on: date | None, children: list[int] | None = None) -> Q:
    """A minuted review with none later for the same child before ``on`` (a later meeting, or the same meeting
    day and a later item): the child's last. PostgreSQL answers it as one anti-join over the minuted reviews
    (of these ``children`` only, when given: both sides of it)."""
    later = _minuted(on)
    if children is not None:
        later = later.filter(Among("child_id", children))
    later = later.filter(child_id=OuterRef("child_id")).filter(
        Q(meeting__date__gt=OuterRef("meeting__date")) | Q(meeting__date=OuterRef("meeting__date"), pk__gt=OuterRef("pk")))
    return ~Q(Exists(later))


def last_minuted_reviews(on: date | None, children: list[int] | None = None) -> QuerySet[PanelReview]:
    """Each child's last minuted review before ``on`` (the latest meeting, then the latest item): one a child;
    of these ``children`` only, when given. With ``on`` None, the last of all: what ``panel.last_reviews`` keeps
    (``LastMinutedReview``), which the agenda reads instead when it ``holds_on`` the day."""
    minuted = _minuted(on)
    if children is not None:
        minuted = minuted.filter(Among("child_id", children))
    return minuted.filter(_the_latest(on, children))


def review_not_due(on: date, *, kept: bool = False) -> QuerySet:
    """The children whose last minuted review before ``on`` set a next review after ``on``, or none (the panel
    need not see them again unless something changes): as a subquery, run once, not once a placement. ``kept``:
    read from the kept last reviews (``panel.last_reviews``; only where they ``holds_on(on)``)."""
    later_or_none = Q(next_review_date__isnull=True) | Q(next_review_date__gt=on)
    if kept:
        return LastMinutedReview.objects.filter(later_or_none).values("child_id")
    return _minuted(on).filter(later_or_none).filter(_the_latest(on)).values("child_id")


def could_come_to_panel(on: date, dearer: Iterable[int], *, inadequate: frozenset[int] = frozenset(),
                        movers: frozenset[int] = frozenset(), outside_area: str = "", kept_reviews: bool = False) -> Q:
    """In SQL, on the day's care segments and what they carry of their placement and child
    (``placements.care.facts``), a condition every child who meets a rule P on ``on`` meets (and a few who do
    not): the rules (``panel.rules.panel_reasons``) still decide, on far fewer rows than every child looked after.

    ``dearer``: the placements whose weekly cost on ``on`` is over the panel's threshold (rule C1, from
    ``placement_selectors.weekly_pence_on``: a few hundred keys, not a correlated sum a placement).
    ``inadequate``: the providers rated inadequate on ``on``. ``kept_reviews``: whether the kept last reviews
    hold on ``on`` (``review_not_due``).
    """
    external = Q(placement_ownership=Ownership.EXTERNAL)
    residential = Q(placement_category=PlacementCategory.RESIDENTIAL)
    margin = timedelta(days=2)  # either side of a birthday: the rules decide the day itself
    aged_12_or_under = Q(child_date_of_birth__gt=placement_rules.born_on_or_before_to_be(13, on) - margin)
    turns_18_within_6_months = Q(
        child_date_of_birth__gt=placement_rules.born_on_or_before_to_be(18, on) - margin,
        child_date_of_birth__lte=placement_rules.born_on_or_before_to_be(18, placement_rules.add_months(on, 6)) + margin,
    )
    additional = Q(placement_id__in=CostLine.objects.filter(kind=CostKind.ADDITIONAL)
                   .filter(placement_selectors.in_force(on)).values("placement_id"))
    # Never reviewed or due by ``on``: not among the children whose last review set a later date (one set).
    review_due = ~Q(child_id__in=review_not_due(on, kept=kept_reviews))
    # Cheapest tests first: PostgreSQL evaluates an OR from the left and stops at the first true.
    condition = (
        Q(placement_desired_not_met_market=True)
        | Q(placement_unregulated=True)
        | (residential & (aged_12_or_under | Q(placement_provider_id__in=sorted(inadequate))))
        | (external & (turns_18_within_6_months | review_due | Q(Among("placement_id", sorted(dearer)))))
        | additional
    )
    # The rules an authority may turn on (off by default): children with two or more moves, and out of area.
    if movers:
        condition |= Q(child_id__in=movers)
    if outside_area:
        condition |= (Q(placement_provider__isnull=False) & ~Q(placement_provider__local_authority="")
                      & ~Q(placement_provider__local_authority__iexact=outside_area))
    return condition


def _last_reviews(child_ids: list[int], on: date, *, kept: bool = False) -> dict[int, tuple]:
    """Per child, their last minuted review before ``on`` as plain values: (meeting date, next review date,
    rule codes, weekly cost, placement). ``kept``: read from the kept last reviews (``panel.last_reviews``; only
    where they ``holds_on(on)``), one row a child, else by the definition (``last_minuted_reviews``). In batches
    within the database's limit on parameters (one query on PostgreSQL)."""
    # The definition names the children twice (both sides of the anti-join): one array each on PostgreSQL.
    size = (connection.features.max_query_params or 0) // (1 if kept else 2) or len(child_ids) or 1
    last: dict[int, tuple] = {}
    for start in range(0, len(child_ids), size):
        batch = child_ids[start:start + size]
        if kept:
            for child_id, meeting_date, next_review_date, codes, weekly_cost, placement_id in (
                    LastMinutedReview.objects.filter(Among("child_id", batch)).order_by()
                    .values_list("child_id", "meeting_date", "next_review_date", "codes", "weekly_cost",
                                 "placement_id")):
                last[child_id] = (meeting_date, next_review_date, frozenset(codes.split()), weekly_cost, placement_id)
            continue
        for child_id, meeting_date, next_review_date, reasons, weekly_cost, placement_id in (
                last_minuted_reviews(on, batch).order_by()
                .values_list("child_id", "meeting__date", "next_review_date", "reasons", "weekly_cost",
                             "placement_id")):
            last[child_id] = (meeting_date, next_review_date, frozenset(reasons), weekly_cost, placement_id)
    return last


@gc_paused()  # tens of thousands of plain values and candidates, none of them garbage: the collector would walk them
def agenda_candidates(meeting_date: date, *, authority: AuthoritySettings | None = None) -> list[rules.AgendaCandidate]:
    """Every child the rules bring to the panel on ``meeting_date``, in agenda order.

    A fixed number of queries whatever the data: the providers rated inadequate on the day and their histories;
    the children looked after that day whose placement could meet a rule (``could_come_to_panel``), in one read of
    the day's ``CareSegment`` rows (the one definition) and what they carry of placement and child
    (``placements.care.facts``), with no join; their last minuted reviews (one row a child, kept by
    ``panel.last_reviews``, whenever those hold on the day); then the DoL orders, desired types and additional
    cost lines the rules read, each only where a rule can use it; the ratings the panel's review dates compare;
    who attends for the children brought. The rules run on plain values, so a region's placements cost no model
    objects. ``authority``: the settings, when the caller has read them already.
    """
    on = meeting_date
    authority = authority or AuthoritySettings.current()
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
    # Each child's last minuted review is kept (panel.last_reviews): read so whenever it holds on the day.
    kept = last_reviews.holds_on(on)
    # The histories of the providers rated inadequate on the day (the register's latest rating, found among those
    # ever rated inadequate), kept for those the rule itself finds inadequate then (rules.rating_on): a few
    # hundred providers' histories, not every inspection of the thousands ever rated inadequate.
    inspections = {provider_id: tuple(history) for provider_id, history in
                   ratings.histories_by_urn(ratings.rated_on(OfstedRating.INADEQUATE, on), on).items()
                   if (rules.rating_on(tuple(history), on) or (None, None))[1] == OfstedRating.INADEQUATE}
    # Rule C1 for every placement with a line in force, in one read of the lines (pence); those over the threshold.
    weekly_pence = placement_selectors.weekly_pence_on(on)
    limit = math.floor(threshold * 100)  # whole pence over it: over the threshold
    dearer = [placement_id for placement_id, pence in weekly_pence.items() if pence > limit]
    # One read of the day's segments, with what they carry of their placement and child: no join.
    rows = list(
        placement_selectors.care_segments_on(on)
        .filter(could_come_to_panel(on, dearer, inadequate=frozenset(inspections), outside_area=area,
                                    movers=frozenset(child for child, count in moves.items() if count >= 2),
                                    kept_reviews=kept))
        .order_by()
        .values_list("placement_id", "child_id", "child_date_of_birth", "placement_category", "placement_start",
                     "placement_provider_id", "placement_ownership", "placement_unregulated",
                     "placement_desired_not_met_market", *(["placement_provider__local_authority"] if area else []))
    )
    last = _last_reviews(sorted({row[1] for row in rows}), on, kept=kept)
    # What the rules read besides the segment, each only where it can matter: a DoL order for
    # unregulated provision, the type wanted where the market did not have it, additional cost lines in force.
    dol_since: dict[int, date] = {}
    for child_id, start in (DeprivationOfLiberty.objects.filter(placement_selectors.dol_in_force(on))
                            .order_by("start").values_list("child_id", "start")):
        dol_since.setdefault(child_id, start)
    wanted = [row[0] for row in rows if row[8]]
    desired = dict(Placement.objects.filter(Among("pk", wanted)).values_list("pk", "desired_category"))
    additional: dict[int, list[tuple[str, Decimal]]] = {}
    for placement_id, description, amount in (
            CostLine.objects.filter(placement_selectors.in_force(on), kind=CostKind.ADDITIONAL)
            .filter(placement_selectors.covering(on, "placement__")).order_by("pk")
            .values_list("placement_id", "description", "weekly_amount")):
        additional.setdefault(placement_id, []).append((description, amount))

    candidates = []
    money = placement_rules.money_of_pence
    for (pk, child_id, born, category, start, provider_id, ownership, unregulated,
         desired_not_met_market, *provider_area) in rows:
        weekly_cost = money(weekly_pence.get(pk, 0))
        review = last.get(child_id)
        facts = rules.PlacementFacts(
            date_of_birth=born,
            category=category,
            placement_start=start,
            external=ownership == Ownership.EXTERNAL,
            unregulated=unregulated,
            weekly_cost=weekly_cost,
            desired_category=desired.get(pk, ""),
            desired_not_met_market=desired_not_met_market,
            inspections=inspections.get(provider_id, ()),
            dol_since=dol_since.get(child_id),
            additional_lines=tuple(additional.get(pk, ())),
            next_review=review[1] if review else None,
            reviewed_before=review is not None,
            moves_last_12_months=moves.get(child_id, 0) if authority.panel_rule_two_moves else None,
            provider_area=(provider_area[0] or "") if area else None,
            authority_area=area,
        )
        reasons = rules.panel_reasons(facts, on, threshold)
        if reasons:
            candidates.append((rules.AgendaCandidate(
                placement_id=pk, child_id=child_id, weekly_cost=weekly_cost, reasons=reasons), provider_id))
    # In the candidates' order (``AgendaCandidate.sort_key``, which ends with the child: no two the same), the keys
    # compared directly rather than through the dataclass's ordering (a tuple made for each of 30,000 comparisons).
    brought = sorted(_as_the_panel_left_them(candidates, on, last), key=attrgetter("sort_key"))
    # Who attends for each child brought (social worker, team manager, IRO): read for them alone.
    attending = {child_id: {"social_worker": social_worker, "team_manager": team_manager, "iro": iro}
                 for child_id, social_worker, team_manager, iro in Child.objects.filter(
                     Among("pk", [candidate.child_id for candidate in brought])).order_by()
                 .values_list("pk", "social_worker", "team_manager", "iro")}
    for candidate in brought:
        candidate.attendees = attending[candidate.child_id]
    return brought


def _as_the_panel_left_them(candidates: list[tuple[rules.AgendaCandidate, int | None]], on: date,
                            last: dict[int, tuple]) -> list[rules.AgendaCandidate]:
    """The panel's own review dates hold (SPEC rules P; issue 15): a child the panel has reviewed comes back when
    the next review it set falls due, or earlier only with a change it has not seen (the reason says which); a
    child never reviewed comes at once. ``last`` is each child's last minuted review (``_last_reviews``); two
    queries more: the providers of the placements reviewed, and the inspections of the providers then and now."""
    # Ratings are compared only for a candidate the panel has reviewed whose next review is not yet due: the
    # provider now of the placement the child is in (carried by the segment), the provider then of the
    # placement reviewed (the same placement's, unless the child has moved since), each on its day.
    compared = [(candidate, provider) for candidate, provider in candidates
                if candidate.child_id in last and not (last[candidate.child_id][1] is not None
                                                       and last[candidate.child_id][1] <= on)]
    provider_of = {candidate.placement_id: provider for candidate, provider in compared}
    moved = {last[candidate.child_id][4] for candidate, _provider in compared
             if last[candidate.child_id][4] and last[candidate.child_id][4] not in provider_of}
    if moved:
        # As one array (``Among``), unordered: thousands of placements at 100,000, not a parameter each.
        provider_of.update(Placement.objects.filter(Among("pk", sorted(moved))).order_by()
                           .values_list("pk", "provider_id"))
    providers = {provider for provider in provider_of.values() if provider}
    since = min((last[candidate.child_id][0] for candidate, _provider in compared), default=on)
    inspections = ratings.histories_since(providers, since, on)

    ratings_found: dict[tuple, str | None] = {}

    def rating(provider_id, day):
        key = (provider_id, day)
        if key not in ratings_found:  # the same provider on the same day for many children
            found = rules.rating_on(tuple(inspections.get(provider_id, ())), day) if provider_id else None
            ratings_found[key] = found[1] if found else None
        return ratings_found[key]

    kept = []
    for candidate, provider_id in candidates:
        review = last.get(candidate.child_id)
        if review is None:
            kept.append(candidate)  # never reviewed: a new case (or, with no priority rule, a review due)
            continue
        meeting_date, next_review_date, codes, weekly_cost, placement_id = review
        if next_review_date is not None and next_review_date <= on:
            candidate.group, candidate.due = rules.DUE, next_review_date
            candidate.__post_init__()
            kept.append(candidate)
            continue
        seen = rules.LastReview(
            meeting_date=meeting_date, next_review=next_review_date, codes=codes,
            weekly_cost=weekly_cost, placement_id=placement_id,
            rating=rating(provider_of.get(placement_id), meeting_date))
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
    """Each meeting's outcome counted in the periods holding its date (periods may overlap: quarters and years):
    one query of counts by day and outcome, not a row a meeting (a region has tens of thousands)."""
    if not periods:
        return periods
    earliest = min(period.start for period in periods)
    latest = max(period.end for period in periods)
    kinds = {ConsolidationOutcome.MAINTAINED: "maintained", ConsolidationOutcome.ENDED: "ended"}
    counts = (meetings.filter(date__range=(earliest, latest)).order_by().values_list("date", "outcome")
              .annotate(meetings=Count("pk")))
    for day, outcome, number in counts:
        kind = kinds.get(outcome, "pending")
        for period in periods:
            if period.start <= day <= period.end:
                setattr(period, kind, getattr(period, kind) + number)
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

