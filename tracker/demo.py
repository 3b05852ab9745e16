"""The demo authority's budgets: each year's budget is last year's spend plus 3% by category, so a
growing demand overspends as the paper describes, and the next two years' plus 3% a year again (for the
forecast's gap to budget); the places it holds (for sufficiency) and one saved forecast scenario.
Called by load_demo (PLACEMENTS_DEMO_MODULES)."""

from datetime import date, timedelta
from decimal import Decimal

from placements import rules
from tracker import dashboard, frames
from tracker.models import Budget, PlacementCapacity, Scenario

DEMO_SCENARIO = "Demo: step-down 20% a year from 14, 10 in-house carers"


def demo_remove() -> None:
    Budget.objects.filter(note=Budget.DEMO_NOTE).delete()
    Scenario.objects.filter(name=DEMO_SCENARIO).delete()
    PlacementCapacity.objects.filter(note=PlacementCapacity.DEMO_NOTE).delete()


def demo_build(*, today: date, seed: int) -> None:
    fy_start = rules.financial_year_start(today)
    first = date(fy_start.year - 3, 4, 1)
    lines = frames.cost_line_frame(first, date(fy_start.year + 1, 3, 31))
    years = dashboard.financial_years(first, fy_start - timedelta(days=1))
    spend = frames.spend_by_period(lines, years, by="category")
    by_year: dict[int, dict[str, float]] = {}
    for row in spend.to_dict("records"):
        by_year.setdefault(row["start"].year, {})[row["category"]] = row["spend"]
    budgets = []
    for year in range(first.year + 1, fy_start.year + 1):
        if Budget.objects.filter(financial_year=year).exists():
            continue  # a real budget is never replaced
        for category, amount in sorted(by_year.get(year - 1, {}).items()):
            if amount > 0:
                budgets.append(Budget(financial_year=year, category=category, note=Budget.DEMO_NOTE,
                                      amount=Decimal(str(round(amount * 1.03, -3)))))
    Budget.objects.bulk_create(budgets)
    planned = []
    this_year = list(Budget.objects.filter(financial_year=fy_start.year, note=Budget.DEMO_NOTE))
    for ahead in (1, 2):
        if Budget.objects.filter(financial_year=fy_start.year + ahead).exists():
            continue
        planned += [Budget(financial_year=fy_start.year + ahead, category=budget.category, note=Budget.DEMO_NOTE,
                           amount=(budget.amount * Decimal("1.03") ** ahead).quantize(Decimal("1000")))
                    for budget in this_year]
    Budget.objects.bulk_create(planned)
    _capacity_build(today)
    _scenario_build()


def _capacity_build(today: date) -> None:
    """Places held as a council might: in-house carers' places a little over the children in them, a few
    beds of its own, and framework places for part of the external demand. A recorded category is kept."""
    from django.db.models import Count

    from placements import selectors
    from placements.choices import PlacementCategory

    counts = dict(selectors.looked_after_placements(today).order_by().values_list("category")
                  .annotate(n=Count("pk")))
    plan = {
        PlacementCategory.FOSTERING_INTERNAL: (counts.get(PlacementCategory.FOSTERING_INTERNAL, 0) + 5, 0),
        PlacementCategory.RESIDENTIAL: (round(counts.get(PlacementCategory.RESIDENTIAL, 0) * 0.15),
                                        round(counts.get(PlacementCategory.RESIDENTIAL, 0) * 0.35)),
        PlacementCategory.FOSTERING_IFA: (0, round(counts.get(PlacementCategory.FOSTERING_IFA, 0) * 0.6)),
        PlacementCategory.SUPPORTED_ACCOMMODATION: (0, round(counts.get(PlacementCategory.SUPPORTED_ACCOMMODATION, 0)
                                                             * 0.5)),
    }
    for category, (in_house, framework) in plan.items():
        PlacementCapacity.objects.get_or_create(category=category, defaults={
            "in_house_places": in_house, "framework_places": framework, "note": PlacementCapacity.DEMO_NOTE})


def _scenario_build() -> None:
    from django.contrib.auth import get_user_model

    from tracker.forecast.scenarios import ScenarioSettings

    author = get_user_model().objects.filter(username="manager").first()
    if author is None:
        return
    settings = ScenarioSettings(step_down_share=20, step_down_age=14, in_house_carers_added=10,
                                uplifts=(("fostering_ifa", 3.0), ("residential", 5.0)))
    Scenario.objects.update_or_create(name=DEMO_SCENARIO, defaults={"author": author,
                                                                    "settings": settings.to_json()})
