"""Reads: querysets and figures for pages, each in a fixed number of queries.

The SQL filters here are the query-side twins of ``placements.rules``
(``covering`` is rule "covers", ``in_force`` is C1's "in force"); tests check
that both sides agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    Exists,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least, Round
from django.db.models.lookups import GreaterThanOrEqual

from placements import planner, rules
from placements.care import daily
from placements.choices import PlacementCategory
from placements.models import CareSegment, Child, CostLine, Placement, Provider
from placements.register import ratings

ZERO_MONEY = Value(Decimal("0.00"), output_field=DecimalField(max_digits=12, decimal_places=2))


def covering(on: date, prefix: str = "") -> Q:
    """Placements that cover ``on`` (start <= on < end, or open)."""
    return Q(**{f"{prefix}start__lte": on}) & (Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gt": on}))


#: A cost line with no 'to' runs on for ever: written so, "in force" is one range on one expression, which
#: the index ``costline_in_force_idx`` holds (migration 0005), so the database reads only the lines that
#: run to the day or later, not ten years of them.
FAR_FUTURE = date(9999, 12, 31)


def last_day_paid(prefix: str = "") -> Coalesce:
    """A cost line's 'to', or the far future while it is in force: the expression the index holds."""
    return Coalesce(F(f"{prefix}date_to"), Value(FAR_FUTURE, DateField()))


def in_force(on: date, prefix: str = "") -> Q:
    """Cost lines in force on ``on`` (from <= on <= to, or no 'to')."""
    return Q(**{f"{prefix}date_from__lte": on}) & Q(GreaterThanOrEqual(last_day_paid(prefix), on))


def placement_ownership(prefix: str = "") -> Case:
    """``rules.placement_ownership`` in SQL: the provider's ownership, else PLACE_PROVIDER's meaning
    (internal, external, or NULL for neither)."""
    from placements.imports.ssda903_codes import PLACE_PROVIDER

    by_code = [When(**{f"{prefix}place_provider": code}, then=Value(meaning.ownership))
               for code, meaning in PLACE_PROVIDER.items() if meaning.ownership]
    return Case(When(**{f"{prefix}provider__isnull": False}, then=F(f"{prefix}provider__ownership")), *by_code,
                default=Value(None), output_field=CharField())


def care_segments_on(on: date) -> QuerySet[CareSegment]:
    """The segments covering ``on``: one per child looked after that day (``placements.care``)."""
    return CareSegment.objects.filter(covering(on))


def looked_after_placements(on: date) -> QuerySet[Placement]:
    """The placement each child looked after on ``on`` is in: one per child (``placements.care``: short
    breaks left out, over-18s left out, the latest start where records overlap)."""
    return Placement.objects.filter(pk__in=looked_after_placement_keys(on))


def looked_after_placement_keys(on: date) -> QuerySet:
    """The keys of ``looked_after_placements(on)``, for rows of another table filtered by their placement
    (``placement_id__in``): ``placement__in=looked_after_placements(on)`` puts the placements table between
    them, which PostgreSQL reads whole (a region's forecast: 0.9 s to 0.46 s)."""
    return care_segments_on(on).values("placement_id")


def weekly_cost_subquery(on: date, placement: str = "pk") -> Subquery:
    """Rule C1 as a correlated subquery, for annotating a placement list without multiplying rows
    (``placement``: the outer query's column holding the placement, for rows that are not placements; ``on``: a
    day, or the outer query's column holding one, ``OuterRef``, for rows each costed on their own day)."""
    lines = (
        CostLine.objects.filter(placement=OuterRef(placement))
        .filter(in_force(on))
        .values("placement")
        .annotate(total=Sum("weekly_amount"))
        .values("total")
    )
    return Coalesce(Subquery(lines, output_field=DecimalField(max_digits=12, decimal_places=2)), ZERO_MONEY)


def weekly_pence_on(on: date) -> dict[int, int]:
    """Rule C1 in pence, for every placement with a cost line in force on ``on``: ``weekly_cost_subquery``'s sum,
    placement by placement, for a reader that needs the weekly cost of tens of thousands (the panel's
    candidates: a correlated sum a placement was 5 microseconds each, 35,000 times). One read of the lines in
    force, from the index ``costline_in_force_idx`` alone, each line's amount in whole pence, summed here
    (``rules.money_of_pence`` gives the amount back)."""
    lines = (CostLine.objects.filter(in_force(on)).order_by()
             .values_list("placement_id", Cast(Round(F("weekly_amount") * 100), BigIntegerField())))
    # The query's rows read at once, not through the query set's iterator (100 rows a fetch: 60 ms more at 95,000).
    pence: dict[int, int] = {}
    found = pence.get
    for placement_id, amount in planner.plain_rows(lines):
        pence[placement_id] = found(placement_id, 0) + amount
    return pence


class DayDifference(Func):
    """Whole days from ``earlier`` to ``later`` (``later - earlier``; negative when ``later`` is earlier)."""

    arity = 2
    output_field = IntegerField()
    template = "(%(expressions)s)"
    arg_joiner = " - "  # PostgreSQL: date - date is a number of days

    def __init__(self, later, earlier, **extra):
        super().__init__(later, earlier, **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="CAST(julianday(%(expressions)s) AS INTEGER)",
                              arg_joiner=") - julianday(", **extra_context)


class DayBefore(Func):
    """The day before a date."""

    arity = 1
    output_field = DateField()
    template = "(%(expressions)s - 1)"  # PostgreSQL: date - integer is a date

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="date(%(expressions)s, '-1 day')", **extra_context)


def first_day_charged(prefix: str = "") -> Greatest:
    """``rules.days_charged``'s first day, in SQL: the later of the line's 'from' and its placement's start."""
    return Greatest(F(f"{prefix}placement__start"), F(f"{prefix}date_from"))


def last_day_charged(prefix: str = "") -> Least:
    """``rules.days_charged``'s last day, in SQL: the earlier of the line's 'to' and the day before the
    child left (the day they leave is not charged); the far future for a line and placement still open."""
    left = Coalesce(DayBefore(F(f"{prefix}placement__end")), Value(FAR_FUTURE, DateField()))
    return Least(last_day_paid(prefix), left)


def days_charged(period_start: date, period_end: date, prefix: str = ""):
    """``rules.days_charged`` as an SQL expression on cost lines (``prefix`` leads to the cost line):
    days in [period_start, period_end] when the line is in force and its placement covers the day."""
    first = Greatest(first_day_charged(prefix), Value(period_start, DateField()))
    last = Least(last_day_charged(prefix), Value(period_end, DateField()))
    return Greatest(DayDifference(last, first) + 1, Value(0))


def lines_in_force(on: date) -> FilteredRelation:
    """A placement's cost lines in force on ``on``, to join and sum (``.alias(in_force=lines_in_force(on))``,
    then ``Sum("in_force__weekly_amount")``): rule C1 for groups of placements in one query."""
    return FilteredRelation("cost_lines", condition=in_force(on, "cost_lines__"))


def overlapping(period_start: date, period_end: date, prefix: str = "") -> Q:
    """Cost lines in force on some day of the inclusive period whose placement covers some day of it."""
    return (
        Q(**{f"{prefix}date_from__lte": period_end})
        & Q(GreaterThanOrEqual(last_day_paid(prefix), period_start))
        & Q(**{f"{prefix}placement__start__lte": period_end})
        & (Q(**{f"{prefix}placement__end__isnull": True}) | Q(**{f"{prefix}placement__end__gt": period_start}))
    )


def weekly_days(period_start: date, period_end: date, prefix: str = "") -> Sum:
    """The sum over cost lines of weekly amount x days charged in the period: rule C2 times 7, exact."""
    return Sum(F(f"{prefix}weekly_amount") * days_charged(period_start, period_end, prefix),
               output_field=DecimalField(max_digits=20, decimal_places=2))


def spend_between(period_start: date, period_end: date, placements: QuerySet[Placement] | None = None) -> Decimal:
    """Rule C2 over an inclusive period, for all placements (from the daily figures, ``placements.care.daily``:
    a row a day) or the ones given (one query, summed in SQL: a region's year of cost lines never leaves the
    database)."""
    if placements is None:
        return daily.spend(period_start, period_end)
    lines = CostLine.objects.filter(overlapping(period_start, period_end)).filter(placement__in=placements)
    total = lines.aggregate(total=weekly_days(period_start, period_end))["total"] or Decimal(0)
    # Pounds and pence times whole days is whole pence: exact on PostgreSQL, and SQLite's floating-point
    # sum is far closer than a penny, so rounding to the penny gives the exact figure on both.
    return total.quantize(rules.PENNY) / 7


@dataclass(frozen=True)
class DayCounts:
    """Who is looked after on a day, and what placements cost that day."""

    on: date
    looked_after: int
    in_paid_placements: int
    placements: int
    residential: int
    weekly_cost: Decimal

    @property
    def residential_share(self) -> Decimal | None:
        return rules.share(self.residential, self.placements)


def day_counts(on: date) -> DayCounts:
    """Looked after, in paid placements (weekly cost above 0), residential, and the weekly cost of every
    placement covering the day (rule C1): from the daily figures (``placements.care.daily``), one query."""
    by_category = daily.totals_on(on, by=("category",))
    looked_after = sum(figures.looked_after for figures in by_category.values())
    return DayCounts(
        on=on,
        looked_after=looked_after,
        in_paid_placements=sum(figures.paid for figures in by_category.values()),
        placements=looked_after,  # each child looked after is in one placement (placements.care)
        residential=by_category.get((PlacementCategory.RESIDENTIAL,), daily.DayFigures()).looked_after,
        weekly_cost=sum((figures.charged for figures in by_category.values()), Decimal("0.00")),
    )


@dataclass(frozen=True)
class HeadlineFigures:
    today: DayCounts
    spend_financial_year_to_date: Decimal
    financial_year_label: str


def headline_figures(on: date) -> HeadlineFigures:
    """The home page's figures for a day: four queries whatever the data."""
    fy_start, _ = rules.financial_year(on)
    return HeadlineFigures(
        today=day_counts(on),
        spend_financial_year_to_date=spend_between(fy_start, on),
        financial_year_label=rules.financial_year_label(fy_start.year),
    )


def child_list(on: date) -> QuerySet[Child]:
    """Children with the category of the placement they are looked after in (or None), for the children list."""
    current = care_segments_on(on).filter(child=OuterRef("pk"))
    return Child.objects.annotate(current_category=Subquery(current.values("placement__category")[:1]))


@dataclass(frozen=True)
class ChildSpend:
    financial_year_label: str
    this_financial_year: Decimal
    to_date: Decimal


def child_spend(child: Child, on: date) -> ChildSpend:
    """What the child's placements have cost (rule C2): from 1 April to ``on``, and from their first cost line."""
    placements = Placement.objects.filter(child=child)
    fy_start, _ = rules.financial_year(on)
    first = CostLine.objects.filter(placement__child=child).order_by("date_from").values_list("date_from", flat=True).first()
    return ChildSpend(
        financial_year_label=rules.financial_year_label(fy_start.year),
        this_financial_year=spend_between(fy_start, on, placements),
        to_date=spend_between(first, on, placements) if first and first <= on else Decimal(0),
    )


def child_detail(pk: int) -> QuerySet[Child]:
    """One child with placements, their providers and cost lines, and DoL orders: three queries."""
    placements = Placement.objects.select_related("provider").prefetch_related("cost_lines").order_by("-start")
    return Child.objects.filter(pk=pk).prefetch_related(Prefetch("placements", queryset=placements), "dol_orders")


def dol_in_force(on: date, prefix: str = "") -> Q:
    """DoL orders in force on ``on`` (the order's end is its last day)."""
    return Q(**{f"{prefix}start__lte": on}) & (Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": on}))


def latest_rating_subquery(on: date) -> Subquery:
    """A provider's Ofsted rating on ``on``, on a provider query (``placements.register.ratings``)."""
    return ratings.latest_rating_subquery(on, "urn")


def current_memberships(on: date) -> QuerySet:
    """Framework memberships in force on ``on`` (the 'member to' day is the last)."""
    from placements.models import FrameworkMembership

    return FrameworkMembership.objects.filter(start__lte=on).exclude(end__lt=on).select_related("framework")


def provider_list(on: date) -> QuerySet[Provider]:
    """Providers with their rating, children placed now and the frameworks they are on that day."""
    return Provider.objects.annotate(
        latest_rating=latest_rating_subquery(on),
        open_placements=Count("placements", filter=covering(on, "placements__")),
        on_framework=Exists(current_memberships(on).filter(provider=OuterRef("pk"))),
    ).prefetch_related(Prefetch("memberships", queryset=current_memberships(on), to_attr="current_memberships")
                       ).order_by("name")


def provider_detail(pk: int, on: date) -> QuerySet[Provider]:
    placements = (
        Placement.objects.filter(covering(on)).select_related("child").annotate(weekly_cost_today=weekly_cost_subquery(on))
    )
    return Provider.objects.filter(pk=pk).prefetch_related(
        "memberships__framework",
        Prefetch("placements", queryset=placements, to_attr="current_placements"),
    )


def placement_list(on: date) -> QuerySet[Placement]:
    return Placement.objects.select_related("child", "provider").annotate(weekly_cost_today=weekly_cost_subquery(on))


def placement_detail(pk: int) -> QuerySet[Placement]:
    return Placement.objects.filter(pk=pk).select_related("child", "provider").prefetch_related("cost_lines")


def weekly_cost_history(placement: Placement, until: date) -> list[tuple[date, Decimal]]:
    """Each day the placement's weekly cost (C1) changes, with the new figure: costs over time."""
    days = {placement.start}
    for line in placement.cost_lines.all():
        days.add(line.date_from)
        if line.date_to:
            days.add(line.date_to + timedelta(days=1))
    last_day = placement.end - timedelta(days=1) if placement.end else until
    history = []
    for day in sorted(d for d in days if placement.start <= d <= last_day):
        cost = placement.weekly_cost_on(day)
        if not history or history[-1][1] != cost:
            history.append((day, cost))
    return history


# --- Searches and cost avoidance ---------------------------------------------------------


def search_list() -> QuerySet:
    from placements.models import PlacementSearch

    return PlacementSearch.objects.select_related("child", "officer").order_by("-received", "-pk")


def search_detail(pk: int, on: date) -> QuerySet:
    """One search with its child, chronology and offers, each offer's provider with its framework memberships:
    a fixed number of queries (the providers' ratings: ``ratings.latest_by_provider``)."""
    from placements.models import ChronologyEntry, Offer, PlacementSearch

    offers = Offer.objects.select_related("provider").prefetch_related(
        "extras", "provider__memberships__framework",
    ).order_by("offered_on", "pk")
    chronology = ChronologyEntry.objects.select_related("user", "provider").order_by("at", "pk")
    return PlacementSearch.objects.filter(pk=pk).select_related("child", "officer", "outcome_placement").prefetch_related(
        Prefetch("offers", queryset=offers), Prefetch("chronology", queryset=chronology))


@dataclass(frozen=True)
class SearchFigures:
    open: int
    mine: int
    awaiting_approval: int
    by_status: list[tuple[str, int]]
    median_days_to_place: list[tuple[str, float, int]]  # category label, median days, searches


def search_figures(user, today: date) -> SearchFigures:
    """Where searches stand and where they stall: three queries."""
    import statistics

    from placements.choices import SearchStatus
    from placements.models import PlacementSearch

    closed = [SearchStatus.PLACED, SearchStatus.WITHDRAWN, SearchStatus.NO_PLACEMENT_FOUND]
    open_searches = PlacementSearch.objects.exclude(status__in=closed)
    counts = dict(open_searches.order_by().values_list("status").annotate(n=Count("pk")))
    by_status = [(label, counts.get(value, 0)) for value, label in SearchStatus.choices if value not in closed]
    placed = PlacementSearch.objects.filter(status=SearchStatus.PLACED, received__gte=today.replace(year=today.year - 1)
                                            ).values_list("category_requested", "received", "closed_on")
    days: dict[str, list[int]] = {}
    for category, received, closed_on in placed:
        if closed_on:
            days.setdefault(category, []).append((closed_on - received).days)
    medians = [(PlacementCategory(category).label, statistics.median(values), len(values))
               for category, values in sorted(days.items())]
    return SearchFigures(
        open=sum(counts.values()), mine=open_searches.filter(officer=user).count(),
        awaiting_approval=counts.get(SearchStatus.AWAITING_APPROVAL, 0), by_status=by_status,
        median_days_to_place=medians,
    )


def cost_avoidance_list() -> QuerySet:
    from placements.models import CostAvoidance

    return CostAvoidance.objects.select_related("child", "placement", "recorded_by").order_by("-date_agreed", "-pk")
