"""Each person's Monday morning (issue 16, item 1): the work waiting for them, role by role, on the home page.

One plain function a role, each returning a dataclass of short lists and counts, each a bounded number of
queries whatever the data (lists are cut at ``SHOWN`` rows, with the full count beside them):

- ``officer_worklist``: my open searches by urgency and days open (an emergency search open more than
  ``EMERGENCY_FLAG_DAYS`` days is flagged), searches waiting on me, cost lines ending soon, children turning 18
  in the next six months;
- ``director_worklist``: searches awaiting approval, this week's tracker headline, placements above the panel's
  cost threshold started this week, Ofsted downgrades since last week of providers with children placed now;
- ``chair_worklist``: the next panel, its agenda state, actions overdue;
- ``member_worklist``: the next issued agenda and its pack;
- ``manager_worklist``: data quality counts, the last imports, budgets against the forecast (rule C4).

``roles_of(user)`` says which sections a user sees: one for each role they hold (an administrator sees all).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When

from placements import access, rules
from placements.choices import Ownership, SearchStatus, Urgency
from placements.models import AuthoritySettings, CostLine, OfstedInspection, Placement, PlacementSearch, Provider
from placements.register import ratings
from placements.selectors import (
    care_segments_on,
    covering,
    in_force,
    looked_after_placements,
    placement_ownership,
    weekly_cost_subquery,
)

SHOWN = 10
#: An emergency search ("today") still open after this many days is flagged on the officer's list.
EMERGENCY_FLAG_DAYS = 2
#: Cost lines ending within this many days count as "ending soon".
ENDING_SOON_DAYS = 28
CLOSED = [SearchStatus.PLACED, SearchStatus.WITHDRAWN, SearchStatus.NO_PLACEMENT_FOUND]
#: The steps where the search waits on its officer rather than on a provider, the social worker or the Director.
OFFICER_STEPS = [SearchStatus.RECEIVED, SearchStatus.PERMISSION_CONFIRMED, SearchStatus.QUALITY_ASSURED,
                 SearchStatus.OPTION_CHOSEN, SearchStatus.NEGOTIATING, SearchStatus.PRE_PLACEMENT_CHECKS,
                 SearchStatus.APPROVED]

OFFICER, DIRECTOR, CHAIR, MEMBER, MANAGER = "officer", "director", "chair", "member", "manager"
ROLE_GROUPS = {
    OFFICER: access.PLACEMENTS_OFFICER,
    DIRECTOR: access.SENIOR_MANAGER,
    CHAIR: access.PANEL_CHAIR,
    MEMBER: access.PANEL_MEMBER,
    MANAGER: access.COMMISSIONING_MANAGER,
}


def roles_of(user) -> list[str]:
    """The home page's sections for this user, in a fixed order; an administrator sees every one."""
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return list(ROLE_GROUPS)
    groups = {group.name for group in user.groups.all()}
    return [role for role, group in ROLE_GROUPS.items() if group in groups]


def _urgency_order():
    return Case(When(urgency=Urgency.EMERGENCY, then=Value(0)), When(urgency=Urgency.URGENT, then=Value(1)),
                default=Value(2), output_field=IntegerField())


# --- Officer -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchRow:
    search: PlacementSearch
    days_open: int
    flagged: bool  # an emergency open longer than EMERGENCY_FLAG_DAYS


@dataclass
class OfficerWorklist:
    my_searches: list[SearchRow]
    my_searches_count: int
    waiting_on_me: list[PlacementSearch]
    waiting_on_me_count: int
    unallocated_count: int
    cost_lines_ending: list[CostLine]
    cost_lines_ending_count: int
    turning_18: list[tuple[object, date]]  # (child, 18th birthday)
    turning_18_count: int
    flagged_count: int = 0


def officer_worklist(user, today: date, as_at: date) -> OfficerWorklist:
    """Seven queries: searches on today's date; placements and birthdays as at the data's date."""
    mine = (PlacementSearch.objects.exclude(status__in=CLOSED).filter(officer=user).select_related("child")
            .annotate(urgency_order=_urgency_order()).order_by("urgency_order", "received", "pk"))
    mine_count = mine.count()
    rows = []
    for search in mine[:SHOWN]:
        days = (today - search.received).days
        rows.append(SearchRow(search, days, search.urgency == Urgency.EMERGENCY and days > EMERGENCY_FLAG_DAYS))
    flagged = mine.filter(urgency=Urgency.EMERGENCY,
                          received__lt=today - timedelta(days=EMERGENCY_FLAG_DAYS)).count()
    waiting = mine.filter(status__in=OFFICER_STEPS)
    unallocated = PlacementSearch.objects.exclude(status__in=CLOSED).filter(officer__isnull=True).count()

    soon = today + timedelta(days=ENDING_SOON_DAYS)
    ending = (CostLine.objects.filter(in_force(as_at), date_to__gte=as_at, date_to__lte=soon)
              .filter(Q(placement__end__isnull=True) | Q(placement__end__gt=F("date_to")))
              .filter(covering(as_at, "placement__"))
              .select_related("placement__child", "placement__provider").order_by("date_to", "pk"))
    # Turning 18 after today and on or before six months on: born in that window, 18 years earlier.
    latest = rules.born_on_or_before_to_be(18, rules.add_months(as_at, 6))
    earliest = rules.born_on_or_before_to_be(18, as_at) + timedelta(days=1)
    children = (care_segments_on(as_at).filter(child__date_of_birth__gte=earliest, child__date_of_birth__lte=latest)
                .select_related("child").order_by("child__date_of_birth", "child_id"))
    turning = [(segment.child, rules.eighteenth_birthday(segment.child.date_of_birth)) for segment in children[:SHOWN]]
    return OfficerWorklist(
        my_searches=rows, my_searches_count=mine_count, flagged_count=flagged,
        waiting_on_me=list(waiting[:SHOWN]), waiting_on_me_count=waiting.count(), unallocated_count=unallocated,
        cost_lines_ending=list(ending[:SHOWN]), cost_lines_ending_count=ending.count(),
        turning_18=turning, turning_18_count=children.count(),
    )


# --- Director ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Downgrade:
    provider_id: int
    provider_name: str
    inspection_date: date
    rating: str
    previous: str
    children: int  # children placed with the provider now


@dataclass
class DirectorWorklist:
    awaiting_approval: list[PlacementSearch]
    awaiting_approval_count: int
    week: object  # tracker.selectors.WeekFigures
    over_threshold: list[Placement]
    threshold: Decimal
    downgrades: list[Downgrade] = field(default_factory=list)


def over_threshold_started(first: date, last: date, threshold: Decimal) -> list[Placement]:
    """External placements starting from ``first`` to ``last`` whose weekly cost on their first day is above the
    panel's threshold (the weekly cost on the later of the start and ``last``'s week start)."""
    started = (Placement.objects.filter(start__gte=first, start__lte=last)
               .annotate(ownership=placement_ownership(), weekly_cost=weekly_cost_subquery(last))
               .filter(ownership=Ownership.EXTERNAL, weekly_cost__gt=threshold)
               .select_related("child", "provider").order_by("-weekly_cost", "pk"))
    return list(started[:SHOWN])


def ofsted_downgrades(since: date, on: date) -> list[Downgrade]:
    """Inspections after ``since`` up to ``on`` that rated a provider lower than its inspection before, for
    providers with a child placed with them on ``on``: two queries."""
    from panel.rules import RATING_RANK

    previous = (OfstedInspection.objects.filter(entry_id=OuterRef("entry_id"), inspection_date__lt=OuterRef("inspection_date"))
                .order_by("-inspection_date").values("overall")[:1])
    placed_with = Provider.objects.filter(pk__in=looked_after_placements(on).values("provider")).values("urn")
    recent = (ratings.with_provider(OfstedInspection.objects.filter(inspection_date__gt=since, inspection_date__lte=on,
                                                                    entry_id__in=placed_with))
              .annotate(previous=Subquery(previous))
              .values_list("provider_id", "provider_name", "inspection_date", "overall", "previous")
              .order_by("-inspection_date", "provider_name"))
    found = [row for row in recent if row[4] and RATING_RANK.get(row[3], 0) > RATING_RANK.get(row[4], 0)]
    if not found:
        return []
    counts = dict(looked_after_placements(on).filter(provider_id__in=[row[0] for row in found]).order_by()
                  .values_list("provider_id").annotate(n=Count("child", distinct=True)))
    return [Downgrade(pid, name, when, rating, before, counts.get(pid, 0)) for pid, name, when, rating, before in found]


def director_worklist(today: date, as_at: date, tracker_week: date | None = None) -> DirectorWorklist:
    """``tracker_week``: the Sunday of the last whole week the data covers, the week the weekly tracker opens on
    (``DataCoverage.last_complete_week_ending``); a week still running would show its starts as none yet."""
    from placements.freshness import remembered
    from tracker.selectors import week_figures

    awaiting = (PlacementSearch.objects.filter(status=SearchStatus.AWAITING_APPROVAL).select_related("child")
                .order_by("received", "pk"))
    week_ending = rules.week_ending(as_at)
    threshold = AuthoritySettings.current().panel_cost_threshold
    monday = week_ending - timedelta(days=6)
    tracker_week = tracker_week or rules.last_complete_week_ending(as_at + timedelta(days=1))
    return DirectorWorklist(
        awaiting_approval=list(awaiting[:SHOWN]), awaiting_approval_count=awaiting.count(),
        week=remembered("week_figures", week_figures, tracker_week),
        over_threshold=over_threshold_started(monday, as_at, threshold), threshold=threshold,
        downgrades=ofsted_downgrades(as_at - timedelta(days=7), as_at),
    )


# --- Panel chair and members -------------------------------------------------------------


@dataclass
class ChairWorklist:
    next_meeting: object | None  # panel.models.PanelMeeting
    items: int
    undecided: int
    overdue_actions: list
    overdue_count: int


def chair_worklist(today: date) -> ChairWorklist:
    from panel.choices import MeetingStatus
    from panel.models import PanelAction, PanelMeeting

    meeting = (PanelMeeting.objects.exclude(status=MeetingStatus.CANCELLED).filter(date__gte=today)
               .annotate(items=Count("reviews", filter=Q(reviews__removed=False, reviews__carried=False)),
                         undecided=Count("reviews", filter=Q(reviews__removed=False, reviews__carried=False,
                                                             reviews__decision="")))
               .order_by("date", "pk").first())
    overdue = (PanelAction.objects.filter(done_on__isnull=True, due__lt=today)
               .select_related("review__child", "review__meeting").order_by("due", "pk"))
    return ChairWorklist(next_meeting=meeting, items=getattr(meeting, "items", 0),
                         undecided=getattr(meeting, "undecided", 0),
                         overdue_actions=list(overdue[:SHOWN]), overdue_count=overdue.count())


@dataclass
class MemberWorklist:
    next_issued: object | None  # the next panel whose agenda is issued
    items: int


def member_worklist(today: date) -> MemberWorklist:
    from panel.choices import MeetingStatus
    from panel.models import PanelMeeting

    meeting = (PanelMeeting.objects.filter(status=MeetingStatus.AGENDA_ISSUED, date__gte=today)
               .annotate(items=Count("reviews", filter=Q(reviews__removed=False, reviews__carried=False)))
               .order_by("date", "pk").first())
    return MemberWorklist(next_issued=meeting, items=getattr(meeting, "items", 0))


# --- Commissioning manager ---------------------------------------------------------------


@dataclass
class ManagerWorklist:
    quality: list[tuple[str, str, int]]  # (section slug, title, rows to check)
    imports: list  # audit.models.AccessEvent, the latest confirmed imports
    forecast: list  # tracker.dashboard.ForecastRow, by category with the total last


def data_quality_counts(on: date) -> list[tuple[str, str, int]]:
    """Each data quality check with the rows it finds (one count each)."""
    from placements.import_views import quality_sections

    counts = []
    for section in quality_sections(on):
        rows = section.rows
        counts.append((section.slug, section.title, rows.count() if hasattr(rows, "count") and not isinstance(
            rows, list) else len(rows)))
    return counts


def budget_forecast(on: date) -> list:
    """Rule C4's forecast for the financial year, by category, against the budgets (tracker.dashboard.forecast)."""
    from tracker import dashboard, frames

    fy_start, _ = rules.financial_year(on)
    reach_back = min(fy_start, on - timedelta(weeks=13))
    return dashboard.forecast(on, frames.cost_line_frame(reach_back, on))


def manager_worklist(as_at: date) -> ManagerWorklist:
    from audit.models import AccessEvent
    from placements.freshness import remembered

    imports = AccessEvent.objects.filter(kind=AccessEvent.Kind.IMPORT, status_code__lt=400).order_by("-at", "-pk")
    return ManagerWorklist(quality=remembered("data_quality_counts", data_quality_counts, as_at),
                           imports=list(imports[:5]),
                           forecast=remembered("home_budget_forecast", budget_forecast, as_at))
